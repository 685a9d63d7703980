import Foundation
import HandshakeLessons
import TerminalUI
import Yams

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

  static func table(of path: String) -> [String: String] {
    guard let node = try? Yams.compose(yaml: text(of: path), .basic), case .mapping(let m) = node
    else {
      return [:]
    }
    var out: [String: String] = [:]
    for (k, v) in m {
      if case .scalar(let ks) = k, case .scalar(let vs) = v {
        out[ks.string] = vs.string.sanitizedKeepingNewlines
      }
    }
    return out
  }

  static func styles(of path: String) -> [String: Style] {
    guard let node = try? Yams.compose(yaml: text(of: path), .basic), case .mapping(let m) = node
    else {
      return [:]
    }
    var out: [String: Style] = [:]
    for (k, v) in m {
      guard case .scalar(let role) = k, case .mapping(let attrs) = v else { continue }
      var s = Style()
      for (ak, av) in attrs {
        guard case .scalar(let a) = ak, case .scalar(let value) = av else { continue }
        let flag = value.string == "true"
        switch a.string {
        case "fg": s.foreground = TerminalColor(rawValue: value.string)
        case "bg": s.background = TerminalColor(rawValue: value.string)
        case "bold": s.bold = flag
        case "dim": s.dim = flag
        case "reverse": s.reverse = flag
        case "underline": s.underline = flag
        default: break
        }
      }
      out[role.string] = s
    }
    return out
  }
}
