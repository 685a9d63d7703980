/// One SACK block: the left edge and the right edge (one past the last byte) of data held
/// out of order by the receiver (RFC 2018 §3).
public struct SackBlock: Hashable, Sendable {
  public var left: SeqNum
  public var right: SeqNum
  public init(left: SeqNum, right: SeqNum) {
    self.left = left
    self.right = right
  }
}

/// An option the engine does not interpret, kept so decoding and encoding round-trip.
public struct RawTCPOption: Hashable, Sendable {
  public var kind: UInt8
  public var data: [UInt8]
  public init(kind: UInt8, data: [UInt8]) {
    self.kind = kind
    self.data = data
  }
}

/// The timestamps option of RFC 7323 §3.
public struct TCPTimestamps: Hashable, Sendable {
  public var value: UInt32
  public var echoReply: UInt32
  public init(value: UInt32, echoReply: UInt32) {
    self.value = value
    self.echoReply = echoReply
  }
}

/// The options a segment carries. Stored as fields rather than a list so the common case
/// allocates nothing; `encode` lays them out in the order Linux uses, so exported captures look
/// like the real thing.
public struct TCPOptions: Hashable, Sendable {
  // Declared largest alignment first, the fields fit in 32 bytes (40 in the order they are
  // encoded in); every segment of a run holds one.
  /// SACK blocks (RFC 2018 §3), most recent first.
  public var sackBlocks: [SackBlock]
  /// Options of other kinds, in arrival order.
  public var unknown: [RawTCPOption]
  /// Timestamps (RFC 7323 §3).
  public var timestamps: TCPTimestamps?
  /// Maximum segment size the sender can receive (RFC 9293 §3.7.1); SYNs only.
  public var mss: UInt16?
  /// Window scale shift (RFC 7323 §2); SYNs only.
  public var windowScale: UInt8?
  /// SACK permitted (RFC 2018 §2); SYNs only.
  public var sackPermitted: Bool

  public init(
    mss: UInt16? = nil, windowScale: UInt8? = nil, sackPermitted: Bool = false,
    timestamps: TCPTimestamps? = nil, sackBlocks: [SackBlock] = [], unknown: [RawTCPOption] = []
  ) {
    self.mss = mss
    self.windowScale = windowScale
    self.sackPermitted = sackPermitted
    self.timestamps = timestamps
    self.sackBlocks = sackBlocks
    self.unknown = unknown
  }

  /// No options at all.
  public static let none = TCPOptions()

  public var isEmpty: Bool {
    mss == nil && windowScale == nil && !sackPermitted && timestamps == nil && sackBlocks.isEmpty
      && unknown.isEmpty
  }

  /// The option bytes, padded to a multiple of four, in Linux's order (`tcp_options_write`):
  /// MSS; SACK-permitted and timestamps packed together; window scale; SACK blocks; others.
  public func encoded() -> [UInt8] {
    var b: [UInt8] = []
    b.reserveCapacity(40)
    encode(into: &b)
    return b
  }

  /// Appends the encoded options to `out` (what `encoded()` returns, without a new array).
  public func encode(into out: inout [UInt8]) {
    let start = out.count
    if let mss {
      out += [2, 4, UInt8(mss >> 8), UInt8(mss & 0xFF)]
    }
    if let ts = timestamps {
      out += sackPermitted ? [4, 2, 8, 10] : [1, 1, 8, 10]
      appendUInt32(&out, ts.value)
      appendUInt32(&out, ts.echoReply)
    } else if sackPermitted {
      out += [1, 1, 4, 2]
    }
    if let ws = windowScale {
      out += [1, 3, 3, ws]
    }
    if !sackBlocks.isEmpty {
      // 40 bytes of option space in all; each block takes 8, plus 2 for kind and length.
      let room = (40 - (out.count - start) - 4) / 8
      let blocks = sackBlocks.prefix(max(0, room))
      if !blocks.isEmpty {
        out += [1, 1, 5, UInt8(2 + 8 * blocks.count)]
        for blk in blocks {
          appendUInt32(&out, blk.left.rawValue)
          appendUInt32(&out, blk.right.rawValue)
        }
      }
    }
    for raw in unknown where out.count - start + 2 + raw.data.count <= 40 {
      out += [raw.kind, UInt8(2 + raw.data.count)]
      out += raw.data
    }
    // End-of-option-list, then zero padding.
    while (out.count - start) % 4 != 0 { out.append(0) }
  }

