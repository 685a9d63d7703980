import Foundation
import HandshakeExport
import HandshakeLessons
import HandshakeSim
import Testing
import TmuxDriver

/// `export --format pkt` (issue 12 point 10): every built-in lesson, written from each side as a
/// packetdrill script, runs clean with `pkt` (the engine as the kernel under test meets every
/// `>` line and every call's result).
@Suite("packetdrill export")
struct PktExportTests {
  /// The sides a script can be written from: a packetdrill script has one peer, and the SYN
  /// flood's server talks to the attacker's spoofed hosts too.
  static let refused: Set<String> = ["syn-flood/server"]

  @Test(
    "every built-in lesson round-trips through --format pkt from both sides", arguments: lessonIDs)
  func roundTrip(id: String) throws {
    let run = try lessonRun(id)
    for side in PktWriter.Side.allCases {
      if Self.refused.contains("\(id)/\(side.rawValue)") {
        #expect(throws: PktWriter.Refusal.self) { try PktWriter(run, side: side).script() }
        continue
      }
      let text = try PktWriter(run, side: side).script()
      let script = try PktParser.parse(text: text, file: "\(id)-\(side).pkt")
      let result = PktRunner.run(script)
      #expect(
        result.failure == nil,
        "\(id) \(side): \(result.failure?.description ?? "")\n\(text)")
      // Every segment of that side in the lesson is a line of the script, and was checked.
      let local = side == .client ? Int32(run.timeline.left) : Int32(run.timeline.right)
      let sent = run.timeline.transmissions.filter { $0.from == local }.count
      #expect(text.split(separator: "\n").filter { $0.contains(" > ") }.count == sent)
    }
  }

  @Test("the command: pkt says ok (exit 0), the first mismatch (exit 1), or not supported (exit 2)")
  func command() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "hs-pkt-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("normal.pkt").path
    let exported = try Spawn.run([
      Tmux.binary, "export", "normal", "--format", "pkt", "--side", "server", "-o", file,
    ])
    #expect(exported.status == 0, "\(exported.stderr)")
    let ok = try Spawn.run([Tmux.binary, "pkt", file])
    #expect(ok.status == 0 && ok.stdout.hasPrefix("ok "), "\(ok.stderr)")
    let text = try String(contentsOfFile: file, encoding: .utf8)
    let bad = dir.appendingPathComponent("bad.pkt").path
    try text.replacingOccurrences(of: "> . 1:1(0) ack 33", with: "> . 1:1(0) ack 34").write(
      toFile: bad, atomically: true, encoding: .utf8)
    let mismatch = try Spawn.run([Tmux.binary, "pkt", bad])
    #expect(mismatch.status == 1)
    #expect(mismatch.stderr.contains("expected ack 34, actual ack 33"), "\(mismatch.stderr)")
    let unsupported = dir.appendingPathComponent("u.pkt").path
    try "0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3\n+0 sendto(3, ..., 1, 0, ..., ...) = 1\n"
      .write(toFile: unsupported, atomically: true, encoding: .utf8)
    let u = try Spawn.run([Tmux.binary, "pkt", unsupported])
    #expect(u.status == 2 && u.stderr.contains("not supported: sendto at line 2"), "\(u.stderr)")
    // trace shows the script's run as a lesson.
    let trace = try Spawn.run([Tmux.binary, "trace", file, "--format", "text"])
    #expect(
      trace.status == 0 && trace.stdout.contains("local → remote: SYN,ACK"), "\(trace.stderr)")
    let refused = try Spawn.run([
      Tmux.binary, "export", "syn-flood", "--format", "pkt", "--side", "server",
    ])
    #expect(refused.status == 1 && refused.stderr.contains("a packetdrill script has one peer"))
  }
}
