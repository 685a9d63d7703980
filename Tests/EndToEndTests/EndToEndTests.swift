import Foundation
import Testing
import TmuxDriver

/// The real binary, end to end, in tmux.
@Suite(
  "End to end in tmux", .serialized,
  .enabled(if: Tmux.available || Tmux.required, "tmux is not installed (CI installs it)"))
struct EndToEndTests {
  @Test("step forward and back; the panels and the ladder follow")
  func stepping() throws {
    let t = try Tmux()
    try t.startBinary()
    try t.wait(for: "step 0/19")
    // Step 2 asks a question: the third → reveals its answer, the fourth goes on.
    try t.keys("Right", "Right", "Right")
    try t.wait(for: "The answer is 2.")
    try t.keys("Right")
    try t.wait(for: "step 3/19")
    let s = try t.wait(for: "SYN seq=0 ━")  // once the arrow has flown across
    #expect(s.contains("step 3/19"))
    #expect(s.contains("SYN-RECEIVED"))
    try t.keys("Left")
    try t.wait(for: "step 2/19")
    try t.keys("End")
    try t.wait(for: "step 19/19")
    try t.keys("1", "2", "Enter")
    try t.wait(for: "step 12/19")
    try t.keys("q")
    try t.wait(for: "EXIT=0")
  }

  @Test("open the lesson picker and switch lesson")
  func picker() throws {
    let t = try Tmux()
    try t.startBinary()
    try t.wait(for: "step 0/19")
    try t.keys("L")
    try t.wait(for: "Lessons")
    try t.keys("Down", "Down", "Down", "Enter")
    try t.wait(for: "SYN flood, and SYN cookies")
    try t.keys("q")
    try t.wait(for: "EXIT=0")
  }

  @Test("smaller than 80×24 shows a message; back to size redraws")
  func resize() throws {
    let t = try Tmux()
    try t.startBinary()
    try t.wait(for: "step 0/19")
    try t.keys("Right", "Right")
    try t.resize(60, 20)
    try t.wait(for: "at least 80×24")
    try t.resize(10, 3)
    try t.resize(120, 40)
    let s = try t.wait(for: "step 2/19")
    #expect(s.contains("SYN-SENT"))
    try t.keys("q")
    try t.wait(for: "EXIT=0")
  }

  @Test("q restores the terminal exactly as it was")
  func quitRestores() throws {
    let t = try Tmux()
    try t.startBinary()
    try t.wait(for: "step 0/19")
    try t.keys("s")
    try t.wait(for: "RFC 9293 state diagram")
    try t.keys("Escape", "q")
    try t.wait(for: "EXIT=0")
    let (before, after) = try t.sttyBeforeAndAfter()
    #expect(before == after)
  }

  @Test(
    "every signal that ends the program restores the terminal first",
    arguments: [
      (SIGTERM, "143"), (SIGHUP, "129"), (SIGSEGV, "139"), (SIGABRT, "134"), (SIGUSR1, "138"),
      (SIGUSR2, "140"), (SIGALRM, "142"), (SIGPIPE, "141"), (SIGXCPU, "152"),
    ])
  func signals(signal: Int32, status: String) throws {
    let t = try Tmux()
    // Swift's crash reporter on, as it is by default, but not waiting for a key: its handler
    // runs after ours and returns, and the program must still end.
    try t.startBinary("", environment: "SWIFT_BACKTRACE=enable=yes,interactive=no")
    try t.wait(for: "step 0/19")
    let pid = try #require(try t.childPID())
    kill(pid, signal)
    try t.wait(for: "EXIT=" + status)
    let (before, after) = try t.sttyBeforeAndAfter()
    #expect(before == after)
  }

