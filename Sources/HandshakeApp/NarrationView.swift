import HandshakeLessons
import TerminalUI

/// The words for the step: a caption of what the engine did, the lesson's narration, and the
/// step's question.
///
/// A question runs as a class activity: first the question and its choices alone (the lesson's
/// narration waits below them), a choice marked with 1–4 and changed at will; then, on Enter or
/// `r`, the reveal: the right choice marked, the marked one if it was wrong, and the explanation
/// of the choice that was marked.
enum NarrationView {
  /// The styled lines to show, wrapped to `width`.
  static func lines(_ m: AppModel, width: Int) -> [(String, String)] {
    guard width > 0 else { return [] }
    var out: [(String, String)] = []
    let w = width
    func add(_ text: String, _ role: String, width: Int? = nil, prefix: String = "") {
      for (i, l) in TextWrap.wrap(text.sanitizedKeepingNewlines, width: (width ?? w) - prefix.count)
        .enumerated()
      {
        out.append(((i == 0 ? prefix : String(repeating: " ", count: prefix.count)) + l, role))
      }
    }
    add(StepCaption.text(m, step: m.step), "caption")
    let narration = m.run.narration(atStep: m.step, language: m.language, absolute: m.absolute)
    let open = m.questionOpen
    if m.question == nil {
      for text in narration { add(text, "narration") }
    }
    if m.step == m.lastStep && m.step > 0 {
      // A live capture has no end yet: more may arrive at this step.
      out.append(
        (m.strings[m.live.map { $0.ended } == false ? "live_end_so_far" : "end_caption"], "caption")
      )
      if m.quizMode { quizSummary(m, width: w, &out) }
    }
    // A question, open or revealed, comes first: it must be read whole, and the lesson's own
    // words for the step wait under it.
    if let q = m.question {
      add("? " + q.prompt, "question")
      let marked = m.currentAnswer
      for (i, c) in q.choices.enumerated() {
        var mark = "  "
        var role = "narration"
        if open {
          if marked == i {
            mark = "▶ "
            role = "chosen"
          }
        } else if i == q.answer {
          mark = "✓ "
          role = "right"
        } else if i == marked {
          mark = "✗ "
          role = "wrong"
        }
        add("\(i + 1)) " + c, role, prefix: mark)
      }
      if open {
        let hint =
          m.quizMode ? "question_answer_with" : marked == nil ? "question_vote" : "question_reveal"
        out.append((m.strings.format(hint, ["n": "\(q.choices.count)"]), "muted"))
      } else {
        let verdict: String
        if let a = marked {
          verdict =
            a == q.answer
            ? m.strings["question_right"]
            : m.strings.format("question_wrong", ["n": "\(q.answer + 1)"])
        } else {
          verdict = m.strings.format("question_revealed", ["n": "\(q.answer + 1)"])
        }
        let why = q.explanation(for: marked).map { " " + $0 } ?? ""
        add(verdict + why, marked.map { $0 == q.answer ? "right" : "wrong" } ?? "right")
        // A wrong choice's own why, then the right one's, so both are read.
        if let a = marked, a != q.answer, q.whys.indices.contains(q.answer),
          let right = q.whys[q.answer], right != q.explanation(for: marked)
        {
          add(right, "right")
        }
      }
      for text in narration { add(text, "narration") }
    }
    return out
  }

  /// At the end of a lesson in quiz mode: the score, and each question's result.
  static func quizSummary(_ m: AppModel, width: Int, _ out: inout [(String, String)]) {
    let score = m.quizScore
    out.append(
      (
        m.strings.format(
          "quiz_summary",
          [
            "right": "\(score.right)", "answered": "\(score.answered)",
            "questions": "\(score.questions)",
          ]), "question"
      ))
    for step in m.run.questionSteps {
      let key = "\(m.lesson.id)#\(step)"
      let result = m.quizResults[key]
      let prompt =
        m.run.question(atStep: step, language: m.language, absolute: m.absolute)?.prompt ?? ""
      let mark = result == nil ? "·" : result == true ? "✓" : "✗"
      let line = "\(mark) \(m.strings.format("quiz_step", ["i": "\(step)"])) \(prompt)"
      out.append(
        (
          line.displayWidth <= width ? line : line.prefix(columns: width - 1) + "…",
          result == true ? "right" : result == false ? "wrong" : "muted"
        ))
    }
  }

  static func draw(_ f: inout Frame, _ r: Rect, _ m: AppModel) {
    let theme = m.theme
    guard r.height > 1 else { return }
    f.put(String(repeating: "─", count: r.width), x: r.x, y: r.y, style: theme["separator"])
    f.put(" " + m.strings["narration_title"] + " ", x: r.x + 2, y: r.y, style: theme["separator"])
    let text = Rect(x: r.x + 1, y: r.y + 1, width: r.width - 2, height: r.height - 1)
    let all = lines(m, width: text.width)
    let scroll = min(m.narrationScroll, max(0, all.count - text.height))
    let shown = all.dropFirst(scroll).prefix(text.height)
    for (i, (l, role)) in shown.enumerated() {
      f.put(l, x: text.x, y: text.y + i, style: theme[role], clip: text)
    }
    if scroll + text.height < all.count {
      f.put("↓", x: r.maxX - 1, y: r.maxY - 1, style: theme["marker"])
    }
    if scroll > 0 { f.put("↑", x: r.maxX - 1, y: r.y + 1, style: theme["marker"]) }
  }
}
