#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Why an input could not be read: the path (as given) and the reason, one line.
public struct InputError: Error, Hashable, Sendable, CustomStringConvertible {
  public var path: String
  public var message: String

  public init(path: String, _ message: String) {
    self.path = path
    self.message = message
  }

  public var description: String { "\(path): \(message)" }
}

/// A file given on the command line, opened once and read as a stream.
///
/// A regular file is read where it is. Anything else that can be read as a stream (a FIFO, a
/// pipe as `/dev/stdin`, a character device such as `/dev/null`) is read once, to its end and
/// within a bound, into an unlinked temporary file, so that a reader that needs two passes (a
/// capture's summary, then one connection) never opens the path again: a FIFO opened twice waits
/// for a second writer that never comes. A FIFO nobody writes to is not waited for forever.
/// Directories, terminals, block devices and sockets are refused with one clear line.
public final class InputFile: Sendable {
  /// The path as given (for messages).
  public let path: String
  let fd: Int32
  /// The number of bytes, known for a regular file and for a stream once it is read.
  public let size: Int
  /// What the path named (a stream read once, or a regular file).
  public let kind: FileKind

  /// Opens `path`. A stream is copied up to `streamLimit` bytes; its first byte (or its end)
  /// must come within `firstByteWait` seconds.
  public init(path: String, streamLimit: Int = 1 << 32, firstByteWait: Double = 5)
    throws(InputError)
  {
    self.path = path
    let (fd, kind) = try InputFile.openForReading(path)
    self.kind = kind
    if kind == .regular {
      var st = stat()
      fstat(fd, &st)
      self.fd = fd
      self.size = Int(st.st_size)
      return
    }
    // A stream: copy it once into a temporary file nobody else can see.
    defer { close(fd) }
    let (tmp, size) = try InputFile.spool(
      fd, path: path, kind: kind, limit: streamLimit, firstByteWait: firstByteWait)
    self.fd = tmp
    self.size = size
  }

  deinit { close(fd) }

  /// Up to `count` bytes from `offset` (fewer at the end of the file).
  public func read(at offset: Int, upTo count: Int) throws(InputError) -> [UInt8] {
    guard count > 0 else { return [] }
    var out = [UInt8](repeating: 0, count: count)
    var got = 0
    while got < count {
      let n = out.withUnsafeMutableBytes { buf -> Int in
        guard let base = buf.baseAddress else { return 0 }
        return pread(fd, base + got, count - got, off_t(offset + got))
      }
      if n < 0 {
        if errno == EINTR { continue }
        throw InputError(path: path, "cannot read: \(InputFile.reason())")
      }
      if n == 0 { break }
      got += n
    }
    out.removeSubrange(got...)
    return out
  }

  /// The whole file, if it is at most `limit` bytes.
  public func readAll(limit: Int, what: String = "file") throws(InputError) -> [UInt8] {
    guard size <= limit else {
      throw InputError(path: path, "the \(what) is \(size) bytes; at most \(limit) are read")
    }
    return try read(at: 0, upTo: size)
  }

  /// Reads a whole small file (a lesson) once: a stream is read to its end without a
  /// temporary file; more than `limit` bytes is an error naming the limit.
  public static func contents(of path: String, limit: Int, firstByteWait: Double = 5)
    throws(InputError) -> [UInt8]
  {
    let (fd, kind) = try openForReading(path)
    defer { close(fd) }
    var out: [UInt8] = []
    try pump(fd, path: path, kind: kind, limit: limit, firstByteWait: firstByteWait) {
      (chunk: UnsafeRawBufferPointer) throws(InputError) in
      out.append(contentsOf: chunk)
    }
    return out
  }

  // MARK: - Opening

  /// Opens without blocking (a FIFO with no writer would block `open` itself), then decides by
  /// what the path turned out to be.
  static func openForReading(_ path: String) throws(InputError) -> (Int32, FileKind) {
    let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard fd >= 0 else {
      let e = errno
      throw InputError(path: path, InputFile.openFailure(e))
    }
    var st = stat()
    guard fstat(fd, &st) == 0 else {
      let why = reason()
      close(fd)
      throw InputError(path: path, "cannot read: \(why)")
    }
    let kind = FileKind(mode: st.st_mode)
    switch kind {
    case .regular:
      // Reads of a regular file never block; clear the flag anyway for clarity.
      _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
    case .fifo, .characterDevice:
      if isatty(fd) != 0 {
        close(fd)
        throw InputError(path: path, "is a terminal, not a file")
      }
    case .directory, .blockDevice, .socket, .symlink, .other:
      close(fd)
      throw InputError(path: path, kind.refusal)
    }
    return (fd, kind)
  }

