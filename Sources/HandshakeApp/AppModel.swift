import HandshakeLessons
import HandshakeSim
import TerminalUI

/// The whole state of the interface: which lesson and step, how it is shown, and what the
/// teacher has asked for. The engine's work is done before: a lesson's run is a finished
/// timeline, and the model only moves a cursor over it.
public struct AppModel: Sendable {
  /// A window over the ladder.
  public enum Overlay: Hashable, Sendable {
    case stateDiagram, segment, help
    case picker(selected: Int)
    /// The lesson's chapters, one chosen.
    case chapters(selected: Int)
    /// The whole run at once, time-proportional.
    case overview
    /// The what-if menu.
    case whatIf(WhatIfMenu)
    /// The original run and the what-if compared.
    case compare
    /// The command line (`:`), with what is typed so far.
    case command(String)
  }

  /// What the update asks the outside world to do (the backend drains these).
  public enum Effect: Hashable, Sendable {
    /// A quiz answer to append to the --quiz-log file: 1-based choice.
    case logAnswer(lesson: String, step: Int, choice: Int, right: Bool)
    /// A lesson file to write (a what-if or a sandbox session saved).
    case save(path: String, text: String)
    /// A key pressed on the presenter console, for the projector.
    case presenterKey(Key)
  }

  /// An arrow flying across after a step forward.
  public struct Animation: Hashable, Sendable {
    public var step: Int
    public var start: Int64
    public var duration: Int64 = 450

    public func progress(at now: Int64) -> Double {
      guard duration > 0 else { return 1 }
      return min(1, max(0, Double(now - start) / Double(duration)))
    }
  }

  /// A short message over the key bar (a warning, the theme's name), until a time or a key.
  public struct Flash: Hashable, Sendable {
    public var text: String
    /// The theme role it is drawn in ("warning", "marker").
    public var role: String
    /// When it goes (milliseconds on the tick clock); nil: at the next key.
    public var until: Int64?

    public init(text: String, role: String, until: Int64?) {
      self.text = text
      self.role = role
      self.until = until
    }
  }

  /// Stepping forward by itself.
  public struct Autoplay: Hashable, Sendable {
    public var interval: Int64
    public var next: Int64
  }

  public private(set) var lessons: LessonList {
    didSet { current = lessons[lessonIndex] }
  }
  var runs: [String: LessonRun] = [:]
  /// How a lesson becomes a run: through the engine, or (for a capture's connections) through
  /// the passive tracker.
  let runner: @Sendable (Lesson) -> LessonRun
  public private(set) var lessonIndex: Int {
    didSet { current = lessons[lessonIndex] }
  }
  /// `lessons[lessonIndex]`, kept: a made entry is not made again for every look.
  var current: Lesson
  public var step = 0
  public var language: Language
  public var themeName: String
  /// False when the terminal has no colours (or NO_COLOR is set): every theme is drawn mono.
  public var colorAllowed = true
  public var absolute = false
  public var overlay: Overlay? = nil
  public var animation: Animation? = nil
  public var autoplay: Autoplay? = nil
  public var typedNumber = ""
  /// A `:` or `g` was pressed: the next digits are a step number even on a question step.
  public var typingStep = false
  /// The choice marked for each question (0-based), by "lesson#step": a class's vote, which may
  /// change until the answer is revealed.
  public var answers: [String: Int] = [:]
  /// Questions whose answer has been revealed, by "lesson#step".
  public var revealed: Set<String> = []
  /// Quiz mode (`--quiz`, `Q`): a question is revealed by answering it, and scored.
  public var quizMode = false
  /// In quiz mode, the first answer to each question: right or not, by "lesson#step".
  public var quizResults: [String: Bool] = [:]
  /// Work for the backend (quiz log lines), in order.
  public var effects: [Effect] = []
  /// Bursts (by their first step) shown one step at a time after `x`.
  public var expandedBursts: Set<Int> = []
  /// What-ifs on the current lesson, each made on the one before (a what-if inside a what-if).
  public private(set) var branches: [Branch] = []
  /// `o`: the original run is on screen although there are branches.
  public var showOriginal = false
  /// The segment `Tab` chose for a what-if (among those in flight), if not the step's own.
  public var chosenTransmission: Int? = nil
  /// In the sandbox: the session the command line builds.
  public private(set) var sandbox: SandboxSession? = nil
  public var blanked = false
  public var flash: Flash? = nil
  public var narrationScroll = 0
  public var now: Int64 = 0
  public var width = 80
  public var height = 24
  public var quit = false

