import HandshakeLessons

/// The built-in lessons as `list` shows them, prepared when the program was built (by loading
/// and running each one with the project's loader and engine), so listing them or finding one
/// by id loads none. A test checks it against the lessons as they load and run now.
public enum BuiltinLessonIndex {
  /// The entry of the lesson with this id.
  public static func entry(id: String) -> BuiltinLessonEntry? { entries.first { $0.id == id } }
}

/// One built-in lesson's line in the index.
public struct BuiltinLessonEntry: Sendable, Equatable {
  public var id: String
  /// Its file in `lessons/`, as `LessonLibrary.builtInFiles` names it.
  public var path: String
  public var title: Localized
  public var level: String
  public var tags: [String]
  /// Steps of its run.
  public var steps: Int

  public init(
    id: String, path: String, title: Localized, level: String, tags: [String], steps: Int
  ) {
    self.id = id
    self.path = path
    self.title = title
    self.level = level
    self.tags = tags
    self.steps = steps
  }
}
