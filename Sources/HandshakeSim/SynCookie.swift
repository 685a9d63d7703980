/// Linux's SYN cookies (net/ipv4/syncookies.c), which let a listener answer a SYN without keeping
/// any state when its SYN queue is full (RFC 4987 §3.6).
///
/// The SYN-ACK's ISN is the cookie:
/// `hash1(4-tuple) + client ISN + (minute counter << 24) + ((hash2(4-tuple, counter) + mssIndex) mod 2^24)`.
/// The client's ACK must carry cookie + 1; the listener subtracts the first hash and the client's
/// ISN, checks the counter is at most two minutes old, and recovers the MSS index from the low 24
/// bits. Window scale and SACK ride in the low six bits of the timestamp, so they survive only
/// when the client sends timestamps.
public struct SynCookie: Sendable {
  /// Linux's table of MSS values a cookie can encode (`msstab`).
  public static let mssTable: [UInt16] = [536, 1300, 1440, 1460]
  static let cookieBits: UInt32 = 24
  static let cookieMask: UInt32 = (1 << 24) - 1
  /// Cookies older than this many minute-counter ticks are rejected (`MAX_SYNCOOKIE_AGE`).
  static let maxAge: UInt32 = 2

  public var key1: SipHash
  public var key2: SipHash

  public init(seed: UInt64) {
    var g = SplitMix64(seed: seed ^ 0x5359_4E43_4F4F_4B49)
    key1 = SipHash(k0: g.next(), k1: g.next())
    key2 = SipHash(k0: g.next(), k1: g.next())
  }

  /// The connection's identity as the listener sees it.
  public struct FourTuple: Hashable, Sendable {
    public var source: IPv4Address
    public var destination: IPv4Address
    public var sourcePort: UInt16
    public var destinationPort: UInt16
  }

  /// The minute counter (`tcp_cookie_time`): virtual seconds / 60.
  public static func counter(at now: VirtualTime) -> UInt32 {
    UInt32(truncatingIfNeeded: now.micros / 60_000_000)
  }

  func h(_ key: SipHash, _ t: FourTuple, _ count: UInt32) -> UInt32 {
    UInt32(
      truncatingIfNeeded: key.hash(
        UInt64(t.source.value) << 32 | UInt64(t.destination.value),
        UInt64(t.sourcePort) << 16 | UInt64(t.destinationPort), UInt64(count)))
  }

  /// The index into `mssTable` for a client's MSS: the largest entry not above it.
  public static func mssIndex(for clientMSS: UInt16) -> Int {
    var idx = 0
    for (i, m) in mssTable.enumerated() where m <= clientMSS { idx = i }
    return idx
  }

  /// The cookie ISN for a SYN (`secure_tcp_syn_cookie`).
  public func make(tuple: FourTuple, clientISN: SeqNum, mssIndex: Int, now: VirtualTime) -> SeqNum {
    let count = Self.counter(at: now)
    let low = (h(key2, tuple, count) &+ UInt32(mssIndex)) & Self.cookieMask
    return SeqNum(h(key1, tuple, 0) &+ clientISN.rawValue &+ (count << Self.cookieBits) &+ low)
  }

  /// Checks the cookie an ACK returns (`check_tcp_syn_cookie`): the MSS index if valid.
  public func check(tuple: FourTuple, cookie: SeqNum, clientISN: SeqNum, now: VirtualTime) -> Int? {
    let count = Self.counter(at: now)
    let c = cookie.rawValue &- h(key1, tuple, 0) &- clientISN.rawValue
    let diff = (count &- (c >> Self.cookieBits)) & (UInt32.max >> Self.cookieBits)
    guard diff < Self.maxAge else { return nil }
    let data = (c &- h(key2, tuple, count &- diff)) & Self.cookieMask
    return data < UInt32(Self.mssTable.count) ? Int(data) : nil
  }

  /// Options folded into the low six bits of TSval (`cookie_init_timestamp`): the client's window
  /// scale (0xF meaning none) and a SACK bit.
  public static func encodeTimestamp(now: UInt32, windowScale: UInt8?, sack: Bool) -> UInt32 {
    var opts = UInt32(windowScale.map { min($0, 14) } ?? 0xF)
    if sack { opts |= 1 << 4 }
    var ts = (now & ~0x3F) | opts
    if ts > now { ts &-= 1 << 6 }  // never run ahead of the clock
    return ts
  }

  /// Decodes what `encodeTimestamp` stored, from the echoed TSecr.
  public static func decodeTimestamp(_ tsecr: UInt32) -> (windowScale: UInt8?, sack: Bool) {
    let ws = UInt8(tsecr & 0xF)
    return (ws == 0xF ? nil : ws, tsecr & (1 << 4) != 0)
  }
}
