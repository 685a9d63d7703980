import HandshakeApp
import HandshakeLessons
import HandshakeSim
import TerminalUI

/// A lesson's run as a printable handout: a monospace ladder, one row per step, with the hosts'
/// states beside their lines and the narration under each step (text) or after the diagram
/// (Markdown). Traffic with hosts off the diagram (a flood's attacker) is folded into summary
/// rows, as the ladder on screen does.
public struct Handout: Sendable {
  public let run: LessonRun
  public let language: Language
  /// Columns of the page; at least 60.
  public let width: Int
  /// Absolute sequence numbers instead of numbers relative to each side's ISN.
  public let absolute: Bool
  let plan: HandoutPlan
  let strings: UIStrings

  /// With the teacher's speaker notes (`export --notes`): a copy for the teacher, not the class.
  public let notes: Bool

  public init(
    _ run: LessonRun, language: Language, width: Int = 80, absolute: Bool = false,
    notes: Bool = false
  ) {
    self.run = run
    self.language = language
    self.width = max(60, width)
    self.absolute = absolute
    self.notes = notes
    self.plan = HandoutPlan(run.timeline)
    self.strings = Assets.strings(language)
  }

  var timeline: Timeline { run.timeline }
  /// Columns for the step number, each side's notes, and the space between the lifelines.
  var gutter: Int { 5 }
  var side: Int { 15 }
  var span: Int { width - gutter - 2 * side - 2 }

  /// The label of a segment, shortened to fit `room` columns: options go first, then the
  /// retransmission mark, then the field names.
  func label(_ tx: Int, room: Int) -> String {
    let t = timeline.transmissions[tx]
    let s = t.segment
    let base = absolute ? nil : timeline.relativeBase(for: tx)
    let seq = base.map { s.seq.rawValue &- $0.seq.rawValue } ?? s.seq.rawValue
    let ack = base.map { s.ack.rawValue &- $0.ack.rawValue } ?? s.ack.rawValue
    var full = s.flags.label + " seq=\(seq)"
    if s.flags.contains(.ack) { full += " ack=\(ack)" }
    if !s.payload.isEmpty { full += " len=\(s.payload.count)" }
    var opts: [String] = []
    if let m = s.options.mss { opts.append("mss \(m)") }
    if let w = s.options.windowScale { opts.append("ws \(w)") }
    if s.options.sackPermitted { opts.append("sackOK") }
    if !s.options.sackBlocks.isEmpty { opts.append("sack") }
    let withOpts = opts.isEmpty ? full : full + " <" + opts.joined(separator: ",") + ">"
    let rtx = t.isRetransmission ? " (rtx)" : ""
    var short = s.flags.label + " \(seq)"
    if s.flags.contains(.ack) { short += ":\(ack)" }
    for c in [withOpts + rtx, full + rtx, full, short] where c.displayWidth <= room {
      return c
    }
    return s.flags.label.prefix(columns: room)
  }

  /// One arrow across the span, drawn on the row the segment was sent in.
  func arrow(_ tx: Int) -> String {
    let t = timeline.transmissions[tx]
    let fromLeft = t.from == timeline.left
    let lost = t.wasLost
    let reach = lost ? span * 3 / 5 : span
    let text = " " + label(tx, room: reach - 6) + " "
    let dashes = max(0, reach - text.displayWidth - 2)
    let pre = String(repeating: "-", count: dashes / 2)
    let post = String(repeating: "-", count: dashes - dashes / 2)
    let body =
      fromLeft
      ? "-" + pre + text + post + (lost ? "X" : ">")
      : (lost ? "X" : "<") + pre + text + post + "-"
    let pad = String(repeating: " ", count: max(0, span - body.displayWidth))
    return fromLeft ? body + pad : pad + body
  }

  static func column(_ s: String, _ w: Int, right: Bool) -> String {
    let t = s.prefix(columns: w)
    let pad = String(repeating: " ", count: max(0, w - t.displayWidth))
    return right ? pad + t : t + pad
  }

  /// The note beside a lifeline, in lines that fit its column: the states the host passed
  /// through, what it made of a segment, its socket calls.
  func noteLines(_ n: HandoutPlan.Note) -> [String] {
    let pieces =
      n.states.map(\.rfcName) + n.arrivals.map { strings["note_" + $0.rawValue] } + n.calls
    var lines: [String] = []
    for piece in pieces {
      for part in TextWrap.wrap(piece.sanitizedKeepingNewlines, width: side) {
        if let last = lines.last, last.displayWidth + 2 + part.displayWidth <= side {
          lines[lines.count - 1] = last + ", " + part
        } else {
          lines.append(part)
        }
      }
    }
    return lines
  }

  var emptyLine: String {
    String(repeating: " ", count: gutter + side) + "|" + String(repeating: " ", count: span) + "|"
  }

