import Testing

@testable import HandshakeSim

/// Resets: RFC 9293 §3.10.7.1–§3.10.7.4 with RFC 5961 §3–§4, and the socket behaviours of
/// RFC 9293 §3.6.1 / RFC 2525 §2.17.
@Suite("Resets (RFC 9293 §3.10.7, RFC 5961)")
struct ResetTests {
  /// A real client and server that connect, then a scripted attacker on the client's side.
  func withAttacker(_ injections: [(VirtualTime, Injection)], extra: [ScriptEntry] = []) -> Timeline
  {
    let attacker = Fixture.peer("attacker", IPv4Address(10, 0, 0, 66))
    var script = Fixture.open + extra
    for (t, inj) in injections { script.append(ScriptEntry(.at(t), host: 2, .inject(inj))) }
    return Simulation.run(
      Scenario(hosts: [Fixture.client(), Fixture.server(), attacker], script: script))
  }

  /// A forged segment that looks like it came from the server, to the client.
  func forged(_ flags: TCPFlags, seq: SeqExpr, ack: SeqExpr? = nil) -> Injection {
    Injection(
      to: 0, source: .fixed(Fixture.serverAddress), sourcePort: .fixed(80), destinationPort: 40000,
      seq: seq, ack: ack, flags: flags, window: 1000)
  }

