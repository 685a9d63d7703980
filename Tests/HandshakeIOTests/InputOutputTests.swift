import Foundation
import Synchronization
import Testing

@testable import HandshakeIO

/// A temporary directory, removed when the value goes.
final class Scratch {
  let path: String
  init() throws {
    path =
      FileManager.default.temporaryDirectory
      .appendingPathComponent("hs-io-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
  }
  deinit { try? FileManager.default.removeItem(atPath: path) }
  func file(_ name: String) -> String { path + "/" + name }
}

/// Writes `bytes` into the FIFO at `path` from another thread, once a reader opens it.
func feed(_ path: String, _ bytes: [UInt8]) -> Thread {
  let t = Thread {
    let fd = open(path, O_WRONLY)
    guard fd >= 0 else { return }
    _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
    close(fd)
  }
  t.start()
  return t
}

@Suite("Inputs: read once, as a stream")
struct InputFileTests {
  @Test("a directory, by any name, is refused in one line")
  func directory() throws {
    let s = try Scratch()
    try FileManager.default.createDirectory(
      atPath: s.file("x.yaml"), withIntermediateDirectories: true)
    for p in [s.path, s.file("x.yaml")] {
      #expect(throws: InputError(path: p, "is a directory, not a file")) {
        try InputFile(path: p)
      }
      #expect(throws: InputError(path: p, "is a directory, not a file")) {
        try InputFile.contents(of: p, limit: 100)
      }
    }
  }

  @Test("a FIFO nobody writes to is not waited for forever")
  func silentFIFO() throws {
    let s = try Scratch()
    let f = s.file("f.pcap")
    #expect(mkfifo(f, 0o600) == 0)
    let started = Date()
    #expect(throws: InputError(path: f, "is a FIFO and nothing was written to it within 0.2 s")) {
      try InputFile(path: f, firstByteWait: 0.2)
    }
    #expect(Date().timeIntervalSince(started) < 5)
  }

  @Test("a FIFO with a writer is read once, to its end, and can be read again from the copy")
  func fifoWithWriter() throws {
    let s = try Scratch()
    let f = s.file("f.pcap")
    #expect(mkfifo(f, 0o600) == 0)
    let bytes = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
    let t = feed(f, bytes)
    let input = try InputFile(path: f)
    #expect(input.kind == .fifo)
    #expect(input.size == bytes.count)
    // Two passes over one stream: the second does not open the FIFO again.
    #expect(try input.read(at: 0, upTo: bytes.count) == bytes)
    #expect(try input.read(at: 1000, upTo: 10) == Array(bytes[1000..<1010]))
    while t.isExecuting {}
  }

  @Test("a small file from a FIFO, and the bound on what is read")
  func contentsBound() throws {
    let s = try Scratch()
    let f = s.file("l.yaml")
    #expect(mkfifo(f, 0o600) == 0)
    _ = feed(f, Array("id: x\n".utf8))
    #expect(try InputFile.contents(of: f, limit: 100) == Array("id: x\n".utf8))
    // /dev/zero never ends: the bound ends it.
    #expect(
      throws: InputError(path: "/dev/zero", "more than 1000 bytes came from this character device")
    ) {
      try InputFile.contents(of: "/dev/zero", limit: 1000)
    }
    #expect(try InputFile.contents(of: "/dev/null", limit: 1000).isEmpty)
    let big = s.file("big.yaml")
    try Data(repeating: 0x61, count: 5000).write(to: URL(fileURLWithPath: big))
    #expect(throws: InputError(path: big, "the file is more than 1000 bytes")) {
      try InputFile.contents(of: big, limit: 1000)
    }
  }

  @Test("missing files, loops of links and unreadable files say why")
  func reasons() throws {
    let s = try Scratch()
    #expect(throws: InputError(path: s.file("none"), "no such file")) {
      try InputFile(path: s.file("none"))
    }
    symlink(s.file("b"), s.file("a"))
    symlink(s.file("a"), s.file("b"))
    #expect(throws: InputError(path: s.file("a"), "a loop of symbolic links")) {
      try InputFile(path: s.file("a"))
    }
    #expect(FileKind.of(s.file("a")).failureMessage == "a loop of symbolic links")
  }

  @Test("directory names, sorted; a missing directory in one line")
  func directoryNames() throws {
    let s = try Scratch()
    for n in ["b.yaml", "a.yaml"] {
      FileManager.default.createFile(atPath: s.file(n), contents: nil)
    }
    #expect(try Directory.names(in: s.path) == ["a.yaml", "b.yaml"])
    #expect(throws: InputError(path: s.file("nope"), "no such directory")) {
      try Directory.names(in: s.file("nope"))
    }
    #expect(throws: InputError(path: s.file("a.yaml"), "not a directory")) {
      try Directory.names(in: s.file("a.yaml"))
    }
  }
}

