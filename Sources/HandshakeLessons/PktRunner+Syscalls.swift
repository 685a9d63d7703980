import HandshakeSim

/// The script's system calls as the engine's socket calls, and their results checked.
extension PktRunner {
  static let errnoNumbers: [String: Int64] = [
    "EPIPE": 32, "EAGAIN": 11, "ECONNREFUSED": 111, "ECONNRESET": 104, "ETIMEDOUT": 110,
    "ENOTCONN": 107, "EISCONN": 106, "EADDRINUSE": 98, "EINVAL": 22, "EBADF": 9,
    "EINPROGRESS": 115,
  ]

  mutating func syscall(_ c: PktSyscall, _ e: PktEvent) {
    let w = window(e.time)
    let t = VirtualTime(micros: w.at)
    previous = w.at
    let fdArg = c.args.first?.int
    func expectZero() {
      if c.result != 0 || c.errno != nil {
        failure = diag(
          e, column: c.resultColumn,
          "\(c.name)() returns 0 in the engine, the script expects \(resultText(c.result, c.errno))"
        )
      }
    }
    switch c.name {
    case "socket":
      let fd = lowestFreeFd
      guard c.result == fd else {
        failure = diag(
          e, column: c.resultColumn,
          "socket() returns \(fd) here (the lowest free descriptor), the script expects \(c.result)"
        )
        return
      }
      fds[fd] = Descriptor(kind: .socket)
    case "bind":
      expectZero()
    case "setsockopt":
      setsockopt(c, e, t)
    case "getsockopt":
      getsockopt(c, e, t)
    case "fcntl":
      fcntl(c, e)
    case "listen":
      guard let fd = fdArg, fds[fd]?.kind == .socket else {
        failure = diag(e, "listen() on \(fdArg.map(String.init) ?? "?"), which is not a socket")
        return
      }
      fds[fd]?.kind = .listener
      connectionStarted = true
      let backlog = c.args.count > 1 ? c.args[1].int.map { Int($0) } : nil
      add(.at(t), host: 0, .listen(port: 8080, backlog: backlog), e)
      check(.listen, c, e)
    case "connect":
      guard let fd = fdArg, fds[fd]?.kind == .socket else {
        failure = diag(e, "connect() on \(fdArg.map(String.init) ?? "?"), which is not a socket")
        return
      }
      fds[fd]?.kind = .connection
      connectionStarted = true
      // Each connect() from a port of its own, as the kernel picks ephemeral ports.
      localPort = 40000 + UInt16(connects % 20000)
      connects += 1
      readSoFar = 0
      add(.at(t), host: 0, .connect(to: 1, port: 8080, localPort: localPort), e)
      if fds[fd]?.nonblocking == true {
        check(.connect, c, e)
      } else {
        // A blocking connect returns when the handshake is over: later lines decide.
        deferred.append(
          Deferred(
            call: .connect, at: lastRun, expected: (c.result, c.errno), event: e,
            resultColumn: c.resultColumn))
      }
    case "accept":
      accept(c, e, t)
    case "write", "send":
      guard let fd = fdArg, fds[fd]?.kind == .connection else {
        failure = diag(e, "\(c.name)() on \(fdArg.map(String.init) ?? "?"), which is not connected")
        return
      }
      let n = c.args.count > 2 ? c.args[2].int ?? 0 : 0
      add(.at(t), host: 0, .send(.count(Int(n))), e)
      check(.send, c, e)
    case "read", "recv":
      read(c, e, t)
    case "shutdown":
      guard let fd = fdArg, fds[fd]?.kind == .connection else {
        failure = diag(e, "shutdown() on \(fdArg.map(String.init) ?? "?"), which is not connected")
        return
      }
      let how = c.args.count > 1 ? c.args[1] : .names(["SHUT_WR"])
      if case .names(let n) = how, n == ["SHUT_RD"] {
        expectZero()  // nothing to tell the peer
        return
      }
      add(.at(t), host: 0, .shutdown, e)
      check(.shutdown, c, e)
    case "close":
      guard let fd = fdArg, let d = fds[fd] else {
        failure = diag(e, "close() of \(fdArg.map(String.init) ?? "?"), which is not open")
        return
      }
      fds[fd] = nil
      switch d.kind {
      case .socket: expectZero()
      case .listener:
        add(.at(t), host: 0, .closeListener, e)
        check(.close, c, e)
      case .connection:
        if d.lingerZero {
          add(.at(t), host: 0, .abort, e)
          check(.abort, c, e)
        } else {
          add(.at(t), host: 0, .close, e)
          check(.close, c, e)
        }
      }
    case "poll":
      poll(c, e, t)
    default:
      failure = PktDiagnostic(
        .unsupported, file: script.file, line: e.line, column: e.column,
        "not supported: \(c.name) at line \(e.line)")
    }
  }

