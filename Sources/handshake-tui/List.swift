import ArgumentParser
import HandshakeLessons
import HandshakeSim

/// `handshake-tui list`: id, title, step count and tags of every lesson.
struct List: ParsableCommand {
  static let configuration = CommandConfiguration(abstract: "List the lessons.")

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, json }

  @OptionGroup var options: LessonOptions
  @Option(help: "text or json.") var format: Format = .text
  @Option(help: "Language of the titles (en or ko).") var lang: String = "en"

  func run() throws {
    let lib = try options.library()
    let language = Language(rawValue: lang) ?? .en
    switch format {
    case .text:
      let width = lib.lessons.map(\.id.count).max() ?? 0
      for l in lib.lessons {
        let steps = LessonRun(l).timeline.stepCount
        let id = l.id + String(repeating: " ", count: width - l.id.count)
        print(
          "\(id)  \(pad(String(steps), 4)) steps  \(l.title[language])  [\(l.tags.joined(separator: ", "))]"
        )
      }
    case .json:
      print("[")
      for (i, l) in lib.lessons.enumerated() {
        let steps = LessonRun(l).timeline.stepCount
        let tags = l.tags.map(jsonString).joined(separator: ",")
        print(
          "  {\"id\":\(jsonString(l.id)),\"title\":{\"en\":\(jsonString(l.title.en)),\"ko\":\(jsonString(l.title.ko))},"
            + "\"level\":\(jsonString(l.level.rawValue)),\"steps\":\(steps),\"tags\":[\(tags)]}"
            + (i + 1 < lib.lessons.count ? "," : ""))
      }
      print("]")
    }
  }
}

func pad(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }

/// A JSON string literal.
func jsonString(_ s: String) -> String {
  var out = "\""
  for u in s.unicodeScalars {
    switch u {
    case "\"": out += "\\\""
    case "\\": out += "\\\\"
    case "\n": out += "\\n"
    default:
      if u.value < 0x20 || u.value == 0x7F {
        let h = String(u.value, radix: 16)
        out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
      } else {
        out.unicodeScalars.append(u)
      }
    }
  }
  return out + "\""
}
