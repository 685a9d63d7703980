import HandshakeSim

/// Narration text with placeholders such as `{client.state}` or `{seg.ack}`, in every language.
/// The values come from the engine at the step the text belongs to, so the words cannot
/// disagree with what the run did. `{{` and `}}` stand for literal braces.
public struct Template: Sendable {
  public enum Piece: Hashable, Sendable {
    case text(String)
    case value(Placeholder)
  }

  public var pieces: [Language: [Piece]]
  public var marks: [Language: SourceMark]

  public func pieces(_ l: Language) -> [Piece] { pieces[l] ?? [] }

  /// Every placeholder used, in any language.
  public var placeholders: [Placeholder] {
    Language.allCases.flatMap { pieces($0) }.compactMap {
      if case .value(let p) = $0 { return p }
      return nil
    }
  }

  /// A template with no placeholders.
  public static func plain(_ l: Localized) -> Template {
    Template(
      pieces: [.en: [.text(l.en)], .ko: [.text(l.ko)]],
      marks: [:])
  }
}

/// How sequence and acknowledgment numbers are shown: relative to each side's ISN (the
/// default, as Wireshark does) or as they are on the wire.
public enum NumberMode: String, Hashable, Sendable {
  case abs, rel

  public init(absolute: Bool) { self = absolute ? .abs : .rel }
}

/// A value the engine knows at a step.
public struct Placeholder: Hashable, Sendable {
  public enum Subject: Hashable, Sendable {
    /// A ladder host's panel (host index).
    case host(Int)
    /// The step's segment.
    case segment
    /// The step's virtual time.
    case time
    /// Time since the previous step.
    case elapsed
  }

  public var subject: Subject
  public var field: String
  /// The text as written, for messages.
  public var source: String
  /// `{seg.seq:abs}` or `{seg.seq:rel}`: this number in one mode whatever the screen shows
  /// (for text about the absolute value itself, such as the ISN). Nil follows the screen.
  public var pin: NumberMode? = nil
  /// `{client.snd_nxt + 1}`: added to a number (modulo 2^32 for sequence numbers).
  public var offset: Int64 = 0

  /// Fields that are sequence-space numbers: shown relative (to the ISS or IRS, as Wireshark
  /// does) when the screen shows relative numbers, absolute after `a`.
  public static let sequenceFields: Set<String> = [
    "seq", "ack", "sack", "iss", "irs", "isn", "snd_una", "snd_nxt", "rcv_nxt",
  ]

  /// True if this placeholder is a sequence or acknowledgment number.
  public var isSequenceNumber: Bool {
    switch subject {
    case .segment, .host: Placeholder.sequenceFields.contains(field)
    case .time, .elapsed: false
    }
  }

  /// Fields of a host panel.
  public static let hostFields = [
    "state", "isn", "iss", "irs", "snd_una", "snd_nxt", "snd_wnd", "rcv_nxt", "rcv_wnd",
    "snd_una_rel", "snd_nxt_rel", "rcv_nxt_rel", "mss", "peer_mss", "snd_wscale", "rcv_wscale",
    "wscale_ok", "sack_ok", "ts_ok", "rto", "srtt", "syn_queue", "accept_queue", "backlog",
    "syn_drops", "cookies_sent", "bytes_read", "bytes_written", "retransmissions", "error",
    "port", "address", "in_flight", "unread", "time_wait", "rtx_timer", "delack_timer",
    "probe_timer", "profile", "loss_rule",
    "from_cookie",
  ]
  /// Fields of the step's segment.
  public static let segmentFields = [
    "seq", "ack", "seq_rel", "ack_rel", "len", "flags", "win", "from", "to", "mss", "wscale",
    "sack", "ts", "src", "dst", "src_port", "dst_port", "rtx_after",
    "rtx_gap",
  ]
}

