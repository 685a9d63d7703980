/// Why a capture could not be read, with where: the file, the byte offset, and the packet
/// number when the problem is in a packet. One line, for a terminal.
public struct CaptureError: Error, Hashable, Sendable, CustomStringConvertible {
  public var file: String
  public var offset: Int
  public var packet: Int?
  public var message: String

  public init(file: String, offset: Int, packet: Int? = nil, _ message: String) {
    self.file = file
    self.offset = offset
    self.packet = packet
    self.message = message
  }

  /// "FILE: packet N at byte M: what was wrong"; a problem with the file as a whole (at byte 0,
  /// in no packet) names only the file.
  public var description: String {
    if packet == nil && offset == 0 { return "\(file): \(message)" }
    let at = packet.map { "packet \($0) at byte \(offset)" } ?? "byte \(offset)"
    return "\(file): \(at): \(message)"
  }
}

/// Something odd in a capture that reading went past: said once, with how often it happened.
public struct CaptureWarning: Hashable, Sendable, CustomStringConvertible {
  /// The kinds, by the name their interface text has (`capture_warn_NAME` in assets/strings).
  public enum Kind: String, Hashable, Sendable, CaseIterable {
    case badTCPChecksum, ipFragment, ipOptions, notTCP, unknownLinkType, truncated, malformed
    case badOptions, timeBackwards, truncatedFile
  }

  public var kind: Kind
  public var count: Int
  /// The first packet it happened in.
  public var firstPacket: Int

  public var description: String { "\(kind.rawValue) ×\(count), first in packet \(firstPacket)" }
}
