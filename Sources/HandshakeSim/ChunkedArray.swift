/// A growable array kept in fixed-size chunks, for the timeline's long arrays.
///
/// A Swift `Array` grows by doubling, and each growth copies every element into a new block while
/// the old one is still resident: at a million transmissions the copy alone is ~90 MB more than
/// the data. Here each chunk is allocated at its full size and never moved, so growing copies
/// nothing and memory stays close to what is stored. Indexing is a shift and a mask.
public struct ChunkedArray<Element> {
  /// log2 of the elements per chunk: 4,096 (a 336-byte connection snapshot makes a 1.4 MB chunk).
  @usableFromInline static var shift: Int { 12 }
  @usableFromInline static var mask: Int { (1 << shift) - 1 }

  /// Every chunk but the last is full (holds exactly `1 << shift` elements).
  @usableFromInline var chunks: [[Element]]
  @usableFromInline var storedCount: Int

  /// The number of elements.
  @inlinable public var count: Int { storedCount }

  /// An empty array.
  public init() {
    chunks = []
    storedCount = 0
  }

  /// The elements of `s`, in order.
  public init<S: Sequence>(_ s: S) where S.Element == Element {
    self.init()
    for e in s { append(e) }
  }

  /// Adds `e` at the end; existing elements are not moved.
  @inlinable
  public mutating func append(_ e: consuming Element) {
    if storedCount & Self.mask == 0 {
      // A chunk is allocated at its full size, so filling it copies nothing. Memory the chunk
      // has not been written to yet costs address space, not resident pages (the allocator
      // maps blocks this big lazily).
      var chunk: [Element] = []
      chunk.reserveCapacity(Self.mask + 1)
      chunks.append(chunk)
    }
    chunks[chunks.count - 1].append(e)
    storedCount += 1
  }

  /// Removes every element (and the chunks).
  public mutating func removeAll() {
    chunks = []
    storedCount = 0
  }
}

extension ChunkedArray: RandomAccessCollection, MutableCollection {
  public typealias Index = Int
  public typealias Indices = Range<Int>

  @inlinable public var startIndex: Int { 0 }
  @inlinable public var endIndex: Int { storedCount }
  @inlinable public var indices: Range<Int> { 0..<storedCount }

  /// Bounds are checked by the chunk arrays: an index past `count` is past the last chunk's end.
  @inlinable
  public subscript(i: Int) -> Element {
    // `_read` and `_modify` lend the element in place, as Array's own accessors do: a plain
    // getter would copy it (and retain its payload) on every field read.
    _read { yield chunks[i &>> Self.shift][i & Self.mask] }
    _modify { yield &chunks[i &>> Self.shift][i & Self.mask] }
  }

  @inlinable public func index(after i: Int) -> Int { i + 1 }
  @inlinable public func index(before i: Int) -> Int { i - 1 }
}

extension ChunkedArray: ExpressibleByArrayLiteral {
  public init(arrayLiteral elements: Element...) { self.init(elements) }
}

extension ChunkedArray: Equatable where Element: Equatable {
  public static func == (a: Self, b: Self) -> Bool {
    // Same count and same element order means same chunks, as chunk boundaries are fixed.
    a.count == b.count && a.chunks == b.chunks
  }
}

extension ChunkedArray: Hashable where Element: Hashable {
  public func hash(into h: inout Hasher) {
    h.combine(count)
    for e in self { h.combine(e) }
  }
}

extension ChunkedArray: Sendable where Element: Sendable {}
