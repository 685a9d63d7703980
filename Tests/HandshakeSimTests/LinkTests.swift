import Testing

@testable import HandshakeSim

/// The simulated link: latency, deterministic faults, seeded randomness.
@Suite("Link")
struct LinkTests {
  @Test("one-way latency per direction")
  func asymmetricLatency() throws {
    let s = Fixture.normal(link: LinkSpec(leftToRight: .millis(10), rightToLeft: .millis(30)))
    let tl = Simulation.run(s)
    for t in tl.transmissions {
      let landing = try #require(t.landings.first)
      let expected: VirtualDuration = t.from == 0 ? .millis(10) : .millis(30)
      #expect(landing.time - t.sentAt == expected)
    }
  }

  @Test("drop the n-th match: the segment is recorded as lost at the receiver")
  func dropNth() {
    let tl = Simulation.run(
      Fixture.normal(link: LinkSpec(faults: [FaultRule(.drop, from: 1, flags: .ack, nth: 2)])))
    let drops = tl.records.filter { $0.kind == .drop }
    #expect(drops.count == 1)
    #expect(drops[0].host == 0)
    if case .drop(let tx, .fault) = drops[0].event {
      #expect(tl.transmissions[Int(tx)].from == 1)
      #expect(
        tl.sent(by: "server").filter { $0.flags.contains(.ack) }.firstIndex {
          $0 == tl.transmissions[Int(tx)]
        } == 1)
    } else {
      Issue.record("not a fault drop")
    }
    #expect(tl.finalConnection("server").bytesRead == 100)
  }

  @Test("duplicate: both copies arrive; the second is a duplicate to TCP")
  func duplicate() {
    let tl = Simulation.run(
      Fixture.normal(link: LinkSpec(faults: [FaultRule(.duplicate, from: 0, hasData: true)])))
    let data = tl.arrivals(at: "server").filter { !$0.0.segment.payload.isEmpty }
    #expect(data.count == 2)
    #expect(data[1].1 == .notAcceptable)
    #expect(tl.finalConnection("server").bytesRead == 100)
  }

  @Test("delay and reorder: a held segment lands after the next one")
  func delayAndReorder() throws {
    var s = Scenario(
      hosts: [Fixture.client(), Fixture.server()],
      link: LinkSpec(faults: [
        FaultRule(.reorder, from: 0, hasData: true, nth: 1),
        FaultRule(.delay(.millis(500)), from: 1, flags: .fin),
      ]),
      script: Fixture.open)
    s.script.append(
      ScriptEntry(Fixture.after(.state, host: 0, state: .established), host: 0, .send(.count(3000)))
    )
    let tl = Simulation.run(s)
    let data = tl.arrivals(at: "server").filter { !$0.0.segment.payload.isEmpty }
    #expect(data.count == 3)
    #expect(data[0].0.segment.seq == SeqNum(1001) + 1460)
    #expect(data[1].0.segment.seq == SeqNum(1001))
    #expect(tl.finalConnection("server").bytesRead == 3000)
  }

  @Test("random loss is seeded: same seed, same run; another seed, another run")
  func seededLoss() {
    func run(_ seed: UInt64) -> [String] {
      Simulation.run(
        Fixture.normal(link: LinkSpec(loss: 0.2), request: 30_000, response: 30_000, seed: seed)
      ).jsonLines()
    }
    #expect(run(7) == run(7))
    #expect(run(7) != run(8))
  }
}
