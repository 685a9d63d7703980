/// Building and sending segments: the window field, options, ACKs, data and FIN, and
/// retransmissions of what is in the retransmission queue.
extension Connection {
  /// The timestamp clock: milliseconds of virtual time plus this connection's random offset
  /// (Linux randomises the offset per connection).
  func tsClock(_ now: VirtualTime) -> UInt32 {
    UInt32(truncatingIfNeeded: now.micros / 1000) &+ tsOffset
  }

  /// The window field: RCV.WND shifted by our scale, except in a SYN, whose window is never
  /// scaled (RFC 7323 §2.2).
  func windowField(syn: Bool) -> UInt16 {
    let w = rcvWnd
    if syn { return Connection.initialWindow(buffer: Int(w), mss: config.mss) }
    return UInt16(min(w >> UInt32(rcvWScale), 65535))
  }

  /// Linux's tcp_select_initial_window: a SYN's window, never scaled, is rounded down to a
  /// multiple of the MSS it announces (65535 with MSS 1460 gives 64240; with MSS 1000, 65000).
  static func initialWindow(buffer: Int, mss: UInt16) -> UInt16 {
    let m = max(1, Int(mss))
    let cap = max(0, min(buffer, 65535))
    return UInt16(cap > m ? cap / m * m : cap)
  }

  /// A segment from this connection with the options its state calls for.
  func makeSegment(
    seq: SeqNum, flags: TCPFlags, payload: ArraySlice<UInt8> = [], now: VirtualTime
  ) -> Segment {
    var opts = TCPOptions()
    let syn = flags.contains(.syn)
    if syn {
      opts.mss = config.mss
      opts.windowScale = offeredWScale
      opts.sackPermitted = offeredSack
      if offeredTS {
        opts.timestamps = TCPTimestamps(
          value: tsClock(now), echoReply: flags.contains(.ack) ? tsRecent : 0)
      }
    } else {
      if tsOK { opts.timestamps = TCPTimestamps(value: tsClock(now), echoReply: tsRecent) }
      if sackOK && flags.contains(.ack) && !ooo.isEmpty {
        opts.sackBlocks = ooo.sackBlocks(max: tsOK ? 3 : 4)
      }
    }
    return Segment(
      source: localAddress, destination: remoteAddress,
      sourcePort: localPort, destinationPort: remotePort,
      seq: seq, ack: flags.contains(.ack) ? rcvNxt : SeqNum(0), flags: flags,
      window: windowField(syn: syn), options: opts, payload: payload)
  }

  /// Hands a segment to the host. Any segment with ACK settles the ACK we owed.
  mutating func emit(_ seg: Segment, retransmission: Bool = false, _ fx: inout Effects) {
    if seg.flags.contains(.ack) {
      ackNow = false
      unackedSegments = 0
      delAckDeadline = nil
      ackSent()
    }
    segmentsSent += 1
    fx.append(.send(seg, socket: socketID, retransmission: retransmission))
  }

  /// `<SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>`.
  mutating func sendAck(now: VirtualTime, _ fx: inout Effects) {
    emit(makeSegment(seq: sndNxt, flags: .ack, now: now), &fx)
  }

  /// Starts the retransmission timer if it is not running (RFC 6298 (5.1)).
  mutating func armRetransmitIfIdle(now: VirtualTime) {
    if rtxDeadline == nil { rtxDeadline = now + rto }
  }

  /// Sends our SYN (active open) or SYN-ACK (passive open or simultaneous open) from ISS.
  mutating func sendSyn(ack: Bool, now: VirtualTime, _ fx: inout Effects) {
    let seg = makeSegment(seq: iss, flags: ack ? [.syn, .ack] : .syn, now: now)
    if rtxQueue.isEmpty {
      if !ack { firstSynAt = now }
      rtxQueue.append(SentSegment(seq: iss, dataLength: 0, syn: true, fin: false, sentAt: now))
      timedSeq = iss
      timedAt = now
    }
    sndNxt = SeqNum.later(sndNxt, iss + 1)
    emit(seg, &fx)
    armRetransmitIfIdle(now: now)
  }

  /// The output routine: sends queued data the peer's window allows, then the FIN once all data
  /// is out (RFC 9293 §3.10.2, §3.10.4), with sender-side silly window avoidance (§3.8.6.2.1).
  /// New data arms the tail-loss probe afresh, except when the probe itself is sending it.
  mutating func output(now: VirtualTime, _ fx: inout Effects, probing: Bool = false) {
    switch state {
    case .established, .closeWait, .finWait1, .lastAck, .closing: break
    default: return
    }
    let startNxt = sndNxt
    defer {
      if sndNxt != startNxt && !probing { scheduleLossProbe(now: now, advancingRTO: false) }
    }
    while finSeq == nil {
      let unsent = unsentBytes
      guard unsent > 0 else { break }
      let inFlight = sndNxt - sndUna
      let usable = Int(sndWnd) - inFlight
      guard usable > 0 else { break }
      let len = min(unsent, usable, sndMSS)
      // Wait for a full segment unless this is all there is, it is at least half the largest
      // window the peer has offered, or nothing is in flight to bring an ACK.
      if len < sndMSS && len < unsent && len < Int(maxSndWnd / 2) && inFlight > 0 { break }
      var flags: TCPFlags = .ack
      let last = len == unsent
      if last { flags.insert(.psh) }
      let fin = last && finQueued
      if fin { flags.insert(.fin) }
      let payload = sendBuffer.bytes(from: sndNxt, count: len)
      let seg = makeSegment(seq: sndNxt, flags: flags, payload: payload, now: now)
      rtxQueue.append(
        SentSegment(
          seq: sndNxt, dataLength: len, syn: false, fin: fin, sentAt: now, psh: flags.contains(.psh)
        ))
      if timedSeq == nil {
        timedSeq = sndNxt
        timedAt = now
      }
      if fin { finSeq = sndNxt + len }
      sndNxt += len + (fin ? 1 : 0)
      rackSentCopy(end: sndNxt, at: now)
      emit(seg, &fx)
      dataSent(now: now)
      armRetransmitIfIdle(now: now)
    }
    if finQueued && finSeq == nil && unsentBytes == 0 {
      let seg = makeSegment(seq: sndNxt, flags: [.fin, .ack], now: now)
      rtxQueue.append(SentSegment(seq: sndNxt, dataLength: 0, syn: false, fin: true, sentAt: now))
      finSeq = sndNxt
      sndNxt += 1
      rackSentCopy(end: sndNxt, at: now)
      emit(seg, &fx)
      armRetransmitIfIdle(now: now)
    }
    // A zero window with data waiting and nothing in flight: probe it (RFC 9293 §3.8.6.1).
    if unsentBytes > 0 && rtxQueue.isEmpty && sndWnd == 0 && persistDeadline == nil {
      persistDeadline = now + persistInterval
    }
  }

