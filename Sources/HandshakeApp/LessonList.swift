import HandshakeLessons

/// The lessons the picker lists and the keys walk through: an array, or entries made when they
/// are looked at. A capture with 300,000 connections is listed from its summary pass without
/// making 300,000 lessons (each a title and a summary in two languages): the picker makes the
/// two dozen rows it shows.
public struct LessonList: RandomAccessCollection, Sendable {
  enum Storage: Sendable {
    case array([Lesson])
    case made(count: Int, make: @Sendable (Int) -> Lesson, locate: @Sendable (String) -> Int?)
  }
  var storage: Storage
  /// True when every entry is a capture's connection: the picker lists them by endpoints,
  /// without the levels and tags a lesson has.
  public let captures: Bool

  public init(_ lessons: [Lesson]) {
    storage = .array(lessons)
    captures = !lessons.isEmpty && lessons.allSatisfy { $0.tags == ["capture"] }
  }

  /// `count` entries, entry `i` made by `make(i)` each time it is needed (it must be cheap and
  /// always give the same lesson); `locate` finds an id's entry without making them all.
  public init(
    count: Int, captures: Bool, make: @escaping @Sendable (Int) -> Lesson,
    locate: @escaping @Sendable (String) -> Int?
  ) {
    storage = .made(count: count, make: make, locate: locate)
    self.captures = captures
  }

  public var startIndex: Int { 0 }
  public var endIndex: Int {
    switch storage {
    case .array(let a): a.count
    case .made(let count, _, _): count
    }
  }

  public subscript(i: Int) -> Lesson {
    switch storage {
    case .array(let a): a[i]
    case .made(_, let make, _): make(i)
    }
  }

  /// The entry with this id.
  public func index(ofID id: String) -> Int? {
    switch storage {
    case .array(let a): a.firstIndex { $0.id == id }
    case .made(let count, _, let locate): locate(id).flatMap { (0..<count).contains($0) ? $0 : nil }
    }
  }

  /// The lessons as an array (made entries are made here: only for short lists).
  public var all: [Lesson] {
    switch storage {
    case .array(let a): a
    case .made: Array(self)
    }
  }

  /// Entry `i` replaced (the sandbox's lesson after each command).
  mutating func replace(at i: Int, with lesson: Lesson) {
    var a = all
    a[i] = lesson
    storage = .array(a)
  }
}
