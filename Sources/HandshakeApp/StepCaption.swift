import HandshakeLessons
import HandshakeSim

/// A short, localized sentence for what happened in a step, built from its records: shown when
/// a lesson has no narration there, and above the narration when it has.
enum StepCaption {
  static func text(_ m: AppModel, step: Int) -> String {
    let tl = m.timeline
    let s = m.strings
    if step == 0 { return s["start_caption"] }
    let recs = Array(tl.records(ofStep: step))
    var parts: [String] = []
    for r in recs {
      let host = r.host >= 0 ? tl.hosts[Int(r.host)].name : "?"
      switch r.event {
      case .app(_, let call, let result, let bytes):
        if call == .recv && result == .ok && bytes == 0 {
          parts.append(s.format("caption_app_recv_eof", ["host": host]))
        } else {
          parts.append(
            s.format(
              "caption_app", ["host": host, "call": call.rawValue, "result": result.rawValue]))
        }
      case .send(let tx):
        let t = tl.transmissions[Int(tx)]
        let key =
          tl.isSynResentWithAck(Int(tx))
          ? "caption_syn_again_ack" : t.isRetransmission ? "caption_retransmit" : "caption_send"
        // The ladder names a third host's segment by its sender ("attacker: SYN"); the caption
        // names the sender already.
        var seg = label(m, Int(tx))
        if seg.hasPrefix(host + ": ") { seg = String(seg.dropFirst(host.count + 2)) }
        parts.append(s.format(key, ["host": host, "seg": seg]))
      case .arrive(let tx, let note):
        var p = s.format(
          "caption_arrive",
          [
            "host": r.host >= 0 ? host : tl.transmissions[Int(tx)].segment.destination.description,
            "seg": label(m, Int(tx)),
          ])
        if let n = note { p += " (" + s["note_" + n.rawValue] + ")" }
        parts.append(p)
      case .drop(let tx, _):
        let t = tl.transmissions[Int(tx)]
        parts.append(
          s.format(
            "caption_drop",
            [
              "seg": label(m, Int(tx)), "from": tl.hostName(t.from),
              "host": t.to >= 0 ? tl.hostName(t.to) : t.segment.destination.description,
            ]))
      case .state(_, let from, let to):
        parts.append(
          s.format("caption_state", ["host": host, "from": from.rfcName, "to": to.rfcName]))
      case .timer(_, let kind):
        parts.append(
          s.format("caption_timer", ["host": host, "timer": s["timer_" + kind.rawValue]]))
      }
      if parts.count >= 6 { break }
    }
    var text = parts.joined(separator: " · ")
    if recs.count > parts.count {
      text += " " + s.format("caption_more", ["n": "\(recs.count - parts.count)"])
    }
    return text
  }

  /// "SYN,ACK seq=0 ack=1": the same label the ladder gives the segment, in full.
  static func label(_ m: AppModel, _ tx: Int) -> String {
    LadderView.label(m, tx, width: Int.max)
  }
}
