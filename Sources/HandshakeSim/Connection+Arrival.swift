/// SEGMENT ARRIVES for a connection that exists (RFC 9293 §3.10.7.3 SYN-SENT and §3.10.7.4 the
/// other states), step by step in the RFC's order. LISTEN and CLOSED are handled by the host,
/// which owns listeners and answers for 4-tuples with no connection.
extension Connection {
  mutating func segmentArrives(_ seg: Segment, now: VirtualTime, _ fx: inout Effects) {
    switch state {
    case .closed, .listen:
      return  // the host never routes here; nothing to do
    case .synSent:
      synSentArrives(seg, now: now, &fx)
    default:
      synchronizedArrives(seg, now: now, &fx)
    }
    if state != .closed {
      output(now: now, &fx)
      linuxAckCheck(now: now)
      if ackNow { sendAck(now: now, &fx) }
    }
  }

  /// Records what the peer's SYN offered and settles the options (RFC 7323 §2.2, RFC 2018 §2,
  /// RFC 9293 §3.7.1).
  mutating func learnPeerSynOptions(_ seg: Segment) {
    let o = seg.options
    irsValid = true
    peerMSS = o.mss
    peerWScale = o.windowScale
    if passive {
      // A SYN-ACK may only carry what the SYN offered.
      if o.windowScale == nil { offeredWScale = nil }
      if !o.sackPermitted { offeredSack = false }
      if o.timestamps == nil { offeredTS = false }
    }
    wsOK = offeredWScale != nil && o.windowScale != nil
    // RFC 7323 §2.3: a shift above 14 is used as 14.
    sndWScale = wsOK ? min(o.windowScale ?? 0, 14) : 0
    rcvWScale = wsOK ? (offeredWScale ?? 0) : 0
    sackOK = offeredSack && o.sackPermitted
    tsOK = offeredTS && o.timestamps != nil
    if let ts = o.timestamps { tsRecent = ts.value }
    settleMSS()
  }

  /// Each side sends at most what the peer announced (536 when it announced nothing), and Linux
  /// no more than its own MSS; timestamps take 12 bytes of every segment (RFC 7323 §3).
  mutating func settleMSS() {
    let announced = Int(peerMSS ?? 536)
    sndMSS = max(1, min(announced, Int(config.mss)) - (tsOK ? 12 : 0))
  }

  // MARK: - SYN-SENT (§3.10.7.3)

  private mutating func synSentArrives(_ seg: Segment, now: VirtualTime, _ fx: inout Effects) {
    let f = seg.flags
    // First, the ACK bit.
    var ackAcceptable = false
    if f.contains(.ack) {
      if seg.ack <= iss || seg.ack > sndNxt {
        if !f.contains(.rst) {
          fx.note(.badAckReset)
          emit(
            Segment(
              source: localAddress, destination: remoteAddress, sourcePort: localPort,
              destinationPort: remotePort, seq: seg.ack, flags: .rst), &fx)
        } else {
          fx.note(.rstIgnored)
        }
        return
      }
      ackAcceptable = sndUna < seg.ack && seg.ack <= sndNxt
    }
    // Second, the RST bit: acceptable only if it acknowledges our SYN (RFC 5961 §3).
    if f.contains(.rst) {
      if ackAcceptable {
        fx.note(.rstAccepted)
        pendingError = .refused
        connectPending = false
        tell(.connect, .refused, &fx)
        setState(.closed, &fx)
      } else {
        fx.note(.rstIgnored)
      }
      return
    }
    // Fourth, the SYN bit.
    guard f.contains(.syn) else { return }
    irs = seg.seq
    rcvNxt = seg.seq + 1
    learnPeerSynOptions(seg)
    if ackAcceptable {
      acknowledge(upTo: seg.ack, now: now)
    }
    if sndUna > iss {
      // Our SYN is acknowledged: ESTABLISHED. The SYN's window is never scaled.
      sndWnd = UInt32(seg.window)
      maxSndWnd = sndWnd
      sndWl1 = seg.seq
      sndWl2 = seg.ack
      setState(.established, &fx)
      connectPending = false
      tell(.connect, .ok, &fx)
      // RFC 6298 (5.7): after a retransmitted SYN, data starts with an RTO of 3 s.
      if synRetransmitted {
        srtt8 = nil
        baseRTO = max(baseRTO, .seconds(3))
      }
      ackNow = true
      if !seg.payload.isEmpty || f.contains(.fin) {
        processTextAndFin(seg, now: now, &fx)
      }
    } else {
      // Simultaneous open (§3.5 Figure 7): SYN-RECEIVED and <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK>.
      sndWnd = UInt32(seg.window)
      maxSndWnd = sndWnd
      sndWl1 = seg.seq
      setState(.synReceived, &fx)
      // It sends the SYN's sequence number (ISS) a second time, so it counts as a
      // retransmission, as Linux (which resends the queued SYN with ACK set) and Wireshark
      // ("TCP Retransmission") both see it.
      let synAck = makeSegment(seq: iss, flags: [.syn, .ack], now: now)
      emit(synAck, retransmission: true, &fx)
    }
  }

