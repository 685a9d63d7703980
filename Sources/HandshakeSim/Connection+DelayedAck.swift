/// When the receiver acknowledges (RFC 9293 §3.8.6.3 leaves the policy open). The `linux`
/// policy follows the kernel's delayed-ACK engine (`tcp_event_data_recv`,
/// `__tcp_ack_snd_check`, `tcp_send_delayed_ack`, `tcp_cleanup_rbuf`, `tcp_delack_timer_handler`
/// in net/ipv4), checked against the project's own captures of a 6.18 kernel
/// (Tests/HandshakeSimTests/Fixtures/linux).
extension Connection {
  static let atoMin = VirtualDuration.millis(40)  // TCP_ATO_MIN = TCP_DELACK_MIN = HZ/25
  static let delackMax = VirtualDuration.millis(200)  // TCP_DELACK_MAX = HZ/5
  static let maxQuickAcks = 16  // TCP_MAX_QUICKACKS

  /// In-order data of `length` bytes was queued (the segment had PSH if `pushed`).
  mutating func ackForData(length: Int, pushed: Bool, now: VirtualTime) {
    switch config.delayedAck {
    case .off:
      ackNow = true
    case .fixed(let delay):
      // RFC 9293 §3.8.6.3: at most `delay` for a lone segment, every second one ACKed at once.
      unackedSegments += 1
      if unackedSegments >= 2 {
        ackNow = true
      } else if delAckDeadline == nil {
        delAckDeadline = now + delay
      }
    case .linux:
      ackScheduled = true
      measureReceivedMSS(length: length, pushed: pushed)
      if ato == .zero {
        // The first data: quick-ACK mode, every segment ACKed at once for a while.
        increaseQuickAcks()
        ato = Connection.atoMin
      } else {
        let gap = now - lastReceivedAt
        if gap <= Connection.atoMin / 2 {
          ato = ato / 2 + Connection.atoMin / 2
        } else if gap < ato {
          ato = min(ato / 2 + gap, rto)
        } else if gap > rto {
          // A long pause: the sender may have restarted its window, so ACK quickly again.
          increaseQuickAcks()
        }
      }
      lastReceivedAt = now
    }
  }

  /// Linux's `tcp_measure_rcv_mss`: the receiver's guess at the peer's segment size, and
  /// whether a small ("pushed") segment is waiting to be ACKed.
  private mutating func measureReceivedMSS(length: Int, pushed: Bool) {
    let lastSize = lastSegmentSize
    lastSegmentSize = 0
    if length >= rcvMSSEstimate {
      rcvMSSEstimate = min(length, Int(config.mss))
      return
    }
    // 20 bytes of header, as the kernel counts; a segment without PSH that is not tiny
    // is taken for a full one of a smaller MSS once two in a row have the same size.
    let withHeader = length + 20
    if withHeader >= 536 + 20 || (withHeader >= 88 + 20 && !pushed) {
      lastSegmentSize = length
      if length == lastSize {
        rcvMSSEstimate = length
        return
      }
    }
    if ackPushed { ackPushed2 = true }
    ackPushed = true
  }

  /// `tcp_incr_quickack`: up to 16 quick ACKs, fewer if the window holds fewer segments.
  private mutating func increaseQuickAcks() {
    var q = Int(rcvWnd) / (2 * max(1, rcvMSSEstimate))
    if q == 0 { q = 2 }
    quickAcks = max(quickAcks, min(q, Connection.maxQuickAcks))
  }

  /// `tcp_enter_quickack_mode`: after a duplicate or out-of-window segment, ACK quickly and
  /// leave interactive mode.
  mutating func enterQuickAckMode() {
    guard config.delayedAck == .linux else { return }
    increaseQuickAcks()
    pingpong = false
    ato = Connection.atoMin
  }

  /// Decides, once a segment has been processed and anything to send has gone, whether the
  /// ACK it calls for leaves now or waits (`__tcp_ack_snd_check`, then `tcp_cleanup_rbuf` as
  /// the application reads).
  mutating func linuxAckCheck(now: VirtualTime) {
    guard config.delayedAck == .linux, ackScheduled, !ackNow else { return }
    if rcvNxt - rcvWup > rcvMSSEstimate  // more than one full segment unacknowledged
      || (quickAcks > 0 && !pingpong) || !ooo.isEmpty || ato == .zero
    {
      // (With ato still zero, no data has arrived: the kernel arms the timer for the next
      // tick, well under a millisecond; the engine sends at once.)
      ackNow = true
      return
    }
    // The application reads what arrived at once: an emptied buffer after a small pushed
    // segment is ACKed there and then, unless the connection is interactive.
    if config.autoRead && !appClosed && (ackPushed2 || (ackPushed && !pingpong)) {
      ackNow = true
      return
    }
    var delay = ato
    if delay > Connection.atoMin {
      var most = VirtualDuration.millis(500)
      if pingpong || ackPushed { most = Connection.delackMax }
      if let s = srtt {
        let r = max(VirtualDuration(micros: s), Connection.atoMin)
        if r < most { most = r }
      }
      delay = min(delay, most)
    }
    delay = min(delay, Connection.delackMax)
    var deadline = now + delay
    if let d = delAckDeadline {
      // A timer about to fire anyway: ACK now.
      if d <= now + delay / 4 {
        ackNow = true
        return
      }
      if !(deadline < d) { deadline = d }
    }
    delAckDeadline = deadline
  }

  /// The delayed-ACK timer fired with an ACK owed: Linux inflates the timeout (the sender is
  /// slower than it thought) or, in interactive mode, leaves that mode.
  mutating func delayedAckMissed() {
    guard config.delayedAck == .linux else { return }
    if pingpong {
      pingpong = false
      ato = Connection.atoMin
    } else {
      ato = min(ato * 2, rto)
    }
  }

  /// An ACK left (on its own or on data): quick-ACK mode counts it, and nothing is owed.
  mutating func ackSent() {
    if ackScheduled && quickAcks > 0 {
      quickAcks -= 1
      if quickAcks == 0 { ato = Connection.atoMin }
    }
    ackScheduled = false
    ackPushed = false
    ackPushed2 = false
    rcvWup = rcvNxt
  }

  /// New data left: a reply within the ACK timeout of what arrived makes the connection
  /// interactive (`tcp_event_data_sent`; `tcp_pingpong_thresh` is 1), so later ACKs wait for
  /// the answer to carry them.
  mutating func dataSent(now: VirtualTime) {
    guard config.delayedAck == .linux, ato > .zero else { return }
    if now - lastReceivedAt < ato { pingpong = true }
  }
}
