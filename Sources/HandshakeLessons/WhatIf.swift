import HandshakeSim

/// A change to a run: "what if that ACK were lost?". A what-if is data: it becomes ordinary
/// lesson content (a link fault, a script entry, a host's setting), and the engine runs the
/// lesson again with it, so a branch is the same run as the lesson file with the change written
/// in it. The step is a step of the run the change is made on.
public struct WhatIf: Hashable, Sendable {
  public enum Kind: Hashable, Sendable {
    /// To the segment of the step: lose it, hold it, send a copy, let the next overtake it,
    /// damage it (the receiver's checksum fails).
    case drop
    case delay(VirtualDuration)
    case duplicate
    case reorder
    case corrupt
    /// A host changes a setting right after the step.
    case set(host: Int, HostSetting)
    /// A host's application makes a socket call right after the step.
    case call(host: Int, Call)
    /// A third host forges a segment into a ladder host's connection right after the step.
    case inject(target: Int, InjectedFlag, Placement)
  }

  /// The socket calls a what-if can make.
  public enum Call: Hashable, Sendable {
    case close, shutdown, abort, connect, listen
    case send(Int)
  }

  /// What a forged segment carries.
  public enum InjectedFlag: String, Hashable, Sendable, CaseIterable { case rst, syn }

  /// Where a forged segment's sequence number falls in the target's receive window.
  public enum Placement: String, Hashable, Sendable, CaseIterable {
    /// Exactly RCV.NXT.
    case exact
    /// Inside the window, but not RCV.NXT (RFC 5961 answers with a challenge ACK).
    case inWindow = "in-window"
    /// Beyond the window.
    case outOfWindow = "out-of-window"
  }

  public var kind: Kind
  public var step: Int
  /// For a change to a segment: the transmission (index in the run) chosen among those in
  /// flight; nil for the step's own segment.
  public var transmission: Int? = nil

  public init(_ kind: Kind, step: Int, transmission: Int? = nil) {
    self.kind = kind
    self.step = step
    self.transmission = transmission
  }

  /// True for a change to a segment (drop, delay, duplicate, reorder, corrupt).
  public var isSegmentChange: Bool {
    switch kind {
    case .drop, .delay, .duplicate, .reorder, .corrupt: true
    default: false
    }
  }
}

/// Why a what-if cannot be made: said on screen, and nothing is changed.
public struct WhatIfRefusal: Error, Hashable, Sendable {
  /// The interface text's key (`whatif_refuse_*` in assets/strings) and its values.
  public var key: String
  public var values: [String: String]

  public init(_ key: String, _ values: [String: String] = [:]) {
    self.key = key
    self.values = values
  }
}

/// What a what-if adds to a lesson. Each is ordinary lesson content.
public enum LessonEdit: Hashable, Sendable {
  /// A fault appended to `link.faults`.
  case fault(FaultRule)
  /// A script entry appended to `script`.
  case entry(ScriptEntry)
  /// A host setting in `hosts:` (a change at step 0, before anything happens).
  case hostSetting(host: Int, HostSetting)
  /// A host added (the third host that injects), appended to `hosts`.
  case addHost(HostSpec)
}

/// A what-if made concrete for one run: what it adds to the lesson, and the words for it.
public struct ResolvedWhatIf: Hashable, Sendable {
  public var edits: [LessonEdit]
  /// The interface text's key (`whatif_*`) and its values, for the banner.
  public var key: String
  public var values: [String: String]
  /// The first step of the run it is made on that it can change (a segment's send step).
  public var from: Int
}

