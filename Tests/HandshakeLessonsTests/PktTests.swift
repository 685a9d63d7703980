import Foundation
import HandshakeSim
import Testing

@testable import HandshakeLessons

/// packetdrill scripts (issue 12 points 8 and 9): the project's own scripts pass, every kind
/// of difference is reported at its line and column, and what is outside the subset is named.
@Suite("packetdrill scripts")
struct PktTests {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/pkt")
  static let scripts =
    (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?
    .filter { $0.hasSuffix(".pkt") }.sorted() ?? []

  static func text(_ name: String) throws -> String {
    try String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)
  }

  static func run(_ text: String, file: String = "t.pkt", strict: Bool = false) throws -> PktRun {
    PktRunner.run(try PktParser.parse(text: text, file: file, strict: strict))
  }

  @Test(
    "the project's scripts pass: handshake, active, passive and simultaneous close, half-close, resets, listen anomalies, MSS, window scale, SACK, timestamps, lost SYN"
  )
  func projectScripts() throws {
    #expect(
      Set(Self.scripts)
        == [
          "active-open.pkt", "half-close.pkt", "listen-anomalies.pkt", "lost-syn.pkt", "mss.pkt",
          "passive-open.pkt", "reset.pkt", "sack.pkt", "simultaneous-close.pkt",
          "timestamps.pkt", "wscale.pkt",
        ])
    for name in Self.scripts {
      let r = try Self.run(try Self.text(name), file: name)
      #expect(r.failure == nil, "\(name): \(r.failure?.description ?? "")")
      #expect(r.checked >= 10, "\(name)")
      #expect(r.timeline.end == .quiescent, "\(name)")
    }
  }

  /// The passive-open script with one line changed.
  func changed(_ from: String, _ to: String) throws -> PktRun {
    let t = try Self.text("passive-open.pkt")
    #expect(t.contains(from))
    return try Self.run(t.replacingOccurrences(of: from, with: to))
  }

  @Test("a difference is the first failure, at its line and column, expected against actual")
  func mismatches() throws {
    let cases: [(String, String, Int, Int, String)] = [
      (
        "+0    > P. 1:201(200) ack 101", "+0    > P. 1:201(200) ack 100", 19, 27,
        "expected ack 100, actual ack 101"
      ),
      ("+0    > P. 1:201(200) ack 101", "+0    > . 1:201(200) ack 101", 19, 9, "expected flags ."),
      (
        "+0    > P. 1:201(200) ack 101", "+0    > P. 1:301(300) ack 101", 19, 12,
        "expected 1:301(300), actual 1:201(200)"
      ),
      (
        "+.04  > . 201:201(0) ack 102", "+0    > . 201:201(0) ack 102", 24, 1, "timing: expected at"
      ),
      ("read(4, ..., 1000) = 100", "read(4, ..., 1000) = 99", 17, 28, "read() returns 100"),
      (
        "<mss 1460,nop,nop,sackOK,nop,wscale 7>", "<mss 1000,nop,nop,sackOK,nop,wscale 7>", 11,
        25, "expected options <mss 1000,sackOK,wscale 7>, actual <mss 1460,sackOK,wscale 7>"
      ),
      ("+0    > . 1:1(0) ack 101", "+0    > . 1:1(0) ack 101 win 1", 16, 30, "expected win 1"),
      ("accept(3, ..., ...) = 4", "accept(3, ..., ...) = 5", 13, 29, "accept() returns 4"),
    ]
    for (from, to, line, column, message) in cases {
      let r = try changed(from, to)
      let f = try #require(r.failure, "\(to)")
      #expect(f.kind == .mismatch, "\(to)")
      #expect(f.line == line && f.column == column, "\(to): \(f)")
      #expect(f.message.contains(message), "\(to): \(f)")
      #expect(f.description.hasPrefix("t.pkt:\(line):\(column): "))
    }
  }

  @Test("one line may stand for several segments whose lengths add up")
  func aggregation() throws {
    let r = try Self.run(try Self.text("mss.pkt"))
    #expect(r.failure == nil)
    let data = r.timeline.transmissions.filter { $0.from == 0 && !$0.segment.payload.isEmpty }
    #expect(data.map(\.segment.payload.count) == [536, 536, 128, 536, 536, 128])
  }

  @Test("outside the subset: named with its line, as not supported")
  func unsupported() throws {
    func expectUnsupported(
      _ text: String, _ message: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
      do {
        let r = try Self.run(text)
        #expect(r.failure?.kind == .unsupported, sourceLocation: sourceLocation)
        #expect(
          r.failure?.message.contains(message) == true, "\(String(describing: r.failure))",
          sourceLocation: sourceLocation)
      } catch let d as PktDiagnostic {
        #expect(d.kind == .unsupported, "\(d)", sourceLocation: sourceLocation)
        #expect(d.message.contains(message), "\(d)", sourceLocation: sourceLocation)
      } catch {
        Issue.record("\(error)", sourceLocation: sourceLocation)
      }
    }
    let socket = "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n"
    expectUnsupported(socket + "+0 sendto(3, ..., 10, 0, ..., ...) = 10\n", "sendto at line 2")
    expectUnsupported("--ip_version=ipv6\n" + socket, "--ip_version=ipv6")
    expectUnsupported("0 socket(..., SOCK_DGRAM, IPPROTO_UDP) = 3\n", "a UDP socket at line 1")
    expectUnsupported(
      socket + "+0 listen(3, 1) = 0\n+0 < S 0:0(0) win 100 <mss 1460,FO abcd>\n",
      "the option 'FO' at line 3")
    expectUnsupported(
      socket + "+0 setsockopt(3, SOL_SOCKET, SO_KEEPALIVE, [1], 4) = 0\n",
      "setsockopt SO_KEEPALIVE at line 2")
    expectUnsupported(socket + "+0 < S 0:0(0) urg 5 win 100\n", "'urg' in a packet at line 2")
  }

  @Test("syntax errors name line and column and what was expected")
  func syntax() throws {
    func expectSyntax(
      _ text: String, _ line: Int, _ column: Int, _ message: String,
      sourceLocation: SourceLocation = #_sourceLocation
    ) {
      do {
        _ = try PktParser.parse(text: text, file: "t.pkt")
        Issue.record("parsed", sourceLocation: sourceLocation)
      } catch {
        #expect(error.kind == .syntax, sourceLocation: sourceLocation)
        #expect(
          error.line == line && error.column == column, "\(error)",
          sourceLocation: sourceLocation)
        #expect(error.message.contains(message), "\(error)", sourceLocation: sourceLocation)
      }
    }
    expectSyntax("0 < Q 0:0(0) win 1\n", 1, 5, "expected TCP flags")
    expectSyntax("0 < S 0:5(0) win 1\n", 1, 7, "END - START = LENGTH")
    expectSyntax("0 socket(..., SOCK_STREAM, IPPROTO_TCP)\n", 1, 40, "expected = and the value")
    expectSyntax("\n\nabc\n", 3, 1, "expected a time")
    expectSyntax("0 < . 1:1(0) win 1\n", 1, 19, "needs ack N")
    expectSyntax("%{\nassert tcpi_rto == 1\n", 1, 1, "never ends")
  }

  @Test("shell commands and Python blocks are skipped with a warning each; --strict refuses them")
  func skipped() throws {
    let text = """
      `../common/defaults.sh`
      0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3
      %{ assert tcpi_snd_cwnd == 10 }%
      """
    let s = try PktParser.parse(text: text, file: "t.pkt")
    #expect(s.skipped.map(\.line) == [1, 3])
    #expect(s.skipped.allSatisfy { $0.kind == .skipped })
    #expect(throws: PktDiagnostic.self) {
      try PktParser.parse(text: text, file: "t.pkt", strict: true)
    }
  }

  @Test("times: absolute, relative to what happened, any, and ranges")
  func times() throws {
    var s = Scanner(chars: Array("+0.1~+0.25"), line: 1, file: "t")
    #expect(try PktParser.readTime(&s) == .range(.relative(100_000), .relative(250_000)))
    s = Scanner(chars: Array("1.5"), line: 1, file: "t")
    #expect(try PktParser.readTime(&s) == .absolute(1_500_000))
    s = Scanner(chars: Array("*"), line: 1, file: "t")
    #expect(try PktParser.readTime(&s) == .any)
    s = Scanner(chars: Array("+.000001"), line: 1, file: "t")
    #expect(try PktParser.readTime(&s) == .relative(1))
    // An outbound line at any time matches whenever the kernel sends it.
    let t = try Self.text("passive-open.pkt").replacingOccurrences(
      of: "+.04  > . 201:201(0) ack 102", with: "*     > . 201:201(0) ack 102")
    #expect(try Self.run(t).failure == nil)
  }

  @Test("the run is a lesson: the kernel on the left, the peer on the right")
  func asLesson() throws {
    let r = try Self.run(try Self.text("passive-open.pkt"), file: "dir/passive-open.pkt")
    #expect(r.lesson.id == "pkt-passive-open")
    #expect(r.lesson.hostNames == ["local", "remote"])
    let run = LessonRun(r.lesson)
    #expect(run.timeline.transmissions.count == r.timeline.transmissions.count)
    #expect(run.timeline.endpoint(.left, atStep: run.timeline.stepCount - 1).state == .closed)
  }
}

