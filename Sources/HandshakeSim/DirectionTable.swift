/// The relative-number base of each direction of a timeline's segments, 8 bytes a direction.
///
/// A slot holds one transmission sent in that direction and the base; the key, the segment's
/// 4-tuple, is read back from that transmission rather than stored. A `Dictionary` keyed by the
/// 4-tuple took 16 bytes a slot and copied itself as it grew: for a SYN flood's million
/// directions it was the largest thing a run held when it ended (issue 15's pcap memory).
struct DirectionTable {
  /// A segment's direction: who sent it to whom.
  struct Direction: Equatable {
    var from: IPv4Address
    var fromPort: UInt16
    var to: IPv4Address
    var toPort: UInt16

    /// Transmission `tx`'s direction, its fields read in place (copying the segment out would
    /// retain its payload and options on every probe).
    init(of tx: Int, in transmissions: ChunkedArray<Transmission>) {
      from = transmissions[tx].segment.source
      fromPort = transmissions[tx].segment.sourcePort
      to = transmissions[tx].segment.destination
      toPort = transmissions[tx].segment.destinationPort
    }

    var reversed: Direction {
      var r = self
      swap(&r.from, &r.to)
      swap(&r.fromPort, &r.toPort)
      return r
    }

    /// A fixed hash (the table must not depend on the process's random seed: runs are
    /// deterministic), SplitMix64's finalizer over the packed tuple.
    var hash: UInt64 {
      let addresses = UInt64(from.value) << 32 | UInt64(to.value)
      let ports = UInt64(fromPort) << 16 | UInt64(toPort)
      var h = addresses ^ (ports &* 0x9E37_79B9_7F4A_7C15)
      h = (h ^ (h >> 30)) &* 0xBF58_476D_1CE4_E5B9
      h = (h ^ (h >> 27)) &* 0x94D0_49BB_1331_11EB
      return h ^ (h >> 31)
    }
  }

  /// `(transmission + 1) << 32 | base`, or 0 for an empty slot.
  private var slots: [UInt64]
  private let mask: Int

  /// A table for up to `directions` directions, never more than half full (so a probe for a
  /// missing direction ends quickly).
  init(directions: Int) {
    var n = 16
    while n < directions * 2 { n <<= 1 }
    slots = [UInt64](repeating: 0, count: n)
    mask = n - 1
  }

  /// The slot of `d`: where it is, or the empty one where it would go.
  private func slot(of d: Direction, in transmissions: ChunkedArray<Transmission>) -> Int {
    var i = Int(truncatingIfNeeded: d.hash) & mask
    while slots[i] != 0 {
      let tx = Int(slots[i] >> 32) - 1
      if Direction(of: tx, in: transmissions) == d { return i }
      i = (i + 1) & mask
    }
    return i
  }

  /// The base of direction `d`, if one has been set.
  func base(of d: Direction, in transmissions: ChunkedArray<Transmission>) -> SeqNum? {
    let v = slots[slot(of: d, in: transmissions)]
    return v == 0 ? nil : SeqNum(UInt32(truncatingIfNeeded: v))
  }

  /// Sets the base of the direction transmission `tx` was sent in.
  mutating func setBase(
    _ base: SeqNum, forDirectionOf tx: Int, in transmissions: ChunkedArray<Transmission>
  ) {
    let i = slot(of: Direction(of: tx, in: transmissions), in: transmissions)
    slots[i] = UInt64(tx + 1) << 32 | UInt64(base.rawValue)
  }
}
