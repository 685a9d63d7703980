/// A segment a capture saw on the wire.
public struct ObservedSegment: Sendable {
  /// When it was seen, from the capture's first packet.
  public var time: VirtualTime
  public var segment: Segment
  public var ipID: UInt16
  /// Payload bytes on the wire; more than `segment.payload.count` when the capture's snaplen
  /// cut the packet short.
  public var payloadLength: Int

  public init(time: VirtualTime, segment: Segment, ipID: UInt16 = 0, payloadLength: Int? = nil) {
    self.time = time
    self.segment = segment
    self.ipID = ipID
    self.payloadLength = payloadLength ?? segment.payload.count
  }
}

/// Something the tracker noticed in a capture, worth explaining at its step.
public enum CaptureObservation: Hashable, Sendable {
  /// The sender sent this sequence range before; `after` is the time since the first copy.
  case retransmission(tx: Int, original: Int, after: VirtualDuration)
  /// An ACK repeating the previous one while data is outstanding (RFC 5681 §2); `count`-th.
  case duplicateAck(tx: Int, count: Int)
  /// Data beyond the next byte the receiver expects: something before it is missing.
  case outOfOrder(tx: Int, missing: Int)
  /// The sender's receive window is full.
  case zeroWindow(tx: Int)
  /// A reset, and the state of the connection it ended at its receiver (nil if unknown).
  case reset(tx: Int, ended: TCPState?)
  /// A reset in answer to a SYN: nobody listens on that port.
  case refused(tx: Int)
  /// A SYN,ACK whose options look like a Linux SYN cookie's: the SYN offered window scaling or
  /// SACK, no timestamps, and the SYN,ACK answers with neither.
  case cookieLikely(tx: Int)
  /// A segment carrying more payload than the peer's MSS allows: segmentation offload on the
  /// capturing host, not what went on the wire.
  case oversize(tx: Int, mss: Int)
  /// The capture cut this packet's payload short (snaplen).
  case truncated(tx: Int, captured: Int, length: Int)
  /// The capture starts mid-connection: this host's state is known from here on.
  case stateDecided(host: Int32, state: TCPState)
  /// The active closer is in TIME-WAIT: it stays there for 2*MSL after the capture ends.
  case timeWait(host: Int32)
  /// Both ends closed at once (their FINs crossed): both are in TIME-WAIT.
  case timeWaitBoth
  /// The capture saw `tx` leave, but it never arrived: `proof`, sent later by its receiver,
  /// repeats what `tx` acknowledged.
  case lostAfterCapture(tx: Int, proof: Int)
  /// Nothing answered `tx`: it was dropped after the capture point or by the peer.
  case noReply(tx: Int)
  /// `host` sent SYNs (at these times) and nothing answered: connect() gave up.
  case gaveUp(host: Int32, tries: Int, times: [VirtualTime])
  /// `host` sent a SYN and never answered the SYN,ACKs: no TCP there (a spoofed address, or
  /// a silent host).
  case silent(host: Int32)
}

/// A capture seen as a run: a timeline in the same form a lesson's run has (two hosts, send and
/// arrive records, state changes, snapshots for the panels), and what is worth explaining.
public struct CaptureAnalysis: Sendable {
  public var timeline: Timeline
  /// What to explain, by step.
  public var observations: [(step: Int, what: CaptureObservation)]
  /// Sides (0 left, 1 right) that are no TCP at all: one SYN, and the SYN,ACKs that answered it
  /// never answered (a spoofed source, or a host that keeps silent). They have no TCB to show.
  public var silentHosts: Set<Int32> = []
}

