import HandshakeLessons
import HandshakeSim
import TerminalUI

/// The `w` menu: what can be changed at this step. Its pages list what-ifs; choosing one runs
/// the lesson again with it (`Update.makeWhatIf`).
public struct WhatIfMenu: Hashable, Sendable {
  public enum Page: Hashable, Sendable {
    case root
    case settings(host: Int)
    case calls(host: Int)
    case inject
    /// Typing a value: what for, and the text so far.
    case prompt(Prompt, text: String)
  }

  /// A value to type.
  public enum Prompt: Hashable, Sendable {
    case delay
    case send(host: Int)
    case setting(host: Int, key: String)
  }

  public var page: Page = .root
  public var selected: Int = 0
  /// The segment the menu is about (the step's own, or the one Tab chose).
  public var transmission: Int?

  public init(transmission: Int?) { self.transmission = transmission }

  /// One line of the menu: its words, and what choosing it does.
  public struct Item: Hashable, Sendable {
    public enum Action: Hashable, Sendable {
      case make(WhatIf.Kind)
      case open(Page)
      /// A heading, not a choice.
      case none
    }
    public var text: String
    public var action: Action
  }

  /// The items of the page, in the model's language.
  public func items(_ m: AppModel) -> [Item] {
    let s = m.strings
    let tl = m.timeline
    let scenario = m.run.lesson.scenario
    let hosts = [scenario.left, scenario.right]
    let name = { (h: Int) in m.run.lesson.hostNames[h] }
    switch page {
    case .root:
      var out: [Item] = []
      if let tx = transmission {
        let t = tl.transmissions[tx]
        out.append(
          Item(
            text: s.format(
              "whatif_seg_item",
              ["seg": LadderView.label(m, tx, width: Int.max), "host": tl.hostName(t.from)]),
            action: .none))
        out.append(Item(text: "  " + s["whatif_item_drop"], action: .make(.drop)))
        for d in [VirtualDuration.millis(10), .millis(100), .seconds(1)] {
          out.append(
            Item(
              text: "  " + s.format("whatif_item_delay", ["d": d.description]),
              action: .make(.delay(d))))
        }
        out.append(
          Item(text: "  " + s["whatif_item_delay_typed"], action: .open(.prompt(.delay, text: ""))))
        out.append(Item(text: "  " + s["whatif_item_duplicate"], action: .make(.duplicate)))
        out.append(Item(text: "  " + s["whatif_item_reorder"], action: .make(.reorder)))
        out.append(Item(text: "  " + s["whatif_item_corrupt"], action: .make(.corrupt)))
      }
      for h in hosts where scenario.hosts[h].tcpConfig != nil {
        out.append(
          Item(
            text: s.format("whatif_item_settings", ["host": name(h)]),
            action: .open(.settings(host: h))))
      }
      for h in hosts where scenario.hosts[h].tcpConfig != nil {
        out.append(
          Item(
            text: s.format("whatif_item_calls", ["host": name(h)]), action: .open(.calls(host: h))))
      }
      out.append(Item(text: s["whatif_item_inject"], action: .open(.inject)))
      return out
    case .settings(let h):
      let c = scenario.hosts[h].tcpConfig ?? TCPConfig()
      func set(_ setting: HostSetting) -> Item {
        // A switch reads as the word it becomes: "sack → off", not "sack = false".
        let v = setting.lessonValue
        let shown = v == "true" ? s["yes"] : v == "false" ? s["no"] : v
        return Item(
          text: s.format("whatif_item_set", ["setting": setting.lessonKey, "value": shown]),
          action: .make(.set(host: h, setting)))
      }
      func typed(_ key: String) -> Item {
        Item(
          text: s.format("whatif_item_set_typed", ["setting": key]),
          action: .open(.prompt(.setting(host: h, key: key), text: "")))
      }
      return [
        set(.synCookies(c.synCookies == .off ? .onOverflow : .off)), typed("backlog"), typed("mss"),
        typed("window"), set(.windowScale(c.windowScale == nil ? 7 : nil)), set(.sack(!c.sack)),
        set(.timestamps(!c.timestamps)), typed("msl"), typed("send_delay"),
        set(.synLinearTimeouts(c.synLinearTimeouts == 0 ? 4 : 0)),
        set(.profile(c.profile == .linux ? .rfc9293 : .linux)),
        set(.delayedAck(c.delayedAck == .off ? .linux : .off)),
        set(.lossRecovery(c.lossRecovery == .rack ? .duplicateAcks : .rack)),
      ]
    case .calls(let h):
      func call(_ c: WhatIf.Call, _ text: String) -> Item {
        Item(text: s.format("whatif_item_call", ["call": text]), action: .make(.call(host: h, c)))
      }
      return [
        call(.close, "close()"), call(.shutdown, "shutdown()"), call(.abort, "abort()"),
        Item(text: s["whatif_item_send_typed"], action: .open(.prompt(.send(host: h), text: ""))),
        call(.connect, "connect()"), call(.listen, "listen()"),
      ]
    case .inject:
      var out: [Item] = []
      for h in hosts.reversed() {
        for flag in WhatIf.InjectedFlag.allCases {
          for place in WhatIf.Placement.allCases {
            out.append(
              Item(
                text: s.format(
                  "whatif_item_inject_one",
                  [
                    "flag": flag.rawValue.uppercased(), "host": name(h),
                    "where": s["whatif_where_" + place.rawValue],
                  ]), action: .make(.inject(target: h, flag, place))))
          }
        }
      }
      return out
    case .prompt:
      return []
    }
  }

