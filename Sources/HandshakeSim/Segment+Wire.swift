/// A segment decoded from the wire together with the IPv4 fields the engine does not model.
public struct DecodedPacket: Sendable, Equatable {
  public var segment: Segment
  public var ipID: UInt16
  public var ttl: UInt8
  /// Whether the TCP checksum was right. Real captures often have it wrong (offload), so
  /// decoding can keep going and say so.
  public var tcpChecksumValid: Bool
}

extension Segment {
  /// The TCP header and payload with a correct checksum over the RFC 9293 §3.1 pseudo-header.
  public func tcpBytes() -> [UInt8] {
    var b: [UInt8] = []
    b.reserveCapacity(60 + payload.count)
    appendTCP(to: &b)
    return b
  }

  /// Appends what `tcpBytes()` returns to `b` (for writers that fill one big buffer).
  public func appendTCP(to b: inout [UInt8]) {
    let start = b.count
    b += [UInt8(sourcePort >> 8), UInt8(sourcePort & 0xFF)]
    b += [UInt8(destinationPort >> 8), UInt8(destinationPort & 0xFF)]
    appendUInt32(&b, seq.rawValue)
    appendUInt32(&b, ack.rawValue)
    b.append(0)  // data offset, filled in once the options are written
    b.append(flags.rawValue)
    b += [UInt8(window >> 8), UInt8(window & 0xFF)]
    b += [0, 0]  // checksum, filled below
    b += [UInt8(urgentPointer >> 8), UInt8(urgentPointer & 0xFF)]
    options.encode(into: &b)
    b[start + 12] = UInt8((b.count - start) / 4) << 4
    b += payload
    let c = Segment.tcpChecksum(source: source, destination: destination, tcp: b[start...])
    b[start + 16] = UInt8(c >> 8)
    b[start + 17] = UInt8(c & 0xFF)
  }

  /// The full IPv4 packet: a 20-byte header (DF set, no options) then `tcpBytes()`.
  public func ipv4Bytes(ipID: UInt16 = 0, ttl: UInt8 = 64) -> [UInt8] {
    var b: [UInt8] = []
    b.reserveCapacity(80 + payload.count)
    appendIPv4(to: &b, ipID: ipID, ttl: ttl)
    return b
  }

  /// Appends what `ipv4Bytes(ipID:ttl:)` returns to `b`.
  public func appendIPv4(to b: inout [UInt8], ipID: UInt16 = 0, ttl: UInt8 = 64) {
    let start = b.count
    b += [0x45, 0x00, 0, 0, UInt8(ipID >> 8), UInt8(ipID & 0xFF), 0x40, 0x00, ttl, 6, 0, 0]
    appendUInt32(&b, source.value)
    appendUInt32(&b, destination.value)
    appendTCP(to: &b)
    let total = b.count - start
    b[start + 2] = UInt8(total >> 8)
    b[start + 3] = UInt8(total & 0xFF)
    var ck = InternetChecksum()
    ck.add(b[start..<(start + 20)])
    let c = ck.value
    b[start + 10] = UInt8(c >> 8)
    b[start + 11] = UInt8(c & 0xFF)
  }

  /// The TCP checksum of `tcp` (header with its checksum field zero, or the value on the wire
  /// to verify: a correct segment then sums to zero).
  public static func tcpChecksum(
    source: IPv4Address, destination: IPv4Address, tcp: ArraySlice<UInt8>
  ) -> UInt16 {
    var ck = InternetChecksum()
    ck.add(source.value)
    ck.add(destination.value)
    ck.add(UInt16(6))
    ck.add(UInt16(truncatingIfNeeded: tcp.count))
    ck.add(tcp)
    return ck.value
  }

  /// Decodes a TCP header and payload carried between `source` and `destination`.
  public static func decodeTCP(
    _ b: ArraySlice<UInt8>, source: IPv4Address, destination: IPv4Address,
    verifyChecksum: Bool = true
  ) throws(WireError) -> (Segment, checksumValid: Bool) {
    guard b.count >= 20 else { throw .truncated(need: 20, have: b.count) }
    let s = b.startIndex
    let offset = Int(b[s + 12] >> 4) * 4
    guard offset >= 20 else { throw .badDataOffset(offset) }
    guard offset <= b.count else { throw .truncated(need: offset, have: b.count) }
    let found = readUInt16(b, s + 16)
    var zeroed = Array(b)
    zeroed[16] = 0
    zeroed[17] = 0
    let expected = tcpChecksum(source: source, destination: destination, tcp: zeroed[...])
    let valid = expected == found
    if verifyChecksum && !valid { throw .badTCPChecksum(found: found, expected: expected) }
    let options = try TCPOptions.decode(b[(s + 20)..<(s + offset)])
    let seg = Segment(
      source: source, destination: destination,
      sourcePort: readUInt16(b, s), destinationPort: readUInt16(b, s + 2),
      seq: SeqNum(readUInt32(b, s + 4)), ack: SeqNum(readUInt32(b, s + 8)),
      flags: TCPFlags(rawValue: b[s + 13]), window: readUInt16(b, s + 14),
      urgentPointer: readUInt16(b, s + 18), options: options,
      payload: Array(b[(s + offset)...])[...])
    return (seg, valid)
  }

  /// Decodes an IPv4 packet carrying TCP, checking both checksums unless told otherwise.
  public static func decodeIPv4(
    _ bytes: [UInt8], verifyChecksums: Bool = true
  ) throws(WireError) -> DecodedPacket {
    let b = bytes[...]
    guard b.count >= 20 else { throw .truncated(need: 20, have: b.count) }
    let version = b[0] >> 4
    guard version == 4 else { throw .notIPv4(version: version) }
    let ihl = Int(b[0] & 0x0F) * 4
    guard ihl >= 20 else { throw .badHeaderLength(ihl) }
    guard b.count >= ihl else { throw .truncated(need: ihl, have: b.count) }
    let total = Int(readUInt16(b, 2))
    guard total >= ihl else { throw .badHeaderLength(total) }
    guard b.count >= total else { throw .truncated(need: total, have: b.count) }
    guard b[9] == 6 else { throw .notTCP(protocol: b[9]) }
    let fragField = readUInt16(b, 6)
    guard fragField & 0x3FFF == 0 else { throw .fragmented }
    if verifyChecksums {
      var ck = InternetChecksum()
      ck.add(b[0..<ihl])
      guard ck.value == 0 else { throw .badIPChecksum }
    }
    let src = IPv4Address(readUInt32(b, 12))
    let dst = IPv4Address(readUInt32(b, 16))
    let (seg, valid) = try decodeTCP(
      b[ihl..<total], source: src, destination: dst, verifyChecksum: verifyChecksums)
    return DecodedPacket(segment: seg, ipID: readUInt16(b, 4), ttl: b[8], tcpChecksumValid: valid)
  }
}
