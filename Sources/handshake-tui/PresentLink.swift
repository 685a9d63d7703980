import Foundation
import HandshakeApp
import HandshakeIO

#if canImport(Glibc)
  import Glibc
#endif

/// The projector and the presenter console talk over a Unix socket that is the user's alone:
/// `$XDG_RUNTIME_DIR/handshake-tui/present.sock` (that folder is the user's by the system's
/// rules), or `/tmp/handshake-tui-UID/present.sock` in a folder made with mode 0700 and checked
/// to be the user's. Everything is non-blocking: a slow or vanished presenter never holds up
/// the projector's screen (a line that cannot be written now is dropped; the next state line
/// says everything again).
enum PresentSocket {
  struct Failure: Error, CustomStringConvertible { var description: String }

  /// The socket's path, its folder made (0700) and checked.
  static func path() throws(Failure) -> String {
    let base =
      Environment["XDG_RUNTIME_DIR"].flatMap { $0.isEmpty ? nil : $0 + "/handshake-tui" }
      ?? "/tmp/handshake-tui-\(getuid())"
    if mkdir(base, 0o700) != 0 && errno != EEXIST {
      throw Failure(description: "cannot make \(base): \(String(cString: strerror(errno)))")
    }
    var st = stat()
    guard lstat(base, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else {
      throw Failure(description: "\(base) is not a folder")
    }
    // Someone else's folder, or one others can write in, could let them in: refuse it.
    guard st.st_uid == getuid(), st.st_mode & 0o077 == 0 else {
      throw Failure(
        description:
          "\(base) is not yours alone (owner \(st.st_uid), mode \(String(st.st_mode & 0o777, radix: 8))): remove it and try again"
      )
    }
    return base + "/present.sock"
  }

  static func address(_ path: String) -> (sockaddr_un, socklen_t) {
    var a = sockaddr_un()
    a.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8.prefix(MemoryLayout.size(ofValue: a.sun_path) - 1))
    withUnsafeMutableBytes(of: &a.sun_path) { raw in
      for (i, b) in bytes.enumerated() { raw[i] = b }
      raw[bytes.count] = 0
    }
    return (a, socklen_t(MemoryLayout<sockaddr_un>.size))
  }

  /// A connected, non-blocking stream socket to `path`, or nil.
  static func connect(_ path: String) -> Int32? {
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return nil }
    var (a, len) = address(path)
    let ok = withUnsafePointer(to: &a) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, len) }
    }
    guard ok == 0 else {
      close(fd)
      return nil
    }
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    return fd
  }
}

/// Lines in and out of one non-blocking socket.
final class LineChannel {
  let fd: Int32
  var pending: [UInt8] = []
  var closed = false

  init(_ fd: Int32) { self.fd = fd }
  deinit { close(fd) }

  /// The complete lines that have arrived (the channel is `closed` once the peer has gone).
  func lines() -> [String] {
    var buf = [UInt8](repeating: 0, count: 4096)
    while !closed {
      let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
      if n > 0 {
        pending += buf[0..<n]
        // A peer that never ends a line is not one of us: drop what it sends.
        if pending.count > 1 << 16 { pending = [] }
      } else if n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        closed = true
      } else {
        break
      }
    }
    var out: [String] = []
    while let nl = pending.firstIndex(of: 0x0A) {
      out.append(String(decoding: pending[..<nl], as: UTF8.self))
      pending.removeSubrange(...nl)
    }
    return out
  }

  /// Sends a line if the socket takes it now; a line it cannot take whole is dropped.
  func send(_ line: String) {
    guard !closed else { return }
    let bytes = Array((line + "\n").utf8)
    let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    // Half a line would run into the next one: a peer that far behind is let go (it connects
    // again and is told everything afresh).
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) || (n >= 0 && n < bytes.count) {
      closed = true
    }
  }
}

/// The projector's end: it listens; one presenter at a time (a new one takes over).
final class ProjectorLink {
  let path: String
  let listener: Int32
  var presenter: LineChannel?
  /// Connections that have not said hello yet.
  var pending: [LineChannel] = []
  /// A presenter has just connected: it needs the lesson list and the state.
  var fresh = false

  /// Listens at the socket; a socket left by a run that crashed is replaced; a projector still
  /// running there is a refusal (another `play --present` of this user).
  init() throws(PresentSocket.Failure) {
    path = try PresentSocket.path()
    if let fd = PresentSocket.connect(path) {
      close(fd)
      throw PresentSocket.Failure(
        description: Assets.strings(.en).format("presenter_refused", ["path": path]))
    }
    unlink(path)  // nothing answers there: a stale socket, or none
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    var (a, len) = PresentSocket.address(path)
    let bound = withUnsafePointer(to: &a) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) }
    }
    guard fd >= 0, bound == 0, chmod(path, 0o600) == 0, listen(fd, 4) == 0 else {
      let why = String(cString: strerror(errno))
      if fd >= 0 { close(fd) }
      throw PresentSocket.Failure(description: "cannot listen at \(path): \(why)")
    }
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    listener = fd
  }

  deinit {
    close(listener)
    unlink(path)
  }

  /// What the presenter sent since the last look (a new presenter is taken on here).
  func poll() -> [PresenterMessage] {
    while true {
      let c = accept(listener, nil, nil)
      guard c >= 0 else { break }
      _ = fcntl(c, F_SETFL, fcntl(c, F_GETFL) | O_NONBLOCK)
      pending.append(LineChannel(c))
    }
    var messages: [PresenterMessage] = []
    // A connection that says hello is the presenter now (a new one takes over from the old);
    // one that closes, or talks nonsense, without it is forgotten.
    for (i, p) in pending.enumerated().reversed() {
      let said = p.lines().compactMap(PresenterMessage.init(line:))
      if let hello = said.firstIndex(of: .hello) {
        pending.remove(at: i)
        presenter = p
        fresh = true
        messages += said[(hello + 1)...]
      } else if p.closed || pending.count > 8 {
        pending.remove(at: i)
      }
    }
    guard let p = presenter else { return messages }
    messages += p.lines().compactMap(PresenterMessage.init(line:))
    if p.closed { presenter = nil }
    return messages
  }

  func send(_ m: PresenterMessage) { presenter?.send(m.line) }
}

/// The presenter's end: it connects, and connects again whenever the projector comes back.
final class PresenterLink {
  let path: String
  var channel: LineChannel?
  var lastTry: ContinuousClock.Instant? = nil

  init() throws(PresentSocket.Failure) { path = try PresentSocket.path() }

  var connected: Bool { channel != nil }

  /// What the projector said since the last look; (re)connects at most twice a second.
  func poll() -> [PresenterMessage] {
    if channel == nil {
      let now = ContinuousClock.now
      if let t = lastTry, now - t < .milliseconds(500) { return [] }
      lastTry = now
      guard let fd = PresentSocket.connect(path) else { return [] }
      channel = LineChannel(fd)
      channel?.send(PresenterMessage.hello.line)
    }
    guard let c = channel else { return [] }
    let messages = c.lines().compactMap(PresenterMessage.init(line:))
    if c.closed { channel = nil }
    return messages
  }

  func send(_ m: PresenterMessage) { channel?.send(m.line) }
}
