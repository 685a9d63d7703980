import HandshakeSim

/// Reads packetdrill's script syntax. Errors name the line and column; anything outside the
/// subset is named as not supported. Shell commands (`` `...` ``) and Python blocks
/// (`%{ ... }%`) are skipped with a warning each, or refused with `strict`.
public enum PktParser {
  /// The system calls the runner can make.
  static let syscalls: Set<String> = [
    "socket", "setsockopt", "getsockopt", "bind", "listen", "accept", "connect", "fcntl", "write",
    "send", "read", "recv", "shutdown", "close", "poll",
  ]

  public static func parse(text: String, file: String, strict: Bool = false) throws(PktDiagnostic)
    -> PktScript
  {
    var script = PktScript(file: file, options: [], events: [], skipped: [])
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { Array($0) }
    var inComment = false
    var inPython: (line: Int, column: Int)? = nil
    for (n, raw) in lines.enumerated() {
      let lineNo = n + 1
      // Blank out comments, keeping columns; note Python blocks.
      var chars = raw.map { $0 == "\r" || $0 == "\t" ? " " : $0 }
      var i = 0
      while i < chars.count {
        if let start = inPython {
          if chars[i] == "}" && i + 1 < chars.count && chars[i + 1] == "%" {
            let d = PktDiagnostic(
              .skipped, file: file, line: start.line, column: start.column,
              "skipped a Python block (%{ ... }%): the engine has no tcpi_* values to check")
            if strict {
              throw PktDiagnostic(
                .unsupported, file: file, line: start.line, column: start.column,
                "not supported: a Python block (--strict)")
            }
            script.skipped.append(d)
            inPython = nil
            chars[i] = " "
            chars[i + 1] = " "
            i += 2
          } else {
            chars[i] = " "
            i += 1
          }
          continue
        }
        if inComment {
          if chars[i] == "*" && i + 1 < chars.count && chars[i + 1] == "/" {
            inComment = false
            chars[i + 1] = " "
          }
          chars[i] = " "
          i += 1
          continue
        }
        if chars[i] == "/" && i + 1 < chars.count && chars[i + 1] == "/" {
          let comment = String(chars[(i + 2)...]).trimmingSpaces
          if comment.hasPrefix("handshake-tui:") {
            script.events.append(
              try readSettings(
                String(comment.dropFirst("handshake-tui:".count)), line: lineNo, column: i + 1,
                file: file))
          }
          for j in i..<chars.count { chars[j] = " " }
          break
        }
        if chars[i] == "/" && i + 1 < chars.count && chars[i + 1] == "*" {
          inComment = true
          chars[i] = " "
          chars[i + 1] = " "
          i += 2
          continue
        }
        if chars[i] == "%" && i + 1 < chars.count && chars[i + 1] == "{" {
          inPython = (lineNo, i + 1)
          chars[i] = " "
          chars[i + 1] = " "
          i += 2
          continue
        }
        i += 1
      }
      var s = Scanner(chars: chars, line: lineNo, file: file)
      s.skipSpaces()
      if s.atEnd { continue }
      if s.peek == "-" && s.peek(1) == "-" {
        try readOption(&s, into: &script)
        continue
      }
      if s.peek == "`" {
        if strict {
          throw s.error(.unsupported, "not supported: a shell command (--strict)")
        }
        script.skipped.append(
          PktDiagnostic(
            .skipped, file: file, line: lineNo, column: s.column,
            "skipped a shell command: the engine's defaults already are Linux's"))
        continue
      }
      script.events.append(try readEvent(&s))
    }
    if let start = inPython {
      throw PktDiagnostic(
        .syntax, file: file, line: start.line, column: start.column,
        "a Python block (%{) that never ends (expected }%)")
    }
    return script
  }

