import HandshakeSim
import Yams

/// Lesson content written as YAML: a what-if's edits made in a lesson file's text, and the
/// pieces a lesson built in the sandbox is written from. What is written here is read back by
/// `LessonLoader`; the tests run both and compare the traces.
public enum LessonYAML {
  public typealias Node = Yams.Node

  /// Something that cannot be written (a lesson whose text is not a mapping, an emitter error).
  public struct Failure: Error, CustomStringConvertible {
    public var description: String
  }

  // MARK: - Nodes

  public static func scalar(_ s: String) -> Node { .scalar(.init(s)) }
  public static func map(_ pairs: [(String, Node)]) -> Node {
    .mapping(.init(pairs.map { (scalar($0.0), $0.1) }))
  }
  public static func seq(_ items: [Node]) -> Node { .sequence(.init(items)) }

  /// The value of `key` in a mapping node, matched by its text (whatever its tag).
  public static func value(_ node: Node, _ key: String) -> Node? {
    guard case .mapping(let m) = node else { return nil }
    return m.first { $0.key.string == key }?.value
  }

  /// The mapping with `key` set to `value` (replaced in place, or appended).
  public static func setting(_ node: Node, _ key: String, _ value: Node) -> Node {
    guard case .mapping(let m) = node else { return node }
    var pairs = m.map { ($0.key, $0.value) }
    if let i = pairs.firstIndex(where: { $0.0.string == key }) {
      pairs[i].1 = value
    } else {
      pairs.append((scalar(key), value))
    }
    return .mapping(.init(pairs, m.tag, m.style))
  }

  /// The mapping without `key`.
  public static func removing(_ node: Node, _ key: String) -> Node {
    guard case .mapping(let m) = node else { return node }
    return .mapping(
      .init(m.filter { $0.key.string != key }.map { ($0.key, $0.value) }, m.tag, m.style))
  }

  public static func appending(_ node: Node?, _ item: Node) -> Node {
    guard case .sequence(let s)? = node else { return seq([item]) }
    return .sequence(.init(Array(s) + [item], s.tag, s.style))
  }

  static func flagsNode(_ f: TCPFlags) -> Node {
    seq(TCPFlags.named.reversed().filter { f.contains($0.0) }.map { scalar($0.1) })
  }

  /// An event, as `after:` and `on:` write it.
  static func pattern(_ p: EventPattern, names: [String]) -> Node {
    var pairs: [(String, Node)] = []
    switch p.kind {
    case .send, .arrive, .drop:
      pairs.append((p.kind.rawValue, scalar(p.host.map { names[$0] } ?? "any")))
      if let s = p.sender { pairs.append(("sender", scalar(names[s]))) }
      if let f = p.flags { pairs.append(("flags", flagsNode(f))) }
      if !p.withoutFlags.isEmpty { pairs.append(("not_flags", flagsNode(p.withoutFlags))) }
      if let d = p.hasData { pairs.append(("data", scalar(d ? "true" : "false"))) }
      if let n = p.note { pairs.append(("note", scalar(n.rawValue))) }
    case .state:
      pairs.append(("state", scalar(p.state?.rfcName ?? "CLOSED")))
      if let h = p.host { pairs.append(("host", scalar(names[h]))) }
      if let f = p.fromState { pairs.append(("from", scalar(f.rfcName))) }
    case .app:
      pairs.append(("app", scalar(p.call?.rawValue ?? "connect")))
      if let h = p.host { pairs.append(("host", scalar(names[h]))) }
      if let r = p.result { pairs.append(("result", scalar(r.rawValue))) }
    case .timer:
      pairs.append(("timer", scalar(p.timer?.rawValue ?? "retransmission")))
      if let h = p.host { pairs.append(("host", scalar(names[h]))) }
    }
    if p.nth != 1 { pairs.append(("nth", scalar(String(p.nth)))) }
    return map(pairs)
  }

  static func seqExpr(_ e: SeqExpr, names: [String]) -> Node {
    switch e {
    case .absolute(let v): return scalar(String(v))
    case .random: return scalar("random")
    case .relative(let h, let f, let o):
      let sign = o < 0 ? " - \(-o)" : o > 0 ? " + \(o)" : ""
      return scalar("\(names[h]).\(f.rawValue)\(sign)")
    }
  }

