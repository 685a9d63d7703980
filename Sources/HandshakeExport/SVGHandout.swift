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
/// Each segment is a `<g class="segment" data-tx="N">` holding its line, a `<title>` with the
/// label `trace --format text` prints, so tools (and the tests) can read the diagram back, and
/// a `<text>` with that label less its timestamps.
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
  static let width = 1080.0
  static let leftX = 290.0
  static let rightX = 790.0
  static let rowHeight = 36.0
  /// How far apart the arrows of one step (a burst sent at once) leave their lifeline.
  static let burstGap = 16.0
  /// The widest a note beside the left lifeline may be, so it stays clear of the time column.
  static let noteWidth = leftX - 10 - 90
  /// Advance of a 12 px monospace glyph (DejaVu Sans Mono's is 0.602 em), rounded up.
  static let labelCharWidth = 7.3
  /// The smallest font a label is shrunk to.
  static let minLabelFontSize = 8.0
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
    // A row is as tall as its notes and its burst of arrows need.
    let bursts = burstIndices()
    var notesOfRow: [Int: (left: [NoteLine], right: [NoteLine])] = [:]
    var y = top
    for k in rows {
      yOfRow[k] = y
      let n = (left: noteLines(plan.notes[k].left), right: noteLines(plan.notes[k].right))
      notesOfRow[k] = n
      let noteHeight = Double(max(n.left.count, n.right.count)) * 15 + 10
      let burstHeight =
        SVGHandout.rowHeight + Double(bursts.count[k, default: 1] - 1) * SVGHandout.burstGap
      y += max(SVGHandout.rowHeight, noteHeight, burstHeight)
    }
    // A hidden band's steps are drawn at the row before it.
    for k in plan.rows.indices where yOfRow[k] == nil {
      yOfRow[k] = rows.last { $0 < k }.flatMap { yOfRow[$0] } ?? top
    }
    let bottom = rows.isEmpty ? top + SVGHandout.rowHeight : y
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
      let notes = notesOfRow[k]!
      out += noteTexts(notes.left, x: SVGHandout.leftX - 10, y: y, anchor: "end")
      out += noteTexts(notes.right, x: SVGHandout.rightX + 10, y: y, anchor: "start")
    }

    // Arrows, one per segment between the lifelines.
    let geometry = plan.arrows.map { arrowGeometry($0, yOfRow: yOfRow, burst: bursts.index) }
    // Where an arrow lands on a lifeline: an arrow leaving from the same point makes a narrow
    // wedge with it there, so that one's label moves towards its far end.
    let landingPoints = Set(geometry.flatMap { g in g.landings.map { Point(x: g.x2, y: $0) } })
    var placer = LabelPlacer(
      charWidth: SVGHandout.labelCharWidth, minFontSize: SVGHandout.minLabelFontSize)
    for g in geometry {
      out += arrow(g, wedgeAtStart: landingPoints.contains(Point(x: g.x1, y: g.y1)), &placer)
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

  /// One line of a note beside a lifeline.
  struct NoteLine: Hashable {
    var text: String
    var isState: Bool
  }

  /// A note's lines: the states it passed through, then the calls and arrival notes, each
  /// wrapped to the width beside the lifeline. A state line is bold and larger, so it gets
  /// fewer columns.
  func noteLines(_ n: HandoutPlan.Note) -> [NoteLine] {
    var out: [NoteLine] = []
    if !n.states.isEmpty {
      let states = n.states.map(\.rfcName).joined(separator: " → ")
      for l in TextWrap.wrap(states, width: Int(SVGHandout.noteWidth / 9.5)) {
        out.append(NoteLine(text: l, isState: true))
      }
    }
    let small = n.arrivals.map { strings["note_" + $0.rawValue] } + n.calls
    if !small.isEmpty {
      for l in TextWrap.wrap(small.joined(separator: ", "), width: Int(SVGHandout.noteWidth / 6.8))
      {
        out.append(NoteLine(text: l, isState: false))
      }
    }
    return out
  }

  func noteTexts(_ lines: [NoteLine], x: Double, y: Double, anchor: String) -> [String] {
    var out: [String] = []
    var dy = 5.0
    for l in lines {
      out.append(text(l.text, x: x, y: y + dy, cls: l.isState ? "state" : "call", anchor: anchor))
      dy += 15
    }
    return out
  }

  /// Per arrow, its place among the arrows that leave in the same row (a burst sent at once),
  /// and per row how many leave there.
  func burstIndices() -> (index: [Int: Int], count: [Int: Int]) {
    var index: [Int: Int] = [:]
    var count: [Int: Int] = [:]
    for tx in plan.arrows {
      let row = plan.rowOfStep[Int(timeline.transmissions[tx].sendStep)]
      index[tx] = count[row, default: 0]
      count[row, default: 0] += 1
    }
    return (index, count)
  }

  typealias Point = LabelPlacer.Point

  /// Where one segment's lines go: from its sender's lifeline at its row (each later arrow of
  /// the same burst a little lower) to the receiver's at the row of each copy's landing.
  struct ArrowGeometry {
    var tx: Int
    var x1: Double
    var y1: Double
    var x2: Double
    /// The y of each landing that was not lost.
    var landings: [Double]
    /// The end of the line: the first landing, or where a lost or unfinished one stops.
    var endX: Double
    var endY: Double
    var lost: Bool
  }

  func arrowGeometry(_ tx: Int, yOfRow: [Int: Double], burst: [Int: Int]) -> ArrowGeometry {
    let t = timeline.transmissions[tx]
    let fromLeft = t.from == timeline.left
    let x1 = fromLeft ? SVGHandout.leftX : SVGHandout.rightX
    let x2 = fromLeft ? SVGHandout.rightX : SVGHandout.leftX
    let y1 =
      (yOfRow[plan.rowOfStep[Int(t.sendStep)]] ?? 0) + Double(burst[tx] ?? 0) * SVGHandout.burstGap
    func yAt(_ l: Transmission.Landing) -> Double {
      let y = yOfRow[plan.rowOfStep[Int(l.step)]] ?? y1
      return y > y1 ? y : y1 + SVGHandout.rowHeight / 3
    }
    var g = ArrowGeometry(
      tx: tx, x1: x1, y1: y1, x2: x2, landings: t.landings.filter { $0.dropped == nil }.map(yAt),
      endX: x2, endY: y1 + SVGHandout.rowHeight, lost: t.wasLost)
    if let first = t.landings.first {
      g.endY = yAt(first)
      if first.dropped != nil {
        // Lost on the way: the line stops short and ends in a cross.
        g.endX = x1 + (x2 - x1) * 0.6
        g.endY = y1 + (g.endY - y1) * 0.6
      }
    } else {
      // Still on the wire when the run ended.
      g.endX = x1 + (x2 - x1) * 0.5
      g.endY = y1 + (g.endY - y1) * 0.5
    }
    return g
  }

  /// The group for one segment: its line, a cross if it was lost, a second line if the link
  /// duplicated it, and its label along the line.
  func arrow(_ g: ArrowGeometry, wedgeAtStart: Bool, _ placer: inout LabelPlacer) -> [String] {
    let t = timeline.transmissions[g.tx]
    let s = t.segment
    var classes = ["segment"]
    if s.flags.contains(.syn) { classes.append("syn") }
    if s.flags.contains(.fin) { classes.append("fin") }
    if s.flags.contains(.rst) { classes.append("rst") }
    classes.append(s.payload.isEmpty ? "ack" : "data")
    if t.isRetransmission { classes.append("retransmission") }
    let landings = t.landings
    if g.lost { classes.append("lost") }

    let rtx =
      timeline.isSynResentWithAck(g.tx)
      ? " (" + strings["label_syn_again_ack"] + ")" : t.isRetransmission ? " (rtx)" : ""
    // The label drawn leaves out timestamps; the full one, as `trace` prints it, is the
    // group's title (a tooltip in a browser, and what a tool reads back).
    let label = timeline.segmentLabel(g.tx, absolute: absolute, timestamps: false) + rtx
    let full = timeline.segmentLabel(g.tx, absolute: absolute) + rtx
    var out = [
      #"<g class="\#(classes.joined(separator: " "))" data-tx="\#(g.tx)" data-step="\#(t.sendStep)">"#,
      "<title>\(escape(full))</title>",
    ]
    let (x1, y1, endX, endY) = (g.x1, g.y1, g.endX, g.endY)
    if let first = landings.first {
      if first.dropped != nil {
        out.append(line(x1, y1, endX, endY, cls: nil))
        out.append(line(endX - 6, endY - 6, endX + 6, endY + 6, cls: "cross"))
        out.append(line(endX - 6, endY + 6, endX + 6, endY - 6, cls: "cross"))
      } else {
        out.append(line(x1, y1, g.x2, endY, cls: nil, head: true))
      }
      if landings.count > 1, landings[1].dropped == nil, let second = g.landings.last {
        out.append(line(x1, y1, g.x2, second, cls: "duplicate", head: true))
      }
    } else {
      out.append(line(x1, y1, endX, endY, cls: nil))
    }
    // The label: above the line, turned with it, where it keeps clear of the labels before it
    // (see `LabelPlacer`). The font size shrinks a long label for librsvg, which ignores
    // `textLength`; browsers also squeeze it to the given length, whatever font they found.
    let p = placer.place(
      from: .init(x: x1, y: y1), to: .init(x: endX, y: endY), characters: label.count,
      lost: g.lost, wedgeAtStart: wedgeAtStart)
    let size = p.fontSize < 12 ? #" style="font-size: \#(fmt(p.fontSize))px""# : ""
    out.append(
      #"<text x="\#(fmt(p.x))" y="\#(fmt(p.y - 5))" text-anchor="\#(p.anchor)" textLength="\#(fmt(p.width))" lengthAdjust="spacingAndGlyphs"\#(size) transform="rotate(\#(fmt(p.angle)) \#(fmt(p.x)) \#(fmt(p.y)))">\#(escape(label))</text>"#
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
