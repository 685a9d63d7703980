/// One packet as a capture file holds it.
public struct CapturedPacket: Sendable {
  /// 1-based, in file order.
  public var number: Int
  /// Byte offset of its record in the file.
  public var offset: Int
  /// Nanoseconds since the Unix epoch.
  public var time: Int64
  public var linkType: UInt32
  /// The bytes captured (maybe fewer than the packet had: see `originalLength`). A slice of the
  /// reader's buffer, valid until the next `next()`: copy what you keep.
  public var data: ArraySlice<UInt8>
  public var originalLength: Int
}

/// Reads classic pcap (both byte orders, microsecond and nanosecond timestamps) and pcapng
/// (section header, interface description, enhanced, simple and obsolete packet blocks; other
/// blocks skipped; several interfaces and sections), one packet at a time.
///
/// Every length is checked before it is trusted, so a damaged file gives a `CaptureError`
/// naming the byte, never a crash and never an allocation the file's size does not justify.
public struct CaptureReader {
  public enum Format: String, Sendable { case pcap, pcapng }

  /// The largest packet or block this reader accepts: far above any real snaplen.
  static let maxRecord = 16 << 20

  public let file: String
  public private(set) var format: Format
  var input: BufferedInput
  var bigEndian = false
  var nanoseconds = false
  var linkType: UInt32 = 0
  var snaplen = 0
  /// pcapng: each interface's link type, snaplen and timestamp units.
  var interfaces: [(linkType: UInt32, snaplen: Int, unitsPerSecond: Int64, offset: Int64)] = []
  var count = 0
  /// A packet cut off at the end of the file: reported by the caller as a warning.
  public private(set) var truncatedAtEnd = false

  public init(_ source: any ByteSource, file: String) throws(CaptureError) {
    self.file = file
    input = BufferedInput(source)
    format = .pcap
    guard try input.fill(4) else {
      throw CaptureError(
        file: file, offset: 0,
        input.available == 0 ? "the file is empty" : "too short to be a capture file")
    }
    let magic = Array(input.buffer[0..<4])
    switch magic {
    case [0xD4, 0xC3, 0xB2, 0xA1], [0x4D, 0x3C, 0xB2, 0xA1], [0xA1, 0xB2, 0xC3, 0xD4],
      [0xA1, 0xB2, 0x3C, 0x4D]:
      format = .pcap
      try readPcapHeader()
    case [0x0A, 0x0D, 0x0D, 0x0A]:
      format = .pcapng
    default:
      let hex = magic.map { String($0, radix: 16) }.joined(separator: " ")
      throw CaptureError(
        file: file, offset: 0,
        "not a capture file (it starts with \(hex); pcap starts with d4 c3 b2 a1 or a1 b2 c3 d4, pcapng with 0a 0d 0d 0a)"
      )
    }
  }

  func error(_ message: String, at offset: Int, packet: Int? = nil) -> CaptureError {
    CaptureError(file: file, offset: offset, packet: packet, message)
  }

  func u16(_ b: ArraySlice<UInt8>, _ i: Int) -> UInt16 {
    let s = b.startIndex + i
    return bigEndian ? UInt16(b[s]) << 8 | UInt16(b[s + 1]) : UInt16(b[s + 1]) << 8 | UInt16(b[s])
  }

  func u32(_ b: ArraySlice<UInt8>, _ i: Int) -> UInt32 {
    let s = b.startIndex + i
    let x = UInt32(b[s]) | UInt32(b[s + 1]) << 8 | UInt32(b[s + 2]) << 16 | UInt32(b[s + 3]) << 24
    return bigEndian ? x.byteSwapped : x
  }

  // MARK: - pcap

  mutating func readPcapHeader() throws(CaptureError) {
    guard try input.fill(24) else {
      throw error("the pcap file header is cut short (24 bytes needed)", at: 0)
    }
    let h = input.take(24)
    let m = Array(h.prefix(4))
    bigEndian = m[0] == 0xA1
    nanoseconds = m == [0x4D, 0x3C, 0xB2, 0xA1] || m == [0xA1, 0xB2, 0x3C, 0x4D]
    snaplen = Int(u32(h, 16))
    // The top bits of the link-type word carry FCS information, not the link type.
    linkType = u32(h, 20) & 0x03FF_FFFF
  }