  @Test("Ctrl-C ends the program and restores the terminal")
  func ctrlC() throws {
    let t = try Tmux()
    try t.startShell()
    try t.wait(for: "READY>")
    let d = t.dir.path
    try t.keys("stty -g > \(d)/before; \(Tmux.binary)", "Enter")
    try t.wait(for: "step 0/19")
    try t.keys("Right", "C-c")
    // An interactive shell drops the rest of a line whose job died of SIGINT; ask it afresh.
    try t.waitForPrompt(2)
    try t.keys("echo STATUS=$?; stty -g > \(d)/after", "Enter")
    try t.wait(for: "STATUS=130")
    let (before, after) = try t.sttyBeforeAndAfter()
    #expect(before == after)
  }

  @Test("Korean and the projector theme")
  func korean() throws {
    let t = try Tmux()
    try t.startBinary("play syn-flood --lang ko --theme projector")
    try t.wait(for: "SYN 플러드와 SYN 쿠키")
    try t.keys("Right", "Right")
    try t.wait(for: "2/59단계")
    try t.keys("q")
    try t.wait(for: "EXIT=0")
  }

  @Test("open a real capture: states from the passive tracker, the picker for several connections")
  func openCapture() throws {
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("CaptureTests/Fixtures")
    let t = try Tmux()
    // Two connections in one file: the records of one capture after the other's.
    let a = try Data(contentsOf: fixtures.appendingPathComponent("a_normal.pcap"))
    let b = try Data(contentsOf: fixtures.appendingPathComponent("b_refused.pcap"))
    let both = t.dir.appendingPathComponent("two.pcap")
    try (a + b.dropFirst(24)).write(to: both)
    try t.startBinary("open \(both.path)", width: 110, height: 32)
    try t.wait(for: "two.pcap: connection 2, 127.0.0.1:58454 → 127.0.0.1:5002")
    try t.keys("Enter")
    try t.wait(for: "step 0/22")
    try t.keys("End")
    let s = try t.wait(for: "step 22/22")
    #expect(s.contains("TIME-WAIT"))
    #expect(s.contains("closed first, so it ends in TIME-WAIT"))
    try t.keys("L", "Down", "Enter")
    let r = try t.wait(for: "step 0/4")
    #expect(r.contains("refused"))
    try t.keys("End")
    try t.wait(for: "no one listens on port 5002")
    try t.keys("q")
    try t.wait(for: "EXIT=0")
  }

  @Test(
    "open --follow: a file still being written; the ladder grows, End follows, the picker fills")
  func follow() throws {
    let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("CaptureTests/Fixtures")
    let a = try Data(contentsOf: fixtures.appendingPathComponent("a_normal.pcap"))
    let b = try Data(contentsOf: fixtures.appendingPathComponent("b_refused.pcap"))
    // The records of a_normal.pcap: 24 bytes of file header, then 16-byte headers + data.
    var cuts: [Int] = []
    var at = 24
    while at + 16 <= a.count {
      let n = Int(a[at + 8]) | Int(a[at + 9]) << 8 | Int(a[at + 10]) << 16 | Int(a[at + 11]) << 24
      at += 16 + n
      cuts.append(at)
    }
    let t = try Tmux()
    let file = t.dir.appendingPathComponent("growing.pcap")
    // The file header only: nothing to show yet.
    try a.prefix(24).write(to: file)
    try t.startBinary("open --follow \(file.path)", width: 100, height: 30)
    try t.wait(for: "Nothing yet: connections appear here")
    try t.wait(for: "live, 0 packets")
    // The handshake arrives: three packets, six steps, and the view at the end.
    let handle = try FileHandle(forWritingTo: file)
    handle.seekToEndOfFile()
    handle.write(a.subdata(in: 24..<cuts[2]))
    let three = try t.wait(for: "step 6/6")
    #expect(three.contains("ESTABLISHED"))
    #expect(three.contains("growing.pcap: connection 1"))
    // Step back, then more arrives: the view stays where it was.
    try t.keys("Left")
    try t.wait(for: "step 5/6")
    handle.write(a.subdata(in: cuts[2]..<cuts[5]))
    try t.wait(for: "step 5/12")
    // End follows the newest; the rest arrives and the view goes with it.
    try t.keys("End")
    try t.wait(for: "step 12/12")
    handle.write(a.subdata(in: cuts[5]..<a.count))
    let all = try t.wait(for: "step 22/22")
    #expect(all.contains("TIME-WAIT"))
    #expect(all.contains("live, 11 packets"))
    // A second connection: the picker lists it.
    handle.write(b.dropFirst(24))
    try t.wait(for: "live, 13 packets")
    try t.keys("L")
    try t.wait(for: "growing.pcap: connection 2")
    try handle.close()
    try t.keys("q")
    try t.wait(for: "EXIT=0")
  }