  var persistInterval: VirtualDuration {
    var r = rto
    for _ in 0..<persistBackoff where r < config.maxRTO { r = r * 2 }
    return min(r, config.maxRTO)
  }

  /// Sends the retransmission-queue entry at `i` again, with current ACK, window and options.
  mutating func retransmit(_ i: Int, now: VirtualTime, _ fx: inout Effects) {
    let e = rtxQueue[i]
    var flags: TCPFlags
    if e.syn {
      flags = state == .synSent ? .syn : [.syn, .ack]
    } else {
      flags = .ack
      if e.psh { flags.insert(.psh) }
      if e.fin { flags.insert(.fin) }
    }
    let payload = e.dataLength > 0 ? sendBuffer.bytes(from: e.seq, count: e.dataLength) : []
    let seg = makeSegment(seq: e.seq, flags: flags, payload: payload, now: now)
    rtxQueue[i].transmissions += 1
    rtxQueue[i].sentAt = now
    rtxQueue[i].lost = false
    rackSentCopy(end: e.end, at: now)
    retransmissions += 1
    if let t = timedSeq, t >= e.seq && t < e.end { timedSeq = nil }  // Karn's algorithm
    emit(seg, retransmission: true, &fx)
  }

  /// During loss recovery, retransmits what is missing: with SACK every unSACKed segment below
  /// the highest SACKed byte; without, the first unacknowledged segment (NewReno, RFC 6582).
  /// Each is sent once per recovery episode. There is no congestion window to respect.
  mutating func retransmitHoles(now: VirtualTime, _ fx: inout Effects) {
    guard recoveryPoint != nil, !rtxQueue.isEmpty else { return }
    if sackOK, let high = highestSacked {
      // Entries before the cursor were SACKed or already resent in this episode.
      var i = max(holeCursor, rtxQueue.startIndex)
      while i < rtxQueue.endIndex && rtxQueue[i].seq < high {
        if !rtxQueue[i].sacked && !rtxQueue[i].recoveryRetransmitted {
          rtxQueue[i].recoveryRetransmitted = true
          retransmit(i, now: now, &fx)
        }
        i += 1
      }
      holeCursor = i
    } else {
      let i = rtxQueue.startIndex
      if !rtxQueue[i].recoveryRetransmitted && !rtxQueue[i].sacked {
        rtxQueue[i].recoveryRetransmitted = true
        retransmit(i, now: now, &fx)
      }
    }
  }

  /// Begins loss recovery at SND.NXT and retransmits the first segment not SACKed.
  mutating func enterRecovery(now: VirtualTime, _ fx: inout Effects) {
    recoveryPoint = sndNxt
    recoveryByTimeout = false
    lastLossSignal = .duplicateAcks
    for i in rtxQueue.indices { rtxQueue[i].recoveryRetransmitted = false }
    holeCursor = rtxQueue.startIndex
    if let i = rtxQueue.firstIndex(where: { !$0.sacked })
      ?? (rtxQueue.isEmpty ? nil : rtxQueue.startIndex)
    {
      rtxQueue[i].recoveryRetransmitted = true
      retransmit(i, now: now, &fx)
    }
  }

  /// A reset in answer to `seg` when no connection can take it (RFC 9293 §3.10.7.1):
  /// `<SEQ=SEG.ACK><CTL=RST>` if it had ACK, else `<SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>`.
  /// Never a reset for a reset.
  static func reset(answering seg: Segment) -> Segment? {
    guard !seg.flags.contains(.rst) else { return nil }
    if seg.flags.contains(.ack) {
      return Segment(
        source: seg.destination, destination: seg.source, sourcePort: seg.destinationPort,
        destinationPort: seg.sourcePort, seq: seg.ack, flags: .rst)
    }
    return Segment(
      source: seg.destination, destination: seg.source, sourcePort: seg.destinationPort,
      destinationPort: seg.sourcePort, seq: SeqNum(0), ack: seg.endSeq, flags: [.rst, .ack])
  }

  /// The reset abort() sends: RFC `<SEQ=SND.NXT><CTL=RST>`, Linux also ACKs RCV.NXT.
  func abortReset(now: VirtualTime) -> Segment {
    var seg = makeSegment(
      seq: sndNxt, flags: config.resetStyle == .linux ? [.rst, .ack] : .rst, now: now)
    seg.options.sackBlocks = []
    if config.resetStyle == .rfc { seg.ack = SeqNum(0) }
    return seg
  }
}