  /// `key value, key value` after `// handshake-tui:`.
  static func readSettings(_ text: String, line: Int, column: Int, file: String)
    throws(PktDiagnostic) -> PktEvent
  {
    var pairs: [(key: String, value: String)] = []
    for part in text.split(separator: ",") {
      let words = part.split(separator: " ", maxSplits: 1).map { String($0).trimmingSpaces }
      guard words.count == 2, !words[0].isEmpty, !words[1].isEmpty else {
        throw PktDiagnostic(
          .syntax, file: file, line: line, column: column,
          "expected settings as 'key value, key value' after handshake-tui:")
      }
      pairs.append((words[0], words[1]))
    }
    return PktEvent(
      line: line, column: column, time: .relative(0), end: nil, body: .settings(pairs))
  }

  private static func readOption(_ s: inout Scanner, into script: inout PktScript)
    throws(PktDiagnostic)
  {
    let col = s.column
    s.advance(2)
    let name = s.word()
    guard !name.isEmpty else { throw s.error(.syntax, "expected an option name after --") }
    var value = ""
    if s.peek == "=" {
      s.advance()
      value = s.rest().trimmingSpaces
    }
    switch name {
    case "ip_version" where value != "ipv4":
      throw PktDiagnostic(
        .unsupported, file: s.file, line: s.line, column: col,
        "not supported: --ip_version=\(value) (the engine speaks IPv4)")
    case "tolerance_usecs":
      guard Int64(value) != nil else {
        throw s.error(.syntax, "expected a number of microseconds, found '\(value)'")
      }
    default: break
    }
    script.options.append((name, value))
  }

  private static func readEvent(_ s: inout Scanner) throws(PktDiagnostic) -> PktEvent {
    let line = s.line
    let column = s.column
    let time = try readTime(&s)
    var end: PktTime? = nil
    if s.peek == "." && s.peek(1) == "." && s.peek(2) == "." {
      s.advance(3)
      end = try readTime(&s)
    }
    s.skipSpaces()
    guard let c = s.peek else { throw s.error(.syntax, "expected a packet or a system call") }
    if c == "<" || c == ">" {
      s.advance()
      return PktEvent(
        line: line, column: column, time: time, end: end,
        body: .packet(try readPacket(&s, inbound: c == "<")))
    }
    if c == "`" {
      throw s.error(.unsupported, "not supported: a timed shell command")
    }
    let nameColumn = s.column
    let name = s.word()
    guard !name.isEmpty else {
      throw s.error(.syntax, "expected a packet (< or >) or a system call, found '\(c)'")
    }
    guard syscalls.contains(name) else {
      throw PktDiagnostic(
        .unsupported, file: s.file, line: line, column: nameColumn,
        "not supported: \(name) at line \(line)")
    }
    s.skipSpaces()
    guard s.peek == "(" else { throw s.error(.syntax, "expected ( after \(name)") }
    s.advance()
    var args: [PktValue] = []
    s.skipSpaces()
    if s.peek == ")" {
      s.advance()
    } else {
      while true {
        args.append(try readValue(&s))
        s.skipSpaces()
        if s.peek == "," {
          s.advance()
          continue
        }
        guard s.peek == ")" else {
          throw s.error(.syntax, "expected , or ) in \(name)'s arguments")
        }
        s.advance()
        break
      }
    }
    s.skipSpaces()
    guard s.peek == "=" else { throw s.error(.syntax, "expected = and the value \(name) returns") }
    s.advance()
    s.skipSpaces()
    let resultColumn = s.column
    guard let result = s.integer() else {
      throw s.error(.syntax, "expected the value \(name) returns (a number)")
    }
    s.skipSpaces()
    var errno: String? = nil
    if result == -1 {
      let e = s.word()
      guard !e.isEmpty else { throw s.error(.syntax, "expected an errno name after -1") }
      errno = e
    }
    // A description in parentheses, as packetdrill prints: "(Operation now in progress)".
    s.skipSpaces()
    if s.peek == "(" { _ = s.rest() }
    s.skipSpaces()
    guard s.atEnd else { throw s.error(.syntax, "unexpected text after the result") }
    if name == "socket", args.count == 3, case .names(let n) = args[1], n.contains("SOCK_DGRAM") {
      throw PktDiagnostic(
        .unsupported, file: s.file, line: line, column: nameColumn,
        "not supported: a UDP socket at line \(line)")
    }
    return PktEvent(
      line: line, column: column, time: time, end: end,
      body: .syscall(
        PktSyscall(
          name: name, args: args, result: result, errno: errno, resultColumn: resultColumn)))
  }