/// Reconstructs both endpoints' TCP states from the segments of one connection as a capture
/// saw them, using the engine's own state names and variables. It never invents a segment: it
/// reads the ones it is given and infers what each side's TCB must have been.
///
/// Each segment becomes two steps, as in a lesson: it leaves its sender, then reaches its
/// receiver (at the same capture time: a single capture point cannot see the latency).
public struct PassiveTracker {
  /// What one side's TCB must hold, as far as its segments show.
  struct Peer {
    var state: TCPState? = nil
    var passive = false
    var iss: SeqNum? = nil
    var irs: SeqNum? = nil
    var sndUna = SeqNum(0)
    var sndNxt = SeqNum(0)
    var sndWnd: UInt32 = 0
    var rcvNxt = SeqNum(0)
    var rcvWnd: UInt32 = 0
    var offeredScale: UInt8? = nil
    var offeredSack = false
    var offeredTimestamps = false
    var announcedMSS: UInt16? = nil
    var largestSent = 0
    var synSeen = false
    var finSeq: SeqNum? = nil
    var finReceived = false
    var lastAck: SeqNum? = nil
    var lastWindow: UInt16 = 0
    var duplicateAcks = 0
    var bytesSent = 0
    var bytesReceived = 0
    var retransmissions = 0
    var wasEstablished = false
    /// It answered a SYN with what looks like a SYN cookie: a cookie keeps no TCB, so the
    /// side stays in LISTEN until an ACK with the cookie comes back.
    var cookieSent = false
    /// First transmission of each sequence start this side sent, to say "after how long".
    var firstSent: [UInt32: Int] = [:]
  }

  let segments: [ObservedSegment]
  var peers = [Peer(), Peer()]
  /// Each side's newest entry in `tl.connectionSnapshots`.
  var lastSnapshot: [Int32?] = [nil, nil]
  var tl: Timeline
  var observations: [(step: Int, what: CaptureObservation)] = []
  var knownFrom = [0, 0]
  /// Both SYNs carried window scale.
  var scaling = false
  /// Sides known, with hindsight, to be no TCP (see `CaptureAnalysis.silentHosts`).
  var silent = [false, false]

  /// Analyses one connection's segments, in capture order. `names` label the two hosts; the
  /// left one is the side that sent the first SYN (or, without one, the first segment).
  public static func analyze(
    _ segments: [ObservedSegment], names: (left: String, right: String)? = nil
  ) -> CaptureAnalysis {
    var t = PassiveTracker(segments, names: names)
    t.run()
    t.tl.stateKnownFrom = (t.knownFrom[0], t.knownFrom[1])
    t.tl.indexRelativeBases()
    return CaptureAnalysis(
      timeline: t.tl, observations: t.observations,
      silentHosts: Set((0..<2).filter { t.silent[$0] }.map { Int32($0) }))
  }

  init(_ segments: [ObservedSegment], names: (left: String, right: String)?) {
    self.segments = segments
    let opener =
      segments.first { $0.segment.flags.contains(.syn) && !$0.segment.flags.contains(.ack) }
      ?? segments.first
    let a = opener?.segment
    let left = Timeline.HostInfo(
      name: names?.left ?? "\(a?.source.description ?? "?"):\(a?.sourcePort ?? 0)",
      address: a?.source ?? IPv4Address(0), side: .left, isTCP: true)
    let right = Timeline.HostInfo(
      name: names?.right ?? "\(a?.destination.description ?? "?"):\(a?.destinationPort ?? 0)",
      address: a?.destination ?? IPv4Address(0), side: .right, isTCP: true)
    tl = Timeline(
      seed: 0, hosts: [left, right], left: 0, right: 1, records: [], transmissions: [],
      sockets: [
        SocketInfo(
          host: 0, isListener: false, localAddress: left.address,
          localPort: a?.sourcePort ?? 0, remoteAddress: right.address,
          remotePort: a?.destinationPort ?? 0),
        SocketInfo(
          host: 1, isListener: false, localAddress: right.address,
          localPort: a?.destinationPort ?? 0, remoteAddress: left.address,
          remotePort: a?.sourcePort ?? 0),
      ],
      steps: [], connectionSnapshots: [], listenerSnapshots: [], finalConnections: [],
      end: .quiescent, eventCount: segments.count)
    tl.source = .capture
  }

  /// For each side x and position i, the first segment at i or later that x sent
  /// (`segments.count` when none): lets the look-ahead passes skip the other side's segments
  /// instead of walking them, which is what keeps a one-sided capture linear.
  func nextFromSide() -> [[Int]] {
    var next = [[Int]](
      repeating: [Int](repeating: segments.count, count: segments.count + 1), count: 2)
    for i in segments.indices.reversed() {
      let x = side(of: segments[i].segment)
      next[x][i] = i
      next[1 - x][i] = next[1 - x][i + 1]
    }
    return next
  }

