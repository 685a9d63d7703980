import HandshakeSim

/// The `hosts:` mapping: each host's name, role, side, address, port and TCP settings.
enum HostsReader {
  static let keys = [
    "role", "side", "address", "port", "profile", "isn", "mss", "window", "window_scale", "sack",
    "timestamps",
    "delayed_ack", "msl", "fin_timeout", "initial_rto", "min_rto", "syn_retries",
    "syn_linear_timeouts", "synack_retries",
    "retries", "backlog", "syn_cookies", "send_delay", "reset", "reads", "accepts",
    "loss_recovery",
  ]
  static let reserved: Set<String> = ["at", "after", "delay", "seg", "t", "dt", "start", "end"]

  /// The hosts, and which two stand on the ladder (the first on each side).
  static func read(_ node: YAMLNode) throws(LessonError) -> ([HostSpec], Int, Int) {
    let entries = try node.mapping("hosts")
    guard entries.count >= 2 else {
      throw node.error("a lesson needs at least two hosts, found \(entries.count)")
    }
    guard entries.count <= LessonLoader.Bounds.maxHosts else {
      throw node.error(
        "a lesson may have at most \(LessonLoader.Bounds.maxHosts) hosts, found \(entries.count)")
    }
    var hosts: [HostSpec] = []
    var addresses: [IPv4Address: String] = [:]
    for (i, e) in entries.enumerated() {
      let name = e.key
      guard !name.isEmpty, name.count <= 16, name.first!.isLetter, name.first!.isASCII,
        name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") })
      else {
        throw e.keyNode.error(
          "expected a host name (a letter, then letters, digits, '-' or '_', at most 16), found '\(clip(name))'"
        )
      }
      guard !reserved.contains(name) else {
        throw e.keyNode.error("'\(name)' cannot name a host (it is a word the format uses)")
      }
      let h = try host(name: name, index: i, e.value)
      if let other = addresses[h.address] {
        throw e.value.error("\(name) has the address \(h.address), which \(other) already has")
      }
      addresses[h.address] = name
      hosts.append(h)
    }
    guard let left = hosts.firstIndex(where: { $0.side == .left }) else {
      throw node.error("no host stands on the left side (side: left)")
    }
    guard let right = hosts.firstIndex(where: { $0.side == .right }) else {
      throw node.error("no host stands on the right side (side: right)")
    }
    return (hosts, left, right)
  }

  private static func host(name: String, index: Int, _ node: YAMLNode) throws(LessonError)
    -> HostSpec
  {
    let r = try KeyReader(node, "host '\(name)'", allowed: keys)
    var scripted = false
    if let roleNode = r.optional("role") {
      switch try roleNode.string("a role") {
      case "tcp": scripted = false
      case "scripted": scripted = true
      case let other:
        throw roleNode.error("expected a role (tcp or scripted), found '\(clip(other))'")
      }
    }
    var side: Side = index == 1 ? .right : .left
    if let s = r.optional("side") {
      let v = try s.string("a side")
      guard let sd = Side(rawValue: v) else {
        throw s.error("expected a side (left or right), found '\(clip(v))'")
      }
      side = sd
    }
    let addrNode = try r.required("address")
    let addrText = try addrNode.string("an IPv4 address")
    guard let address = IPv4Address(addrText) else {
      throw addrNode.error("expected an IPv4 address such as 10.0.0.1, found '\(clip(addrText))'")
    }
    var port: UInt16? = nil
    if let p = r.optional("port") { port = UInt16(try p.int("a port", in: 1...65535)) }
    if scripted {
      let tcpOnly = keys.filter { !["role", "side", "address", "port"].contains($0) }
      if let e = r.entries.first(where: { tcpOnly.contains($0.key) }) {
        throw e.keyNode.error(
          "'\(e.key)' is a TCP setting, but \(name) is scripted (it has no TCP)")
      }
      return HostSpec(name: name, address: address, side: side, role: .scripted, port: port)
    }
    // The profile first: every other key overrides one of its defaults.
    var c = TCPConfig()
    if let v = r.optional("profile") { try HostSettingReader.read("profile", v).apply(to: &c) }
    if let v = r.optional("isn") { c.isn = try v.uint32("an ISN") }
    for key in HostSettingReader.keys where key != "profile" {
      if let v = r.optional(key) { try HostSettingReader.read(key, v).apply(to: &c) }
    }
    if let v = r.optional("fin_timeout") {
      c.finTimeout = try v.duration("a FIN-WAIT-2 timeout", max: LessonLoader.Bounds.maxMSL)
    }
    if let v = r.optional("initial_rto") {
      c.initialRTO = try v.duration("an initial RTO", max: .seconds(60))
    }
    if let v = r.optional("min_rto") {
      c.minRTO = try v.duration("a minimum RTO", max: .seconds(60))
    }
    if let v = r.optional("synack_retries") {
      c.synAckRetries = try v.int("synack_retries", in: 0...10)
    }
    if let v = r.optional("retries") { c.dataRetries = try v.int("retries", in: 1...20) }
    if let v = r.optional("reset") {
      let s = try v.string("a reset style")
      guard let m = ResetStyle(rawValue: s) else {
        throw v.error("expected a reset style (linux or rfc), found '\(clip(s))'")
      }
      c.resetStyle = m
    }
    if let v = r.optional("reads") { c.autoRead = try autoOrManual(v, "reads") }
    if let v = r.optional("accepts") { c.autoAccept = try autoOrManual(v, "accepts") }
    return HostSpec(name: name, address: address, side: side, role: .tcp(c), port: port)
  }

