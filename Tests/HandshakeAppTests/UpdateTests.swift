import HandshakeApp
import HandshakeLessons
import Testing

/// The update function, fed keys and ticks with no sleeping.
@Suite("Update: keys and ticks")
struct UpdateTests {
  @Test("next and previous by every key the brief names, first and last")
  func stepping() {
    // half-close asks its question late, so the first steps are plain steps.
    var m = AppFixture.model("half-close")
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
    AppFixture.press([.home], &m)
    #expect(m.step == 0)
  }

  @Test(
    "a number then Enter jumps to that step; : or g first works even on a question; Escape cancels")
  func jump() {
    var m = AppFixture.model()
    AppFixture.press([.char("1"), .char("3"), .enter], &m)
    #expect(m.step == 13)
    AppFixture.press([.char("9"), .char("9"), .char("9"), .enter], &m)
    #expect(m.step == m.lastStep)
    AppFixture.press([.char("3"), .escape], &m)
    #expect(m.step == m.lastStep && m.typedNumber.isEmpty && !m.quit)
    // On a question step digits answer, so : or g starts a step number.
    AppFixture.press([.char("2"), .enter], &m)
    #expect(m.step == 2 && m.questionOpen)
    AppFixture.press([.char("5")], &m)
    #expect(m.currentAnswer == nil && m.step == 2, "5 is not a choice here")
    AppFixture.press([.char("g"), .char("7"), .enter], &m)
    #expect(m.step == 7)
    AppFixture.press([.char("2"), .enter], &m)
    AppFixture.press([.char(":"), .char("1"), .char("0"), .enter], &m)
    #expect(m.step == 10)
  }

  @Test("predict, then reveal: 1–4 mark a choice that may change; Enter reveals; only then on")
  func voteAndReveal() throws {
    var m = AppFixture.model()
    AppFixture.press([.right, .right], &m)  // the SYN step asks a question
    let q = try #require(m.question)
    #expect(m.questionOpen && m.awaitingAnswer)
    #expect(AppFixture.text(m).contains("Mark a choice with 1–4"))
    // The outcome is not on screen yet: no SYN,ACK has been sent.
    #expect(!AppFixture.text(m).contains("SYN,ACK seq=0 ack=1"))
    AppFixture.press([.char("1")], &m)
    #expect(m.currentAnswer == 0 && m.questionOpen)
    #expect(AppFixture.text(m).contains("▶ 1) 0"))
    #expect(!AppFixture.text(m).contains("Not quite"), "nothing is revealed by a mark")
    AppFixture.press([.char("3")], &m)
    #expect(m.currentAnswer == 2, "the mark changes")
    AppFixture.press([.enter], &m)
    #expect(!m.questionOpen && m.step == 2, "Enter revealed; it did not step on")
    let screen = AppFixture.text(m)
    #expect(screen.contains("Not quite: the answer is \(q.answer + 1)."))
    #expect(screen.contains("✓ \(q.answer + 1)) 1"))
    #expect(screen.contains("✗ 3) 2"))
    #expect(screen.contains("One too many"), "the why of the choice that was marked")
    // After the reveal the mark is frozen, and the next key goes on.
    AppFixture.press([.char("1")], &m)
    #expect(m.currentAnswer == 2)
    AppFixture.press([.right], &m)
    #expect(m.step == 3)
  }

  @Test("→ on an open question reveals first; r reveals too; a second → goes on")
  func forwardReveals() throws {
    var m = AppFixture.model()
    AppFixture.press([.right, .right, .right], &m)
    #expect(m.step == 2 && !m.questionOpen)
    #expect(AppFixture.text(m).contains("The answer is 2."))
    AppFixture.press([.right], &m)
    #expect(m.step == 3)
    var n = AppFixture.model()
    AppFixture.press([.right, .right, .char("2"), .char("r")], &n)
    #expect(!n.questionOpen && AppFixture.text(n).contains("Right."))
  }

  @Test(
    "quiz mode: an answer reveals and is scored, → waits for it, a summary at the end, a log line each"
  )
  func quiz() throws {
    var m = AppFixture.model()
    AppFixture.press([.char("Q")], &m)
    #expect(m.quizMode)
    AppFixture.press([.right, .right, .right], &m)
    #expect(m.step == 2 && m.questionOpen, "→ does not pass an unanswered question")
    AppFixture.press([.char("2")], &m)
    #expect(!m.questionOpen && m.quizScore.right == 1)
    #expect(m.takeEffects() == [.logAnswer(lesson: "normal", step: 2, choice: 2, right: true)])
    for q in m.run.questionSteps.dropFirst() {
      AppFixture.press([.char(":")] + String(q).map { .char($0) } + [.enter, .char("1")], &m)
    }
    let score = m.quizScore
    #expect(score.answered == m.run.questionSteps.count)
    AppFixture.press([.end], &m)
    let text = AppFixture.text(m)
    #expect(text.contains("Quiz: \(score.right) of \(score.answered) answered right"))
    #expect(text.contains("quiz \(score.right)/\(score.answered)"))
    #expect(m.takeEffects().count == m.run.questionSteps.count - 1)
  }

