/// A TCP sequence number: 32 bits, compared and added modulo 2^32 (RFC 9293 §3.4).
///
/// `SeqNum` is deliberately not `Comparable`: the order is only meaningful for numbers less than
/// 2^31 apart, so it is not a total order. The comparison operators below implement RFC 9293's
/// "=<" and "<" on the circle, the way every real stack does (`before()`/`after()` in Linux).
public struct SeqNum: Hashable, Sendable, CustomStringConvertible {
  /// The value as it appears in the header.
  public var rawValue: UInt32

  /// Wraps a header value.
  public init(_ rawValue: UInt32) { self.rawValue = rawValue }

  public var description: String { String(rawValue) }

  /// `a + n` modulo 2^32.
  public static func + (lhs: SeqNum, rhs: UInt32) -> SeqNum { SeqNum(lhs.rawValue &+ rhs) }

  /// `a + n` modulo 2^32 for a signed offset (negative moves backwards).
  public static func + (lhs: SeqNum, rhs: Int) -> SeqNum {
    SeqNum(lhs.rawValue &+ UInt32(truncatingIfNeeded: rhs))
  }

  /// `a - n` modulo 2^32.
  public static func - (lhs: SeqNum, rhs: UInt32) -> SeqNum { SeqNum(lhs.rawValue &- rhs) }

  /// The signed distance `a - b` on the circle: positive when `a` is after `b`.
  public static func - (lhs: SeqNum, rhs: SeqNum) -> Int {
    Int(Int32(bitPattern: lhs.rawValue &- rhs.rawValue))
  }

  public static func += (lhs: inout SeqNum, rhs: UInt32) { lhs = lhs + rhs }
  public static func += (lhs: inout SeqNum, rhs: Int) { lhs = lhs + rhs }

  /// `a < b` modulo 2^32 (RFC 9293 §3.4).
  public static func < (lhs: SeqNum, rhs: SeqNum) -> Bool {
    Int32(bitPattern: lhs.rawValue &- rhs.rawValue) < 0
  }
  /// `a =< b` modulo 2^32.
  public static func <= (lhs: SeqNum, rhs: SeqNum) -> Bool {
    Int32(bitPattern: lhs.rawValue &- rhs.rawValue) <= 0
  }
  /// `a > b` modulo 2^32.
  public static func > (lhs: SeqNum, rhs: SeqNum) -> Bool { rhs < lhs }
  /// `a >= b` modulo 2^32.
  public static func >= (lhs: SeqNum, rhs: SeqNum) -> Bool { rhs <= lhs }

  /// True when `low =< self < low + size` on the circle (an empty window holds nothing).
  public func isIn(windowFrom low: SeqNum, size: UInt32) -> Bool {
    rawValue &- low.rawValue < size
  }

  /// The later of two sequence numbers on the circle.
  public static func later(_ a: SeqNum, _ b: SeqNum) -> SeqNum { a < b ? b : a }
}
