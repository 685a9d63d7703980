/// The discrete-event simulation: hosts with real TCP endpoints, a link between them, a
/// scheduler on a virtual clock, and a recorder that turns every event into trace records and
/// steps. Deterministic: the same scenario (seed included) gives the same timeline, byte for byte.
///
/// Use `Simulation.run(scenario)` for a whole run, or drive it by hand in tests: `run(until:)`
/// advances the virtual clock; nothing waits for real time.
public struct Simulation: Sendable {
  public let scenario: Scenario
  /// The virtual clock.
  public private(set) var now: VirtualTime = .zero

  struct ConnKey: Hashable, Sendable {
    var localPort: UInt16
    var remote: IPv4Address
    var remotePort: UInt16
  }

  struct HostRuntime: Sendable {
    var spec: HostSpec
    var listenerByPort: [UInt16: Int32] = [:]
    /// The connection a ladder panel shows and application calls act on.
    var focus: Int32? = nil
    /// The listener a panel shows.
    var focusListener: Int32? = nil
    var nextPort: UInt16
    var usedFixedISN = false
    var ipID: UInt16 = 0
    /// Its own extra delay on what it sends (`TCPConfig.sendDelay`), kept here: reading it
    /// through `spec.tcpConfig` copied the whole configuration for every segment.
    var sendDelay: VirtualDuration = .zero
    /// The last connection `connsByKey` gave for a key: a transfer's segments all arrive for
    /// the same one, and hashing its key each time was most of the demultiplexing.
    var lastDemux: (key: ConnKey, conn: Int32)? = nil
    var connsByKey: [ConnKey: Int32] = [:] {
      didSet { lastDemux = nil }
    }

    /// The connection for `key`, if the host has one.
    mutating func connection(for key: ConnKey) -> Int32? {
      if let d = lastDemux, d.key == key { return d.conn }
      guard let c = connsByKey[key] else { return nil }
      lastDemux = (key, c)
      return c
    }
  }

  struct PendingTrigger: Sendable {
    var entry: Int32
    var pattern: EventPattern
    var delay: VirtualDuration
    var matched = 0
    var done = false
  }

  var hosts: [HostRuntime]
  var hostByAddress: [IPv4Address: Int32] = [:]
  /// The hosts' addresses in order, searched first: a scan of a handful beats hashing.
  var hostAddresses: [IPv4Address] = []
  var conns: [Connection] = []
  /// When each connection's wake-up event is scheduled (nil: none pending).
  var connWake: [VirtualTime?] = []
  var listeners: [Listener] = []
  var queue = EventQueue()
  var rng: SplitMix64
  let isnGenerator: ISNGenerator
  let synCookie: SynCookie
  var faultMatches: [Int]
  /// A segment held back to be reordered, per direction (0: to the right, 1: to the left).
  var held: [(tx: Int32, time: VirtualTime)?] = [nil, nil]
  var triggers: [PendingTrigger] = []
  var fx = Effects()
  var touched: [Int32] = []
  /// The timeline being recorded.
  var tl: Timeline
  /// Per transmission: copies scheduled and not yet landed.
  var outstanding: [UInt8] = []
  var oldestPending: Int32 = 0
  var eventStart = 0
  var primaryArrive: Int? = nil
  var backgroundSteps = 0
  public private(set) var end: RunEnd? = nil

  public init(_ scenario: Scenario) {
    self.scenario = scenario
    var seedGen = SplitMix64(seed: scenario.seed)
    rng = seedGen.derived(0x6C69_6E6B)
    isnGenerator = ISNGenerator(seed: seedGen.next())
    synCookie = SynCookie(seed: seedGen.next())
    faultMatches = Array(repeating: 0, count: scenario.link.faults.count)
    hosts = scenario.hosts.map {
      HostRuntime(spec: $0, nextPort: $0.port ?? 40000, sendDelay: $0.tcpConfig?.sendDelay ?? .zero)
    }
    for (i, h) in scenario.hosts.enumerated() where hostByAddress[h.address] == nil {
      hostByAddress[h.address] = Int32(i)
    }
    hostAddresses = scenario.hosts.map(\.address)
    tl = Timeline(
      seed: scenario.seed,
      hosts: scenario.hosts.map {
        Timeline.HostInfo(
          name: $0.name, address: $0.address, side: $0.side, isTCP: $0.tcpConfig != nil)
      },
      left: Int32(scenario.left), right: Int32(scenario.right), records: [], transmissions: [],
      sockets: [], steps: [], connectionSnapshots: [], listenerSnapshots: [],
      finalConnections: [], end: .quiescent, eventCount: 0)
    // Step 0: the scene before anything happens.
    tl.steps.append(
      Timeline.StepInfo(
        firstRecord: 0, recordCount: 0, time: .zero, oldestPending: 0, background: false))
    if scenario.recordSnapshots { tl.stepPanels.append(.none) }
    for (i, entry) in scenario.script.enumerated() {
      switch entry.trigger {
      case .at(let t): queue.push(t, .action(entry: Int32(i), round: 0))
      case .after(let p, let d):
        triggers.append(PendingTrigger(entry: Int32(i), pattern: p, delay: d))
      }
    }
  }