  /// How many option bytes `encoded()` produces.
  public var encodedLength: Int {
    if sackBlocks.isEmpty && unknown.isEmpty {
      var n = 0
      if mss != nil { n += 4 }
      if timestamps != nil { n += 12 } else if sackPermitted { n += 4 }
      if windowScale != nil { n += 4 }
      return n
    }
    return encoded().count
  }

  /// Parses option bytes (RFC 9293 §3.1): kinds 0 (end) and 1 (no-op) have no length byte;
  /// every other option must have a length of at least 2 that fits in what remains.
  public static func decode(_ bytes: ArraySlice<UInt8>) throws(WireError) -> TCPOptions {
    var o = TCPOptions()
    var i = bytes.startIndex
    while i < bytes.endIndex {
      let kind = bytes[i]
      if kind == 0 { break }
      if kind == 1 {
        i += 1
        continue
      }
      guard i + 1 < bytes.endIndex else { throw .badOption(kind: kind, reason: "no length byte") }
      let len = Int(bytes[i + 1])
      guard len >= 2, i + len <= bytes.endIndex else {
        throw .badOption(kind: kind, reason: "length \(len) does not fit")
      }
      let body = bytes[(i + 2)..<(i + len)]
      switch kind {
      case 2:
        guard len == 4 else {
          throw .badOption(kind: kind, reason: "MSS length \(len), expected 4")
        }
        o.mss = UInt16(body[body.startIndex]) << 8 | UInt16(body[body.startIndex + 1])
      case 3:
        guard len == 3 else {
          throw .badOption(kind: kind, reason: "window scale length \(len), expected 3")
        }
        o.windowScale = body[body.startIndex]
      case 4:
        guard len == 2 else {
          throw .badOption(kind: kind, reason: "SACK-permitted length \(len), expected 2")
        }
        o.sackPermitted = true
      case 5:
        guard (len - 2) % 8 == 0, len > 2 else {
          throw .badOption(kind: kind, reason: "SACK length \(len) is not 2 + 8n")
        }
        var j = body.startIndex
        while j < body.endIndex {
          o.sackBlocks.append(
            SackBlock(left: SeqNum(readUInt32(body, j)), right: SeqNum(readUInt32(body, j + 4))))
          j += 8
        }
      case 8:
        guard len == 10 else {
          throw .badOption(kind: kind, reason: "timestamps length \(len), expected 10")
        }
        o.timestamps = TCPTimestamps(
          value: readUInt32(body, body.startIndex), echoReply: readUInt32(body, body.startIndex + 4)
        )
      default:
        o.unknown.append(RawTCPOption(kind: kind, data: Array(body)))
      }
      i += len
    }
    return o
  }
}

@inline(__always)
func appendUInt32(_ b: inout [UInt8], _ v: UInt32) {
  b.append(UInt8(v >> 24))
  b.append(UInt8(v >> 16 & 0xFF))
  b.append(UInt8(v >> 8 & 0xFF))
  b.append(UInt8(v & 0xFF))
}

@inline(__always)
func readUInt32(_ b: ArraySlice<UInt8>, _ i: Int) -> UInt32 {
  UInt32(b[i]) << 24 | UInt32(b[i + 1]) << 16 | UInt32(b[i + 2]) << 8 | UInt32(b[i + 3])
}

@inline(__always)
func readUInt16(_ b: ArraySlice<UInt8>, _ i: Int) -> UInt16 {
  UInt16(b[i]) << 8 | UInt16(b[i + 1])
}
