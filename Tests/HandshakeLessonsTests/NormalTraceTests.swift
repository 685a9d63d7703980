import BuiltinLessons
import Foundation
import HandshakeSim
import Testing

@testable import HandshakeLessons

/// The `normal` lesson's jsonl trace, read back as JSON and checked field by field against
/// ../shared/design/tcp-facts.md.
@Suite("The normal lesson against the TCP facts")
struct NormalTraceTests {
  struct Line {
    var json: [String: Any]
    var kind: String { json["kind"] as! String }
    var host: String { json["host"] as! String }
    var t: Double { json["t"] as! Double }
    var seg: [String: Any] { json["seg"] as! [String: Any] }
    var flags: [String] { seg["flags"] as! [String] }
    var seq: UInt32 { UInt32(seg["seq"] as! Int) }
    var ack: UInt32 { UInt32(seg["ack"] as! Int) }
    var len: Int { seg["len"] as! Int }
  }

  func lines() throws -> [Line] {
    var lesson = try #require(try LessonLibrary.builtIn().lesson(id: "normal"))
    lesson.scenario.recordSnapshots = false
    return try Simulation.run(lesson.scenario).jsonLines().map {
      Line(json: try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])
    }
  }

  @Test("every line has the contract's fields; steps never go back")
  func contract() throws {
    var lastStep = 0
    for l in try lines() {
      let step = l.json["step"] as! Int
      #expect(step >= lastStep)
      lastStep = step
      #expect(["app", "send", "arrive", "drop", "timer", "state"].contains(l.kind))
      #expect(l.json["t"] is Double)
      if ["send", "arrive", "drop"].contains(l.kind) {
        for k in ["src_port", "dst_port", "flags", "seq", "ack", "len", "win", "options"] {
          #expect(l.seg[k] != nil, "\(k)")
        }
      }
      if l.kind == "state" {
        for k in ["from", "to", "local_port", "remote_port"] { #expect(l.json[k] != nil) }
      }
      if l.kind == "app" { #expect(l.json["call"] != nil && l.json["result"] != nil) }
    }
  }

  @Test("ack = seq + SEG.LEN, where SYN and FIN count one (tcp-facts: sequence space)")
  func ackArithmetic() throws {
    let sends = try lines().filter { $0.kind == "send" }
    for (i, s) in sends.enumerated()
    where s.len > 0 || s.flags.contains("SYN") || s.flags.contains("FIN") {
      let segLen =
        UInt32(s.len) + (s.flags.contains("SYN") ? 1 : 0) + (s.flags.contains("FIN") ? 1 : 0)
      // The next segment the other side sends acknowledges exactly seq + SEG.LEN.
      let reply = sends[(i + 1)...].first { $0.host != s.host && $0.flags.contains("ACK") }
      #expect(reply?.ack == s.seq &+ segLen, "reply to \(s.flags) seq \(s.seq)")
    }
    // A bare ACK takes no sequence number: the client's data starts where its ACK did.
    let c = sends.filter { $0.host == "client" }
    #expect(c[1].flags == ["ACK"] && c[2].seq == c[1].seq)
  }

  @Test("the handshake: ISS, then ISS+1 with ack ISS_s+1; every later segment carries ACK")
  func handshake() throws {
    let sends = try lines().filter { $0.kind == "send" }
    #expect(sends[0].flags == ["SYN"] && sends[0].seq == 1000)
    #expect(sends[1].flags == ["ACK", "SYN"] && sends[1].seq == 5000 && sends[1].ack == 1001)
    #expect(sends[2].flags == ["ACK"] && sends[2].seq == 1001 && sends[2].ack == 5001)
    for s in sends.dropFirst() { #expect(s.flags.contains("ACK")) }
  }

  @Test("the states in order, and TIME-WAIT lasting 2*MSL (Linux: 60 s)")
  func states() throws {
    let all = try lines()
    let client = all.filter { $0.kind == "state" && $0.host == "client" }.map {
      $0.json["to"] as! String
    }
    #expect(
      client == ["SYN-SENT", "ESTABLISHED", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT", "CLOSED"])
    let server = all.filter { $0.kind == "state" && $0.host == "server" }.map {
      $0.json["to"] as! String
    }
    #expect(
      server == ["LISTEN", "SYN-RECEIVED", "ESTABLISHED", "CLOSE-WAIT", "LAST-ACK", "CLOSED"])
    let enter = try #require(
      all.first { $0.kind == "state" && $0.json["to"] as? String == "TIME-WAIT" })
    let leave = try #require(
      all.first { $0.kind == "state" && $0.json["from"] as? String == "TIME-WAIT" })
    #expect(abs(leave.t - enter.t - 60) < 1e-9)
    // The close is four segments: FIN, ACK, FIN, ACK.
    let closing = all.filter {
      $0.kind == "send" && $0.t >= (all.first { $0.kind == "send" && $0.flags.contains("FIN") }!.t)
    }
    #expect(
      closing.map { $0.flags.contains("FIN") ? "FIN" : "ACK" } == ["FIN", "ACK", "FIN", "ACK"])
  }
}
