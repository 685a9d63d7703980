import HandshakeSim

/// A decoded packet as the passive tracker takes it: an engine `Segment` with the time since
/// the connection's first packet. IPv6 addresses have no place in the engine's IPv4 segments:
/// each one stands in as an address from 240.0.0.0/4 (reserved, never on a wire), the same
/// for the whole capture, and the host's name keeps the real one.
struct SegmentConverter: Sendable {
  var standIns: [CaptureAddress: IPv4Address] = [:]

  mutating func v4(_ a: CaptureAddress) -> IPv4Address {
    switch a {
    case .v4(let v): return IPv4Address(v)
    case .v6:
      if let x = standIns[a] { return x }
      let x = IPv4Address(0xF000_0001 + UInt32(standIns.count))
      standIns[a] = x
      return x
    }
  }

  /// `s`, captured at `time` (ns), in a connection whose first packet was at `start`.
  mutating func observed(_ s: DecodedSegment, time: Int64, start: Int64) -> ObservedSegment {
    let seg = Segment(
      source: v4(s.source), destination: v4(s.destination), sourcePort: s.sourcePort,
      destinationPort: s.destinationPort, seq: s.seq, ack: s.ack, flags: s.flags,
      window: s.window, options: s.options,
      // A copy: the packet's bytes belong to the reader's buffer.
      payload: Array(s.payload)[...])
    return ObservedSegment(
      time: CaptureFile.relativeTime(time, since: start), segment: seg, ipID: s.ipID,
      payloadLength: s.payloadLength)
  }

  /// A host's name on the screen: address and port, an IPv6 address in brackets.
  static func name(_ a: CaptureAddress, _ p: UInt16) -> String {
    if case .v6 = a { return "[\(a)]:\(p)" }
    return "\(a):\(p)"
  }

  /// The names of a connection's two ends, client first.
  static func names(_ c: ConnectionSummary) -> (left: String, right: String) {
    (name(c.client.address, c.client.port), name(c.server.address, c.server.port))
  }
}
