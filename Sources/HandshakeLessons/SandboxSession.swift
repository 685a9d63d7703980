import HandshakeSim

/// A scenario built one command at a time in front of the class (`handshake-tui sandbox`).
/// Every command becomes what a lesson script holds (a script entry at the session's clock, or
/// a link fault), and the whole session runs again after each: stepping back and forth works as
/// in a lesson, and saved, the session is a lesson file that plays the same.
public struct SandboxSession: Sendable {
  public private(set) var lesson: Lesson
  /// When the next command happens: after the segments of the last one have landed, or later
  /// after `wait`.
  public private(set) var clock: VirtualTime = .zero
  /// The commands so far, as typed, with the script entry index or fault they became.
  public private(set) var commands: [String] = []
  public private(set) var run: LessonRun

  /// A session with two TCP hosts, nothing scripted.
  public init(hosts: [String] = ["client", "server"]) {
    let names = hosts.count == 2 ? hosts : ["client", "server"]
    var left = TCPConfig()
    left.isn = 1000
    var right = TCPConfig()
    right.isn = 5000
    let specs = [
      HostSpec(
        name: names[0], address: IPv4Address(10, 0, 0, 1), side: .left, role: .tcp(left),
        port: 40000),
      HostSpec(
        name: names[1], address: IPv4Address(10, 0, 0, 2), side: .right, role: .tcp(right), port: 80
      ),
    ]
    var scenario = Scenario(hosts: specs, script: [], limits: LessonLoader.Bounds.runLimits)
    scenario.recordSnapshots = true
    var l = Lesson.recorded(
      id: "sandbox", file: "sandbox",
      title: Localized(en: "Sandbox: a scenario built in class", ko: "샌드박스: 수업에서 만든 시나리오"),
      summary: Localized(
        en: "Built one command at a time with the sandbox.", ko: "샌드박스에서 명령을 하나씩 넣어 만들었습니다."),
      hosts: specs)
    l.tags = ["sandbox"]
    l.scenario = scenario
    l.expectations = .none
    lesson = l
    run = LessonRun(l)
  }

  /// The words a command takes, for messages and Tab.
  public var vocabulary: [String] {
    lesson.hostNames + [
      "listen", "connect", "send", "close", "shutdown", "abort", "read", "accept", "drop", "delay",
      "duplicate", "reorder", "corrupt", "next", "from", "by", "inject", "rst", "syn", "exact",
      "in-window", "out-of-window", "to", "set", "wait", "run", "save",
    ] + HostSettingReader.keys
  }

  /// The forms a command takes.
  public static let forms =
    "HOST listen | HOST connect | HOST send N | HOST close | HOST shutdown | HOST abort | drop next from HOST | delay next from HOST by 200ms | duplicate|reorder|corrupt next from HOST | attacker inject rst|syn exact|in-window|out-of-window [to HOST] | set HOST SETTING VALUE | wait 1s | run"

  /// Completes the last word of `text` from the vocabulary, if one word fits.
  public func complete(_ text: String) -> String? {
    let words = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
    guard let last = words.last, !last.isEmpty else { return nil }
    let fits = Set(vocabulary.filter { $0.hasPrefix(last) })
    guard fits.count == 1, let w = fits.first else { return nil }
    return (words.dropLast() + [w]).joined(separator: " ") + " "
  }

