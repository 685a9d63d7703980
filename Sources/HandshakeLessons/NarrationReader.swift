import HandshakeSim

/// A `narration:` item: `{on: ..., en: ..., ko: ..., question: {...}}`.
enum NarrationReader {
  static func read(_ node: YAMLNode, hosts: [String], ladder: Set<Int>) throws(LessonError)
    -> Narration
  {
    let r = try KeyReader(
      node, "a narration", allowed: ["on", "en", "ko", "question", "chapter", "notes"])
    let onNode = try r.required("on")
    let on: StepSelector
    switch onNode.scalar {
    case "start": on = .start
    case "end": on = .end
    case .some(let s):
      throw onNode.error(
        "expected 'start', 'end' or an event such as {arrive: server, flags: [SYN]}, found '\(clip(s))'"
      )
    case nil: on = .event(try PatternReader.read(onNode, hosts: hosts))
    }
    let text = try template(r, "narration", hosts: hosts, ladder: ladder, owner: node)
    var question: Question? = nil
    if let q = r.optional("question") {
      question = try self.question(q, hosts: hosts, ladder: ladder)
    }
    var n = Narration(on: on, text: text, question: question, mark: node.mark)
    if let c = r.optional("chapter") { n.chapter = try localizedText(c, "a chapter title") }
    if let c = r.optional("notes") { n.notes = try localizedText(c, "speaker notes") }
    return n
  }

  /// `{en: ..., ko: ...}` with no placeholders (a chapter's title, speaker notes).
  static func localizedText(_ node: YAMLNode, _ what: String) throws(LessonError) -> Localized {
    let r = try KeyReader(node, what, allowed: ["en", "ko"])
    var out = Localized("")
    for l in Language.allCases {
      guard let n = r.optional(l.rawValue) else {
        throw node.error(
          "\(what) has no \(l == .en ? "English (en)" : "Korean (ko)") text; every text needs en and ko"
        )
      }
      let s = try n.string("the \(l.rawValue) text")
      guard !s.trimmingSpaces.isEmpty else { throw n.error("the \(l.rawValue) text is empty") }
      try LessonLoader.checkText(s, n)
      if l == .en { out.en = s } else { out.ko = s }
    }
    return out
  }

  /// Reads `en:` and `ko:` of a mapping into a template.
  static func template(
    _ r: KeyReader, _ what: String, hosts: [String], ladder: Set<Int>, owner: YAMLNode
  ) throws(LessonError) -> Template {
    var pieces: [Language: [Template.Piece]] = [:]
    var marks: [Language: SourceMark] = [:]
    for l in Language.allCases {
      guard let n = r.optional(l.rawValue) else {
        throw owner.error(
          "the \(what) has no \(l == .en ? "English (en)" : "Korean (ko)") text; every text needs en and ko"
        )
      }
      let s = try n.string("the \(l.rawValue) text")
      guard !s.trimmingSpaces.isEmpty else { throw n.error("the \(l.rawValue) text is empty") }
      try LessonLoader.checkText(s, n)
      pieces[l] = try Template.parse(s, language: l, mark: n.mark, hosts: hosts, ladder: ladder)
      marks[l] = n.mark
    }
    return Template(pieces: pieces, marks: marks)
  }

