import ArgumentParser
import BuiltinLessons
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
  @Flag(
    help:
      "Be the projector for a presenter console: run `handshake-tui presenter` in another terminal (notes, answers, what comes next, the time; its keys drive this screen)."
  )
  var present = false

  func run() throws {
    try PlayRequest(
      lesson: lesson, source: options.source, screen: screen.settings, watch: watch,
      present: present
    ).run()
  }
}

/// What `play` was asked to do, as plain values.
struct PlayRequest {
  var lesson = "normal"
  var source = LessonSource()
  var screen = ScreenSettings()
  var watch = false
  var present = false

  /// The commands a teacher types to start a lesson (nothing, `play`, `ID`, or `play ID`),
  /// read without the argument parser: its parse reflects on the commands' arguments, and
  /// each protocol-conformance lookup that reflection makes the first time scans the whole
  /// binary's conformance table (a fifth of the launch, measured with perf). Anything else,
  /// an option or help included, is nil: the argument parser reads it as usual.
  static func fast(_ args: [String]) -> PlayRequest? {
    var rest = args
    if rest.first == "play" { rest.removeFirst() }
    guard rest.count <= 1 else { return nil }
    guard let name = rest.first else { return PlayRequest() }
    let commands = HandshakeTUI.configuration.subcommands.compactMap {
      $0.configuration.commandName
    }
    guard !name.hasPrefix("-"), name != "help", !commands.contains(name) else { return nil }
    return PlayRequest(lesson: name)
  }

  func run() throws {
    let language = try screen.language()
    let theme = try screen.themeName()
    // Only the lesson to show is loaded before the first frame; the rest follow it.
    let start = try source.lesson(lesson)
    let model = AppModel(lessons: [start], lessonID: start.id, language: language, theme: theme)
    let source = self.source
    var watcher: LessonWatcher? = nil
    if watch {
      guard case .success(.regular) = FileKind.of(lesson) else {
        throw ValidationError("--watch takes a lesson file, not a built-in lesson's id")
      }
      watcher = LessonWatcher(path: lesson)
    }
    var projector: Projector? = nil
    if present {
      do {
        projector = Projector(link: try ProjectorLink())
      } catch {
        throw CommandFailure(error.description)
      }
    }
    let more: () -> (lessons: [Lesson], warnings: [String]) = {
      // A lesson being written stays alone on screen: the others would only be in the way.
      guard !watch else { return ([], []) }
      do {
        let (lib, warnings) = try source.library()
        return (lib.lessons, warnings)
      } catch {
        // The built-in lessons are still there; the folder is what failed.
        return ((try? LessonLibrary.builtIn().lessons) ?? [], ["\(error)"])
      }
    }
    let poll: ((inout AppModel) -> Void)? =
      watch || present
      ? { m in
        watcher?.poll(&m)
        projector?.poll(&m)
      } : nil
    try screen.show(model, moreLessons: more, poll: poll)
  }
}

/// `play --present`: the presenter console's keys applied here, and where the talk is told
/// back after every change.
struct Projector {
  let link: ProjectorLink
  let started = Projector.wallMillis()
  var last: PresenterMessage? = nil

  static func wallMillis() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
  }

  /// How the presenter finds a lesson: a built-in one by id, any other by its file.
  static func ref(_ l: Lesson) -> String {
    if LessonLibrary.builtInFiles.contains(where: { $0.path == l.file }) { return l.id }
    guard let real = realpath(l.file, nil) else { return l.id }
    defer { free(real) }
    return String(cString: real)
  }

  mutating func poll(_ m: inout AppModel) {
    for message in link.poll() {
      if case .key(let name) = message, let k = Key(name: name) { Update.apply(.key(k), to: &m) }
    }
    if link.fresh {
      link.fresh = false
      last = nil
      link.send(.lessons(m.lessons.map(Self.ref)))
    }
    let state = m.presenterState(ref: Self.ref(m.lesson), startedAt: started)
    if state != last {
      link.send(state)
      last = state
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
