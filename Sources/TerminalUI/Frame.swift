/// A rectangle of cells.
public struct Rect: Hashable, Sendable {
  public var x: Int
  public var y: Int
  public var width: Int
  public var height: Int

  public init(x: Int, y: Int, width: Int, height: Int) {
    self.x = x
    self.y = y
    self.width = max(0, width)
    self.height = max(0, height)
  }

  public var maxX: Int { x + width }
  public var maxY: Int { y + height }
  public var isEmpty: Bool { width <= 0 || height <= 0 }

  /// The rectangle shrunk by `n` on every side.
  public func inset(_ n: Int) -> Rect {
    Rect(x: x + n, y: y + n, width: width - 2 * n, height: height - 2 * n)
  }

  /// Splits off `n` rows from the top: (top, rest).
  public func splitTop(_ n: Int) -> (Rect, Rect) {
    let h = min(max(0, n), height)
    return (
      Rect(x: x, y: y, width: width, height: h),
      Rect(x: x, y: y + h, width: width, height: height - h)
    )
  }

  /// Splits off `n` rows from the bottom: (rest, bottom).
  public func splitBottom(_ n: Int) -> (Rect, Rect) {
    let h = min(max(0, n), height)
    return (
      Rect(x: x, y: y, width: width, height: height - h),
      Rect(x: x, y: maxY - h, width: width, height: h)
    )
  }

  /// Splits off `n` columns from the left: (left, rest).
  public func splitLeft(_ n: Int) -> (Rect, Rect) {
    let w = min(max(0, n), width)
    return (
      Rect(x: x, y: y, width: w, height: height),
      Rect(x: x + w, y: y, width: width - w, height: height)
    )
  }

  /// Splits off `n` columns from the right: (rest, right).
  public func splitRight(_ n: Int) -> (Rect, Rect) {
    let w = min(max(0, n), width)
    return (
      Rect(x: x, y: y, width: width - w, height: height),
      Rect(x: maxX - w, y: y, width: w, height: height)
    )
  }
}

/// One terminal cell: a character (one grapheme) and its style. The right half of a wide
/// character is a cell with empty text.
public struct Cell: Hashable, Sendable {
  public var text: String
  public var style: Style

  public init(_ text: String = " ", _ style: Style = .plain) {
    self.text = text
    self.style = style
  }

  public static let blank = Cell()
}

/// A screen's worth of cells: what a view draws and a backend presents. Drawing clips to the
/// frame, keeps wide characters whole, and never writes control characters.
public struct Frame: Hashable, Sendable {
  public let width: Int
  public let height: Int
  public private(set) var cells: [Cell]

  public init(width: Int, height: Int, fill: Cell = .blank) {
    self.width = max(0, width)
    self.height = max(0, height)
    cells = Array(repeating: fill, count: self.width * self.height)
  }

  public var bounds: Rect { Rect(x: 0, y: 0, width: width, height: height) }

  public subscript(x: Int, y: Int) -> Cell {
    get { cells[y * width + x] }
    set { cells[y * width + x] = newValue }
  }

