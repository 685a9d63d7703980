import HandshakeSim

/// Makes a capture safe to project: every address becomes a documentation address (IPv4:
/// 192.0.2.x, then 198.51.100.x and 203.0.113.x, RFC 5737, then the benchmarking 198.18.0.0/15;
/// IPv6: 2001:db8::x, RFC 3849), every port above 1023 a stand-in from 49152 up, each the same
/// stand-in wherever it appears in the run, in the order first seen; payload bytes are zeroed
/// (their lengths kept). Well-known ports stay: they say what the service is, not who.
public struct CaptureAnonymizer: Sendable {
  var v4: [UInt32: UInt32] = [:]
  var v6: [[UInt8]: [UInt8]] = [:]
  var ports: [UInt16: UInt16] = [:]

  public init() {}

  /// 192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24 (RFC 5737).
  static let documentation: [UInt32] = [0xC000_0200, 0xC633_6400, 0xCB00_7100]

  public mutating func address(_ a: CaptureAddress) -> CaptureAddress {
    switch a {
    case .v4(let x):
      if let y = v4[x] { return .v4(y) }
      let n = UInt32(v4.count)
      let y: UInt32
      if n < 3 * 254 {
        y = Self.documentation[Int(n / 254)] + 1 + n % 254
      } else {
        y = 0xC612_0000 + (n - 3 * 254) % (1 << 17)  // 198.18.0.0/15
      }
      v4[x] = y
      return .v4(y)
    case .v6(let b):
      if let y = v6[b] { return .v6(y) }
      let n = UInt32(v6.count + 1)
      var y: [UInt8] = [0x20, 0x01, 0x0D, 0xB8] + [UInt8](repeating: 0, count: 8)
      y += [UInt8(n >> 24), UInt8((n >> 16) & 0xFF), UInt8((n >> 8) & 0xFF), UInt8(n & 0xFF)]
      v6[b] = y
      return .v6(y)
    }
  }

  public mutating func port(_ p: UInt16) -> UInt16 {
    guard p > 1023 else { return p }
    if let q = ports[p] { return q }
    let q = UInt16(49152 + ports.count % 16384)
    ports[p] = q
    return q
  }

  public mutating func segment(_ s: DecodedSegment) -> DecodedSegment {
    var out = s
    out.source = address(s.source)
    out.destination = address(s.destination)
    out.sourcePort = port(s.sourcePort)
    out.destinationPort = port(s.destinationPort)
    out.payload = [UInt8](repeating: 0, count: s.payload.count)[...]
    return out
  }
}
