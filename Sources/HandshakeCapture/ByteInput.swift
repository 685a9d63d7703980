#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Where capture bytes come from. Reading streams: a 2 GB file is read in chunks, never whole.
public protocol ByteSource {
  /// Up to `count` more bytes; empty at the end.
  mutating func read(upTo count: Int) throws(CaptureError) -> [UInt8]
}

/// Bytes already in memory (tests, fuzzing).
public struct MemorySource: ByteSource {
  let bytes: [UInt8]
  var position = 0

  public init(_ bytes: [UInt8]) { self.bytes = bytes }

  public mutating func read(upTo count: Int) throws(CaptureError) -> [UInt8] {
    let end = min(bytes.count, position + count)
    defer { position = end }
    return Array(bytes[position..<end])
  }
}

/// A file, read with read(2).
public final class FileSource: ByteSource {
  let fd: Int32
  let path: String

  public init(path: String) throws(CaptureError) {
    self.path = path
    fd = open(path, O_RDONLY)
    guard fd >= 0 else {
      throw CaptureError(file: path, offset: 0, "cannot open: \(String(cString: strerror(errno)))")
    }
    var st = stat()
    if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
      close(fd)
      throw CaptureError(file: path, offset: 0, "is a directory, not a capture file")
    }
  }

  deinit { close(fd) }

  public func read(upTo count: Int) throws(CaptureError) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: count)
    var got = 0
    while got < count {
      let n = out.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress! + got, count - got) }
      if n < 0 {
        if errno == EINTR { continue }
        throw CaptureError(
          file: path, offset: 0, "cannot read: \(String(cString: strerror(errno)))")
      }
      if n == 0 { break }
      got += n
    }
    out.removeSubrange(got...)
    return out
  }
}

private func systemRead(_ fd: Int32, _ p: UnsafeMutableRawPointer, _ n: Int) -> Int {
  #if canImport(Glibc)
    Glibc.read(fd, p, n)
  #else
    Darwin.read(fd, p, n)
  #endif
}

/// A source with a buffer in front, counting the offset of what it hands out.
struct BufferedInput {
  var source: any ByteSource
  var buffer: [UInt8] = []
  var position = 0
  /// File offset of `buffer[0]`.
  var base = 0
  var atEnd = false
  static let chunk = 1 << 20

  init(_ source: any ByteSource) { self.source = source }

  /// The file offset of the next byte.
  var offset: Int { base + position }

  /// Makes `count` bytes available if the file has them; false at the end of the file.
  mutating func fill(_ count: Int) throws(CaptureError) -> Bool {
    while buffer.count - position < count && !atEnd {
      if position > 0 {
        buffer.removeSubrange(0..<position)
        base += position
        position = 0
      }
      let more = try source.read(upTo: max(BufferedInput.chunk, count - buffer.count))
      if more.isEmpty { atEnd = true } else { buffer += more }
    }
    return buffer.count - position >= count
  }

  /// How many bytes are left, as far as the buffer knows (after a failed `fill`, exactly).
  var available: Int { buffer.count - position }

  /// The next `count` bytes (which `fill` made available).
  mutating func take(_ count: Int) -> ArraySlice<UInt8> {
    defer { position += count }
    return buffer[position..<(position + count)]
  }

  /// Skips `count` bytes; false if the file ends first.
  mutating func skip(_ count: Int) throws(CaptureError) -> Bool {
    var left = count
    while left > 0 {
      if available == 0 {
        guard try fill(1) else { return false }
      }
      let n = min(left, available)
      position += n
      left -= n
    }
    return true
  }
}
