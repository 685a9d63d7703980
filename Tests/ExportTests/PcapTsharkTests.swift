import Foundation
import HandshakeExport
import HandshakeLessons
import HandshakeSim
import Testing

/// Every built-in lesson exported as a pcap and read back by tshark: the same segments the
/// trace prints, field for field, with good checksums, nothing malformed, and Wireshark's own
/// TCP analysis finding retransmissions exactly where the engine retransmitted.
@Suite(
  "pcap export, read by tshark",
  .enabled(if: TShark.usable, "tshark is not installed (CI installs it)"))
struct PcapTsharkTests {
  /// The fields asked of tshark, in column order.
  static let fields = [
    "frame.number", "frame.time_epoch", "ip.src", "ip.dst", "tcp.srcport", "tcp.dstport",
    "tcp.flags", "tcp.seq_raw", "tcp.ack_raw", "tcp.len", "tcp.window_size_value",
    "tcp.options.mss_val", "tcp.options.wscale.shift", "tcp.options.sack_perm",
    "tcp.options.sack_le", "tcp.options.sack_re", "tcp.options.timestamp.tsval",
    "tcp.options.timestamp.tsecr", "ip.checksum.status", "tcp.checksum.status",
    "_ws.expert.severity", "_ws.malformed", "tcp.analysis.retransmission",
    "tcp.analysis.fast_retransmission", "tcp.analysis.spurious_retransmission", "tcp.payload",
  ]

  /// One decoded packet: field name → value ("" when absent; several values comma-separated).
  typealias Packet = [String: String]

  static func decode(_ path: String) throws -> [Packet] {
    var args = [
      "-r", path, "-n", "-T", "fields", "-E", "separator=/t", "-E", "occurrence=a",
      "-E", "aggregator=,",
      // Check both checksums, and show raw SACK edges so they compare with the trace.
      "-o", "ip.check_checksum:TRUE", "-o", "tcp.check_checksum:TRUE",
      "-o", "tcp.relative_sequence_numbers:FALSE",
    ]
    for f in fields { args += ["-e", f] }
    let out = try TShark.run(args)
    return out.split(separator: "\n", omittingEmptySubsequences: true).map { line in
      let cols = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
      var p: Packet = [:]
      for (i, f) in fields.enumerated() { p[f] = i < cols.count ? cols[i] : "" }
      return p
    }
  }

  /// The trace's send records, as `trace --format jsonl` prints them, parsed back.
  static func traceSends(_ tl: Timeline) throws -> [[String: Any]] {
    try tl.records.indices.compactMap { i -> [String: Any]? in
      guard case .send = tl.records[i].event else { return nil }
      let data = Data(tl.jsonLine(record: i).utf8)
      return try JSONSerialization.jsonObject(with: data) as? [String: Any]
    }
  }

  static let flagBits: [String: UInt8] = [
    "FIN": 0x01, "SYN": 0x02, "RST": 0x04, "PSH": 0x08, "ACK": 0x10, "URG": 0x20, "ECE": 0x40,
    "CWR": 0x80,
  ]

  /// Wireshark's expert severity for errors (PI_ERROR).
  static let severityError = 0x0080_0000

