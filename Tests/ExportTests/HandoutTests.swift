import BuiltinLessons
import Foundation
import HandshakeLessons
import HandshakeSim
import TerminalUI
import Testing

@testable import HandshakeExport

#if canImport(FoundationXML)
  import FoundationXML
#endif

/// An attribute's value. (swift-corelibs-foundation's `attribute(forName:)` finds nothing in a
/// document with a default namespace, as SVG has, so this reads the attribute list.)
func attr(_ e: XMLElement, _ name: String) -> String? {
  e.attributes?.first { $0.name == name }?.stringValue
}

/// Every element called `name` under `e`, in document order.
func elements(_ e: XMLElement, named name: String) -> [XMLElement] {
  let children = e.children?.compactMap { $0 as? XMLElement } ?? []
  return children.filter { $0.localName == name } + children.flatMap { elements($0, named: name) }
}

/// The handouts: the SVG read back as XML, the text ladder measured.
@Suite("Handouts")
struct HandoutTests {
  static let cases: [(String, Language)] = lessonIDs.flatMap { id in
    Language.allCases.map { (id, $0) }
  }

  @Test("the SVG is XML with one labelled arrow per segment", arguments: cases)
  func svgArrows(id: String, language: Language) throws {
    let run = try lessonRun(id)
    let tl = run.timeline
    let svg = SVGHandout(run, language: language).svg()
    let doc = try XMLDocument(xmlString: svg, options: [])
    let root = try #require(doc.rootElement())
    #expect(root.name == "svg")
    #expect(attr(root, "xml:lang") == language.rawValue)

    // Every transmission is drawn once: as an arrow, or counted in a band of traffic off
    // the diagram.
    let groups = elements(root, named: "g")
    let arrows = groups.filter { (attr($0, "class") ?? "").hasPrefix("segment") }
    let folded = groups.filter {
      (attr($0, "class") ?? "").hasPrefix("background")
    }
    let drawn = arrows.compactMap { attr($0, "data-tx") }.compactMap(Int.init)
    let counted = folded.compactMap { attr($0, "data-segments") }
      .compactMap(Int.init).reduce(0, +)
    #expect(Set(drawn).count == drawn.count, "no segment drawn twice")
    #expect(drawn.count + counted == tl.transmissions.count)
    let ends: Set<Int32> = [tl.left, tl.right]
    let between = tl.transmissions.indices.filter {
      ends.contains(tl.transmissions[$0].from) && ends.contains(tl.transmissions[$0].to)
    }
    #expect(drawn == between, "exactly the segments between the two hosts are arrows")

    for g in arrows {
      let tx = try #require(attr(g, "data-tx").flatMap { Int($0) })
      let t = tl.transmissions[tx]
      let children = g.children?.compactMap { $0 as? XMLElement } ?? []
      // Its title is the trace's label, with the retransmission marked; the label drawn is
      // the same without timestamps.
      let again = language == .en ? "SYN again, with ACK" : "ACK와 함께 다시 보낸 SYN"
      let rtx = tl.isSynResentWithAck(tx) ? " (\(again))" : t.isRetransmission ? " (rtx)" : ""
      let title = children.first { $0.name == "title" }?.stringValue
      #expect(title == tl.segmentLabel(tx) + rtx)
      let label = children.first { $0.name == "text" }?.stringValue
      #expect(label == tl.segmentLabel(tx, timestamps: false) + rtx)
      if t.segment.options.timestamps != nil { #expect(label != title) }
      let classes = Set((attr(g, "class") ?? "").split(separator: " "))
      #expect(classes.contains("retransmission") == t.isRetransmission)
      // A lost segment ends in a cross; one that arrived ends in an arrowhead.
      let lost = t.landings.allSatisfy { $0.dropped != nil }
      let crosses = children.filter { attr($0, "class") == "cross" }
      #expect(classes.contains("lost") == lost)
      #expect(crosses.count == (lost ? 2 : 0))
      let heads = children.filter { attr($0, "marker-end") != nil }
      #expect(heads.count == t.landings.filter { $0.dropped == nil }.count)
    }
    // Each state a ladder host reached is written beside its line.
    let texts = elements(root, named: "text").compactMap(\.stringValue)
    let states = Set(
      tl.records.compactMap { r -> String? in
        guard r.host == tl.left || r.host == tl.right, case .state(_, _, let to) = r.event else {
          return nil
        }
        return to.rfcName
      })
    for s in states where id != "syn-flood" {
      #expect(texts.contains { $0.contains(s) }, "\(s) shown")
    }
    #expect(texts.contains(run.lesson.title[language]))
  }

  @Test("Korean text uses fonts that have Hangul, with a generic fallback")
  func hangulFonts() throws {
    let svg = SVGHandout(try lessonRun("normal"), language: .ko).svg()
    #expect(svg.contains("'Noto Sans CJK KR'"))
    #expect(svg.contains("sans-serif;"))
    #expect(svg.contains("정상적인 연결"))
  }

  @Test(
    "SVG labels stay between the lifelines, a burst's arrows leave one by one, notes clear the time column",
    arguments: cases)
  func svgGeometry(id: String, language: Language) throws {
    let handout = SVGHandout(try lessonRun(id), language: language)
    let root = try #require(try XMLDocument(xmlString: handout.svg(), options: []).rootElement())
    let (left, right) = (SVGHandout.leftX, SVGHandout.rightX)
    var starts: [String] = []
    for g in elements(root, named: "g") where (attr(g, "class") ?? "").hasPrefix("segment") {
      let children = g.children?.compactMap { $0 as? XMLElement } ?? []
      let text = try #require(children.first { $0.name == "text" })
      let x = try #require(attr(text, "x").flatMap(Double.init))
      let width = try #require(attr(text, "textLength").flatMap(Double.init))
      let transform = try #require(attr(text, "transform"))
      let angle = try #require(
        Double(transform.dropFirst("rotate(".count).split(separator: " ").first ?? ""))
      let run = width * cos(angle * .pi / 180)
      let (from, to): (Double, Double) =
        switch attr(text, "text-anchor") {
        case "start": (x, x + run)
        case "end": (x - run, x)
        default: (x - run / 2, x + run / 2)
        }
      #expect(from >= left && to <= right, "\(text.stringValue ?? ""): \(from)...\(to)")
      // Fitted by font size first: what is left to squeeze is small.
      let size =
        attr(text, "style").flatMap { Double($0.filter { $0.isNumber || $0 == "." }) } ?? 12
      #expect(size >= SVGHandout.minLabelFontSize)
      let natural = Double(text.stringValue?.count ?? 0) * SVGHandout.labelCharWidth * size / 12
      #expect(
        width >= natural * 0.75, "\(text.stringValue ?? "") squeezed to \(width) of \(natural)")
      let line = try #require(children.first { $0.name == "line" })
      starts.append((attr(line, "x1") ?? "") + "," + (attr(line, "y1") ?? ""))
    }
    // A burst (segments sent in one step) leaves at different heights, one arrow each.
    #expect(Set(starts).count == starts.count)
    // Notes beside the left lifeline end at it and start right of the time column (x ≤ 90),
    // by a generous estimate of their width.
    for t in elements(root, named: "text") where attr(t, "text-anchor") == "end" {
      guard let cls = attr(t, "class"), cls == "state" || cls == "call" else { continue }
      let perColumn = cls == "state" ? 9.5 : 6.8
      let width = Double((t.stringValue ?? "").displayWidth) * perColumn
      #expect(width <= SVGHandout.noteWidth, "\(t.stringValue ?? "")")
    }
  }

  @Test("text from the lesson cannot break the SVG or smuggle escapes")
  func svgEscaping() throws {
    var lesson = try #require(try LessonLibrary.builtIn(id: "reset-refused"))
    lesson.title = Localized(en: "<b>&\"quoted\"</b> \u{1B}[31mred\u{7}", ko: "제목 <&>")
    let svg = SVGHandout(LessonRun(lesson), language: .en).svg()
    let doc = try XMLDocument(xmlString: svg, options: [])
    #expect(!svg.contains("\u{1B}") && !svg.contains("\u{7}"))
    let title = try #require(doc.rootElement()).elements(forName: "title").first?.stringValue
    #expect(title?.hasPrefix("<b>&\"quoted\"</b>") == true)
  }

  @Test("the text ladder fits its width and draws each segment once", arguments: cases)
  func textLadder(id: String, language: Language) throws {
    let run = try lessonRun(id)
    let tl = run.timeline
    for width in [60, 80, 132] {
      let handout = Handout(run, language: language, width: width)
      let text = handout.text()
      let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      for l in lines { #expect(l.displayWidth <= width, "\(width): \(l)") }
      // Arrow lines: between the two lifelines, with an arrowhead or a cross at one end.
      let bar = handout.gutter + handout.side
      let arrows = lines.filter { l in
        // By display column: a Korean note before the lifeline is two columns a character.
        var c: [Character] = []
        for ch in l { c += [ch] + Array(repeating: ch, count: max(0, String(ch).displayWidth - 1)) }
        guard c.count > bar + handout.span + 1, c[bar] == "|", c[bar + handout.span + 1] == "|"
        else { return false }
        let inner = String(c[(bar + 1)...(bar + handout.span)])
        return inner.contains(">") || inner.contains("<") || inner.contains("X")
      }
      #expect(arrows.count == handout.plan.arrows.count, "\(width)")
      #expect(!text.contains("\u{1B}"))
    }
    // Each narration is there, in the chosen language (word by word: it is wrapped).
    let text = Handout(run, language: language, width: 80).text()
    let flat = text.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(
      of: "»", with: " ")
    for step in 0..<tl.stepCount {
      for n in run.narration(atStep: step, language: language) {
        let words = n.split(separator: " ").prefix(6).joined(separator: " ")
        #expect(flat.split(separator: " ").joined(separator: " ").contains(words), "\(words)")
      }
    }
  }

  @Test("the Markdown handout has the ladder in a code block and every narrated step")
  func markdown() throws {
    let run = try lessonRun("half-close")
    let md = Handout(run, language: .en).markdown()
    #expect(md.hasPrefix("# Half-close"))
    #expect(md.contains("```text\n"))
    let narrated = (0..<run.timeline.stepCount).filter {
      !run.narration(atStep: $0, language: .en).isEmpty
    }
    for s in narrated { #expect(md.contains("**\(s).**")) }
    // Markdown's own characters in the narration are escaped.
    #expect(md.contains("shutdown(SHUT\\_WR)"))
  }

  @Test("a SYN flood folds the attacker's segments into counted rows")
  func floodFolds() throws {
    let run = try lessonRun("syn-flood")
    let text = Handout(run, language: .en).text()
    #expect(text.contains("segments off the ladder"))
    #expect(text.contains("attacker → server: SYN ×"))
    #expect(text.contains("server → spoofed addresses: SYN,ACK ×"))
    #expect(text.split(separator: "\n").count < 200)
  }
}
