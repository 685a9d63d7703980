import BuiltinLessons
import Foundation
import HandshakeApp
import HandshakeExport
import HandshakeLessons
import HandshakeSim
import Testing

@testable import HandshakeCapture

/// Reconstructing with hindsight (issue 13 point 1): a capture point sees a segment leave, not
/// arrive; when a later segment proves an ACK never arrived, its receiver is shown staying
/// where it was, and the explanation says so.
@Suite("Captures read with hindsight")
struct HindsightTests {
  @Test(
    "a real capture: the final ACK seen but dropped after the capture point; the server stays in LAST-ACK until its FIN is ACKed again"
  )
  func lastAckDropped() throws {
    let (_, a) = try analyze(try fixture("j_lastack_ackdrop.pcap"))
    let tl = a.timeline
    #expect(
      states(tl, host: 1) == [.synReceived, .established, .closeWait, .lastAck, .closed])
    #expect(states(tl, host: 0) == [.synSent, .established, .finWait1, .finWait2, .timeWait])
    // Packet 11 (the first final ACK) never arrived; packet 12, the FIN again, proves it.
    let lost = a.observations.compactMap { o -> (Int, Int)? in
      if case .lostAfterCapture(let tx, let proof) = o.what { return (tx, proof) }
      return nil
    }
    #expect(lost.count == 1 && lost[0] == (10, 11))
    #expect(tl.transmissions[10].firstLanding?.dropped == .afterCapture)
    // The server leaves LAST-ACK only at packet 13, 204 ms after the lost ACK.
    let closed = try #require(
      tl.records.first {
        if $0.host == 1, case .state(_, .lastAck, .closed) = $0.event { true } else { false }
      })
    #expect(closed.time - tl.transmissions[10].sentAt > .millis(200))
    // The FIN again reaches a client in TIME-WAIT (restart), not a closed socket.
    #expect(
      tl.records.contains {
        if case .arrive(12, .timeWaitRestart) = $0.event { true } else { false }
      } == false)
    #expect(
      tl.records.contains {
        if case .arrive(11, .timeWaitRestart) = $0.event { true } else { false }
      })
    let (summary, _) = try analyze(try fixture("j_lastack_ackdrop.pcap"))
    let lessonRun = CaptureLesson.run(
      file: "j.pcap", capture: summary, connection: summary.connections[0], analysis: a)
    for language in Language.allCases {
      let words = lessonRun.notes.values.flatMap { $0 }.map { $0[language] }.joined(separator: " ")
      #expect(words.contains(language == .en ? "never reached" : "닿지 않았습니다"), "\(language)")
    }
  }

  /// The engine's run, captured where the segments leave (so losses are in the capture), read
  /// back by the tracker: with hindsight it must find the states the engine went through.
  func trackedStates(_ scenario: Scenario) throws -> (engine: Timeline, tracked: Timeline) {
    let engine = Simulation.run(scenario)
    let bytes = PcapWriter(engine, view: .sender).bytes()
    let (_, a) = try CaptureFile.analyze(MemorySource(bytes), file: "t", connection: 0)
    return (engine, a.timeline)
  }

  func engineStates(_ tl: Timeline, host: Int) -> [TCPState] {
    var s = states(tl, host: Int32(host)).filter { $0 != .listen }
    if s.suffix(2) == [.timeWait, .closed] { s.removeLast() }
    return s
  }

  /// When each state was entered.
  func stateTimes(_ tl: Timeline, host: Int) -> [(TCPState, VirtualTime)] {
    tl.records.compactMap { r -> (TCPState, VirtualTime)? in
      guard r.host == Int32(host), case .state(_, _, let to) = r.event, to != .listen else {
        return nil
      }
      return (to, r.time)
    }
  }

  /// The same states, each entered at the engine's time less at most the link's latency (the
  /// capture saw the segment leave; the engine's receiver changed when it arrived).
  func expectSameTimes(
    _ engine: Timeline, _ tracked: Timeline, latency: VirtualDuration = .millis(10),
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    // Capture times count from the first packet.
    let offset = engine.transmissions.first.map { $0.sentAt - .zero } ?? .zero
    for h in 0..<2 {
      let e = stateTimes(engine, host: h)
      let t = stateTimes(tracked, host: h)
      for (i, (state, time)) in t.enumerated() where i < e.count {
        #expect(state == e[i].0, "host \(h) state \(i)", sourceLocation: sourceLocation)
        let d = e[i].1 - (time + offset)
        #expect(
          d >= .zero && d <= latency,
          "host \(h): \(state) at \(time) in the capture, \(e[i].1) in the engine",
          sourceLocation: sourceLocation)
      }
    }
  }

  @Test("the time-wait lesson captured before the loss: the tracker finds the engine's states")
  func timeWaitLesson() throws {
    let lesson = try #require(try LessonLibrary.builtIn(id: "time-wait"))
    let (engine, tracked) = try trackedStates(lesson.scenario)
    #expect(states(tracked, host: 0) == engineStates(engine, host: 0))
    #expect(states(tracked, host: 1) == engineStates(engine, host: 1))
    expectSameTimes(engine, tracked)
  }

  @Test(
    "a simultaneous close whose two pure ACKs are lost: both stay in CLOSING until a FIN comes again, then TIME-WAIT"
  )
  func simultaneousCloseAcksLost() throws {
    var s = Fixture.normalScenario()
    s.link.faults = [
      FaultRule(.drop, from: 0, flags: .ack, withoutFlags: [.syn, .fin], hasData: false, nth: 3),
      FaultRule(.drop, from: 1, flags: .ack, withoutFlags: [.syn, .fin], hasData: false, nth: 1),
    ]
    s.script =
      Array(s.script.prefix(2)) + [
        ScriptEntry(.at(VirtualTime(micros: 1_000_000)), host: 0, .close),
        ScriptEntry(.at(VirtualTime(micros: 1_000_000)), host: 1, .close),
      ]
    let (engine, tracked) = try trackedStates(s)
    #expect(
      engineStates(engine, host: 0) == [.synSent, .established, .finWait1, .closing, .timeWait])
    #expect(states(tracked, host: 0) == engineStates(engine, host: 0))
    #expect(states(tracked, host: 1) == engineStates(engine, host: 1))
    expectSameTimes(engine, tracked)
    let (_, a) = try CaptureFile.analyze(
      MemorySource(PcapWriter(engine, view: .sender).bytes()), file: "t", connection: 0)
    #expect(a.observations.contains { if case .timeWaitBoth = $0.what { true } else { false } })
    #expect(!a.observations.contains { if case .timeWait = $0.what { true } else { false } })
  }
}