  /// The first item that is a choice, at or after `i` going `down` (headings are skipped).
  static func choice(_ items: [Item], from i: Int, down: Bool) -> Int {
    var k = i
    while items.indices.contains(k), items[k].action == .none { k += down ? 1 : -1 }
    return items.indices.contains(k) ? k : max(0, min(i, items.count - 1))
  }
}

/// Draws the `w` menu.
enum WhatIfMenuView {
  static func draw(_ f: inout Frame, _ r: Rect, _ m: AppModel, menu: WhatIfMenu) {
    let theme = m.theme
    let s = m.strings
    let inner = AppView.window(&f, r, title: s["whatif_menu_title"], m)
    if case .prompt(let p, let text) = menu.page {
      let what: String
      switch p {
      case .delay: what = s["whatif_item_delay_typed"]
      case .send: what = s["whatif_item_send_typed"]
      case .setting(_, let key): what = s.format("whatif_item_set_typed", ["setting": key])
      }
      f.put(
        s.format("whatif_prompt", ["what": what]), x: inner.x + 1, y: inner.y,
        style: theme["overlay"], clip: inner)
      f.put(
        "> " + text + "_", x: inner.x + 1, y: inner.y + 2, style: theme["value_changed"],
        clip: inner)
      return
    }
    let items = menu.items(m)
    let height = max(1, inner.height)
    let first = max(0, min(menu.selected - height / 2, items.count - height))
    for (row, i) in (first..<min(items.count, first + height)).enumerated() {
      let item = items[i]
      let chosen = i == menu.selected
      let text = (chosen ? "▸ " : "  ") + item.text.sanitizedForTerminal
      let shown =
        text.displayWidth <= inner.width - 2 ? text : text.prefix(columns: inner.width - 3) + "…"
      let style =
        item.action == .none
        ? theme["host_name"] : chosen ? theme["value_changed"] : theme["overlay"]
      f.put(shown, x: inner.x + 1, y: inner.y + row, style: style, clip: inner)
    }
  }
}

/// Original and what-if side by side (`c`): a table of how each ends, and both runs at once.
enum CompareView {
  struct Outcome {
    var states: String
    var delivered: String
    var errors: String
    var closedAfter: String
  }

