import ArgumentParser
import Foundation
import HandshakeApp
import HandshakeCapture
import HandshakeIO
import HandshakeLessons
import HandshakeSim

/// `handshake-tui trace LESSON [--format jsonl|text]`: runs a lesson and prints its timeline.
struct Trace: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "trace", abstract: "Print a lesson's timeline.")

  enum Format: String, ExpressibleByArgument, CaseIterable { case jsonl, text }

  @OptionGroup var options: LessonOptions
  @Argument(help: "A lesson id or file, or a capture (pcap or pcapng).") var lesson: String
  @Option(help: "jsonl (the stable contract, docs/trace-format.md) or text.") var format: Format =
    .jsonl
  @Flag(help: "Absolute sequence numbers in the text format.") var absolute = false
  @Option(help: "With the text format: add each step's narration in this language (en or ko).")
  var narrate: String?
  @Option(help: "With a capture: the connection to trace (1-based; default 1).") var conn: Int?
  @Flag(
    help:
      "With a capture: documentation addresses and stand-in ports instead of the real ones, and no payload bytes."
  )
  var anonymize = false
  @OptionGroup var whatIf: WhatIfOptions

  func run() throws {
    var l: Lesson
    switch try options.resolve(lesson) {
    case .capture(let input):
      try traceCapture(input)
      return
    case .lesson(let found):
      l = found
    }
    let branch = try whatIf.branch(of: l)
    if let lang = narrate {
      guard let language = Language(rawValue: lang) else {
        throw ValidationError("--narrate takes en or ko")
      }
      if let b = branch { output("# " + b.banner(Assets.strings(language))) }
      printNarrated(branch?.run ?? LessonRun(l), language)
      return
    }
    if let b = branch { l = b.run.lesson }
    l.scenario.recordSnapshots = false  // a trace needs records only
    let tl = Simulation.run(l.scenario)
    switch format {
    case .jsonl:
      for i in tl.records.indices { output(tl.jsonLine(record: i)) }
    case .text:
      for line in tl.textLines(absolute: absolute) { output(line) }
    }
  }

  /// A capture's connection through the passive tracker, in the same contract as a lesson's.
  func traceCapture(_ input: InputFile) throws {
    let (s, analysis, n) = try CaptureInput.connection(
      input, name: lesson, conn: conn, anonymize: anonymize)
    let tl = analysis.timeline
    if let lang = narrate {
      guard let language = Language(rawValue: lang) else {
        throw ValidationError("--narrate takes en or ko")
      }
      let run = CaptureLesson.run(
        file: lesson, capture: s, connection: s.connections[n - 1], analysis: analysis)
      printNarrated(run, language)
      return
    }
    switch format {
    case .jsonl:
      for i in tl.records.indices { output(tl.jsonLine(record: i)) }
    case .text:
      for line in tl.textLines(absolute: absolute) { output(line) }
    }
  }

  /// Every step as a line, with its narration and question under it.
  func printNarrated(_ run: LessonRun, _ language: Language) {
    let tl = run.timeline
    for i in tl.steps.indices {
      let s = tl.steps[i]
      let parts = (Int(s.firstRecord)..<Int(s.firstRecord + s.recordCount)).map {
        tl.describe(record: $0, absolute: absolute)
      }
      output(
        "\(pad(String(i), 5))  \(s.time)  "
          + (parts.isEmpty ? "(start)" : parts.joined(separator: "; ")))
      for n in run.narration(atStep: i, language: language, absolute: absolute) {
        output("         » " + n)
      }
      if let q = run.question(atStep: i, language: language, absolute: absolute) {
        output("         ? " + q.prompt)
        for (k, c) in q.choices.enumerated() {
          output("           \(k + 1). \(c)" + (k == q.answer ? "  ✓" : ""))
        }
      }
    }
  }
}