  static func readTime(_ s: inout Scanner) throws(PktDiagnostic) -> PktTime {
    s.skipSpaces()
    func one(_ s: inout Scanner) throws(PktDiagnostic) -> PktTime {
      if s.peek == "*" {
        s.advance()
        return .any
      }
      let relative = s.peek == "+"
      if relative { s.advance() }
      guard let us = s.seconds() else {
        throw s.error(.syntax, "expected a time (0.100, +0.1 or *)")
      }
      return relative ? .relative(us) : .absolute(us)
    }
    let a = try one(&s)
    if s.peek == "~" {
      s.advance()
      return .range(a, try one(&s))
    }
    return a
  }

  static func readValue(_ s: inout Scanner) throws(PktDiagnostic) -> PktValue {
    s.skipSpaces()
    guard let c = s.peek else { throw s.error(.syntax, "expected an argument") }
    if c == "." && s.peek(1) == "." && s.peek(2) == "." {
      s.advance(3)
      return .ellipsis
    }
    if c == "[" {
      s.advance()
      var items: [PktValue] = []
      s.skipSpaces()
      if s.peek == "]" {
        s.advance()
        return .list([])
      }
      while true {
        items.append(try readValue(&s))
        s.skipSpaces()
        if s.peek == "," {
          s.advance()
          continue
        }
        guard s.peek == "]" else { throw s.error(.syntax, "expected , or ] in a list") }
        s.advance()
        return .list(items)
      }
    }
    if c == "{" {
      s.advance()
      var fields: [PktField] = []
      while true {
        s.skipSpaces()
        let name = s.word()
        guard !name.isEmpty else { throw s.error(.syntax, "expected a field name in { }") }
        s.skipSpaces()
        guard s.peek == "=" else { throw s.error(.syntax, "expected = after \(name)") }
        s.advance()
        fields.append(PktField(name: name, value: try readValue(&s)))
        s.skipSpaces()
        if s.peek == "," {
          s.advance()
          continue
        }
        guard s.peek == "}" else { throw s.error(.syntax, "expected , or } in a structure") }
        s.advance()
        return .fields(fields)
      }
    }
    if c == "\"" {
      s.advance()
      var out: [Character] = []
      while let ch = s.peek, ch != "\"" {
        out.append(ch)
        s.advance()
      }
      guard s.peek == "\"" else { throw s.error(.syntax, "a string that never ends") }
      s.advance()
      return .string(String(out))
    }
    if c == "-" || c.isNumber {
      guard let v = s.integer() else { throw s.error(.syntax, "expected a number") }
      return .int(v)
    }
    var names: [String] = []
    while true {
      s.skipSpaces()
      let w = s.word()
      guard !w.isEmpty else { throw s.error(.syntax, "expected an argument, found '\(c)'") }
      names.append(w)
      s.skipSpaces()
      guard s.peek == "|" else { break }
      s.advance()
    }
    return .names(names)
  }