  /// Opens `lessonID` (the first lesson if there is no such id) at step 0. `runner` makes a
  /// lesson's run when it is first shown (the engine, unless told otherwise).
  public init(
    lessons: [Lesson], lessonID: String, language: Language, theme: String,
    runner: @escaping @Sendable (Lesson) -> LessonRun = { LessonRun($0) }
  ) {
    self.init(
      list: LessonList(lessons), lessonID: lessonID, language: language, theme: theme,
      runner: runner)
  }

  /// The same, over a list whose entries may be made on demand (a capture's connections).
  public init(
    list lessons: LessonList, lessonID: String, language: Language, theme: String,
    runner: @escaping @Sendable (Lesson) -> LessonRun = { LessonRun($0) }
  ) {
    precondition(!lessons.isEmpty, "the model needs at least one lesson")
    self.lessons = lessons
    self.runner = runner
    let index = lessons.index(ofID: lessonID) ?? 0
    lessonIndex = index
    current = lessons[index]
    self.language = language
    themeName = Assets.themes[theme] != nil ? theme : "default"
    ensureRun()
  }

  public var lesson: Lesson { current }
  /// The run on screen: the newest what-if branch, or the lesson's own run (after `o`, or when
  /// there is no branch).
  public var run: LessonRun {
    if let b = branches.last, !showOriginal { return b.run }
    return baseRun
  }
  /// The lesson's own run, as written.
  public var baseRun: LessonRun { runs[lesson.id]! }
  /// The branch on screen, if one is.
  public var branch: Branch? { showOriginal ? nil : branches.last }
  public var timeline: Timeline { run.timeline }
  public var lastStep: Int { max(0, timeline.stepCount - 1) }
  public var strings: UIStrings { Assets.strings(language) }
  public var theme: Theme {
    let t = Assets.theme(themeName)
    return colorAllowed ? t : t.withoutColor
  }

  /// Runs the current lesson if it has not run yet (the picker opens others lazily, so the first
  /// frame only waits for one lesson).
  mutating func ensureRun() {
    if runs[lesson.id] == nil { runs[lesson.id] = runner(lesson) }
  }

  /// A capture still arriving (`live`, `open --follow`): how much has come, and whether the
  /// stream has ended. The status line says so; End follows the newest step.
  public struct LiveState: Hashable, Sendable {
    public var packets: Int
    public var ended: Bool
    public init(packets: Int, ended: Bool) {
      self.packets = packets
      self.ended = ended
    }
  }
  public var live: LiveState? = nil

  /// More of a live capture has arrived: the list of connections as it now stands, and the
  /// connection on screen run again (through `runner`) when `changed` says it has more. At the
  /// last step, the view follows the newest; anywhere else it stays where it is.
  public mutating func updateLive(list: LessonList, changed: (Lesson) -> Bool, live: LiveState) {
    self.live = live
    let shown = lesson.id
    let index = list.index(ofID: shown) ?? 0
    let following = step >= lastStep
    if index < lessons.count { lessonIndex = index }
    lessons = list
    lessonIndex = index
    // Another connection's run is stale once more has arrived: made again when opened.
    let keep = runs[lesson.id]
    runs = [:]
    if lesson.id == shown, let keep, !changed(lesson) {
      runs[lesson.id] = keep
    } else {
      runs[lesson.id] = runner(lesson)
    }
    if let o = overlay, case .picker(let selected) = o {
      overlay = .picker(selected: min(selected, lessons.count - 1))
    }
    step = following ? lastStep : min(step, lastStep)
  }

  /// Adds lessons (those loaded after the first frame); an id already present is kept.
  public mutating func addLessons(_ more: [Lesson]) {
    // Nothing to add (a capture's connections): the list stays as it is, made on demand.
    guard !more.isEmpty else { return }
    let shown = lesson.id
    var all = lessons.all
    for l in more where !all.contains(where: { $0.id == l.id }) { all.append(l) }
    // Keep the library's order: built-ins as listed, then the rest.
    let order = Dictionary(uniqueKeysWithValues: more.enumerated().map { ($1.id, $0) })
    all.sort { (order[$0.id] ?? Int.max) < (order[$1.id] ?? Int.max) }
    let list = LessonList(all)
    // The index first, so the list's didSet reads a valid one.
    let index = list.index(ofID: shown) ?? 0
    if index < lessons.count { lessonIndex = index }
    lessons = list
    lessonIndex = index
  }