  /// Which side sent a segment: 0 (left) or 1 (right).
  func side(of s: Segment) -> Int {
    let l = tl.hosts[0]
    return s.source == l.address && s.sourcePort == tl.sockets[0].localPort ? 0 : 1
  }

  mutating func run() {
    // Before the first packet: a side that answers the opening SYN with SYN,ACK was listening;
    // one that answers with a reset had nothing there. The rest is unknown until seen.
    if let first = segments.first?.segment, first.flags.contains(.syn), !first.flags.contains(.ack)
    {
      peers[0].state = .closed
      let answer = segments.dropFirst().first { side(of: $0.segment) == 1 }?.segment
      if let a = answer, a.flags.contains(.syn) {
        peers[1].state = .listen
        peers[1].passive = true
      } else if let a = answer, a.flags.contains(.rst) {
        peers[1].state = .closed
      }
    }
    for k in 0..<2 where peers[k].state == nil { knownFrom[k] = -1 }
    let next = nextFromSide()
    let lost = lostAfterCapture(next)
    let unanswered = noReply(next)
    silent = (0..<2).map { isSilent($0, unanswered) }
    for k in 0..<2 where silent[k] { tl.hosts[k].isTCP = false }
    appendStep(records: 0..<0, time: .zero)
    var previous = VirtualTime.zero
    let after = arrivalOrder(next)
    var pending: [Int: [Int]] = [:]
    for (k, j) in after.enumerated() { pending[j, default: []].append(k) }
    for (i, o) in segments.enumerated() {
      // Timestamps that step back (they do, by microseconds) keep the timeline in order.
      let time = max(o.time, previous)
      previous = time
      let from = side(of: o.segment)
      depart(i, o, from: from, time: time)
      if silent[from] && o.segment.flags.contains(.syn) {
        observations.append((tl.steps.count - 1, .silent(host: Int32(from))))
      }
      for k in pending[i] ?? [] {
        if let proof = lost[k] {
          vanish(k, at: 1 - side(of: segments[k].segment), proof: proof, time: time)
        } else if unanswered.contains(k) {
          vanish(k, at: 1 - side(of: segments[k].segment), proof: nil, time: time)
        } else {
          arrive(k, segments[k], at: 1 - side(of: segments[k].segment), time: time)
        }
      }
    }
    giveUpOrSilence(unanswered)
    if peers[0].state == .timeWait && peers[1].state == .timeWait {
      observations.append((tl.steps.count - 1, .timeWaitBoth))
    } else {
      for k in 0..<2 where peers[k].state == .timeWait {
        observations.append((tl.steps.count - 1, .timeWait(host: Int32(k))))
      }
    }
    tl.finalConnections = (0..<2).map { snapshot($0) }
  }

  /// Segments the capture saw leave that never arrived, each with the segment that proves it:
  /// a sender that sends again data, a FIN or a SYN that an ACK seen earlier covered cannot
  /// have received that ACK (nor any other covering ACK in between). Looking ahead like this
  /// is hindsight a forward-only tracker lacks: without it, the ACK's receiver would move on
  /// (to CLOSED, to TIME-WAIT) and then resend from a state it had left.
  func lostAfterCapture(_ next: [[Int]]) -> [Int: Int] {
    var lost: [Int: Int] = [:]
    var sentEnd: [SeqNum?] = [nil, nil]
    var firstCopy: [[UInt32: Int]] = [[:], [:]]
    // Per side and sequence number, how far a resend's look-back has gone and for which end:
    // the next resend of the same bytes starts there (the ACKs before it were judged already),
    // so 50,000 copies of one SYN cost 50,000 steps and not 50,000².
    var scanned: [[UInt32: (upTo: Int, end: SeqNum)]] = [[:], [:]]
    for (j, o) in segments.enumerated() {
      let s = o.segment
      let x = side(of: s)
      let f = s.flags
      guard !f.contains(.rst) else { continue }
      let length = UInt32(o.payloadLength)
      guard length > 0 || f.contains(.syn) || f.contains(.fin) else { continue }
      let end = s.seq + length + (f.contains(.syn) ? 1 : 0) + (f.contains(.fin) ? 1 : 0)
      let resent = sentEnd[x].map { s.seq < $0 } ?? false
      if !resent || firstCopy[x][s.seq.rawValue] == nil {
        if firstCopy[x][s.seq.rawValue] == nil { firstCopy[x][s.seq.rawValue] = j }
        sentEnd[x] = sentEnd[x].map { SeqNum.later($0, end) } ?? end
        continue
      }
      let original = firstCopy[x][s.seq.rawValue] ?? 0
      var i = original + 1
      if let done = scanned[x][s.seq.rawValue], done.end <= end { i = max(i, done.upTo) }
      i = next[1 - x][min(i, segments.count)]
      while i < j {
        let a = segments[i].segment
        if lost[i] == nil, a.flags.contains(.ack), !a.flags.contains(.rst), a.ack >= end {
          lost[i] = j
        }
        i = next[1 - x][i + 1]
      }
      scanned[x][s.seq.rawValue] = (j, end)
    }
    return lost
  }