  static func readPacket(_ s: inout Scanner, inbound: Bool) throws(PktDiagnostic) -> PktPacket {
    s.skipSpaces()
    let flagsColumn = s.column
    var flags: TCPFlags = []
    var sawFlag = false
    while let c = s.peek, c != " " {
      switch c {
      case "S": flags.insert(.syn)
      case "F": flags.insert(.fin)
      case "R": flags.insert(.rst)
      case "P": flags.insert(.psh)
      case ".": flags.insert(.ack)
      case "E": flags.insert(.ece)
      case "W": flags.insert(.cwr)
      case "U": flags.insert(.urg)
      case "-": break
      default:
        throw s.error(.syntax, "expected TCP flags (of FSRP.EWU, or -), found '\(c)'")
      }
      sawFlag = true
      s.advance()
    }
    guard sawFlag else { throw s.error(.syntax, "expected TCP flags (of FSRP.EWU, or -)") }
    s.skipSpaces()
    let seqColumn = s.column
    guard let seq = s.integer(), s.peek == ":" else {
      if s.word() == "udp" || s.peek == nil {
        throw s.error(.unsupported, "not supported: a packet that is not TCP")
      }
      throw s.error(.syntax, "expected START:END(LENGTH), such as 1:1001(1000)")
    }
    s.advance()
    guard let end = s.integer(), s.peek == "(" else {
      throw s.error(.syntax, "expected START:END(LENGTH), such as 1:1001(1000)")
    }
    s.advance()
    guard let len = s.integer(), s.peek == ")" else {
      throw s.error(.syntax, "expected the length in parentheses, such as (1000)")
    }
    s.advance()
    guard end - seq == len, len >= 0, len <= 65535, seq >= 0, seq <= Int64(UInt32.max) else {
      throw PktDiagnostic(
        .syntax, file: s.file, line: s.line, column: seqColumn,
        "START:END(LENGTH) must have END - START = LENGTH (0 to 65535)")
    }
    var p = PktPacket(
      inbound: inbound, flags: flags, seq: seq, end: end, length: Int(len), ack: nil, window: nil,
      options: nil, flagsColumn: flagsColumn, seqColumn: seqColumn, ackColumn: 0, windowColumn: 0,
      optionsColumn: 0)
    while true {
      s.skipSpaces()
      guard let c = s.peek else { break }
      if c == "<" {
        p.optionsColumn = s.column
        p.options = try readOptions(&s)
        continue
      }
      let col = s.column
      let w = s.word()
      switch w {
      case "ack":
        s.skipSpaces()
        p.ackColumn = s.column
        guard let v = s.integer(), v >= 0, v <= Int64(UInt32.max) else {
          throw s.error(.syntax, "expected an acknowledgment number after ack")
        }
        p.ack = v
      case "win":
        s.skipSpaces()
        p.windowColumn = s.column
        guard let v = s.integer(), v >= 0, v <= 65535 else {
          throw s.error(.syntax, "expected a window (0 to 65535) after win")
        }
        p.window = Int(v)
      case "":
        throw s.error(.syntax, "unexpected '\(c)' in a packet")
      default:
        throw PktDiagnostic(
          .unsupported, file: s.file, line: s.line, column: col,
          "not supported: '\(w)' in a packet at line \(s.line)")
      }
    }
    if inbound && flags.contains(.ack) && p.ack == nil {
      throw s.error(.syntax, "an inbound packet with ACK (.) needs ack N")
    }
    return p
  }

  static func readOptions(_ s: inout Scanner) throws(PktDiagnostic) -> [PktOption] {
    s.advance()  // <
    var out: [PktOption] = []
    while true {
      s.skipSpaces()
      if s.peek == ">" {
        s.advance()
        return out
      }
      let col = s.column
      let w = s.word()
      func number(_ what: String) throws(PktDiagnostic) -> Int64 {
        s.skipSpaces()
        guard let v = s.integer(), v >= 0 else {
          throw s.error(.syntax, "expected \(what)")
        }
        return v
      }
      switch w {
      case "mss":
        let v = try number("an MSS")
        guard v <= 65535 else { throw s.error(.syntax, "an MSS is at most 65535") }
        out.append(.mss(Int(v)))
      case "wscale":
        let v = try number("a window scale shift")
        guard v <= 255 else { throw s.error(.syntax, "a window scale shift is one byte") }
        out.append(.wscale(Int(v)))
      case "sackOK": out.append(.sackOK)
      case "nop": out.append(.nop)
      case "eol": out.append(.eol)
      case "sack":
        var blocks: [RelativeSackBlock] = []
        while true {
          s.skipSpaces()
          guard let c = s.peek, c.isNumber else { break }
          guard let l = s.integer(), s.peek == ":" else {
            throw s.error(.syntax, "expected a SACK block LEFT:RIGHT")
          }
          s.advance()
          guard let r = s.integer() else {
            throw s.error(.syntax, "expected a SACK block LEFT:RIGHT")
          }
          blocks.append(RelativeSackBlock(left: l, right: r))
        }
        guard !blocks.isEmpty, blocks.count <= 4 else {
          throw s.error(.syntax, "expected one to four SACK blocks after sack")
        }
        out.append(.sack(blocks))
      case "TS":
        s.skipSpaces()
        guard s.word() == "val" else { throw s.error(.syntax, "expected TS val N ecr N") }
        let v = try number("a timestamp value")
        s.skipSpaces()
        guard s.word() == "ecr" else { throw s.error(.syntax, "expected TS val N ecr N") }
        let e = try number("a timestamp echo")
        guard v <= Int64(UInt32.max), e <= Int64(UInt32.max) else {
          throw s.error(.syntax, "a timestamp is 32 bits")
        }
        out.append(.timestamp(value: v, echo: e))
      case "":
        throw s.error(.syntax, "expected a TCP option or >")
      default:
        throw PktDiagnostic(
          .unsupported, file: s.file, line: s.line, column: col,
          "not supported: the option '\(w)' at line \(s.line)")
      }
      s.skipSpaces()
      if s.peek == "," { s.advance() }
    }
  }
}

