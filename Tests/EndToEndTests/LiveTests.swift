import Foundation
import Testing
import TmuxDriver

/// `live` on a real kernel connection (issue 13 points 6–8): tcpdump on the loopback interface
/// while this test makes a TCP connection to itself; the states the tracker reconstructs must
/// be the kernel's. CI runs as root with tcpdump installed (HANDSHAKE_REQUIRE_E2E=1 makes a
/// missing tcpdump or missing permission a failure there).
@Suite(
  "live capture, the real binary",
  .enabled(
    if: (Spawn.which("tcpdump", extra: ["/usr/sbin/tcpdump"]) != nil && getuid() == 0)
      || Tmux.required,
    "live needs tcpdump and the right to capture (root): CI has both"))
struct LiveTests {
  /// A server on 127.0.0.1 that reads a request and answers, and a client that closes first.
  static func connection(port: UInt16) throws {
    func address(_ p: UInt16) -> sockaddr_in {
      var a = sockaddr_in()
      a.sin_family = sa_family_t(AF_INET)
      a.sin_port = p.bigEndian
      a.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
      return a
    }
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var one: Int32 = 1
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
    var a = address(port)
    let bound = withUnsafePointer(to: &a) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard bound == 0, listen(listener, 1) == 0 else { throw POSIXError(.EADDRINUSE) }
    // The server's side is done once it has closed (after the client's FIN): the test waits
    // for that, not for a time.
    let done = DispatchSemaphore(value: 0)
    let server = Thread {
      let c = accept(listener, nil, nil)
      var buf = [UInt8](repeating: 0, count: 100)
      _ = recv(c, &buf, 100, 0)
      _ = send(c, "ok", 2, 0)
      _ = recv(c, &buf, 100, 0)  // the client's FIN
      close(c)
      done.signal()
    }
    server.start()
    let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var s = address(port)
    let connected = withUnsafePointer(to: &s) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard connected == 0 else { throw POSIXError(.ECONNREFUSED) }
    _ = send(client, "hi", 2, 0)
    var buf = [UInt8](repeating: 0, count: 10)
    _ = recv(client, &buf, 10, 0)
    // The client closes first (it is the active closer, the one that ends in TIME-WAIT); the
    // server closes on its FIN, and only then does the listener go.
    close(client)
    _ = done.wait(timeout: .now() + 5)
    close(listener)
  }

  /// Ends `p` if it still runs: SIGTERM, then SIGKILL after 3 s, so the test never hangs.
  static func end(_ p: Process) {
    if p.isRunning { p.terminate() }
    var n = 0
    while p.isRunning && n < 60 {
      usleep(50_000)
      n += 1
    }
    if p.isRunning { kill(p.processIdentifier, SIGKILL) }
    p.waitUntilExit()
  }

  @Test("a real loopback connection, reconstructed as it happens: the client ends in TIME-WAIT")
  func loopback() throws {
    let port = UInt16(20000 + getpid() % 20000)
    let dir = FileManager.default.temporaryDirectory
    let out = dir.appendingPathComponent("hs-live-\(getpid()).out")
    let err = dir.appendingPathComponent("hs-live-\(getpid()).err")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    defer {
      try? FileManager.default.removeItem(at: out)
      try? FileManager.default.removeItem(at: err)
    }
    let live = Process()
    live.executableURL = URL(fileURLWithPath: Tmux.binary)
    live.arguments = [
      "live", "-i", "lo", "--count", "1", "--format", "text", "tcp", "port", "\(port)",
    ]
    live.standardOutput = try FileHandle(forWritingTo: out)
    live.standardError = try FileHandle(forWritingTo: err)
    try live.run()
    // Until tcpdump is capturing.
    var waited = 0
    while waited < 100,
      !((try? String(contentsOf: err, encoding: .utf8)) ?? "").contains("capturing on lo")
    {
      usleep(50_000)
      waited += 1
    }
    let started = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
    guard started.contains("capturing on lo") else {
      Self.end(live)
      Issue.record("live did not start capturing: \(started)")
      return
    }
    try Self.connection(port: port)
    var n = 0
    while live.isRunning && n < 100 {
      usleep(50_000)
      n += 1
    }
    Self.end(live)
    let text = try String(contentsOf: out, encoding: .utf8)
    #expect(live.terminationStatus == 0, "\(text)")
    #expect(text.contains("connection 1: 127.0.0.1:"))
    for transition in [
      "CLOSED → SYN-SENT", "LISTEN → SYN-RECEIVED", "SYN-SENT → ESTABLISHED",
      "ESTABLISHED → FIN-WAIT-1", "ESTABLISHED → CLOSE-WAIT", "TIME-WAIT", "LAST-ACK → CLOSED",
    ] {
      #expect(text.contains(transition), "\(transition) in\n\(text)")
    }
  }
}

