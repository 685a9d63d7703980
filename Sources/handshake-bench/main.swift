// handshake-bench: measures the engine on this machine (run with `swift run -c release
// handshake-bench`). Each case runs in its own child process so its peak memory is its own.
import Foundation
import HandshakeSim

/// Peak resident memory of this process, from /proc (Linux); 0 elsewhere.
func peakMemoryMB() -> Double {
  guard let s = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
  for line in s.split(separator: "\n") where line.hasPrefix("VmHWM:") {
    let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
    return kb / 1024
  }
  return 0
}

func seconds(_ d: Duration) -> Double {
  Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

func host(
  _ name: String, _ last: UInt8, _ side: Side, port: UInt16,
  _ configure: (inout TCPConfig) -> Void = { _ in }
) -> HostSpec {
  var c = TCPConfig()
  configure(&c)
  return HostSpec(
    name: name, address: IPv4Address(10, 0, 0, last), side: side, role: .tcp(c), port: port)
}

/// 10 MB from client to server over a link that loses 1% of segments.
func bulkScenario(bytes: Int, loss: Double) -> Scenario {
  let big: (inout TCPConfig) -> Void = {
    $0.receiveBuffer = 1 << 20
    $0.windowScale = 5
    $0.sack = true
  }
  return Scenario(
    seed: 1,
    hosts: [host("client", 1, .left, port: 40000, big), host("server", 2, .right, port: 80, big)],
    link: LinkSpec(leftToRight: .millis(10), rightToLeft: .millis(10), loss: loss),
    script: [
      ScriptEntry(.at(.zero), host: 1, .listen(port: nil, backlog: nil)),
      ScriptEntry(.at(.zero), host: 0, .connect(to: 1, port: nil, localPort: nil)),
      ScriptEntry(
        .after(EventPattern(kind: .state, host: 0, state: .established), delay: .zero), host: 0,
        .send(.count(bytes))),
      ScriptEntry(
        .after(EventPattern(kind: .state, host: 0, state: .established), delay: .seconds(600)),
        host: 0,
        .close),
    ])
}

/// `count` spoofed SYNs at 10 µs intervals against a listener with the given backlog.
func floodScenario(count: Int, backlog: Int, cookies: SynCookieMode) -> Scenario {
  let attacker = HostSpec(
    name: "attacker", address: IPv4Address(10, 0, 0, 66), side: .left, role: .scripted)
  return Scenario(
    seed: 1,
    hosts: [
      host("client", 1, .left, port: 40000),
      host("server", 2, .right, port: 80) {
        $0.backlog = backlog
        $0.synCookies = cookies
      }, attacker,
    ],
    script: [
      ScriptEntry(.at(.zero), host: 1, .listen(port: nil, backlog: nil)),
      ScriptEntry(
        .at(.zero), host: 2,
        .inject(
          Injection(
            to: 1, source: .random(base: IPv4Address(172, 16, 0, 0), count: 1 << 20),
            sourcePort: .random,
            seq: .random, flags: .syn, options: TCPOptions(mss: 1460), count: count,
            interval: .micros(10)))),
      ScriptEntry(
        .at(VirtualTime(micros: 500_000)), host: 0, .connect(to: 1, port: nil, localPort: nil)),
    ],
    limits: RunLimits(maxEvents: 10_000_000))
}

func runCase(_ name: String) {
  let clock = ContinuousClock()
  switch name {
  case "bulk", "bulk-records":
    // Nine runs; the best and the median are reported (this machine's timing is noisy, and the
    // first run pays for fresh pages from the kernel). "bulk-records" skips panel snapshots, as a
    // headless trace or export can.
    var scenario = bulkScenario(bytes: 10_000_000, loss: 0.01)
    scenario.recordSnapshots = name == "bulk"
    var tl: Timeline? = nil
    var times: [Duration] = []
    for _ in 0..<9 {
      tl = nil
      times.append(clock.measure { tl = Simulation.run(scenario) })
    }
    let sorted = times.sorted()
    let t = tl!
    let segmentEvents = t.records.filter {
      $0.kind == .send || $0.kind == .arrive || $0.kind == .drop
    }.count
    let server = t.finalConnections.first { $0.passive }!
    let rate = { (d: Duration) in Double(segmentEvents) / seconds(d) }
    print(
      "\(name == "bulk" ? "bulk 10 MB, 1% loss" : "bulk 10 MB, 1% loss, no snapshots"): "
        + "\(segmentEvents) segment events (\(t.eventCount) engine events, \(t.stepCount) steps); "
        + String(
          format: "best %.1f ms = %.0f events/s, median %.1f ms = %.0f events/s",
          seconds(sorted[0]) * 1000, rate(sorted[0]), seconds(sorted[4]) * 1000, rate(sorted[4]))
        + "; delivered \(server.bytesRead) bytes intact: \(server.readDigest == t.finalConnections.first { !$0.passive }!.writeDigest)"
        + String(format: "; peak memory %.0f MB", peakMemoryMB()))
  case "flood-off", "flood-on":
    let cookies: SynCookieMode = name == "flood-on" ? .onOverflow : .off
    let scenario = floodScenario(count: 100_000, backlog: 128, cookies: cookies)
    var tl: Timeline? = nil
    let d = clock.measure { tl = Simulation.run(scenario) }
    let t = tl!
    let l = t.endpoint(.right, atStep: t.stepCount - 1).listener!
    let client = t.finalConnections.first { !$0.passive }!
    print(
      "SYN flood 100,000 SYNs, backlog 128, cookies \(cookies.rawValue): "
        + String(format: "%.3f s", seconds(d))
        + String(format: ", peak memory %.0f MB", peakMemoryMB())
        + " (\(t.stepCount) steps, \(t.records.count) records, \(t.sockets.count) sockets; drops \(l.synDrops), cookies sent \(l.cookiesSent); client \(client.state.rfcName), bytes to client ok: \(client.error == nil))"
    )
  case "access":
    // A 1,000,000-step timeline: a flood long enough, with no folding.
    let scenario = floodScenario(count: 340_000, backlog: 128, cookies: .onOverflow)
    var tl: Timeline? = nil
    let build = clock.measure { tl = Simulation.run(scenario) }
    let t = tl!
    var g = SplitMix64(seed: 7)
    let probes = 100_000
    var sink = 0
    let d = clock.measure {
      for _ in 0..<probes {
        let i = Int(g.next() % UInt64(t.stepCount))
        let l = t.endpoint(.left, atStep: i)
        let r = t.endpoint(.right, atStep: i)
        sink &+=
          t.records(ofStep: i).count &+ Int(l.connection?.sndNxt.rawValue ?? 0)
          &+ (r.listener?.synQueue ?? 0)
        sink &+= t.inFlight(atStep: i).count
      }
    }
    print(
      "random step access on a \(t.stepCount)-step timeline (built in "
        + String(format: "%.2f s", seconds(build)) + "): "
        + String(format: "%.3f µs per step", seconds(d) / Double(probes) * 1e6)
        + String(format: ", peak memory %.0f MB", peakMemoryMB()) + " [\(sink % 10)]")
  default:
    print("unknown case \(name)")
  }
}

let args = CommandLine.arguments
if args.count > 1 {
  runCase(args[1])
} else {
  // Written unbuffered so it comes before the children's lines.
  FileHandle.standardOutput.write(
    Data("handshake-bench: each case runs in its own process (build with -c release)\n".utf8))
  for c in ["bulk", "bulk-records", "flood-off", "flood-on", "access"] {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: args[0])
    p.arguments = [c]
    try p.run()
    p.waitUntilExit()
  }
}