  static func openFailure(_ e: Int32) -> String {
    switch e {
    case ENOENT: "no such file"
    case EACCES: "permission denied"
    case ELOOP: "a loop of symbolic links"
    case ENXIO: "not a file that can be read (a socket or a device with nothing behind it)"
    default: "cannot open: \(String(cString: strerror(e)))"
    }
  }

  static func reason() -> String { String(cString: strerror(errno)) }

  // MARK: - Streams

  /// Reads a stream to its end, handing over each chunk. Waits at most `firstByteWait` seconds
  /// for the first byte (or the end), then as long as the writer keeps the stream open.
  static func pump(
    _ fd: Int32, path: String, kind: FileKind, limit: Int, firstByteWait: Double,
    _ each: (UnsafeRawBufferPointer) throws(InputError) -> Void
  ) throws(InputError) {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 16, alignment: 8)
    defer { buffer.deallocate() }
    var total = 0
    var started = kind == .regular
    while true {
      if !started {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        let ms = Int32(max(0, min(Double(Int32.max), firstByteWait * 1000)))
        let r = poll(&p, 1, ms)
        if r < 0 {
          if errno == EINTR { continue }
          throw InputError(path: path, "cannot read: \(reason())")
        }
        if r == 0 {
          let wait =
            firstByteWait == firstByteWait.rounded()
            ? "\(Int(firstByteWait))" : "\((firstByteWait * 10).rounded() / 10)"
          throw InputError(
            path: path, "is a \(kind.name) and nothing was written to it within \(wait) s")
        }
        started = true
      }
      guard let base = buffer.baseAddress else { return }
      let n = systemRead(fd, base, buffer.count)
      if n < 0 {
        if errno == EINTR { continue }
        if errno == EAGAIN {
          // The writer is still there but has nothing yet: wait for more without a bound.
          var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
          _ = poll(&p, 1, -1)
          continue
        }
        throw InputError(path: path, "cannot read: \(reason())")
      }
      if n == 0 {
        // The end: for a FIFO whose writer has not opened it yet, poll said readable only
        // when a writer came and went, so this is a real end.
        return
      }
      total += n
      guard total <= limit else {
        throw InputError(
          path: path,
          kind == .regular
            ? "the file is more than \(limit) bytes"
            : "more than \(limit) bytes came from this \(kind.name)")
      }
      try each(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
    }
  }

  /// Copies a stream into an unlinked temporary file; returns its descriptor and size.
  static func spool(
    _ fd: Int32, path: String, kind: FileKind, limit: Int, firstByteWait: Double
  ) throws(InputError) -> (Int32, Int) {
    let dir = getenv("TMPDIR").map { String(cString: $0) } ?? "/tmp"
    var template = Array((dir + "/handshake-tui-input.XXXXXX").utf8CString)
    let tmp = template.withUnsafeMutableBufferPointer { b -> Int32 in
      guard let base = b.baseAddress else { return -1 }
      return mkstemp(base)
    }
    guard tmp >= 0 else {
      throw InputError(path: path, "cannot make a temporary copy of the stream: \(reason())")
    }
    // Nobody else needs the name: the descriptor keeps the file until it is closed.
    template.withUnsafeBufferPointer { b in
      if let base = b.baseAddress { unlink(base) }
    }
    var size = 0
    do {
      try pump(fd, path: path, kind: kind, limit: limit, firstByteWait: firstByteWait) {
        (chunk: UnsafeRawBufferPointer) throws(InputError) in
        guard let base = chunk.baseAddress else { return }
        var done = 0
        while done < chunk.count {
          let n = systemWrite(tmp, base + done, chunk.count - done)
          if n < 0 {
            if errno == EINTR { continue }
            throw InputError(path: path, "cannot make a temporary copy of the stream: \(reason())")
          }
          done += n
        }
        size += chunk.count
      }
    } catch {
      close(tmp)
      throw error
    }
    return (tmp, size)
  }
}

/// read(2) and write(2), whichever C library has them.
func systemRead(_ fd: Int32, _ p: UnsafeMutableRawPointer, _ n: Int) -> Int {
  #if canImport(Glibc)
    Glibc.read(fd, p, n)
  #else
    Darwin.read(fd, p, n)
  #endif
}

func systemWrite(_ fd: Int32, _ p: UnsafeRawPointer?, _ n: Int) -> Int {
  #if canImport(Glibc)
    Glibc.write(fd, p, n)
  #else
    Darwin.write(fd, p, n)
  #endif
}
