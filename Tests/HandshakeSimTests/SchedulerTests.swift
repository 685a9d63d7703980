import Testing

@testable import HandshakeSim

/// The scheduler, the bounds of a run, determinism and the timeline.
@Suite("Scheduler and timeline")
struct SchedulerTests {
  @Test("a run is bounded by events and says so")
  func eventLimit() {
    var s = Fixture.normal()
    s.limits = RunLimits(maxEvents: 5)
    let tl = Simulation.run(s)
    #expect(tl.end == .eventLimit(5))
    #expect(!tl.end.isComplete)
    #expect(tl.eventCount == 5)
    #expect(tl.end.description.contains("event limit"))
  }

  @Test("a run is bounded by virtual time and says so")
  func timeLimit() {
    var s = Fixture.normal()
    s.limits = RunLimits(maxTime: Fixture.s(10))
    let tl = Simulation.run(s)
    #expect(tl.end == .timeLimit(Fixture.s(10)))
    #expect(tl.records.last!.time <= Fixture.s(10))
  }

  @Test("events at the same instant run in the order they were scheduled")
  func stableOrder() {
    var q = EventQueue()
    for i in 0..<100 { q.push(VirtualTime(micros: Int64(i % 3)), .wake(conn: Int32(i))) }
    var last = (Int64(-1), Int32(-1))
    while let e = q.pop() {
      guard case .wake(let c) = e.kind else { continue }
      #expect((e.time.micros, c) > last)
      last = (e.time.micros, c)
    }
  }

  @Test("pushes and pops interleaved at random come out as a sorted list gives them")
  func queueMatchesSortedModel() {
    var g = SplitMix64(seed: 3)
    for _ in 0..<20 {
      var q = EventQueue()
      var model: [(time: Int64, n: Int32)] = []
      var n: Int32 = 0
      var now: Int64 = 0
      var lastLanding: Int64 = 0
      for _ in 0..<2000 {
        if g.next() % 3 != 0 {
          // Mostly landings one link delay on, in order (the lane); some earlier than the
          // last (jitter: the heap); timers at any time (the heap).
          let kind: EventQueue.Kind
          let t: Int64
          switch g.next() % 5 {
          case 0:
            t = now + Int64(g.next() % 200)
            kind = .wake(conn: n)
          case 1:
            t = now + Int64(g.next() % 100)
            kind = .arrive(tx: n, copy: 0)
          default:
            t = max(lastLanding, now + 100)
            lastLanding = t
            kind = .arrive(tx: n, copy: 0)
          }
          q.push(VirtualTime(micros: t), kind)
          model.append((t, n))
          n += 1
        } else if !model.isEmpty {
          let i = model.indices.min {
            (model[$0].time, model[$0].n) < (model[$1].time, model[$1].n)
          }!
          let want = model.remove(at: i)
          #expect(q.nextTime?.micros == want.time)
          let got = q.pop()
          let c: Int32
          switch got?.kind {
          case .wake(let w)?: c = w
          case .arrive(let tx, _)?: c = tx
          default:
            Issue.record("no event")
            return
          }
          #expect(got?.time.micros == want.time && c == want.n)
          now = want.time
        }
        #expect(q.count == model.count)
      }
    }
  }

  @Test("same scenario, same timeline, byte for byte")
  func deterministic() {
    let s = Fixture.normal(
      client: Fixture.client(isn: nil), server: Fixture.server(isn: nil),
      link: LinkSpec(jitter: .millis(5), loss: 0.1), request: 40_000, seed: 99)
    let a = Simulation.run(s)
    let b = Simulation.run(s)
    #expect(a.jsonLines() == b.jsonLines())
    #expect(a.textLines() == b.textLines())
  }

  @Test("ISNs come from a 4 µs clock plus a keyed hash of the 4-tuple (RFC 9293 §3.4.1)")
  func isnGenerator() {
    let g = ISNGenerator(seed: 5)
    let a = IPv4Address(1, 1, 1, 1)
    let b = IPv4Address(2, 2, 2, 2)
    let t0 = g.isn(local: a, localPort: 1000, remote: b, remotePort: 80, now: .zero)
    let t1 = g.isn(
      local: a, localPort: 1000, remote: b, remotePort: 80, now: VirtualTime(micros: 4000))
    #expect(t1 - t0 == 1000)
    let other = g.isn(local: a, localPort: 1001, remote: b, remotePort: 80, now: .zero)
    #expect(other != t0)
    #expect(
      ISNGenerator(seed: 6).isn(local: a, localPort: 1000, remote: b, remotePort: 80, now: .zero)
        != t0)
    // Generated from the run's seed when the lesson fixes none.
    let s1 = Simulation.run(Fixture.normal(client: Fixture.client(isn: nil), seed: 1))
    let s2 = Simulation.run(Fixture.normal(client: Fixture.client(isn: nil), seed: 2))
    #expect(s1.transmissions[0].segment.seq != s2.transmissions[0].segment.seq)
  }

  @Test("any step is reachable at once, with both panels and what is in flight")
  func randomAccess() throws {
    let tl = Simulation.run(Fixture.normal(request: 5000))
    #expect(tl.steps[0].recordCount == 0)
    for i in tl.steps.indices {
      let recs = tl.records(ofStep: i)
      #expect(recs.allSatisfy { $0.step == Int32(i) })
      for tx in tl.inFlight(atStep: i) {
        #expect(tl.transmissions[tx].sendStep <= Int32(i))
        #expect(tl.transmissions[tx].landings.contains { $0.step > Int32(i) })
      }
    }
    let synSent = try #require(
      tl.steps.indices.first { tl.endpoint(.left, atStep: $0).state == .synSent })
    #expect(tl.inFlight(atStep: synSent).count == 1)
    #expect(tl.endpoint(.left, atStep: tl.stepCount - 1).state == .closed)
  }

  @Test("background steps fold after the first few")
  func folding() {
    let attacker = Fixture.peer("attacker", IPv4Address(10, 9, 9, 9))
    let flood = Injection(
      to: 1, source: .random(base: IPv4Address(172, 16, 0, 0), count: 1000), sourcePort: .random,
      seq: .random, flags: .syn, count: 50, interval: .millis(1))
    func steps(_ fold: Int?) -> Int {
      Simulation.run(
        Scenario(
          hosts: [Fixture.client(), Fixture.server(), attacker],
          script: [
            ScriptEntry(.at(.zero), host: 1, .listen(port: nil, backlog: nil)),
            ScriptEntry(.at(.zero), host: 2, .inject(flood)),
          ], stepPolicy: StepPolicy(foldBackgroundAfter: fold))
      ).stepCount
    }
    #expect(steps(nil) > 150)
    #expect(steps(3) < 20)
  }
}
