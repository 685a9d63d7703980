import HandshakeLessons
import TerminalUI

/// The lesson's chapters (`C`): titles and the steps they start at; Enter goes there.
enum ChaptersView {
  static func draw(_ f: inout Frame, _ r: Rect, _ m: AppModel, selected: Int) {
    let theme = m.theme
    let list = m.run.chapters
    let inner = AppView.window(&f, r, title: m.strings["chapters_title"], m)
    let height = max(1, inner.height)
    let first = max(0, min(selected - height / 2, list.count - height))
    for (row, i) in (first..<min(list.count, first + height)).enumerated() {
      let c = list[i]
      let chosen = i == selected
      let current = m.step >= c.step && (i + 1 == list.count || m.step < list[i + 1].step)
      let step = m.strings.format("chapters_step", ["i": "\(c.step)"])
      let title = (chosen ? "▸ " : current ? "· " : "  ") + c.title[m.language].sanitizedForTerminal
      let room = inner.width - 2 - step.displayWidth - 2
      let shown = title.displayWidth <= room ? title : title.prefix(columns: max(0, room - 1)) + "…"
      f.put(
        shown, x: inner.x + 1, y: inner.y + row,
        style: chosen ? theme["value_changed"] : theme["overlay"], clip: inner)
      f.put(
        step, x: inner.maxX - 1 - step.displayWidth, y: inner.y + row, style: theme["muted"],
        clip: inner)
    }
  }
}
