import ArgumentParser
import HandshakeIO
import HandshakeLessons
import HandshakeSim
import TerminalUI

/// `handshake-tui pkt FILE.pkt`: runs a packetdrill script with the engine as the kernel
/// under test, and says what packetdrill would: nothing but "ok" when every line held (exit 0),
/// the first line that did not (exit 1), or what the script asks that the engine cannot do
/// (exit 2).
struct Pkt: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "pkt",
    abstract: "Run a packetdrill script against the engine.",
    discussion: """
      The engine is the kernel under test: the script's system calls are its application's,
      its `<` lines come from a scripted peer, and each `>` line and each call's result must
      match, as packetdrill checks them (relative sequence numbers, flags, ack, win, options,
      timing within --tolerance_usecs, 4 ms by default). Shell commands and Python blocks are
      skipped with a warning each (the engine's defaults are Linux's); --strict refuses them.
      See docs/packetdrill.md. To watch a script run: handshake-tui play FILE.pkt
      """)

  @Argument(help: "A packetdrill script (.pkt).") var file: String
  @Flag(help: "Refuse shell commands and Python blocks instead of skipping them.")
  var strict = false
  @Option(
    name: .customLong("tolerance_usecs"),
    help: "Timing tolerance in microseconds (overrides the script's own).")
  var tolerance: Int64?

  func run() throws {
    let script: PktScript
    do {
      script = try PktScript.load(path: file, strict: strict)
    } catch let d as PktDiagnostic {
      printError(d.description)
      throw ExitCode(2)
    } catch {
      throw CommandFailure("\(file): \(error)")
    }
    var s = script
    if let t = tolerance { s.options.append(("tolerance_usecs", String(max(0, t)))) }
    for w in s.skipped {
      printError(w.description.replacingOccurrences(of: ": skipped", with: ": warning: skipped"))
    }
    let run = PktRunner.run(s)
    if let f = run.failure {
      printError(f.description)
      throw ExitCode(f.kind == .unsupported ? 2 : 1)
    }
    output("ok \(file.sanitizedForTerminal) (\(run.checked) lines)")
  }
}

extension PktScript {
  /// Reads and parses a script file (read once, whatever it is).
  static func load(path: String, strict: Bool = false) throws -> PktScript {
    let input = try InputFile(path: path)
    let bytes = try input.readAll(limit: 4 << 20, what: "packetdrill script")
    guard let text = String(validating: bytes, as: UTF8.self) else {
      throw CommandFailure("\(path): not UTF-8 text")
    }
    return try PktParser.parse(text: text, file: path, strict: strict)
  }
}
