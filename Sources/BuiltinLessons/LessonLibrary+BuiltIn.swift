import HandshakeLessons

extension LessonLibrary {
  /// The built-in lessons, in the order of their file names.
  public static func builtIn() throws -> LessonLibrary {
    LessonLibrary(
      try inParallel(builtInFiles) { try LessonLoader.load(text: $0.text, file: $0.path) })
  }

  /// One built-in lesson by id, parsing only its file: the index made at build time says which
  /// file holds it, so starting on one lesson neither waits for the others nor scans them.
  public static func builtIn(id: String) throws -> Lesson? {
    guard let e = BuiltinLessonIndex.entry(id: id),
      let f = builtInFiles.first(where: { $0.path == e.path })
    else { return nil }
    return try LessonLoader.load(text: f.text, file: f.path)
  }

  /// The built-in lesson files as (name, text), for tests and `lint --builtin`.
  public static var builtInFiles: [(path: String, text: String)] {
    EmbeddedLessons.files.filter { $0.path.hasSuffix(".yaml") }
  }
}
