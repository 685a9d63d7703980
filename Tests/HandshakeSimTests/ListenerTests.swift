import Testing

@testable import HandshakeSim

/// The listener's queues and SYN cookies (Linux; RFC 4987 §3.6 describes the defence).
@Suite("Listener backlog and SYN cookies (RFC 4987)")
struct ListenerTests {
  static let attackerAddress = IPv4Address(10, 9, 0, 1)

  /// An attacker floods the server from spoofed addresses; the real client connects during it.
  func flood(
    cookies: SynCookieMode, clientTimestamps: Bool = false, count: Int = 200, backlog: Int = 16
  ) -> Timeline {
    let server = Fixture.server {
      $0.synCookies = cookies
      $0.backlog = backlog
      $0.windowScale = 7
      $0.timestamps = true
    }
    let client = Fixture.client {
      $0.mss = 1400
      $0.windowScale = 6
      $0.timestamps = clientTimestamps
    }
    let attacker = Fixture.peer("attacker", Self.attackerAddress)
    let flood = Injection(
      to: 1, source: .random(base: IPv4Address(172, 16, 0, 0), count: 65536), sourcePort: .random,
      seq: .random, flags: .syn, options: TCPOptions(mss: 1460), count: count, interval: .millis(1))
    return Simulation.run(
      Scenario(
        hosts: [client, Fixture.server(), attacker].enumerated().map {
          $0.offset == 1 ? server : $0.element
        },
        script: [
          ScriptEntry(.at(.zero), host: 1, .listen(port: nil, backlog: nil)),
          ScriptEntry(.at(Fixture.ms(10)), host: 2, .inject(flood)),
          ScriptEntry(.at(Fixture.ms(150)), host: 0, .connect(to: 1, port: nil, localPort: nil)),
          ScriptEntry(
            Fixture.after(.state, host: 0, state: .established), host: 0, .send(.count(3000))),
        ], stepPolicy: StepPolicy(foldBackgroundAfter: 5)))
  }

  @Test("a full SYN queue drops new SYNs when cookies are off; the client retries and times out")
  func fullQueueDrops() throws {
    let tl = flood(cookies: .off)
    let l = try #require(tl.endpoint(.right, atStep: tl.stepCount - 1).listener)
    #expect(l.synDrops > 0)
    #expect(tl.notes(at: "server").contains(.synQueueFull))
    // The client's SYNs are all dropped while the half-open connections hold the queue...
    let clientSyns = tl.sent(by: "client").filter { $0.flags.contains(.syn) }
    #expect(clientSyns.count >= 2)
    // ...and the queue stays at the backlog while the flood lasts.
    let peak = tl.steps.indices.compactMap { tl.endpoint(.right, atStep: $0).listener?.synQueue }
      .max()
    #expect(peak == 16)
  }

  @Test(
    "with cookies on the client gets in; the cookie encodes its MSS in Linux's table (1400 → 1300)")
  func cookiesLetClientIn() throws {
    let tl = flood(cookies: .onOverflow)
    let server = tl.finalConnection("server")
    #expect(server.fromCookie)
    #expect(server.peerMSS == 1300)
    #expect(tl.notes(at: "server").contains(.cookieSent))
    #expect(tl.notes(at: "server").contains(.cookieAccepted))
    #expect(server.bytesRead == 3000)
    // The SYN-ACK the client got carries the cookie: the server stored nothing for it.
    let l = try #require(tl.endpoint(.right, atStep: tl.stepCount - 1).listener)
    #expect(l.cookiesSent > 0 && l.cookiesAccepted == 1)
    // No SYN-ACK is retransmitted for a cookie.
    let toClient = tl.sent(by: "server").filter {
      $0.segment.destination == Fixture.clientAddress && $0.flags.contains(.syn)
    }
    #expect(toClient.count == 1 && !toClient[0].isRetransmission)
  }

