import HandshakeIO

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

/// A file opened once (`InputFile`), read from its start; each pass over a capture makes a new
/// `FileSource` over the same `InputFile`, so a FIFO or pipe is never opened twice.
public final class FileSource: ByteSource {
  public let input: InputFile
  var offset = 0

  public init(_ input: InputFile) { self.input = input }

  /// Opens `path` (see `InputFile` for what is accepted).
  public convenience init(path: String) throws(CaptureError) {
    do {
      self.init(try InputFile(path: path))
    } catch {
      throw CaptureError(file: path, offset: 0, error.message)
    }
  }

  public func read(upTo count: Int) throws(CaptureError) -> [UInt8] {
    do {
      let out = try input.read(at: offset, upTo: count)
      offset += out.count
      return out
    } catch {
      throw CaptureError(file: input.path, offset: offset, error.message)
    }
  }
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