  func resultText(_ v: Int64, _ errno: String?) -> String {
    errno.map { "-1 \($0)" } ?? String(v)
  }

  /// Runs the engine and compares the record the call just made with the script's result:
  /// the first record of that call from the time the line ran (a connect's later outcome, an
  /// error told to a blocked call, are records of their own and are passed over).
  mutating func check(_ call: AppCall, _ c: PktSyscall, _ e: PktEvent) {
    let tl = engine()
    let records = appRecords(tl, call)
    let from = consumed[call, default: 0]
    let at = lastRun
    guard let k = records.indices.first(where: { $0 >= from && records[$0].time >= at }) else {
      failure = diag(e, "\(c.name)() made no call in the engine")
      return
    }
    consumed[call] = k + 1
    compare(
      (records[k].result, records[k].bytes), c.name, (c.result, c.errno), e, column: c.resultColumn)
  }

  func appRecords(_ tl: Timeline, _ call: AppCall) -> [(
    time: VirtualTime, result: AppResult, bytes: Int
  )] {
    tl.records.compactMap { r -> (VirtualTime, AppResult, Int)? in
      guard r.host == 0, case .app(_, let k, let result, let bytes) = r.event, k == call else {
        return nil
      }
      return (r.time, result, bytes)
    }
  }

  mutating func compare(
    _ got: (AppResult, Int), _ name: String, _ expected: (Int64, String?), _ e: PktEvent,
    column: Int
  ) {
    let (result, bytes) = got
    let actual: (Int64, String?)
    switch result {
    case .ok:
      actual = (["write", "send", "read", "recv"].contains(name) ? Int64(bytes) : 0, nil)
    case .inProgress, .wouldBlock: actual = (-1, result.rawValue)
    default: actual = (-1, result.rawValue)
    }
    if name == "accept", result == .ok { return }  // the descriptor is checked by accept()
    if actual.0 != expected.0 || actual.1 != expected.1 {
      failure = diag(
        e, column: column,
        "\(name)() returns \(resultText(actual.0, actual.1)) in the engine, the script expects \(resultText(expected.0, expected.1))"
      )
    }
  }

  /// Blocking connects, once every line has run: the outcome that followed the call.
  mutating func checkDeferred(_ tl: Timeline) {
    for d in deferred {
      let records = appRecords(tl, d.call)
      guard let r = records.first(where: { $0.time >= d.at && $0.result != .inProgress }) else {
        failure = diag(d.event, "connect() never returned: the handshake did not finish")
        return
      }
      compare((r.result, r.bytes), "connect", d.expected, d.event, column: d.resultColumn)
      if failure != nil { return }
    }
  }

  /// The local endpoint as it stands once everything up to `t` has happened.
  func endpoint(_ tl: Timeline, at t: VirtualTime) -> EndpointSnapshot {
    var i = tl.step(atOrAfter: t + .micros(1))
    if i > 0 && tl.steps[i].time > t { i -= 1 }
    return tl.endpoint(.left, atStep: i)
  }

  mutating func accept(_ c: PktSyscall, _ e: PktEvent, _ t: VirtualTime) {
    guard let fd = c.args.first?.int, fds[fd]?.kind == .listener else {
      failure = diag(e, "accept() on a descriptor that is not listening")
      return
    }
    let tl = engine()
    // Connections that completed by now (before this line runs) and are not yet accepted.
    let runsAt = max(t, lastScheduled + .micros(1))
    let ready = tl.records.filter {
      guard $0.host == 0, $0.time < runsAt, case .state(_, _, .established) = $0.event else {
        return false
      }
      return true
    }.count
    if ready > accepted {
      add(.at(t), host: 0, .accept, e)
    } else if fds[fd]?.nonblocking == true {
      if c.result != -1 || c.errno != "EAGAIN" {
        failure = diag(
          e, column: c.resultColumn,
          "accept() returns -1 EAGAIN here (no connection is ready), the script expects \(resultText(c.result, c.errno))"
        )
      }
      return
    } else {
      // A blocking accept returns when the next connection completes.
      add(
        .after(
          EventPattern(kind: .state, host: 0, state: .established, nth: accepted + 1), delay: .zero),
        host: 0, .accept, e)
    }
    accepted += 1
    check(.accept, c, e)
    guard failure == nil else { return }
    let newFd = lowestFreeFd
    guard c.result == newFd else {
      failure = diag(
        e, column: c.resultColumn,
        "accept() returns \(newFd) here (the lowest free descriptor), the script expects \(c.result)"
      )
      return
    }
    if fds.values.contains(where: { $0.kind == .connection }) {
      failure = PktDiagnostic(
        .unsupported, file: script.file, line: e.line, column: e.column,
        "not supported: a second connection at line \(e.line) (one connection per script)")
      return
    }
    fds[newFd] = Descriptor(kind: .connection)
    readSoFar = 0
  }