  @Test("--anonymize: no real address or high port on the screen, in a trace or an export")
  func anonymized() throws {
    let file = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("CaptureTests/Fixtures/a_normal.pcap")
      .path
    let t = try Tmux()
    try t.startBinary("open \(file) --anonymize", width: 100, height: 30)
    try t.wait(for: "step 0/22")
    try t.keys("End")
    let s = try t.wait(for: "step 22/22")
    #expect(s.contains("192.0.2.1:49152") && !s.contains("127.0.0.1") && !s.contains("39110"))
    try t.keys("i")
    let inspector = try t.wait(for: "192.0.2.1")
    #expect(!inspector.contains("127.0.0.1"))
    try t.keys("Escape", "q")
    try t.wait(for: "EXIT=0")
    let trace = try Spawn.run([Tmux.binary, "trace", file, "--anonymize"])
    #expect(
      trace.status == 0 && !trace.stdout.contains("127.0.0.1") && !trace.stdout.contains("5001"))
    #expect(trace.stdout.contains("192.0.2.1"))
    // The export: a pcap (read back by tshark when there is one) and a handout.
    let out = t.dir.appendingPathComponent("safe.pcap").path
    let export = try Spawn.run([Tmux.binary, "export", file, "--anonymize", "--pcap", out])
    #expect(export.status == 0, "\(export.stderr)")
    let bytes = try Data(contentsOf: URL(fileURLWithPath: out))
    #expect(bytes.count > 24)
    // 127.0.0.1 as it would appear in an IPv4 header, and the payload's first bytes.
    #expect(bytes.range(of: Data([127, 0, 0, 1])) == nil)
    #expect(bytes.range(of: Data([192, 0, 2, 1])) != nil)
    if let tshark = Spawn.which("tshark", extra: ["/usr/bin/tshark"]) {
      let read = try Spawn.run([tshark, "-r", out, "-T", "fields", "-e", "tcp.srcport"])
      #expect(read.status == 0)
      #expect(!read.stdout.contains("39110") && !read.stdout.contains("5001"))
      #expect(read.stdout.contains("49152"))
    }
    let handout = try Spawn.run([Tmux.binary, "export", file, "--anonymize", "--format", "md"])
    #expect(handout.status == 0 && !handout.stdout.contains("127.0.0.1"))
    #expect(!handout.stdout.contains("39110") && handout.stdout.contains("192.0.2.1"))
  }

  @Test("Ctrl-Z suspends; fg redraws")
  func suspend() throws {
    let t = try Tmux()
    try t.startShell()
    try t.wait(for: "READY>")
    let d = t.dir.path
    try t.keys("stty -g > \(d)/before; \(Tmux.binary) 2> \(d)/err", "Enter")
    try t.wait(for: "step 0/19")
    try t.keys("C-z")
    try t.wait(for: "Stopped")
    try t.keys("fg", "Enter")
    try t.wait(for: "step 0/19")
    try t.keys("Right")
    try t.wait(for: "step 1/19")
    if let err = try? String(contentsOf: t.dir.appendingPathComponent("err"), encoding: .utf8),
      !err.isEmpty
    {
      Issue.record("stderr: \(err)")
    }
    try t.keys("q")
    try t.waitForPrompt(3)
    try t.keys("echo STATUS=$?; stty -g > \(d)/after", "Enter")
    try t.wait(for: "STATUS=0")
    let (before, after) = try t.sttyBeforeAndAfter()
    #expect(before == after)
  }
}

