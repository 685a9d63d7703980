import HandshakeLessons
import HandshakeSim

/// A what-if run: the lesson with the change written in, run again by the engine (same seed, so
/// everything before the change is the same), its own narration kept only where the branch did
/// not change what happens, and the engine's own events explained after the change.
public struct Branch: Sendable {
  /// The change this level made.
  public var whatIf: WhatIf
  /// Everything added to the original lesson, this level's and the levels below it.
  public var edits: [LessonEdit]
  public var run: LessonRun
  /// What the banner says, in both languages.
  public var what: Localized
  /// The first step of this run that differs from the run it branched from (its step count
  /// when nothing changed).
  public var startStep: Int

  /// The change had no effect at all.
  public var changedNothing: Bool { startStep >= run.timeline.stepCount }

  /// Makes the branch of `base` (the original lesson plus `baseEdits`) with `whatIf`.
  public static func make(
    original: Lesson, base: LessonRun, baseEdits: [LessonEdit], whatIf: WhatIf
  ) throws(WhatIfRefusal) -> Branch {
    let resolved = try whatIf.resolve(on: base)
    let edits = baseEdits + resolved.edits
    var lesson = original.applying(edits)
    lesson.expectations = Expectations.none
    var run = LessonRun(lesson)
    let start = firstDifference(base.timeline, run.timeline)
    run.keepNarration(unchangedFrom: base, branchStart: start)
    let what = Localized(
      en: Assets.strings(.en).format(resolved.key, resolved.values),
      ko: Assets.strings(.ko).format(resolved.key, resolved.values))
    let tl = run.timeline
    run.explain(from: start) { Explainer.explain(tl, step: $0) }
    return Branch(whatIf: whatIf, edits: edits, run: run, what: what, startStep: start)
  }

  /// The first step at which two runs differ (records compared as the trace words them, with
  /// their times); the shorter run's length when one is a prefix of the other.
  static func firstDifference(_ a: Timeline, _ b: Timeline) -> Int {
    let n = min(a.stepCount, b.stepCount)
    for s in 0..<n {
      let ra = a.records(ofStep: s)
      let rb = b.records(ofStep: s)
      if ra.count != rb.count || a.steps[s].time != b.steps[s].time { return s }
      for (i, j) in zip(ra.indices, rb.indices)
      where a.describe(record: i, absolute: true) != b.describe(record: j, absolute: true)
        || ra[i].time != rb[j].time
      {
        return s
      }
    }
    return a.stepCount == b.stepCount ? b.stepCount : n
  }

  /// The banner's text in a language, with what a bound cut short.
  public func banner(_ s: UIStrings) -> String {
    let what = self.what[s.language]
    if changedNothing { return s.format("whatif_banner_nothing", ["what": what]) }
    if !run.timeline.end.isComplete {
      return s.format("whatif_banner_cut", ["what": what, "end": "\(run.timeline.end)"])
    }
    return s.format("whatif_banner", ["what": what])
  }
}

/// Words for what the engine did at a step, from the one catalogue of explanations
/// (`explain_*` in assets/strings): notes on arrivals, losses, retransmissions, errors the
/// applications saw, timers that ended something.
public enum Explainer {
  public static func explain(_ tl: Timeline, step: Int) -> [Localized] {
    var out: [Localized] = []
    for i in tl.records(ofStep: step).indices {
      if let (key, values) = explanation(tl, record: i) {
        out.append(
          Localized(
            en: Assets.strings(.en).format(key, values), ko: Assets.strings(.ko).format(key, values)
          ))
      }
      if out.count >= 3 { break }
    }
    return out
  }