  /// The lowest descriptor not in use, from 3 (as the kernel hands them out).
  var lowestFreeFd: Int64 {
    var fd: Int64 = 3
    while fds[fd] != nil { fd += 1 }
    return fd
  }

  mutating func read(_ c: PktSyscall, _ e: PktEvent, _ t: VirtualTime) {
    guard let fd = c.args.first?.int, let d = fds[fd], d.kind == .connection else {
      failure = diag(e, "\(c.name)() on a descriptor that is not connected")
      return
    }
    let n = c.args.count > 2 ? c.args[2].int.map { Int($0) } : nil
    if config.autoRead {
      checkAutoRead(c, e, t)
      return
    }
    var at = Trigger.at(t)
    if !d.nonblocking {
      // A blocking read waits for data (or the end of the stream): the script's end time if it
      // gives one, else the next arrival with data.
      let tl = engine()
      let now = endpoint(tl, at: max(t, lastScheduled)).connection
      let ready =
        (now?.unreadBytes ?? 0) > 0 || (now?.finReceived ?? false) || now?.error != nil
        || now?.state == .closed
      if !ready {
        if let end = e.end {
          at = .at(VirtualTime(micros: window(end).at))
        } else {
          let arrived = tl.records.filter {
            guard $0.host == 0, $0.time <= t, case .arrive(let tx, _) = $0.event else {
              return false
            }
            return !tl.transmissions[Int(tx)].segment.payload.isEmpty
          }.count
          at = .after(
            EventPattern(kind: .arrive, host: 0, hasData: true, nth: arrived + 1), delay: .zero)
        }
      }
    }
    add(at, host: 0, .read(max: n), e)
    check(.recv, c, e)
  }

  /// `reads auto`: the application has read by itself; the line says how much since the
  /// previous read line (0: the end of the stream; -1 ERRNO: the error it heard).
  mutating func checkAutoRead(_ c: PktSyscall, _ e: PktEvent, _ t: VirtualTime) {
    let conn = endpoint(engine(), at: max(t, lastScheduled + .micros(1))).connection
    let total = conn?.bytesRead ?? 0
    let got: (Int64, String?)
    if total > readSoFar {
      got = (Int64(total - readSoFar), nil)
      readSoFar = total
    } else if let err = conn?.error, err != .ok {
      got = (-1, err.rawValue)
    } else if conn?.finReceived == true || conn == nil {
      got = (0, nil)
    } else {
      got = (-1, "EAGAIN")
    }
    if got.0 != c.result || got.1 != c.errno {
      failure = diag(
        e, column: c.resultColumn,
        "\(c.name)() gives \(resultText(got.0, got.1)) here (the application reads by itself), the script expects \(resultText(c.result, c.errno))"
      )
    }
  }

  mutating func setsockopt(_ c: PktSyscall, _ e: PktEvent, _ t: VirtualTime) {
    guard c.args.count >= 4, let fd = c.args[0].int, fds[fd] != nil,
      case .names(let opt) = c.args[2], opt.count == 1
    else {
      failure = PktDiagnostic(
        .unsupported, file: script.file, line: e.line, column: e.column,
        "not supported: this setsockopt at line \(e.line)")
      return
    }
    switch opt[0] {
    case "SO_REUSEADDR", "SO_REUSEPORT":
      break  // nothing to do: the engine has no port in use to reuse
    case "TCP_NODELAY":
      break  // the engine has no Nagle: every write goes at once, as with TCP_NODELAY
    case "TCP_MAXSEG":
      guard let v = c.args[3].int, v >= 64, v <= 65495 else {
        failure = diag(e, "TCP_MAXSEG takes [N] with N from 64 to 65495")
        return
      }
      if connectionStarted {
        add(.at(t), host: 0, .sysctl([.mss(UInt16(v))]), e)
      } else {
        config.mss = UInt16(v)
      }
    case "SO_LINGER":
      if case .fields(let f) = c.args[3],
        f.first(where: { $0.name == "l_onoff" })?.value.int == 1,
        f.first(where: { $0.name == "l_linger" })?.value.int == 0
      {
        fds[fd]?.lingerZero = true
      }
    default:
      failure = PktDiagnostic(
        .unsupported, file: script.file, line: e.line, column: e.column,
        "not supported: setsockopt \(opt[0]) at line \(e.line)")
      return
    }
    if c.result != 0 || c.errno != nil {
      failure = diag(
        e, column: c.resultColumn,
        "setsockopt() returns 0 in the engine, the script expects \(resultText(c.result, c.errno))")
    }
  }

