/// How many terminal columns text takes: 2 for East Asian wide and fullwidth characters (Hangul
/// among them), 0 for combining marks and control characters, 1 otherwise. A fixed table rather
/// than the C library's `wcwidth`, so frames are the same on every machine and in tests.
public enum DisplayWidth {
  /// Columns for one Unicode scalar.
  public static func of(_ u: Unicode.Scalar) -> Int {
    let v = u.value
    if v == 0 { return 0 }
    if v < 0x20 || (0x7F..<0xA0).contains(v) { return 0 }
    if v < 0x300 { return 1 }
    if isZeroWidth(v) { return 0 }
    if isWide(v) { return 2 }
    return 1
  }

  /// Columns for one character (a grapheme cluster): its first scalar decides, as terminals do.
  public static func of(_ c: Character) -> Int {
    guard let first = c.unicodeScalars.first else { return 0 }
    if c.unicodeScalars.count > 1 && c.unicodeScalars.contains(where: { $0.value == 0xFE0F }) {
      return 2
    }
    return of(first)
  }

  /// Columns for a string.
  public static func of(_ s: String) -> Int { s.reduce(0) { $0 + of($1) } }

  static func isZeroWidth(_ v: UInt32) -> Bool {
    switch v {
    case 0x0300...0x036F, 0x0483...0x0489, 0x0591...0x05BD, 0x0610...0x061A, 0x064B...0x065F,
      0x1AB0...0x1AFF, 0x1DC0...0x1DFF, 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x2064,
      0x20D0...0x20FF, 0xFE00...0xFE0F, 0xFE20...0xFE2F, 0xFEFF, 0x1160...0x11FF,
      0xD7B0...0xD7FF:
      return true
    default:
      return false
    }
  }

  static func isWide(_ v: UInt32) -> Bool {
    switch v {
    case 0x1100...0x115F, 0x231A...0x231B, 0x2329...0x232A, 0x23E9...0x23EC, 0x23F0, 0x23F3,
      0x25FD...0x25FE, 0x2614...0x2615, 0x2648...0x2653, 0x267F, 0x2693, 0x26A1, 0x26AA...0x26AB,
      0x26BD...0x26BE, 0x26C4...0x26C5, 0x26CE, 0x26D4, 0x26EA, 0x26F2...0x26F3, 0x26F5, 0x26FA,
      0x26FD, 0x2705, 0x270A...0x270B, 0x2728, 0x274C, 0x274E, 0x2753...0x2755, 0x2757,
      0x2795...0x2797, 0x27B0, 0x27BF, 0x2B1B...0x2B1C, 0x2B50, 0x2B55, 0x2E80...0x303E,
      0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xA960...0xA97F,
      0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE10...0xFE19, 0xFE30...0xFE6F, 0xFF00...0xFF60,
      0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x2FFFD, 0x30000...0x3FFFD:
      return true
    default:
      return false
    }
  }
}

extension String {
  /// Columns this text takes on a terminal.
  public var displayWidth: Int { DisplayWidth.of(self) }

  /// The longest prefix that fits in `width` columns.
  public func prefix(columns width: Int) -> String {
    var out = ""
    var used = 0
    for c in self {
      let w = DisplayWidth.of(c)
      if used + w > width { break }
      out.append(c)
      used += w
    }
    return out
  }

  /// Text safe to put on a terminal: control characters (escape among them) and bidirectional
  /// overrides become U+FFFD, so nothing from a file can move the cursor or change colours.
  public var sanitizedForTerminal: String {
    var out = ""
    for u in unicodeScalars {
      let v = u.value
      if v == 0x09 {
        out.append(" ")
      } else if v < 0x20 || v == 0x7F || (0x80...0x9F).contains(v) || (0x202A...0x202E).contains(v)
        || (0x2066...0x2069).contains(v)
      {
        out.unicodeScalars.append("\u{FFFD}")
      } else {
        out.unicodeScalars.append(u)
      }
    }
    return out
  }

  /// Trailing newlines dropped, each line made safe for the terminal, line breaks kept (for
  /// messages of several lines, and for text from files that may hold a line break).
  public var sanitizedKeepingNewlines: String {
    var t = Substring(self)
    while t.last == "\n" { t = t.dropLast() }
    return t.split(separator: "\n", omittingEmptySubsequences: false)
      .map { String($0).sanitizedForTerminal }.joined(separator: "\n")
  }
}