  private static func question(_ node: YAMLNode, hosts: [String], ladder: Set<Int>)
    throws(LessonError) -> Question
  {
    let r = try KeyReader(
      node, "a question", allowed: ["en", "ko", "choices", "answer", "explain", "check"])
    let prompt = try template(r, "question", hosts: hosts, ladder: ladder, owner: node)
    let choicesNode = try r.required("choices")
    let items = try choicesNode.list("choices", max: 4)
    guard items.count >= 2 else {
      throw choicesNode.error("a question needs 2 to 4 choices, found \(items.count)")
    }
    var choices: [Template] = []
    var whys: [Template?] = []
    func both(_ n: YAMLNode, _ s: String) throws(LessonError) -> Template {
      try LessonLoader.checkText(s, n)
      let pieces = try Template.parse(s, language: .en, mark: n.mark, hosts: hosts, ladder: ladder)
      return Template(pieces: [.en: pieces, .ko: pieces], marks: [.en: n.mark, .ko: n.mark])
    }
    for item in items {
      if let s = item.scalar {
        choices.append(try both(item, s))
        whys.append(nil)
      } else {
        // {en, ko} or {text} (one text for both languages), each with an optional why.
        let cr = try KeyReader(item, "a choice", allowed: ["en", "ko", "text", "why"])
        if let t = cr.optional("text") {
          choices.append(try both(t, try t.string("a choice's text")))
        } else {
          choices.append(try template(cr, "choice", hosts: hosts, ladder: ladder, owner: item))
        }
        if let w = cr.optional("why") {
          let wr = try KeyReader(w, "a choice's why", allowed: ["en", "ko"])
          whys.append(try template(wr, "why", hosts: hosts, ladder: ladder, owner: w))
        } else {
          whys.append(nil)
        }
      }
    }
    let answerNode = try r.required("answer")
    let answer = try answerNode.int(
      "the answer (the number of the right choice)", in: 1...choices.count)
    var explanation: Template? = nil
    if let e = r.optional("explain") {
      let er = try KeyReader(e, "an explanation", allowed: ["en", "ko"])
      explanation = try template(er, "explanation", hosts: hosts, ladder: ladder, owner: e)
    }
    var check: (EventPattern, Template, SourceMark)? = nil
    if let c = r.optional("check") {
      let cr = try KeyReader(c, "a question check", allowed: ["at", "value"])
      let at = try PatternReader.read(try cr.required("at"), hosts: hosts)
      let v = try cr.required("value")
      let text = try v.string("a value such as {server.state}")
      let pieces = try Template.parse(
        text, language: .en, mark: v.mark, hosts: hosts, ladder: ladder)
      check = (
        at, Template(pieces: [.en: pieces, .ko: pieces], marks: [.en: v.mark, .ko: v.mark]), c.mark
      )
    }
    var q = Question(
      prompt: prompt, choices: choices, answer: answer - 1, explanation: explanation, check: check)
    q.whys = whys
    return q
  }
}

/// The `expect:` mapping.
enum ExpectReader {
  static func read(_ node: YAMLNode, hosts: [String]) throws(LessonError) -> Expectations {
    let r = try KeyReader(node, "expect", allowed: ["end", "final", "delivered", "errors"])
    var e = Expectations()
    if let end = r.optional("end") {
      switch try end.string("how the run ends") {
      case "complete": e.complete = true
      case "cut": e.complete = false
      case let s: throw end.error("expected 'complete' or 'cut', found '\(clip(s))'")
      }
    }
    if let f = r.optional("final") {
      for x in try f.mapping("final states") {
        let h = try hostIndex(x.keyNode, hosts)
        let s = try x.value.string("a state")
        guard let st = TCPState(rfcName: s) else {
          throw x.value.error("expected a state as RFC 9293 spells it, found '\(clip(s))'")
        }
        e.finalStates.append((h, st, x.value.mark))
      }
    }
    if let d = r.optional("delivered") {
      for x in try d.mapping("delivered bytes") {
        let parts = x.key.components(separatedBy: "_to_")
        guard parts.count == 2, let a = hosts.firstIndex(of: parts[0]),
          let b = hosts.firstIndex(of: parts[1])
        else {
          throw x.keyNode.error(
            "expected 'sender_to_receiver' with two host names (such as client_to_server), found '\(clip(x.key))'"
          )
        }
        e.delivered.append(
          (
            a, b, try x.value.int("a byte count", in: 0...LessonLoader.Bounds.maxTotalBytes),
            x.value.mark
          ))
      }
    }
    if let er = r.optional("errors") {
      for x in try er.mapping("errors") {
        let h = try hostIndex(x.keyNode, hosts)
        var list: [AppResult] = []
        for n in try x.value.list("errors", max: 20) {
          let s = try n.string("an error")
          guard let v = AppResult(rawValue: s), v.isError else {
            throw n.error(
              "expected an error such as ECONNREFUSED, ECONNRESET or ETIMEDOUT, found '\(clip(s))'")
          }
          list.append(v)
        }
        e.errors.append((h, list, x.value.mark))
      }
    }
    return e
  }
}