  /// The ladder lines of one row.
  func lines(row k: Int) -> [String] {
    var out: [String] = []
    switch plan.rows[k] {
    case .folded(let steps):
      let number = steps.count == 1 ? "\(steps.lowerBound)" : "\(steps.lowerBound)-"
      let n = plan.offDiagram[k].count
      let text = " ~ " + strings.count("ladder_background", n) + " ~ "
      let inner = Handout.column(
        String(repeating: " ", count: max(0, (span - text.displayWidth) / 2)) + text, span,
        right: false)
      out.append(
        Handout.column(number, gutter - 1, right: true) + " " + String(repeating: " ", count: side)
          + "|" + inner + "|")
      let detail = plan.summary(
        of: plan.offDiagram[k], spoofed: strings["handout_spoofed"], lost: strings["ladder_lost"])
      for l in TextWrap.wrap(detail, width: width - gutter - 3) {
        out.append(String(repeating: " ", count: gutter + 1) + "~ " + l)
      }
    case .step(let i):
      let number = Handout.column(String(i), gutter - 1, right: true) + " "
      let left = noteLines(plan.notes[k].left)
      let right = noteLines(plan.notes[k].right)
      let sends = timeline.records(ofStep: i).compactMap { r -> Int? in
        if case .send(let tx) = r.event, plan.isOnDiagram(Int(tx)) { return Int(tx) }
        return nil
      }
      // As many lines as the arrows or the longer note need.
      for j in 0..<max(1, sends.count, left.count, right.count) {
        let middle = j < sends.count ? arrow(sends[j]) : String(repeating: " ", count: span)
        out.append(
          (j == 0 ? number : String(repeating: " ", count: gutter))
            + Handout.column(j < left.count ? left[j] : "", side, right: true) + "|" + middle + "|"
            + (j < right.count ? right[j] : ""))
      }
      if !plan.offDiagram[k].isEmpty {
        let detail = plan.summary(
          of: plan.offDiagram[k], spoofed: strings["handout_spoofed"],
          lost: strings["ladder_lost"])
        for l in TextWrap.wrap(detail, width: width - gutter - 3) {
          out.append(String(repeating: " ", count: gutter + 1) + "~ " + l)
        }
      }
    }
    return out.map(\.trimmingTrailingSpaces)
  }

  /// True if a row would print only the lifelines: no note, no arrow (a text ladder draws an
  /// arrow where the segment was sent, so a row where one only lands is blank), nothing off the
  /// diagram.
  func isBlank(row k: Int) -> Bool {
    guard case .step(let i) = plan.rows[k] else { return false }
    guard plan.notes[k].left.isEmpty && plan.notes[k].right.isEmpty && plan.offDiagram[k].isEmpty
    else { return false }
    return !timeline.records(ofStep: i).contains { r in
      if case .send(let tx) = r.event { return plan.isOnDiagram(Int(tx)) }
      return false
    }
  }

  /// The steps a row covers.
  func steps(row k: Int) -> ClosedRange<Int> {
    switch plan.rows[k] {
    case .step(let i): i...i
    case .folded(let r): r
    }
  }

  var header: [String] {
    let l = timeline.hosts[Int(timeline.left)]
    let r = timeline.hosts[Int(timeline.right)]
    let leftName = "\(l.name) (\(l.address))".sanitizedForTerminal
    let rightName = "\(r.name) (\(r.address))".sanitizedForTerminal
    // Centre each name on its lifeline as far as the page allows.
    let leftStart = max(0, gutter + side - leftName.displayWidth / 2)
    let rightStart = max(
      leftStart + leftName.displayWidth + 1, gutter + side + span + 1 - rightName.displayWidth / 2)
    let names =
      String(repeating: " ", count: leftStart) + leftName
      + String(repeating: " ", count: rightStart - leftStart - leftName.displayWidth) + rightName
    return [names.trimmingTrailingSpaces, emptyLine]
  }

  /// The narration and question of a step, indented under its row.
  func narration(step i: Int) -> [String] {
    var out: [String] = []
    for n in run.narration(atStep: i, language: language, absolute: absolute) {
      out += TextWrap.wrap(n.sanitizedKeepingNewlines, width: width - 8).map { "      » " + $0 }
    }
    if notes {
      for n in run.notes(atStep: i) {
        out += Handout.hanging(
          strings["handout_note"] + " ", n[language].sanitizedForTerminal, indent: 6, width: width)
      }
    }
    if let q = run.question(atStep: i, language: language, absolute: absolute) {
      out += Handout.hanging("? ", q.prompt.sanitizedForTerminal, indent: 6, width: width)
      for (k, c) in q.choices.enumerated() {
        out += Handout.hanging("\(k + 1)) ", c.sanitizedForTerminal, indent: 8, width: width)
      }
    }
    return out
  }

