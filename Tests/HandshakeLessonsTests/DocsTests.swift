import Foundation
import Testing

@testable import HandshakeLessons

/// The documentation's complete example is a real, valid lesson.
@Suite("Documentation")
struct DocsTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent()
    .deletingLastPathComponent()

  @Test("the complete example in docs/lesson-format.md loads and runs clean")
  func lessonFormatExample() throws {
    let doc = try String(
      contentsOf: Self.root.appendingPathComponent("docs/lesson-format.md"), encoding: .utf8)
    let start = try #require(doc.range(of: "```yaml\nid: my-first-lesson"))
    let body = doc[doc.index(start.lowerBound, offsetBy: 8)...]
    let end = try #require(body.range(of: "```"))
    let lesson = try LessonLoader.load(text: String(body[..<end.lowerBound]), file: "example.yaml")
    let run = LessonRun(lesson)
    #expect(run.problems.isEmpty, "\(run.problems)")
  }
}
