import BuiltinLessons
import HandshakeApp
import HandshakeLessons
import TerminalUI

enum AppFixture {
  static let lessons: [Lesson] = try! LessonLibrary.builtIn().lessons

  static func model(
    _ id: String = "normal", width: Int = 100, height: Int = 30, language: Language = .en,
    theme: String = "default"
  ) -> AppModel {
    var m = AppModel(lessons: lessons, lessonID: id, language: language, theme: theme)
    Update.apply(.resize(width: width, height: height), to: &m)
    return m
  }

  static func press(_ keys: [Key], _ m: inout AppModel) {
    for k in keys { Update.apply(.key(k), to: &m) }
  }

  static func text(_ m: AppModel) -> String { AppView.render(m).lines.joined(separator: "\n") }
}