  @Test("autoplay stops at every question")
  func autoplayStopsAtQuestions() {
    var m = AppFixture.model()
    Update.apply(.tick(now: 0), to: &m)
    AppFixture.press([.char("P")], &m)
    var t: Int64 = 0
    while m.autoplay != nil && t < 100_000 {
      t += 500
      Update.apply(.tick(now: t), to: &m)
    }
    #expect(m.step == 2 && m.questionOpen)
  }

  @Test("] and [ go to the next and previous step with words or a question")
  func narratedSteps() {
    var m = AppFixture.model("syn-flood")
    let narrated = m.run.narratedSteps
    AppFixture.press([.char("]")], &m)
    #expect(m.step == narrated[0])
    AppFixture.press([.char("]")], &m)
    #expect(m.step == narrated[1])
    AppFixture.press([.char("[")], &m)
    #expect(m.step == narrated[0])
    AppFixture.press([.char("[")], &m)
    #expect(m.step == 0)
  }

  @Test("Escape never quits; it closes a window or cancels a number")
  func escapeNeverQuits() {
    var m = AppFixture.model()
    for _ in 0..<3 { AppFixture.press([.escape], &m) }
    #expect(!m.quit)
    AppFixture.press([.char("?"), .escape, .escape], &m)
    #expect(m.overlay == nil && !m.quit)
    AppFixture.press([.char("q")], &m)
    #expect(m.quit)
  }

  @Test("b and . blank the screen; t cycles themes and says which")
  func blankAndThemes() {
    var m = AppFixture.model()
    for k in [Key.char("b"), .char(".")] {
      AppFixture.press([k], &m)
      #expect(m.blanked)
      AppFixture.press([.char(" ")], &m)
      #expect(!m.blanked && m.step == 0, "the key that unblanks does nothing else")
    }
    var seen: [String] = []
    for _ in Assets.themeNames {
      AppFixture.press([.char("t")], &m)
      seen.append(m.themeName)
      #expect(AppFixture.text(m).contains("theme: \(m.themeName)"))
    }
    #expect(Set(seen) == Set(Assets.themeNames))
    #expect(seen.contains("projector-light"))
    Update.apply(.tick(now: m.now + 1001), to: &m)
    #expect(m.flash == nil, "the theme's name shows for a second")
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
    // It stops at the first question; after the reveal it can run on to the end.
    #expect(m.step == 2 && m.autoplay == nil)
    for _ in 0..<3 {
      AppFixture.press([.enter, .char("P")], &m)
      while m.autoplay != nil && t < 200_000 {
        t += 100
        Update.apply(.tick(now: t), to: &m)
      }
    }
    AppFixture.press([.enter, .char("P")], &m)
    while m.autoplay != nil && t < 300_000 {
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
    AppFixture.press([.char("t"), .char("t"), .char("t")], &m)
    #expect(m.themeName == "default")
    AppFixture.press([.char("a")], &m)
    #expect(m.absolute)
    AppFixture.press([.char("E")], &m)
    #expect(m.language == .ko)
    AppFixture.press([.char("b")], &m)
    #expect(m.blanked)
    #expect(AppView.render(m).lines.allSatisfy { $0.allSatisfy { $0 == " " } })
    AppFixture.press([.char("w")], &m)
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
    #expect(!m.quit)
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

  @Test("R restarts the lesson and forgets its answers")
  func restart() {
    var m = AppFixture.model()
    AppFixture.press([.right, .right, .char("2"), .enter, .right, .char("R")], &m)
    #expect(m.step == 0 && m.answers.isEmpty && m.revealed.isEmpty)
  }

  @Test("a burst is one step: → goes over it, ← back before it, x opens and folds it")
  func bursts() throws {
    var m = AppFixture.model("syn-flood")
    let b = try #require(m.run.bursts.first?.steps)
    m.step = b.lowerBound - 1
    AppFixture.press([.right], &m)
    #expect(m.step == b.upperBound)
    #expect(AppFixture.text(m).contains("steps \(b.lowerBound)–\(b.upperBound)/"))
    AppFixture.press([.left], &m)
    #expect(m.step == b.lowerBound - 1)
    AppFixture.press([.right, .char("x")], &m)
    #expect(m.step == b.lowerBound)
    AppFixture.press([.right], &m)
    #expect(m.step == b.lowerBound + 1, "opened, it steps one by one")
    AppFixture.press([.char("x")], &m)
    #expect(m.step == b.upperBound && m.expandedBursts.isEmpty)
  }

  @Test("chapters: C lists them, Enter goes to one")
  func chapters() {
    var m = AppFixture.model("lost-syn")
    let chapters = m.run.chapters
    #expect(chapters.count == 2)
    AppFixture.press([.char("C")], &m)
    #expect(m.overlay == .chapters(selected: 0))
    #expect(AppFixture.text(m).contains("The classic schedule"))
    AppFixture.press([.down, .enter], &m)
    #expect(m.step == chapters[1].step && m.overlay == nil)
    var n = AppFixture.model("reset-refused")
    AppFixture.press([.char("C")], &n)
    #expect(n.overlay == nil && AppFixture.text(n).contains("no chapters"))
  }
}
