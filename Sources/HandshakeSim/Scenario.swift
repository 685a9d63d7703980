/// Everything a run needs: hosts, link, script and limits. The lesson loader builds one from a
/// lesson file; tests build them directly.
public struct Scenario: Sendable {
  public var seed: UInt64
  public var hosts: [HostSpec]
  public var link: LinkSpec
  public var script: [ScriptEntry]
  public var limits: RunLimits
  /// The two hosts the ladder shows, left and right (indices into `hosts`).
  public var left: Int
  public var right: Int
  public var stepPolicy: StepPolicy
  /// Whether steps carry panel snapshots. The UI needs them; a headless trace or export of a
  /// huge run does not, and skips the cost.
  public var recordSnapshots: Bool = true

  public init(
    seed: UInt64 = 1, hosts: [HostSpec], link: LinkSpec = LinkSpec(), script: [ScriptEntry],
    limits: RunLimits = RunLimits(), left: Int = 0, right: Int = 1,
    stepPolicy: StepPolicy = StepPolicy()
  ) {
    self.seed = seed
    self.hosts = hosts
    self.link = link
    self.script = script
    self.limits = limits
    self.left = left
    self.right = right
    self.stepPolicy = stepPolicy
  }

  /// The index of the host with this name.
  public func host(named name: String) -> Int? { hosts.firstIndex { $0.name == name } }
}

/// Which side of the ladder a host stands on; it decides the link direction and latency.
public enum Side: String, Hashable, Sendable { case left, right }

/// What kind of host this is.
public enum HostRole: Hashable, Sendable {
  /// A real TCP endpoint.
  case tcp(TCPConfig)
  /// No TCP of its own: it sends exactly the segments the script lists (like packetdrill) and
  /// records what it receives.
  case scripted
}

/// One host: its name, address, side and role.
public struct HostSpec: Hashable, Sendable {
  public var name: String
  public var address: IPv4Address
  public var side: Side
  public var role: HostRole
  /// The port it listens on or connects from by default.
  public var port: UInt16?
  /// A scripted ladder host whose panel shows the TCB its segments imply, inferred as for a
  /// capture (a packetdrill script's peer).
  public var trackedPassively = false

  public init(name: String, address: IPv4Address, side: Side, role: HostRole, port: UInt16? = nil) {
    self.name = name
    self.address = address
    self.side = side
    self.role = role
    self.port = port
  }

  /// Whether it runs TCP (`tcpConfig != nil` without copying the configuration out).
  public var isTCP: Bool {
    if case .tcp = role { return true }
    return false
  }

  public var tcpConfig: TCPConfig? {
    if case .tcp(let c) = role { return c }
    return nil
  }
}

/// Bounds on a run, so a bad lesson cannot hang the program or eat memory.
public struct RunLimits: Hashable, Sendable {
  public var maxEvents: Int
  public var maxTime: VirtualTime
  public init(maxEvents: Int = 2_000_000, maxTime: VirtualTime = VirtualTime(micros: 3_600_000_000))
  {
    self.maxEvents = maxEvents
    self.maxTime = maxTime
  }
}

/// How engine events become the steps a teacher steps through.
public struct StepPolicy: Hashable, Sendable {
  /// After this many background steps (segments between hosts the ladder does not show, such as
  /// an attacker's), consecutive background events are folded into one step. nil never folds.
  public var foldBackgroundAfter: Int?
  public init(foldBackgroundAfter: Int? = nil) { self.foldBackgroundAfter = foldBackgroundAfter }
}

/// A script line: when, which host, what.
public struct ScriptEntry: Hashable, Sendable {
  public var trigger: Trigger
  public var host: Int
  public var action: Action
  public init(_ trigger: Trigger, host: Int, _ action: Action) {
    self.trigger = trigger
    self.host = host
    self.action = action
  }
}

/// When a script line runs.
public enum Trigger: Hashable, Sendable {
  /// At a virtual time.
  case at(VirtualTime)
  /// A delay after the n-th record matching a pattern.
  case after(EventPattern, delay: VirtualDuration)
}

/// The kinds of trace record, as the JSONL contract names them.
public enum RecordKind: String, Hashable, Sendable, CaseIterable {
  case app, send, arrive, drop, timer, state
}

