import HandshakeLessons
import HandshakeSim

/// The pure update: a message in, the model changed. No clocks, no terminal: time arrives in
/// `tick` messages, so tests feed keys and ticks without sleeping. What the outside world must
/// do (a quiz log line) is left in `effects`.
public enum Update {
  /// Autoplay speeds, in milliseconds per step.
  public static let speeds: [Int64] = [500, 750, 1000, 1500, 2000, 3000, 5000]

  public static func apply(_ msg: Msg, to m: inout AppModel) {
    switch msg {
    case .resize(let w, let h):
      m.width = max(0, w)
      m.height = max(0, h)
    case .tick(let now):
      m.now = now
      if let f = m.flash, let until = f.until, now >= until { m.flash = nil }
      if let a = m.animation, a.progress(at: now) >= 1 { m.animation = nil }
      if var auto = m.autoplay, now >= auto.next {
        // Autoplay stops at every question: the class answers first.
        if m.step < m.lastStep && !m.questionOpen {
          forward(&m)
          auto.next = now + auto.interval
          m.autoplay = m.questionOpen ? nil : auto
        } else {
          m.autoplay = nil
        }
      }
    case .key(let k):
      // The presenter console drives the projector: its keys go there (the projector says
      // back where it is); only q is its own.
      if m.presenter != nil {
        if k == .char("q") { m.quit = true } else { m.effects.append(.presenterKey(k)) }
        return
      }
      key(k, &m)
    }
  }

  /// When the backend should send the next tick (milliseconds on its clock), or nil to block
  /// until a key arrives: nothing animates, so the process sleeps.
  public static func nextWake(_ m: AppModel) -> Int64? {
    var wake: Int64? = nil
    if m.animation != nil { wake = m.now + 33 }
    if let a = m.autoplay { wake = min(wake ?? a.next, a.next) }
    if let until = m.flash?.until { wake = min(wake ?? until, until) }
    return wake
  }

  /// One step on, or, on a question still open, the reveal first: a question's outcome is
  /// shown only after the class has committed (in quiz mode, after an answer).
  static func forward(_ m: inout AppModel) {
    if m.questionOpen {
      if m.quizMode {
        m.flash = AppModel.Flash(
          text: m.strings.format("quiz_answer_first", ["n": "\(m.question?.choices.count ?? 4)"]),
          role: "warning", until: m.now + 2000)
      } else {
        reveal(&m)
      }
      return
    }
    guard m.step < m.lastStep else { return }
    var next = m.step + 1
    // A burst is one step unless it was expanded: go to its end, where all of it has happened.
    if let b = m.run.burst(containing: next), b.steps.lowerBound == next,
      !m.expandedBursts.contains(b.steps.lowerBound)
    {
      next = b.steps.upperBound
    }
    m.step = min(next, m.lastStep)
    m.narrationScroll = 0
    m.animation = AppModel.Animation(step: m.step, start: m.now)
  }

  static func back(_ m: inout AppModel) {
    var previous = m.step - 1
    if let b = m.run.burst(containing: previous), !m.expandedBursts.contains(b.steps.lowerBound) {
      previous = b.steps.lowerBound - 1
    }
    go(&m, to: previous)
  }

  static func go(_ m: inout AppModel, to step: Int) {
    m.step = max(0, min(step, m.lastStep))
    m.narrationScroll = 0
    m.animation = nil
  }

  /// Shows the right answer and the explanation of the choice marked (or of the question).
  static func reveal(_ m: inout AppModel) {
    guard let q = m.question, !m.revealed.contains(m.answerKey) else { return }
    m.revealed.insert(m.answerKey)
    m.autoplay = nil
    if m.quizMode, let a = m.currentAnswer, m.quizResults[m.answerKey] == nil {
      let right = a == q.answer
      m.quizResults[m.answerKey] = right
      m.effects.append(.logAnswer(lesson: m.lesson.id, step: m.step, choice: a + 1, right: right))
    }
  }

  /// The next (or previous) step that has narration or a question.
  static func narrated(_ m: inout AppModel, forward: Bool) {
    let steps = m.run.narratedSteps
    let target =
      forward ? steps.first { $0 > m.step } : steps.last { $0 < m.step }
    guard let t = target ?? (forward ? nil : 0) else { return }
    go(&m, to: t)
    if forward { m.animation = AppModel.Animation(step: m.step, start: m.now) }
  }

