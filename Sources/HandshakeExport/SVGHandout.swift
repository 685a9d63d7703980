import Foundation
import HandshakeApp
import HandshakeLessons
import HandshakeSim
import TerminalUI

/// A lesson's run as an SVG sequence diagram for a slide or a printout: two lifelines, one
/// slanted, labelled arrow per segment between them (from the row it was sent in to the row it
/// arrived in), the hosts' states where they change, lost segments ending in a cross, and
/// traffic with hosts off the diagram folded into grey bands that count it.
///
/// Each segment is a `<g class="segment" data-tx="N">` holding its line and a `<text>` with the
/// same label `trace --format text` prints, so tools (and the tests) can read the diagram back.
public struct SVGHandout: Sendable {
  public let run: LessonRun
  public let language: Language
  public let absolute: Bool
  let plan: HandoutPlan
  let strings: UIStrings

  public init(_ run: LessonRun, language: Language, absolute: Bool = false) {
    self.run = run
    self.language = language
    self.absolute = absolute
    self.plan = HandoutPlan(run.timeline)
    self.strings = Assets.strings(language)
  }

  var timeline: Timeline { run.timeline }

  // Geometry, in SVG user units (pixels at 100%).
  static let width = 1040.0
  static let leftX = 250.0
  static let rightX = 750.0
  static let rowHeight = 36.0
  /// Generic fallback last, with fonts that have Hangul before it, so Korean renders anywhere.
  static let sansFonts =
    "'DejaVu Sans', 'Noto Sans', 'Noto Sans CJK KR', 'Noto Sans KR', 'Apple SD Gothic Neo', 'Malgun Gothic', sans-serif"
  static let monoFonts =
    "'DejaVu Sans Mono', 'Noto Sans Mono CJK KR', 'D2Coding', Menlo, Consolas, monospace"

  /// The rows drawn, and per drawn row the segments off the diagram folded into it.
  ///
  /// Rows with nothing to show are left out. A band of traffic off the diagram that an arrow
  /// would cross (it happened while a segment was on its way) gets no row of its own: its count
  /// joins the row before it as an aside, so no band sits under an arrow's label.
  func layout() -> (rows: [Int], asides: [Int: Int]) {
    var crossed = Set<Int>()
    for tx in plan.arrows {
      let t = timeline.transmissions[tx]
      let from = plan.rowOfStep[Int(t.sendStep)]
      let to = t.landings.map { plan.rowOfStep[Int($0.step)] }.max() ?? from
      if to > from + 1 { crossed.formUnion(from + 1..<to) }
    }
    var rows: [Int] = []
    var asides: [Int: Int] = [:]
    for k in plan.rows.indices where !plan.isEmpty(row: k) {
      if case .folded = plan.rows[k], crossed.contains(k), let previous = rows.last {
        asides[previous, default: 0] += plan.offDiagram[k].count
        continue
      }
      rows.append(k)
    }
    return (rows, asides)
  }