/// `live` on the screen, in tmux: the waiting page, then the real connection as it happens.
@Suite(
  "live capture on the screen",
  .enabled(
    if: (Spawn.which("tcpdump", extra: ["/usr/sbin/tcpdump"]) != nil && getuid() == 0)
      || Tmux.required,
    "live needs tcpdump and the right to capture (root): CI has both"))
struct LiveScreenTests {
  @Test("live -i lo in tmux, en and ko: the connection appears and ends in TIME-WAIT on the closer")
  func screen() throws {
    for (lang, waiting, one, two) in [
      ("en", "Nothing yet", "live, 10 packets", "live, 20 packets"),
      ("ko", "아직 아무것도 없습니다", "실시간, 패킷 10개", "실시간, 패킷 20개"),
    ] {
      // Ports of their own: the other live tests run at the same time.
      let port = UInt16(21000 + (getpid() + (lang == "ko" ? 7 : 3)) % 20000)
      let t = try Tmux()
      try t.startBinary(
        "live -i lo tcp port \(port) --lang \(lang) --theme projector", width: 100, height: 30)
      try t.wait(for: waiting)
      try LiveTests.connection(port: port)
      let s = try t.wait(for: one)
      #expect(s.contains("127.0.0.1:\(port)"))
      #expect(s.contains("TIME-WAIT"))
      #expect(s.contains("LAST-ACK → CLOSED"))
      // A second connection: the list fills.
      try LiveTests.connection(port: port)
      try t.wait(for: two)
      try t.keys("L")
      let picker = try t.wait(for: lang == "en" ? "connection 2" : "연결 2")
      #expect(picker.contains(lang == "en" ? "connection 1" : "연결 1"))
      try t.keys("q")
      try t.wait(for: "EXIT=0")
    }
  }
}

/// `live` where it cannot capture: one line says what to do, exit code 2.
@Suite(
  "live capture: when it cannot",
  .enabled(
    if: (Spawn.which("tcpdump", extra: ["/usr/sbin/tcpdump"]) != nil && getuid() == 0
      && Spawn.which("setpriv", extra: ["/usr/bin/setpriv"]) != nil) || Tmux.required,
    "needs tcpdump, root and setpriv to run the binary as another user"))
struct LiveRefusedTests {
  static func run(_ argv: [String]) throws -> (status: Int32, err: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: argv[0])
    p.arguments = Array(argv.dropFirst())
    let err = Pipe()
    p.standardError = err
    p.standardOutput = FileHandle.nullDevice
    try p.run()
    let data = err.fileHandleForReading.readDataToEndOfFile()
    LiveTests.end(p)
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
  }

  @Test("without the right to capture: sudo or setcap, exit 2")
  func noPermission() throws {
    let setpriv = try #require(Spawn.which("setpriv", extra: ["/usr/bin/setpriv"]))
    // A copy where another user can reach it (a clone under /root cannot be entered by nobody).
    let dir = URL(fileURLWithPath: "/tmp/hs-live-bin-\(getpid())")
    try? FileManager.default.removeItem(at: dir)
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let binary = dir.appendingPathComponent("handshake-tui")
    try FileManager.default.copyItem(at: URL(fileURLWithPath: Tmux.binary), to: binary)
    chmod(dir.path, 0o755)
    chmod(binary.path, 0o755)
    let r = try Self.run([
      setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", binary.path, "live", "-i", "lo",
      "--count", "1",
    ])
    #expect(r.status == 2)
    #expect(r.err.contains("no permission to capture on lo"), "\(r.err)")
    #expect(r.err.contains("sudo") && r.err.contains("setcap cap_net_raw"), "\(r.err)")
  }

  @Test("an interface that does not exist: tcpdump's own words, exit 2")
  func noInterface() throws {
    let r = try Self.run([Tmux.binary, "live", "-i", "nosuch0", "--count", "1"])
    #expect(r.status == 2)
    #expect(
      r.err.contains("could not capture on nosuch0") && r.err.contains("No such device"), "\(r.err)"
    )
  }
}
