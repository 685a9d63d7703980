import Foundation
import HandshakeLessons
import TerminalUI

/// Interface text in one language, from `assets/strings/LANG.yaml` (compiled into the binary).
public struct UIStrings: Sendable {
  public let language: Language
  let table: [String: String]
  let fallback: [String: String]

  /// The text for a key (English if the language lacks it; the key itself if both do).
  public subscript(_ key: String) -> String { table[key] ?? fallback[key] ?? key }

  /// The text for a key with `{name}` placeholders filled.
  public func format(_ key: String, _ args: [String: String]) -> String {
    UIStrings.fill(self[key], args)
  }

  /// `template` with each `{name}` that `args` has replaced by its value, in one pass: a value
  /// is never searched again (a capture's text may hold braces), and a name `args` lacks stays
  /// as written. One pass over the bytes, not a search per argument: a capture with 50,000
  /// explanations formats each in microseconds.
  public static func fill(_ template: String, _ args: [String: String]) -> String {
    var utf8 = template.utf8[...]
    guard utf8.contains(UInt8(ascii: "{")) else { return template }
    var out = ""
    out.reserveCapacity(template.utf8.count + 16)
    while let open = utf8.firstIndex(of: UInt8(ascii: "{")) {
      out += Substring(utf8[utf8.startIndex..<open])
      let rest = utf8[utf8.index(after: open)...]
      guard let close = rest.firstIndex(of: UInt8(ascii: "}")),
        let value = args[String(Substring(rest[rest.startIndex..<close]))]
      else {
        out += "{"
        utf8 = rest
        continue
      }
      out += value
      utf8 = rest[rest.index(after: close)...]
    }
    out += Substring(utf8)
    return out
  }

  /// A count in words: the key `KEY_one` when `n` is 1 and the strings have it (English says
  /// "1 segment", not "1 segments"), else `KEY` with `{n}` filled.
  public func count(_ key: String, _ n: Int) -> String {
    if n == 1, let one = table[key + "_one"] ?? fallback[key + "_one"] { return one }
    return format(key, ["n": "\(n)"])
  }

  public var keys: Set<String> { Set(table.keys) }
}

/// Styles by role, from `assets/themes/NAME.yaml`.
public struct Theme: Sendable {
  public let name: String
  let styles: [String: Style]
  let monochrome: Bool

  public subscript(_ role: String) -> Style {
    let s = styles[role] ?? .plain
    return monochrome ? s.withoutColor : s
  }

  /// The same theme with colours removed.
  public var withoutColor: Theme { Theme(name: name, styles: styles, monochrome: true) }

  public var roles: Set<String> { Set(styles.keys) }
}

/// The assets compiled into the binary.
public enum Assets {
  /// Theme names in the order `t` cycles through them.
  public static let themeNames = ["default", "projector", "projector-light", "mono"]

  public static let strings: [Language: UIStrings] = {
    let en = table(of: "strings/en.yaml")
    var out: [Language: UIStrings] = [:]
    for l in Language.allCases {
      out[l] = UIStrings(
        language: l, table: l == .en ? en : table(of: "strings/\(l.rawValue).yaml"), fallback: en)
    }
    return out
  }()

  public static let themes: [String: Theme] = {
    var out: [String: Theme] = [:]
    for name in themeNames {
      out[name] = Theme(
        name: name, styles: styles(of: "themes/\(name).yaml"), monochrome: name == "mono")
    }
    return out
  }()

  public static func strings(_ l: Language) -> UIStrings { strings[l]! }
  public static func theme(_ name: String) -> Theme { themes[name] ?? themes["default"]! }

  static func text(of path: String) -> String {
    EmbeddedAssets.files.first { $0.path == path }?.text ?? ""
  }

  /// A strings file, as EmbedTool parsed and checked it at build time (no control characters,
  /// no bidirectional overrides: nothing to sanitize at start-up).
  static func table(of path: String) -> [String: String] { EmbeddedAssets.tables[path] ?? [:] }

  /// A theme file's roles, from the build-time parse.
  static func styles(of path: String) -> [String: Style] {
    var out: [String: Style] = [:]
    for (role, attributes) in EmbeddedAssets.themes[path] ?? [:] {
      var s = Style()
      for (a, value) in attributes {
        let flag = value == "true"
        switch a {
        case "fg": s.foreground = TerminalColor(rawValue: value)
        case "bg": s.background = TerminalColor(rawValue: value)
        case "bold": s.bold = flag
        case "dim": s.dim = flag
        case "reverse": s.reverse = flag
        case "underline": s.underline = flag
        default: break
        }
      }
      out[role] = s
    }
    return out
  }
}
