/// One line of the trace: something that happened at a host at an instant.
public struct TraceRecord: Hashable, Sendable {
  /// The UI step this record belongs to.
  public var step: Int32
  public var time: VirtualTime
  /// The host it happened at (the sender for `send`, the receiver for `arrive` and `drop`);
  /// -1 when the receiver is an address no host has.
  public var host: Int32
  public var event: TraceEvent

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
  public var segment: Segment
  /// Sending host.
  public var from: Int32
  /// Receiving host, or -1 if no host has the destination address.
  public var to: Int32
  /// The socket that sent it; -1 for a reset sent for no socket, or a crafted segment.
  public var socket: Int32
  public var sentAt: VirtualTime
  public var sendStep: Int32
  public var ipID: UInt16
  /// The sender sent this sequence range before (a retransmission).
  public var isRetransmission: Bool
  /// Where it landed: up to two copies (a duplicated segment lands twice). Kept inline rather
  /// than in an array so recording a segment allocates nothing.
  public var firstLanding: Landing?
  public var secondLanding: Landing?

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
