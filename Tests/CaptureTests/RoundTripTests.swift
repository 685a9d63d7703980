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
