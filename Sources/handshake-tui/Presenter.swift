import ArgumentParser
import Foundation
import HandshakeApp
import HandshakeIO
import HandshakeLessons

#if canImport(Glibc)
  import Glibc
#endif

/// `handshake-tui presenter`: the teacher's screen beside a projector started with
/// `play --present`. It follows the projector and drives it with its keys.
struct Presenter: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "presenter",
    abstract: "The teacher's screen for a projector started with play --present.",
    discussion: """
      In one terminal (the projector):  handshake-tui play normal --present
      In another (the teacher's):      handshake-tui presenter
      Either may start first and either may quit and come back. The presenter shows the step's
      words and speaker notes, the question's answer and the class's vote, the next step, the
      time since the start and the clock, and a small ladder; its keys (a clicker too) drive
      the projector; q quits the presenter only.
      """)

  @OptionGroup var options: LessonOptions
  @OptionGroup var screen: ScreenOptions

  func run() throws {
    let link: PresenterLink
    do {
      link = try PresenterLink()
    } catch {
      throw CommandFailure(error.description)
    }
    let (lib, warnings) = try options.library()
    for w in warnings { printError("warning: " + w) }
    var model = AppModel(
      lessons: lib.lessons, lessonID: "normal", language: try screen.language(),
      theme: try screen.themeName())
    model.presenter = AppModel.PresenterInfo()
    model.presenter?.ownLanguage = screen.lang != nil
    let find: (String) -> Lesson? = { ref in
      if let l = lib.lesson(id: ref) { return l }
      // A lesson the projector loaded from a file: the same file, read here.
      guard ref.hasPrefix("/"), let input = try? InputFile(path: ref),
        let bytes = try? input.readAll(limit: LessonLibrary.maxFileBytes + 1, what: "lesson file")
      else { return nil }
      return try? LessonLibrary.load(bytes: bytes, file: ref)
    }
    var wasConnected = false
    try screen.show(
      model,
      poll: { m in
        for e in m.takeEffects() {
          if case .presenterKey(let k) = e { link.send(.key(k.name)) }
        }
        for message in link.poll() {
          switch message {
          case .state(let ref, _, _, _, _, _, _):
            let followed = m.follow(message, find: find)
            m.presenter?.problem =
              followed ? nil : "The projector shows \(ref), which this presenter cannot load."
          case .lessons(let refs):
            let more = refs.compactMap { lib.lesson(id: $0) == nil ? find($0) : nil }
            if !more.isEmpty { m.addLessons(more) }
          case .refused(let why): m.presenter?.problem = why
          case .key, .hello: break
          }
        }
        let connected = link.connected
        let gone = m.strings["presenter_gone"]
        if wasConnected && !connected {
          m.presenter?.problem = gone
        } else if connected && m.presenter?.problem == gone {
          m.presenter?.problem = nil
        }
        wasConnected = connected
        m.presenter?.connected = connected
        m.presenter?.wallMillis = Projector.wallMillis()
        m.presenter?.clock = Self.clock()
      })
  }

  /// The local time, "14:05".
  static func clock() -> String {
    var t = time(nil)
    var parts = tm()
    localtime_r(&t, &parts)
    return
      "\(parts.tm_hour < 10 ? "0" : "")\(parts.tm_hour):\(parts.tm_min < 10 ? "0" : "")\(parts.tm_min)"
  }
}
