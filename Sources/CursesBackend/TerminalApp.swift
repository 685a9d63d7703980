import Foundation
import HandshakeApp
import TerminalUI

/// The interactive loop: draw the model's frame, wait for a key or a tick, update, repeat. It
/// blocks on input when nothing animates.
public enum TerminalApp {
  /// Runs until the user quits. Returns after the terminal has been restored.

  public static func run(_ model: AppModel) throws {
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
    while !m.quit {
      term.draw(AppView.render(m))
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