extension WhatIf {
  /// Makes the change concrete against `run`: the fault or script entry that does it, or why
  /// it makes no sense (a drop at a step with no segment, a call the socket API would refuse).
  public func resolve(on run: LessonRun) throws(WhatIfRefusal) -> ResolvedWhatIf {
    let tl = run.timeline
    let lesson = run.lesson
    guard step >= 0 && step < tl.stepCount else {
      throw WhatIfRefusal("whatif_refuse_step", ["n": "\(step)", "last": "\(tl.stepCount - 1)"])
    }
    let names = lesson.hostNames
    switch kind {
    case .drop, .delay, .duplicate, .reorder, .corrupt:
      guard
        let tx = transmission.flatMap({ tl.transmissions.indices.contains($0) ? $0 : nil })
          ?? tl.mainTransmission(ofStep: step)
      else {
        throw WhatIfRefusal("whatif_refuse_no_segment", ["n": "\(step)"])
      }
      let t = tl.transmissions[tx]
      guard t.from >= 0 else { throw WhatIfRefusal("whatif_refuse_no_segment", ["n": "\(step)"]) }
      // The k-th segment its sender sends: a rule that matches every segment of that host,
      // counted on its own, hits exactly this one (before it the runs are the same).
      let k = tl.transmissions[...tx].filter { $0.from == t.from }.count
      let action: FaultAction
      let key: String
      switch kind {
      case .drop: (action, key) = (.drop, "whatif_drop")
      case .delay(let d): (action, key) = (.delay(d), "whatif_delay")
      case .duplicate: (action, key) = (.duplicate, "whatif_duplicate")
      case .reorder: (action, key) = (.reorder, "whatif_reorder")
      default: (action, key) = (.corrupt, "whatif_corrupt")
      }
      var values = [
        "host": names[Int(t.from)], "seg": t.segment.flags.label,
        "to": t.to >= 0 ? names[Int(t.to)] : t.segment.destination.description,
      ]
      if case .delay(let d) = kind { values["d"] = d.description }
      return ResolvedWhatIf(
        edits: [.fault(FaultRule(action, from: Int(t.from), nth: k))], key: key, values: values,
        from: Int(t.sendStep))

    case .set(let host, let setting):
      guard lesson.scenario.hosts.indices.contains(host),
        lesson.scenario.hosts[host].tcpConfig != nil
      else { throw WhatIfRefusal("whatif_refuse_no_tcp", ["host": names[safe: host] ?? "?"]) }
      let values = [
        "host": names[host], "setting": setting.lessonKey, "value": setting.lessonValue,
      ]
      if step == 0 {
        return ResolvedWhatIf(
          edits: [.hostSetting(host: host, setting)], key: "whatif_set", values: values, from: 0)
      }
      return ResolvedWhatIf(
        edits: [.entry(ScriptEntry(tl.anchor(afterStep: step), host: host, .sysctl([setting])))],
        key: "whatif_set", values: values, from: step + 1)

    case .call(let host, let call):
      guard host == lesson.scenario.left || host == lesson.scenario.right else {
        throw WhatIfRefusal("whatif_refuse_no_tcp", ["host": names[safe: host] ?? "?"])
      }
      let side: Side = host == lesson.scenario.left ? .left : .right
      let peer = host == lesson.scenario.left ? lesson.scenario.right : lesson.scenario.left
      let e = tl.endpoint(side, atStep: step)
      let open = e.connection.map { ![.closed, .timeWait].contains($0.state) } ?? false
      let action: Action
      var values = ["host": names[host]]
      switch call {
      case .close, .shutdown, .abort:
        guard open else { throw WhatIfRefusal("whatif_refuse_no_connection", values) }
        action = call == .close ? .close : call == .shutdown ? .shutdown : .abort
        values["call"] = call == .close ? "close()" : call == .shutdown ? "shutdown()" : "abort()"
      case .send(let n):
        guard open, let c = e.connection,
          [.established, .closeWait, .synSent, .synReceived].contains(c.state)
        else { throw WhatIfRefusal("whatif_refuse_cannot_send", values) }
        action = .send(.count(n))
        values["call"] = "send(\(n))"
      case .connect:
        guard !open else { throw WhatIfRefusal("whatif_refuse_connected", values) }
        action = .connect(to: peer, port: nil, localPort: nil)
        values["call"] = "connect()"
      case .listen:
        guard !(e.listener?.open ?? false) else {
          throw WhatIfRefusal("whatif_refuse_listening", values)
        }
        action = .listen(port: nil, backlog: nil)
        values["call"] = "listen()"
      }
      let trigger = step == 0 ? Trigger.at(.zero) : tl.anchor(afterStep: step)
      return ResolvedWhatIf(
        edits: [.entry(ScriptEntry(trigger, host: host, action))], key: "whatif_call",
        values: values, from: step == 0 ? 0 : step + 1)

    case .inject(let target, let flag, let placement):
      guard target == lesson.scenario.left || target == lesson.scenario.right else {
        throw WhatIfRefusal("whatif_refuse_no_tcp", ["host": names[safe: target] ?? "?"])
      }
      let side: Side = target == lesson.scenario.left ? .left : .right
      guard let c = tl.endpoint(side, atStep: step).connection, c.irs != nil,
        ![.closed, .listen, .synSent].contains(c.state)
      else { throw WhatIfRefusal("whatif_refuse_no_connection", ["host": names[target]]) }
      var edits: [LessonEdit] = []
      // The third host: the lesson's scripted host if it has one, else one made for this.
      var injector = lesson.scenario.hosts.firstIndex { $0.role == .scripted }
      if injector == nil {
        let used = Set(lesson.scenario.hosts.map(\.address))
        let address =
          (66...250).map { IPv4Address(10, 0, 0, UInt8($0)) }.first { !used.contains($0) }
          ?? IPv4Address(10, 0, 1, 66)
        var name = "attacker"
        var n = 2
        while names.contains(name) {
          name = "attacker\(n)"
          n += 1
        }
        edits.append(
          .addHost(HostSpec(name: name, address: address, side: .left, role: .scripted)))
        injector = lesson.scenario.hosts.count
      }
      let window = Int64(max(2, c.rcvWnd))
      let offset: Int64
      switch placement {
      case .exact: offset = 0
      case .inWindow: offset = window / 2
      case .outOfWindow: offset = window + 1000
      }
      let injection = Injection(
        to: target, source: .fixed(c.remoteAddress), sourcePort: .fixed(c.remotePort),
        destinationPort: c.localPort, seq: .relative(host: target, field: .rcvNxt, offset: offset),
        flags: flag == .rst ? .rst : .syn)
      let trigger = tl.anchor(afterStep: step)
      edits.append(.entry(ScriptEntry(trigger, host: injector ?? 0, .inject(injection))))
      return ResolvedWhatIf(
        edits: edits, key: "whatif_inject_\(flag.rawValue)_\(placement.rawValue)",
        values: ["host": names[target]], from: step + 1)
    }
  }
}

