/// Initial sequence numbers the RFC 9293 §3.4.1 way (from RFC 6528): a clock that ticks every
/// 4 µs plus a keyed hash of the connection's addresses and ports, so ISNs grow with time for a
/// given 4-tuple yet cannot be guessed across 4-tuples.
public struct ISNGenerator: Sendable {
  public var key: SipHash

  public init(seed: UInt64) {
    var g = SplitMix64(seed: seed ^ 0x4953_4E5F_4B45_5921)
    key = SipHash(k0: g.next(), k1: g.next())
  }

  /// ISN = M + F(localip, localport, remoteip, remoteport, secretkey), M the 4 µs clock.
  public func isn(
    local: IPv4Address, localPort: UInt16, remote: IPv4Address, remotePort: UInt16,
    now: VirtualTime
  ) -> SeqNum {
    let f = key.hash(
      UInt64(local.value) << 32 | UInt64(remote.value),
      UInt64(localPort) << 16 | UInt64(remotePort))
    let m = UInt32(truncatingIfNeeded: now.micros / 4)
    return SeqNum(m &+ UInt32(truncatingIfNeeded: f))
  }
}
