import HandshakeSim

/// An IP address as a capture has it.
public enum CaptureAddress: Hashable, Sendable, CustomStringConvertible, Comparable {
  case v4(UInt32)
  case v6([UInt8])

  public var description: String {
    switch self {
    case .v4(let v): IPv4Address(v).description
    case .v6(let b): CaptureAddress.ipv6Text(b)
    }
  }

  public static func < (a: CaptureAddress, b: CaptureAddress) -> Bool {
    switch (a, b) {
    case (.v4(let x), .v4(let y)): x < y
    case (.v4, .v6): true
    case (.v6, .v4): false
    case (.v6(let x), .v6(let y)): x.lexicographicallyPrecedes(y)
    }
  }

  /// RFC 5952 text: lower case, leading zeros dropped, the longest run of zero groups (two or
  /// more) written "::".
  static func ipv6Text(_ b: [UInt8]) -> String {
    let groups = (0..<8).map { UInt16(b[2 * $0]) << 8 | UInt16(b[2 * $0 + 1]) }
    var best = (start: -1, length: 0)
    var i = 0
    while i < 8 {
      if groups[i] == 0 {
        var j = i
        while j < 8 && groups[j] == 0 { j += 1 }
        if j - i > best.length && j - i >= 2 { best = (i, j - i) }
        i = j
      } else {
        i += 1
      }
    }
    func hex(_ r: Range<Int>) -> String {
      r.map { String(groups[$0], radix: 16) }.joined(separator: ":")
    }
    guard best.start >= 0 else { return hex(0..<8) }
    return hex(0..<best.start) + "::" + hex((best.start + best.length)..<8)
  }
}

/// A TCP segment decoded from a captured packet.
public struct DecodedSegment: Sendable {
  public var source: CaptureAddress
  public var destination: CaptureAddress
  public var ipID: UInt16
  /// The segment, with IPv4 addresses (IPv6 ones are mapped by the caller).
  public var sourcePort: UInt16
  public var destinationPort: UInt16
  public var seq: SeqNum
  public var ack: SeqNum
  public var flags: TCPFlags
  public var window: UInt16
  public var options: TCPOptions
  public var optionsValid: Bool
  /// The payload bytes the capture holds.
  public var payload: ArraySlice<UInt8>
  /// Payload length on the wire (from the IP header): more than `payload.count` if truncated.
  public var payloadLength: Int
  /// nil when it could not be checked (truncated).
  public var checksumValid: Bool?
  public var hadIPOptions: Bool
}

/// Why a packet carries no TCP segment this program can use.
public enum Undecodable: Error, Sendable {
  case unknownLinkType(UInt32)
  case notIP
  case notTCP
  case fragment
  case malformed
}

/// Link layer, IPv4 or IPv6, then TCP.
public enum PacketDecoder {
  /// Decodes one packet: the link type says what its first bytes are. `full` also parses the
  /// TCP options and verifies the checksum, which a summary of a big file does without.
  public static func decode(
    _ data: ArraySlice<UInt8>, linkType: UInt32, full: Bool = true
  ) throws(Undecodable) -> DecodedSegment {
    let b = data
    let (network, kind) = try linkPayload(b, linkType: linkType)
    switch kind {
    case 4: return try ipv4(network, full: full)
    case 6: return try ipv6(network, full: full)
    default: throw .notIP
    }
  }

  static func be16(_ b: ArraySlice<UInt8>, _ i: Int) -> UInt16 {
    UInt16(b[b.startIndex + i]) << 8 | UInt16(b[b.startIndex + i + 1])
  }

  static func be32(_ b: ArraySlice<UInt8>, _ i: Int) -> UInt32 {
    UInt32(be16(b, i)) << 16 | UInt32(be16(b, i + 2))
  }

  /// The network-layer bytes and their IP version (4 or 6; 0 for something else).
  static func linkPayload(_ b: ArraySlice<UInt8>, linkType: UInt32) throws(Undecodable) -> (
    ArraySlice<UInt8>, Int
  ) {
    func byEtherType(_ type: UInt16, _ rest: ArraySlice<UInt8>) -> (ArraySlice<UInt8>, Int) {
      switch type {
      case 0x0800: (rest, 4)
      case 0x86DD: (rest, 6)
      default: (rest, 0)
      }
    }
    func byVersion(_ rest: ArraySlice<UInt8>) throws(Undecodable) -> (ArraySlice<UInt8>, Int) {
      guard let first = rest.first else { throw .malformed }
      return (rest, Int(first >> 4))
    }
    switch linkType {
    case 1:  // Ethernet, with any number of 802.1Q / 802.1ad tags
      guard b.count >= 14 else { throw .malformed }
      var i = 12
      var type = be16(b, i)
      while type == 0x8100 || type == 0x88A8 || type == 0x9100 {
        i += 4
        guard b.count >= i + 2 else { throw .malformed }
        type = be16(b, i)
      }
      return byEtherType(type, b.dropFirst(i + 2))
    case 101, 12, 14:  // raw IP (LINKTYPE_RAW, and the DLT_RAW values some systems write)
      return try byVersion(b)
    case 228: return (b, 4)
    case 229: return (b, 6)
    case 113:  // Linux cooked capture (SLL)
      guard b.count >= 16 else { throw .malformed }
      return byEtherType(be16(b, 14), b.dropFirst(16))
    case 276:  // Linux cooked capture v2 (SLL2)
      guard b.count >= 20 else { throw .malformed }
      return byEtherType(be16(b, 0), b.dropFirst(20))
    case 0, 108:  // BSD loopback: a 4-byte address family, host order (0) or network order (108)
      guard b.count >= 4 else { throw .malformed }
      let s = b.startIndex
      let little =
        UInt32(b[s]) | UInt32(b[s + 1]) << 8 | UInt32(b[s + 2]) << 16 | UInt32(b[s + 3]) << 24
      let family =
        linkType == 108 ? little.byteSwapped : (little > 0xFFFF ? little.byteSwapped : little)
      switch family {
      case 2: return (b.dropFirst(4), 4)
      case 10, 24, 28, 30: return (b.dropFirst(4), 6)
      default: return (b.dropFirst(4), 0)
      }
    default:
      throw .unknownLinkType(linkType)
    }
  }

