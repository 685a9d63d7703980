import HandshakeLessons
import HandshakeSim
import TerminalUI

/// The whole run at once (`z`), as Wireshark's flow graph does it: one row per slice of time,
/// the segments sent in it as arrows between the two hosts, and long waits shown as a gap
/// ("… 60 s …") instead of empty rows. The current step's row is marked.
enum OverviewView {
  /// A row of the overview: the segments that left in a slice of time (and the long timers
  /// that ended in it, as TIME-WAIT), or a long wait.
  enum Row: Equatable {
    case segments(start: VirtualTime, txs: [Int], steps: ClosedRange<Int>)
    case gap(VirtualDuration)
  }

  /// What the overview places in time: a segment leaving (its transmission), or a long timer
  /// ending (-1 - record index).
  static func items(_ tl: Timeline) -> [(time: VirtualTime, item: Int, step: Int)] {
    var out: [(VirtualTime, Int, Int)] = []
    for i in tl.records.indices {
      let r = tl.records[i]
      guard r.host == tl.left || r.host == tl.right else { continue }
      switch r.event {
      case .send(let tx): out.append((r.time, Int(tx), Int(r.step)))
      case .timer(_, let kind) where kind == .timeWait || kind == .finWait2:
        out.append((r.time, -1 - i, Int(r.step)))
      default: break
      }
    }
    return out
  }

  /// Rows for `count` lines: slices as short as the run allows, with every wait longer than ten
  /// slices (and at least a second) folded into a gap row.
  static func rows(_ tl: Timeline, count: Int) -> [Row] {
    let all = items(tl)
    guard let first = all.first, count > 0 else { return [] }
    var slice = VirtualDuration.micros(1000)
    while true {
      var out: [Row] = []
      var current: (VirtualTime, [Int], Int, Int)? = nil
      var last = first.time
      for (time, item, step) in all {
        let gap = time - last
        if gap >= VirtualDuration.seconds(1) && gap >= slice * 10 {
          if let c = current { out.append(.segments(start: c.0, txs: c.1, steps: c.2...c.3)) }
          current = nil
          out.append(.gap(gap))
        }
        if let c = current, time - c.0 < slice {
          current = (c.0, c.1 + [item], c.2, step)
        } else {
          if let c = current { out.append(.segments(start: c.0, txs: c.1, steps: c.2...c.3)) }
          current = (time, [item], step, step)
        }
        last = time
      }
      if let c = current { out.append(.segments(start: c.0, txs: c.1, steps: c.2...c.3)) }
      if out.count <= count || slice.micros > 3_600_000_000 { return Array(out.prefix(count)) }
      slice = slice * 2
    }
  }

  static func draw(_ f: inout Frame, _ r: Rect, _ m: AppModel) {
    let inner = AppView.window(&f, r, title: m.strings["overview_title"], m)
    drawRuns(&f, inner, m, title: nil)
  }

  /// The overview of the model's run in `inner` (no window), with a title line if given.
  static func drawRuns(_ f: inout Frame, _ area: Rect, _ m: AppModel, title: String?) {
    let theme = m.theme
    let tl = m.timeline
    var inner = area
    if let t = title {
      f.put(t, x: inner.x + 1, y: inner.y, style: theme["marker"], clip: inner)
      inner = Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: inner.height - 1)
    }
    guard inner.height >= 3, inner.width >= 30 else { return }
    let timeWidth = 10
    let xL = inner.x + timeWidth + 2
    let xR = inner.maxX - 2
    let names = (tl.hostName(tl.left), tl.hostName(tl.right))
    f.put(
      names.0, x: xL - names.0.displayWidth / 2, y: inner.y, style: theme["host_name"], clip: inner)
    f.put(
      names.1, x: min(inner.maxX - names.1.displayWidth, xR - names.1.displayWidth / 2), y: inner.y,
      style: theme["host_name"], clip: inner)
    let all = rows(tl, count: inner.height - 1)
    let now = m.step
    for (i, row) in all.enumerated() {
      let y = inner.y + 1 + i
      f.put("│", x: xL, y: y, style: theme["lifeline"])
      f.put("│", x: xR, y: y, style: theme["lifeline"])
      switch row {
      case .gap(let d):
        f.put("┆", x: xL, y: y, style: theme["lifeline"])
        f.put("┆", x: xR, y: y, style: theme["lifeline"])
        let text = m.strings.format("overview_gap", ["d": d.description])
        f.put(text, x: xL + max(1, (xR - xL - text.displayWidth) / 2), y: y, style: theme["break"])
      case .segments(let start, let txs, let steps):
        let here = steps.contains(now) || (steps.lowerBound > now && i == 0)
        f.put(
          Format.seconds(start), x: inner.x, y: y, style: here ? theme["marker"] : theme["muted"],
          clip: inner)
        let segs = txs.filter { $0 >= 0 }
        let fromLeft = segs.filter { tl.hosts[Int(tl.transmissions[$0].from)].side == .left }
        let fromRight = segs.filter { tl.hosts[Int(tl.transmissions[$0].from)].side != .left }
        // A long timer ending: the host's name and the timer, on its side.
        let timers = txs.filter { $0 < 0 }.map { tl.records[-1 - $0] }
        let span = xR - xL - 1
        func names(_ list: [Int]) -> String {
          var seen: [String] = []
          for tx in list {
            let t = tl.transmissions[tx]
            let lost = t.landings.first?.dropped != nil
            let n = t.segment.flags.label + (lost ? "✕" : "")
            if seen.last != n { seen.append(n) }
          }
          return seen.joined(separator: ",")
        }
        var text = ""
        if !fromLeft.isEmpty { text += names(fromLeft) + " ▶" }
        if !fromRight.isEmpty { text += (text.isEmpty ? "" : "  ") + "◀ " + names(fromRight) }
        for r in timers {
          guard case .timer(_, let kind) = r.event else { continue }
          let side = r.host == tl.left ? "◁ " : ""
          let after = r.host == tl.left ? "" : " ▷"
          text +=
            (text.isEmpty ? "" : "  ") + side + "⏱ " + tl.hostName(r.host) + " "
            + m.strings["timer_" + kind.rawValue] + after
        }
        if text.displayWidth > span { text = text.prefix(columns: span - 1) + "…" }
        let line = String(repeating: segs.isEmpty ? " " : "─", count: span)
        let style = here ? theme["current_row"] : theme["arrow_ack"]
        f.put(line, x: xL + 1, y: y, style: theme["lifeline"])
        f.put(text, x: xL + 1 + max(0, (span - text.displayWidth) / 2), y: y, style: style)
        if here { f.put("▸", x: inner.x + timeWidth, y: y, style: theme["marker"]) }
      }
    }
  }
}