  static func key(_ k: Key, _ m: inout AppModel) {
    m.flash = nil
    if m.blanked {
      m.blanked = false
      return
    }
    if case .picker(let sel) = m.overlay {
      picker(k, selected: sel, &m)
      return
    }
    if case .chapters(let sel) = m.overlay {
      chapters(k, selected: sel, &m)
      return
    }
    if case .whatIf(let menu) = m.overlay {
      whatIfMenu(k, menu, &m)
      return
    }
    if case .command(let text) = m.overlay {
      command(k, text, &m)
      return
    }
    if m.overlay != nil {
      switch k {
      case .escape: m.overlay = nil
      case .char("q"): m.quit = true
      case .char("s"): m.overlay = m.overlay == .stateDiagram ? nil : .stateDiagram
      case .char("i"): m.overlay = m.overlay == .segment ? nil : .segment
      case .char("?"): m.overlay = m.overlay == .help ? nil : .help
      case .char("z"): m.overlay = m.overlay == .overview ? nil : .overview
      case .char("c"): m.overlay = m.overlay == .compare ? nil : .compare
      case .right, .char("l"), .char(" "), .pageDown, .char("n"), .enter: forward(&m)
      case .left, .char("h"), .backspace, .pageUp, .char("p"): back(&m)
      default: break
      }
      return
    }
    // A step number being typed.
    if !m.typedNumber.isEmpty || m.typingStep {
      switch k {
      case .char(let c) where c.isASCII && c.isNumber:
        if m.typedNumber.count < 7 { m.typedNumber.append(c) }
        return
      case .backspace:
        if m.typedNumber.isEmpty { m.typingStep = false } else { m.typedNumber.removeLast() }
        return
      case .enter:
        let n = Int(m.typedNumber) ?? m.step
        m.typedNumber = ""
        m.typingStep = false
        go(&m, to: n)
        return
      case .escape:
        m.typedNumber = ""
        m.typingStep = false
        return
      default:
        m.typedNumber = ""
        m.typingStep = false
      }
    }
    switch k {
    case .char(let c) where c.isASCII && c.isNumber:
      if m.questionOpen, let q = m.question, let n = c.wholeNumberValue,
        (1...q.choices.count).contains(n)
      {
        // A class's vote: the mark may change until the answer is revealed; in quiz mode the
        // answer is the reveal.
        m.answers[m.answerKey] = n - 1
        if m.quizMode { reveal(&m) }
      } else if !m.questionOpen {
        m.typedNumber = String(c)
      }
    case .char("g"):
      m.typingStep = true
      m.typedNumber = ""
    case .char(":"):
      m.overlay = .command("")
    case .char("w"):
      openWhatIf(&m)
    case .tab:
      cycleSegment(&m)
    case .char("o"):
      if m.branches.isEmpty {
        m.flash = AppModel.Flash(
          text: m.strings["whatif_none"], role: "marker", until: m.now + 1500)
      } else {
        m.showOriginal.toggle()
        m.step = min(m.step, m.lastStep)
      }
    case .char("c"):
      m.overlay = .compare
    case .char("u"):
      if m.branches.isEmpty {
        m.flash = AppModel.Flash(
          text: m.strings["whatif_none"], role: "marker", until: m.now + 1500)
      } else {
        m.popBranch()
      }
    case .char("S"):
      m.overlay = .command("save \(m.lesson.id)-\(m.sandbox == nil ? "whatif" : "session").yaml")
    case .right, .char("l"), .char(" "), .pageDown, .char("n"):
      forward(&m)
    case .enter:
      if m.questionOpen && !m.quizMode { reveal(&m) } else { forward(&m) }
    case .char("r"):
      reveal(&m)
    case .left, .char("h"), .backspace, .pageUp, .char("p"):
      back(&m)
    case .char("]"):
      narrated(&m, forward: true)
    case .char("["):
      narrated(&m, forward: false)
    case .home:
      go(&m, to: 0)
    case .end, .char("G"):
      go(&m, to: m.lastStep)
    case .char("P"):
      m.autoplay = m.autoplay == nil ? AppModel.Autoplay(interval: 1500, next: m.now + 1500) : nil
    case .char("+"), .char("="):
      adjustSpeed(&m, faster: true)
    case .char("-"), .char("_"):
      adjustSpeed(&m, faster: false)
    case .char("R"):
      let prefix = m.lesson.id + "#"
      m.answers = m.answers.filter { !$0.key.hasPrefix(prefix) }
      m.revealed = m.revealed.filter { !$0.hasPrefix(prefix) }
      m.quizResults = m.quizResults.filter { !$0.key.hasPrefix(prefix) }
      m.autoplay = nil
      go(&m, to: 0)
    case .char("Q"):
      m.quizMode.toggle()
      m.flash = AppModel.Flash(
        text: m.strings[m.quizMode ? "quiz_on" : "quiz_off"], role: "marker", until: m.now + 1500)
    case .char("a"):
      m.absolute.toggle()
    case .char("t"):
      let names = Assets.themeNames
      m.themeName = names[((names.firstIndex(of: m.themeName) ?? 0) + 1) % names.count]
      m.flash = AppModel.Flash(
        text: m.strings.format("theme_now", ["name": m.themeName]), role: "marker",
        until: m.now + 1000)
    case .char("E"):
      m.language = m.language == .en ? .ko : .en
    case .char("b"), .char("."):
      m.blanked = true
    case .char("s"):
      m.overlay = .stateDiagram
    case .char("i"):
      m.overlay = .segment
    case .char("?"):
      m.overlay = .help
    case .char("z"):
      m.overlay = .overview
    case .char("C"):
      let chapters = m.run.chapters
      if chapters.isEmpty {
        m.flash = AppModel.Flash(
          text: m.strings["chapters_none"], role: "marker", until: m.now + 1500)
      } else {
        let current = chapters.lastIndex { $0.step <= m.step } ?? 0
        m.overlay = .chapters(selected: current)
      }
    case .char("x"):
      if let b = m.run.burst(containing: m.step) {
        let first = b.steps.lowerBound
        if m.expandedBursts.contains(first) {
          m.expandedBursts.remove(first)
          go(&m, to: b.steps.upperBound)
        } else {
          m.expandedBursts.insert(first)
          go(&m, to: first)
        }
      }
    case .char("L"):
      m.overlay = .picker(selected: m.lessonIndex)
    case .up, .char("k"):
      m.narrationScroll = max(0, m.narrationScroll - 1)
    case .down, .char("j"):
      m.narrationScroll += 1
    case .char("q"):
      m.quit = true
    case .escape:
      // Never quits: with no window open there is nothing to close.
      break
    default:
      break
    }
  }

