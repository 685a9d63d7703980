import Foundation
import TerminalUI
import Testing
import Yams

@testable import HandshakeApp

/// The strings and themes are parsed at build time by EmbedTool's own small parser (issue 15:
/// no YAML read at start-up). A YAML library reading the same files must agree with it.
@Suite("assets parsed at build time")
struct EmbeddedAssetsTests {
  static let assets = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("assets")

  static func yaml(_ path: String) throws -> Node {
    let text = try String(
      contentsOf: assets.appendingPathComponent(path), encoding: .utf8)
    return try #require(try Yams.compose(yaml: text, .basic))
  }

  @Test(
    "every strings file: the same keys and texts as a YAML parser reads, nothing to sanitize",
    arguments: ["strings/en.yaml", "strings/ko.yaml"])
  func strings(_ path: String) throws {
    guard case .mapping(let m) = try Self.yaml(path) else {
      Issue.record("\(path) is not a mapping")
      return
    }
    var expected: [String: String] = [:]
    for (k, v) in m {
      if case .scalar(let ks) = k, case .scalar(let vs) = v { expected[ks.string] = vs.string }
    }
    let built = try #require(EmbeddedAssets.tables[path])
    #expect(built.count == expected.count)
    for (k, v) in expected {
      // What the program read before (the YAML value, sanitized for the terminal) is what the
      // build now puts in: the same text, and nothing that needed sanitizing.
      #expect(built[k] == v.sanitizedKeepingNewlines, "\(path): \(k)")
      var unsanitized = Substring(v)
      while unsanitized.last == "\n" { unsanitized = unsanitized.dropLast() }
      #expect(
        v.sanitizedKeepingNewlines == String(unsanitized),
        "\(path): \(k) holds what the terminal must not get")
    }
    #expect(built["help_text"]?.contains("\n") == true)
  }

  @Test("every theme: the same roles and attributes as a YAML parser reads")
  func themes() throws {
    for name in Assets.themeNames {
      let path = "themes/\(name).yaml"
      guard case .mapping(let m) = try Self.yaml(path) else {
        Issue.record("\(path) is not a mapping")
        continue
      }
      let built = try #require(EmbeddedAssets.themes[path])
      #expect(built.count == m.count)
      for (k, v) in m {
        guard case .scalar(let role) = k, case .mapping(let attributes) = v else { continue }
        var expected: [String: String] = [:]
        for (a, value) in attributes {
          if case .scalar(let ak) = a, case .scalar(let vv) = value {
            expected[ak.string] = vv.string
          }
        }
        #expect(built[role.string] == expected, "\(path): \(role.string)")
      }
    }
  }
}
