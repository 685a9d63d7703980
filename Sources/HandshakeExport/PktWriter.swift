import HandshakeLessons
import HandshakeSim

/// A lesson's run written as a packetdrill script from one side's view: that side is the
/// kernel under test (its socket calls, and its segments as `>` lines), the other side is the
/// script's peer (its segments, as they arrived, as `<` lines). Times are absolute. Settings
/// Linux has a sysctl for are set by a shell line (which `handshake-tui pkt` skips); the
/// engine's own settings are in a `// handshake-tui:` comment (which packetdrill skips), so the
/// same file runs in both.
public struct PktWriter {
  public enum Side: String, CaseIterable, Sendable { case client, server }

  public struct Refusal: Error, CustomStringConvertible {
    public var description: String
  }

  let run: LessonRun
  let side: Side

  public init(_ run: LessonRun, side: Side) {
    self.run = run
    self.side = side
  }

  var tl: Timeline { run.timeline }
  var local: Int32 { side == .client ? Int32(tl.left) : Int32(tl.right) }
  var peer: Int32 { side == .client ? Int32(tl.right) : Int32(tl.left) }

  public func script() throws(Refusal) -> String {
    let names = run.lesson.hostNames
    let me = names[Int(local)]
    let other = names[Int(peer)]
    guard let config = run.lesson.scenario.hosts[Int(local)].tcpConfig else {
      throw Refusal(description: "\(me) has no TCP of its own: export the other side")
    }
    for t in tl.transmissions where t.from == local || t.to == local {
      let with = t.from == local ? t.to : t.from
      if with != peer {
        let third = with >= 0 ? names[Int(with)] : t.segment.destination.description
        throw Refusal(
          description:
            "\(me) exchanges segments with \(third) as well as \(other); a packetdrill script has one peer: export the other side"
        )
      }
    }
    var out: [String] = []
    out.append(
      "// The lesson '\(run.lesson.id)' (\(run.lesson.title.en)) from \(me)'s side, written by handshake-tui."
    )
    out.append(
      "// \(me) is the kernel under test; \(other) is the script's peer. Run it with: handshake-tui pkt FILE"
    )
    out.append("--tolerance_usecs=4000")
    let (settings, sysctls) = Self.settings(config)
    if !sysctls.isEmpty { out.append("`sysctl -q " + sysctls.joined(separator: " ") + "`") }
    if !settings.isEmpty {
      out.append("// handshake-tui: " + settings.joined(separator: ", "))
    }
    out.append("")

    var fds: Set<Int> = []
    func lowest() -> Int {
      var f = 3
      while fds.contains(f) { f += 1 }
      return f
    }
    var listener: Int? = nil
    var conn: Int? = nil
    var connecting = false
    // The peer's segments must reach the port the kernel listens on (a script's peer writes
    // to the socket's port): a listener on another port is left out, and the peer's SYN then
    // meets no listener, as in the lesson.
    let peerPorts = Set(
      tl.transmissions.filter { $0.from == peer && $0.to == local }.map {
        $0.segment.destinationPort
      })
    // An application that reads by itself: its reads, written after each arrival that gave it
    // bytes, from the panel's count.
    var read = 0
    let ladderSide: HandshakeSim.Side = local == Int32(tl.left) ? .left : .right
    // Until the kernel has sent a SYN there is no ISN to count from: its numbers (a reset for a
    // port nobody listens on, the peer's ack to it) are written as they are, as
    // `handshake-tui pkt` and packetdrill read them.
    var localSynSent = false
    let rel = { (tx: Int, raw: Bool) -> (seq: Int64, ack: Int64) in
      let t = tl.transmissions[tx]
      let b = tl.relativeBase(for: tx)
      let seq =
        raw && t.from == local || b == nil
        ? Int64(t.segment.seq.rawValue) : Int64(t.segment.seq - b!.seq)
      let ack =
        raw && t.from != local || b == nil
        ? Int64(t.segment.ack.rawValue) : Int64(t.segment.ack - b!.ack)
      return (seq, ack)
    }
    func time(_ t: VirtualTime) -> String {
      t.micros < 0 ? "0" : VirtualDuration(micros: t.micros).secondsString
    }

    for r in tl.records {
      let at = time(r.time)
      switch r.event {
      case .app(let socket, let call, let result, let bytes) where r.host == local:
        let errno = result.isError || result == .wouldBlock ? " = -1 \(result.rawValue)" : nil
        switch call {
        case .listen where result == .ok:
          let port = socket >= 0 ? tl.sockets[Int(socket)].localPort : 0
          guard peerPorts.contains(port) else {
            out.append("// \(at) \(me) listens on port \(port), which \(other) never tries")
            continue
          }
          let fd = lowest()
          fds.insert(fd)
          listener = fd
          let backlog = config.backlog
          out.append("\(at) socket(..., SOCK_STREAM, IPPROTO_TCP) = \(fd)")
          out.append("+0 setsockopt(\(fd), SOL_SOCKET, SO_REUSEADDR, [1], 4) = 0")
          out.append("+0 bind(\(fd), ..., ...) = 0")
          out.append("+0 listen(\(fd), \(backlog)) = 0")
        case .connect where result == .inProgress:
          let fd = lowest()
          fds.insert(fd)
          conn = fd
          connecting = true
          read = 0
          out.append("\(at) socket(..., SOCK_STREAM, IPPROTO_TCP) = \(fd)")
          out.append("+0 fcntl(\(fd), F_SETFL, O_RDWR|O_NONBLOCK) = 0")
          out.append("+0 connect(\(fd), ..., ...) = -1 EINPROGRESS (Operation now in progress)")
        case .connect:
          // The non-blocking connect's outcome, as SO_ERROR tells it.
          guard connecting, let fd = conn else { continue }
          connecting = false
          let v = result == .ok ? "0" : result.rawValue
          out.append("\(at) getsockopt(\(fd), SOL_SOCKET, SO_ERROR, [\(v)], [4]) = 0")
        case .accept where result == .ok:
          guard let l = listener else { continue }
          let fd = lowest()
          fds.insert(fd)
          conn = fd
          read = 0
          out.append("\(at) accept(\(l), ..., ...) = \(fd)")
        case .send:
          guard let fd = conn else { continue }
          let n = max(bytes, 1)
          out.append("\(at) write(\(fd), ..., \(n))" + (errno ?? " = \(bytes)"))
        case .recv:
          guard let fd = conn else { continue }
          if result == .ok {
            out.append("\(at) read(\(fd), ..., \(max(bytes, 1000))) = \(bytes)")
          } else if let e = errno {
            out.append("\(at) read(\(fd), ..., 1000)" + e)
          }
        case .shutdown where result == .ok:
          guard let fd = conn else { continue }
          out.append("\(at) shutdown(\(fd), SHUT_WR) = 0")
        case .close where result == .ok:
          if let fd = conn {
            out.append("\(at) close(\(fd)) = 0")
            fds.remove(fd)
            conn = nil
          } else if let l = listener {
            out.append("\(at) close(\(l)) = 0")
            fds.remove(l)
            listener = nil
          }
        case .abort where result == .ok:
          guard let fd = conn else { continue }
          out.append(
            "\(at) setsockopt(\(fd), SOL_SOCKET, SO_LINGER, {l_onoff=1, l_linger=0}, 8) = 0")
          out.append("+0 close(\(fd)) = 0")
          fds.remove(fd)
          conn = nil
        case .sysctl:
          // A setting changed while the lesson runs: the engine's comment, and for Linux the
          // sysctl it stands for where there is one.
          let now = run.lesson.scenario.script.compactMap { e -> [HostSetting]? in
            guard e.host == Int(local), case .sysctl(let s) = e.action else { return nil }
            return s
          }
          if let s = now.first {
            out.append(
              "// handshake-tui: "
                + s.map { "\($0.lessonKey) \($0.lessonValue)" }.joined(separator: ", "))
          }
        default:
          continue
        }
      case .send(let tx) where r.host == local:
        let t = tl.transmissions[Int(tx)]
        guard t.to == peer else { continue }
        if t.segment.flags.contains(.syn) { localSynSent = true }
        let (seq, ack) = rel(Int(tx), !localSynSent)
        let showWindow = t.segment.flags.contains(.syn) || !config.autoRead
        out.append(
          "\(at) > "
            + Self.packet(
              t.segment, seq: seq, ack: ack, window: showWindow, sackBase: t.segment.ack,
              ackRel: ack))
      case .arrive(let tx, _) where r.host == local:
        let t = tl.transmissions[Int(tx)]
        guard t.from == peer else { continue }
        let (seq, ack) = rel(Int(tx), !localSynSent)
        out.append(
          "\(at) < "
            + Self.packet(
              t.segment, seq: seq, ack: ack, window: true, sackBase: t.segment.ack, ackRel: ack))
        if config.autoRead, let fd = conn,
          let now = tl.endpoint(ladderSide, atStep: Int(r.step)).connection, now.bytesRead > read
        {
          out.append("+0 read(\(fd), ..., \(now.bytesRead - read)) = \(now.bytesRead - read)")
          read = now.bytesRead
        }
      case .state(_, let from, let to) where r.host == local:
        out.append("// \(at) \(me): \(from.rfcName) → \(to.rfcName)")
      default:
        continue
      }
    }
    return out.joined(separator: "\n") + "\n"
  }

