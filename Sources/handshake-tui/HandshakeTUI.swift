import ArgumentParser
import HandshakeLessons
import HandshakeSim

/// The `handshake-tui` command and its subcommands.
@main
struct HandshakeTUI: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "handshake-tui",
    abstract: "Teach how TCP opens, uses and closes a connection, step by step.",
    subcommands: [
      Play.self, List.self, Lint.self, Trace.self, Render.self, Export.self, Open.self,
    ],
    defaultSubcommand: Play.self)
}

/// Options shared by the commands that pick lessons.
struct LessonOptions: ParsableArguments {
  @Option(name: .customLong("lessons"), help: "A directory of extra lessons (.yaml).")
  var directory: String?

  func library() throws -> LessonLibrary {
    var lib = try LessonLibrary.builtIn()
    if let d = directory { try lib.add(directory: d) }
    return lib
  }

  /// A lesson by built-in id, by id in --lessons, or by file path.
  func lesson(_ name: String) throws -> Lesson {
    if name.hasSuffix(".yaml") || name.hasSuffix(".yml") || name.contains("/") {
      return try LessonLibrary.load(path: name)
    }
    if directory == nil, let l = try LessonLibrary.builtIn(id: name) { return l }
    let lib = try library()
    guard let l = lib.lesson(id: name) else {
      throw ValidationError(
        "no lesson called '\(name)'; the lessons are: \(lib.lessons.map(\.id).joined(separator: ", "))"
      )
    }
    return l
  }
}
