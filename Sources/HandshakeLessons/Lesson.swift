import HandshakeSim

/// A lesson as loaded from its file: what to show about it, the scenario the engine runs, the
/// narration attached to steps, and what the run must come to.
public struct Lesson: Sendable {
  public enum Level: String, CaseIterable, Sendable { case beginner, intermediate, advanced }

  public var id: String
  /// Where it came from ("normal.yaml" for a built-in lesson, a path otherwise).
  public var file: String
  public var title: Localized
  public var summary: Localized
  public var tags: [String]
  public var level: Level
  public var scenario: Scenario
  public var narration: [Narration]
  public var expectations: Expectations
  /// Where each script entry is written, for errors found when the lesson runs.
  public var scriptMarks: [SourceMark]
  /// Runs of steps shown as one (a flood's SYNs, a window of data), expandable with `x`.
  public var bursts: [Burst] = []
  /// The YAML the lesson was read from (what a what-if edits when it is saved as a lesson).
  public var source: String = ""

  /// A lesson that only names a recorded run and its two hosts (a capture opened with `open`):
  /// no script, no narration of its own, nothing expected.
  public static func recorded(
    id: String, file: String, title: Localized, summary: Localized, hosts: [HostSpec]
  ) -> Lesson {
    Lesson(
      id: id, file: file, title: title, summary: summary, tags: ["capture"], level: .beginner,
      scenario: Scenario(hosts: hosts, script: []), narration: [],
      expectations: Expectations(complete: false), scriptMarks: [])
  }

  /// Host names, by index into the scenario's hosts.
  public var hostNames: [String] { scenario.hosts.map(\.name) }
  public var leftName: String { scenario.hosts[scenario.left].name }
  public var rightName: String { scenario.hosts[scenario.right].name }
}

/// Steps shown as one: from the step of one event to the step of another.
public struct Burst: Sendable {
  public var from: EventPattern
  public var to: EventPattern
  public var label: Localized
  public var mark: SourceMark
}

/// Which step a narration belongs to.
public enum StepSelector: Hashable, Sendable {
  /// Step 0, before anything happens.
  case start
  /// The last step.
  case end
  /// The step holding the n-th record that matches.
  case event(EventPattern)
}

/// Words for a step, in every language, with placeholders filled from the engine's values.
public struct Narration: Sendable {
  public var on: StepSelector
  public var text: Template
  public var question: Question?
  public var mark: SourceMark
  /// A chapter starts at this step ("The handshake"): `C` lists them, `]`/`[` stop at them.
  public var chapter: Localized? = nil
  /// Speaker notes for the teacher: shown in the presenter console and handouts with --notes.
  public var notes: Localized? = nil
}

/// A question asked at a step, answered by choosing 1–4.
public struct Question: Sendable {
  public var prompt: Template
  public var choices: [Template]
  /// Index into `choices` (0-based).
  public var answer: Int
  public var explanation: Template?
  /// Per choice, why it is right or wrong (shown when that choice was the one marked).
  public var whys: [Template?] = []
  /// Ties the answer to the engine: at the step this event happens, `value` (a template such as
  /// "{server.state}") must read exactly as the right choice does.
  public var check: (at: EventPattern, value: Template, mark: SourceMark)?
}

/// What the run must come to; the tests and `lint` check it.
public struct Expectations: Sendable {
  /// Nothing expected, not even that the run ends by itself (a what-if branch).
  public static var none: Expectations { Expectations(complete: false) }

  public var complete: Bool = true
  /// Final state of each host's connection (or listener).
  public var finalStates: [(host: Int, state: TCPState, mark: SourceMark)] = []
  /// Bytes the receiver's application read from the sender.
  public var delivered: [(from: Int, to: Int, bytes: Int, mark: SourceMark)] = []
  /// Errors each host's application saw, in order.
  public var errors: [(host: Int, errors: [AppResult], mark: SourceMark)] = []
}
