/// An instant on the simulation's virtual clock, in microseconds since the run began.
///
/// The clock only moves when the scheduler takes the next event; nothing reads a real clock.
public struct VirtualTime: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// Microseconds since the start of the run.
  public var micros: Int64

  public init(micros: Int64) { self.micros = micros }

  /// The start of every run.
  public static let zero = VirtualTime(micros: 0)

  public static func < (lhs: VirtualTime, rhs: VirtualTime) -> Bool { lhs.micros < rhs.micros }
  public static func + (lhs: VirtualTime, rhs: VirtualDuration) -> VirtualTime {
    VirtualTime(micros: lhs.micros &+ rhs.micros)
  }
  public static func - (lhs: VirtualTime, rhs: VirtualTime) -> VirtualDuration {
    VirtualDuration(micros: lhs.micros - rhs.micros)
  }

  /// Seconds as a floating value, for display and the trace's `t` field.
  public var seconds: Double { Double(micros) / 1_000_000 }

  /// "1.234567" — seconds with microsecond precision, the trace's `t` format.
  public var description: String { VirtualDuration(micros: micros).secondsString }
}

/// A span of virtual time, in microseconds.
public struct VirtualDuration: Hashable, Comparable, Sendable, CustomStringConvertible {
  /// Length in microseconds.
  public var micros: Int64

  public init(micros: Int64) { self.micros = micros }

  public static let zero = VirtualDuration(micros: 0)
  public static func seconds(_ s: Int64) -> VirtualDuration {
    VirtualDuration(micros: s * 1_000_000)
  }
  public static func millis(_ ms: Int64) -> VirtualDuration { VirtualDuration(micros: ms * 1_000) }
  public static func micros(_ us: Int64) -> VirtualDuration { VirtualDuration(micros: us) }

  public static func < (lhs: VirtualDuration, rhs: VirtualDuration) -> Bool {
    lhs.micros < rhs.micros
  }
  public static func + (lhs: VirtualDuration, rhs: VirtualDuration) -> VirtualDuration {
    VirtualDuration(micros: lhs.micros &+ rhs.micros)
  }
  public static func - (lhs: VirtualDuration, rhs: VirtualDuration) -> VirtualDuration {
    VirtualDuration(micros: lhs.micros - rhs.micros)
  }
  public static func * (lhs: VirtualDuration, rhs: Int64) -> VirtualDuration {
    VirtualDuration(
      micros: lhs.micros.multipliedReportingOverflow(by: rhs).overflow
        ? Int64.max : lhs.micros * rhs)
  }

  public static func / (lhs: VirtualDuration, rhs: Int64) -> VirtualDuration {
    VirtualDuration(micros: rhs == 0 ? lhs.micros : lhs.micros / rhs)
  }

  public var seconds: Double { Double(micros) / 1_000_000 }

  /// Seconds with six decimals, e.g. "0.010000".
  public var secondsString: String {
    let sign = micros < 0 ? "-" : ""
    let m = micros.magnitude
    let frac = String(m % 1_000_000)
    return sign + String(m / 1_000_000) + "." + String(repeating: "0", count: 6 - frac.count) + frac
  }

  /// A short human form: "200 ms", "1 s", "1.5 s", "2 min".
  public var description: String {
    if micros % 60_000_000 == 0 && micros >= 120_000_000 { return "\(micros / 60_000_000) min" }
    if micros % 1_000_000 == 0 { return "\(micros / 1_000_000) s" }
    if micros >= 1_000_000 {
      let tenths = (micros + 50_000) / 100_000
      return "\(tenths / 10).\(tenths % 10) s"
    }
    if micros % 1_000 == 0 { return "\(micros / 1_000) ms" }
    if micros >= 1_000 {
      let tenths = (micros + 50) / 100
      return "\(tenths / 10).\(tenths % 10) ms"
    }
    return "\(micros) µs"
  }
}
