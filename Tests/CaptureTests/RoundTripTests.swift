import BuiltinLessons
import Foundation
import HandshakeExport
import HandshakeLessons
import HandshakeSim
import Testing

@testable import HandshakeCapture

/// The engine and the tracker check each other: a lesson exported as a pcap and read back by
/// the passive tracker must show the states the engine went through.
@Suite("Lesson → pcap → tracker")
struct RoundTripTests {
  @Test(
    "the tracker finds the engine's states in its own capture",
    arguments: ["normal", "half-close", "reset-abort", "simultaneous-close", "reset-refused"])
  func sameStates(id: String) throws {
    let lesson = try #require(try LessonLibrary.builtIn(id: id))
    let engine = LessonRun(lesson).timeline
    // Receiver view: what arrived, so the tracker sees what each side really processed.
    let bytes = PcapWriter(engine, view: .receiver).bytes()
    let (summary, a) = try CaptureFile.analyze(MemorySource(bytes), file: id, connection: 0)
    #expect(summary.warnings.isEmpty, "\(summary.warnings)")
    #expect(a.timeline.transmissions.count == engine.transmissions.count)
    for side in [Side.left, .right] {
      let h = side == .left ? engine.left : engine.right
      // A capture cannot see a timer: TIME-WAIT's end (2*MSL later) is not in it.
      var fromEngine = states(engine, host: h).filter { $0 != .listen }
      if fromEngine.suffix(2) == [.timeWait, .closed] { fromEngine.removeLast() }
      let tracked = states(a.timeline, host: side == .left ? 0 : 1)
      #expect(tracked == fromEngine, "\(id) \(side)")
    }
  }
}

/// The explanations of a capture, on lessons whose runs have the events to explain.
@Suite("Capture explanations")
struct ExplanationTests {
  func observations(_ id: String, _ view: PcapWriter.View) throws -> [CaptureObservation] {
    let lesson = try #require(try LessonLibrary.builtIn(id: id))
    let bytes = PcapWriter(LessonRun(lesson).timeline, view: view).bytes()
    return try CaptureFile.analyze(MemorySource(bytes), file: id, connection: 0).1.observations
      .map(\.what)
  }

  @Test(
    "lost SYNs as Linux resends them: five 1 s apart, then 2 s; then the data's tail-loss probe after 1 s"
  )
  func lostSyn() throws {
    let gaps = try observations("lost-syn", .sender).compactMap { o -> Int64? in
      if case .retransmission(_, _, let after) = o { return after.micros }
      return nil
    }
    // The tracker measures from the first copy: 1, 2, 3, 4, 5 s, then 7 s (the first doubled
    // RTO); then the data segment's probe, 1 s (no RTT sample) before its 3 s RTO.
    #expect(gaps == [1_000_000, 2_000_000, 3_000_000, 4_000_000, 5_000_000, 7_000_000, 1_000_000])
  }

  @Test("a lost data segment at the receiver: out of order, duplicate ACKs, the fast retransmit")
  func lostData() throws {
    let o = try observations("options", .receiver)
    #expect(o.contains { if case .outOfOrder = $0 { true } else { false } })
    let dups = o.compactMap { x -> Int? in
      if case .duplicateAck(_, let n) = x { return n }
      return nil
    }
    #expect(dups.prefix(3) == [1, 2, 3])
    #expect(o.contains { if case .retransmission = $0 { true } else { false } })
  }

  @Test("an abort: the reset and the state it ended")
  func abort() throws {
    let o = try observations("reset-abort", .receiver)
    #expect(o.contains { if case .reset(_, .established?) = $0 { true } else { false } })
  }

  @Test("the SYN flood lesson's capture: the client's second try is answered with a SYN cookie")
  func cookie() throws {
    let lesson = try #require(try LessonLibrary.builtIn(id: "syn-flood"))
    let bytes = PcapWriter(LessonRun(lesson).timeline, view: .sender).bytes()
    let summary = try CaptureFile.summarize(MemorySource(bytes), file: "flood")
    // Hundreds of half-open connections from spoofed addresses, and the client's two.
    #expect(summary.connections.count > 200)
    let client = summary.connections.filter { $0.client.address == .v4(0x0A00_0001) }
    #expect(client.map(\.client.port) == [40000, 40001])
    #expect(client.map(\.ending) == [.open, .closed])
    let (_, a) = try CaptureFile.analyze(
      MemorySource(bytes), file: "flood", connection: client[1].number - 1)
    #expect(a.observations.contains { if case .cookieLikely = $0.what { true } else { false } })
    let (_, first) = try CaptureFile.analyze(
      MemorySource(bytes), file: "flood", connection: client[0].number - 1)
    #expect(
      !first.observations.contains { if case .cookieLikely = $0.what { true } else { false } })
  }
}