  /// Segments nothing answered: a SYN, SYN,ACK, FIN or data after which the other side sent
  /// nothing before the sender sent the same again; and a SYN or SYN,ACK after which the other
  /// side sent nothing at all. (A last segment of a capture that just stops is left alone: the
  /// capture may have ended before its answer.)
  func noReply(_ next: [[Int]]) -> Set<Int> {
    struct Copy: Hashable {
      var side: Int
      var seq: UInt32
      var synFin: UInt8
      var length: Int
    }
    // Walking backwards, the next copy of the same segment from the same side.
    var nextCopy = [Int](repeating: segments.count, count: segments.count)
    var seen: [Copy: Int] = [:]
    for j in segments.indices.reversed() {
      let o = segments[j]
      let key = Copy(
        side: side(of: o.segment), seq: o.segment.seq.rawValue,
        synFin: o.segment.flags.intersection([.syn, .fin]).rawValue, length: o.payloadLength)
      nextCopy[j] = seen[key] ?? segments.count
      seen[key] = j
    }
    var out: Set<Int> = []
    for (j, o) in segments.enumerated() {
      let s = o.segment
      let f = s.flags
      guard !f.contains(.rst), o.payloadLength > 0 || f.contains(.syn) || f.contains(.fin)
      else { continue }
      let x = side(of: s)
      // Unanswered: the same segment again before anything from the other side, or a SYN
      // that nothing from the other side ever followed.
      let answer = next[1 - x][j + 1]
      let again = nextCopy[j] < answer
      if answer == segments.count || again {
        if again || f.contains(.syn) { out.insert(j) }
      }
    }
    return out
  }

  /// A segment that left and never arrived: a step with the drop, its receiver unchanged.
  mutating func vanish(_ i: Int, at y: Int, proof: Int?, time: VirtualTime) {
    let first = tl.records.count
    let step = tl.steps.count
    let reason: DropReason = proof == nil ? .noReply : .afterCapture
    tl.transmissions[i].firstLanding = Transmission.Landing(
      time: time, step: Int32(step), dropped: reason)
    tl.records.append(
      TraceRecord(
        step: Int32(step), time: time, host: Int32(y), event: .drop(tx: Int32(i), reason: reason)))
    if let p = proof {
      observations.append((step, .lostAfterCapture(tx: i, proof: p)))
    } else {
      observations.append((step, .noReply(tx: i)))
    }
    appendStep(records: first..<tl.records.count, time: time)
  }

  /// At the end: a side whose SYNs all went unanswered gave up (connect() timed out); a side
  /// that sent a SYN and never answered the SYN,ACKs it got is no TCP at all.
  mutating func giveUpOrSilence(_ unanswered: Set<Int>) {
    for x in 0..<2 {
      let mine = segments.indices.filter { side(of: segments[$0].segment) == x }
      let other = segments.indices.filter { side(of: segments[$0].segment) != x }
      guard !mine.isEmpty else { continue }
      let synsOnly = mine.allSatisfy {
        let f = segments[$0].segment.flags
        return f.contains(.syn) && !f.contains(.ack)
      }
      guard synsOnly else { continue }
      let first = tl.records.count
      let time = tl.steps.last?.time ?? .zero
      let before = peers[x].state
      if other.isEmpty {
        // Every SYN unanswered, and nothing from the other side: connect() gave up.
        peers[x].state = .closed
        noteState(x, from: before)
        observations.append(
          (
            tl.steps.count,
            .gaveUp(
              host: Int32(x), tries: mine.count, times: mine.map { segments[$0].time })
          ))
        appendStep(records: first..<tl.records.count, time: time)
      }
    }
  }