  static func ipv4(_ b: ArraySlice<UInt8>, full: Bool) throws(Undecodable) -> DecodedSegment {
    guard b.count >= 20, b[b.startIndex] >> 4 == 4 else { throw .malformed }
    let ihl = Int(b[b.startIndex] & 0x0F) * 4
    guard ihl >= 20, b.count >= ihl else { throw .malformed }
    var total = Int(be16(b, 2))
    // Segmentation offload can leave 0 here for a packet over 64 KB: trust the capture then.
    if total == 0 { total = b.count }
    guard total >= ihl else { throw .malformed }
    let frag = be16(b, 6)
    if frag & 0x3FFF != 0 { throw .fragment }
    guard b[b.startIndex + 9] == 6 else { throw .notTCP }
    let src = be32(b, 12)
    let dst = be32(b, 16)
    let tcpWire = total - ihl
    let tcp = b.dropFirst(ihl).prefix(tcpWire)
    var s = try tcpSegment(
      tcp, wireLength: tcpWire, source: .v4(src), destination: .v4(dst), full: full,
      pseudo: { ck in
        ck.add(src)
        ck.add(dst)
        ck.add(UInt16(6))
        ck.add(UInt16(truncatingIfNeeded: tcpWire))
      })
    s.ipID = be16(b, 4)
    s.hadIPOptions = ihl > 20
    return s
  }

  static func ipv6(_ b: ArraySlice<UInt8>, full: Bool) throws(Undecodable) -> DecodedSegment {
    guard b.count >= 40, b[b.startIndex] >> 4 == 6 else { throw .malformed }
    let payloadLength = Int(be16(b, 4))
    var next = b[b.startIndex + 6]
    let src = Array(b[(b.startIndex + 8)..<(b.startIndex + 24)])
    let dst = Array(b[(b.startIndex + 24)..<(b.startIndex + 40)])
    var i = 40
    // Walk the extension headers to TCP.
    while next != 6 {
      guard b.count >= i + 8 else { throw .malformed }
      switch next {
      case 0, 43, 60:  // hop-by-hop, routing, destination options
        let length = (Int(b[b.startIndex + i + 1]) + 1) * 8
        next = b[b.startIndex + i]
        i += length
      case 51:  // authentication header
        let length = (Int(b[b.startIndex + i + 1]) + 2) * 4
        next = b[b.startIndex + i]
        i += length
      case 44:  // fragment
        let offsetAndMore = be16(b, i + 2)
        if offsetAndMore & 0xFFF9 != 0 { throw .fragment }
        next = b[b.startIndex + i]
        i += 8
      default:
        throw .notTCP
      }
    }
    guard b.count >= i else { throw .malformed }
    let tcpWire = payloadLength == 0 ? b.count - i : payloadLength - (i - 40)
    guard tcpWire >= 0 else { throw .malformed }
    let tcp = b.dropFirst(i).prefix(tcpWire)
    return try tcpSegment(
      tcp, wireLength: tcpWire, source: .v6(src), destination: .v6(dst), full: full,
      pseudo: { ck in
        ck.add(src)
        ck.add(dst)
        ck.add(UInt32(tcpWire))
        ck.add(UInt32(6))
      })
  }

  static func tcpSegment(
    _ t: ArraySlice<UInt8>, wireLength: Int, source: CaptureAddress, destination: CaptureAddress,
    full: Bool, pseudo: (inout InternetChecksum) -> Void
  ) throws(Undecodable) -> DecodedSegment {
    guard t.count >= 20 else { throw .malformed }
    let offset = Int(t[t.startIndex + 12] >> 4) * 4
    guard offset >= 20, t.count >= offset, wireLength >= offset else { throw .malformed }
    var options = TCPOptions()
    var valid = true
    if full {
      do {
        options = try TCPOptions.decode(t[(t.startIndex + 20)..<(t.startIndex + offset)])
      } catch {
        valid = false
      }
    }
    var checksum: Bool? = nil
    if full && t.count == wireLength {
      var ck = InternetChecksum()
      pseudo(&ck)
      ck.add(t)
      checksum = ck.value == 0
    }
    return DecodedSegment(
      source: source, destination: destination, ipID: 0, sourcePort: be16(t, 0),
      destinationPort: be16(t, 2), seq: SeqNum(be32(t, 4)), ack: SeqNum(be32(t, 8)),
      flags: TCPFlags(rawValue: t[t.startIndex + 13]), window: be16(t, 14), options: options,
      optionsValid: valid, payload: t.dropFirst(offset), payloadLength: wireLength - offset,
      checksumValid: checksum, hadIPOptions: false)
  }
}
