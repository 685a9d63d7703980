import Foundation
import HandshakeApp
import HandshakeLessons
import Testing

/// Whole frames compared with the text files in `Snapshots/`: the characters, then a mask of
/// the styles. Set RECORD_SNAPSHOTS=1 to write them anew (only when a change is meant).
@Suite("Frame snapshots")
struct FrameSnapshotTests {
  static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Snapshots")

  struct Case: CustomTestStringConvertible, Sendable {
    var lesson: String
    var step: Int
    var width: Int
    var height: Int
    var language: Language
    var theme: String
    var name: String { "\(lesson)-\(step)-\(width)x\(height)-\(language.rawValue)-\(theme)" }
    var testDescription: String { name }
  }

  static let cases: [Case] = {
    var out: [Case] = []
    for (lesson, steps) in [
      ("normal", [3, 16]), ("syn-flood", [7, 32]), ("half-close", [13, 29]),
    ] {
      for step in steps {
        for (w, h) in [(80, 24), (120, 40)] {
          for l in Language.allCases {
            for t in ["default", "projector"] {
              out.append(
                Case(lesson: lesson, step: step, width: w, height: h, language: l, theme: t))
            }
          }
        }
      }
    }
    return out
  }()

  static func render(_ c: Case) -> String {
    var m = AppFixture.model(
      c.lesson, width: c.width, height: c.height, language: c.language, theme: c.theme)
    m.step = c.step
    let f = AppView.render(m)
    return (f.lines + ["--- styles ---"] + f.styleMask).joined(separator: "\n") + "\n"
  }

  @Test("frames match their snapshots", arguments: cases)
  func frame(_ c: Case) throws {
    let text = Self.render(c)
    let file = Self.dir.appendingPathComponent(c.name + ".txt")
    if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
      try FileManager.default.createDirectory(at: Self.dir, withIntermediateDirectories: true)
      try text.write(to: file, atomically: true, encoding: .utf8)
      return
    }
    let expected = try String(contentsOf: file, encoding: .utf8)
    guard expected != text else { return }
    let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let b = text.split(separator: "\n", omittingEmptySubsequences: false)
    var diff: [String] = []
    for i in 0..<max(a.count, b.count) where (i < a.count ? a[i] : "") != (i < b.count ? b[i] : "")
    {
      let old = i < a.count ? String(a[i]) : ""
      let new = i < b.count ? String(b[i]) : ""
      diff.append("line \(i + 1):\n- " + old + "\n+ " + new)
      if diff.count >= 5 { break }
    }
    let message = c.name + " differs from its snapshot:\n" + diff.joined(separator: "\n")
    Issue.record("\(message)")
  }
}
