import HandshakeLessons
import HandshakeSim
import TerminalUI

/// One endpoint's panel: host and port, the state as a large badge, the sequence variables
/// (changed ones highlighted), options, running timers, and a listener's queues.
///
/// A value on the panel is never cut: each line has longer and shorter forms (words shortened
/// first, then split over two lines), and a line with no form that fits is left out whole.
enum EndpointPanel {
  static func badgeStyle(_ s: TCPState, _ theme: Theme) -> Style {
    switch s {
    case .closed: theme["badge_closed"]
    case .listen: theme["badge_listen"]
    case .synSent, .synReceived: theme["badge_opening"]
    case .established: theme["badge_established"]
    case .timeWait: theme["badge_time_wait"]
    default: theme["badge_closing"]
    }
  }

  /// Box lines by phase, so states differ by shape as well as colour.
  static func badgeBox(_ s: TCPState) -> Frame.BoxStyle {
    switch s {
    case .closed, .listen: .light
    case .synSent, .synReceived: .double
    case .established: .heavy
    default: .rounded
    }
  }

  /// The first form whose lines all fit `width`, or nil: the line is then left out, never cut.
  static func fit(_ forms: [[String]], width: Int) -> [String]? {
    forms.first { $0.allSatisfy { $0.displayWidth <= width } }
  }

  /// The step whose state a side's panel shows: while the arrow that lands on this side in the
  /// current step is still flying, the state before it (the receiver changes when it lands).
  static func panelStep(_ m: AppModel, side: Side) -> Int {
    let k = m.shownStep
    guard k > 0, k == m.step, let a = m.animation, a.step == k, a.progress(at: m.now) < 1 else {
      return k
    }
    let tl = m.timeline
    let host = side == .left ? tl.left : tl.right
    let lands = tl.records(ofStep: k).contains { $0.kind == .arrive && $0.host == host }
    return lands ? k - 1 : k
  }