  /// The catalogue key and values for one record, if it is worth a sentence.
  public static func explanation(_ tl: Timeline, record i: Int) -> (String, [String: String])? {
    let r = tl.records[i]
    func name(_ h: Int32) -> String { tl.hostName(h) }
    switch r.event {
    case .arrive(let tx, let note?):
      let t = tl.transmissions[Int(tx)]
      return (
        "explain_" + note.rawValue,
        ["host": name(r.host), "seg": t.segment.flags.label, "from": name(t.from)]
      )
    case .drop(let tx, let reason):
      let t = tl.transmissions[Int(tx)]
      return (
        "explain_drop_" + reason.rawValue,
        [
          "seg": t.segment.flags.label, "from": name(t.from),
          "to": t.to >= 0 ? name(t.to) : t.segment.destination.description,
        ]
      )
    case .send(let tx):
      let t = tl.transmissions[Int(tx)]
      guard t.isRetransmission else { return nil }
      if tl.isSynResentWithAck(Int(tx)) { return ("explain_syn_again_ack", ["host": name(t.from)]) }
      // Only a copy a timer sent is explained by it (the RTO, the tail-loss probe, RACK's
      // reordering timer); one sent in answer to an arrival (a repeated SYN, a SACK) is
      // explained by that arrival's note.
      let timer = tl.records(ofStep: Int(r.step)).lazy.compactMap { rec -> TimerKind? in
        if case .timer(_, let k) = rec.event, rec.host == t.from { return k }
        return nil
      }.first { $0 == .retransmission || $0 == .lossProbe || $0 == .reorder }
      guard let timer else { return nil }
      let s = t.segment
      let copies = tl.transmissions[..<Int(tx)].filter {
        $0.from == t.from && $0.segment.seq == s.seq && $0.segment.sourcePort == s.sourcePort
      }
      guard let first = copies.first, let previous = copies.last else { return nil }
      let key =
        switch timer {
        case .lossProbe: "explain_loss_probe"
        case .reorder: "explain_reorder_resend"
        default: "explain_retransmission"
        }
      return (
        key,
        [
          "host": name(t.from), "seg": s.flags.label,
          "after": (t.sentAt - previous.sentAt).description,
          "first": (t.sentAt - first.sentAt).description,
        ]
      )
    case .app(_, let call, let result, _) where result.isError:
      return (
        "explain_app_" + result.rawValue, ["host": name(r.host), "call": call.rawValue + "()"]
      )
    case .timer(_, let kind) where kind == .timeWait || kind == .finWait2:
      return ("explain_timer_" + kind.rawValue, ["host": name(r.host)])
    default:
      return nil
    }
  }
}

extension Branch {
  /// What-ifs all read against the original run (the headless `--what-if` form: each SPEC's
  /// step is a step of the lesson as written), written into the lesson together, run once.
  public static func make(original: Lesson, whatIfs: [WhatIf]) throws(WhatIfRefusal) -> Branch {
    let base = LessonRun(original)
    var edits: [LessonEdit] = []
    var en: [String] = []
    var ko: [String] = []
    for w in whatIfs {
      var r = try w.resolve(on: base)
      // A second forged segment reuses the third host the first one added.
      if edits.contains(where: { if case .addHost = $0 { true } else { false } }) {
        let added = original.scenario.hosts.count
        r.edits = r.edits.compactMap { e in
          switch e {
          case .addHost: return nil
          case .entry(var entry):
            if case .inject = entry.action { entry.host = added }
            return .entry(entry)
          default: return e
          }
        }
      }
      edits += r.edits
      en.append(Assets.strings(.en).format(r.key, r.values))
      ko.append(Assets.strings(.ko).format(r.key, r.values))
    }
    var lesson = original.applying(edits)
    lesson.expectations = Expectations.none
    var run = LessonRun(lesson)
    let start = firstDifference(base.timeline, run.timeline)
    run.keepNarration(unchangedFrom: base, branchStart: start)
    let tl = run.timeline
    run.explain(from: start) { Explainer.explain(tl, step: $0) }
    return Branch(
      whatIf: whatIfs.last ?? WhatIf(.drop, step: 0), edits: edits, run: run,
      what: Localized(en: en.joined(separator: "; "), ko: ko.joined(separator: "; ")),
      startStep: start)
  }
}