  @Test(
    "SYN to a port with no listener: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>, connect() refused (§3.10.7.1)"
  )
  func refused() throws {
    let tl = Simulation.run(
      Scenario(
        hosts: [Fixture.client(), Fixture.server()],
        script: [ScriptEntry(.at(.zero), host: 0, .connect(to: 1, port: 81, localPort: nil))]))
    let rst = try #require(tl.sent(by: "server").first)
    #expect(
      rst.flags == [.rst, .ack] && rst.segment.seq == SeqNum(0) && rst.segment.ack == SeqNum(1001))
    #expect(tl.notes(at: "server") == [.noListenerReset])
    #expect(tl.notes(at: "client") == [.rstAccepted])
    #expect(tl.statePath(of: "client") == [.closed, .synSent, .closed])
    #expect(tl.appResults(of: "client", .connect).map(\.1) == [.inProgress, .refused])
  }

  @Test("an ACK to a closed port gets <SEQ=SEG.ACK><CTL=RST>; a RST gets nothing (§3.10.7.1)")
  func closedPortAckAndRst() throws {
    let tl = Simulation.run(
      Scenario(
        hosts: [Fixture.peer(), Fixture.server()],
        script: [
          ScriptEntry(
            .at(.zero), host: 0,
            .inject(Injection(to: 1, seq: .absolute(7), ack: .absolute(4242), flags: .ack))),
          ScriptEntry(
            .at(Fixture.ms(100)), host: 0, .inject(Injection(to: 1, seq: .absolute(9), flags: .rst))
          ),
        ]))
    let replies = tl.sent(by: "server")
    #expect(replies.count == 1)
    #expect(replies[0].flags == .rst && replies[0].segment.seq == SeqNum(4242))
    #expect(tl.notes(at: "server") == [.noListenerReset, .rstIgnored])
  }

  @Test("an ACK to a listener gets <SEQ=SEG.ACK><CTL=RST> (§3.10.7.2)")
  func ackToListener() throws {
    let tl = Simulation.run(
      Scenario(
        hosts: [Fixture.peer(), Fixture.server()],
        script: [
          ScriptEntry(.at(.zero), host: 1, .listen(port: nil, backlog: nil)),
          ScriptEntry(
            .at(Fixture.ms(10)), host: 0,
            .inject(Injection(to: 1, seq: .absolute(7), ack: .absolute(99), flags: .ack))),
        ]))
    #expect(tl.sent(by: "server").map(\.flags) == [.rst])
    #expect(tl.sent(by: "server").first?.segment.seq == SeqNum(99))
    #expect(tl.notes(at: "server") == [.ackToListenerReset])
  }

  @Test("SYN-SENT: a RST is accepted only if its ACK acknowledges our SYN (§3.10.7.3, RFC 5961 §3)")
  func synSentReset() {
    let peerServer = Fixture.peer("server", Fixture.serverAddress, side: .right, port: 80)
    let tl = Simulation.run(
      Scenario(
        hosts: [Fixture.client(), peerServer],
        script: [
          ScriptEntry(.at(.zero), host: 0, .connect(to: 1, port: nil, localPort: nil)),
          // A bare RST: no ACK, ignored.
          ScriptEntry(
            .at(Fixture.ms(50)), host: 1, .inject(Injection(to: 0, seq: .absolute(0), flags: .rst))),
          // An ACK for something we never sent: answered with <SEQ=SEG.ACK><CTL=RST>.
          ScriptEntry(
            .at(Fixture.ms(60)), host: 1,
            .inject(Injection(to: 0, seq: .absolute(0), ack: .absolute(77), flags: .ack))),
          // RST,ACK acknowledging ISS+1: connection refused.
          ScriptEntry(
            .at(Fixture.ms(70)), host: 1,
            .inject(
              Injection(
                to: 0, seq: .absolute(0), ack: .relative(host: 0, field: .iss, offset: 1),
                flags: .rst))),
        ]))
    #expect(tl.notes(at: "client") == [.rstIgnored, .badAckReset, .rstAccepted])
    let reply = tl.sent(by: "client").first { $0.flags.contains(.rst) }
    #expect(reply?.segment.seq == SeqNum(77) && reply?.flags == .rst)
    #expect(tl.appResults(of: "client", .connect).last?.1 == .refused)
  }

  @Test("a RST exactly at RCV.NXT resets the connection: ECONNRESET (§3.10.7.4, RFC 5961 §3)")
  func exactReset() {
    let tl = withAttacker([
      (Fixture.s(1), forged(.rst, seq: .relative(host: 0, field: .rcvNxt, offset: 0)))
    ])
    #expect(tl.notes(at: "client").contains(.rstAccepted))
    #expect(tl.statePath(of: "client").suffix(2) == [.established, .closed])
    #expect(tl.appResults(of: "client", .recv).last?.1 == .reset)
    #expect(tl.finalConnection("client").error == .reset)
  }

  @Test("a RST in the window but not exact draws a challenge ACK (RFC 5961 §3)")
  func challengeAckForInexactReset() throws {
    let tl = withAttacker([
      (Fixture.s(1), forged(.rst, seq: .relative(host: 0, field: .rcvNxt, offset: 100)))
    ])
    #expect(tl.notes(at: "client").contains(.challengeAck))
    let c = tl.finalConnection("client")
    #expect(c.state == .established)
    let challenge = try #require(tl.sent(by: "client").last)
    #expect(
      challenge.flags == .ack && challenge.segment.seq == c.sndNxt
        && challenge.segment.ack == c.rcvNxt)
  }

  @Test("a RST outside the window is dropped silently (§3.10.7.4 first)")
  func outOfWindowReset() {
    let tl = withAttacker([
      (Fixture.s(1), forged(.rst, seq: .relative(host: 0, field: .rcvNxt, offset: 1_000_000)))
    ])
    #expect(tl.notes(at: "client").contains(.rstIgnored))
    #expect(tl.finalConnection("client").state == .established)
    #expect(tl.sent(by: "client").count == 2)  // SYN and ACK only
  }

  @Test("a SYN in ESTABLISHED draws a challenge ACK (RFC 5961 §4)")
  func synInEstablished() {
    let tl = withAttacker([
      (Fixture.s(1), forged(.syn, seq: .relative(host: 0, field: .rcvNxt, offset: 5)))
    ])
    #expect(tl.notes(at: "client").contains(.challengeAck))
    #expect(tl.finalConnection("client").state == .established)
    #expect(tl.sent(by: "client").last?.flags == .ack)
  }

  @Test(
    "abort(): Linux sends RST,ACK; RFC style sends <SEQ=SND.NXT><CTL=RST>; the peer sees ECONNRESET (§3.10.5)"
  )
  func abortStyles() throws {
    for style in [ResetStyle.linux, .rfc] {
      var s = Fixture.normal(client: Fixture.client { $0.resetStyle = style })
      s.script = Fixture.open + [ScriptEntry(.at(Fixture.s(1)), host: 0, .abort)]
      let tl = Simulation.run(s)
      let rst = try #require(tl.sent(by: "client").last)
      let c = tl.finalConnection("client")
      #expect(rst.segment.seq == c.sndNxt)
      #expect(rst.flags == (style == .linux ? [.rst, .ack] : .rst))
      if style == .linux { #expect(rst.segment.ack == c.rcvNxt) }
      #expect(tl.appResults(of: "server", .recv).last?.1 == .reset)
      #expect(tl.finalConnection("server").state == .closed)
    }
  }

  @Test("close() with unread data sends RST instead of FIN (RFC 9293 §3.6.1, RFC 2525 §2.17)")
  func closeWithUnreadData() {
    var s = Fixture.normal(server: Fixture.server { $0.autoRead = false })
    s.script =
      Fixture.open + [
        ScriptEntry(.at(Fixture.s(1)), host: 0, .send(.count(50))),
        ScriptEntry(.at(Fixture.s(2)), host: 1, .close),
      ]
    let tl = Simulation.run(s)
    #expect(tl.sent(by: "server").last?.flags == [.rst, .ack])
    #expect(!tl.sent(by: "server").contains { $0.flags.contains(.fin) })
    #expect(tl.appResults(of: "client", .recv).last?.1 == .reset)
  }

  @Test("data arriving after a full close draws a RST (§3.10.7.4 seventh, Linux)")
  func dataAfterClose() {
    var s = Fixture.normal()
    s.script =
      Fixture.open + [
        ScriptEntry(.at(Fixture.s(1)), host: 0, .close),
        ScriptEntry(.at(Fixture.s(2)), host: 1, .send(.count(10))),
      ]
    let tl = Simulation.run(s)
    #expect(tl.notes(at: "client").contains(.dataAfterClose))
    #expect(tl.sent(by: "client").last?.flags == .rst)
    #expect(tl.appResults(of: "server", .recv).last?.1 == .reset)
  }

  @Test(
    "TIME-WAIT: an exact RST ends it (Linux, RFC 1337's assassination); an inexact one is ignored")
  func timeWaitReset() {
    var base = Fixture.normal()
    base.script = Fixture.normal().script
    let exactTl = withAttacker(
      [(Fixture.s(10), forged(.rst, seq: .relative(host: 0, field: .rcvNxt, offset: 0)))],
      extra: Array(base.script.dropFirst(2)))
    #expect(exactTl.states(of: "client").last! == (.timeWait, .closed))
    #expect(
      exactTl.records.last {
        if case .state(_, .timeWait, .closed) = $0.event { true } else { false }
      }!.time == Fixture.s(10) + .millis(10))
    let inexact = withAttacker(
      [(Fixture.s(10), forged(.rst, seq: .relative(host: 0, field: .rcvNxt, offset: 3)))],
      extra: Array(base.script.dropFirst(2)))
    #expect(inexact.notes(at: "client").last == .rstIgnored)
    #expect(inexact.timers(of: "client").last?.0 == .timeWait)
  }

  @Test("a RST never answers a RST (§3.10.7.1)")
  func noResetForReset() {
    let tl = withAttacker([
      (
        Fixture.s(1),
        Injection(to: 1, source: .own, sourcePort: .fixed(999), seq: .absolute(1), flags: .rst)
      )
    ])
    #expect(!tl.sent(by: "server").contains { $0.flags.contains(.rst) })
  }
}

