import HandshakeSim

extension LessonRun {
  /// Keeps a narration in the branch only where its step is the same as in the run it came
  /// from: same records, same times. Elsewhere the words would describe what no longer happens.
  public mutating func keepNarration(unchangedFrom base: LessonRun, branchStart: Int) {
    var baseStep: [Int: Int] = [:]
    for (s, list) in base.narrationAt { for n in list { baseStep[n] = s } }
    func words(_ tl: Timeline, _ s: Int) -> [String] {
      tl.records(ofStep: s).indices.map {
        tl.describe(record: $0, absolute: true) + "@\(tl.records[$0].time)"
      }
    }
    var kept: [Int: [Int]] = [:]
    for (s, list) in narrationAt {
      let keep = list.filter { n in
        guard s >= branchStart else { return true }
        guard let o = baseStep[n] else { return false }
        return words(base.timeline, o) == words(timeline, s)
      }
      if !keep.isEmpty { kept[s] = keep }
    }
    narrationAt = kept
  }

  /// Adds the engine's explanations to the steps from `start` that have no words of their own.
  public mutating func explain(from start: Int, _ make: (Int) -> [Localized]) {
    guard start < timeline.stepCount else { return }
    for s in start..<timeline.stepCount where narrationAt[s] == nil {
      let lines = make(s)
      if !lines.isEmpty { notes[s, default: []] += lines }
    }
  }
}
