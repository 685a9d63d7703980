import Foundation
import HandshakeSim
import Testing

@testable import HandshakeCapture

/// Damaged and hostile files: one clear line naming the file and the byte or packet, or a
/// warning and the packets that could be read. Never a crash, never unbounded memory.
@Suite("Capture bad input")
struct CaptureBadInputTests {
  let good = Build.pcap(Build.segments.map { $0.ipv4Bytes() }, linkType: 101)

  func error(_ bytes: [UInt8]) -> CaptureError? {
    do {
      _ = try CaptureFile.summarize(MemorySource(bytes), file: "bad.pcap")
      return nil
    } catch {
      return error
    }
  }

  @Test("an empty file, and one too short to be a capture")
  func empty() {
    #expect(error([])?.description == "bad.pcap: the file is empty")
    #expect(error([0xD4, 0xC3])?.message == "too short to be a capture file")
    #expect(error([0xD4, 0xC3, 0xB2, 0xA1, 2, 0])?.message.contains("header is cut short") == true)
  }

  @Test("a file that is not a capture says what it starts with")
  func notACapture() {
    let e = error(Array("hello, world\n".utf8))
    #expect(e?.message.hasPrefix("not a capture file (it starts with 68 65 6c 6c") == true)
  }

  @Test("a file cut off inside a packet: the packets before it, and a warning")
  func truncated() throws {
    let cut = Array(good.dropLast(10))
    let s = try CaptureFile.summarize(MemorySource(cut), file: "t")
    #expect(s.tcpPackets == Build.segments.count - 1)
    #expect(s.warnings.map(\.kind) == [.truncatedFile])
  }

  @Test("a packet length beyond the snaplen names the packet and the byte")
  func beyondSnaplen() {
    var bytes = good
    // The third record's captured length (records start at 24; each is 16 + 40..44 bytes).
    let first = 24
    let second = first + 16 + Int(bytes[first + 8])
    let third = second + 16 + Int(bytes[second + 8])
    bytes.replaceSubrange((third + 8)..<(third + 12), with: Build.le32(0x7FFF_FFFF))
    let e = error(bytes)
    #expect(e?.packet == 3)
    #expect(e?.offset == third)
    #expect(e?.message.contains("beyond the snaplen 65535") == true)
  }

  @Test("a pcapng block whose length is wrong")
  func badBlockLength() {
    var bytes = Build.pcapng(Build.segments.map { $0.ipv4Bytes() }, linkType: 101)
    // The second block (the first interface) claims 13 bytes.
    let second = Int(bytes[4]) | Int(bytes[5]) << 8
    bytes.replaceSubrange((second + 4)..<(second + 8), with: Build.le32(13))
    #expect(error(bytes)?.message.contains("says its length is 13") == true)
    var disagree = Build.pcapng(Build.segments.map { $0.ipv4Bytes() }, linkType: 101)
    disagree[second + 4] &+= 4
    #expect(error(disagree) != nil)
  }

  @Test("an unknown link type: a warning, and no connection")
  func unknownLinkType() throws {
    let s = try CaptureFile.summarize(
      MemorySource(Build.pcap(Build.segments.map { $0.ipv4Bytes() }, linkType: 147)), file: "t")
    #expect(s.connections.isEmpty)
    #expect(s.warnings.first?.kind == .unknownLinkType)
    #expect(s.warnings.first?.count == Build.segments.count)
  }

  @Test("a huge file is read in chunks: a 2 GB zero-filled source costs no 2 GB of memory")
  func hugeFile() {
    // A source that yields zeros forever after a valid header: the reader must stop at the
    // first impossible record, reading no more than one chunk.
    struct Zeros: ByteSource {
      var header: [UInt8]
      var served = 0
      mutating func read(upTo count: Int) throws(CaptureError) -> [UInt8] {
        defer { served += count }
        if served == 0 { return header + Array(repeating: 0, count: max(0, count - header.count)) }
        return served > 2_000_000_000 ? [] : Array(repeating: 0, count: count)
      }
    }
    let ng = Build.block(
      0x0A0D_0D0A, Build.le32(0x1A2B_3C4D) + [1, 0, 0, 0] + Array(repeating: 0xFF, count: 8),
      bigEndian: false)
    do {
      _ = try CaptureFile.summarize(Zeros(header: ng), file: "zeros")
      Issue.record("a block of length 0 must be refused")
    } catch {
      #expect(error.message.contains("says its length is 0"))
    }
  }

  @Test("seeded mutations of real and hand-made captures never crash the reader or the tracker")
  func fuzz() throws {
    var corpus = [
      good,
      Build.pcapng(Build.segments.map { Build.frame($0.ipv4Bytes(), linkType: 1) }, linkType: 1),
    ]
    for name in ["a_normal", "b_refused", "d_halfclose"] {
      corpus.append(try fixture(name + ".pcap"))
    }
    var rng = SplitMix64(seed: 2026)
    var read = 0
    for round in 0..<3000 {
      var b = corpus[round % corpus.count]
      switch rng.next() % 5 {
      case 0:  // flip bytes
        for _ in 0..<(1 + rng.next() % 8) where !b.isEmpty {
          b[Int(rng.next() % UInt64(b.count))] ^= UInt8(truncatingIfNeeded: rng.next() | 1)
        }
      case 1:  // truncate
        b = Array(b.prefix(Int(rng.next() % UInt64(b.count + 1))))
      case 2:  // set a 32-bit field to an extreme
        if b.count > 8 {
          let i = Int(rng.next() % UInt64(b.count - 4))
          b.replaceSubrange(
            i..<(i + 4),
            with: [[0xFF, 0xFF, 0xFF, 0xFF], [0, 0, 0, 0], [0, 0, 0, 0x80]][Int(rng.next() % 3)])
        }
      case 3:  // duplicate a slice
        if b.count > 40 {
          let i = Int(rng.next() % UInt64(b.count - 20))
          b.insert(contentsOf: b[i..<(i + 20)], at: Int(rng.next() % UInt64(b.count)))
        }
      default:  // insert random bytes
        let i = Int(rng.next() % UInt64(b.count + 1))
        b.insert(contentsOf: (0..<8).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: i)
      }
      if let s = try? CaptureFile.summarize(MemorySource(b), file: "f") {
        read += 1
        for c in s.connections.indices.prefix(2) {
          _ = try? CaptureFile.analyze(MemorySource(b), file: "f", connection: c)
        }
      }
    }
    #expect(read > 100, "many mutants still read, so the tracker saw odd input too")
  }
}
