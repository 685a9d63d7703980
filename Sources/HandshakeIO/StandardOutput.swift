import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Standard output for the commands that print (trace, list, render): buffered, written with
/// write(2), and every failure kept, so a full disk or a closed pipe is reported at the end
/// instead of the program claiming success.
public final class StandardOutput: Sendable {
  /// The one standard output.
  public static let shared = StandardOutput()

  struct State {
    var buffer: [UInt8] = []
    var error: Int32 = 0
  }
  private let state = Mutex(State())

  /// Appends a line (a newline is added).
  public func line(_ text: String) {
    state.withLock { s in
      s.buffer.append(contentsOf: text.utf8)
      s.buffer.append(0x0A)
      if s.buffer.count >= 1 << 16 { StandardOutput.drain(&s) }
    }
  }

  /// Writes what is buffered; throws the first error any write met.
  public func finish() throws(OutputFile.Failure) {
    let e = state.withLock { s -> Int32 in
      StandardOutput.drain(&s)
      return s.error
    }
    if e != 0 {
      throw OutputFile.Failure(
        message: "cannot write standard output: \(String(cString: strerror(e)))")
    }
  }

  static func drain(_ s: inout State) {
    defer { s.buffer.removeAll(keepingCapacity: true) }
    guard s.error == 0 else { return }
    var offset = 0
    while offset < s.buffer.count {
      let n = s.buffer[offset...].withUnsafeBytes { systemWrite(1, $0.baseAddress, $0.count) }
      if n < 0 {
        if errno == EINTR { continue }
        s.error = errno
        return
      }
      offset += n
    }
  }
}
