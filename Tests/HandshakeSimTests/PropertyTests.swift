import Testing

@testable import HandshakeSim

/// Properties that must hold whatever the link does: over a thousand seeds of random loss,
/// duplication, reordering and jitter, with randomly chosen options.
@Suite("Properties over random links")
struct PropertyTests {
  static func scenario(seed: UInt64) -> Scenario {
    var g = SplitMix64(seed: seed &* 0x9E37_79B9)
    func pick(_ n: UInt64) -> UInt64 { g.next() % n }
    let link = LinkSpec(
      leftToRight: .millis(Int64(1 + pick(30))), rightToLeft: .millis(Int64(1 + pick(30))),
      jitter: .millis(Int64(pick(20))), loss: Double(pick(100)) / 1000,
      duplicate: Double(pick(50)) / 1000, reorder: Double(pick(50)) / 1000)
    let configure: (inout TCPConfig) -> Void = { c in
      if g.next() % 4 == 0 { c.apply(.rfc9293) }
      c.lossRecovery = g.next() % 3 == 0 ? .duplicateAcks : .rack
      c.sack = g.next() % 2 == 0
      c.timestamps = g.next() % 2 == 0
      c.windowScale = g.next() % 2 == 0 ? UInt8(g.next() % 8) : nil
      c.delayedAck = [.linux, .off, .fixed(.millis(40))][Int(g.next() % 3)]
      c.receiveBuffer = [8192, 65535, 262_144][Int(g.next() % 3)]
      c.mss = [536, 1000, 1460][Int(g.next() % 3)]
    }
    let client = Fixture.client(isn: UInt32(truncatingIfNeeded: g.next()), configure)
    let server = Fixture.server(isn: UInt32(truncatingIfNeeded: g.next()), configure)
    return Fixture.normal(
      client: client, server: server, link: link, request: Int(pick(20_000)),
      response: Int(pick(20_000)),
      seed: seed)
  }

  /// The seeds, in ten chunks that run in parallel.
  static let chunks: [ClosedRange<UInt64>] = (0..<10).map { (k: Int) -> ClosedRange<UInt64> in
    let first = UInt64(k) * 100 + 1
    return first...(first + 99)
  }

  @Test("invariants hold for 1,000 seeds of loss, duplication and reordering", arguments: chunks)
  func invariants(seeds: ClosedRange<UInt64>) {
    var completed = 0
    for seed in seeds {
      let tl = Simulation.run(Self.scenario(seed: seed))
      #expect(tl.end == .quiescent, "seed \(seed): \(tl.end)")
      Self.checkStateEdges(tl, seed: seed)
      Self.checkMonotonic(tl, seed: seed)
      Self.checkNoAckOfUnsent(tl, seed: seed)
      if Self.checkDelivery(tl, seed: seed) { completed += 1 }
    }
    // Most runs complete cleanly; the rest ended with an error the trace explains.
    #expect(completed > seeds.count * 8 / 10)
  }

  /// Every state change is an edge of RFC 9293's diagram.
  static func checkStateEdges(_ tl: Timeline, seed: UInt64) {
    for r in tl.records {
      if case .state(_, let f, let t) = r.event {
        #expect(StateDiagram.allows(from: f, to: t), "seed \(seed): \(f) → \(t)")
      }
    }
  }

  /// SND.UNA, SND.NXT and RCV.NXT never move backwards (mod 2^32) within a connection.
  static func checkMonotonic(_ tl: Timeline, seed: UInt64) {
    for side in [Side.left, .right] {
      var last: ConnectionSnapshot? = nil
      for i in tl.steps.indices {
        guard let c = tl.endpoint(side, atStep: i).connection else { continue }
        if let p = last, p.socket == c.socket {
          #expect(p.sndUna <= c.sndUna, "seed \(seed) step \(i): SND.UNA went back")
          #expect(p.sndNxt <= c.sndNxt, "seed \(seed) step \(i): SND.NXT went back")
          #expect(p.rcvNxt <= c.rcvNxt || p.irs == nil, "seed \(seed) step \(i): RCV.NXT went back")
        }
        last = c
      }
    }
    // The acknowledgement field a connection sends never goes back either.
    var lastAck: [Int32: SeqNum] = [:]
    for t in tl.transmissions
    where t.socket >= 0 && t.flags.contains(.ack) && !t.flags.contains(.rst) {
      if let p = lastAck[t.socket] { #expect(p <= t.segment.ack, "seed \(seed): ack went back") }
      lastAck[t.socket] = t.segment.ack
    }
  }

  struct Flow: Hashable {
    var src: IPv4Address, sport: UInt16, dst: IPv4Address, dport: UInt16
  }

  /// No segment acknowledges a byte its peer has not sent yet.
  static func checkNoAckOfUnsent(_ tl: Timeline, seed: UInt64) {
    var sentEnd: [Flow: SeqNum] = [:]
    for t in tl.transmissions {
      let s = t.segment
      let f = Flow(src: s.source, sport: s.sourcePort, dst: s.destination, dport: s.destinationPort)
      if s.length > 0 {
        sentEnd[f] = sentEnd[f].map { SeqNum.later($0, s.endSeq) } ?? s.endSeq
      }
      guard s.flags.contains(.ack), !s.flags.contains(.rst), t.socket >= 0 else { continue }
      let back = Flow(
        src: s.destination, sport: s.destinationPort, dst: s.source, dport: s.sourcePort)
      if let end = sentEnd[back] {
        #expect(s.ack <= end, "seed \(seed): ack \(s.ack) beyond \(end)")
      }
    }
  }

  /// Every byte arrives once and in order, or the trace shows the reset or timeout that ended it.
  static func checkDelivery(_ tl: Timeline, seed: UInt64) -> Bool {
    let c = tl.finalConnection("client")
    let s = tl.finalConnection("server")
    let resets = tl.transmissions.contains { $0.socket >= 0 && $0.flags.contains(.rst) }
    let errors = tl.records.contains {
      if case .app(_, _, let r, _) = $0.event {
        return r == .reset || r == .timedOut || r == .refused
      }
      return false
    }
    if !resets && !errors {
      #expect(
        s.bytesRead == c.bytesWritten && s.readDigest == c.writeDigest,
        "seed \(seed): client→server bytes")
      #expect(
        c.bytesRead == s.bytesWritten && c.readDigest == s.writeDigest,
        "seed \(seed): server→client bytes")
      #expect(c.state == .closed && s.state == .closed, "seed \(seed): not closed")
      return true
    }
    // A reset or a timeout ended it: whatever did arrive is a prefix of what was written.
    #expect(s.bytesRead <= c.bytesWritten && c.bytesRead <= s.bytesWritten, "seed \(seed)")
    #expect(c.state == .closed || c.state == .timeWait, "seed \(seed): client left in \(c.state)")
    return false
  }
}
