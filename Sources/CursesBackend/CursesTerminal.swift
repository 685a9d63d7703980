import CNcursesw
import Foundation
import HandshakeApp
import TerminalUI

/// The only code that talks to ncurses: it sets the terminal up, draws frames, reads keys, and
/// puts the terminal back. Not `Sendable`: every call happens on the main thread.
public final class CursesTerminal {
  public enum Event {
    case key(Key)
    case resize(width: Int, height: Int)
    case timeout
  }

  public enum Failure: Error, CustomStringConvertible {
    case notATerminal
    case cannotStart(String)

    public var description: String {
      switch self {
      case .notATerminal: "not a terminal"
      case .cannotStart(let s): s
      }
    }
  }

  /// Whether the terminal shows colours (and NO_COLOR is not set).
  public private(set) var hasColor = false
  private var screen: OpaquePointer?
  private var pairs: [Int: Int16] = [:]
  private var nextPair: Int16 = 1
  private var closed = false

  /// Starts curses on the controlling terminal. Throws when stdin or stdout is not a terminal,
  /// or when the terminal cannot be driven (TERM=dumb, unknown TERM).
  public init() throws {
    guard cn_isatty(0) == 1 && cn_isatty(1) == 1 else { throw Failure.notATerminal }
    setlocale(LC_ALL, "")  // before curses, or Hangul and box drawing come out blank
    cn_install_restore_handlers()
    // newterm, unlike initscr, returns nil instead of exiting when the terminal is unusable.
    screen = newterm(nil, cn_stdout(), cn_stdin())
    guard screen != nil, cn_can_address_cursor() == 1 else {
      if screen != nil { endwin() }
      cn_restore_terminal()
      throw Failure.cannotStart(
        "this terminal (TERM=\(ProcessInfo.processInfo.environment["TERM"] ?? "?")) cannot move the cursor"
      )
    }
    cn_capture_terminfo()
    cbreak()  // not raw: Ctrl-C and Ctrl-Z still signal
    noecho()
    nonl()
    keypad(cn_stdscr(), true)
    set_escdelay(25)
    curs_set(0)
    let noColor = !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
    if has_colors() && !noColor {
      start_color()
      use_default_colors()
      hasColor = true
    }
  }

  deinit { close() }

  /// Puts the terminal back as it was. Safe to call more than once.
  public func close() {
    guard !closed else { return }
    closed = true
    endwin()
    cn_restore_terminal()
    if let s = screen { delscreen(s) }
    screen = nil
  }

  public var size: (width: Int, height: Int) { (Int(cn_cols()), Int(cn_lines())) }

  private func pair(_ fg: TerminalColor?, _ bg: TerminalColor?) -> Int16 {
    guard hasColor, fg != nil || bg != nil else { return 0 }
    let key = Int(fg?.index ?? 8) * 16 + Int(bg?.index ?? 8)
    if let p = pairs[key] { return p }
    guard Int(nextPair) < Int(cn_color_pairs()) else { return 0 }
    let p = nextPair
    init_pair(p, fg?.index ?? -1, bg?.index ?? -1)
    pairs[key] = p
    nextPair += 1
    return p
  }

  private func attributes(_ s: Style) -> attr_t {
    var a = cn_a_normal()
    if s.bold { a |= cn_a_bold() }
    if s.dim { a |= cn_a_dim() }
    if s.reverse { a |= cn_a_reverse() }
    if s.underline { a |= cn_a_underline() }
    return a
  }

  /// Draws a frame; ncurses sends only what changed since the last one.
  public func draw(_ f: Frame) {
    let (w, h) = size
    for y in 0..<min(h, f.height) {
      var x = 0
      while x < min(w, f.width) {
        let style = f[x, y].style
        // A run of cells with one style, written at once.
        var text: [wchar_t] = []
        var runEnd = x
        while runEnd < min(w, f.width) && f[runEnd, y].style == style {
          for u in f[runEnd, y].text.unicodeScalars { text.append(wchar_t(bitPattern: u.value)) }
          runEnd += 1
        }
        attr_set(attributes(style), pair(style.foreground, style.background), nil)
        text.append(0)
        // The bottom-right cell makes curses report an error after drawing it; that is fine.
        _ = text.withUnsafeBufferPointer { mvaddwstr(Int32(y), Int32(x), $0.baseAddress) }
        x = runEnd
      }
    }
    attr_set(cn_a_normal(), 0, nil)
    refresh()
  }

  /// Waits for a key, a resize, or the timeout (nil waits for ever, so an idle screen costs no CPU).
  public func next(timeoutMillis: Int?) -> Event {
    wtimeout(cn_stdscr(), Int32(timeoutMillis ?? -1))
    var wch: wint_t = 0
    let r = wget_wch(cn_stdscr(), &wch)
    if r == cn_err() { return .timeout }
    if r == cn_key_code_yes() {
      switch Int32(wch) {
      case KEY_RESIZE: return .resize(width: size.width, height: size.height)
      case KEY_LEFT: return .key(.left)
      case KEY_RIGHT: return .key(.right)
      case KEY_UP: return .key(.up)
      case KEY_DOWN: return .key(.down)
      case KEY_PPAGE: return .key(.pageUp)
      case KEY_NPAGE: return .key(.pageDown)
      case KEY_HOME: return .key(.home)
      case KEY_END: return .key(.end)
      case KEY_BACKSPACE: return .key(.backspace)
      case KEY_ENTER: return .key(.enter)
      default: return .key(.unknown)
      }
    }
    switch wch {
    case 27:
      // A lone Escape is a key; Escape followed at once by more input is a sequence curses did
      // not decode (a terminal's reply, a key it does not know): swallow it.
      wtimeout(cn_stdscr(), 0)
      var next: wint_t = 0
      guard wget_wch(cn_stdscr(), &next) != cn_err() else { return .key(.escape) }
      guard next == 91 || next == 79 else {
        // Escape, then another key: keep that key for the next read.
        unget_wch(wchar_t(next))
        return .key(.escape)
      }
      // ESC [ or ESC O: parameters, then a final byte in @...~ ends the sequence. Curses decodes
      // these when the terminal is in the mode it expects; after a suspend the terminal may send
      // the other form of the cursor keys, so decode the common ones here.
      var params = ""
      var final: wint_t = 0
      for _ in 0..<32 {
        guard wget_wch(cn_stdscr(), &next) != cn_err() else { break }
        if next >= 0x40 && next <= 0x7E {
          final = next
          break
        }
        if let u = Unicode.Scalar(UInt32(next)) { params.unicodeScalars.append(u) }
      }
      switch (final, params) {
      case (65, _): return .key(.up)
      case (66, _): return .key(.down)
      case (67, _): return .key(.right)
      case (68, _): return .key(.left)
      case (72, _): return .key(.home)
      case (70, _): return .key(.end)
      case (126, "1"), (126, "7"): return .key(.home)
      case (126, "4"), (126, "8"): return .key(.end)
      case (126, "5"): return .key(.pageUp)
      case (126, "6"): return .key(.pageDown)
      case (126, "3"): return .key(.unknown)
      default: return .key(.unknown)
      }
    case 10, 13: return .key(.enter)
    case 8, 127: return .key(.backspace)
    case 9: return .key(.tab)
    default:
      guard let u = Unicode.Scalar(UInt32(wch)), wch >= 32 else { return .key(.unknown) }
      return .key(.char(Character(u)))
    }
  }
}
