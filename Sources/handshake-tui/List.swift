import ArgumentParser
import HandshakeIO
import HandshakeLessons
import HandshakeSim

/// `handshake-tui list`: id, title, step count and tags of every lesson.
struct List: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "list", abstract: "List the lessons.")

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

  @OptionGroup var options: LessonOptions
  @Option(help: "text or json.") var format: Format = .text
  @Option(help: "Language of the titles (en or ko).") var lang: String = "en"

  func run() throws {
    let lib = try options.libraryWarningOnce()
    let language = Language(rawValue: lang) ?? .en
    // Each lesson's step count is a run of it: all at once, on every core; the panels'
    // snapshots are not needed to count steps.
    let counts = try LessonLibrary.inParallel(lib.lessons) { l in
      var scenario = l.scenario
      scenario.recordSnapshots = false
      return Simulation.run(scenario).stepCount
    }
    switch format {
    case .text:
      let width = lib.lessons.map(\.id.count).max() ?? 0
      for (l, steps) in zip(lib.lessons, counts) {
        let id = l.id + String(repeating: " ", count: width - l.id.count)
        output(
          "\(id)  \(pad(String(steps), 4)) steps  \(l.title[language])  [\(l.tags.joined(separator: ", "))]"
        )
      }
    case .json:
      output("[")
      for (i, l) in lib.lessons.enumerated() {
        let steps = counts[i]
        let tags = l.tags.map(\.jsonQuoted).joined(separator: ",")
        output(
          "  {\"id\":\(l.id.jsonQuoted),\"title\":{\"en\":\(l.title.en.jsonQuoted),\"ko\":\(l.title.ko.jsonQuoted)},"
            + "\"level\":\(l.level.rawValue.jsonQuoted),\"steps\":\(steps),\"tags\":[\(tags)]}"
            + (i + 1 < lib.lessons.count ? "," : ""))
      }
      output("]")
    }
  }
}

func pad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
