/// A TCP segment with the addresses of the IPv4 packet that carries it.
///
/// Segments are values: the engine builds them in one endpoint's state machine, the link carries
/// them, and the other endpoint's state machine processes them. Nothing else makes them up.
public struct Segment: Hashable, Sendable {
  // The 8-byte-aligned fields first: the small ones after them then leave no padding between.
  public var options: TCPOptions
  /// The data. A slice, so segments can share the bytes an application wrote.
  public var payload: ArraySlice<UInt8>
  public var source: IPv4Address
  public var destination: IPv4Address
  public var sourcePort: UInt16
  public var destinationPort: UInt16
  public var seq: SeqNum
  public var ack: SeqNum
  public var flags: TCPFlags
  /// The 16-bit window field as sent (before any window scaling is applied by the receiver).
  public var window: UInt16
  public var urgentPointer: UInt16

  public init(
    source: IPv4Address, destination: IPv4Address, sourcePort: UInt16, destinationPort: UInt16,
    seq: SeqNum, ack: SeqNum = SeqNum(0), flags: TCPFlags, window: UInt16 = 0,
    urgentPointer: UInt16 = 0, options: TCPOptions = .none, payload: ArraySlice<UInt8> = []
  ) {
    self.source = source
    self.destination = destination
    self.sourcePort = sourcePort
    self.destinationPort = destinationPort
    self.seq = seq
    self.ack = ack
    self.flags = flags
    self.window = window
    self.urgentPointer = urgentPointer
    self.options = options
    self.payload = payload
  }

  /// SEG.LEN of RFC 9293 §3.4: payload octets plus one for SYN and one for FIN.
  public var length: Int {
    payload.count + (flags.contains(.syn) ? 1 : 0) + (flags.contains(.fin) ? 1 : 0)
  }

  /// The sequence number just past this segment: SEG.SEQ + SEG.LEN.
  public var endSeq: SeqNum { seq + length }
}
