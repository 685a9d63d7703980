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
  var converter = SegmentConverter()
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
    segments[c].append(converter.observed(s, time: p.time, start: start[c]))
    let x = table.connections[c]
    let closed =
      x.clientFin && x.serverFin && !s.flags.contains(.fin) && s.payloadLength == 0
      && s.flags.contains(.ack)
    if x.reset || closed { ended[c] = true }
    return c
  }

  /// Connection `c` (0-based) through the passive tracker, as far as it has arrived.
  public func analysis(_ c: Int) -> CaptureAnalysis {
    PassiveTracker.analyze(segments[c], names: SegmentConverter.names(table.connections[c]))
  }

  /// Forgets connection `c`'s segments (it has been handed over and will not be shown again).
  mutating func release(_ c: Int) { segments[c] = [] }
}