  static func draw(_ f: inout Frame, _ r: Rect, _ m: AppModel, side: Side) {
    let theme = m.theme
    let s = m.strings
    let tl = m.timeline
    let hostIndex = Int(side == .left ? tl.left : tl.right)
    let host = tl.hosts[hostIndex]
    let inner = Rect(x: r.x + 1, y: r.y, width: r.width - 2, height: r.height)
    let width = inner.width
    var y = inner.y
    func line(_ text: String, _ style: Style) {
      guard y < inner.maxY else { return }
      f.put(text, x: inner.x, y: y, style: style, clip: inner)
      y += 1
    }
    func lines(_ forms: [[String]], _ style: Style) {
      guard let chosen = fit(forms, width: width) else { return }
      for l in chosen { line(l, style) }
    }
    let step = panelStep(m, side: side)
    let now = tl.endpoint(side, atStep: step)
    let before = step > 0 ? tl.endpoint(side, atStep: step - 1) : nil
    let c = now.connection
    let port = c?.localPort ?? now.listener?.port ?? m.lesson.scenario.hosts[hostIndex].port ?? 0
    // A name is words: shortened with "…" if it must be.
    let name = host.name.sanitizedForTerminal
    line(
      name.displayWidth <= width ? name : name.prefix(columns: width - 1) + "…", theme["host_name"])
    // A capture's host is named by its address and port already (IPv6 ones only there).
    if tl.source == .simulation {
      lines([["\(host.address):\(port)"], [":\(port)"]], theme["label"])
    }

    // The badge: three rows when there is room, else one.
    let state = now.state
    // A capture that starts mid-connection does not know a side's state at first.
    let knownFrom = side == .left ? tl.stateKnownFrom.left : tl.stateKnownFrom.right
    let unknown = knownFrom < 0 || step < knownFrom
    // Not TCP: in a lesson a scripted host; in a capture a spoofed or silent address.
    let notTCP = s[tl.source == .capture ? "panel_silent" : "panel_scripted"]
    let badge = !host.isTCP ? notTCP : unknown ? s["panel_unknown"] : state.rfcName
    var bs = badgeStyle(state, theme)
    let stateChanged = before.map { $0.state != state } ?? false
    if stateChanged { bs.bold = true }
    let shownBadge =
      badge.displayWidth <= width - 2 ? badge : badge.prefix(columns: width - 3) + "…"
    if inner.height >= 18 {
      let box = Rect(x: inner.x, y: y, width: width, height: 3)
      f.fill(box.inset(1), with: Cell(" ", bs))
      f.box(box, stateChanged ? .heavy : badgeBox(state), style: bs)
      AppView.center(&f, shownBadge, box.inset(1), y: y + 1, style: bs)
      y += 3
    } else {
      f.fill(Rect(x: inner.x, y: y, width: width, height: 1), with: Cell(" ", bs))
      AppView.center(
        &f, shownBadge, Rect(x: inner.x, y: y, width: width, height: 1), y: y, style: bs)
      y += 1
    }
    guard host.isTCP else {
      if tl.source == .capture { lines([[s["panel_silent_why"]]], theme["muted"]) }
      return
    }
    guard let c else {
      if let l = now.listener, l.open {
        lines(
          [[s.format("panel_listening", ["port": "\(l.port)"])], [":\(l.port)"]], theme["muted"])
        listener(l, before?.listener, &f, inner, &y, theme, s)
      } else {
        line(s["panel_no_socket"], theme["muted"])
      }
      return
    }
    let b = before?.connection.flatMap { $0.socket == c.socket ? $0 : nil }
    func variable(_ label: String, _ value: String, changed: Bool) {
      variable(label, [value], changed: changed)
    }
    func variable(_ label: String, _ forms: [String], changed: Bool) {
      guard y < inner.maxY else { return }
      // The label takes 9 columns when there is room, 8 ("SND.UNA ") when not; the value is
      // whole or the line is left out. The " *" mark goes first: the highlight still shows.
      func labelWidth(_ v: String) -> Int {
        9 + v.displayWidth <= width ? 9 : label.count + 1
      }
      guard let value = forms.first(where: { labelWidth($0) + $0.displayWidth <= width }) else {
        return
      }
      let labelWidth = labelWidth(value)
      let pad = String(repeating: " ", count: max(1, labelWidth - label.count))
      f.put(label + pad, x: inner.x, y: y, style: theme["label"], clip: inner)
      let mark = changed && labelWidth + value.displayWidth + 2 <= width ? " *" : ""
      f.put(
        value + mark, x: inner.x + labelWidth, y: y,
        style: changed ? theme["value_changed"] : theme["value"], clip: inner)
      y += 1
    }
    let abs = m.absolute
    let irs = c.irs
    let none = s["none"]
    // Relative numbers count from each side's ISN, so the ISS and IRS are 0 there, as in the
    // ladder and the narration; the number on the wire follows in brackets when it fits.
    func initial(_ v: SeqNum) -> [String] {
      abs ? [String(v.rawValue)] : ["0 (\(v.rawValue))", "0"]
    }
    // A capture's listener has no ISN until its SYN,ACK: nothing to count from yet.
    let issKnown = c.issKnown
    variable("ISS", issKnown ? initial(c.iss) : [none], changed: b == nil)
    variable("IRS", irs.map(initial) ?? [none], changed: b != nil && b?.irs != irs)
    variable(
      "SND.UNA",
      issKnown ? Format.seq(c.sndUna, base: c.iss, name: "ISS", absolute: abs) : none,
      changed: b.map { $0.sndUna != c.sndUna } ?? false)
    variable(
      "SND.NXT",
      issKnown ? Format.seq(c.sndNxt, base: c.iss, name: "ISS", absolute: abs) : none,
      changed: b.map { $0.sndNxt != c.sndNxt } ?? false)
    variable("SND.WND", String(c.sndWnd), changed: b.map { $0.sndWnd != c.sndWnd } ?? false)
    variable(
      "RCV.NXT", irs == nil ? none : Format.seq(c.rcvNxt, base: irs, name: "IRS", absolute: abs),
      changed: b.map { $0.rcvNxt != c.rcvNxt } ?? false)
    variable("RCV.WND", String(c.rcvWnd), changed: b.map { $0.rcvWnd != c.rcvWnd } ?? false)
    let yes = s["yes"]
    let no = s["no"]
    let negotiated = irs != nil
    // A capture shows the MSS each side announced; what it actually sent is a line of its own
    // (segmentation offload can make it larger than the peer's MSS).
    // A tracked peer's panel is inferred from its segments, as a capture's are.
    let capture = tl.source == .capture || host.tracked
    let mss = capture ? c.announcedMSS.map { String($0) } ?? none : String(c.sndMSS)
    let values = [
      "mss": negotiated || capture ? mss : none,
      "ws": negotiated ? (c.windowScaleOK ? "\(c.sndWScale)/\(c.rcvWScale)" : no) : none,
      "sack": negotiated ? (c.sackOK ? yes : no) : none,
      "ts": negotiated ? (c.timestampsOK ? yes : no) : none,
    ]
    lines(
      [
        [s.format("panel_options", values)],
        [s.format("panel_options_1", values), s.format("panel_options_2", values)],
      ], theme["value"])
    if capture && c.largestSent > 0 {
      let v = ["n": "\(c.largestSent)"]
      lines([[s.format("panel_largest", v)], [s.format("panel_largest_short", v)]], theme["muted"])
    }
    // Timers, with the time left at this step (a capture shows no timers: it cannot see them).
    let t = tl.steps[step].time
    if !capture {
      let rto = [
        "rto": c.rto.description, "profile": s["profile_" + (c.profile ?? .linux).rawValue],
      ]
      lines([[s.format("panel_rto_profile", rto)], [s.format("panel_rto", rto)]], theme["muted"])
      if let rule = c.lossSignal {
        let v = ["rule": s["loss_" + rule.rawValue]]
        lines([[s.format("panel_loss", v)], [s.format("panel_loss_short", v)]], theme["muted"])
      }
    }
    for (kind, deadline) in c.timers.running {
      lines(
        [["⏱ " + s["timer_" + kind.rawValue] + " " + (deadline - t).description]], theme["marker"])
    }
    let bytes = ["sent": "\(c.bytesWritten)", "read": "\(c.bytesRead)"]
    lines(
      [
        [s.format("panel_bytes", bytes)],
        [s.format("panel_bytes_sent", bytes), s.format("panel_bytes_read", bytes)],
      ], theme["muted"])
    if let l = now.listener, l.open { listener(l, before?.listener, &f, inner, &y, theme, s) }
    // Last, so it is the first line left out when the panel is short.
    if host.tracked { lines([[s["panel_tracked"]], [s["panel_tracked_short"]]], theme["muted"]) }
  }

