/// Script entries: application calls on a host's current socket, and crafted segments.
extension Simulation {
  mutating func perform(entry: Int, round: Int) {
    let e = scenario.script[entry]
    let h = Int32(e.host)
    if case .inject(let inj) = e.action {
      inject(inj, from: h, round: round, entry: entry)
      return
    }
    guard hosts[Int(h)].spec.tcpConfig != nil else {
      // A host with no TCP cannot make socket calls; the lesson checker forbids this.
      record(.app(socket: -1, call: e.action.call, result: .invalid, bytes: 0), host: h)
      return
    }
    switch e.action {
    case .listen(let port, let backlog):
      listen(host: h, port: port ?? hosts[Int(h)].spec.port ?? 80, backlog: backlog)
    case .connect(let to, let port, let localPort):
      connect(host: h, to: Int32(to), port: port, localPort: localPort)
    case .send(let payload):
      withFocus(h, .send) { c, sim in sim.conns[Int(c)].send(payload, now: sim.now, &sim.fx) }
    case .read(let max):
      withFocus(h, .recv) { c, sim in sim.conns[Int(c)].read(max: max, now: sim.now, &sim.fx) }
    case .close:
      if let c = hosts[Int(h)].focus, !conns[Int(c)].appClosed {
        conns[Int(c)].close(now: now, &fx)
        touched.append(c)
      } else if let l = hosts[Int(h)].focusListener, listeners[Int(l)].open {
        closeListener(l, host: h)
      } else {
        record(.app(socket: -1, call: .close, result: .badDescriptor, bytes: 0), host: h)
      }
    case .shutdown:
      withFocus(h, .shutdown) { c, sim in sim.conns[Int(c)].shutdownWrite(now: sim.now, &sim.fx) }
    case .abort:
      withFocus(h, .abort) { c, sim in sim.conns[Int(c)].abort(now: sim.now, &sim.fx) }
    case .accept:
      if let l = hosts[Int(h)].focusListener, acceptOne(listener: l, host: h) {
        break
      }
      record(.app(socket: -1, call: .accept, result: .invalid, bytes: 0), host: h)
    case .closeListener:
      if let l = hosts[Int(h)].focusListener, listeners[Int(l)].open {
        closeListener(l, host: h)
      } else {
        record(.app(socket: -1, call: .close, result: .badDescriptor, bytes: 0), host: h)
      }
    case .sysctl(let settings):
      for setting in settings {
        if case .tcp(var c) = hosts[Int(h)].spec.role {
          setting.apply(to: &c)
          hosts[Int(h)].spec.role = .tcp(c)
          hosts[Int(h)].sendDelay = c.sendDelay
        }
        for i in listeners.indices where listeners[i].host == h {
          switch setting {
          case .synCookies(let mode): listeners[i].cookies = mode
          case .backlog(let n): listeners[i].backlog = max(1, n)
          default: break
          }
        }
      }
      record(.app(socket: -1, call: .sysctl, result: .ok, bytes: 0), host: h)
    case .inject:
      break
    }
  }

  private mutating func withFocus(
    _ h: Int32, _ call: AppCall, _ body: (Int32, inout Simulation) -> Void
  ) {
    guard let c = hosts[Int(h)].focus else {
      record(.app(socket: -1, call: call, result: .notConnected, bytes: 0), host: h)
      return
    }
    body(c, &self)
    touched.append(c)
  }

  private mutating func listen(host h: Int32, port: UInt16, backlog: Int?) {
    let config = hosts[Int(h)].spec.tcpConfig ?? TCPConfig()
    if let l = hosts[Int(h)].listenerByPort[port], listeners[Int(l)].open {
      record(
        .app(socket: listeners[Int(l)].socketID, call: .listen, result: .addressInUse, bytes: 0),
        host: h)
      return
    }
    let index = Int32(listeners.count)
    let socket = Int32(tl.sockets.count)
    tl.sockets.append(
      SocketInfo(
        host: h, isListener: true, localAddress: hosts[Int(h)].spec.address, localPort: port,
        remoteAddress: nil, remotePort: nil))
    listeners.append(
      Listener(
        index: index, socketID: socket, host: h, port: port,
        backlog: max(1, backlog ?? config.backlog), cookies: config.synCookies))
    hosts[Int(h)].listenerByPort[port] = index
    hosts[Int(h)].focusListener = index
    record(.app(socket: socket, call: .listen, result: .ok, bytes: 0), host: h)
    record(.state(socket: socket, from: .closed, to: .listen), host: h)
  }