  /// Writes text at (x, y), clipped to `clip` (the whole frame by default). Returns the column
  /// after the last character written.
  @discardableResult
  public mutating func put(_ text: String, x: Int, y: Int, style: Style = .plain, clip: Rect? = nil)
    -> Int
  {
    let area = clip ?? bounds
    guard y >= area.y, y < area.maxY, y >= 0, y < height else { return x }
    var col = x
    for ch in text {
      var c = ch
      var w = DisplayWidth.of(c)
      if w == 0 {
        if c.unicodeScalars.allSatisfy({
          $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value)
        }) {
          c = "\u{FFFD}"
          w = 1
        } else {
          continue  // a stray combining mark: drop it rather than merge it with a cell
        }
      }
      if col >= area.maxX || col >= width { break }
      if col >= area.x && col >= 0 {
        if col + w > area.maxX || col + w > width {
          // A wide character that does not fit: pad instead of splitting it.
          self[col, y] = Cell(" ", style)
          col += 1
          break
        }
        clearWide(x: col, y: y)
        self[col, y] = Cell(String(c), style)
        if w == 2 {
          clearWide(x: col + 1, y: y)
          self[col + 1, y] = Cell("", style)
        }
      }
      col += w
    }
    return col
  }

  /// Before overwriting (x, y): if it is half of a wide character, blank the other half.
  private mutating func clearWide(x: Int, y: Int) {
    let c = self[x, y]
    if c.text.isEmpty && x > 0 {
      self[x - 1, y] = Cell(" ", self[x - 1, y].style)
    } else if DisplayWidth.of(c.text) == 2 && x + 1 < width {
      self[x + 1, y] = Cell(" ", self[x + 1, y].style)
    }
  }

  /// Fills a rectangle.
  public mutating func fill(_ r: Rect, with cell: Cell = .blank) {
    for y in max(0, r.y)..<min(height, r.maxY) {
      for x in max(0, r.x)..<min(width, r.maxX) { self[x, y] = cell }
    }
  }

  /// Sets the style of a rectangle, keeping its text.
  public mutating func paint(_ r: Rect, style: Style) {
    for y in max(0, r.y)..<min(height, r.maxY) {
      for x in max(0, r.x)..<min(width, r.maxX) { self[x, y].style = style }
    }
  }

  /// Box lines: light, heavy, double or rounded.
  public enum BoxStyle: Sendable {
    case light, heavy, double, rounded

    var chars: (tl: String, tr: String, bl: String, br: String, h: String, v: String) {
      switch self {
      case .light: ("┌", "┐", "└", "┘", "─", "│")
      case .heavy: ("┏", "┓", "┗", "┛", "━", "┃")
      case .double: ("╔", "╗", "╚", "╝", "═", "║")
      case .rounded: ("╭", "╮", "╰", "╯", "─", "│")
      }
    }
  }

  /// Draws a box around `r` with an optional title on the top edge.
  public mutating func box(
    _ r: Rect, _ kind: BoxStyle = .light, style: Style = .plain, title: String? = nil,
    titleStyle: Style? = nil
  ) {
    guard r.width >= 2 && r.height >= 2 else { return }
    let c = kind.chars
    put(c.tl + String(repeating: c.h, count: r.width - 2) + c.tr, x: r.x, y: r.y, style: style)
    for y in (r.y + 1)..<(r.maxY - 1) {
      put(c.v, x: r.x, y: y, style: style)
      put(c.v, x: r.maxX - 1, y: y, style: style)
    }
    put(
      c.bl + String(repeating: c.h, count: r.width - 2) + c.br, x: r.x, y: r.maxY - 1, style: style)
    if let t = title, r.width > 4 {
      put(
        " " + t.prefix(columns: r.width - 4) + " ", x: r.x + 1, y: r.y, style: titleStyle ?? style)
    }
  }

  /// The frame as text, one line per row, trailing spaces kept (exactly `width` columns each).
  public var lines: [String] {
    (0..<height).map { y in
      var s = ""
      for x in 0..<width { s += self[x, y].text }
      return s
    }
  }

  /// The frame as text with a newline after each row.
  public var text: String { lines.map { $0 + "\n" }.joined() }

  /// One character per cell summarising its style (see `Style.maskCharacter`); a wide
  /// character's second cell repeats the first's.
  public var styleMask: [String] {
    (0..<height).map { y in String((0..<width).map { self[$0, y].style.maskCharacter }) }
  }
}

/// Word wrapping that knows Hangul takes two columns and that Korean may break between
/// syllables when a word is too long.
public enum TextWrap {
  /// Lines of at most `width` columns; a line break in the text starts a new line. Linear in
  /// the text's length, however long a word is (a word longer than a line is cut by columns).
  public static func wrap(_ text: String, width: Int) -> [String] {
    guard width > 0 else { return [] }
    var out: [String] = []
    for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
      var line = ""
      var lineWidth = 0
      for word in paragraph.split(separator: " ", omittingEmptySubsequences: true) {
        let w = DisplayWidth.of(String(word))
        if lineWidth > 0 && lineWidth + 1 + w <= width {
          line += " "
          line += word
          lineWidth += 1 + w
          continue
        }
        if lineWidth > 0 { out.append(line) }
        if w <= width {
          line = String(word)
          lineWidth = w
          continue
        }
        // A word longer than the line: cut it by columns, in one pass.
        line = ""
        lineWidth = 0
        for c in word {
          let cw = DisplayWidth.of(c)
          if lineWidth + cw > width && lineWidth > 0 {
            out.append(line)
            line = ""
            lineWidth = 0
          }
          line.append(c)
          lineWidth += cw
        }
      }
      out.append(line)
    }
    return out
  }
}
