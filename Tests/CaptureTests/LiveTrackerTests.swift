import Foundation
import HandshakeSim
import Testing

@testable import HandshakeCapture

/// A capture read packet by packet, as `live` and `open --follow` read it (issue 13 point 6).
@Suite("live tracker: packet by packet")
struct LiveTrackerTests {
  static func packets(_ bytes: [UInt8]) throws -> [CapturedPacket] {
    var reader = try CaptureReader(MemorySource(bytes), file: "test")
    var out: [CapturedPacket] = []
    while var p = try reader.next() {
      p.data = Array(p.data)[...]  // the reader's buffer is reused
      out.append(p)
    }
    return out
  }

  @Test("after every packet, the ladder so far is the file's ladder cut at that packet")
  func prefixes() throws {
    let bytes = try fixture("a_normal.pcap")
    let all = try Self.packets(bytes)
    let (_, whole) = try analyze(bytes)
    var live = LiveTracker()
    var ended: [Bool] = []
    for (i, p) in all.enumerated() {
      #expect(live.add(p) == 0)
      let so = live.analysis(0).timeline
      // The same segments so far: each one sent, and the states reached agree with the
      // whole file's up to that point.
      #expect(so.transmissions.count == i + 1)
      for (a, b) in zip(so.transmissions, whole.timeline.transmissions) {
        #expect(a.segment.seq == b.segment.seq && a.segment.flags == b.segment.flags)
      }
      ended.append(live.hasEnded(0))
    }
    #expect(live.analysis(0).timeline.records.count == whole.timeline.records.count)
    #expect(states(live.analysis(0).timeline, host: 0) == states(whole.timeline, host: 0))
    // Ended only with the last ACK after both FINs.
    #expect(ended.last == true && ended.dropLast().allSatisfy { !$0 })
    #expect(live.packets == all.count)
  }

  @Test("a second connection is numbered next; a reset ends one at once")
  func two() throws {
    var live = LiveTracker()
    let a = try Self.packets(try fixture("a_normal.pcap"))
    let b = try Self.packets(try fixture("b_refused.pcap"))
    for p in a { live.add(p) }
    var last: Int? = nil
    for p in b { last = live.add(p) }
    #expect(last == 1)
    #expect(live.connections.count == 2)
    #expect(live.hasEnded(1))
    #expect(live.connections[1].ending == .refused)
  }
}
