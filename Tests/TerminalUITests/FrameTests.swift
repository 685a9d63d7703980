import Testing

@testable import TerminalUI

@Suite("Frames and text")
struct FrameTests {
  @Test("Hangul takes two columns; ASCII and box drawing one")
  func widths() {
    #expect("TCP".displayWidth == 3)
    #expect("연결".displayWidth == 4)
    #expect("┌─┐".displayWidth == 3)
    #expect("a\u{301}".displayWidth == 1)
    #expect("\u{1B}[2J".displayWidth == 3)
  }

  @Test("put clips, keeps wide characters whole, and never writes control characters")
  func put() {
    var f = Frame(width: 6, height: 2)
    f.put("연결됨", x: 0, y: 0)
    #expect(f.lines[0] == "연결됨")
    f.put("가나", x: 5, y: 1)
    #expect(f.lines[1] == "      ")
    f.put("x\u{1B}[31my", x: 0, y: 1)
    #expect(f.lines[1] == "x\u{FFFD}[31m")
    f.put("A", x: 1, y: 0)
    #expect(f.lines[0] == " A결됨")
    f.put("long text", x: -3, y: 0)
    #expect(f.lines[0] == "g text")
    f.put("off", x: 0, y: 5)
    #expect(f.height == 2)
  }

  @Test("boxes and styles")
  func boxes() {
    var f = Frame(width: 8, height: 3)
    f.box(f.bounds, .double, style: Style(bold: true), title: "T")
    #expect(f.lines == ["╔ T ═══╗", "║      ║", "╚══════╝"])
    #expect(f.styleMask[0] == "BBBBBBBB")
    let empty = Frame(width: 0, height: 0)
    #expect(empty.lines.isEmpty)
  }

  @Test("wrapping counts Hangul as two columns and cuts over-long words")
  func wrapping() {
    #expect(TextWrap.wrap("one two three", width: 7) == ["one two", "three"])
    let ko = TextWrap.wrap("서버는 즉시 확인 응답을 보냅니다", width: 10)
    for l in ko { #expect(l.displayWidth <= 10) }
    #expect(ko.joined(separator: " ") == "서버는 즉시 확인 응답을 보냅니다")
    #expect(TextWrap.wrap("abcdefghij", width: 4) == ["abcd", "efgh", "ij"])
    #expect(TextWrap.wrap("가나다라마", width: 3) == ["가", "나", "다", "라", "마"])
    #expect(TextWrap.wrap("x", width: 0).isEmpty)
  }

  @Test("sanitizing text from files")
  func sanitize() {
    #expect("ok\u{1B}]0;title\u{7}".sanitizedForTerminal == "ok\u{FFFD}]0;title\u{FFFD}")
    #expect("a\u{202E}b".sanitizedForTerminal == "a\u{FFFD}b")
    #expect("tab\there".sanitizedForTerminal == "tab here")
  }
}

@Suite("Text wrapping at hostile sizes")
struct WrapSizeTests {
  @Test("one 200,000-character word is cut into full lines (linear, so this returns at once)")
  func longWord() {
    let lines = TextWrap.wrap(String(repeating: "x", count: 200_000), width: 78)
    #expect(lines.count == (200_000 + 77) / 78)
    #expect(lines.dropLast().allSatisfy { $0.count == 78 })
    #expect(lines.last?.count == 200_000 % 78)
    let hangul = TextWrap.wrap("앞 " + String(repeating: "가", count: 50_001) + " 뒤", width: 10)
    #expect(hangul.first == "앞")
    #expect(hangul[1] == "가가가가가")
    #expect(hangul.allSatisfy { $0.displayWidth <= 10 })
    #expect(hangul.last == "가 뒤")
  }

  @Test("a line break in the text is kept as a line break")
  func lineBreaks() {
    #expect(TextWrap.wrap("first line\nsecond", width: 40) == ["first line", "second"])
    #expect("a\nb\u{1B}c\n\n".sanitizedKeepingNewlines == "a\nb\u{FFFD}c")
  }
}
