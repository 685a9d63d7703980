import ArgumentParser
import CursesBackend
import Foundation
import HandshakeApp
import HandshakeLessons
import HandshakeSim

/// `handshake-tui [play] [LESSON]`: the interactive lesson player.
struct Play: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Play a lesson in the terminal (the default command).")

  @OptionGroup var options: LessonOptions
  @Argument(help: "A lesson id or file (default: normal).") var lesson: String = "normal"
  @Option(help: "en or ko (default: from LC_ALL, LC_MESSAGES or LANG).") var lang: String?
  @Option(help: "default, projector or mono (mono when NO_COLOR is set).") var theme: String?

  func run() throws {
    let env = ProcessInfo.processInfo.environment
    let language: Language
    if let l = lang {
      guard let v = Language(rawValue: l) else { throw ValidationError("--lang takes en or ko") }
      language = v
    } else {
      language = Language.from(locale: env["LC_ALL"] ?? env["LC_MESSAGES"] ?? env["LANG"])
    }
    if let t = theme, !Assets.themeNames.contains(t) {
      throw ValidationError("--theme takes \(Assets.themeNames.joined(separator: ", "))")
    }
    let noColor = !(env["NO_COLOR"] ?? "").isEmpty
    // Only the lesson to show is loaded before the first frame; the rest follow it.
    let start = try options.lesson(lesson)
    var model = AppModel(
      lessons: [start], lessonID: start.id, language: language,
      theme: theme ?? (noColor ? "mono" : "default"))
    model.colorAllowed = !noColor
    let options = self.options
    do {
      try TerminalApp.run(model) { (try? options.library().lessons) ?? [] }
    } catch let e as CursesTerminal.Failure {
      let s = Assets.strings(language)
      FileHandle.standardError.write(
        Data(
          ("handshake-tui: " + (e.description == "not a terminal" ? s["not_a_tty"] : e.description)
            + "\n").utf8))
      throw ExitCode(2)
    }
  }
}
