import Foundation
import PackagePlugin

/// Embeds the package's `lessons/` (for BuiltinLessons) or `assets/` (for HandshakeApp) into
/// the target as generated Swift, so the binary works from any directory.
@main
struct EmbedFiles: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
    let folder = target.name == "BuiltinLessons" ? "lessons" : "assets"
    let typeName = target.name == "BuiltinLessons" ? "EmbeddedLessons" : "EmbeddedAssets"
    let root = context.package.directoryURL.appending(path: folder)
    var inputs: [URL] = []
    if let walker = FileManager.default.enumerator(
      at: root, includingPropertiesForKeys: [.isRegularFileKey])
    {
      for case let url as URL in walker
      where (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true {
        inputs.append(url)
      }
    }
    inputs.sort { $0.path < $1.path }
    let output = context.pluginWorkDirectoryURL.appending(path: "\(typeName).swift")
    return [
      .buildCommand(
        displayName: "Embedding \(folder)/ into \(target.name)",
        executable: try context.tool(named: "EmbedTool").url,
        arguments: [root.path, output.path, typeName] + inputs.map(\.path),
        inputFiles: inputs,
        outputFiles: [output])
    ]
  }
}
