import HandshakeSim

/// A packetdrill script run against the engine: what ran, and the first line that did not hold.
public struct PktRun: Sendable {
  public var script: PktScript
  /// The run as a lesson (the kernel under test on the left, the scripted peer on the right),
  /// for `play` and `trace`.
  public var lesson: Lesson
  public var timeline: Timeline
  /// The first line that did not hold (nil: every line held).
  public var failure: PktDiagnostic?
  /// Lines checked: packets and system calls.
  public var checked: Int
}

/// Runs a packetdrill script with the engine as the kernel under test: its socket calls come
/// from the script, a scripted peer injects the `<` lines, and each `>` line and each call's
/// result is checked as packetdrill checks them: sequence and acknowledgment numbers relative
/// to each side's ISN, flags exactly, the window and options where the line gives them, and
/// the time within `--tolerance_usecs`. A `>` line may be met by several segments whose lengths
/// add up (packetdrill without `--strict_segments`). Relative times count from when the
/// previous event actually happened, as packetdrill's do.
///
/// The engine runs from the start again for each line that needs an answer: it is
/// deterministic, so a run with more of the script only adds to the one before.
public struct PktRunner {
  public static let localAddress = IPv4Address(192, 168, 0, 1)
  public static let remoteAddress = IPv4Address(192, 0, 2, 1)
  /// The peer's ISN: the script's numbers for `<` lines are relative to it.
  public static let remoteISN: UInt32 = 0

  let script: PktScript
  let server: Bool
  var config: TCPConfig
  var entries: [ScriptEntry] = []
  var marks: [SourceMark] = []
  var connectionStarted = false
  /// File descriptors: socket() numbers from 3 up.
  var fds: [Int64: Descriptor] = [:]
  /// The previous event's time as it happened, in µs.
  var previous: Int64 = 0
  /// When the engine runs the last line it was given.
  var lastScheduled = VirtualTime(micros: -1)
  /// When the latest action runs (for a triggered one, the earliest it can).
  var lastRun = VirtualTime.zero
  /// The kernel's port for the connection under way: the listening port, or the one the
  /// latest connect() went out from.
  var localPort: UInt16 = 0
  var connects = 0
  /// With `reads auto`: what the application had read by the previous read() line.
  var readSoFar = 0
  /// Kernel segments already matched by `>` lines.
  var matched = 0
  /// App records already accounted for, per call.
  var consumed: [AppCall: Int] = [:]
  var accepted = 0
  var checked = 0
  var failure: PktDiagnostic? = nil
  var deferred: [Deferred] = []

  struct Descriptor {
    enum Kind { case socket, listener, connection }
    var kind: Kind
    var nonblocking = false
    var lingerZero = false
  }

  /// A blocking call's result, known once later lines have run.
  struct Deferred {
    var call: AppCall
    var at: VirtualTime  // when the call was made
    var expected: (Int64, String?)
    var event: PktEvent
    var resultColumn: Int
  }

  public static func run(_ script: PktScript) -> PktRun {
    var r = PktRunner(script: script)
    r.runAll()
    return r.finish()
  }

  init(script: PktScript) {
    self.script = script
    // The kernel listens if the script calls listen() before any connect().
    var server = false
    for e in script.events {
      if case .syscall(let s) = e.body {
        if s.name == "listen" {
          server = true
          break
        }
        if s.name == "connect" { break }
      }
    }
    self.server = server
    self.localPort = server ? 8080 : 40000
    // Linux's defaults as a packetdrill run sees them: timestamps and window scaling on; the
    // application reads and accepts only when the script says so.
    var c = TCPConfig()
    c.timestamps = true
    c.windowScale = 7
    c.autoRead = false
    c.autoAccept = false
    c.isn = nil
    self.config = c
  }

  var hosts: [HostSpec] {
    [
      HostSpec(
        name: "local", address: Self.localAddress, side: .left, role: .tcp(config),
        port: server ? 8080 : 40000),
      HostSpec(
        name: "remote", address: Self.remoteAddress, side: .right, role: .scripted,
        port: server ? 48000 : 8080),
    ]
  }

