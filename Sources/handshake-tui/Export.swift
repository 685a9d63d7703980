import ArgumentParser
import HandshakeApp
import HandshakeCapture
import HandshakeExport
import HandshakeIO
import HandshakeLessons
import HandshakeSim

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `handshake-tui export LESSON`: the lesson's run as a pcap for Wireshark, or as a handout
/// (text, Markdown or SVG).
struct Export: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Write a lesson's run (or a capture's connection) as a pcap file or a handout.",
    discussion: """
      Examples:
        handshake-tui export normal --pcap normal.pcap     (then: wireshark normal.pcap)
        handshake-tui export half-close --format svg --lang ko -o half-close.svg
        handshake-tui export syn-flood --format md > syn-flood.md
        handshake-tui export normal --format pkt --side server -o normal.pkt
            (then: handshake-tui pkt normal.pkt, or packetdrill normal.pkt on Linux)
        handshake-tui export hs.pcap --conn 2 --anonymize --pcap safe.pcap
            (a capture's connection, safe to share: documentation addresses, no payload)
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable { case txt, md, svg, pkt }

  @OptionGroup var options: LessonOptions
  @Argument(help: "A lesson id or file, or a capture (pcap or pcapng).") var lesson: String
  @Option(help: "With a capture: the connection to export (1-based; default 1).") var conn: Int?
  @Flag(
    help:
      "With a capture: documentation addresses and stand-in ports instead of the real ones, and no payload bytes."
  )
  var anonymize = false
  @Option(help: "Write the run as a pcap file (- for standard output).") var pcap: String?
  @Option(help: "With --pcap: the capture as the sender saw it or as the receiver did.")
  var at: PcapWriter.View = .sender
  @Option(
    help:
      "A handout: txt, md or svg (txt when --pcap is not given); or pkt, a packetdrill script.")
  var format: Format?
  @Option(help: "With --format pkt: whose side is the kernel under test, client or server.")
  var side: PktWriter.Side = .client
  @Option(help: "en or ko.") var lang: String = "en"
  @Option(help: "Columns of a txt or md handout (60 to 300).") var width: Int = 80
  @Flag(help: "Absolute sequence numbers in a handout.") var absolute = false
  @Flag(help: "With --format md: add the answer key (each question's answer and why).")
  var answers = false
  @Flag(help: "With --format txt or md: add the speaker notes (a teacher's copy).")
  var notes = false
  @Option(name: .shortAndLong, help: "Where the handout goes (default: standard output).")
  var output: String?
  @OptionGroup var whatIf: WhatIfOptions

  func validate() throws {
    guard Language(rawValue: lang) != nil else { throw ValidationError("--lang takes en or ko") }
    guard (60...300).contains(width) else {
      throw ValidationError("--width takes a number of columns from 60 to 300")
    }
    if answers && format != .md {
      throw ValidationError("--answers goes with --format md")
    }
    if notes && ![.txt, .md].contains(format ?? (pcap == nil ? .txt : .svg)) {
      throw ValidationError("--notes goes with --format txt or md")
    }
    if pcap != nil && format == nil && output != nil {
      throw ValidationError("-o is for a handout; give the pcap's file to --pcap")
    }
  }

  func run() throws {
    let run: LessonRun
    switch try options.resolve(lesson) {
    case .capture(let input):
      // A capture's connection as the tracker reconstructed it: its pcap is the segments as
      // seen (rewritten when anonymized), its handout the same steps and explanations.
      let (s, analysis, n) = try CaptureInput.connection(
        input, name: lesson, conn: conn, anonymize: anonymize)
      run = CaptureLesson.run(
        file: lesson, capture: s, connection: s.connections[n - 1], analysis: analysis)
    case .lesson(let l):
      if conn != nil || anonymize {
        throw ValidationError("--conn and --anonymize are for a capture, not a lesson")
      }
      // A what-if exports as its branch: the pcap and the handouts of the changed run.
      run = try whatIf.branch(of: l)?.run ?? LessonRun(l)
    }
    // A failure to write is an OutputFile.Failure, which ArgumentParser prints as
    // "Error: cannot write FILE: reason" with exit code 1.
    if let pcap {
      if pcap == "-" && isatty(1) != 0 {
        throw ValidationError("a pcap is binary: redirect standard output, or give --pcap FILE")
      }
      let file = try OutputFile(path: pcap)
      try PcapWriter(run.timeline, view: at).write { chunk throws(OutputFile.Failure) in
        try file.write(chunk)
      }
      try file.commit()
    }
    guard let format = format ?? (pcap == nil ? .txt : nil) else { return }
    let language = Language(rawValue: lang)!
    let text: String
    switch format {
    case .txt:
      text = Handout(run, language: language, width: width, absolute: absolute, notes: notes)
        .text()
    case .md:
      text = Handout(run, language: language, width: width, absolute: absolute, notes: notes)
        .markdown(answers: answers)
    case .svg: text = SVGHandout(run, language: language, absolute: absolute).svg()
    case .pkt:
      do {
        text = try PktWriter(run, side: side).script()
      } catch {
        throw CommandFailure("--format pkt --side \(side.rawValue): \(error.description)")
      }
    }
    let file = try OutputFile(path: output)
    try file.write(text)
    try file.commit()
  }
}

extension PcapWriter.View: ExpressibleByArgument {}
extension PktWriter.Side: ExpressibleByArgument {}