/// The terminal findings of the hostile-input review: flow control, a stop behind curses' back,
/// locales that cannot draw, held keys, and warnings that must reach the screen.
@Suite(
  "End to end in tmux: the terminal", .serialized,
  .enabled(if: Tmux.available || Tmux.required, "tmux is not installed (CI installs it)"))
struct TerminalFindingsTests {
  @Test("Ctrl-S does not freeze the screen; the terminal is restored after")
  func ctrlS() throws {
    let t = try Tmux()
    try t.startBinary()
    try t.wait(for: "step 0/19")
    try t.keys("C-s")
    try t.keys("Right")
    try t.wait(for: "step 1/19")
    try t.keys("q")
    try t.wait(for: "EXIT=0")
    let (before, after) = try t.sttyBeforeAndAfter()
    #expect(before == after)
    #expect(after.contains(":") || !after.isEmpty)
  }

  @Test("SIGSTOP, then fg: the screen is redrawn and keys work without Enter")
  func stopThenContinue() throws {
    let t = try Tmux()
    try t.startShell()
    try t.wait(for: "READY>")
    let d = t.dir.path
    try t.keys("stty -g > \(d)/before; \(Tmux.binary)", "Enter")
    try t.wait(for: "step 0/19")
    let pid = try #require(try t.childPID())
    kill(pid, SIGSTOP)
    try t.wait(for: "Stopped")
    try t.keys("fg", "Enter")
    try t.wait(until: { !$0.contains("Stopped") && $0.contains("step 0/19") }, "a redrawn screen")
    try t.keys("Right")
    try t.wait(for: "step 1/19")
    try t.keys("q")
    // The shell's "Stopped" and "fg" were written on the alternate screen, which is gone now.
    try t.waitForPrompt(2)
    try t.keys("echo STATUS=$?; stty -g > \(d)/after", "Enter")
    try t.wait(for: "STATUS=0")
    let (before, after) = try t.sttyBeforeAndAfter()
    #expect(before == after)
  }

  @Test(
    "a locale that cannot draw Unicode falls back to C.UTF-8 and says why",
    arguments: [
      ("LC_ALL= LANG=C", "is not UTF-8"), ("LC_ALL= LANG=ko_KR.UTF-8", "is not installed"),
    ])
  func locales(environment: String, why: String) throws {
    // The second case needs ko_KR.UTF-8 to be missing, as it is on a bare machine.
    let t = try Tmux()
    try t.startBinary("", environment: environment)
    let s = try t.wait(for: why)
    #expect(s.contains("C.UTF-8"))
    #expect(s.contains("CLOSED"))
    #expect(s.contains("━") || s.contains("┃") || s.contains("│"), "lines are drawn")
    try t.keys("Right", "Right", "Right", "Right")
    let s3 = try t.wait(for: "▶")
    #expect(!s3.contains("\u{FFFD}"))
    try t.keys("q")
    try t.wait(for: "EXIT=0")
  }

  @Test("--ascii draws every cell in ASCII")
  func ascii() throws {
    let t = try Tmux()
    try t.startBinary("--ascii --lang ko")
    try t.wait(for: "step 0/19")
    try t.keys("Right", "Right", "Right", "Right")
    let s = try t.wait(for: "step 3/19")
    let body = s.components(separatedBy: "EXIT=").first ?? s
    #expect(body.unicodeScalars.allSatisfy { $0.value < 0x80 }, "\(body)")
    #expect(body.contains("+") && body.contains("|") && body.contains("-"))
    #expect(body.contains("step 3/19"), "English, since Hangul cannot be drawn")
    try t.keys("q")
    try t.wait(for: "EXIT=0")
  }