  /// The session with one more command; a command not understood changes nothing and says
  /// what was expected.
  public func applying(_ text: String) throws(LessonError) -> SandboxSession {
    let mark = SourceMark(file: "sandbox", line: commands.count + 1, column: 1)
    func fail(_ why: String) -> LessonError { LessonError(mark, why + "; expected " + Self.forms) }
    let w = text.split(separator: " ").map(String.init)
    guard !w.isEmpty else { throw fail("an empty command") }
    var next = self
    let names = lesson.hostNames
    func host(_ name: String) throws(LessonError) -> Int {
      guard let h = names.firstIndex(of: name) else {
        throw LessonError(
          mark, "no host is called '\(clip(name))'; the hosts are \(names.joined(separator: ", "))")
      }
      return h
    }
    let scenario = lesson.scenario
    let peer = { (h: Int) in h == scenario.left ? scenario.right : scenario.left }
    func entry(_ h: Int, _ a: Action) {
      next.lesson.scenario.script.append(ScriptEntry(.at(clock), host: h, a))
      next.lesson.scriptMarks.append(mark)
    }
    switch w[0] {
    case "wait":
      guard w.count == 2 else { throw fail("'wait' takes a time") }
      let d = try WhatIf.duration(w[1], max: LessonLoader.Bounds.maxTime)
      next.clock = clock + d
      next.commands.append(text)
      return next
    case "run":
      next.clock = run.timeline.steps[run.timeline.stepCount - 1].time
      next.commands.append(text)
      return next
    case "set":
      guard w.count == 4 else { throw fail("'set' takes a host, a setting and a value") }
      let h = try host(w[1])
      guard lesson.scenario.hosts[h].tcpConfig != nil else { throw fail("\(w[1]) has no TCP") }
      entry(h, .sysctl([try WhatIf.setting(key: w[2], text: w[3])]))
    case "drop", "delay", "duplicate", "reorder", "corrupt":
      guard w.count >= 4, w[1] == "next", w[2] == "from" else {
        throw fail("'\(w[0])' takes 'next from HOST'")
      }
      let h = try host(w[3])
      var action: FaultAction
      switch w[0] {
      case "drop": action = .drop
      case "duplicate": action = .duplicate
      case "reorder": action = .reorder
      case "corrupt": action = .corrupt
      default:
        guard w.count == 6, w[4] == "by" else {
          throw fail("'delay' takes 'next from HOST by 200ms'")
        }
        action = .delay(try WhatIf.duration(w[5], max: .seconds(60)))
      }
      guard w[0] == "delay" || w.count == 4 else { throw fail("too many words") }
      // The next segment the host sends: one more than it has sent before the clock.
      let tl = run.timeline
      let sent = tl.transmissions.indices.filter {
        tl.transmissions[$0].from == Int32(h) && tl.transmissions[$0].sentAt < clock
      }.count
      next.lesson.scenario.link.faults.append(FaultRule(action, from: h, nth: sent + 1))
    default:
      if w.count >= 2 && w[1] == "inject" {
        try next.inject(w, mark: mark, fail: fail)
        break
      }
      let h = try host(w[0])
      guard w.count >= 2 else { throw fail("'\(w[0])' needs a call") }
      guard lesson.scenario.hosts[h].tcpConfig != nil else { throw fail("\(w[0]) has no TCP") }
      switch (w[1], w.count) {
      case ("listen", 2): entry(h, .listen(port: nil, backlog: nil))
      case ("listen", 3):
        guard let p = UInt16(w[2]), p > 0 else {
          throw fail("'listen' takes a port from 1 to 65535")
        }
        entry(h, .listen(port: p, backlog: nil))
      case ("connect", 2): entry(h, .connect(to: peer(h), port: nil, localPort: nil))
      case ("connect", 3): entry(h, .connect(to: try host(w[2]), port: nil, localPort: nil))
      case ("send", 3):
        guard let n = Int(w[2]), n >= 1, n <= LessonLoader.Bounds.maxSendBytes else {
          throw fail("'send' takes a byte count from 1 to \(LessonLoader.Bounds.maxSendBytes)")
        }
        entry(h, .send(.count(n)))
      case ("close", 2): entry(h, .close)
      case ("shutdown", 2): entry(h, .shutdown)
      case ("abort", 2): entry(h, .abort)
      case ("read", 2): entry(h, .read(max: nil))
      case ("accept", 2): entry(h, .accept)
      default: throw fail("'\(clip(text))' is not a command")
      }
    }
    next.commands.append(text)
    next.rerun()
    // The next command comes once this one's segments have landed.
    let tl = next.run.timeline
    var quiet = clock
    for t in tl.transmissions where t.sentAt >= clock {
      for l in t.landings { quiet = max(quiet, l.time) }
    }
    next.clock = max(clock, quiet)
    let performed = Set(tl.performed.map(\.entry))
    if let last = next.lesson.scenario.script.indices.last, !performed.contains(Int32(last)),
      w[0] != "drop" && !["delay", "duplicate", "reorder", "corrupt"].contains(w[0])
    {
      throw LessonError(
        mark, "'\(clip(text))' never ran: the run was over before \(clock.seconds) s")
    }
    return next
  }

