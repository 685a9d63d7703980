import ArgumentParser
import HandshakeLessons
import HandshakeSim

/// `handshake-tui play [LESSON]`: until the terminal UI lands, prints the lesson's ladder.
struct Play: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Play a lesson (the default: normal).")

  @OptionGroup var options: LessonOptions
  @Argument(help: "A lesson id or file.") var lesson: String = "normal"

  func run() throws {
    let l = try options.lesson(lesson)
    let run = LessonRun(l)
    print(l.title.en)
    for line in run.timeline.textLines() { print(line) }
  }
}
