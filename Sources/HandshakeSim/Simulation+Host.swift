/// A TCP host: it routes arriving segments to a connection, a listener, or the CLOSED-state
/// reset (RFC 9293 §3.10.7.1–§3.10.7.2), owns listeners with their SYN and accept queues and
/// SYN cookies, and creates connections.
extension Simulation {
  /// SEGMENT ARRIVES at a TCP host.
  mutating func segmentArrives(_ seg: Segment, host h: Int32) {
    let key = ConnKey(
      localPort: seg.destinationPort, remote: seg.source, remotePort: seg.sourcePort)
    if let c = hosts[Int(h)].connection(for: key) {
      conns[Int(c)].segmentArrives(seg, now: now, &fx)
      touched.append(c)
      return
    }
    if let l = hosts[Int(h)].listenerByPort[seg.destinationPort], listeners[Int(l)].open {
      listenerArrives(seg, listener: l, host: h)
      return
    }
    // CLOSED: no TCB. Answer with a reset unless it is one.
    if let rst = Connection.reset(answering: seg) {
      fx.note(.noListenerReset)
      fx.append(.send(rst, socket: -1, retransmission: false))
    } else {
      fx.note(.rstIgnored)
    }
  }

  private func tuple(_ seg: Segment) -> SynCookie.FourTuple {
    SynCookie.FourTuple(
      source: seg.source, destination: seg.destination,
      sourcePort: seg.sourcePort, destinationPort: seg.destinationPort)
  }

  /// LISTEN (§3.10.7.2), with Linux's queues and cookies.
  private mutating func listenerArrives(_ seg: Segment, listener l: Int32, host h: Int32) {
    let f = seg.flags
    let config = hosts[Int(h)].spec.tcpConfig ?? TCPConfig()
    // First, a RST is ignored.
    if f.contains(.rst) {
      fx.note(.rstIgnored)
      return
    }
    // Second, any ACK is bad here, unless it returns a valid SYN cookie.
    if f.contains(.ack) {
      if !f.contains(.syn) && listeners[Int(l)].checksCookies(now: now),
        let idx = synCookie.check(
          tuple: tuple(seg), cookie: seg.ack - 1, clientISN: seg.seq - 1, now: now)
      {
        if listeners[Int(l)].acceptQueueFull {
          listeners[Int(l)].acceptDrops += 1
          fx.note(.acceptQueueFull)
          return
        }
        fx.note(.cookieAccepted)
        listeners[Int(l)].cookiesAccepted += 1
        let c = connectionFromCookie(seg, mssIndex: idx, listener: l, host: h, config: config)
        conns[Int(c)].segmentArrives(seg, now: now, &fx)
        touched.append(c)
        return
      }
      fx.note(.ackToListenerReset)
      if let rst = Connection.reset(answering: seg) {
        fx.append(.send(rst, socket: listeners[Int(l)].socketID, retransmission: false))
      }
      return
    }
    // Third, a SYN.
    guard f.contains(.syn) else { return }
    let lst = listeners[Int(l)]
    if lst.acceptQueueFull {
      // Linux drops SYNs while the accept queue is full, cookies or not.
      listeners[Int(l)].acceptDrops += 1
      listeners[Int(l)].lastOverflow = now
      fx.note(.acceptQueueFull)
      return
    }
    let full = lst.synQueue.count >= lst.backlog
    if full { listeners[Int(l)].lastOverflow = now }
    if lst.cookies == .always || (full && lst.cookies == .onOverflow) {
      listeners[Int(l)].cookiesSent += 1
      fx.note(.cookieSent)
      fx.append(
        .send(cookieSynAck(seg, config: config), socket: lst.socketID, retransmission: false))
      return
    }
    if full {
      listeners[Int(l)].synDrops += 1
      fx.note(.synQueueFull)
      return
    }
    let iss = chooseISS(host: h, seg.destinationPort, seg.source, seg.sourcePort)
    let c = newConnection(
      host: h, localPort: seg.destinationPort, remote: seg.source, remotePort: seg.sourcePort,
      passive: true, iss: iss)
    conns[Int(c)].listener = l
    conns[Int(c)].state = .listen  // the new connection starts as the listener's copy
    conns[Int(c)].irs = seg.seq
    conns[Int(c)].rcvNxt = seg.seq + 1
    conns[Int(c)].learnPeerSynOptions(seg)
    conns[Int(c)].sndWnd = UInt32(seg.window)
    conns[Int(c)].maxSndWnd = UInt32(seg.window)
    conns[Int(c)].sndWl1 = seg.seq
    conns[Int(c)].setState(.synReceived, &fx)
    conns[Int(c)].sendSyn(ack: true, now: now, &fx)
    listeners[Int(l)].synQueue.append(c)
    touched.append(c)
  }

