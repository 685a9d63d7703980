/// The recorded run: every trace record, every transmission, and the steps a teacher steps
/// through, each with the state of both ladder hosts after it.
///
/// Steps are reachable by index in constant time. Snapshots are stored once per change (a step
/// holds indices into the snapshot arrays), so a SYN flood does not copy its half-open
/// connections into every step; in-flight segments are found from the step's oldest pending
/// transmission rather than copied. The long arrays are `ChunkedArray`s: a million-step run
/// grows them without the copy an Array makes each time it doubles.
public struct Timeline: Sendable {
  /// A host as the trace names it.
  public struct HostInfo: Hashable, Sendable {
    public var name: String
    public var address: IPv4Address
    public var side: Side
    public var isTCP: Bool
    /// Its panel is inferred from its segments by the passive tracker (a scripted peer given
    /// a panel, see `trackPassively(host:)`): it has no timers to show.
    public var tracked = false
  }

  /// A step: a contiguous run of records.
  public struct StepInfo: Hashable, Sendable {
    public var firstRecord: Int32
    public var recordCount: Int32
    public var time: VirtualTime
    /// Transmissions before this index have all landed by the end of this step.
    public var oldestPending: Int32
    /// Only hosts off the ladder took part (an attacker's segments).
    public var background: Bool
  }

  /// The ladder hosts' snapshot indices after a step (-1: none). Kept apart from `StepInfo`
  /// so that a run that records no snapshots (a trace, an export) stores none: 16 bytes a
  /// step, 24 MB of a million-and-a-half-step flood.
  public struct StepPanels: Hashable, Sendable {
    public var leftConnection: Int32
    public var leftListener: Int32
    public var rightConnection: Int32
    public var rightListener: Int32

    /// No snapshot on either side.
    public static let none = StepPanels(
      leftConnection: -1, leftListener: -1, rightConnection: -1, rightListener: -1)
  }

  public var seed: UInt64
  public var hosts: [HostInfo]
  public var left: Int32
  public var right: Int32
  public var records: ChunkedArray<TraceRecord>
  public var transmissions: ChunkedArray<Transmission>
  public var sockets: [SocketInfo]
  public var steps: ChunkedArray<StepInfo>
  /// Per step, the panels after it; empty when the run recorded no snapshots.
  public var stepPanels: ChunkedArray<StepPanels> = []
  public var connectionSnapshots: ChunkedArray<ConnectionSnapshot>
  public var listenerSnapshots: ChunkedArray<ListenerSnapshot>
  /// The last snapshot of every connection, by connection index, at the end of the run.
  public var finalConnections: [ConnectionSnapshot]
  public var end: RunEnd
  /// Engine events processed.
  public var eventCount: Int
  /// Per transmission, the bases its numbers are shown relative to (see `relativeBase(for:)`);
  /// empty until `indexRelativeBases()` is called.
  public var relativeBases: ChunkedArray<RelativeBase> = []

  /// Per socket, its first transmission (-1: none), filled with `relativeBases`.
  public var firstTransmissionOfSocket: [Int32] = []

  /// What a transmission's sequence and acknowledgment numbers are shown relative to.
  public struct RelativeBase: Hashable, Sendable {
    public var seq: SeqNum
    public var ack: SeqNum
  }

  /// Every script entry that ran, in order.
  public var performed: ChunkedArray<PerformedAction> = []
  /// Where the run came from: the engine, or a capture read by the passive tracker (whose
  /// panels have no timers to show, and whose states may be unknown at first).
  public var source: Source = .simulation
  /// The first step at which each side's state is known. Always 0 for a simulation; a capture
  /// that starts mid-connection learns the states from the segments (-1: never).
  public var stateKnownFrom: (left: Int, right: Int) = (0, 0)

  /// Where a timeline came from.
  public enum Source: Hashable, Sendable { case simulation, capture }

  /// A script entry that ran: when, in which step, and what its socket call returned.
  public struct PerformedAction: Hashable, Sendable {
    public var entry: Int32
    public var round: Int32
    public var time: VirtualTime
    public var step: Int32
    /// The first result a socket call gave (nil for injections).
    public var result: AppResult?
  }

  public var stepCount: Int { steps.count }

  /// The records of step `i`.
  public func records(ofStep i: Int) -> Slice<ChunkedArray<TraceRecord>> {
    let s = steps[i]
    return records[Int(s.firstRecord)..<Int(s.firstRecord + s.recordCount)]
  }

  /// Host `side`'s panel after step `i`.
  public func endpoint(_ side: Side, atStep i: Int) -> EndpointSnapshot {
    let s = i < stepPanels.count ? stepPanels[i] : .none
    let (c, l) =
      side == .left ? (s.leftConnection, s.leftListener) : (s.rightConnection, s.rightListener)
    return EndpointSnapshot(
      connection: c >= 0 ? connectionSnapshots[Int(c)] : nil,
      listener: l >= 0 ? listenerSnapshots[Int(l)] : nil)
  }

  /// Transmissions sent by the end of step `i` with a copy still on the wire.
  public func inFlight(atStep i: Int) -> [Int] {
    let s = steps[i]
    var out: [Int] = []
    var tx = Int(s.oldestPending)
    while tx < transmissions.count && transmissions[tx].sendStep <= Int32(i) {
      let t = transmissions[tx]
      if t.inFlight(afterStep: Int32(i)) { out.append(tx) }
      tx += 1
    }
    return out
  }

  /// The name of host `i`, or "?" for -1.
  public func hostName(_ i: Int32) -> String { i >= 0 ? hosts[Int(i)].name : "?" }

  /// The step in which the time first reaches `t` (for "jump to time").
  public func step(atOrAfter t: VirtualTime) -> Int {
    var lo = 0
    var hi = steps.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if steps[mid].time < t { lo = mid + 1 } else { hi = mid }
    }
    return min(lo, steps.count - 1)
  }
}
