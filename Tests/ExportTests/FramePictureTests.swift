import BuiltinLessons
import Foundation
import HandshakeApp
import HandshakeExport
import HandshakeLessons
import TerminalUI
import Testing

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// One frame as a picture for a slide (issue 16 point 6).
@Suite("a frame as SVG and HTML")
struct FramePictureTests {
  /// The text of each `<text>` element, in order, with its tspans' x positions.
  final class Rows: NSObject, XMLParserDelegate {
    var rows: [[(x: Double, text: String)]] = []
    var inSpan = false
    var x = 0.0
    var rects = 0
    func parser(
      _ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
      qualifiedName: String?, attributes: [String: String] = [:]
    ) {
      if name == "text" { rows.append([]) }
      if name == "rect" { rects += 1 }
      if name == "tspan" {
        inSpan = true
        x = Double(attributes["x"] ?? "") ?? -1
        rows[rows.count - 1].append((x, ""))
      }
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) {
      guard inSpan, !rows.isEmpty, !rows[rows.count - 1].isEmpty else { return }
      rows[rows.count - 1][rows[rows.count - 1].count - 1].text += string
    }
    func parser(
      _ parser: XMLParser, didEndElement name: String, namespaceURI: String?,
      qualifiedName: String?
    ) {
      if name == "tspan" { inSpan = false }
    }
  }

  static func frame(_ id: String, step: Int, language: Language, theme: String) throws -> Frame {
    let lesson = try #require(try LessonLibrary.builtIn(id: id))
    var m = AppModel(lessons: [lesson], lessonID: id, language: language, theme: theme)
    Update.apply(.resize(width: 100, height: 30), to: &m)
    m.step = step
    return AppView.render(m)
  }

  @Test(
    "well-formed XML, one text run per cell row, each glyph at its column, Hangul kept",
    arguments: [(Language.en, "default"), (.ko, "projector"), (.ko, "projector-light")])
  func svg(_ language: Language, _ theme: String) throws {
    let frame = try Self.frame("normal", step: 4, language: language, theme: theme)
    let svg = FramePicture(frame, dark: theme != "projector-light").svg(
      language: language.rawValue)
    let parser = XMLParser(data: Data(svg.utf8))
    let rows = Rows()
    parser.delegate = rows
    #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
    #expect(rows.rows.count == frame.height)
    #expect(rows.rects > 1)
    for (y, row) in rows.rows.enumerated() {
      // Put back on the grid, the runs are the frame's row (spaces aside).
      var line = [Character](repeating: " ", count: frame.width)
      for r in row {
        var col = Int((r.x / 9.6).rounded())
        for c in r.text where col < frame.width {
          line[col] = c
          col += String(c).displayWidth
        }
      }
      let expected = frame.lines[y].filter { $0 != " " }
      #expect(String(line).filter { $0 != " " } == expected, "row \(y)")
    }
    // The text reads as text: a row's runs joined give its words (a search finds "4/19단계").
    if language == .ko {
      #expect(rows.rows[0].map(\.text).joined().contains("4/19단계"))
    }
  }

  @Test("HTML: a pre of styled spans with the frame's text")
  func html() throws {
    let frame = try Self.frame("syn-flood", step: 3, language: .ko, theme: "default")
    let html = FramePicture(frame).html(language: "ko", title: "SYN <flood>")
    #expect(html.hasPrefix("<!DOCTYPE html>"))
    #expect(html.contains("<title>SYN &lt;flood&gt;</title>"))
    #expect(html.contains("<span style=\"color:"))
    let text = html.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
    #expect(text.contains(frame.lines[0].trimmingCharacters(in: .whitespaces).prefix(10)))
  }
}

/// Speaker notes go into a handout only when asked (`export --notes`): the teacher's copy.
@Suite("handouts with speaker notes")
struct HandoutNotesTests {
  @Test("txt and md: the notes with --notes, in the language asked, and never without")
  func notes() throws {
    let lesson = try #require(try LessonLibrary.builtIn(id: "normal"))
    let run = LessonRun(lesson)
    let note = try #require(
      (0..<run.timeline.stepCount).lazy.flatMap { run.notes(atStep: $0) }.first)
    for language in [Language.en, .ko] {
      let words = note[language].split(separator: " ").prefix(3).joined(separator: " ")
      let plain = Handout(run, language: language, width: 100)
      let teacher = Handout(run, language: language, width: 100, notes: true)
      #expect(!plain.text().contains(words) && !plain.markdown().contains(words))
      #expect(teacher.text().contains(words), "\(language)")
      #expect(teacher.markdown().contains(words), "\(language)")
    }
  }
}
