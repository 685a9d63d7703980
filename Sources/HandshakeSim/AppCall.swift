/// A socket call an application makes, as the trace names it.
public enum AppCall: String, Hashable, Sendable, CaseIterable {
  case listen, connect, accept, send, recv, close, shutdown, abort
  /// An administrator changes a setting (`sysctl net.ipv4.tcp_syncookies=...`).
  case sysctl
}

/// What a socket call returned: "ok" or the errno a Linux socket would give.
public enum AppResult: String, Hashable, Sendable, CaseIterable {
  case ok
  /// connect() has sent its SYN and waits (a non-blocking connect's EINPROGRESS).
  case inProgress = "EINPROGRESS"
  /// RST in answer to the SYN: no one listens there.
  case refused = "ECONNREFUSED"
  /// RST on an open connection.
  case reset = "ECONNRESET"
  /// Retransmissions exhausted.
  case timedOut = "ETIMEDOUT"
  /// No connection to act on.
  case notConnected = "ENOTCONN"
  /// Writing after the write side was shut down or the peer reset.
  case brokenPipe = "EPIPE"
  /// connect() on a connected socket.
  case isConnected = "EISCONN"
  /// The local address and port are in use (for instance, a connection is in TIME-WAIT).
  case addressInUse = "EADDRINUSE"
  /// An argument makes no sense here.
  case invalid = "EINVAL"
  /// The socket was already closed.
  case badDescriptor = "EBADF"
  /// Nothing to read yet on an open connection (a non-blocking recv; a blocking one waits).
  case wouldBlock = "EAGAIN"

  public var isError: Bool { self != .ok && self != .inProgress && self != .wouldBlock }
}

/// The timers a connection runs.
public enum TimerKind: String, Hashable, Sendable, CaseIterable {
  /// Retransmission (RFC 6298), for SYN, SYN-ACK, data and FIN.
  case retransmission
  /// Zero-window probe (RFC 9293 §3.8.6.1).
  case persist
  /// Delayed acknowledgement (RFC 9293 §3.8.6.3).
  case delayedAck = "delayed-ack"
  /// 2*MSL in TIME-WAIT (RFC 9293 §3.10.8).
  case timeWait = "time-wait"
  /// Linux's orphaned FIN-WAIT-2 timeout (`tcp_fin_timeout`).
  case finWait2 = "fin-wait-2"
  /// RACK's reordering window ran out: what was sent before the last delivered segment and
  /// is still missing is lost (RFC 8985 §6.2).
  case reorder
  /// The tail-loss probe (RFC 8985 §7): no ACK for about two round trips, so the newest
  /// segment (or a new one) is sent to draw out a SACK before the RTO.
  case lossProbe = "loss-probe"
}

/// The rule by which a sender last found a segment lost, for the panel.
public enum LossSignal: String, Hashable, Sendable, CaseIterable {
  /// RACK (RFC 8985): a segment sent later was delivered and the reordering window passed.
  case rack
  /// A tail-loss probe was sent (RFC 8985 §7).
  case tailLossProbe = "tlp"
  /// The third duplicate ACK (RFC 5681 §3.2).
  case duplicateAcks = "dupacks"
  /// The retransmission timer (RFC 6298 (5.4)).
  case timeout = "rto"
}

/// Why an arriving segment was handled the way it was, when that is not simply "accepted".
/// Carried on the trace's `arrive` line as `note` so narration and tests can name the rule.
public enum ArrivalNote: String, Hashable, Sendable, CaseIterable {
  /// No connection and no listener: answered with a reset (RFC 9293 §3.10.7.1).
  case noListenerReset = "no-listener-reset"
  /// An ACK-bearing segment reached a listener: answered with a reset (§3.10.7.2).
  case ackToListenerReset = "ack-to-listener-reset"
  /// SYN dropped: the SYN queue is full and SYN cookies are off.
  case synQueueFull = "syn-queue-full"
  /// SYN dropped: the accept queue is full.
  case acceptQueueFull = "accept-queue-full"
  /// Answered with a SYN cookie instead of queueing.
  case cookieSent = "cookie-sent"
  /// The ACK carried a valid cookie: connection rebuilt with no stored state.
  case cookieAccepted = "cookie-accepted"
  /// Outside the receive window: dropped, and an ACK sent (§3.10.7.4 first).
  case notAcceptable = "not-acceptable"
  /// RST or SYN in the window but not exact: challenge ACK (RFC 5961 §3, §4).
  case challengeAck = "challenge-ack"
  /// RST ignored (not acceptable for this state).
  case rstIgnored = "rst-ignored"
  /// RST accepted: the connection is reset.
  case rstAccepted = "rst-accepted"
  /// An unacceptable ACK in SYN-SENT or SYN-RECEIVED: answered with a reset.
  case badAckReset = "bad-ack-reset"
  /// The ACK acknowledges something not yet sent: dropped, ACK sent.
  case ackOfUnsent = "ack-of-unsent"
  /// The ACK is older than the window allows (RFC 5961 §5): dropped, ACK sent.
  case oldAck = "old-ack"
  /// No ACK bit in a synchronized state: dropped.
  case noAckDropped = "no-ack-dropped"
  /// Data beyond RCV.NXT: held for reassembly, duplicate ACK (with SACK) sent.
  case outOfOrder = "out-of-order"
  /// Data already received: dropped, ACK sent.
  case duplicateData = "duplicate-data"
  /// Third duplicate ACK: fast retransmit (RFC 5681 §3.2).
  case fastRetransmit = "fast-retransmit"
  /// A SACK shows a segment sent later delivered and the reordering window has passed: the
  /// missing one is resent at once (RACK, RFC 8985 §6.2; Linux's default).
  case rackLoss = "rack-loss"
  /// A duplicate ACK (RFC 5681 §2), counted toward fast retransmit.
  case duplicateAck = "duplicate-ack"
  /// A retransmitted SYN in SYN-RECEIVED: SYN-ACK sent again (Linux).
  case duplicateSyn = "duplicate-syn"
  /// A retransmitted FIN in TIME-WAIT: ACKed again, 2*MSL restarted (§3.10.7.4).
  case timeWaitRestart = "time-wait-restart"
  /// Data arrived after the application closed: reset (RFC 9293 §3.10.7.4, Linux).
  case dataAfterClose = "data-after-close"
  /// Delivered to a host with no TCP of its own (a scripted peer, an attacker).
  case noTCP = "no-tcp"
  /// The segment fills a hole; the reassembly queue delivered what followed it.
  case holeFilled = "hole-filled"
}

/// Why the link did not deliver a segment.
public enum DropReason: String, Hashable, Sendable {
  /// A lesson's fault rule dropped it.
  case fault
  /// Random loss.
  case loss
  /// No host has the destination address (spoofed sources during a SYN flood).
  case noHost = "no-host"
  /// It arrived damaged: the receiver's checksum check failed and it was discarded (to TCP, a
  /// loss that happens at the receiver).
  case corrupt
  /// A capture saw it leave, and later segments prove it never arrived (its sender's peer sent
  /// again what it acknowledged): lost after the capture point.
  case afterCapture = "after-capture"
  /// A capture saw it leave and nothing ever answered it (its sender sent it again, or gave
  /// up): dropped after the capture point, or by the peer.
  case noReply = "no-reply"
}
