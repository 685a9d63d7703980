# One scenario of the kernel's own TCP on loopback, for the engine's Linux tests.
# Run by make-captures.sh inside a private network namespace (as root), never by the tests.
# Usage: python3 scenario.py NAME PORT
import socket, subprocess, sys, threading, time

name, port = sys.argv[1], int(sys.argv[2])
MSS = 1000


def listener(backlog=8):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, MSS)
    s.bind(("127.0.0.1", port))
    s.listen(backlog)
    return s


def client():
    c = socket.socket()
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_MAXSEG, MSS)
    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    c.connect(("127.0.0.1", port))
    return c


def drain(c):
    while c.recv(65536):
        pass


def iptables(*rule):
    subprocess.run(["iptables", *rule], check=True)


def drop_once(length):
    # Drops the first IP packet of exactly `length` bytes towards the port, once (the quota is
    # that one packet's size), so a later copy of the same segment gets through.
    iptables("-I", "INPUT", "-p", "tcp", "--dport", str(port), "-m", "length", "--length",
             str(length), "-m", "quota", "--quota", str(length), "-j", "DROP")


def serve(s, after_eof=0.1, reply=None):
    c, _ = s.accept()
    if reply is not None:
        while True:
            b = c.recv(65536)
            if not b:
                break
            time.sleep(reply)
            c.sendall(b"r" * 200)
    else:
        drain(c)
    time.sleep(after_eof)
    c.close()


def run_pair(client_part, **server_args):
    s = listener()
    t = threading.Thread(target=serve, args=(s,), kwargs=server_args)
    t.start()
    c = client()
    client_part(c)
    c.close()
    t.join()
    s.close()
    time.sleep(0.3)


if name == "delack-fin":
    # No data: the client closes 50 ms after connecting, the server 100 ms after the FIN.
    run_pair(lambda c: time.sleep(0.05))
elif name == "delack-stream":
    # A slow one-way stream: 24 writes of 100 bytes, 50 ms apart, then 8000 bytes at once.
    def part(c):
        for _ in range(24):
            time.sleep(0.05)
            c.sendall(b"d" * 100)
        time.sleep(0.05)
        c.sendall(b"b" * 8000)
        time.sleep(0.1)
    run_pair(part)
elif name == "pingpong":
    # Request and answer: 100 bytes, answered with 200 after 10 ms, four times, 200 ms apart.
    def part(c):
        for _ in range(4):
            time.sleep(0.2)
            c.sendall(b"q" * 100)
            c.recv(65536)
        time.sleep(0.05)
    run_pair(part, reply=0.01)
elif name == "rack":
    # Six segments 20 ms apart; the third (999 bytes, 1039 on the wire) is lost once.
    drop_once(20 + 20 + 999)
    def part(c):
        for n in (1000, 1000, 999, 1000, 1000, 1000):
            time.sleep(0.02)
            c.sendall(b"x" * n)
        time.sleep(0.5)
    run_pair(part)
elif name == "tlp":
    # Three segments 20 ms apart; the last one (999 bytes) is lost once: a tail loss.
    drop_once(20 + 20 + 999)
    def part(c):
        for n in (1000, 1000, 999):
            time.sleep(0.02)
            c.sendall(b"x" * n)
        time.sleep(1.0)
    run_pair(part)
elif name == "syn-lost":
    # Every SYN to the port dropped; tcp_syn_retries=3 (a 15 s budget) so it ends soon.
    iptables("-I", "INPUT", "-p", "tcp", "--dport", str(port), "--syn", "-j", "DROP")
    c = socket.socket()
    t0 = time.monotonic()
    try:
        c.connect(("127.0.0.1", port))
    except OSError as e:
        print(f"connect: {e.strerror} after {time.monotonic() - t0:.1f} s", flush=True)
elif name == "syn-data-lost":
    # The first SYN and the first data segment (100 bytes) are lost once each: no RTT sample
    # from the handshake (Karn), so the RTO for data is 3 s; the tail-loss probe comes first.
    iptables("-I", "INPUT", "-p", "tcp", "--dport", str(port), "--syn", "-m", "quota",
             "--quota", "60", "-j", "DROP")
    drop_once(20 + 20 + 100)
    def part(c):
        time.sleep(0.01)
        c.sendall(b"x" * 100)
        time.sleep(4.0)
    run_pair(part)
elif name == "backlog":
    # listen(1), never accept: two connections complete, the third's SYNs are dropped.
    s = listener(backlog=1)
    cs = []
    for _ in range(3):
        c = socket.socket()
        c.setblocking(False)
        try:
            c.connect(("127.0.0.1", port))
        except BlockingIOError:
            pass
        cs.append(c)
        time.sleep(0.1)
    time.sleep(1.5)
else:
    sys.exit(f"unknown scenario {name}")
