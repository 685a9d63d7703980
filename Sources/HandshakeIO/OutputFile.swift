#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where an output goes: standard output, or a file.
///
/// A regular file (or a name not yet taken) is written all-or-nothing: into a temporary file
/// beside it, renamed over the target only when every byte is written, so a failed export never
/// leaves a half-written file. A symbolic link is followed and its target written, never the
/// link replaced. Anything else that can be written (a character device such as `/dev/null`, a
/// FIFO with a reader) is written through: renaming onto it would replace the device. Every
/// write error is reported (`/dev/full` says "No space left on device").
public final class OutputFile {
  /// A write failed; `message` names the file and the reason.
  public struct Failure: Error, Hashable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
    public init(message: String) { self.message = message }
  }

  let shown: String
  /// The file the temporary one is renamed onto (nil when writing through).
  let target: String?
  let temporary: String?
  let fd: Int32
  private var done = false

  /// Opens `path` for writing (nil or "-" for standard output).
  public init(path: String?) throws(Failure) {
    guard let path, path != "-" else {
      shown = "standard output"
      target = nil
      temporary = nil
      fd = 1
      return
    }
    shown = path
    let resolved = try OutputFile.followLinks(path)
    var st = stat()
    let exists = stat(resolved, &st) == 0
    if exists && FileKind(mode: st.st_mode) != .regular {
      let kind = FileKind(mode: st.st_mode)
      switch kind {
      case .directory:
        throw Failure(message: "cannot write \(path): it is a directory")
      case .fifo, .characterDevice:
        // Non-blocking open: a FIFO with no reader fails at once instead of waiting.
        let fd = open(resolved, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
          let why = errno == ENXIO ? "nothing is reading from this FIFO" : OutputFile.reason()
          throw Failure(message: "cannot write \(path): \(why)")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
        self.fd = fd
        target = nil
        temporary = nil
        return
      default:
        throw Failure(message: "cannot write \(path): it is a \(kind.name)")
      }
    }
    // The temporary file must be in the same directory for the rename to be atomic.
    let slash = resolved.lastIndex(of: "/")
    let dir = slash.map { String(resolved[...$0]) } ?? ""
    let base = slash.map { String(resolved[resolved.index(after: $0)...]) } ?? resolved
    guard !base.isEmpty else {
      throw Failure(message: "cannot write \(path): it names a directory")
    }
    var template = Array((dir + "." + base + ".XXXXXX").utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { b -> Int32 in
      guard let p = b.baseAddress else { return -1 }
      return mkstemp(p)
    }
    guard fd >= 0 else { throw Failure(message: "cannot write \(path): \(OutputFile.reason())") }
    target = resolved
    temporary = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    self.fd = fd
    // mkstemp makes the file 0600; an export is an ordinary file, or keeps the mode it had.
    fchmod(fd, exists ? st.st_mode & 0o7777 : 0o644)
  }

  /// The path a chain of symbolic links ends at (which need not exist yet).
  static func followLinks(_ path: String) throws(Failure) -> String {
    var p = path
    for _ in 0..<40 {
      var st = stat()
      guard lstat(p, &st) == 0, FileKind(mode: st.st_mode) == .symlink else { return p }
      var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
      let n = readlink(p, &buf, buf.count - 1)
      guard n >= 0 else { throw Failure(message: "cannot write \(path): \(reason())") }
      let link = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
      if link.hasPrefix("/") {
        p = link
      } else if let slash = p.lastIndex(of: "/") {
        p = String(p[...slash]) + link
      } else {
        p = link
      }
    }
    throw Failure(message: "cannot write \(path): a loop of symbolic links")
  }

  /// Writes all of `bytes`.
  public func write(_ bytes: [UInt8]) throws(Failure) {
    var offset = 0
    while offset < bytes.count {
      let n = bytes[offset...].withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw Failure(message: "cannot write \(shown): \(OutputFile.reason())")
      }
      offset += n
    }
  }

  /// Writes a string as UTF-8.
  public func write(_ text: String) throws(Failure) { try write(Array(text.utf8)) }

  /// Puts the file in place (once). Without this, `deinit` removes the temporary file.
  public func commit() throws(Failure) {
    guard !done else { return }
    done = true
    guard let target, let temporary else {
      // Written through: a device reports a late error when it is closed.
      if fd != 1 && close(fd) != 0 {
        throw Failure(message: "cannot write \(shown): \(OutputFile.reason())")
      }
      return
    }
    if fsync(fd) != 0 || close(fd) != 0 {
      let why = OutputFile.reason()
      unlink(temporary)
      throw Failure(message: "cannot write \(shown): \(why)")
    }
    if rename(temporary, target) != 0 {
      let why = OutputFile.reason()
      unlink(temporary)
      throw Failure(message: "cannot write \(shown): \(why)")
    }
  }

  deinit {
    guard !done else { return }
    if let temporary {
      close(fd)
      unlink(temporary)
    } else if fd != 1 {
      close(fd)
    }
  }

  static func reason() -> String { String(cString: strerror(errno)) }
}