  @Test("each lesson's pcap decodes to exactly the segments the trace prints", arguments: lessonIDs)
  func matchesTrace(id: String) throws {
    let run = try lessonRun(id)
    let tl = run.timeline
    let path = temporaryPath("\(id).pcap")
    defer { unlink(path) }
    try Data(PcapWriter(tl).bytes()).write(to: URL(fileURLWithPath: path))
    let packets = try Self.decode(path)
    let sends = try Self.traceSends(tl)
    try #require(packets.count == sends.count, "one packet per segment sent")
    #expect(packets.count == tl.transmissions.count)

    for (k, (p, rec)) in zip(packets, sends).enumerated() {
      let seg = try #require(rec["seg"] as? [String: Any])
      let at = "\(id) frame \(k + 1)"
      #expect(p["ip.src"] == seg["src"] as? String, "\(at)")
      #expect(p["ip.dst"] == seg["dst"] as? String, "\(at)")
      #expect(p["tcp.srcport"] == "\(seg["src_port"] as? Int ?? -1)", "\(at)")
      #expect(p["tcp.dstport"] == "\(seg["dst_port"] as? Int ?? -1)", "\(at)")
      let flags = (seg["flags"] as? [String] ?? []).reduce(UInt8(0)) {
        $0 | (Self.flagBits[$1] ?? 0)
      }
      #expect(UInt8(p["tcp.flags"]!.dropFirst(2), radix: 16) == flags, "\(at) flags")
      #expect(p["tcp.seq_raw"] == "\(seg["seq"] as? Int ?? -1)", "\(at) seq")
      #expect(p["tcp.ack_raw"] == "\(seg["ack"] as? Int ?? -1)", "\(at) ack")
      #expect(p["tcp.len"] == "\(seg["len"] as? Int ?? -1)", "\(at) len")
      #expect(p["tcp.window_size_value"] == "\(seg["win"] as? Int ?? -1)", "\(at) win")
      // Options: each one the trace lists, and none it does not.
      let opts = seg["options"] as? [String: Any] ?? [:]
      #expect(p["tcp.options.mss_val"] == (opts["mss"] as? Int).map { "\($0)" } ?? "", "\(at) mss")
      #expect(
        p["tcp.options.wscale.shift"] == (opts["wscale"] as? Int).map { "\($0)" } ?? "",
        "\(at) wscale")
      #expect((p["tcp.options.sack_perm"] != "") == (opts["sack_ok"] as? Bool ?? false), "\(at)")
      let ts = opts["ts"] as? [Int]
      #expect(p["tcp.options.timestamp.tsval"] == ts.map { "\($0[0])" } ?? "", "\(at) tsval")
      #expect(p["tcp.options.timestamp.tsecr"] == ts.map { "\($0[1])" } ?? "", "\(at) tsecr")
      let sack = opts["sack"] as? [[Int]] ?? []
      #expect(
        p["tcp.options.sack_le"] == sack.map { "\($0[0])" }.joined(separator: ","), "\(at) sack")
      #expect(
        p["tcp.options.sack_re"] == sack.map { "\($0[1])" }.joined(separator: ","), "\(at) sack")
      // Time from the virtual clock, and the payload bytes themselves.
      let t = rec["t"] as? Double ?? -1
      let epoch = Double(p["frame.time_epoch"] ?? "") ?? 0
      #expect(abs(epoch - Double(PcapWriter.epoch) - t) < 1e-6, "\(at) time")
      let payload = tl.transmissions[k].segment.payload
      #expect(p["tcp.payload"] == payload.map { String(format: "%02x", $0) }.joined(), "\(at)")
      // Checksums verified good (status 1), nothing malformed, no error-level expert note.
      #expect(p["ip.checksum.status"] == "1", "\(at) IP checksum")
      #expect(p["tcp.checksum.status"] == "1", "\(at) TCP checksum")
      #expect(p["_ws.malformed"] == "", "\(at) malformed")
      let severities = (p["_ws.expert.severity"] ?? "").split(separator: ",").compactMap {
        Int($0)
      }
      #expect(severities.allSatisfy { $0 < Self.severityError }, "\(at) expert error")
    }

    // Wireshark's analysis flags a retransmission exactly where the engine made one.
    let flagged = Set(
      packets.indices.filter { i in
        [
          "tcp.analysis.retransmission", "tcp.analysis.fast_retransmission",
          "tcp.analysis.spurious_retransmission",
        ].contains { packets[i][$0] != "" }
      })
    let retransmitted = Set(
      tl.transmissions.indices.filter { tl.transmissions[$0].isRetransmission })
    #expect(
      flagged == retransmitted, "\(id): tshark \(flagged.sorted()) engine \(retransmitted.sorted())"
    )
  }

  @Test("--at receiver holds every copy that arrived, when it arrived", arguments: lessonIDs)
  func receiverView(id: String) throws {
    let tl = try lessonRun(id).timeline
    let path = temporaryPath("\(id)-rx.pcap")
    defer { unlink(path) }
    try Data(PcapWriter(tl, view: .receiver).bytes()).write(to: URL(fileURLWithPath: path))
    let packets = try Self.decode(path)
    // In time order; copies landing at one instant in the order they were sent.
    let arrivals = tl.transmissions.flatMap { t in
      t.landings.filter { $0.dropped == nil }.map { (t, $0.time) }
    }.enumerated().sorted { ($0.element.1, $0.offset) < ($1.element.1, $1.offset) }.map(\.element)
    #expect(packets.count == arrivals.count)
    for (p, (t, time)) in zip(packets, arrivals) {
      #expect(p["tcp.seq_raw"] == "\(t.segment.seq.rawValue)")
      let epoch = Double(p["frame.time_epoch"] ?? "") ?? 0
      #expect(abs(epoch - Double(PcapWriter.epoch) - Double(time.micros) / 1e6) < 1e-6)
      #expect(p["tcp.checksum.status"] == "1")
      #expect(p["_ws.malformed"] == "")
    }
    // A lesson that loses segments has fewer packets at the receiver than at the sender.
    let lost = tl.transmissions.filter { $0.landings.allSatisfy { $0.dropped != nil } }.count
    let duplicated = tl.transmissions.filter { $0.landings.filter { $0.dropped == nil }.count == 2 }
      .count
    #expect(packets.count == tl.transmissions.count - lost + duplicated)
  }
}
