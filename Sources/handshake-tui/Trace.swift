import ArgumentParser
import HandshakeLessons
import HandshakeSim

/// `handshake-tui trace LESSON [--format jsonl|text]`: runs a lesson and prints its timeline.
struct Trace: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "Print a lesson's timeline.")

  enum Format: String, ExpressibleByArgument, CaseIterable { case jsonl, text }

  @OptionGroup var options: LessonOptions
  @Argument(help: "A lesson id or file.") var lesson: String
  @Option(help: "jsonl (the stable contract, docs/trace-format.md) or text.") var format: Format =
    .jsonl
  @Flag(help: "Absolute sequence numbers in the text format.") var absolute = false
  @Option(help: "With the text format: add each step's narration in this language (en or ko).")
  var narrate: String?

  func run() throws {
    var l = try options.lesson(lesson)
    if let lang = narrate {
      guard let language = Language(rawValue: lang) else {
        throw ValidationError("--narrate takes en or ko")
      }
      let run = LessonRun(l)
      let tl = run.timeline
      for i in tl.steps.indices {
        let s = tl.steps[i]
        let parts = (Int(s.firstRecord)..<Int(s.firstRecord + s.recordCount)).map {
          tl.describe(record: $0, absolute: absolute)
        }
        print(
          "\(pad(String(i), 5))  \(s.time)  "
            + (parts.isEmpty ? "(start)" : parts.joined(separator: "; ")))
        for n in run.narration(atStep: i, language: language) { print("         » " + n) }
        if let q = run.question(atStep: i, language: language) {
          print("         ? " + q.prompt)
          for (k, c) in q.choices.enumerated() {
            print("           \(k + 1). \(c)" + (k == q.answer ? "  ✓" : ""))
          }
        }
      }
      return
    }
    l.scenario.recordSnapshots = false  // a trace needs records only
    let tl = Simulation.run(l.scenario)
    switch format {
    case .jsonl:
      for i in tl.records.indices { print(tl.jsonLine(record: i)) }
    case .text:
      for line in tl.textLines(absolute: absolute) { print(line) }
    }
  }
}
