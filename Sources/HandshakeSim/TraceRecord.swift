/// One line of the trace: something that happened at a host at an instant.
public struct TraceRecord: Hashable, Sendable {
  // The time first: declared in this order the fields pack into 32 bytes (40 with the step
  // first), and a million-segment run holds two or three million records.
  public var time: VirtualTime
  /// The UI step this record belongs to.
  public var step: Int32
  /// The host it happened at (the sender for `send`, the receiver for `arrive` and `drop`);
  /// -1 when the receiver is an address no host has.
  public var host: Int32
  public var event: TraceEvent

  init(step: Int32, time: VirtualTime, host: Int32, event: TraceEvent) {
    self.time = time
    self.step = step
    self.host = host
    self.event = event
  }

  public var kind: RecordKind {
    switch event {
    case .app: .app
    case .send: .send
    case .arrive: .arrive
    case .drop: .drop
    case .timer: .timer
    case .state: .state
    }
  }

  /// The transmission a segment record is about.
  public var transmission: Int32? {
    switch event {
    case .send(let tx), .arrive(let tx, _), .drop(let tx, _): tx
    default: nil
    }
  }
}

/// What a trace record says.
public enum TraceEvent: Hashable, Sendable {
  /// A socket call returned (or, for connect/recv, reported its outcome).
  case app(socket: Int32, call: AppCall, result: AppResult, bytes: Int)
  /// A segment left its sender.
  case send(tx: Int32)
  /// A segment reached its receiver, which processed it; `note` says how, when that matters.
  case arrive(tx: Int32, note: ArrivalNote?)
  /// The link lost a segment on its way.
  case drop(tx: Int32, reason: DropReason)
  case timer(socket: Int32, kind: TimerKind)
  case state(socket: Int32, from: TCPState, to: TCPState)
}

/// One segment as sent, and what became of it.
public struct Transmission: Hashable, Sendable {
  // Declared in this order (the small fields in the segment's tail padding, then the 8-byte
  // ones) they take 152 bytes instead of 168: a million-segment run holds a million of these.
  public var segment: Segment
  /// Sending host.
  public var from: Int32
  /// Receiving host, or -1 if no host has the destination address.
  public var to: Int32
  /// The socket that sent it; -1 for a reset sent for no socket, or a crafted segment.
  public var socket: Int32
  public var sendStep: Int32
  public var ipID: UInt16
  /// The sender sent this sequence range before (a retransmission).
  public var isRetransmission: Bool
  public var sentAt: VirtualTime
  /// Where it landed: up to two copies (a duplicated segment lands twice). Kept inline rather
  /// than in an array so recording a segment allocates nothing.
  public var firstLanding: Landing?
  public var secondLanding: Landing?

  init(
    segment: Segment, from: Int32, to: Int32, socket: Int32, sentAt: VirtualTime,
    sendStep: Int32, ipID: UInt16, isRetransmission: Bool, firstLanding: Landing?,
    secondLanding: Landing?
  ) {
    self.segment = segment
    self.sentAt = sentAt
    self.from = from
    self.to = to
    self.socket = socket
    self.sendStep = sendStep
    self.ipID = ipID
    self.isRetransmission = isRetransmission
    self.firstLanding = firstLanding
    self.secondLanding = secondLanding
  }

  /// The landings in order.
  public var landings: [Landing] { [firstLanding, secondLanding].compactMap { $0 } }

  /// True if no copy has landed by the end of step `i` (a copy still on the wire).
  public func inFlight(afterStep i: Int32) -> Bool {
    guard let a = firstLanding else { return true }
    return a.step > i || (secondLanding.map { $0.step > i } ?? false)
  }

  mutating func land(_ l: Landing) {
    if firstLanding == nil { firstLanding = l } else { secondLanding = l }
  }

  /// A copy reaching its receiver, or lost on the way.
  public struct Landing: Hashable, Sendable {
    public var time: VirtualTime
    public var step: Int32
    public var dropped: DropReason?
  }
}

/// A socket that existed during the run: a connection or a listener.
public struct SocketInfo: Hashable, Sendable {
  public var host: Int32
  public var isListener: Bool
  public var localAddress: IPv4Address
  public var localPort: UInt16
  public var remoteAddress: IPv4Address?
  public var remotePort: UInt16?
}

/// Why a run stopped.
public enum RunEnd: Hashable, Sendable, CustomStringConvertible {
  /// Nothing left to happen.
  case quiescent
  /// The event bound was hit; the run was cut short.
  case eventLimit(Int)
  /// The virtual time bound was hit; the run was cut short.
  case timeLimit(VirtualTime)

  public var isComplete: Bool { self == .quiescent }

  public var description: String {
    switch self {
    case .quiescent: "complete"
    case .eventLimit(let n): "stopped after \(n) events (the event limit)"
    case .timeLimit(let t): "stopped at \(t.seconds) s of virtual time (the time limit)"
    }
  }
}
