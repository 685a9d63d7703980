/// One of the eight ANSI colours a terminal can show (bright variants through `bold`).
public enum TerminalColor: String, Hashable, Sendable, CaseIterable {
  case black, red, green, yellow, blue, magenta, cyan, white

  /// The curses colour number.
  public var index: Int16 {
    switch self {
    case .black: 0
    case .red: 1
    case .green: 2
    case .yellow: 3
    case .blue: 4
    case .magenta: 5
    case .cyan: 6
    case .white: 7
    }
  }
}

/// How a cell is drawn: colours (nil for the terminal's default) and attributes.
public struct Style: Hashable, Sendable {
  public var foreground: TerminalColor?
  public var background: TerminalColor?
  public var bold: Bool
  public var dim: Bool
  public var reverse: Bool
  public var underline: Bool

  public init(
    foreground: TerminalColor? = nil, background: TerminalColor? = nil, bold: Bool = false,
    dim: Bool = false, reverse: Bool = false, underline: Bool = false
  ) {
    self.foreground = foreground
    self.background = background
    self.bold = bold
    self.dim = dim
    self.reverse = reverse
    self.underline = underline
  }

  public static let plain = Style()

  /// The same style without colours (for a monochrome terminal).
  public var withoutColor: Style {
    var s = self
    s.foreground = nil
    s.background = nil
    return s
  }

  /// One character summarising the style, for text snapshots of a frame's styles:
  /// '.' plain, 'B' bold, 'R' reverse, 'U' underline, 'D' dim, else the foreground's initial
  /// (upper case when bold), '#' for a coloured background.
  public var maskCharacter: Character {
    if background != nil { return "#" }
    if reverse { return "R" }
    if let f = foreground {
      let c: Character =
        switch f {
        case .black: "k"
        case .red: "r"
        case .green: "g"
        case .yellow: "y"
        case .blue: "b"
        case .magenta: "m"
        case .cyan: "c"
        case .white: "w"
        }
      return bold ? Character(c.uppercased()) : c
    }
    if bold { return "B" }
    if underline { return "U" }
    if dim { return "D" }
    return "."
  }
}