  static func adjustSpeed(_ m: inout AppModel, faster: Bool) {
    guard var a = m.autoplay else { return }
    let i = speeds.firstIndex { $0 >= a.interval } ?? speeds.count - 1
    a.interval = speeds[max(0, min(speeds.count - 1, faster ? i - 1 : i + 1))]
    a.next = m.now + a.interval
    m.autoplay = a
  }

  static func picker(_ k: Key, selected: Int, _ m: inout AppModel) {
    let last = m.lessons.count - 1
    // About a screenful: a capture may list hundreds of thousands of connections.
    let page = max(1, m.height - 14)
    if case .char(let c) = k, let d = c.wholeNumberValue {
      // Digits go to that entry (connection N of a capture), as they are typed.
      m.typedNumber = String((m.typedNumber + String(d)).prefix(9))
      if let n = Int(m.typedNumber), n >= 1 { m.overlay = .picker(selected: min(last, n - 1)) }
      return
    }
    if k != .backspace { m.typedNumber = "" }
    switch k {
    case .up, .char("k"):
      m.overlay = .picker(selected: max(0, selected - 1))
    case .down, .char("j"):
      m.overlay = .picker(selected: min(last, selected + 1))
    case .pageUp:
      m.overlay = .picker(selected: max(0, selected - page))
    case .pageDown:
      m.overlay = .picker(selected: min(last, selected + page))
    case .home:
      m.overlay = .picker(selected: 0)
    case .end:
      m.overlay = .picker(selected: last)
    case .backspace:
      m.typedNumber = String(m.typedNumber.dropLast())
      if let n = Int(m.typedNumber), n >= 1 { m.overlay = .picker(selected: min(last, n - 1)) }
    case .enter, .right:
      m.overlay = nil
      m.open(lesson: selected)
    case .escape, .char("L"):
      m.overlay = nil
    case .char("q"):
      m.quit = true
    default:
      break
    }
  }

  static func chapters(_ k: Key, selected: Int, _ m: inout AppModel) {
    let list = m.run.chapters
    switch k {
    case .up, .char("k"):
      m.overlay = .chapters(selected: max(0, selected - 1))
    case .down, .char("j"):
      m.overlay = .chapters(selected: min(list.count - 1, selected + 1))
    case .enter, .right:
      m.overlay = nil
      if list.indices.contains(selected) { go(&m, to: list[selected].step) }
    case .escape, .char("C"):
      m.overlay = nil
    case .char("q"):
      m.quit = true
    default:
      break
    }
  }
}