  mutating func getsockopt(_ c: PktSyscall, _ e: PktEvent, _ t: VirtualTime) {
    guard c.args.count >= 4, case .names(let opt) = c.args[2], opt == ["SO_ERROR"],
      case .list(let v) = c.args[3], v.count == 1
    else {
      failure = PktDiagnostic(
        .unsupported, file: script.file, line: e.line, column: e.column,
        "not supported: getsockopt other than SO_ERROR at line \(e.line)")
      return
    }
    let error = endpoint(engine(), at: t).connection?.error
    let got: Int64 = error.map { Self.errnoNumbers[$0.rawValue] ?? -1 } ?? 0
    let want: Int64?
    switch v[0] {
    case .int(let n): want = n
    case .names(let n) where n.count == 1: want = Self.errnoNumbers[n[0]]
    default: want = nil
    }
    if want != got {
      failure = diag(
        e,
        "SO_ERROR is \(error?.rawValue ?? "0") in the engine, the script expects \(v[0])")
    }
  }

  mutating func fcntl(_ c: PktSyscall, _ e: PktEvent) {
    guard c.args.count >= 2, let fd = c.args[0].int, let d = fds[fd],
      case .names(let cmd) = c.args[1], cmd.count == 1
    else {
      failure = diag(e, "fcntl() on a descriptor that is not open")
      return
    }
    switch cmd[0] {
    case "F_GETFL":
      let flags: Int64 = 2 | (d.nonblocking ? 0x800 : 0)  // O_RDWR | O_NONBLOCK
      if c.result != flags {
        failure = diag(
          e, column: c.resultColumn,
          "fcntl(F_GETFL) returns \(String(flags, radix: 16)) here, the script expects \(String(c.result, radix: 16))"
        )
      }
    case "F_SETFL":
      if c.args.count > 2, case .names(let n) = c.args[2] {
        fds[fd]?.nonblocking = n.contains("O_NONBLOCK")
      } else if c.args.count > 2, let v = c.args[2].int {
        fds[fd]?.nonblocking = v & 0x800 != 0
      }
    default:
      failure = PktDiagnostic(
        .unsupported, file: script.file, line: e.line, column: e.column,
        "not supported: fcntl \(cmd[0]) at line \(e.line)")
    }
  }

  /// poll with a zero timeout, as far as the engine can say: readable when data, the end of
  /// the stream or an error waits; writable when the connection is open for sending.
  mutating func poll(_ c: PktSyscall, _ e: PktEvent, _ t: VirtualTime) {
    guard case .list(let items)? = c.args.first else {
      failure = diag(e, "poll() takes a list of {fd=..., events=..., revents=...}")
      return
    }
    let conn = endpoint(engine(), at: t).connection
    var ready: Int64 = 0
    for item in items {
      guard case .fields(let f) = item else { continue }
      func names(_ key: String) -> Set<String> {
        guard let v = f.first(where: { $0.name == key })?.value else { return [] }
        if case .names(let n) = v { return Set(n) }
        return []
      }
      let events = names("events")
      let expected = names("revents")
      var revents: Set<String> = []
      if let k = conn {
        let readable = k.unreadBytes > 0 || k.finReceived || k.error != nil
        let writable = k.state == .established || k.state == .closeWait
        if events.contains("POLLIN") && readable { revents.insert("POLLIN") }
        if events.contains("POLLOUT") && writable { revents.insert("POLLOUT") }
        if k.error != nil { revents.insert("POLLERR") }
        if k.finReceived && events.contains("POLLRDHUP") { revents.insert("POLLRDHUP") }
      }
      if !revents.isEmpty { ready += 1 }
      if revents != expected {
        failure = diag(
          e,
          "poll gives revents=\(revents.isEmpty ? "0" : revents.sorted().joined(separator: "|")) here, the script expects \(expected.isEmpty ? "0" : expected.sorted().joined(separator: "|"))"
        )
        return
      }
    }
    if ready != c.result {
      failure = diag(
        e, column: c.resultColumn, "poll() returns \(ready) here, the script expects \(c.result)")
    }
  }
}
