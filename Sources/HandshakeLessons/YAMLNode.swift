import HandshakeSim
import Yams

/// A YAML node with its file position, and readers that fail with a `LessonError` naming the
/// line, the column, what was found and what was expected.
struct YAMLNode {
  let node: Node
  let file: String

  /// Where the node starts (1-based; the start of the file if the parser gave no mark).
  var mark: SourceMark {
    let m: Mark?
    switch node {
    case .scalar(let s): m = s.mark
    case .mapping(let x): m = x.mark
    case .sequence(let x): m = x.mark
    case .alias(let a): m = a.mark
    }
    return SourceMark(file: file, line: m?.line ?? 1, column: m?.column ?? 1)
  }

  func error(_ message: String) -> LessonError { LessonError(mark, message) }

  /// What the node is, for "found ..." in messages.
  var kindDescription: String {
    switch node {
    case .scalar(let s): s.string.isEmpty ? "an empty value" : "'\(clip(s.string))'"
    case .mapping: "a mapping"
    case .sequence: "a list"
    case .alias: "an alias"
    }
  }

  var scalar: String? {
    if case .scalar(let s) = node { return s.string }
    return nil
  }

  func string(_ what: String = "a text") throws(LessonError) -> String {
    guard let s = scalar else { throw error("expected \(what), found \(kindDescription)") }
    return s
  }

  /// One of a fixed set of names, or an error listing them all: "expected a call (listen,
  /// connect, ...), found 'conect'". `parse` reads the text (as leniently as it likes);
  /// `spelled` adds how the names are written.
  func oneOf<T>(
    _ what: String, names: [String], spelled: String = "", parse: (String) -> T?
  ) throws(LessonError) -> T {
    let s = try string(what)
    guard let v = parse(s) else {
      throw error(
        "expected \(what)\(spelled) (\(names.joined(separator: ", "))), found '\(clip(s))'")
    }
    return v
  }

  func mapping(_ what: String) throws(LessonError) -> [(
    key: String, keyNode: YAMLNode, value: YAMLNode
  )] {
    guard case .mapping(let m) = node else {
      throw error("expected \(what) (a mapping of keys to values), found \(kindDescription)")
    }
    var out: [(String, YAMLNode, YAMLNode)] = []
    var seen: Set<String> = []
    for (k, v) in m {
      let keyNode = YAMLNode(node: k, file: file)
      guard let key = keyNode.scalar else {
        throw keyNode.error("expected a key name, found \(keyNode.kindDescription)")
      }
      guard seen.insert(key).inserted else { throw keyNode.error("the key '\(key)' appears twice") }
      out.append((key, keyNode, YAMLNode(node: v, file: file)))
    }
    return out
  }

  func list(_ what: String, max: Int) throws(LessonError) -> [YAMLNode] {
    guard case .sequence(let s) = node else {
      throw error("expected \(what) (a list), found \(kindDescription)")
    }
    guard s.count <= max else {
      throw error("\(what) has \(s.count) items; at most \(max) are allowed")
    }
    return s.map { YAMLNode(node: $0, file: file) }
  }

  func int(_ what: String, in range: ClosedRange<Int>) throws(LessonError) -> Int {
    let s = try string(what)
    guard let v = Int(s.replacingOccurrences(of: "_", with: "")) else {
      throw error("expected \(what) (a whole number), found '\(clip(s))'")
    }
    guard range.contains(v) else {
      throw error("\(what) must be between \(range.lowerBound) and \(range.upperBound), found \(v)")
    }
    return v
  }

  func uint32(_ what: String) throws(LessonError) -> UInt32 {
    let s = try string(what)
    let clean = s.replacingOccurrences(of: "_", with: "")
    let v: UInt64? =
      clean.lowercased().hasPrefix("0x") ? UInt64(clean.dropFirst(2), radix: 16) : UInt64(clean)
    guard let v, v <= UInt64(UInt32.max) else {
      throw error(
        "expected \(what) (0 to 4294967295, or hex such as 0xFFFFFFF0), found '\(clip(s))'")
    }
    return UInt32(v)
  }

