import Testing

@testable import HandshakeSim

/// The timeline's long arrays are chunked so that growing them never copies what is stored; they
/// must still behave exactly like an Array.
@Suite("Chunked timeline storage")
struct ChunkedArrayTests {
  static let chunk = ChunkedArray<Int>.mask + 1

  @Test("appends across chunk boundaries keep order, count and indices")
  func appendAcrossChunks() {
    var a = ChunkedArray<Int>()
    var reference: [Int] = []
    for i in 0..<(Self.chunk * 3 + 5) {
      a.append(i * 7)
      reference.append(i * 7)
    }
    #expect(a.count == reference.count)
    #expect(a.indices == reference.indices)
    #expect(Array(a) == reference)
    // The elements either side of each boundary.
    for b in [Self.chunk - 1, Self.chunk, 2 * Self.chunk - 1, 2 * Self.chunk, 3 * Self.chunk] {
      #expect(a[b] == b * 7)
    }
    #expect(a.last == reference.last)
    #expect(a.chunks.count == 4)
    #expect(a.chunks.dropLast().allSatisfy { $0.count == Self.chunk })
  }

  @Test("a mutation through the subscript changes that element only")
  func mutateInPlace() {
    var a = ChunkedArray(0..<(Self.chunk + 10))
    a[Self.chunk] += 1000
    a[3] = -1
    #expect(a[Self.chunk] == Self.chunk + 1000)
    #expect(a[3] == -1)
    #expect(a[Self.chunk - 1] == Self.chunk - 1)
    #expect(a[Self.chunk + 1] == Self.chunk + 1)
  }

  @Test("copies are values: changing one leaves the other")
  func valueSemantics() {
    let a = ChunkedArray(0..<(Self.chunk + 3))
    var b = a
    b[1] = 99
    b.append(5)
    #expect(a[1] == 1)
    #expect(a.count == Self.chunk + 3)
    #expect(b.count == Self.chunk + 4)
    #expect(a != b)
  }

  @Test(
    "slices, equality and hashing agree with an Array of the same elements",
    arguments: [0, 1, 4097, 9000])
  func slicesAndEquality(n: Int) {
    let a = ChunkedArray(0..<n)
    let b = ChunkedArray(Array(0..<n))
    #expect(a == b)
    #expect(a.hashValue == b.hashValue)
    if n > 10 {
      #expect(Array(a[5..<10]) == [5, 6, 7, 8, 9])
      #expect(Array(a[(n - 3)...]) == Array((n - 3)..<n))
    }
    #expect(a.reversed().first == (n > 0 ? n - 1 : nil))
    var c = a
    c.removeAll()
    #expect(c.isEmpty && c == ChunkedArray())
  }
}