enum Fixture {
  /// Client and server with fixed ISNs, the server listening at 0, the client connecting at
  /// 100 ms, 10 ms each way.
  static func normalScenario() -> Scenario {
    func host(_ name: String, _ a: UInt8, _ side: Side, _ port: UInt16, _ isn: UInt32) -> HostSpec {
      var c = TCPConfig()
      c.isn = isn
      return HostSpec(
        name: name, address: IPv4Address(10, 0, 0, a), side: side, role: .tcp(c), port: port)
    }
    return Scenario(
      hosts: [host("client", 1, .left, 40000, 1000), host("server", 2, .right, 80, 5000)],
      script: [
        ScriptEntry(.at(.zero), host: 1, .listen(port: nil, backlog: nil)),
        ScriptEntry(
          .at(VirtualTime(micros: 100_000)), host: 0, .connect(to: 1, port: nil, localPort: nil)),
      ])
  }
}

/// Unanswered segments (issue 13 points 2 and 3).
@Suite("Captures: what nothing answered")
struct UnansweredTests {
  @Test(
    "a real capture of SYNs that were all dropped: no reply to each, and the client gave up after 8 tries at 0, 1, 2, 3, 4, 5, 7, 11 s"
  )
  func synsUnanswered() throws {
    let (summary, a) = try analyze(try fixture("linux-syn-lost.pcap"))
    let tl = a.timeline
    #expect(states(tl, host: 0) == [.synSent, .closed])
    #expect(tl.transmissions.allSatisfy { $0.firstLanding?.dropped == .noReply })
    let gave = a.observations.compactMap { o -> (Int, [VirtualTime])? in
      if case .gaveUp(0, let n, let times) = o.what { return (n, times) }
      return nil
    }
    #expect(gave.count == 1 && gave[0].0 == 8)
    let seconds = gave[0].1.map { Int((($0 - gave[0].1[0]).micros + 500_000) / 1_000_000) }
    #expect(seconds == [0, 1, 2, 3, 4, 5, 7, 11])
    let run = CaptureLesson.run(
      file: "s.pcap", capture: summary, connection: summary.connections[0], analysis: a)
    let en = run.notes.values.flatMap { $0 }.map(\.en).joined(separator: " ")
    let ko = run.notes.values.flatMap { $0 }.map(\.ko).joined(separator: " ")
    #expect(en.contains("sent 8 SYNs") && en.contains("connect() gave up"))
    #expect(en.contains("No reply seen to this SYN"))
    #expect(ko.contains("SYN을 8번") && ko.contains("답이 보이지 않습니다"))
  }

