import Foundation
import HandshakeApp
import HandshakeIO
import HandshakeLessons
import TerminalUI

/// The interactive loop: draw the model's frame, wait for a key or a tick, update, repeat. It
/// blocks on input when nothing animates.
public enum TerminalApp {
  /// At most this many queued events are applied before a frame is drawn again.
  static let maxBatch = 100_000
  /// How often a live capture is looked at, in milliseconds.
  static let pollMillis = 200

  /// Runs until the user quits. Returns after the terminal has been restored. `moreLessons` is
  /// called once the first frame is on screen, so the lesson picker fills in without delaying
  /// it; the warnings it gives (a lesson folder's bad files) are shown on screen and returned,
  /// with what was said about the locale. `poll`, when given, is called between frames (at least
  /// every `pollMillis`) to bring in what a live capture has read since.
  @discardableResult
  public static func run(
    _ model: AppModel, ascii: Bool = false,
    moreLessons: () -> (lessons: [Lesson], warnings: [String]) = { ([], []) },
    poll: ((inout AppModel) -> Void)? = nil,
    perform: (AppModel.Effect) -> (text: String, warning: Bool)? = { _ in nil }
  ) throws -> [String] {
    let term = try CursesTerminal(ascii: ascii)
    defer { term.close() }
    let start = ContinuousClock.now
    // Milliseconds on a monotonic clock: the update function gets time only through ticks.
    func nowMillis() -> Int64 {
      let d = ContinuousClock.now - start
      return d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
    }
    var m = model
    m.colorAllowed = term.hasColor && m.colorAllowed
    // Without Unicode there is no Hangul to draw: English it is.
    if term.asciiOnly { m.language = .en }
    let (w, h) = term.size
    Update.apply(.resize(width: w, height: h), to: &m)
    var warnings: [String] = []
    if let note = term.localeNote {
      warnings.append(note)
      m.warn([note])
    }
    // For the benchmark: the wall-clock time the first frame was on screen.
    var firstFrameFile = Environment["HANDSHAKE_FIRST_FRAME_FILE"]
    // For the tests: how many frames were drawn, written at the end.
    let framesFile = Environment["HANDSHAKE_FRAMES_FILE"]
    var frames = 0
    defer {
      if let path = framesFile {
        try? "\(frames)\n".write(toFile: path, atomically: true, encoding: .utf8)
      }
    }
    var loadedMore = false
    while !m.quit {
      term.draw(AppView.render(m))
      frames += 1
      if let path = firstFrameFile {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        try? "\(Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))\n".write(
          toFile: path, atomically: true, encoding: .utf8)
        firstFrameFile = nil
      }
      if !loadedMore {
        loadedMore = true
        let more = moreLessons()
        m.addLessons(more.lessons)
        if !more.warnings.isEmpty {
          warnings += more.warnings
          m.warn(warnings)
          continue
        }
      }
      let wake = Update.nextWake(m)
      var timeout = wake.map { Int(max(0, $0 - nowMillis())) }
      // A live capture: look for more packets five times a second whatever else waits.
      if poll != nil { timeout = min(timeout ?? Self.pollMillis, Self.pollMillis) }
      var event = term.next(timeoutMillis: timeout)
      Update.apply(.tick(now: nowMillis()), to: &m)
      // Apply this event and every one already waiting, then draw once: held keys must not
      // cost a frame each, and q must end the program at once however long the queue.
      var applied = 0
      while true {
        switch event {
        case .key(let k): Update.apply(.key(k), to: &m)
        case .resize(let w, let h): Update.apply(.resize(width: w, height: h), to: &m)
        case .continued:
          term.resume()
          let (w, h) = term.size
          Update.apply(.resize(width: w, height: h), to: &m)
        case .timeout: break
        }
        applied += 1
        guard !m.quit, applied < maxBatch, case let next = term.next(timeoutMillis: 0),
          !next.isTimeout
        else { break }
        event = next
      }
      poll?(&m)
      // What the update asked for (a quiz log line); a failure is said on screen.
      for e in m.takeEffects() {
        guard let said = perform(e) else { continue }
        if said.warning {
          warnings.append(said.text)
          m.warn([said.text])
        } else {
          m.flash = AppModel.Flash(text: said.text, role: "marker", until: m.now + 3000)
        }
      }
    }
    return warnings
  }
}

extension CursesTerminal.Event {
  var isTimeout: Bool {
    if case .timeout = self { return true }
    return false
  }
}