  var scenario: Scenario {
    // The peer's packets reach the kernel at once, as packetdrill's do through its tun device.
    var s = Scenario(
      seed: 1, hosts: hosts, link: LinkSpec(leftToRight: .zero, rightToLeft: .zero),
      script: entries)
    s.limits = RunLimits(maxEvents: 2_000_000, maxTime: VirtualTime(micros: 3_600_000_000))
    return s
  }

  func engine() -> Timeline { Simulation.run(scenario) }

  func diag(_ e: PktEvent, column: Int? = nil, _ message: String) -> PktDiagnostic {
    PktDiagnostic(
      .mismatch, file: script.file, line: e.line, column: column ?? e.column, message)
  }

  /// The earliest and latest times an event may happen, and when to make it happen.
  func window(_ t: PktTime) -> (at: Int64, lo: Int64, hi: Int64) {
    switch t {
    case .absolute(let a): return (a, a, a)
    case .relative(let r): return (previous + r, previous + r, previous + r)
    case .any: return (previous, previous, Int64.max / 4)
    case .range(let a, let b):
      let lo = window(a).lo
      let hi = window(b).hi
      return (lo, lo, hi)
    }
  }

  /// Adds a line's action. Lines at the same moment run one after the other, each after what
  /// the one before set off (a packet injected reaches the kernel at once, as through
  /// packetdrill's tun device, and is processed before the next line): the engine runs each a
  /// microsecond after the previous.
  mutating func add(_ trigger: Trigger, host: Int, _ action: Action, _ e: PktEvent) {
    var trigger = trigger
    if case .at(let t) = trigger {
      let when = max(t, lastScheduled + .micros(1))
      lastScheduled = when
      trigger = .at(when)
      lastRun = when
    } else {
      lastRun = lastScheduled
    }
    entries.append(ScriptEntry(trigger, host: host, action))
    marks.append(SourceMark(file: script.file, line: e.line, column: e.column))
  }

  mutating func runAll() {
    for e in script.events {
      guard failure == nil else { break }
      checked += 1
      switch e.body {
      case .packet(let p) where p.inbound: inbound(p, e)
      case .packet(let p): outbound(p, e)
      case .syscall(let s): syscall(s, e)
      case .settings(let pairs): settings(pairs, e)
      }
    }
    if failure == nil { checkDeferred(engine()) }
  }

  func finish() -> PktRun {
    var lesson = Lesson.recorded(
      id: "pkt-" + baseName(script.file), file: script.file,
      title: Localized("packetdrill: " + baseName(script.file)),
      summary: Localized(
        en:
          "A packetdrill script: the engine is the kernel under test (left), the script's peer on the right.",
        ko: "packetdrill 스크립트입니다. 엔진이 시험받는 커널(왼쪽)이고, 스크립트의 상대가 오른쪽입니다."),
      hosts: hosts)
    lesson.tags = ["packetdrill"]
    lesson.level = .advanced
    lesson.scenario = scenario
    // On screen the peer gets a panel too: the TCB its segments imply, as with a capture.
    lesson.scenario.hosts[1].trackedPassively = true
    lesson.scriptMarks = marks
    return PktRun(
      script: script, lesson: lesson, timeline: Simulation.run(lesson.scenario),
      failure: failure, checked: checked)
  }

  /// The kernel's settings from a `// handshake-tui:` comment.
  mutating func settings(_ pairs: [(key: String, value: String)], _ e: PktEvent) {
    checked -= 1  // a comment, not a line packetdrill checks
    var later: [HostSetting] = []
    for (key, value) in pairs {
      let col = e.column
      func bad(_ why: String) {
        failure = PktDiagnostic(.syntax, file: script.file, line: e.line, column: col, why)
      }
      switch key {
      case "reads", "accepts":
        // reads auto: the engine's application reads all that arrives at once (as a lesson's
        // does), and the script's read() lines check what it read.
        guard value == "auto" || value == "manual" else { return bad("\(key) is auto or manual") }
        if key == "reads" { config.autoRead = value == "auto" }
      case "reset":
        guard let r = ResetStyle(rawValue: value) else { return bad("reset is linux or rfc") }
        config.resetStyle = r
      case "fin_timeout", "initial_rto", "min_rto":
        guard let d = try? WhatIf.duration(value, max: .seconds(600)) else {
          return bad("\(key) takes a duration")
        }
        if key == "fin_timeout" { config.finTimeout = d }
        if key == "initial_rto" { config.initialRTO = d }
        if key == "min_rto" { config.minRTO = d }
      case "synack_retries", "retries":
        guard let n = Int(value), (0...20).contains(n) else { return bad("\(key) takes 0 to 20") }
        if key == "retries" { config.dataRetries = n } else { config.synAckRetries = n }
      default:
        do {
          let setting = try WhatIf.setting(key: key, text: value)
          if connectionStarted {
            later.append(setting)
          } else {
            setting.apply(to: &config)
          }
        } catch {
          return bad("\(key) \(value): \(error.message)")
        }
      }
    }
    if !later.isEmpty { add(.at(VirtualTime(micros: previous)), host: 0, .sysctl(later), e) }
  }