  /// Advances SND.UNA to `ack`, dropping what it covers from the retransmission queue and send
  /// buffer, taking an RTT sample if the timed segment is covered (Karn's rule applies).
  mutating func acknowledge(upTo ack: SeqNum, now: VirtualTime) {
    guard sndUna < ack else { return }
    sndUna = ack
    // After SND.UNA moves, as in Linux, so the once-per-round-trip check sees the new value.
    if let t = timedSeq, t < ack {
      sampleRTT(now - timedAt)
      timedSeq = nil
    }
    if config.lossRecovery == .rack {
      var i = rtxQueue.startIndex
      while i < rtxQueue.endIndex && rtxQueue[i].end <= ack {
        if !rtxQueue[i].sacked { rackAdvance(rtxQueue[i], now: now) }
        i += 1
      }
    }
    rtxQueue.dropAcknowledged(upTo: ack)
    if let h = tlpHighSeq, h <= ack { tlpHighSeq = nil }
    if var first = rtxQueue.first, first.seq < ack {
      // The peer took part of a segment (it trimmed to its window): keep the rest.
      let cut = ack - first.seq
      if first.syn {
        first.syn = false
        first.seq = first.seq + 1
        first.dataLength -= cut - 1
      } else {
        first.seq = ack
        first.dataLength -= cut
      }
      rtxQueue[rtxQueue.startIndex] = first
    }
    let before = sendBuffer.baseSeq
    sendBuffer.acknowledge(upTo: ack)
    bytesAcked += sendBuffer.baseSeq - before
    backoff = 0
    dupAcks = 0
    persistBackoff = 0
    rtxDeadline = rtxQueue.isEmpty ? nil : now + rto  // RFC 6298 (5.2), (5.3)
    if rtxQueue.isEmpty {
      lossProbeDeadline = nil
      reorderDeadline = nil
    }
  }

  /// SRTT, RTTVAR and RTO from a measurement, as Linux computes them (`tcp_rtt_estimator`).
  ///
  /// RFC 6298 (2.2)–(2.4) sets RTO = SRTT + 4·RTTVAR and then raises the whole RTO to at least
  /// 1 s. Linux keeps the RFC's SRTT and its gains of 1/8 and 1/4, but bounds the *variance term*
  /// by TCP_RTO_MIN (200 ms) instead: RTO = SRTT + max(4·RTTVAR, 200 ms), so a 20 ms path gets
  /// 220 ms (what `ss -ti` shows), not 200 ms or 1 s. It also lets the variance term grow at once
  /// but shrink only once per round trip, by a quarter of the way to the largest deviation seen
  /// in that round trip, and gives a falling RTT a gain of 1/32 on the deviation.
  /// Values are kept in Linux's fixed point: SRTT×8 and deviations×4, in microseconds.
  mutating func sampleRTT(_ r: VirtualDuration) {
    let m = max(r.micros, 1)
    if config.rtoModel == .rfc6298 {
      sampleRTTAsRFC6298(m)
      return
    }
    let floor = config.minRTO.micros
    let s8: Int64
    if var s = srtt8 {
      var err = m - (s >> 3)
      s += err
      if err < 0 {
        err = -err - (mdev4 >> 2)
        // A sample below SRTT says little about variance: weigh it less.
        if err > 0 { err >>= 3 }
      } else {
        err -= mdev4 >> 2
      }
      mdev4 += err
      if mdev4 > mdevMax4 {
        mdevMax4 = mdev4
        rttvar4 = max(rttvar4, mdevMax4)
      }
      // Once per round trip (SND.UNA passed the mark), decay towards that round trip's largest.
      if sndUna > rttMark {
        if mdevMax4 < rttvar4 { rttvar4 -= (rttvar4 - mdevMax4) >> 2 }
        rttMark = sndNxt
        mdevMax4 = floor
      }
      s8 = max(1, s)
    } else {
      // RFC 6298 (2.2): SRTT = R, RTTVAR = R/2, so 4·RTTVAR = 2R.
      s8 = m << 3
      mdev4 = m << 1
      rttvar4 = max(mdev4, floor)
      mdevMax4 = rttvar4
      rttMark = sndNxt
    }
    srtt8 = s8
    baseRTO = min(VirtualDuration(micros: (s8 >> 3) + rttvar4), config.maxRTO)
  }

