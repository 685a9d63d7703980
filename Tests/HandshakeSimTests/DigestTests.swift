import Testing

@testable import HandshakeSim

@Suite("Payload and digest")
struct DigestTests {
  @Test("the digest does not depend on how the stream is cut, and sees order and loss")
  func cutIndependent() {
    var g = SplitMix64(seed: 11)
    let data = (0..<5000).map { _ in UInt8(truncatingIfNeeded: g.next()) }
    var whole = Digest()
    whole.add(data)
    for _ in 0..<50 {
      var d = Digest()
      var i = 0
      while i < data.count {
        let n = min(Int(g.next() % 40), data.count - i)
        d.add(data[i..<(i + n)])
        i += n
      }
      #expect(d == whole && d.value == whole.value)
    }
    var swapped = data
    swapped.swapAt(100, 2000)
    var s = Digest()
    s.add(swapped)
    #expect(s.value != whole.value)
    var short = Digest()
    short.add(data.dropLast())
    #expect(short.value != whole.value)
  }

  @Test("filler continues its pattern across writes and slices")
  func filler() {
    let a = Payload.count(50).materialize(offset: 0)
    let b = Payload.count(70).materialize(offset: 50)
    let whole = Payload.count(120).materialize()
    #expect(a + b == whole)
    #expect(whole.prefix(3) == Array("abc".utf8)[...])
    #expect(Array(Payload.patternSlice(offset: 37, count: 5)) == Array("bcdef".utf8))
    for (i, byte) in Payload.count(200_000).materialize(offset: 7).enumerated() where i % 997 == 0 {
      #expect(byte == Payload.pattern[(i + 7) % Payload.pattern.count])
    }
  }
}
