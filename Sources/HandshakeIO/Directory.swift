#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reading a directory's names without Foundation.
public enum Directory {
  /// The names in `path` (without "." and ".."), sorted. A missing path, or one that is not a
  /// directory, is one clear line.
  public static func names(in path: String) throws(InputError) -> [String] {
    guard let d = opendir(path) else {
      let e = errno
      switch e {
      case ENOENT: throw InputError(path: path, "no such directory")
      case ENOTDIR: throw InputError(path: path, "not a directory")
      default: throw InputError(path: path, InputFile.openFailure(e))
      }
    }
    defer { closedir(d) }
    var out: [String] = []
    while let e = readdir(d) {
      let name = withUnsafeBytes(of: e.pointee.d_name) { raw -> String in
        let bytes = raw.prefix { $0 != 0 }
        return String(decoding: bytes, as: UTF8.self)
      }
      if name != "." && name != ".." { out.append(name) }
    }
    return out.sorted()
  }
}
