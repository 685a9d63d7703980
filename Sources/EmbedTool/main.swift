// EmbedTool ROOT OUTPUT TYPENAME FILE...: writes a Swift file declaring `enum TYPENAME` with the
// files' paths (relative to ROOT) and contents as string literals. For `assets/`, the interface
// strings (`strings/*.yaml`) and the themes (`themes/*.yaml`) are also parsed here, at build
// time, into dictionaries: the program reads no YAML for them when it starts, and a line outside
// their simple form stops the build with file:line:column.
import Foundation
import SwiftLiteral

let args = CommandLine.arguments
guard args.count >= 4 else {
  FileHandle.standardError.write(Data("usage: EmbedTool ROOT OUTPUT TYPENAME FILE...\n".utf8))
  exit(2)
}
let root = URL(fileURLWithPath: args[1]).standardizedFileURL.path
let output = URL(fileURLWithPath: args[2])
let typeName = args[3]

func fail(_ file: String, _ line: Int, _ column: Int, _ message: String) -> Never {
  FileHandle.standardError.write(Data("\(file):\(line):\(column): error: \(message)\n".utf8))
  exit(1)
}

/// Characters an interface string must not hold: controls (a newline only in a block) and the
/// bidirectional overrides, which could reorder what the terminal shows.
func checkText(_ s: String, file: String, line: Int, block: Bool) {
  for u in s.unicodeScalars {
    let v = u.value
    let control = (v < 0x20 && !(block && v == 0x0A)) || (0x7F...0x9F).contains(v)
    let bidi = (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    if control || bidi {
      fail(
        file, line, 1,
        "character U+\(String(v, radix: 16, uppercase: true)) is not allowed in interface text")
    }
  }
}

/// A YAML double-quoted scalar's escapes (the ones the catalogue may use).
func unescape(_ body: Substring, file: String, line: Int, column: Int) -> String {
  var out = ""
  var it = body.unicodeScalars.makeIterator()
  var col = column
  while let c = it.next() {
    col += 1
    guard c == "\\" else {
      out.unicodeScalars.append(c)
      continue
    }
    guard let e = it.next() else { fail(file, line, col, "a backslash at the end of the string") }
    switch e {
    case "\\": out += "\\"
    case "\"": out += "\""
    case "n": out += "\n"
    case "t": out += "\t"
    case "/": out += "/"
    case "u", "x":
      var hex = ""
      for _ in 0..<(e == "u" ? 4 : 2) { if let h = it.next() { hex.unicodeScalars.append(h) } }
      guard let v = UInt32(hex, radix: 16), let s = Unicode.Scalar(v) else {
        fail(file, line, col, "expected \(e == "u" ? 4 : 2) hex digits after \\\(e)")
      }
      out.unicodeScalars.append(s)
    default:
      fail(file, line, col, "unknown escape \\\(e)")
    }
  }
  return out
}

func isKeyCharacter(_ c: Character) -> Bool {
  c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "-" || c == ".")
}

/// `key: "value"` lines and `key: |` blocks (two-space indented, no final newline), with
/// `#` comments and blank lines: the whole of what the interface strings use.
func parseStrings(_ text: String, file: String) -> [(String, String)] {
  var out: [(String, String)] = []
  var seen: Set<String> = []
  let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
    $0.hasSuffix("\r") ? $0.dropLast() : $0
  }
  var i = 0
  while i < lines.count {
    let line = lines[i]
    let number = i + 1
    i += 1
    if line.allSatisfy({ $0 == " " }) || line.hasPrefix("#") { continue }
    let key = line.prefix(while: isKeyCharacter)
    guard !key.isEmpty, line.dropFirst(key.count).hasPrefix(": ") else {
      fail(file, number, key.count + 1, "expected `key: \"text\"` or `key: |`")
    }
    guard seen.insert(String(key)).inserted else {
      fail(file, number, 1, "the key \(key) is given twice")
    }
    let rest = line.dropFirst(key.count + 2)
    if rest == "|" {
      var body: [Substring] = []
      while i < lines.count, lines[i].hasPrefix("  ") || lines[i].isEmpty {
        body.append(lines[i].isEmpty ? "" : lines[i].dropFirst(2))
        i += 1
      }
      while body.last == "" { body.removeLast() }
      // Without its final newline: the screen lays a block out by its lines.
      let value = body.joined(separator: "\n")
      checkText(value, file: file, line: number, block: true)
      out.append((String(key), value))
      continue
    }
    guard rest.hasPrefix("\""), rest.count >= 2, rest.hasSuffix("\"") else {
      fail(file, number, key.count + 3, "expected the text in double quotes")
    }
    let inner = rest.dropFirst().dropLast()
    // A quote inside must be escaped: an unescaped one would end the YAML string early.
    var escaped = false
    for (k, c) in inner.enumerated() {
      if escaped {
        escaped = false
      } else if c == "\\" {
        escaped = true
      } else if c == "\"" {
        fail(file, number, key.count + 4 + k, "a double quote inside the text must be written \\\"")
      }
    }
    let value = unescape(inner, file: file, line: number, column: key.count + 3)
    checkText(value, file: file, line: number, block: false)
    out.append((String(key), value))
  }
  return out
}

