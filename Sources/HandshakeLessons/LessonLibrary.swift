import Dispatch
import HandshakeIO
import HandshakeSim
import Synchronization

/// The lessons the program knows: the built-in ones (compiled into the binary from `lessons/`)
/// and any a teacher adds with `--lessons DIR`.
public struct LessonLibrary: Sendable {
  public private(set) var lessons: [Lesson] = []

  public init() {}

  /// A library of these lessons.
  public init(_ lessons: [Lesson]) { self.lessons = lessons }

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