  /// `S. 0:0(0) ack 1 win 65535 <mss 1460,sackOK,nop,wscale 7>`.
  static func packet(
    _ s: Segment, seq: Int64, ack: Int64, window: Bool, sackBase: SeqNum? = nil,
    ackRel: Int64 = 0
  ) -> String {
    var flags = ""
    for (f, c) in [
      (TCPFlags.syn, "S"), (.fin, "F"), (.rst, "R"), (.psh, "P"), (.ece, "E"), (.cwr, "W"),
      (.urg, "U"), (.ack, "."),
    ] where s.flags.contains(f) {
      flags += c
    }
    if flags.isEmpty { flags = "-" }
    let len = s.payload.count
    var text = "\(flags) \(seq):\(seq + Int64(len))(\(len))"
    if s.flags.contains(.ack) { text += " ack \(ack)" }
    if window { text += " win \(s.window)" }
    var opts: [String] = []
    let o = s.options
    if let m = o.mss { opts.append("mss \(m)") }
    if o.sackPermitted { opts.append("sackOK") }
    if let ts = o.timestamps { opts.append("TS val \(ts.value) ecr \(ts.echoReply)") }
    if let w = o.windowScale { opts.append("nop,wscale \(w)") }
    if !o.sackBlocks.isEmpty {
      // SACK blocks are in the receiver's sequence space: relative to the ISN its acks count
      // from (the ack field's base).
      let base = sackBase.map { $0 + Int(-ackRel) } ?? SeqNum(0)
      opts.append(
        "sack " + o.sackBlocks.map { "\($0.left - base):\($0.right - base)" }.joined(separator: " ")
      )
    }
    if !opts.isEmpty { text += " <" + opts.joined(separator: ",") + ">" }
    return text
  }

