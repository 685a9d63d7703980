/// One TCP connection: the Transmission Control Block of RFC 9293 §3.3.1, its buffers and
/// timers, and the socket-side facts an application sees. The state machine is in the
/// `Connection+…` extensions, one per kind of event (§3.10): user calls, arriving segments,
/// timeouts, and the output routine that turns queued data into segments.
struct Connection: Sendable {
  // Identity.
  let index: Int32
  let socketID: Int32
  let host: Int32
  var config: TCPConfig
  let localAddress: IPv4Address
  let remoteAddress: IPv4Address
  let localPort: UInt16
  let remotePort: UInt16
  /// Created by a listener from a SYN (a passive OPEN), not by connect().
  let passive: Bool
  /// The listener it came from.
  var listener: Int32? = nil
  /// Rebuilt from a SYN cookie.
  var fromCookie = false

  var state: TCPState = .closed
  /// Reached ESTABLISHED at some point (a half-open connection that died never did).
  var wasEstablished = false

  // Send sequence variables (RFC 9293 §3.3.1).
  var iss = SeqNum(0)
  var sndUna = SeqNum(0)
  var sndNxt = SeqNum(0)
  var sndWnd: UInt32 = 0
  var sndWl1 = SeqNum(0)
  var sndWl2 = SeqNum(0)
  /// The largest window the peer has offered (RFC 5961 §5's MAX.SND.WND).
  var maxSndWnd: UInt32 = 0

  // Receive sequence variables.
  var irs = SeqNum(0)
  /// IRS holds the peer's ISN (a SYN has been received).
  var irsValid = false
  var rcvNxt = SeqNum(0)
  var rcvCapacity: Int
  /// Bytes received in order that the application has not read.
  var rcvUnread = 0
  /// Those bytes, kept for an application that reads by itself (not `autoRead`).
  var pendingRead: [UInt8] = []

  // Options offered in our SYN and what the handshake settled.
  var offeredWScale: UInt8?
  var offeredSack: Bool
  var offeredTS: Bool
  var peerMSS: UInt16? = nil
  var peerWScale: UInt8? = nil
  var sndWScale: UInt8 = 0
  var rcvWScale: UInt8 = 0
  var wsOK = false
  var sackOK = false
  var tsOK = false
  var tsRecent: UInt32 = 0
  var tsOffset: UInt32 = 0
  /// Payload bytes per segment we may send: min(peer's MSS or 536, our MSS), less 12 with timestamps.
  var sndMSS = 536

  // Send side.
  var sendBuffer: SendBuffer
  /// The application closed or shut down: send FIN once the data is out.
  var finQueued = false
  /// Sequence number of our FIN once it has been sent.
  var finSeq: SeqNum? = nil
  var rtxQueue = RetransmissionQueue()
  /// During recovery, entries before this index need no more retransmission.
  var holeCursor = 0
  /// RTO before backoff: the initial value, 3 s after a retransmitted SYN, or from SRTT.
  var baseRTO: VirtualDuration
  var backoff = 0
  /// SRTT×8 in microseconds (nil: no sample yet), Linux's fixed point.
  var srtt8: Int64? = nil
  /// The smoothed mean deviation ×4 (4·RTTVAR), the largest in this round trip, and the
  /// variance term the RTO adds to SRTT (at least TCP_RTO_MIN). See `sampleRTT`.
  var mdev4: Int64 = 0
  var mdevMax4: Int64 = 0
  var rttvar4: Int64 = 0
  /// SND.NXT when the variance term last decayed; it decays again once SND.UNA passes it.
  var rttMark = SeqNum(0)
  /// SRTT in microseconds.
  var srtt: Int64? { srtt8.map { $0 >> 3 } }
  /// The one segment being timed for an RTT sample (Karn: never a retransmitted one).
  var timedSeq: SeqNum? = nil
  var timedAt = VirtualTime.zero
  var synRetransmitted = false
  /// When the first SYN of an active open left: Linux's SYN retries are a time budget from it.
  var firstSynAt: VirtualTime? = nil
  var dupAcks = 0
  /// While recovering from a loss: SND.NXT when recovery began (RFC 6582's "recover").
  var recoveryPoint: SeqNum? = nil
  var highestSacked: SeqNum? = nil
  /// The SACK blocks of the last ACK, so a block that only grew is not scanned again.
  var lastSackBlocks: [SackBlock] = []
  /// Recovery began at a retransmission timeout (Linux's Loss state): partial ACKs pull the
  /// holes one by one, as RACK's marks would after every segment was marked lost.
  var recoveryByTimeout = false

