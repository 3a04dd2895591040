#!/usr/bin/env python3
"""Zero-copy byte source and sink for the bulk-transfer bench (Linux).

The endpoints must not be the bottleneck: a Node sink/source copies every byte in and out of user
space, as much work per byte as the proxy under test, so with both endpoints on one CPU the numbers
measure the endpoints. Here the sink splice()s socket -> pipe -> /dev/null and the source sendfile()s
from a memfd, so the kernel moves page references and only the proxy copies bytes.

Same protocol as bulk-server.ts: 9-byte header, op 'U' (upload) | 'D' (download) + uint64 BE length;
U: sink `length` bytes then answer b'K'; D: send `length` bytes then close.

  bulk-endpoint.py server            -> prints {"event":"listening","port":N}, serves until stdin closes
  bulk-endpoint.py client PORT U|D N -> prints {"event":"result","bytes":N,"seconds":S}
"""
import fcntl, json, os, socket, struct, sys, threading, time

CHUNK = 1 << 20
SRC_SIZE = 64 << 20


def emit(event, **fields):
    sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()


def make_pipe():
    r, w = os.pipe()
    try:
        fcntl.fcntl(w, fcntl.F_SETPIPE_SZ, CHUNK)
    except OSError:
        pass
    return r, w


SRC = os.memfd_create("bench-src")
os.ftruncate(SRC, SRC_SIZE)
os.pwrite(SRC, b"a" * (1 << 20), 0)  # not all holes: real pages in the page cache
for off in range(1 << 20, SRC_SIZE, 1 << 20):
    os.pwrite(SRC, b"a" * (1 << 20), off)
DEVNULL = os.open("/dev/null", os.O_WRONLY)


def sink(sock, length):
    r, w = make_pipe()
    fd = sock.fileno()
    try:
        left = length
        while left > 0:
            n = os.splice(fd, w, min(left, CHUNK))
            if n == 0:
                raise ConnectionError("peer closed after %d of %d bytes" % (length - left, length))
            left -= n
            while n > 0:
                n -= os.splice(r, DEVNULL, n)
    finally:
        os.close(r)
        os.close(w)


def source(sock, length):
    fd = sock.fileno()
    left = length
    off = 0
    while left > 0:
        n = os.sendfile(fd, SRC, off, min(left, CHUNK, SRC_SIZE - off))
        if n == 0:
            raise ConnectionError("send returned 0")
        left -= n
        off = (off + n) % SRC_SIZE


def recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        d = sock.recv(n - len(buf))
        if not d:
            raise ConnectionError("closed during header")
        buf += d
    return buf


def serve_one(conn):
    try:
        h = recv_exact(conn, 9)
        op, length = chr(h[0]), struct.unpack(">Q", h[1:])[0]
        if op == "U":
            sink(conn, length)
            conn.sendall(b"K")
        elif op == "D":
            source(conn, length)
    except OSError:
        pass
    finally:
        conn.close()


def server():
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.bind(("127.0.0.1", 0))
    ls.listen(128)
    emit("listening", port=ls.getsockname()[1])
    # exit with the parent: stdin closes when the bench goes away
    threading.Thread(target=lambda: (sys.stdin.read(), os._exit(0)), daemon=True).start()
    while True:
        conn, _ = ls.accept()
        threading.Thread(target=serve_one, args=(conn,), daemon=True).start()


def client(port, op, length):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.settimeout(None)  # splice/sendfile need a blocking fd; the bench kills us after its deadline
    t0 = time.perf_counter()
    s.sendall(bytes([ord(op)]) + struct.pack(">Q", length))
    if op == "U":
        source(s, length)
        if s.recv(1) != b"K":
            raise ConnectionError("no ack")
    else:
        sink(s, length)
    emit("result", bytes=length, seconds=time.perf_counter() - t0)


if __name__ == "__main__":
    if sys.argv[1] == "server":
        server()
    else:
        try:
            client(int(sys.argv[2]), sys.argv[3], int(sys.argv[4]))
        except Exception as e:  # reported, not raised: the bench records it as an error note
            emit("error", message=str(e))
            sys.exit(2)
