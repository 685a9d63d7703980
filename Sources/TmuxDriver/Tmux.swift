import Foundation

/// Drives a program in a private tmux server: keys in with send-keys, the screen out with
/// capture-pane. Every wait polls with a deadline; nothing sleeps a fixed time. Used by the
/// end-to-end tests and the benchmark.
public final class Tmux {
  /// A wait that ran out, with the screen as it was.
  public struct Timeout: Error, CustomStringConvertible {
    public var what: String
    public var screen: String
    public var description: String { "timed out waiting for \(what); the screen was:\n\(screen)" }
  }

  public static let path: String? = ["/usr/bin/tmux", "/usr/local/bin/tmux", "/bin/tmux"].first {
    FileManager.default.isExecutableFile(atPath: $0)
  }
  public static var available: Bool { path != nil }
  /// CI sets this so that a missing tmux fails instead of skipping.
  public static var required: Bool {
    ProcessInfo.processInfo.environment["HANDSHAKE_REQUIRE_E2E"] == "1"
  }

  /// The handshake-tui binary built next to the running executable (the test bundle or the
  /// benchmark).
  public static let binary: String = {
    let exe = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    for dir in [exe, exe.deletingLastPathComponent()] {
      let p = dir.appendingPathComponent("handshake-tui").path
      if FileManager.default.isExecutableFile(atPath: p) { return p }
    }
    return exe.appendingPathComponent("handshake-tui").path
  }()

  public let socket: String
  public let session = "e2e"
  public let dir: URL

  public init() throws {
    socket = "hs-e2e-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
    dir = FileManager.default.temporaryDirectory.appendingPathComponent(socket)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  }

  deinit {
    _ = try? run(["kill-server"], capture: false)
    try? FileManager.default.removeItem(at: dir)
  }

  /// Runs a tmux command and returns what it printed (see `Spawn` for why not Process).
  @discardableResult
  public func run(_ args: [String], capture: Bool = true) throws -> String {
    let outFile = dir.appendingPathComponent("out-\(UInt32.random(in: 0...UInt32.max))").path
    defer { unlink(outFile) }
    var env = ProcessInfo.processInfo.environment
    env["LANG"] = "C.UTF-8"
    env["LC_ALL"] = "C.UTF-8"
    if env["TERM"] == nil || env["TERM"] == "dumb" { env["TERM"] = "xterm-256color" }
    let argv = [Tmux.path ?? "/usr/bin/tmux", "-L", socket, "-u"] + args
    try Spawn.run(argv, environment: env, stdout: capture ? outFile : nil, stderr: nil)
    guard capture else { return "" }
    return (try? String(contentsOfFile: outFile, encoding: .utf8)) ?? ""
  }

  /// Starts `command` (a shell command line) in a new window of the given size.
  public func start(_ command: String, width: Int = 100, height: Int = 30) throws {
    try run(
      [
        "new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)",
        "env LANG=C.UTF-8 LC_ALL=C.UTF-8 " + command,
      ], capture: false)
  }

  /// Starts an interactive shell with job control (for Ctrl-C and Ctrl-Z), prompt "READY> ".
  public func startShell(width: Int = 100, height: Int = 30) throws {
    try start("env PS1='READY> ' bash --norc --noprofile -i", width: width, height: height)
  }

  /// Types a command line that runs the binary between two snapshots of the terminal settings.
  public func typeBinaryCommand(_ args: String = "") throws {
    let d = dir.path
    try keys(
      "stty -g > \(d)/before; \(Tmux.binary) \(args); echo EXIT=$?; stty -g > \(d)/after", "Enter")
  }

  /// Runs the binary with `args`, recording the terminal settings before and after and its
  /// exit status, then keeps the pane open.
  public func startBinary(
    _ args: String = "", environment: String = "", width: Int = 100, height: Int = 30
  ) throws {
    let d = dir.path
    try start(
      "sh -c 'stty -g > \(d)/before; \(environment) \(Tmux.binary) \(args); echo EXIT=$?; stty -g > \(d)/after; sleep 600'",
      width: width, height: height)
  }

  public func keys(_ k: String...) throws { try run(["send-keys", "-t", session] + k) }

  public func screen() throws -> String { try run(["capture-pane", "-t", session, "-p"]) }

  public func resize(_ w: Int, _ h: Int) throws {
    try run(["resize-window", "-t", session, "-x", "\(w)", "-y", "\(h)"])
  }

  /// Waits until the screen contains `text`; fails after `seconds`.
  @discardableResult
  public func wait(for text: String, seconds: Double = 10) throws -> String {
    try wait(until: { $0.contains(text) }, "'\(text)'", seconds: seconds)
  }

  /// Waits until the screen satisfies `condition`; fails after `seconds`.
  @discardableResult
  public func wait(until condition: (String) -> Bool, _ what: String, seconds: Double = 10) throws
    -> String
  {
    let deadline = Date().addingTimeInterval(seconds)
    var last = ""
    var matched: String?
    var settleUntil = Date.distantFuture
    while Date() < deadline {
      last = try screen()
      if condition(last) {
        // A capture can land in the middle of a redraw (the status line painted, the body not
        // yet), so a match counts once two captures in a row agree; a screen that keeps moving
        // (an animation) is taken as it is after half a second.
        if last == matched || Date() > settleUntil { return last }
        if matched == nil { settleUntil = Date().addingTimeInterval(0.5) }
        matched = last
      } else {
        matched = nil
        settleUntil = .distantFuture
      }
      Thread.sleep(forTimeInterval: 0.05)  // polling interval, not an assertion delay
    }
    if let matched { return matched }
    throw Timeout(what: what, screen: last)
  }

  /// Waits until the shell has shown its prompt `n` times.
  public func waitForPrompt(_ n: Int) throws {
    try wait(until: { $0.components(separatedBy: "READY>").count - 1 >= n }, "\(n) prompts")
  }

  /// The pid of the pane's own process (the program, when it was started directly).
  public func panePID() throws -> Int32? {
    Int32(
      try run(["display-message", "-p", "-t", session, "#{pane_pid}"]).trimmingCharacters(
        in: .whitespacesAndNewlines))
  }

  /// The pid of the program running under the pane's shell.
  public func childPID() throws -> Int32? {
    let shell = try run(["display-message", "-p", "-t", session, "#{pane_pid}"]).trimmingCharacters(
      in: .whitespacesAndNewlines)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/pgrep")
    p.arguments = ["-P", shell, "-f", "handshake-tui"]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self).split(separator: "\n").first.flatMap { Int32($0) }
  }

  /// The terminal settings before the program ran and after it exited (waiting for the shell
  /// to have written them).
  public func sttyBeforeAndAfter() throws -> (String, String) {
    let deadline = Date().addingTimeInterval(10)
    func read(_ name: String) -> String {
      (try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)) ?? ""
    }
    while Date() < deadline && (read("before").isEmpty || read("after").isEmpty) {
      Thread.sleep(forTimeInterval: 0.05)  // polling interval
    }
    return (read("before"), read("after"))
  }
}
