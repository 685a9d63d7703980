/// A listening socket (LISTEN, RFC 9293 §3.10.7.2) with Linux's two queues: half-open
/// connections in the SYN queue, completed ones in the accept queue, each bounded by the backlog.
struct Listener: Sendable {
  let index: Int32
  let socketID: Int32
  let host: Int32
  let port: UInt16
  var backlog: Int
  var cookies: SynCookieMode
  var open = true
  /// Connections in SYN-RECEIVED, oldest first.
  var synQueue: [Int32] = []
  /// Connections in ESTABLISHED the application has not accepted yet.
  var acceptQueue: [Int32] = []
  /// When the SYN queue last overflowed: Linux checks cookies in ACKs only for a while after.
  var lastOverflow: VirtualTime? = nil
  var synDrops = 0
  var acceptDrops = 0

  /// Linux's `sk_acceptq_is_full` is `>`: the accept queue holds backlog + 1 connections (a
  /// capture of `listen(1)` holds two).
  var acceptQueueFull: Bool { acceptQueue.count > backlog }
  var cookiesSent = 0
  var cookiesAccepted = 0

  var snapshot: ListenerSnapshot {
    ListenerSnapshot(
      socket: socketID, port: port, open: open, backlog: backlog, synQueue: synQueue.count,
      acceptQueue: acceptQueue.count, synDrops: synDrops, acceptDrops: acceptDrops,
      cookiesSent: cookiesSent, cookiesAccepted: cookiesAccepted, cookies: cookies)
  }

  /// Whether an ACK should be checked for a cookie: always in mode `always`, otherwise only if
  /// the queue overflowed in the last two minutes (Linux's `tcp_synq_no_recent_overflow`).
  func checksCookies(now: VirtualTime) -> Bool {
    switch cookies {
    case .off: false
    case .always: true
    case .onOverflow: lastOverflow.map { now - $0 <= .seconds(120) } ?? false
    }
  }
}

extension Connection {
  /// `snapshot`, reached through `inout` so that `conns[c].takeSnapshot()` lends the connection
  /// in place: reading `snapshot` off an element of the array copied the whole connection
  /// first (perf: a twentieth of a bulk transfer's time).
  /// (The body is here, not in the getter: a getter called on the element still got a copy.)
  mutating func takeSnapshot() -> ConnectionSnapshot {
    ConnectionSnapshot(
      socket: socketID, state: state, passive: passive, fromCookie: fromCookie,
      localPort: localPort, remoteAddress: remoteAddress, remotePort: remotePort,
      iss: iss, irs: irsValid ? irs : nil, sndUna: sndUna, sndNxt: sndNxt, sndWnd: sndWnd,
      sndWl1: sndWl1, sndWl2: sndWl2, rcvNxt: rcvNxt, rcvWnd: rcvWnd, peerMSS: peerMSS,
      sndMSS: sndMSS, windowScaleOK: wsOK, sndWScale: sndWScale, rcvWScale: rcvWScale,
      sackOK: sackOK, timestampsOK: tsOK, rto: rto, srtt: srtt.map { VirtualDuration(micros: $0) },
      timers: TimerSnapshot(
        // Linux has one retransmit timer: while the tail-loss probe holds it, the RTO is not
        // running (it is armed afresh when the probe goes), so the panel shows the probe alone.
        retransmission: lossProbeDeadline == nil ? rtxDeadline : nil, persist: persistDeadline,
        delayedAck: delAckDeadline,
        timeWait: timeWaitDeadline, finWait2: finWait2Deadline, reorder: reorderDeadline,
        lossProbe: lossProbeDeadline),
      unsentBytes: unsentBytes, bytesInFlight: max(0, sndNxt - sndUna), unreadBytes: rcvUnread,
      outOfOrderBytes: ooo.byteCount, sackedSegments: rtxQueue.sackedCount,
      bytesWritten: bytesWritten, bytesAcked: bytesAcked, bytesReceived: bytesReceived,
      bytesRead: bytesRead, retransmissions: retransmissions, lossSignal: lastLossSignal,
      profile: config.profile, announcedMSS: config.mss, wasEstablished: wasEstablished,
      finSent: finSeq != nil,
      finReceived: finReceived, error: pendingError, writeDigest: writeDigest,
      readDigest: readDigest)
  }

  var snapshot: ConnectionSnapshot {
    var c = self
    return c.takeSnapshot()
  }
}
