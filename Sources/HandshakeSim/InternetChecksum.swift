/// The 16-bit ones' complement checksum of RFC 1071, used by IPv4 and TCP.
public struct InternetChecksum: Sendable {
  private var sum: UInt64 = 0

  public init() {}

  /// Adds bytes as big-endian 16-bit words; an odd final byte is padded with zero.
  /// Every call but the last must pass an even number of bytes.
  public mutating func add<C: Collection>(_ bytes: C) where C.Element == UInt8 {
    var it = bytes.makeIterator()
    while let hi = it.next() {
      let lo = it.next() ?? 0
      sum &+= UInt64(hi) << 8 | UInt64(lo)
    }
  }

  /// The same as the generic `add`, for the common case, a word at a time from memory (the
  /// generic one is not specialised across modules, and a pcap export sums every byte).
  public mutating func add(_ bytes: ArraySlice<UInt8>) {
    bytes.withUnsafeBytes { raw in
      let n = raw.count
      var i = 0
      var s = sum
      while i + 1 < n {
        s &+= UInt64(raw[i]) << 8 | UInt64(raw[i + 1])
        i += 2
      }
      if i < n { s &+= UInt64(raw[i]) << 8 }
      sum = s
    }
  }

  public mutating func add(_ bytes: [UInt8]) { add(bytes[...]) }

  public mutating func add(_ word: UInt16) { sum &+= UInt64(word) }
  public mutating func add(_ dword: UInt32) {
    sum &+= UInt64(dword >> 16) &+ UInt64(dword & 0xFFFF)
  }

  /// The folded, complemented result to put in a header.
  public var value: UInt16 {
    var s = sum
    while s >> 16 != 0 { s = (s & 0xFFFF) &+ (s >> 16) }
    return ~UInt16(s)
  }
}
