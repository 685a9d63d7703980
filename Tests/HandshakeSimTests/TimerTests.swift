import Testing

@testable import HandshakeSim

/// Timers on the virtual clock: RFC 6298, RFC 9293 §3.8.1 and §3.10.8, Linux's retry limits.
@Suite("Timers (RFC 6298, RFC 9293 §3.10.8)")
struct TimerTests {
  /// Linux ≥ 6.5 (`tcp_syn_linear_timeouts` = 4, net/ipv4/tcp_timer.c): the first four SYN
  /// timeouts keep the 1 s RTO, then it doubles; `tcp_syn_retries` = 6 is read by
  /// `retransmits_timed_out` as the time 6 doublings take (127 s). A 6.18 kernel with every SYN
  /// dropped sent SYNs at 0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 69 s and reported ETIMEDOUT at 134.5 s
  /// (the last two late by the timer wheel's slack).
  @Test(
    "SYN retransmission as Linux ≥ 6.5: 1 s four more times, then doubling; ETIMEDOUT past 127 s")
  func synLinearBackoff() {
    let link = LinkSpec(faults: [FaultRule(.drop, from: 0, flags: .syn, nth: 1, count: 100)])
    let tl = Simulation.run(
      Scenario(hosts: [Fixture.client(), Fixture.server()], link: link, script: Fixture.open))
    let syns = tl.sent(by: "client").map { ($0.sentAt - Fixture.ms(100)).micros / 1_000_000 }
    #expect(syns == [0, 1, 2, 3, 4, 5, 7, 11, 19, 35, 67])
    let fail = tl.records.last {
      if case .app(_, .connect, .timedOut, _) = $0.event { true } else { false }
    }
    // The timeout after the SYN at 67 s comes at 131 s, the first past the 127 s budget.
    #expect(fail?.time == Fixture.ms(100) + .seconds(131))
    #expect(tl.statePath(of: "client") == [.closed, .synSent, .closed])
  }

  @Test(
    "tcp_syn_linear_timeouts = 0: the classic RFC 6298 doubling, 1, 2, 4, ... 32 s; ETIMEDOUT at 127 s"
  )
  func synBackoff() {
    let link = LinkSpec(faults: [FaultRule(.drop, from: 0, flags: .syn, nth: 1, count: 100)])
    var client = Fixture.client()
    if case .tcp(var c) = client.role {
      c.synLinearTimeouts = 0
      client.role = .tcp(c)
    }
    let tl = Simulation.run(
      Scenario(hosts: [client, Fixture.server()], link: link, script: Fixture.open))
    let syns = tl.sent(by: "client").map { ($0.sentAt - Fixture.ms(100)).micros / 1_000_000 }
    #expect(syns == [0, 1, 3, 7, 15, 31, 63])
    let fail = tl.records.last {
      if case .app(_, .connect, .timedOut, _) = $0.event { true } else { false }
    }
    #expect(fail?.time == Fixture.ms(100) + .seconds(127))
    #expect(tl.statePath(of: "client") == [.closed, .synSent, .closed])
  }

  @Test("the SYN time budget is Linux's tcp_model_timeout")
  func budget() {
    let b = { (n: Int) in
      Connection.synBudget(retries: n, initialRTO: .seconds(1), maxRTO: .seconds(120)).micros
        / 1_000_000
    }
    #expect(b(6) == 127)
    #expect(b(1) == 3)
    // Past ilog2(120) = 6 doublings each further retry adds TCP_RTO_MAX.
    #expect(b(8) == 127 + 240)
  }

  @Test("a lost SYN is retransmitted after 1 s; data then starts with a 3 s RTO (RFC 6298 (5.7))")
  func lostSynThenThreeSeconds() throws {
    let link = LinkSpec(faults: [
      FaultRule(.drop, from: 0, flags: .syn, nth: 1),
      FaultRule(.drop, from: 0, hasData: true, nth: 1),
    ])
    // The timer alone: no tail-loss probe (which Linux would send after 1 s, with no RTT).
    let s = Scenario(
      hosts: [Fixture.client { $0.lossRecovery = .duplicateAcks }, Fixture.server()], link: link,
      script: Fixture.open + [
        ScriptEntry(Fixture.after(.state, host: 0, state: .established), host: 0, .send(.count(10)))
      ])
    let tl = Simulation.run(s)
    let syns = tl.sent(by: "client").filter { $0.flags.contains(.syn) }
    #expect(syns.count == 2 && syns[1].sentAt - syns[0].sentAt == .seconds(1))
    let data = tl.sent(by: "client").filter { !$0.segment.payload.isEmpty }
    #expect(data.count == 2 && data[1].sentAt - data[0].sentAt == .seconds(3))
  }

  @Test(
    "a listener retransmits its SYN-ACK at 1, 3, 7, 15, 31 s and drops the half-open connection at 63 s (tcp_synack_retries = 5)"
  )
  func synAckRetransmission() {
    let tl = Simulation.run(
      Scenario(
        hosts: [Fixture.peer(), Fixture.server()],
        script: [
          ScriptEntry(.at(.zero), host: 1, .listen(port: nil, backlog: nil)),
          ScriptEntry(
            .at(.zero), host: 0, .inject(Injection(to: 1, seq: .absolute(1), flags: .syn))),
        ]))
    let times = tl.sent(by: "server").map { ($0.sentAt.micros - 10_000) / 1_000_000 }
    #expect(times == [0, 1, 3, 7, 15, 31])
    #expect(tl.states(of: "server").last! == (.synReceived, .closed))
    let end = tl.records.last {
      if case .state(_, .synReceived, .closed) = $0.event { true } else { false }
    }
    #expect(end?.time == VirtualTime(micros: 10_000) + .seconds(63))
  }

