import HandshakeSim

/// A run as a classic pcap file (the libpcap format Wireshark and tcpdump read): Ethernet frames
/// with fixed addresses, carrying the engine's own IPv4+TCP bytes, stamped with the virtual clock.
public struct PcapWriter: Sendable {
  /// Whose view the capture takes.
  public enum View: String, Sendable, CaseIterable {
    /// Every segment as it was sent (a lost one too: a capture on the sender would see it).
    case sender
    /// Every copy that arrived, when it arrived (lost ones are missing, duplicated ones twice).
    case receiver
  }

  /// Wall-clock seconds the virtual clock's zero is placed at: 2026-01-01 00:00:00 UTC, so the
  /// file is the same every time and its dates look sane.
  public static let epoch: Int64 = 1_767_225_600
  static let linkTypeEthernet: UInt32 = 1

  let timeline: Timeline
  let view: View

  public init(_ timeline: Timeline, view: View = .sender) {
    self.timeline = timeline
    self.view = view
  }

  /// The 24-byte global header: microsecond timestamps, version 2.4, Ethernet.
  public static var fileHeader: [UInt8] {
    var b: [UInt8] = []
    le32(&b, 0xA1B2_C3D4)
    le16(&b, 2)
    le16(&b, 4)
    le32(&b, 0)  // thiszone
    le32(&b, 0)  // sigfigs
    le32(&b, 262_144)  // snaplen
    le32(&b, linkTypeEthernet)
    return b
  }

  /// The packets in file order: (time, transmission index, damaged). A segment that arrived
  /// damaged (a what-if's "corrupt") is in the receiver's capture with a wrong TCP checksum, as
  /// a capture on the receiver would show it.
  public var packets: [(time: VirtualTime, tx: Int, corrupt: Bool)] {
    switch view {
    case .sender:
      return timeline.transmissions.indices.map { (timeline.transmissions[$0].sentAt, $0, false) }
    case .receiver:
      var out: [(VirtualTime, Int, Bool)] = []
      for (i, t) in timeline.transmissions.enumerated() {
        for l in t.landings where l.dropped == nil || l.dropped == .corrupt {
          out.append((l.time, i, l.dropped == .corrupt))
        }
      }
      // Stable by time: arrivals at one instant keep the order they were sent in.
      return out.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(
        \.element)
    }
  }

  /// Appends one packet record (header and Ethernet frame) to `out`. The Ethernet addresses
  /// are made up but fixed: 02:00 (locally administered) then the host's IPv4 address.
  func appendPacket(time: VirtualTime, tx: Int, corrupt: Bool = false, to out: inout [UInt8]) {
    let t = timeline.transmissions[tx]
    let micros = time.micros + PcapWriter.epoch * 1_000_000
    let start = out.count
    le32(&out, UInt32(truncatingIfNeeded: micros / 1_000_000))
    le32(&out, UInt32(truncatingIfNeeded: micros % 1_000_000))
    le32(&out, 0)  // captured and original length, filled in below
    le32(&out, 0)
    out += [0x02, 0x00]
    appendBE32(&out, t.segment.destination.value)
    out += [0x02, 0x00]
    appendBE32(&out, t.segment.source.value)
    out += [0x08, 0x00]  // IPv4
    let ip = out.count
    t.segment.appendIPv4(to: &out, ipID: t.ipID)
    if corrupt {
      // The TCP checksum (20 bytes of IPv4 header, then 16 into TCP), made wrong.
      out[ip + 36] ^= 0xFF
      out[ip + 37] ^= 0x5A
    }
    let length = UInt32(out.count - start - 16)
    for k in 0..<4 {
      let byte = UInt8(truncatingIfNeeded: length >> (8 * k))
      out[start + 8 + k] = byte
      out[start + 12 + k] = byte
    }
  }

  /// The whole file in memory (for small runs and tests).
  public func bytes() -> [UInt8] {
    var out = PcapWriter.fileHeader
    for p in packets { appendPacket(time: p.time, tx: p.tx, corrupt: p.corrupt, to: &out) }
    return out
  }

  /// The file in chunks of about `chunk` bytes, for large runs: `emit` is called with each.
  public func write(chunk: Int = 1 << 20, _ emit: ([UInt8]) throws -> Void) rethrows {
    var buffer = PcapWriter.fileHeader
    buffer.reserveCapacity(chunk + 70_000)
    func add(_ time: VirtualTime, _ tx: Int, _ corrupt: Bool) throws {
      appendPacket(time: time, tx: tx, corrupt: corrupt, to: &buffer)
      if buffer.count >= chunk {
        try emit(buffer)
        buffer.removeAll(keepingCapacity: true)
      }
    }
    if view == .sender {
      // Sending order is the transmissions' order: no list of packets to make first (for a
      // million segments it would be 24 MB more at the peak).
      let txs = timeline.transmissions
      for i in 0..<txs.count { try add(txs[i].sentAt, i, false) }
    } else {
      for p in packets { try add(p.time, p.tx, p.corrupt) }
    }
    if !buffer.isEmpty { try emit(buffer) }
  }
}

@inline(__always) func le32(_ b: inout [UInt8], _ v: UInt32) {
  b.append(UInt8(v & 0xFF))
  b.append(UInt8(v >> 8 & 0xFF))
  b.append(UInt8(v >> 16 & 0xFF))
  b.append(UInt8(v >> 24))
}

@inline(__always) func appendBE32(_ b: inout [UInt8], _ v: UInt32) {
  b.append(UInt8(v >> 24))
  b.append(UInt8(v >> 16 & 0xFF))
  b.append(UInt8(v >> 8 & 0xFF))
  b.append(UInt8(v & 0xFF))
}

@inline(__always) func le16(_ b: inout [UInt8], _ v: UInt16) {
  b.append(UInt8(v & 0xFF))
  b.append(UInt8(v >> 8))
}
