import Foundation
import HandshakeSim
import Testing

@testable import HandshakeCapture

/// Capture files built byte by byte: every container, byte order, link type and IP version the
/// reader claims, and the damaged files it must refuse clearly.
enum Build {
  static func le32(_ v: UInt32) -> [UInt8] {
    (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) }
  }
  static func be32(_ v: UInt32) -> [UInt8] { le32(v).reversed() }
  static func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
  static func be16(_ v: UInt16) -> [UInt8] { le16(v).reversed() }

  /// A three-way handshake and a FIN exchange between 10.0.0.1:40000 and 10.0.0.2:80.
  static let segments: [Segment] = {
    let a = IPv4Address(10, 0, 0, 1)
    let b = IPv4Address(10, 0, 0, 2)
    func seg(_ fromA: Bool, _ seq: UInt32, _ ack: UInt32, _ flags: TCPFlags, _ data: Int = 0)
      -> Segment
    {
      Segment(
        source: fromA ? a : b, destination: fromA ? b : a, sourcePort: fromA ? 40000 : 80,
        destinationPort: fromA ? 80 : 40000, seq: SeqNum(seq), ack: SeqNum(ack), flags: flags,
        window: 1000, options: flags.contains(.syn) ? TCPOptions(mss: 1460) : TCPOptions(),
        payload: Array(repeating: 0x41, count: data)[...])
    }
    return [
      seg(true, 100, 0, .syn), seg(false, 500, 101, [.syn, .ack]), seg(true, 101, 501, .ack),
      seg(true, 101, 501, [.psh, .ack], 10), seg(false, 501, 111, .ack),
      seg(true, 111, 501, [.fin, .ack]), seg(false, 501, 112, [.fin, .ack]),
      seg(true, 112, 502, .ack),
    ]
  }()

  /// IPv6 with a hop-by-hop header in front of TCP, checksum over the IPv6 pseudo-header.
  static func ipv6(_ s: Segment) -> [UInt8] {
    let src: [UInt8] =
      [0x20, 0x01, 0x0D, 0xB8] + Array(repeating: 0, count: 11) + [s.source.bytes[3]]
    let dst: [UInt8] =
      [0x20, 0x01, 0x0D, 0xB8] + Array(repeating: 0, count: 11) + [s.destination.bytes[3]]
    var tcp = s.tcpBytes()
    tcp[16] = 0
    tcp[17] = 0
    var ck = InternetChecksum()
    ck.add(src)
    ck.add(dst)
    ck.add(UInt32(tcp.count))
    ck.add(UInt32(6))
    ck.add(tcp)
    tcp[16] = UInt8(ck.value >> 8)
    tcp[17] = UInt8(ck.value & 0xFF)
    let hopByHop: [UInt8] = [6, 0, 1, 4, 0, 0, 0, 0]  // next: TCP; PadN
    let payload = hopByHop + tcp
    return [0x60, 0, 0, 0] + be16(UInt16(payload.count)) + [0, 64] + src + dst + payload
  }

  /// Link-layer framing for each link type the reader knows.
  static func frame(_ ip: [UInt8], linkType: UInt32) -> [UInt8] {
    let v6 = ip[0] >> 4 == 6
    let etherType: [UInt8] = v6 ? [0x86, 0xDD] : [0x08, 0x00]
    switch linkType {
    case 1: return Array(repeating: 0, count: 12) + [0x81, 0x00, 0, 5] + etherType + ip  // VLAN 5
    case 113: return Array(repeating: 0, count: 14) + etherType + ip
    case 276: return etherType + Array(repeating: 0, count: 18) + ip
    case 0: return le32(v6 ? 30 : 2) + ip
    case 108: return be32(v6 ? 24 : 2) + ip
    default: return ip
    }
  }

  static func pcap(
    _ packets: [[UInt8]], linkType: UInt32, bigEndian: Bool = false, nanos: Bool = false,
    snaplen: UInt32 = 65535
  ) -> [UInt8] {
    let w32 = bigEndian ? be32 : le32
    let w16 = bigEndian ? be16 : le16
    var out = w32(nanos ? 0xA1B2_3C4D : 0xA1B2_C3D4) + w16(2) + w16(4) + w32(0) + w32(0)
    out += w32(snaplen) + w32(linkType)
    for (i, p) in packets.enumerated() {
      out +=
        w32(1_700_000_000) + w32(UInt32(i * 1000)) + w32(UInt32(p.count)) + w32(UInt32(p.count))
      out += p
    }
    return out
  }

  static func block(_ type: UInt32, _ body: [UInt8], bigEndian: Bool) -> [UInt8] {
    let w32 = bigEndian ? be32 : le32
    let padded = body + Array(repeating: 0, count: (4 - body.count % 4) % 4)
    let length = UInt32(12 + padded.count)
    return w32(type) + w32(length) + padded + w32(length)
  }

  /// pcapng: a section, two interfaces (the given link type with nanosecond stamps, and raw IP),
  /// a block of an unknown type to skip, and the packets alternating between the interfaces.
  static func pcapng(_ packets: [[UInt8]], linkType: UInt32, bigEndian: Bool = false) -> [UInt8] {
    let w32 = bigEndian ? be32 : le32
    let w16 = bigEndian ? be16 : le16
    var out = block(
      0x0A0D_0D0A, w32(0x1A2B_3C4D) + w16(1) + w16(0) + Array(repeating: 0xFF, count: 8),
      bigEndian: bigEndian)
    // if_tsresol = 9 (nanoseconds), then opt_endofopt.
    let options = w16(9) + w16(1) + [9, 0, 0, 0] + w16(0) + w16(0)
    out += block(1, w16(UInt16(linkType)) + w16(0) + w32(0) + options, bigEndian: bigEndian)
    out += block(1, w16(101) + w16(0) + w32(0), bigEndian: bigEndian)
    out += block(0x0000_0BAD, [1, 2, 3, 4, 5], bigEndian: bigEndian)
    for (i, p) in packets.enumerated() {
      let iface = UInt32(i % 2)
      let data = iface == 0 ? p : raw(p, linkType: linkType)
      let t = UInt64(1_700_000_000) * 1_000_000_000 + UInt64(i) * 1_000_000
      let units = iface == 0 ? t : t / 1000  // interface 1 has the default microseconds
      out += block(
        6,
        w32(iface) + w32(UInt32(units >> 32)) + w32(UInt32(units & 0xFFFF_FFFF))
          + w32(UInt32(data.count)) + w32(UInt32(data.count)) + data, bigEndian: bigEndian)
    }
    return out
  }

  /// The IP packet inside a frame built by `frame`.
  static func raw(_ framed: [UInt8], linkType: UInt32) -> [UInt8] {
    switch linkType {
    case 1: Array(framed.dropFirst(18))
    case 113: Array(framed.dropFirst(16))
    case 276: Array(framed.dropFirst(20))
    case 0, 108: Array(framed.dropFirst(4))
    default: framed
    }
  }
}