  /// RFC 6298 (2.2)–(2.4) as written: RTTVAR ← ¾·RTTVAR + ¼·|SRTT − R|, SRTT ← ⅞·SRTT + ⅛·R,
  /// RTO ← SRTT + 4·RTTVAR, then at least `minRTO` (1 s). Kept in the same fixed point
  /// (SRTT×8, 4·RTTVAR) so the panel reads both models alike.
  private mutating func sampleRTTAsRFC6298(_ m: Int64) {
    if let s8 = srtt8 {
      let s = s8 >> 3
      // 4·RTTVAR' = 3·RTTVAR + |SRTT − R| = ¾·(4·RTTVAR) + |SRTT − R|
      rttvar4 = rttvar4 - (rttvar4 >> 2) + abs(s - m)
      srtt8 = s8 - (s8 >> 3) + m
    } else {
      srtt8 = m << 3
      rttvar4 = m << 1
    }
    let s = (srtt8 ?? 0) >> 3
    let r = max(s + max(rttvar4, 1), config.minRTO.micros)
    baseRTO = min(VirtualDuration(micros: r), config.maxRTO)
  }

  // MARK: - Synchronized states (§3.10.7.4)

  private mutating func synchronizedArrives(_ seg: Segment, now: VirtualTime, _ fx: inout Effects) {
    let f = seg.flags

    // Linux answers a retransmitted SYN in SYN-RECEIVED by sending the SYN-ACK again.
    if state == .synReceived && passive && f.contains(.syn) && !f.contains(.ack)
      && !f.contains(.rst) && seg.seq == irs && config.synAckOnDuplicateSyn
    {
      fx.note(.duplicateSyn)
      if let i = rtxQueue.firstIndex(where: { $0.syn }) {
        retransmit(i, now: now, &fx)
      }
      return
    }
    // A retransmitted FIN in TIME-WAIT: ACK it again and restart 2*MSL (§3.10.7.4 eighth;
    // Linux's tcp_timewait_state_process).
    if state == .timeWait && f.contains(.fin) && !f.contains(.rst) && seg.endSeq == rcvNxt {
      fx.note(.timeWaitRestart)
      timeWaitDeadline = now + config.timeWaitDuration
      sendAck(now: now, &fx)
      return
    }
    // Simultaneous open: the peer's SYN-ACK reaches our SYN-RECEIVED. It carries the SYN we
    // already took, so it fails the window test as written (the `rfc9293` profile then drops it
    // and ACKs, and the peer's answer to that ACK completes the open); Linux (and Figure 7)
    // take it as the ACK of our SYN.
    let simultaneousSynAck =
      config.acceptSimultaneousSynAck && state == .synReceived && !passive && f.contains(.syn)
      && f.contains(.ack)
      && !f.contains(.rst) && seg.seq + 1 == rcvNxt && seg.ack == sndNxt

    // First, check the sequence number.
    let segLen = seg.length
    let wnd = rcvWnd
    var acceptable: Bool
    if simultaneousSynAck {
      acceptable = true
    } else if segLen == 0 {
      acceptable = wnd == 0 ? seg.seq == rcvNxt : seg.seq.isIn(windowFrom: rcvNxt, size: wnd)
    } else if wnd == 0 {
      // "special allowance should be made to accept valid ACKs, URGs, and RSTs": a segment
      // exactly at RCV.NXT still has its ACK processed; its text is trimmed away below.
      acceptable = seg.seq == rcvNxt
    } else {
      acceptable =
        seg.seq.isIn(windowFrom: rcvNxt, size: wnd)
        || (seg.seq + (segLen - 1)).isIn(windowFrom: rcvNxt, size: wnd)
    }
    if !acceptable {
      if f.contains(.rst) {
        fx.note(.rstIgnored)
      } else {
        fx.note(.notAcceptable)
        ackNow = true
      }
      return
    }

    // RFC 7323 §4.3: remember the newest timestamp of a segment that is not beyond what we have
    // acknowledged, to echo it. (PAWS, which would drop old timestamps, is not modelled.)
    if tsOK, let ts = seg.options.timestamps, seg.seq <= rcvNxt,
      Int32(bitPattern: ts.value &- tsRecent) >= 0
    {
      tsRecent = ts.value
    }

    // Second, the RST bit (RFC 5961 §3 as adopted by §3.10.7.4).
    if f.contains(.rst) {
      if seg.seq != rcvNxt {
        if state == .timeWait {
          fx.note(.rstIgnored)  // Linux drops an inexact RST in TIME-WAIT silently
        } else {
          fx.note(.challengeAck)
          sendAck(now: now, &fx)
        }
        return
      }
      fx.note(.rstAccepted)
      switch state {
      case .synReceived:
        if passive {
          // "return this connection to the LISTEN state": the listener keeps listening and this
          // half-open connection is gone.
          setState(.listen, &fx)
          setState(.closed, &fx)
        } else {
          pendingError = .refused
          errorReported = true
          connectPending = false
          tell(.connect, .refused, &fx)
          setState(.closed, &fx)
        }
      case .established, .finWait1, .finWait2, .closeWait:
        pendingError = .reset
        // An application that reads by itself is blocked in recv, which returns the error;
        // one that reads when told hears it at its next call.
        if !appClosed && config.autoRead {
          errorReported = true
          tell(.recv, .reset, &fx)
        }
        setState(.closed, &fx)
      default:
        setState(.closed, &fx)
      }
      return
    }

    // Fourth, the SYN bit: in a synchronized state it gets a challenge ACK (RFC 5961 §4).
    if f.contains(.syn) && !simultaneousSynAck {
      if state == .synReceived && passive {
        // §3.10.7.4: a passive SYN-RECEIVED returns to LISTEN.
        setState(.listen, &fx)
        setState(.closed, &fx)
        return
      }
      fx.note(.challengeAck)
      sendAck(now: now, &fx)
      return
    }

    // Fifth, the ACK field.
    guard f.contains(.ack) else {
      fx.note(.noAckDropped)
      return
    }
    if state == .synReceived {
      if sndUna < seg.ack && seg.ack <= sndNxt {
        sndWnd = UInt32(seg.window) << UInt32(simultaneousSynAck ? 0 : sndWScale)
        maxSndWnd = max(maxSndWnd, sndWnd)
        sndWl1 = seg.seq
        sndWl2 = seg.ack
        acknowledge(upTo: seg.ack, now: now)
        setState(.established, &fx)
        if passive {
          fx.append(.established(conn: index))
        } else {
          connectPending = false
          tell(.connect, .ok, &fx)
        }
        if synRetransmitted {
          srtt8 = nil
          baseRTO = max(baseRTO, .seconds(3))
        }
        if simultaneousSynAck { return }
      } else {
        fx.note(.badAckReset)
        emit(
          Segment(
            source: localAddress, destination: remoteAddress, sourcePort: localPort,
            destinationPort: remotePort, seq: seg.ack, flags: .rst), &fx)
        return
      }
    }
    if state == .timeWait {
      // Nothing else is expected here; an acceptable segment is simply acknowledged.
      ackNow = true
      return
    }
    if !processAck(seg, now: now, &fx) { return }
    let ourFinAcked = finSeq.map { sndUna > $0 } ?? false
    // FIN-WAIT-1 with our FIN acknowledged becomes FIN-WAIT-2 after the text and FIN steps, so
    // that a segment carrying both the ACK of our FIN and the peer's FIN goes straight to
    // TIME-WAIT (the three-segment close).
    switch state {
    case .closing where ourFinAcked:
      enterTimeWait(now: now, &fx)
      return
    case .lastAck where ourFinAcked:
      setState(.closed, &fx)
      return
    default:
      break
    }

    // Sixth, URG: not modelled (no urgent data is ever sent).
    // Seventh and eighth: the segment text and the FIN.
    processTextAndFin(seg, now: now, &fx)
    if state == .finWait1 && ourFinAcked {
      setState(.finWait2, &fx)
      if appClosed && finWait2Deadline == nil { finWait2Deadline = now + config.finTimeout }
    }
  }

