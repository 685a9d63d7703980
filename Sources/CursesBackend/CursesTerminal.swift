import CNcursesw
import Foundation
import HandshakeApp
import HandshakeIO
import TerminalUI

/// The only code that talks to ncurses: it sets the terminal up, draws frames, reads keys, and
/// puts the terminal back. Not `Sendable`: every call happens on the main thread.
public final class CursesTerminal {
  public enum Event {
    case key(Key)
    case resize(width: Int, height: Int)
    case timeout
    /// The program was stopped and continued without curses knowing (SIGSTOP, then fg).
    case continued
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
  /// No UTF-8 locale could be had: frames are drawn in ASCII (and the app in English).
  public private(set) var asciiOnly = false
  /// Why the locale was changed or ASCII chosen, to be said once on screen.
  public private(set) var localeNote: String?
  private var screen: OpaquePointer?
  private var pairs: [Int: Int16] = [:]
  private var nextPair: Int16 = 1
  private var closed = false

  /// Starts curses on the controlling terminal. Throws when stdin or stdout is not a terminal,
  /// or when the terminal cannot be driven (TERM=dumb, unknown TERM).
  public init(ascii: Bool = false) throws {
    guard cn_isatty(0) == 1 && cn_isatty(1) == 1 else { throw Failure.notATerminal }
    chooseLocale(forceASCII: ascii)
    cn_install_restore_handlers()
    // newterm, unlike initscr, returns nil instead of exiting when the terminal is unusable.
    screen = newterm(nil, cn_stdout(), cn_stdin())
    guard screen != nil, cn_can_address_cursor() == 1 else {
      if screen != nil { endwin() }
      cn_restore_terminal()
      throw Failure.cannotStart(
        "this terminal (TERM=\(Environment["TERM"] ?? "?")) cannot move the cursor"
      )
    }
    cn_capture_terminfo()
    cbreak()  // not raw: Ctrl-C and Ctrl-Z still signal
    noecho()
    nonl()
    // Ctrl-S must not freeze the lesson until Ctrl-Q.
    _ = cn_disable_flow_control()
    keypad(cn_stdscr(), true)
    set_escdelay(25)
    curs_set(0)
    let noColor = !(Environment["NO_COLOR"] ?? "").isEmpty
    if has_colors() && !noColor {
      start_color()
      use_default_colors()
      hasColor = true
    }
  }

  deinit { close() }

  /// Sets the locale before curses starts: the environment's if it is UTF-8 (or Hangul and box
  /// drawing come out blank), else a UTF-8 locale that exists, else ASCII.
  private func chooseLocale(forceASCII: Bool) {
    let asked =
      Environment["LC_ALL"].flatMap { $0.isEmpty ? nil : $0 } ?? Environment["LC_CTYPE"]
      .flatMap { $0.isEmpty ? nil : $0 } ?? Environment["LANG"] ?? ""
    let took = setlocale(LC_ALL, "") != nil
    if forceASCII {
      asciiOnly = true
      return
    }
    if took && cn_locale_is_utf8() == 1 { return }
    for fallback in ["C.UTF-8", "C.utf8", "en_US.UTF-8"] where setlocale(LC_ALL, fallback) != nil {
      if cn_locale_is_utf8() == 1 {
        let why = took ? "is not UTF-8" : "is not installed"
        localeNote =
          "the locale \(asked.isEmpty ? "C" : asked) \(why): drawing with \(fallback) (--ascii draws plain ASCII)"
        return
      }
    }
    asciiOnly = true
    localeNote =
      "no UTF-8 locale is installed (\(asked.isEmpty ? "C" : asked)): drawing in ASCII, in English"
  }

  /// Takes the screen back after the program was stopped and continued behind curses' back:
  /// the shell has put the terminal in line mode and may have drawn over the screen.
  public func resume() {
    reset_prog_mode()
    cn_enter_screen_again()
    clearok(cn_curscr(), true)
  }

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
          if asciiOnly {
            text.append(wchar_t(bitPattern: ASCIIFallback.scalar(for: f[runEnd, y].text)))
          } else {
            for u in f[runEnd, y].text.unicodeScalars { text.append(wchar_t(bitPattern: u.value)) }
          }
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

  /// Waits for a key, a resize, a continue after a stop, or the timeout (nil waits for ever, so
  /// an idle screen costs no CPU). The wait is a poll(2) of the terminal, not a blocking read
  /// inside curses: a signal always ends a poll, while curses may quietly restart its read, and
  /// a SIGCONT that curses did not see must wake the program to take the screen back.
  public func next(timeoutMillis: Int?) -> Event {
    let deadline = timeoutMillis.map { ContinuousClock.now + .milliseconds($0) }
    while true {
      if let e = readKey() { return e }
      if cn_take_continued() == 1 { return .continued }
      var wait: Int32 = -1
      if let deadline {
        let left = deadline - ContinuousClock.now
        let ms =
          left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000
        guard ms > 0 else { return .timeout }
        wait = Int32(min(ms, Int64(Int32.max)))
      }
      // Ready, or interrupted by a signal (a resize, a continue): either way, read again.
      if cn_wait_for_input(wait) == 0 { return .timeout }
    }
  }

  /// The next key or resize curses has, without waiting; nil if there is none.
  private func readKey() -> Event? {
    wtimeout(cn_stdscr(), 0)
    var wch: wint_t = 0
    let r = wget_wch(cn_stdscr(), &wch)
    if r == cn_err() { return nil }
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
      let r2 = wget_wch(cn_stdscr(), &next)
      guard r2 != cn_err() else { return .key(.escape) }
      if r2 == cn_key_code_yes() {
        // Escape, then a key curses decoded (an arrow): keep that key code for the next read.
        ungetch(Int32(next))
        return .key(.escape)
      }
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