  @Test("without timestamps a cookie loses window scale and SACK; with them, both survive")
  func cookieCosts() {
    let without = flood(cookies: .onOverflow).finalConnection("server")
    #expect(!without.windowScaleOK && !without.sackOK && !without.timestampsOK)
    let with = flood(cookies: .onOverflow, clientTimestamps: true).finalConnection("server")
    #expect(
      with.fromCookie && with.windowScaleOK && with.sndWScale == 6 && with.sackOK
        && with.timestampsOK)
  }

  @Test("cookies check out: the right ACK passes, a tampered or old one does not")
  func cookieMath() {
    let c = SynCookie(seed: 9)
    let t = SynCookie.FourTuple(
      source: IPv4Address(1, 2, 3, 4), destination: IPv4Address(5, 6, 7, 8), sourcePort: 1234,
      destinationPort: 80)
    for idx in 0..<4 {
      let now = VirtualTime(micros: Int64(idx) * 50_000_000)
      let cookie = c.make(tuple: t, clientISN: SeqNum(777), mssIndex: idx, now: now)
      #expect(
        c.check(tuple: t, cookie: cookie, clientISN: SeqNum(777), now: now + .seconds(30)) == idx)
      // Another client ISN or another 4-tuple does not check out.
      #expect(c.check(tuple: t, cookie: cookie, clientISN: SeqNum(777 + 0x10000), now: now) == nil)
      var u = t
      u.sourcePort += 1
      #expect(c.check(tuple: u, cookie: cookie, clientISN: SeqNum(777), now: now) == nil)
      #expect(
        c.check(tuple: t, cookie: cookie, clientISN: SeqNum(777), now: now + .seconds(180)) == nil)
    }
    // A guessed cookie almost never passes: 2 of 256 counter values and 4 of 2^24 low parts.
    var g = SplitMix64(seed: 3)
    let passes = (0..<10_000).filter { _ in
      c.check(
        tuple: t, cookie: SeqNum(UInt32(truncatingIfNeeded: g.next())), clientISN: SeqNum(777),
        now: .zero) != nil
    }
    #expect(passes.isEmpty)
    #expect(
      SynCookie.mssIndex(for: 1460) == 3 && SynCookie.mssIndex(for: 1400) == 1
        && SynCookie.mssIndex(for: 100) == 0)
    let ts = SynCookie.encodeTimestamp(now: 1_000_000, windowScale: 7, sack: true)
    #expect(ts <= 1_000_000)
    #expect(SynCookie.decodeTimestamp(ts) == (7, true))
    #expect(
      SynCookie.decodeTimestamp(SynCookie.encodeTimestamp(now: 99, windowScale: nil, sack: false))
        == (nil, false))
  }

  @Test("a host holds many connections at once during a flood")
  func manyConnections() {
    let tl = flood(cookies: .off, count: 100, backlog: 64)
    let halfOpen = tl.sockets.filter { $0.host == 1 && !$0.isListener }.count
    #expect(halfOpen >= 64)
    // Snapshots are stored per change, not per connection per step.
    #expect(tl.connectionSnapshots.count < tl.records.count)
  }

  /// Linux's `sk_acceptq_is_full` (include/net/sock.h) is `sk_ack_backlog >
  /// sk_max_ack_backlog`: `listen(1)` holds two completed connections, as the project's real
  /// capture shows; the third is dropped.
  @Test("the accept queue holds backlog + 1 when the application does not accept")
  func acceptQueue() throws {
    let server = Fixture.server {
      $0.autoAccept = false
      $0.backlog = 1
    }
    let other = Fixture.tcp("other", IPv4Address(10, 0, 0, 3), .left, port: 50000)
    let third = Fixture.tcp("third", IPv4Address(10, 0, 0, 4), .left, port: 50001)
    let tl = Simulation.run(
      Scenario(
        hosts: [Fixture.client(), server, other, third],
        script: [
          ScriptEntry(.at(.zero), host: 1, .listen(port: nil, backlog: nil)),
          ScriptEntry(.at(Fixture.ms(10)), host: 0, .connect(to: 1, port: nil, localPort: nil)),
          ScriptEntry(.at(Fixture.ms(100)), host: 2, .connect(to: 1, port: nil, localPort: nil)),
          ScriptEntry(.at(Fixture.ms(200)), host: 3, .connect(to: 1, port: nil, localPort: nil)),
          ScriptEntry(.at(Fixture.s(5)), host: 1, .accept),
        ]))
    // Two connections fit with backlog 1: the largest the queue got was 2.
    let most = tl.steps.indices.compactMap { tl.endpoint(.right, atStep: $0).listener?.acceptQueue }
      .max()
    #expect(most == 2)
    #expect(tl.notes(at: "server").contains(.acceptQueueFull))
    let l = try #require(tl.endpoint(.right, atStep: tl.stepCount - 1).listener)
    #expect(l.acceptDrops > 0)
    #expect(tl.appResults(of: "server", .accept).map(\.1) == [.ok])
  }
}