extension PktTests {
  /// The states a host's records name, in order.
  static func states(_ tl: Timeline, host: Int32) -> [TCPState] {
    tl.records.compactMap {
      guard $0.host == host, case .state(_, _, let to) = $0.event else { return nil }
      return to
    }
  }

  @Test("the peer has a panel: the TCB its segments imply, changing when a segment lands")
  func peerPanel() throws {
    let r = try Self.run(try Self.text("passive-open.pkt"), file: "passive-open.pkt")
    let tl = LessonRun(r.lesson).timeline
    #expect(tl.hosts[1].isTCP && tl.hosts[1].tracked)
    // The peer opened, closed first and waits in TIME-WAIT; the kernel went the passive way.
    #expect(
      Self.states(tl, host: 1) == [.synSent, .established, .finWait1, .finWait2, .timeWait])
    #expect(
      Self.states(tl, host: 0) == [
        .listen, .synReceived, .established, .closeWait, .lastAck, .closed,
      ])
    // The peer reaches ESTABLISHED when the SYN,ACK lands, not when it leaves the kernel.
    let synAck = try #require(
      (0..<tl.transmissions.count).first { tl.transmissions[$0].segment.flags == [.syn, .ack] })
    let landed = Int(try #require(tl.transmissions[synAck].firstLanding).step)
    #expect(tl.endpoint(.right, atStep: landed - 1).connection?.state == .synSent)
    #expect(tl.endpoint(.right, atStep: landed).connection?.state == .established)
    // Its numbers are the other side of the kernel's: every step, once both are established.
    for s in landed..<tl.stepCount {
      guard let peer = tl.endpoint(.right, atStep: s).connection,
        let kernel = tl.endpoint(.left, atStep: s).connection, kernel.state != .closed
      else { continue }
      #expect(peer.iss == kernel.irs && peer.irs == kernel.iss, "step \(s)")
    }
    // A landing at the peer is no longer "no TCP here".
    for rec in tl.records where rec.host == 1 {
      if case .arrive(_, let note) = rec.event { #expect(note == nil) }
    }
  }
}