  /// A script action, as `HOST: ACTION` writes it.
  static func action(_ a: Action, names: [String]) -> Node {
    switch a {
    case .listen(let port, let backlog):
      guard port != nil || backlog != nil else { return scalar("listen") }
      var pairs: [(String, Node)] = []
      if let p = port { pairs.append(("port", scalar(String(p)))) }
      if let b = backlog { pairs.append(("backlog", scalar(String(b)))) }
      return map([("listen", map(pairs))])
    case .connect(let to, let port, let localPort):
      var pairs: [(String, Node)] = [("to", scalar(names[to]))]
      if let p = port { pairs.append(("port", scalar(String(p)))) }
      if let p = localPort { pairs.append(("from_port", scalar(String(p)))) }
      return map([("connect", map(pairs))])
    case .send(let payload):
      switch payload {
      case .count(let n): return map([("send", scalar(String(n)))])
      case .bytes(let b):
        return map([("send", map([("text", scalar(String(decoding: b, as: UTF8.self)))]))])
      }
    case .read(let max): return max.map { map([("read", scalar(String($0)))]) } ?? scalar("read")
    case .close: return scalar("close")
    case .shutdown: return scalar("shutdown")
    case .abort: return scalar("abort")
    case .accept: return scalar("accept")
    case .closeListener: return scalar("close_listener")
    case .sysctl(let settings):
      return map([("sysctl", map(settings.map { ($0.lessonKey, scalar($0.lessonValue)) }))])
    case .inject(let i):
      var pairs: [(String, Node)] = [("to", scalar(names[i.to]))]
      switch i.source {
      case .own: break
      case .fixed(let a): pairs.append(("from_address", scalar(a.description)))
      case .random(let base, let count):
        let bits =
          32
          - (count <= 1
            ? 0 : Int(UInt32(count - 1).bitWidth - UInt32(count - 1).leadingZeroBitCount))
        pairs.append(("from_address", scalar("random \(base)/\(bits)")))
      }
      switch i.sourcePort {
      case .own: break
      case .fixed(let p): pairs.append(("from_port", scalar(String(p))))
      case .random: pairs.append(("from_port", scalar("random")))
      }
      if let p = i.destinationPort { pairs.append(("to_port", scalar(String(p)))) }
      pairs.append(("seq", seqExpr(i.seq, names: names)))
      if let a = i.ack { pairs.append(("ack", seqExpr(a, names: names))) }
      pairs.append(("flags", flagsNode(i.flags)))
      if i.window != 65535 { pairs.append(("window", scalar(String(i.window)))) }
      if i.count != 1 { pairs.append(("count", scalar(String(i.count)))) }
      if i.interval != .zero { pairs.append(("interval", scalar(i.interval.lessonText))) }
      return map([("inject", map(pairs))])
    }
  }

  /// A script entry.
  public static func entry(_ e: ScriptEntry, names: [String]) -> Node {
    var pairs: [(String, Node)] = []
    switch e.trigger {
    case .at(let t): pairs.append(("at", scalar(VirtualDuration(micros: t.micros).lessonText)))
    case .after(let p, let d):
      pairs.append(("after", pattern(p, names: names)))
      if d != .zero { pairs.append(("delay", scalar(d.lessonText))) }
    }
    pairs.append((names[e.host], action(e.action, names: names)))
    return map(pairs)
  }

  /// A link fault.
  public static func fault(_ f: FaultRule, names: [String]) -> Node {
    var match: [(String, Node)] = []
    if let h = f.from { match.append(("from", scalar(names[h]))) }
    if let fl = f.flags { match.append(("flags", flagsNode(fl))) }
    if !f.withoutFlags.isEmpty { match.append(("not_flags", flagsNode(f.withoutFlags))) }
    if let d = f.hasData { match.append(("data", scalar(d ? "true" : "false"))) }
    match.append(("nth", scalar(String(f.nth))))
    if f.count != 1 { match.append(("count", scalar(String(f.count)))) }
    switch f.action {
    case .drop: return map([("drop", map(match))])
    case .duplicate: return map([("duplicate", map(match))])
    case .reorder: return map([("reorder", map(match))])
    case .corrupt: return map([("corrupt", map(match))])
    case .delay(let d): return map([("delay", map(match)), ("by", scalar(d.lessonText))])
    }
  }

