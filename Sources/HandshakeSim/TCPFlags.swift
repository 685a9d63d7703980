/// The eight TCP control bits of RFC 9293 §3.1 (CWR and ECE from RFC 3168).
public struct TCPFlags: OptionSet, Hashable, Sendable, CustomStringConvertible {
  public let rawValue: UInt8
  public init(rawValue: UInt8) { self.rawValue = rawValue }

  public static let fin = TCPFlags(rawValue: 0x01)
  public static let syn = TCPFlags(rawValue: 0x02)
  public static let rst = TCPFlags(rawValue: 0x04)
  public static let psh = TCPFlags(rawValue: 0x08)
  public static let ack = TCPFlags(rawValue: 0x10)
  public static let urg = TCPFlags(rawValue: 0x20)
  public static let ece = TCPFlags(rawValue: 0x40)
  public static let cwr = TCPFlags(rawValue: 0x80)

  /// The flags in header order, most significant first, with their upper-case names.
  public static let named: [(TCPFlags, String)] = [
    (.cwr, "CWR"), (.ece, "ECE"), (.urg, "URG"), (.ack, "ACK"),
    (.psh, "PSH"), (.rst, "RST"), (.syn, "SYN"), (.fin, "FIN"),
  ]

  /// Upper-case names of the set flags in header order (the trace's `flags` array).
  public var names: [String] { Self.named.compactMap { contains($0.0) ? $0.1 : nil } }

  /// The way people say a segment's flags: "SYN", "SYN,ACK", "FIN,ACK", "PSH,ACK".
  /// Ordered as tcpdump and textbooks do: SYN/FIN/RST first, then PSH, then ACK.
  public var label: String {
    var parts: [String] = []
    if contains(.syn) { parts.append("SYN") }
    if contains(.fin) { parts.append("FIN") }
    if contains(.rst) { parts.append("RST") }
    if contains(.psh) { parts.append("PSH") }
    if contains(.urg) { parts.append("URG") }
    if contains(.ack) { parts.append("ACK") }
    if contains(.ece) { parts.append("ECE") }
    if contains(.cwr) { parts.append("CWR") }
    return parts.isEmpty ? "none" : parts.joined(separator: ",")
  }

  public var description: String { label }

  /// Parses one flag name, case-insensitive ("syn", "ACK").
  public init?(name: String) {
    guard let f = Self.named.first(where: { $0.1 == name.uppercased() }) else { return nil }
    self = f.0
  }
}