  /// The ACK step for ESTABLISHED and the states that process ACKs like it. Returns false when
  /// the segment must be dropped.
  private mutating func processAck(_ seg: Segment, now: VirtualTime, _ fx: inout Effects) -> Bool {
    let ack = seg.ack
    if ack > sndNxt {
      fx.note(.ackOfUnsent)
      ackNow = true
      return false
    }
    if ack < sndUna - maxSndWnd {
      fx.note(.oldAck)
      ackNow = true
      return false
    }
    let scaledWindow = UInt32(seg.window) << UInt32(sndWScale)
    if sackOK && !seg.options.sackBlocks.isEmpty {
      markSacked(seg.options.sackBlocks, now: now)
    }
    // RACK finds losses by time; the hole-by-hole pull of RFC 6582 and RFC 6675 remains for
    // duplicate-ACK recovery and after a timeout.
    let pullsHoles = !usesRack || recoveryByTimeout
    let advanced = sndUna < ack
    if advanced {
      let wasRecovering = recoveryPoint
      acknowledge(upTo: ack, now: now)
      if let rp = wasRecovering {
        if ack >= rp {
          recoveryPoint = nil
          recoveryByTimeout = false
        } else if pullsHoles {
          retransmitHoles(now: now, &fx)  // a partial ACK (RFC 6582)
        }
      }
      if highestSacked.map({ $0 <= sndUna }) ?? false { highestSacked = nil }
    }
    // RACK first, so that when it starts recovery the arrival is named for it.
    if usesRack && !rtxQueue.isEmpty { rackRecover(now: now, &fx) }
    if advanced {
      if usesRack && recoveryPoint == nil { scheduleLossProbe(now: now, advancingRTO: true) }
    } else if ack == sndUna && !rtxQueue.isEmpty && seg.payload.isEmpty
      && !seg.flags.contains(.syn) && !seg.flags.contains(.fin) && scaledWindow == sndWnd
    {
      // A duplicate ACK (RFC 5681 §2).
      dupAcks += 1
      if dupAcks == 3 && recoveryPoint == nil && !usesRack {
        fx.note(.fastRetransmit)
        enterRecovery(now: now, &fx)
      } else {
        fx.note(.duplicateAck)
        if recoveryPoint != nil && sackOK && pullsHoles { retransmitHoles(now: now, &fx) }
      }
    }
    // Window update (§3.10.7.4 fifth): only from a segment not older than the last one used.
    if sndUna <= ack && (sndWl1 < seg.seq || (sndWl1 == seg.seq && sndWl2 <= ack)) {
      sndWnd = scaledWindow
      maxSndWnd = max(maxSndWnd, sndWnd)
      sndWl1 = seg.seq
      sndWl2 = ack
      if sndWnd > 0 {
        persistDeadline = nil
        persistBackoff = 0
      }
    }
    return true
  }