extension Lesson {
  /// The lesson with these edits made (the in-memory form of what `YAMLLessonEdit` writes).
  public func applying(_ edits: [LessonEdit]) -> Lesson {
    var l = self
    for e in edits {
      switch e {
      case .fault(let rule):
        l.scenario.link.faults.append(rule)
      case .entry(let entry):
        l.scenario.script.append(entry)
        l.scriptMarks.append(SourceMark(file: file, line: 1, column: 1))
      case .hostSetting(let h, let setting):
        if case .tcp(var c) = l.scenario.hosts[h].role {
          setting.apply(to: &c)
          l.scenario.hosts[h].role = .tcp(c)
        }
      case .addHost(let spec):
        l.scenario.hosts.append(spec)
      }
    }
    return l
  }
}

extension Timeline {
  /// The segment a step is about: the one that arrived or was lost in it, else the first sent.
  public func mainTransmission(ofStep step: Int) -> Int? {
    let recs = records(ofStep: step)
    if let r = recs.first(where: { $0.kind == .arrive || $0.kind == .drop }),
      let tx = r.transmission
    {
      return Int(tx)
    }
    return recs.first { $0.kind == .send }?.transmission.map(Int.init)
  }

  /// A trigger that fires right after step `step`: after the n-th record like one of that step
  /// (the runs agree up to there, so the count finds the same record), with no delay.
  public func anchor(afterStep step: Int) -> Trigger {
    let first = Int(steps[step].firstRecord)
    let end = first + Int(steps[step].recordCount)
    for i in (first..<end).reversed() {
      guard var p = pattern(for: records[i]) else { continue }
      var n = 0
      for j in 0...i where matches(p, record: records[j]) { n += 1 }
      p.nth = n
      return .after(p, delay: .zero)
    }
    return .at(steps[step].time)
  }

  /// An event pattern that matches this record and as few others as the lesson format allows.
  func pattern(for r: TraceRecord) -> EventPattern? {
    // A segment lost on its way to an address no host has: `{drop: any, sender: ...}`.
    guard r.host >= 0 || r.kind == .drop || r.kind == .arrive else { return nil }
    let h = Int(r.host)
    switch r.event {
    case .send(let tx), .arrive(let tx, _), .drop(let tx, _):
      let t = transmissions[Int(tx)]
      var p = EventPattern(
        kind: r.kind, host: r.host >= 0 ? h : nil, flags: t.segment.flags,
        withoutFlags: TCPFlags(rawValue: 0xFF).subtracting(t.segment.flags),
        hasData: !t.segment.payload.isEmpty)
      if r.kind != .send {
        guard t.from >= 0 else { return nil }
        p.sender = Int(t.from)
      }
      return p
    case .state(_, let from, let to):
      return EventPattern(kind: .state, host: h, state: to, fromState: from)
    case .app(_, let call, let result, _):
      return EventPattern(kind: .app, host: h, call: call, result: result)
    case .timer(_, let kind):
      return EventPattern(kind: .timer, host: h, timer: kind)
    }
  }
}

