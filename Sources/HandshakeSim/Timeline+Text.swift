/// A plain-English, one-line-per-step ladder (the `trace --format text` output and the default
/// step caption). Sequence numbers are relative to each side's ISN, as Wireshark shows them,
/// unless `absolute` is set.
extension Timeline {
  /// The bases a transmission's sequence and acknowledgment numbers are shown relative to, as
  /// Wireshark does: each side's ISN (from its SYN), or, for a side whose SYN was never seen
  /// (a reset from a port with no listener, a capture that starts mid-connection), the first
  /// sequence number it sent, less one. Nil if nothing of the sender is known.
  public func relativeBase(for tx: Int) -> (seq: SeqNum, ack: SeqNum)? {
    if relativeBases.count == transmissions.count {
      let b = relativeBases[tx]
      return (b.seq, b.ack)
    }
    return scannedRelativeBase(for: tx)
  }

  /// Fills `relativeBases` in one pass over the transmissions (the builders call it when the
  /// run is complete), so showing a number relative costs a lookup, not a scan back to the
  /// sender's SYN: a trace of 50,000 injected segments would otherwise be quadratic.
  public mutating func indexRelativeBases() {
    // One base per direction: its latest SYN's sequence number once one has been seen, else
    // one before the first segment's (as a capture that starts mid-connection shows it).
    var table = DirectionTable(directions: transmissions.count)
    var out = ChunkedArray<RelativeBase>()
    var firstOfSocket = [Int32](repeating: -1, count: sockets.count)
    for i in transmissions.indices {
      let sock = Int(transmissions[i].socket)
      if sock >= 0 && sock < firstOfSocket.count && firstOfSocket[sock] < 0 {
        firstOfSocket[sock] = Int32(i)
      }
      let d = DirectionTable.Direction(of: i, in: transmissions)
      let segSeq = transmissions[i].segment.seq
      let seq: SeqNum
      if transmissions[i].segment.flags.contains(.syn) {
        seq = segSeq
        table.setBase(seq, forDirectionOf: i, in: transmissions)
      } else if let b = table.base(of: d, in: transmissions) {
        seq = b
      } else {
        seq = segSeq - UInt32(1)
        table.setBase(seq, forDirectionOf: i, in: transmissions)
      }
      let ack = table.base(of: d.reversed, in: transmissions) ?? SeqNum(0)
      out.append(RelativeBase(seq: seq, ack: ack))
    }
    relativeBases = out
    firstTransmissionOfSocket = firstOfSocket
  }

  /// A SYN,ACK that repeats its sender's earlier SYN (simultaneous open): a retransmission by
  /// its sequence number, as a capture sees it, but to a student "the SYN sent again, now with
  /// ACK", and shown so.
  public func isSynResentWithAck(_ tx: Int) -> Bool {
    let t = transmissions[tx]
    let s = t.segment
    guard t.isRetransmission, s.flags.contains([.syn, .ack]) else { return false }
    // Indexed: the socket opened actively, its first segment a bare SYN.
    if relativeBases.count == transmissions.count, t.socket >= 0,
      Int(t.socket) < firstTransmissionOfSocket.count
    {
      let f = Int(firstTransmissionOfSocket[Int(t.socket)])
      guard f >= 0 && f < tx else { return false }
      let o = transmissions[f].segment
      return o.flags.contains(.syn) && !o.flags.contains(.ack) && o.seq == s.seq
    }
    var i = tx - 1
    while i >= 0 {
      let o = transmissions[i]
      if o.from == t.from && o.segment.seq == s.seq && o.segment.sourcePort == s.sourcePort
        && o.segment.flags.contains(.syn)
      {
        return !o.segment.flags.contains(.ack)
      }
      i -= 1
    }
    return false
  }

  /// `relativeBase(for:)` by looking back from the transmission (for a timeline not indexed).
  func scannedRelativeBase(for tx: Int) -> (seq: SeqNum, ack: SeqNum)? {
    let t = transmissions[tx]
    let s = t.segment
    var senderISS: SeqNum? = nil
    var receiverISS: SeqNum? = nil
    var senderFirst: SeqNum? = nil
    var receiverFirst: SeqNum? = nil
    for other in transmissions[...tx].reversed() {
      let o = other.segment
      if o.source == s.source && o.sourcePort == s.sourcePort && o.destination == s.destination
        && o.destinationPort == s.destinationPort
      {
        senderFirst = o.seq
        if o.flags.contains(.syn) && senderISS == nil { senderISS = o.seq }
      } else if o.source == s.destination && o.sourcePort == s.destinationPort
        && o.destination == s.source && o.destinationPort == s.sourcePort
      {
        receiverFirst = o.seq
        if o.flags.contains(.syn) && receiverISS == nil { receiverISS = o.seq }
      }
      if senderISS != nil && receiverISS != nil { break }
    }
    guard let seqBase = senderISS ?? senderFirst.map({ $0 - UInt32(1) }) else { return nil }
    return (seqBase, receiverISS ?? receiverFirst.map { $0 - UInt32(1) } ?? SeqNum(0))
  }

