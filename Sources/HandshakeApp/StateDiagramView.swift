import HandshakeLessons
import HandshakeSim
import TerminalUI

/// RFC 9293's state diagram (§3.3.2 Figure 5) with both ladder hosts' current states marked and
/// the last transition highlighted.
enum StateDiagramView {
  /// Where each state's node stands (column, row) in a 78×18 layout.
  static let nodes: [TCPState: (x: Int, y: Int)] = [
    .closed: (33, 0), .listen: (14, 3), .synReceived: (1, 6), .synSent: (53, 6),
    .established: (30, 9), .finWait1: (1, 12), .closing: (29, 12), .closeWait: (53, 12),
    .finWait2: (1, 15), .timeWait: (29, 15), .lastAck: (53, 15),
  ]

  static func nodeText(_ s: TCPState) -> String { "[ \(s.rfcName) ]" }

  static func anchor(_ s: TCPState) -> (cx: Int, y: Int, x0: Int, x1: Int) {
    let n = nodes[s]!
    let w = nodeText(s).count
    return (n.x + w / 2, n.y, n.x, n.x + w - 1)
  }

  /// The figure's edges drawn, and how: down through the row between, or along a row.
  static let drawn: [(TCPState, TCPState)] = [
    (.closed, .listen), (.closed, .synSent), (.listen, .synReceived), (.listen, .synSent),
    (.synSent, .synReceived), (.synReceived, .established), (.synSent, .established),
    (.synReceived, .finWait1), (.established, .finWait1), (.established, .closeWait),
    (.finWait1, .finWait2), (.finWait1, .closing), (.finWait1, .timeWait), (.finWait2, .timeWait),
    (.closing, .timeWait), (.closeWait, .lastAck),
  ]

  static func draw(_ f: inout Frame, _ r: Rect, _ m: AppModel) {
    let s = m.strings
    let theme = m.theme
    let inner = AppView.window(&f, r, title: s["diagram_title"], m)
    let ox = inner.x + max(0, (inner.width - 78) / 2)
    let oy = inner.y
    let tl = m.timeline
    let left = tl.endpoint(.left, atStep: m.step).state
    let right = tl.endpoint(.right, atStep: m.step).state
    // The last transition of a ladder host, up to this step.
    var last: (host: String, from: TCPState, to: TCPState)? = nil
    var i = Int(tl.steps[m.step].firstRecord + tl.steps[m.step].recordCount) - 1
    while i >= 0 && last == nil {
      let rec = tl.records[i]
      if case .state(_, let from, let to) = rec.event, rec.host == tl.left || rec.host == tl.right {
        last = (tl.hostName(rec.host), from, to)
      }
      i -= 1
    }

    var c = LadderView.Canvas(inner)
    for (a, b) in drawn {
      let hot = last.map { $0.from == a && $0.to == b } ?? false
      let style = hot ? theme["diagram_edge_last"] : theme["diagram_edge"]
      let sa = anchor(a)
      let sb = anchor(b)
      if sa.y == sb.y {
        // Along the row, between the two nodes.
        let (from, to) = sa.x1 < sb.x0 ? (sa.x1 + 1, sb.x0 - 1) : (sb.x1 + 1, sa.x0 - 1)
        for x in from...to { c.line(ox + x, oy + sa.y, [.left, .right], style) }
        c.text(sa.x1 < sb.x0 ? "▶" : "◀", ox + (sa.x1 < sb.x0 ? to : from), oy + sa.y, style)
        continue
      }
      // Down from the source, across the row below it, down into the target.
      let mid = sa.y + 1
      let xs = a == .closed && b == .synSent ? sb.cx : sa.cx
      if xs != sa.cx {
        for x in min(xs, sa.x1 + 1)...max(xs, sa.x1 + 1) {
          c.line(ox + x, oy + sa.y, [.left, .right], style)
        }
        c.line(ox + xs, oy + sa.y, [.left, .down], style)
      } else {
        c.line(ox + xs, oy + mid, [.up], style)
      }
      let xt = b == .timeWait && a == .finWait1 ? sb.x0 + 2 : sb.cx
      c.line(ox + xs, oy + mid, [.up, xt > xs ? .right : xt < xs ? .left : .down], style)
      if xt != xs {
        for x in (min(xs, xt) + 1)..<max(xs, xt) {
          c.line(ox + x, oy + mid, [.left, .right], style)
        }
        c.line(ox + xt, oy + mid, [xt > xs ? .left : .right, .down], style)
      }
      for y in (mid + 1)..<(sb.y - 1) { c.line(ox + xt, oy + y, [.up, .down], style) }
      c.text("▼", ox + xt, oy + sb.y - 1, style)
    }
    // Back to CLOSED from LAST-ACK and TIME-WAIT, written rather than routed.
    for s0 in [TCPState.lastAck, .timeWait] {
      let a = anchor(s0)
      let hot = last.map { $0.from == s0 && $0.to == .closed } ?? false
      c.text(
        "─▶CLOSED", ox + a.x1 + 1, oy + a.y,
        hot ? theme["diagram_edge_last"] : theme["diagram_edge"])
    }
    c.draw(into: &f, base: theme["diagram_edge"])
    for (state, n) in nodes {
      let style: Style
      var mark = ""
      if state == left && state == right {
        style = theme["diagram_both"]
        mark = "◀" + tl.hostName(tl.left) + "," + tl.hostName(tl.right)
      } else if state == left {
        style = theme["diagram_left"]
        mark = "◀" + tl.hostName(tl.left)
      } else if state == right {
        style = theme["diagram_right"]
        mark = "◀" + tl.hostName(tl.right)
      } else {
        style = theme["diagram_state"]
      }
      let x = f.put(nodeText(state), x: ox + n.x, y: oy + n.y, style: style, clip: inner)
      if !mark.isEmpty && n.y != 6 && n.y != 12 && n.y != 15 || (!mark.isEmpty && state == .synSent)
      {
        f.put(mark, x: x, y: oy + n.y, style: theme["marker"], clip: inner)
      } else if !mark.isEmpty {
        f.put(mark, x: ox + n.x, y: oy + n.y + 1, style: theme["marker"], clip: inner)
      }
    }
    let footerY = min(inner.maxY - 1, oy + 18)
    let text: String
    if let l = last {
      let label =
        StateDiagram.edges.first { $0.from == l.from && $0.to == l.to }?.label
        ?? "RST, ABORT or timeout"
      text = s.format(
        "diagram_last",
        ["host": l.host, "from": l.from.rfcName, "to": l.to.rfcName, "label": label])
    } else {
      text = s["diagram_none"]
    }
    f.put(
      text.prefix(columns: inner.width), x: inner.x, y: footerY, style: theme["diagram_edge_last"],
      clip: inner)
  }
}
