import HandshakeSim

/// Connections as they happen: packets read one by one from a stream (tcpdump writing a pcap
/// to a pipe, or a file another program is still writing), split into connections as `open`
/// splits a file, and each handed over through the passive tracker once it has ended (reset,
/// or FINs both ways and the last ACK) or when the stream ends.
public enum LiveCapture {
  /// A finished connection.
  public struct Connection: Sendable {
    public var summary: ConnectionSummary
    public var analysis: CaptureAnalysis
  }

  /// Reads until the stream ends or `each` returns false.
  public static func follow(
    _ source: any ByteSource, file: String, anonymize: Bool = false,
    _ each: (Connection) -> Bool
  ) throws(CaptureError) {
    var reader = try CaptureReader(source, file: file)
    var table = CaptureFile.Table()
    var anonymizer = CaptureAnonymizer()
    var segments: [Int: [ObservedSegment]] = [:]
    var start: [Int: Int64] = [:]
    var done: Set<Int> = []

    func finish(_ c: Int) -> Bool {
      guard !done.contains(c), let segs = segments[c] else { return true }
      done.insert(c)
      segments[c] = nil
      let conn = table.connections[c]
      let analysis = PassiveTracker.analyze(
        segs,
        names: (
          "\(conn.client.address):\(conn.client.port)", "\(conn.server.address):\(conn.server.port)"
        ))
      return each(Connection(summary: conn, analysis: analysis))
    }

    while let p = try reader.next() {
      guard var s = try? PacketDecoder.decode(p.data, linkType: p.linkType, full: true) else {
        continue
      }
      if anonymize { s = anonymizer.segment(s) }
      guard case .v4(let src) = s.source, case .v4(let dst) = s.destination else { continue }
      let c = table.place(s, time: p.time)
      table.count(s, in: c, time: p.time)
      if done.contains(c) { continue }
      let t0 = start[c] ?? p.time
      start[c] = t0
      let seg = Segment(
        source: IPv4Address(src), destination: IPv4Address(dst), sourcePort: s.sourcePort,
        destinationPort: s.destinationPort, seq: s.seq, ack: s.ack, flags: s.flags,
        window: s.window, options: s.options, payload: Array(s.payload)[...])
      segments[c, default: []].append(
        ObservedSegment(
          time: CaptureFile.relativeTime(p.time, since: t0), segment: seg, ipID: s.ipID,
          payloadLength: s.payloadLength))
      let x = table.connections[c]
      // Ended: a reset, or FINs from both sides and then a segment with nothing in it (the
      // last ACK).
      let closed =
        x.clientFin && x.serverFin && !s.flags.contains(.fin) && s.payloadLength == 0
        && s.flags.contains(.ack)
      if x.reset || closed {
        if !finish(c) { return }
      }
    }
    // The stream ended: what is still open is handed over as it stands.
    for c in segments.keys.sorted() where !done.contains(c) {
      if !finish(c) { return }
    }
  }
}

/// A stream that is not a file: read as it comes (a pipe from tcpdump).
public struct StreamSource: ByteSource {
  let next: (Int) -> [UInt8]
  public init(_ next: @escaping (Int) -> [UInt8]) { self.next = next }
  public mutating func read(upTo count: Int) throws(CaptureError) -> [UInt8] { next(count) }
}
