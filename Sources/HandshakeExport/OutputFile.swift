#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where an export goes: standard output, or a file written all-or-nothing (into a temporary
/// file beside it, renamed over the target only when every byte is written), so a failed export
/// never leaves a half-written file behind.
public final class OutputFile {
  /// A write failed; `message` names the file and the reason.
  public struct Failure: Error, CustomStringConvertible {
    public let message: String
    public var description: String { message }
  }

  let path: String?
  let temporary: String?
  let fd: Int32
  private var done = false

  /// Opens `path` for writing (nil or "-" for standard output).
  public init(path: String?) throws(Failure) {
    guard let path, path != "-" else {
      self.path = nil
      self.temporary = nil
      self.fd = 1
      return
    }
    // The temporary file must be in the same directory for the rename to be atomic.
    let slash = path.lastIndex(of: "/")
    let dir = slash.map { String(path[...$0]) } ?? ""
    let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
    guard !base.isEmpty else {
      throw Failure(message: "cannot write \(path): it names a directory")
    }
    var template = Array((dir + "." + base + ".XXXXXX").utf8CString)
    let fd = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
    guard fd >= 0 else { throw Failure(message: "cannot write \(path): \(OutputFile.reason())") }
    self.path = path
    self.temporary = String(
      decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
    self.fd = fd
    // mkstemp makes the file 0600; an export is an ordinary file.
    fchmod(fd, 0o644)
  }

  /// Writes all of `bytes`.
  public func write(_ bytes: [UInt8]) throws(Failure) {
    var offset = 0
    while offset < bytes.count {
      let n = bytes[offset...].withUnsafeBytes { systemWrite(fd, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        throw Failure(message: "cannot write \(path ?? "standard output"): \(OutputFile.reason())")
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
    guard let path, let temporary else { return }
    if fsync(fd) != 0 || close(fd) != 0 {
      let why = OutputFile.reason()
      unlink(temporary)
      throw Failure(message: "cannot write \(path): \(why)")
    }
    if rename(temporary, path) != 0 {
      let why = OutputFile.reason()
      unlink(temporary)
      throw Failure(message: "cannot write \(path): \(why)")
    }
  }

  deinit {
    if !done, let temporary {
      close(fd)
      unlink(temporary)
    }
  }

  static func reason() -> String { String(cString: strerror(errno)) }
}

/// write(2), whichever C library has it.
private func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer?, _ n: Int) -> Int {
  #if canImport(Glibc)
    Glibc.write(fd, p, n)
  #else
    Darwin.write(fd, p, n)
  #endif
}
