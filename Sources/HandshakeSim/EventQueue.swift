/// The scheduler's pending events, taken in (time, insertion order) order, so events at the
/// same instant run in the order they were scheduled and every run is repeatable: a binary
/// min-heap beside a first-in-first-out lane for the events that come in order.
struct EventQueue: Sendable {
  enum Kind: Hashable, Sendable {
    /// Copy `copy` of transmission `tx` reaches its destination.
    case arrive(tx: Int32, copy: UInt8)
    /// It would have arrived now, but the link lost it.
    case lost(tx: Int32, copy: UInt8, reason: DropReason)
    /// A held (reordered) segment is released if nothing overtook it in time.
    case release(tx: Int32)
    /// A connection's earliest timer deadline.
    case wake(conn: Int32)
    /// Script entry `entry`, repetition `round`.
    case action(entry: Int32, round: Int32)
  }

  struct Item: Sendable {
    var time: VirtualTime
    var order: UInt64
    var kind: Kind
    @inline(__always) func before(_ o: Item) -> Bool {
      time.micros < o.time.micros || (time.micros == o.time.micros && order < o.order)
    }
  }

  private var heap: [Item] = []
  /// Landings pushed in (time, order) order, oldest first from `laneHead`: most events are a
  /// segment's landing one link delay after it was sent, so they come in time order and are
  /// queued and taken here in constant time; one earlier than the lane's last (jitter, a
  /// delay) and every other event go to the heap. `pop` takes the smaller of the two heads,
  /// so the order is the one the heap alone would give.
  private var lane: [Item] = []
  private var laneHead = 0
  private var counter: UInt64 = 0

  var isEmpty: Bool { heap.isEmpty && laneHead == lane.count }
  var count: Int { heap.count + lane.count - laneHead }
  var nextTime: VirtualTime? {
    guard laneHead < lane.count else { return heap.first?.time }
    guard let h = heap.first else { return lane[laneHead].time }
    return h.before(lane[laneHead]) ? h.time : lane[laneHead].time
  }

  mutating func push(_ time: VirtualTime, _ kind: Kind) {
    counter &+= 1
    let item = Item(time: time, order: counter, kind: kind)
    // Only landings try the lane: a timer far ahead at its tail would send every landing
    // after it to the heap.
    let landing: Bool
    switch kind {
    case .arrive, .lost: landing = true
    default: landing = false
    }
    if landing && (laneHead == lane.count || !item.before(lane[lane.count - 1])) {
      lane.append(item)
    } else {
      heapPush(item)
    }
  }

  mutating func pop() -> Item? {
    if laneHead < lane.count && (heap.isEmpty || lane[laneHead].before(heap[0])) {
      let top = lane[laneHead]
      laneHead += 1
      if laneHead == lane.count {
        lane.removeAll(keepingCapacity: true)
        laneHead = 0
      } else if laneHead >= 4096 && laneHead * 2 >= lane.count {
        lane.removeFirst(laneHead)
        laneHead = 0
      }
      return top
    }
    return heapPop()
  }

  // Both sifts move a hole rather than swapping: each level costs one move, not three.
  private mutating func heapPush(_ item: Item) {
    heap.append(item)
    var i = heap.count - 1
    while i > 0 {
      let p = (i - 1) / 2
      guard item.before(heap[p]) else { break }
      heap[i] = heap[p]
      i = p
    }
    heap[i] = item
  }

  private mutating func heapPop() -> Item? {
    guard !heap.isEmpty else { return nil }
    let top = heap[0]
    let last = heap.removeLast()
    if !heap.isEmpty {
      var i = 0
      let n = heap.count
      while true {
        let l = 2 * i + 1
        guard l < n else { break }
        let r = l + 1
        let m = r < n && heap[r].before(heap[l]) ? r : l
        guard heap[m].before(last) else { break }
        heap[i] = heap[m]
        i = m
      }
      heap[i] = last
    }
    return top
  }
}