  @Test("held keys are applied together and drawn once; q ends at once")
  func heldKeys() throws {
    let t = try Tmux()
    let frames = t.dir.appendingPathComponent("frames").path
    try t.startBinary("play syn-flood", environment: "HANDSHAKE_FRAMES_FILE=\(frames)")
    try t.wait(for: "step 0/")
    // One send-keys: they reach the program together, as a held key's repeats do.
    try t.run(["send-keys", "-t", t.session] + Array(repeating: "Right", count: 600) + ["q"])
    try t.wait(for: "EXIT=0")
    let n =
      Int(
        (try String(contentsOfFile: frames, encoding: .utf8)).trimmingCharacters(
          in: .whitespacesAndNewlines)) ?? -1
    #expect(n >= 1)
    #expect(n < 100, "\(n) frames for 600 queued keys: each key was drawn")
  }

  @Test("a lesson folder that does not exist is said on screen, not dropped")
  func badLessonFolder() throws {
    let lesson = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("lessons/05-half-close.yaml").path
    let t = try Tmux()
    try t.startBinary("play \(lesson) --lessons /nonexistent-lessons")
    let s = try t.wait(for: "no such directory")
    #expect(s.contains("/nonexistent-lessons"))
    try t.keys("q")
    try t.wait(for: "EXIT=0")
  }
}

/// A question as a class activity, in the real binary.
@Suite(
  "End to end in tmux: the classroom", .serialized,
  .enabled(if: Tmux.available || Tmux.required, "tmux is not installed (CI installs it)"))
struct ClassroomEndToEndTests {
  @Test("vote, change the vote, reveal, go on; Escape does not quit")
  func voteAndReveal() throws {
    let t = try Tmux()
    try t.startBinary("--theme projector-light", width: 80, height: 24)
    try t.wait(for: "step 0/19")
    try t.keys("Right", "Right")
    try t.wait(for: "Mark a choice with 1–4")
    try t.keys("1")
    try t.wait(for: "▶ 1) 0")
    try t.keys("3")
    try t.wait(for: "▶ 3) 2")
    try t.keys("Enter")
    let s = try t.wait(for: "Not quite: the answer is 2.")
    #expect(s.contains("✓ 2) 1") && s.contains("✗ 3) 2"))
    try t.keys("Escape", "Escape", "Right")
    try t.wait(for: "step 3/19")
    try t.keys("q")
    try t.wait(for: "EXIT=0")
  }

  @Test("--quiz --quiz-log: answering reveals, the score shows, one JSON line per answer")
  func quizLog() throws {
    let t = try Tmux()
    let log = t.dir.appendingPathComponent("answers.jsonl").path
    try t.startBinary("--quiz --quiz-log \(log) --absolute --lang ko", width: 100, height: 30)
    try t.wait(for: "0/19단계")
    try t.keys("Right", "Right")
    try t.wait(for: "1–4 답하기")
    try t.keys("Right")
    try t.wait(for: "먼저 답하세요")
    try t.keys("2")
    let s = try t.wait(for: "퀴즈 1/1")
    #expect(s.contains("1001"), "absolute numbers from the start")
    try t.keys("q")
    try t.wait(for: "EXIT=0")
    let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
    #expect(lines.count == 1)
    #expect(
      lines.first?.hasPrefix(#"{"lesson":"normal","step":2,"choice":2,"right":true,"time":"20"#)
        == true)
  }
}

/// What-ifs and the sandbox, in the real binary.
@Suite(
  "End to end in tmux: what if", .serialized,
  .enabled(if: Tmux.available || Tmux.required, "tmux is not installed (CI installs it)"))