  private mutating func inject(
    _ w: [String], mark: SourceMark, fail: (String) -> LessonError
  ) throws(LessonError) {
    // attacker inject rst|syn exact|in-window|out-of-window [to HOST]
    guard w.count == 4 || (w.count == 6 && w[4] == "to"),
      let flag = WhatIf.InjectedFlag(rawValue: w[2]), let place = WhatIf.Placement(rawValue: w[3])
    else { throw fail("'inject' takes rst|syn exact|in-window|out-of-window [to HOST]") }
    let names = lesson.hostNames
    var target = lesson.scenario.right
    if w.count == 6 {
      guard let t = names.firstIndex(of: w[5]) else {
        throw fail("no host is called '\(clip(w[5]))'")
      }
      target = t
    }
    let side: Side = target == lesson.scenario.left ? .left : .right
    let tl = run.timeline
    let at = tl.step(atOrAfter: clock)
    let step = tl.steps[at].time > clock ? max(0, at - 1) : at
    guard let c = tl.endpoint(side, atStep: step).connection, c.irs != nil,
      ![.closed, .listen, .synSent].contains(c.state)
    else {
      throw LessonError(mark, "\(names[target]) has no open connection to forge a segment into")
    }
    var injector = lesson.scenario.hosts.firstIndex { $0.name == w[0] }
    if injector == nil {
      let used = Set(lesson.scenario.hosts.map(\.address))
      let address = (66...250).map { IPv4Address(10, 0, 0, UInt8($0)) }.first { !used.contains($0) }
      lesson.scenario.hosts.append(
        HostSpec(
          name: w[0], address: address ?? IPv4Address(10, 0, 1, 66), side: .left, role: .scripted))
      injector = lesson.scenario.hosts.count - 1
    }
    guard let h = injector, lesson.scenario.hosts[h].role == .scripted else {
      throw fail("\(w[0]) is a TCP host; a third, scripted host injects")
    }
    let window = Int64(max(2, c.rcvWnd))
    let offset: Int64 = place == .exact ? 0 : place == .inWindow ? window / 2 : window + 1000
    lesson.scenario.script.append(
      ScriptEntry(
        .at(clock), host: h,
        .inject(
          Injection(
            to: target, source: .fixed(c.remoteAddress), sourcePort: .fixed(c.remotePort),
            destinationPort: c.localPort,
            seq: .relative(host: target, field: .rcvNxt, offset: offset),
            flags: flag == .rst ? .rst : .syn))))
    lesson.scriptMarks.append(mark)
  }

  mutating func rerun() { run = LessonRun(lesson) }

  /// The session as a lesson file: the hosts, the link's faults, the script at the times the
  /// commands ran, a narration slot at each call for the teacher to fill, and what it came to.
  public func yaml() throws(LessonYAML.Failure) -> String {
    typealias Y = LessonYAML
    let names = lesson.hostNames
    var hosts: [(String, Y.Node)] = []
    for h in lesson.scenario.hosts {
      var pairs: [(String, Y.Node)] = []
      if let c = h.tcpConfig {
        pairs.append(("side", Y.scalar(h.side.rawValue)))
        pairs.append(("address", Y.scalar(h.address.description)))
        if let p = h.port { pairs.append(("port", Y.scalar(String(p)))) }
        if let isn = c.isn { pairs.append(("isn", Y.scalar(String(isn)))) }
      } else {
        pairs = [
          ("role", Y.scalar("scripted")), ("side", Y.scalar(h.side.rawValue)),
          ("address", Y.scalar(h.address.description)),
        ]
      }
      hosts.append((h.name, Y.map(pairs)))
    }
    var root: [(String, Y.Node)] = [
      ("id", Y.scalar(lesson.id)),
      ("title", Y.map([("en", Y.scalar(lesson.title.en)), ("ko", Y.scalar(lesson.title.ko))])),
      (
        "summary",
        Y.map([("en", Y.scalar(lesson.summary.en)), ("ko", Y.scalar(lesson.summary.ko))])
      ),
      ("tags", Y.seq([Y.scalar("sandbox")])),
      ("hosts", Y.map(hosts)),
    ]
    var link: [(String, Y.Node)] = [
      ("latency", Y.scalar(lesson.scenario.link.leftToRight.lessonText))
    ]
    if !lesson.scenario.link.faults.isEmpty {
      link.append(("faults", Y.seq(lesson.scenario.link.faults.map { Y.fault($0, names: names) })))
    }
    root.append(("link", Y.map(link)))
    root.append(("script", Y.seq(lesson.scenario.script.map { Y.entry($0, names: names) })))
    // A slot for words at each socket call the session made, for the teacher to fill in.
    let tl = run.timeline
    var slots: [Y.Node] = [
      Y.map([
        ("on", Y.scalar("start")), ("en", Y.scalar("(What the class will see.)")),
        ("ko", Y.scalar("(학생들이 보게 될 것)")),
      ])
    ]
    var seen: [String: Int] = [:]
    for r in tl.records {
      guard case .app(_, let call, _, _) = r.event, r.host >= 0, call != .recv else { continue }
      let key = "\(r.host) \(call.rawValue)"
      seen[key, default: 0] += 1
      var on: [(String, Y.Node)] = [
        ("app", Y.scalar(call.rawValue)), ("host", Y.scalar(names[Int(r.host)])),
      ]
      if seen[key, default: 1] > 1 { on.append(("nth", Y.scalar(String(seen[key, default: 1])))) }
      slots.append(
        Y.map([
          ("on", Y.map(on)), ("en", Y.scalar("(What happens here.)")),
          ("ko", Y.scalar("(여기서 일어나는 일)")),
        ]))
      if slots.count >= 50 { break }
    }
    root.append(("narration", Y.seq(slots)))
    root.append(("expect", Y.expectation(run)))
    return try Y.emit(Y.map(root))
  }
}