extension HostSetting {
  /// The key this setting has in a lesson file (`hosts:` and `sysctl:`).
  public var lessonKey: String {
    switch self {
    case .synCookies: "syn_cookies"
    case .synLinearTimeouts: "syn_linear_timeouts"
    case .synRetries: "syn_retries"
    case .backlog: "backlog"
    case .mss: "mss"
    case .receiveBuffer: "window"
    case .windowScale: "window_scale"
    case .sack: "sack"
    case .timestamps: "timestamps"
    case .msl: "msl"
    case .delayedAck: "delayed_ack"
    case .lossRecovery: "loss_recovery"
    case .profile: "profile"
    case .sendDelay: "send_delay"
    }
  }

  /// The value as a lesson file writes it ("on", "1460", "200ms", "off").
  public var lessonValue: String {
    switch self {
    case .synCookies(let m): m.rawValue
    case .synLinearTimeouts(let n), .synRetries(let n), .backlog(let n), .receiveBuffer(let n):
      String(n)
    case .mss(let n): String(n)
    case .windowScale(let w): w.map { String($0) } ?? "off"
    case .sack(let b), .timestamps(let b): b ? "true" : "false"
    case .msl(let d), .sendDelay(let d): d.lessonText
    case .delayedAck(.linux): "linux"
    case .delayedAck(.off): "off"
    case .delayedAck(.fixed(let d)): d.lessonText
    case .lossRecovery(let r): r.rawValue
    case .profile(let p): p.rawValue
    }
  }
}

extension VirtualDuration {
  /// As a lesson file writes a duration: "200ms", "1s", "250us".
  public var lessonText: String {
    if micros % 1_000_000 == 0 { return "\(micros / 1_000_000)s" }
    if micros % 1000 == 0 { return "\(micros / 1000)ms" }
    return "\(micros)us"
  }
}

extension Array {
  subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}

// MARK: - The headless form: `--what-if SPEC`

extension WhatIf {
  /// The forms `--what-if` takes, for messages.
  public static let specForms =
    "drop@STEP, delay@STEP=200ms, dup@STEP, reorder@STEP, corrupt@STEP, set@STEP:HOST.SETTING=VALUE, call@STEP:HOST.close|shutdown|abort|connect|listen|send=N, inject@STEP:rst|syn.exact|in-window|out-of-window[>HOST]"

