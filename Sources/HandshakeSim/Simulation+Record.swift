/// Recording: effects become trace records, engine events become steps, and each step gets the
/// ladder hosts' snapshots. Triggers watch the records as they are written.
extension Simulation {
  mutating func beginEvent() {
    eventStart = tl.records.count
    primaryArrive = nil
    fx.items.removeAll(keepingCapacity: true)
    touched.removeAll(keepingCapacity: true)
  }

  mutating func record(_ event: TraceEvent, host: Int32) {
    tl.records.append(
      TraceRecord(step: Int32(tl.steps.count), time: now, host: host, event: event))
  }

  /// Turns the event's effects into records and link transmissions, in order.
  mutating func applyEffects(host h: Int32) {
    var i = 0
    // Handling an item can add more (accepting a connection records a call), so index.
    while i < fx.items.count {
      // Moved out, a placeholder left behind: copying the item retained its segment's payload
      // and options only for the list to release them again when it is emptied.
      var item = Effects.Item.closed(conn: -1)
      swap(&item, &fx.items[i])
      i += 1
      switch consume item {
      case .send(let seg, let socket, let rtx):
        transmit(seg, from: h, socket: socket, retransmission: rtx)
      case .state(let socket, let from, let to):
        record(.state(socket: socket, from: from, to: to), host: h)
      case .app(let socket, let call, let result, let bytes):
        record(.app(socket: socket, call: call, result: result, bytes: bytes), host: h)
      case .note(let n):
        if let p = primaryArrive, case .arrive(let tx, nil) = tl.records[p].event {
          tl.records[p].event = .arrive(tx: tx, note: n)
        }
      case .timer(let socket, let kind):
        record(.timer(socket: socket, kind: kind), host: h)
      case .established(let c):
        connectionEstablished(c, host: h)
      case .closed(let c):
        connectionClosed(c)
      }
    }
    fx.items.removeAll(keepingCapacity: true)
    for c in touched { scheduleWake(c) }
  }

  /// Makes sure the connection wakes at its earliest deadline.
  private mutating func scheduleWake(_ c: Int32) {
    // Read through a pointer: Array's getter would copy the whole connection.
    guard let d = conns.withUnsafeBufferPointer({ $0[Int(c)].nextDeadline }) else { return }
    if let w = connWake[Int(c)], w <= d { return }
    connWake[Int(c)] = d
    queue.push(d, .wake(conn: c))
  }

  /// Closes the event: its records become a step (or join the previous background step), with
  /// the ladder hosts' snapshots; triggers see the new records.
  mutating func endEvent() {
    let first = eventStart
    let count = tl.records.count - first
    guard count > 0 else { return }
    let background = isBackground(records: first..<tl.records.count)
    let fold =
      background && (scenario.stepPolicy.foldBackgroundAfter.map { backgroundSteps >= $0 } ?? false)
      && tl.steps.count > 1 && tl.steps[tl.steps.count - 1].background
    // A ladder host that nothing in this event touched keeps its snapshots.
    let snap = scenario.recordSnapshots
    var panels = Timeline.StepPanels.none
    if snap {
      let prev = tl.stepPanels[tl.stepPanels.count - 1]
      (panels.leftConnection, panels.leftListener) =
        touches(Int32(scenario.left), first)
        ? snapshotIndices(
          host: Int32(scenario.left), previous: (prev.leftConnection, prev.leftListener))
        : (prev.leftConnection, prev.leftListener)
      (panels.rightConnection, panels.rightListener) =
        touches(Int32(scenario.right), first)
        ? snapshotIndices(
          host: Int32(scenario.right), previous: (prev.rightConnection, prev.rightListener))
        : (prev.rightConnection, prev.rightListener)
    }
    if fold {
      let s = tl.steps.count - 1
      let stepIndex = Int32(s)
      for r in first..<tl.records.count { tl.records[r].step = stepIndex }
      for tx in tl.transmissions.indices.reversed() {
        guard tl.transmissions[tx].sendStep == Int32(tl.steps.count) else { break }
        tl.transmissions[tx].sendStep = stepIndex
      }
      for r in first..<tl.records.count {
        if let tx = tl.records[r].transmission, case .send = tl.records[r].event {
          _ = tx
        } else if let tx = tl.records[r].transmission {
          let current = Int32(tl.steps.count)
          if tl.transmissions[Int(tx)].secondLanding?.step == current {
            tl.transmissions[Int(tx)].secondLanding?.step = stepIndex
          } else if tl.transmissions[Int(tx)].firstLanding?.step == current {
            tl.transmissions[Int(tx)].firstLanding?.step = stepIndex
          }
        }
      }
      tl.steps[s].recordCount += Int32(count)
      tl.steps[s].time = now
      tl.steps[s].oldestPending = oldestPending
      if snap { tl.stepPanels[s] = panels }
    } else {
      if background { backgroundSteps += 1 }
      tl.steps.append(
        Timeline.StepInfo(
          firstRecord: Int32(first), recordCount: Int32(count), time: now,
          oldestPending: oldestPending, background: background))
      if snap { tl.stepPanels.append(panels) }
    }
    if !triggers.isEmpty { checkTriggers(first..<tl.records.count) }
  }

