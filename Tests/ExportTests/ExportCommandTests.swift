import Foundation
import HandshakeExport
import HandshakeIO
import Testing
import TmuxDriver

/// `handshake-tui export` as a user runs it, and the all-or-nothing file writer under it.
@Suite("export command")
struct ExportCommandTests {
  func export(_ args: [String]) throws -> Spawn.Result {
    try Spawn.run([Tmux.binary, "export"] + args)
  }

  func directory() throws -> URL {
    let dir = URL(fileURLWithPath: temporaryPath("dir"))
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }

  @Test("each format goes to -o FILE, the same bytes as to standard output, nothing else left")
  func formatsToFile() throws {
    let dir = try directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    for (format, lang) in [("txt", "en"), ("md", "ko"), ("svg", "ko")] {
      let file = dir.appendingPathComponent("half-close.\(format)").path
      let written = try export(["half-close", "--format", format, "--lang", lang, "-o", file])
      #expect(written.status == 0, "\(written.stderr)")
      let printed = try export(["half-close", "--format", format, "--lang", lang])
      #expect(try String(contentsOfFile: file, encoding: .utf8) == printed.stdout)
      #expect(!printed.stdout.isEmpty)
    }
    let left = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    #expect(left == ["half-close.md", "half-close.svg", "half-close.txt"])
  }

  @Test("a pcap to a file and to a pipe")
  func pcap() throws {
    let dir = try directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("normal.pcap").path
    #expect(try export(["normal", "--pcap", file]).status == 0)
    let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
    #expect(bytes.prefix(4) == [0xD4, 0xC3, 0xB2, 0xA1])  // little-endian microsecond pcap
    #expect(bytes.count > 24)
    let out = dir.appendingPathComponent("stdout").path
    let status = try Spawn.run(
      [Tmux.binary, "export", "normal", "--pcap", "-"], stdout: out, stderr: nil)
    #expect(status == 0)
    #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: out))) == bytes)
  }

  @Test("a file that cannot be written: one clear line, exit 1, nothing left behind")
  func unwritable() throws {
    let r = try export(["normal", "--pcap", "/nonexistent-dir/normal.pcap"])
    #expect(r.status == 1)
    #expect(
      r.stderr.contains("cannot write /nonexistent-dir/normal.pcap: No such file or directory"))
    let dir = try directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let notADirectory = dir.appendingPathComponent("file")
    try Data("x".utf8).write(to: notADirectory)
    let r2 = try export(["normal", "--format", "svg", "-o", notADirectory.path + "/out.svg"])
    #expect(r2.status == 1)
    #expect(r2.stderr.contains("Not a directory"))
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["file"])
  }

  @Test("bad options say what they take")
  func badOptions() throws {
    let r = try export(["normal", "--lang", "fr"])
    #expect(r.status != 0)
    #expect(r.stderr.contains("--lang takes en or ko"))
    let w = try export(["normal", "--width", "20"])
    #expect(w.stderr.contains("--width takes a number of columns from 60 to 300"))
    let l = try export(["no-such-lesson"])
    #expect(l.stderr.contains("no lesson called 'no-such-lesson'"))
  }

  @Test("an export that fails half-way leaves the old file as it was, and no temporary file")
  func allOrNothing() throws {
    let dir = try directory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let target = dir.appendingPathComponent("handout.txt").path
    try Data("old".utf8).write(to: URL(fileURLWithPath: target))
    do {
      let f = try OutputFile(path: target)
      try f.write("new, but never committed")
      // `f` goes away here without commit(), as when an export throws part-way.
    }
    #expect(try String(contentsOfFile: target, encoding: .utf8) == "old")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["handout.txt"])
    let f = try OutputFile(path: target)
    try f.write("new")
    try f.commit()
    #expect(try String(contentsOfFile: target, encoding: .utf8) == "new")
    #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["handout.txt"])
  }
}

@Suite("export of a what-if")
struct ExportWhatIfTests {
  @Test(
    "a corrupted segment is in the receiver's capture with a bad checksum, and retransmitted",
    .enabled(if: TShark.usable, "tshark is not installed (CI installs it)"))
  func corrupt() throws {
    let file = temporaryPath("corrupt.pcap")
    defer { unlink(file) }
    let r = try Spawn.run([
      Tmux.binary, "export", "normal", "--what-if", "corrupt@4", "--pcap", file, "--at", "receiver",
    ])
    #expect(r.status == 0, "\(r.stderr)")
    let out = try TShark.run([
      "-r", file, "-o", "tcp.check_checksum:TRUE", "-T", "fields", "-e", "tcp.flags.str",
      "-e", "tcp.checksum.status", "-e", "tcp.analysis.retransmission",
    ])
    let rows = out.split(separator: "\n").map {
      $0.split(separator: "\t", omittingEmptySubsequences: false)
    }
    // The SYN,ACK's first copy: bad (status 0); every other packet good (2).
    #expect(rows.filter { $0.count > 1 && $0[1] == "0" }.count == 1, "\(out)")
    #expect(
      rows.contains { $0.count > 2 && $0[0].contains("S") && $0[0].contains("A") && $0[2] == "1" })
  }
}
