import HandshakeLessons

/// What the projector (`play --present`) and the presenter console say to each other over
/// their socket: one line each, tab-separated fields. The projector says where it is after
/// every change; the presenter sends keys. Both run the same lessons through the same engine,
/// so a lesson and a step say everything: no frame or run is ever sent.
public enum PresenterMessage: Hashable, Sendable {
  /// The projector's position: the lesson (a built-in id, or the file it was loaded from),
  /// the step, absolute numbers or not, the language, the class's vote on the step's question
  /// (0-based) and whether its answer is revealed, and when the talk started (ms since 1970).
  case state(
    lesson: String, step: Int, absolute: Bool, language: Language, vote: Int?, revealed: Bool,
    startedAt: Int64)
  /// The lessons the projector can go to, in order (several lessons in a row).
  case lessons([String])
  /// A key pressed on the presenter, to be applied on the projector (as `Key(name:)` names it).
  case key(String)
  /// The projector refuses this presenter (a message to show).
  case refused(String)
  /// A presenter's first line: until it is said, a connection is not taken for a presenter
  /// (another projector checking whether the socket is in use must not push the real one out).
  case hello

  public var line: String {
    switch self {
    case .state(let l, let s, let a, let lang, let v, let r, let t):
      return [
        "state", clean(l), "\(s)", a ? "1" : "0", lang.rawValue, v.map(String.init) ?? "-",
        r ? "1" : "0", "\(t)",
      ].joined(separator: "\t")
    case .lessons(let ids): return (["lessons"] + ids.map(clean)).joined(separator: "\t")
    case .key(let k): return "key\t" + clean(k)
    case .refused(let why): return "refused\t" + clean(why)
    case .hello: return "hello\tpresenter"
    }
  }

  /// A field cannot hold the separators.
  func clean(_ s: String) -> String {
    String(s.map { $0 == "\t" || $0 == "\n" || $0 == "\r" ? " " : $0 })
  }

  /// A line as a message; nil for anything else (a line from something that is not us).
  public init?(line: String) {
    let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
    switch f.first {
    case "state":
      guard f.count == 8, let step = Int(f[2]), step >= 0, let lang = Language(rawValue: f[4]),
        let started = Int64(f[7])
      else { return nil }
      self = .state(
        lesson: f[1], step: step, absolute: f[3] == "1", language: lang,
        vote: f[5] == "-" ? nil : Int(f[5]), revealed: f[6] == "1", startedAt: started)
    case "lessons": self = .lessons(Array(f.dropFirst()))
    case "key" where f.count == 2: self = .key(f[1])
    case "refused" where f.count == 2: self = .refused(f[1])
    case "hello" where f.count == 2 && f[1] == "presenter": self = .hello
    default: return nil
    }
  }
}

extension Key {
  /// The name `Key(name:)` reads back: how a key travels from the presenter to the projector.
  public var name: String {
    switch self {
    case .char(" "): "Space"
    case .char(let c): String(c)
    case .left: "Left"
    case .right: "Right"
    case .up: "Up"
    case .down: "Down"
    case .pageUp: "PgUp"
    case .pageDown: "PgDn"
    case .home: "Home"
    case .end: "End"
    case .enter: "Enter"
    case .backspace: "Backspace"
    case .escape: "Escape"
    case .tab: "Tab"
    case .unknown: "?"
    }
  }
}

extension AppModel {
  /// Where this model is, as the projector says it: `ref` names the lesson for the presenter
  /// (its id when built in, else its file).
  public func presenterState(ref: String, startedAt: Int64) -> PresenterMessage {
    .state(
      lesson: ref, step: step, absolute: absolute, language: language, vote: currentAnswer,
      revealed: question != nil && !questionOpen, startedAt: startedAt)
  }

  /// The presenter follows the projector: the same lesson (found by `find`), step, numbers,
  /// language, vote and reveal. False when the lesson is not one it knows.
  public mutating func follow(_ message: PresenterMessage, find: (String) -> Lesson?) -> Bool {
    guard case .state(let ref, let step, let abs, let lang, let vote, let revealed, let t) = message
    else { return true }
    if lesson.id != ref && lesson.file != ref {
      guard let l = find(ref) else { return false }
      if let i = lessons.index(ofID: l.id) {
        open(lesson: i)
      } else {
        addLessons([l])
        if let i = lessons.index(ofID: l.id) { open(lesson: i) }
      }
    }
    self.step = min(max(0, step), lastStep)
    absolute = abs
    if presenter?.ownLanguage != true { language = lang }
    answers[answerKey] = vote
    if revealed { self.revealed.insert(answerKey) } else { self.revealed.remove(answerKey) }
    animation = nil
    presenter?.startedAt = t
    return true
  }
}
