extension Timeline {
  /// Gives a scripted ladder host a panel: its TCB as its segments show it, inferred by the
  /// passive tracker exactly as for a capture (a packetdrill script's peer has no TCP in the
  /// engine, but its segments say what a TCP sending them must have held).
  ///
  /// The segments between the two ladder hosts are read in the order they were sent; each
  /// engine step then shows the tracker's view after the latest segment event (a departure or
  /// a landing) that step contains. The tracker's state changes for the host become state
  /// records of the step where they happen, so the ladder, the caption and the trace name them
  /// as they do the engine's own.
  public mutating func trackPassively(host h: Int32) {
    guard h == left || h == right, !hosts[Int(h)].isTCP else { return }
    let other = h == left ? right : left
    // One tracker per connection (4-tuple) the two hosts had, in the order they began.
    var groups: [[ObservedSegment]] = []
    var groupTx: [[Int]] = []
    var groupOf: [UInt32: Int] = [:]
    for i in 0..<transmissions.count {
      let t = transmissions[i]
      guard (t.from == h && t.to == other) || (t.from == other && t.to == h) else { continue }
      let mine = t.from == h ? t.segment.sourcePort : t.segment.destinationPort
      let theirs = t.from == h ? t.segment.destinationPort : t.segment.sourcePort
      let key = UInt32(mine) << 16 | UInt32(theirs)
      let g = groupOf[key] ?? groups.count
      if g == groups.count {
        groupOf[key] = g
        groups.append([])
        groupTx.append([])
      }
      groups[g].append(ObservedSegment(time: t.sentAt, segment: t.segment, ipID: t.ipID))
      groupTx[g].append(i)
    }
    guard !groups.isEmpty else { return }
    let trackers = groups.map { PassiveTracker.analyze($0).timeline }
    // The tracker names its left host after the side that opened; find ours by address.
    let side: [Int32] = trackers.map { $0.hosts[0].address == hosts[Int(h)].address ? 0 : 1 }

    // (engine step, connection, tracker step) for every departure and landing.
    var pairs: [(engine: Int32, group: Int, tracker: Int32)] = []
    for (g, txs) in groupTx.enumerated() {
      for (j, e) in txs.enumerated() where j < trackers[g].transmissions.count {
        let mine = transmissions[e]
        let theirs = trackers[g].transmissions[j]
        pairs.append((mine.sendStep, g, theirs.sendStep))
        if let l = mine.firstLanding, let m = theirs.firstLanding {
          pairs.append((l.step, g, m.step))
        }
      }
    }
    pairs.sort { ($0.engine, $0.group) < ($1.engine, $1.group) }

    // The host's sockets: one for each connection its segments show.
    let firstSocket = Int32(sockets.count)
    for (g, t) in trackers.enumerated() {
      var info = t.sockets[Int(side[g])]
      info.host = h
      sockets.append(info)
    }
    hosts[Int(h)].isTCP = true
    hosts[Int(h)].tracked = true

    var out = ChunkedArray<TraceRecord>()
    var snapshotFor: [Int: [Int32: Int32]] = [:]  // per connection: tracker snapshot → ours
    // The connection shown and the tracker step reached in each. A tracker's step 0 is the
    // scene before its first segment (a side that answers a SYN with SYN,ACK was listening).
    var shownGroup = 0
    var cur = [Int32](repeating: 0, count: trackers.count)
    var p = 0
    func knownFrom(_ g: Int) -> Int {
      side[g] == 0 ? trackers[g].stateKnownFrom.left : trackers[g].stateKnownFrom.right
    }
    var known = knownFrom(0) == 0 ? 0 : -1
    // The tracked host's panel needs a place in every step, snapshots recorded or not.
    while stepPanels.count < steps.count { stepPanels.append(.none) }
    for s in 0..<steps.count {
      var step = steps[s]
      let first = Int32(out.count)
      for var r in records(ofStep: s) {
        // The host has a TCB now, if an inferred one: a landing is no longer "no TCP here".
        if r.host == h, case .arrive(let tx, .noTCP?) = r.event {
          r.event = .arrive(tx: tx, note: nil)
        }
        out.append(r)
      }
      while p < pairs.count && pairs[p].engine <= Int32(s) {
        let (g, reached) = (pairs[p].group, pairs[p].tracker)
        p += 1
        shownGroup = g
        guard reached > cur[g] else { continue }
        // The tracker's state changes for this host, from the steps now reached.
        for ts in Int(cur[g] + 1)...Int(reached) {
          for r in trackers[g].records(ofStep: ts) where r.host == side[g] {
            guard case .state(_, let from, let to) = r.event else { continue }
            out.append(
              TraceRecord(
                step: Int32(s), time: step.time, host: h,
                event: .state(socket: firstSocket + Int32(g), from: from, to: to)))
          }
        }
        cur[g] = reached
      }
      let g = shownGroup
      if known < 0 && knownFrom(g) >= 0 && cur[g] >= Int32(knownFrom(g)) { known = s }
      var shown: Int32 = -1
      let ts = trackers[g].stepPanels[Int(cur[g])]
      let c = side[g] == 0 ? ts.leftConnection : ts.rightConnection
      if c >= 0 {
        if let mine = snapshotFor[g]?[c] {
          shown = mine
        } else {
          var snap = trackers[g].connectionSnapshots[Int(c)]
          snap.socket = firstSocket + Int32(g)
          connectionSnapshots.append(snap)
          shown = Int32(connectionSnapshots.count - 1)
          snapshotFor[g, default: [:]][c] = shown
        }
      }
      step.firstRecord = first
      step.recordCount = Int32(out.count) - first
      if h == left {
        stepPanels[s].leftConnection = shown
      } else {
        stepPanels[s].rightConnection = shown
      }
      steps[s] = step
    }
    records = out
    if h == left { stateKnownFrom.left = known } else { stateKnownFrom.right = known }
  }
}