  /// The SVG document.
  public func svg() -> String {
    let (rows, asides) = layout()
    var yOfRow: [Int: Double] = [:]
    var top = 40.0
    var out: [String] = []

    // Title and summary.
    var head: [String] = []
    head.append(text(run.lesson.title[language], x: 30, y: top, cls: "title"))
    top += 26
    for line in TextWrap.wrap(run.lesson.summary[language].sanitizedForTerminal, width: 130) {
      head.append(text(line, x: 30, y: top, cls: "summary"))
      top += 18
    }
    top += 22
    let l = timeline.hosts[Int(timeline.left)]
    let r = timeline.hosts[Int(timeline.right)]
    head.append(text(l.name, x: SVGHandout.leftX, y: top, cls: "host", anchor: "middle"))
    head.append(text(r.name, x: SVGHandout.rightX, y: top, cls: "host", anchor: "middle"))
    top += 17
    head.append(text("\(l.address)", x: SVGHandout.leftX, y: top, cls: "address", anchor: "middle"))
    head.append(
      text("\(r.address)", x: SVGHandout.rightX, y: top, cls: "address", anchor: "middle"))
    top += 30
    for (n, k) in rows.enumerated() { yOfRow[k] = top + Double(n) * SVGHandout.rowHeight }
    // A hidden band's steps are drawn at the row before it.
    for k in plan.rows.indices where yOfRow[k] == nil {
      yOfRow[k] = rows.last { $0 < k }.flatMap { yOfRow[$0] } ?? top
    }
    let bottom = top + Double(max(rows.count, 1)) * SVGHandout.rowHeight
    let height = bottom + 50

    out.append(#"<?xml version="1.0" encoding="UTF-8"?>"#)
    out.append(
      #"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\#(fmt(SVGHandout.width))" height="\#(fmt(height))" viewBox="0 0 \#(fmt(SVGHandout.width)) \#(fmt(height))" xml:lang="\#(language.rawValue)">"#
    )
    out.append("<title>\(escape(run.lesson.title[language]))</title>")
    out.append(style)
    out.append(#"<rect class="page" x="0" y="0" width="100%" height="100%"/>"#)
    out += head

    // Lifelines.
    for x in [SVGHandout.leftX, SVGHandout.rightX] {
      out.append(line(x, top - 18, x, bottom, cls: "lifeline"))
    }

    // Rows: time, notes, folded bands.
    for k in rows {
      let y = yOfRow[k]!
      let steps = stepRange(k)
      out.append(text(seconds(timeline.steps[steps.lowerBound].time), x: 20, y: y + 4, cls: "time"))
      // Off-diagram traffic: a folded row is a band; otherwise a small count under the time
      // (this row's own, plus any band that was hidden under an arrow).
      var aside = asides[k] ?? 0
      if case .folded = plan.rows[k] {
        let n = plan.offDiagram[k].count
        let detail = plan.summary(
          of: plan.offDiagram[k], spoofed: strings["handout_spoofed"], lost: strings["ladder_lost"])
        out.append(#"<g class="background band" data-segments="\#(n)">"#)
        out.append(
          #"<rect x="\#(fmt(SVGHandout.leftX + 6))" y="\#(fmt(y - 13))" width="\#(fmt(SVGHandout.rightX - SVGHandout.leftX - 12))" height="24" rx="4"/>"#
        )
        out.append(
          text(
            strings.count("ladder_background", n), x: (SVGHandout.leftX + SVGHandout.rightX) / 2,
            y: y + 4, cls: "band-text", anchor: "middle"))
        // A hover tooltip in browsers: who sent what.
        out.append("<title>\(escape(detail))</title>")
        out.append("</g>")
      } else {
        aside += plan.offDiagram[k].count
      }
      if aside > 0 {
        out.append(#"<g class="background aside" data-segments="\#(aside)">"#)
        out.append(
          text("+ " + strings.count("ladder_background", aside), x: 20, y: y + 18, cls: "aside"))
        out.append("</g>")
      }
      let notes = plan.notes[k]
      out += noteTexts(notes.left, x: SVGHandout.leftX - 10, y: y, anchor: "end")
      out += noteTexts(notes.right, x: SVGHandout.rightX + 10, y: y, anchor: "start")
    }

    // Arrows, one per segment between the lifelines.
    for tx in plan.arrows {
      out += arrow(tx, yOfRow: yOfRow)
    }
    out.append(
      text(
        strings.format("handout_made_by", ["id": run.lesson.id]), x: 30, y: height - 20,
        cls: "footer"))
    out.append("</svg>")
    return out.joined(separator: "\n") + "\n"
  }

  func stepRange(_ k: Int) -> ClosedRange<Int> {
    switch plan.rows[k] {
    case .step(let i): i...i
    case .folded(let r): r
    }
  }

  var style: String {
    """
    <style>
      .page { fill: #ffffff; }
      text { font-family: \(SVGHandout.sansFonts); fill: #1a1a1a; }
      .title { font-size: 22px; font-weight: bold; }
      .summary { font-size: 14px; fill: #333333; }
      .host { font-size: 18px; font-weight: bold; }
      .address, .time, .footer { font-size: 12px; fill: #666666; }
      .aside { font-size: 11px; fill: #777777; }
      .state { font-size: 14px; font-weight: bold; fill: #0b4f8a; }
      .call { font-size: 12px; fill: #555555; font-style: italic; }
      .lifeline { stroke: #444444; stroke-width: 2; }
      .segment line { stroke-width: 1.8; }
      .segment text { font-family: \(SVGHandout.monoFonts); font-size: 12px; }
      .syn line { stroke: #1b7a3a; } .syn text { fill: #1b7a3a; }
      .fin line { stroke: #a35200; } .fin text { fill: #a35200; }
      .rst line { stroke: #b3141b; } .rst text { fill: #b3141b; }
      .ack line, .data line { stroke: #222222; }
      .retransmission line { stroke-dasharray: 6 4; }
      .lost line { stroke-dasharray: 2 3; }
      .segment line.cross { stroke: #b3141b; stroke-width: 3; stroke-dasharray: none; }
      .band rect { fill: #eeeeee; stroke: #bbbbbb; }
      .band-text { font-size: 12px; fill: #555555; }
    </style>
    <defs>
      <marker id="head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse">
        <path d="M 0 0 L 10 5 L 0 10 z" fill="context-stroke"/>
      </marker>
    </defs>
    """
  }

  func noteTexts(_ n: HandoutPlan.Note, x: Double, y: Double, anchor: String) -> [String] {
    var out: [String] = []
    var dy = 0.0
    if !n.states.isEmpty {
      out.append(
        text(
          n.states.map(\.rfcName).joined(separator: " → "), x: x, y: y + 5, cls: "state",
          anchor: anchor))
      dy = 15
    }
    let small = n.arrivals.map { strings["note_" + $0.rawValue] } + n.calls
    if !small.isEmpty {
      out.append(
        text(small.joined(separator: ", "), x: x, y: y + 5 + dy, cls: "call", anchor: anchor))
    }
    return out
  }

  /// The group for one segment: its line, a cross if it was lost, a second line if the link
  /// duplicated it, and its label along the line.
  func arrow(_ tx: Int, yOfRow: [Int: Double]) -> [String] {
    let t = timeline.transmissions[tx]
    let s = t.segment
    let fromLeft = t.from == timeline.left
    let x1 = fromLeft ? SVGHandout.leftX : SVGHandout.rightX
    let x2 = fromLeft ? SVGHandout.rightX : SVGHandout.leftX
    let y1 = yOfRow[plan.rowOfStep[Int(t.sendStep)]] ?? 0
    func yAt(_ l: Transmission.Landing) -> Double {
      let y = yOfRow[plan.rowOfStep[Int(l.step)]] ?? y1
      return y > y1 ? y : y1 + SVGHandout.rowHeight / 3
    }
    var classes = ["segment"]
    if s.flags.contains(.syn) { classes.append("syn") }
    if s.flags.contains(.fin) { classes.append("fin") }
    if s.flags.contains(.rst) { classes.append("rst") }
    classes.append(s.payload.isEmpty ? "ack" : "data")
    if t.isRetransmission { classes.append("retransmission") }
    let landings = t.landings
    let lost = t.wasLost
    if lost { classes.append("lost") }

    let label = timeline.segmentLabel(tx, absolute: absolute) + (t.isRetransmission ? " (rtx)" : "")
    var out = [
      #"<g class="\#(classes.joined(separator: " "))" data-tx="\#(tx)" data-step="\#(t.sendStep)">"#
    ]
    var endX = x2
    var endY = y1 + SVGHandout.rowHeight
    if let first = landings.first {
      endY = yAt(first)
      if first.dropped != nil {
        // Lost on the way: the line stops short and ends in a cross.
        endX = x1 + (x2 - x1) * 0.6
        endY = y1 + (endY - y1) * 0.6
        out.append(line(x1, y1, endX, endY, cls: nil))
        out.append(line(endX - 6, endY - 6, endX + 6, endY + 6, cls: "cross"))
        out.append(line(endX - 6, endY + 6, endX + 6, endY - 6, cls: "cross"))
      } else {
        out.append(line(x1, y1, x2, endY, cls: nil, head: true))
      }
      if landings.count > 1, landings[1].dropped == nil {
        out.append(line(x1, y1, x2, yAt(landings[1]), cls: "duplicate", head: true))
      }
    } else {
      // Still on the wire when the run ended.
      endX = x1 + (x2 - x1) * 0.5
      endY = y1 + (endY - y1) * 0.5
      out.append(line(x1, y1, endX, endY, cls: nil))
    }
    // The label sits above the line, turned to follow it: centred on an arrow; on a lost
    // segment's short line, starting at the sender so it stays clear of the cross.
    let angle = atan2(endY - y1, endX - x1) * 180 / .pi
    let upright = abs(angle) > 90 ? angle - 180 : angle
    var (lx, ly, anchor) = ((x1 + endX) / 2, (y1 + endY) / 2, "middle")
    if lost {
      let f = 12 / abs(endX - x1)
      (lx, ly) = (x1 + (endX - x1) * f, y1 + (endY - y1) * f)
      anchor = fromLeft ? "start" : "end"
    }
    out.append(
      #"<text x="\#(fmt(lx))" y="\#(fmt(ly - 5))" text-anchor="\#(anchor)" transform="rotate(\#(fmt(upright)) \#(fmt(lx)) \#(fmt(ly)))">\#(escape(label))</text>"#
    )
    out.append("</g>")
    return out
  }

  func line(
    _ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, cls: String?, head: Bool = false
  ) -> String {
    let c = cls.map { #" class="\#($0)""# } ?? ""
    let m = head ? #" marker-end="url(#head)""# : ""
    return
      #"<line\#(c) x1="\#(fmt(x1))" y1="\#(fmt(y1))" x2="\#(fmt(x2))" y2="\#(fmt(y2))"\#(m)/>"#
  }

  func text(_ s: String, x: Double, y: Double, cls: String, anchor: String = "start") -> String {
    let a = anchor == "start" ? "" : #" text-anchor="\#(anchor)""#
    return #"<text class="\#(cls)" x="\#(fmt(x))" y="\#(fmt(y))"\#(a)>\#(escape(s))</text>"#
  }

  /// Text safe inside an XML element or attribute: markup characters escaped, and control
  /// characters (which XML 1.0 forbids, and which could carry terminal escapes) removed.
  func escape(_ s: String) -> String {
    var out = ""
    for u in s.sanitizedForTerminal.unicodeScalars {
      switch u {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      default:
        if u.value < 0x20 || (0x7F...0x9F).contains(u.value) || u.value == 0xFFFE
          || u.value == 0xFFFF
        {
          continue
        }
        out.unicodeScalars.append(u)
      }
    }
    return out
  }

  /// "0.125 s": milliseconds are what a lesson's latencies are made of.
  func seconds(_ t: VirtualTime) -> String {
    let ms = t.micros / 1000
    let frac = String(ms % 1000)
    return "\(ms / 1000)." + String(repeating: "0", count: 3 - frac.count) + frac + " s"
  }

  /// A number with at most one decimal, so the file is stable and small.
  func fmt(_ v: Double) -> String {
    let r = (v * 10).rounded() / 10
    return r == r.rounded() ? String(Int(r)) : String(r)
  }
}