  // MARK: - Packets

  mutating func inbound(_ p: PktPacket, _ e: PktEvent) {
    let w = window(e.time)
    var opts = TCPOptions()
    var sack: [RelativeSackBlock]? = nil
    for o in p.options ?? [] {
      switch o {
      case .mss(let v): opts.mss = UInt16(v)
      case .wscale(let v): opts.windowScale = UInt8(v)
      case .sackOK: opts.sackPermitted = true
      case .sack(let b): sack = b
      case .timestamp(let v, let ecr):
        opts.timestamps = TCPTimestamps(
          value: UInt32(truncatingIfNeeded: v), echoReply: UInt32(truncatingIfNeeded: ecr))
      case .nop, .eol: break
      }
    }
    var flags = p.flags
    flags.remove(.ack)
    var inj = Injection(
      to: 0, destinationPort: localPort,
      seq: .absolute(Self.remoteISN &+ UInt32(truncatingIfNeeded: p.seq)),
      ack: p.ack.map { .relative(host: 0, field: .iss, offset: $0) }, flags: flags,
      window: UInt16(p.window ?? 65535), options: opts,
      payload: p.length > 0 ? .count(p.length) : nil)
    if let b = sack { inj.relativeSack = (.relative(host: 0, field: .iss, offset: 0), b) }
    add(.at(VirtualTime(micros: w.at)), host: 1, .inject(inj), e)
    previous = w.at
  }

  mutating func outbound(_ p: PktPacket, _ e: PktEvent) {
    let tl = engine()
    let out = tl.transmissions.filter { $0.from == 0 && $0.to == 1 }
    guard matched < out.count else {
      failure = diag(e, "expected the kernel to send \(describe(p)), but it sent nothing more")
      return
    }
    // The kernel's ISN for this connection: its latest SYN (or SYN,ACK) up to this segment;
    // before any, numbers are taken as they are (as the peer's ack was sent).
    let iss = out[...matched].last { $0.segment.flags.contains(.syn) }?.segment.seq ?? SeqNum(0)
    let w = window(e.time)
    let first = out[matched]
    let s = first.segment
    // One line may stand for several segments (segmentation offload on a real kernel): as
    // many contiguous data segments as add up to the line's length.
    var pieces = [first]
    if s.payload.count < p.length {
      var total = s.payload.count
      var k = matched + 1
      var more: [Transmission] = []
      while total < p.length && k < out.count {
        let next = out[k].segment
        let prev = (more.last ?? first).segment
        guard next.seq == prev.seq + prev.payload.count, !next.payload.isEmpty else { break }
        more.append(out[k])
        total += next.payload.count
        k += 1
      }
      if total == p.length { pieces += more }
    }
    let length = pieces.reduce(0) { $0 + $1.segment.payload.count }
    let flagsSeen = pieces.reduce(TCPFlags()) { $0.union($1.segment.flags) }
    let rel = Int64(s.seq - iss)
    let ackSeen: Int64? = s.flags.contains(.ack) ? Int64(s.ack.rawValue &- Self.remoteISN) : nil
    let actual = describe(flags: flagsSeen, seq: rel, length: length, ack: ackSeen)
    if flagsSeen != p.flags {
      failure = diag(
        e, column: p.flagsColumn,
        "expected flags \(flagsText(p.flags)), actual \(flagsText(flagsSeen)) (the kernel sent \(actual))"
      )
      return
    }
    if rel != p.seq || length != p.length {
      failure = diag(
        e, column: p.seqColumn,
        "expected \(p.seq):\(p.end)(\(p.length)), actual \(rel):\(rel + Int64(length))(\(length)) (the kernel sent \(actual))"
      )
      return
    }
    if let a = p.ack {
      let got = Int64(s.ack.rawValue &- Self.remoteISN)
      if got != a {
        failure = diag(
          e, column: p.ackColumn, "expected ack \(a), actual ack \(got) (the kernel sent \(actual))"
        )
        return
      }
    }
    if let win = p.window, Int(s.window) != win {
      failure = diag(e, column: p.windowColumn, "expected win \(win), actual win \(s.window)")
      return
    }
    if let opts = p.options {
      let want = optionSummary(opts)
      let got = optionSummary(s.options)
      if want != got {
        failure = diag(
          e, column: p.optionsColumn, "expected options <\(want)>, actual <\(got)>")
        return
      }
    }
    let t = first.sentAt.micros
    let tol = script.tolerance.micros
    if t < w.lo - tol || t > w.hi + tol {
      let expected =
        w.lo == w.hi
        ? seconds(w.lo) : "\(seconds(w.lo))~\(w.hi >= Int64.max / 4 ? "*" : seconds(w.hi))"
      failure = diag(
        e,
        "timing: expected at \(expected) s (±\(seconds(tol)) s), the kernel sent \(actual) at \(seconds(t)) s"
      )
      return
    }
    matched += pieces.count
    previous = t
  }