  // RACK-TLP (RFC 8985), as Linux keeps it in `tp->rack` and `tp->tlp_high_seq`.
  /// When the most recently sent segment known to be delivered was sent, and its end.
  var rackXmitAt: VirtualTime? = nil
  var rackEndSeq = SeqNum(0)
  /// The round-trip time that segment took, in microseconds.
  var rackRTT: Int64 = 0
  /// The reference moved since RACK last looked (Linux's `rack.advanced`).
  var rackAdvanced = false
  /// What was sent and may yet be found lost, in the order it was sent (Linux's
  /// `tsorted_sent_queue`): RACK stops at the first one sent after its reference, so a scan
  /// costs the candidates, not the window. Entries that were SACKed, ACKed or resent since are
  /// dropped as a scan passes them.
  var rackSent: [RackCandidate] = []
  var rackSentHead = 0
  /// The smallest RTT seen (Linux keeps a windowed minimum; runs here are short).
  var minRTT: Int64? = nil
  /// SND.NXT when a tail-loss probe was sent; no other probe until it is acknowledged.
  var tlpHighSeq: SeqNum? = nil
  /// The loss rule that fired last, for the panel.
  var lastLossSignal: LossSignal? = nil

  // Receive side.
  var ooo = ReassemblyQueue()
  var finReceived = false
  var unackedSegments = 0
  /// An ACK is owed and not yet sent in this event.
  var ackNow = false
  /// Linux's delayed-ACK engine (`icsk_ack`): the ACK timeout in force (zero until the first
  /// data arrives), ACKs left in quick-ACK mode, interactive mode, when data last arrived, the
  /// receiver's estimate of the peer's segment size, whether a small pushed segment waits, and
  /// RCV.NXT as of the last ACK sent (`rcv_wup`).
  var ato = VirtualDuration.zero
  var quickAcks = 0
  var pingpong = false
  var lastReceivedAt = VirtualTime.zero
  var rcvMSSEstimate = 536
  var ackPushed = false
  var ackPushed2 = false
  var rcvWup = SeqNum(0)
  /// An ACK is owed (Linux's ICSK_ACK_SCHED); `ackNow` says it leaves in this event.
  var ackScheduled = false
  var lastSegmentSize = 0

  // Timers, as deadlines on the virtual clock.
  var rtxDeadline: VirtualTime? = nil
  var persistDeadline: VirtualTime? = nil
  var persistBackoff = 0
  var delAckDeadline: VirtualTime? = nil
  /// RACK's reordering timer and the tail-loss probe (Linux's ICSK_TIME_REO_TIMEOUT and
  /// ICSK_TIME_LOSS_PROBE).
  var reorderDeadline: VirtualTime? = nil
  var lossProbeDeadline: VirtualTime? = nil
  var timeWaitDeadline: VirtualTime? = nil
  var finWait2Deadline: VirtualTime? = nil

  // The socket, as the application sees it.
  /// close() was called: nobody reads any more (an orphan, in Linux's words).
  var appClosed = false
  /// shutdown(SHUT_WR) or close() was called: nothing more may be written.
  var writeShut = false
  /// connect() is waiting for the handshake.
  var connectPending = false
  var accepted = false
  var eofSeen = false
  /// The error the next call will return (after a reset or timeout), once: Linux keeps it in
  /// `sk_err`, and the first call that reads it clears it (`sock_error`).
  var pendingError: AppResult? = nil
  /// The application has heard `pendingError` (a blocked recv or connect returned it).
  var errorReported = false

  // Counters.
  var bytesWritten = 0
  var bytesAcked = 0
  var bytesReceived = 0
  var bytesRead = 0
  var segmentsSent = 0
  var retransmissions = 0
  /// FNV-1a of everything written and of everything read, so tests can prove that every byte
  /// arrived once and in order.
  var writeDigest = Digest()
  var readDigest = Digest()

  init(
    index: Int32, socketID: Int32, host: Int32, config: TCPConfig,
    local: IPv4Address, localPort: UInt16, remote: IPv4Address, remotePort: UInt16,
    passive: Bool, iss: SeqNum, tsOffset: UInt32
  ) {
    self.index = index
    self.socketID = socketID
    self.host = host
    self.config = config
    localAddress = local
    self.localPort = localPort
    remoteAddress = remote
    self.remotePort = remotePort
    self.passive = passive
    self.iss = iss
    sndUna = iss
    sndNxt = iss
    rcvCapacity = config.receiveBuffer
    offeredWScale = config.windowScale.map { min($0, 14) }
    offeredSack = config.sack
    offeredTS = config.timestamps
    sendBuffer = SendBuffer(baseSeq: iss + 1)
    baseRTO = config.initialRTO
    self.tsOffset = tsOffset
    rcvMSSEstimate = max(88, min(Int(config.mss), config.receiveBuffer / 2, 536))
  }

  /// RCV.WND: free space in the receive buffer.
  var rcvWnd: UInt32 { UInt32(max(0, rcvCapacity - rcvUnread)) }

