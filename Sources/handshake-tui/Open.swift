import ArgumentParser
import CursesBackend
import Foundation
import HandshakeApp
import HandshakeCapture
import HandshakeIO
import HandshakeLessons
import HandshakeSim

/// `handshake-tui open FILE`: a capture (pcap or pcapng) on the lesson screen, both endpoints'
/// states reconstructed by the passive tracker.
struct Open: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "open",
    abstract: "Step through a real capture (pcap or pcapng) with both endpoints' states.",
    discussion: """
      Capture a handshake with, for example:
        sudo tcpdump -i lo -w hs.pcap 'tcp port 8080'
      then: handshake-tui open hs.pcap
      With several connections in the file a picker opens; --conn N goes straight to one,
      --list prints them.
      """)

  @Argument(help: "A pcap or pcapng file.") var file: String
  @Option(help: "The connection to show (1-based), as --list numbers them.") var conn: Int?
  @Flag(help: "Print the connections and exit.") var list = false
  @Flag(
    help:
      "Keep reading a file another program is still writing (tcpdump -U -w FILE): connections appear as they begin, End follows the newest packet."
  )
  var follow = false
  @Flag(
    help:
      "Show documentation addresses (192.0.2.x, 2001:db8::x) and stand-in ports instead of the real ones, and no payload bytes: safe to project."
  )
  var anonymize = false
  @OptionGroup var screen: ScreenOptions

  func run() throws {
    let language = try screen.language()
    let theme = try screen.themeName()
    let input: InputFile
    do {
      input = try InputFile(path: file)
    } catch {
      throw CommandFailure(error.description)
    }
    if list {
      CaptureInput.printList(try CaptureInput.summarize(input, anonymize: anonymize))
      return
    }
    if follow {
      let name = file.split(separator: "/").last.map(String.init) ?? file
      let feed = LiveFeed(source: name, anonymize: anonymize)
      feed.start(file: file) { FollowSource(FileSource(input), feed: feed) }
      try feed.show(screen, language: language, theme: theme)
      return
    }
    // One pass gives the picker's list and the first connection's run (a big file is read
    // once before the first frame, not twice).
    let first = conn ?? 1
    let (summary, analysis) = try CaptureInput.summarize(
      input, analyzing: first - 1, anonymize: anonymize)
    guard !summary.connections.isEmpty else {
      throw CaptureError(file: file, offset: 0, "no TCP connection in this capture")
    }
    guard let analysis, (1...summary.connections.count).contains(first) else {
      throw ValidationError(
        "--conn takes 1 to \(summary.connections.count): this capture has \(summary.connections.count) connections"
      )
    }
    let lessons = CaptureLesson.picker(file: file, summary: summary)
    let firstRun = CaptureLesson.run(
      file: file, capture: summary, connection: summary.connections[first - 1],
      analysis: analysis)
    let firstID = lessons[first - 1].id
    var model = AppModel(
      list: lessons, lessonID: firstID, language: language, theme: theme,
      runner: { [anonymize] lesson in
        if lesson.id == firstID { return firstRun }
        return CaptureInput.run(input, lesson: lesson, summary: summary, anonymize: anonymize)
      })
    // Several connections and none chosen: start in the picker.
    if conn == nil && lessons.count > 1 { model.overlay = .picker(selected: 0) }
    try screen.show(model)
  }
}

/// Reading captures for the commands: progress on standard error for big files, warnings said
/// once, errors as one line.
enum CaptureInput {
  /// True if the file starts like a pcap or pcapng file.
  static func isCapture(_ input: InputFile) -> Bool {
    let magic = (try? input.read(at: 0, upTo: 4)) ?? []
    return [
      [0xD4, 0xC3, 0xB2, 0xA1], [0x4D, 0x3C, 0xB2, 0xA1], [0xA1, 0xB2, 0xC3, 0xD4],
      [0xA1, 0xB2, 0x3C, 0x4D], [0x0A, 0x0D, 0x0D, 0x0A],
    ].contains(magic)
  }

