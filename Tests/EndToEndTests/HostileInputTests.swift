import Foundation
import Testing
import TmuxDriver

/// The binary given what a hostile or careless user gives it: directories, FIFOs, devices,
/// crafted captures, names with escape sequences, folders with broken entries. It must answer in
/// one clear line (or do the job), never trap, hang or damage a file.
@Suite("Hostile input, the real binary")
struct HostileInputTests {
  let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("CaptureTests/Fixtures")

  func scratch() throws -> String {
    let p = FileManager.default.temporaryDirectory
      .appendingPathComponent("hs-hostile-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
    try FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
    return p
  }

  func run(_ args: [String], cwd: String? = nil) throws -> Spawn.Result {
    try Spawn.run([Tmux.binary] + args)
  }

  /// Feeds `data` into the FIFO at `path` from another thread (once a reader opens it).
  func feed(_ path: String, _ data: Data) {
    Thread {
      let fd = open(path, O_WRONLY)
      guard fd >= 0 else { return }
      _ = data.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
      close(fd)
    }.start()
  }

  @Test("a directory as the input: one line, exit 1, whatever its name")
  func directories() throws {
    let d = try scratch()
    defer { try? FileManager.default.removeItem(atPath: d) }
    try FileManager.default.createDirectory(
      atPath: d + "/x.yaml", withIntermediateDirectories: true)
    for args in [
      ["trace", d], ["trace", d + "/x.yaml"], ["lint", d + "/x.yaml"], ["open", "--list", d],
    ] {
      let r = try run(args)
      #expect(r.status == 1, "\(args): \(r.stderr)")
      #expect(r.stderr.contains("is a directory, not a file"), "\(args): \(r.stderr)")
      #expect(r.stderr.split(separator: "\n").count == 1, "\(args): \(r.stderr)")
    }
  }

  @Test("a FIFO as the input is read once, to its end (capture and lesson)")
  func fifos() throws {
    let d = try scratch()
    defer { try? FileManager.default.removeItem(atPath: d) }
    let pcap = try Data(contentsOf: fixtures.appendingPathComponent("a_normal.pcap"))
    let normal = try Data(
      contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("lessons/01-normal.yaml"))
    let cases: [(String, Data, [String], String)] = [
      ("f.pcap", pcap, ["trace"], "\"kind\":\"state\""),
      ("g.pcap", pcap, ["open", "--list"], "1 connections"),
      ("f.yaml", normal, ["trace"], "\"kind\":\"send\""),
      ("l.yaml", normal, ["lint"], "ok "),
    ]
    for (name, data, command, expected) in cases {
      let f = d + "/" + name
      #expect(mkfifo(f, 0o600) == 0)
      feed(f, data)
      let r = try run(command + [f])
      #expect(r.status == 0, "\(command) \(name): \(r.stderr)")
      #expect(r.stdout.contains(expected), "\(command) \(name): \(r.stdout.prefix(300))")
    }
  }

  @Test("the crafted captures that used to trap: open --list and trace read them")
  func crashCaptures() throws {
    let dir = fixtures.appendingPathComponent("hostile")
    for name in ["tsoffset-2p62.pcapng", "tsoffset-negative.pcapng", "timestamps-jump.pcapng"] {
      let path = dir.appendingPathComponent(name).path
      for args in [
        ["open", "--list", path], ["trace", path], ["trace", path, "--format", "text"],
      ] {
        let r = try run(args)
        #expect(r.status == 0, "\(args): status \(r.status) \(r.stderr)")
        #expect(!r.stdout.isEmpty)
      }
    }
  }

  @Test("export onto a device writes through it; a full device is an error, exit 1")
  func exportToDevices() throws {
    let d = try scratch()
    defer { try? FileManager.default.removeItem(atPath: d) }
    guard mknod(d + "/null", S_IFCHR | 0o666, dev_t(1 << 8 | 3)) == 0,
      mknod(d + "/full", S_IFCHR | 0o666, dev_t(1 << 8 | 7)) == 0
    else {
      try #require(getuid() != 0, "root can make device nodes")
      return
    }
    let ok = try run(["export", "normal", "--pcap", d + "/null"])
    #expect(ok.status == 0, "\(ok.stderr)")
    let full = try run(["export", "normal", "-o", d + "/full"])
    #expect(full.status == 1)
    #expect(full.stderr.contains("cannot write \(d)/full: No space left on device"))
    let full2 = try run(["export", "normal", "--pcap", d + "/full"])
    #expect(full2.status == 1)
    var st = stat()
    for n in ["null", "full"] {
      #expect(stat(d + "/" + n, &st) == 0 && st.st_mode & S_IFMT == S_IFCHR, "\(n) was replaced")
    }
    #expect(try FileManager.default.contentsOfDirectory(atPath: d).sorted() == ["full", "null"])
    // Standard output that cannot be written is an error too.
    let status = try Spawn.run(
      [Tmux.binary, "trace", "normal"], stdout: d + "/full", stderr: d + "/err")
    #expect(status == 1)
    #expect(
      try String(contentsOfFile: d + "/err", encoding: .utf8).contains(
        "cannot write standard output: No space left on device"))
  }

  @Test("export through a symbolic link writes its target and keeps the link")
  func exportThroughLink() throws {
    let d = try scratch()
    defer { try? FileManager.default.removeItem(atPath: d) }
    symlink("target.md", d + "/link.md")
    let r = try run(["export", "normal", "--format", "md", "-o", d + "/link.md"])
    #expect(r.status == 0, "\(r.stderr)")
    var st = stat()
    #expect(lstat(d + "/link.md", &st) == 0 && st.st_mode & S_IFMT == S_IFLNK)
    #expect(try String(contentsOfFile: d + "/target.md", encoding: .utf8).contains("# "))
  }