  /// Reads a what-if as `trace --what-if` and `render --what-if` take it: `drop@7`,
  /// `delay@7=200ms`, `dup@7`, `reorder@7`, `corrupt@7`, `set@3:server.syn_cookies=on`,
  /// `call@5:client.abort`, `call@5:client.send=1000`, `inject@5:rst.in-window` (to the right
  /// ladder host; `>client` names another).
  public static func parse(_ spec: String, lesson: Lesson) throws(LessonError) -> WhatIf {
    let mark = SourceMark(file: "--what-if \(clip(spec))", line: 1, column: 1)
    func fail(_ why: String) -> LessonError {
      LessonError(mark, why + "; the forms are " + specForms)
    }
    guard let at = spec.firstIndex(of: "@") else { throw fail("no @STEP") }
    let verb = String(spec[..<at])
    var rest = String(spec[spec.index(after: at)...])
    let stepText = String(rest.prefix { $0.isNumber })
    guard let step = Int(stepText), stepText.count <= 7 else {
      throw fail("expected a step number after @")
    }
    rest.removeFirst(stepText.count)
    let names = lesson.hostNames
    func host(_ name: String) throws(LessonError) -> Int {
      guard let h = names.firstIndex(of: name) else {
        throw LessonError(
          mark, "no host is called '\(clip(name))'; the hosts are \(names.joined(separator: ", "))")
      }
      return h
    }
    switch verb {
    case "drop", "dup", "reorder", "corrupt":
      guard rest.isEmpty else { throw fail("'\(verb)' takes only a step") }
      let kind: Kind =
        verb == "drop"
        ? .drop : verb == "dup" ? .duplicate : verb == "reorder" ? .reorder : .corrupt
      return WhatIf(kind, step: step)
    case "delay":
      guard rest.hasPrefix("=") else { throw fail("'delay' takes a time: delay@STEP=200ms") }
      let node = try parseYAML("d: \(rest.dropFirst())", file: mark.file)
      let r = try KeyReader(node, "a delay", allowed: ["d"])
      return WhatIf(.delay(try r.required("d").duration("a delay", max: .seconds(60))), step: step)
    case "set":
      guard rest.hasPrefix(":"), let dot = rest.firstIndex(of: "."),
        let eq = rest.firstIndex(of: "=")
      else { throw fail("'set' takes set@STEP:HOST.SETTING=VALUE") }
      let h = try host(String(rest[rest.index(after: rest.startIndex)..<dot]))
      let key = String(rest[rest.index(after: dot)..<eq])
      guard HostSettingReader.keys.contains(key) else {
        throw LessonError(
          mark,
          "'\(clip(key))' is not a setting; the settings are \(HostSettingReader.keys.joined(separator: ", "))"
        )
      }
      let node = try parseYAML("\(key): \"\(rest[rest.index(after: eq)...])\"", file: mark.file)
      let r = try KeyReader(node, "a setting", allowed: [key])
      return WhatIf(.set(host: h, try HostSettingReader.read(key, try r.required(key))), step: step)
    case "call":
      guard rest.hasPrefix(":"), let dot = rest.firstIndex(of: ".") else {
        throw fail("'call' takes call@STEP:HOST.CALL")
      }
      let h = try host(String(rest[rest.index(after: rest.startIndex)..<dot]))
      let what = String(rest[rest.index(after: dot)...])
      let call: Call
      switch what {
      case "close": call = .close
      case "shutdown": call = .shutdown
      case "abort": call = .abort
      case "connect": call = .connect
      case "listen": call = .listen
      default:
        guard what.hasPrefix("send="), let n = Int(what.dropFirst(5)), n >= 1,
          n <= LessonLoader.Bounds.maxSendBytes
        else {
          throw fail(
            "'\(clip(what))' is not a call (close, shutdown, abort, connect, listen, send=N)")
        }
        call = .send(n)
      }
      return WhatIf(.call(host: h, call), step: step)
    case "inject":
      guard rest.hasPrefix(":") else { throw fail("'inject' takes inject@STEP:rst.in-window") }
      var body = String(rest.dropFirst())
      var target = lesson.scenario.right
      if let gt = body.firstIndex(of: ">") {
        target = try host(String(body[body.index(after: gt)...]))
        body = String(body[..<gt])
      }
      let parts = body.split(separator: ".", maxSplits: 1).map(String.init)
      guard parts.count == 2, let flag = InjectedFlag(rawValue: parts[0]),
        let place = Placement(rawValue: parts[1])
      else { throw fail("'\(clip(body))' is not rst|syn.exact|in-window|out-of-window") }
      return WhatIf(.inject(target: target, flag, place), step: step)
    default:
      throw fail("'\(clip(verb))' is not a what-if")
    }
  }
}

extension WhatIf {
  /// A setting typed by a user (`set@…` and the `w` menu), read as a lesson file reads it.
  public static func setting(key: String, text: String) throws(LessonError) -> HostSetting {
    let mark = SourceMark(file: key, line: 1, column: 1)
    guard HostSettingReader.keys.contains(key) else {
      throw LessonError(mark, "'\(clip(key))' is not a setting")
    }
    let quoted = text.replacingOccurrences(of: "\"", with: "")
    let node = try parseYAML("\(key): \"\(quoted)\"", file: key)
    let r = try KeyReader(node, "a setting", allowed: [key])
    return try HostSettingReader.read(key, try r.required(key))
  }

  /// A duration typed by a user ("200ms", "1.5s").
  public static func duration(_ text: String, max: VirtualDuration) throws(LessonError)
    -> VirtualDuration
  {
    let quoted = text.replacingOccurrences(of: "\"", with: "")
    let node = try parseYAML("d: \"\(quoted)\"", file: "a time")
    let r = try KeyReader(node, "a time", allowed: ["d"])
    return try r.required("d").duration("a time", max: max)
  }
}