/// A predicate over trace records: for triggers ("after the server's FIN arrives") and for
/// attaching narration to steps.
public struct EventPattern: Hashable, Sendable {
  public var kind: RecordKind
  /// The host the record belongs to (the sender for `send`, the receiver otherwise).
  public var host: Int?
  /// For `arrive` and `drop`: the host that sent the segment.
  public var sender: Int? = nil
  /// Segment flags that must all be set.
  public var flags: TCPFlags?
  /// Segment flags that must all be clear.
  public var withoutFlags: TCPFlags = []
  /// The segment must (true) or must not (false) carry payload.
  public var hasData: Bool?
  /// For `state`: the new state; for others, ignored.
  public var state: TCPState?
  /// For `state`: the old state.
  public var fromState: TCPState?
  public var call: AppCall?
  public var result: AppResult?
  public var timer: TimerKind?
  public var note: ArrivalNote?
  /// Match the n-th record satisfying the rest (1-based).
  public var nth: Int

  public init(
    kind: RecordKind, host: Int? = nil, flags: TCPFlags? = nil, withoutFlags: TCPFlags = [],
    hasData: Bool? = nil, state: TCPState? = nil, fromState: TCPState? = nil,
    call: AppCall? = nil, result: AppResult? = nil, timer: TimerKind? = nil,
    note: ArrivalNote? = nil, nth: Int = 1
  ) {
    self.kind = kind
    self.host = host
    self.flags = flags
    self.withoutFlags = withoutFlags
    self.hasData = hasData
    self.state = state
    self.fromState = fromState
    self.call = call
    self.result = result
    self.timer = timer
    self.note = note
    self.nth = nth
  }
}

/// Bytes an application writes.
public enum Payload: Hashable, Sendable {
  /// N bytes of printable filler.
  case count(Int)
  /// These bytes (a text as UTF-8).
  case bytes([UInt8])

  public var length: Int {
    switch self {
    case .count(let n): n
    case .bytes(let b): b.count
    }
  }

  /// The filler's period: "abcdefghijklmnopqrstuvwxyz0123456789".
  public static let pattern = Array("abcdefghijklmnopqrstuvwxyz0123456789".utf8)

  /// The filler repeated over 64 KiB plus one period, so any filler run of up to 64 KiB is a
  /// slice of this one array: segments of a bulk transfer share it instead of copying bytes.
  static let patternBuffer: [UInt8] = {
    let n = 65536 + pattern.count
    return (0..<n).map { pattern[$0 % pattern.count] }
  }()

  /// `count` filler bytes as they stand at stream offset `offset` (count at most 64 KiB).
  static func patternSlice(offset: Int, count: Int) -> ArraySlice<UInt8> {
    precondition(count <= 65536, "filler slices are at most 64 KiB")
    let phase = offset % pattern.count
    return patternBuffer[phase..<(phase + count)]
  }

  /// The bytes; filler continues the pattern from stream offset `offset`, so consecutive
  /// writes join up.
  public func materialize(offset: Int = 0) -> [UInt8] {
    switch self {
    case .bytes(let b): return b
    case .count(let n):
      var out: [UInt8] = []
      out.reserveCapacity(n)
      var done = 0
      while done < n {
        let k = min(65536, n - done)
        out.append(contentsOf: Payload.patternSlice(offset: offset + done, count: k))
        done += k
      }
      return out
    }
  }
}

/// What a script line does.
public enum Action: Hashable, Sendable {
  /// Passive open on a port (the host's port when nil).
  case listen(port: UInt16?, backlog: Int?)
  /// Active open to another host.
  case connect(to: Int, port: UInt16?, localPort: UInt16?)
  case send(Payload)
  /// Read up to so many bytes (all when nil); for hosts that do not read by themselves.
  case read(max: Int?)
  /// close(): a full close.
  case close
  /// shutdown(SHUT_WR): half-close.
  case shutdown
  /// close() with SO_LINGER 0: reset.
  case abort
  /// Accept one connection (for hosts that do not accept by themselves).
  case accept
  /// Close the listening socket.
  case closeListener
  /// Change a setting of the host (`sysctl`): for the connections it makes from now on, and for
  /// its listeners where the setting is theirs (SYN cookies, backlog).
  case sysctl([HostSetting])
  /// Send crafted segments, possibly many (an attacker's flood, a forged reset, a scripted
  /// peer's reply).
  case inject(Injection)
}

