/// Why bytes could not be decoded as an IPv4 packet carrying TCP.
public enum WireError: Error, Equatable, Sendable, CustomStringConvertible {
  case truncated(need: Int, have: Int)
  case notIPv4(version: UInt8)
  case badHeaderLength(Int)
  case notTCP(protocol: UInt8)
  case fragmented
  case badIPChecksum
  case badTCPChecksum(found: UInt16, expected: UInt16)
  case badDataOffset(Int)
  case badOption(kind: UInt8, reason: String)

  public var description: String {
    switch self {
    case .truncated(let need, let have): "truncated: need \(need) bytes, have \(have)"
    case .notIPv4(let v): "not IPv4 (version \(v))"
    case .badHeaderLength(let n): "bad IPv4 header length \(n)"
    case .notTCP(let p): "not TCP (protocol \(p))"
    case .fragmented: "IPv4 fragment (reassembly not supported)"
    case .badIPChecksum: "bad IPv4 header checksum"
    case .badTCPChecksum(let f, let e):
      "bad TCP checksum 0x\(String(f, radix: 16)) (expected 0x\(String(e, radix: 16)))"
    case .badDataOffset(let n): "bad TCP data offset \(n)"
    case .badOption(let k, let r): "bad TCP option \(k): \(r)"
    }
  }
}
