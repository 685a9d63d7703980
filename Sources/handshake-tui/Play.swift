import ArgumentParser
import CursesBackend
import Foundation
import HandshakeApp
import HandshakeLessons
import HandshakeSim

/// `handshake-tui [play] [LESSON]`: the interactive lesson player.
struct Play: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "play",
    abstract: "Play a lesson in the terminal (the default command).")

  @OptionGroup var options: LessonOptions
  @Argument(help: "A lesson id or file.") var lesson: String = "normal"
  @OptionGroup var screen: ScreenOptions

  func run() throws {
    let language = try screen.language()
    let theme = try screen.themeName()
    // Only the lesson to show is loaded before the first frame; the rest follow it.
    let start = try options.lesson(lesson)
    let model = AppModel(lessons: [start], lessonID: start.id, language: language, theme: theme)
    let options = self.options
    try screen.show(model) {
      do {
        let (lib, warnings) = try options.library()
        return (lib.lessons, warnings)
      } catch {
        // The built-in lessons are still there; the folder is what failed.
        return ((try? LessonLibrary.builtIn().lessons) ?? [], ["\(error)"])
      }
    }
  }
}
