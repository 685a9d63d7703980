import HandshakeSim

/// The `script:` list: when, which host, what. Also reads event patterns, shared with narration.
struct ScriptReader {
  let hosts: [HostSpec]
  let left: Int
  let right: Int
  var names: [String] { hosts.map(\.name) }
  private var injected = 0
  private var bytes = 0

  init(hosts: [HostSpec], left: Int, right: Int) {
    self.hosts = hosts
    self.left = left
    self.right = right
  }

  mutating func read(_ node: YAMLNode) throws(LessonError) -> ([ScriptEntry], [SourceMark]) {
    var entries: [ScriptEntry] = []
    var marks: [SourceMark] = []
    for item in try node.list("the script", max: LessonLoader.Bounds.maxScript) {
      entries.append(try entry(item))
      marks.append(item.mark)
    }
    guard !entries.isEmpty else {
      throw node.error("the script is empty; a lesson needs at least one step")
    }
    return (entries, marks)
  }

  private mutating func entry(_ node: YAMLNode) throws(LessonError) -> ScriptEntry {
    let names = self.names
    let r = try KeyReader(node, "a script entry", allowed: ["at", "after", "delay"] + names)
    let hostKeys = r.entries.filter { names.contains($0.key) }
    guard hostKeys.count == 1, let h = hostKeys.first else {
      throw node.error(
        hostKeys.isEmpty
          ? "a script entry needs one host and what it does (for example 'client: connect'); the hosts are: \(names.joined(separator: ", "))"
          : "a script entry names one host, found \(hostKeys.count): \(hostKeys.map(\.key).joined(separator: ", "))"
      )
    }
    let trigger: Trigger
    switch (r.optional("at"), r.optional("after")) {
    case (let at?, nil):
      trigger = .at(
        VirtualTime.zero + (try at.duration("a time", max: LessonLoader.Bounds.maxTime)))
      if let d = r.entries.first(where: { $0.key == "delay" }) {
        throw d.keyNode.error("'delay' goes with 'after', not 'at'")
      }
    case (nil, let after?):
      let delay =
        try r.optional("delay").map { (n: YAMLNode) throws(LessonError) in
          try n.duration("a delay", max: LessonLoader.Bounds.maxTime)
        } ?? .zero
      trigger = .after(try PatternReader.read(after, hosts: names), delay: delay)
    case (nil, nil):
      throw node.error("a script entry needs 'at' (a time) or 'after' (an event)")
    default:
      throw node.error("a script entry has either 'at' or 'after', not both")
    }
    let hostIndex = names.firstIndex(of: h.key)!
    let action = try self.action(h.value, host: hostIndex)
    return ScriptEntry(trigger, host: hostIndex, action)
  }

  static let simple = [
    "listen", "connect", "close", "shutdown", "abort", "accept", "read", "close_listener",
  ]
  static let complex = ["listen", "connect", "send", "read", "inject", "sysctl"]

