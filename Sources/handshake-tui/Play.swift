import ArgumentParser
import CursesBackend
import Foundation
import HandshakeApp
import HandshakeIO
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
  @Flag(
    help:
      "Reload the lesson file when it is saved, staying on the same step; an error shows on screen over the last run that loaded."
  )
  var watch = false

  func run() throws {
    let language = try screen.language()
    let theme = try screen.themeName()
    // Only the lesson to show is loaded before the first frame; the rest follow it.
    let start = try options.lesson(lesson)
    let model = AppModel(lessons: [start], lessonID: start.id, language: language, theme: theme)
    let options = self.options
    if watch {
      guard case .success(.regular) = FileKind.of(lesson) else {
        throw ValidationError("--watch takes a lesson file, not a built-in lesson's id")
      }
      var watcher = LessonWatcher(path: lesson)
      try screen.show(model, poll: { m in watcher.poll(&m) })
      return
    }
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

/// `play FILE --watch`: the file looked at between frames; when it has been saved again it is
/// loaded and run, and the screen shows the new run (or, if it does not load, why).
struct LessonWatcher {
  let path: String
  var seen: FileStamp?

  init(path: String) {
    self.path = path
    seen = FileStamp(path)
  }

  mutating func poll(_ m: inout AppModel) {
    let now = FileStamp(path)
    guard now != seen, let now else { return }
    seen = now
    do {
      let input = try InputFile(path: path)
      let bytes = try input.readAll(limit: LessonLibrary.maxFileBytes + 1, what: "lesson file")
      let lesson = try LessonLibrary.load(bytes: bytes, file: path)
      // A lesson that loads but whose run breaks its own checks is an error too, as lint says.
      let problems = LessonRun(lesson).problems
      if problems.isEmpty {
        m.reload(lesson)
      } else {
        m.watchProblem = problems.map(\.description).joined(separator: "\n")
      }
    } catch let e as LessonError {
      m.watchProblem = e.description
    } catch let e as InputError {
      m.watchProblem = e.description
    } catch {
      m.watchProblem = "\(error)"
    }
  }
}

/// What tells a saved file from the one before: its modification time, size and inode (an
/// editor that writes a new file and renames it over the old one changes the inode).
struct FileStamp: Equatable {
  var seconds: Int
  var nanos: Int
  var size: Int
  var inode: UInt64

  init?(_ path: String) {
    var st = stat()
    guard stat(path, &st) == 0 else { return nil }
    seconds = Int(st.st_mtim.tv_sec)
    nanos = Int(st.st_mtim.tv_nsec)
    size = Int(st.st_size)
    inode = UInt64(st.st_ino)
  }
}