  /// Marks retransmission-queue entries the peer holds (RFC 2018 §5).
  private mutating func markSacked(_ blocks: [SackBlock], now: VirtualTime) {
    for b in blocks where sndUna < b.right && b.right <= sndNxt && b.left < b.right {
      // A block usually reappears grown at its right edge: scan only what is new.
      var from = b.left
      if let known = lastSackBlocks.first(where: { $0.left == b.left && $0.right <= b.right }) {
        from = known.right
      }
      var i = rtxQueue.firstIndex(atOrAfter: from)
      while i < rtxQueue.endIndex && rtxQueue[i].end <= b.right {
        if !rtxQueue[i].sacked {
          rtxQueue[i].sacked = true
          rtxQueue[i].lost = false
          if config.lossRecovery == .rack { rackAdvance(rtxQueue[i], now: now) }
        }
        i += 1
      }
      highestSacked = highestSacked.map { SeqNum.later($0, b.right) } ?? b.right
    }
    lastSackBlocks = blocks
  }

  // MARK: - Text and FIN (§3.10.7.4 seventh and eighth)

  private mutating func processTextAndFin(_ seg: Segment, now: VirtualTime, _ fx: inout Effects) {
    let f = seg.flags
    let dataSeq = seg.seq + (f.contains(.syn) ? 1 : 0)
    var data = seg.payload[...]
    var fin = f.contains(.fin)
    // Trim to the receive window: drop what is before RCV.NXT or beyond RCV.NXT + RCV.WND.
    let windowEnd = rcvNxt + Int(rcvWnd)
    let dataEnd = dataSeq + data.count
    if dataEnd > windowEnd {
      let over = dataEnd - windowEnd
      data = data.dropLast(min(over, data.count))
      fin = false
    } else if fin && dataEnd == windowEnd && rcvWnd == 0 && dataSeq != rcvNxt {
      fin = false
    }
    var start = dataSeq
    if start < rcvNxt {
      let skip = min(rcvNxt - start, data.count)
      data = data.dropFirst(skip)
      start = start + skip
    }

    if !data.isEmpty {
      switch state {
      case .established, .finWait1, .finWait2:
        if appClosed {
          // Data for an application that has closed: Linux resets (tcp_rcv_state_process,
          // LINUX_MIB_TCPABORTONDATA), as RFC 9293 §3.6.1 and RFC 2525 §2.17 describe.
          fx.note(.dataAfterClose)
          emit(
            Segment(
              source: localAddress, destination: remoteAddress, sourcePort: localPort,
              destinationPort: remotePort, seq: seg.ack, flags: .rst), &fx)
          setState(.closed, &fx)
          return
        }
        if start == rcvNxt {
          deliver(data)
          let filled = ooo.takeContiguous(at: rcvNxt)
          if !filled.isEmpty {
            fx.note(.holeFilled)
            for piece in filled { deliver(piece) }
            ackNow = true
          } else if !ooo.isEmpty {
            ackNow = true
          }
          ackForData(length: data.count, pushed: f.contains(.psh), now: now)
        } else {
          fx.note(.outOfOrder)
          ooo.insert(seq: start, data: data, rcvNxt: rcvNxt)
          if fin { ooo.finSeq = start + data.count }
          ackNow = true  // an immediate duplicate ACK (RFC 5681 §4.2)
          return
        }
      default:
        break  // the peer already sent FIN: ignore text (§3.10.7.4 seventh)
      }
    } else if seg.payload.count > 0 && !fin {
      // Everything was a duplicate (or beyond the window).
      fx.note(.duplicateData)
      enterQuickAckMode()
      ackNow = true
    }

    // The FIN, when everything before it has arrived.
    var finNow = false
    if fin {
      let finPos = dataSeq + seg.payload.count
      if finPos == rcvNxt {
        finNow = true
      } else if finPos > rcvNxt {
        fx.note(.outOfOrder)
        ooo.finSeq = finPos
        ackNow = true
      }
    } else if let fs = ooo.finSeq, fs == rcvNxt {
      finNow = true
    }
    if finNow && !finReceived { receiveFin(now: now, &fx) }
  }