  @Test(
    "a SYN flood captured at the server: a spoofed source is no TCP; the server stays in SYN-RECEIVED while it resends its SYN,ACK"
  )
  func spoofed() throws {
    let lesson = try #require(try LessonLibrary.builtIn(id: "syn-flood"))
    let bytes = PcapWriter(LessonRun(lesson).timeline, view: .sender).bytes()
    // The first connection in the file is a spoofed SYN's.
    let (summary, a) = try CaptureFile.analyze(MemorySource(bytes), file: "f", connection: 0)
    let tl = a.timeline
    #expect(states(tl, host: 1) == [.synReceived])
    // No TCP at the spoofed address: no state at any step, said when its SYN leaves.
    #expect(states(tl, host: 0) == [])
    #expect(a.silentHosts == [0])
    #expect(
      a.observations.contains { if case .silent(0) = $0.what { $0.step == 1 } else { false } })
    // Every SYN,ACK went unanswered, the retransmissions too.
    let synAcks = tl.transmissions.filter { $0.from == 1 }
    #expect(synAcks.count > 1 && synAcks.allSatisfy { $0.firstLanding?.dropped == .noReply })
    let run = CaptureLesson.run(
      file: "f.pcap", capture: summary, connection: summary.connections[0], analysis: a)
    let words = run.notes.values.flatMap { $0 }
    #expect(words.contains { $0.en.contains("No TCP at") && $0.ko.contains("TCP가 없습니다") })
    // On screen, in both languages: the spoofed side's badge says what it is, at every step.
    for (language, badge, why) in [
      (Language.en, "no TCP", "spoofed or silent"), (.ko, "TCP 없음", "위조 또는 무응답"),
    ] {
      var m = AppModel(
        lessons: [run.lesson], lessonID: run.lesson.id, language: language, theme: "default",
        runner: { _ in run })
      Update.apply(.resize(width: 100, height: 30), to: &m)
      for step in [0, 1, m.lastStep] {
        m.step = step
        let text = AppView.render(m).lines.joined(separator: "\n")
        #expect(text.contains(badge) && text.contains(why), "step \(step): \(text)")
        #expect(!text.contains("SYN-SENT"))
      }
    }
  }

  @Test("a SYN cookie keeps no state: the listener stays in LISTEN until the cookie comes back")
  func cookie() throws {
    func seg(_ from: Int, _ flags: TCPFlags, seq: UInt32, ack: UInt32 = 0, _ o: TCPOptions = .none)
      -> ObservedSegment
    {
      let a = IPv4Address(10, 0, 0, 1)
      let b = IPv4Address(10, 0, 0, 2)
      return ObservedSegment(
        time: VirtualTime(micros: Int64(from) * 10),
        segment: Segment(
          source: from == 0 ? a : b, destination: from == 0 ? b : a,
          sourcePort: from == 0 ? 40000 : 80, destinationPort: from == 0 ? 80 : 40000,
          seq: SeqNum(seq), ack: SeqNum(ack), flags: flags, window: 1000, options: o),
        ipID: 0, payloadLength: 0)
    }
    var offer = TCPOptions(mss: 1460)
    offer.windowScale = 7
    offer.sackPermitted = true
    let a = PassiveTracker.analyze([
      seg(0, .syn, seq: 100, offer),
      seg(1, [.syn, .ack], seq: 5000, ack: 101, TCPOptions(mss: 1460)),
      seg(0, .ack, seq: 101, ack: 5001),
    ])
    let tl = a.timeline
    #expect(a.observations.contains { if case .cookieLikely = $0.what { true } else { false } })
    // LISTEN while the cookie is out (steps 3 and 4: the SYN,ACK leaves and arrives), then
    // ESTABLISHED when the ACK with the cookie arrives.
    #expect(states(tl, host: 1) == [.established])
    for step in 3...5 {
      #expect(tl.endpoint(.right, atStep: step).state == .listen, "step \(step)")
    }
    #expect(tl.endpoint(.right, atStep: 6).state == .established)
    #expect(states(tl, host: 0) == [.synSent, .established])
  }
}

