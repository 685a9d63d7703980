import BuiltinLessons
import Foundation
import Testing

@testable import HandshakeLessons
@testable import HandshakeSim

/// Every built-in lesson loads, runs, meets its expectations and has every placeholder resolved
/// in both languages.
@Suite("Built-in lessons")
struct BuiltinLessonTests {
  static let expectedIDs = [
    "normal", "reset-refused", "reset-abort", "syn-flood", "half-close", "time-wait", "options",
    "simultaneous-open", "simultaneous-close", "lost-syn", "rfc-vs-linux",
  ]

  @Test("the eleven lessons are built in, in order")
  func tenLessons() throws {
    let lib = try LessonLibrary.builtIn()
    #expect(lib.lessons.map(\.id) == Self.expectedIDs)
  }

  @Test("the index made at build time is what the lessons load and run to now")
  func index() throws {
    let lib = try LessonLibrary.builtIn()
    let live = zip(LessonLibrary.builtInFiles, lib.lessons).map { f, l in
      BuiltinLessonEntry(
        id: l.id, path: f.path, title: l.title, level: l.level.rawValue, tags: l.tags,
        steps: LessonRun(l).timeline.stepCount)
    }
    #expect(BuiltinLessonIndex.entries == live)
    // Found by id, a lesson is the one its file holds.
    for e in BuiltinLessonIndex.entries {
      #expect(try LessonLibrary.builtIn(id: e.id)?.id == e.id)
    }
    #expect(try LessonLibrary.builtIn(id: "no-such-lesson") == nil)
  }

  @Test(
    "each lesson runs clean: expectations met, every event found, every placeholder filled",
    arguments: expectedIDs)
  func runsClean(id: String) throws {
    let lesson = try #require(try LessonLibrary.builtIn().lesson(id: id))
    let run = LessonRun(lesson)
    #expect(run.problems.isEmpty, "\(run.problems.map(\.description).joined(separator: "\n"))")
    #expect(run.timeline.end == .quiescent)
    // Every narration is attached and reads in both languages with no placeholder left.
    let attached = run.narrationAt.values.reduce(0) { $0 + $1.count }
    #expect(attached == lesson.narration.count)
    for step in run.narrationAt.keys {
      for l in Language.allCases {
        for text in run.narration(atStep: step, language: l) {
          #expect(!text.isEmpty)
          #expect(!text.contains("{") && !text.contains("}"), "\(text)")
        }
      }
    }
    // Each lesson asks at least one question, and the Korean text is Korean.
    #expect(!run.questionSteps.isEmpty)
    #expect(lesson.title.ko.unicodeScalars.contains { (0xAC00...0xD7A3).contains($0.value) })
    for n in lesson.narration {
      let ko = n.text.pieces(.ko).compactMap { if case .text(let s) = $0 { s } else { nil } }
        .joined()
      #expect(ko.unicodeScalars.contains { (0xAC00...0xD7A3).contains($0.value) }, "\(n.mark)")
    }
  }

  @Test("the lesson files on disk are the ones compiled in")
  func embeddedMatchesDisk() throws {
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("lessons")
    let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter {
      $0.hasSuffix(".yaml")
    }.sorted()
    #expect(names == LessonLibrary.builtInFiles.map(\.path))
    for f in LessonLibrary.builtInFiles {
      let disk = try String(contentsOf: dir.appendingPathComponent(f.path), encoding: .utf8)
      #expect(disk == f.text)
    }
  }

  @Test("questions with a check agree with the engine")
  func questionsChecked() throws {
    var checked = 0
    for lesson in try LessonLibrary.builtIn().lessons {
      let run = LessonRun(lesson)
      checked += lesson.narration.filter { $0.question?.check != nil }.count
      #expect(run.checkQuestions().isEmpty)
    }
    #expect(checked >= 7)
  }

  @Test("a teacher's directory adds lessons and replaces a built-in with the same id")
  func teacherDirectory() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "hs-lessons-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    var text = LessonLibrary.builtInFiles[0].text
    text = text.replacingOccurrences(of: "id: normal", with: "id: my-normal")
    try text.write(to: dir.appendingPathComponent("mine.yaml"), atomically: true, encoding: .utf8)
    var lib = try LessonLibrary.builtIn()
    try lib.add(directory: dir.path)
    #expect(lib.lessons.count == 12)
    #expect(lib.lesson(id: "my-normal") != nil)
  }
}

@Suite("Relative numbers, indexed")
struct RelativeBaseIndexTests {
  @Test("the one-pass index gives every transmission of every lesson the base a scan gives")
  func sameAsScan() throws {
    for lesson in try LessonLibrary.builtIn().lessons {
      let tl = Simulation.run(lesson.scenario)
      #expect(tl.relativeBases.count == tl.transmissions.count)
      for tx in tl.transmissions.indices {
        let a = try #require(tl.relativeBase(for: tx))
        let b = try #require(tl.scannedRelativeBase(for: tx))
        #expect(a.seq == b.seq && a.ack == b.ack, "\(lesson.id) tx \(tx)")
      }
    }
  }

  @Test("a run without snapshots keeps no panels; the same run with them, one per step")
  func panelsOnlyWithSnapshots() throws {
    for lesson in try LessonLibrary.builtIn().lessons {
      var bare = lesson.scenario
      bare.recordSnapshots = false
      let without = Simulation.run(bare)
      let with = Simulation.run(lesson.scenario)
      #expect(without.stepPanels.isEmpty, "\(lesson.id)")
      #expect(with.stepPanels.count == with.stepCount, "\(lesson.id)")
      // The same steps either way: only what is kept of them differs.
      #expect(without.stepCount == with.stepCount, "\(lesson.id)")
      #expect(Array(without.steps) == Array(with.steps), "\(lesson.id)")
      let last = with.stepCount - 1
      #expect(without.endpoint(.left, atStep: last).connection == nil)
      #expect(
        with.endpoint(.left, atStep: last).connection != nil
          || with.endpoint(.left, atStep: last).listener != nil
          || with.endpoint(.right, atStep: last).connection != nil, "\(lesson.id)")
    }
  }

  @Test("the text trace of 50,000 injected segments: a line each, numbers relative")
  func manyInjections() throws {
    var text = """
      id: many
      title: {en: "Many", ko: "많음"}
      summary: {en: "x", ko: "x"}
      hosts:
        client: {side: left, address: 10.0.0.1}
        server: {side: right, address: 10.0.0.2, isn: 5000}
        attacker: {side: left, address: 10.9.9.9, role: scripted}
      script:
        - {at: 0s, server: listen}

      """
    for k in 0..<5 {
      text += """
          - at: \(k * 20)s
            attacker:
              inject: {to: server, from_address: random 172.16.0.0/16, from_port: random, seq: random, flags: [RST], count: 10000, interval: 1ms}

        """
    }
    text += "expect: {end: cut}\n"
    var lesson = try LessonLoader.load(text: text, file: "many.yaml")
    lesson.scenario.recordSnapshots = false
    let tl = Simulation.run(lesson.scenario)
    let lines = tl.textLines(absolute: false)
    #expect(tl.transmissions.count == 50_000)
    #expect(lines.count == tl.stepCount - 1 || lines.count == tl.stepCount)
    // A reset from a port that never sent a SYN: Wireshark's base, its first seq - 1.
    #expect(lines.contains { $0.contains("RST seq=1 win=") })
  }
}
