import HandshakeSim

extension LessonRun {
  /// Fills a template at a step. Throws when a placeholder has no value there (for instance
  /// `{server.irs}` before the server has received a SYN, or `{seg.seq}` at a step with no segment).
  func resolve(_ t: Template, step: Int, language: Language, pattern: EventPattern?)
    throws(LessonError) -> String
  {
    var out = ""
    for piece in t.pieces(language) {
      switch piece {
      case .text(let s): out += s
      case .value(let p):
        guard let v = value(p, step: step, language: language, pattern: pattern) else {
          let mark = t.marks[language] ?? SourceMark(file: lesson.file, line: 1, column: 1)
          throw LessonError(
            mark,
            "the placeholder '{\(p.source)}' has no value at step \(step) (\(stepSummary(step)))")
        }
        out += v
      }
    }
    return out
  }

  private func stepSummary(_ step: Int) -> String {
    let s = timeline.steps[step]
    guard s.recordCount > 0 else { return "the start" }
    return timeline.describe(record: Int(s.firstRecord))
  }

  /// The transmission a step is about: the one its pattern matched, else its first segment.
  func segment(atStep step: Int, pattern: EventPattern?) -> Int? {
    let recs = timeline.records(ofStep: step)
    if let p = pattern, let r = recs.first(where: { timeline.matches(p, record: $0) }),
      let tx = r.transmission
    {
      return Int(tx)
    }
    return recs.first { $0.transmission != nil }?.transmission.map(Int.init)
  }

  func value(_ p: Placeholder, step: Int, language: Language, pattern: EventPattern?) -> String? {
    let time = timeline.steps[step].time
    switch p.subject {
    case .time:
      return seconds(time.seconds)
    case .elapsed:
      guard step > 0 else { return nil }
      return (time - timeline.steps[step - 1].time).description
    case .segment:
      guard let tx = segment(atStep: step, pattern: pattern) else { return nil }
      return segmentValue(p.field, tx: tx, language: language)
    case .host(let h):
      let side: Side = h == lesson.scenario.left ? .left : .right
      let e = timeline.endpoint(side, atStep: step)
      return hostValue(p.field, e, time: time, host: h, language: language)
    }
  }

  private func seconds(_ s: Double) -> String {
    let ms = Int((s * 1000).rounded())
    let frac = String(ms % 1000)
    return "\(ms / 1000).\(String(repeating: "0", count: 3 - frac.count))\(frac) s"
  }

  private func yesNo(_ b: Bool, _ l: Language) -> String {
    switch l {
    case .en: b ? "yes" : "no"
    case .ko: b ? "예" : "아니요"
    }
  }

  private func segmentValue(_ field: String, tx: Int, language: Language) -> String? {
    let t = timeline.transmissions[tx]
    let s = t.segment
    let base = timeline.relativeBase(for: tx)
    switch field {
    case "seq": return String(s.seq.rawValue)
    case "ack": return String(s.ack.rawValue)
    case "seq_rel": return base.map { String(s.seq.rawValue &- $0.seq.rawValue) }
    case "ack_rel": return base.map { String(s.ack.rawValue &- $0.ack.rawValue) }
    case "len": return String(s.payload.count)
    case "flags": return s.flags.label
    case "win": return String(s.window)
    case "from": return timeline.hostName(t.from)
    case "to": return t.to >= 0 ? timeline.hostName(t.to) : s.destination.description
    case "mss": return s.options.mss.map { String($0) }
    case "wscale": return s.options.windowScale.map { String($0) }
    case "sack":
      return s.options.sackBlocks.isEmpty
        ? nil
        : s.options.sackBlocks.map { "\($0.left.rawValue)-\($0.right.rawValue)" }.joined(
          separator: ", ")
    case "ts": return s.options.timestamps.map { "\($0.value)/\($0.echoReply)" }
    case "rtx_after":
      // For a retransmission: how long after the first copy of the same segment it left.
      guard t.isRetransmission else { return nil }
      let first = timeline.transmissions[..<tx].first {
        $0.from == t.from && $0.segment.seq == s.seq && $0.segment.sourcePort == s.sourcePort
          && $0.segment.flags.subtracting(.psh) == s.flags.subtracting(.psh) && !$0.isRetransmission
      }
      return first.map { (t.sentAt - $0.sentAt).description }
    case "rtx_gap":
      // For a retransmission: how long after the previous copy of the same segment it left.
      guard t.isRetransmission else { return nil }
      let previous = timeline.transmissions[..<tx].last {
        $0.from == t.from && $0.segment.seq == s.seq && $0.segment.sourcePort == s.sourcePort
          && $0.segment.flags.subtracting(.psh) == s.flags.subtracting(.psh)
      }
      return previous.map { (t.sentAt - $0.sentAt).description }
    case "src": return s.source.description
    case "dst": return s.destination.description
    case "src_port": return String(s.sourcePort)
    case "dst_port": return String(s.destinationPort)
    default: return nil
    }
  }

