import HandshakeSim
import Testing

@testable import HandshakeLessons

/// Malformed lessons: each gets an error naming the file, line and column, what was found and
/// what was expected.
@Suite("Bad lesson input")
struct BadInputTests {
  static let base = """
    id: t
    title: {en: T, ko: 티}
    summary: {en: S, ko: 에스}
    hosts:
      client: {side: left, address: 10.0.0.1, port: 40000, isn: 1}
      server: {side: right, address: 10.0.0.2, port: 80, isn: 2}
    script:
      - at: 0s
        server: listen
      - at: 10ms
        client: connect
    """

  /// Loads `text`, expecting an error at `line`:`column` whose message contains `message`.
  func expectLoadError(
    _ text: String, line: Int, column: Int, _ message: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) {
    do {
      _ = try LessonLoader.load(text: text, file: "bad.yaml")
      Issue.record("loaded without error", sourceLocation: sourceLocation)
    } catch {
      #expect(error.mark.file == "bad.yaml", sourceLocation: sourceLocation)
      #expect(error.mark.line == line, "\(error)", sourceLocation: sourceLocation)
      #expect(error.mark.column == column, "\(error)", sourceLocation: sourceLocation)
      #expect(error.message.contains(message), "\(error)", sourceLocation: sourceLocation)
      #expect(
        error.description.hasPrefix("bad.yaml:\(line):\(column): "), sourceLocation: sourceLocation)
    }
  }

  /// Loads and runs `text`, expecting a run problem at `line`:`column`.
  func expectRunProblem(
    _ text: String, line: Int, column: Int, _ message: String,
    sourceLocation: SourceLocation = #_sourceLocation
  ) throws {
    let lesson = try LessonLoader.load(text: text, file: "bad.yaml")
    let problems = LessonRun(lesson).problems
    #expect(
      problems.contains {
        $0.mark.line == line && $0.mark.column == column && $0.message.contains(message)
      },
      "\(problems)", sourceLocation: sourceLocation)
  }

  @Test("the base lesson is valid")
  func baseIsValid() throws {
    let run = LessonRun(try LessonLoader.load(text: Self.base, file: "ok.yaml"))
    #expect(run.problems.isEmpty)
  }

  @Test("invalid YAML")
  func invalidYAML() {
    expectLoadError(Self.base + "\n  - at: [1s\n", line: 13, column: 1, "invalid YAML")
    expectLoadError("id: t\n\tsummary: x\n", line: 2, column: 1, "invalid YAML")
  }

  @Test("an unknown key, with 'did you mean'")
  func unknownKey() {
    expectLoadError(
      Self.base.replacingOccurrences(of: "summary:", with: "sumary:"), line: 3, column: 1,
      "unknown key 'sumary' in the lesson (did you mean 'summary'?)")
    expectLoadError(
      Self.base.replacingOccurrences(of: "port: 80,", with: "prot: 80,"), line: 6, column: 44,
      "(did you mean 'port'?)")
  }

  @Test("a wrong type")
  func wrongType() {
    expectLoadError(
      Self.base.replacingOccurrences(of: "isn: 2}", with: "isn: two}"), line: 6, column: 59,
      "expected an ISN")
    expectLoadError(
      Self.base.replacingOccurrences(of: "port: 80,", with: "port: eighty,"), line: 6, column: 50,
      "expected a port (a whole number), found 'eighty'")
    expectLoadError(
      "id: t\ntitle: {en: T, ko: 티}\nsummary: {en: S, ko: 에스}\nhosts: [a, b]\nscript: []\n",
      line: 4, column: 8,
      "expected hosts (a mapping")
    expectLoadError(
      Self.base.replacingOccurrences(of: "- at: 10ms", with: "- at: soon"), line: 10, column: 9,
      "expected a time (a duration such as 10ms")
  }

  @Test("a missing translation")
  func missingTranslation() {
    expectLoadError(
      Self.base.replacingOccurrences(of: "title: {en: T, ko: 티}", with: "title: {en: T}"), line: 2,
      column: 8, "title needs 'ko'")
    expectLoadError(
      Self.base + "\nnarration:\n  - on: start\n    en: Hello\n", line: 13, column: 5,
      "no Korean (ko) text")
  }

  @Test("a host or event that does not exist")
  func missingReferences() throws {
    expectLoadError(
      Self.base + "\n  - after: {arrive: sever}\n    client: close\n", line: 12, column: 21,
      "no host is called 'sever' (did you mean 'server'?)")
    try expectRunProblem(
      Self.base + "\n  - after: {state: CLOSING, host: client}\n    client: close\n", line: 12,
      column: 5, "never runs")
    try expectRunProblem(
      Self.base + "\nnarration:\n  - on: {timer: time-wait, host: client}\n    en: x\n    ko: 엑스\n",
      line: 13, column: 5,
      "never happens")
  }

  @Test("an impossible script: send before connect")
  func sendBeforeConnect() throws {
    try expectRunProblem(
      Self.base.replacingOccurrences(
        of: "  - at: 10ms\n    client: connect",
        with: "  - at: 5ms\n    client: {send: 10}\n  - at: 10ms\n    client: connect"),
      line: 10, column: 5, "impossible step: client calls send()")
  }

  @Test("a placeholder that does not exist")
  func badPlaceholder() {
    expectLoadError(
      Self.base + "\nnarration:\n  - on: start\n    en: \"{client.sttae}\"\n    ko: 가\n", line: 14,
      column: 9,
      "unknown placeholder '{client.sttae}' (did you mean '{client.state}'?)")
    expectLoadError(
      Self.base + "\nnarration:\n  - on: start\n    en: \"{nobody.state}\"\n    ko: 가\n", line: 14,
      column: 9, "no host is called 'nobody'")
  }

  @Test("a placeholder with no value at its step")
  func unavailablePlaceholder() throws {
    try expectRunProblem(
      Self.base + "\nnarration:\n  - on: start\n    en: \"{seg.seq}\"\n    ko: \"{seg.seq}\"\n",
      line: 14, column: 9, "has no value at step 0")
  }

  @Test("a repeat or a duration beyond the bounds")
  func bounds() {
    expectLoadError(
      Self.base
        + "\n  - at: 1s\n    client: {inject: {flags: [SYN], count: 1000000, interval: 1ms}}\n",
      line: 13, column: 44,
      "count must be between 1 and 10000")
    expectLoadError(
      Self.base.replacingOccurrences(of: "- at: 10ms", with: "- at: 99min"), line: 10, column: 9,
      "at most 60 min")
    expectLoadError(
      Self.base + "\n  - at: 1s\n    client: {send: 999999999}\n", line: 13, column: 20,
      "a send must be between 1 and 10000000 bytes")
    expectLoadError(Self.base + "\nlink: {latency: 1min}\n", line: 12, column: 17, "at most 10 s")
  }

  @Test("terminal escape sequences in text are rejected")
  func escapes() {
    expectLoadError(
      Self.base.replacingOccurrences(of: "{en: T, ko: 티}", with: "{en: \"T\\e[2J\", ko: 티}"),
      line: 2, column: 13,
      "control character U+001B")
    expectLoadError(
      Self.base.replacingOccurrences(of: "{en: S, ko: 에스}", with: "{en: \"S\\u009b31m\", ko: 에스}"),
      line: 3, column: 15,
      "control character U+009B")
  }

  @Test("deep nesting, an empty file, a duplicate key")
  func structure() {
    expectLoadError(
      String(repeating: "[", count: 100_000), line: 1, column: 33, "nested more than 32 deep")
    expectLoadError("", line: 1, column: 1, "the file is empty")
    expectLoadError(Self.base + "\nid: again\n", line: 12, column: 1, "the key 'id' appears twice")
  }

  @Test("profile: a wrong word is named; the profile comes first and other keys override it")
  func profiles() throws {
    expectLoadError(
      Self.base.replacingOccurrences(of: "port: 80, isn: 2}", with: "port: 80, profile: bsd}"),
      line: 6, column: 63, "expected a profile (linux or rfc9293), found 'bsd'")
    expectLoadError(
      Self.base.replacingOccurrences(
        of: "port: 80, isn: 2}", with: "port: 80, delayed_ack: sometimes}"),
      line: 6, column: 67, "expected linux, off or a delayed-ACK time")
    let text = Self.base.replacingOccurrences(
      of: "port: 80, isn: 2}", with: "port: 80, msl: 30s, profile: rfc9293, delayed_ack: off}")
    let lesson = try LessonLoader.load(text: text, file: "ok.yaml")
    let c = try #require(lesson.scenario.hosts[1].tcpConfig)
    #expect(c.profile == .rfc9293 && c.minRTO == .seconds(1) && c.lossRecovery == .duplicateAcks)
    #expect(c.msl == .seconds(30) && c.delayedAck == .off)
  }
}
