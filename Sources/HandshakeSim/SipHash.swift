/// SipHash-2-4, the keyed hash Linux uses for ISNs and SYN cookies (`siphash` in the kernel).
/// Here it keys the RFC 9293 §3.4.1 ISN function and the SYN cookie MACs from the run's seed.
/// The fixed-arity entry points hash 64-bit words without allocating.
public struct SipHash: Sendable {
  public var k0: UInt64
  public var k1: UInt64

  public init(k0: UInt64, k1: UInt64) {
    self.k0 = k0
    self.k1 = k1
  }

  /// The hash of two words (each taken as 8 little-endian bytes).
  public func hash(_ a: UInt64, _ b: UInt64) -> UInt64 {
    var s = State(k0: k0, k1: k1)
    s.compress(a)
    s.compress(b)
    return s.finish(byteCount: 16)
  }

  /// The hash of three words.
  public func hash(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 {
    var s = State(k0: k0, k1: k1)
    s.compress(a)
    s.compress(b)
    s.compress(c)
    return s.finish(byteCount: 24)
  }

  /// The hash of any number of words.
  public func hash(words: [UInt64]) -> UInt64 {
    var s = State(k0: k0, k1: k1)
    for w in words { s.compress(w) }
    return s.finish(byteCount: words.count * 8)
  }

  struct State {
    var v0: UInt64, v1: UInt64, v2: UInt64, v3: UInt64

    init(k0: UInt64, k1: UInt64) {
      v0 = 0x736f_6d65_7073_6575 ^ k0
      v1 = 0x646f_7261_6e64_6f6d ^ k1
      v2 = 0x6c79_6765_6e65_7261 ^ k0
      v3 = 0x7465_6462_7974_6573 ^ k1
    }

    @inline(__always) mutating func round() {
      v0 &+= v1
      v1 = rotl(v1, 13)
      v1 ^= v0
      v0 = rotl(v0, 32)
      v2 &+= v3
      v3 = rotl(v3, 16)
      v3 ^= v2
      v0 &+= v3
      v3 = rotl(v3, 21)
      v3 ^= v0
      v2 &+= v1
      v1 = rotl(v1, 17)
      v1 ^= v2
      v2 = rotl(v2, 32)
    }

    @inline(__always) mutating func compress(_ m: UInt64) {
      v3 ^= m
      round()
      round()
      v0 ^= m
    }

    mutating func finish(byteCount: Int) -> UInt64 {
      let b = UInt64(truncatingIfNeeded: byteCount) << 56
      v3 ^= b
      round()
      round()
      v0 ^= b
      v2 ^= 0xFF
      round()
      round()
      round()
      round()
      return v0 ^ v1 ^ v2 ^ v3
    }
  }
}

@inline(__always) private func rotl(_ x: UInt64, _ n: UInt64) -> UInt64 { x << n | x >> (64 - n) }
