import HandshakeApp
import HandshakeLessons
import HandshakeSim

/// A connection of a capture, ready for the same screen a lesson uses: its timeline from the
/// passive tracker, named like a lesson, with what the tracker noticed explained at its steps
/// in English and Korean (text from assets/strings, `capture_*`).
public enum CaptureLesson {
  /// The run to show for connection `summary` of a capture.
  public static func run(
    file: String, capture: CaptureSummary, connection summary: ConnectionSummary,
    analysis: CaptureAnalysis
  ) -> LessonRun {
    let tl = analysis.timeline
    let duration = VirtualDuration(micros: summary.durationNanos / 1000)
    var notes: [Int: [Localized]] = [:]
    let intro = both {
      $0.format(
        "capture_summary",
        [
          "format": capture.format.rawValue, "packets": "\(summary.packets)",
          "bytes": "\(summary.bytes)", "duration": duration.description,
          "ending": $0["capture_ending_" + summary.ending.rawValue],
        ])
    }
    notes[0] = [intro]
    for w in capture.warnings {
      notes[0, default: []].append(
        both {
          $0.format(
            "capture_warning",
            [
              "warning": $0.format(
                "capture_warn_" + w.kind.rawValue,
                ["n": "\(w.count)", "first": "\(w.firstPacket)"])
            ])
        })
    }
    for (step, what) in analysis.observations {
      notes[step, default: []].append(both { explain(what, tl, $0) })
    }
    let hosts = [tl.left, tl.right].map { h in
      let info = tl.hosts[Int(h)]
      let port = tl.sockets[Int(h)].localPort
      // A side that is no TCP (spoofed, or silent) is drawn as what it is: no TCB at all.
      let role: HostRole =
        analysis.silentHosts.contains(Int32(h)) ? .scripted : .tcp(TCPConfig())
      return HostSpec(
        name: info.name, address: info.address, side: info.side, role: role, port: port)
    }
    var lesson = placeholder(file: file, connection: summary)
    lesson.scenario = Scenario(hosts: hosts, script: [])
    return LessonRun(recorded: tl, lesson: lesson, notes: notes)
  }

  /// The picker's list for a capture: each connection's entry is made from the summary pass
  /// when it is shown, so a capture of 300,000 connections opens as fast as its summary.
  public static func picker(file: String, summary: CaptureSummary) -> LessonList {
    let connections = summary.connections
    let base = file.split(separator: "/").last.map(String.init) ?? file
    return LessonList(
      count: connections.count, captures: true,
      make: { placeholder(file: file, connection: connections[$0]) },
      locate: { id in
        // "FILE#N" is connection N, the N-th of the summary (numbered from 1 in order).
        guard id.hasPrefix(base + "#"), let n = Int(id.dropFirst(base.count + 1)) else {
          return nil
        }
        return n - 1
      })
  }

  /// What a live capture shows before its first connection: a lesson with nothing in it, which
  /// says where the connections will come from. Its id is "SOURCE#0".
  public static func waiting(source: String) -> LessonRun {
    let lesson = Lesson.recorded(
      id: "\(source)#0", file: source,
      title: both { $0.format("live_waiting_title", ["source": source]) },
      summary: both { $0.format("live_waiting", ["source": source]) },
      hosts: [
        HostSpec(
          name: "—", address: IPv4Address(0), side: .left, role: .tcp(TCPConfig()), port: 0),
        HostSpec(
          name: "—", address: IPv4Address(0), side: .right, role: .tcp(TCPConfig()), port: 0),
      ])
    let tl = PassiveTracker.analyze([], names: ("—", "—")).timeline
    return LessonRun(
      recorded: tl, lesson: lesson,
      notes: [0: [both { $0.format("live_waiting", ["source": source]) }]])
  }

  /// A connection as the lesson picker lists it, before it is analysed: its title and a
  /// one-line summary. Its id is "FILE#N".
  public static func placeholder(file: String, connection c: ConnectionSummary) -> Lesson {
    let base = file.split(separator: "/").last.map(String.init) ?? file
    let duration = VirtualDuration(micros: c.durationNanos / 1000)
    return Lesson.recorded(
      id: "\(base)#\(c.number)", file: file,
      title: both {
        $0.format("capture_title", ["file": base, "n": "\(c.number)", "endpoints": c.endpoints])
      },
      summary: both {
        $0.format(
          "capture_line",
          [
            "packets": "\(c.packets)", "bytes": "\(c.bytes)", "duration": duration.description,
            "ending": $0["capture_ending_" + c.ending.rawValue],
          ])
      },
      hosts: [
        HostSpec(
          name: "client", address: IPv4Address(0), side: .left, role: .tcp(TCPConfig()),
          port: c.client.port),
        HostSpec(
          name: "server", address: IPv4Address(0), side: .right, role: .tcp(TCPConfig()),
          port: c.server.port),
      ])
  }