  private static func autoOrManual(_ v: YAMLNode, _ what: String) throws(LessonError) -> Bool {
    switch try v.string(what) {
    case "auto": return true
    case "manual": return false
    case let s: throw v.error("expected \(what) (auto or manual), found '\(clip(s))'")
    }
  }
}

/// The `link:` mapping.
enum LinkReader {
  static func read(_ node: YAMLNode, hosts: [String]) throws(LessonError) -> LinkSpec {
    let r = try KeyReader(
      node, "link", allowed: ["latency", "jitter", "loss", "duplicate", "reorder", "faults"])
    var link = LinkSpec()
    if let l = r.optional("latency") {
      if l.scalar != nil {
        let d = try l.duration("a latency", max: LessonLoader.Bounds.maxLatency)
        link.leftToRight = d
        link.rightToLeft = d
      } else {
        let lr = try KeyReader(l, "latency", allowed: ["left_to_right", "right_to_left"])
        if let v = lr.optional("left_to_right") {
          link.leftToRight = try v.duration("a latency", max: LessonLoader.Bounds.maxLatency)
        }
        if let v = lr.optional("right_to_left") {
          link.rightToLeft = try v.duration("a latency", max: LessonLoader.Bounds.maxLatency)
        }
      }
    }
    if let v = r.optional("jitter") { link.jitter = try v.duration("a jitter", max: .seconds(1)) }
    if let v = r.optional("loss") { link.loss = try v.double("a loss rate", in: 0...0.5) }
    if let v = r.optional("duplicate") {
      link.duplicate = try v.double("a duplication rate", in: 0...0.5)
    }
    if let v = r.optional("reorder") {
      link.reorder = try v.double("a reordering rate", in: 0...0.5)
    }
    if let f = r.optional("faults") {
      for item in try f.list("faults", max: 50) {
        link.faults.append(try fault(item, hosts: hosts))
      }
    }
    return link
  }

  static let actions = ["drop", "duplicate", "reorder", "delay", "corrupt"]

  private static func fault(_ node: YAMLNode, hosts: [String]) throws(LessonError) -> FaultRule {
    let outer = try KeyReader(node, "a fault", allowed: actions + ["by"])
    let named = outer.entries.filter { actions.contains($0.key) }
    guard named.count == 1, let e = named.first else {
      throw node.error("a fault needs exactly one of: drop, duplicate, reorder, delay, corrupt")
    }
    var action: FaultAction
    switch e.key {
    case "drop": action = .drop
    case "duplicate": action = .duplicate
    case "reorder": action = .reorder
    case "corrupt": action = .corrupt
    default:
      let by = try outer.required("by")
      action = .delay(try by.duration("a delay", max: .seconds(60)))
    }
    if e.key != "delay", let by = outer.entries.first(where: { $0.key == "by" }) {
      throw by.keyNode.error("'by' only goes with 'delay'")
    }
    let r = try KeyReader(
      e.value, "the \(e.key) fault",
      allowed: ["from", "flags", "not_flags", "data", "nth", "count"])
    var rule = FaultRule(action)
    if let f = r.optional("from") { rule.from = try hostIndex(f, hosts) }
    if let f = r.optional("flags") { rule.flags = try flags(f) }
    if let f = r.optional("not_flags") { rule.withoutFlags = try flags(f) }
    if let d = r.optional("data") { rule.hasData = try d.bool("data") }
    if let n = r.optional("nth") { rule.nth = try n.int("nth", in: 1...10_000_000) }
    if let c = r.optional("count") { rule.count = try c.int("count", in: 1...100_000) }
    return rule
  }
}

