import ArgumentParser
import BuiltinLessons
import HandshakeIO
import HandshakeLessons
import HandshakeSim
import TerminalUI

/// `handshake-tui lint FILE...`: loads, runs and checks each lesson; "ok" lines for good files,
/// "file:line:column: message" for problems, and a non-zero exit if any.
struct Lint: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "lint", abstract: "Check lesson files.")

  @Argument(help: "Lesson files.") var files: [String] = []
  @Flag(help: "Check the built-in lessons.") var builtin = false

  func run() throws {
    var sources: [(String, () throws -> Lesson)] = files.map { f in
      (f, { try LessonLibrary.load(path: f) })
    }
    if builtin {
      for f in LessonLibrary.builtInFiles {
        sources.append((f.path, { try LessonLoader.load(text: f.text, file: f.path) }))
      }
    }
    guard !sources.isEmpty else {
      throw ValidationError("give lesson files to check, or --builtin")
    }
    var failed = false
    for (name, load) in sources {
      do {
        let lesson = try load()
        let run = LessonRun(lesson)
        for w in run.warnings { printError(w.description) }
        if run.problems.isEmpty {
          output("ok \(name.sanitizedForTerminal)")
        } else {
          failed = true
          for p in run.problems { printError(p.description) }
        }
      } catch let e as LessonError {
        failed = true
        printError(e.description)
      } catch {
        failed = true
        printError("\(name): \(error)")
      }
    }
    if failed { throw ExitCode(1) }
  }
}