  /// `mark` then `text` wrapped, continuation lines aligned under the text.
  static func hanging(_ mark: String, _ text: String, indent: Int, width: Int) -> [String] {
    let lead = String(repeating: " ", count: indent)
    let hang = String(repeating: " ", count: mark.displayWidth)
    return TextWrap.wrap(text, width: width - indent - mark.displayWidth).enumerated().map {
      lead + ($0.offset == 0 ? mark : hang) + $0.element
    }
  }

  var title: String { run.lesson.title[language].sanitizedForTerminal }
  var summary: String { run.lesson.summary[language].sanitizedForTerminal }
  var footer: String {
    strings.format(absolute ? "handout_made_by_absolute" : "handout_made_by", ["id": run.lesson.id])
      .sanitizedForTerminal
  }

  /// Plain text: title, summary, then each step's rows with its narration under them.
  public func text() -> String {
    var out = [title, String(repeating: "=", count: min(width, title.displayWidth)), ""]
    out += TextWrap.wrap(summary, width: width)
    out.append("")
    out += header
    for k in plan.rows.indices {
      let said = steps(row: k).flatMap { narration(step: $0) }
      if said.isEmpty && isBlank(row: k) { continue }
      out += lines(row: k)
      if !said.isEmpty {
        out += said
        out.append(emptyLine)
      }
    }
    out.append("")
    out += TextWrap.wrap(footer, width: width)
    return out.joined(separator: "\n") + "\n"
  }

  /// The answer key: each question with its right answer and why (and each choice's why).
  func answerKey() -> [String] {
    var out = ["## " + strings["handout_answers"].markdownEscaped, ""]
    for step in run.questionSteps {
      guard let q = run.question(atStep: step, language: language, absolute: absolute) else {
        continue
      }
      let head = strings.format("handout_answer_step", ["i": "\(step)"])
      out += TextWrap.wrap(
        "**\(head.markdownEscaped)** " + q.prompt.sanitizedForTerminal.markdownEscaped, width: width
      )
      out.append("")
      for (i, c) in q.choices.enumerated() {
        let right = i == q.answer
        var line =
          "- " + (right ? "**" : "") + "(\(i + 1)) "
          + c.sanitizedForTerminal.markdownEscaped + (right ? "** ✓" : "")
        if i < q.whys.count, let why = q.whys[i] {
          line += " — " + why.sanitizedForTerminal.markdownEscaped
        }
        out += TextWrap.wrap(line, width: width).enumerated().map {
          $0.offset == 0 ? $0.element : "  " + $0.element
        }
      }
      if let e = q.explanation {
        out.append("")
        out += TextWrap.wrap(e.sanitizedForTerminal.markdownEscaped, width: width)
      }
      out.append("")
    }
    return out
  }

  /// Markdown: title, summary, the ladder in a code block, then the narration by step; with
  /// `answers`, an answer key after it.
  public func markdown(answers: Bool = false) -> String {
    var out = ["# " + title.markdownEscaped, ""]
    out += TextWrap.wrap(summary.markdownEscaped, width: width)
    out += ["", "```text"] + header
    for k in plan.rows.indices where !isBlank(row: k) { out += lines(row: k) }
    out += ["```", "", "## " + strings["handout_steps"].markdownEscaped, ""]
    for i in 0..<timeline.stepCount {
      let texts = run.narration(atStep: i, language: language, absolute: absolute)
      let question = run.question(atStep: i, language: language, absolute: absolute)
      let said = notes ? run.notes(atStep: i) : []
      if texts.isEmpty && question == nil && said.isEmpty { continue }
      var paragraph =
        "**\(i).** " + texts.map { $0.sanitizedForTerminal.markdownEscaped }.joined(separator: " ")
      if let q = question {
        paragraph += " *" + q.prompt.sanitizedForTerminal.markdownEscaped + "* "
        paragraph += q.choices.enumerated().map {
          "(\($0.offset + 1)) \($0.element.sanitizedForTerminal.markdownEscaped)"
        }.joined(separator: " ")
      }
      out += TextWrap.wrap(paragraph, width: width)
      for n in said {
        out += TextWrap.wrap(
          "*" + strings["handout_note"].markdownEscaped + "* "
            + n[language].sanitizedForTerminal.markdownEscaped, width: width - 2
        ).map { "> " + $0 }
      }
      out.append("")
    }
    if answers { out += answerKey() }
    out += TextWrap.wrap("*" + footer.markdownEscaped + "*", width: width)
    return out.joined(separator: "\n") + "\n"
  }
}

extension String {
  var trimmingTrailingSpaces: String {
    var s = Substring(self)
    while s.last == " " { s = s.dropLast() }
    return String(s)
  }

  /// Text with the characters Markdown would take as markup or HTML escaped.
  var markdownEscaped: String {
    var out = ""
    for c in self {
      switch c {
      case "\\", "`", "*", "_", "[", "]", "<", ">", "#", "|": out += "\\" + String(c)
      default: out.append(c)
      }
    }
    return out
  }
}
