/// Finding losses before the retransmission timer: RACK-TLP (RFC 8985), Linux's default since
/// 4.18 (`tcp_recovery.c`, `tcp_schedule_loss_probe` and `tcp_send_loss_probe` in
/// `tcp_output.c`), used when both sides took SACK; otherwise, and with `loss_recovery:
/// dupacks`, RFC 5681's third duplicate ACK. There is no congestion window: what is found lost
/// is sent again at once.
extension Connection {
  /// RACK and the tail-loss probe need SACK, as in Linux (`tcp_is_sack`).
  var usesRack: Bool { config.lossRecovery == .rack && sackOK }

  static let timeoutMin = VirtualDuration.millis(2)  // TCP_TIMEOUT_MIN: two jiffies at HZ=1000

  /// Remembers a copy that has just left, in the order sent.
  mutating func rackSentCopy(end: SeqNum, at now: VirtualTime) {
    guard config.lossRecovery == .rack else { return }
    if rtxQueue.count <= 1 && rackSentHead > 0 {
      rackSent.removeAll(keepingCapacity: true)
      rackSentHead = 0
    }
    rackSent.append(RackCandidate(end: end, sentAt: now))
  }

  /// A segment was just delivered (cumulatively ACKed or SACKed): it becomes RACK's reference
  /// if it was sent later than the current one (`tcp_rack_advance`).
  mutating func rackAdvance(_ e: SentSegment, now: VirtualTime) {
    let rtt = (now - e.sentAt).micros
    if e.transmissions > 1 {
      // The ACK may be for the original: a sample shorter than any RTT seen says so.
      if let m = minRTT, rtt < m { return }
    } else {
      minRTT = min(minRTT ?? rtt, rtt)
    }
    rackRTT = rtt
    if let ref = rackXmitAt,
      !(e.sentAt > ref || (e.sentAt == ref && rackEndSeq < e.end))
    {
      return
    }
    rackXmitAt = e.sentAt
    rackEndSeq = e.end
    rackAdvanced = true
  }

  /// RACK's loss rule (RFC 8985 §6.2, `tcp_rack_detect_loss`): a segment sent before the
  /// reference and still missing is lost once the reference's RTT plus the reordering window
  /// has passed since it was sent; for those not yet due, the reordering timer is armed.
  /// Returns whether anything was newly marked lost.
  mutating func rackDetectLoss(now: VirtualTime) -> Bool {
    guard let ref = rackXmitAt else { return false }
    // The reordering window: a quarter of the minimum RTT (at most SRTT), none once in
    // recovery or once three segments are SACKed (as the duplicate-ACK threshold would).
    let reoWnd: Int64 =
      recoveryPoint != nil || rtxQueue.sackedCount >= 3
      ? 0 : min((minRTT ?? 0) / 4, srtt ?? Int64.max)
    var marked = false
    var wait: Int64 = 0
    var i = rackSentHead
    var kept = i  // candidates still waiting are moved up to just before `i`
    var waiting: [RackCandidate] = []
    while i < rackSent.count {
      let r = rackSent[i]
      guard let k = rtxQueue.index(ofEnd: r.end), rtxQueue[k].sentAt == r.sentAt,
        !rtxQueue[k].sacked, !rtxQueue[k].lost
      else {
        i += 1  // SACKed, ACKed or sent again since: no longer this copy's to judge
        continue
      }
      let e = rtxQueue[k]
      // In the order sent: the first one sent after the reference ends the scan.
      guard ref > e.sentAt || (ref == e.sentAt && e.end < rackEndSeq) else { break }
      i += 1
      let remaining = rackRTT + reoWnd - (now - e.sentAt).micros
      if remaining <= 0 {
        rtxQueue[k].lost = true
        marked = true
      } else {
        wait = max(wait, remaining)
        waiting.append(r)
      }
    }
    kept = i - waiting.count
    for (j, r) in waiting.enumerated() { rackSent[kept + j] = r }
    rackSentHead = kept
    if rackSentHead > 1024 && rackSentHead * 2 > rackSent.count {
      rackSent.removeFirst(rackSentHead)
      rackSentHead = 0
    }
    reorderDeadline = wait > 0 ? now + VirtualDuration(micros: wait) + Connection.timeoutMin : nil
    return marked
  }

  /// Runs RACK after an ACK or the reordering timer and resends what it found lost, starting
  /// recovery if it has not begun.
  mutating func rackRecover(now: VirtualTime, _ fx: inout Effects, timer: Bool = false) {
    // Only a newly delivered segment (or the reordering timer) can make something lost.
    guard rackAdvanced || timer else { return }
    rackAdvanced = false
    guard rackDetectLoss(now: now) else { return }
    if recoveryPoint == nil {
      fx.note(.rackLoss)
      recoveryPoint = sndNxt
      recoveryByTimeout = false
      for i in rtxQueue.indices { rtxQueue[i].recoveryRetransmitted = false }
      lossProbeDeadline = nil
    }
    lastLossSignal = .rack
    for i in rtxQueue.indices where rtxQueue[i].lost {
      rtxQueue[i].lost = false
      rtxQueue[i].recoveryRetransmitted = true
      retransmit(i, now: now, &fx)
    }
  }

  /// Arms the tail-loss probe (`tcp_schedule_loss_probe`): two SRTTs, plus the 200 ms a lone
  /// segment's delayed ACK may take (2 ms when more are out), 1 s without an RTT sample; never
  /// later than the RTO. Only in the open state: not during recovery.
  mutating func scheduleLossProbe(now: VirtualTime, advancingRTO: Bool) {
    guard usesRack, !rtxQueue.isEmpty, recoveryPoint == nil, state.isSynchronized,
      state != .synReceived, state != .timeWait
    else {
      lossProbeDeadline = nil
      return
    }
    var timeout: VirtualDuration
    if let s = srtt {
      timeout = VirtualDuration(micros: 2 * s) + (rtxQueue.count == 1 ? config.minRTO : .millis(2))
    } else {
      timeout = config.initialRTO
    }
    let untilRTO = advancingRTO ? rto : (rtxDeadline.map { $0 - now } ?? rto)
    if untilRTO > .zero { timeout = min(timeout, untilRTO) }
    lossProbeDeadline = now + timeout
  }

  /// The probe (`tcp_send_loss_probe`): new data if the window lets it go, else the newest
  /// segment again, so that the ACK it draws shows by SACK what is missing. One probe until it
  /// is acknowledged; the RTO then starts afresh.
  mutating func sendLossProbe(now: VirtualTime, _ fx: inout Effects) {
    guard !rtxQueue.isEmpty else { return }
    if tlpHighSeq == nil {
      let before = sndNxt
      output(now: now, &fx, probing: true)
      if sndNxt == before { retransmit(rtxQueue.endIndex - 1, now: now, &fx) }
      tlpHighSeq = sndNxt
      lastLossSignal = .tailLossProbe
    }
    rtxDeadline = now + rto
  }
}