  mutating func nextPcap() throws(CaptureError) -> CapturedPacket? {
    let at = input.offset
    guard try input.fill(16) else {
      if input.available > 0 { truncatedAtEnd = true }
      return nil
    }
    let h = input.take(16)
    let seconds = Int64(u32(h, 0))
    let fraction = Int64(u32(h, 4))
    let captured = Int(u32(h, 8))
    let original = Int(u32(h, 12))
    let number = count + 1
    let limit = max(snaplen, 262_144)
    guard captured <= limit && captured <= CaptureReader.maxRecord else {
      throw error(
        "captured length \(captured) is beyond the snaplen \(snaplen): the file is damaged", at: at,
        packet: number)
    }
    guard try input.fill(captured) else {
      truncatedAtEnd = true
      return nil
    }
    count = number
    let data = input.take(captured)
    let time = seconds * 1_000_000_000 + (nanoseconds ? fraction : fraction * 1000)
    return CapturedPacket(
      number: number, offset: at, time: time, linkType: linkType, data: data,
      originalLength: max(original, captured))
  }

  // MARK: - pcapng

  mutating func nextPcapng() throws(CaptureError) -> CapturedPacket? {
    while true {
      let at = input.offset
      guard try input.fill(12) else {
        if input.available > 0 { truncatedAtEnd = true }
        return nil
      }
      let head = input.buffer[input.position..<(input.position + 12)]
      let type =
        UInt32(head[head.startIndex]) | UInt32(head[head.startIndex + 1]) << 8
        | UInt32(head[head.startIndex + 2]) << 16 | UInt32(head[head.startIndex + 3]) << 24
      if type == 0x0A0D_0D0A {
        // A section header: its byte-order magic says how to read everything after it.
        let magic = Array(head[(head.startIndex + 8)..<(head.startIndex + 12)])
        switch magic {
        case [0x4D, 0x3C, 0x2B, 0x1A]: bigEndian = false
        case [0x1A, 0x2B, 0x3C, 0x4D]: bigEndian = true
        default:
          throw error("a pcapng section header with an unknown byte-order magic", at: at)
        }
        interfaces = []
      }
      let length = Int(u32(head, 4))
      guard length >= 12, length % 4 == 0, length <= CaptureReader.maxRecord else {
        throw error("a pcapng block says its length is \(length), which is impossible", at: at)
      }
      guard try input.fill(length) else {
        truncatedAtEnd = true
        return nil
      }
      let block = input.take(length)
      let typeNow = bigEndian ? type.byteSwapped : type
      guard u32(block, length - 4) == UInt32(length) else {
        throw error(
          "a pcapng block's two length fields disagree (\(length) and \(u32(block, length - 4)))",
          at: at)
      }
      let body = block[(block.startIndex + 8)..<(block.endIndex - 4)]
      switch type == 0x0A0D_0D0A ? 0x0A0D_0D0A : typeNow {
      case 0x0A0D_0D0A:
        continue
      case 1:  // Interface Description Block
        guard body.count >= 8 else { throw error("an interface block is too short", at: at) }
        var units: Int64 = 1_000_000
        var tsOffset: Int64 = 0
        for (code, value) in options(body.dropFirst(8)) {
          if code == 9, let r = value.first {
            // if_tsresol: a power of ten, or of two if the top bit is set.
            let e = Int(r & 0x7F)
            let binary = r & 0x80 != 0
            // 10^18 and 2^62 are the finest units a signed 64-bit count of them can hold.
            guard binary ? e <= 62 : e <= 18 else {
              throw error(
                "an interface's time resolution is \(binary ? "2" : "10")^-\(e) s, finer than this reader takes (10^-18 s)",
                at: at)
            }
            units = binary ? Int64(1) << e : Int64(pow10(e))
          } else if code == 14, value.count == 8 {
            tsOffset = Int64(
              bitPattern: UInt64(u32(value, bigEndian ? 4 : 0)) | UInt64(
                u32(value, bigEndian ? 0 : 4)) << 32)
          }
        }
        interfaces.append(
          (UInt32(u16(body, 0)), Int(u32(body, 4)), units, tsOffset))
      case 6, 2:  // Enhanced Packet Block, obsolete Packet Block
        guard body.count >= 20 else { throw error("a packet block is too short", at: at) }
        let iface = typeNow == 6 ? Int(u32(body, 0)) : Int(u16(body, 0))
        guard iface < interfaces.count else {
          throw error("a packet names interface \(iface), which was never described", at: at)
        }
        let high = UInt64(u32(body, 4))
        let low = UInt64(u32(body, 8))
        let captured = Int(u32(body, 12))
        let original = Int(u32(body, 16))
        guard captured <= body.count - 20 else {
          throw error(
            "a packet's captured length \(captured) runs past its block", at: at, packet: count + 1)
        }
        count += 1
        let i = interfaces[iface]
        return CapturedPacket(
          number: count, offset: at,
          time: CaptureReader.saturatingAdd(
            nanos(high << 32 | low, i.unitsPerSecond),
            CaptureReader.saturatingMultiply(i.offset, 1_000_000_000)),
          linkType: i.linkType,
          data: body[(body.startIndex + 20)..<(body.startIndex + 20 + captured)],
          originalLength: max(original, captured))
      case 3:  // Simple Packet Block: no time, interface 0
        guard body.count >= 4, let i = interfaces.first else {
          throw error("a simple packet block with no interface before it", at: at)
        }
        let original = Int(u32(body, 0))
        let captured = min(original, body.count - 4, i.snaplen > 0 ? i.snaplen : Int.max)
        count += 1
        return CapturedPacket(
          number: count, offset: at, time: 0, linkType: i.linkType,
          data: body[(body.startIndex + 4)..<(body.startIndex + 4 + captured)],
          originalLength: max(original, captured))
      default:
        continue  // name resolution, statistics, custom blocks: not needed
      }
    }
  }

