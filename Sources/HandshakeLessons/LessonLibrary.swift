import Dispatch
import HandshakeIO
import HandshakeSim
import Synchronization

/// The lessons the program knows: the built-in ones (compiled into the binary from `lessons/`)
/// and any a teacher adds with `--lessons DIR`.
public struct LessonLibrary: Sendable {
  public private(set) var lessons: [Lesson] = []

  public init() {}

  /// The built-in lessons, in the order of their file names.
  public static func builtIn() throws -> LessonLibrary {
    var lib = LessonLibrary()
    lib.lessons = try inParallel(builtInFiles) {
      try LessonLoader.load(text: $0.text, file: $0.path)
    }
    return lib
  }

  /// `make` of every item, on all cores at once (a lesson loads and runs alone: nothing is
  /// shared), in the items' order; the first error in that order is thrown.
  public static func inParallel<T: Sendable, R: Sendable>(
    _ items: [T], _ make: @Sendable (T) throws -> R
  ) throws -> [R] {
    let results = Mutex([Int: Result<R, any Error>]())
    DispatchQueue.concurrentPerform(iterations: items.count) { i in
      let r = Result { try make(items[i]) }
      results.withLock { $0[i] = r }
    }
    let all = results.withLock { $0 }
    return try items.indices.map { i in try all[i]!.get() }
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
      var v = Substring(line.dropFirst(3))
      while let c = v.first, c == " " || c == "\t" || c == "\"" || c == "'" { v = v.dropFirst() }
      while let c = v.last, c == " " || c == "\t" || c == "\"" || c == "'" || c == "\r" {
        v = v.dropLast()
      }
      return String(v)
    }
    return nil
  }

  /// The built-in lesson files as (name, text), for tests and `lint --builtin`.
  public static var builtInFiles: [(path: String, text: String)] {
    EmbeddedLessons.files.filter { $0.path.hasSuffix(".yaml") }
  }

  /// Adds every `.yaml` file of a directory; a lesson with the same id replaces the built-in.
  /// A directory that cannot be listed is an error; an entry that cannot be used (unreadable,
  /// a loop of links, not a regular file, a lesson with an error) is skipped and comes back as a
  /// warning that names it and says why, so one bad file does not hide the others.
  @discardableResult
  public mutating func add(directory: String) throws(InputError) -> [String] {
    let names = try Directory.names(in: directory)
      .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
    let dir = directory.hasSuffix("/") ? directory : directory + "/"
    var warnings: [String] = []
    for name in names {
      let path = dir + name
      switch FileKind.of(path) {
      case .failure(let e):
        warnings.append("skipped \(path): \(e.message)")
        continue
      case .success(let kind) where kind != .regular:
        // Never opened: a FIFO would wait for a writer, a device could be endless.
        warnings.append("skipped \(path): it is a \(kind.name), not a lesson file")
        continue
      case .success:
        break
      }
      do {
        let lesson = try LessonLibrary.load(path: path)
        lessons.removeAll { $0.id == lesson.id }
        lessons.append(lesson)
      } catch {
        warnings.append("skipped \(error.description)")
      }
    }
    return warnings
  }

  /// The most a lesson file may hold.
  public static let maxFileBytes = 256 * 1024

  /// Loads one lesson file from disk, reading it once (a FIFO is read to its end).
  public static func load(path: String) throws(LessonError) -> Lesson {
    let bytes: [UInt8]
    do {
      bytes = try InputFile.contents(of: path, limit: maxFileBytes + 1)
    } catch {
      throw LessonError(SourceMark(file: path, line: 1, column: 1), error.message)
    }
    return try load(bytes: bytes, file: path)
  }

  /// A lesson from a file's bytes (read once by the caller).
  public static func load(bytes: [UInt8], file: String) throws(LessonError) -> Lesson {
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw LessonError(SourceMark(file: file, line: 1, column: 1), "the file is not UTF-8 text")
    }
    return try LessonLoader.load(text: text, file: file)
  }

  /// A lesson by id.
  public func lesson(id: String) -> Lesson? { lessons.first { $0.id == id } }
}