  /// The connection number (1-based) in a placeholder's id.
  public static func connectionNumber(_ lesson: Lesson) -> Int? {
    lesson.id.split(separator: "#").last.flatMap { Int($0) }
  }

  /// The same text in both languages.
  static func both(_ make: (UIStrings) -> String) -> Localized {
    Localized(en: make(Assets.strings(.en)), ko: make(Assets.strings(.ko)))
  }

  /// One observation in words.
  static func explain(_ o: CaptureObservation, _ tl: Timeline, _ s: UIStrings) -> String {
    func host(_ h: Int32) -> String { tl.hostName(h) }
    func sender(_ tx: Int) -> String { host(tl.transmissions[tx].from) }
    func receiver(_ tx: Int) -> String { host(tl.transmissions[tx].to) }
    // Where a capture shows what the engine would note, the words are the same catalogue's
    // (`explain_*`), with what only a capture adds after them.
    switch o {
    case .retransmission(let tx, let original, let after):
      if original == tx { return s.format("capture_retransmission_same", ["host": sender(tx)]) }
      let t = tl.transmissions[tx]
      let previous = tl.transmissions[..<tx].last {
        $0.from == t.from && $0.segment.seq == t.segment.seq
          && $0.segment.sourcePort == t.segment.sourcePort
      }
      return s.format(
        "explain_resent",
        [
          "host": sender(tx), "seg": t.segment.flags.label,
          "after": previous.map { (t.sentAt - $0.sentAt).description } ?? after.description,
          "first": after.description,
        ])
    case .duplicateAck(let tx, let n):
      let base = tl.relativeBase(for: tx)
      let ack = tl.transmissions[tx].segment.ack.rawValue &- (base?.ack.rawValue ?? 0)
      return s.format(
        "explain_duplicate-ack",
        ["host": receiver(tx), "from": sender(tx), "seg": tl.transmissions[tx].segment.flags.label])
        + " " + s.format("capture_dup_ack_count", ["n": "\(n)", "ack": "\(ack)"])
    case .outOfOrder(let tx, let missing):
      return s.format(
        "explain_out-of-order",
        ["host": receiver(tx), "from": sender(tx), "seg": tl.transmissions[tx].segment.flags.label])
        + " " + s.format("capture_missing", ["n": "\(missing)"])
    case .zeroWindow(let tx):
      return s.format("capture_zero_window", ["host": sender(tx)])
    case .reset(let tx, let ended):
      return s.format(
        "capture_reset",
        ["host": receiver(tx), "state": ended?.rfcName ?? s["panel_unknown"]])
    case .refused(let tx):
      return s.format(
        "capture_refused", ["port": "\(tl.transmissions[tx].segment.sourcePort)"])
    case .cookieLikely:
      return s["capture_cookie"]
    case .oversize(let tx, let mss):
      return s.format(
        "capture_oversize", ["n": "\(tl.transmissions[tx].segment.payload.count)", "mss": "\(mss)"])
    case .truncated(_, let captured, let length):
      return s.format("capture_truncated", ["captured": "\(captured)", "length": "\(length)"])
    case .stateDecided(let h, let state):
      return s.format("capture_decided", ["host": host(h), "state": state.rfcName])
    case .timeWait(let h):
      return s.format("capture_time_wait", ["host": host(h)])
    case .timeWaitBoth:
      return s["capture_time_wait_both"]
    case .noReply(let tx):
      return s.format(
        "capture_no_reply",
        ["seg": tl.transmissions[tx].segment.flags.label, "host": receiver(tx)])
    case .gaveUp(let h, let tries, let times):
      let start = times.first ?? .zero
      let at = times.map { VirtualDuration(micros: ($0 - start).micros).description }
      return s.format(
        "capture_gave_up",
        ["host": host(h), "n": "\(tries)", "times": at.joined(separator: ", ")])
    case .silent(let h):
      return s.format("capture_silent", ["host": host(h)])
    case .lostAfterCapture(let tx, let proof):
      let t = tl.transmissions[tx]
      let p = tl.transmissions[proof]
      return s.format(
        "capture_lost_after",
        [
          "seg": t.segment.flags.label, "from": sender(tx), "host": receiver(tx),
          "t": t.sentAt.description, "again": p.segment.flags.label,
          "after": (p.sentAt - t.sentAt).description,
        ])
    }
  }
}
