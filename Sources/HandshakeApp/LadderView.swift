import HandshakeLessons
import HandshakeSim
import TerminalUI

/// The ladder: two time lines, one arrow per segment from the step that sent it to the step it
/// landed in, labelled with flags, sequence and acknowledgement numbers and length. A step takes
/// a row for what arrived and a row for what left, so a reply starts below its cause and every
/// arrow slants down across the link. Long pauses are drawn as a break ("60 s later"); the view
/// scrolls to keep the current step at the bottom.
enum LadderView {
  enum RowKind: Equatable {
    case arrival(Int)
    case departure(Int)
    case event(Int)
    case gap(VirtualDuration)
    /// A folded step of background traffic (an attacker's segments), summarised in one row.
    case summary(Int, segments: Int)
    /// The steps before the first row shown, summarised: how many, and the segments they sent.
    case earlier(steps: Int, segments: [String])

    var step: Int? {
      switch self {
      case .arrival(let s), .departure(let s), .event(let s), .summary(let s, _): s
      case .gap, .earlier: nil
      }
    }
  }

  /// A background step with this many records or more is shown as one summary row.
  static let summaryThreshold = 5

  /// Gaps at least this long get a break row.
  static let breakGap = VirtualDuration.millis(500)

  /// Line directions, for merging crossing lines into one box character.
  struct Bits: OptionSet {
    let rawValue: UInt8
    static let up = Bits(rawValue: 1)
    static let down = Bits(rawValue: 2)
    static let left = Bits(rawValue: 4)
    static let right = Bits(rawValue: 8)

    var character: String {
      switch rawValue {
      case 3, 1, 2: "│"
      case 12, 4, 8: "─"
      case 10: "╭"
      case 6: "╮"
      case 9: "╰"
      case 5: "╯"
      case 11: "├"
      case 7: "┤"
      case 14: "┬"
      case 13: "┴"
      case 15: "┼"
      default: " "
      }
    }
  }

  /// The drawing surface: line bits and their style per cell, then text on top.
  struct Canvas {
    let area: Rect
    var bits: [Bits]
    var styles: [Style?]
    var dashed: [Bool]
    /// Cells of the newest arrow, drawn with heavy lines (the mark is the shape, not a colour).
    var heavy: [Bool]
    var texts: [(x: Int, y: Int, text: String, style: Style)] = []

    init(_ area: Rect) {
      self.area = area
      bits = Array(repeating: [], count: area.width * area.height)
      styles = Array(repeating: nil, count: area.width * area.height)
      dashed = Array(repeating: false, count: area.width * area.height)
      heavy = Array(repeating: false, count: area.width * area.height)
    }

    mutating func line(
      _ x: Int, _ y: Int, _ b: Bits, _ style: Style, dashed d: Bool = false, heavy h: Bool = false
    ) {
      guard x >= area.x, x < area.maxX, y >= area.y, y < area.maxY else { return }
      let i = (y - area.y) * area.width + (x - area.x)
      bits[i].formUnion(b)
      styles[i] = style
      if d { dashed[i] = true }
      if h { heavy[i] = true }
    }

    mutating func text(_ s: String, _ x: Int, _ y: Int, _ style: Style) {
      guard y >= area.y, y < area.maxY else { return }
      texts.append((x, y, s, style))
    }

    func draw(into f: inout Frame, base: Style) {
      for y in 0..<area.height {
        for x in 0..<area.width {
          let i = y * area.width + x
          guard !bits[i].isEmpty else { continue }
          var ch = bits[i].character
          if dashed[i] { ch = ch == "│" ? "┆" : ch == "─" ? "┄" : ch }
          if heavy[i] { ch = LadderView.heavyLine[ch] ?? ch }
          f.put(ch, x: area.x + x, y: area.y + y, style: styles[i] ?? base)
        }
      }
      for t in texts { f.put(t.text, x: t.x, y: t.y, style: t.style, clip: area) }
    }
  }

