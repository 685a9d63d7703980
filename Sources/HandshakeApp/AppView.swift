import HandshakeLessons
import HandshakeSim
import TerminalUI

/// The pure view: a model and a size become a frame of cells. The terminal backend and the
/// headless `render` command draw the same frames.
public enum AppView {
  public static let minWidth = 80
  public static let minHeight = 24

  public static func render(_ m: AppModel) -> Frame {
    // A theme may paint the whole screen (projector-light: dark on an explicit light ground,
    // whatever the terminal's own colours).
    var f = Frame(width: m.width, height: m.height, fill: Cell(" ", m.theme["screen"]))
    guard m.width > 0 && m.height > 0 else { return f }
    if m.blanked { return Frame(width: m.width, height: m.height) }
    if m.width < minWidth || m.height < minHeight {
      tooSmall(&f, m)
      return f
    }
    if let p = m.presenter {
      PresenterView.draw(&f, m, p)
      return f
    }
    let theme = m.theme
    let (titleRow, rest) = f.bounds.splitTop(1)
    let (body, keyRow) = rest.splitBottom(1)
    TitleBar.draw(&f, titleRow, m)
    KeyBar.draw(&f, keyRow, m)

    // Narration takes a quarter of the body (more when the text needs it and room allows). An
    // open question gets what it needs, short of the state boxes: it must be read whole.
    let textWidth = body.width - 2
    let needed = NarrationView.lines(m, width: textWidth).count + 1
    let narrationHeight =
      m.question != nil
      ? max(6, min(needed, body.height - 8))
      : max(6, min(needed, body.height - 15, body.height / 2))
    let (middle, narration) = body.splitBottom(narrationHeight)
    NarrationView.draw(&f, narration, m)

    // The ladder gets at least half the width; the panels share the rest, up to 34 each.
    let ladderWidth = max(middle.width / 2, middle.width - 2 * 34)
    let panelWidth = (middle.width - ladderWidth) / 2
    let (leftPanel, rest2) = middle.splitLeft(panelWidth)
    let (ladder, rightPanel) = rest2.splitRight(panelWidth)
    EndpointPanel.draw(&f, leftPanel, m, side: .left)
    EndpointPanel.draw(&f, rightPanel, m, side: .right)
    for y in middle.y..<middle.maxY {
      f.put("│", x: leftPanel.maxX - 1, y: y, style: theme["separator"])
      f.put("│", x: rightPanel.x, y: y, style: theme["separator"])
    }
    LadderView.draw(
      &f, Rect(x: ladder.x + 1, y: ladder.y, width: ladder.width - 2, height: ladder.height), m)

    if let o = m.overlay {
      let area = body.inset(1)
      switch o {
      case .stateDiagram: StateDiagramView.draw(&f, area, m)
      case .segment: SegmentView.draw(&f, area, m)
      case .help: HelpView.draw(&f, area, m)
      case .picker(let sel): PickerView.draw(&f, area, m, selected: sel)
      case .chapters(let sel): ChaptersView.draw(&f, area, m, selected: sel)
      case .overview: OverviewView.draw(&f, area, m)
      case .whatIf(let menu):
        let w = min(area.width, 72)
        let h = min(area.height, 18)
        WhatIfMenuView.draw(
          &f, Rect(x: area.x + (area.width - w) / 2, y: area.y, width: w, height: h), m, menu: menu)
      case .compare: CompareView.draw(&f, area, m)
      case .command: break
      }
    }
    // `play FILE --watch`: the file as saved does not load. The run it last loaded stays on
    // screen under the message, until the file is fixed.
    if let problem = m.watchProblem {
      let area = body.inset(1)
      let lines = TextWrap.wrap(problem.sanitizedKeepingNewlines, width: max(10, area.width - 4))
      let h = min(area.height, lines.count + 2)
      let box = Rect(x: area.x, y: area.maxY - h, width: area.width, height: h)
      let inner = window(&f, box, title: m.strings["watch_problem"], m)
      for (i, l) in lines.prefix(inner.height).enumerated() {
        f.put(l, x: inner.x + 1, y: inner.y + i, style: m.theme["warning"], clip: inner)
      }
    }
    return f
  }

  static func tooSmall(_ f: inout Frame, _ m: AppModel) {
    let s = m.strings.format(
      "too_small",
      ["w": "\(m.width)", "h": "\(m.height)", "minw": "\(minWidth)", "minh": "\(minHeight)"])
    let lines = TextWrap.wrap(s, width: max(1, m.width - 2))
    let top = max(0, (m.height - lines.count) / 2)
    for (i, l) in lines.enumerated() where top + i < m.height {
      f.put(l, x: max(0, (m.width - l.displayWidth) / 2), y: top + i, style: m.theme["warning"])
    }
  }

  /// Draws `text` centred in `r` on one row.
  static func center(_ f: inout Frame, _ text: String, _ r: Rect, y: Int, style: Style) {
    let t = text.prefix(columns: r.width)
    f.put(t, x: r.x + max(0, (r.width - t.displayWidth) / 2), y: y, style: style, clip: r)
  }

  /// Draws a window: cleared, boxed, titled. Returns the inside.
  static func window(_ f: inout Frame, _ r: Rect, title: String, _ m: AppModel) -> Rect {
    f.fill(r, with: Cell(" ", m.theme["overlay"]))
    f.box(r, .double, style: m.theme["overlay"], title: title, titleStyle: m.theme["overlay_title"])
    return r.inset(1)
  }
}