  /// Shows warnings (one line each, joined) until a key is pressed or 8 seconds pass.
  public mutating func warn(_ lines: [String]) {
    guard !lines.isEmpty else { return }
    flash = Flash(
      text: "⚠ " + lines.joined(separator: " · "), role: "warning", until: now + 8000)
  }

  /// The sandbox: a session with nothing scripted yet, built with `:` commands.
  public init(sandbox session: SandboxSession, language: Language, theme: String) {
    let run = session.run
    self.init(
      lessons: [session.lesson], lessonID: session.lesson.id, language: language, theme: theme
    ) { _ in run }
    sandbox = session
  }

  /// The sandbox after a command: its lesson and run replace the old ones.
  public mutating func replaceSandbox(_ session: SandboxSession) {
    sandbox = session
    lessons.replace(at: lessonIndex, with: session.lesson)
    runs[session.lesson.id] = session.run
    branches = []
    showOriginal = false
    step = min(step, lastStep)
  }

  /// The presenter console (`handshake-tui presenter`): this model mirrors the projector and
  /// is drawn as the teacher's screen. Nil everywhere else.
  public struct PresenterInfo: Hashable, Sendable {
    /// Connected to a projector, or waiting for one.
    public var connected = false
    /// When the projector started the talk (ms since 1970), and the wall clock now.
    public var startedAt: Int64 = 0
    public var wallMillis: Int64 = 0
    /// The local time of day, "14:05".
    public var clock = ""
    /// What the projector said when it refused us, or other trouble to show.
    public var problem: String? = nil
    /// The teacher chose the presenter's language (`--lang`): the projector's does not change it.
    public var ownLanguage = false
    public init() {}
  }
  public var presenter: PresenterInfo? = nil

  /// `play FILE --watch`: what is wrong with the file as last saved (file:line:column and
  /// what was expected), shown over the run it last loaded; nil when it loads.
  public var watchProblem: String? = nil

  /// The lesson file was saved again and loads: its run replaces the old one, on the same step
  /// (or the last, if the run is shorter now). What-ifs made on the old run are dropped.
  public mutating func reload(_ lesson: Lesson) {
    runs[self.lesson.id] = nil
    lessons.replace(at: lessonIndex, with: lesson)
    runs[lesson.id] = runner(lesson)
    branches = []
    showOriginal = false
    animation = nil
    watchProblem = nil
    step = min(step, lastStep)
  }

  /// Shows a what-if branch on top of the others.
  public mutating func push(_ b: Branch) {
    branches.append(b)
    showOriginal = false
    step = min(step, lastStep)
  }

  /// Undoes the newest what-if.
  public mutating func popBranch() {
    guard !branches.isEmpty else { return }
    branches.removeLast()
    showOriginal = false
    step = min(step, lastStep)
  }

  mutating func open(lesson index: Int) {
    lessonIndex = max(0, min(index, lessons.count - 1))
    ensureRun()
    step = 0
    expandedBursts = []
    branches = []
    showOriginal = false
    animation = nil
    autoplay = nil
    narrationScroll = 0
  }

  /// The step whose state the panels and ladder show: the current one, or, while a question
  /// whose answer this very step would show is still open, the one before it (predict first,
  /// then see).
  public var shownStep: Int {
    guard step > 0, questionOpen, let at = run.questionCheckStep(atStep: step), at == step else {
      return step
    }
    return step - 1
  }

  /// The question asked at the current step, if any.
  public var question: AskedQuestion? {
    run.question(atStep: step, language: language, absolute: absolute)
  }

  public var answerKey: String { "\(lesson.id)#\(step)" }
  /// The choice marked at this step's question (0-based).
  public var currentAnswer: Int? { answers[answerKey] }
  /// This step asks a question whose answer is not revealed yet.
  public var questionOpen: Bool { question != nil && !revealed.contains(answerKey) }
  /// A question is waiting for 1–4 (open, nothing marked).
  public var awaitingAnswer: Bool { questionOpen && currentAnswer == nil }

  /// The quiz so far in this lesson: questions answered and answered right.
  public var quizScore: (right: Int, answered: Int, questions: Int) {
    let prefix = lesson.id + "#"
    let mine = quizResults.filter { $0.key.hasPrefix(prefix) }
    return (mine.values.filter { $0 }.count, mine.count, run.questionSteps.count)
  }

  /// Takes the effects the update asked for (the backend carries them out).
  public mutating func takeEffects() -> [Effect] {
    defer { effects = [] }
    return effects
  }
}
