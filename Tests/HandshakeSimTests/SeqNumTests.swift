import Testing

@testable import HandshakeSim

/// RFC 9293 §3.4: sequence numbers live on a circle of 2^32 and are compared there.
@Suite("Sequence numbers (RFC 9293 §3.4)")
struct SeqNumTests {
  @Test("comparison is modulo 2^32 across the wrap")
  func comparisonWraps() {
    let a = SeqNum(0xFFFF_FFF0)
    let b = SeqNum(0x0000_0010)
    #expect(a < b)
    #expect(b > a)
    #expect(!(b < a))
    #expect(a <= a)
    #expect(b - a == 0x20)
    #expect(a - b == -0x20)
    #expect(a + UInt32(0x20) == b)
    #expect(SeqNum(0xFFFF_FFFF) + 1 == SeqNum(0))
  }

  @Test("window membership wraps")
  func windowWraps() {
    let low = SeqNum(0xFFFF_FF00)
    #expect(SeqNum(0x10).isIn(windowFrom: low, size: 0x200))
    #expect(!SeqNum(0x100).isIn(windowFrom: low, size: 0x200))
    #expect(!low.isIn(windowFrom: low, size: 0))
  }

  @Test(
    "ordering is antisymmetric for numbers less than 2^31 apart",
    arguments: [0, 1, 0x7FFF_FFFE, 0xFFFF_FFFF] as [UInt32])
  func antisymmetric(base: UInt32) {
    var g = SplitMix64(seed: UInt64(base))
    for _ in 0..<1000 {
      let a = SeqNum(base &+ UInt32(truncatingIfNeeded: g.next()))
      let d = UInt32(truncatingIfNeeded: g.next() % 0x7FFF_FFFF) + 1
      let b = a + d
      #expect(a < b && !(b < a) && b > a)
      #expect(b - a == Int(d))
    }
  }

  @Test(
    "data and FIN cross the wrap: ISN 0xFFFFFFF0 and 0xFFFFFFFF (RFC 9293 §3.4)",
    arguments: [0xFFFF_FFF0, 0xFFFF_FFFF] as [UInt32])
  func dataAndFinAcrossWrap(isn: UInt32) {
    let s = Fixture.normal(
      client: Fixture.client(isn: isn), server: Fixture.server(isn: isn &- 5), request: 100,
      response: 300)
    let tl = Simulation.run(s)
    #expect(tl.end == .quiescent)
    let c = tl.finalConnection("client")
    let sv = tl.finalConnection("server")
    #expect(c.state == .closed && sv.state == .closed)
    // The SYN takes ISN; data starts at ISN+1 (0 when ISN is 0xFFFFFFFF); FIN takes one more.
    let clientSent = tl.sent(by: "client")
    let data = clientSent.first { !$0.segment.payload.isEmpty }!
    #expect(data.segment.seq == SeqNum(isn) + 1)
    let fin = clientSent.first { $0.flags.contains(.fin) }!
    #expect(fin.segment.seq == SeqNum(isn) + 1 + 100)
    #expect(c.sndNxt == SeqNum(isn) + 1 + 100 + 1)
    #expect(sv.rcvNxt == c.sndNxt)
    #expect(sv.bytesRead == 100 && c.bytesRead == 300)
    #expect(sv.readDigest == c.writeDigest && c.readDigest == sv.writeDigest)
    // Every ACK the server sent acknowledges seq + length of what it had received.
    let lastAck = tl.sent(by: "server").last { $0.flags.contains(.ack) }!
    #expect(lastAck.segment.ack == SeqNum(isn) &+ 1 + 100 + 1)
  }
}

extension SeqNum {
  static func &+ (lhs: SeqNum, rhs: Int) -> SeqNum { lhs + rhs }
}
