import ArgumentParser
import HandshakeApp
import HandshakeExport
import HandshakeIO
import HandshakeLessons
import HandshakeSim
import TerminalUI

/// `handshake-tui render LESSON --step N --size WxH`: prints the exact frame the terminal would
/// show (the same view code), for tests, screenshots and bug reports.
struct Render: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "render",
    abstract: "Print one frame of a lesson as text, or write it as a picture (SVG, HTML).",
    discussion: """
      Examples:
        handshake-tui render normal --step 4 --size 100x30
        handshake-tui render syn-flood --step 9 --lang ko --theme projector --format svg -o flood.svg
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, svg, html }

  @OptionGroup var options: LessonOptions
  @Argument(help: "A lesson id or file.") var lesson: String = "normal"
  @Option(help: "The step to show.") var step: Int = 0
  @Option(help: "Terminal size, WIDTHxHEIGHT.") var size: String = "80x24"
  @Option(help: "default, projector, projector-light or mono.") var theme: String = "default"
  @Option(help: "en or ko.") var lang: String = "en"
  @Flag(help: "Absolute sequence numbers.") var absolute = false
  @Option(help: "Open a window: diagram, segment, help or picker.") var overlay: String?
  @Flag(help: "Follow the frame with a mask of its styles.") var withStyles = false
  @Option(help: "text, or svg or html: the frame as a picture, in the theme's colours.")
  var format: Format = .text
  @Option(name: .shortAndLong, help: "Where the picture goes (default: standard output).")
  var output: String?
  @Option(
    help:
      "Keys to press after going to the step, separated by spaces: Right Left Enter Escape Home End Tab, or characters (2 r Q z)."
  )
  var keys: String?
  @OptionGroup var whatIf: WhatIfOptions

  func run() throws {
    let parts = size.lowercased().split(separator: "x").compactMap { Int($0) }
    guard parts.count == 2, parts[0] >= 0, parts[1] >= 0, parts[0] <= 1000, parts[1] <= 1000 else {
      throw ValidationError("--size takes WIDTHxHEIGHT, such as 100x30")
    }
    guard let language = Language(rawValue: lang) else {
      throw ValidationError("--lang takes en or ko")
    }
    guard Assets.themeNames.contains(theme) else {
      throw ValidationError("--theme takes \(Assets.themeNames.joined(separator: ", "))")
    }
    let l = try options.lesson(lesson)
    var model = AppModel(lessons: [l], lessonID: l.id, language: language, theme: theme)
    if let b = try whatIf.branch(of: l) { model.push(b) }
    Update.apply(.resize(width: parts[0], height: parts[1]), to: &model)
    guard step >= 0 && step <= model.lastStep else {
      throw ValidationError("--step must be between 0 and \(model.lastStep) for \(l.id)")
    }
    model.step = step
    model.absolute = absolute
    for name in (keys ?? "").split(separator: " ") {
      guard let k = Key(name: String(name)) else {
        throw ValidationError(
          "--keys: '\(name)' is not a key (Right, Left, Enter, Escape, Home, End, Tab, Up, Down, or one character)"
        )
      }
      Update.apply(.key(k), to: &model)
      // The arrow has landed: a frame after a key shows the step as it ends.
      Update.apply(.tick(now: model.now + 10_000), to: &model)
    }
    switch overlay {
    case nil: break
    case "diagram": model.overlay = .stateDiagram
    case "segment": model.overlay = .segment
    case "help": model.overlay = .help
    case "picker": model.overlay = .picker(selected: 0)
    case let o?: throw ValidationError("--overlay takes diagram, segment, help or picker, not \(o)")
    }
    let frame = AppView.render(model)
    guard format == .text else {
      let picture = FramePicture(frame, dark: theme != "projector-light")
      let text =
        format == .svg
        ? picture.svg(language: lang)
        : picture.html(language: lang, title: "\(l.title[language]) · \(step)")
      let file = try OutputFile(path: output)
      try file.write(text)
      try file.commit()
      return
    }
    if output != nil { throw ValidationError("-o goes with --format svg or html") }
    StandardOutput.shared.line(frame.lines.joined(separator: "\n"))
    if withStyles {
      StandardOutput.shared.line(frame.styleMask.joined(separator: "\n"))
    }
  }
}
