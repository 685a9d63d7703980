import BuiltinLessons
import Foundation
import HandshakeLessons
import HandshakeSim
import TmuxDriver

/// The built-in lessons, by id (read once, so a new lesson is covered without editing tests).
let lessonIDs: [String] = (try? LessonLibrary.builtIn().lessons.map(\.id)) ?? []

/// A built-in lesson's run.
func lessonRun(_ id: String) throws -> LessonRun {
  guard let lesson = try LessonLibrary.builtIn(id: id) else {
    throw CocoaError(.fileNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "no lesson \(id)"])
  }
  return LessonRun(lesson)
}

/// tshark, when installed. CI installs it and sets HANDSHAKE_REQUIRE_E2E=1, so there a missing
/// tshark fails the tests instead of skipping them.
enum TShark {
  static let path = Spawn.which("tshark", extra: ["/usr/bin/tshark"])
  static var usable: Bool { path != nil || required }
  static var required: Bool { ProcessInfo.processInfo.environment["HANDSHAKE_REQUIRE_E2E"] == "1" }

  /// Runs tshark on a file and returns its standard output.
  static func run(_ args: [String]) throws -> String {
    guard let path else { throw CocoaError(.executableNotLoadable) }
    var env = ProcessInfo.processInfo.environment
    // A private, empty configuration: no user preferences change what tshark reports.
    let home = FileManager.default.temporaryDirectory.appendingPathComponent(
      "hs-tshark-home-\(getpid())")
    try? FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
    env["HOME"] = home.path
    env["WIRESHARK_CONFIG_DIR"] = home.path
    let r = try Spawn.run([path] + args, environment: env)
    guard r.status == 0 else {
      throw CocoaError(
        .executableLoad, userInfo: [NSLocalizedDescriptionKey: "tshark failed: \(r.stderr)"])
    }
    return r.stdout
  }
}

/// A unique path in the temporary directory.
func temporaryPath(_ name: String) -> String {
  FileManager.default.temporaryDirectory.appendingPathComponent(
    "hs-export-\(getpid())-\(UInt32.random(in: 0...UInt32.max))-\(name)"
  ).path
}
