import ArgumentParser
import CursesBackend
import Foundation
import HandshakeApp
import HandshakeIO
import HandshakeLessons

/// What the interactive screen opens with (`play`, `open`, `live`, `sandbox`, `presenter`):
/// language, theme, colour, and what to say when there is no terminal. Plain values, so that
/// `play` with no options can start without the argument parser (see `PlayRequest.fast`).
struct ScreenSettings {
  var lang: String? = nil
  var theme: String? = nil
  var ascii = false
  var absolute = false
  var quiz = false
  var quizLog: String? = nil
  var plain = false

  var noColor: Bool { !(Environment["NO_COLOR"] ?? "").isEmpty }

  func language() throws -> Language {
    guard let l = lang else {
      return Language.from(
        locale: Environment["LC_ALL"] ?? Environment["LC_MESSAGES"] ?? Environment["LANG"])
    }
    guard let v = Language(rawValue: l) else { throw ValidationError("--lang takes en or ko") }
    return v
  }

  func themeName() throws -> String {
    if let t = theme, !Assets.themeNames.contains(t) {
      throw ValidationError("--theme takes \(Assets.themeNames.joined(separator: ", "))")
    }
    return theme ?? (noColor ? "mono" : "default")
  }

  /// Runs the screen until the user quits; no terminal is exit status 2 with one clear line.
  func show(
    _ model: AppModel,
    moreLessons: () -> (lessons: [Lesson], warnings: [String]) = { ([], []) },
    poll: ((inout AppModel) -> Void)? = nil
  ) throws {
    var model = model
    model.colorAllowed = !noColor
    model.absolute = absolute
    model.quizMode = quiz
    // TERM=dumb cannot be drawn on: the same lesson as plain text, said once.
    let dumb = Environment["TERM"] == "dumb"
    if plain || dumb {
      if dumb && !plain { printError(Assets.strings(model.language)["plain_dumb"]) }
      showPlain(model, poll: poll)
      return
    }
    var log: AppendFile? = nil
    if let path = quizLog {
      do {
        log = try AppendFile(path: path)
      } catch {
        throw CommandFailure(error.message)
      }
    }
    do {
      let warnings = try TerminalApp.run(
        model, ascii: ascii, moreLessons: moreLessons, poll: poll
      ) { e in
        if case .save(let path, let text) = e {
          // A lesson file: written all-or-nothing, a device or FIFO written through.
          do {
            let f = try OutputFile(path: path)
            try f.write(text)
            try f.commit()
            return (Assets.strings(model.language).format("whatif_saved", ["file": path]), false)
          } catch {
            return ("\(error)", true)
          }
        }
        guard let log, case .logAnswer(let lesson, let step, let choice, let right) = e else {
          return nil
        }
        let line =
          "{\"lesson\":\(lesson.jsonQuoted),\"step\":\(step),\"choice\":\(choice),\"right\":\(right),\"time\":\(QuizTime.now().jsonQuoted)}"
        do {
          try log.append(line: line)
          return nil
        } catch {
          return ("\(error)", true)
        }
      }
      // Said on screen; said again where it stays, now that the screen is gone.
      for w in warnings { printError("warning: " + w) }
    } catch let e as CursesTerminal.Failure {
      let s = Assets.strings(model.language)
      FileHandle.standardError.write(
        Data(
          ("handshake-tui: " + (e.description == "not a terminal" ? s["not_a_tty"] : e.description)
            + "\n").utf8))
      throw ExitCode(2)
    }
  }
}

extension ScreenSettings {
  /// Plain mode: a step's block of text, then a line of input, until `q` or the end of input.
  func showPlain(_ model: AppModel, poll: ((inout AppModel) -> Void)?) {
    var m = model
    var size = winsize()
    let columns =
      ioctl(1, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0
      ? Int(size.ws_col) : Int(Environment["COLUMNS"] ?? "") ?? 80
    Update.apply(.resize(width: max(80, columns), height: 30), to: &m)
    m.animation = nil
    while true {
      poll?(&m)
      for line in PlainView.text(m, width: min(columns, 100)) { output(line) }
      output("")
      try? StandardOutput.shared.finish()
      guard let line = readLine(strippingNewline: true), PlainView.apply(line, to: &m) else {
        break
      }
    }
  }
}

/// The screen's options on the command line.
struct ScreenOptions: ParsableArguments {
  @Option(help: "en or ko (default: from LC_ALL, LC_MESSAGES or LANG).") var lang: String?
  @Option(help: "default, projector, projector-light or mono (mono when NO_COLOR is set).")
  var theme: String?
  @Flag(help: "Draw with ASCII only (for terminals that cannot show Unicode).") var ascii = false
  @Flag(help: "Start with absolute sequence numbers (a switches).") var absolute = false
  @Flag(help: "Quiz mode: a question is revealed by answering it, and scored (Q switches).")
  var quiz = false
  @Option(help: "With --quiz: append one JSON line per answer to this file.") var quizLog: String?
  @Flag(
    help:
      "Plain text, one step at a time, for a screen reader or TERM=dumb: no boxes, no cursor movement; type Enter, b, a step number or an answer, then Enter."
  )
  var plain = false

  var settings: ScreenSettings {
    ScreenSettings(
      lang: lang, theme: theme, ascii: ascii, absolute: absolute, quiz: quiz, quizLog: quizLog,
      plain: plain)
  }

  func language() throws -> Language { try settings.language() }
  func themeName() throws -> String { try settings.themeName() }

  /// Runs the screen until the user quits (see `ScreenSettings.show`).
  func show(
    _ model: AppModel,
    moreLessons: () -> (lessons: [Lesson], warnings: [String]) = { ([], []) },
    poll: ((inout AppModel) -> Void)? = nil
  ) throws {
    try settings.show(model, moreLessons: moreLessons, poll: poll)
  }
}

/// The wall-clock time of a quiz answer, as ISO 8601 in UTC ("2026-12-01T09:30:00Z").
enum QuizTime {
  static func now() -> String {
    var t = time(nil)
    var parts = tm()
    gmtime_r(&t, &parts)
    func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
    return
      "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))T\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))Z"
  }
}