/// The top line: lesson, step, virtual time, numbers mode, language.
enum TitleBar {
  /// "step 4/18", or a folded burst's "steps 5–9/18 (5 as one: x opens)".
  static func stepText(_ m: AppModel) -> String {
    let s = m.strings
    if let b = m.run.burst(containing: m.step), !m.expandedBursts.contains(b.steps.lowerBound) {
      return s.format(
        "step_burst",
        [
          "a": "\(b.steps.lowerBound)", "b": "\(b.steps.upperBound)", "n": "\(m.lastStep)",
          "count": "\(b.steps.count)",
        ])
    }
    return s.format("step", ["i": "\(m.step)", "n": "\(m.lastStep)"])
  }

  static func draw(_ f: inout Frame, _ r: Rect, _ m: AppModel) {
    let style = m.theme["title"]
    f.fill(r, with: Cell(" ", style))
    let s = m.strings
    let t = m.timeline.steps[m.shownStep].time
    let stepText = Self.stepText(m)
    var right = [
      stepText, s.format("time", ["t": Format.seconds(t)]),
      m.absolute ? s["absolute"] : s["relative"],
    ]
    if m.quizMode {
      let q = m.quizScore
      right.insert(
        s.format("quiz_score", ["right": "\(q.right)", "answered": "\(q.answered)"]), at: 0)
    }
    if let a = m.autoplay {
      right.insert(
        s.format("autoplay", ["s": VirtualDuration.millis(a.interval).description]), at: 0)
    }
    if !m.typedNumber.isEmpty || m.typingStep { right.insert("→ \(m.typedNumber)_", at: 0) }
    if let live = m.live {
      right.insert(
        s.format(live.ended ? "live_ended" : "live_marker", ["packets": "\(live.packets)"]), at: 0)
    }
    right.append(s["language_name"])
    let rightText = " " + right.joined(separator: " │ ") + " "
    // A what-if on screen says so where the title is: the class must know it is not the lesson.
    var title = " " + m.lesson.title[m.language].sanitizedForTerminal
    if let b = m.branch {
      title = " ⑂ " + b.banner(s).sanitizedForTerminal
    } else if !m.branches.isEmpty {
      title = " " + s["whatif_banner_original"]
    }
    let room = r.width - rightText.displayWidth - 1
    // A title too long is shortened, and says so.
    let shownTitle =
      title.displayWidth <= room ? title : room >= 3 ? title.prefix(columns: room - 1) + "…" : ""
    f.put(shownTitle, x: r.x, y: r.y, style: style)
    f.put(rightText, x: r.maxX - rightText.displayWidth, y: r.y, style: style)
  }
}

/// The bottom line: the keys that matter now.
enum KeyBar {
  static func draw(_ f: inout Frame, _ r: Rect, _ m: AppModel) {
    if case .command(let text) = m.overlay {
      let style = m.theme["value_changed"]
      f.fill(r, with: Cell(" ", style))
      let line = ":" + text + "_"
      let shown = line.displayWidth + 2 <= r.width ? line : "…" + String(line.suffix(r.width - 3))
      f.put(" " + shown, x: r.x, y: r.y, style: style)
      return
    }
    if let flash = m.flash {
      let style = m.theme[flash.role]
      f.fill(r, with: Cell(" ", style))
      let t = flash.text.sanitizedForTerminal
      let shown = t.displayWidth + 2 <= r.width ? t : t.prefix(columns: r.width - 3) + "…"
      f.put(" " + shown, x: r.x, y: r.y, style: style)
      return
    }
    f.fill(r, with: Cell(" ", m.theme["keybar"]))
    let s = m.strings
    let text: String
    if case .picker = m.overlay {
      text = s["keys_picker"]
    } else if case .whatIf = m.overlay {
      text = s["keys_whatif"]
    } else if m.overlay != nil {
      text = s["keys_overlay"]
    } else if !m.typedNumber.isEmpty || m.typingStep {
      text = s.format("keys_number", ["digits": m.typedNumber])
    } else if m.questionOpen, let q = m.question {
      text = s.format(m.quizMode ? "keys_quiz" : "keys_question", ["n": "\(q.choices.count)"])
    } else {
      text = s["keys_main"].displayWidth + 2 <= r.width ? s["keys_main"] : s["keys_short"]
    }
    let shown = text.displayWidth + 2 <= r.width ? text : text.prefix(columns: r.width - 3) + "…"
    f.put(" " + shown, x: r.x, y: r.y, style: m.theme["keybar"])
  }
}

/// Number and time formatting shared by the widgets.
enum Format {
  /// "0.110 s", "60.265 s".
  static func seconds(_ t: VirtualTime) -> String {
    let ms = (t.micros + 500) / 1000
    let frac = String(ms % 1000)
    return "\(ms / 1000).\(String(repeating: "0", count: 3 - frac.count))\(frac) s"
  }

  /// A sequence number shown relative to a base ("ISS+1") or absolute.
  static func seq(_ v: SeqNum, base: SeqNum?, name: String, absolute: Bool) -> String {
    guard !absolute, let b = base else { return String(v.rawValue) }
    let d = v.rawValue &- b.rawValue
    return d == 0 ? name : "\(name)+\(d)"
  }
}
