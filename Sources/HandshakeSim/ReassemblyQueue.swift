/// Data received beyond RCV.NXT, held until the gap before it is filled (RFC 9293 §3.10.7.4
/// seventh: "queued for later processing"), and the source of SACK blocks (RFC 2018 §4).
///
/// Blocks are kept sorted, non-overlapping and coalesced (adjacent data merged), so each block
/// is one SACK block; a block holds the arriving payloads as slices, and the common case — the
/// next segment after the last one held — is an append with no copying.
struct ReassemblyQueue: Sendable {
  struct Block: Sendable {
    var seq: SeqNum
    var pieces: [ArraySlice<UInt8>]
    var count: Int
    var end: SeqNum { seq + count }
  }

  private(set) var blocks: [Block] = []
  private(set) var byteCount = 0
  /// Sequence number of a FIN seen beyond RCV.NXT.
  var finSeq: SeqNum? = nil
  /// Start of the most recently received out-of-order bytes, for SACK's first block.
  private var lastReceived: SeqNum? = nil

  var isEmpty: Bool { blocks.isEmpty }

  /// Holds `data` at `seq` (beyond `rcvNxt`), keeping only bytes not already held.
  mutating func insert(seq: SeqNum, data: ArraySlice<UInt8>, rcvNxt: SeqNum) {
    guard !data.isEmpty else { return }
    lastReceived = seq
    if let last = blocks.last, seq >= last.end {
      if seq == last.end {
        blocks[blocks.count - 1].pieces.append(data)
        blocks[blocks.count - 1].count += data.count
      } else {
        blocks.append(Block(seq: seq, pieces: [data], count: data.count))
      }
      byteCount += data.count
      return
    }
    if blocks.isEmpty {
      blocks.append(Block(seq: seq, pieces: [data], count: data.count))
      byteCount += data.count
      return
    }
    // Falls before or across what is held: keep the uncovered parts, then re-sort and merge.
    let end = seq + data.count
    var added: [Block] = []
    var cursor = seq
    for b in blocks where b.end > cursor && b.seq < end {
      if b.seq > cursor { added.append(piece(data, seq, cursor, b.seq)) }
      cursor = SeqNum.later(cursor, b.end)
    }
    if cursor < end { added.append(piece(data, seq, cursor, end)) }
    guard !added.isEmpty else { return }
    var all = blocks + added
    all.sort { ($0.seq - rcvNxt) < ($1.seq - rcvNxt) }
    var merged: [Block] = []
    for b in all {
      if let l = merged.last, l.end == b.seq {
        merged[merged.count - 1].pieces += b.pieces
        merged[merged.count - 1].count += b.count
      } else {
        merged.append(b)
      }
    }
    blocks = merged
    byteCount = blocks.reduce(0) { $0 + $1.count }
  }

  private func piece(_ data: ArraySlice<UInt8>, _ base: SeqNum, _ from: SeqNum, _ to: SeqNum)
    -> Block
  {
    let lo = data.startIndex + (from - base)
    let hi = data.startIndex + (to - base)
    return Block(seq: from, pieces: [data[lo..<hi]], count: hi - lo)
  }

  /// Removes and returns the bytes that now continue the stream at `rcvNxt`, in order.
  mutating func takeContiguous(at rcvNxt: SeqNum) -> [ArraySlice<UInt8>] {
    var out: [ArraySlice<UInt8>] = []
    var next = rcvNxt
    var taken = 0
    while taken < blocks.count, blocks[taken].seq <= next {
      let b = blocks[taken]
      var skip = next - b.seq
      for p in b.pieces {
        if skip >= p.count {
          skip -= p.count
        } else {
          out.append(p.dropFirst(skip))
          skip = 0
        }
      }
      next = SeqNum.later(next, b.end)
      byteCount -= b.count
      taken += 1
    }
    if taken > 0 { blocks.removeFirst(taken) }
    return out
  }

  /// SACK blocks: the block holding the latest arrival first, then the others in order.
  func sackBlocks(max: Int) -> [SackBlock] {
    var out = blocks.map { SackBlock(left: $0.seq, right: $0.end) }
    if let latest = lastReceived,
      let i = out.firstIndex(where: { $0.left <= latest && latest < $0.right }), i != 0
    {
      let b = out.remove(at: i)
      out.insert(b, at: 0)
    }
    return Array(out.prefix(max))
  }
}
