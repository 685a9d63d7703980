import BuiltinLessons
import Foundation
import HandshakeSim
import Testing

@testable import HandshakeLessons

/// What-ifs as data: each is ordinary lesson content, and a branch is the same run as the lesson
/// file with the same change written in it.
@Suite("What-if: the branch is the edited lesson")
struct WhatIfTests {
  static let lessons = (try? LessonLibrary.builtIn().lessons) ?? []

  /// Every kind of change, on hosts of this lesson.
  static func kinds(_ l: Lesson) -> [WhatIf.Kind] {
    let left = l.scenario.left
    let right = l.scenario.right
    return [
      .drop, .delay(.millis(200)), .duplicate, .reorder, .corrupt,
      .set(host: right, .synCookies(.off)), .set(host: left, .receiveBuffer(1000)),
      .set(host: left, .sendDelay(.millis(50))),
      .call(host: left, .close), .call(host: right, .abort), .call(host: left, .send(100)),
      .call(host: right, .listen), .call(host: left, .connect),
      .inject(target: right, .rst, .inWindow), .inject(target: left, .syn, .exact),
      .inject(target: right, .rst, .exact),
    ]
  }

  static func trace(_ l: Lesson, snapshots: Bool = false) -> (lines: [String], timeline: Timeline) {
    var s = l.scenario
    s.recordSnapshots = snapshots
    let tl = Simulation.run(s)
    return (tl.records.indices.map { tl.jsonLine(record: $0) }, tl)
  }

  @Test(
    "every kind of change at every step: the branch's trace equals the edited lesson's, byte for byte; its invariants hold",
    arguments: lessons.map(\.id))
  func branchEqualsEditedLesson(id: String) throws {
    let lesson = try #require(Self.lessons.first { $0.id == id })
    let base = LessonRun(lesson)
    let original = Self.trace(lesson).timeline
    var made = 0
    var refused = 0
    // Two steps can be about the same segment (it leaves in one and lands in another): the same
    // edits are checked once.
    var seen: Set<[LessonEdit]> = []
    for step in 0..<base.timeline.stepCount {
      for kind in Self.kinds(lesson) {
        let w = WhatIf(kind, step: step)
        let resolved: ResolvedWhatIf
        do {
          resolved = try w.resolve(on: base)
        } catch {
          refused += 1
          continue
        }
        made += 1
        guard seen.insert(resolved.edits).inserted else { continue }
        var memory = lesson.applying(resolved.edits)
        memory.expectations = .none
        let text = try LessonYAML.apply(resolved.edits, to: lesson)
        let loaded = try LessonLoader.load(text: text, file: "\(id)-edited.yaml")
        // The same records and segments, field by field, are the same trace byte for byte.
        var sm = memory.scenario
        sm.recordSnapshots = true
        let tl = Simulation.run(sm)
        var sl = loaded.scenario
        sl.recordSnapshots = false
        let other = Simulation.run(sl)
        #expect(
          Array(tl.records) == Array(other.records)
            && Array(tl.transmissions) == Array(other.transmissions), "\(id) \(w)")
        #expect(tl.invariantViolations.isEmpty, "\(id) \(w): \(tl.invariantViolations.prefix(3))")
        // Before the step it changes, the branch is the original run.
        let from = min(resolved.from, base.timeline.stepCount, tl.stepCount)
        if from > 1 {
          let cut = Int(
            base.timeline.steps[from - 1].firstRecord + base.timeline.steps[from - 1].recordCount)
          #expect(
            Array(original.records.prefix(cut)) == Array(tl.records.prefix(cut)),
            "\(id) \(w): the past changed")
        }
      }
    }
    #expect(made > refused / 4, "\(id): \(made) made, \(refused) refused")
  }

  @Test("a what-if that makes no sense is refused, and says why")
  func refusals() throws {
    let normal = try #require(Self.lessons.first { $0.id == "normal" })
    let run = LessonRun(normal)
    #expect(throws: WhatIfRefusal("whatif_refuse_no_segment", ["n": "0"])) {
      try WhatIf(.drop, step: 0).resolve(on: run)
    }
    #expect(throws: WhatIfRefusal("whatif_refuse_step", ["n": "999", "last": "19"])) {
      try WhatIf(.drop, step: 999).resolve(on: run)
    }
    #expect(throws: WhatIfRefusal("whatif_refuse_no_connection", ["host": "client"])) {
      try WhatIf(.call(host: 0, .abort), step: 1).resolve(on: run)
    }
    #expect(throws: WhatIfRefusal("whatif_refuse_listening", ["host": "server"])) {
      try WhatIf(.call(host: 1, .listen), step: 3).resolve(on: run)
    }
  }

  @Test("the headless forms read, and a bad one says what it takes")
  func specs() throws {
    let l = try #require(Self.lessons.first { $0.id == "normal" })
    #expect(try WhatIf.parse("drop@7", lesson: l) == WhatIf(.drop, step: 7))
    #expect(try WhatIf.parse("delay@7=200ms", lesson: l) == WhatIf(.delay(.millis(200)), step: 7))
    #expect(try WhatIf.parse("dup@3", lesson: l) == WhatIf(.duplicate, step: 3))
    #expect(
      try WhatIf.parse("set@3:server.syn_cookies=off", lesson: l)
        == WhatIf(.set(host: 1, .synCookies(.off)), step: 3))
    #expect(
      try WhatIf.parse("call@5:client.abort", lesson: l) == WhatIf(.call(host: 0, .abort), step: 5))
    #expect(
      try WhatIf.parse("call@5:client.send=1000", lesson: l)
        == WhatIf(.call(host: 0, .send(1000)), step: 5))
    #expect(
      try WhatIf.parse("inject@5:rst.in-window", lesson: l)
        == WhatIf(.inject(target: 1, .rst, .inWindow), step: 5))
    #expect(
      try WhatIf.parse("inject@5:syn.exact>client", lesson: l)
        == WhatIf(.inject(target: 0, .syn, .exact), step: 5))
    for bad in [
      "drop7", "drop@x", "fly@3", "set@3:nobody.mss=1000", "set@3:server.colour=red",
      "call@2:client.jump",
    ] {
      #expect(throws: LessonError.self) { try WhatIf.parse(bad, lesson: l) }
    }
    do {
      _ = try WhatIf.parse("set@3:server.mss=5", lesson: l)
      Issue.record("an MSS of 5 must be refused")
    } catch {
      #expect(error.message.contains("an MSS"))
    }
  }
}
