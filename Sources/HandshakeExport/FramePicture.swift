import TerminalUI

/// One frame as a picture for a slide (`render --format svg|html`): the cells on a grid, in
/// the theme's colours, the text kept as text (Hangul included) so it can be searched, copied
/// and read aloud. SVG has one `<text>` per row of cells, each run of one style a `<tspan>`
/// placed at its column; HTML is a `<pre>` with a `<span>` per run.
public struct FramePicture {
  public let frame: Frame
  /// The terminal's own colours, for cells whose style leaves them unset.
  public let ground: (foreground: String, background: String)

  /// Cell size in SVG user units: a monospace cell at 16 px.
  static let cellWidth = 9.6
  static let cellHeight = 20.0

  public init(_ frame: Frame, dark: Bool = true) {
    self.frame = frame
    ground = dark ? ("#d4d4d4", "#1e1e1e") : ("#1e1e1e", "#fafafa")
  }

  /// The eight terminal colours, as a common terminal palette draws them.
  static func rgb(_ c: TerminalColor) -> String {
    switch c {
    case .black: "#000000"
    case .red: "#cd3131"
    case .green: "#0dbc79"
    case .yellow: "#e5e510"
    case .blue: "#2472c8"
    case .magenta: "#bc3fbc"
    case .cyan: "#11a8cd"
    case .white: "#e5e5e5"
    }
  }

  /// The colours a style paints with (reverse swaps them).
  func colours(_ s: Style) -> (fg: String, bg: String?) {
    var fg = s.foreground.map(Self.rgb) ?? ground.foreground
    var bg = s.background.map(Self.rgb)
    if s.reverse {
      let f = fg
      fg = bg ?? ground.background
      bg = f
    }
    return (fg, bg)
  }

  /// A row as runs: start column, text, style. A run is cut where the style changes and around
  /// a wide character, so every glyph starts at its own column whatever the font's widths.
  func runs(_ y: Int) -> [(x: Int, text: String, style: Style, columns: Int, wide: Bool)] {
    var out: [(x: Int, text: String, style: Style, columns: Int, wide: Bool)] = []
    var x = 0
    while x < frame.width {
      let cell = frame[x, y]
      let wide = x + 1 < frame.width && frame[x + 1, y].text.isEmpty
      if cell.text.isEmpty {
        x += 1
        continue
      }
      if let last = out.last, last.style == cell.style, !wide, !last.wide,
        last.x + last.columns == x
      {
        out[out.count - 1].text += cell.text
        out[out.count - 1].columns += 1
      } else {
        out.append((x, cell.text, cell.style, wide ? 2 : 1, wide))
      }
      x += wide ? 2 : 1
    }
    return out
  }

  static func escape(_ s: String) -> String {
    var out = ""
    for c in s {
      switch c {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      default: out.append(c)
      }
    }
    return out
  }

  static func number(_ v: Double) -> String {
    let r = (v * 10).rounded() / 10
    return r == r.rounded() ? String(Int(r)) : String(r)
  }

  /// The frame as an SVG document.
  public func svg(language: String) -> String {
    let w = Self.number(Double(frame.width) * Self.cellWidth)
    let h = Self.number(Double(frame.height) * Self.cellHeight)
    var out = [
      #"<?xml version="1.0" encoding="UTF-8"?>"#,
      #"<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="\#(w)" height="\#(h)" viewBox="0 0 \#(w) \#(h)" xml:lang="\#(language)">"#,
      #"<style>text { font-family: "DejaVu Sans Mono", "Noto Sans Mono CJK KR", "NanumGothicCoding", monospace; font-size: 16px; white-space: pre; }</style>"#,
      #"<rect width="100%" height="100%" fill="\#(ground.background)"/>"#,
    ]
    // Backgrounds first, as rectangles under the text: one per stretch of one colour.
    for y in 0..<frame.height {
      var x = 0
      while x < frame.width {
        guard let bg = colours(frame[x, y].style).bg else {
          x += 1
          continue
        }
        var end = x + 1
        while end < frame.width, colours(frame[end, y].style).bg == bg { end += 1 }
        out.append(
          #"<rect x="\#(Self.number(Double(x) * Self.cellWidth))" y="\#(Self.number(Double(y) * Self.cellHeight))" width="\#(Self.number(Double(end - x) * Self.cellWidth))" height="\#(Self.number(Self.cellHeight))" fill="\#(bg)"/>"#
        )
        x = end
      }
    }
    for y in 0..<frame.height {
      let baseline = Self.number(Double(y) * Self.cellHeight + Self.cellHeight * 0.75)
      var spans = ""
      for r in runs(y) where !r.text.allSatisfy({ $0 == " " }) {
        // Each run exactly as wide as its cells, whatever the font: the grid stays a grid.
        var attributes =
          #"x="\#(Self.number(Double(r.x) * Self.cellWidth))" textLength="\#(Self.number(Double(r.columns) * Self.cellWidth))" lengthAdjust="spacingAndGlyphs" fill="\#(colours(r.style).fg)""#
        if r.style.bold { attributes += #" font-weight="bold""# }
        if r.style.dim { attributes += #" opacity="0.6""# }
        if r.style.underline { attributes += #" text-decoration="underline""# }
        spans += "<tspan \(attributes)>\(Self.escape(r.text))</tspan>"
      }
      out.append(#"<text y="\#(baseline)" xml:space="preserve">\#(spans)</text>"#)
    }
    out.append("</svg>")
    return out.joined(separator: "\n") + "\n"
  }

  /// The frame as an HTML page: a `<pre>` of styled spans.
  public func html(language: String, title: String) -> String {
    var rows: [String] = []
    for y in 0..<frame.height {
      var row = ""
      for r in runs(y) {
        let (fg, bg) = colours(r.style)
        var css = "color:\(fg)"
        if let bg { css += ";background:\(bg)" }
        if r.style.bold { css += ";font-weight:bold" }
        if r.style.dim { css += ";opacity:0.6" }
        if r.style.underline { css += ";text-decoration:underline" }
        // A wide character keeps its two columns: the font draws it so in a CJK monospace.
        row += "<span style=\"\(css)\">\(Self.escape(r.text))</span>"
      }
      rows.append(row)
    }
    return """
      <!DOCTYPE html>
      <html lang="\(language)">
      <head><meta charset="utf-8"><title>\(Self.escape(title))</title>
      <style>body { background: \(ground.background); margin: 0; }
      pre { font-family: "DejaVu Sans Mono", "Noto Sans Mono CJK KR", monospace; font-size: 16px; line-height: 1.25; margin: 1em; color: \(ground.foreground); }</style>
      </head>
      <body><pre>
      \(rows.joined(separator: "\n"))
      </pre></body>
      </html>

      """
  }
}
