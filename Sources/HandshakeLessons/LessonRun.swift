import HandshakeSim

/// A lesson run through the engine: its timeline, the narration attached to steps, and every
/// problem only a run can show (an event that never happens, a call on a socket that does not
/// exist yet, a placeholder with no value at its step, an expectation not met).
public struct LessonRun: Sendable {
  public let lesson: Lesson
  public let timeline: Timeline
  /// For each step, the indices of the narrations attached to it.
  public let narrationAt: [Int: [Int]]
  public private(set) var problems: [LessonError]
  /// Words for steps that come with the run rather than from the lesson file (a capture's
  /// explanations), shown after the lesson's own.
  public private(set) var notes: [Int: [Localized]] = [:]

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
        for t in templates {
          for l in Language.allCases {
            do {
              _ = try self.resolve(t, step: step, language: l, pattern: narration.pattern)
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

  /// The narrations of a step, in a language, placeholders filled.
  public func narration(atStep step: Int, language: Language) -> [String] {
    (narrationAt[step] ?? []).map { n in
      let narr = lesson.narration[n]
      return (try? resolve(narr.text, step: step, language: language, pattern: narr.pattern)) ?? ""
    } + (notes[step] ?? []).map { $0[language] }
  }

  /// The question asked at a step, with its prompt and choices filled in.
  public func question(atStep step: Int, language: Language) -> AskedQuestion? {
    for n in narrationAt[step] ?? [] {
      let narr = lesson.narration[n]
      guard let q = narr.question else { continue }
      func fill(_ t: Template) -> String {
        (try? resolve(t, step: step, language: language, pattern: narr.pattern)) ?? ""
      }
      return AskedQuestion(
        prompt: fill(q.prompt), choices: q.choices.map(fill), answer: q.answer,
        explanation: q.explanation.map(fill))
    }
    return nil
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
}

extension Narration {
  var pattern: EventPattern? {
    if case .event(let p) = on { return p }
    return nil
  }
}