  private func hostValue(
    _ field: String, _ e: EndpointSnapshot, time: VirtualTime, host: Int, language: Language
  ) -> String? {
    let c = e.connection
    let l = e.listener
    switch field {
    case "state": return e.state.rfcName
    case "port": return String(c?.localPort ?? l?.port ?? lesson.scenario.hosts[host].port ?? 0)
    case "address": return lesson.scenario.hosts[host].address.description
    case "syn_queue": return l.map { String($0.synQueue) }
    case "accept_queue": return l.map { String($0.acceptQueue) }
    case "backlog": return l.map { String($0.backlog) }
    case "syn_drops": return l.map { String($0.synDrops) }
    case "cookies_sent": return l.map { String($0.cookiesSent) }
    default: break
    }
    guard let c else { return nil }
    switch field {
    case "iss": return String(c.iss.rawValue)
    case "irs": return c.irs.map { String($0.rawValue) }
    case "snd_una": return String(c.sndUna.rawValue)
    case "snd_nxt": return String(c.sndNxt.rawValue)
    case "snd_wnd": return String(c.sndWnd)
    case "rcv_nxt": return c.irs == nil ? nil : String(c.rcvNxt.rawValue)
    case "rcv_wnd": return String(c.rcvWnd)
    case "snd_una_rel": return String(c.sndUna.rawValue &- c.iss.rawValue)
    case "snd_nxt_rel": return String(c.sndNxt.rawValue &- c.iss.rawValue)
    case "rcv_nxt_rel": return c.irs.map { String(c.rcvNxt.rawValue &- $0.rawValue) }
    case "mss": return String(c.sndMSS)
    case "peer_mss": return c.peerMSS.map { String($0) } ?? (c.irs == nil ? nil : "536")
    case "snd_wscale": return c.windowScaleOK ? String(c.sndWScale) : nil
    case "rcv_wscale": return c.windowScaleOK ? String(c.rcvWScale) : nil
    case "wscale_ok": return yesNo(c.windowScaleOK, language)
    case "sack_ok": return yesNo(c.sackOK, language)
    case "ts_ok": return yesNo(c.timestampsOK, language)
    case "from_cookie": return yesNo(c.fromCookie, language)
    case "rto": return c.rto.description
    case "srtt": return c.srtt?.description
    case "bytes_read": return String(c.bytesRead)
    case "bytes_written": return String(c.bytesWritten)
    case "retransmissions": return String(c.retransmissions)
    case "error": return c.error?.rawValue ?? (language == .ko ? "없음" : "none")
    case "in_flight": return String(c.bytesInFlight)
    case "unread": return String(c.unreadBytes)
    case "time_wait": return c.timers.timeWait.map { ($0 - time).description }
    case "rtx_timer": return c.timers.retransmission.map { ($0 - time).description }
    default: return nil
    }
  }

  /// Each question's right choice must read as its check's value does at the check's step.
  func checkQuestions() -> [LessonError] {
    var out: [LessonError] = []
    for (step, list) in narrationAt {
      for n in list {
        let narr = lesson.narration[n]
        guard let q = narr.question, let check = q.check else { continue }
        var seen = 0
        guard
          let r = timeline.records.first(where: { r in
            guard timeline.matches(check.at, record: r) else { return false }
            seen += 1
            return seen == check.at.nth
          })
        else {
          out.append(LessonError(check.mark, "the question's check event never happens in the run"))
          continue
        }
        let at = Int(r.step)
        guard at >= step else {
          out.append(
            LessonError(
              check.mark,
              "the question's check is at step \(at), before the question is asked (step \(step))"))
          continue
        }
        do {
          let expected = try resolve(check.value, step: at, language: .en, pattern: check.at)
          let chosen = try resolve(
            q.choices[q.answer], step: step, language: .en, pattern: narr.pattern)
          if expected != chosen {
            out.append(
              LessonError(
                check.mark,
                "the answer given is '\(chosen)', but the engine shows '\(expected)' at step \(at)")
            )
          }
        } catch {
          out.append(error)
        }
      }
    }
    return out
  }

  /// Compares the run with the lesson's `expect:`.
  func checkExpectations() -> [LessonError] {
    var out: [LessonError] = []
    let tl = timeline
    let last = tl.stepCount - 1
    func finalState(_ h: Int) -> TCPState {
      if h == lesson.scenario.left { return tl.endpoint(.left, atStep: last).state }
      if h == lesson.scenario.right { return tl.endpoint(.right, atStep: last).state }
      let socks = tl.sockets.indices.filter {
        tl.sockets[$0].host == Int32(h) && !tl.sockets[$0].isListener
      }
      return socks.last.flatMap { s in tl.finalConnections.first { $0.socket == Int32(s) }?.state }
        ?? .closed
    }
    for f in lesson.expectations.finalStates {
      let got = finalState(f.host)
      if got != f.state {
        out.append(
          LessonError(
            f.mark,
            "expected \(lesson.hostNames[f.host]) to end in \(f.state.rfcName), but it ended in \(got.rfcName)"
          ))
      }
    }
    for d in lesson.expectations.delivered {
      let from = tl.hosts[d.from].address
      let read = tl.finalConnections.filter { c in
        tl.sockets[Int(c.socket)].host == Int32(d.to) && c.remoteAddress == from
      }.reduce(0) { $0 + $1.bytesRead }
      if read != d.bytes {
        out.append(
          LessonError(
            d.mark,
            "expected \(d.bytes) bytes delivered from \(lesson.hostNames[d.from]) to \(lesson.hostNames[d.to]), but \(read) were"
          ))
      }
    }
    for e in lesson.expectations.errors {
      let got = tl.records.compactMap { r -> AppResult? in
        guard r.host == Int32(e.host), case .app(_, _, let res, _) = r.event, res.isError else {
          return nil
        }
        return res
      }
      if got != e.errors {
        out.append(
          LessonError(
            e.mark,
            "expected \(lesson.hostNames[e.host]) to see [\(e.errors.map(\.rawValue).joined(separator: ", "))], but it saw [\(got.map(\.rawValue).joined(separator: ", "))]"
          ))
      }
    }
    return out
  }
}
