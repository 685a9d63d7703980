/// A key press, as the backend decodes it.
public enum Key: Hashable, Sendable {
  case char(Character)
  case left, right, up, down, pageUp, pageDown, home, end
  case enter, backspace, escape, tab
  case unknown
}

/// What the update function reacts to.
public enum Msg: Hashable, Sendable {
  case key(Key)
  /// Time has passed; `now` is milliseconds on a monotonic clock the backend reads.
  case tick(now: Int64)
  case resize(width: Int, height: Int)
}
