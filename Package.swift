// swift-tools-version:6.1
import PackageDescription

let package = Package(
  name: "handshake-tui",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "handshake-tui", targets: ["handshake-tui"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
  ],
  targets: [
    // MARK: The pure core: TCP endpoints, link, scheduler, timeline. No I/O, no clocks.
    .target(name: "HandshakeSim"),

    // MARK: Files in and out: inputs read once as streams, outputs all-or-nothing.
    .target(name: "HandshakeIO"),

    // MARK: Lessons as data: the lesson file model, loader, checks and runs.
    .target(
      name: "HandshakeLessons",
      dependencies: ["HandshakeSim", "HandshakeIO", "Yams"]),

    // MARK: The built-in lessons (lessons/, embedded) and their index, made at build time.
    .target(
      name: "BuiltinLessons", dependencies: ["HandshakeLessons"],
      plugins: ["EmbedFiles", "IndexLessons"]),

    // MARK: Terminal drawing without a terminal: cells, frames, text width, wrapping.
    .target(name: "TerminalUI"),

    // MARK: The app: model, update, view and widgets, themes and interface text (from assets/).
    .target(
      name: "HandshakeApp",
      dependencies: ["HandshakeSim", "HandshakeLessons", "TerminalUI"],
      plugins: ["EmbedFiles"]),

    // MARK: Exports: pcap files and handouts (text, Markdown, SVG).
    .target(
      name: "HandshakeExport",
      dependencies: [
        "HandshakeSim", "HandshakeLessons", "HandshakeApp", "HandshakeIO", "TerminalUI",
      ]),

    // MARK: Captures: pcap and pcapng reading, connections, explanations (open FILE).
    .target(
      name: "HandshakeCapture",
      dependencies: ["HandshakeSim", "HandshakeLessons", "HandshakeApp", "HandshakeIO"]),

    // MARK: The only code that touches ncurses: a C shim and the backend.
    .target(
      name: "CNcursesw",
      linkerSettings: [.linkedLibrary("ncursesw"), .linkedLibrary("tinfo")]),
    .target(
      name: "CursesBackend",
      dependencies: ["CNcursesw", "HandshakeApp", "HandshakeIO", "TerminalUI"]),

    // MARK: Test and benchmark support: drives the real binary in tmux.
    .target(name: "TmuxDriver"),

    // MARK: Build tooling: embeds lessons/ and assets/ into the binary.
    .target(name: "SwiftLiteral"),
    .executableTarget(name: "EmbedTool", dependencies: ["SwiftLiteral"]),
    .plugin(name: "EmbedFiles", capability: .buildTool(), dependencies: ["EmbedTool"]),
    // The built-in lessons' index (ids, titles, step counts), made by loading and running them.
    .executableTarget(
      name: "LessonIndexTool", dependencies: ["HandshakeLessons", "SwiftLiteral"]),
    .plugin(name: "IndexLessons", capability: .buildTool(), dependencies: ["LessonIndexTool"]),

    // MARK: Executables
    .executableTarget(
      name: "handshake-tui",
      dependencies: [
        "HandshakeSim", "HandshakeLessons", "HandshakeApp", "HandshakeExport", "HandshakeCapture",
        "HandshakeIO", "TerminalUI", "CursesBackend", "BuiltinLessons",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .executableTarget(
      name: "handshake-bench",
      dependencies: [
        "HandshakeSim", "HandshakeLessons", "BuiltinLessons", "HandshakeApp", "HandshakeExport",
        "HandshakeCapture",
        "HandshakeIO", "TerminalUI", "TmuxDriver",
      ]),

    // MARK: Tests
    .testTarget(name: "HandshakeSimTests", dependencies: ["HandshakeSim"], exclude: ["Fixtures"]),
    .testTarget(name: "TerminalUITests", dependencies: ["TerminalUI"]),
    .testTarget(name: "HandshakeIOTests", dependencies: ["HandshakeIO"]),
    .testTarget(
      name: "HandshakeAppTests",
      dependencies: [
        "BuiltinLessons",
        "HandshakeApp", "HandshakeLessons", "HandshakeSim", "TerminalUI",
        .product(name: "Yams", package: "Yams"),
      ],
      exclude: ["Snapshots"]),
    .testTarget(
      name: "HandshakeLessonsTests",
      dependencies: ["BuiltinLessons", "HandshakeLessons", "HandshakeIO", "HandshakeSim"],
      exclude: ["Snapshots", "Fixtures"]),
    .testTarget(
      name: "CaptureTests",
      dependencies: [
        "BuiltinLessons",
        "HandshakeCapture", "HandshakeApp", "HandshakeExport", "HandshakeIO", "HandshakeLessons",
        "HandshakeSim",
      ],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "ExportTests",
      dependencies: [
        "BuiltinLessons",
        "HandshakeExport", "HandshakeIO", "HandshakeLessons", "HandshakeSim", "TmuxDriver",
        "HandshakeApp", "TerminalUI",
      ]),
    // The real binary, driven in tmux (it needs the executable built, which `swift test` does).
    .testTarget(name: "EndToEndTests", dependencies: ["TmuxDriver"]),
  ],
  swiftLanguageModes: [.v6]
)
