import HandshakeApp
import HandshakeLessons
import Synchronization
import Testing

/// The picker over a list made on demand (issue 13 point 10: a capture of 343,000 connections
/// opens its picker from the summary pass, without making a lesson per connection).
@Suite("a lesson list made on demand")
struct LessonListTests {
  /// A list of `count` copies of the normal lesson, renamed "big#N", counting what it makes.
  final class Counter: Sendable {
    let value = Mutex(0)
    var count: Int { value.withLock { $0 } }
  }

  static func list(_ count: Int, made counter: Counter? = nil) -> LessonList {
    let base = AppFixture.lessons[0]
    return LessonList(
      count: count, captures: true,
      make: { i in
        counter?.value.withLock { $0 += 1 }
        var l = base
        l.id = "big#\(i + 1)"
        l.tags = ["capture"]
        return l
      },
      locate: { id in id.hasPrefix("big#") ? Int(id.dropFirst(4)).map { $0 - 1 } : nil })
  }

  @Test("the first frame and the picker make only the entries they show")
  func lazy() {
    let made = Counter()
    var m = AppModel(
      list: Self.list(343_000, made: made), lessonID: "big#1", language: .en,
      theme: "default")
    Update.apply(.resize(width: 100, height: 30), to: &m)
    m.overlay = .picker(selected: 0)
    let text = AppFixture.text(m)
    #expect(text.contains("big") || text.contains(m.lesson.title[.en]))
    AppFixture.press([.end, .pageUp, .down], &m)
    _ = AppFixture.text(m)
    // A screen of rows twice, the current lesson, the selected summary: far from 343,000.
    #expect(made.count < 200)
  }

  @Test("End, PgUp, PgDn, Home and a typed number move the picker over a long list")
  func keys() {
    var m = AppModel(list: Self.list(343_000), lessonID: "big#1", language: .en, theme: "default")
    Update.apply(.resize(width: 100, height: 30), to: &m)
    m.overlay = .picker(selected: 0)
    AppFixture.press([.end], &m)
    #expect(m.overlay == .picker(selected: 342_999))
    AppFixture.press([.pageUp], &m)
    #expect(m.overlay == .picker(selected: 342_999 - 16))
    AppFixture.press([.home, .pageDown], &m)
    #expect(m.overlay == .picker(selected: 16))
    AppFixture.press([.char("1"), .char("2"), .char("3"), .char("4")], &m)
    #expect(m.overlay == .picker(selected: 1233))
    AppFixture.press([.backspace], &m)
    #expect(m.overlay == .picker(selected: 122))
    AppFixture.press([.char("9"), .char("9"), .char("9"), .char("9"), .char("9"), .char("9")], &m)
    #expect(m.overlay == .picker(selected: 342_999))  // past the end: the last one
    AppFixture.press([.home, .char("7"), .enter], &m)
    #expect(m.overlay == nil)
    #expect(m.lesson.id == "big#7")
    #expect(m.typedNumber.isEmpty)
  }

  @Test("an id is found without making every entry; a wrong one is the first lesson")
  func locate() {
    let l = Self.list(1000)
    #expect(l.index(ofID: "big#500") == 499)
    #expect(l.index(ofID: "big#1001") == nil)
    #expect(l.index(ofID: "other") == nil)
    let m = AppModel(list: l, lessonID: "nope", language: .en, theme: "default")
    #expect(m.lesson.id == "big#1")
    #expect(l.captures)
    #expect(!LessonList(AppFixture.lessons).captures)
  }
}

@Suite("placeholders filled in one pass")
struct FillTests {
  @Test("each {name} is filled once; a value's braces stay; an unknown name stays")
  func fill() {
    #expect(UIStrings.fill("a {x} b {y}", ["x": "1", "y": "2"]) == "a 1 b 2")
    #expect(UIStrings.fill("{x}{x}", ["x": "{y}", "y": "no"]) == "{y}{y}")
    #expect(UIStrings.fill("{ z } {q} {x", ["x": "1"]) == "{ z } {q} {x")
    #expect(UIStrings.fill("한국어 {n}개", ["n": "3"]) == "한국어 3개")
    #expect(UIStrings.fill("no braces", [:]) == "no braces")
    #expect(UIStrings.fill("{a}}", ["a": "b"]) == "b}")
  }
}
