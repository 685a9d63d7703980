/// What a listener does when its SYN queue is full (Linux `net.ipv4.tcp_syncookies`).
public enum SynCookieMode: String, Hashable, Sendable, CaseIterable {
  /// Never: new SYNs are dropped while the queue is full (`tcp_syncookies=0`).
  case off
  /// Only when the SYN queue overflows, the Linux default (`tcp_syncookies=1`).
  case onOverflow = "on"
  /// For every SYN (`tcp_syncookies=2`).
  case always
}

/// How `abort()` (close with SO_LINGER 0) resets a connection.
public enum ResetStyle: String, Hashable, Sendable {
  /// RFC 9293 §3.10.5: `<SEQ=SND.NXT><CTL=RST>`.
  case rfc
  /// Linux: RST with ACK, `ack = RCV.NXT`.
  case linux
}

/// When the receiver ACKs data (RFC 9293 §3.8.6.3 leaves room; Linux fills it its own way).
public enum DelayedAckPolicy: Hashable, Sendable {
  /// Linux: quick-ACK mode at the start (the first 16 segments ACKed at once), then ACKs
  /// delayed up to 40 ms (`TCP_DELACK_MIN`) unless more than one full segment waits; the ACK of
  /// a FIN that takes the connection to CLOSE-WAIT delayed (interactive "pingpong" mode), as is
  /// every ACK once the application answers within 40 ms of what it received.
  case linux
  /// Every segment ACKed at once.
  case off
  /// A fixed delay for a lone segment, every second full segment ACKed at once.
  case fixed(VirtualDuration)
}

/// How a sender finds a lost segment before its retransmission timer would.
public enum LossRecovery: String, Hashable, Sendable {
  /// RFC 8985 RACK-TLP, Linux's default: a segment is lost once one sent after it was
  /// delivered and a reordering window has passed; a tail loss is found by a probe.
  case rack
  /// RFC 5681: the third duplicate ACK.
  case duplicateAcks = "dupacks"
}

/// A whole set of defaults: today's Linux, or RFC 9293 read as written.
public enum TCPProfile: String, Hashable, Sendable, CaseIterable {
  case linux
  case rfc9293
}

/// How the retransmission timeout follows the round-trip time.
public enum RTOModel: String, Hashable, Sendable {
  /// Linux's `tcp_rtt_estimator`: SRTT + max(4·RTTVAR, 200 ms).
  case linux
  /// RFC 6298 (2.2)–(2.4): SRTT + 4·RTTVAR, raised to at least `minRTO` (1 s).
  case rfc6298
}

