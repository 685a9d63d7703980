import ArgumentParser
import HandshakeApp
import HandshakeIO
import HandshakeLessons
import HandshakeSim

/// `handshake-tui sandbox`: two hosts and nothing scripted; the class builds the scenario with
/// `:` commands (`server listen`, `client connect`, `drop next from server`, ...), and `:save
/// FILE` keeps it as a lesson. With `--commands FILE`, the commands of a file, and the trace.
struct Sandbox: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "sandbox",
    abstract: "Build a scenario in front of the class, one command at a time.",
    discussion: """
      Commands (on the : line, or one per line of --commands FILE):
        \(SandboxSession.forms)
      and save FILE.yaml to keep the session as a lesson.
      """)

  @Option(help: "The two hosts, left then right.") var hosts: String = "client,server"
  @Option(help: "Run the commands in this file (one per line, # comments) and print the trace.")
  var commands: String?
  @Option(help: "With --commands: jsonl or text.") var format: Trace.Format = .jsonl
  @OptionGroup var screen: ScreenOptions

  func run() throws {
    let names = hosts.split(separator: ",").map(String.init)
    guard names.count == 2, names[0] != names[1],
      names.allSatisfy({ n in
        n.count <= 16 && (n.first?.isLetter ?? false)
          && n.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
      })
    else {
      throw ValidationError(
        "--hosts takes two different names, such as client,server (a letter, then letters, digits, - or _)"
      )
    }
    var session = SandboxSession(hosts: names)
    guard let file = commands else {
      try screen.show(
        AppModel(sandbox: session, language: try screen.language(), theme: try screen.themeName()))
      return
    }
    let bytes: [UInt8]
    do {
      bytes = try InputFile.contents(of: file, limit: LessonLibrary.maxFileBytes)
    } catch {
      throw CommandFailure(error.description)
    }
    let lines = String(decoding: bytes, as: UTF8.self).split(
      separator: "\n", omittingEmptySubsequences: false)
    for (i, raw) in lines.enumerated() {
      let line =
        raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first
        .map { String($0) }?.trimmingSpaces ?? ""
      guard !line.isEmpty else { continue }
      if line.hasPrefix("save ") {
        let path = String(line.dropFirst(5)).trimmingSpaces
        do {
          let out = try OutputFile(path: path)
          try out.write(try session.yaml())
          try out.commit()
        } catch {
          throw CommandFailure("\(file):\(i + 1):1: \(error)")
        }
        continue
      }
      do {
        session = try session.applying(line)
      } catch {
        throw CommandFailure("\(file):\(i + 1):1: \(error.message)")
      }
    }
    let tl = session.run.timeline
    switch format {
    case .jsonl: for i in tl.records.indices { output(tl.jsonLine(record: i)) }
    case .text: for l in tl.textLines(absolute: false) { output(l) }
    }
  }
}

extension String {
  var trimmingSpaces: String {
    var s = Substring(self)
    while s.first == " " || s.first == "\t" || s.first == "\r" { s = s.dropFirst() }
    while s.last == " " || s.last == "\t" || s.last == "\r" { s = s.dropLast() }
    return String(s)
  }
}