  @Test("escape sequences in a file's name never reach the terminal through messages")
  func escapesInNames() throws {
    let d = try scratch()
    defer { try? FileManager.default.removeItem(atPath: d) }
    let name = d + "/bad\u{1B}]0;owned\u{07}\u{1B}[31m.yaml"
    try "id: [".write(toFile: name, atomically: true, encoding: .utf8)
    for args in [["lint", name], ["trace", name], ["trace", d + "/none\u{1B}[2J.pcap"]] {
      let r = try run(args)
      #expect(r.status == 1)
      #expect(!r.stderr.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 })
      #expect(r.stderr.contains("bad") || r.stderr.contains("none"))
    }
  }

  @Test("a lesson folder with bad entries: each skipped with why, the good ones listed")
  func lessonFolder() throws {
    let d = try scratch()
    defer { try? FileManager.default.removeItem(atPath: d) }
    let good = """
      id: mine
      title: {en: "Mine", ko: "내 것"}
      summary: {en: "One", ko: "하나"}
      hosts:
        client: {address: 10.0.0.1}
        server: {address: 10.0.0.2}
      script:
        - {at: 0s, server: listen}
        - {at: 1ms, client: connect}
      """
    try good.write(toFile: d + "/good.yaml", atomically: true, encoding: .utf8)
    try "id: [".write(toFile: d + "/broken.yaml", atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(
      atPath: d + "/dir.yaml", withIntermediateDirectories: true)
    #expect(mkfifo(d + "/fifo.yaml", 0o600) == 0)
    symlink(d + "/loop2.yaml", d + "/loop1.yaml")
    symlink(d + "/loop1.yaml", d + "/loop2.yaml")
    let r = try run(["list", "--lessons", d])
    #expect(r.status == 0, "\(r.stderr)")
    #expect(r.stdout.contains("mine"))
    #expect(r.stdout.contains("normal"))
    #expect(r.stderr.contains("skipped \(d)/dir.yaml: it is a directory, not a lesson file"))
    #expect(r.stderr.contains("skipped \(d)/fifo.yaml: it is a FIFO, not a lesson file"))
    #expect(r.stderr.contains("skipped \(d)/loop1.yaml: a loop of symbolic links"))
    #expect(r.stderr.contains("skipped \(d)/broken.yaml:2:1: invalid YAML"))
    let t = try run(["trace", "mine", "--lessons", d])
    #expect(t.status == 0, "\(t.stderr)")
    let missing = try run(["list", "--lessons", d + "/nope"])
    #expect(missing.status == 1)
    #expect(
      missing.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        == "Error: --lessons \(d)/nope: no such directory")
  }

  @Test("nesting past the YAML reader's own limit gets the loader's message")
  func deepNesting() throws {
    let d = try scratch()
    defer { try? FileManager.default.removeItem(atPath: d) }
    let f = d + "/deep.yaml"
    try ("id: x\ntitle:\n  " + String(repeating: "- ", count: 1100) + "a\n").write(
      toFile: f, atomically: true, encoding: .utf8)
    let r = try run(["lint", f])
    #expect(r.status == 1)
    #expect(r.stderr.contains("nested too deep"))
    #expect(!r.stderr.contains("yaml_set_max_nest_level"))
  }
}

/// The build-time parse of the interface strings and themes (issue 15): a file outside their
/// form stops the build with file:line:column, and a control character never gets in.
@Suite("assets checked at build time")
struct EmbedToolTests {
  static var tool: String? {
    let dir = URL(fileURLWithPath: Tmux.binary).deletingLastPathComponent()
    return ["EmbedTool", "EmbedTool-tool"].map { dir.appendingPathComponent($0).path }
      .first { FileManager.default.isExecutableFile(atPath: $0) }
  }

  @Test(
    "bad lines are refused with where and what",
    .enabled(if: EmbedToolTests.tool != nil || Tmux.required, "needs the built EmbedTool"),
    arguments: [
      ("strings/en.yaml", "ok: \"fine\"\nbad \"no colon\"\n", "strings/en.yaml:2:4:"),
      ("strings/en.yaml", "ok: \"a \u{1B}[31m red\"\n", "U+1B is not allowed"),
      ("strings/en.yaml", "ok: \"a \u{202E} turn\"\n", "U+202E is not allowed"),
      (
        "strings/en.yaml", "ok: \"one\"\nok: \"two\"\n",
        "strings/en.yaml:2:1: error: the key ok is given twice"
      ),
      ("strings/en.yaml", "ok: \"bad \\q\"\n", "unknown escape"),
      ("themes/x.yaml", "title: fg black\n", "themes/x.yaml:1:6:"),
    ])
  func refused(_ path: String, _ text: String, _ said: String) throws {
    let tool = try #require(Self.tool)
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "hs-embed-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent(path)
    try FileManager.default.createDirectory(
      at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try text.write(to: file, atomically: true, encoding: .utf8)
    let out = dir.appendingPathComponent("out.swift").path
    let r = try Spawn.run([tool, dir.path, out, "EmbeddedAssets", file.path])
    #expect(r.status == 1)
    #expect(r.stderr.contains(said), "\(r.stderr)")
    #expect(!FileManager.default.fileExists(atPath: out))
  }
}