  /// True when side `x` is no TCP: it sent one SYN and nothing else, and every segment the
  /// other side sent (its SYN,ACKs) went unanswered. Known before the first step (hindsight),
  /// so the side is never shown with a state it did not have.
  func isSilent(_ x: Int, _ unanswered: Set<Int>) -> Bool {
    let mine = segments.indices.filter { side(of: segments[$0].segment) == x }
    let other = segments.indices.filter { side(of: segments[$0].segment) != x }
    guard mine.count == 1, let only = mine.first, let firstOther = other.first else {
      return false
    }
    let f = segments[only].segment.flags
    return f.contains(.syn) && !f.contains(.ack) && only < firstOther
      && other.allSatisfy { unanswered.contains($0) }
  }

  /// For each segment, the segment after whose departure it arrives: itself, except for a FIN
  /// its receiver had not yet processed when it sent its own next segments. The ACK field is
  /// RCV.NXT at sending time in every stack, so a segment whose ACK does not cover the peer's
  /// FIN was sent before that FIN arrived: the FINs crossed (a simultaneous close), which one
  /// capture point alone would show in the wrong order.
  func arrivalOrder(_ next: [[Int]]) -> [Int] {
    var after = Array(segments.indices)
    for (k, o) in segments.enumerated() where o.segment.flags.contains(.fin) {
      let from = side(of: o.segment)
      let fin = o.segment.seq + UInt32(o.payloadLength)
      var j = next[1 - from][k + 1]
      while j < segments.count {
        let r = segments[j].segment
        guard r.flags.contains(.ack), r.ack <= fin, !r.flags.contains(.rst) else { break }
        after[k] = j
        j = next[1 - from][j + 1]
      }
    }
    return after
  }

  // MARK: - The sender