  /// "SYN seq=0 win=65535 <mss 1460,sackOK>" for a transmission. Without `timestamps`, the
  /// TS option is left out (a diagram has no room for two ten-digit numbers per arrow).
  public func segmentLabel(_ tx: Int, absolute: Bool = false, timestamps: Bool = true) -> String {
    let s = transmissions[tx].segment
    var seq = s.seq.rawValue
    var ack = s.ack.rawValue
    if !absolute, let base = relativeBase(for: tx) {
      seq = s.seq.rawValue &- base.seq.rawValue
      ack = s.ack.rawValue &- base.ack.rawValue
    }
    var out = s.flags.label + " seq=\(seq)"
    if s.flags.contains(.ack) { out += " ack=\(ack)" }
    if !s.payload.isEmpty { out += " len=\(s.payload.count)" }
    out += " win=\(s.window)"
    var opts: [String] = []
    if let m = s.options.mss { opts.append("mss \(m)") }
    if s.options.sackPermitted { opts.append("sackOK") }
    if let w = s.options.windowScale { opts.append("wscale \(w)") }
    if timestamps, let ts = s.options.timestamps { opts.append("TS \(ts.value):\(ts.echoReply)") }
    if !s.options.sackBlocks.isEmpty {
      let blocks = s.options.sackBlocks.map { b -> String in
        let base = absolute ? 0 : (relativeBase(for: tx)?.ack.rawValue ?? 0)
        return "\(b.left.rawValue &- base)-\(b.right.rawValue &- base)"
      }
      opts.append("sack " + blocks.joined(separator: ","))
    }
    if !opts.isEmpty { out += " <" + opts.joined(separator: ",") + ">" }
    return out
  }

  /// One English sentence-ish line for a record.
  public func describe(record i: Int, absolute: Bool = false) -> String {
    let r = records[i]
    let host = r.host >= 0 ? hosts[Int(r.host)].name : "?"
    switch r.event {
    case .app(_, let call, let result, let bytes):
      if result == .ok && call == .recv && bytes == 0 { return "\(host): recv() = 0 (end of file)" }
      let b = (call == .send || call == .recv) && result == .ok ? "\(bytes) bytes " : ""
      return "\(host): \(call.rawValue)() \(b)= \(result.rawValue)"
    case .send(let tx):
      let t = transmissions[Int(tx)]
      let to = t.to >= 0 ? hosts[Int(t.to)].name : t.segment.destination.description
      let rtx = t.isRetransmission ? " (retransmission)" : ""
      return "\(host) → \(to): \(segmentLabel(Int(tx), absolute: absolute))\(rtx)"
    case .arrive(let tx, let note):
      let from = hosts[Int(transmissions[Int(tx)].from)].name
      let n = note.map { " [\($0.rawValue)]" } ?? ""
      let at = r.host >= 0 ? host : transmissions[Int(tx)].segment.destination.description
      return "\(at) ← \(from): \(segmentLabel(Int(tx), absolute: absolute))\(n)"
    case .drop(let tx, let reason):
      let from = hosts[Int(transmissions[Int(tx)].from)].name
      let at = r.host >= 0 ? host : transmissions[Int(tx)].segment.destination.description
      return
        "\(at) ✕ \(from): \(segmentLabel(Int(tx), absolute: absolute)) lost (\(reason.rawValue))"
    case .timer(_, let kind):
      return "\(host): \(kind.rawValue) timer fires"
    case .state(_, let from, let to):
      return "\(host): \(from.rfcName) → \(to.rfcName)"
    }
  }

  /// The text ladder: one line per step, its records joined with "; ".
  public func textLines(absolute: Bool = false) -> [String] {
    var lines: [String] = []
    for i in steps.indices where steps[i].recordCount > 0 {
      let s = steps[i]
      let parts = (Int(s.firstRecord)..<Int(s.firstRecord + s.recordCount)).map {
        describe(record: $0, absolute: absolute)
      }
      let num = String(i)
      let pad = String(repeating: " ", count: max(0, 5 - num.count))
      lines.append("\(pad)\(num)  \(s.time.description)  " + parts.joined(separator: "; "))
    }
    lines.append("end: \(end)")
    return lines
  }
}
