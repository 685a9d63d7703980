/// The retransmission queue: what was sent and not yet acknowledged, in sequence order, with a
/// running count of SACKed entries. Acknowledged entries leave from the front in O(1) (a head
/// index, compacted now and then) so a megabyte window does not cost a shift per ACK.
struct RetransmissionQueue: Sendable {
  private var items: [SentSegment] = []
  private var head = 0
  /// Entries marked SACKed.
  private(set) var sackedCount = 0

  var isEmpty: Bool { head == items.count }
  var count: Int { items.count - head }
  var startIndex: Int { head }
  var endIndex: Int { items.count }
  var indices: Range<Int> { head..<items.count }
  var first: SentSegment? { isEmpty ? nil : items[head] }
  var last: SentSegment? { isEmpty ? nil : items[items.count - 1] }

  subscript(i: Int) -> SentSegment {
    get { items[i] }
    set {
      if items[i].sacked != newValue.sacked { sackedCount += newValue.sacked ? 1 : -1 }
      items[i] = newValue
    }
  }

  mutating func append(_ s: SentSegment) {
    items.append(s)
    if s.sacked { sackedCount += 1 }
  }

  mutating func removeAll() {
    items = []
    head = 0
    sackedCount = 0
  }

  /// Drops entries wholly acknowledged by `ack`.
  mutating func dropAcknowledged(upTo ack: SeqNum) {
    while head < items.count && items[head].end <= ack {
      if items[head].sacked { sackedCount -= 1 }
      head += 1
    }
    if head == items.count {
      items.removeAll(keepingCapacity: true)
      head = 0
    } else if head >= 1024 && head * 2 >= items.count {
      items.removeFirst(head)
      head = 0
    }
  }

  /// The first entry whose sequence number is at or after `seq` (binary search).
  func firstIndex(atOrAfter seq: SeqNum) -> Int {
    var lo = head
    var hi = items.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if items[mid].seq < seq { lo = mid + 1 } else { hi = mid }
    }
    return lo
  }

  /// The entry that ends at `end`, if it is still queued (binary search: ends rise with seqs).
  func index(ofEnd end: SeqNum) -> Int? {
    var lo = head
    var hi = items.count
    while lo < hi {
      let mid = (lo + hi) / 2
      if items[mid].end < end { lo = mid + 1 } else { hi = mid }
    }
    return lo < items.count && items[lo].end == end ? lo : nil
  }

  func firstIndex(where pred: (SentSegment) -> Bool) -> Int? {
    var i = head
    while i < items.count {
      if pred(items[i]) { return i }
      i += 1
    }
    return nil
  }
}