  mutating func depart(_ i: Int, _ o: ObservedSegment, from x: Int, time: VirtualTime) {
    let s = o.segment
    let first = tl.records.count
    var p = peers[x]
    let f = s.flags
    let length = UInt32(o.payloadLength)
    let end = s.seq + length + (f.contains(.syn) ? 1 : 0) + (f.contains(.fin) ? 1 : 0)
    var retransmission = false
    var original: Int? = nil
    if f.contains(.syn) {
      if p.synSeen, p.iss == s.seq {
        retransmission = true
        original = p.firstSent[s.seq.rawValue]
      }
      p.synSeen = true
      p.iss = s.seq
      p.offeredScale = s.options.windowScale
      p.offeredSack = s.options.sackPermitted
      p.offeredTimestamps = s.options.timestamps != nil
      p.announcedMSS = s.options.mss
      if !retransmission {
        p.sndUna = s.seq
        p.sndNxt = s.seq + 1
      }
    } else if p.iss == nil && !(f.contains(.rst) && p.state == .closed) {
      // Mid-connection: the first segment seen stands in for the ISN, as Wireshark does. (A
      // reset from a closed port comes from no connection: it has no ISN to stand in for.)
      p.iss = s.seq - 1
      p.sndUna = s.seq
      p.sndNxt = s.seq
    }
    if !f.contains(.syn), length > 0 || f.contains(.fin) {
      if s.seq < p.sndNxt {
        retransmission = true
        original = p.firstSent[s.seq.rawValue]
      }
    }
    if p.firstSent[s.seq.rawValue] == nil, length > 0 || f.contains(.syn) || f.contains(.fin) {
      p.firstSent[s.seq.rawValue] = tl.transmissions.count
    }
    if p.sndNxt < end {
      if !f.contains(.syn) {
        p.bytesSent += (end - SeqNum.later(p.sndNxt, s.seq)) - (f.contains(.fin) ? 1 : 0)
      }
      p.sndNxt = end
    }
    if retransmission { p.retransmissions += 1 }
    p.largestSent = max(p.largestSent, o.payloadLength)
    if f.contains(.ack) {
      if p.irs == nil {
        // Mid-connection: the first ACK this side sends says where the peer's bytes stand.
        p.irs = s.ack - 1
        p.rcvNxt = s.ack
      } else {
        p.rcvNxt = SeqNum.later(p.rcvNxt, s.ack)
      }
    }
    p.rcvWnd = UInt32(s.window) << UInt32(scaling && !f.contains(.syn) ? p.offeredScale ?? 0 : 0)

    let tx = tl.transmissions.count
    tl.transmissions.append(
      Transmission(
        segment: s, from: Int32(x), to: Int32(1 - x), socket: Int32(x), sentAt: time,
        sendStep: Int32(tl.steps.count), ipID: o.ipID, isRetransmission: retransmission,
        firstLanding: nil, secondLanding: nil))
    tl.records.append(
      TraceRecord(
        step: Int32(tl.steps.count), time: time, host: Int32(x), event: .send(tx: Int32(tx))))
    let step = tl.steps.count
    if retransmission, let orig = original {
      observations.append(
        (step, .retransmission(tx: tx, original: orig, after: time - tl.transmissions[orig].sentAt))
      )
    } else if retransmission {
      observations.append((step, .retransmission(tx: tx, original: tx, after: .zero)))
    }
    if s.window == 0 && !f.contains(.rst) { observations.append((step, .zeroWindow(tx: tx))) }
    if o.payloadLength > s.payload.count {
      observations.append(
        (step, .truncated(tx: tx, captured: s.payload.count, length: o.payloadLength)))
    }
    let peerMSS = Int(peers[1 - x].announcedMSS ?? 536)
    if peers[1 - x].synSeen, o.payloadLength > peerMSS {
      observations.append((step, .oversize(tx: tx, mss: peerMSS)))
    }
    // The sender's state, as far as sending this shows it.
    let before = p.state
    if f.contains(.rst) {
      p.state = .closed
    } else if f.contains(.syn) && !f.contains(.ack) {
      if p.state == nil || p.state == .closed { p.state = .synSent }
    } else if f.contains(.syn) {
      if before == .listen || before == nil, peers[1 - x].offeredTimestamps == false,
        peers[1 - x].offeredScale != nil || peers[1 - x].offeredSack,
        s.options.windowScale == nil, !s.options.sackPermitted, s.options.timestamps == nil
      {
        // A cookie keeps no TCB (Linux's tcp_syn_flood_action): the listener stays as it
        // was, and only the ACK that returns the cookie makes a connection.
        if !p.cookieSent { observations.append((step, .cookieLikely(tx: tx))) }
        p.cookieSent = true
        p.passive = true
        if p.state == nil { p.state = .listen }
      } else {
        if p.state == nil || p.state == .listen || p.state == .synSent { p.state = .synReceived }
        p.passive = p.passive || before != .synSent
      }
    } else if f.contains(.fin) && !retransmission {
      p.finSeq = end - 1
      switch p.state {
      case .established?, nil: p.state = .finWait1
      case .closeWait?: p.state = .lastAck
      case .synReceived?: p.state = .finWait1
      default: break
      }
    } else if p.state == nil && f.contains(.ack) {
      // An ACK from a host means it is synchronized: ESTABLISHED (unless a FIN says more).
      p.state = .established
    }
    peers[x] = p
    noteState(x, from: before)
    appendStep(records: first..<tl.records.count, time: time)
  }

  // MARK: - The receiver

