import Foundation
import HandshakeLessons
import HandshakeSim
import TerminalUI

/// One endpoint's panel: host and port, the state as a large badge, the sequence variables
/// (changed ones highlighted), options, running timers, and a listener's queues.
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

  static func draw(_ f: inout Frame, _ r: Rect, _ m: AppModel, side: Side) {
    let theme = m.theme
    let s = m.strings
    let tl = m.timeline
    let hostIndex = Int(side == .left ? tl.left : tl.right)
    let host = tl.hosts[hostIndex]
    let inner = Rect(x: r.x + 1, y: r.y, width: r.width - 2, height: r.height)
    var y = inner.y
    func line(_ text: String, _ style: Style) {
      guard y < inner.maxY else { return }
      f.put(text.prefix(columns: inner.width), x: inner.x, y: y, style: style, clip: inner)
      y += 1
    }
    let now = tl.endpoint(side, atStep: m.step)
    let before = m.step > 0 ? tl.endpoint(side, atStep: m.step - 1) : nil
    let c = now.connection
    let port = c?.localPort ?? now.listener?.port ?? m.lesson.scenario.hosts[hostIndex].port ?? 0
    line(host.name, theme["host_name"])
    // A capture's host is named by its address and port already (IPv6 ones only there).
    if tl.source == .simulation { line("\(host.address):\(port)", theme["label"]) }

    // The badge: three rows when there is room, else one.
    let state = now.state
    // A capture that starts mid-connection does not know a side's state at first.
    let knownFrom = side == .left ? tl.stateKnownFrom.left : tl.stateKnownFrom.right
    let unknown = knownFrom < 0 || m.step < knownFrom
    let badge = !host.isTCP ? s["panel_scripted"] : unknown ? s["panel_unknown"] : state.rfcName
    let bs = badgeStyle(state, theme)
    if inner.height >= 18 {
      let box = Rect(x: inner.x, y: y, width: inner.width, height: 3)
      f.fill(box.inset(1), with: Cell(" ", bs))
      f.box(box, badgeBox(state), style: bs)
      AppView.center(&f, badge, box.inset(1), y: y + 1, style: bs)
      y += 3
    } else {
      f.fill(Rect(x: inner.x, y: y, width: inner.width, height: 1), with: Cell(" ", bs))
      AppView.center(
        &f, badge, Rect(x: inner.x, y: y, width: inner.width, height: 1), y: y, style: bs)
      y += 1
    }
    guard host.isTCP else { return }
    guard let c else {
      if let l = now.listener, l.open {
        line(s.format("panel_listening", ["port": "\(l.port)"]), theme["muted"])
        listener(l, &f, inner, &y, theme, s)
      } else {
        line(s["panel_no_socket"], theme["muted"])
      }
      return
    }
    let b = before?.connection.flatMap { $0.socket == c.socket ? $0 : nil }
    let width = inner.width
    func variable(_ name: String, _ value: String, changed: Bool) {
      guard y < inner.maxY else { return }
      let pad = String(repeating: " ", count: max(1, 9 - name.count))
      f.put(name + pad, x: inner.x, y: y, style: theme["label"], clip: inner)
      let mark = changed ? " *" : ""
      f.put(
        (value + mark).prefix(columns: max(0, width - 9)), x: inner.x + 9, y: y,
        style: changed ? theme["value_changed"] : theme["value"], clip: inner)
      y += 1
    }
    let abs = m.absolute
    let irs = c.irs
    let none = s["none"]
    variable("ISS", String(c.iss.rawValue), changed: b == nil)
    variable("IRS", irs.map { String($0.rawValue) } ?? none, changed: b != nil && b?.irs != irs)
    variable(
      "SND.UNA", Format.seq(c.sndUna, base: c.iss, name: "ISS", absolute: abs),
      changed: b.map { $0.sndUna != c.sndUna } ?? false)
    variable(
      "SND.NXT", Format.seq(c.sndNxt, base: c.iss, name: "ISS", absolute: abs),
      changed: b.map { $0.sndNxt != c.sndNxt } ?? false)
    variable("SND.WND", String(c.sndWnd), changed: b.map { $0.sndWnd != c.sndWnd } ?? false)
    variable(
      "RCV.NXT", irs == nil ? none : Format.seq(c.rcvNxt, base: irs, name: "IRS", absolute: abs),
      changed: b.map { $0.rcvNxt != c.rcvNxt } ?? false)
    variable("RCV.WND", String(c.rcvWnd), changed: b.map { $0.rcvWnd != c.rcvWnd } ?? false)
    let yes = s["yes"]
    let no = s["no"]
    let negotiated = irs != nil
    let options = s.format(
      "panel_options",
      [
        "mss": negotiated ? String(c.sndMSS) : none,
        "ws": negotiated ? (c.windowScaleOK ? "\(c.sndWScale)/\(c.rcvWScale)" : no) : none,
        "sack": negotiated ? (c.sackOK ? yes : no) : none,
        "ts": negotiated ? (c.timestampsOK ? yes : no) : none,
      ])
    // Two lines when one does not fit.
    if options.displayWidth <= inner.width {
      line(options, theme["value"])
    } else {
      let cut = options.range(of: "  SACK")?.lowerBound ?? options.endIndex
      line(String(options[..<cut]), theme["value"])
      line(String(options[cut...]).trimmingCharacters(in: .whitespaces), theme["value"])
    }
    // Timers, with the time left at this step (a capture shows no timers: it cannot see them).
    let t = tl.steps[m.step].time
    if tl.source == .simulation {
      line(s.format("panel_rto", ["rto": c.rto.description]), theme["muted"])
    }
    for (kind, deadline) in c.timers.running {
      line("⏱ " + s["timer_" + kind.rawValue] + " " + (deadline - t).description, theme["marker"])
    }
    line(
      s.format("panel_bytes", ["sent": "\(c.bytesWritten)", "read": "\(c.bytesRead)"]),
      theme["muted"])
    if let l = now.listener, l.open { listener(l, &f, inner, &y, theme, s) }
  }

  static func listener(
    _ l: ListenerSnapshot, _ f: inout Frame, _ r: Rect, _ y: inout Int, _ theme: Theme,
    _ s: UIStrings
  ) {
    guard y < r.maxY else { return }
    let full = l.synQueue >= l.backlog
    f.put(
      s.format(
        "panel_queues",
        ["syn": "\(l.synQueue)", "acc": "\(l.acceptQueue)", "backlog": "\(l.backlog)"]
      ).prefix(columns: r.width),
      x: r.x, y: y, style: full ? theme["value_changed"] : theme["value"], clip: r)
    y += 1
    if y < r.maxY && (l.synDrops > 0 || l.cookiesSent > 0) {
      f.put(
        s.format(
          "panel_drops", ["drops": "\(l.synDrops + l.acceptDrops)", "cookies": "\(l.cookiesSent)"]
        ).prefix(columns: r.width), x: r.x, y: y, style: theme["value"], clip: r)
      y += 1
    }
  }
}
