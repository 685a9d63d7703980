#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A log that grows by whole lines (a quiz log a teacher collects): opened to append, created
/// if missing, never truncated or replaced; each line goes out in one write(2), so lines from
/// several students' sessions appending to one file do not interleave.
public final class AppendFile {
  let fd: Int32
  let path: String

  public init(path: String) throws(OutputFile.Failure) {
    self.path = path
    var st = stat()
    if stat(path, &st) == 0 && FileKind(mode: st.st_mode) == .directory {
      throw OutputFile.Failure(message: "cannot write \(path): it is a directory")
    }
    let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NONBLOCK | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      let why = errno == ENXIO ? "nothing is reading from this FIFO" : OutputFile.reason()
      throw OutputFile.Failure(message: "cannot write \(path): \(why)")
    }
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
    self.fd = fd
  }

  deinit { close(fd) }

  /// Appends one line (a newline is added).
  public func append(line: String) throws(OutputFile.Failure) {
    let bytes = Array((line + "\n").utf8)
    let n = bytes.withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
    guard n == bytes.count else {
      throw OutputFile.Failure(
        message: "cannot write \(path): \(n < 0 ? OutputFile.reason() : "a short write")")
    }
  }
}