  /// What the branch comes to, as `expect:` writes it.
  public static func expectation(_ run: LessonRun) -> Node {
    let names = run.lesson.hostNames
    let tl = run.timeline
    let last = tl.stepCount - 1
    var pairs: [(String, Node)] = [("end", scalar(tl.end.isComplete ? "complete" : "cut"))]
    let l = Int(tl.left)
    let r = Int(tl.right)
    pairs.append(
      (
        "final",
        map([
          (names[l], scalar(tl.endpoint(.left, atStep: last).state.rfcName)),
          (names[r], scalar(tl.endpoint(.right, atStep: last).state.rfcName)),
        ])
      ))
    var delivered: [(String, Node)] = []
    for (a, b) in [(l, r), (r, l)] {
      let read = tl.finalConnections.filter {
        tl.sockets[Int($0.socket)].host == Int32(b) && $0.remoteAddress == tl.hosts[a].address
      }.reduce(0) { $0 + $1.bytesRead }
      delivered.append(("\(names[a])_to_\(names[b])", scalar(String(read))))
    }
    pairs.append(("delivered", map(delivered)))
    var errors: [(String, Node)] = []
    for h in [l, r] {
      let list = tl.records.compactMap { rec -> Node? in
        guard rec.host == Int32(h), case .app(_, _, let res, _) = rec.event, res.isError else {
          return nil
        }
        return scalar(res.rawValue)
      }
      errors.append((names[h], seq(list)))
    }
    pairs.append(("errors", map(errors)))
    return map(pairs)
  }

  // MARK: - Editing a lesson's text

  /// The lesson's text with the edits made: faults appended to `link.faults`, entries to
  /// `script`, settings and hosts in `hosts`. Comments are not kept.
  public static func apply(_ edits: [LessonEdit], to lesson: Lesson) throws(Failure) -> String {
    var root = try parse(lesson.source)
    var names = lesson.hostNames
    for e in edits {
      switch e {
      case .fault(let f):
        let link = value(root, "link") ?? map([])
        root = setting(
          root, "link",
          setting(link, "faults", appending(value(link, "faults"), fault(f, names: names))))
      case .entry(let en):
        root = setting(root, "script", appending(value(root, "script"), entry(en, names: names)))
      case .hostSetting(let h, let s):
        let hosts = value(root, "hosts") ?? map([])
        let host = value(hosts, names[h]) ?? map([])
        root = setting(
          root, "hosts", setting(hosts, names[h], setting(host, s.lessonKey, scalar(s.lessonValue)))
        )
      case .addHost(let spec):
        names.append(spec.name)
        let hosts = value(root, "hosts") ?? map([])
        var pairs: [(String, Node)] = []
        if spec.tcpConfig == nil { pairs.append(("role", scalar("scripted"))) }
        pairs.append(("side", scalar(spec.side.rawValue)))
        pairs.append(("address", scalar(spec.address.description)))
        if let p = spec.port { pairs.append(("port", scalar(String(p)))) }
        root = setting(root, "hosts", setting(hosts, spec.name, map(pairs)))
      }
    }
    return try emit(root)
  }

  static func parse(_ text: String) throws(Failure) -> Node {
    do {
      guard let node = try Yams.compose(yaml: text, .basic), case .mapping = node else {
        throw Failure(description: "the lesson's text is not a mapping")
      }
      return node
    } catch let f as Failure {
      throw f
    } catch {
      throw Failure(description: "the lesson's text cannot be read: \(error)")
    }
  }

  public static func emit(_ node: Node) throws(Failure) -> String {
    do {
      return try Yams.serialize(node: node, width: 100, allowUnicode: true)
    } catch {
      throw Failure(description: "the lesson cannot be written: \(error)")
    }
  }

  /// Edits a lesson's text by a function of its root node (for saving a branch).
  public static func transform(_ text: String, _ f: (Node) -> Node) throws(Failure) -> String {
    try emit(f(try parse(text)))
  }
}
