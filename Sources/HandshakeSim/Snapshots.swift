/// The deadlines of a connection's running timers.
public struct TimerSnapshot: Hashable, Sendable {
  public var retransmission: VirtualTime?
  public var persist: VirtualTime?
  public var delayedAck: VirtualTime?
  public var timeWait: VirtualTime?
  public var finWait2: VirtualTime?
  public var reorder: VirtualTime? = nil
  public var lossProbe: VirtualTime? = nil

  /// Running timers, in display order, with their deadlines.
  public var running: [(TimerKind, VirtualTime)] {
    var r: [(TimerKind, VirtualTime)] = []
    if let t = retransmission { r.append((.retransmission, t)) }
    if let t = persist { r.append((.persist, t)) }
    if let t = delayedAck { r.append((.delayedAck, t)) }
    if let t = lossProbe { r.append((.lossProbe, t)) }
    if let t = reorder { r.append((.reorder, t)) }
    if let t = timeWait { r.append((.timeWait, t)) }
    if let t = finWait2 { r.append((.finWait2, t)) }
    return r
  }
}

/// Everything a panel shows about one connection at one step.
public struct ConnectionSnapshot: Hashable, Sendable {
  public var socket: Int32
  public var state: TCPState
  public var passive: Bool
  public var fromCookie: Bool
  public var localPort: UInt16
  public var remoteAddress: IPv4Address
  public var remotePort: UInt16
  public var iss: SeqNum
  /// IRS is meaningless until a SYN has been received.
  public var irs: SeqNum?
  public var sndUna: SeqNum
  public var sndNxt: SeqNum
  public var sndWnd: UInt32
  public var sndWl1: SeqNum
  public var sndWl2: SeqNum
  public var rcvNxt: SeqNum
  public var rcvWnd: UInt32
  /// What the peer announced (nil: nothing yet, or no option — then 536 applies).
  public var peerMSS: UInt16?
  /// Payload bytes per segment this side may send.
  public var sndMSS: Int
  public var windowScaleOK: Bool
  public var sndWScale: UInt8
  public var rcvWScale: UInt8
  public var sackOK: Bool
  public var timestampsOK: Bool
  public var rto: VirtualDuration
  public var srtt: VirtualDuration?
  public var timers: TimerSnapshot
  public var unsentBytes: Int
  public var bytesInFlight: Int
  public var unreadBytes: Int
  public var outOfOrderBytes: Int
  public var sackedSegments: Int
  public var bytesWritten: Int
  public var bytesAcked: Int
  public var bytesReceived: Int
  public var bytesRead: Int
  public var retransmissions: Int
  /// The rule that last found a segment lost (nil: none has fired).
  public var lossSignal: LossSignal? = nil
  /// The set of defaults this side runs (nil when unknown, as for a capture).
  public var profile: TCPProfile? = nil
  /// The MSS this side announced in its SYN (nil: none seen).
  public var announcedMSS: UInt16? = nil
  /// The largest payload this side sent (a capture shows what offload made of its writes).
  public var largestSent: Int = 0
  /// Its ISN is known: false for a capture's side that has sent nothing with a sequence number
  /// of its own yet (a listener before its SYN,ACK).
  public var issKnown: Bool = true
  /// Reached ESTABLISHED at some point.
  public var wasEstablished: Bool
  public var finSent: Bool
  public var finReceived: Bool
  public var error: AppResult?
  public var writeDigest: Digest
  public var readDigest: Digest
}

/// Everything a panel shows about a listening socket and its queues.
public struct ListenerSnapshot: Hashable, Sendable {
  public var socket: Int32
  public var port: UInt16
  public var open: Bool
  public var backlog: Int
  public var synQueue: Int
  public var acceptQueue: Int
  public var synDrops: Int
  public var acceptDrops: Int
  public var cookiesSent: Int
  public var cookiesAccepted: Int
  public var cookies: SynCookieMode
}

/// One host's panel at one step: its current connection and its listener, if any.
public struct EndpointSnapshot: Hashable, Sendable {
  public var connection: ConnectionSnapshot?
  public var listener: ListenerSnapshot?

  public init(connection: ConnectionSnapshot?, listener: ListenerSnapshot?) {
    self.connection = connection
    self.listener = listener
  }

  /// The state to show: the connection's (CLOSED too, once it has ended), else LISTEN while the
  /// listener is open, else CLOSED. A half-open connection that died before it was established
  /// gives way to the listener: RFC 9293 says it "returns to LISTEN".
  public var state: TCPState {
    if let c = connection {
      if c.state != .closed || c.wasEstablished || !c.passive { return c.state }
    }
    if let l = listener, l.open { return .listen }
    return .closed
  }
}