  /// A block's options as (code, value), stopping at opt_endofopt or at the first one that does
  /// not fit (options are never worth failing a packet for).
  func options(_ b: ArraySlice<UInt8>) -> [(UInt16, ArraySlice<UInt8>)] {
    var out: [(UInt16, ArraySlice<UInt8>)] = []
    var i = b.startIndex
    while i + 4 <= b.endIndex {
      let code = u16(b[i...], 0)
      let length = Int(u16(b[i...], 2))
      if code == 0 { break }
      guard i + 4 + length <= b.endIndex else { break }
      out.append((code, b[(i + 4)..<(i + 4 + length)]))
      i += 4 + (length + 3) / 4 * 4
    }
    return out
  }

  func pow10(_ e: Int) -> UInt64 { (0..<e).reduce(1) { r, _ in r * 10 } }

  /// Timestamp units to nanoseconds without overflow: a time past the year 2262 (the most
  /// nanoseconds an Int64 holds) is held at that limit, never wrapped.
  func nanos(_ t: UInt64, _ unitsPerSecond: Int64) -> Int64 {
    let u = UInt64(max(1, unitsPerSecond))
    let seconds = t / u
    let rest = t % u
    let (frac, overflow) = rest.multipliedReportingOverflow(by: 1_000_000_000)
    let ns = overflow ? UInt64(Double(rest) / Double(u) * 1e9) : frac / u
    let (whole, o1) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
    let (sum, o2) = whole.addingReportingOverflow(min(ns, 999_999_999))
    guard !o1, !o2, sum <= UInt64(Int64.max) else { return Int64.max }
    return Int64(sum)
  }

  /// `a + b`, held at the ends of Int64 instead of trapping.
  static func saturatingAdd(_ a: Int64, _ b: Int64) -> Int64 {
    let (r, o) = a.addingReportingOverflow(b)
    return o ? (b > 0 ? Int64.max : Int64.min) : r
  }

  /// `a × b`, held at the ends of Int64 instead of trapping.
  static func saturatingMultiply(_ a: Int64, _ b: Int64) -> Int64 {
    let (r, o) = a.multipliedReportingOverflow(by: b)
    return o ? ((a < 0) != (b < 0) ? Int64.min : Int64.max) : r
  }

  /// The next packet, or nil at the end of the file.
  public mutating func next() throws(CaptureError) -> CapturedPacket? {
    switch format {
    case .pcap: try nextPcap()
    case .pcapng: try nextPcapng()
    }
  }
}