  /// Runs a scenario to its end (or its bounds) and returns the timeline.
  public static func run(_ scenario: Scenario) -> Timeline {
    var sim = Simulation(scenario)
    sim.runToEnd()
    return sim.timeline
  }

  /// Processes events until none are left or a bound is hit.
  public mutating func runToEnd() {
    while processNext() {}
  }

  /// Processes every event up to and including virtual time `t`, then sets the clock to `t`.
  public mutating func run(until t: VirtualTime) {
    while let next = queue.nextTime, next <= t, processNext() {}
    if end == nil && t > now { now = t }
  }

  /// Processes one event. False when the run has ended.
  @discardableResult
  public mutating func processNext() -> Bool {
    guard end == nil else { return false }
    guard let next = queue.nextTime else {
      end = .quiescent
      return false
    }
    if next > scenario.limits.maxTime {
      end = .timeLimit(scenario.limits.maxTime)
      return false
    }
    if tl.eventCount >= scenario.limits.maxEvents {
      end = .eventLimit(scenario.limits.maxEvents)
      return false
    }
    guard let item = queue.pop() else { return false }
    now = item.time
    tl.eventCount += 1
    beginEvent()
    let host: Int32
    switch item.kind {
    case .arrive(let tx, let copy):
      host = tl.transmissions[Int(tx)].to
      arrive(tx: tx, copy: copy)
    case .lost(let tx, let copy, let reason):
      host = tl.transmissions[Int(tx)].to
      lose(tx: tx, copy: copy, reason: reason)
    case .release(let tx):
      host = tl.transmissions[Int(tx)].to
      releaseHeld(tx: tx)
    case .wake(let c):
      host = conns[Int(c)].host
      if connWake[Int(c)] == item.time {
        connWake[Int(c)] = nil
        conns[Int(c)].fireTimers(now: now, &fx)
        touched.append(c)
      }
    case .action(let entry, let round):
      host = Int32(scenario.script[Int(entry)].host)
      perform(entry: Int(entry), round: Int(round))
      applyEffects(host: host)
      let result = tl.records[eventStart...].lazy.compactMap { r -> AppResult? in
        if case .app(_, _, let res, _) = r.event { return res }
        return nil
      }.first
      tl.performed.append(
        Timeline.PerformedAction(
          entry: entry, round: round, time: now, step: Int32(tl.steps.count), result: result))
      endEvent()
      if eventStart < tl.records.count {
        tl.performed[tl.performed.count - 1].step = tl.records[eventStart].step
      }
      return true
    }
    applyEffects(host: host)
    endEvent()
    return true
  }

  /// The timeline recorded so far, with `end` set.
  public var timeline: Timeline {
    var t = tl
    t.end = end ?? .quiescent
    t.finalConnections = conns.map(\.snapshot)
    for h in [scenario.left, scenario.right]
    where scenario.hosts[h].trackedPassively && scenario.hosts[h].tcpConfig == nil {
      t.trackPassively(host: Int32(h))
    }
    t.indexRelativeBases()
    return t
  }

  /// The panel of a host right now (its current connection and listener).
  public func endpoint(_ host: Int) -> EndpointSnapshot {
    let h = hosts[host]
    return EndpointSnapshot(
      connection: h.focus.map { conns[Int($0)].snapshot },
      listener: h.focusListener.map { listeners[Int($0)].snapshot })
  }

  /// Every connection the host has had, oldest first.
  public func connections(of host: Int) -> [ConnectionSnapshot] {
    conns.filter { $0.host == Int32(host) }.map(\.snapshot)
  }
}
