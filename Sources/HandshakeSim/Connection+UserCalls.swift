/// User calls on an existing connection (RFC 9293 §3.10.2–§3.10.6), with the results a Linux
/// socket gives.
extension Connection {
  /// Starts an active open: SYN-SENT and the SYN (§3.10.1).
  mutating func activeOpen(now: VirtualTime, _ fx: inout Effects) {
    connectPending = true
    tell(.connect, .inProgress, &fx)
    setState(.synSent, &fx)
    sendSyn(ack: false, now: now, &fx)
  }

  /// SEND (§3.10.2).
  mutating func send(_ payload: Payload, now: VirtualTime, _ fx: inout Effects) {
    if let e = pendingError {
      // The error once (ECONNRESET after a reset, tcp_reset's sk_err), then EPIPE: the
      // connection is shut both ways (tcp_done).
      tell(.send, errorReported ? .brokenPipe : e, &fx)
      errorReported = true
      return
    }
    if writeShut {
      tell(.send, .brokenPipe, &fx)
      return
    }
    switch state {
    case .closed, .listen:
      tell(.send, .notConnected, &fx)
    case .synSent, .synReceived, .established, .closeWait:
      switch payload {
      case .bytes(let data):
        sendBuffer.append(data)
        writeDigest.add(data)
      case .count(let n):
        sendBuffer.appendFiller(count: n, offset: bytesWritten)
        var done = 0
        while done < n {
          let k = Swift.min(65536, n - done)
          writeDigest.add(Payload.patternSlice(offset: bytesWritten + done, count: k))
          done += k
        }
      }
      bytesWritten += payload.length
      tell(.send, .ok, bytes: payload.length, &fx)
      output(now: now, &fx)
    case .finWait1, .finWait2, .closing, .lastAck, .timeWait:
      tell(.send, .brokenPipe, &fx)
    }
  }

  /// The application reads up to `max` bytes (all when nil): RECEIVE (§3.10.3).
  mutating func read(max: Int?, now: VirtualTime, _ fx: inout Effects) {
    if rcvUnread == 0 {
      if let e = pendingError, !errorReported {
        errorReported = true
        tell(.recv, e, &fx)
      } else if finReceived || pendingError != nil {
        // End of file: after the peer's FIN, or once a reset's error has been heard.
        eofSeen = true
        tell(.recv, .ok, bytes: 0, &fx)
      } else if state == .closed || (passive && !accepted) {
        // No connection the application holds (closed, or never accepted from the queue).
        tell(.recv, .notConnected, &fx)
      } else {
        // Open and quiet: nothing yet, which is not the end of the stream.
        tell(.recv, .wouldBlock, &fx)
      }
      return
    }
    let before = rcvWnd
    let n = Swift.min(max ?? rcvUnread, rcvUnread)
    rcvUnread -= n
    bytesRead += n
    readDigest.add(pendingRead.prefix(n))
    pendingRead.removeFirst(min(n, pendingRead.count))
    tell(.recv, .ok, bytes: n, &fx)
    // Linux's tcp_cleanup_rbuf: an ACK still owed leaves now if more than a segment waits for
    // it, or the read emptied the buffer after a small pushed segment.
    if config.delayedAck == .linux && ackScheduled && state.isSynchronized
      && (rcvNxt - rcvWup > rcvMSSEstimate
        || (rcvUnread == 0 && (ackPushed2 || (ackPushed && !pingpong))))
    {
      sendAck(now: now, &fx)
      return
    }
    // Receiver-side silly window avoidance (§3.8.6.2.2): announce the opened window once it has
    // grown by a full segment or half the buffer.
    let grown = Int(rcvWnd) - Int(before)
    if state.isSynchronized && state != .timeWait && grown > 0
      && (before == 0 || grown >= Swift.min(rcvCapacity / 2, Int(config.mss)))
    {
      sendAck(now: now, &fx)
    }
  }

  /// close(): a full close. With unread data it resets instead (RFC 9293 §3.6.1, RFC 2525 §2.17).
  mutating func close(now: VirtualTime, _ fx: inout Effects) {
    if appClosed {
      tell(.close, .badDescriptor, &fx)
      return
    }
    appClosed = true
    if rcvUnread > 0 && state.isSynchronized && state != .timeWait {
      tell(.close, .ok, &fx)
      emit(abortReset(now: now), &fx)
      setState(.closed, &fx)
      return
    }
    tell(.close, .ok, &fx)
    closeWriteSide(now: now, &fx)
    // Linux gives an orphan in FIN-WAIT-2 `tcp_fin_timeout` to hear the peer's FIN.
    if state == .finWait2 && finWait2Deadline == nil {
      finWait2Deadline = now + config.finTimeout
    }
  }

  /// shutdown(SHUT_WR): CLOSE in RFC terms, but the socket still reads (§3.10.4, half-close).
  mutating func shutdownWrite(now: VirtualTime, _ fx: inout Effects) {
    if state == .closed || state == .listen {
      tell(.shutdown, .notConnected, &fx)
      return
    }
    tell(.shutdown, .ok, &fx)
    closeWriteSide(now: now, &fx)
  }

  /// The CLOSE call's state changes (§3.10.4).
  private mutating func closeWriteSide(now: VirtualTime, _ fx: inout Effects) {
    guard !writeShut else { return }
    writeShut = true
    switch state {
    case .synSent:
      setState(.closed, &fx)
    case .synReceived, .established:
      finQueued = true
      setState(.finWait1, &fx)
      output(now: now, &fx)
    case .closeWait:
      finQueued = true
      setState(.lastAck, &fx)
      output(now: now, &fx)
    default:
      break
    }
  }

  /// ABORT (§3.10.5): a reset where a peer would keep state, then CLOSED.
  mutating func abort(now: VirtualTime, _ fx: inout Effects) {
    tell(.abort, state == .closed ? .notConnected : .ok, &fx)
    appClosed = true
    writeShut = true
    switch state {
    case .synReceived, .established, .finWait1, .finWait2, .closeWait:
      emit(abortReset(now: now), &fx)
    default:
      break
    }
    setState(.closed, &fx)
  }
}