@Suite("Outputs: never half written, a device or FIFO never replaced")
struct OutputFileTests {
  func write(_ path: String, _ text: String) throws(OutputFile.Failure) {
    let f = try OutputFile(path: path)
    try f.write(text)
    try f.commit()
  }

  @Test("a character device is written through, never replaced by a regular file")
  func device() throws {
    let s = try Scratch()
    // A private copy of /dev/null and /dev/full (root only: CI is root), so a failure here
    // cannot damage the machine's own devices.
    guard mknod(s.file("null"), S_IFCHR | 0o666, dev_t(1 << 8 | 3)) == 0,
      mknod(s.file("full"), S_IFCHR | 0o666, dev_t(1 << 8 | 7)) == 0
    else {
      try #require(getuid() != 0, "root can make device nodes")
      return
    }
    try write(s.file("null"), "hello")
    #expect(FileKind.of(s.file("null")).kind == .characterDevice)
    // A full device: the write error is reported, and the device is still a device.
    #expect(
      throws: OutputFile.Failure(message: "cannot write \(s.file("full")): No space left on device")
    ) { try write(s.file("full"), "hello") }
    #expect(FileKind.of(s.file("full")).kind == .characterDevice)
    #expect(
      try FileManager.default.contentsOfDirectory(atPath: s.path).sorted() == ["full", "null"])
  }

  @Test("a FIFO with a reader gets the bytes; one with no reader fails at once")
  func fifo() throws {
    let s = try Scratch()
    let f = s.file("out")
    #expect(mkfifo(f, 0o600) == 0)
    #expect(
      throws: OutputFile.Failure(message: "cannot write \(f): nothing is reading from this FIFO")
    ) {
      try write(f, "x")
    }
    let got = Collected()
    let reader = Thread {
      let fd = open(f, O_RDONLY)
      var buf = [UInt8](repeating: 0, count: 64)
      while true {
        let n = read(fd, &buf, 64)
        if n <= 0 { break }
        got.append(buf[0..<n])
      }
      close(fd)
    }
    reader.start()
    // Wait (with a deadline) until the reader has opened its end.
    let deadline = Date().addingTimeInterval(5)
    var opened: OutputFile? = nil
    while opened == nil && Date() < deadline { opened = try? OutputFile(path: f) }
    let out = try #require(opened)
    try out.write("through the FIFO")
    try out.commit()
    while reader.isExecuting {}
    #expect(String(decoding: got.bytes, as: UTF8.self) == "through the FIFO")
    #expect(FileKind.of(f).kind == .fifo)
  }

  @Test("a symbolic link is followed: the target is written, the link stays a link")
  func symlinks() throws {
    let s = try Scratch()
    try FileManager.default.createDirectory(
      atPath: s.file("sub"), withIntermediateDirectories: true)
    symlink("sub/target.txt", s.file("link.txt"))  // dangling: the target does not exist yet
    try write(s.file("link.txt"), "first")
    #expect(try String(contentsOfFile: s.file("sub/target.txt"), encoding: .utf8) == "first")
    try write(s.file("link.txt"), "second")
    #expect(try String(contentsOfFile: s.file("sub/target.txt"), encoding: .utf8) == "second")
    var st = stat()
    #expect(lstat(s.file("link.txt"), &st) == 0 && FileKind(mode: st.st_mode) == .symlink)
    #expect(try FileManager.default.contentsOfDirectory(atPath: s.file("sub")) == ["target.txt"])
  }

  @Test("a regular file is replaced all at once and keeps its mode")
  func regular() throws {
    let s = try Scratch()
    try write(s.file("a.txt"), "one")
    chmod(s.file("a.txt"), 0o600)
    try write(s.file("a.txt"), "two")
    var st = stat()
    stat(s.file("a.txt"), &st)
    #expect(st.st_mode & 0o777 == 0o600)
    #expect(try String(contentsOfFile: s.file("a.txt"), encoding: .utf8) == "two")
    #expect(throws: OutputFile.Failure(message: "cannot write \(s.path): it is a directory")) {
      try write(s.path, "x")
    }
  }
}

extension Result where Success == FileKind, Failure == InputError {
  var kind: FileKind? { try? get() }
  var failureMessage: String? {
    if case .failure(let e) = self { return e.message }
    return nil
  }
}

/// Bytes gathered by another thread.
final class Collected: Sendable {
  private let store = Mutex<[UInt8]>([])
  func append(_ b: ArraySlice<UInt8>) { store.withLock { $0 += b } }
  var bytes: [UInt8] { store.withLock { $0 } }
}
