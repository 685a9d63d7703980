/// Bytes the application has written that are not yet acknowledged, addressed by sequence
/// number. The first byte is at `baseSeq` (ISS+1 until the handshake is done, then SND.UNA).
///
/// Each write is kept as the array the application handed over, and segments carry slices of
/// it, so a 10 MB write is neither copied into the buffer nor into each segment. Filler
/// (`Payload.count`) is not stored at all: its segments are slices of the shared pattern.
struct SendBuffer: Sendable {
  private struct Chunk: Sendable {
    var start: SeqNum
    var count: Int
    /// The bytes, or nil for filler starting at stream offset `fillerOffset`.
    var bytes: [UInt8]?
    var fillerOffset: Int
    var end: SeqNum { start + count }

    func slice(_ o: Int, _ n: Int) -> ArraySlice<UInt8> {
      if let b = bytes { return b[o..<(o + n)] }
      return Payload.patternSlice(offset: fillerOffset + o, count: n)
    }
  }

  private var chunks: [Chunk] = []
  private var head = 0
  /// Sequence number of the first byte held.
  private(set) var baseSeq: SeqNum
  private(set) var endSeq: SeqNum

  init(baseSeq: SeqNum) {
    self.baseSeq = baseSeq
    endSeq = baseSeq
  }

  var count: Int { endSeq - baseSeq }

  mutating func append(_ data: [UInt8]) {
    guard !data.isEmpty else { return }
    chunks.append(Chunk(start: endSeq, count: data.count, bytes: data, fillerOffset: 0))
    endSeq += data.count
  }

  /// Appends `count` filler bytes continuing the pattern at stream offset `offset`.
  mutating func appendFiller(count: Int, offset: Int) {
    guard count > 0 else { return }
    chunks.append(Chunk(start: endSeq, count: count, bytes: nil, fillerOffset: offset))
    endSeq += count
  }

  /// `n` bytes starting at `seq`, which must lie in the buffer: a slice of one write when it
  /// fits in one, else a copy of the pieces.
  func bytes(from seq: SeqNum, count n: Int) -> ArraySlice<UInt8> {
    precondition(seq >= baseSeq && seq + n <= endSeq, "send buffer range out of bounds")
    var i = head
    while chunks[i].end <= seq { i += 1 }
    let c = chunks[i]
    let offset = seq - c.start
    if offset + n <= c.count { return c.slice(offset, n) }
    var out: [UInt8] = []
    out.reserveCapacity(n)
    var at = seq
    while out.count < n {
      let ch = chunks[i]
      let o = at - ch.start
      let take = min(ch.count - o, n - out.count)
      out.append(contentsOf: ch.slice(o, take))
      at += take
      i += 1
    }
    return out[...]
  }

  /// Forgets bytes before `seq` (they were acknowledged).
  mutating func acknowledge(upTo seq: SeqNum) {
    guard seq > baseSeq else { return }
    baseSeq = seq < endSeq ? seq : endSeq
    while head < chunks.count && chunks[head].end <= baseSeq {
      chunks[head].bytes = nil
      head += 1
    }
    if head == chunks.count {
      chunks.removeAll(keepingCapacity: true)
      head = 0
    } else if head >= 64 && head * 2 >= chunks.count {
      chunks.removeFirst(head)
      head = 0
    }
  }
}