/// A TCP setting a host can change while it runs (as `sysctl` or a socket option would).
public enum HostSetting: Hashable, Sendable {
  case synCookies(SynCookieMode)
  case synLinearTimeouts(Int)
  case synRetries(Int)
  case backlog(Int)
  case mss(UInt16)
  case receiveBuffer(Int)
  case windowScale(UInt8?)
  case sack(Bool)
  case timestamps(Bool)
  case msl(VirtualDuration)
  case delayedAck(DelayedAckPolicy)
  case lossRecovery(LossRecovery)
  /// Every default on which Linux and RFC 9293 differ, at once.
  case profile(TCPProfile)
  /// Extra delay on what the host sends.
  case sendDelay(VirtualDuration)

  /// Applies the setting to a configuration.
  public func apply(to c: inout TCPConfig) {
    switch self {
    case .synCookies(let m): c.synCookies = m
    case .synLinearTimeouts(let n): c.synLinearTimeouts = n
    case .synRetries(let n): c.synRetries = n
    case .backlog(let n): c.backlog = n
    case .mss(let n): c.mss = n
    case .receiveBuffer(let n): c.receiveBuffer = n
    case .windowScale(let w): c.windowScale = w
    case .sack(let b): c.sack = b
    case .timestamps(let b): c.timestamps = b
    case .msl(let d): c.msl = d
    case .delayedAck(let d): c.delayedAck = d
    case .lossRecovery(let r): c.lossRecovery = r
    case .profile(let p): c.apply(p)
    case .sendDelay(let d): c.sendDelay = d
    }
  }
}

/// A field of a host's current connection, for numbers given relative to it.
public enum TCBField: String, Hashable, Sendable, CaseIterable {
  case iss, irs
  case sndUna = "snd_una"
  case sndNxt = "snd_nxt"
  case rcvNxt = "rcv_nxt"
}

/// A sequence or acknowledgement number in a crafted segment.
public enum SeqExpr: Hashable, Sendable {
  case absolute(UInt32)
  /// A field of a host's current connection plus an offset, read when the segment is sent.
  case relative(host: Int, field: TCBField, offset: Int64)
  /// Random (from the run's seed), as a flood's spoofed SYNs have.
  case random
}

/// A SACK block as offsets from a base sequence number.
public struct RelativeSackBlock: Hashable, Sendable {
  public var left: Int64
  public var right: Int64
  public init(left: Int64, right: Int64) {
    self.left = left
    self.right = right
  }
}

/// The source address of crafted segments.
public enum AddressSpec: Hashable, Sendable {
  /// The sending host's own address.
  case own
  case fixed(IPv4Address)
  /// A random address in `base ..< base + count` for each segment (spoofed flood sources).
  case random(base: IPv4Address, count: UInt32)
}

/// A source port for crafted segments.
public enum PortSpec: Hashable, Sendable {
  /// The sending host's port.
  case own
  case fixed(UInt16)
  /// Random in 1024...65535 for each segment.
  case random
}

/// A crafted segment, and how many times to send it.
public struct Injection: Hashable, Sendable {
  public var to: Int
  public var source: AddressSpec
  public var sourcePort: PortSpec
  /// nil: the destination host's port.
  public var destinationPort: UInt16?
  public var seq: SeqExpr
  public var ack: SeqExpr?
  public var flags: TCPFlags
  public var window: UInt16
  public var options: TCPOptions
  public var payload: Payload?
  public var count: Int
  public var interval: VirtualDuration
  /// SACK blocks given relative to a field of the receiving host's connection (a scripted
  /// peer's SACK of data whose sequence numbers it only knows relative to the other's ISS).
  public var relativeSack: (base: SeqExpr, blocks: [RelativeSackBlock])? {
    get { sackBase.map { ($0, sackOffsets) } }
    set {
      sackBase = newValue?.base
      sackOffsets = newValue?.blocks ?? []
    }
  }
  var sackBase: SeqExpr? = nil
  var sackOffsets: [RelativeSackBlock] = []

  public init(
    to: Int, source: AddressSpec = .own, sourcePort: PortSpec = .own,
    destinationPort: UInt16? = nil,
    seq: SeqExpr, ack: SeqExpr? = nil, flags: TCPFlags, window: UInt16 = 65535,
    options: TCPOptions = .none, payload: Payload? = nil, count: Int = 1,
    interval: VirtualDuration = .zero
  ) {
    self.to = to
    self.source = source
    self.sourcePort = sourcePort
    self.destinationPort = destinationPort
    self.seq = seq
    self.ack = ack
    self.flags = flags
    self.window = window
    self.options = options
    self.payload = payload
    self.count = count
    self.interval = interval
  }
}
