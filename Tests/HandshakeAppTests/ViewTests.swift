import HandshakeApp
import HandshakeLessons
import HandshakeSim
import Testing

@testable import TerminalUI

/// Widgets and whole frames, read as text.
@Suite("View")
struct ViewTests {
  @Test("no size crashes it; below 80×24 it asks for more room")
  func allSizes() {
    var m = AppFixture.model()
    AppFixture.press([.char("5"), .enter], &m)
    for w in stride(from: 0, through: 130, by: 1) {
      for h in [0, 1, 2, 5, 10, 23, 24, 25, 40] {
        Update.apply(.resize(width: w, height: h), to: &m)
        let f = AppView.render(m)
        #expect(f.width == w && f.height == h)
        if w >= 30 && h >= 5 && (w < 80 || h < 24) {
          #expect(f.text.contains("80×24"), "\(w)×\(h)")
        }
      }
    }
    Update.apply(.resize(width: 79, height: 30), to: &m)
    #expect(AppFixture.text(m).contains("needs at least 80×24"))
  }

  @Test("every overlay and language draws at every key step of every lesson")
  func everyStepDraws() {
    for lesson in AppFixture.lessons {
      var m = AppFixture.model(lesson.id, width: 100, height: 30)
      for step in 0...m.lastStep {
        m.step = step
        for o in [nil, AppModel.Overlay.stateDiagram, .segment, .help, .picker(selected: 2)] {
          m.overlay = o
          m.language = step % 2 == 0 ? .en : .ko
          let f = AppView.render(m)
          #expect(f.lines.allSatisfy { $0.displayWidth == 100 })
          #expect(!f.text.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })
        }
      }
    }
  }

  @Test("the title bar shows the lesson, the step, the time and the language")
  func titleBar() {
    var m = AppFixture.model(width: 100, height: 30)
    AppFixture.press([.char("3"), .enter], &m)
    let top = AppView.render(m).lines[0]
    #expect(top.contains("A normal connection"))
    #expect(top.contains("step 3/19"))
    #expect(top.contains("t = 0.110 s"))
    #expect(top.hasSuffix("EN "))
    m.language = .ko
    #expect(AppView.render(m).lines[0].contains("3/19단계"))
  }

  @Test("the panels show the state and the variables, with the changes marked")
  func panels() {
    var m = AppFixture.model(width: 100, height: 30)
    AppFixture.press([.char("3"), .enter], &m)
    let text = AppFixture.text(m)
    #expect(text.contains("SYN-SENT"))
    #expect(text.contains("SYN-RECEIVED"))
    #expect(text.contains("IRS      0 (1000)"))  // the server learnt the client's ISN
    m.absolute = true
    #expect(AppFixture.text(m).contains("RCV.NXT  1001"))
    #expect(AppFixture.text(m).contains("IRS      1000"))
    m.absolute = false
    #expect(AppFixture.text(m).contains("RCV.NXT  IRS+1"))
    // Changed at this step: the client's state stays, the server's variables are new.
    AppFixture.press([.right], &m)
    Update.apply(.tick(now: m.now + 1000), to: &m)  // the arrow has landed
    let lines = AppView.render(m).lines
    #expect(lines.contains { $0.hasPrefix(" SND.UNA  ISS+1 *") })
    #expect(lines.contains { $0.contains("ESTABLISHED") })
  }

  @Test("the ladder: one labelled arrow per segment; lost ones end in a cross; time breaks")
  func ladder() {
    var m = AppFixture.model("time-wait", width: 100, height: 30)
    AppFixture.press([.char("6"), .enter], &m)
    let early = AppFixture.text(m)
    #expect(early.contains("SYN seq=0 ───"))
    #expect(early.contains("SYN,ACK seq=0 ack=1"))
    AppFixture.press([.end], &m)
    let text = AppFixture.text(m)
    #expect(text.contains("✕ lost"))
    #expect(text.contains("↻"))
    #expect(text.contains("60.0 s later"))
    m.absolute = true
    #expect(AppFixture.text(m).contains("FIN,ACK seq=5021 ack=1022"))
  }