  mutating func arrive(_ i: Int, _ o: ObservedSegment, at y: Int, time: VirtualTime) {
    let s = o.segment
    let f = s.flags
    let first = tl.records.count
    var p = peers[y]
    let before = p.state
    let tx = i  // one transmission per segment, in capture order
    let step = tl.steps.count
    var note: ArrivalNote? = nil
    let length = UInt32(o.payloadLength)

    if f.contains(.syn) {
      p.irs = s.seq
      p.rcvNxt = s.seq + 1
      if f.contains(.ack) && p.synSeen {
        // Both SYNs seen: window scaling is on only if both offered it.
        scaling = p.offeredScale != nil && s.options.windowScale != nil
      }
    } else if p.irs == nil && !f.contains(.rst) {
      p.irs = s.seq - 1
      p.rcvNxt = s.seq
    }
    if f.contains(.ack) && p.iss == nil {
      // Mid-connection, an ACK before this side has sent anything: its ISN is unseen.
      p.iss = s.ack - 1
      p.sndUna = s.ack
      p.sndNxt = s.ack
    }
    if f.contains(.rst) {
      if p.state == .synSent {
        observations.append((step, .refused(tx: tx)))
        note = .rstAccepted
      } else {
        observations.append((step, .reset(tx: tx, ended: p.state)))
        note = .rstAccepted
      }
      p.state = .closed
    } else {
      if f.contains(.ack) {
        // Duplicate ACK: same ACK, no data, no window change, data outstanding (RFC 5681 §2).
        if let last = p.lastAck, last == s.ack, length == 0, !f.contains(.syn),
          !f.contains(.fin), s.window == p.lastWindow, p.sndNxt > s.ack
        {
          p.duplicateAcks += 1
          observations.append((step, .duplicateAck(tx: tx, count: p.duplicateAcks)))
          note = .duplicateAck
        } else if p.lastAck.map({ $0 < s.ack }) ?? true {
          p.duplicateAcks = 0
        }
        p.lastAck = s.ack
        p.lastWindow = s.window
        if p.sndUna < s.ack { p.sndUna = s.ack }
        p.sndWnd =
          UInt32(s.window)
          << UInt32(scaling && !f.contains(.syn) ? peers[1 - y].offeredScale ?? 0 : 0)
      }
      if length > 0 {
        if s.seq > p.rcvNxt {
          observations.append((step, .outOfOrder(tx: tx, missing: s.seq - p.rcvNxt)))
          note = .outOfOrder
        } else if s.seq + length > p.rcvNxt {
          p.bytesReceived += (s.seq + length) - p.rcvNxt
          p.rcvNxt = s.seq + length
        } else if note == nil {
          note = .duplicateData
        }
      }
      let ackOfFIN = f.contains(.ack) && p.finSeq.map { s.ack > $0 } == true
      if f.contains(.fin) && s.seq + length <= p.rcvNxt {
        if !p.finReceived {
          p.rcvNxt = SeqNum.later(p.rcvNxt, s.seq + length + 1)
        } else {
          // The FIN again: in TIME-WAIT the timer starts over; elsewhere (CLOSING, LAST-ACK)
          // it is a duplicate, ACKed again.
          note = note ?? (p.state == .timeWait ? .timeWaitRestart : .duplicateData)
        }
        p.finReceived = true
      }
      // State changes the arrival makes.
      switch p.state {
      case .synSent? where f.contains(.syn) && f.contains(.ack):
        if let iss = p.iss, s.ack == iss + 1 { p.state = .established }
      case .synSent? where f.contains(.syn):
        p.state = .synReceived  // simultaneous open
      case .synReceived? where f.contains(.ack) && p.iss.map({ s.ack > $0 }) == true:
        p.state = f.contains(.fin) ? .closeWait : .established
      case .listen?
      where p.cookieSent && f.contains(.ack) && !f.contains(.syn)
        && p.iss.map({ s.ack == $0 + 1 }) == true:
        // The cookie came back: the connection is made now, straight to ESTABLISHED.
        p.state = f.contains(.fin) ? .closeWait : .established
      case .established? where f.contains(.fin):
        p.state = .closeWait
      case .finWait1? where f.contains(.fin):
        p.state = ackOfFIN ? .timeWait : .closing
      case .finWait1? where ackOfFIN:
        p.state = .finWait2
      case .finWait2? where f.contains(.fin):
        p.state = .timeWait
      case .closing? where ackOfFIN:
        p.state = .timeWait
      case .lastAck? where ackOfFIN:
        p.state = .closed
      default:
        break
      }
    }
    if p.state == .established { p.wasEstablished = true }
    peers[y] = p
    tl.transmissions[tx].firstLanding = Transmission.Landing(
      time: time, step: Int32(step), dropped: nil)
    tl.records.append(
      TraceRecord(
        step: Int32(step), time: time, host: Int32(y), event: .arrive(tx: Int32(tx), note: note)))
    noteState(y, from: before)
    appendStep(records: first..<tl.records.count, time: time)
  }

