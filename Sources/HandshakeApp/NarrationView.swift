import HandshakeLessons
import TerminalUI

/// The words for the step: a caption of what the engine did, the lesson's narration, and the
/// step's question with its answer once given.
enum NarrationView {
  /// The styled lines to show, wrapped to `width`.
  static func lines(_ m: AppModel, width: Int) -> [(String, String)] {
    guard width > 0 else { return [] }
    var out: [(String, String)] = []
    let w = width
    for l in TextWrap.wrap(StepCaption.text(m, step: m.step).sanitizedKeepingNewlines, width: w) {
      out.append((l, "caption"))
    }
    for text in m.run.narration(atStep: m.step, language: m.language) {
      for l in TextWrap.wrap(text.sanitizedKeepingNewlines, width: w) {
        out.append((l, "narration"))
      }
    }
    if m.step == m.lastStep && m.step > 0 { out.append((m.strings["end_caption"], "caption")) }
    if let q = m.question {
      out.append(("", "narration"))
      for l in TextWrap.wrap("? " + q.prompt.sanitizedKeepingNewlines, width: w) {
        out.append((l, "question"))
      }
      let chosen = m.currentAnswer
      for (i, c) in q.choices.enumerated() {
        var mark = "  "
        var role = "narration"
        if let a = chosen {
          if i == q.answer {
            mark = "✓ "
            role = "right"
          } else if i == a {
            mark = "✗ "
            role = "wrong"
          }
        }
        for (k, l) in TextWrap.wrap("\(i + 1)) " + c.sanitizedKeepingNewlines, width: w - 2)
          .enumerated()
        {
          out.append(((k == 0 ? mark : "  ") + l, role))
        }
      }
      if let a = chosen {
        let verdict =
          a == q.answer
          ? m.strings["question_right"]
          : m.strings.format("question_wrong", ["n": "\(q.answer + 1)"])
        for l in TextWrap.wrap(
          verdict + (q.explanation.map { " " + $0.sanitizedKeepingNewlines } ?? ""), width: w)
        {
          out.append((l, a == q.answer ? "right" : "wrong"))
        }
      } else {
        out.append((m.strings.format("question_answer_with", ["n": "\(q.choices.count)"]), "muted"))
      }
    }
    return out
  }

  static func draw(_ f: inout Frame, _ r: Rect, _ m: AppModel) {
    let theme = m.theme
    guard r.height > 1 else { return }
    f.put(String(repeating: "─", count: r.width), x: r.x, y: r.y, style: theme["separator"])
    f.put(" " + m.strings["narration_title"] + " ", x: r.x + 2, y: r.y, style: theme["separator"])
    let text = Rect(x: r.x + 1, y: r.y + 1, width: r.width - 2, height: r.height - 1)
    let all = lines(m, width: text.width)
    // The question stays in view: scroll only the text above it.
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