/// A host name that must exist.
func hostIndex(_ node: YAMLNode, _ hosts: [String]) throws(LessonError) -> Int {
  let name = try node.string("a host name")
  guard let i = hosts.firstIndex(of: name) else {
    var msg = "no host is called '\(clip(name))'"
    if let s = suggestion(for: name, among: hosts) { msg += " (did you mean '\(s)'?)" }
    throw node.error(msg + "; the hosts are: " + hosts.joined(separator: ", "))
  }
  return i
}

/// `[SYN, ACK]` or `SYN,ACK`.
func flags(_ node: YAMLNode) throws(LessonError) -> TCPFlags {
  var names: [(String, YAMLNode)] = []
  if let s = node.scalar {
    names = s.split(separator: ",").map { (String($0).trimmingSpaces, node) }
  } else {
    for n in try node.list("flags", max: 8) { names.append((try n.string("a flag"), n)) }
  }
  var f: TCPFlags = []
  for (name, n) in names {
    guard let flag = TCPFlags(name: name) else {
      var msg = "unknown flag '\(clip(name))'"
      if let s = suggestion(for: name.uppercased(), among: TCPFlags.named.map(\.1)) {
        msg += " (did you mean '\(s)'?)"
      }
      throw n.error(msg + "; flags are CWR, ECE, URG, ACK, PSH, RST, SYN, FIN")
    }
    f.insert(flag)
  }
  return f
}

/// The host settings that can be given in `hosts:` and changed while the lesson runs with
/// `sysctl:` (or by a what-if), read the same way in both places.
enum HostSettingReader {
  static let keys = [
    "mss", "window", "window_scale", "sack", "timestamps", "delayed_ack", "msl", "syn_retries",
    "syn_linear_timeouts", "backlog", "syn_cookies", "send_delay", "loss_recovery", "profile",
  ]

  static func read(_ key: String, _ v: YAMLNode) throws(LessonError) -> HostSetting {
    switch key {
    case "mss": return .mss(UInt16(try v.int("an MSS", in: 64...65495)))
    case "window": return .receiveBuffer(try v.int("a receive window in bytes", in: 0...(1 << 30)))
    case "window_scale":
      if v.scalar == "off" { return .windowScale(nil) }
      return .windowScale(UInt8(try v.int("a window scale shift", in: 0...14)))
    case "sack": return .sack(try v.bool("sack"))
    case "timestamps": return .timestamps(try v.bool("timestamps"))
    case "delayed_ack":
      switch v.scalar {
      case "off": return .delayedAck(.off)
      case "linux": return .delayedAck(.linux)
      default:
        return .delayedAck(
          .fixed(try v.duration("linux, off or a delayed-ACK time", max: .millis(500))))
      }
    case "profile":
      let s = try v.string("a profile")
      guard let p = TCPProfile(rawValue: s) else {
        throw v.error("expected a profile (linux or rfc9293), found '\(clip(s))'")
      }
      return .profile(p)
    case "loss_recovery":
      let s = try v.string("a loss-recovery rule")
      guard let m = LossRecovery(rawValue: s) else {
        throw v.error("expected loss_recovery (rack or dupacks), found '\(clip(s))'")
      }
      return .lossRecovery(m)
    case "msl": return .msl(try v.duration("an MSL", max: LessonLoader.Bounds.maxMSL))
    case "syn_retries": return .synRetries(try v.int("syn_retries", in: 0...10))
    case "syn_linear_timeouts":
      return .synLinearTimeouts(try v.int("syn_linear_timeouts", in: 0...10))
    case "backlog": return .backlog(try v.int("a backlog", in: 1...65535))
    case "send_delay":
      return .sendDelay(try v.duration("a delay", max: LessonLoader.Bounds.maxLatency))
    default:
      let s = try v.string("syn_cookies")
      guard let m = SynCookieMode(rawValue: s) else {
        throw v.error("expected syn_cookies (on, off or always), found '\(clip(s))'")
      }
      return .synCookies(m)
    }
  }
}
