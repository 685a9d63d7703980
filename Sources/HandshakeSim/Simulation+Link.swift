/// The link: latency per direction, deterministic faults, seeded random loss, duplication,
/// reordering and jitter. It carries segments; it never makes them up.
extension Simulation {
  /// How long a reordered segment is held at most, waiting for one to overtake it.
  static let reorderHold = VirtualDuration.millis(200)

  /// Puts a segment on the wire from host `from` and schedules its landing.
  mutating func transmit(
    _ seg: consuming Segment, from: Int32, socket: Int32, retransmission: Bool
  ) {
    let tx = Int32(tl.transmissions.count)
    let to = host(at: seg.destination)
    hosts[Int(from)].ipID &+= 1
    tl.transmissions.append(
      Transmission(
        segment: consume seg, from: from, to: to, socket: socket, sentAt: now,
        sendStep: Int32(tl.steps.count), ipID: hosts[Int(from)].ipID,
        isRetransmission: retransmission, firstLanding: nil, secondLanding: nil))
    outstanding.append(0)
    record(.send(tx: tx), host: from)

    let link = scenario.link
    let fromSide = hosts[Int(from)].spec.side
    let toSide = to >= 0 ? hosts[Int(to)].spec.side : (fromSide == .left ? Side.right : .left)
    var latency = toSide == .right ? link.leftToRight : link.rightToLeft
    // A host's own extra delay on what it sends (a slow uplink; a what-if's "latency").
    latency = latency + hosts[Int(from)].sendDelay
    if link.jitter.micros > 0 {
      latency = latency + .micros(Int64(rng.next() % UInt64(link.jitter.micros + 1)))
    }
    var drop: DropReason? = nil
    var duplicate = false
    var reorder = false
    for (i, rule) in link.faults.enumerated()
    where rule.matches(tl.transmissions[Int(tx)].segment, from: Int(from)) {
      faultMatches[i] += 1
      let n = faultMatches[i]
      guard n >= rule.nth && n < rule.nth + rule.count else { continue }
      switch rule.action {
      case .drop: drop = .fault
      case .duplicate: duplicate = true
      case .delay(let d): latency = latency + d
      case .reorder: reorder = true
      case .corrupt: if drop == nil { drop = .corrupt }
      }
    }
    if drop == nil && link.loss > 0 && rng.unit() < link.loss { drop = .loss }
    if link.duplicate > 0 && rng.unit() < link.duplicate { duplicate = true }
    if link.reorder > 0 && rng.unit() < link.reorder { reorder = true }
    if to < 0 { drop = .noHost }

    let arrival = now + latency
    let dir = toSide == .right ? 0 : 1
    if let reason = drop {
      schedule(arrival, .lost(tx: tx, copy: 0, reason: reason), tx)
      return
    }
    if reorder && held[dir] == nil {
      held[dir] = (tx, arrival)
      schedule(arrival + Self.reorderHold, .release(tx: tx), tx)
    } else {
      schedule(arrival, .arrive(tx: tx, copy: 0), tx)
      if let h = held[dir] {
        // The held segment lands right after this one: it has been overtaken.
        held[dir] = nil
        schedule(max(arrival, h.time), .arrive(tx: h.tx, copy: 0), h.tx)
      }
    }
    if duplicate {
      schedule(arrival + .micros(max(1, latency.micros / 10)), .arrive(tx: tx, copy: 1), tx)
    }
  }

  /// The host with address `a` (the first, if two share it), or -1.
  func host(at a: IPv4Address) -> Int32 {
    if hostAddresses.count <= 8 {
      for (i, h) in hostAddresses.enumerated() where h == a { return Int32(i) }
      return -1
    }
    return hostByAddress[a] ?? -1
  }

  private mutating func schedule(_ t: VirtualTime, _ kind: EventQueue.Kind, _ tx: Int32) {
    outstanding[Int(tx)] += 1
    queue.push(t, kind)
  }

  /// A held segment's deadline: if nothing overtook it, it lands now.
  mutating func releaseHeld(tx: Int32) {
    for dir in 0..<2 where held[dir]?.tx == tx {
      held[dir] = nil
      arrive(tx: tx, copy: 0)  // lands the release's own scheduled copy
      return
    }
    land(tx)  // already released by an overtaking segment
  }

  /// One scheduled copy has landed (arrived, lost, or its hold expired).
  private mutating func land(_ tx: Int32) {
    outstanding[Int(tx)] -= 1
    while Int(oldestPending) < outstanding.count && outstanding[Int(oldestPending)] == 0 {
      oldestPending += 1
    }
  }

  /// A copy reaches its receiver, which processes it.
  mutating func arrive(tx: Int32, copy: UInt8) {
    land(tx)
    // Fields are read in place: copying the whole transmission retains its payload for nothing.
    let host = tl.transmissions[Int(tx)].to
    tl.transmissions[Int(tx)].land(
      Transmission.Landing(time: now, step: Int32(tl.steps.count), dropped: nil))
    primaryArrive = tl.records.count
    record(.arrive(tx: tx, note: nil), host: host)
    guard host >= 0 else { return }
    if hosts[Int(host)].spec.isTCP {
      segmentArrives(tl.transmissions[Int(tx)].segment, host: host)
    } else {
      fx.note(.noTCP)
    }
  }

  /// A copy the link lost: recorded at the would-be receiver when it would have arrived.
  mutating func lose(tx: Int32, copy: UInt8, reason: DropReason) {
    land(tx)
    tl.transmissions[Int(tx)].land(
      Transmission.Landing(time: now, step: Int32(tl.steps.count), dropped: reason))
    record(.drop(tx: tx, reason: reason), host: tl.transmissions[Int(tx)].to)
  }
}
