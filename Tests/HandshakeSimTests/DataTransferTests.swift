import Testing

@testable import HandshakeSim

/// Data: RFC 9293 §3.8, §3.10.7.4 seventh; RFC 2018 (SACK); RFC 5681 §3.2 (fast retransmit).
@Suite("Data transfer (RFC 9293 §3.8, RFC 2018, RFC 5681)")
struct DataTransferTests {
  func bulk(
    bytes: Int, client: HostSpec = Fixture.client(), server: HostSpec = Fixture.server(),
    link: LinkSpec = LinkSpec(), extra: [ScriptEntry] = [], seed: UInt64 = 1
  ) -> Timeline {
    Simulation.run(
      Scenario(
        seed: seed, hosts: [client, server], link: link,
        script: Fixture.open + [
          ScriptEntry(
            Fixture.after(.state, host: 0, state: .established), host: 0, .send(.count(bytes)))
        ] + extra))
  }

  @Test("in order: every byte delivered once; ack = seq + length for data (§3.4)")
  func inOrder() {
    let tl = bulk(bytes: 20_000)
    let s = tl.finalConnection("server")
    #expect(s.bytesRead == 20_000)
    #expect(s.readDigest == tl.finalConnection("client").writeDigest)
    // Each data segment is answered by an ACK for seq + len.
    let acks = Set(tl.sent(by: "server").map(\.segment.ack))
    for d in tl.sent(by: "client") where !d.segment.payload.isEmpty {
      #expect(acks.contains(d.segment.seq + d.segment.payload.count))
      #expect(d.segment.payload.count <= 1460)
    }
  }

  @Test(
    "out of order: held, SACKed, then delivered when the hole fills (§3.10.7.4 seventh, RFC 2018)")
  func outOfOrderAndSack() throws {
    let link = LinkSpec(faults: [FaultRule(.drop, from: 0, hasData: true, nth: 2)])
    let tl = bulk(bytes: 6 * 1460, link: link)
    #expect(tl.notes(at: "server").contains(.outOfOrder))
    #expect(tl.notes(at: "server").contains(.holeFilled))
    let sacks = tl.sent(by: "server").filter { !$0.segment.options.sackBlocks.isEmpty }
    #expect(!sacks.isEmpty)
    let first = try #require(sacks.first)
    // The hole is the second segment: the SACK block starts after it.
    #expect(first.segment.options.sackBlocks[0].left == SeqNum(1001) + 2 * 1460)
    #expect(first.segment.ack == SeqNum(1001) + 1460)
    // SACK-permitted appears only in SYNs (RFC 2018 §2).
    for t in tl.transmissions where t.segment.options.sackPermitted {
      #expect(t.flags.contains(.syn))
    }
    let s = tl.finalConnection("server")
    #expect(s.bytesRead == 6 * 1460 && s.readDigest == tl.finalConnection("client").writeDigest)
    // Only the lost segment was sent twice.
    #expect(tl.sent(by: "client").filter(\.isRetransmission).count == 1)
  }

  @Test("three duplicate ACKs trigger a fast retransmit before the timer (RFC 5681 §3.2)")
  func fastRetransmit() throws {
    let link = LinkSpec(faults: [FaultRule(.drop, from: 0, hasData: true, nth: 3)])
    let tl = bulk(bytes: 10 * 1460, client: Fixture.client { $0.sack = false }, link: link)
    #expect(tl.notes(at: "client").filter { $0 == .duplicateAck }.count >= 2)
    #expect(tl.notes(at: "client").contains(.fastRetransmit))
    let rtx = try #require(tl.sent(by: "client").first { $0.isRetransmission })
    let original = try #require(
      tl.sent(by: "client").first { $0.segment.seq == rtx.segment.seq && !$0.isRetransmission })
    #expect(rtx.sentAt - original.sentAt < .millis(200))  // well before any RTO
    #expect(tl.timers(of: "client").isEmpty)
    #expect(tl.finalConnection("server").bytesRead == 10 * 1460)
  }

  @Test(
    "the sender never has more in flight than the peer's window; zero window is probed (§3.8.6)")
  func windowLimitsSender() throws {
    let server = Fixture.server {
      $0.receiveBuffer = 3000
      $0.autoRead = false
    }
    let tl = bulk(
      bytes: 10_000, server: server,
      extra: [
        ScriptEntry(.at(Fixture.s(3)), host: 1, .read(max: nil)),
        ScriptEntry(.at(Fixture.s(4)), host: 1, .read(max: nil)),
        ScriptEntry(.at(Fixture.s(5)), host: 1, .read(max: nil)),
        ScriptEntry(.at(Fixture.s(6)), host: 1, .read(max: nil)),
      ])
    for i in tl.steps.indices {
      if let c = tl.endpoint(.left, atStep: i).connection,
        let s = tl.endpoint(.right, atStep: i).connection,
        s.state == .established
      {
        #expect(c.bytesInFlight <= 3000)
      }
    }
    #expect(tl.timers(of: "client").contains { $0.0 == .persist })
    #expect(tl.sent(by: "server").contains { $0.segment.window == 0 })
    #expect(tl.finalConnection("server").bytesRead == 10_000)
    #expect(tl.finalConnection("server").readDigest == tl.finalConnection("client").writeDigest)
  }

  @Test(
    "a lost segment is retransmitted when the RTO expires, and the RTO doubles (RFC 6298 (5.4)–(5.6))"
  )
  func retransmissionTimeout() throws {
    let link = LinkSpec(faults: [FaultRule(.drop, from: 0, hasData: true, nth: 1, count: 2)])
    // The timer alone, without the tail-loss probe that would come first.
    let tl = bulk(
      bytes: 100, client: Fixture.client { $0.lossRecovery = .duplicateAcks }, link: link)
    let sends = tl.sent(by: "client").filter { !$0.segment.payload.isEmpty }
    #expect(sends.count == 3)
    let first = sends[1].sentAt - sends[0].sentAt
    let second = sends[2].sentAt - sends[1].sentAt
    #expect(first >= .millis(200))  // Linux's floor
    #expect(second == first * 2)
    #expect(tl.timers(of: "client").filter { $0.0 == .retransmission }.count == 2)
    #expect(tl.finalConnection("server").bytesRead == 100)
  }

  @Test("delayed ACK: one segment waits, every second full segment is ACKed at once (§3.8.6.3)")
  func delayedAck() throws {
    let server = Fixture.server { $0.delayedAck = .fixed(.millis(40)) }
    let one = bulk(bytes: 100, server: server)
    let arrive = try #require(one.arrivals(at: "server").first { !$0.0.segment.payload.isEmpty })
    let ack = try #require(
      one.sent(by: "server").first { $0.segment.ack == arrive.0.segment.endSeq })
    #expect(ack.sentAt - arrive.2 == .millis(40))
    #expect(one.timers(of: "server").contains { $0.0 == .delayedAck })
    let two = bulk(bytes: 2 * 1460, server: server)
    let second = try #require(
      two.arrivals(at: "server").filter { !$0.0.segment.payload.isEmpty }.last)
    let ack2 = try #require(
      two.sent(by: "server").first { $0.segment.ack == second.0.segment.endSeq })
    #expect(ack2.sentAt == second.2)
  }
}
