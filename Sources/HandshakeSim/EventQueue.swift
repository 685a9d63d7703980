/// The scheduler's pending events: a binary min-heap ordered by (time, insertion order), so
/// events at the same instant run in the order they were scheduled and every run is repeatable.
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
  private var counter: UInt64 = 0

  var isEmpty: Bool { heap.isEmpty }
  var count: Int { heap.count }
  var nextTime: VirtualTime? { heap.first?.time }

  mutating func push(_ time: VirtualTime, _ kind: Kind) {
    counter &+= 1
    heap.append(Item(time: time, order: counter, kind: kind))
    var i = heap.count - 1
    while i > 0 {
      let p = (i - 1) / 2
      guard heap[i].before(heap[p]) else { break }
      heap.swapAt(i, p)
      i = p
    }
  }

  mutating func pop() -> Item? {
    guard !heap.isEmpty else { return nil }
    let top = heap[0]
    let last = heap.removeLast()
    if !heap.isEmpty {
      heap[0] = last
      var i = 0
      let n = heap.count
      while true {
        let l = 2 * i + 1
        let r = l + 1
        var m = i
        if l < n && heap[l].before(heap[m]) { m = l }
        if r < n && heap[r].before(heap[m]) { m = r }
        if m == i { break }
        heap.swapAt(i, m)
        i = m
      }
    }
    return top
  }
}
