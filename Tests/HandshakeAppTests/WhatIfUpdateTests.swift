import HandshakeApp
import HandshakeLessons
import HandshakeSim
import Testing

@testable import TerminalUI

/// The what-if and sandbox keys, as a teacher presses them.
@Suite("What-if and sandbox: update and view")
struct WhatIfUpdateTests {
  /// Chooses the menu item whose text contains `text` (going down from the first).
  static func choose(_ text: String, _ m: inout AppModel) throws {
    guard case .whatIf(let menu) = m.overlay else {
      Issue.record("the what-if menu is not open")
      return
    }
    let items = menu.items(m)
    let i = try #require(items.firstIndex { $0.text.contains(text) }, "\(items.map(\.text))")
    var selected = menu
    selected.selected = i
    m.overlay = .whatIf(selected)
    AppFixture.press([.enter], &m)
  }

  @Test(
    "on normal: drop the SYN,ACK, see it resent after 1 s, o to the original, c to compare, u to undo"
  )
  func dropSynAck() throws {
    var m = AppFixture.model(width: 100, height: 30)
    AppFixture.press([.char("g"), .char("4"), .enter, .char("w")], &m)
    let text = AppFixture.text(m)
    #expect(text.contains("This segment: SYN,ACK seq=0 ack=1 from server"))
    try Self.choose("drop it", &m)
    let b = try #require(m.branch)
    #expect(m.step == 4 && m.overlay == nil)
    #expect(AppFixture.text(m).contains("⑂ what if: the server's SYN,ACK is lost"))
    #expect(b.startStep == 4)
    // The server sends its SYN,ACK again 1 s later, explained by its retransmission timer.
    let tl = m.timeline
    let rtx = try #require(
      tl.transmissions.first { $0.isRetransmission && $0.segment.flags.contains([.syn, .ack]) })
    let first = try #require(tl.transmissions.first { $0.segment.flags.contains([.syn, .ack]) })
    #expect((rtx.sentAt - first.sentAt) == .seconds(1))
    m.step = Int(rtx.sendStep)
    #expect(AppFixture.text(m).contains("server's retransmission timer fired"))
    // o: the original at the same step, and back.
    AppFixture.press([.char("o")], &m)
    #expect(m.branch == nil && AppFixture.text(m).contains("the original run"))
    #expect(m.timeline.stepCount == m.baseRun.timeline.stepCount)
    AppFixture.press([.char("o")], &m)
    #expect(m.branch != nil)
    // c: how each ends.
    AppFixture.press([.char("c")], &m)
    let compare = AppFixture.text(m)
    #expect(compare.contains("Original and what-if"))
    #expect(compare.contains("final states") && compare.contains("both closed after"))
    AppFixture.press([.escape, .char("u")], &m)
    #expect(m.branches.isEmpty)
    AppFixture.press([.char("u")], &m)
    #expect(AppFixture.text(m).contains("No what-if to undo"))
  }

  @Test("what-ifs stack; u undoes the newest; a refusal changes nothing and says why")
  func stackAndRefuse() throws {
    var m = AppFixture.model(width: 100, height: 30)
    AppFixture.press([.char("g"), .char("4"), .enter, .char("w")], &m)
    try Self.choose("delay it by 100 ms", &m)
    AppFixture.press([.char("g"), .char("9"), .enter, .char("w")], &m)
    try Self.choose("duplicate it", &m)
    #expect(m.branches.count == 2)
    #expect(m.branches[1].edits.count == 2)
    AppFixture.press([.char("u")], &m)
    #expect(m.branches.count == 1)
    // At step 0 there is no segment, and the client has no connection to abort.
    var n = AppFixture.model(width: 100, height: 30)
    AppFixture.press([.char("w")], &n)
    #expect(!AppFixture.text(n).contains("This segment"))
    try Self.choose("client: call the socket API now", &n)
    try Self.choose("abort()", &n)
    #expect(n.branches.isEmpty)
    #expect(AppFixture.text(n).contains("client has no open connection at this step"))
  }

  @Test("a typed value: delay by a time typed in; a bad one says what was expected")
  func typedValues() throws {
    var m = AppFixture.model(width: 100, height: 30)
    AppFixture.press([.char("g"), .char("4"), .enter, .char("w")], &m)
    try Self.choose("delay it by… (type a time)", &m)
    AppFixture.press("soon".map { .char($0) } + [.enter], &m)
    #expect(m.branches.isEmpty && AppFixture.text(m).contains("'soon' is not a value here"))
    AppFixture.press(
      [.backspace, .backspace, .backspace, .backspace] + "250ms".map { .char($0) } + [.enter], &m)
    #expect(m.branch?.what.en == "the server's SYN,ACK is 250 ms late")
  }

  @Test("Tab chooses another segment in flight for the what-if")
  func tabChoosesSegment() throws {
    var m = AppFixture.model("options", width: 100, height: 30)
    AppFixture.press([.char("g"), .char("6"), .enter], &m)  // eight segments leave at once
    let before = m.chosenTransmission
    AppFixture.press([.tab, .tab], &m)
    #expect(m.chosenTransmission != before)
    AppFixture.press([.char("w")], &m)
    guard case .whatIf(let menu) = m.overlay else {
      Issue.record("no menu")
      return
    }
    #expect(menu.transmission == m.chosenTransmission)
    try Self.choose("drop it", &m)
    let b = try #require(m.branch)
    guard case .fault(let rule) = try #require(b.edits.first) else {
      Issue.record("not a fault")
      return
    }
    #expect(rule.action == .drop && rule.nth > 1)
  }

  @Test("S saves the branch as a lesson: lint clean, and it plays as the branch did")
  func saveBranch() throws {
    var m = AppFixture.model(width: 100, height: 30)
    AppFixture.press([.char("g"), .char("4"), .enter, .char("w")], &m)
    try Self.choose("drop it", &m)
    AppFixture.press([.char("S")], &m)
    #expect(m.overlay == .command("save normal-whatif.yaml"))
    AppFixture.press([.enter], &m)
    guard case .save(let path, let text) = try #require(m.takeEffects().first) else {
      Issue.record("no save")
      return
    }
    #expect(path == "normal-whatif.yaml")
    let saved = try LessonLoader.load(text: text, file: path)
    let run = LessonRun(saved)
    #expect(run.problems.isEmpty, "\(run.problems)")
    #expect(saved.id == "normal-whatif")
    let b = try #require(m.branch)
    #expect(Array(run.timeline.records) == Array(b.run.timeline.records))
    #expect(text.contains("drop:"))
  }

  @Test(
    "the sandbox: commands build a connection, a half-close and a reset; a bad one changes nothing")
  func sandbox() throws {
    var m = AppModel(sandbox: SandboxSession(), language: .en, theme: "default")
    Update.apply(.resize(width: 100, height: 30), to: &m)
    func command(_ text: String) {
      AppFixture.press([.char(":")] + text.map { .char($0) } + [.enter], &m)
    }
    for c in ["server listen", "client connect", "client send 1000", "client shutdown"] {
      command(c)
    }
    #expect(
      m.timeline.records.contains {
        if case .state(_, _, .finWait2) = $0.event { true } else { false }
      })
    let steps = m.timeline.stepCount
    command("client fly")
    #expect(m.timeline.stepCount == steps)
    #expect(AppFixture.text(m).contains("expected HOST listen"))
    command("wait 1s")
    command("attacker inject rst exact to server")
    #expect(m.timeline.endpoint(.right, atStep: m.lastStep).state == .closed)
    // Tab completes a word.
    AppFixture.press([.char(":"), .char("s"), .char("e"), .char("r"), .char("v"), .tab], &m)
    #expect(m.overlay == .command("server "))
    AppFixture.press([.escape], &m)
    command("save lab.yaml")
    guard case .save(_, let text) = try #require(m.takeEffects().first) else {
      Issue.record("no save")
      return
    }
    let saved = try LessonLoader.load(text: text, file: "lab.yaml")
    let run = LessonRun(saved)
    #expect(run.problems.isEmpty, "\(run.problems)")
    #expect(Array(run.timeline.records) == Array(m.timeline.records), "it plays the same")
    #expect(text.contains("(What happens here.)"))
  }

  @Test("every event note, loss, error and timer has an explanation in English and Korean")
  func catalogue() {
    var keys = ArrivalNote.allCases.map { "explain_" + $0.rawValue }
    keys += ["fault", "loss", "no-host", "corrupt"].map { "explain_drop_" + $0 }
    keys += AppResult.allCases.filter(\.isError).map { "explain_app_" + $0.rawValue }
    keys += TimerKind.allCases.map { "explain_timer_" + $0.rawValue }
    keys += ["explain_retransmission", "explain_syn_again_ack"]
    for language in Language.allCases {
      let s = Assets.strings(language)
      for k in keys {
        #expect(s.keys.contains(k), "\(language): \(k)")
      }
    }
  }
}