  /// The RTO in force: the base doubled once per consecutive timeout, capped (RFC 6298 (5.5)).
  /// In SYN-SENT, Linux (`tcp_syn_linear_timeouts`, default 4) first keeps the RTO where it is
  /// for that many timeouts, then doubles: SYNs at 0, 1, 2, 3, 4, 5, 7, 11, ... s.
  var rto: VirtualDuration {
    var r = baseRTO
    let doublings = state == .synSent ? max(0, backoff - config.synLinearTimeouts) : backoff
    for _ in 0..<doublings where r < config.maxRTO { r = r * 2 }
    return min(r, config.maxRTO)
  }

  /// Bytes written but not yet sent.
  var unsentBytes: Int { max(0, sendBuffer.endSeq - sndNxt) }

  /// The earliest timer deadline, for the scheduler.
  var nextDeadline: VirtualTime? {
    var d = rtxDeadline
    if let t = persistDeadline, d.map({ t < $0 }) ?? true { d = t }
    if let t = delAckDeadline, d.map({ t < $0 }) ?? true { d = t }
    if let t = reorderDeadline, d.map({ t < $0 }) ?? true { d = t }
    if let t = lossProbeDeadline, d.map({ t < $0 }) ?? true { d = t }
    if let t = timeWaitDeadline, d.map({ t < $0 }) ?? true { d = t }
    if let t = finWait2Deadline, d.map({ t < $0 }) ?? true { d = t }
    return d
  }

  mutating func setState(_ to: TCPState, _ fx: inout Effects) {
    guard to != state else { return }
    let from = state
    state = to
    if to == .established { wasEstablished = true }
    fx.append(.state(socket: socketID, from: from, to: to))
    if to == .closed {
      rtxDeadline = nil
      persistDeadline = nil
      delAckDeadline = nil
      reorderDeadline = nil
      lossProbeDeadline = nil
      timeWaitDeadline = nil
      finWait2Deadline = nil
      fx.append(.closed(conn: index))
    }
  }

  /// Reports a socket result to the application (a call returning, or an error it will see).
  func tell(_ call: AppCall, _ result: AppResult, bytes: Int = 0, _ fx: inout Effects) {
    fx.append(.app(socket: socketID, call: call, result: result, bytes: bytes))
  }
}

/// A 64-bit digest of a byte stream that does not depend on how the stream was cut into pieces
/// (a sender writes once, a receiver reads segment by segment), so tests can prove that every
/// byte arrived once and in order. Fletcher-style over 64-bit little-endian words, with a carried
/// partial word: the second sum weighs each word by its position, so order matters.
public struct Digest: Hashable, Sendable {
  private var sum1: UInt64 = 0
  private var sum2: UInt64 = 0
  /// Bytes of an unfinished word, little-endian.
  private var partial: UInt64 = 0
  /// Bytes digested so far.
  public private(set) var count = 0

  public init() {}

  /// The digest value (covering a trailing partial word too).
  public var value: UInt64 {
    let s1 = sum1 &+ partial
    let s2 = sum2 &+ s1
    return (s1 ^ (s2 << 32 | s2 >> 32)) &* 0x9E37_79B9_7F4A_7C15 ^ UInt64(count)
  }

  public mutating func add<C: Collection>(_ bytes: C) where C.Element == UInt8 {
    let done: Bool? = bytes.withContiguousStorageIfAvailable { buf in
      var i = 0
      let n = buf.count
      while count & 7 != 0 && i < n {
        push(buf[i])
        i += 1
      }
      if let base = buf.baseAddress, i + 8 <= n {
        var a = sum1
        var b = sum2
        let raw = UnsafeRawPointer(base)
        let wordStart = i
        // Four words a round, the same sums: after words w0…w3 the second sum has grown by
        // 4a + 4·w0 + 3·w1 + 2·w2 + w3 (a the first sum before them), so the long chain of
        // additions one word at a time is cut into four independent ones.
        while i + 32 <= n {
          let w0 = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
          let w1 = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self))
          let w2 = UInt64(
            littleEndian: raw.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self))
          let w3 = UInt64(
            littleEndian: raw.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self))
          b &+= (a &+ w0) &<< 2 &+ w1 &* 3 &+ w2 &<< 1 &+ w3
          a &+= w0 &+ w1 &+ w2 &+ w3
          i += 32
        }
        while i + 8 <= n {
          a &+= UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
          b &+= a
          i += 8
        }
        sum1 = a
        sum2 = b
        count += i - wordStart
      }
      while i < n {
        push(buf[i])
        i += 1
      }
      return true
    }
    if done == nil {
      for b in bytes { push(b) }
    }
  }

  @inline(__always) private mutating func push(_ b: UInt8) {
    partial |= UInt64(b) << (UInt64(count & 7) * 8)
    count += 1
    if count & 7 == 0 {
      sum1 &+= partial
      sum2 &+= sum1
      partial = 0
    }
  }
}
