import HandshakeApp
import HandshakeLessons
import Testing

/// The presenter console's messages and screen (issue 16 points 1–3).
@Suite("presenter console")
struct PresenterTests {
  @Test("every message reads back as it was written; other lines are not messages")
  func messages() {
    let all: [PresenterMessage] = [
      .state(
        lesson: "normal", step: 7, absolute: true, language: .ko, vote: 2, revealed: false,
        startedAt: 1_764_000_000_000),
      .state(
        lesson: "/tmp/my lesson.yaml", step: 0, absolute: false, language: .en, vote: nil,
        revealed: true, startedAt: 0),
      .lessons(["normal", "syn-flood", "/home/t/extra.yaml"]), .key("Right"), .key("Space"),
      .refused("no"), .hello,
    ]
    for m in all { #expect(PresenterMessage(line: m.line) == m, "\(m.line)") }
    for junk in [
      "", "state\t1", "state\tx\t-1\t0\ten\t-\t0\t0", "key", "hello\tworld",
      "state\tn\t1\t0\tfr\t-\t0\t0",
    ] {
      #expect(PresenterMessage(line: junk) == nil, "\(junk)")
    }
    // A tab in a field cannot split it.
    #expect(PresenterMessage(line: PresenterMessage.key("a\tb").line) == .key("a b"))
  }

  @Test("a key travels by name and comes back the same key")
  func keyNames() {
    let keys: [Key] = [
      .left, .right, .up, .down, .pageUp, .pageDown, .home, .end, .enter, .backspace, .escape,
      .tab, .char(" "), .char("1"), .char("r"), .char("E"), .char(":"),
    ]
    for k in keys { #expect(Key(name: k.name) == k, "\(k)") }
  }

  @Test("the presenter follows the projector, shows the notes and the right answer, sends its keys")
  func follows() {
    var projector = AppFixture.model("normal")
    AppFixture.press([.right, .right, .char("3")], &projector)  // step 2's question, vote 3
    let state = projector.presenterState(ref: "normal", startedAt: 1000)
    var presenter = AppFixture.model("syn-flood", language: .ko)
    presenter.presenter = AppModel.PresenterInfo()
    presenter.presenter?.connected = true
    presenter.presenter?.ownLanguage = true
    #expect(presenter.follow(state) { id in AppFixture.lessons.first { $0.id == id } })
    #expect(presenter.lesson.id == "normal" && presenter.step == 2)
    #expect(presenter.currentAnswer == 2 && presenter.questionOpen)
    #expect(presenter.language == .ko)  // its own, as asked
    let screen = AppFixture.text(presenter)
    #expect(screen.contains("✓ 2) 1"))
    #expect(screen.contains("반의 선택: 3"))
    // Its keys are not its own: they go to the projector.
    AppFixture.press([.right, .char("r")], &presenter)
    #expect(presenter.step == 2)
    #expect(presenter.takeEffects() == [.presenterKey(.right), .presenterKey(.char("r"))])
    AppFixture.press([.char("q")], &presenter)
    #expect(presenter.quit)
    // A lesson it does not know is said, not shown wrong.
    var other = AppFixture.model("normal")
    other.presenter = AppModel.PresenterInfo()
    let unknown = PresenterMessage.state(
      lesson: "/nowhere.yaml", step: 1, absolute: false, language: .en, vote: nil,
      revealed: false, startedAt: 0)
    #expect(!other.follow(unknown) { _ in nil })
  }

  @Test("speaker notes are on the presenter and never on the projector")
  func notes() throws {
    for lesson in AppFixture.lessons {
      var m = AppFixture.model(lesson.id, width: 120, height: 40)
      for step in 0...m.lastStep {
        let notes = m.run.notes(atStep: step)
        guard let first = notes.first else { continue }
        m.step = step
        m.animation = nil
        let projector = AppFixture.text(m)
        var p = m
        p.presenter = AppModel.PresenterInfo()
        p.presenter?.connected = true
        let presenter = AppFixture.text(p)
        let words = first.en.split(separator: " ").prefix(4).joined(separator: " ")
        #expect(presenter.contains("Notes (only here)"), "\(lesson.id) \(step)")
        #expect(presenter.replacingOccurrences(of: "\n ", with: " ").contains(words))
        #expect(!projector.contains(words), "\(lesson.id) step \(step): the class sees notes")
      }
    }
  }
}