  private mutating func action(_ node: YAMLNode, host: Int) throws(LessonError) -> Action {
    let tcp = hosts[host].tcpConfig != nil
    let name = hosts[host].name
    func needTCP(_ what: String) throws(LessonError) {
      guard tcp else {
        throw node.error(
          "\(name) is scripted (it has no TCP), so it cannot \(what); scripted hosts only 'inject'")
      }
    }
    if let s = node.scalar {
      guard Self.simple.contains(s) else {
        var msg = "unknown action '\(clip(s))'"
        if let g = suggestion(for: s, among: Self.simple + Self.complex) {
          msg += " (did you mean '\(g)'?)"
        }
        throw node.error(
          msg + "; expected one of: " + (Self.simple + ["send", "inject"]).joined(separator: ", "))
      }
      try needTCP(s)
      switch s {
      case "listen": return .listen(port: nil, backlog: nil)
      case "connect": return .connect(to: host == left ? right : left, port: nil, localPort: nil)
      case "close": return .close
      case "shutdown": return .shutdown
      case "abort": return .abort
      case "accept": return .accept
      case "close_listener": return .closeListener
      default: return .read(max: nil)
      }
    }
    let r = try KeyReader(node, "an action", allowed: Self.complex)
    guard r.entries.count == 1, let e = r.entries.first else {
      throw node.error("an action names one thing to do, found \(r.entries.count)")
    }
    let v = e.value
    switch e.key {
    case "listen":
      try needTCP("listen")
      if v.scalar != nil {
        return .listen(port: UInt16(try v.int("a port", in: 1...65535)), backlog: nil)
      }
      let lr = try KeyReader(v, "listen", allowed: ["port", "backlog"])
      return .listen(
        port: try lr.optional("port").map { (n: YAMLNode) throws(LessonError) in
          UInt16(try n.int("a port", in: 1...65535))
        },
        backlog: try lr.optional("backlog").map { (n: YAMLNode) throws(LessonError) in
          try n.int("a backlog", in: 1...65535)
        })
    case "connect":
      try needTCP("connect")
      if v.scalar != nil { return .connect(to: try peer(v, from: host), port: nil, localPort: nil) }
      let cr = try KeyReader(v, "connect", allowed: ["to", "port", "from_port"])
      let to =
        try cr.optional("to").map { (n: YAMLNode) throws(LessonError) in try peer(n, from: host) }
        ?? (host == left ? right : left)
      return .connect(
        to: to,
        port: try cr.optional("port").map { (n: YAMLNode) throws(LessonError) in
          UInt16(try n.int("a port", in: 1...65535))
        },
        localPort: try cr.optional("from_port").map { (n: YAMLNode) throws(LessonError) in
          UInt16(try n.int("a port", in: 1...65535))
        })
    case "send":
      try needTCP("send")
      let p = try payload(v)
      return .send(p)
    case "read":
      try needTCP("read")
      return .read(max: try v.int("a byte count", in: 1...LessonLoader.Bounds.maxSendBytes))
    case "sysctl":
      try needTCP("change settings")
      let sr = try KeyReader(v, "sysctl", allowed: HostSettingReader.keys)
      var settings: [HostSetting] = []
      for e in sr.entries { settings.append(try HostSettingReader.read(e.key, e.value)) }
      guard !settings.isEmpty else {
        throw v.error(
          "a sysctl needs a setting: \(HostSettingReader.keys.joined(separator: ", "))")
      }
      return .sysctl(settings)
    default:
      return .inject(try inject(v, host: host))
    }
  }

  private func peer(_ node: YAMLNode, from host: Int) throws(LessonError) -> Int {
    let i = try hostIndex(node, names)
    guard i != host else { throw node.error("a host cannot connect to itself") }
    guard hosts[i].tcpConfig != nil || true else { return i }
    return i
  }

  /// `200` (bytes of filler), `"GET / HTTP/1.1"` (a text), or `{text: ...}` / `{bytes: N}`.
  private mutating func payload(_ node: YAMLNode) throws(LessonError) -> Payload {
    let p: Payload
    if let s = node.scalar {
      if let n = Int(s.replacingOccurrences(of: "_", with: "")) {
        guard (1...LessonLoader.Bounds.maxSendBytes).contains(n) else {
          throw node.error(
            "a send must be between 1 and \(LessonLoader.Bounds.maxSendBytes) bytes, found \(n)")
        }
        p = .count(n)
      } else {
        guard !s.isEmpty else {
          throw node.error(
            "expected bytes to send (a number of bytes or a text), found an empty value")
        }
        p = .bytes(Array(s.utf8))
      }
    } else {
      let r = try KeyReader(node, "send", allowed: ["text", "bytes"])
      if let t = r.optional("text") {
        let s = try t.string("a text")
        guard !s.isEmpty, s.utf8.count <= 65536 else {
          throw t.error("a text to send must have 1 to 65536 bytes")
        }
        p = .bytes(Array(s.utf8))
      } else {
        p = .count(
          try r.required("bytes").int("a byte count", in: 1...LessonLoader.Bounds.maxSendBytes))
      }
    }
    bytes += p.length
    guard bytes <= LessonLoader.Bounds.maxTotalBytes else {
      throw node.error(
        "the lesson sends \(bytes) bytes in all; at most \(LessonLoader.Bounds.maxTotalBytes) are allowed"
      )
    }
    return p
  }

  static let injectKeys = [
    "to", "from_address", "from_port", "to_port", "seq", "ack", "flags", "window", "options",
    "data", "count", "interval",
  ]

