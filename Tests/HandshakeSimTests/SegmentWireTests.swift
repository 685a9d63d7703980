import Testing

@testable import HandshakeSim

/// Segments encode to real IPv4+TCP bytes (RFC 791, RFC 9293 §3.1) and decode back.
@Suite("Segments on the wire (RFC 9293 §3.1)")
struct SegmentWireTests {
  static let a = IPv4Address(10, 0, 0, 1)
  static let b = IPv4Address(10, 0, 0, 2)

  @Test("checksums match a packet summed by hand (RFC 1071, pseudo-header of RFC 9293 §3.1)")
  func handComputedChecksum() throws {
    // 10.0.0.1:40000 → 10.0.0.2:80, SYN, seq 1000, window 65535, no options.
    // Pseudo-header words: 0A00 0001 0A00 0002 0006 0014 = 141D.
    // TCP words: 9C40 0050 0000 03E8 0000 0000 5002 FFFF 0000 0000 = 1F079.
    // 1F079 + 141D = 20496 → fold 0498 → complement FB67.
    let seg = Segment(
      source: Self.a, destination: Self.b, sourcePort: 40000, destinationPort: 80,
      seq: SeqNum(1000), flags: .syn, window: 65535)
    let tcp = seg.tcpBytes()
    #expect(tcp.count == 20)
    #expect(tcp[16] == 0xFB && tcp[17] == 0x67)
    // IPv4 header: 4500 0028 0001 4000 4006 0000 0A00 0001 0A00 0002 → D932 → 26CD.
    let ip = seg.ipv4Bytes(ipID: 1)
    #expect(ip[10] == 0x26 && ip[11] == 0xCD)
    #expect(
      Array(ip[0..<20]) == [
        0x45, 0x00, 0x00, 0x28, 0x00, 0x01, 0x40, 0x00, 0x40, 0x06, 0x26, 0xCD,
        10, 0, 0, 1, 10, 0, 0, 2,
      ])
    let decoded = try Segment.decodeIPv4(ip)
    #expect(decoded.segment == seg)
    #expect(decoded.ipID == 1)
  }

  @Test("a corrupted byte is caught by the checksum")
  func corruptionDetected() {
    var ip = Segment(
      source: Self.a, destination: Self.b, sourcePort: 1, destinationPort: 2, seq: SeqNum(7),
      flags: [.ack, .psh], window: 100, payload: Array("hello".utf8)[...]
    ).ipv4Bytes()
    ip[ip.count - 1] ^= 0x01
    #expect(throws: WireError.self) { try Segment.decodeIPv4(ip) }
    let lenient = try? Segment.decodeIPv4(ip, verifyChecksums: false)
    #expect(lenient?.tcpChecksumValid == false)
  }

  @Test("round trip of random segments with every option (RFC 7323, RFC 2018)")
  func roundTrip() throws {
    var g = SplitMix64(seed: 42)
    for _ in 0..<2000 {
      var opts = TCPOptions()
      if g.next() % 2 == 0 { opts.mss = UInt16(truncatingIfNeeded: g.next()) }
      if g.next() % 2 == 0 { opts.windowScale = UInt8(g.next() % 15) }
      if g.next() % 2 == 0 { opts.sackPermitted = true }
      if g.next() % 2 == 0 {
        opts.timestamps = TCPTimestamps(
          value: UInt32(truncatingIfNeeded: g.next()),
          echoReply: UInt32(truncatingIfNeeded: g.next()))
      }
      if opts.mss == nil && opts.windowScale == nil && !opts.sackPermitted && g.next() % 2 == 0 {
        let n = Int(g.next() % 3) + 1
        opts.sackBlocks = (0..<n).map { _ in
          SackBlock(
            left: SeqNum(UInt32(truncatingIfNeeded: g.next())),
            right: SeqNum(UInt32(truncatingIfNeeded: g.next())))
        }
      }
      let flags = TCPFlags(rawValue: UInt8(truncatingIfNeeded: g.next()))
      let payload = (0..<Int(g.next() % 64)).map { _ in UInt8(truncatingIfNeeded: g.next()) }
      let seg = Segment(
        source: IPv4Address(UInt32(truncatingIfNeeded: g.next())),
        destination: IPv4Address(UInt32(truncatingIfNeeded: g.next())),
        sourcePort: UInt16(truncatingIfNeeded: g.next()),
        destinationPort: UInt16(truncatingIfNeeded: g.next()),
        seq: SeqNum(UInt32(truncatingIfNeeded: g.next())),
        ack: SeqNum(UInt32(truncatingIfNeeded: g.next())),
        flags: flags, window: UInt16(truncatingIfNeeded: g.next()), options: opts,
        payload: payload[...])
      let bytes = seg.ipv4Bytes(ipID: UInt16(truncatingIfNeeded: g.next()))
      #expect(bytes.count == 20 + 20 + opts.encodedLength + payload.count)
      let back = try Segment.decodeIPv4(bytes)
      #expect(back.segment == seg)
      #expect(back.tcpChecksumValid)
    }
  }

  @Test("options are laid out as Linux lays them out")
  func linuxOptionOrder() {
    let syn = TCPOptions(
      mss: 1460, windowScale: 7, sackPermitted: true,
      timestamps: TCPTimestamps(value: 1, echoReply: 0))
    #expect(syn.encoded().prefix(8) == [2, 4, 0x05, 0xB4, 4, 2, 8, 10])
    #expect(syn.encoded().suffix(4) == [1, 3, 3, 7])
    #expect(syn.encodedLength == 20)
    let ack = TCPOptions(timestamps: TCPTimestamps(value: 1, echoReply: 2))
    #expect(ack.encoded().prefix(4) == [1, 1, 8, 10])
  }

  @Test("malformed options are rejected, not crashed on")
  func badOptions() {
    let cases: [[UInt8]] = [
      [2], [2, 1], [2, 10, 0, 0], [3, 3], [5, 3, 0], [8, 9, 0, 0, 0, 0, 0, 0, 0],
    ]
    for c in cases {
      #expect(throws: WireError.self) { try TCPOptions.decode(c[...]) }
    }
    let unknown = try? TCPOptions.decode([30, 4, 1, 2, 0, 0, 0, 0][...])
    #expect(unknown?.unknown == [RawTCPOption(kind: 30, data: [1, 2])])
  }

  @Test("truncated and foreign packets give errors")
  func badPackets() {
    #expect(throws: WireError.truncated(need: 20, have: 3)) {
      try Segment.decodeIPv4([0x45, 0, 0])
    }
    var udp = Segment(
      source: Self.a, destination: Self.b, sourcePort: 1, destinationPort: 2, seq: SeqNum(0),
      flags: .syn
    ).ipv4Bytes()
    udp[9] = 17
    #expect(throws: WireError.notTCP(protocol: 17)) {
      try Segment.decodeIPv4(udp, verifyChecksums: false)
    }
    var v6 = udp
    v6[0] = 0x60
    #expect(throws: WireError.notIPv4(version: 6)) { try Segment.decodeIPv4(v6) }
  }
}