  func bool(_ what: String) throws(LessonError) -> Bool {
    let s = try string(what)
    switch s.lowercased() {
    case "true", "yes", "on": return true
    case "false", "no", "off": return false
    default: throw error("expected \(what) (true or false), found '\(clip(s))'")
    }
  }

  func double(_ what: String, in range: ClosedRange<Double>) throws(LessonError) -> Double {
    let s = try string(what)
    var text = s
    var scale = 1.0
    if text.hasSuffix("%") {
      text.removeLast()
      scale = 0.01
    }
    guard let v = Double(text), v.isFinite else {
      throw error("expected \(what) (a number such as 0.01 or 1%), found '\(clip(s))'")
    }
    let value = v * scale
    guard range.contains(value) else {
      throw error(
        "\(what) must be between \(range.lowerBound) and \(range.upperBound), found \(value)")
    }
    return value
  }

  /// "10ms", "1.5s", "2min", "250us" (or µs).
  func duration(_ what: String, max: VirtualDuration) throws(LessonError) -> VirtualDuration {
    let s = try string(what).trimmingSpaces
    let units: [(String, Double)] = [
      ("min", 60_000_000), ("ms", 1000), ("us", 1), ("µs", 1), ("s", 1_000_000),
    ]
    for (suffix, micros) in units where s.hasSuffix(suffix) {
      let number = String(s.dropLast(suffix.count)).trimmingSpaces
      guard let v = Double(number), v.isFinite, v >= 0 else { break }
      let us = (v * micros).rounded()
      guard us <= Double(max.micros) else {
        throw error("\(what) is \(clip(s)); at most \(max) is allowed")
      }
      return VirtualDuration(micros: Int64(us))
    }
    throw error("expected \(what) (a duration such as 10ms, 1.5s or 2min), found '\(clip(s))'")
  }
}

extension String {
  var trimmingSpaces: String {
    var s = Substring(self)
    while s.first == " " { s = s.dropFirst() }
    while s.last == " " { s = s.dropLast() }
    return String(s)
  }
}

/// Shortens a text for an error message and makes it safe to print.
func clip(_ s: String) -> String {
  let safe = String(
    s.unicodeScalars.map {
      $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) ? "?" : Character($0)
    })
  return safe.count > 40 ? String(safe.prefix(37)) + "..." : safe
}

/// Reads a mapping's keys against the set a place allows.
struct KeyReader {
  let owner: YAMLNode
  let what: String
  private(set) var entries: [(key: String, keyNode: YAMLNode, value: YAMLNode)]

  init(
    _ node: YAMLNode, _ what: String, allowed: [String], extra: (String) -> Bool = { _ in false }
  )
    throws(LessonError)
  {
    owner = node
    self.what = what
    entries = try node.mapping(what)
    for e in entries where !allowed.contains(e.key) && !extra(e.key) {
      var msg = "unknown key '\(clip(e.key))' in \(what)"
      if let s = suggestion(for: e.key, among: allowed) { msg += " (did you mean '\(s)'?)" }
      msg += "; expected one of: " + allowed.joined(separator: ", ")
      throw e.keyNode.error(msg)
    }
  }

  func optional(_ key: String) -> YAMLNode? { entries.first { $0.key == key }?.value }

  func required(_ key: String) throws(LessonError) -> YAMLNode {
    guard let v = optional(key) else { throw owner.error("\(what) needs '\(key)'") }
    return v
  }
}

