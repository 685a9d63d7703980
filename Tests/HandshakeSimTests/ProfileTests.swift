import Testing

@testable import HandshakeSim

/// `profile: linux | rfc9293`: one word for every default on which the two differ (issue 12
/// point 7), each difference checked on its own.
@Suite("Profiles: Linux and RFC 9293")
struct ProfileTests {
  static func rfc(_ configure: @escaping (inout TCPConfig) -> Void = { _ in }) -> (inout TCPConfig)
    -> Void
  {
    { c in
      c.apply(.rfc9293)
      configure(&c)
    }
  }

  @Test("the rfc9293 profile sets exactly the defaults where the RFC and Linux differ")
  func profileDefaults() {
    let l = TCPConfig()
    let r = TCPConfig(profile: .rfc9293)
    #expect(l.profile == .linux && r.profile == .rfc9293)
    #expect(l.minRTO == .millis(200) && r.minRTO == .seconds(1))
    #expect(l.rtoModel == .linux && r.rtoModel == .rfc6298)
    #expect(l.synLinearTimeouts == 4 && r.synLinearTimeouts == 0)
    #expect(l.synGiveUp == nil && r.synGiveUp == .seconds(180))
    #expect(l.timeWaitDuration == .seconds(60) && r.timeWaitDuration == .seconds(240))
    #expect(l.delayedAck == .linux && r.delayedAck == .fixed(.millis(200)))
    #expect(l.resetStyle == .linux && r.resetStyle == .rfc)
    #expect(l.synAckOnDuplicateSyn && !r.synAckOnDuplicateSyn)
    #expect(l.acceptSimultaneousSynAck && !r.acceptSimultaneousSynAck)
    #expect(l.lossRecovery == .rack && r.lossRecovery == .duplicateAcks)
    // The rest is left alone, and applying linux again gives the defaults back.
    var back = r
    back.mss = 1000
    back.apply(.linux)
    var expected = TCPConfig()
    expected.mss = 1000
    #expect(back == expected)
  }

  @Test("RFC 6298 as written: RTO = max(SRTT + 4·RTTVAR, 1 s), so a 20 ms path waits 1 s")
  func rfc6298RTO() throws {
    let s = Scenario(
      hosts: [Fixture.client(Self.rfc()), Fixture.server(Self.rfc())],
      link: LinkSpec(faults: [FaultRule(.drop, from: 0, hasData: true, nth: 1)]),
      script: Fixture.open + [
        ScriptEntry(Fixture.after(.state, host: 0, state: .established), host: 0, .send(.count(10)))
      ])
    let tl = Simulation.run(s)
    let data = tl.sent(by: "client").filter { !$0.segment.payload.isEmpty }
    #expect(data.count == 2 && data[1].sentAt - data[0].sentAt == .seconds(1))
    // No probe: RFC 9293 has none.
    #expect(!tl.timers(of: "client").contains { $0.0 == .lossProbe })
    #expect(tl.finalConnection("client").lossSignal == .timeout)
  }