  private mutating func deliver(_ bytes: ArraySlice<UInt8>) {
    guard !bytes.isEmpty else { return }
    rcvNxt += bytes.count
    rcvUnread += bytes.count
    bytesReceived += bytes.count
    if config.autoRead && !appClosed {
      rcvUnread -= bytes.count
      bytesRead += bytes.count
      readDigest.add(bytes)
    } else {
      pendingRead.append(contentsOf: bytes)
    }
  }

  private mutating func receiveFin(now: VirtualTime, _ fx: inout Effects) {
    finReceived = true
    ooo.finSeq = nil
    rcvNxt += 1
    // The FIN that makes us the passive closer: Linux (`tcp_fin`) turns interactive mode on,
    // so its ACK waits up to the ACK timeout (40 ms once data has arrived) for the
    // application's own FIN to carry it (the three-segment close); with no data received yet
    // it leaves at once. In FIN-WAIT-1 and FIN-WAIT-2 it is ACKed at once.
    let passiveClose = state == .established || state == .synReceived
    switch config.delayedAck {
    case .linux where passiveClose:
      pingpong = true
      ackScheduled = true
    case .fixed(let delay) where passiveClose:
      if delAckDeadline == nil { delAckDeadline = now + delay }
    default:
      ackNow = true
    }
    if config.autoRead && !appClosed && rcvUnread == 0 {
      eofSeen = true
      tell(.recv, .ok, bytes: 0, &fx)
    }
    switch state {
    case .synReceived, .established:
      setState(.closeWait, &fx)
    case .finWait1:
      if let fs = finSeq, sndUna > fs {
        enterTimeWait(now: now, &fx)
      } else {
        setState(.closing, &fx)
      }
    case .finWait2:
      enterTimeWait(now: now, &fx)
    case .timeWait:
      timeWaitDeadline = now + config.timeWaitDuration
    default:
      break
    }
  }

  mutating func enterTimeWait(now: VirtualTime, _ fx: inout Effects) {
    setState(.timeWait, &fx)
    rtxDeadline = nil
    persistDeadline = nil
    finWait2Deadline = nil
    timeWaitDeadline = now + config.timeWaitDuration
  }
}
