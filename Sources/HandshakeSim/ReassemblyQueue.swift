/// Data received beyond RCV.NXT, held until the gap before it is filled (RFC 9293 §3.10.7.4
/// seventh: "queued for later processing"), and the source of SACK blocks (RFC 2018 §4).
struct ReassemblyQueue: Sendable {
  struct Entry: Sendable {
    var seq: SeqNum
    var data: [UInt8]
    var end: SeqNum { seq + data.count }
  }

  /// Non-overlapping, sorted by sequence number.
  private(set) var entries: [Entry] = []
  /// Sequence number of a FIN seen beyond RCV.NXT.
  var finSeq: SeqNum? = nil
  /// Start of the most recently received out-of-order block, for SACK's first block.
  private var lastReceived: SeqNum? = nil

  var isEmpty: Bool { entries.isEmpty }
  var byteCount: Int { entries.reduce(0) { $0 + $1.data.count } }

  /// Holds `data` at `seq` (all of it beyond `rcvNxt`), keeping only bytes not already held.
  mutating func insert(seq: SeqNum, data: [UInt8], rcvNxt: SeqNum) {
    guard !data.isEmpty else { return }
    lastReceived = seq
    var pieces: [Entry] = []
    var cursor = seq
    let end = seq + data.count
    for e in entries where e.end > cursor && e.seq < end {
      if e.seq > cursor {
        pieces.append(Entry(seq: cursor, data: slice(data, seq, cursor, e.seq)))
      }
      cursor = SeqNum.later(cursor, e.end)
    }
    if cursor < end { pieces.append(Entry(seq: cursor, data: slice(data, seq, cursor, end))) }
    guard !pieces.isEmpty else { return }
    entries.append(contentsOf: pieces)
    entries.sort { ($0.seq - rcvNxt) < ($1.seq - rcvNxt) }
  }

  private func slice(_ data: [UInt8], _ base: SeqNum, _ from: SeqNum, _ to: SeqNum) -> [UInt8] {
    Array(data[(from - base)..<(to - base)])
  }

  /// Removes and returns bytes that now continue the stream at `rcvNxt`.
  mutating func takeContiguous(at rcvNxt: SeqNum) -> [UInt8] {
    var out: [UInt8] = []
    var next = rcvNxt
    while let first = entries.first, first.seq <= next {
      entries.removeFirst()
      if first.end > next { out.append(contentsOf: first.data[(next - first.seq)...]) }
      next = SeqNum.later(next, first.end)
    }
    return out
  }

  /// SACK blocks: the block holding the latest arrival first, then the others in order.
  func sackBlocks(max: Int) -> [SackBlock] {
    var merged: [SackBlock] = []
    for e in entries {
      if let last = merged.last, last.right == e.seq {
        merged[merged.count - 1].right = e.end
      } else {
        merged.append(SackBlock(left: e.seq, right: e.end))
      }
    }
    if let latest = lastReceived,
      let i = merged.firstIndex(where: { $0.left <= latest && latest < $0.right }), i != 0
    {
      let b = merged.remove(at: i)
      merged.insert(b, at: 0)
    }
    return Array(merged.prefix(max))
  }
}