/// The settings of one host's TCP. Defaults follow Linux where it picks a value the RFCs leave
/// open; each field names where the value comes from.
public struct TCPConfig: Hashable, Sendable {
  /// The MSS this host announces (its MTU minus 40) and the most it sends (RFC 9293 §3.7.1).
  public var mss: UInt16 = 1460
  /// Receive buffer in bytes; RCV.WND is what of it is free.
  public var receiveBuffer: Int = 65535
  /// The window-scale shift to offer in SYNs (RFC 7323 §2); nil offers none.
  public var windowScale: UInt8? = nil
  /// Offer SACK-permitted (RFC 2018). On by default on Linux.
  public var sack: Bool = true
  /// Offer timestamps (RFC 7323). On by default on Linux; off here unless a lesson asks.
  public var timestamps: Bool = false
  /// Initial retransmission timeout (RFC 6298 (2.1)).
  public var initialRTO: VirtualDuration = .seconds(1)
  /// Lower bound on the RTO's variance term: Linux's 200 ms (`TCP_RTO_MIN`), so RTO ≥ SRTT +
  /// 200 ms. RFC 6298 (2.4) instead raises the whole RTO to at least 1 s.
  public var minRTO: VirtualDuration = .millis(200)
  /// Upper bound on the RTO: Linux's 120 s (`TCP_RTO_MAX`).
  public var maxRTO: VirtualDuration = .seconds(120)
  /// How long connect() retries before ETIMEDOUT, as Linux reads `tcp_syn_retries`: the time
  /// that many doublings of the initial RTO would take (6: 1 + 2 + ... + 64 = 127 s).
  public var synRetries: Int = 6
  /// SYN timeouts that keep the RTO as it is before it starts doubling
  /// (`tcp_syn_linear_timeouts`, Linux ≥ 6.5, default 4); 0 doubles from the first, as RFC 6298.
  public var synLinearTimeouts: Int = 4
  /// SYN-ACK retransmissions before a half-open connection is dropped (`tcp_synack_retries`).
  public var synAckRetries: Int = 5
  /// Data retransmissions before the connection fails (`tcp_retries2`).
  public var dataRetries: Int = 15
  /// Maximum segment lifetime; TIME-WAIT lasts 2*MSL. 30 s gives Linux's fixed 60 s
  /// (`TCP_TIMEWAIT_LEN`); RFC 9293 suggests 2 minutes.
  public var msl: VirtualDuration = .seconds(30)
  /// How long an orphaned FIN-WAIT-2 connection lingers (`tcp_fin_timeout`; RFC 9293 has none).
  public var finTimeout: VirtualDuration = .seconds(60)
  /// When data and FINs are acknowledged: as Linux does (the default), at once, or after a
  /// fixed delay.
  public var delayedAck: DelayedAckPolicy = .linux
  /// How losses are found before the RTO.
  public var lossRecovery: LossRecovery = .rack
  /// How the RTO follows the RTT.
  public var rtoModel: RTOModel = .linux
  /// The profile these defaults came from (shown on the panel).
  public var profile: TCPProfile = .linux
  /// An active open gives up once this much time has passed, instead of Linux's budget from
  /// `synRetries` (RFC 9293 MUST-23: at least 3 minutes).
  public var synGiveUp: VirtualDuration? = nil
  /// A simultaneous open's SYN-ACK is taken in SYN-RECEIVED as the ACK of our SYN (Linux); RFC
  /// 9293 read literally drops it for its sequence number and answers with an ACK.
  public var acceptSimultaneousSynAck: Bool = true
  /// Extra one-way delay on every segment this host sends, on top of the link's latency.
  public var sendDelay: VirtualDuration = .zero
  /// Listen backlog: the bound on the SYN queue and on the accept queue.
  public var backlog: Int = 128
  /// SYN cookie policy of listeners on this host.
  public var synCookies: SynCookieMode = .onOverflow
  /// How abort() resets.
  public var resetStyle: ResetStyle = .linux
  /// The server application accepts every connection as soon as it is ready.
  public var autoAccept: Bool = true
  /// The application reads everything as soon as it arrives.
  public var autoRead: Bool = true
  /// A fixed ISS for this host's first connection (lessons fix it for readability); nil uses
  /// the RFC 9293 §3.4.1 generator.
  public var isn: UInt32? = nil
  /// Retransmit the SYN-ACK when a retransmitted SYN reaches SYN-RECEIVED, as Linux does
  /// (RFC 9293 would only answer with an ACK).
  public var synAckOnDuplicateSyn: Bool = true

  public init() {}

  /// The defaults of a profile. `linux` is `TCPConfig()`; `rfc9293` is the RFC as written where
  /// Linux differs: an RTO of at least 1 s (RFC 6298), the SYN's RTO doubling from the first
  /// timeout and connect() trying for 3 minutes, MSL 2 minutes (TIME-WAIT 4), a lone segment's
  /// ACK delayed 200 ms, a reset on abort without ACK (`<SEQ=SND.NXT><CTL=RST>`), a retransmitted
  /// SYN in SYN-RECEIVED answered with an ACK, a simultaneous open's SYN-ACK dropped by the
  /// window test, and the third duplicate ACK as the loss signal.
  public init(profile: TCPProfile) {
    self.init()
    apply(profile)
  }

  /// Sets every default on which the profiles differ to `profile`'s, leaving the rest (MSS,
  /// windows, options, backlog, ISN, the application's habits) as they are.
  public mutating func apply(_ profile: TCPProfile) {
    let d = TCPConfig()
    self.profile = profile
    rtoModel = d.rtoModel
    minRTO = d.minRTO
    synLinearTimeouts = d.synLinearTimeouts
    synGiveUp = d.synGiveUp
    msl = d.msl
    delayedAck = d.delayedAck
    resetStyle = d.resetStyle
    synAckOnDuplicateSyn = d.synAckOnDuplicateSyn
    acceptSimultaneousSynAck = d.acceptSimultaneousSynAck
    lossRecovery = d.lossRecovery
    guard profile == .rfc9293 else { return }
    rtoModel = .rfc6298
    minRTO = .seconds(1)
    synLinearTimeouts = 0
    synGiveUp = .seconds(180)
    msl = .seconds(120)
    delayedAck = .fixed(.millis(200))
    resetStyle = .rfc
    synAckOnDuplicateSyn = false
    acceptSimultaneousSynAck = false
    lossRecovery = .duplicateAcks
  }

  /// TIME-WAIT's length.
  public var timeWaitDuration: VirtualDuration { msl * 2 }
}