  func describe(_ p: PktPacket) -> String {
    describe(flags: p.flags, seq: p.seq, length: p.length, ack: p.ack)
  }

  func describe(flags: TCPFlags, seq: Int64, length: Int, ack: Int64?) -> String {
    var s = "\(flagsText(flags)) \(seq):\(seq + Int64(length))(\(length))"
    if let a = ack { s += " ack \(a)" }
    return s
  }

  func flagsText(_ f: TCPFlags) -> String {
    var s = ""
    for (flag, c) in [
      (TCPFlags.syn, "S"), (.fin, "F"), (.rst, "R"), (.psh, "P"), (.ece, "E"), (.cwr, "W"),
      (.urg, "U"), (.ack, "."),
    ] where f.contains(flag) {
      s += c
    }
    return s.isEmpty ? "-" : s
  }

  /// Options by meaning, as packetdrill compares them once padding is set aside: the MSS,
  /// the shift, SACK-permitted, SACK blocks and whether timestamps are there (their values
  /// are the kernel's clock).
  func optionSummary(_ o: [PktOption]) -> String {
    var parts: [String] = []
    for x in o {
      switch x {
      case .mss(let v): parts.append("mss \(v)")
      case .wscale(let v): parts.append("wscale \(v)")
      case .sackOK: parts.append("sackOK")
      case .sack(let b):
        parts.append("sack " + b.map { "\($0.left):\($0.right)" }.joined(separator: " "))
      case .timestamp: parts.append("TS")
      case .nop, .eol: break
      }
    }
    return parts.sorted().joined(separator: ",")
  }

  func optionSummary(_ o: TCPOptions) -> String {
    var x: [PktOption] = []
    if let m = o.mss { x.append(.mss(Int(m))) }
    if let w = o.windowScale { x.append(.wscale(Int(w))) }
    if o.sackPermitted { x.append(.sackOK) }
    if !o.sackBlocks.isEmpty {
      x.append(
        .sack(
          o.sackBlocks.map {
            RelativeSackBlock(
              left: Int64($0.left.rawValue &- Self.remoteISN),
              right: Int64($0.right.rawValue &- Self.remoteISN))
          }))
    }
    if o.timestamps != nil { x.append(.timestamp(value: 0, echo: 0)) }
    return optionSummary(x)
  }

  func seconds(_ us: Int64) -> String { VirtualDuration(micros: us).secondsString }

  func baseName(_ path: String) -> String {
    var name = path.split(separator: "/").last.map(String.init) ?? path
    if name.hasSuffix(".pkt") { name.removeLast(4) }
    return name
  }
}