  private mutating func inject(_ node: YAMLNode, host: Int) throws(LessonError) -> Injection {
    let r = try KeyReader(node, "inject", allowed: Self.injectKeys)
    let to =
      try r.optional("to").map { (n: YAMLNode) throws(LessonError) in try hostIndex(n, names) }
      ?? (host == left ? right : left)
    var inj = Injection(to: to, seq: .absolute(0), flags: try flags(try r.required("flags")))
    if let a = r.optional("from_address") {
      let s = try a.string("an address")
      if s == "own" {
        inj.source = .own
      } else if s.hasPrefix("random ") {
        let cidr = s.dropFirst(7).split(separator: "/")
        guard cidr.count == 2, let base = IPv4Address(String(cidr[0])), let bits = Int(cidr[1]),
          (8...32).contains(bits)
        else {
          throw a.error("expected 'random A.B.C.D/N' (N from 8 to 32), found '\(clip(s))'")
        }
        inj.source = .random(
          base: IPv4Address(base.value & (bits == 32 ? UInt32.max : ~(UInt32.max >> UInt32(bits)))),
          count: bits == 32 ? 1 : UInt32(1) << UInt32(32 - bits))
      } else if let addr = IPv4Address(s) {
        inj.source = .fixed(addr)
      } else {
        throw a.error("expected an address (own, A.B.C.D, or random A.B.C.D/N), found '\(clip(s))'")
      }
    }
    if let p = r.optional("from_port") {
      switch p.scalar {
      case "own": inj.sourcePort = .own
      case "random": inj.sourcePort = .random
      default: inj.sourcePort = .fixed(UInt16(try p.int("a port", in: 1...65535)))
      }
    }
    if let p = r.optional("to_port") {
      inj.destinationPort = UInt16(try p.int("a port", in: 1...65535))
    }
    if let s = r.optional("seq") { inj.seq = try seqExpr(s) }
    if let a = r.optional("ack") { inj.ack = try seqExpr(a) }
    if let w = r.optional("window") { inj.window = UInt16(try w.int("a window", in: 0...65535)) }
    if let o = r.optional("options") { inj.options = try options(o) }
    if let d = r.optional("data") { inj.payload = try payload(d) }
    if let c = r.optional("count") {
      inj.count = try c.int("count", in: 1...LessonLoader.Bounds.maxInjectCount)
    }
    if let i = r.optional("interval") {
      inj.interval = try i.duration("an interval", max: .seconds(60))
    }
    if inj.count > 1 && inj.interval.micros < 1 {
      throw node.error("a repeated injection needs an interval of at least 1us")
    }
    injected += inj.count
    guard injected <= LessonLoader.Bounds.maxInjectTotal else {
      throw node.error(
        "the lesson injects \(injected) segments in all; at most \(LessonLoader.Bounds.maxInjectTotal) are allowed"
      )
    }
    return inj
  }

  /// `1000`, `0xFFFFFFF0`, `random`, `server.iss + 1`, `client.rcv_nxt - 3`.
  private func seqExpr(_ node: YAMLNode) throws(LessonError) -> SeqExpr {
    let s = try node.string("a sequence number")
    if s == "random" { return .random }
    if let first = s.first, first.isNumber {
      return .absolute(try node.uint32("a sequence number"))
    }
    var text = s.replacingOccurrences(of: " ", with: "")
    var offset: Int64 = 0
    if let op = text.lastIndex(where: { $0 == "+" || $0 == "-" }) {
      guard let n = Int64(text[text.index(after: op)...]), n <= Int64(UInt32.max) else {
        throw node.error("expected 'host.field + N' with N a whole number, found '\(clip(s))'")
      }
      offset = text[op] == "-" ? -n : n
      text = String(text[..<op])
    }
    let parts = text.split(separator: ".").map(String.init)
    guard parts.count == 2 else {
      throw node.error(
        "expected a number, 'random', or 'host.field + N' (such as server.iss + 1), found '\(clip(s))'"
      )
    }
    guard let h = names.firstIndex(of: parts[0]) else {
      var msg = "no host is called '\(clip(parts[0]))'"
      if let g = suggestion(for: parts[0], among: names) { msg += " (did you mean '\(g)'?)" }
      throw node.error(msg)
    }
    guard hosts[h].tcpConfig != nil else {
      throw node.error("\(parts[0]) is scripted; it has no sequence numbers to refer to")
    }
    guard let f = TCBField(rawValue: parts[1]) else {
      var msg = "unknown field '\(clip(parts[1]))'"
      if let g = suggestion(for: parts[1], among: TCBField.allCases.map(\.rawValue)) {
        msg += " (did you mean '\(g)'?)"
      }
      throw node.error(
        msg + "; fields are " + TCBField.allCases.map(\.rawValue).joined(separator: ", "))
    }
    return .relative(host: h, field: f, offset: offset)
  }

