import HandshakeSim

/// One TCP connection found in a capture, summarised.
public struct ConnectionSummary: Sendable, Hashable {
  /// 1-based, in order of first packet.
  public var number: Int
  /// The side that sent the first SYN (or, without one, the first packet), and the other.
  public var client: (address: CaptureAddress, port: UInt16)
  public var server: (address: CaptureAddress, port: UInt16)
  public var packets = 0
  /// Payload bytes, both ways.
  public var bytes = 0
  public var firstTime: Int64
  public var lastTime: Int64
  public var sawSyn = false
  public var sawSynAck = false
  public var clientFin = false
  public var serverFin = false
  public var reset = false

  /// How it ended, as far as the capture shows.
  public enum Ending: String, Sendable { case refused, reset, closed, halfClosed, open }

  public var ending: Ending {
    if reset { return sawSyn && !sawSynAck ? .refused : .reset }
    if clientFin && serverFin { return .closed }
    if clientFin || serverFin { return .halfClosed }
    return .open
  }

  /// From the first packet to the last; held at the most an Int64 holds when a damaged file's
  /// timestamps jump from one end of time to the other.
  public var durationNanos: Int64 {
    let (d, o) = lastTime.subtractingReportingOverflow(firstTime)
    return o ? Int64.max : max(0, d)
  }

  public static func == (a: ConnectionSummary, b: ConnectionSummary) -> Bool {
    a.number == b.number && a.packets == b.packets && a.bytes == b.bytes
  }

  public func hash(into h: inout Hasher) {
    h.combine(number)
    h.combine(packets)
  }

  /// "10.0.0.1:40000 → 10.0.0.2:80"
  public var endpoints: String {
    func text(_ a: CaptureAddress, _ p: UInt16) -> String {
      if case .v6 = a { return "[\(a)]:\(p)" }
      return "\(a):\(p)"
    }
    return text(client.address, client.port) + " → " + text(server.address, server.port)
  }
}

/// What reading a capture found: its connections and what was odd about it.
public struct CaptureSummary: Sendable {
  public var format: CaptureReader.Format
  public var packets = 0
  public var tcpPackets = 0
  public var connections: [ConnectionSummary] = []
  public var warnings: [CaptureWarning] = []

  public init(format: CaptureReader.Format) { self.format = format }
}

/// Reads a capture, splits its TCP packets into connections and feeds one of them to the
/// passive tracker. Streams: memory holds the connection table, not the file.
public enum CaptureFile {
  /// A connection's key: both ends, in a fixed order.
  struct Key: Hashable, Sendable {
    var a: CaptureAddress
    var pa: UInt16
    var b: CaptureAddress
    var pb: UInt16

    // Hashed as two words for IPv4 (nearly every packet): the derived hash of an enum with an
    // array case walks the payload generically, the splitter's largest cost on a 1,000,000
    // packet capture.
    func hash(into h: inout Hasher) {
      if case .v4(let x) = a, case .v4(let y) = b {
        h.combine(UInt64(x) << 16 | UInt64(pa))
        h.combine(UInt64(y) << 16 | UInt64(pb))
      } else {
        h.combine(a)
        h.combine(pa)
        h.combine(b)
        h.combine(pb)
      }
    }

    init(_ s: DecodedSegment) {
      if (s.source, s.sourcePort) < (s.destination, s.destinationPort) {
        (a, pa, b, pb) = (s.source, s.sourcePort, s.destination, s.destinationPort)
      } else {
        (a, pa, b, pb) = (s.destination, s.destinationPort, s.source, s.sourcePort)
      }
    }
  }

  /// The live state of the splitter: the current connection on each 4-tuple.
  struct Table: Sendable {
    var current: [Key: Int] = [:]
    var connections: [ConnectionSummary] = []
    /// Per connection: the ISN of its opening SYN, to tell a retransmitted SYN from a new one.
    var openingISN: [SeqNum?] = []

    /// The connection a segment belongs to (0-based), starting a new one when a SYN arrives on
    /// a 4-tuple whose connection has ended (or has another ISN).
    mutating func place(_ s: DecodedSegment, time: Int64) -> Int {
      let key = Key(s)
      let isSyn = s.flags.contains(.syn) && !s.flags.contains(.ack)
      if let c = current[key] {
        let done = connections[c].reset || (connections[c].clientFin && connections[c].serverFin)
        let reused = isSyn && (done || openingISN[c].map { $0 != s.seq } == true)
        if !reused { return c }
      }
      let n = connections.count
      connections.append(
        ConnectionSummary(
          number: n + 1, client: (s.source, s.sourcePort),
          server: (s.destination, s.destinationPort), firstTime: time, lastTime: time))
      openingISN.append(isSyn ? s.seq : nil)
      current[key] = n
      return n
    }
    mutating func count(_ s: DecodedSegment, in c: Int, time: Int64) {
      // In place: a copy out and back would retain and release the addresses each packet.
      connections[c].packets += 1
      connections[c].bytes += s.payloadLength
      connections[c].lastTime = max(connections[c].lastTime, time)
      if s.flags.contains(.syn) {
        if s.flags.contains(.ack) {
          connections[c].sawSynAck = true
        } else {
          connections[c].sawSyn = true
        }
      }
      if s.flags.contains(.fin) {
        let fromClient =
          s.sourcePort == connections[c].client.port && s.source == connections[c].client.address
        if fromClient { connections[c].clientFin = true } else { connections[c].serverFin = true }
      }
      if s.flags.contains(.rst) { connections[c].reset = true }
    }
  }