  /// A SYN-ACK whose ISN is a cookie; no state is kept (Linux `tcp_conn_request`, want_cookie).
  private func cookieSynAck(_ syn: Segment, config: TCPConfig) -> Segment {
    let idx = SynCookie.mssIndex(for: syn.options.mss ?? 536)
    let iss = synCookie.make(tuple: tuple(syn), clientISN: syn.seq, mssIndex: idx, now: now)
    var opts = TCPOptions(mss: config.mss)
    // Without timestamps there is nowhere to keep window scale and SACK, so Linux offers
    // neither (tcp_clear_options): that is what a cookie costs.
    if let ts = syn.options.timestamps, config.timestamps {
      let bothScale = syn.options.windowScale != nil && config.windowScale != nil
      let sack = syn.options.sackPermitted && config.sack
      let clock =
        UInt32(truncatingIfNeeded: now.micros / 1000)
        &+ tsOffset(syn.destination, syn.destinationPort, syn.source, syn.sourcePort)
      // The client's shift and SACK go into TSval's low bits, to come back in its TSecr.
      opts.timestamps = TCPTimestamps(
        value: SynCookie.encodeTimestamp(
          now: clock, windowScale: bothScale ? syn.options.windowScale : nil, sack: sack),
        echoReply: ts.value)
      opts.windowScale = bothScale ? config.windowScale : nil
      opts.sackPermitted = sack
    }
    return Segment(
      source: syn.destination, destination: syn.source, sourcePort: syn.destinationPort,
      destinationPort: syn.sourcePort, seq: iss, ack: syn.seq + 1, flags: [.syn, .ack],
      window: Connection.initialWindow(buffer: config.receiveBuffer, mss: config.mss), options: opts
    )
  }

  /// Rebuilds a connection from a valid cookie ACK (Linux `cookie_v4_check`).
  private mutating func connectionFromCookie(
    _ seg: Segment, mssIndex: Int, listener l: Int32, host h: Int32, config: TCPConfig
  ) -> Int32 {
    let c = newConnection(
      host: h, localPort: seg.destinationPort, remote: seg.source, remotePort: seg.sourcePort,
      passive: true, iss: seg.ack - 1)
    var conn = conns[Int(c)]
    conn.listener = l
    conn.fromCookie = true
    conn.state = .listen
    conn.irs = seg.seq - 1
    conn.irsValid = true
    conn.rcvNxt = seg.seq
    conn.sndUna = seg.ack
    conn.sndNxt = seg.ack
    conn.rtxQueue.removeAll()
    conn.peerMSS = SynCookie.mssTable[mssIndex]
    if let ts = seg.options.timestamps, config.timestamps {
      let (ws, sack) = SynCookie.decodeTimestamp(ts.echoReply)
      conn.tsOK = true
      conn.tsRecent = ts.value
      conn.wsOK = ws != nil && config.windowScale != nil
      conn.sndWScale = conn.wsOK ? min(ws ?? 0, 14) : 0
      conn.rcvWScale = conn.wsOK ? (config.windowScale ?? 0) : 0
      conn.sackOK = sack && config.sack
    } else {
      conn.tsOK = false
      conn.wsOK = false
      conn.sackOK = false
    }
    conn.offeredTS = conn.tsOK
    conn.offeredSack = conn.sackOK
    conn.offeredWScale = conn.wsOK ? config.windowScale : nil
    conn.settleMSS()
    conn.sndWnd = UInt32(seg.window) << UInt32(conn.sndWScale)
    conn.maxSndWnd = conn.sndWnd
    conn.sndWl1 = seg.seq
    conn.sndWl2 = seg.ack
    conn.setState(.synReceived, &fx)
    conn.setState(.established, &fx)
    conns[Int(c)] = conn
    fx.append(.established(conn: c))
    return c
  }

