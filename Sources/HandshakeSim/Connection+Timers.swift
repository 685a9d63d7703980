/// Timeouts (RFC 9293 §3.10.8): retransmission, zero-window probe, delayed ACK, TIME-WAIT, and
/// Linux's orphaned FIN-WAIT-2 timeout.
extension Connection {
  /// Fires every timer whose deadline has come, in a fixed order.
  mutating func fireTimers(now: VirtualTime, _ fx: inout Effects) {
    if let d = timeWaitDeadline, d <= now {
      timeWaitDeadline = nil
      fx.append(.timer(socket: socketID, .timeWait))
      setState(.closed, &fx)
      return
    }
    if let d = finWait2Deadline, d <= now {
      finWait2Deadline = nil
      fx.append(.timer(socket: socketID, .finWait2))
      setState(.closed, &fx)
      return
    }
    if let d = reorderDeadline, d <= now {
      reorderDeadline = nil
      fx.append(.timer(socket: socketID, .reorder))
      rackRecover(now: now, &fx, timer: true)
    }
    if let d = lossProbeDeadline, d <= now {
      lossProbeDeadline = nil
      fx.append(.timer(socket: socketID, .lossProbe))
      sendLossProbe(now: now, &fx)
    }
    if let d = rtxDeadline, d <= now {
      rtxDeadline = nil
      fx.append(.timer(socket: socketID, .retransmission))
      retransmissionTimeout(now: now, &fx)
      if state == .closed { return }
    }
    if let d = persistDeadline, d <= now {
      persistDeadline = nil
      fx.append(.timer(socket: socketID, .persist))
      // Linux's zero-window probe: an old sequence number (SND.UNA - 1) with no data, which the
      // peer must answer with an ACK carrying its current window.
      emit(makeSegment(seq: sndUna - 1, flags: .ack, now: now), &fx)
      persistBackoff += 1
      if unsentBytes > 0 && sndWnd == 0 { persistDeadline = now + persistInterval }
    }
    if let d = delAckDeadline, d <= now {
      delAckDeadline = nil
      fx.append(.timer(socket: socketID, .delayedAck))
      delayedAckMissed()
      sendAck(now: now, &fx)
    }
  }

  /// How long Linux lets an active open retry (`tcp_model_timeout`): the time `retries`
  /// doublings of the initial RTO take, 1 + 2 + ... + 64 = 127 s for 6 retries, whatever the
  /// schedule actually was (linear timeouts fit more tries into it).
  static func synBudget(retries: Int, initialRTO: VirtualDuration, maxRTO: VirtualDuration)
    -> VirtualDuration
  {
    let base = max(1, initialRTO.micros)
    var threshold = 0
    while threshold < 62 && base << (threshold + 1) <= maxRTO.micros { threshold += 1 }
    if retries <= threshold { return VirtualDuration(micros: ((2 << retries) - 1) * base) }
    return VirtualDuration(
      micros: ((2 << threshold) - 1) * base + Int64(retries - threshold) * maxRTO.micros)
  }

  /// RFC 6298 (5.4)–(5.6): retransmit the earliest unacknowledged segment, double the RTO,
  /// restart the timer; give up as Linux does: an active open when its time budget is spent
  /// (`tcp_syn_retries` read as time, as `retransmits_timed_out` does), a half-open or open
  /// connection after a number of tries.
  private mutating func retransmissionTimeout(now: VirtualTime, _ fx: inout Effects) {
    guard !rtxQueue.isEmpty else { return }
    backoff += 1
    let givingUp: Bool
    switch state {
    case .synSent:
      let budget =
        config.synGiveUp
        ?? Connection.synBudget(
          retries: config.synRetries, initialRTO: config.initialRTO, maxRTO: config.maxRTO)
      givingUp = now - (firstSynAt ?? now) >= budget
    case .synReceived where passive: givingUp = backoff > config.synAckRetries
    default: givingUp = backoff > config.dataRetries
    }
    if givingUp {
      switch state {
      case .synSent:
        connectPending = false
        pendingError = .timedOut
        errorReported = true
        tell(.connect, .timedOut, &fx)
      case .synReceived where passive:
        break  // the half-open connection is dropped without a word (Linux)
      default:
        pendingError = .timedOut
        if !appClosed && config.autoRead {
          errorReported = true
          tell(.recv, .timedOut, &fx)
        }
      }
      setState(.closed, &fx)
      return
    }
    if state == .synSent || state == .synReceived { synRetransmitted = true }
    timedSeq = nil
    dupAcks = 0
    lossProbeDeadline = nil
    reorderDeadline = nil
    tlpHighSeq = nil
    if state.isSynchronized && !(state == .synReceived) {
      // Loss recovery from the first hole; partial ACKs will pull the rest (RFC 6582).
      recoveryPoint = sndNxt
      recoveryByTimeout = true
      lastLossSignal = .timeout
      for i in rtxQueue.indices {
        rtxQueue[i].recoveryRetransmitted = false
        rtxQueue[i].lost = false
      }
    }
    holeCursor = rtxQueue.startIndex
    let i = rtxQueue.firstIndex(where: { !$0.sacked }) ?? rtxQueue.startIndex
    rtxQueue[i].recoveryRetransmitted = true
    retransmit(i, now: now, &fx)
    rtxDeadline = now + rto
    // RFC 9293's R2 for a SYN (MUST-23): the last try ends when the give-up time comes.
    if state == .synSent, let g = config.synGiveUp, let first = firstSynAt,
      let d = rtxDeadline, first + g < d
    {
      rtxDeadline = first + g
    }
  }
}
