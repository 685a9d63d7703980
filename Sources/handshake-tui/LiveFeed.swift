import Foundation
import HandshakeApp
import HandshakeCapture
import HandshakeIO
import HandshakeLessons
import HandshakeSim
import Synchronization

/// A capture read on a thread of its own (tcpdump's pipe blocks; a followed file waits for
/// more) and handed to the screen between frames: the reading thread adds packets to the
/// tracker under a lock, the screen's loop takes a copy of the list and runs the connection it
/// shows. Nothing the screen does waits for a packet.
final class LiveFeed: Sendable {
  struct State: Sendable {
    var tracker: LiveTracker
    var finished = false
    var error: String? = nil
  }
  let state: Mutex<State>
  let stopped = Atomic<Bool>(false)
  /// What the list and titles call the source ("tcpdump -i lo", or the file's name).
  let source: String

  init(source: String, anonymize: Bool) {
    self.source = source
    state = Mutex(State(tracker: LiveTracker(anonymize: anonymize)))
  }

  /// Starts reading the capture `make` opens, on a new thread, until it ends or `stop`.
  func start(file: String, _ make: @escaping @Sendable () throws(CaptureError) -> any ByteSource) {
    let thread = Thread { [self] in
      do throws(CaptureError) {
        var reader = try CaptureReader(try make(), file: file)
        while !stopped.load(ordering: .relaxed), let p = try reader.next() {
          state.withLock { _ = $0.tracker.add(p) }
        }
      } catch {
        // Stopping cuts a record in two; only an error while running is one.
        if !stopped.load(ordering: .relaxed) { state.withLock { $0.error = error.description } }
      }
      state.withLock { $0.finished = true }
    }
    thread.start()
  }

  func stop() { stopped.store(true, ordering: .relaxed) }

  var finished: Bool { state.withLock { $0.finished } }
  var error: String? { state.withLock { $0.error } }

  /// The connections so far, as the picker lists them (the waiting page before the first).
  func list() -> (LessonList, AppModel.LiveState) {
    let (connections, packets, finished) = state.withLock {
      ($0.tracker.connections, $0.tracker.packets, $0.finished)
    }
    let live = AppModel.LiveState(packets: packets, ended: finished)
    guard !connections.isEmpty else {
      return (LessonList([CaptureLesson.waiting(source: source).lesson]), live)
    }
    var summary = CaptureSummary(format: .pcap)
    summary.connections = connections
    summary.packets = packets
    return (CaptureLesson.picker(file: source, summary: summary), live)
  }

  /// How many packets connection `n` (1-based) has so far: a run is made again when it grows.
  func packets(of n: Int) -> Int {
    state.withLock { s in
      s.tracker.connections.indices.contains(n - 1) ? s.tracker.connections[n - 1].packets : 0
    }
  }

  /// The run of a lesson from `list()`: its connection through the tracker as it stands.
  func run(_ lesson: Lesson) -> LessonRun {
    guard let n = CaptureLesson.connectionNumber(lesson), n >= 1 else {
      return CaptureLesson.waiting(source: source)
    }
    let taken: (CaptureSummary, CaptureAnalysis)? = state.withLock { s in
      guard s.tracker.connections.indices.contains(n - 1) else { return nil }
      var summary = CaptureSummary(format: .pcap)
      summary.connections = s.tracker.connections
      summary.packets = s.tracker.packets
      return (summary, s.tracker.analysis(n - 1))
    }
    guard let (summary, analysis) = taken else { return CaptureLesson.waiting(source: source) }
    return CaptureLesson.run(
      file: source, capture: summary, connection: summary.connections[n - 1], analysis: analysis)
  }

  /// The screen for this feed: the waiting page until a connection begins, then the picker
  /// filling and the connection on screen growing; End follows the newest packet.
  func show(_ screen: ScreenOptions, language: Language, theme: String) throws {
    let (list, live) = self.list()
    var model = AppModel(
      list: list, lessonID: list[0].id, language: language, theme: theme,
      runner: { [self] in run($0) })
    model.live = live
    var seen = (count: list.count, packets: live.packets, shownPackets: 0)
    defer { stop() }
    try screen.show(
      model,
      poll: { [self] (m: inout AppModel) in
        let (list, live) = self.list()
        guard live != m.live || list.count != seen.count else { return }
        let firstConnection =
          seen.count == 1 && m.lesson.id.hasSuffix("#0") && list.count >= 1
          && !list[0].id.hasSuffix("#0")
        seen.count = list.count
        seen.packets = live.packets
        let n = CaptureLesson.connectionNumber(m.lesson) ?? 0
        let now = n >= 1 ? packets(of: n) : 0
        let grew = now != seen.shownPackets
        seen.shownPackets = now
        m.updateLive(list: list, changed: { _ in grew }, live: live)
        // The first connection replaces the waiting page: open the picker if more follow.
        if firstConnection, m.overlay == nil, list.count > 1 { m.overlay = .picker(selected: 0) }
      })
  }
}

/// A file another program is still writing: at its end, wait for more instead of stopping
/// (as `tail -f` does), until the feed is stopped.
final class FollowSource: ByteSource {
  let file: FileSource
  let feed: LiveFeed

  init(_ file: FileSource, feed: LiveFeed) {
    self.file = file
    self.feed = feed
  }

  func read(upTo count: Int) throws(CaptureError) -> [UInt8] {
    while true {
      let b = try file.read(upTo: count)
      if !b.isEmpty || feed.stopped.load(ordering: .relaxed) { return b }
      usleep(100_000)
    }
  }
}
