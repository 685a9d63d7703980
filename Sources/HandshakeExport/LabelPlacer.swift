import Foundation

/// Where each segment's label goes along its arrow in the SVG handout.
///
/// A label sits just above its line, turned to follow it. Centred is the first choice, but two
/// arrows that cross (the SYNs of a simultaneous open) have their middles in the same place,
/// and an arrow that leaves from where another lands makes a narrow wedge with it; so a few
/// points along the line are tried, in order, and the first whose label keeps clear of the
/// labels already placed wins (else the one with the most room). A label never runs past a
/// lifeline: its font shrinks to fit (down to `minFontSize`), and its length is given too.
struct LabelPlacer {
  /// A label's position: the anchor point on the line, the upright angle in degrees, the
  /// text anchor, the font size and the length the text is fitted to.
  struct Placement {
    var x: Double
    var y: Double
    var angle: Double
    var anchor: String
    var fontSize: Double
    var width: Double
  }

  /// A point on the page.
  struct Point: Hashable {
    var x: Double
    var y: Double
    static func + (a: Point, b: Point) -> Point { Point(x: a.x + b.x, y: a.y + b.y) }
    static func - (a: Point, b: Point) -> Point { Point(x: a.x - b.x, y: a.y - b.y) }
    static func * (a: Point, k: Double) -> Point { Point(x: a.x * k, y: a.y * k) }
    func dot(_ b: Point) -> Double { x * b.x + y * b.y }
  }

  /// The middle line of each label placed so far, with its font size.
  private var placed: [(a: Point, b: Point, size: Double)] = []
  /// Labels further back than this are far above; comparing with them costs time for nothing.
  private let lookBack = 64

  let charWidth: Double
  let minFontSize: Double
  let maxFontSize = 12.0

  init(charWidth: Double, minFontSize: Double) {
    self.charWidth = charWidth
    self.minFontSize = minFontSize
  }

  /// Places the label of `characters` characters on the line from `start` (the sender) to
  /// `end`. A lost segment's label starts at the sender, clear of the cross at the end; an
  /// arrow that leaves from a wedge tries its far half first.
  mutating func place(
    from start: Point, to end: Point, characters: Int, lost: Bool, wedgeAtStart: Bool
  ) -> Placement {
    let d = end - start
    let length = max(d.dot(d).squareRoot(), 1)
    let degrees = atan2(d.y, d.x) * 180 / .pi
    let upright = abs(degrees) > 90 ? degrees - 180 : degrees
    let theta = upright * .pi / 180
    let dir = Point(x: cos(theta), y: sin(theta))
    // "Up" on the page, turned with the text.
    let up = Point(x: sin(theta), y: -cos(theta))
    let natural = Double(characters) * charWidth

    let candidates: [Double] =
      lost ? [12 / length] : wedgeAtStart ? [0.6, 0.7, 0.45, 0.35] : [0.5, 0.62, 0.38, 0.72, 0.28]
    var best: (placement: Placement, segment: (Point, Point), clearance: Double)? = nil
    for along in candidates {
      let room =
        lost ? length - 30 : min(0.76, 2 * min(along, 1 - along) * 0.96) * length
      let fontSize = max(minFontSize, min(maxFontSize, maxFontSize * room / natural))
      let width = min(natural * fontSize / maxFontSize, room)
      let anchorPoint = start + d * along
      let anchor = lost ? (d.x > 0 ? "start" : "end") : "middle"
      // The middle of the text: 5 units above the line to the baseline, then about a third
      // of the font size more.
      let mid = anchorPoint + up * (5 + 0.35 * fontSize)
      let (a, b): (Point, Point) =
        switch anchor {
        case "start": (mid, mid + dir * width)
        case "end": (mid - dir * width, mid)
        default: (mid - dir * (width / 2), mid + dir * (width / 2))
        }
      var clearance = Double.infinity
      for p in placed.suffix(lookBack) {
        let gap = Self.distance(a, b, p.a, p.b) - (fontSize + p.size) / 2 * 0.85
        clearance = min(clearance, gap)
      }
      let placement = Placement(
        x: anchorPoint.x, y: anchorPoint.y, angle: upright, anchor: anchor, fontSize: fontSize,
        width: width)
      if clearance > best?.clearance ?? -.infinity {
        best = (placement, (a, b), clearance)
      }
      if clearance >= 0 { break }
    }
    // There is always a candidate, so `best` is set.
    guard let chosen = best else { preconditionFailure("no candidate position") }
    placed.append((chosen.segment.0, chosen.segment.1, chosen.placement.fontSize))
    return chosen.placement
  }

  /// The shortest distance between segments ab and cd.
  static func distance(_ a: Point, _ b: Point, _ c: Point, _ d: Point) -> Double {
    if intersect(a, b, c, d) { return 0 }
    return min(
      pointDistance(a, c, d), pointDistance(b, c, d), pointDistance(c, a, b),
      pointDistance(d, a, b))
  }

  static func pointDistance(_ p: Point, _ a: Point, _ b: Point) -> Double {
    let ab = b - a
    let len2 = ab.dot(ab)
    let t = len2 == 0 ? 0 : max(0, min(1, (p - a).dot(ab) / len2))
    let q = a + ab * t
    return (p - q).dot(p - q).squareRoot()
  }

  static func intersect(_ a: Point, _ b: Point, _ c: Point, _ d: Point) -> Bool {
    func cross(_ o: Point, _ p: Point, _ q: Point) -> Double {
      (p.x - o.x) * (q.y - o.y) - (p.y - o.y) * (q.x - o.x)
    }
    let d1 = cross(c, d, a)
    let d2 = cross(c, d, b)
    let d3 = cross(a, b, c)
    let d4 = cross(a, b, d)
    return (d1 > 0) != (d2 > 0) && (d3 > 0) != (d4 > 0) && d1 != 0 && d2 != 0 && d3 != 0
      && d4 != 0
  }
}