  /// Whether the records from `first` on, or a connection woken in this event, belong to host `h`.
  private func touches(_ h: Int32, _ first: Int) -> Bool {
    for r in first..<tl.records.count where tl.records[r].host == h { return true }
    for c in touched where conns[Int(c)].host == h { return true }
    return false
  }

  /// Snapshot indices for a ladder host, reusing the previous ones when nothing changed.
  private mutating func snapshotIndices(host h: Int32, previous: (Int32, Int32)?) -> (Int32, Int32)
  {
    var ci: Int32 = -1
    var li: Int32 = -1
    if let c = hosts[Int(h)].focus {
      let snap = conns[Int(c)].takeSnapshot()
      if let p = previous?.0, p >= 0,
        tl.connectionSnapshots[Int(p)] == snap
      {
        ci = p
      } else {
        ci = Int32(tl.connectionSnapshots.count)
        tl.connectionSnapshots.append(snap)
      }
    }
    if let l = hosts[Int(h)].focusListener {
      let snap = listeners[Int(l)].snapshot
      if let p = previous?.1, p >= 0, tl.listenerSnapshots[Int(p)] == snap {
        li = p
      } else {
        li = Int32(tl.listenerSnapshots.count)
        tl.listenerSnapshots.append(snap)
      }
    }
    return (ci, li)
  }

  /// True when none of the records involves the ladder: segments between the two ladder hosts,
  /// or calls, states and timers of their sockets that face each other (or listen).
  private func isBackground(records: Range<Int>) -> Bool {
    let l = Int32(scenario.left)
    let r = Int32(scenario.right)
    for i in records {
      let rec = tl.records[i]
      guard rec.host == l || rec.host == r else { continue }
      switch rec.event {
      case .send(let tx), .arrive(let tx, _), .drop(let tx, _):
        let from = tl.transmissions[Int(tx)].from
        let to = tl.transmissions[Int(tx)].to
        if (from == l || from == r) && (to == l || to == r) { return false }
      case .app(let s, _, _, _), .state(let s, _, _), .timer(let s, _):
        guard s >= 0 else { return false }
        let info = tl.sockets[Int(s)]
        if info.isListener { return false }
        let peer = rec.host == l ? r : l
        if info.remoteAddress == hosts[Int(peer)].spec.address { return false }
      }
    }
    return true
  }

  private mutating func checkTriggers(_ range: Range<Int>) {
    for r in range {
      for i in triggers.indices where !triggers[i].done {
        guard tl.matches(triggers[i].pattern, record: tl.records[r]) else { continue }
        triggers[i].matched += 1
        if triggers[i].matched >= triggers[i].pattern.nth {
          triggers[i].done = true
          queue.push(now + triggers[i].delay, .action(entry: triggers[i].entry, round: 0))
        }
      }
    }
  }
}

extension Timeline {
  /// Whether a record satisfies a pattern's conditions (not counting `nth`).
  public func matches(_ p: EventPattern, record r: TraceRecord) -> Bool {
    guard r.kind == p.kind else { return false }
    if let h = p.host, Int32(h) != r.host { return false }
    switch r.event {
    case .send(let tx), .arrive(let tx, _), .drop(let tx, _):
      let seg = transmissions[Int(tx)].segment
      if let s = p.sender, Int32(s) != transmissions[Int(tx)].from { return false }
      if let f = p.flags, !seg.flags.isSuperset(of: f) { return false }
      if !seg.flags.intersection(p.withoutFlags).isEmpty { return false }
      if let d = p.hasData, d != !seg.payload.isEmpty { return false }
      if let n = p.note {
        guard case .arrive(_, let note) = r.event, note == n else { return false }
      }
    case .state(_, let from, let to):
      if let s = p.state, s != to { return false }
      if let s = p.fromState, s != from { return false }
    case .app(_, let call, let result, _):
      if let c = p.call, c != call { return false }
      if let res = p.result, res != result { return false }
    case .timer(_, let kind):
      if let k = p.timer, k != kind { return false }
    }
    return true
  }
}
