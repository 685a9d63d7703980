@testable import HandshakeSim

/// Builders for the small scenarios the engine tests run.
enum Fixture {
  static let clientAddress = IPv4Address(10, 0, 0, 1)
  static let serverAddress = IPv4Address(10, 0, 0, 2)

  static func tcp(
    _ name: String, _ address: IPv4Address, _ side: Side, port: UInt16, isn: UInt32? = nil,
    _ configure: (inout TCPConfig) -> Void = { _ in }
  ) -> HostSpec {
    var c = TCPConfig()
    c.isn = isn
    configure(&c)
    return HostSpec(name: name, address: address, side: side, role: .tcp(c), port: port)
  }

  static func client(isn: UInt32? = 1000, _ configure: (inout TCPConfig) -> Void = { _ in })
    -> HostSpec
  {
    tcp("client", clientAddress, .left, port: 40000, isn: isn, configure)
  }

  static func server(isn: UInt32? = 5000, _ configure: (inout TCPConfig) -> Void = { _ in })
    -> HostSpec
  {
    tcp("server", serverAddress, .right, port: 80, isn: isn, configure)
  }

  static func peer(
    _ name: String = "peer", _ address: IPv4Address = clientAddress, side: Side = .left,
    port: UInt16 = 40000
  )
    -> HostSpec
  {
    HostSpec(name: name, address: address, side: side, role: .scripted, port: port)
  }

  static let t0 = VirtualTime.zero
  static func ms(_ n: Int64) -> VirtualTime { VirtualTime(micros: n * 1000) }
  static func s(_ n: Int64) -> VirtualTime { VirtualTime(micros: n * 1_000_000) }

  /// listen at 0, connect at 100 ms.
  static let open: [ScriptEntry] = [
    ScriptEntry(.at(.zero), host: 1, .listen(port: nil, backlog: nil)),
    ScriptEntry(.at(ms(100)), host: 0, .connect(to: 1, port: nil, localPort: nil)),
  ]

  static func after(
    _ kind: RecordKind, host: Int, state: TCPState? = nil, flags: TCPFlags? = nil,
    hasData: Bool? = nil, nth: Int = 1, delay: Int64 = 0
  ) -> Trigger {
    .after(
      EventPattern(kind: kind, host: host, flags: flags, hasData: hasData, state: state, nth: nth),
      delay: .millis(delay))
  }

  /// The classic run: handshake, request, response, client closes, server closes.
  static func normal(
    client c: HostSpec = client(), server s: HostSpec = server(), link: LinkSpec = LinkSpec(),
    request: Int = 100, response: Int = 200, seed: UInt64 = 1
  ) -> Scenario {
    Scenario(
      seed: seed, hosts: [c, s], link: link,
      script: open + [
        ScriptEntry(after(.state, host: 0, state: .established), host: 0, .send(.count(request))),
        ScriptEntry(
          after(.arrive, host: 1, hasData: true, delay: 20), host: 1, .send(.count(response))),
        ScriptEntry(after(.state, host: 0, state: .established, delay: 2000), host: 0, .close),
        ScriptEntry(after(.state, host: 1, state: .closeWait, delay: 50), host: 1, .close),
      ])
  }
}

extension Timeline {
  func host(_ name: String) -> Int32 { Int32(hosts.firstIndex { $0.name == name }!) }

  /// Segments a host sent, in order.
  func sent(by name: String) -> [Transmission] {
    let h = host(name)
    return transmissions.filter { $0.from == h }
  }

  /// State changes at a host, in order.
  func states(of name: String) -> [(TCPState, TCPState)] {
    let h = host(name)
    return records.compactMap {
      guard $0.host == h, case .state(_, let f, let t) = $0.event else { return nil }
      return (f, t)
    }
  }

  /// The sequence of states a host went through, starting from the first `from`.
  func statePath(of name: String) -> [TCPState] {
    let s = states(of: name)
    guard let first = s.first else { return [] }
    return [first.0] + s.map(\.1)
  }

  func appResults(of name: String, _ call: AppCall? = nil) -> [(AppCall, AppResult)] {
    let h = host(name)
    return records.compactMap {
      guard $0.host == h, case .app(_, let c, let r, _) = $0.event, call == nil || c == call else {
        return nil
      }
      return (c, r)
    }
  }

  func arrivals(at name: String) -> [(Transmission, ArrivalNote?, VirtualTime)] {
    let h = host(name)
    return records.compactMap {
      guard $0.host == h, case .arrive(let tx, let n) = $0.event else { return nil }
      return (transmissions[Int(tx)], n, $0.time)
    }
  }

  func notes(at name: String) -> [ArrivalNote] { arrivals(at: name).compactMap(\.1) }

  func timers(of name: String) -> [(TimerKind, VirtualTime)] {
    let h = host(name)
    return records.compactMap {
      guard $0.host == h, case .timer(_, let k) = $0.event else { return nil }
      return (k, $0.time)
    }
  }

  /// The last snapshot of the host's first connection with the other ladder host (or its
  /// first connection at all, when it has none with it).
  func finalConnection(_ name: String) -> ConnectionSnapshot {
    let h = host(name)
    let peer = h == left ? right : left
    let socks = sockets.indices.filter { sockets[$0].host == h && !sockets[$0].isListener }
    let facing = socks.first { sockets[$0].remoteAddress == hosts[Int(peer)].address } ?? socks[0]
    return finalConnections.first { $0.socket == Int32(facing) }!
  }
}

extension Transmission {
  var flags: TCPFlags { segment.flags }
}
