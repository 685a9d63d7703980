import HandshakeLessons
import HandshakeSim
import TerminalUI

/// The lesson as plain text, one step at a time (`play --plain`): no boxes, no cursor
/// addressing, nothing but lines, for a screen reader, a log over SSH, TERM=dumb or a chat.
/// The words and numbers are the screen's own: the title line's step and time, the caption,
/// narration and question of the narration area, and each endpoint's panel as it draws itself
/// when there is no room for a boxed badge.
public enum PlainView {
  /// The block for the model's current step, wrapped to `width`.
  public static func text(_ m: AppModel, width: Int = 80) -> [String] {
    let s = m.strings
    let w = max(40, width)
    var out: [String] = []
    let title = m.lesson.title[m.language].sanitizedForTerminal
    out.append(
      "== " + title + " · "
        + TitleBar.stepText(m) + " · "
        + s.format("time", ["t": Format.seconds(m.timeline.steps[m.shownStep].time)]) + " · "
        + s[m.absolute ? "absolute" : "relative"])
    for (line, _) in NarrationView.lines(m, width: w) { out.append(line) }
    // Each side's panel, drawn as the screen draws it in a short window (the state on a line
    // of its own, no box), read off as text: the same values, the same changed marks.
    for side in [Side.left, .right] {
      var f = Frame(width: min(w, 40), height: 16)
      EndpointPanel.draw(&f, Rect(x: 0, y: 0, width: f.width, height: f.height), m, side: side)
      let lines = f.lines.map { String($0.reversed().drop { $0 == " " }.reversed()) }
      var panel = lines.map { $0.trimmingLeadingSpaces }
      while panel.last == "" { panel.removeLast() }
      out.append("")
      out += panel.map { "  " + $0 }.filter { $0.count > 2 }
    }
    out.append("")
    out.append(s[m.questionOpen ? "plain_keys_question" : "plain_keys"])
    return out
  }

  /// A line typed in plain mode, applied as the screen's keys would be: Enter goes on (on an
  /// open question it reveals the answer, as → does), `b` goes back, a number goes to that
  /// step (on an open question, 1–n answers it), `a` switches absolute and relative numbers,
  /// `E` the language. False when the line is `q` (or the input ended).
  public static func apply(_ line: String, to m: inout AppModel) -> Bool {
    let typed = line.trimmingLeadingSpaces.reversed().drop { $0 == " " || $0 == "\r" }
      .reversed()
    let word = String(typed)
    var keys: [Key] = []
    switch word {
    case "q", "quit": return false
    case "": keys = [.right]
    case "b", "back": keys = [.left]
    case "a": keys = [.char("a")]
    case "E": keys = [.char("E")]
    default:
      guard let n = Int(word), n >= 0 else { return true }
      if let q = m.question, m.questionOpen, (1...q.choices.count).contains(n) {
        keys = [.char(Character(String(n))), .enter]
      } else {
        keys = [.char(":")] + word.map { Key.char($0) } + [.enter]
      }
    }
    for k in keys { Update.apply(.key(k), to: &m) }
    // No animation in plain text: each step is shown as it stands once it has happened.
    m.animation = nil
    return !m.quit
  }
}

extension String {
  var trimmingLeadingSpaces: String { String(drop { $0 == " " }) }
}
