import HandshakeSim

extension LessonRun {
  /// Fills a template at a step. Throws when a placeholder has no value there (for instance
  /// `{server.irs}` before the server has received a SYN, or `{seg.seq}` at a step with no segment).
  func resolve(
    _ t: Template, step: Int, language: Language, pattern: EventPattern?, mode: NumberMode = .rel
  ) throws(LessonError) -> String {
    var out = ""
    for piece in t.pieces(language) {
      switch piece {
      case .text(let s): out += s
      case .value(let p):
        guard let v = value(p, step: step, language: language, pattern: pattern, mode: mode)
        else {
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

  func value(
    _ p: Placeholder, step: Int, language: Language, pattern: EventPattern?, mode: NumberMode
  ) -> String? {
    guard let v = rawValue(p, step: step, language: language, pattern: pattern, mode: p.pin ?? mode)
    else { return nil }
    guard p.offset != 0 else { return v }
    // "{client.snd_nxt + 1}": sequence numbers wrap modulo 2^32 when absolute.
    guard let n = Int64(v) else { return nil }
    if p.isSequenceNumber && (p.pin ?? mode) == .abs {
      return String(UInt32(truncatingIfNeeded: n &+ p.offset))
    }
    return String(n &+ p.offset)
  }

  private func rawValue(
    _ p: Placeholder, step: Int, language: Language, pattern: EventPattern?, mode: NumberMode
  ) -> String? {
    let time = timeline.steps[step].time
    switch p.subject {
    case .time:
      return seconds(time.seconds)
    case .elapsed:
      guard step > 0 else { return nil }
      return (time - timeline.steps[step - 1].time).description
    case .segment:
      guard let tx = segment(atStep: step, pattern: pattern) else { return nil }
      return segmentValue(p.field, tx: tx, language: language, mode: mode)
    case .host(let h):
      let side: Side = h == lesson.scenario.left ? .left : .right
      let e = timeline.endpoint(side, atStep: step)
      return hostValue(p.field, e, time: time, host: h, language: language, mode: mode)
    }
  }

  private func seconds(_ s: Double) -> String {
    let ms = Int((s * 1000).rounded())
    let frac = String(ms % 1000)
    return "\(ms / 1000).\(String(repeating: "0", count: 3 - frac.count))\(frac) s"
  }

  /// An option's state: "on" or "off" (a settings word, not an answer: "SACK off", not "SACK no").
  private func onOff(_ b: Bool, _ l: Language) -> String {
    switch l {
    case .en: b ? "on" : "off"
    case .ko: b ? "켜짐" : "꺼짐"
    }
  }

  private func yesNo(_ b: Bool, _ l: Language) -> String {
    switch l {
    case .en: b ? "yes" : "no"
    case .ko: b ? "예" : "아니요"
    }
  }

  private func segmentValue(_ field: String, tx: Int, language: Language, mode: NumberMode)
    -> String?
  {
    let t = timeline.transmissions[tx]
    let s = t.segment
    let base = timeline.relativeBase(for: tx)
    let abs = mode == .abs
    switch field {
    case "seq": return String(abs ? s.seq.rawValue : s.seq.rawValue &- (base?.seq.rawValue ?? 0))
    case "ack": return String(abs ? s.ack.rawValue : s.ack.rawValue &- (base?.ack.rawValue ?? 0))
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
      // SACK edges are in the receiver's (the ACK's) sequence space.
      let b = abs ? 0 : (base?.ack.rawValue ?? 0)
      return s.options.sackBlocks.isEmpty
        ? nil
        : s.options.sackBlocks.map { "\($0.left.rawValue &- b)-\($0.right.rawValue &- b)" }
          .joined(separator: ", ")
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
    _ field: String, _ e: EndpointSnapshot, time: VirtualTime, host: Int, language: Language,
    mode: NumberMode
  ) -> String? {
    let c = e.connection
    let l = e.listener
    let abs = mode == .abs
    switch field {
    case "state": return e.state.rfcName
    case "isn":
      // The ISN the lesson fixes for the host's first connection: known before it connects.
      guard let isn = lesson.scenario.hosts[host].tcpConfig?.isn else { return nil }
      return abs ? String(isn) : "0"
    case "port": return String(c?.localPort ?? l?.port ?? lesson.scenario.hosts[host].port ?? 0)
    case "address": return lesson.scenario.hosts[host].address.description
    case "profile":
      // The connection's, or before it exists, what the host starts with.
      guard let p = c?.profile ?? lesson.scenario.hosts[host].tcpConfig?.profile else { return nil }
      return p == .linux ? "Linux" : "RFC 9293"
    case "syn_queue": return l.map { String($0.synQueue) }
    case "accept_queue": return l.map { String($0.acceptQueue) }
    case "backlog": return l.map { String($0.backlog) }
    case "syn_drops": return l.map { String($0.synDrops) }
    case "cookies_sent": return l.map { String($0.cookiesSent) }
    default: break
    }
    guard let c else { return nil }
    switch field {
    case "iss": return abs ? String(c.iss.rawValue) : "0"
    case "irs": return c.irs.map { abs ? String($0.rawValue) : "0" }
    case "snd_una": return String(abs ? c.sndUna.rawValue : c.sndUna.rawValue &- c.iss.rawValue)
    case "snd_nxt": return String(abs ? c.sndNxt.rawValue : c.sndNxt.rawValue &- c.iss.rawValue)
    case "snd_wnd": return String(c.sndWnd)
    case "rcv_nxt":
      guard let irs = c.irs else { return nil }
      return String(abs ? c.rcvNxt.rawValue : c.rcvNxt.rawValue &- irs.rawValue)
    case "rcv_wnd": return String(c.rcvWnd)
    case "snd_una_rel": return String(c.sndUna.rawValue &- c.iss.rawValue)
    case "snd_nxt_rel": return String(c.sndNxt.rawValue &- c.iss.rawValue)
    case "rcv_nxt_rel": return c.irs.map { String(c.rcvNxt.rawValue &- $0.rawValue) }
    case "mss": return String(c.sndMSS)
    case "peer_mss": return c.peerMSS.map { String($0) } ?? (c.irs == nil ? nil : "536")
    case "snd_wscale": return c.windowScaleOK ? String(c.sndWScale) : nil
    case "rcv_wscale": return c.windowScaleOK ? String(c.rcvWScale) : nil
    case "wscale_ok": return onOff(c.windowScaleOK, language)
    case "sack_ok": return onOff(c.sackOK, language)
    case "ts_ok": return onOff(c.timestampsOK, language)
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
    case "delack_timer": return c.timers.delayedAck.map { ($0 - time).description }
    case "probe_timer": return c.timers.lossProbe.map { ($0 - time).description }
    case "loss_rule": return c.lossSignal?.rawValue
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
        // In both number modes: a choice written as a literal number is right in only one.
        for mode in [NumberMode.rel, .abs] {
          do {
            let expected = try resolve(
              check.value, step: at, language: .en, pattern: check.at, mode: mode)
            let chosen = try resolve(
              q.choices[q.answer], step: step, language: .en, pattern: narr.pattern, mode: mode)
            if expected != chosen {
              out.append(
                LessonError(
                  check.mark,
                  "the answer given is '\(chosen)', but the engine shows '\(expected)' at step \(at) (\(mode == .abs ? "absolute" : "relative") numbers)"
                ))
              break
            }
            // Two choices that read the same in a mode cannot both be offered.
            var all: [String] = []
            for c in q.choices {
              all.append(
                try resolve(c, step: step, language: .en, pattern: narr.pattern, mode: mode))
            }
            if Set(all).count < all.count {
              out.append(
                LessonError(
                  check.mark,
                  "two choices read the same with \(mode == .abs ? "absolute" : "relative") numbers: \(all.joined(separator: ", "))"
                ))
              break
            }
          } catch {
            out.append(error)
            break
          }
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

extension LessonRun {
  /// Literal numbers in prose that are sequence numbers the engine could fill in: `seq=1001`,
  /// `ack=5001`, or a number of three or more digits equal to a sequence-space value of the run
  /// (an ISS, IRS, SND.NXT, ...). Such a number is right in one mode and wrong in the other.
  func literalNumberWarnings() -> [LessonError] {
    var values: Set<UInt32> = []
    for tx in timeline.transmissions.indices {
      let s = timeline.transmissions[tx].segment
      values.insert(s.seq.rawValue)
      if s.flags.contains(.ack) { values.insert(s.ack.rawValue) }
    }
    for c in timeline.finalConnections { values.insert(c.iss.rawValue) }
    var out: [LessonError] = []
    for n in lesson.narration {
      var templates = [n.text]
      if let q = n.question {
        templates += [q.prompt] + q.choices + q.whys.compactMap { $0 }
        if let e = q.explanation { templates.append(e) }
      }
      for t in templates {
        for l in Language.allCases {
          for piece in t.pieces(l) {
            guard case .text(let text) = piece else { continue }
            if let found = LessonRun.literalSequenceNumber(in: text, values: values) {
              let mark = t.marks[l] ?? n.mark
              out.append(
                LessonError(
                  mark,
                  "warning: '\(found)' is written as a literal number; a placeholder such as {seg.seq} or {client.snd_nxt} shows it in the mode on screen (or pin it: {client.iss:abs})"
                ))
              break
            }
          }
        }
      }
    }
    return out
  }

  /// The first literal sequence number in `text`, if any.
  static func literalSequenceNumber(in text: String, values: Set<UInt32>) -> String? {
    let chars = Array(text)
    var i = 0
    while i < chars.count {
      guard chars[i].isASCII, chars[i].isNumber else {
        i += 1
        continue
      }
      var j = i
      while j < chars.count, chars[j].isASCII, chars[j].isNumber { j += 1 }
      let digits = String(chars[i..<j])
      let raw = String(chars[max(0, i - 4)..<i])
      let afterLetter = j < chars.count && chars[j].isLetter
      let prefixed = raw.hasSuffix("seq=") || raw.hasSuffix("ack=")
      if let v = UInt32(digits), !afterLetter,
        prefixed || (digits.count >= 3 && values.contains(v))
      {
        return (prefixed ? String(chars[max(0, i - 4)..<i]) : "") + digits
      }
      i = j
    }
    return nil
  }
}
