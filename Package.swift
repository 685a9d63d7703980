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

    // MARK: Executables
    .executableTarget(
      name: "handshake-tui",
      dependencies: [
        "HandshakeSim",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),
    .executableTarget(name: "handshake-bench", dependencies: ["HandshakeSim"]),

    // MARK: Tests
    .testTarget(name: "HandshakeSimTests", dependencies: ["HandshakeSim"]),
  ],
  swiftLanguageModes: [.v6]
)
