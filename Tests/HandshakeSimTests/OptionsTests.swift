import Testing

@testable import HandshakeSim

/// Options in SYNs: MSS (RFC 9293 §3.7.1), window scale (RFC 7323 §2), SACK-permitted (RFC 2018),
/// timestamps (RFC 7323 §3).
@Suite("Options (RFC 9293 §3.7.1, RFC 7323, RFC 2018)")
struct OptionsTests {
  func run(client: HostSpec, server: HostSpec, bytes: Int = 20_000, back: Int = 0) -> Timeline {
    var script =
      Fixture.open + [
        ScriptEntry(
          Fixture.after(.state, host: 0, state: .established), host: 0, .send(.count(bytes)))
      ]
    if back > 0 {
      script.append(
        ScriptEntry(
          Fixture.after(.state, host: 1, state: .established), host: 1, .send(.count(back))))
    }
    return Simulation.run(Scenario(hosts: [client, server], script: script))
  }

  @Test(
    "MSS is announced, not negotiated: each side sends at most what the peer announced (MUST-15/16)"
  )
  func mssPerDirection() {
    let tl = run(
      client: Fixture.client { $0.mss = 1000 }, server: Fixture.server { $0.mss = 1460 },
      bytes: 5000, back: 5000)
    // The server announced 1460 but the client never sends more than its own 1000 (Linux min).
    #expect(tl.sent(by: "client").map(\.segment.payload.count).max() == 1000)
    // The client announced 1000: the server sends at most that.
    #expect(tl.sent(by: "server").map(\.segment.payload.count).max() == 1000)
    #expect(tl.finalConnection("client").peerMSS == 1460)
    #expect(tl.finalConnection("server").peerMSS == 1000)
  }

  @Test("with no MSS option the sender uses 536 (RFC 9293 §3.7.1)")
  func mssDefault536() {
    let tl = Simulation.run(
      Scenario(
        hosts: [Fixture.peer(), Fixture.server()],
        script: [
          ScriptEntry(.at(.zero), host: 1, .listen(port: nil, backlog: nil)),
          ScriptEntry(
            .at(Fixture.ms(10)), host: 0,
            .inject(Injection(to: 1, seq: .absolute(100), flags: .syn, window: 65535))),
          ScriptEntry(
            .at(Fixture.ms(30)), host: 0,
            .inject(
              Injection(
                to: 1, seq: .absolute(101), ack: .relative(host: 1, field: .iss, offset: 1),
                flags: .ack, window: 65535))),
          ScriptEntry(.at(Fixture.ms(100)), host: 1, .send(.count(2000))),
        ]))
    let sizes = tl.sent(by: "server").map(\.segment.payload.count).filter { $0 > 0 }
    #expect(sizes.max() == 536)
    #expect(tl.finalConnection("server").sndMSS == 536)
  }

  @Test(
    "window scale is in effect only when both SYNs carry it; a SYN's window is never scaled (RFC 7323 §2.2)"
  )
  func windowScale() {
    let both = run(
      client: Fixture.client {
        $0.windowScale = 7
        $0.receiveBuffer = 1 << 20
      },
      server: Fixture.server {
        $0.windowScale = 2
        $0.receiveBuffer = 200_000
      })
    let c = both.finalConnection("client")
    #expect(c.windowScaleOK && c.sndWScale == 2 && c.rcvWScale == 7)
    let syn = both.sent(by: "client")[0].segment
    // Never scaled, and rounded down to a multiple of the MSS as Linux's
    // tcp_select_initial_window does: 65535 with MSS 1460 is 64240.
    #expect(syn.window == 64240 && syn.options.windowScale == 7)
    let later = both.sent(by: "client")[1].segment
    #expect(later.window == UInt16((1 << 20) >> 7))
    // The server scaled our window: it may have up to its 200 KB... but we only read 20 KB.
    let one = run(client: Fixture.client { $0.windowScale = 7 }, server: Fixture.server())
    #expect(!one.finalConnection("client").windowScaleOK)
    #expect(one.sent(by: "server")[0].segment.options.windowScale == nil)
  }

  @Test("a shift above 14 is used as 14 (RFC 7323 §2.3)")
  func shiftCapped() {
    let tl = Simulation.run(
      Scenario(
        hosts: [Fixture.peer(), Fixture.server { $0.windowScale = 3 }],
        script: [
          ScriptEntry(.at(.zero), host: 1, .listen(port: nil, backlog: nil)),
          ScriptEntry(
            .at(Fixture.ms(10)), host: 0,
            .inject(
              Injection(
                to: 1, seq: .absolute(100), flags: .syn,
                options: TCPOptions(mss: 1460, windowScale: 20)))),
        ]))
    #expect(tl.endpoint(.right, atStep: tl.stepCount - 1).connection?.sndWScale == 14)
  }

  @Test("SACK blocks only when both sides sent SACK-permitted (RFC 2018 §2)")
  func sackNeedsBoth() {
    let link = LinkSpec(faults: [FaultRule(.drop, from: 0, hasData: true, nth: 2)])
    var s = Scenario(
      hosts: [Fixture.client(), Fixture.server { $0.sack = false }], link: link,
      script: Fixture.open)
    s.script.append(
      ScriptEntry(Fixture.after(.state, host: 0, state: .established), host: 0, .send(.count(8000)))
    )
    let tl = Simulation.run(s)
    #expect(!tl.transmissions.contains { !$0.segment.options.sackBlocks.isEmpty })
    #expect(tl.sent(by: "server")[0].segment.options.sackPermitted == false)
    #expect(tl.finalConnection("server").bytesRead == 8000)
  }

  @Test("timestamps take 12 bytes of each segment: 1460 becomes 1448 (RFC 7323 §3)")
  func timestampsCost() {
    let tl = run(
      client: Fixture.client { $0.timestamps = true },
      server: Fixture.server { $0.timestamps = true })
    #expect(tl.sent(by: "client").map(\.segment.payload.count).max() == 1448)
    #expect(tl.sent(by: "client").dropFirst().allSatisfy { $0.segment.options.timestamps != nil })
    // The echo reply carries the peer's latest TSval.
    let synAck = tl.sent(by: "server")[0].segment
    #expect(
      synAck.options.timestamps?.echoReply
        == tl.sent(by: "client")[0].segment.options.timestamps?.value)
  }
}

/// net/ipv4/tcp_output.c `tcp_select_initial_window`: the SYN's window is rounded down to a
/// multiple of the MSS. A 6.18 kernel with MSS 1000 sent 65000 (the project's real capture).
@Test("a SYN's window is a multiple of its MSS, as Linux picks it (65000 for MSS 1000)")
func synWindowRoundedToMSS() {
  let tl = Simulation.run(
    Scenario(
      hosts: [Fixture.client { $0.mss = 1000 }, Fixture.server { $0.mss = 1460 }],
      script: Fixture.open))
  #expect(tl.sent(by: "client")[0].segment.window == 65000)
  #expect(tl.sent(by: "server")[0].segment.window == 64240)
  #expect(Connection.initialWindow(buffer: 500, mss: 1460) == 500)
}
