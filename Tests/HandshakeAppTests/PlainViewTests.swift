import HandshakeApp
import HandshakeLessons
import Testing

/// Plain mode (issue 16 point 4): the screen's words and numbers as lines of text.
@Suite("plain mode")
struct PlainViewTests {
  @Test(
    "every step of every lesson: no box drawing, and each panel value is the screen's",
    arguments: [Language.en, .ko])
  func sameAsScreen(_ language: Language) {
    let boxes = Set("┌┐└┘│─╭╮╰╯┏┓┗┛┃━╔╗╚╝║═├┤┣┫")
    for lesson in AppFixture.lessons {
      var m = AppFixture.model(lesson.id, width: 120, height: 40, language: language)
      for step in 0...m.lastStep {
        m.step = step
        m.animation = nil
        let plain = PlainView.text(m)
        let joined = plain.joined(separator: "\n")
        #expect(!joined.contains { boxes.contains($0) }, "\(lesson.id) step \(step)")
        #expect(
          plain[0].contains(m.strings.format("step", ["i": "\(step)", "n": "\(m.lastStep)"]))
            || plain[0].contains("–"))
        let screen = AppFixture.text(m)
        // The sequence variables, as the panel draws them, are on the screen too.
        for line in plain where line.hasPrefix("  SND.") || line.hasPrefix("  RCV.") {
          let value = line.dropFirst(2).split(separator: " ").filter { $0 != "*" }
            .joined(separator: " ")
          let onScreen = screen.split(separator: "\n").contains {
            $0.split(separator: " ").filter { $0 != "*" }.joined(separator: " ").contains(value)
          }
          #expect(onScreen, "\(lesson.id) step \(step): \(value)")
        }
      }
    }
  }

  @Test("Enter goes on, b back, a number to that step; on a question a number answers it")
  func keys() {
    var m = AppFixture.model("normal")
    #expect(PlainView.apply("", to: &m))
    #expect(m.step == 1)
    #expect(PlainView.apply("b", to: &m))
    #expect(m.step == 0)
    #expect(PlainView.apply("5", to: &m))
    #expect(m.step == 5)
    // Step 2 of normal asks a question: 2 answers it (right), and the answer is shown.
    #expect(PlainView.apply("2", to: &m))
    #expect(m.step == 2 && m.questionOpen)
    #expect(PlainView.apply("2", to: &m))
    #expect(!m.questionOpen)
    #expect(PlainView.text(m).contains { $0.hasPrefix("✓ 2)") })
    #expect(!PlainView.apply("q", to: &m))
  }
}
