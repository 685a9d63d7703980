/// The eleven connection states of RFC 9293 §3.3.2.
public enum TCPState: UInt8, CaseIterable, Hashable, Sendable, CustomStringConvertible {
  case closed, listen, synSent, synReceived, established
  case finWait1, finWait2, closeWait, closing, lastAck, timeWait

  /// The name as RFC 9293 spells it: "SYN-RECEIVED", "FIN-WAIT-1".
  public var rfcName: String {
    switch self {
    case .closed: "CLOSED"
    case .listen: "LISTEN"
    case .synSent: "SYN-SENT"
    case .synReceived: "SYN-RECEIVED"
    case .established: "ESTABLISHED"
    case .finWait1: "FIN-WAIT-1"
    case .finWait2: "FIN-WAIT-2"
    case .closeWait: "CLOSE-WAIT"
    case .closing: "CLOSING"
    case .lastAck: "LAST-ACK"
    case .timeWait: "TIME-WAIT"
    }
  }

  /// Linux's `ss` spelling, for footnotes ("SYN-RECV", "FIN-WAIT-1", "UNCONN" is not a TCP state).
  public var linuxName: String {
    switch self {
    case .closed: "CLOSE"
    case .listen: "LISTEN"
    case .synSent: "SYN-SENT"
    case .synReceived: "SYN-RECV"
    case .established: "ESTAB"
    case .finWait1: "FIN-WAIT-1"
    case .finWait2: "FIN-WAIT-2"
    case .closeWait: "CLOSE-WAIT"
    case .closing: "CLOSING"
    case .lastAck: "LAST-ACK"
    case .timeWait: "TIME-WAIT"
    }
  }

  public var description: String { rfcName }

  /// Parses the RFC spelling, also accepting underscores and any case ("syn_received").
  public init?(rfcName: String) {
    let key = rfcName.uppercased().replacingUnderscores()
    guard let s = Self.allCases.first(where: { $0.rfcName == key }) else { return nil }
    self = s
  }

  /// States after the handshake has exchanged SYNs (RFC 9293 §3.10.7.4 "synchronized states").
  public var isSynchronized: Bool {
    switch self {
    case .closed, .listen, .synSent: false
    default: true
    }
  }
}

extension String {
  fileprivate func replacingUnderscores() -> String {
    String(map { $0 == "_" ? "-" : $0 })
  }
}
