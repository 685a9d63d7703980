import HandshakeLessons
import HandshakeSim

/// The keys of what-ifs: `w` the menu, `Tab` another segment in flight, `o` the original, `c`
/// the comparison, `u` undo, `S` save; and the `:` command line.
extension Update {
  /// The segments a what-if can be about at this step: the step's own, then those in flight.
  static func candidates(_ m: AppModel) -> [Int] {
    let tl = m.timeline
    var out: [Int] = []
    if let tx = tl.mainTransmission(ofStep: m.shownStep) { out.append(tx) }
    for tx in tl.inFlight(atStep: m.shownStep)
    where !out.contains(tx) && tl.transmissions[tx].from >= 0 {
      out.append(tx)
    }
    return out
  }

  static func openWhatIf(_ m: inout AppModel) {
    let list = candidates(m)
    let tx = m.chosenTransmission.flatMap { list.contains($0) ? $0 : nil } ?? list.first
    var menu = WhatIfMenu(transmission: tx)
    menu.selected = WhatIfMenu.choice(menu.items(m), from: 0, down: true)
    m.overlay = .whatIf(menu)
  }

  static func cycleSegment(_ m: inout AppModel) {
    let list = candidates(m)
    guard !list.isEmpty else { return }
    let i = m.chosenTransmission.flatMap { list.firstIndex(of: $0) } ?? 0
    m.chosenTransmission = list[(i + 1) % list.count]
    if let tx = m.chosenTransmission {
      m.flash = AppModel.Flash(
        text: m.strings.format(
          "whatif_seg_item",
          [
            "seg": LadderView.label(m, tx, width: Int.max),
            "host": m.timeline.hostName(m.timeline.transmissions[tx].from),
          ]),
        role: "marker", until: m.now + 2000)
    }
  }

  /// Makes the what-if and shows its branch; a refusal is said and nothing changes.
  static func makeWhatIf(_ kind: WhatIf.Kind, transmission: Int?, _ m: inout AppModel) {
    // Made on what is on screen: from the original, a what-if starts a new line of them.
    if m.showOriginal && !m.branches.isEmpty {
      while !m.branches.isEmpty { m.popBranch() }
    }
    let w = WhatIf(kind, step: m.shownStep, transmission: transmission)
    do {
      let b = try Branch.make(
        original: m.lesson, base: m.run, baseEdits: m.branch?.edits ?? [], whatIf: w)
      m.push(b)
      m.overlay = nil
      m.chosenTransmission = nil
      m.flash = AppModel.Flash(text: b.banner(m.strings), role: "marker", until: m.now + 3000)
    } catch {
      m.flash = AppModel.Flash(
        text: m.strings.format(error.key, error.values), role: "warning", until: m.now + 4000)
    }
  }

  static func whatIfMenu(_ k: Key, _ menu: WhatIfMenu, _ m: inout AppModel) {
    var menu = menu
    if case .prompt(let p, let text) = menu.page {
      switch k {
      case .char(let c):
        if text.count < 20 { menu.page = .prompt(p, text: text + String(c)) }
      case .backspace:
        menu.page = .prompt(p, text: String(text.dropLast()))
      case .escape, .left:
        menu.page = .root
        menu.selected = WhatIfMenu.choice(menu.items(m), from: 0, down: true)
      case .enter:
        let kind: WhatIf.Kind
        do {
          switch p {
          case .delay:
            kind = .delay(try WhatIf.duration(text, max: .seconds(60)))
          case .send(let h):
            guard let n = Int(text), n >= 1, n <= LessonLoader.Bounds.maxSendBytes else {
              m.flash = AppModel.Flash(
                text: m.strings.format(
                  "whatif_bad_value",
                  ["text": text, "expected": "1 – \(LessonLoader.Bounds.maxSendBytes)"]),
                role: "warning", until: m.now + 4000)
              return
            }
            kind = .call(host: h, .send(n))
          case .setting(let h, let key):
            kind = .set(host: h, try WhatIf.setting(key: key, text: text))
          }
        } catch {
          m.flash = AppModel.Flash(
            text: m.strings.format("whatif_bad_value", ["text": text, "expected": error.message]),
            role: "warning", until: m.now + 4000)
          return
        }
        makeWhatIf(kind, transmission: menu.transmission, &m)
        return
      default: break
      }
      m.overlay = .whatIf(menu)
      return
    }
    let items = menu.items(m)
    switch k {
    case .up, .char("k"):
      menu.selected = WhatIfMenu.choice(items, from: menu.selected - 1, down: false)
    case .down, .char("j"):
      menu.selected = WhatIfMenu.choice(items, from: menu.selected + 1, down: true)
    case .tab:
      cycleSegment(&m)
      openWhatIf(&m)
      return
    case .escape, .left, .char("w"):
      if menu.page == .root {
        m.overlay = nil
        return
      }
      menu.page = .root
      menu.selected = WhatIfMenu.choice(menu.items(m), from: 0, down: true)
    case .enter, .right:
      guard items.indices.contains(menu.selected) else { break }
      switch items[menu.selected].action {
      case .none: break
      case .open(let page):
        menu.page = page
        menu.selected = WhatIfMenu.choice(menu.items(m), from: 0, down: true)
      case .make(let kind):
        makeWhatIf(kind, transmission: menu.transmission, &m)
        return
      }
    case .char("q"):
      m.quit = true
      return
    default: break
    }
    m.overlay = .whatIf(menu)
  }

