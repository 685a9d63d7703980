/// What must hold of every run, whatever its script or what-ifs: the checks the property tests
/// make of random scenarios, and that every what-if branch is held to.
extension Timeline {
  /// Every broken invariant, in words; empty when the run is sound.
  public var invariantViolations: [String] {
    var out: [String] = []
    // Every state change is an edge of RFC 9293's diagram (§3.3.2).
    for r in records {
      if case .state(_, let f, let t) = r.event, !StateDiagram.allows(from: f, to: t) {
        out.append("step \(r.step): \(f.rfcName) → \(t.rfcName) is not an edge of the diagram")
      }
    }
    // SND.UNA, SND.NXT and RCV.NXT never move backwards (mod 2^32) within a connection.
    for side in [Side.left, .right] {
      var last: ConnectionSnapshot? = nil
      for i in steps.indices {
        guard let c = endpoint(side, atStep: i).connection else { continue }
        if let p = last, p.socket == c.socket {
          if !(p.sndUna <= c.sndUna) { out.append("step \(i): SND.UNA went back") }
          if !(p.sndNxt <= c.sndNxt) { out.append("step \(i): SND.NXT went back") }
          if !(p.rcvNxt <= c.rcvNxt || p.irs == nil) { out.append("step \(i): RCV.NXT went back") }
        }
        last = c
      }
    }
    // The acknowledgement a connection sends never goes back, and never covers a byte its peer
    // has not sent.
    struct Flow: Hashable {
      var src: IPv4Address, sport: UInt16, dst: IPv4Address, dport: UInt16
    }
    // By socket and 4-tuple: a listener's half-open connections answer from one socket.
    struct Sender: Hashable {
      var socket: Int32
      var flow: Flow
    }
    var lastAck: [Sender: SeqNum] = [:]
    var sentEnd: [Flow: SeqNum] = [:]
    for tx in transmissions.indices {
      let t = transmissions[tx]
      let s = t.segment
      let f = Flow(src: s.source, sport: s.sourcePort, dst: s.destination, dport: s.destinationPort)
      if s.length > 0 { sentEnd[f] = sentEnd[f].map { SeqNum.later($0, s.endSeq) } ?? s.endSeq }
      guard t.socket >= 0, s.flags.contains(.ack), !s.flags.contains(.rst) else { continue }
      let sender = Sender(socket: t.socket, flow: f)
      if let p = lastAck[sender], !(p <= s.ack) {
        out.append("transmission \(tx): the ACK went back")
      }
      lastAck[sender] = s.ack
      let back = Flow(
        src: s.destination, sport: s.destinationPort, dst: s.source, dport: s.sourcePort)
      if let end = sentEnd[back], !(s.ack <= end) {
        out.append("transmission \(tx): it acknowledges \(s.ack), beyond what was sent (\(end))")
      }
    }
    // Bytes are delivered once and in order: what a side read is a prefix of what its peer
    // wrote, and all of it unless a reset or an error ended the connection.
    for c in finalConnections {
      guard
        let peer = finalConnections.first(where: {
          $0.localPort == c.remotePort && $0.remotePort == c.localPort
            && $0.remoteAddress == sockets[Int(c.socket)].localAddress
        })
      else { continue }
      if c.bytesRead > peer.bytesWritten {
        out.append("socket \(c.socket) read \(c.bytesRead) bytes of \(peer.bytesWritten) written")
      }
      let ended = c.error != nil || peer.error != nil
      if !ended && end == .quiescent && c.bytesRead == peer.bytesWritten
        && c.readDigest != peer.writeDigest
      {
        out.append("socket \(c.socket) read other bytes than its peer wrote")
      }
    }
    return out
  }
}