/// `role: {attribute: value, ...}` lines with `#` comments: a theme.
func parseTheme(_ text: String, file: String) -> [(String, [(String, String)])] {
  var out: [(String, [(String, String)])] = []
  for (n, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
    let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
    if line.allSatisfy({ $0 == " " }) || line.hasPrefix("#") { continue }
    let role = line.prefix(while: isKeyCharacter)
    let rest = line.dropFirst(role.count)
    guard !role.isEmpty, rest.hasPrefix(": {"), rest.hasSuffix("}") else {
      fail(file, n + 1, role.count + 1, "expected `role: {attribute: value, ...}`")
    }
    var attributes: [(String, String)] = []
    let inside = rest.dropFirst(3).dropLast()
    for part in inside.split(separator: ",") {
      let kv = part.split(separator: ":", maxSplits: 1).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      guard kv.count == 2, !kv[0].isEmpty, !kv[1].isEmpty else {
        fail(file, n + 1, role.count + 4, "expected `attribute: value` in the braces")
      }
      attributes.append((kv[0], kv[1]))
    }
    out.append((String(role), attributes))
  }
  return out
}

var files: [(String, String)] = []
for file in args.dropFirst(4).sorted() {
  let path = URL(fileURLWithPath: file).standardizedFileURL.path
  let relative = path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
  let data = try Data(contentsOf: URL(fileURLWithPath: file))
  guard let text = String(data: data, encoding: .utf8) else {
    fail(relative, 1, 1, "the file is not UTF-8")
  }
  files.append((relative, text))
}

var out =
  "// Generated by EmbedTool from \(URL(fileURLWithPath: root).lastPathComponent)/. Do not edit.\n\n"
out += "enum \(typeName) {\n"
out += "  /// (path relative to the folder, UTF-8 text), sorted by path.\n"
out += "  static let files: [(path: String, text: String)] = [\n"
for (path, text) in files { out += "    (\(literal(path)), \(literal(text))),\n" }
out += "  ]\n"
if typeName == "EmbeddedAssets" {
  out += "\n  /// The interface strings, by file (`strings/en.yaml`), parsed at build time.\n"
  out += "  static let tables: [String: [String: String]] = [\n"
  for (path, text) in files where path.hasPrefix("strings/") && path.hasSuffix(".yaml") {
    out += "    \(literal(path)): [\n"
    for (k, v) in parseStrings(text, file: path) { out += "      \(literal(k)): \(literal(v)),\n" }
    out += "    ],\n"
  }
  out += "  ]\n"
  out += "\n  /// The themes, by file (`themes/default.yaml`): role → attribute → value.\n"
  out += "  static let themes: [String: [String: [String: String]]] = [\n"
  for (path, text) in files where path.hasPrefix("themes/") && path.hasSuffix(".yaml") {
    out += "    \(literal(path)): [\n"
    for (role, attributes) in parseTheme(text, file: path) {
      let inner = attributes.map { "\(literal($0.0)): \(literal($0.1))" }.joined(separator: ", ")
      out += "      \(literal(role)): [\(attributes.isEmpty ? ":" : inner)],\n"
    }
    out += "    ],\n"
  }
  out += "  ]\n"
}
out += "}\n"
try out.write(to: output, atomically: true, encoding: .utf8)