/// A cursor over one line's characters.
struct Scanner {
  var chars: [Character]
  var i = 0
  let line: Int
  let file: String

  init(chars: [Character], line: Int, file: String) {
    self.chars = chars
    self.line = line
    self.file = file
  }

  var atEnd: Bool { i >= chars.count }
  var peek: Character? { i < chars.count ? chars[i] : nil }
  func peek(_ k: Int) -> Character? { i + k < chars.count ? chars[i + k] : nil }
  var column: Int { i + 1 }
  mutating func advance(_ n: Int = 1) { i = min(chars.count, i + n) }
  mutating func skipSpaces() { while let c = peek, c == " " { i += 1 } }

  /// Letters, digits and `_`.
  mutating func word() -> String {
    var out: [Character] = []
    while let c = peek, c.isASCII, c.isLetter || c.isNumber || c == "_" {
      out.append(c)
      i += 1
    }
    return String(out)
  }

  mutating func rest() -> String {
    let s = String(chars[i...])
    i = chars.count
    return s
  }

  /// A decimal or 0x hexadecimal integer, optionally negative; nil (nothing read) if none, or
  /// if it does not fit.
  mutating func integer() -> Int64? {
    let start = i
    var negative = false
    if peek == "-" {
      negative = true
      i += 1
    }
    var v: Int64 = 0
    var digits = 0
    if peek == "0" && (peek(1) == "x" || peek(1) == "X") {
      i += 2
      while let c = peek, let d = c.hexDigitValue {
        let (m, o1) = v.multipliedReportingOverflow(by: 16)
        let (a, o2) = m.addingReportingOverflow(Int64(d))
        guard !o1 && !o2 else {
          i = start
          return nil
        }
        v = a
        digits += 1
        i += 1
      }
    } else {
      while let c = peek, c.isASCII, let d = c.wholeNumberValue {
        let (m, o1) = v.multipliedReportingOverflow(by: 10)
        let (a, o2) = m.addingReportingOverflow(Int64(d))
        guard !o1 && !o2 else {
          i = start
          return nil
        }
        v = a
        digits += 1
        i += 1
      }
    }
    guard digits > 0 else {
      i = start
      return nil
    }
    return negative ? -v : v
  }

  /// Seconds with up to six decimals ("0.100", ".1", "2"), as microseconds.
  mutating func seconds() -> Int64? {
    let start = i
    var whole: Int64 = 0
    var digits = 0
    while let c = peek, c.isASCII, let d = c.wholeNumberValue, digits < 9 {
      whole = whole * 10 + Int64(d)
      digits += 1
      i += 1
    }
    var frac: Int64 = 0
    var scale: Int64 = 1_000_000
    if peek == ".", let n = peek(1), n.isASCII, n.isNumber {
      i += 1
      while let c = peek, c.isASCII, let d = c.wholeNumberValue {
        if scale > 1 {
          scale /= 10
          frac += Int64(d) * scale
        }
        digits += 1
        i += 1
      }
    }
    guard digits > 0 else {
      i = start
      return nil
    }
    return whole * 1_000_000 + frac
  }

  func error(_ kind: PktDiagnostic.Kind, _ message: String) -> PktDiagnostic {
    PktDiagnostic(kind, file: file, line: line, column: column, message)
  }
}
