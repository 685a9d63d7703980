#if canImport(Glibc)
  import Glibc
  private let sysRead = Glibc.read
#elseif canImport(Darwin)
  import Darwin
  private let sysRead = Darwin.read
#endif

/// A program started with its standard output (and error) on pipes we read: how `live` runs
/// tcpdump. posix_spawn, standard input from /dev/null, only the pipes inherited.
// @unchecked Sendable is safe: the descriptors and pid are set once in init and only read
// after; `wait` and `terminate` are called from the one thread that owns the child.
public final class ChildProcess: @unchecked Sendable {  // safe: see the comment above
  public let pid: pid_t
  /// Read ends of the child's standard output and standard error.
  public let stdout: Int32
  public let stderr: Int32

  public struct Failure: Error, CustomStringConvertible {
    public var description: String
  }

  /// The first executable called `name` on PATH (or in /usr/sbin and /sbin, where tcpdump
  /// lives on Debian).
  public static func which(_ name: String) -> String? {
    let path = String(cString: getenv("PATH") ?? strdup("/usr/bin:/bin"))
    for dir in path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin"] {
      let p = dir + "/" + name
      if access(p, X_OK) == 0 { return p }
    }
    return nil
  }

  public init(_ argv: [String]) throws(Failure) {
    var out: [Int32] = [0, 0]
    var err: [Int32] = [0, 0]
    guard pipe(&out) == 0, pipe(&err) == 0 else {
      throw Failure(description: "cannot make a pipe: \(String(cString: strerror(errno)))")
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_adddup2(&actions, out[1], 1)
    posix_spawn_file_actions_adddup2(&actions, err[1], 2)
    for fd in [out[0], out[1], err[0], err[1]] { posix_spawn_file_actions_addclose(&actions, fd) }
    var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
    defer { for p in cargs { free(p) } }
    // The child starts with no signal blocked and the usual actions: a parent started by a
    // test runner (or with SIGINT ignored, as `live` does) would otherwise hand tcpdump a mask
    // under which SIGTERM never arrives, and `terminate` would wait for ever.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var none = sigset_t()
    sigemptyset(&none)
    posix_spawnattr_setsigmask(&attributes, &none)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for s in [SIGINT, SIGTERM, SIGPIPE, SIGHUP, SIGQUIT] { sigaddset(&defaults, s) }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var child: pid_t = 0
    let rc = posix_spawn(&child, argv[0], &actions, &attributes, &cargs, environ)
    close(out[1])
    close(err[1])
    guard rc == 0 else {
      close(out[0])
      close(err[0])
      throw Failure(description: "cannot run \(argv[0]): \(String(cString: strerror(rc)))")
    }
    pid = child
    stdout = out[0]
    stderr = err[0]
  }

  /// Up to `count` bytes of the child's standard output; empty when it has closed it.
  public func read(upTo count: Int) -> [UInt8] {
    var buf = [UInt8](repeating: 0, count: max(1, count))
    while true {
      let n = buf.withUnsafeMutableBytes { sysRead(stdout, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      return n <= 0 ? [] : Array(buf[0..<n])
    }
  }

  /// What the child wrote on standard error so far (it must have exited or closed it).
  public func errorText(limit: Int = 4096) -> String {
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 1024)
    while out.count < limit {
      let n = buf.withUnsafeMutableBytes { sysRead(stderr, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { break }
      out += buf[0..<n]
    }
    return String(decoding: out, as: UTF8.self)
  }

  public func terminate() { kill(pid, SIGTERM) }

  deinit { close(stderr) }

  /// Waits for the child; its exit status, or 128 + the signal that ended it. A child still
  /// running `killAfter` seconds after it was asked to end is killed, so nothing waits for ever.
  @discardableResult
  public func wait(killAfter: Double = 2) -> Int32 {
    var status: Int32 = 0
    var waited = 0.0
    while true {
      let r = waitpid(pid, &status, WNOHANG)
      if r == pid || (r < 0 && errno != EINTR) { break }
      if waited >= killAfter {
        kill(pid, SIGKILL)
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        break
      }
      usleep(10_000)
      waited += 0.01
    }
    // Standard error stays open for `errorText`: what tcpdump said is read after it ended.
    close(stdout)
    if status & 0x7F == 0 { return (status >> 8) & 0xFF }
    return 128 + (status & 0x7F)
  }
}
