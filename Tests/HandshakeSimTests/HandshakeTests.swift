import Testing

@testable import HandshakeSim

/// Opening and closing: RFC 9293 §3.5, §3.6, §3.10.1, §3.10.4, §3.10.7.
@Suite("Opening and closing (RFC 9293 §3.5, §3.6)")
struct HandshakeTests {
  @Test("three-way handshake: ack = seq + 1 for SYN; SND.NXT = ISS+1 at once (§3.4, §3.10.1)")
  func threeWayHandshake() throws {
    let tl = Simulation.run(Fixture.normal())
    let c = tl.sent(by: "client")
    let s = tl.sent(by: "server")
    #expect(c[0].flags == .syn && c[0].segment.seq == SeqNum(1000))
    #expect(
      s[0].flags == [.syn, .ack] && s[0].segment.seq == SeqNum(5000)
        && s[0].segment.ack == SeqNum(1001))
    #expect(
      c[1].flags == .ack && c[1].segment.seq == SeqNum(1001) && c[1].segment.ack == SeqNum(5001))
    #expect(c[1].segment.length == 0)
    // Right after connect() the client's SND.NXT is ISS+1 and SND.UNA still ISS.
    let connectStep = try #require(
      tl.steps.indices.first { i in
        tl.records(ofStep: i).contains {
          if case .app(_, .connect, .inProgress, _) = $0.event { true } else { false }
        }
      })
    let snap = try #require(tl.endpoint(.left, atStep: connectStep).connection)
    #expect(snap.sndNxt == SeqNum(1001) && snap.sndUna == SeqNum(1000) && snap.state == .synSent)
    // The server's SND.NXT becomes ISS+1 when it sends the SYN-ACK, not when the ACK arrives.
    let synArrive = try #require(
      tl.steps.indices.first { i in
        tl.records(ofStep: i).contains {
          if case .state(_, .listen, .synReceived) = $0.event { true } else { false }
        }
      })
    #expect(tl.endpoint(.right, atStep: synArrive).connection?.sndNxt == SeqNum(5001))
    #expect(tl.statePath(of: "client").prefix(3) == [.closed, .synSent, .established])
    #expect(
      Array(tl.statePath(of: "server").prefix(4)) == [.closed, .listen, .synReceived, .established])
  }

  @Test("every segment after the first SYN carries ACK (§3.10.7.4 fifth)")
  func everythingAcks() {
    let tl = Simulation.run(Fixture.normal())
    for t in tl.transmissions.dropFirst() { #expect(t.flags.contains(.ack)) }
  }

  @Test(
    "active close: FIN-WAIT-1, FIN-WAIT-2, TIME-WAIT for 2*MSL; passive: CLOSE-WAIT, LAST-ACK (§3.6)"
  )
  func fourWayClose() throws {
    let tl = Simulation.run(Fixture.normal())
    #expect(tl.end == .quiescent)
    #expect(
      tl.statePath(of: "client") == [
        .closed, .synSent, .established, .finWait1, .finWait2, .timeWait, .closed,
      ])
    let server = tl.states(of: "server").map(\.1).filter { $0 != .listen && $0 != .synReceived }
    #expect(server == [.established, .closeWait, .lastAck, .closed])
    // FIN takes one sequence number: the ACK of the client's FIN is FIN.seq + 1.
    let fin = try #require(tl.sent(by: "client").first { $0.flags.contains(.fin) })
    let finAck = try #require(tl.sent(by: "server").first { $0.segment.ack == fin.segment.seq + 1 })
    #expect(finAck.flags == .ack)
    // TIME-WAIT lasts exactly 2*MSL = 60 s (Linux) from the moment it is entered.
    let entered = try #require(
      tl.records.first { if case .state(_, _, .timeWait) = $0.event { true } else { false } })
    let left = try #require(
      tl.records.first { if case .state(_, .timeWait, .closed) = $0.event { true } else { false } })
    #expect(left.time - entered.time == .seconds(60))
    #expect(tl.timers(of: "client").map(\.0) == [.timeWait])
  }

  @Test(
    "three-segment close: FIN with the ACK of our FIN goes straight to TIME-WAIT (§3.10.7.4 eighth)"
  )
  func threeSegmentClose() {
    let s = Fixture.normal(server: Fixture.server { $0.delayedAck = .fixed(.millis(40)) })
    var sc = s
    sc.script[5] = ScriptEntry(
      Fixture.after(.state, host: 1, state: .closeWait, delay: 10), host: 1, .close)
    let tl = Simulation.run(sc)
    #expect(tl.statePath(of: "client").suffix(4) == [.established, .finWait1, .timeWait, .closed])
    let serverFin = tl.sent(by: "server").first { $0.flags.contains(.fin) }
    #expect(serverFin?.flags == [.fin, .ack])
  }

  @Test("simultaneous open: SYN-SENT → SYN-RECEIVED → ESTABLISHED on both sides (§3.5 Figure 7)")
  func simultaneousOpen() throws {
    let a = Fixture.tcp("a", Fixture.clientAddress, .left, port: 5000, isn: 100)
    let b = Fixture.tcp("b", Fixture.serverAddress, .right, port: 6000, isn: 300)
    let tl = Simulation.run(
      Scenario(
        hosts: [a, b],
        script: [
          ScriptEntry(.at(.zero), host: 0, .connect(to: 1, port: 6000, localPort: 5000)),
          ScriptEntry(.at(.zero), host: 1, .connect(to: 0, port: 5000, localPort: 6000)),
        ]))
    for h in ["a", "b"] {
      #expect(tl.statePath(of: h) == [.closed, .synSent, .synReceived, .established])
      #expect(tl.appResults(of: h, .connect).last?.1 == .ok)
    }
    // Four segments: two SYNs crossing, then SYN,ACK <SEQ=ISS><ACK=RCV.NXT> each way.
    #expect(tl.transmissions.count == 4)
    let synAckA = try #require(tl.sent(by: "a").last)
    #expect(
      synAckA.flags == [.syn, .ack] && synAckA.segment.seq == SeqNum(100)
        && synAckA.segment.ack == SeqNum(301))
  }

  @Test("simultaneous close: FIN-WAIT-1 → CLOSING → TIME-WAIT on both sides (§3.6 Figure 13)")
  func simultaneousClose() {
    var s = Fixture.normal()
    s.script =
      Fixture.open + [
        ScriptEntry(.at(Fixture.s(1)), host: 0, .close),
        ScriptEntry(.at(Fixture.s(1)), host: 1, .close),
      ]
    let tl = Simulation.run(s)
    #expect(
      tl.statePath(of: "client").suffix(5) == [
        .established, .finWait1, .closing, .timeWait, .closed,
      ])
    #expect(
      tl.states(of: "server").map(\.1).suffix(4) == [.finWait1, .closing, .timeWait, .closed])
    #expect(tl.end == .quiescent)
  }

  @Test(
    "half-close: the closer still receives in FIN-WAIT-2 while the peer sends in CLOSE-WAIT (§3.10.4)"
  )
  func halfClose() {
    let s = Scenario(
      hosts: [Fixture.client(), Fixture.server()],
      script: Fixture.open + [
        ScriptEntry(
          Fixture.after(.state, host: 0, state: .established), host: 0, .send(.count(100))),
        ScriptEntry(
          Fixture.after(.state, host: 0, state: .established, delay: 10), host: 0, .shutdown),
        ScriptEntry(
          Fixture.after(.state, host: 1, state: .closeWait, delay: 10), host: 1, .send(.count(5000))
        ),
        ScriptEntry(Fixture.after(.state, host: 1, state: .closeWait, delay: 500), host: 1, .close),
        ScriptEntry(
          Fixture.after(.state, host: 0, state: .finWait2, delay: 100), host: 0, .send(.count(10))),
      ])
    let tl = Simulation.run(s)
    #expect(tl.finalConnection("client").bytesRead == 5000)
    #expect(tl.finalConnection("server").bytesRead == 100)
    #expect(tl.appResults(of: "client", .send).last?.1 == .brokenPipe)  // writing after shutdown
    #expect(tl.statePath(of: "client").suffix(4) == [.finWait1, .finWait2, .timeWait, .closed])
    #expect(tl.states(of: "server").map(\.1).suffix(3) == [.closeWait, .lastAck, .closed])
  }

  @Test("every recorded transition is an edge of the RFC 9293 state diagram (§3.3.2)")
  func transitionsAreEdges() {
    for s in [
      Fixture.normal(),
      Fixture.normal(client: Fixture.client { $0.delayedAck = .fixed(.millis(40)) }),
    ] {
      let tl = Simulation.run(s)
      for r in tl.records {
        if case .state(_, let f, let t) = r.event {
          #expect(StateDiagram.allows(from: f, to: t), "\(f) → \(t)")
        }
      }
    }
  }
}