  @Test("RFC 9293's connect() gives up at 3 minutes (R2, MUST-23), SYNs doubling from 1 s")
  func synGiveUp() throws {
    let s = Scenario(
      hosts: [Fixture.client(Self.rfc()), Fixture.server()],
      link: LinkSpec(faults: [FaultRule(.drop, from: 0, flags: .syn, count: 100)]),
      script: Fixture.open)
    let tl = Simulation.run(s)
    let syns = tl.sent(by: "client").filter { $0.flags.contains(.syn) }.map {
      ($0.sentAt - syns0(tl)).micros / 1_000_000
    }
    #expect(syns == [0, 1, 3, 7, 15, 31, 63, 127])
    let failed = try #require(
      tl.records.first {
        if case .app(_, .connect, .timedOut, _) = $0.event { true } else { false }
      })
    #expect(failed.time - tl.sent(by: "client")[0].sentAt == .seconds(180))
  }

  func syns0(_ tl: Timeline) -> VirtualTime { tl.sent(by: "client")[0].sentAt }

  @Test(
    "simultaneous open, RFC 9293 read literally: each SYN,ACK fails the window test and draws an ACK, and those ACKs complete the open"
  )
  func simultaneousOpenLiteral() throws {
    let a = Fixture.tcp("a", Fixture.clientAddress, .left, port: 5000, isn: 100, Self.rfc())
    let b = Fixture.tcp("b", Fixture.serverAddress, .right, port: 6000, isn: 300, Self.rfc())
    let tl = Simulation.run(
      Scenario(
        hosts: [a, b],
        script: [
          ScriptEntry(.at(.zero), host: 0, .connect(to: 1, port: 6000, localPort: 5000)),
          ScriptEntry(.at(.zero), host: 1, .connect(to: 0, port: 5000, localPort: 6000)),
        ]))
    for h in ["a", "b"] {
      #expect(tl.statePath(of: h) == [.closed, .synSent, .synReceived, .established])
      #expect(tl.notes(at: h).contains(.notAcceptable))
      #expect(tl.sent(by: h).map(\.flags) == [.syn, [.syn, .ack], .ack])
    }
  }

  @Test("the third duplicate ACK under rfc9293; RACK at the first SACK under Linux")
  func lossRules() throws {
    func run(_ configure: @escaping (inout TCPConfig) -> Void) -> Timeline {
      // Six segments 20 ms apart, the second lost: a SACK for each later one.
      var script = Fixture.open
      for i in 0..<6 {
        script.append(
          ScriptEntry(
            Fixture.after(.state, host: 0, state: .established, delay: 10 + 20 * Int64(i)),
            host: 0, .send(.count(1000))))
      }
      return Simulation.run(
        Scenario(
          hosts: [Fixture.client(configure), Fixture.server(configure)],
          link: LinkSpec(faults: [FaultRule(.drop, from: 0, hasData: true, nth: 2)]),
          script: script))
    }
    let linux = run { _ in }
    let rfc = run(Self.rfc())
    func resend(_ tl: Timeline) throws -> VirtualDuration {
      let copies = tl.sent(by: "client").filter { $0.segment.payload.count == 1000 }
      let lost = try #require(copies.dropFirst().first)
      let again = try #require(copies.first { $0.isRetransmission })
      #expect(again.segment.seq == lost.segment.seq)
      return again.sentAt - lost.sentAt
    }
    // Linux: the third segment's SACK arrives one round trip (20 ms) after it left, 20 ms after
    // the lost one: the lost one is 40 ms old, more than RTT + RTT/4, so it goes at once.
    #expect(try resend(linux) == .millis(40))
    #expect(linux.notes(at: "client").contains(.rackLoss))
    #expect(linux.finalConnection("client").lossSignal == .rack)
    // RFC: the third segment's ACK is not a duplicate (it is the first to cover the first
    // segment, whose own ACK was being delayed); the fourth, fifth and sixth are: the third
    // duplicate comes from the sixth, sent 80 ms after the lost one, 20 ms before it: 100 ms.
    #expect(try resend(rfc) == .millis(100))
    #expect(rfc.notes(at: "client").contains(.fastRetransmit))
    #expect(rfc.finalConnection("client").lossSignal == .duplicateAcks)
  }

  @Test("a tail loss: Linux probes at 2·SRTT + 200 ms, capped at the RTO; the RFC waits its RTO")
  func tailLossProbe() throws {
    func run(_ configure: @escaping (inout TCPConfig) -> Void, oneWay: Int64) -> Timeline {
      let latency = VirtualDuration.millis(oneWay)
      return Simulation.run(
        Scenario(
          hosts: [Fixture.client(configure), Fixture.server(configure)],
          link: LinkSpec(
            leftToRight: latency, rightToLeft: latency,
            faults: [FaultRule(.drop, from: 0, hasData: true, nth: 1)]),
          script: Fixture.open + [
            ScriptEntry(
              Fixture.after(.state, host: 0, state: .established), host: 0, .send(.count(10)))
          ]))
    }
    func gap(_ tl: Timeline) -> VirtualDuration {
      let d = tl.sent(by: "client").filter { !$0.segment.payload.isEmpty }
      return d[1].sentAt - d[0].sentAt
    }
    // SRTT 300 ms (150 each way): PTO = 600 + 200 = 800 ms, before the RTO of 900 ms.
    let far = run({ _ in }, oneWay: 150)
    #expect(gap(far) == .millis(800))
    #expect(far.timers(of: "client").contains { $0.0 == .lossProbe })
    #expect(far.finalConnection("client").lossSignal == .tailLossProbe)
    // SRTT 20 ms: PTO 240 ms, capped at the RTO of 220 ms.
    #expect(gap(run({ _ in }, oneWay: 10)) == .millis(220))
    // The RFC: RTO of at least 1 s.
    #expect(gap(run(Self.rfc(), oneWay: 10)) == .seconds(1))
  }

  @Test(
    "Linux's delayed ACK: the first data ACKed at once (quick-ACK), a lone full segment later on waits 40 ms"
  )
  func linuxDelayedAck() throws {
    // 20 segments of 1460 bytes, one every 100 ms, a reader that does not read (no PSH-driven
    // ACK from the read): the first 16 ACKs are quick, then each lone segment waits.
    var script = Fixture.open
    for i in 0..<20 {
      script.append(
        ScriptEntry(
          Fixture.after(.state, host: 0, state: .established, delay: 100 * Int64(i + 1)),
          host: 0, .send(.count(1460))))
    }
    let tl = Simulation.run(
      Scenario(
        hosts: [Fixture.client(), Fixture.server()],
        link: LinkSpec(), script: script))
    let arrivals = tl.arrivals(at: "server").filter { !$0.0.segment.payload.isEmpty }
    let acks = tl.sent(by: "server").filter {
      $0.segment.payload.isEmpty && !$0.flags.contains(.syn)
    }
    var delays: [Int64] = []
    for a in arrivals {
      if let ack = acks.first(where: { $0.segment.ack == a.0.segment.endSeq }) {
        delays.append((ack.sentAt - a.2).micros / 1000)
      }
    }
    #expect(delays.count == 20)
    #expect(delays.prefix(16).allSatisfy { $0 == 0 })
    #expect(delays.dropFirst(16).allSatisfy { $0 >= 40 })
  }
}
