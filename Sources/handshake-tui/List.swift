import ArgumentParser
import BuiltinLessons
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

  /// A lesson as the list shows it.
  struct Row {
    var id: String
    var title: Localized
    var level: String
    var tags: [String]
    var steps: Int
  }

  func run() throws {
    let language = Language(rawValue: lang) ?? .en
    let rows: [Row]
    if options.directory == nil {
      // The built-in lessons only: the index made when the program was built has it all.
      rows = BuiltinLessonIndex.entries.map {
        Row(id: $0.id, title: $0.title, level: $0.level, tags: $0.tags, steps: $0.steps)
      }
    } else {
      let lib = try options.libraryWarningOnce()
      // Each lesson's step count is a run of it: all at once, on every core; the panels'
      // snapshots are not needed to count steps.
      let counts = try LessonLibrary.inParallel(lib.lessons) { l in
        var scenario = l.scenario
        scenario.recordSnapshots = false
        return Simulation.run(scenario).stepCount
      }
      rows = zip(lib.lessons, counts).map {
        Row(
          id: $0.id, title: $0.title, level: $0.level.rawValue, tags: $0.tags, steps: $1)
      }
    }
    switch format {
    case .text:
      let width = rows.map(\.id.count).max() ?? 0
      for r in rows {
        let id = r.id + String(repeating: " ", count: width - r.id.count)
        output(
          "\(id)  \(pad(String(r.steps), 4)) steps  \(r.title[language])  [\(r.tags.joined(separator: ", "))]"
        )
      }
    case .json:
      output("[")
      for (i, r) in rows.enumerated() {
        let tags = r.tags.map(\.jsonQuoted).joined(separator: ",")
        output(
          "  {\"id\":\(r.id.jsonQuoted),\"title\":{\"en\":\(r.title.en.jsonQuoted),\"ko\":\(r.title.ko.jsonQuoted)},"
            + "\"level\":\(r.level.jsonQuoted),\"steps\":\(r.steps),\"tags\":[\(tags)]}"
            + (i + 1 < rows.count ? "," : ""))
      }
      output("]")
    }
  }
}

func pad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