  @Test("a burst in flight shows its first segment's label and how many more left with it")
  func burstInFlight() {
    for (width, height) in [(80, 24), (100, 30), (120, 40)] {
      var m = AppFixture.model("options", width: width, height: height)
      // Step 6: send() puts eight segments on the wire at once; none has landed yet.
      AppFixture.press([.char("6"), .enter], &m)
      let rows = AppFixture.text(m).split(separator: "\n").filter { $0.contains("… +7") }
      #expect(rows.count == 1, "\(width)×\(height)")
      #expect(
        rows.first?.contains("ACK seq=1 ack=1") == true || rows.first?.contains("ACK 1/1") == true)
      // The next step: one has landed, seven are still flying.
      AppFixture.press([.right], &m)
      m.animation = nil
      #expect(AppFixture.text(m).contains("… +6"), "\(width)×\(height)")
    }
  }

  @Test("a flood's background traffic folds into one row; the server's queue shows the backlog")
  func flood() {
    var m = AppFixture.model("syn-flood", width: 120, height: 40)
    AppFixture.press([.char("8"), .enter], &m)
    let text = AppFixture.text(m)
    #expect(text.contains("segments off the ladder"))
    #expect(text.contains("SYN q 8/8"))
  }

  @Test("Hangul narration wraps by columns")
  func koreanWrap() {
    var m = AppFixture.model(width: 80, height: 24, language: .ko)
    AppFixture.press([.char("3"), .enter], &m)
    let f = AppView.render(m)
    #expect(f.lines.allSatisfy { $0.displayWidth == 80 })
    #expect(f.text.contains("SYN이 도착했습니다"))
  }

  @Test("the segment window shows the header and the bytes of the step's segment")
  func segmentWindow() {
    var m = AppFixture.model(width: 100, height: 30)
    AppFixture.press([.char("3"), .enter, .char("i")], &m)
    let text = AppFixture.text(m)
    #expect(text.contains("Sequence number  0 (absolute 1000)"))
    m.absolute = true
    #expect(AppFixture.text(m).contains("Sequence number  1000 (relative 0)"))
    #expect(text.contains("Flags            0x002"))
    #expect(text.contains("SYN"))
    #expect(text.contains("0000  45 00 00 30"))
    #expect(text.contains("MSS 1460"))
  }

  @Test("the state diagram marks both hosts and the last transition")
  func diagram() {
    var m = AppFixture.model(width: 100, height: 30)
    AppFixture.press([.char("3"), .enter, .char("s")], &m)
    let text = AppFixture.text(m)
    #expect(text.contains("[ SYN-SENT ]◀client"))
    #expect(text.contains("◀server"))
    #expect(text.contains("last: server LISTEN → SYN-RECEIVED (rcv SYN / snd SYN,ACK)"))
    for s in TCPState.allCases { #expect(text.contains("[ \(s.rfcName) ]")) }
  }

  @Test("the mono theme has no colour; the projector theme is never dim")
  func themes() {
    var m = AppFixture.model(width: 100, height: 30, theme: "mono")
    AppFixture.press([.char("5"), .enter], &m)
    for c in AppView.render(m).cells {
      #expect(c.style.foreground == nil && c.style.background == nil)
    }
    m.themeName = "projector"
    for c in AppView.render(m).cells { #expect(!c.style.dim) }
    m.themeName = "default"
    m.colorAllowed = false
    for c in AppView.render(m).cells {
      #expect(c.style.foreground == nil && c.style.background == nil)
    }
  }
}

@Suite("Narration text from a file")
struct NarrationTextTests {
  @Test("a line break inside a narration string is drawn as a line break, not as �")
  func lineBreak() throws {
    let text = """
      id: breaks
      title: {en: "Breaks", ko: "줄바꿈"}
      summary: {en: "x", ko: "x"}
      hosts:
        client: {address: 10.0.0.1}
        server: {address: 10.0.0.2}
      script:
        - {at: 0s, server: listen}
      narration:
        - on: start
          en: "The first line.\\nThe second line."
          ko: "첫 줄.\\n둘째 줄."
      expect: {end: complete}
      """
    let lesson = try LessonLoader.load(text: text, file: "breaks.yaml")
    for (language, first, second) in [
      (Language.en, "The first line.", "The second line."), (.ko, "첫 줄.", "둘째 줄."),
    ] {
      var m = AppModel(lessons: [lesson], lessonID: "breaks", language: language, theme: "default")
      Update.apply(.resize(width: 100, height: 30), to: &m)
      let lines = AppView.render(m).lines
      let i = try #require(lines.firstIndex { $0.contains(first) })
      #expect(lines[i + 1].contains(second))
      #expect(!lines.joined().contains("\u{FFFD}"))
    }
  }
}
