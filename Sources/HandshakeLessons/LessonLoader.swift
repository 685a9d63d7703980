import HandshakeSim

/// Reads a lesson file into a `Lesson`, checking everything that can be checked without running
/// it (see `LessonRun` for the rest). Every error names the file, line and column, what was found
/// and what was expected.
public enum LessonLoader {
  /// Bounds that keep any lesson small: no lesson may make the program run for minutes or eat
  /// memory.
  public enum Bounds {
    public static let maxHosts = 8
    public static let maxScript = 200
    public static let maxNarration = 500
    public static let maxInjectCount = 10_000
    public static let maxInjectTotal = 50_000
    public static let maxSendBytes = 10_000_000
    public static let maxTotalBytes = 20_000_000
    public static let maxTime = VirtualDuration.seconds(3600)
    public static let maxLatency = VirtualDuration.seconds(10)
    public static let maxMSL = VirtualDuration.seconds(600)
    public static let runLimits = RunLimits(
      maxEvents: 500_000, maxTime: VirtualTime(micros: 7_200_000_000))
  }

  static let topKeys = [
    "id", "title", "summary", "tags", "level", "seed", "hosts", "link", "steps", "script",
    "narration", "bursts", "expect",
  ]

  /// Parses a lesson from its text; `file` names it in errors.
  public static func load(text: String, file: String) throws(LessonError) -> Lesson {
    let root = try parseYAML(text, file: file)
    let top = try KeyReader(root, "the lesson", allowed: topKeys)
    let idNode = try top.required("id")
    let id = try idNode.string("an id")
    guard !id.isEmpty, id.count <= 40,
      id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
    else {
      throw idNode.error(
        "expected an id of letters, digits, '-' and '_' (at most 40), found '\(clip(id))'")
    }
    let title = try localized(top.required("title"), "title")
    let summary = try localized(top.required("summary"), "summary")
    var tags: [String] = []
    if let t = top.optional("tags") {
      for n in try t.list("tags", max: 20) {
        let s = try n.string("a tag")
        try checkText(s, n)
        tags.append(s)
      }
    }
    var level = Lesson.Level.beginner
    if let l = top.optional("level") {
      let s = try l.string("a level")
      guard let v = Lesson.Level(rawValue: s) else {
        throw l.error("expected a level (beginner, intermediate or advanced), found '\(clip(s))'")
      }
      level = v
    }
    var seed: UInt64 = 1
    if let s = top.optional("seed") { seed = UInt64(try s.int("a seed", in: 0...Int(Int32.max))) }

    let (hosts, left, right) = try HostsReader.read(try top.required("hosts"))
    let names = hosts.map(\.name)
    var link = LinkSpec()
    if let l = top.optional("link") { link = try LinkReader.read(l, hosts: names) }
    var policy = StepPolicy()
    if let s = top.optional("steps") {
      let r = try KeyReader(s, "steps", allowed: ["fold_background_after"])
      if let f = r.optional("fold_background_after") {
        policy.foldBackgroundAfter = try f.int("fold_background_after", in: 0...1000)
      }
    }
    var ctx = ScriptReader(hosts: hosts, left: left, right: right)
    let (script, marks) = try ctx.read(try top.required("script"))
    let ladder: Set<Int> = [left, right]
    var narration: [Narration] = []
    if let n = top.optional("narration") {
      for item in try n.list("narration", max: Bounds.maxNarration) {
        narration.append(try NarrationReader.read(item, hosts: names, ladder: ladder))
      }
    }
    var bursts: [Burst] = []
    if let b = top.optional("bursts") {
      for item in try b.list("bursts", max: 100) {
        let r = try KeyReader(item, "a burst", allowed: ["from", "to", "label"])
        bursts.append(
          Burst(
            from: try PatternReader.read(try r.required("from"), hosts: names),
            to: try PatternReader.read(try r.required("to"), hosts: names),
            label: try NarrationReader.localizedText(try r.required("label"), "a burst's label"),
            mark: item.mark))
      }
    }
    var expectations = Expectations()
    if let e = top.optional("expect") { expectations = try ExpectReader.read(e, hosts: names) }

    var scenario = Scenario(
      seed: seed, hosts: hosts, link: link, script: script, limits: Bounds.runLimits, left: left,
      right: right, stepPolicy: policy)
    scenario.recordSnapshots = true
    var lesson = Lesson(
      id: id, file: file, title: title, summary: summary, tags: tags, level: level,
      scenario: scenario, narration: narration, expectations: expectations, scriptMarks: marks)
    lesson.bursts = bursts
    lesson.source = text
    return lesson
  }

  /// `{en: ..., ko: ...}`, both required and free of control characters.
  static func localized(_ node: YAMLNode, _ what: String) throws(LessonError) -> Localized {
    let r = try KeyReader(node, what, allowed: ["en", "ko"])
    let en = try r.required("en")
    let ko = try r.required("ko")
    let e = try en.string("the English \(what)")
    let k = try ko.string("the Korean \(what)")
    try checkText(e, en)
    try checkText(k, ko)
    return Localized(en: e, ko: k)
  }

  /// Text may not carry control characters: an escape sequence in a lesson must never reach the
  /// terminal.
  static func checkText(_ s: String, _ node: YAMLNode) throws(LessonError) {
    for (i, u) in s.unicodeScalars.enumerated() {
      let v = u.value
      if (v < 0x20 && v != 0x0A) || v == 0x7F || (0x80...0x9F).contains(v)
        || (0x202A...0x202E).contains(v)
        || (0x2066...0x2069).contains(v)
      {
        let hex = String(v, radix: 16, uppercase: true)
        throw node.error(
          "the text has the control character U+\(String(repeating: "0", count: max(0, 4 - hex.count)) + hex) at character \(i + 1); lesson text may not contain control or escape characters"
        )
      }
    }
  }
}
