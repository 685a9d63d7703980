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
    var tracker = LiveTracker(anonymize: anonymize)
    var done: Set<Int> = []

    func finish(_ c: Int) -> Bool {
      guard !done.contains(c) else { return true }
      done.insert(c)
      let connection = Connection(summary: tracker.connections[c], analysis: tracker.analysis(c))
      tracker.release(c)
      return each(connection)
    }

    while let p = try reader.next() {
      guard let c = tracker.add(p), !done.contains(c) else { continue }
      if tracker.hasEnded(c) && !finish(c) { return }
    }
    // The stream ended: what is still open is handed over as it stands.
    for c in tracker.connections.indices where !done.contains(c) {
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
