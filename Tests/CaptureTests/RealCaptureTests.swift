import Foundation
import HandshakeApp
import HandshakeLessons
import HandshakeSim
import Testing

@testable import HandshakeCapture

/// The fixtures folder beside this file.
let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  .appendingPathComponent("Fixtures")

func fixture(_ name: String) throws -> [UInt8] {
  [UInt8](try Data(contentsOf: fixtures.appendingPathComponent(name)))
}

/// Reads a capture from memory and runs its connection `n` (1-based) through the tracker.
func analyze(_ bytes: [UInt8], connection n: Int = 1) throws -> (CaptureSummary, CaptureAnalysis) {
  try CaptureFile.analyze(MemorySource(bytes), file: "test", connection: n - 1)
}

/// The states a host passed through, in order.
func states(_ tl: Timeline, host: Int32) -> [TCPState] {
  tl.records.compactMap { r in
    guard r.host == host, case .state(_, _, let to) = r.event else { return nil }
    return to
  }
}

/// The three real Linux captures: states, explanations, and the numbers tshark reads.
@Suite("Real captures")
struct RealCaptureTests {
  @Test("a normal connection: both sides' states, bytes, TIME-WAIT left by the client")
  func normal() throws {
    let (summary, a) = try analyze(try fixture("a_normal.pcap"))
    let tl = a.timeline
    #expect(summary.packets == 11)
    #expect(summary.connections.count == 1)
    #expect(summary.connections[0].ending == .closed)
    #expect(summary.connections[0].bytes == 300)
    #expect(
      states(tl, host: 0) == [.synSent, .established, .finWait1, .finWait2, .timeWait])
    #expect(
      states(tl, host: 1) == [.synReceived, .established, .closeWait, .lastAck, .closed])
    #expect(tl.finalConnections[0].bytesWritten == 100)
    #expect(tl.finalConnections[1].bytesWritten == 200)
    #expect(tl.finalConnections[0].bytesRead == 200)
    // The server was listening before the SYN: it answered with SYN,ACK.
    #expect(tl.endpoint(.right, atStep: 0).state == .listen)
    #expect(tl.stateKnownFrom == (0, 0))
    #expect(a.observations.contains { if case .timeWait(0) = $0.what { true } else { false } })
    #expect(!a.observations.contains { if case .retransmission = $0.what { true } else { false } })
    // Loopback checksums are left to offload: said once, as a note.
    #expect(summary.warnings.map(\.kind) == [.badTCPChecksum])
    // Linux's options, as negotiated: window scale 10 both ways, SACK, timestamps, MSS 65495.
    let c = tl.finalConnections[0]
    #expect(c.windowScaleOK && c.sndWScale == 10 && c.sackOK && c.timestampsOK)
    #expect(c.peerMSS == 65495)
  }

  @Test("a refused connection: SYN-SENT to CLOSED, explained as a refusal")
  func refused() throws {
    let (summary, a) = try analyze(try fixture("b_refused.pcap"))
    #expect(summary.connections[0].ending == .refused)
    #expect(states(a.timeline, host: 0) == [.synSent, .closed])
    #expect(states(a.timeline, host: 1).isEmpty)
    #expect(a.timeline.endpoint(.right, atStep: 0).state == .closed)
    // Nothing listens there: no connection in the server's panel, and the reset sets no IRS.
    let last = a.timeline.stepCount - 1
    #expect(a.timeline.endpoint(.right, atStep: last).connection == nil)
    #expect(a.timeline.endpoint(.left, atStep: last).connection?.irs == nil)
    #expect(a.observations.contains { if case .refused = $0.what { true } else { false } })
  }

  @Test("a half-close: the client reads 5000 bytes in FIN-WAIT-2")
  func halfClose() throws {
    let (_, a) = try analyze(try fixture("d_halfclose.pcap"))
    let tl = a.timeline
    #expect(states(tl, host: 0) == [.synSent, .established, .finWait1, .finWait2, .timeWait])
    // Every data segment from the server arrives while the client is in FIN-WAIT-2.
    for i in tl.steps.indices {
      for r in tl.records(ofStep: i) {
        guard case .arrive(let tx, _) = r.event, r.host == 0,
          !tl.transmissions[Int(tx)].segment.payload.isEmpty
        else { continue }
        #expect(tl.endpoint(.left, atStep: i).state == .finWait2)
      }
    }
    #expect(tl.finalConnections[0].bytesRead == 5000)
  }

  @Test(
    "the tracker's trace has the numbers tshark reads, relative and raw",
    arguments: ["a_normal", "b_refused", "d_halfclose"])
  func matchesTshark(name: String) throws {
    let (_, a) = try analyze(try fixture(name + ".pcap"))
    let tl = a.timeline
    let rows = try String(
      contentsOf: fixtures.appendingPathComponent(name + ".tsv"), encoding: .utf8
    )
    .split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false) }
    #expect(rows.count == tl.transmissions.count)
    for (row, t) in zip(rows, tl.transmissions.indices) {
      let s = tl.transmissions[t].segment
      #expect(String(row[6]) == "\(s.seq.rawValue)")
      #expect(String(row[7]) == "\(s.ack.rawValue)")
      // Relative numbers as Wireshark shows them (a bare RST's seq is relative to its own).
      let base = try #require(tl.relativeBase(for: t))
      #expect(String(row[8]) == "\(s.seq.rawValue &- base.seq.rawValue)")
      if s.flags.contains(.ack) {
        #expect(String(row[9]) == "\(s.ack.rawValue &- base.ack.rawValue)")
      }
      #expect(String(row[10]) == "\(s.payload.count)")
      #expect(String(row[11]) == "\(s.window)")
      #expect(String(row[12]) == (s.options.mss.map { "\($0)" } ?? ""))
      // tcp.flags.str: "·······A··S·", the last eight characters U A P R S F and more.
      let f = Array(row[5])
      #expect((f[10] == "S") == s.flags.contains(.syn))
      #expect((f[7] == "A") == s.flags.contains(.ack))
      #expect((f[8] == "P") == s.flags.contains(.psh))
      #expect((f[9] == "R") == s.flags.contains(.rst))
      #expect((f[11] == "F") == s.flags.contains(.fin))
    }
  }

  @Test("the JSONL trace of a capture follows the lesson contract: send and arrive pairs, states")
  func jsonlContract() throws {
    let (_, a) = try analyze(try fixture("a_normal.pcap"))
    let tl = a.timeline
    var kinds: [String] = []
    for i in tl.records.indices {
      let o = try #require(
        try JSONSerialization.jsonObject(with: Data(tl.jsonLine(record: i).utf8)) as? [String: Any])
      kinds.append(o["kind"] as? String ?? "")
      #expect(o["step"] is Int && o["t"] is Double && o["host"] is String)
    }
    #expect(kinds.filter { $0 == "send" }.count == 11)
    #expect(kinds.filter { $0 == "arrive" }.count == 11)
    #expect(kinds.filter { $0 == "state" }.count == 10)
    // Each segment: sent in one step, arriving in the next.
    for t in tl.transmissions {
      #expect(t.firstLanding?.step == t.sendStep + 1)
    }
  }

  @Test("the explanations read in both languages, with nothing left unfilled")
  func explanations() throws {
    for name in ["a_normal", "b_refused", "d_halfclose"] {
      let bytes = try fixture(name + ".pcap")
      let (summary, a) = try analyze(bytes)
      let run = CaptureLesson.run(
        file: name + ".pcap", capture: summary, connection: summary.connections[0], analysis: a)
      for l in Language.allCases {
        let intro = run.narration(atStep: 0, language: l)
        #expect(intro.count == 2, "summary and the checksum note")
        for step in 0..<a.timeline.stepCount {
          for text in run.narration(atStep: step, language: l) {
            #expect(!text.contains("{") && !text.contains("}"), "\(text)")
          }
        }
      }
      #expect(run.lesson.title[.en].hasPrefix(name + ".pcap: connection 1, 127.0.0.1:"))
      #expect(run.lesson.title[.ko].contains("연결 1"))
    }
  }
}
