/// Bytes the application has written that are not yet acknowledged, addressed by sequence
/// number. The first byte is at `baseSeq` (ISS+1 until the handshake is done, then SND.UNA).
struct SendBuffer: Sendable {
  private var storage: [UInt8] = []
  private var head = 0
  /// Sequence number of the first byte held.
  private(set) var baseSeq: SeqNum

  init(baseSeq: SeqNum) { self.baseSeq = baseSeq }

  var count: Int { storage.count - head }
  /// Sequence number just past the last byte written.
  var endSeq: SeqNum { baseSeq + count }

  mutating func append(_ data: [UInt8]) { storage.append(contentsOf: data) }

  /// `count` bytes starting at `seq`, which must lie in the buffer.
  func bytes(from seq: SeqNum, count n: Int) -> [UInt8] {
    let start = head + (seq - baseSeq)
    precondition(start >= head && start + n <= storage.count, "send buffer range out of bounds")
    return Array(storage[start..<(start + n)])
  }

  /// Forgets bytes before `seq` (they were acknowledged).
  mutating func acknowledge(upTo seq: SeqNum) {
    let n = min(max(seq - baseSeq, 0), count)
    guard n > 0 else { return }
    head += n
    baseSeq += n
    // Compact now and then so memory follows what is unacknowledged, not what was ever written.
    if head >= 65536 && head * 2 >= storage.count {
      storage.removeFirst(head)
      head = 0
    }
  }
}