  @Test(
    "TIME-WAIT lasts 2*MSL: 60 s by default (Linux), 240 s with the RFC's 2-minute MSL (§3.10.8)",
    arguments: [30, 120] as [Int64])
  func timeWaitLength(msl: Int64) throws {
    let tl = Simulation.run(Fixture.normal(client: Fixture.client { $0.msl = .seconds(msl) }))
    let entered = try #require(
      tl.records.first { if case .state(_, _, .timeWait) = $0.event { true } else { false } })
    let left = try #require(
      tl.records.first { if case .state(_, .timeWait, .closed) = $0.event { true } else { false } })
    #expect(left.time - entered.time == .seconds(2 * msl))
  }

  @Test("a retransmitted FIN in TIME-WAIT is ACKed again and 2*MSL restarts (§3.10.7.4 eighth)")
  func timeWaitRestart() throws {
    // Drop the client's final ACK: its third pure ACK (after the handshake's and the response's).
    var s = Fixture.normal()
    s.link = LinkSpec(faults: [
      FaultRule(.drop, from: 0, flags: .ack, withoutFlags: [.syn, .fin], hasData: false, nth: 3)
    ])
    let tl = Simulation.run(s)
    #expect(tl.notes(at: "client").contains(.timeWaitRestart))
    let serverFins = tl.sent(by: "server").filter { $0.flags.contains(.fin) }
    #expect(serverFins.count == 2 && serverFins[1].isRetransmission)
    let restart = try #require(tl.arrivals(at: "client").first { $0.1 == .timeWaitRestart })
    let closed = try #require(
      tl.records.first { if case .state(_, .timeWait, .closed) = $0.event { true } else { false } })
    #expect(closed.time - restart.2 == .seconds(60))
    #expect(tl.finalConnection("server").state == .closed)
    #expect(tl.states(of: "server").last! == (.lastAck, .closed))
  }

  @Test("an orphaned FIN-WAIT-2 ends after tcp_fin_timeout (Linux; RFC 9293 has no such timer)")
  func finWait2Timeout() throws {
    var s = Fixture.normal()
    s.script = Fixture.open + [ScriptEntry(.at(Fixture.s(1)), host: 0, .close)]
    let tl = Simulation.run(s)
    let fw2 = try #require(
      tl.records.first { if case .state(_, _, .finWait2) = $0.event { true } else { false } })
    #expect(tl.timers(of: "client").map(\.0) == [.finWait2])
    #expect(tl.timers(of: "client").first!.1 - fw2.time == .seconds(60))
    #expect(tl.finalConnection("server").state == .closeWait)
  }

  @Test(
    "RTO = SRTT + max(4·RTTVAR, 200 ms) from the first sample: R + max(2R, 200 ms), and a lost segment waits exactly that (RFC 6298 (2.2), Linux's floor)",
    arguments: [(10, 220), (150, 900)] as [(Int64, Int64)])
  func rtoFromFirstSample(oneWayMillis: Int64, expectedMillis: Int64) throws {
    let latency = VirtualDuration.millis(oneWayMillis)
    // The timer alone: no tail-loss probe before it.
    let s = Scenario(
      hosts: [Fixture.client { $0.lossRecovery = .duplicateAcks }, Fixture.server()],
      link: LinkSpec(
        leftToRight: latency, rightToLeft: latency,
        faults: [FaultRule(.drop, from: 0, hasData: true, nth: 1)]),
      script: Fixture.open + [
        ScriptEntry(Fixture.after(.state, host: 0, state: .established), host: 0, .send(.count(10)))
      ])
    let tl = Simulation.run(s)
    // The SYN,ACK gave the client its one sample, R = 2 × one-way.
    let established = try #require(
      tl.steps.indices.first { tl.endpoint(.left, atStep: $0).state == .established })
    let client = try #require(tl.endpoint(.left, atStep: established).connection)
    #expect(client.srtt == .millis(2 * oneWayMillis))
    #expect(client.rto == .millis(expectedMillis))
    let data = tl.sent(by: "client").filter { !$0.segment.payload.isEmpty }
    #expect(data.count == 2 && data[1].sentAt - data[0].sentAt == .millis(expectedMillis))
  }

  @Test(
    "on a steady path the RTO's variance term shrinks once per round trip down to 200 ms (Linux's mdev_max decay)"
  )
  func rtoSettles() throws {
    let latency = VirtualDuration.millis(150)
    // One small write every 0.5 s: each is timed, so each gives a sample of 300 ms (plus the
    // server's delayed ACK).
    let writes = (0..<30).map {
      ScriptEntry(.at(Fixture.ms(1000 + 500 * Int64($0))), host: 0, .send(.count(10)))
    }
    let tl = Simulation.run(
      Scenario(
        hosts: [Fixture.client(), Fixture.server()],
        link: LinkSpec(leftToRight: latency, rightToLeft: latency),
        script: Fixture.open + writes))
    var rtos: [VirtualDuration] = []
    for i in tl.steps.indices {
      guard let c = tl.endpoint(.left, atStep: i).connection, c.srtt != nil else { continue }
      if rtos.last != c.rto { rtos.append(c.rto) }
    }
    let last = try #require(
      tl.steps.indices.last.flatMap { tl.endpoint(.left, atStep: $0).connection })
    let srtt = try #require(last.srtt)
    #expect(rtos.first == .millis(900))
    #expect(zip(rtos, rtos.dropFirst()).allSatisfy { $0.1 <= $0.0 }, "never grows on a steady path")
    #expect(last.rto - srtt >= .millis(200))
    #expect(last.rto - srtt < .millis(210), "the variance term has decayed to the floor")
  }
}
