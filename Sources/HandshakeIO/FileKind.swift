#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What a path names, from its `stat` mode.
public enum FileKind: Hashable, Sendable {
  case regular, directory, fifo, characterDevice, blockDevice, socket, symlink, other

  public init(mode: mode_t) {
    switch mode & S_IFMT {
    case S_IFREG: self = .regular
    case S_IFDIR: self = .directory
    case S_IFIFO: self = .fifo
    case S_IFCHR: self = .characterDevice
    case S_IFBLK: self = .blockDevice
    case S_IFSOCK: self = .socket
    case S_IFLNK: self = .symlink
    default: self = .other
    }
  }

  /// What the path is, following symbolic links; nil with the reason when it cannot be told.
  public static func of(_ path: String) -> Result<FileKind, InputError> {
    var st = stat()
    guard stat(path, &st) == 0 else {
      return .failure(InputError(path: path, InputFile.openFailure(errno)))
    }
    return .success(FileKind(mode: st.st_mode))
  }

  /// In words, for messages: "a FIFO".
  public var name: String {
    switch self {
    case .regular: "regular file"
    case .directory: "directory"
    case .fifo: "FIFO"
    case .characterDevice: "character device"
    case .blockDevice: "block device"
    case .socket: "socket"
    case .symlink: "symbolic link"
    case .other: "special file"
    }
  }

  /// Why a path of this kind is not read.
  var refusal: String {
    switch self {
    case .directory: "is a directory, not a file"
    default: "is a \(name), not a file that can be read"
    }
  }
}