/// What a capture's panels show of options and sizes (issue 13 point 5).
@Suite("Captures: options and sizes")
struct CaptureSizesTests {
  @Test("the MSS a side announced, the largest segment it sent, and no ISS before its SYN,ACK")
  func sizes() throws {
    let (_, a) = try analyze(try fixture("d_halfclose.pcap"))
    let tl = a.timeline
    let listener = try #require(tl.endpoint(.right, atStep: 1).connection)
    #expect(!listener.issKnown)
    let last = tl.stepCount - 1
    let server = try #require(tl.endpoint(.right, atStep: last).connection)
    #expect(server.issKnown && server.announcedMSS == 65495)
    #expect(server.largestSent == 1000)
    let client = try #require(tl.endpoint(.left, atStep: last).connection)
    #expect(client.largestSent == 100)
    // On screen: "—" for the listener's ISS, the largest segment on its own line.
    let (summary, _) = try analyze(try fixture("d_halfclose.pcap"))
    let run = CaptureLesson.run(
      file: "d.pcap", capture: summary, connection: summary.connections[0], analysis: a)
    var m = AppModel(
      lessons: [run.lesson], lessonID: run.lesson.id, language: .en, theme: "default",
      runner: { _ in run })
    m.width = 100
    m.height = 30
    m.step = 1
    #expect(AppView.render(m).lines.joined(separator: "\n").contains("ISS      —"))
    m.step = last
    let end = AppView.render(m).lines.joined(separator: "\n")
    #expect(end.contains("largest sent 1000") || end.contains("largest segment sent 1000"))
  }
}

/// `--anonymize` (issue 13 point 9).
@Suite("Captures: safe to project")
struct AnonymizeTests {
  @Test("documentation addresses, stand-in high ports, the same wherever they appear; no payload")
  func anonymized() throws {
    let bytes = try fixture("a_normal.pcap")
    let summary = try CaptureFile.summarize(MemorySource(bytes), file: "a", anonymize: true)
    let (_, a) = try CaptureFile.analyze(
      MemorySource(bytes), file: "a", connection: 0, anonymize: true)
    let c = summary.connections[0]
    #expect(c.client.address.description == "192.0.2.1" && c.client.port == 49152)
    #expect(c.server.address.description == "192.0.2.1" && c.server.port == 49153)
    for t in a.timeline.transmissions {
      let s = t.segment
      #expect(s.source.description == "192.0.2.1" && s.destination.description == "192.0.2.1")
      #expect([49152, 49153].contains(s.sourcePort) && [49152, 49153].contains(s.destinationPort))
      #expect(s.payload.allSatisfy { $0 == 0 })
    }
    #expect(a.timeline.transmissions.map(\.segment.payload.count).reduce(0, +) == 300)
    #expect(
      !a.timeline.hosts.contains { $0.name.contains("127.0.0.1") || $0.name.contains("39110") })
    // Well-known ports stay; many addresses go on past the first documentation block.
    var anon = CaptureAnonymizer()
    #expect(anon.port(80) == 80 && anon.port(443) == 443)
    let addresses = (0..<800).map { anon.address(.v4(0x0A00_0000 + UInt32($0))).description }
    #expect(Set(addresses).count == 800)
    #expect(
      addresses[0] == "192.0.2.1" && addresses[254] == "198.51.100.1"
        && addresses[508] == "203.0.113.1")
    #expect(anon.address(.v6([UInt8](repeating: 0xFE, count: 16))).description == "2001:db8::1")
  }
}