  private func options(_ node: YAMLNode) throws(LessonError) -> TCPOptions {
    let r = try KeyReader(node, "options", allowed: ["mss", "wscale", "sack_ok", "ts"])
    var o = TCPOptions()
    if let v = r.optional("mss") { o.mss = UInt16(try v.int("an MSS", in: 1...65535)) }
    if let v = r.optional("wscale") {
      o.windowScale = UInt8(try v.int("a window scale", in: 0...255))
    }
    if let v = r.optional("sack_ok") { o.sackPermitted = try v.bool("sack_ok") }
    if let v = r.optional("ts") {
      let l = try v.list("ts (value and echo reply)", max: 2)
      guard l.count == 2 else { throw v.error("ts needs two numbers: [value, echo reply]") }
      o.timestamps = TCPTimestamps(
        value: try l[0].uint32("a timestamp"), echoReply: try l[1].uint32("a timestamp"))
    }
    return o
  }
}

/// Event patterns: `{send: client, flags: [SYN]}`, `{arrive: server, data: true, nth: 2}`,
/// `{state: ESTABLISHED, host: client}`, `{app: connect, host: client, result: ECONNREFUSED}`,
/// `{timer: retransmission, host: client}`, `{drop: server}`.
enum PatternReader {
  static let kinds = ["send", "arrive", "drop", "state", "app", "timer"]
  static let keys =
    kinds + ["host", "sender", "flags", "not_flags", "data", "from", "result", "note", "nth"]

  static func read(_ node: YAMLNode, hosts: [String]) throws(LessonError) -> EventPattern {
    let r = try KeyReader(node, "an event", allowed: keys)
    let named = r.entries.filter { kinds.contains($0.key) }
    guard named.count == 1, let e = named.first else {
      throw node.error(
        "an event names exactly one of: \(kinds.joined(separator: ", ")) (for example {arrive: server, flags: [SYN]})"
      )
    }
    var p = EventPattern(kind: RecordKind(rawValue: e.key)!)
    switch e.key {
    case "send", "arrive", "drop":
      // `any`: whoever receives it, an address no host has included (a spoofed source).
      if e.key != "send" && e.value.scalar == "any" {
        p.host = nil
      } else {
        p.host = try hostIndex(e.value, hosts)
      }
    case "state":
      p.state = try e.value.oneOf(
        "a state", names: TCPState.allCases.map(\.rfcName), spelled: " as RFC 9293 spells it",
        parse: TCPState.init(rfcName:))
    case "app":
      p.call = try e.value.oneOf(
        "a call", names: AppCall.allCases.map(\.rawValue), parse: AppCall.init(rawValue:))
    default:
      p.timer = try e.value.oneOf(
        "a timer", names: TimerKind.allCases.map(\.rawValue), parse: TimerKind.init(rawValue:))
    }
    if let h = r.optional("host") {
      guard !["send", "arrive", "drop"].contains(e.key) else {
        throw h.error("'host' is already given by '\(e.key)'")
      }
      p.host = try hostIndex(h, hosts)
    }
    if let s = r.optional("sender") {
      guard e.key == "arrive" || e.key == "drop" else {
        throw s.error("'sender' goes with arrive or drop")
      }
      p.sender = try hostIndex(s, hosts)
    }
    let segmentOnly: Set<String> = ["flags", "not_flags", "data", "note"]
    for x in r.entries
    where segmentOnly.contains(x.key) && !["send", "arrive", "drop"].contains(e.key) {
      throw x.keyNode.error("'\(x.key)' describes a segment; it goes with send, arrive or drop")
    }
    if let f = r.optional("flags") { p.flags = try flags(f) }
    if let f = r.optional("not_flags") { p.withoutFlags = try flags(f) }
    if let d = r.optional("data") { p.hasData = try d.bool("data") }
    if let n = r.optional("note") {
      let s = try n.string("a note")
      guard let note = ArrivalNote(rawValue: s) else {
        var msg = "unknown note '\(clip(s))'"
        if let g = suggestion(for: s, among: ArrivalNote.allCases.map(\.rawValue)) {
          msg += " (did you mean '\(g)'?)"
        }
        throw n.error(msg)
      }
      p.note = note
    }
    if let f = r.optional("from") {
      guard e.key == "state" else { throw f.error("'from' goes with 'state'") }
      let s = try f.string("a state")
      guard let st = TCPState(rfcName: s) else {
        throw f.error("expected a state, found '\(clip(s))'")
      }
      p.fromState = st
    }
    if let res = r.optional("result") {
      guard e.key == "app" else { throw res.error("'result' goes with 'app'") }
      p.result = try res.oneOf(
        "a result", names: AppResult.allCases.map(\.rawValue), parse: AppResult.init(rawValue:))
    }
    if let n = r.optional("nth") { p.nth = try n.int("nth", in: 1...10_000_000) }
    return p
  }
}