@Suite("Capture parser")
struct ParserTests {
  static let linkTypes: [UInt32] = [1, 101, 228, 113, 276, 0, 108]

  func checkHandshake(_ bytes: [UInt8], v6: Bool = false) throws {
    let (summary, a) = try CaptureFile.analyze(MemorySource(bytes), file: "t", connection: 0)
    #expect(summary.tcpPackets == Build.segments.count)
    #expect(summary.connections.count == 1)
    #expect(summary.connections[0].ending == .closed)
    #expect(summary.warnings.isEmpty, "\(summary.warnings)")
    #expect(states(a.timeline, host: 0) == [.synSent, .established, .finWait1, .timeWait])
    #expect(
      states(a.timeline, host: 1) == [.synReceived, .established, .closeWait, .lastAck, .closed])
    #expect(a.timeline.transmissions.map(\.segment.seq) == Build.segments.map(\.seq))
    if v6 {
      #expect(summary.connections[0].endpoints == "[2001:db8::1]:40000 → [2001:db8::2]:80")
      #expect(a.timeline.hosts[0].name == "[2001:db8::1]:40000")
    } else {
      #expect(summary.connections[0].endpoints == "10.0.0.1:40000 → 10.0.0.2:80")
    }
  }

  @Test(
    "classic pcap: both byte orders, micro and nanoseconds, every link type", arguments: linkTypes)
  func pcap(linkType: UInt32) throws {
    let v4 = Build.segments.map { Build.frame($0.ipv4Bytes(), linkType: linkType) }
    let v6 = Build.segments.map {
      Build.frame(Build.ipv6($0), linkType: linkType == 228 ? 229 : linkType)
    }
    for big in [false, true] {
      for nanos in [false, true] {
        try checkHandshake(Build.pcap(v4, linkType: linkType, bigEndian: big, nanos: nanos))
        try checkHandshake(
          Build.pcap(v6, linkType: linkType == 228 ? 229 : linkType, bigEndian: big, nanos: nanos),
          v6: true)
      }
    }
    // The fraction field is i * 1000: microseconds in one format, nanoseconds in the other.
    for (nanos, step) in [(false, Int64(1000)), (true, Int64(1))] {
      let (_, a) = try CaptureFile.analyze(
        MemorySource(Build.pcap(v4, linkType: linkType, nanos: nanos)), file: "t", connection: 0)
      #expect(a.timeline.transmissions[3].sentAt.micros == 3 * step)
    }
  }

  @Test("pcapng: both byte orders, two interfaces, unknown blocks skipped", arguments: linkTypes)
  func pcapng(linkType: UInt32) throws {
    let v4 = Build.segments.map { Build.frame($0.ipv4Bytes(), linkType: linkType) }
    for big in [false, true] {
      let bytes = Build.pcapng(v4, linkType: linkType, bigEndian: big)
      try checkHandshake(bytes)
      let (_, a) = try CaptureFile.analyze(MemorySource(bytes), file: "t", connection: 0)
      // 1 ms apart whichever interface (ns or µs units) each packet came on.
      #expect(a.timeline.transmissions[3].sentAt.micros == 3000)
    }
  }

  @Test("a new SYN on a 4-tuple whose connection ended starts a second connection")
  func reusedTuple() throws {
    let v4 = (Build.segments + Build.segments).map { $0.ipv4Bytes() }
    let (summary, a) = try CaptureFile.analyze(
      MemorySource(Build.pcap(v4, linkType: 101)), file: "t", connection: 1)
    #expect(summary.connections.count == 2)
    #expect(summary.connections.map(\.packets) == [8, 8])
    #expect(states(a.timeline, host: 0).first == .synSent)
  }

  @Test("a capture that starts mid-connection: states unknown until the segments decide them")
  func midConnection() throws {
    let v4 = Build.segments.dropFirst(3).map { $0.ipv4Bytes() }
    let (_, a) = try CaptureFile.analyze(
      MemorySource(Build.pcap(Array(v4), linkType: 101)), file: "t", connection: 0)
    #expect(a.timeline.stateKnownFrom.left == 1)
    #expect(a.timeline.stateKnownFrom.right > 1)
    #expect(
      a.observations.contains {
        if case .stateDecided(0, .established) = $0.what { true } else { false }
      })
    #expect(states(a.timeline, host: 0).last == .timeWait)
  }

  @Test("IPv4 fragments and options are reported, not crashed on; other protocols skipped")
  func oddIPv4() throws {
    var withOptions = Build.segments[0].ipv4Bytes()
    // Insert 4 bytes of options (NOPs) and fix the header length, total length and checksum.
    withOptions.insert(contentsOf: [1, 1, 1, 0], at: 20)
    withOptions[0] = 0x46
    withOptions[3] = UInt8(withOptions.count)
    withOptions[10] = 0
    withOptions[11] = 0
    var ck = InternetChecksum()
    ck.add(withOptions[0..<24])
    withOptions[10] = UInt8(ck.value >> 8)
    withOptions[11] = UInt8(ck.value & 0xFF)
    var fragment = Build.segments[1].ipv4Bytes()
    fragment[6] = 0x20  // more fragments
    var udp = Build.segments[2].ipv4Bytes()
    udp[9] = 17
    let bytes = Build.pcap([withOptions, fragment, udp], linkType: 101)
    let summary = try CaptureFile.summarize(MemorySource(bytes), file: "t")
    #expect(summary.tcpPackets == 1)
    #expect(Set(summary.warnings.map(\.kind)) == [.ipOptions, .ipFragment, .notTCP])
  }

  @Test("RFC 5952 IPv6 text")
  func ipv6Text() {
    func t(_ groups: [UInt16]) -> String {
      CaptureAddress.ipv6Text(groups.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] })
    }
    #expect(t([0x2001, 0xDB8, 0, 0, 0, 0, 0, 1]) == "2001:db8::1")
    #expect(t([0, 0, 0, 0, 0, 0, 0, 1]) == "::1")
    #expect(t([0x2001, 0xDB8, 0, 1, 0, 0, 0, 1]) == "2001:db8:0:1::1")
    #expect(t([1, 2, 3, 4, 5, 6, 7, 8]) == "1:2:3:4:5:6:7:8")
  }
}
