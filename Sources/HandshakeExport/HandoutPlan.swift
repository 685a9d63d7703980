import HandshakeSim

/// What a handout draws, row by row: the steps in which the two hosts on the diagram do
/// something, and, folded into one row each, runs of steps whose only traffic is with hosts off
/// the diagram (an attacker and the spoofed addresses it uses). Every transmission of the run is
/// accounted for exactly once: as an arrow (`arrows`) or in a row's `offDiagram` list.
struct HandoutPlan: Sendable {
  enum Row: Hashable, Sendable {
    /// One step with something on the diagram.
    case step(Int)
    /// Consecutive steps with traffic off the diagram only.
    case folded(ClosedRange<Int>)
  }

  /// A note beside one host's lifeline: the states it passed through and its socket calls.
  struct Note: Hashable, Sendable {
    var states: [TCPState] = []
    var calls: [String] = []
    /// How the host handled a segment that arrived, when that matters (a full SYN queue).
    var arrivals: [ArrivalNote] = []
    var isEmpty: Bool { states.isEmpty && calls.isEmpty && arrivals.isEmpty }
  }

  let timeline: Timeline
  private(set) var rows: [Row] = []
  /// Row index of every step (the row it is drawn in, or the folded row that holds it).
  private(set) var rowOfStep: [Int] = []
  /// The transmissions drawn as arrows between the two lifelines, in the order they were sent.
  private(set) var arrows: [Int] = []
  /// Per row: transmissions to or from hosts off the diagram, summarised rather than drawn.
  private(set) var offDiagram: [[Int]] = []
  /// Per row: notes beside the left and right lifelines.
  private(set) var notes: [(left: Note, right: Note)] = []

  init(_ timeline: Timeline) {
    self.timeline = timeline
    for i in 0..<timeline.stepCount { place(step: i) }
  }

  /// True if a transmission goes between the two hosts on the diagram.
  func isOnDiagram(_ tx: Int) -> Bool {
    let t = timeline.transmissions[tx]
    let ends: Set<Int32> = [timeline.left, timeline.right]
    return ends.contains(t.from) && ends.contains(t.to)
  }

  /// True if a socket's events belong beside a lifeline: a listener, or a connection between
  /// the two hosts (not one of the half-open connections an attacker's SYNs made).
  private func isOnDiagram(socket s: Int32) -> Bool {
    guard s >= 0 && Int(s) < timeline.sockets.count else { return false }
    let info = timeline.sockets[Int(s)]
    if info.isListener { return true }
    guard let remote = info.remoteAddress else { return true }
    let other = info.host == timeline.left ? timeline.right : timeline.left
    return remote == timeline.hosts[Int(other)].address
  }

  private mutating func place(step i: Int) {
    var note = (left: Note(), right: Note())
    var onDiagram = false
    var off: [Int] = []
    var offTraffic = false
    for r in timeline.records(ofStep: i) {
      if let tx = r.transmission {
        if isOnDiagram(Int(tx)) {
          onDiagram = true
          switch r.event {
          case .send: arrows.append(Int(tx))
          case .arrive(_, let n?) where r.host == timeline.left: note.left.arrivals.append(n)
          case .arrive(_, let n?) where r.host == timeline.right: note.right.arrivals.append(n)
          default: break
          }
        } else {
          offTraffic = true
          // A segment off the diagram is counted once, where it was sent.
          if case .send = r.event { off.append(Int(tx)) }
        }
        continue
      }
      guard r.host == timeline.left || r.host == timeline.right else { continue }
      var n = Note()
      switch r.event {
      case .state(let s, _, let to) where isOnDiagram(socket: s):
        n.states.append(to)
      case .app(let s, let call, let result, _) where call == .sysctl || isOnDiagram(socket: s):
        // A successful read is the data arriving, and a connect() that completes is the
        // ESTABLISHED beside it: the arrow and the state already say so.
        if (call == .recv || call == .connect) && result == .ok { continue }
        n.calls.append(call.rawValue + "()" + (result.isError ? " = " + result.rawValue : ""))
      default:
        continue
      }
      onDiagram = true
      if r.host == timeline.left {
        note.left.states += n.states
        note.left.calls += n.calls
      } else {
        note.right.states += n.states
        note.right.calls += n.calls
      }
    }
    // A step with traffic off the diagram only joins the folded row before it; it starts one
    // only if it sends something, so no band says "0 segments".
    let offOnly = !onDiagram && offTraffic
    if offOnly, case .folded(let range)? = rows.last, range.upperBound == i - 1 {
      rows[rows.count - 1] = .folded(range.lowerBound...i)
      offDiagram[offDiagram.count - 1] += off
      rowOfStep.append(rows.count - 1)
      return
    }
    rows.append(offOnly && !off.isEmpty ? .folded(i...i) : .step(i))
    offDiagram.append(off)
    notes.append(note)
    rowOfStep.append(rows.count - 1)
  }

  /// True if a row has nothing to draw (no arrow leaves or lands in it, no note, nothing off
  /// the diagram); the text handout leaves such rows out unless they carry narration.
  func isEmpty(row k: Int) -> Bool {
    guard case .step(let i) = rows[k] else { return false }
    guard notes[k].left.isEmpty && notes[k].right.isEmpty && offDiagram[k].isEmpty else {
      return false
    }
    return !timeline.records(ofStep: i).contains { r in
      r.transmission.map { isOnDiagram(Int($0)) } ?? false
    }
  }

  /// "attacker → server: SYN ×120; server → spoofed: SYN,ACK ×110 (lost)": the segments off
  /// the diagram, grouped by who sent what to whom, in order of first appearance.
  func summary(of txs: [Int], spoofed: String, lost: String) -> String {
    struct Key: Hashable {
      var from: Int32
      var to: Int32
      var flags: String
      var lost: Bool
    }
    var order: [Key] = []
    var counts: [Key: Int] = [:]
    for tx in txs {
      let t = timeline.transmissions[tx]
      let k = Key(
        from: t.from, to: t.to, flags: t.segment.flags.label,
        lost: t.wasLost)
      if counts[k] == nil { order.append(k) }
      counts[k, default: 0] += 1
    }
    return order.map { k in
      let to = k.to >= 0 ? timeline.hostName(k.to) : spoofed
      let n = counts[k]!
      return timeline.hostName(k.from) + " → " + to + ": " + k.flags + (n > 1 ? " ×\(n)" : "")
        + (k.lost ? " (" + lost + ")" : "")
    }.joined(separator: "; ")
  }
}

extension Transmission {
  /// Every copy was lost on the way (a segment still on the wire when the run stopped is not).
  var wasLost: Bool { firstLanding != nil && landings.allSatisfy { $0.dropped != nil } }
}
