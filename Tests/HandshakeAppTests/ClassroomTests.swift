import HandshakeApp
import HandshakeLessons
import HandshakeSim
import Testing

@testable import TerminalUI

/// What the students read agrees with what they see: numbers in the mode on screen, values never
/// cut, questions whole on a laptop screen, what changed marked in every theme.
@Suite("Classroom: the screen is trustworthy")
struct ClassroomTests {
  /// Every number written after "seq=" or "ack=" in `text`.
  static func numbers(after prefixes: [String], in text: String) -> [UInt32] {
    var out: [UInt32] = []
    for p in prefixes {
      var rest = Substring(text)
      while let r = rest.range(of: p) {
        rest = rest[r.upperBound...]
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        if let v = UInt32(digits) { out.append(v) }
      }
    }
    return out
  }

  /// The sequence-space numbers of a run in one mode: every segment's seq and ack, and the
  /// ladder hosts' variables at `step`.
  static func runNumbers(_ tl: Timeline, step: Int, absolute: Bool) -> Set<UInt32> {
    var out: Set<UInt32> = []
    for tx in tl.transmissions.indices {
      let s = tl.transmissions[tx].segment
      let b = absolute ? nil : tl.relativeBase(for: tx)
      out.insert(s.seq.rawValue &- (b?.seq.rawValue ?? 0))
      out.insert(s.ack.rawValue &- (b?.ack.rawValue ?? 0))
    }
    for side in [Side.left, .right] {
      guard let c = tl.endpoint(side, atStep: step).connection else { continue }
      let iss = absolute ? 0 : c.iss.rawValue
      let irs = absolute ? 0 : (c.irs?.rawValue ?? 0)
      out.formUnion([
        c.iss.rawValue &- iss, c.sndUna.rawValue &- iss, c.sndNxt.rawValue &- iss,
        c.rcvNxt.rawValue &- irs,
      ])
      if let r = c.irs { out.insert(r.rawValue &- irs) }
    }
    return out
  }

