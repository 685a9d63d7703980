import HandshakeSim

/// A packetdrill script (google/packetdrill), as far as handshake-tui reads one: timed socket
/// calls of the kernel under test, `<` segments a scripted peer injects, `>` segments the
/// kernel must send. See docs/packetdrill.md for the subset.
public struct PktScript: Sendable {
  public var file: String
  /// `--name=value` header lines, in order.
  public var options: [(name: String, value: String)]
  public var events: [PktEvent]
  /// Lines skipped with a warning: shell commands and Python blocks.
  public var skipped: [PktDiagnostic]

  /// `--tolerance_usecs` (default 4 ms, as packetdrill's).
  public var tolerance: VirtualDuration {
    let v = options.last { $0.name == "tolerance_usecs" }.flatMap { Int64($0.value) }
    return .micros(max(0, v ?? 4000))
  }
}

/// Where in a script, and what about it.
public struct PktDiagnostic: Error, Sendable, CustomStringConvertible {
  public enum Kind: Sendable { case syntax, unsupported, mismatch, skipped }
  public var kind: Kind
  public var file: String
  public var line: Int
  public var column: Int
  public var message: String

  public init(_ kind: Kind, file: String, line: Int, column: Int, _ message: String) {
    self.kind = kind
    self.file = file
    self.line = line
    self.column = column
    self.message = message
  }

  public var description: String { "\(file):\(line):\(column): \(message)" }
}

/// When an event happens, in microseconds of script time.
public indirect enum PktTime: Hashable, Sendable {
  /// `0.100`: from the start of the script.
  case absolute(Int64)
  /// `+0.1`: after the previous event.
  case relative(Int64)
  /// `*`: whenever it happens.
  case any
  /// `A~B`: any time between two times.
  case range(PktTime, PktTime)
}

/// One line of a script that does something.
public struct PktEvent: Sendable {
  public var line: Int
  public var column: Int
  public var time: PktTime
  /// `START...END`: a blocking call that returns at END.
  public var end: PktTime?
  public var body: Body

  public enum Body: Sendable {
    case syscall(PktSyscall)
    case packet(PktPacket)
    /// `// handshake-tui: mss 1000, timestamps false`: settings of the kernel under test that
    /// Linux has no socket call for (a comment to packetdrill). Before the first connection
    /// they are the kernel's settings; later, a change made then.
    case settings([(key: String, value: String)])
  }
}

/// An argument of a system call as a script writes it.
public indirect enum PktValue: Hashable, Sendable {
  case int(Int64)
  /// `...`: whatever it is.
  case ellipsis
  /// `SOL_SOCKET`, `O_NONBLOCK|O_RDWR`.
  case names([String])
  /// `[1]`, `[{fd=4, events=POLLIN}]`.
  case list([PktValue])
  /// `{l_onoff=1, l_linger=0}`.
  case fields([PktField])
  case string(String)

  /// The value as a number, if it is one.
  public var int: Int64? {
    if case .int(let v) = self { return v }
    if case .list(let l) = self, l.count == 1 { return l[0].int }
    return nil
  }
}

public struct PktField: Hashable, Sendable {
  public var name: String
  public var value: PktValue
}

/// `name(args) = result`.
public struct PktSyscall: Sendable {
  public var name: String
  public var args: [PktValue]
  /// What it must return: a number, or -1 with an errno name.
  public var result: Int64
  public var errno: String?
  /// Column of the result, for mismatches.
  public var resultColumn: Int
}

/// A TCP option as a script writes it.
public enum PktOption: Hashable, Sendable {
  case mss(Int)
  case wscale(Int)
  case sackOK
  case sack([RelativeSackBlock])
  case timestamp(value: Int64, echo: Int64)
  case nop
  case eol
}

/// `< S. 0:0(0) ack 1 win 65535 <mss 1460,nop,wscale 7>`.
public struct PktPacket: Sendable {
  /// `<`: the peer sends it; `>`: the kernel must.
  public var inbound: Bool
  public var flags: TCPFlags
  public var seq: Int64
  public var end: Int64
  public var length: Int
  public var ack: Int64?
  public var window: Int?
  /// nil: not given (anything goes); [] is `<>`.
  public var options: [PktOption]?
  /// Columns of the parts, for mismatches.
  public var flagsColumn: Int
  public var seqColumn: Int
  public var ackColumn: Int
  public var windowColumn: Int
  public var optionsColumn: Int
}