  static func outcome(_ run: LessonRun, _ s: UIStrings) -> Outcome {
    let tl = run.timeline
    let last = tl.stepCount - 1
    let l = tl.endpoint(.left, atStep: last)
    let r = tl.endpoint(.right, atStep: last)
    let ln = tl.hostName(tl.left)
    let rn = tl.hostName(tl.right)
    func bytes(_ from: Int32, _ to: Int32) -> Int {
      tl.finalConnections.filter {
        tl.sockets[Int($0.socket)].host == to && $0.remoteAddress == tl.hosts[Int(from)].address
      }.reduce(0) { $0 + $1.bytesRead }
    }
    var errs: [String] = []
    for h in [tl.left, tl.right] {
      let list = tl.records.compactMap { rec -> String? in
        guard rec.host == h, case .app(_, let call, let res, _) = rec.event, res.isError else {
          return nil
        }
        return "\(call.rawValue)() \(res.rawValue)"
      }
      errs.append("\(tl.hostName(h)): " + (list.isEmpty ? "—" : list.joined(separator: ", ")))
    }
    // Both closed: the first step from which both panels stay CLOSED.
    var closed: Int? = nil
    for i in stride(from: last, through: 0, by: -1) {
      let a = tl.endpoint(.left, atStep: i).state
      let b = tl.endpoint(.right, atStep: i).state
      guard [TCPState.closed, .listen].contains(a), [TCPState.closed, .listen].contains(b) else {
        break
      }
      closed = i
    }
    return Outcome(
      states: "\(ln) \(l.state.rfcName), \(rn) \(r.state.rfcName)",
      delivered: "\(ln)→\(rn) \(bytes(tl.left, tl.right)), \(rn)→\(ln) \(bytes(tl.right, tl.left))",
      errors: errs.joined(separator: "; "),
      closedAfter: closed.map { Format.seconds(tl.steps[$0].time) } ?? s["whatif_compare_never"])
  }

  static func draw(_ f: inout Frame, _ r: Rect, _ m: AppModel) {
    let theme = m.theme
    let s = m.strings
    let inner = AppView.window(&f, r, title: s["whatif_compare_title"], m)
    guard let b = m.branches.last else {
      f.put(s["whatif_none"], x: inner.x + 1, y: inner.y, style: theme["overlay"], clip: inner)
      return
    }
    let a = outcome(m.baseRun, s)
    let w = outcome(b.run, s)
    var y = inner.y
    f.put(b.banner(s), x: inner.x + 1, y: y, style: theme["marker"], clip: inner)
    y += 2
    let labelWidth =
      [
        "whatif_compare_final", "whatif_compare_delivered", "whatif_compare_errors",
        "whatif_compare_closed",
      ]
      .map { s[$0].displayWidth }.max().map { $0 + 2 } ?? 24
    let col = (inner.width - labelWidth - 2) / 2
    f.put(
      s["whatif_compare_original"], x: inner.x + 1 + labelWidth, y: y, style: theme["host_name"],
      clip: inner)
    f.put(
      s["whatif_compare_branch"], x: inner.x + 1 + labelWidth + col, y: y,
      style: theme["host_name"], clip: inner)
    y += 1
    for (key, x, z) in [
      ("whatif_compare_final", a.states, w.states),
      ("whatif_compare_delivered", a.delivered, w.delivered),
      ("whatif_compare_errors", a.errors, w.errors),
      ("whatif_compare_closed", a.closedAfter, w.closedAfter),
    ] {
      let lx = TextWrap.wrap(x, width: col - 1)
      let lz = TextWrap.wrap(z, width: col - 1)
      f.put(s[key], x: inner.x + 1, y: y, style: theme["label"], clip: inner)
      for k in 0..<max(lx.count, lz.count) where y + k < inner.maxY {
        if k < lx.count {
          f.put(lx[k], x: inner.x + 1 + labelWidth, y: y + k, style: theme["overlay"], clip: inner)
        }
        if k < lz.count {
          f.put(
            lz[k], x: inner.x + 1 + labelWidth + col, y: y + k,
            style: x == z ? theme["overlay"] : theme["value_changed"], clip: inner)
        }
      }
      y += max(lx.count, lz.count)
    }
    // Both runs at once, as z shows one, when there is room.
    y += 1
    guard inner.maxY - y >= 6, inner.width >= 76 else { return }
    let half = inner.width / 2
    var left = m
    left.overlay = nil
    left.showOriginal = true
    var right = m
    right.overlay = nil
    right.showOriginal = false
    OverviewView.drawRuns(
      &f, Rect(x: inner.x, y: y, width: half, height: inner.maxY - y), left,
      title: s["whatif_compare_original"])
    OverviewView.drawRuns(
      &f, Rect(x: inner.x + half, y: y, width: inner.width - half, height: inner.maxY - y), right,
      title: s["whatif_compare_branch"])
  }
}
