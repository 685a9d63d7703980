import ArgumentParser
import CursesBackend
import Foundation
import HandshakeApp
import HandshakeLessons

/// Options and start-up shared by the commands that open the interactive screen (`play` and
/// `open`): language, theme, colour, and what to say when there is no terminal.
struct ScreenOptions: ParsableArguments {
  @Option(help: "en or ko (default: from LC_ALL, LC_MESSAGES or LANG).") var lang: String?
  @Option(help: "default, projector or mono (mono when NO_COLOR is set).") var theme: String?
  @Flag(help: "Draw with ASCII only (for terminals that cannot show Unicode).") var ascii = false

  var environment: [String: String] { ProcessInfo.processInfo.environment }
  var noColor: Bool { !(environment["NO_COLOR"] ?? "").isEmpty }

  func language() throws -> Language {
    guard let l = lang else {
      let env = environment
      return Language.from(locale: env["LC_ALL"] ?? env["LC_MESSAGES"] ?? env["LANG"])
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
    moreLessons: () -> (lessons: [Lesson], warnings: [String]) = { ([], []) }
  ) throws {
    var model = model
    model.colorAllowed = !noColor
    do {
      let warnings = try TerminalApp.run(model, ascii: ascii, moreLessons: moreLessons)
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