struct WhatIfEndToEndTests {
  @Test("drop the SYN,ACK, see it resent, o, c, u, save the branch, lint it and play it")
  func dropSaveLintPlay() throws {
    let t = try Tmux()
    let file = t.dir.appendingPathComponent("branch.yaml").path
    try t.startBinary("--theme projector", width: 100, height: 30)
    try t.wait(for: "step 0/19")
    try t.keys("g", "4", "Enter")
    try t.wait(for: "step 4/19")
    try t.keys("w")
    try t.wait(for: "This segment: SYN,ACK seq=0 ack=1 from server")
    try t.keys("Enter")
    try t.wait(for: "⑂ what if: the server's SYN,ACK is lost")
    try t.keys("Right", "Right")
    try t.wait(for: "server's retransmission timer fired")
    try t.keys("o")
    try t.wait(for: "the original run")
    try t.keys("o", "c")
    try t.wait(for: "both closed after")
    try t.keys("Escape", "S")
    try t.wait(for: ":save normal-whatif.yaml")
    for _ in 0..<18 { try t.keys("BSpace") }
    try t.keys(file, "Enter")
    try t.wait(for: "saved as")
    try t.keys("u")
    try t.wait(for: " A normal connection: open, talk, close")
    try t.keys("q")
    try t.wait(for: "EXIT=0")
    let lint = try Spawn.run([Tmux.binary, "lint", file])
    #expect(lint.status == 0, "\(lint.stderr)")
    #expect(lint.stdout.contains("ok "))
    let p = try Tmux()
    try p.startBinary("play \(file)", width: 100, height: 30)
    try p.wait(for: "— what if: the server'")
    try p.keys("q")
    try p.wait(for: "EXIT=0")
  }

  @Test("a sandbox session: a connection, a half-close and a reset from the command line, saved")
  func sandbox() throws {
    let t = try Tmux()
    let file = t.dir.appendingPathComponent("lab.yaml").path
    try t.startBinary("sandbox --lang ko", width: 100, height: 30)
    try t.wait(for: "샌드박스")
    for c in [
      "server listen", "client connect", "client send 100", "client shutdown", "wait 1s",
      "attacker inject rst exact to server",
    ] {
      try t.keys(":", c, "Enter")
      try t.wait(for: ": " + c)
    }
    try t.keys(":", "jump now", "Enter")
    try t.wait(for: "알아듣지 못했습니다")
    try t.keys(":", "save \(file)", "Enter")
    try t.wait(for: "저장했습니다")
    try t.keys("q")
    try t.wait(for: "EXIT=0")
    let lint = try Spawn.run([Tmux.binary, "lint", file])
    #expect(lint.status == 0, "\(lint.stderr)")
    let trace = try Spawn.run([Tmux.binary, "trace", file, "--format", "text"])
    #expect(trace.stdout.contains("rst-accepted"))
  }
}

/// Without a terminal the player says so and exits with status 2.
@Suite("Without a terminal")
struct NoTTYTests {
  @Test("not a TTY: a clear message and exit code 2")
  func notATTY() throws {
    // Files, not pipes: a tmux server started by another test could inherit a pipe's write end.
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("hs-notty-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let outURL = dir.appendingPathComponent("out")
    let errURL = dir.appendingPathComponent("err")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: Tmux.binary)
    p.standardInput = FileHandle.nullDevice
    p.standardOutput = try FileHandle(forWritingTo: outURL)
    p.standardError = try FileHandle(forWritingTo: errURL)
    try p.run()
    p.waitUntilExit()
    let message = try String(contentsOf: errURL, encoding: .utf8)
    #expect(p.terminationStatus == 2)
    #expect(message.contains("not one"))
    #expect(try Data(contentsOf: outURL).isEmpty)
  }
}

/// `play --plain` with keys piped in, and TERM=dumb (issue 16 point 4).
@Suite("plain mode, the real binary")
struct PlainModeTests {
  static func run(_ keys: String, _ args: String, env: String = "") throws -> Spawn.Result {
    try Spawn.run(["/bin/sh", "-c", "printf '\(keys)' | \(env) \(Tmux.binary) \(args)"])
  }