  /// Light box characters and their heavy forms, for the newest arrow.
  static let heavyLine: [String: String] = [
    "─": "━", "│": "┃", "╭": "┏", "╮": "┓", "╰": "┗", "╯": "┛", "├": "┣", "┤": "┫", "┼": "╋",
    "┬": "┳", "┴": "┻",
  ]

  static func arrowStyle(_ t: Transmission, _ theme: Theme) -> Style {
    let f = t.segment.flags
    if f.contains(.rst) { return theme["arrow_rst"] }
    if f.contains(.syn) { return theme["arrow_syn"] }
    if f.contains(.fin) { return theme["arrow_fin"] }
    if !t.segment.payload.isEmpty { return theme["arrow_data"] }
    return theme["arrow_ack"]
  }

  /// The arrow's label, as long as fits: "PSH,ACK seq=1 ack=1 len=32", "PSH,ACK 1/1 32B", "PSH,ACK".
  static func label(_ m: AppModel, _ tx: Int, width: Int) -> String {
    let tl = m.timeline
    let t = tl.transmissions[tx]
    let s = t.segment
    let base = m.absolute ? nil : tl.relativeBase(for: tx)
    let seq = base.map { s.seq.rawValue &- $0.seq.rawValue } ?? s.seq.rawValue
    let ack = base.map { s.ack.rawValue &- $0.ack.rawValue } ?? s.ack.rawValue
    var who = ""
    if t.from != tl.left && t.from != tl.right { who = tl.hostName(t.from) + ": " }
    var full = who + s.flags.label + " seq=\(seq)"
    if s.flags.contains(.ack) { full += " ack=\(ack)" }
    if !s.payload.isEmpty { full += " len=\(s.payload.count)" }
    if !s.options.sackBlocks.isEmpty { full += " sack" }
    // A simultaneous open's SYN,ACK repeats the SYN's number but is no loss: no mark.
    if t.isRetransmission && !tl.isSynResentWithAck(tx) { full += " ↻" }
    var mid = who + s.flags.label + " \(seq)"
    if s.flags.contains(.ack) { mid += "/\(ack)" }
    if !s.payload.isEmpty { mid += " \(s.payload.count)B" }
    for candidate in [full, mid, who + s.flags.label, s.flags.label]
    where candidate.displayWidth <= width {
      return candidate
    }
    // Words, never a number, are what is cut, and the cut is marked.
    return width >= 2 ? s.flags.label.prefix(columns: width - 1) + "…" : ""
  }

