/// The transitions of RFC 9293's state diagram (§3.3.2 Figure 5) plus the ones §3.10 adds in prose.
///
/// The engine records every state change; the property tests check each one is listed here, and
/// the UI draws this diagram with the current transition highlighted.
public enum StateDiagram {
  /// One labelled edge of the diagram.
  public struct Edge: Hashable, Sendable {
    public var from: TCPState
    public var to: TCPState
    /// What causes it, in the RFC's "event / action" style.
    public var label: String
    /// True for edges Figure 5 draws; false for those only §3.10's text gives (resets, timeouts).
    public var inFigure: Bool
  }

  /// Every allowed transition.
  public static let edges: [Edge] = [
    Edge(from: .closed, to: .listen, label: "passive OPEN", inFigure: true),
    Edge(from: .closed, to: .synSent, label: "active OPEN / snd SYN", inFigure: true),
    Edge(from: .listen, to: .synReceived, label: "rcv SYN / snd SYN,ACK", inFigure: true),
    Edge(from: .listen, to: .synSent, label: "SEND / snd SYN", inFigure: true),
    Edge(from: .listen, to: .closed, label: "CLOSE", inFigure: true),
    Edge(from: .synSent, to: .synReceived, label: "rcv SYN / snd SYN,ACK", inFigure: true),
    Edge(from: .synSent, to: .established, label: "rcv SYN,ACK / snd ACK", inFigure: true),
    Edge(from: .synSent, to: .closed, label: "CLOSE, RST or timeout", inFigure: true),
    Edge(from: .synReceived, to: .established, label: "rcv ACK of SYN", inFigure: true),
    Edge(from: .synReceived, to: .finWait1, label: "CLOSE / snd FIN", inFigure: true),
    Edge(from: .synReceived, to: .listen, label: "rcv RST (passive open)", inFigure: false),
    Edge(from: .synReceived, to: .closeWait, label: "rcv FIN", inFigure: false),
    Edge(from: .established, to: .finWait1, label: "CLOSE / snd FIN", inFigure: true),
    Edge(from: .established, to: .closeWait, label: "rcv FIN / snd ACK", inFigure: true),
    Edge(from: .finWait1, to: .finWait2, label: "rcv ACK of FIN", inFigure: true),
    Edge(from: .finWait1, to: .closing, label: "rcv FIN / snd ACK", inFigure: true),
    Edge(from: .finWait1, to: .timeWait, label: "rcv FIN,ACK of FIN / snd ACK", inFigure: false),
    Edge(from: .finWait2, to: .timeWait, label: "rcv FIN / snd ACK", inFigure: true),
    Edge(from: .closing, to: .timeWait, label: "rcv ACK of FIN", inFigure: true),
    Edge(from: .closeWait, to: .lastAck, label: "CLOSE / snd FIN", inFigure: true),
    Edge(from: .lastAck, to: .closed, label: "rcv ACK of FIN", inFigure: true),
    Edge(from: .timeWait, to: .closed, label: "timeout = 2MSL", inFigure: true),
  ]

  /// True when `from → to` is a transition RFC 9293 allows. Any state may also go to CLOSED on
  /// ABORT, a reset or a user timeout (§3.10.4, §3.10.7.4, §3.10.8).
  public static func allows(from: TCPState, to: TCPState) -> Bool {
    if to == .closed && from != .closed { return true }
    return edges.contains { $0.from == from && $0.to == to }
  }
}