  @Test("every seq= and ack= in every step's words is a number of the run, in both modes")
  func numbersInTheModeOnScreen() throws {
    var checked = 0
    for lesson in AppFixture.lessons {
      let run = LessonRun(lesson)
      for step in 0..<run.timeline.stepCount {
        for absolute in [false, true] {
          let valid = Self.runNumbers(run.timeline, step: step, absolute: absolute)
          for language in Language.allCases {
            var texts = run.narration(atStep: step, language: language, absolute: absolute)
            if let q = run.question(atStep: step, language: language, absolute: absolute) {
              texts += [q.prompt] + q.choices + q.whys.compactMap { $0 }
              if let e = q.explanation { texts.append(e) }
            }
            for t in texts {
              for n in Self.numbers(after: ["seq=", "ack="], in: t) {
                checked += 1
                #expect(
                  valid.contains(n),
                  "\(lesson.id) step \(step) \(absolute ? "absolute" : "relative") \(language): \(n) in \(t)"
                )
              }
            }
          }
        }
      }
    }
    #expect(checked > 100)
  }

  @Test("the ISS is 0 in relative numbers and its own value after a, in the words and on the panel")
  func isnBothModes() {
    var m = AppFixture.model(width: 100, height: 30)
    AppFixture.press([.char("3"), .enter], &m)
    #expect(AppFixture.text(m).contains("IRS=0"))
    #expect(AppFixture.text(m).contains("ISS      0 (5000)"))
    AppFixture.press([.char("a")], &m)
    #expect(AppFixture.text(m).contains("IRS=1000"))
    #expect(AppFixture.text(m).contains("ISS      5000"))
    // A pinned number stays: the ISNs the lesson fixes, at the start.
    AppFixture.press([.home], &m)
    m.absolute = false
    #expect(AppFixture.text(m).contains("(1000 and 5000)"))
  }

  @Test("no value on a panel is cut: every number drawn is a whole number of the wide panel")
  func panelValuesWhole() {
    func panelTokens(_ f: Frame, left: Bool) -> [String] {
      // The panels' columns, as the layout gives them (the ladder takes at least half).
      let w = f.width
      let panel = (w - max(w / 2, w - 68)) / 2
      let columns = left ? 0..<(panel - 1) : (w - panel + 1)..<w
      // The rows between the title and the narration's rule.
      let rule = (1..<f.height).first { f[0, $0].text == "─" && f[1, $0].text == "─" } ?? f.height
      let rows = 1..<rule
      let text = rows.map { y in columns.map { f[$0, y].text }.joined() }
      return text.flatMap { l in
        l.split(whereSeparator: { !($0.isASCII && $0.isNumber) }).map(String.init)
      }
    }
    for lesson in AppFixture.lessons {
      for language in Language.allCases {
        var wide = AppFixture.model(lesson.id, width: 240, height: 60, language: language)
        var sized = [(80, 24), (100, 30), (120, 40)].map {
          AppFixture.model(lesson.id, width: $0.0, height: $0.1, language: language)
        }
        for step in 0...wide.lastStep {
          wide.step = step
          let wideFrame = AppView.render(wide)
          for left in [true, false] {
            let allowed = Set(panelTokens(wideFrame, left: left))
            for i in sized.indices {
              sized[i].step = step
              for t in panelTokens(AppView.render(sized[i]), left: left) {
                #expect(
                  allowed.contains(t),
                  "\(lesson.id) step \(step) \(sized[i].width)×\(sized[i].height) \(language) \(left ? "left" : "right"): '\(t)'"
                )
              }
            }
          }
        }
      }
    }
  }

  @Test("a SYN cookie count and a backlog stay whole at 80×24 in both languages")
  func floodCounts() {
    for language in Language.allCases {
      var m = AppFixture.model("syn-flood", width: 80, height: 24, language: language)
      // The last step at which the server's panel is its listener, after cookies were sent.
      let step = (0...m.lastStep).last {
        let e = m.timeline.endpoint(.right, atStep: $0)
        return e.connection == nil && (e.listener?.cookiesSent ?? 0) > 0
      }
      m.step = step ?? 0
      let lines = AppView.render(m).lines.map { String($0.suffix(19)) }
      let l = m.timeline.endpoint(.right, atStep: m.step).listener
      #expect(lines.contains { $0.contains("\(l?.cookiesSent ?? -1)") }, "\(lines)")
      #expect(lines.contains { $0.contains("/8") }, "the backlog of 8")
    }
  }

  @Test("a question and all its choices fit at 80×24 and 100×30, with the state boxes in view")
  func questionsFit() throws {
    for lesson in AppFixture.lessons {
      for language in Language.allCases {
        for (w, h) in [(80, 24), (100, 30)] {
          var m = AppFixture.model(lesson.id, width: w, height: h, language: language)
          for step in m.run.questionSteps {
            m.step = step
            let q = try #require(m.question)
            let lines = AppView.render(m).lines
            let text = lines.joined(separator: "\n")
            let promptStart = String(("? " + q.prompt).prefix(w / 3))
            #expect(text.contains(promptStart), "\(lesson.id) \(step) \(w)×\(h) \(language)")
            for i in q.choices.indices {
              #expect(
                lines.contains { $0.contains("\(i + 1)) ") },
                "\(lesson.id) \(step) \(w)×\(h) \(language): choice \(i + 1)")
            }
            let state = m.timeline.endpoint(.left, atStep: step).state.rfcName
            #expect(lines.prefix(8).contains { $0.contains(state) }, "\(lesson.id) \(step)")
          }
        }
      }
    }
  }

  @Test("the segment that just moved is drawn heavy and its label reversed, in every theme")
  func newestArrow() {
    for theme in Assets.themeNames {
      var m = AppFixture.model(width: 100, height: 30, theme: theme)
      AppFixture.press([.char("3"), .enter], &m)
      let f = AppView.render(m)
      #expect(f.text.contains("━"), "\(theme)")
      // The label of the SYN that landed is in reverse video.
      let row = f.lines.firstIndex { $0.contains(" SYN seq=0 ") } ?? -1
      #expect(row >= 0)
      if row >= 0, let r = f.lines[row].range(of: " SYN seq=0 ") {
        let col = f.lines[row].distance(from: f.lines[row].startIndex, to: r.lowerBound) + 1
        #expect(f[col, row].text == "S")
        #expect(f[col, row].style.reverse, "\(theme)")
      }
      // An older arrow is light again: two steps later the SYN is not heavy.
      AppFixture.press([.char("5"), .enter], &m)
      let later = AppView.render(m)
      let synRow = later.lines.first { $0.contains(" SYN seq=0 ") } ?? ""
      #expect(!synRow.contains("━"), "\(theme)")
    }
  }

  @Test("changed values stand out without colour (mono: reverse video)")
  func changedValuesMono() {
    var m = AppFixture.model(width: 100, height: 30, theme: "mono")
    AppFixture.press([.char("4"), .enter], &m)
    let f = AppView.render(m)
    let row = f.lines.firstIndex { $0.contains("SND.UNA  ISS+1 *") } ?? -1
    #expect(row >= 0)
    if row >= 0 {
      let col = Array(f.lines[row]).firstIndex(of: "I").map { Int($0) } ?? 0
      #expect(f[col, row].style.reverse)
    }
  }

  @Test("the receiving side's state changes when the arrow lands, not before")
  func receiverChangesOnLanding() {
    var m = AppFixture.model(width: 100, height: 30)
    AppFixture.press([.char("2"), .enter, .enter], &m)  // the SYN is out; the question revealed
    Update.apply(.tick(now: 1000), to: &m)
    AppFixture.press([.right], &m)  // step 3: the SYN lands on the server
    Update.apply(.tick(now: 1100), to: &m)
    #expect(m.animation != nil)
    // The server's badge, on the right panel's fourth and fifth rows.
    func badge() -> String {
      AppView.render(m).lines[3...5].map { String($0.suffix(25)) }.joined()
    }
    #expect(badge().contains("LISTEN") && !badge().contains("SYN-RECEIVED"), "\(badge())")
    Update.apply(.tick(now: 1500), to: &m)
    #expect(badge().contains("SYN-RECEIVED"))
  }

  @Test("a long run keeps its beginning: earlier rows fold into one summary row")
  func earlierRowsFold() {
    var m = AppFixture.model("normal", width: 80, height: 24)
    AppFixture.press([.char("1"), .char("6"), .enter], &m)
    let text = AppFixture.text(m)
    #expect(text.contains("▲ "))
    #expect(text.contains("earlier steps: SYN"))
  }

  @Test("z shows the whole run, a long wait as a gap")
  func overview() {
    var m = AppFixture.model("normal", width: 100, height: 30)
    AppFixture.press([.char("z")], &m)
    let text = AppFixture.text(m)
    #expect(text.contains("The whole run"))
    #expect(text.contains("SYN ▶"))
    #expect(text.contains("◀ SYN,ACK"))
    #expect(text.contains("…"))
    #expect(text.contains("60.0 s") || text.contains("60 s"))
    AppFixture.press([.escape], &m)
    #expect(m.overlay == nil)
  }

  @Test("a title too long for 80 columns is shortened with …")
  func titleEllipsis() {
    let m = AppFixture.model("lost-syn", width: 80, height: 24, language: .ko)
    let top = AppView.render(m).lines[0]
    #expect(top.contains("…") || top.contains(m.lesson.title[.ko]))
  }

  @Test("the ladder gets at least half the width at 80 columns")
  func ladderWidth() {
    let m = AppFixture.model(width: 80, height: 24)
    let row = AppView.render(m).lines[3]
    let bars = Array(row).indices.filter { Array(row)[$0] == "│" }
    #expect(bars.count >= 2)
    if let first = bars.first, let last = bars.last { #expect(last - first >= 40) }
  }

  @Test("the simultaneous open's SYN,ACK reads as the SYN sent again, with ACK, not as a loss")
  func synAgainWithAck() {
    var m = AppFixture.model("simultaneous-open", width: 100, height: 30)
    let tx = m.timeline.transmissions.indices.first {
      m.timeline.transmissions[$0].segment.flags.contains([.syn, .ack])
    }!
    m.step = Int(m.timeline.transmissions[tx].sendStep)
    let text = AppFixture.text(m)
    #expect(text.contains("sends its SYN again, now with ACK"))
    #expect(!text.contains("↻"))
  }
}
