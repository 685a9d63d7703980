import HandshakeSim

/// A lesson run through the engine: its timeline, the narration attached to steps, and every
/// problem only a run can show (an event that never happens, a call on a socket that does not
/// exist yet, a placeholder with no value at its step, an expectation not met).
public struct LessonRun: Sendable {
  public let lesson: Lesson
  public let timeline: Timeline
  /// For each step, the indices of the narrations attached to it.
  public internal(set) var narrationAt: [Int: [Int]]
  /// For each question's step, the step at which its check is decided.
  public private(set) var questionChecks: [Int: Int] = [:]
  /// The lesson's bursts as step ranges (first...last), in order, none overlapping.
  public private(set) var bursts: [(steps: ClosedRange<Int>, label: Localized)] = []
  public private(set) var problems: [LessonError]
  /// Words for steps that come with the run rather than from the lesson file (a capture's
  /// explanations), shown after the lesson's own.
  public internal(set) var notes: [Int: [Localized]] = [:]

  /// A run recorded elsewhere (a capture, through the passive tracker), shown like a lesson's:
  /// `lesson` names it and its hosts; `notes` explain its steps.
  public init(recorded timeline: Timeline, lesson: Lesson, notes: [Int: [Localized]]) {
    self.lesson = lesson
    self.timeline = timeline
    self.narrationAt = [:]
    self.problems = []
    self.notes = notes
  }

  /// Runs the lesson.
  public init(_ lesson: Lesson) {
    self.lesson = lesson
    let tl = Simulation.run(lesson.scenario)
    timeline = tl
    var problems: [LessonError] = []
    var at: [Int: [Int]] = [:]
    let fileMark = SourceMark(file: lesson.file, line: 1, column: 1)

    if !tl.end.isComplete && lesson.expectations.complete {
      problems.append(LessonError(fileMark, "the run was cut short: \(tl.end)"))
    }
    // Script entries: each must run, and a socket call must find a socket.
    let ran = Set(tl.performed.map(\.entry))
    for (i, entry) in lesson.scenario.script.enumerated() {
      let mark = lesson.scriptMarks[i]
      guard ran.contains(Int32(i)) else {
        if case .after = entry.trigger {
          problems.append(
            LessonError(
              mark, "this entry never runs: the event in its 'after' never happens in the run"))
        } else {
          problems.append(LessonError(mark, "this entry never runs: the run ended before its time"))
        }
        continue
      }
      for p in tl.performed where p.entry == Int32(i) {
        guard let r = p.result, [.notConnected, .invalid, .badDescriptor].contains(r) else {
          continue
        }
        let host = lesson.scenario.hosts[entry.host].name
        problems.append(
          LessonError(
            mark,
            "impossible step: \(host) calls \(entry.action.call.rawValue)() at \(p.time.seconds) s, but it has no socket to do that on then (\(r.rawValue)); connect, listen or accept first"
          ))
      }
    }
    // Narration: find each one's step.
    for (n, narration) in lesson.narration.enumerated() {
      switch narration.on {
      case .start: at[0, default: []].append(n)
      case .end: at[tl.stepCount - 1, default: []].append(n)
      case .event(let pattern):
        var seen = 0
        var step: Int? = nil
        for r in tl.records where tl.matches(pattern, record: r) {
          seen += 1
          if seen == pattern.nth {
            step = Int(r.step)
            break
          }
        }
        if let s = step {
          at[s, default: []].append(n)
        } else {
          problems.append(
            LessonError(
              narration.mark,
              "this narration's event never happens in the run (it matched \(seen) time\(seen == 1 ? "" : "s"), nth is \(pattern.nth))"
            ))
        }
      }
    }
    narrationAt = at
    // Each question's check step, and each burst's steps.
    func step(of pattern: EventPattern) -> Int? {
      var seen = 0
      for r in tl.records where tl.matches(pattern, record: r) {
        seen += 1
        if seen == pattern.nth { return Int(r.step) }
      }
      return nil
    }
    for (s, list) in at {
      for n in list {
        if let c = lesson.narration[n].question?.check, let cs = step(of: c.at) {
          questionChecks[s] = cs
        }
      }
    }
    for b in lesson.bursts {
      guard let first = step(of: b.from), let last = step(of: b.to) else {
        problems.append(
          LessonError(b.mark, "this burst's from or to event never happens in the run"))
        continue
      }
      guard first < last else {
        problems.append(
          LessonError(b.mark, "this burst ends (step \(last)) before it starts (step \(first))"))
        continue
      }
      if let prev = bursts.last, prev.steps.upperBound >= first {
        problems.append(LessonError(b.mark, "this burst overlaps the one before it"))
        continue
      }
      bursts.append((first...last, b.label))
    }
    self.problems = problems
    // Placeholders must have values where they are used.
    var more: [LessonError] = []
    for (step, list) in at.sorted(by: { $0.key < $1.key }) {
      for n in list {
        let narration = lesson.narration[n]
        var templates = [narration.text]
        if let q = narration.question {
          templates.append(q.prompt)
          templates += q.choices
          if let e = q.explanation { templates.append(e) }
        }
        if let q = narration.question { templates += q.whys.compactMap { $0 } }
        for t in templates {
          for l in Language.allCases {
            do {
              for mode in [NumberMode.rel, .abs] {
                _ = try self.resolve(
                  t, step: step, language: l, pattern: narration.pattern, mode: mode)
              }
            } catch {
              more.append(error)
            }
          }
        }
      }
    }
    more += checkExpectations()
    more += checkQuestions()
    self.problems = problems + more
  }

