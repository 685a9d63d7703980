/// The `trace --format jsonl` contract (docs/trace-format.md): one JSON object per record, in
/// order, with a fixed key order so outputs can be compared byte for byte.
extension Timeline {
  /// Every record as a JSON line.
  public func jsonLines() -> [String] {
    records.indices.map { jsonLine(record: $0) }
  }

  /// One record as a JSON object.
  public func jsonLine(record i: Int) -> String {
    let r = records[i]
    var o = JSONObject()
    o.int("step", Int(r.step))
    o.raw("t", r.time.description)
    o.string("kind", r.kind.rawValue)
    o.string("host", hostLabel(r.host, record: r))
    switch r.event {
    case .app(let socket, let call, let result, let bytes):
      o.string("call", call.rawValue)
      o.string("result", result.rawValue)
      if call == .send || call == .recv { o.int("bytes", bytes) }
      socketPorts(socket, into: &o)
    case .send(let tx):
      segmentFields(tx, into: &o)
    case .arrive(let tx, let note):
      segmentFields(tx, into: &o)
      if let n = note { o.string("note", n.rawValue) }
    case .drop(let tx, let reason):
      segmentFields(tx, into: &o)
      o.string("reason", reason.rawValue)
    case .timer(let socket, let kind):
      o.string("timer", kind.rawValue)
      socketPorts(socket, into: &o)
    case .state(let socket, let from, let to):
      o.string("from", from.rfcName)
      o.string("to", to.rfcName)
      socketPorts(socket, into: &o)
    }
    return o.text
  }

  private func hostLabel(_ h: Int32, record r: TraceRecord) -> String {
    if h >= 0 { return hosts[Int(h)].name }
    if let tx = r.transmission { return transmissions[Int(tx)].segment.destination.description }
    return "?"
  }

  private func socketPorts(_ socket: Int32, into o: inout JSONObject) {
    guard socket >= 0 else { return }
    let s = sockets[Int(socket)]
    o.int("local_port", Int(s.localPort))
    o.int("remote_port", Int(s.remotePort ?? 0))
  }

  private func segmentFields(_ tx: Int32, into o: inout JSONObject) {
    let t = transmissions[Int(tx)]
    let s = t.segment
    o.int("tx", Int(tx))
    var seg = JSONObject()
    seg.string("src", s.source.description)
    seg.string("dst", s.destination.description)
    seg.int("src_port", Int(s.sourcePort))
    seg.int("dst_port", Int(s.destinationPort))
    seg.raw("flags", "[" + s.flags.names.map { "\"\($0)\"" }.joined(separator: ",") + "]")
    seg.int("seq", Int(s.seq.rawValue))
    seg.int("ack", Int(s.ack.rawValue))
    seg.int("len", s.payload.count)
    seg.int("win", Int(s.window))
    var opts = JSONObject()
    if let m = s.options.mss { opts.int("mss", Int(m)) }
    if let w = s.options.windowScale { opts.int("wscale", Int(w)) }
    if s.options.sackPermitted { opts.raw("sack_ok", "true") }
    if !s.options.sackBlocks.isEmpty {
      opts.raw(
        "sack",
        "["
          + s.options.sackBlocks.map { "[\($0.left.rawValue),\($0.right.rawValue)]" }.joined(
            separator: ",")
          + "]")
    }
    if let ts = s.options.timestamps { opts.raw("ts", "[\(ts.value),\(ts.echoReply)]") }
    seg.raw("options", opts.text)
    o.raw("seg", seg.text)
    if t.isRetransmission { o.raw("retransmission", "true") }
  }
}

/// A tiny JSON object writer with insertion-ordered keys.
struct JSONObject {
  private var parts: [String] = []

  mutating func int(_ key: String, _ v: Int) { parts.append("\"\(key)\":\(v)") }
  mutating func raw(_ key: String, _ v: String) { parts.append("\"\(key)\":\(v)") }
  mutating func string(_ key: String, _ v: String) {
    parts.append("\"\(key)\":\(JSONObject.quote(v))")
  }

  var text: String { "{" + parts.joined(separator: ",") + "}" }

  /// A JSON string literal, escaping quotes, backslashes and every control character.
  static func quote(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\t": out += "\\t"
      case "\r": out += "\\r"
      default:
        if u.value < 0x20 || u.value == 0x7F {
          let hex = String(u.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(u)
        }
      }
    }
    return out + "\""
  }
}

extension String {
  /// The string as a JSON string literal (quotes, backslashes and control characters escaped),
  /// as the trace contract writes strings.
  public var jsonQuoted: String { JSONObject.quote(self) }
}
