import HandshakeLessons
import HandshakeSim
import TerminalUI

/// The current step's segment: every header field, decoded, and the packet's bytes in hex.
enum SegmentView {
  /// The transmission a step is about: the one that arrived or was lost, else the first sent.
  static func transmission(_ m: AppModel) -> Int? {
    let recs = m.timeline.records(ofStep: m.step)
    if let r = recs.first(where: { $0.kind == .arrive || $0.kind == .drop }),
      let tx = r.transmission
    {
      return Int(tx)
    }
    return recs.first { $0.kind == .send }?.transmission.map(Int.init)
  }

  static func draw(_ f: inout Frame, _ r: Rect, _ m: AppModel) {
    let s = m.strings
    let theme = m.theme
    let inner = AppView.window(&f, r, title: s["segment_title"], m)
    guard let tx = transmission(m) else {
      f.put(s["segment_none"], x: inner.x + 1, y: inner.y + 1, style: theme["overlay"], clip: inner)
      return
    }
    let tl = m.timeline
    let t = tl.transmissions[tx]
    let seg = t.segment
    let base = tl.relativeBase(for: tx)
    let bytes = seg.ipv4Bytes(ipID: t.ipID)
    let tcpOffset = 20
    let checksum = UInt16(bytes[tcpOffset + 16]) << 8 | UInt16(bytes[tcpOffset + 17])
    let header = 20 + seg.options.encodedLength
    var opts: [String] = []
    if let v = seg.options.mss { opts.append("MSS \(v)") }
    if let v = seg.options.windowScale { opts.append("WS \(v) (×\(1 << Int(min(v, 14))))") }
    if seg.options.sackPermitted { opts.append("SACK-permitted") }
    if let ts = seg.options.timestamps { opts.append("TS val \(ts.value) ecr \(ts.echoReply)") }
    for b in seg.options.sackBlocks { opts.append("SACK \(b.left.rawValue)-\(b.right.rawValue)") }
    let flagsLine = TCPFlags.named.map {
      seg.flags.contains($0.0) ? $0.1 : String(repeating: "·", count: $0.1.count)
    }.joined(separator: " ")
    // The number in the mode on screen first, the other in brackets.
    let number = { (v: SeqNum, b: SeqNum?) -> String in
      guard let b else { return "\(v.rawValue)" }
      let r = v.rawValue &- b.rawValue
      return m.absolute
        ? "\(v.rawValue) (\(s["segment_relative"]) \(r))"
        : "\(r) (\(s["segment_absolute"]) \(v.rawValue))"
    }
    let rows: [(String, String)] = [
      (
        "",
        "\(tl.hostName(t.from)) → \(t.to >= 0 ? tl.hostName(t.to) : seg.destination.description)   \(seg.source):\(seg.sourcePort) → \(seg.destination):\(seg.destinationPort)"
      ),
      ("Sequence number", number(seg.seq, base?.seq)),
      (
        "Acknowledgment",
        seg.flags.contains(.ack) ? number(seg.ack, base?.ack) : "\(seg.ack.rawValue) (ACK not set)"
      ),
      ("Data offset", "\(header / 4) (\(header) bytes)"),
      ("Flags", String(format: "0x%03x  ", Int(seg.flags.rawValue)) + flagsLine),
      ("Window", "\(seg.window)"),
      ("Checksum", String(format: "0x%04x", Int(checksum)) + " ✓"),
      ("Options", opts.isEmpty ? "—" : opts.joined(separator: ", ")),
      ("Payload", "\(seg.payload.count) bytes" + (t.isRetransmission ? "  (retransmission)" : "")),
    ]
    var y = inner.y
    for (k, v) in rows where y < inner.maxY {
      let keyText = k.isEmpty ? "" : k + String(repeating: " ", count: max(1, 17 - k.count))
      f.put(keyText, x: inner.x + 1, y: y, style: theme["label"], clip: inner)
      f.put(
        v.sanitizedForTerminal, x: inner.x + 1 + keyText.displayWidth, y: y,
        style: k.isEmpty ? theme["host_name"] : theme["value"], clip: inner)
      y += 1
    }
    y += 1
    if y < inner.maxY {
      f.put(s["segment_bytes"], x: inner.x + 1, y: y, style: theme["label"], clip: inner)
      y += 1
    }
    var offset = 0
    while offset < bytes.count && y < inner.maxY {
      let chunk = bytes[offset..<min(offset + 16, bytes.count)]
      let hex = chunk.map { String(format: "%02x", $0) }.joined(separator: " ")
      let ascii = String(
        chunk.map { (0x20..<0x7F).contains($0) ? Character(UnicodeScalar($0)) : "." })
      let line =
        String(format: "%04x  ", offset) + hex.padding(toLength: 48, withPad: " ", startingAt: 0)
        + " " + ascii
      f.put(line, x: inner.x + 1, y: y, style: theme["value"], clip: inner)
      y += 1
      offset += 16
    }
    if offset < bytes.count && y == inner.maxY {
      f.put("…", x: inner.maxX - 1, y: inner.maxY - 1, style: theme["marker"])
    }
  }
}

/// The key list.
enum HelpView {
  static func draw(_ f: inout Frame, _ r: Rect, _ m: AppModel) {
    let inner = AppView.window(&f, r, title: m.strings["help_title"], m)
    let lines = m.strings["help_text"].split(separator: "\n", omittingEmptySubsequences: false)
    for (i, l) in lines.enumerated() where inner.y + i < inner.maxY {
      f.put(String(l), x: inner.x + 1, y: inner.y + i, style: m.theme["overlay"], clip: inner)
    }
  }
}

/// The lesson picker: titles, levels and tags, and the chosen lesson's summary.
enum PickerView {
  static func draw(_ f: inout Frame, _ r: Rect, _ m: AppModel, selected: Int) {
    let theme = m.theme
    let lessons = m.lessons
    // A capture's connections are listed by endpoints; level and tags mean nothing there.
    let captures = lessons.captures
    let inner = AppView.window(
      &f, r, title: m.strings[captures ? "picker_title_capture" : "picker_title"], m)
    let listHeight = max(1, min(lessons.count, inner.height - 6))
    let first = max(0, min(selected - listHeight / 2, lessons.count - listHeight))
    for (row, i) in (first..<min(lessons.count, first + listHeight)).enumerated() {
      let l = lessons[i]
      let chosen = i == selected
      let text = (chosen ? "▸ " : "  ") + l.title[m.language].sanitizedForTerminal
      let style = chosen ? theme["value_changed"] : theme["overlay"]
      f.put(
        text.prefix(columns: inner.width - 2), x: inner.x + 1, y: inner.y + row, style: style,
        clip: inner)
      let tags = " \(l.level.rawValue) · " + l.tags.joined(separator: ", ")
      let x = inner.x + 4 + min(44, text.displayWidth)
      if x + 10 < inner.maxX && !captures {
        f.put(
          tags.sanitizedForTerminal.prefix(columns: inner.maxX - x - 1), x: x, y: inner.y + row,
          style: theme["muted"], clip: inner)
      }
    }
    let sel = lessons[max(0, min(selected, lessons.count - 1))]
    let summaryTop = inner.y + listHeight + 1
    let lines = TextWrap.wrap(sel.summary[m.language].sanitizedForTerminal, width: inner.width - 2)
    for (i, l) in lines.enumerated() where summaryTop + i < inner.maxY {
      f.put(l, x: inner.x + 1, y: summaryTop + i, style: theme["narration"], clip: inner)
    }
  }
}