  @Test("a whole lesson read in both languages, step by step, to its end")
  func wholeLesson() throws {
    let enter = String(repeating: "\\n", count: 25)
    for (lang, end, last) in [
      ("en", "The end of the lesson.", "step 19/19"), ("ko", "수업의 끝입니다.", "19/19단계"),
    ] {
      let r = try Self.run(enter + "q\\n", "play normal --plain --lang \(lang)")
      #expect(r.status == 0, "\(r.stderr)")
      #expect(r.stdout.contains(end) && r.stdout.contains(last))
      #expect(!r.stdout.contains("\u{1B}["), "no escape sequences")
      #expect(r.stdout.contains("TIME-WAIT"))
    }
  }

  @Test("TERM=dumb starts in plain mode and says why; the input ending ends it")
  func dumb() throws {
    let r = try Self.run("\\n\\n", "play normal", env: "TERM=dumb")
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stderr.contains("TERM=dumb"))
    #expect(r.stdout.contains("step 2/19"))
    #expect(!r.stdout.contains("\u{1B}["))
  }
}

/// `play FILE --watch` (issue 16 point 5): an edit is picked up on the same step; a broken file
/// says where on screen and the old run stays.
@Suite("watch a lesson file")
struct WatchTests {
  @Test(
    "saved broken: file:line:column in a box over the old run; saved fixed: the new words, same step"
  )
  func watch() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    let original = try String(
      contentsOf: root.appendingPathComponent("lessons/01-normal.yaml"), encoding: .utf8)
    let t = try Tmux()
    let file = t.dir.appendingPathComponent("lesson.yaml")
    try original.write(to: file, atomically: false, encoding: .utf8)
    try t.startBinary("play \(file.path) --watch", width: 100, height: 30)
    try t.wait(for: "step 0/19")
    try t.keys(":", "3", "Enter")
    try t.wait(for: "The SYN arrives.")
    // Broken: an unknown key on line 6.
    let broken = original.replacingOccurrences(of: "\ntitle:", with: "\ntittle:")
    try broken.write(to: file, atomically: false, encoding: .utf8)
    let shown = try t.wait(for: "does not load")
    #expect(shown.contains("lesson.yaml:6:1: unknown key 'tittle'"))
    #expect(shown.contains("step 3/19"))
    // Fixed, with new words at that step (written as an editor does: a new file renamed over).
    let edited = original.replacingOccurrences(
      of: "The SYN arrives.", with: "Here the SYN arrives.")
    let temporary = t.dir.appendingPathComponent("lesson.yaml.new")
    try edited.write(to: temporary, atomically: false, encoding: .utf8)
    _ = rename(temporary.path, file.path)
    let fixed = try t.wait(for: "Here the SYN arrives.")
    #expect(!fixed.contains("does not load"))
    #expect(fixed.contains("step 3/19"))
    try t.keys("q")
    try t.wait(for: "EXIT=0")
  }
}

