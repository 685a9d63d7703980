import ArgumentParser
import BuiltinLessons
import HandshakeApp
import HandshakeCapture
import HandshakeIO
import HandshakeLessons
import HandshakeSim
import TerminalUI

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The `handshake-tui` command and its subcommands.
@main
struct HandshakeTUI: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "handshake-tui",
    abstract: "Teach how TCP opens, uses and closes a connection, step by step.",
    subcommands: [
      Play.self, List.self, Lint.self, Trace.self, Render.self, Export.self, Open.self,
      Sandbox.self, Pkt.self, Live.self, Presenter.self,
    ],
    defaultSubcommand: Play.self)

  /// Runs the command. Every message it ends with is made safe for the terminal first (a file
  /// name can hold escape sequences), and a failed write to standard output (a full disk) is
  /// an error, not a silent success.
  static func main() {
    do {
      if let request = PlayRequest.fast(Array(CommandLine.arguments.dropFirst())) {
        try request.run()
      } else {
        var command = try parseAsRoot()
        try command.run()
      }
      try StandardOutput.shared.finish()
    } catch {
      let code = exitCode(for: error)
      let message = fullMessage(for: error)
      if !message.isEmpty {
        if code == .success {
          StandardOutput.shared.line(message)
        } else {
          printError(message)
        }
      }
      try? StandardOutput.shared.finish()
      Glibc.exit(code.rawValue)
    }
  }
}

/// An error that is only its message ("Error: " comes from the argument parser).
struct CommandFailure: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}

/// A line on standard output (buffered; write errors are reported when the command ends).
func output(_ s: String) { StandardOutput.shared.line(s) }

/// A line on standard error, safe for the terminal.
func printError(_ s: String) {
  let text = s.sanitizedKeepingNewlines + "\n"
  var bytes = Array(text.utf8)
  _ = bytes.withUnsafeMutableBytes { write(2, $0.baseAddress, $0.count) }
}

/// Options shared by the commands that pick lessons.
struct LessonOptions: ParsableArguments {
  @Option(name: .customLong("lessons"), help: "A directory of extra lessons (.yaml).")
  var directory: String?

  var source: LessonSource { LessonSource(directory: directory) }
  func library() throws -> (library: LessonLibrary, warnings: [String]) { try source.library() }
  func libraryWarningOnce() throws -> LessonLibrary { try source.libraryWarningOnce() }
  func resolve(_ name: String) throws -> ResolvedInput { try source.resolve(name) }
  func lesson(_ name: String) throws -> Lesson { try source.lesson(name) }
}

/// Where lessons come from: the built-in ones, and a teacher's folder (`--lessons`) if given.
struct LessonSource {
  var directory: String? = nil

  /// The built-in lessons and those of --lessons; each file of the folder that could not be
  /// used is a warning (the others are still there).
  func library() throws -> (library: LessonLibrary, warnings: [String]) {
    var lib = try LessonLibrary.builtIn()
    var warnings: [String] = []
    if let d = directory {
      do {
        warnings = try lib.add(directory: d)
      } catch {
        throw CommandFailure("--lessons \(d): \(error.message)")
      }
    }
    return (lib, warnings)
  }

  /// The library, with its warnings said on standard error.
  func libraryWarningOnce() throws -> LessonLibrary {
    let (lib, warnings) = try library()
    for w in warnings { printError("warning: " + w) }
    return lib
  }

  /// What a name on the command line is: a lesson (by built-in id, by id in --lessons, or a
  /// file), or a capture file. A path is opened and read once, whatever it is.
  func resolve(_ name: String) throws -> ResolvedInput {
    let extensions = [".yaml", ".yml", ".pcap", ".pcapng", ".cap", ".pkt"]
    let pathLike = name.contains("/") || extensions.contains { name.lowercased().hasSuffix($0) }
    if !pathLike {
      if directory == nil, let l = try LessonLibrary.builtIn(id: name) { return .lesson(l) }
      let lib = try libraryWarningOnce()
      if let l = lib.lesson(id: name) { return .lesson(l) }
      // Not an id: a file in this directory by that name, if there is one.
      guard case .success = FileKind.of(name) else {
        throw ValidationError(
          "no lesson called '\(name)'; the lessons are: \(lib.lessons.map(\.id).joined(separator: ", "))"
        )
      }
    }
    if name.lowercased().hasSuffix(".pkt") {
      // A packetdrill script: run it, and show the run as a lesson whatever the checks say
      // (the first line that did not hold is a warning).
      do {
        let script = try PktScript.load(path: name)
        for w in script.skipped { printError("warning: " + w.description) }
        let run = PktRunner.run(script)
        if let f = run.failure { printError("warning: " + f.description) }
        return .lesson(run.lesson)
      } catch let d as PktDiagnostic {
        throw CommandFailure(d.description)
      } catch let e as InputError {
        throw CommandFailure(e.description)
      }
    }
    let input: InputFile
    do {
      input = try InputFile(path: name)
    } catch {
      throw CommandFailure(error.description)
    }
    if CaptureInput.isCapture(input) { return .capture(input) }
    do {
      let bytes = try input.readAll(limit: LessonLibrary.maxFileBytes + 1, what: "lesson file")
      return .lesson(try LessonLibrary.load(bytes: bytes, file: name))
    } catch let e as InputError {
      throw CommandFailure(e.description)
    }
  }

  /// A lesson (not a capture) by name.
  func lesson(_ name: String) throws -> Lesson {
    switch try resolve(name) {
    case .lesson(let l): return l
    case .capture:
      throw CommandFailure(
        "\(name) is a capture, not a lesson: open it with `handshake-tui open \(name)`")
    }
  }
}

/// `--what-if SPEC`, for the commands that run a lesson.
struct WhatIfOptions: ParsableArguments {
  @Option(
    name: .customLong("what-if"),
    help:
      "Run the lesson with a change (repeatable; steps are the lesson's own): drop@7, delay@7=200ms, dup@7, reorder@7, corrupt@7, set@3:server.syn_cookies=on, call@5:client.abort, inject@5:rst.in-window."
  )
  var specs: [String] = []

  /// The lesson's run with the what-ifs made, or nil when there are none. A what-if that makes
  /// no sense is one line, exit 1.
  func branch(of lesson: Lesson) throws -> Branch? {
    guard !specs.isEmpty else { return nil }
    var list: [WhatIf] = []
    for s in specs { list.append(try WhatIf.parse(s, lesson: lesson)) }
    do {
      return try Branch.make(original: lesson, whatIfs: list)
    } catch {
      throw CommandFailure(
        "--what-if: " + Assets.strings(.en).format(error.key, error.values))
    }
  }
}

/// A name from the command line, resolved.
enum ResolvedInput {
  case lesson(Lesson)
  case capture(InputFile)
}
