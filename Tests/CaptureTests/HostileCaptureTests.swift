import Foundation
import HandshakeApp
import HandshakeSim
import Testing

@testable import HandshakeCapture

/// Captures made to break the reader: interface options and timestamps at their extremes. Each
/// one once trapped on arithmetic overflow (SIGILL); now each reads, or is refused in one line.
@Suite("Hostile captures")
struct HostileCaptureTests {
  /// A pcapng file: one interface with the given options, then the handshake fixture's packets
  /// stamped with `stamps` (raw 64-bit timestamp units, one per packet, cycled).
  static func pcapng(tsresol: UInt8? = nil, tsoffset: Int64? = nil, stamps: [UInt64]) -> [UInt8] {
    var out = Build.block(
      0x0A0D_0D0A,
      Build.le32(0x1A2B_3C4D) + Build.le16(1) + Build.le16(0)
        + Array(repeating: 0xFF, count: 8), bigEndian: false)
    var options: [UInt8] = []
    if let r = tsresol { options += Build.le16(9) + Build.le16(1) + [r, 0, 0, 0] }
    if let o = tsoffset {
      let u = UInt64(bitPattern: o)
      options +=
        Build.le16(14) + Build.le16(8) + Build.le32(UInt32(u & 0xFFFF_FFFF))
        + Build.le32(UInt32(u >> 32))
    }
    if !options.isEmpty { options += Build.le16(0) + Build.le16(0) }
    out += Build.block(1, Build.le16(1) + Build.le16(0) + Build.le32(0) + options, bigEndian: false)
    for (i, s) in Build.segments.enumerated() {
      let data = Build.frame(s.ipv4Bytes(), linkType: 1)
      let t = stamps[i % stamps.count]
      out += Build.block(
        6,
        Build.le32(0) + Build.le32(UInt32(t >> 32)) + Build.le32(UInt32(t & 0xFFFF_FFFF))
          + Build.le32(UInt32(data.count)) + Build.le32(UInt32(data.count)) + data,
        bigEndian: false)
    }
    return out
  }

  /// Reads the file as `open --list`, `open` and `trace` do: the summary, each connection
  /// through the tracker, its lesson text, and the durations printed.
  func readEverything(_ bytes: [UInt8]) -> CaptureError? {
    do {
      let s = try CaptureFile.summarize(MemorySource(bytes), file: "hostile.pcapng")
      for c in s.connections {
        _ = VirtualDuration(micros: c.durationNanos / 1000).description
        let (s2, a) = try CaptureFile.analyze(
          MemorySource(bytes), file: "hostile.pcapng", connection: c.number - 1)
        let run = CaptureLesson.run(
          file: "hostile.pcapng", capture: s2, connection: c, analysis: a)
        for step in 0..<run.timeline.stepCount {
          _ = run.narration(atStep: step, language: .en)
          _ = run.timeline.steps[step].time.description
        }
        #expect(a.timeline.steps.allSatisfy { $0.time.micros >= 0 })
      }
      return nil
    } catch {
      return error
    }
  }

  @Test(
    "if_tsoffset of 2^62, negative, and -9e9 s reads without trapping",
    arguments: [Int64(1) << 62, -1, -9_000_000_000, Int64.max, Int64.min])
  func tsoffset(offset: Int64) {
    let bytes = Self.pcapng(tsoffset: offset, stamps: [1_700_000_000_000_000])
    #expect(readEverything(bytes) == nil)
  }

  @Test("timestamps that jump from one end of time to the other: durations held, not wrapped")
  func extremeStamps() throws {
    // With a 2^62 offset and nanosecond units, the stamps run from the far past to the far
    // future: about -9.2e18 ns to +9.2e18 ns.
    let bytes = Self.pcapng(
      tsresol: 9, tsoffset: -(Int64(1) << 33),
      stamps: [0, UInt64.max, 1, UInt64.max / 2, UInt64.max - 1])
    #expect(readEverything(bytes) == nil)
    let s = try CaptureFile.summarize(MemorySource(bytes), file: "f")
    #expect(s.connections.allSatisfy { $0.durationNanos >= 0 })
  }

  @Test("every if_tsresol from 0 to 255, with extreme stamps: read, or refused in one line")
  func everyResolution() {
    var refused = 0
    for r in 0...255 {
      let bytes = Self.pcapng(
        tsresol: UInt8(r), tsoffset: r % 2 == 0 ? Int64(1) << 40 : -(Int64(1) << 40),
        stamps: [0, UInt64.max, UInt64(r) << 56, 1_700_000_000_000_000_000])
      if let e = readEverything(bytes) {
        refused += 1
        #expect(e.message.contains("time resolution"), "\(e)")
        #expect(!e.description.contains("\n"))
      }
    }
    // 10^-19 and finer, 2^-63 and finer: refused; every other resolution reads.
    #expect(refused == (127 - 18) + (127 - 62))
  }

  @Test("seeded fuzz over pcapng options and timestamps never traps")
  func fuzzOptions() {
    var rng = SplitMix64(seed: 614)
    for _ in 0..<2000 {
      let r = UInt8(truncatingIfNeeded: rng.next())
      let o = Int64(bitPattern: rng.next()) >> Int(rng.next() % 64)
      let stamps = (0..<4).map { _ in rng.next() >> Int(rng.next() % 64) }
      _ = readEverything(Self.pcapng(tsresol: r, tsoffset: o, stamps: stamps))
    }
  }

  @Test("the crash inputs kept as fixtures read without trapping")
  func fixtures() throws {
    let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
      .appendingPathComponent("Fixtures/hostile")
    let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter {
      $0.hasSuffix(".pcapng")
    }
    #expect(names.count >= 3)
    for n in names {
      let bytes = try [UInt8](Data(contentsOf: dir.appendingPathComponent(n)))
      #expect(readEverything(bytes) == nil, "\(n)")
    }
  }
}
