import Foundation

/// Runs a program and waits for it, the way the tests and the benchmark need: posix_spawn with
/// standard input from /dev/null, output to files rather than pipes, no inherited descriptors,
/// no blocked signals. Foundation's Process with a pipe is unsafe here: a daemon the child
/// starts (the tmux server) would inherit the pipe and keep the call from ever returning.
public enum Spawn {
  /// What a finished program left: its exit status (128 + n if signal n killed it), and what it
  /// wrote to standard output and standard error.
  public struct Result: Sendable {
    public var status: Int32
    public var stdout: String
    public var stderr: String
  }

  /// The first executable called `name` on PATH (or at one of `extra`).
  public static func which(_ name: String, extra: [String] = []) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
    let candidates = extra + path.split(separator: ":").map { "\($0)/\(name)" }
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  /// Runs `argv` to completion, capturing both outputs.
  public static func run(_ argv: [String], environment: [String: String]? = nil) throws -> Result {
    let dir = FileManager.default.temporaryDirectory
    let tag = "hs-spawn-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    let out = dir.appendingPathComponent(tag + ".out").path
    let err = dir.appendingPathComponent(tag + ".err").path
    defer {
      unlink(out)
      unlink(err)
    }
    let status = try run(argv, environment: environment, stdout: out, stderr: err)
    return Result(
      status: status,
      stdout: (try? String(contentsOfFile: out, encoding: .utf8)) ?? "",
      stderr: (try? String(contentsOfFile: err, encoding: .utf8)) ?? "")
  }

  /// Runs `argv` to completion with its outputs sent to files (or /dev/null), and returns its
  /// exit status.
  @discardableResult
  public static func run(
    _ argv: [String], environment: [String: String]? = nil, stdout: String?, stderr: String?
  ) throws -> Int32 {
    let env = environment ?? ProcessInfo.processInfo.environment
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(
      &actions, 1, stdout ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    posix_spawn_file_actions_addopen(
      &actions, 2, stderr ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    // A daemon the child starts may outlive this call: it must not inherit other tests' pipes.
    let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    for fd in open.compactMap({ Int32($0) }) where fd > 2 && fcntl(fd, F_GETFD) != -1 {
      posix_spawn_file_actions_addclose(&actions, fd)
    }
    var cargs = argv.map { strdup($0) } + [nil]
    var cenv = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
      for p in cargs { free(p) }
      for p in cenv { free(p) }
    }
    // The test runs on a worker thread that blocks most signals; the child must start with
    // none blocked and default handlers, as it would from a terminal.
    var attr = posix_spawnattr_t()
    posix_spawnattr_init(&attr)
    defer { posix_spawnattr_destroy(&attr) }
    var empty = sigset_t()
    sigemptyset(&empty)
    var all = sigset_t()
    sigfillset(&all)
    posix_spawnattr_setsigmask(&attr, &empty)
    posix_spawnattr_setsigdefault(&attr, &all)
    posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    var pid: pid_t = 0
    let rc = posix_spawn(&pid, argv[0], &actions, &attr, &cargs, &cenv)
    guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    // WIFEXITED / WEXITSTATUS / WTERMSIG, which Swift does not import as macros.
    let signal = status & 0x7F
    return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
  }
}
