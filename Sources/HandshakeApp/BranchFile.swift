import HandshakeLessons
import HandshakeSim

/// A what-if kept as a lesson file: the original lesson's text with the change written in as
/// ordinary faults and script entries, its own id and title, an `expect:` that says what the
/// branch does, and only the narration that still belongs to it, so that `lint` finds it clean.
public enum BranchFile {
  /// The text of the file for `branch`, made on `original`.
  public static func text(original: Lesson, branch: Branch) throws(LessonYAML.Failure) -> String {
    var text = try LessonYAML.apply(branch.edits, to: original)
    let run = branch.run
    let kept = Set(run.narrationAt.values.flatMap { $0 })
    text = try LessonYAML.transform(text) { root in
      var r = root
      r = LessonYAML.setting(
        r, "id", LessonYAML.scalar(String((original.id + "-whatif").prefix(40))))
      r = LessonYAML.setting(
        r, "title",
        LessonYAML.map([
          ("en", LessonYAML.scalar(original.title.en + " — " + branch.banner(Assets.strings(.en)))),
          ("ko", LessonYAML.scalar(original.title.ko + " — " + branch.banner(Assets.strings(.ko)))),
        ]))
      if case .sequence(let items)? = LessonYAML.value(r, "narration") {
        let keep = items.enumerated().filter { kept.contains($0.offset) }.map(\.element)
        r = LessonYAML.setting(r, "narration", LessonYAML.seq(keep))
      }
      r = LessonYAML.setting(r, "expect", LessonYAML.expectation(run))
      return r
    }
    // A narration whose question no longer holds in the branch (its check reads otherwise) is
    // left out too, until the file is clean.
    for _ in 0..<4 {
      guard let lesson = try? LessonLoader.load(text: text, file: "branch.yaml") else { break }
      let check = LessonRun(lesson)
      let lines = Set(check.problems.map(\.mark.line))
      guard !lines.isEmpty else { break }
      let bad = Set(
        lesson.narration.indices.filter { i in
          let start = lesson.narration[i].mark.line
          let end = i + 1 < lesson.narration.count ? lesson.narration[i + 1].mark.line : Int.max
          return lines.contains { $0 >= start && $0 < end }
        })
      guard !bad.isEmpty else { break }
      text = try LessonYAML.transform(text) { root in
        guard case .sequence(let items)? = LessonYAML.value(root, "narration") else { return root }
        let keep = items.enumerated().filter { !bad.contains($0.offset) }.map(\.element)
        return LessonYAML.setting(root, "narration", LessonYAML.seq(keep))
      }
    }
    return text
  }
}
