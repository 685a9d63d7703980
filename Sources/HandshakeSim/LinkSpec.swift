/// The simulated link between the left and right sides of the ladder.
public struct LinkSpec: Hashable, Sendable {
  /// One-way latency from left to right and back.
  public var leftToRight: VirtualDuration
  public var rightToLeft: VirtualDuration
  /// Each segment's latency is increased by a random amount up to this (which can reorder).
  public var jitter: VirtualDuration
  /// Probabilities, per segment, of random loss, duplication and reordering.
  public var loss: Double
  public var duplicate: Double
  public var reorder: Double
  /// Deterministic faults, checked in order before the random ones.
  public var faults: [FaultRule]

  public init(
    leftToRight: VirtualDuration = .millis(10), rightToLeft: VirtualDuration = .millis(10),
    jitter: VirtualDuration = .zero, loss: Double = 0, duplicate: Double = 0, reorder: Double = 0,
    faults: [FaultRule] = []
  ) {
    self.leftToRight = leftToRight
    self.rightToLeft = rightToLeft
    self.jitter = jitter
    self.loss = loss
    self.duplicate = duplicate
    self.reorder = reorder
    self.faults = faults
  }
}

/// What a fault does to a segment.
public enum FaultAction: Hashable, Sendable {
  case drop
  /// Deliver it twice (the copy a little later).
  case duplicate
  /// Deliver it this much later than usual.
  case delay(VirtualDuration)
  /// Hold it until the next segment in the same direction has been delivered.
  case reorder
  /// Deliver it damaged: the receiver's checksum fails and it is discarded.
  case corrupt
}

/// "Drop the 2nd segment from the client with FIN set": a fault and the segments it hits.
public struct FaultRule: Hashable, Sendable {
  public var action: FaultAction
  /// Sender host index; nil for any.
  public var from: Int?
  /// Flags that must all be set; nil for any.
  public var flags: TCPFlags?
  /// Flags that must all be clear.
  public var withoutFlags: TCPFlags
  /// The segment must (true) or must not (false) carry payload; nil for either.
  public var hasData: Bool?
  /// The first matching segment hit (1-based), and how many in a row from there.
  public var nth: Int
  public var count: Int

  public init(
    _ action: FaultAction, from: Int? = nil, flags: TCPFlags? = nil, withoutFlags: TCPFlags = [],
    hasData: Bool? = nil, nth: Int = 1, count: Int = 1
  ) {
    self.action = action
    self.from = from
    self.flags = flags
    self.withoutFlags = withoutFlags
    self.hasData = hasData
    self.nth = nth
    self.count = count
  }

  func matches(_ seg: Segment, from host: Int) -> Bool {
    if let f = self.from, f != host { return false }
    if let fl = flags, !seg.flags.isSuperset(of: fl) { return false }
    if !seg.flags.intersection(withoutFlags).isEmpty { return false }
    if let d = hasData, d != !seg.payload.isEmpty { return false }
    return true
  }
}
