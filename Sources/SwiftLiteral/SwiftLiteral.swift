/// Code generation for the build tools (EmbedTool, LessonIndexTool).

/// A Swift string literal holding `text` exactly: every character that could end or bend the
/// literal, and every control character, is escaped.
public func literal(_ text: String) -> String {
  var out = "\""
  for u in text.unicodeScalars {
    switch u {
    case "\\": out += "\\\\"
    case "\"": out += "\\\""
    case "\n": out += "\\n"
    case "\r": out += "\\r"
    case "\t": out += "\\t"
    default:
      if u.value < 0x20 || (0x7F...0x9F).contains(u.value) {
        out += "\\u{\(String(u.value, radix: 16))}"
      } else {
        out.unicodeScalars.append(u)
      }
    }
  }
  return out + "\""
}