  /// Saves the branch on screen as a lesson file.
  static func save(_ path: String, _ m: inout AppModel) {
    guard let b = m.branches.last else {
      m.flash = AppModel.Flash(text: m.strings["whatif_none"], role: "warning", until: m.now + 3000)
      return
    }
    do {
      let text = try BranchFile.text(original: m.lesson, branch: b)
      m.effects.append(.save(path: path, text: text))
    } catch {
      m.flash = AppModel.Flash(text: error.description, role: "warning", until: m.now + 4000)
    }
  }

  /// The `:` command line: a step number, `save FILE`, or (in the sandbox) a script command.
  static func command(_ k: Key, _ text: String, _ m: inout AppModel) {
    switch k {
    case .char(let c):
      if text.count < 200 { m.overlay = .command(text + String(c)) }
    case .backspace:
      m.overlay = text.isEmpty ? nil : .command(String(text.dropLast()))
    case .escape:
      m.overlay = nil
    case .tab:
      if let done = m.sandbox?.complete(text) { m.overlay = .command(done) }
    case .enter:
      m.overlay = nil
      run(command: text.trimmed(" "), &m)
    default: break
    }
  }

  static func run(command text: String, _ m: inout AppModel) {
    guard !text.isEmpty else { return }
    if let n = Int(text) {
      go(&m, to: n)
      return
    }
    if text == "save" || text.hasPrefix("save ") {
      let path = String(text.dropFirst(4)).trimmed(" ")
      let file = path.isEmpty ? "\(m.lesson.id)-whatif.yaml" : path
      if m.sandbox != nil {
        saveSandbox(file, &m)
      } else {
        save(file, &m)
      }
      return
    }
    if m.sandbox != nil {
      sandboxCommand(text, &m)
      return
    }
    m.flash = AppModel.Flash(
      text: m.strings.format(
        "command_unknown", ["text": text, "expected": m.strings["command_expected"]]),
      role: "warning", until: m.now + 4000)
  }
}

extension String {
  func trimmed(_ set: Character) -> String {
    var s = Substring(self)
    while s.first == set { s = s.dropFirst() }
    while s.last == set { s = s.dropLast() }
    return String(s)
  }
}

extension Update {
  /// A sandbox command: the session grows by it and the screen goes to where it begins; one not
  /// understood is said, and nothing changes.
  static func sandboxCommand(_ text: String, _ m: inout AppModel) {
    guard let session = m.sandbox else { return }
    do {
      let next = try session.applying(text)
      let from = session.clock
      m.replaceSandbox(next)
      let tl = m.timeline
      go(&m, to: tl.step(atOrAfter: from))
      m.flash = AppModel.Flash(text: ": " + text, role: "marker", until: m.now + 2000)
    } catch {
      m.flash = AppModel.Flash(
        text: m.strings.format("command_unknown", ["text": text, "expected": error.message]),
        role: "warning", until: m.now + 8000)
    }
  }

  static func saveSandbox(_ path: String, _ m: inout AppModel) {
    guard let session = m.sandbox else { return }
    do {
      m.effects.append(.save(path: path, text: try session.yaml()))
    } catch {
      m.flash = AppModel.Flash(text: error.description, role: "warning", until: m.now + 4000)
    }
  }
}
