import BuiltinLessons
import HandshakeSim
import Testing

@testable import HandshakeLessons

/// The loader over a corpus of mutated lessons: truncations, byte flips, dropped lines, deep
/// nesting and huge numbers. Each must load or fail with a clean, positioned error; none may
/// crash, and those that load must run within their bounds.
@Suite("Mutated lessons")
struct FuzzTests {
  static func mutants(of text: String, seed: UInt64) -> [String] {
    var g = SplitMix64(seed: seed)
    let bytes = Array(text.utf8)
    var out: [String] = []
    // Truncations.
    for k in 0..<40 {
      out.append(String(decoding: bytes.prefix(bytes.count * k / 40), as: UTF8.self))
    }
    // Byte flips, one to four at a time.
    for _ in 0..<120 {
      var b = bytes
      for _ in 0...(g.next() % 4) {
        b[Int(g.next() % UInt64(b.count))] ^= UInt8(1 << (g.next() % 8))
      }
      out.append(String(decoding: b, as: UTF8.self))
    }
    // Dropped and duplicated lines.
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    for _ in 0..<40 {
      var l = lines
      let i = Int(g.next() % UInt64(l.count))
      if g.next() % 2 == 0 { l.remove(at: i) } else { l.insert(l[i], at: i) }
      out.append(l.joined(separator: "\n"))
    }
    // Huge numbers, negative numbers and deep nesting.
    out.append(text.replacingOccurrences(of: "10ms", with: "99999999999999999999999ms"))
    out.append(text.replacingOccurrences(of: "port: 80", with: "port: 99999999999999999999"))
    out.append(text.replacingOccurrences(of: "isn: 1000", with: "isn: -5"))
    out.append(
      text.replacingOccurrences(
        of: "latency: 10ms", with: "latency: " + String(repeating: "[", count: 5000)))
    out.append(text + "\nextra: " + String(repeating: "{a: ", count: 10_000))
    out.append(String(repeating: "- ", count: 10_000) + "x")
    out.append(String(repeating: " ", count: 5000) + "id: x")
    return out
  }

  @Test(
    "no mutated lesson crashes the loader or the run", arguments: BuiltinLessonTests.expectedIDs)
  func mutated(id: String) throws {
    let text = try #require(LessonLibrary.builtInFiles.first { $0.path.contains(id) }).text
    var loaded = 0
    var failed = 0
    for (i, m) in Self.mutants(of: text, seed: UInt64(id.utf8.count * 7919)).enumerated() {
      do {
        var lesson = try LessonLoader.load(text: m, file: "m\(i).yaml")
        loaded += 1
        lesson.scenario.limits = RunLimits(
          maxEvents: 20_000, maxTime: lesson.scenario.limits.maxTime)
        let run = LessonRun(lesson)
        for p in run.problems { #expect(p.mark.line >= 1 && !p.message.isEmpty) }
      } catch {
        failed += 1
        #expect(error.mark.file == "m\(i).yaml")
        #expect(error.mark.line >= 1 && error.mark.column >= 1, "\(error)")
        #expect(!error.message.isEmpty)
        #expect(
          !error.description.unicodeScalars.contains { $0.value == 0x1B }, "escape in message")
      }
    }
    #expect(failed > 0 && loaded > 0)
  }
}
