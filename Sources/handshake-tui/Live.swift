import ArgumentParser
import HandshakeCapture
import HandshakeIO
import HandshakeSim
import TerminalUI

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// `handshake-tui live [-i IFACE] [FILTER...]`: connections as they happen on this machine.
/// tcpdump does the capturing (`tcpdump -U -w - -i IFACE FILTER`); each connection goes through
/// the passive tracker when it ends, and its trace is printed.
struct Live: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "live",
    abstract: "Show TCP connections on this machine as they happen (with tcpdump).",
    discussion: """
      Examples:
        sudo handshake-tui live -i lo tcp port 8080      (the screen: L lists connections)
        sudo handshake-tui live -i lo tcp port 8080 --count 1 --format text
        sudo handshake-tui live -i eth0 --anonymize --format jsonl
      Capturing needs root, or tcpdump with the capability: sudo setcap cap_net_raw,cap_net_admin=eip $(which tcpdump)
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable { case text, jsonl }

  @Option(name: .shortAndLong, help: "The interface to capture on.") var interface = "lo"
  @Argument(help: "A tcpdump filter (default: tcp).") var filter: [String] = []
  @Option(
    help:
      "text (a ladder line per step) or jsonl (the trace contract), printed as each connection ends; without it, the screen (on a terminal) or text."
  )
  var format: Format?
  @Option(help: "Stop after this many connections.") var count: Int?
  @Flag(help: "Documentation addresses and stand-in ports; no payload bytes.") var anonymize = false
  @OptionGroup var screen: ScreenOptions

  func validate() throws {
    if let n = count, n < 1 { throw ValidationError("--count takes 1 or more") }
    if count != nil && format == nil && isatty(1) != 0 {
      throw ValidationError("--count goes with --format text or jsonl (the screen runs until q)")
    }
  }

  func print(_ c: LiveCapture.Connection, number: Int, format: Format) {
    let tl = c.analysis.timeline
    switch format {
    case .jsonl:
      let client = "\(c.summary.client.address):\(c.summary.client.port)"
      let server = "\(c.summary.server.address):\(c.summary.server.port)"
      output(
        "{\"kind\":\"connection\",\"n\":\(number),\"client\":\"\(client)\",\"server\":\"\(server)\"}"
      )
      for i in tl.records.indices { output(tl.jsonLine(record: i)) }
    case .text:
      output("connection \(number): \(c.summary.endpoints)")
      for line in tl.textLines(absolute: false) { output(line) }
    }
    try? StandardOutput.shared.finish()
  }

  /// tcpdump's output: what was read to see that it started, then the rest as it comes.
  struct TcpdumpSource: ByteSource, Sendable {
    let child: ChildProcess
    var first: [UInt8]

    mutating func read(upTo count: Int) throws(CaptureError) -> [UInt8] {
      if !first.isEmpty {
        defer { first = [] }
        return first
      }
      return child.read(upTo: count)
    }
  }

  func run() throws {
    guard let tcpdump = ChildProcess.which("tcpdump") else {
      printError(
        "live: tcpdump is not installed; install it (apt-get install tcpdump) and try again")
      throw ExitCode(2)
    }
    let expression = filter.isEmpty ? ["tcp"] : filter
    let child: ChildProcess
    do {
      child = try ChildProcess(
        [tcpdump, "-U", "-n", "-s", "262144", "-w", "-", "-i", interface] + expression)
    } catch {
      printError("live: \(error.description)")
      throw ExitCode(2)
    }
    // Ctrl-C ends the capture (tcpdump gets it too and stops); what has been seen is still
    // printed.
    signal(SIGINT, SIG_IGN)
    // Started under a parent that blocks signals (a test runner), SIGTERM must still end us.
    var ending = sigset_t()
    sigemptyset(&ending)
    sigaddset(&ending, SIGTERM)
    sigaddset(&ending, SIGHUP)
    pthread_sigmask(SIG_UNBLOCK, &ending, nil)
    // tcpdump writes the file header as soon as it captures: nothing means it could not.
    let first = child.read(upTo: 1 << 16)
    guard !first.isEmpty else {
      let status = child.wait()
      let why = child.errorText().split(separator: "\n").last { !$0.isEmpty }.map(String.init) ?? ""
      if why.lowercased().contains("permission") || why.contains("Operation not permitted") {
        printError(
          "live: no permission to capture on \(interface): run as root (sudo), or give tcpdump the capability: sudo setcap cap_net_raw,cap_net_admin=eip \(tcpdump)"
        )
      } else {
        printError("live: tcpdump could not capture on \(interface) (exit \(status)): \(why)")
      }
      throw ExitCode(2)
    }
    defer {
      child.terminate()
      child.wait()
    }
    let source = TcpdumpSource(child: child, first: first)
    let described = "tcpdump -i \(interface)"
    guard let format = format ?? (isatty(1) != 0 ? nil : .text) else {
      // On a terminal: the screen, connections listed as they begin.
      let feed = LiveFeed(source: described, anonymize: anonymize)
      feed.start(file: "tcpdump") { source }
      try feed.show(screen, language: try screen.language(), theme: try screen.themeName())
      return
    }
    printError("live: capturing on \(interface) (\(expression.joined(separator: " ")))")
    var printed = 0
    do {
      try LiveCapture.follow(source, file: "tcpdump", anonymize: anonymize) { c in
        printed += 1
        print(c, number: printed, format: format)
        return count.map { printed < $0 } ?? true
      }
    } catch {
      // The stream broke off: what was printed stands.
      printError("live: \(error)")
    }
  }
}
