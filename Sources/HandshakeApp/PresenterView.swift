import HandshakeLessons
import HandshakeSim
import TerminalUI

/// The teacher's screen (`handshake-tui presenter`): what the projector must not show. The
/// current step's words and the speaker notes, the question with its right answer and the
/// class's vote, the next step's first line, the time since the talk began and the clock, and a
/// small copy of the ladder; with several lessons, the list and where the talk is in it.
enum PresenterView {
  static func draw(_ f: inout Frame, _ m: AppModel, _ p: AppModel.PresenterInfo) {
    let theme = m.theme
    let s = m.strings
    let full = Rect(x: 0, y: 0, width: m.width, height: m.height)
    let (top, rest) = full.splitTop(1)
    let (body, bottom) = rest.splitBottom(1)
    f.fill(top, with: Cell(" ", theme["title"]))
    let elapsed = max(0, p.wallMillis - p.startedAt) / 1000
    let time =
      p.startedAt > 0 ? "\(elapsed / 60):\(elapsed % 60 < 10 ? "0" : "")\(elapsed % 60)" : "–"
    let status = p.connected ? TitleBar.stepText(m) : s["presenter_waiting"]
    let right =
      " "
      + [status, s.format("presenter_elapsed", ["t": time]), p.clock]
      .filter { !$0.isEmpty }.joined(separator: " │ ") + " "
    let title = " " + s["presenter_title"] + " · " + m.lesson.title[m.language].sanitizedForTerminal
    let room = max(0, m.width - right.displayWidth)
    f.put(
      title.displayWidth <= room ? title : title.prefix(columns: max(0, room - 1)) + "…", x: 0,
      y: 0, style: theme["title"])
    f.put(right, x: max(0, m.width - right.displayWidth), y: 0, style: theme["title"])
    f.fill(bottom, with: Cell(" ", theme["keybar"]))
    f.put(" " + s["presenter_keys"], x: 0, y: bottom.y, style: theme["keybar"])

    // Words on the left, the small ladder (and the lesson list) on the right.
    let ladderWidth = min(48, max(30, body.width * 2 / 5))
    let (words, side) = body.splitRight(ladderWidth)
    var y = words.y
    let w = words.width - 2
    func section(_ key: String) {
      guard y < words.maxY else { return }
      f.put("── " + s[key] + " ", x: words.x, y: y, style: theme["separator"])
      y += 1
    }
    func add(_ text: String, _ role: String) {
      for line in TextWrap.wrap(text.sanitizedKeepingNewlines, width: w) where y < words.maxY {
        f.put(line, x: words.x + 1, y: y, style: theme[role], clip: words)
        y += 1
      }
    }
    if let problem = p.problem { add(problem, "warning") }
    section("presenter_now")
    add(StepCaption.text(m, step: m.step), "caption")
    for n in m.run.narration(atStep: m.step, language: m.language, absolute: m.absolute) {
      add(n, "narration")
    }
    if let q = m.question {
      add("? " + q.prompt, "question")
      for (i, c) in q.choices.enumerated() {
        let mark = i == q.answer ? "✓ " : m.currentAnswer == i ? "▶ " : "  "
        add(mark + "\(i + 1)) " + c, i == q.answer ? "right" : "narration")
      }
      let vote = m.currentAnswer.map { "\($0 + 1)" } ?? s["none"]
      add(
        s.format(
          "presenter_vote",
          [
            "vote": vote, "answer": "\(q.answer + 1)",
            "shown": s[m.questionOpen ? "presenter_not_revealed" : "presenter_revealed"],
          ]),
        "muted")
      if let why = q.explanation(for: q.answer) { add(why, "muted") }
    }
    let notes = m.run.notes(atStep: m.step)
    if !notes.isEmpty {
      section("presenter_notes")
      for n in notes { add(n[m.language], "marker") }
    }
    section("presenter_next")
    if m.step < m.lastStep {
      let next = StepCaption.text(m, step: m.step + 1)
      add(TextWrap.wrap(next, width: w).first ?? next, "muted")
    } else {
      add(s["end_caption"], "muted")
    }

    // The small ladder: the same view, in a narrow window.
    for yy in side.y..<side.maxY { f.put("│", x: side.x, y: yy, style: theme["separator"]) }
    var ladderArea = Rect(x: side.x + 2, y: side.y, width: side.width - 3, height: side.height)
    if m.lessons.count > 1 {
      // Several lessons: the list under the ladder, the current one marked.
      let listHeight = min(m.lessons.count + 1, side.height / 3)
      ladderArea.height -= listHeight
      var ly = ladderArea.maxY
      f.put(s["presenter_lessons"], x: ladderArea.x, y: ly, style: theme["separator"])
      ly += 1
      let first = max(
        0, min(m.lessonIndex - (listHeight - 1) / 2, m.lessons.count - listHeight + 1))
      for i in first..<min(m.lessons.count, first + listHeight - 1) where ly < side.maxY {
        let l = m.lessons[i]
        let here = i == m.lessonIndex
        let text = (here ? "▸ " : "  ") + l.title[m.language].sanitizedForTerminal
        f.put(
          text.prefix(columns: ladderArea.width), x: ladderArea.x, y: ly,
          style: here ? theme["value_changed"] : theme["muted"])
        ly += 1
      }
    }
    if ladderArea.height >= 6 { LadderView.draw(&f, ladderArea, m) }
  }
}