  static func summarize(_ input: InputFile, anonymize: Bool = false) throws -> CaptureSummary {
    try withProgress(input) { progress in
      try CaptureFile.summarize(
        FileSource(input), file: input.path, anonymize: anonymize, progress: progress)
    }
  }

  /// The summary and, in the same pass, connection `connection` (0-based) analysed.
  static func summarize(_ input: InputFile, analyzing connection: Int, anonymize: Bool) throws
    -> (CaptureSummary, CaptureAnalysis?)
  {
    try withProgress(input) { progress in
      try CaptureFile.summarize(
        FileSource(input), file: input.path, analyzing: connection, anonymize: anonymize,
        progress: progress)
    }
  }

  /// `read` with a progress bar on standard error when reading takes more than a moment.
  static func withProgress<T>(_ input: InputFile, _ read: (@escaping (Int) -> Void) throws -> T)
    throws -> T
  {
    let size = input.size
    let started = ContinuousClock.now
    var shown = false
    let result = try read { offset in
      guard size > 0, ContinuousClock.now - started > .milliseconds(500) else { return }
      shown = true
      let done = min(40, offset * 40 / size)
      FileHandle.standardError.write(
        Data(
          "\r[\(String(repeating: "#", count: done))\(String(repeating: " ", count: 40 - done))] \(offset * 100 / size)%"
            .utf8))
    }
    if shown { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    return result
  }

  /// Connection `conn` (1-based; 1 when not given, with a note when there are several) of a
  /// capture, read and analysed: for `trace FILE` and `export FILE`.
  static func connection(_ input: InputFile, name: String, conn: Int?, anonymize: Bool) throws
    -> (CaptureSummary, CaptureAnalysis, Int)
  {
    let n = conn ?? 1
    let (summary, analysis) = try summarize(input, analyzing: n - 1, anonymize: anonymize)
    guard !summary.connections.isEmpty else {
      throw CaptureError(file: name, offset: 0, "no TCP connection in this capture")
    }
    guard let analysis, (1...summary.connections.count).contains(n) else {
      throw ValidationError(
        "--conn takes 1 to \(summary.connections.count): this capture has \(summary.connections.count) connections"
      )
    }
    if conn == nil && summary.connections.count > 1 {
      printError(
        "note: \(summary.connections.count) connections in \(name); using 1 (choose with --conn N; list them with open --list)"
      )
    }
    return (summary, analysis, n)
  }

  static func run(
    _ input: InputFile, lesson: Lesson, summary: CaptureSummary, anonymize: Bool = false
  ) -> LessonRun {
    let n = CaptureLesson.connectionNumber(lesson) ?? 1
    let path = input.path
    do {
      let (s, analysis) = try CaptureFile.analyze(
        FileSource(input), file: path, connection: n - 1, anonymize: anonymize)
      return CaptureLesson.run(
        file: path, capture: s, connection: s.connections[n - 1], analysis: analysis)
    } catch {
      // The file was read once already; if it changed since, show what can be shown.
      let empty = PassiveTracker.analyze([])
      return CaptureLesson.run(
        file: path, capture: summary, connection: summary.connections[n - 1], analysis: empty)
    }
  }

  static func printList(_ s: CaptureSummary) {
    output(
      "\(s.format.rawValue): \(s.packets) packets, \(s.tcpPackets) TCP, \(s.connections.count) connections"
    )
    for c in s.connections {
      let d = VirtualDuration(micros: c.durationNanos / 1000)
      output(
        "\(c.number)\t\(c.endpoints)\t\(c.packets) packets\t\(c.bytes) bytes\t\(d)\t\(c.ending.rawValue)"
      )
    }
    for w in s.warnings {
      let text = Assets.strings(.en).format(
        "capture_warn_" + w.kind.rawValue, ["n": "\(w.count)", "first": "\(w.firstPacket)"])
      printError("warning: \(text)")
    }
  }
}