  private mutating func closeListener(_ l: Int32, host h: Int32) {
    listeners[Int(l)].open = false
    let socket = listeners[Int(l)].socketID
    record(.app(socket: socket, call: .close, result: .ok, bytes: 0), host: h)
    record(.state(socket: socket, from: .listen, to: .closed), host: h)
    // Connections not yet accepted die with the listener (Linux resets them).
    let pending = listeners[Int(l)].synQueue + listeners[Int(l)].acceptQueue
    for c in pending where conns[Int(c)].state != .closed {
      conns[Int(c)].abort(now: now, &fx)
      touched.append(c)
    }
  }

  private mutating func connect(host h: Int32, to: Int32, port: UInt16?, localPort: UInt16?) {
    if let c = hosts[Int(h)].focus, conns[Int(c)].state != .closed, !conns[Int(c)].appClosed {
      record(
        .app(socket: conns[Int(c)].socketID, call: .connect, result: .isConnected, bytes: 0),
        host: h)
      return
    }
    let remote = hosts[Int(to)].spec.address
    let remotePort = port ?? hosts[Int(to)].spec.port ?? 80
    let lport: UInt16
    if let p = localPort {
      lport = p
    } else {
      lport = hosts[Int(h)].nextPort
      hosts[Int(h)].nextPort = lport == UInt16.max ? 40000 : lport + 1
    }
    let key = ConnKey(localPort: lport, remote: remote, remotePort: remotePort)
    if let existing = hosts[Int(h)].connsByKey[key] {
      // The 4-tuple is still held, for instance by a connection in TIME-WAIT.
      record(
        .app(
          socket: conns[Int(existing)].socketID, call: .connect, result: .addressInUse, bytes: 0),
        host: h)
      return
    }
    let iss = chooseISS(host: h, lport, remote, remotePort)
    let c = newConnection(
      host: h, localPort: lport, remote: remote, remotePort: remotePort, passive: false, iss: iss)
    hosts[Int(h)].focus = c
    conns[Int(c)].activeOpen(now: now, &fx)
    touched.append(c)
  }

  /// Sends one crafted segment and schedules the next repetition.
  private mutating func inject(_ inj: Injection, from h: Int32, round: Int, entry: Int) {
    let spec = hosts[Int(h)].spec
    let dst = hosts[Int(inj.to)].spec
    let src: IPv4Address
    switch inj.source {
    case .own: src = spec.address
    case .fixed(let a): src = a
    case .random(let base, let count):
      src = IPv4Address(
        base.value &+ UInt32(truncatingIfNeeded: rng.next() % UInt64(max(count, 1))))
    }
    let sport: UInt16
    switch inj.sourcePort {
    case .own: sport = spec.port ?? 40000
    case .fixed(let p): sport = p
    case .random: sport = UInt16(1024 + rng.next() % (65536 - 1024))
    }
    var flags = inj.flags
    let ack = inj.ack.map { evaluate($0) } ?? SeqNum(0)
    if inj.ack != nil { flags.insert(.ack) }
    var options = inj.options
    if let (base, blocks) = inj.relativeSack {
      let b = evaluate(base)
      options.sackBlocks = blocks.map {
        SackBlock(left: b + Int($0.left), right: b + Int($0.right))
      }
    }
    let seg = Segment(
      source: src, destination: dst.address, sourcePort: sport,
      destinationPort: inj.destinationPort ?? dst.port ?? 80, seq: evaluate(inj.seq), ack: ack,
      flags: flags, window: inj.window, options: options,
      payload: (inj.payload?.materialize() ?? [])[...])
    transmit(seg, from: h, socket: -1, retransmission: false)
    if round + 1 < inj.count {
      queue.push(now + inj.interval, .action(entry: Int32(entry), round: Int32(round + 1)))
    }
  }

  /// Reads a number for a crafted segment.
  mutating func evaluate(_ e: SeqExpr) -> SeqNum {
    switch e {
    case .absolute(let v): return SeqNum(v)
    case .random: return SeqNum(UInt32(truncatingIfNeeded: rng.next()))
    case .relative(let host, let field, let offset):
      guard let c = hosts[host].focus else { return SeqNum(0) + Int(offset) }
      let conn = conns[Int(c)]
      let base: SeqNum
      switch field {
      case .iss: base = conn.iss
      case .irs: base = conn.irs
      case .sndUna: base = conn.sndUna
      case .sndNxt: base = conn.sndNxt
      case .rcvNxt: base = conn.rcvNxt
      }
      return base + Int(offset)
    }
  }
}

extension Action {
  /// The socket call this action is, for the trace.
  public var call: AppCall {
    switch self {
    case .listen: .listen
    case .connect: .connect
    case .send: .send
    case .read: .recv
    case .close, .closeListener: .close
    case .shutdown: .shutdown
    case .abort: .abort
    case .accept: .accept
    case .inject: .send
    case .sysctl: .sysctl
    }
  }
}