  /// Things `lint` says without failing: a sequence number written as a literal in prose,
  /// which then disagrees with the screen in one of the two number modes. Worked out when
  /// asked (only `lint` asks): playing a lesson does not wait for it.
  public var warnings: [LessonError] { literalNumberWarnings() }

  /// The narrations of a step, in a language, placeholders filled; sequence numbers relative
  /// (as the ladder shows them by default) or absolute.
  public func narration(atStep step: Int, language: Language, absolute: Bool = false) -> [String] {
    (narrationAt[step] ?? []).map { n in
      let narr = lesson.narration[n]
      return
        (try? resolve(
          narr.text, step: step, language: language, pattern: narr.pattern,
          mode: NumberMode(absolute: absolute))) ?? ""
    } + (notes[step] ?? []).map { $0[language] }
  }

  /// The question asked at a step, with its prompt, choices and explanations filled in, its
  /// numbers in the mode on screen.
  public func question(atStep step: Int, language: Language, absolute: Bool = false)
    -> AskedQuestion?
  {
    for n in narrationAt[step] ?? [] {
      let narr = lesson.narration[n]
      guard let q = narr.question else { continue }
      func fill(_ t: Template) -> String {
        (try? resolve(
          t, step: step, language: language, pattern: narr.pattern,
          mode: NumberMode(absolute: absolute))) ?? ""
      }
      var asked = AskedQuestion(
        prompt: fill(q.prompt), choices: q.choices.map(fill), answer: q.answer,
        explanation: q.explanation.map(fill))
      asked.whys = q.choices.indices.map { i in i < q.whys.count ? q.whys[i].map(fill) : nil }
      return asked
    }
    return nil
  }

  /// The chapters: their titles and the steps they start at, in order.
  public var chapters: [(step: Int, title: Localized)] {
    narrationAt.flatMap { step, list in
      list.compactMap { n in lesson.narration[n].chapter.map { (step, $0) } }
    }.sorted { $0.step < $1.step }
  }

  /// Speaker notes of a step.
  public func notes(atStep step: Int) -> [Localized] {
    (narrationAt[step] ?? []).compactMap { lesson.narration[$0].notes }
  }

  /// The step at which the question asked at `step` is decided, if it has a check.
  public func questionCheckStep(atStep step: Int) -> Int? { questionChecks[step] }

  /// Steps with words of their own: the lesson's narration or a question, or a capture's notes.
  public var narratedSteps: [Int] {
    Set(narrationAt.keys).union(notes.keys).filter { $0 > 0 }.sorted()
  }

  /// The burst a step is in, if any.
  public func burst(containing step: Int) -> (steps: ClosedRange<Int>, label: Localized)? {
    bursts.first { $0.steps.contains(step) }
  }

  /// Steps that ask a question.
  public var questionSteps: [Int] {
    narrationAt.filter { $0.value.contains { lesson.narration[$0].question != nil } }.map(\.key)
      .sorted()
  }
}

/// A question ready to show.
public struct AskedQuestion: Hashable, Sendable {
  public var prompt: String
  public var choices: [String]
  public var answer: Int
  public var explanation: String?
  /// Per choice: why it is right or wrong, if the lesson says.
  public var whys: [String?] = []

  /// What to say once choice `i` (or none) was marked and the answer revealed: that choice's
  /// own why, else the question's explanation.
  public func explanation(for i: Int?) -> String? {
    if let i, i < whys.count, let w = whys[i] { return w }
    return explanation
  }
}

extension Narration {
  var pattern: EventPattern? {
    if case .event(let p) = on { return p }
    return nil
  }
}
