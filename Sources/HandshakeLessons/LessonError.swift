/// A place in a lesson file.
public struct SourceMark: Hashable, Sendable, CustomStringConvertible {
  public var file: String
  public var line: Int
  public var column: Int

  public init(file: String, line: Int, column: Int) {
    self.file = file
    self.line = line
    self.column = column
  }

  public var description: String { "\(file):\(line):\(column)" }
}

/// What is wrong with a lesson, and where: "normal.yaml:12:5: unknown key 'clinet' (did you
/// mean 'client'?)".
public struct LessonError: Error, Hashable, Sendable, CustomStringConvertible {
  public var mark: SourceMark
  public var message: String

  public init(_ mark: SourceMark, _ message: String) {
    self.mark = mark
    self.message = message
  }

  public var description: String { "\(mark): \(message)" }
}

/// Several lesson errors at once.
public struct LessonErrors: Error, Sendable, CustomStringConvertible {
  public var errors: [LessonError]
  public init(_ errors: [LessonError]) { self.errors = errors }
  public var description: String { errors.map(\.description).joined(separator: "\n") }
}

/// The closest of `candidates` to `word` within two edits, for "did you mean".
func suggestion(for word: String, among candidates: [String]) -> String? {
  var best: (String, Int)? = nil
  for c in candidates {
    let d = editDistance(word.lowercased(), c.lowercased())
    if d <= 2 && d < (best?.1 ?? Int.max) { best = (c, d) }
  }
  return best?.0
}

/// Levenshtein distance.
func editDistance(_ a: String, _ b: String) -> Int {
  let a = Array(a)
  let b = Array(b)
  if a.isEmpty { return b.count }
  if b.isEmpty { return a.count }
  var prev = Array(0...b.count)
  var cur = prev
  for i in 1...a.count {
    cur[0] = i
    for j in 1...b.count {
      cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
    }
    swap(&prev, &cur)
  }
  return prev[b.count]
}
