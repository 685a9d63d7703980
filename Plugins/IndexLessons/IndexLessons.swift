import Foundation
import PackagePlugin

/// Writes the built-in lessons' index (id, titles, level, tags, step count) at build time, by
/// loading and running every lesson with the project's own loader and engine: `list` then
/// needs no lesson loaded, and a built-in lesson that does not load stops the build.
@main
struct IndexLessons: BuildToolPlugin {
  func createBuildCommands(context: PluginContext, target: Target) async throws -> [Command] {
    let root = context.package.directoryURL.appending(path: "lessons")
    let inputs =
      ((try? FileManager.default.contentsOfDirectory(
        at: root, includingPropertiesForKeys: nil)) ?? [])
      .filter { $0.pathExtension == "yaml" }.sorted { $0.path < $1.path }
    let output = context.pluginWorkDirectoryURL.appending(path: "BuiltinLessonEntries.swift")
    return [
      .buildCommand(
        displayName: "Indexing the built-in lessons",
        executable: try context.tool(named: "LessonIndexTool").url,
        arguments: [output.path] + inputs.map(\.path),
        inputFiles: inputs,
        outputFiles: [output])
    ]
  }
}