extension Template {
  /// Parses the text of one language, checking every placeholder names something that exists.
  static func parse(
    _ text: String, language: Language, mark: SourceMark, hosts: [String], ladder: Set<Int>
  ) throws(LessonError) -> [Piece] {
    // Over the UTF-8 bytes: the braces are ASCII, so a brace byte is never part of a longer
    // character, and the text between them is copied a run at a time (walking Characters costs
    // a grapheme-break check each, and this runs for every text of a lesson at launch).
    var pieces: [Piece] = []
    var literal = ""
    let bytes = Array(text.utf8)
    let open = UInt8(ascii: "{")
    let shut = UInt8(ascii: "}")
    var i = 0
    var runStart = 0
    func fail(_ msg: String) -> LessonError { LessonError(mark, msg) }
    func flushRun(to end: Int) {
      if end > runStart { literal += String(decoding: bytes[runStart..<end], as: UTF8.self) }
    }
    while i < bytes.count {
      let c = bytes[i]
      if c == open {
        flushRun(to: i)
        if i + 1 < bytes.count && bytes[i + 1] == open {
          literal.append("{")
          i += 2
          runStart = i
          continue
        }
        guard let close = bytes[(i + 1)...].firstIndex(of: shut) else {
          throw fail(
            "the \(language.rawValue) text has '{' with no closing '}' (write '{{' for a brace)")
        }
        let name = String(decoding: bytes[(i + 1)..<close], as: UTF8.self).trimmingSpaces
        if !literal.isEmpty {
          pieces.append(.text(literal))
          literal = ""
        }
        pieces.append(.value(try placeholder(name, fail: fail, hosts: hosts, ladder: ladder)))
        i = close + 1
        runStart = i
        continue
      }
      if c == shut {
        flushRun(to: i)
        if i + 1 < bytes.count && bytes[i + 1] == shut {
          literal.append("}")
          i += 2
          runStart = i
          continue
        }
        throw fail("the \(language.rawValue) text has a '}' with no '{' (write '}}' for a brace)")
      }
      i += 1
    }
    flushRun(to: bytes.count)
    if !literal.isEmpty { pieces.append(.text(literal)) }
    return pieces
  }

  private static func placeholder(
    _ written: String, fail: (String) -> LessonError, hosts: [String], ladder: Set<Int>
  ) throws(LessonError) -> Placeholder {
    // "name:abs + 1": a mode pin and an offset around the name.
    var name = written
    var offset: Int64 = 0
    if let op = name.lastIndex(where: { $0 == "+" || $0 == "-" }),
      name[..<op].contains("."), !name[name.index(after: op)...].contains(".")
    {
      let digits = String(name[name.index(after: op)...]).trimmingSpaces
      guard let n = Int64(digits), n >= 0, n <= 1 << 32, !digits.isEmpty,
        digits.allSatisfy(\.isNumber)
      else {
        throw fail(
          "placeholder '{\(clip(written))}': expected a whole number after '\(name[op])', found '\(clip(digits))'"
        )
      }
      offset = name[op] == "+" ? n : -n
      name = String(name[..<op]).trimmingSpaces
    }
    var pin: NumberMode? = nil
    if let colon = name.lastIndex(of: ":") {
      let mode = String(name[name.index(after: colon)...])
      guard let m = NumberMode(rawValue: mode) else {
        throw fail(
          "placeholder '{\(clip(written))}': ':\(clip(mode))' is not a number mode; write ':abs' or ':rel'"
        )
      }
      pin = m
      name = String(name[..<colon])
    }
    var p = try plainPlaceholder(name, fail: fail, hosts: hosts, ladder: ladder)
    p.source = written
    p.offset = offset
    p.pin = pin
    if pin != nil && !p.isSequenceNumber {
      throw fail(
        "placeholder '{\(clip(written))}': only sequence and acknowledgment numbers have a mode (:abs, :rel)"
      )
    }
    return p
  }

  private static func plainPlaceholder(
    _ name: String, fail: (String) -> LessonError, hosts: [String], ladder: Set<Int>
  ) throws(LessonError) -> Placeholder {
    if name == "t" { return Placeholder(subject: .time, field: "t", source: name) }
    if name == "dt" { return Placeholder(subject: .elapsed, field: "dt", source: name) }
    let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
    guard parts.count == 2 else {
      throw fail(
        "unknown placeholder '{\(clip(name))}': expected {host.field}, {seg.field}, {t} or {dt}")
    }
    let (subject, field) = (parts[0], parts[1])
    if subject == "seg" {
      guard Placeholder.segmentFields.contains(field) else {
        var msg = "unknown placeholder '{\(clip(name))}': segments have "
        if let s = suggestion(for: field, among: Placeholder.segmentFields) {
          msg = "unknown placeholder '{\(clip(name))}' (did you mean '{seg.\(s)}'?): segments have "
        }
        throw fail(msg + Placeholder.segmentFields.joined(separator: ", "))
      }
      return Placeholder(subject: .segment, field: field, source: name)
    }
    guard let h = hosts.firstIndex(of: subject) else {
      var msg = "unknown placeholder '{\(clip(name))}': no host is called '\(clip(subject))'"
      if let s = suggestion(for: subject, among: hosts + ["seg"]) {
        msg += " (did you mean '\(s)'?)"
      }
      throw fail(msg)
    }
    guard ladder.contains(h) else {
      throw fail(
        "placeholder '{\(clip(name))}': only the two hosts on the ladder have panels to read from")
    }
    guard Placeholder.hostFields.contains(field) else {
      var msg = "unknown placeholder '{\(clip(name))}'"
      if let s = suggestion(for: field, among: Placeholder.hostFields) {
        msg += " (did you mean '{\(subject).\(s)}'?)"
      }
      throw fail(msg + "; hosts have " + Placeholder.hostFields.joined(separator: ", "))
    }
    return Placeholder(subject: .host(h), field: field, source: name)
  }
}