/// Rejects inputs a YAML parser should never see: too large, too deeply nested (the parser
/// recurses), or not text.
func precheck(_ text: String, file: String) throws(LessonError) {
  let limit = 256 * 1024
  guard text.utf8.count <= limit else {
    throw LessonError(
      SourceMark(file: file, line: 1, column: 1),
      "the file is \(text.utf8.count) bytes; lessons may be at most \(limit)")
  }
  // One pass over the bytes: bracket depth outside quotes and comments, and indentation.
  var depth = 0
  var line = 1
  var column = 0
  var quote: UInt8? = nil
  var comment = false
  var indent = 0
  var atLineStart = true
  for b in text.utf8 {
    if b == 0x0A {
      line += 1
      column = 0
      comment = false
      indent = 0
      atLineStart = true
      continue
    }
    // Count columns in characters, not bytes: skip UTF-8 continuation bytes.
    if b & 0xC0 != 0x80 { column += 1 }
    if atLineStart {
      if b == 0x20 {
        indent += 1
        if indent > 120 {
          throw LessonError(
            SourceMark(file: file, line: line, column: 1),
            "the line is indented more than 120 spaces")
        }
        continue
      }
      atLineStart = false
    }
    if comment { continue }
    if let q = quote {
      if b == q { quote = nil }
      continue
    }
    switch b {
    case UInt8(ascii: "#"): comment = true
    case UInt8(ascii: "\""), UInt8(ascii: "'"): quote = b
    case UInt8(ascii: "["), UInt8(ascii: "{"):
      depth += 1
      if depth > 32 {
        throw LessonError(
          SourceMark(file: file, line: line, column: column),
          "lists and mappings are nested more than 32 deep")
      }
    case UInt8(ascii: "]"), UInt8(ascii: "}"): depth = max(0, depth - 1)
    default: break
    }
  }
}

/// Parses YAML text into a node, turning parser errors into lesson errors with positions.
func parseYAML(_ text: String, file: String) throws(LessonError) -> YAMLNode {
  try precheck(text, file: file)
  do {
    // The basic resolver: every scalar is read as text here, and the default one runs regular
    // expressions on each (a third of the time it takes to load a lesson).
    guard let node = try Yams.compose(yaml: text, .basic) else {
      throw LessonError(
        SourceMark(file: file, line: 1, column: 1),
        "the file is empty; expected a lesson (a mapping with id, title, hosts, script...)")
    }
    return YAMLNode(node: node, file: file)
  } catch let e as LessonError {
    throw e
  } catch let e as YamlError {
    throw yamlError(e, file: file, text: text)
  } catch {
    throw LessonError(SourceMark(file: file, line: 1, column: 1), "invalid YAML: \(error)")
  }
}

private func yamlError(_ e: YamlError, file: String, text: String) -> LessonError {
  func at(_ m: Mark) -> SourceMark { SourceMark(file: file, line: m.line, column: m.column) }
  switch e {
  case .scanner(let ctx, let problem, let mark, _), .parser(let ctx, let problem, let mark, _),
    .composer(let ctx, let problem, let mark, _):
    if problem.contains("nesting level") {
      // libyaml's own limit, reached by nesting the precheck does not count ("- - - - a").
      return LessonError(at(mark), "lists and mappings are nested too deep (write them flatter)")
    }
    var msg = "invalid YAML: \(problem)"
    if let c = ctx { msg += " (\(c.text) at line \(c.mark.line), column \(c.mark.column))" }
    return LessonError(at(mark), msg)
  case .reader(let problem, let offset, _, _):
    return LessonError(
      SourceMark(file: file, line: 1, column: 1),
      "invalid text: \(problem)" + (offset.map { " at byte \($0)" } ?? ""))
  case .duplicatedKeysInMapping(let dups, let ctx):
    // The parser points at the mapping; point at the second occurrence of the key instead.
    let key = dups.first ?? "?"
    var mark = at(ctx.mark)
    var seen = 0
    for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      var body = line.drop { $0 == " " }
      if body.hasPrefix("- ") { body = body.dropFirst(2) }
      guard body.hasPrefix(key + ":") else { continue }
      seen += 1
      if seen == 2 {
        mark = SourceMark(file: file, line: i + 1, column: line.count - body.count + 1)
        break
      }
    }
    return LessonError(mark, "the key '\(clip(key))' appears twice")
  default:
    return LessonError(SourceMark(file: file, line: 1, column: 1), "invalid YAML: \(e)")
  }
}