  /// Counts warnings by kind, remembering the first packet.
  struct Warnings {
    var byKind: [CaptureWarning.Kind: CaptureWarning] = [:]

    mutating func add(_ k: CaptureWarning.Kind, packet: Int) {
      byKind[k, default: CaptureWarning(kind: k, count: 0, firstPacket: packet)].count += 1
    }

    var list: [CaptureWarning] {
      CaptureWarning.Kind.allCases.compactMap { byKind[$0] }
    }
  }

  /// Reads every packet, calling `each` with the TCP ones and their connection (0-based).
  static func scan(
    _ source: any ByteSource, file: String, full: Bool, anonymize: Bool = false,
    progress: ((Int) -> Void)? = nil,
    _ each: (CapturedPacket, DecodedSegment, Int) -> Void
  ) throws(CaptureError) -> CaptureSummary {
    var reader = try CaptureReader(source, file: file)
    // Each pass starts a fresh mapping; passes read the same packets in the same order, so
    // they map alike.
    var anonymizer = CaptureAnonymizer()
    var table = Table()
    var warnings = Warnings()
    var summary = CaptureSummary(format: reader.format)
    var lastTime = Int64.min
    while let p = try reader.next() {
      summary.packets += 1
      if summary.packets % 65_536 == 0 { progress?(reader.input.offset) }
      var s: DecodedSegment
      do {
        s = try PacketDecoder.decode(p.data, linkType: p.linkType, full: full)
      } catch {
        switch error {
        case .unknownLinkType: warnings.add(.unknownLinkType, packet: p.number)
        case .notIP, .notTCP: warnings.add(.notTCP, packet: p.number)
        case .fragment: warnings.add(.ipFragment, packet: p.number)
        case .malformed: warnings.add(.malformed, packet: p.number)
        }
        continue
      }
      summary.tcpPackets += 1
      if anonymize { s = anonymizer.segment(s) }
      if s.checksumValid == false { warnings.add(.badTCPChecksum, packet: p.number) }
      if p.originalLength > p.data.count {
        warnings.add(.truncated, packet: p.number)
      }
      if s.hadIPOptions { warnings.add(.ipOptions, packet: p.number) }
      if !s.optionsValid { warnings.add(.badOptions, packet: p.number) }
      if p.time < lastTime { warnings.add(.timeBackwards, packet: p.number) }
      lastTime = max(lastTime, p.time)
      let c = table.place(s, time: p.time)
      table.count(s, in: c, time: p.time)
      each(p, s, c)
    }
    if reader.truncatedAtEnd { warnings.add(.truncatedFile, packet: summary.packets + 1) }
    summary.connections = table.connections
    summary.warnings = warnings.list
    return summary
  }

  /// The most a capture's clock is taken to run from its first packet (about 35 years): later
  /// times are held there, earlier ones at the start, so no sum of two times can overflow.
  static let maxRelativeMicros: Int64 = 1 << 50

  /// A packet's time on the lesson's clock: microseconds since the connection's first packet,
  /// within `0...maxRelativeMicros` whatever a damaged file's timestamps say.
  static func relativeTime(_ t: Int64, since t0: Int64) -> VirtualTime {
    let (d, o) = t.subtractingReportingOverflow(t0)
    let micros = o ? (t > t0 ? maxRelativeMicros : 0) : d / 1000
    return VirtualTime(micros: min(maxRelativeMicros, max(0, micros)))
  }

  /// The connections in a capture. For speed on big files this reads no TCP options and checks
  /// no checksums; `analyze` does both for the connection it shows.
  public static func summarize(
    _ source: any ByteSource, file: String, anonymize: Bool = false,
    progress: ((Int) -> Void)? = nil
  ) throws(CaptureError) -> CaptureSummary {
    try scan(source, file: file, full: false, anonymize: anonymize, progress: progress) { _, _, _ in
    }
  }

  /// One connection (0-based) of a capture, through the passive tracker.
  public static func analyze(
    _ source: any ByteSource, file: String, connection: Int, anonymize: Bool = false
  ) throws(CaptureError) -> (CaptureSummary, CaptureAnalysis) {
    let (summary, analysis) = try summarize(
      source, file: file, analyzing: connection, anonymize: anonymize)
    guard let analysis else {
      throw CaptureError(
        file: file, offset: 0,
        "there is no connection \(connection + 1): the capture has \(summary.connections.count)")
    }
    return (summary, analysis)
  }

  /// The connections in a capture and, in the same pass, connection `connection` (0-based)
  /// through the passive tracker (nil when the capture has fewer): what `open` needs for its
  /// picker and its first screen, reading a big file once.
  public static func summarize(
    _ source: any ByteSource, file: String, analyzing connection: Int, anonymize: Bool = false,
    progress: ((Int) -> Void)? = nil
  ) throws(CaptureError) -> (CaptureSummary, CaptureAnalysis?) {
    var observed: [ObservedSegment] = []
    var start: Int64? = nil
    var converter = SegmentConverter()
    let summary = try scan(
      source, file: file, full: true, anonymize: anonymize, progress: progress
    ) { p, s, c in
      guard c == connection else { return }
      let t0 = start ?? p.time
      start = t0
      observed.append(converter.observed(s, time: p.time, start: t0))
    }
    guard connection >= 0 && connection < summary.connections.count else { return (summary, nil) }
    let analysis = PassiveTracker.analyze(
      observed, names: SegmentConverter.names(summary.connections[connection]))
    return (summary, analysis)
  }
}
