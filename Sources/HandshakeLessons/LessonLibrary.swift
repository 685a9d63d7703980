import Foundation
import HandshakeSim

/// The lessons the program knows: the built-in ones (compiled into the binary from `lessons/`)
/// and any a teacher adds with `--lessons DIR`.
public struct LessonLibrary: Sendable {
  public private(set) var lessons: [Lesson] = []

  public init() {}

  /// The built-in lessons, in the order of their file names.
  public static func builtIn() throws -> LessonLibrary {
    var lib = LessonLibrary()
    for f in EmbeddedLessons.files where f.path.hasSuffix(".yaml") {
      do {
        lib.lessons.append(try LessonLoader.load(text: f.text, file: f.path))
      } catch {
        throw error
      }
    }
    return lib
  }

  /// One built-in lesson by id, parsing only its file (the id is read from its `id:` line, so
  /// starting on one lesson does not wait for the others).
  public static func builtIn(id: String) throws -> Lesson? {
    for f in builtInFiles where declaredID(f.text) == id {
      return try LessonLoader.load(text: f.text, file: f.path)
    }
    return nil
  }

  /// The value of a top-level `id:` line, without parsing the YAML.
  static func declaredID(_ text: String) -> String? {
    for line in text.split(separator: "\n") where line.hasPrefix("id:") {
      return line.dropFirst(3).trimmingCharacters(in: .whitespaces).trimmingCharacters(
        in: CharacterSet(charactersIn: "\"'"))
    }
    return nil
  }

  /// The built-in lesson files as (name, text), for tests and `lint --builtin`.
  public static var builtInFiles: [(path: String, text: String)] {
    EmbeddedLessons.files.filter { $0.path.hasSuffix(".yaml") }
  }

  /// Adds every `.yaml` file of a directory; a lesson with the same id replaces the built-in.
  public mutating func add(directory: String) throws {
    let url = URL(fileURLWithPath: directory)
    let names = try FileManager.default.contentsOfDirectory(atPath: directory)
      .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
    var errors: [LessonError] = []
    for name in names {
      let path = url.appendingPathComponent(name).path
      do {
        let lesson = try LessonLibrary.load(path: path)
        lessons.removeAll { $0.id == lesson.id }
        lessons.append(lesson)
      } catch let e as LessonError {
        errors.append(e)
      }
    }
    if !errors.isEmpty { throw LessonErrors(errors) }
  }

  /// Loads one lesson file from disk.
  public static func load(path: String) throws -> Lesson {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw LessonError(SourceMark(file: path, line: 1, column: 1), "cannot read the file")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw LessonError(SourceMark(file: path, line: 1, column: 1), "the file is not UTF-8 text")
    }
    return try LessonLoader.load(text: text, file: path)
  }

  /// A lesson by id.
  public func lesson(id: String) -> Lesson? { lessons.first { $0.id == id } }
}
