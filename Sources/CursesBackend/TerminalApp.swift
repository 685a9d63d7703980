import Foundation
import HandshakeApp
import HandshakeLessons
import TerminalUI

/// The interactive loop: draw the model's frame, wait for a key or a tick, update, repeat. It
/// blocks on input when nothing animates.
public enum TerminalApp {
  /// Runs until the user quits. Returns after the terminal has been restored. `moreLessons` is
  /// called once the first frame is on screen, so the lesson picker fills in without delaying it.

  public static func run(_ model: AppModel, moreLessons: () -> [Lesson] = { [] }) throws {
    let term = try CursesTerminal()
    defer { term.close() }
    let start = ContinuousClock.now
    // Milliseconds on a monotonic clock: the update function gets time only through ticks.
    func nowMillis() -> Int64 {
      let d = ContinuousClock.now - start
      return d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000
    }
    var m = model
    m.colorAllowed = term.hasColor && m.colorAllowed
    let (w, h) = term.size
    Update.apply(.resize(width: w, height: h), to: &m)
    // For the benchmark: the wall-clock time the first frame was on screen.
    var firstFrameFile = ProcessInfo.processInfo.environment["HANDSHAKE_FIRST_FRAME_FILE"]
    var loadedMore = false
    while !m.quit {
      term.draw(AppView.render(m))
      if let path = firstFrameFile {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        try? "\(Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec))\n".write(
          toFile: path, atomically: true, encoding: .utf8)
        firstFrameFile = nil
      }
      if !loadedMore {
        loadedMore = true
        m.addLessons(moreLessons())
      }
      let wake = Update.nextWake(m)
      let timeout = wake.map { Int(max(0, $0 - nowMillis())) }
      let event = term.next(timeoutMillis: timeout)
      Update.apply(.tick(now: nowMillis()), to: &m)
      switch event {
      case .key(let k): Update.apply(.key(k), to: &m)
      case .resize(let w, let h): Update.apply(.resize(width: w, height: h), to: &m)
      case .timeout: break
      }
    }
  }
}