  static func draw(_ f: inout Frame, _ r: Rect, _ m: AppModel) {
    guard r.width >= 12 && r.height >= 3 else { return }
    let tl = m.timeline
    let theme = m.theme
    // The step shown: one before the current while an open question would give its answer away.
    let k = m.shownStep
    let wide = r.width >= 56
    let margin = wide ? 13 : 1
    let xL = r.x + margin
    let xR = r.maxX - 1 - margin
    let leftName = tl.hostName(tl.left)
    let rightName = tl.hostName(tl.right)
    // Header: the hosts' names over their lines.
    f.put(
      leftName.prefix(columns: max(1, xR - xL - 1)),
      x: wide ? max(r.x, xL - leftName.displayWidth / 2) : xL, y: r.y, style: theme["host_name"],
      clip: r)
    let rn = rightName.prefix(columns: max(1, xR - xL - 1))
    f.put(
      rn,
      x: wide ? min(r.maxX - rn.displayWidth, xR - rn.displayWidth / 2) : xR - rn.displayWidth + 1,
      y: r.y, style: theme["host_name"], clip: r)
    let area = Rect(x: r.x, y: r.y + 1, width: r.width, height: r.height - 1)

    // Rows, built back from the current step until the area is full.
    var specs: [RowKind] = []
    var s = k
    while s >= 1 && specs.count < area.height {
      let recs = tl.records(ofStep: s)
      var mine: [RowKind] = []
      if tl.steps[s].background && recs.count >= summaryThreshold {
        mine.append(.summary(s, segments: recs.filter { $0.kind == .send }.count))
      } else {
        if recs.contains(where: { $0.kind == .arrive || $0.kind == .drop }) {
          mine.append(.arrival(s))
        }
        if recs.contains(where: { $0.kind == .send }) { mine.append(.departure(s)) }
        if mine.isEmpty { mine.append(.event(s)) }
      }
      specs.append(contentsOf: mine.reversed())
      if s > 1 {
        let gap = tl.steps[s].time - tl.steps[s - 1].time
        if gap >= breakGap { specs.append(.gap(gap)) }
      }
      s -= 1
    }
    specs.reverse()
    if specs.count > area.height { specs.removeFirst(specs.count - area.height) }
    // Steps before the first row shown keep their place in one summary row at the top, so a
    // long run does not lose its beginning (z shows the whole run).
    if let firstShown = specs.compactMap(\.step).first, firstShown > 1, area.height >= 4 {
      let hidden = firstShown - 1
      // The first few kinds of segment the ladder hosts sent: a bounded look from the start,
      // so the cost of a frame does not grow with how far into a long run it is.
      var segs: [String] = []
      var tx = 0
      while tx < tl.transmissions.count && tx < 4096 && segs.count < 8
        && tl.transmissions[tx].sendStep < Int32(firstShown)
      {
        let t = tl.transmissions[tx]
        tx += 1
        guard t.from == tl.left || t.from == tl.right else { continue }
        let f = t.segment.flags.label
        if segs.last != f { segs.append(f) }
      }
      specs[0] = .earlier(steps: hidden, segments: segs)
    }
    var arrivalRow: [Int: Int] = [:]
    var departureRow: [Int: Int] = [:]
    var firstRow: [Int: Int] = [:]
    var summarized: Set<Int> = []
    for (i, spec) in specs.enumerated() {
      let y = area.y + i
      switch spec {
      case .arrival(let st): arrivalRow[st] = y
      case .departure(let st): departureRow[st] = y
      case .summary(let st, _): summarized.insert(st)
      default: break
      }
      if let st = spec.step, firstRow[st] == nil { firstRow[st] = y }
    }
    let bottom = area.y + specs.count - 1
    let firstVisible = specs.compactMap(\.step).first ?? k

    var c = Canvas(area)
    let life = theme["lifeline"]
    // The time lines run the whole height: below the current step, time has not happened yet.
    for y in area.y..<area.maxY {
      let isGap =
        specs.indices.contains(y - area.y)
        && { if case .gap = specs[y - area.y] { true } else { false } }()
      c.line(xL, y, [.up, .down], life, dashed: isGap)
      c.line(xR, y, [.up, .down], life, dashed: isGap)
    }
    for (i, spec) in specs.enumerated() {
      let y = area.y + i
      if case .gap(let d) = spec {
        let text = " " + m.strings.format("ladder_later", ["d": d.description]) + " "
        c.text(text, xL + max(1, (xR - xL - text.displayWidth) / 2), y, theme["break"])
      }
      if case .summary(_, let n) = spec {
        let w = xR - xL - 1
        let forms = [
          " " + m.strings.count("ladder_background", n) + " ",
          " " + m.strings.count("ladder_background_short", n) + " ", " \(n) ",
        ]
        c.text(String(repeating: "≈", count: max(0, w)), xL + 1, y, theme["muted"])
        if let text = forms.first(where: { $0.displayWidth <= w }) {
          c.text(text, xL + 1 + max(0, (w - text.displayWidth) / 2), y, theme["muted"])
        }
      }
      if case .earlier(let n, let segs) = spec {
        let w = r.width - 1
        let head = "▲ " + m.strings.count("ladder_earlier", n)
        var text = head + (segs.isEmpty ? "" : ": ")
        var shown = 0
        for sg in segs {
          let more = (shown > 0 ? ", " : "") + sg
          if (text + more + " …").displayWidth > w { break }
          text += more
          shown += 1
        }
        if shown < segs.count { text += " …" }
        if text.displayWidth > w { text = head.displayWidth <= w ? head : "▲" }
        c.text(text, r.x + 1, y, theme["muted"])
      }
    }

    // Arrows.
    guard k >= 1 else {
      c.draw(into: &f, base: life)
      return
    }
    let startTx = Int(tl.steps[max(0, firstVisible - 1)].oldestPending)
    let animating = m.animation.map { $0.step == k ? $0.progress(at: m.now) : 1 } ?? 1
    var labelled: Set<Int> = []  // arrival rows that already carry a label, per direction
    var extra: [Int: Int] = [:]
    // Per departure row and direction: the first segment still in flight, and how many more.
    var flyingFrom: [Int: (tx: Int, more: Int, isNew: Bool)] = [:]
    var tx = startTx
    while tx < tl.transmissions.count && tl.transmissions[tx].sendStep <= Int32(k) {
      defer { tx += 1 }
      let t = tl.transmissions[tx]
      guard t.from >= 0, !summarized.contains(Int(t.sendStep)) else { continue }
      let fromLeft = tl.hosts[Int(t.from)].side == .left
      let style = arrowStyle(t, theme)
      // The segment that just moved (sent or landed in this step) stands out in every theme:
      // heavy lines, and its label in reverse video.
      let isNew = Int(t.sendStep) == k || t.landings.contains { Int($0.step) == k }
      var labelStyle = style
      if isNew {
        labelStyle.reverse = true
        labelStyle.bold = true
      }
      let lane = fromLeft ? xL + 2 : xR - 2
      let yd = departureRow[Int(t.sendStep)]
      let start = yd ?? (area.y - 1)
      if let y = yd {
        // Leave the sender's line and turn down.
        c.line(fromLeft ? xL : xR, y, fromLeft ? .right : .left, style, heavy: isNew)
        c.line(fromLeft ? xL + 1 : xR - 1, y, [.left, .right], style, heavy: isNew)
        c.line(lane, y, [fromLeft ? .left : .right, .down], style, heavy: isNew)
      }
      let landings = t.landings.filter { $0.step <= Int32(k) && !summarized.contains(Int($0.step)) }
      if landings.isEmpty {
        // In flight: down the lane to the bottom, dashed, with the label at the start.
        let flying = theme["arrow_in_flight"]
        if start + 1 <= bottom {
          for y in (start + 1)...bottom {
            c.line(lane, y, [.up, .down], flying, dashed: true, heavy: isNew)
          }
        }
        // One label per departure row and direction: a burst shows its first segment's
        // label and how many more left with it (written over each other they were garbled).
        if let y = yd {
          let key = y * 2 + (fromLeft ? 0 : 1)
          if let f = flyingFrom[key] {
            flyingFrom[key] = (f.tx, f.more + 1, f.isNew || isNew)
          } else {
            flyingFrom[key] = (tx, 0, isNew)
          }
        }
        continue
      }
      for l in landings {
        guard let ya = arrivalRow[Int(l.step)] else { continue }
        if ya > start {
          for y in (start + 1)..<ya where y >= area.y {
            c.line(lane, y, [.up, .down], style, heavy: isNew)
          }
          c.line(lane, ya, [.up, fromLeft ? .right : .left], style, heavy: isNew)
        } else {
          // Sent and landed within one (folded) step: straight across its arrival row.
          c.line(fromLeft ? xL : xR, ya, fromLeft ? .right : .left, style)
          for x in min(lane, fromLeft ? xL + 1 : xR - 1)...max(lane, fromLeft ? xL + 1 : xR - 1) {
            c.line(x, ya, [.left, .right], style)
          }
        }
        let end = fromLeft ? xR - 1 : xL + 1
        let span = abs(end - lane) - 1
        var reach = span
        if l.step == Int32(k) && animating < 1 { reach = Int(Double(span) * animating) }
        let dropped = l.dropped != nil
        if dropped { reach = min(reach, span * 3 / 5) }
        let dir: Int = fromLeft ? 1 : -1
        for i in 0..<reach {
          c.line(
            lane + dir * (i + 1), ya, [.left, .right], dropped ? theme["arrow_dropped"] : style,
            heavy: isNew)
        }
        let tip = lane + dir * (reach + 1)
        if dropped && reach == span * 3 / 5 {
          c.text("✕ " + m.strings["ladder_lost"], tip, ya, theme["arrow_dropped"])
        } else if reach == span {
          c.text(fromLeft ? "▶" : "◀", end, ya, style)
        }
        // One label per arrival row and direction; more arrivals are counted.
        let key = ya * 2 + (fromLeft ? 0 : 1)
        if labelled.contains(key) {
          extra[key, default: 0] += 1
          continue
        }
        labelled.insert(key)
        guard reach >= span / 2 || dropped else { continue }
        let text = label(m, tx, width: max(3, (dropped ? span * 3 / 5 : span) - 4))
        let w = text.displayWidth + 2
        let lo = min(lane, tip) + 1
        let hi = max(lane, tip)
        let x = lo + max(0, (hi - lo - w) / 2)
        var ls = dropped ? theme["arrow_dropped"] : labelStyle
        if isNew { ls.reverse = true }
        c.text(" " + text + " ", x, ya, ls)
      }
    }
    for (key, flying) in flyingFrom {
      let (y, fromLeft) = (key / 2, key % 2 == 0)
      let lane = fromLeft ? xL + 2 : xR - 2
      let more = flying.more > 0 ? " +\(flying.more)" : ""
      // From two past the lane to one short of the far line: " …" and the count included.
      let room = (xR - xL) - 8 - more.count
      let text = label(m, flying.tx, width: room) + " …" + more
      var st = theme["arrow_in_flight"]
      if flying.isNew {
        st.reverse = true
        st.bold = true
      }
      c.text(text, fromLeft ? lane + 2 : lane - 1 - text.displayWidth, y, st)
    }
    for (key, n) in extra {
      let y = key / 2
      let fromLeft = key % 2 == 0
      let text = "+\(n)"
      c.text(text, fromLeft ? xR - 2 - text.count : xL + 2, y, theme["muted"])
    }

    // State changes and calls beside the lines when there is room; the current step's marker.
    if wide {
      for st in firstVisible...k {
        guard let y = firstRow[st] else { continue }
        // A new state says most; then a timer; then a call.
        var leftNote: (String, Int)? = nil
        var rightNote: (String, Int)? = nil
        for rec in tl.records(ofStep: st) {
          var note: (String, Int)? = nil
          switch rec.event {
          case .state(_, _, let to): note = (to.rfcName, 3)
          case .timer(_, let kind): note = ("⏱ " + m.strings["timer_" + kind.rawValue], 2)
          case .app(_, let call, let result, _) where call != .recv || result != .ok:
            note = (call.rawValue + "()", 1)
          default: break
          }
          guard let n = note else { continue }
          if rec.host == tl.left && n.1 >= (leftNote?.1 ?? 0) { leftNote = n }
          if rec.host == tl.right && n.1 >= (rightNote?.1 ?? 0) { rightNote = n }
        }
        if let (n, _) = leftNote {
          c.text(
            n.prefix(columns: margin - 1), xL - 1 - min(n.displayWidth, margin - 1), y,
            theme["label"])
        }
        if let (n, _) = rightNote {
          c.text(n.prefix(columns: margin - 1), xR + 2, y, theme["label"])
        }
      }
    }
    // Where the what-if's run starts to differ from the one it was made on.
    if let b = m.branch, let y = firstRow[b.startStep] {
      // In the margin when there is one; else the marker column's one character.
      let mark = m.strings["whatif_marker"]
      if wide && mark.displayWidth <= margin - 2 {
        c.text(mark, xL - 1 - mark.displayWidth, y, theme["marker"])
      } else {
        c.text("⑂", r.x, y, theme["marker"])
      }
    }
    if let y = firstRow[k] { c.text("▸", r.x, y, theme["marker"]) }
    c.draw(into: &f, base: life)
  }
}
