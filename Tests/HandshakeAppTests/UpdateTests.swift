import HandshakeApp
import HandshakeLessons
import Testing

/// The update function, fed keys and ticks with no sleeping.
@Suite("Update: keys and ticks")
struct UpdateTests {
  @Test("next and previous by every key the brief names, first and last")
  func stepping() {
    var m = AppFixture.model()
    for k in [Key.right, .char("l"), .char(" "), .enter, .pageDown, .char("n")] {
      let before = m.step
      AppFixture.press([k], &m)
      #expect(m.step == before + 1, "\(k)")
    }
    for k in [Key.left, .char("h"), .backspace, .pageUp, .char("p")] {
      let before = m.step
      AppFixture.press([k], &m)
      #expect(m.step == before - 1, "\(k)")
    }
    AppFixture.press([.end], &m)
    #expect(m.step == m.lastStep)
    AppFixture.press([.right], &m)
    #expect(m.step == m.lastStep)
    AppFixture.press([.home], &m)
    #expect(m.step == 0)
    AppFixture.press([.left], &m)
    #expect(m.step == 0)
    AppFixture.press([.char("G")], &m)
    #expect(m.step == m.lastStep)
    AppFixture.press([.char("g")], &m)
    #expect(m.step == 0)
  }

  @Test("a number then Enter jumps to that step; Escape cancels")
  func jump() {
    var m = AppFixture.model()
    AppFixture.press([.char("1"), .char("2"), .enter], &m)
    #expect(m.step == 12)
    AppFixture.press([.char("9"), .char("9"), .char("9"), .enter], &m)
    #expect(m.step == m.lastStep)
    AppFixture.press([.char("3"), .escape], &m)
    #expect(m.step == m.lastStep && m.typedNumber.isEmpty && !m.quit)
  }

  @Test("1–4 answer the step's question; the answer and the verdict show")
  func answering() throws {
    var m = AppFixture.model()
    AppFixture.press([.right, .right], &m)  // the SYN step asks a question
    let q = try #require(m.question)
    #expect(m.awaitingAnswer)
    #expect(AppFixture.text(m).contains("Answer with 1–4"))
    AppFixture.press([.char("1")], &m)
    #expect(m.currentAnswer == 0 && !m.awaitingAnswer)
    #expect(m.step == 2)
    let screen = AppFixture.text(m)
    #expect(screen.contains("Not quite: the answer is \(q.answer + 1)"))
    #expect(screen.contains("✓ \(q.answer + 1))"))
    // With the question answered, digits type a step number again.
    AppFixture.press([.char("5"), .enter], &m)
    #expect(m.step == 5)
  }

  @Test("a step forward animates; ticks finish it; nothing to do means no wake-up")
  func animation() {
    var m = AppFixture.model()
    #expect(Update.nextWake(m) == nil)
    Update.apply(.tick(now: 1000), to: &m)
    AppFixture.press([.right], &m)
    #expect(m.animation != nil)
    #expect(Update.nextWake(m) == 1033)
    Update.apply(.tick(now: 1200), to: &m)
    #expect(m.animation != nil)
    Update.apply(.tick(now: 1500), to: &m)
    #expect(m.animation == nil)
    #expect(Update.nextWake(m) == nil)
    // Stepping back or jumping does not animate.
    AppFixture.press([.left], &m)
    #expect(m.animation == nil)
  }

  @Test("autoplay steps on each tick that is due, faster with +, and stops at the end")
  func autoplay() {
    var m = AppFixture.model()
    Update.apply(.tick(now: 0), to: &m)
    AppFixture.press([.char("P")], &m)
    #expect(m.autoplay?.next == 1500)
    Update.apply(.tick(now: 1499), to: &m)
    #expect(m.step == 0)
    Update.apply(.tick(now: 1500), to: &m)
    #expect(m.step == 1)
    AppFixture.press([.char("+")], &m)
    #expect(m.autoplay!.interval < 1500)
    var t: Int64 = 1500
    while m.autoplay != nil && t < 100_000 {
      t += 100
      Update.apply(.tick(now: t), to: &m)
    }
    #expect(m.step == m.lastStep && m.autoplay == nil)
    AppFixture.press([.char("P"), .char("P")], &m)
    #expect(m.autoplay == nil)
  }

  @Test("themes, numbers, language, blanking")
  func toggles() {
    var m = AppFixture.model()
    AppFixture.press([.char("t")], &m)
    #expect(m.themeName == "projector")
    AppFixture.press([.char("t"), .char("t")], &m)
    #expect(m.themeName == "default")
    AppFixture.press([.char("a")], &m)
    #expect(m.absolute)
    AppFixture.press([.char("E")], &m)
    #expect(m.language == .ko)
    AppFixture.press([.char("b")], &m)
    #expect(m.blanked)
    #expect(AppView.render(m).lines.allSatisfy { $0.allSatisfy { $0 == " " } })
    AppFixture.press([.char("x")], &m)
    #expect(!m.blanked && !m.quit)
  }

  @Test("windows open and close; Escape closes a window before it quits")
  func overlays() {
    var m = AppFixture.model()
    AppFixture.press([.char("s")], &m)
    #expect(m.overlay == .stateDiagram)
    AppFixture.press([.char("i")], &m)
    #expect(m.overlay == .segment)
    AppFixture.press([.char("?")], &m)
    #expect(m.overlay == .help)
    AppFixture.press([.escape], &m)
    #expect(m.overlay == nil && !m.quit)
    AppFixture.press([.escape], &m)
    #expect(m.quit)
    var n = AppFixture.model()
    AppFixture.press([.char("q")], &n)
    #expect(n.quit)
  }

  @Test("the lesson picker switches lessons and starts them at step 0")
  func picker() {
    var m = AppFixture.model()
    AppFixture.press([.right, .right, .char("L")], &m)
    #expect(m.overlay == .picker(selected: 0))
    AppFixture.press([.down, .down, .down], &m)
    #expect(m.overlay == .picker(selected: 3))
    AppFixture.press([.enter], &m)
    #expect(m.lesson.id == "syn-flood" && m.step == 0 && m.overlay == nil)
    AppFixture.press([.char("L"), .up, .up, .up, .up, .up, .escape], &m)
    #expect(m.lesson.id == "syn-flood")
  }

  @Test("r restarts the lesson and forgets its answers")
  func restart() {
    var m = AppFixture.model()
    AppFixture.press([.right, .right, .char("2"), .right, .right, .char("r")], &m)
    #expect(m.step == 0 && m.answers.isEmpty)
  }
}