/// What the application hears after a reset, and from a quiet connection, as Linux says it.
@Suite("Errors after a reset, and nothing to read (Linux)")
struct ErrorsAfterResetTests {
  /// net/ipv4/tcp_input.c `tcp_reset` stores ECONNRESET in `sk_err`; the next call returns
  /// it through `sock_error`, which clears it; then `tcp_done` has shut the socket both ways,
  /// so a later send is EPIPE and a later recv is 0 (end of file).
  @Test("after a reset: the first send reports ECONNRESET, later sends EPIPE, recv end of file")
  func errorOnceThenEPIPE() throws {
    let client = Fixture.client { $0.autoRead = false }
    let script: [ScriptEntry] =
      Fixture.open + [
        ScriptEntry(
          .after(EventPattern(kind: .state, host: 1, state: .established), delay: .millis(10)),
          host: 1, .abort),
        ScriptEntry(.at(Fixture.s(1)), host: 0, .send(.count(10))),
        ScriptEntry(.at(Fixture.s(2)), host: 0, .send(.count(10))),
        ScriptEntry(.at(Fixture.s(3)), host: 0, .read(max: nil)),
      ]
    let tl = Simulation.run(Scenario(hosts: [client, Fixture.server()], script: script))
    #expect(tl.appResults(of: "client", .send).map(\.1) == [.reset, .brokenPipe])
    #expect(tl.appResults(of: "client", .recv).map(\.1) == [.ok])
  }

  @Test("a reader blocked in recv hears ECONNRESET there; a send after it is EPIPE")
  func blockedReader() throws {
    let script: [ScriptEntry] =
      Fixture.open + [
        ScriptEntry(
          .after(EventPattern(kind: .state, host: 1, state: .established), delay: .millis(10)),
          host: 1, .abort),
        ScriptEntry(.at(Fixture.s(1)), host: 0, .send(.count(10))),
      ]
    let tl = Simulation.run(Scenario(hosts: [Fixture.client(), Fixture.server()], script: script))
    #expect(tl.appResults(of: "client", .recv).map(\.1) == [.reset])
    #expect(tl.appResults(of: "client", .send).map(\.1) == [.brokenPipe])
  }

  @Test(
    "recv on an open, quiet connection is EAGAIN, not end of file; on one never accepted, ENOTCONN")
  func nothingToRead() throws {
    let client = Fixture.client { $0.autoRead = false }
    let server = Fixture.server {
      $0.autoRead = false
      $0.autoAccept = false
    }
    let script: [ScriptEntry] =
      Fixture.open + [
        ScriptEntry(.at(Fixture.s(1)), host: 0, .read(max: nil)),
        ScriptEntry(.at(Fixture.s(1)), host: 1, .read(max: nil)),
      ]
    let tl = Simulation.run(Scenario(hosts: [client, server], script: script))
    #expect(tl.appResults(of: "client", .recv).map(\.1) == [.wouldBlock])
    #expect(tl.appResults(of: "server", .recv).map(\.1) == [.notConnected])
    #expect(!tl.textLines(absolute: false).joined().contains("end of file"))
  }
}