/// The presenter console and the projector in two terminals (issue 16 points 2–3).
@Suite("presenter and projector")
struct PresenterProjectorTests {
  @Test(
    "either starts first; the presenter's keys drive the projector; quitting and coming back; a second projector refused; a stale socket replaced"
  )
  func twoTerminals() throws {
    let presenter = try Tmux()
    let projector = try Tmux()
    // A socket folder of this test's own, so parallel runs do not meet.
    let env = "XDG_RUNTIME_DIR=\(presenter.dir.path)"
    try presenter.startBinary("presenter", environment: env, width: 100, height: 30)
    try presenter.wait(for: "waiting for the projector")
    try projector.startBinary("play normal --present", environment: env, width: 100, height: 30)
    try projector.wait(for: "step 0/19")
    // Connected: the title bar shows the projector's step instead of "waiting".
    try presenter.wait(
      until: { $0.contains("PRESENTER") && $0.contains("step 0/19") && !$0.contains("waiting") },
      "the presenter connected")
    // The notes of step 0 are on the presenter only.
    let first = try presenter.wait(for: "Notes (only here)")
    #expect(first.contains("Lessons"))
    #expect(!(try projector.screen()).contains("Notes (only here)"))
    // Keys on the presenter move the projector; the question's answer is on the presenter.
    try presenter.keys("Right", "Right")
    try projector.wait(for: "step 2/19")
    let asked = try presenter.wait(for: "right answer: 2")
    #expect(asked.contains("✓ 2) 1"))
    #expect(!(try projector.screen()).contains("right answer"))
    // A vote on the projector shows on the presenter.
    try projector.keys("3")
    try presenter.wait(for: "Class vote: 3")
    // A second projector is refused, in words, and changes nothing.
    let second = try Spawn.run(
      ["/bin/sh", "-c", "\(env) \(Tmux.binary) play normal --present < /dev/null"])
    #expect(second.status == 1)
    #expect(second.stderr.contains("Another projector is already running"))
    // Its check did not push the presenter out: the presenter still drives the projector.
    try presenter.keys("Left")
    try projector.wait(for: "step 1/19")
    #expect(!(try presenter.screen()).contains("The projector has gone"))
    try presenter.keys("Right")
    try projector.wait(for: "step 2/19")
    // The presenter quits and comes back: it finds the projector where it was.
    try presenter.keys("q")
    try presenter.wait(for: "EXIT=0")
    let again = try Tmux()
    try again.startBinary("presenter", environment: env, width: 100, height: 30)
    try again.wait(for: "step 2/19")
    // The projector dies without cleaning up: the presenter waits; a new projector replaces
    // the stale socket and the presenter follows it.
    if let pid = try projector.childPID() ?? projector.panePID() { kill(pid, SIGKILL) }
    try again.wait(for: "The projector has gone")
    let third = try Tmux()
    try third.startBinary("play syn-flood --present", environment: env, width: 100, height: 30)
    try third.wait(for: "step 0/59")
    try again.wait(for: "PRESENTER · SYN flood")
    try again.keys("q")
    try again.wait(for: "EXIT=0")
    try third.keys("q")
    try third.wait(for: "EXIT=0")
  }
}

/// A presenter that connects and then never reads (issue 16 point 3): the projector's screen
/// must not wait for it.
@Suite("a presenter that never reads")
struct SlowPresenterTests {
  @Test("hundreds of steps on the projector while the presenter reads nothing")
  func neverReads() throws {
    let projector = try Tmux()
    let env = "XDG_RUNTIME_DIR=\(projector.dir.path)"
    try projector.startBinary("play syn-flood --present", environment: env, width: 100, height: 30)
    try projector.wait(for: "step 0/59")
    // Connect as a presenter would, with the smallest receive buffer, and never read.
    let path = projector.dir.path + "/handshake-tui/present.sock"
    let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
    #expect(fd >= 0)
    defer { close(fd) }
    var small: Int32 = 1
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, socklen_t(MemoryLayout<Int32>.size))
    var a = sockaddr_un()
    a.sun_family = sa_family_t(AF_UNIX)
    let bytes = Array(path.utf8)
    withUnsafeMutableBytes(of: &a.sun_path) { raw in
      for (i, b) in bytes.enumerated() { raw[i] = b }
      raw[bytes.count] = 0
    }
    let connected = withUnsafePointer(to: &a) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
      }
    }
    #expect(connected == 0)
    let hello = Array("hello\tpresenter\n".utf8)
    _ = hello.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
    // Back and forth across the whole lesson, many times: every state line is one more the
    // presenter does not read. (This does not fill the socket's buffer, which holds thousands
    // of lines; a full buffer drops lines by design, LineChannel.send.)
    for _ in 0..<6 {
      try projector.keys("End")
      try projector.wait(for: "step 59/59")
      try projector.keys("Home")
      try projector.wait(for: "step 0/59")
    }
    for i in 1...30 {
      try projector.keys("Right")
      if i % 10 == 0 { try projector.wait(for: "/59") }
    }
    try projector.keys("q")
    try projector.wait(for: "EXIT=0")
  }
}
