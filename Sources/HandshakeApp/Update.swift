import HandshakeLessons
import HandshakeSim

/// The pure update: a message in, the model changed. No clocks, no terminal: time arrives in
/// `tick` messages, so tests feed keys and ticks without sleeping.
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
        if m.step < m.lastStep {
          forward(&m)
          auto.next = now + auto.interval
          m.autoplay = auto
        } else {
          m.autoplay = nil
        }
      }
    case .key(let k):
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

  static func forward(_ m: inout AppModel) {
    guard m.step < m.lastStep else { return }
    m.step += 1
    m.narrationScroll = 0
    m.animation = AppModel.Animation(step: m.step, start: m.now)
  }

  static func go(_ m: inout AppModel, to step: Int) {
    m.step = max(0, min(step, m.lastStep))
    m.narrationScroll = 0
    m.animation = nil
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
    if m.overlay != nil {
      switch k {
      case .escape: m.overlay = nil
      case .char("q"): m.quit = true
      case .char("s"): m.overlay = m.overlay == .stateDiagram ? nil : .stateDiagram
      case .char("i"): m.overlay = m.overlay == .segment ? nil : .segment
      case .char("?"): m.overlay = m.overlay == .help ? nil : .help
      case .right, .char("l"), .char(" "), .pageDown, .char("n"), .enter: forward(&m)
      case .left, .char("h"), .backspace, .pageUp, .char("p"): go(&m, to: m.step - 1)
      default: break
      }
      return
    }
    // A step number being typed.
    if !m.typedNumber.isEmpty {
      switch k {
      case .char(let c) where c.isASCII && c.isNumber:
        if m.typedNumber.count < 7 { m.typedNumber.append(c) }
        return
      case .backspace:
        m.typedNumber.removeLast()
        return
      case .enter:
        let n = Int(m.typedNumber) ?? m.step
        m.typedNumber = ""
        go(&m, to: n)
        return
      case .escape:
        m.typedNumber = ""
        return
      default:
        m.typedNumber = ""
      }
    }
    switch k {
    case .char(let c) where c.isASCII && c.isNumber:
      if m.awaitingAnswer, let q = m.question, let n = c.wholeNumberValue,
        (1...q.choices.count).contains(n)
      {
        m.answers[m.answerKey] = n - 1
      } else {
        m.typedNumber = String(c)
      }
    case .right, .char("l"), .char(" "), .enter, .pageDown, .char("n"):
      forward(&m)
    case .left, .char("h"), .backspace, .pageUp, .char("p"):
      go(&m, to: m.step - 1)
    case .home, .char("g"):
      go(&m, to: 0)
    case .end, .char("G"):
      go(&m, to: m.lastStep)
    case .char("P"):
      m.autoplay = m.autoplay == nil ? AppModel.Autoplay(interval: 1500, next: m.now + 1500) : nil
    case .char("+"), .char("="):
      adjustSpeed(&m, faster: true)
    case .char("-"), .char("_"):
      adjustSpeed(&m, faster: false)
    case .char("r"):
      m.answers = m.answers.filter { !$0.key.hasPrefix(m.lesson.id + "#") }
      m.autoplay = nil
      go(&m, to: 0)
    case .char("a"):
      m.absolute.toggle()
    case .char("t"):
      let names = Assets.themeNames
      m.themeName = names[((names.firstIndex(of: m.themeName) ?? 0) + 1) % names.count]
    case .char("E"):
      m.language = m.language == .en ? .ko : .en
    case .char("b"):
      m.blanked = true
    case .char("s"):
      m.overlay = .stateDiagram
    case .char("i"):
      m.overlay = .segment
    case .char("?"):
      m.overlay = .help
    case .char("L"):
      m.overlay = .picker(selected: m.lessonIndex)
    case .up, .char("k"):
      m.narrationScroll = max(0, m.narrationScroll - 1)
    case .down, .char("j"):
      m.narrationScroll += 1
    case .char("q"), .escape:
      m.quit = true
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
    switch k {
    case .up, .char("k"):
      m.overlay = .picker(selected: max(0, selected - 1))
    case .down, .char("j"):
      m.overlay = .picker(selected: min(m.lessons.count - 1, selected + 1))
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
}
