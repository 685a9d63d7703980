import HandshakeSim

/// A capture read as it arrives: packets added one at a time, split into connections as `open`
/// splits a file, each connection's segments kept so it can be put through the passive tracker
/// at any moment (its ladder so far). Pure: whoever reads the stream hands the packets over.
public struct LiveTracker: Sendable {
  var table = CaptureFile.Table()
  var anonymizer = CaptureAnonymizer()
  let anonymize: Bool
  /// Per connection: its segments as the tracker takes them, from its first packet's time.
  var segments: [[ObservedSegment]] = []
  var start: [Int64] = []
  var ended: [Bool] = []
  /// IPv6 addresses stand in as addresses from 240.0.0.0/4, as in `CaptureFile.analyze`.
  var standIns: [CaptureAddress: IPv4Address] = [:]
  /// Packets read, TCP or not.
  public private(set) var packets = 0

  public init(anonymize: Bool = false) { self.anonymize = anonymize }

  /// The connections so far, in the order they began.
  public var connections: [ConnectionSummary] { table.connections }

  /// True once connection `c` (0-based) has ended: a reset, or FINs both ways and then the
  /// last ACK.
  public func hasEnded(_ c: Int) -> Bool { ended.indices.contains(c) && ended[c] }

  /// Adds one packet; the connection (0-based) it belongs to, or nil when it is not TCP.
  @discardableResult
  public mutating func add(_ p: CapturedPacket) -> Int? {
    packets += 1
    guard var s = try? PacketDecoder.decode(p.data, linkType: p.linkType, full: true) else {
      return nil
    }
    if anonymize { s = anonymizer.segment(s) }
    let c = table.place(s, time: p.time)
    table.count(s, in: c, time: p.time)
    while segments.count <= c {
      segments.append([])
      start.append(p.time)
      ended.append(false)
    }
    let seg = Segment(
      source: v4(s.source), destination: v4(s.destination), sourcePort: s.sourcePort,
      destinationPort: s.destinationPort, seq: s.seq, ack: s.ack, flags: s.flags,
      window: s.window, options: s.options,
      // A copy: the packet's bytes belong to the reader's buffer.
      payload: Array(s.payload)[...])
    segments[c].append(
      ObservedSegment(
        time: CaptureFile.relativeTime(p.time, since: start[c]), segment: seg, ipID: s.ipID,
        payloadLength: s.payloadLength))
    let x = table.connections[c]
    let closed =
      x.clientFin && x.serverFin && !s.flags.contains(.fin) && s.payloadLength == 0
      && s.flags.contains(.ack)
    if x.reset || closed { ended[c] = true }
    return c
  }

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

  /// Connection `c` (0-based) through the passive tracker, as far as it has arrived.
  public func analysis(_ c: Int) -> CaptureAnalysis {
    let conn = table.connections[c]
    func name(_ a: CaptureAddress, _ p: UInt16) -> String {
      if case .v6 = a { return "[\(a)]:\(p)" }
      return "\(a):\(p)"
    }
    return PassiveTracker.analyze(
      segments[c],
      names: (
        name(conn.client.address, conn.client.port), name(conn.server.address, conn.server.port)
      ))
  }

  /// Forgets connection `c`'s segments (it has been handed over and will not be shown again).
  mutating func release(_ c: Int) { segments[c] = [] }
}