  /// Records a state change of side `k` (and the step its state became known).
  mutating func noteState(_ k: Int, from before: TCPState?) {
    // A side that is no TCP has no states to record.
    guard !silent[k], let now = peers[k].state, now != before else { return }
    if before == nil {
      knownFrom[k] = tl.steps.count
      observations.append((tl.steps.count, .stateDecided(host: Int32(k), state: now)))
    }
    if now == .established { peers[k].wasEstablished = true }
    tl.records.append(
      TraceRecord(
        step: Int32(tl.steps.count), time: tl.records.last?.time ?? .zero, host: Int32(k),
        event: .state(socket: Int32(k), from: before ?? .closed, to: now)))
  }

  /// Closes a step: its records, and both panels after it.
  mutating func appendStep(records r: Range<Int>, time: VirtualTime) {
    var indices: [Int32] = []
    for k in 0..<2 {
      guard hasConnection(k) else {
        indices.append(-1)
        continue
      }
      let snap = snapshot(k)
      // The side's newest snapshot is remembered, not searched for: a search from the end
      // walks the whole list when only one side ever changes (50,000 SYNs, one 4-tuple).
      if let last = lastSnapshot[k], tl.connectionSnapshots[Int(last)] == snap {
        indices.append(last)
      } else {
        tl.connectionSnapshots.append(snap)
        lastSnapshot[k] = Int32(tl.connectionSnapshots.count - 1)
        indices.append(Int32(tl.connectionSnapshots.count - 1))
      }
    }
    tl.steps.append(
      Timeline.StepInfo(
        firstRecord: Int32(r.lowerBound), recordCount: Int32(r.count), time: time,
        oldestPending: Int32(tl.transmissions.count), background: false))
    tl.stepPanels.append(
      Timeline.StepPanels(
        leftConnection: indices[0], leftListener: -1, rightConnection: indices[1],
        rightListener: -1))
  }

  /// False for a side with no connection to show: a closed port that only answered with a
  /// reset (its panel says CLOSED and no socket, as the engine's would).
  func hasConnection(_ k: Int) -> Bool {
    let p = peers[k]
    if silent[k] { return false }
    return !(p.state == .closed && !p.synSeen && !p.wasEstablished && p.iss == nil)
  }

  /// Side `k`'s panel as the segments so far show it.
  func snapshot(_ k: Int) -> ConnectionSnapshot {
    let p = peers[k]
    let other = peers[1 - k]
    let info = tl.sockets[k]
    let negotiated = p.synSeen && other.synSeen
    return ConnectionSnapshot(
      socket: Int32(k), state: p.state ?? .closed, passive: p.passive, fromCookie: p.cookieSent,
      localPort: info.localPort, remoteAddress: info.remoteAddress ?? IPv4Address(0),
      remotePort: info.remotePort ?? 0, iss: p.iss ?? SeqNum(0), irs: p.irs, sndUna: p.sndUna,
      sndNxt: p.sndNxt, sndWnd: p.sndWnd, sndWl1: SeqNum(0), sndWl2: SeqNum(0), rcvNxt: p.rcvNxt,
      rcvWnd: p.rcvWnd, peerMSS: other.announcedMSS,
      sndMSS: Int(other.announcedMSS ?? 536)
        - (negotiated && p.offeredTimestamps && other.offeredTimestamps ? 12 : 0),
      windowScaleOK: scaling, sndWScale: scaling ? other.offeredScale ?? 0 : 0,
      rcvWScale: scaling ? p.offeredScale ?? 0 : 0,
      sackOK: negotiated && p.offeredSack && other.offeredSack,
      timestampsOK: negotiated && p.offeredTimestamps && other.offeredTimestamps, rto: .zero,
      srtt: nil,
      timers: TimerSnapshot(), unsentBytes: 0, bytesInFlight: max(0, p.sndNxt - p.sndUna),
      unreadBytes: 0, outOfOrderBytes: 0, sackedSegments: 0, bytesWritten: p.bytesSent,
      bytesAcked: max(0, p.sndUna - (p.iss ?? p.sndUna) - 1), bytesReceived: p.bytesReceived,
      bytesRead: p.bytesReceived, retransmissions: p.retransmissions,
      announcedMSS: p.announcedMSS, largestSent: p.largestSent, issKnown: p.iss != nil,
      wasEstablished: p.wasEstablished, finSent: p.finSeq != nil, finReceived: p.finReceived,
      error: nil, writeDigest: Digest(), readDigest: Digest())
  }
}