  static func listener(
    _ l: ListenerSnapshot, _ before: ListenerSnapshot?, _ f: inout Frame, _ r: Rect,
    _ y: inout Int, _ theme: Theme, _ s: UIStrings
  ) {
    func lines(_ forms: [[String]], _ style: Style) {
      guard let chosen = fit(forms, width: r.width) else { return }
      for text in chosen where y < r.maxY {
        f.put(text, x: r.x, y: y, style: style, clip: r)
        y += 1
      }
    }
    let full = l.synQueue >= l.backlog
    let changed =
      before.map { $0.synQueue != l.synQueue || $0.acceptQueue != l.acceptQueue } ?? false
    // The accept queue holds backlog + 1 on Linux; the panel counts as the kernel does.
    let q = [
      "syn": "\(l.synQueue)", "acc": "\(l.acceptQueue)", "backlog": "\(l.backlog)",
      "acc_max": "\(l.backlog + 1)",
    ]
    lines(
      [
        [s.format("panel_queues", q)],
        [s.format("panel_syn_queue", q), s.format("panel_accept_queue", q)],
        [s.format("panel_syn_queue_short", q), s.format("panel_accept_queue_short", q)],
      ], full || changed ? theme["value_changed"] : theme["value"])
    guard l.synDrops > 0 || l.cookiesSent > 0 || l.acceptDrops > 0 else { return }
    let d = ["drops": "\(l.synDrops + l.acceptDrops)", "cookies": "\(l.cookiesSent)"]
    lines(
      [
        [s.format("panel_drops", d)],
        [s.format("panel_drops_short", d)],
        [s.format("panel_dropped", d), s.format("panel_cookies", d)],
        [s.format("panel_dropped_short", d), s.format("panel_cookies_short", d)],
      ], theme["value"])
  }
}