  /// The ISS for a new connection: the host's fixed ISN the first time, if the lesson gave one,
  /// else RFC 9293 §3.4.1's clock plus keyed hash.
  mutating func chooseISS(
    host h: Int32, _ localPort: UInt16, _ remote: IPv4Address, _ remotePort: UInt16
  )
    -> SeqNum
  {
    if let isn = hosts[Int(h)].spec.tcpConfig?.isn, !hosts[Int(h)].usedFixedISN {
      hosts[Int(h)].usedFixedISN = true
      return SeqNum(isn)
    }
    return isnGenerator.isn(
      local: hosts[Int(h)].spec.address, localPort: localPort, remote: remote,
      remotePort: remotePort,
      now: now)
  }

  /// A per-connection timestamp offset, as Linux randomises it (from the run's key).
  func tsOffset(
    _ local: IPv4Address, _ localPort: UInt16, _ remote: IPv4Address, _ remotePort: UInt16
  )
    -> UInt32
  {
    UInt32(
      truncatingIfNeeded: isnGenerator.key.hash(
        UInt64(local.value) << 32 | UInt64(remote.value),
        UInt64(localPort) << 16 | UInt64(remotePort) | 0x7473_0000_0000))
  }

  /// Creates a connection and its socket record; a connection with the other ladder host
  /// becomes the host's focus.
  mutating func newConnection(
    host h: Int32, localPort: UInt16, remote: IPv4Address, remotePort: UInt16, passive: Bool,
    iss: SeqNum
  ) -> Int32 {
    let spec = hosts[Int(h)].spec
    let index = Int32(conns.count)
    let socket = Int32(tl.sockets.count)
    tl.sockets.append(
      SocketInfo(
        host: h, isListener: false, localAddress: spec.address, localPort: localPort,
        remoteAddress: remote, remotePort: remotePort))
    conns.append(
      Connection(
        index: index, socketID: socket, host: h, config: spec.tcpConfig ?? TCPConfig(),
        local: spec.address, localPort: localPort, remote: remote, remotePort: remotePort,
        passive: passive, iss: iss, tsOffset: tsOffset(spec.address, localPort, remote, remotePort))
    )
    connWake.append(nil)
    hosts[Int(h)].connsByKey[
      ConnKey(localPort: localPort, remote: remote, remotePort: remotePort)] = index
    if let other = ladderPeer(of: h), remote == hosts[Int(other)].spec.address {
      hosts[Int(h)].focus = index
    } else if !passive {
      hosts[Int(h)].focus = index
    }
    return index
  }

  /// The other ladder host, if `h` is one of the two.
  func ladderPeer(of h: Int32) -> Int32? {
    if Int(h) == scenario.left { return Int32(scenario.right) }
    if Int(h) == scenario.right { return Int32(scenario.left) }
    return nil
  }

  /// A passive connection completed: move it from the SYN queue to the accept queue and, if the
  /// application accepts by itself, accept it.
  mutating func connectionEstablished(_ c: Int32, host h: Int32) {
    guard let l = conns[Int(c)].listener else { return }
    listeners[Int(l)].synQueue.removeAll { $0 == c }
    listeners[Int(l)].acceptQueue.append(c)
    if hosts[Int(h)].spec.tcpConfig?.autoAccept ?? true {
      acceptOne(listener: l, host: h)
    }
  }

  /// accept(): takes the oldest completed connection.
  @discardableResult
  mutating func acceptOne(listener l: Int32, host h: Int32) -> Bool {
    guard !listeners[Int(l)].acceptQueue.isEmpty else { return false }
    let c = listeners[Int(l)].acceptQueue.removeFirst()
    conns[Int(c)].accepted = true
    record(
      .app(socket: conns[Int(c)].socketID, call: .accept, result: .ok, bytes: 0), host: h)
    return true
  }

  /// A connection reached CLOSED: forget its 4-tuple and take it off its listener's queues.
  mutating func connectionClosed(_ c: Int32) {
    let conn = conns[Int(c)]
    let key = ConnKey(
      localPort: conn.localPort, remote: conn.remoteAddress, remotePort: conn.remotePort)
    if hosts[Int(conn.host)].connsByKey[key] == c {
      hosts[Int(conn.host)].connsByKey[key] = nil
    }
    if let l = conn.listener {
      listeners[Int(l)].synQueue.removeAll { $0 == c }
      listeners[Int(l)].acceptQueue.removeAll { $0 == c }
    }
    // Free the buffers of a connection that will never be used again.
    conns[Int(c)].rtxQueue.removeAll()
    conns[Int(c)].ooo = ReassemblyQueue()
    conns[Int(c)].pendingRead = []
  }
}