  /// What differs from the kernel `handshake-tui pkt` starts with (Linux's defaults, with
  /// timestamps on and window scale 7): as `// handshake-tui:` settings, and as the sysctls
  /// that set the same on a real Linux.
  static func settings(_ c: TCPConfig) -> (settings: [String], sysctls: [String]) {
    var base = TCPConfig()
    base.timestamps = true
    base.windowScale = 7
    var settings: [String] = []
    var sysctls: [String] = []
    if c.autoRead { settings.append("reads auto") }
    if c.profile != .linux {
      settings.append("profile \(c.profile.rawValue)")
      base.apply(c.profile)
    }
    func add(_ s: HostSetting) { settings.append("\(s.lessonKey) \(s.lessonValue)") }
    if c.mss != base.mss { add(.mss(c.mss)) }
    if c.receiveBuffer != base.receiveBuffer { add(.receiveBuffer(c.receiveBuffer)) }
    if c.windowScale != base.windowScale {
      add(.windowScale(c.windowScale))
      if c.windowScale == nil { sysctls.append("net.ipv4.tcp_window_scaling=0") }
    }
    if c.sack != base.sack {
      add(.sack(c.sack))
      sysctls.append("net.ipv4.tcp_sack=\(c.sack ? 1 : 0)")
    }
    if c.timestamps != base.timestamps {
      add(.timestamps(c.timestamps))
      sysctls.append("net.ipv4.tcp_timestamps=\(c.timestamps ? 1 : 0)")
    }
    if c.delayedAck != base.delayedAck { add(.delayedAck(c.delayedAck)) }
    if c.lossRecovery != base.lossRecovery { add(.lossRecovery(c.lossRecovery)) }
    if c.msl != base.msl { add(.msl(c.msl)) }
    if c.synLinearTimeouts != base.synLinearTimeouts {
      add(.synLinearTimeouts(c.synLinearTimeouts))
      sysctls.append("net.ipv4.tcp_syn_linear_timeouts=\(c.synLinearTimeouts)")
    }
    if c.synRetries != base.synRetries {
      add(.synRetries(c.synRetries))
      sysctls.append("net.ipv4.tcp_syn_retries=\(c.synRetries)")
    }
    if c.synCookies != base.synCookies { add(.synCookies(c.synCookies)) }
    if c.sendDelay != base.sendDelay { add(.sendDelay(c.sendDelay)) }
    if c.resetStyle != base.resetStyle { settings.append("reset \(c.resetStyle.rawValue)") }
    if c.finTimeout != base.finTimeout {
      settings.append("fin_timeout \(c.finTimeout.lessonText)")
      sysctls.append("net.ipv4.tcp_fin_timeout=\(c.finTimeout.micros / 1_000_000)")
    }
    if c.initialRTO != base.initialRTO { settings.append("initial_rto \(c.initialRTO.lessonText)") }
    if c.minRTO != base.minRTO { settings.append("min_rto \(c.minRTO.lessonText)") }
    if c.synAckRetries != base.synAckRetries {
      settings.append("synack_retries \(c.synAckRetries)")
      sysctls.append("net.ipv4.tcp_synack_retries=\(c.synAckRetries)")
    }
    if c.dataRetries != base.dataRetries {
      settings.append("retries \(c.dataRetries)")
      sysctls.append("net.ipv4.tcp_retries2=\(c.dataRetries)")
    }
    return (settings, sysctls)
  }
}
