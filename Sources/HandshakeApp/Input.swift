/// A key press, as the backend decodes it.
public enum Key: Hashable, Sendable {
  case char(Character)
  case left, right, up, down, pageUp, pageDown, home, end
  case enter, backspace, escape, tab
  case unknown
}

extension Key {
  /// A key by the name `render --keys` and tests use: "Right", "Enter", "Escape", or one
  /// character.
  public init?(name: String) {
    switch name {
    case "Right": self = .right
    case "Left": self = .left
    case "Up": self = .up
    case "Down": self = .down
    case "PgUp", "PageUp": self = .pageUp
    case "PgDn", "PageDown": self = .pageDown
    case "Home": self = .home
    case "End": self = .end
    case "Enter": self = .enter
    case "Escape", "Esc": self = .escape
    case "Backspace": self = .backspace
    case "Tab": self = .tab
    case "Space": self = .char(" ")
    default:
      guard name.count == 1, let c = name.first else { return nil }
      self = .char(c)
    }
  }
}

/// What the update function reacts to.
public enum Msg: Hashable, Sendable {
  case key(Key)
  /// Time has passed; `now` is milliseconds on a monotonic clock the backend reads.
  case tick(now: Int64)
  case resize(width: Int, height: Int)
}
