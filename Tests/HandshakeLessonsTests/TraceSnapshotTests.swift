import BuiltinLessons
import Foundation
import HandshakeSim
import Testing

@testable import HandshakeLessons

/// The `trace --format jsonl` output of every lesson, compared with the files in `Snapshots/`.
/// Set RECORD_SNAPSHOTS=1 to write them anew (only when a change is meant).
@Suite("Trace snapshots")
struct TraceSnapshotTests {
  static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Snapshots")

  @Test(
    "jsonl trace of each lesson matches its snapshot", arguments: BuiltinLessonTests.expectedIDs)
  func snapshot(id: String) throws {
    var lesson = try #require(try LessonLibrary.builtIn().lesson(id: id))
    lesson.scenario.recordSnapshots = false
    let text = Simulation.run(lesson.scenario).jsonLines().joined(separator: "\n") + "\n"
    let file = Self.dir.appendingPathComponent("\(id).jsonl")
    if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
      try FileManager.default.createDirectory(at: Self.dir, withIntermediateDirectories: true)
      try text.write(to: file, atomically: true, encoding: .utf8)
      return
    }
    let expected = try String(contentsOf: file, encoding: .utf8)
    if expected != text {
      let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
      let b = text.split(separator: "\n", omittingEmptySubsequences: false)
      let i = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
      Issue.record(
        "trace of \(id) differs from Snapshots/\(id).jsonl at line \(i + 1):\n- \(i < a.count ? a[i] : "(end)")\n+ \(i < b.count ? b[i] : "(end)")"
      )
    }
  }
}
