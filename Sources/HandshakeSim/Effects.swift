/// What processing one event did, in order: the engine turns each item into a trace record and,
/// for `send`, hands the segment to the link. Connections and listeners only append here; they
/// never reach the link or the clock themselves.
struct Effects: Sendable {
  enum Item: Sendable {
    /// A segment leaves `socket`'s host (`socket` is -1 for a reply from no socket at all).
    case send(Segment, socket: Int32, retransmission: Bool)
    case state(socket: Int32, from: TCPState, to: TCPState)
    case app(socket: Int32, call: AppCall, result: AppResult, bytes: Int)
    case note(ArrivalNote)
    case timer(socket: Int32, TimerKind)
    /// A passive connection reached ESTABLISHED: the listener moves it to the accept queue.
    case established(conn: Int32)
    /// A connection reached CLOSED: forget its 4-tuple and take it off any listener queue.
    case closed(conn: Int32)
  }

  var items: [Item] = []

  mutating func append(_ item: Item) { items.append(item) }
  mutating func note(_ n: ArrivalNote) { items.append(.note(n)) }
}

/// An entry of the retransmission queue: one segment's worth of sequence space that was sent and
/// not yet acknowledged.
struct SentSegment: Sendable {
  var seq: SeqNum
  var dataLength: Int
  var syn: Bool
  var fin: Bool
  var sentAt: VirtualTime
  /// It carried PSH: a retransmission carries it again, as Linux resends the same skb.
  var psh = false
  var transmissions = 1
  var sacked = false
  /// Retransmitted during the current loss recovery (so it is not sent twice in one episode).
  var recoveryRetransmitted = false
  /// RACK marked it lost and it has not been sent again since.
  var lost = false

  var end: SeqNum { seq + dataLength + (syn ? 1 : 0) + (fin ? 1 : 0) }
}

/// A transmission RACK may later find lost: the entry's end and when this copy left.
struct RackCandidate: Sendable {
  var end: SeqNum
  var sentAt: VirtualTime
}
