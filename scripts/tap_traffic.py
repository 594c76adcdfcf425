#!/usr/bin/env python3
"""Bounded traffic for scripts/tap-loop.sh (Python 3 stdlib only): TCP transfers checked by
SHA-256 and UDP echoes of odd and even sizes, over the overlay the NIC model carries.

  tap_traffic.py serve --addr A [--addr B ...] --port P --timeout S
      UDP: every datagram is sent back to its sender unchanged.  TCP: one request line per
      connection, "PUT n" (read n bytes, answer the SHA-256 hex of what arrived) or
      "GET n seed" (send n deterministic bytes, then close).  Exits after --timeout s.

  tap_traffic.py client --dst ADDR --port P [--put N] [--get N] [--udp-sizes 1,2,...]
      Runs the UDP echoes, then PUT (this side -> server) and GET (server -> this side),
      and prints one JSON object: per step ok/failed, bytes, seconds, hashes.
"""
import argparse
import hashlib
import json
import os
import random
import socket
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "golden", "kernel"))
from traffic import family, listen  # noqa: E402  (capture.sh's traffic helper)


def data(n, seed):
    return random.Random(seed).randbytes(n)


def send_chunked(c, p):
    """sendall in 64 KiB pieces: a socket timeout bounds each piece, not the whole (a slow
    link is no failure; a stalled one is)."""
    for i in range(0, len(p), 65536):
        c.sendall(p[i:i + 65536])


def handle_tcp(c):
    c.settimeout(120)
    f = c.makefile("rb")
    words = f.readline().split()
    if len(words) == 2 and words[0] == b"PUT":
        n = int(words[1])
        h = hashlib.sha256()
        got = 0
        while got < n:
            d = f.read1(min(65536, n - got))
            if not d:
                break
            h.update(d)
            got += len(d)
        c.sendall(("%d %s\n" % (got, h.hexdigest())).encode())
    elif len(words) == 3 and words[0] == b"GET":
        send_chunked(c, data(int(words[1]), int(words[2])))
    c.shutdown(socket.SHUT_WR)
    c.close()


def serve(args):
    sel = listen(args.addr, args.port)
    print("ready", flush=True)
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.2):
            s = key.fileobj
            if key.data == "udp":
                d, peer = s.recvfrom(65535)
                s.sendto(d, peer)
            else:
                c, _ = s.accept()
                c.setblocking(True)
                try:
                    handle_tcp(c)
                except OSError as e:
                    print("tcp: %s" % e, file=sys.stderr, flush=True)
    return 0


def udp_echo(dst, port, sizes, timeout):
    u = socket.socket(family(dst), socket.SOCK_DGRAM)
    u.settimeout(timeout)
    res = []
    for n in sizes:
        p = data(n, n)
        ok = False
        for _ in range(3):  # a datagram may meet a queue full of TCP: retry
            u.sendto(p, (dst, port))
            try:
                while True:
                    d, _ = u.recvfrom(65535)
                    if d == p:
                        ok = True
                        break
            except socket.timeout:
                pass
            if ok:
                break
        res.append({"size": n, "ok": ok})
    u.close()
    return res


def tcp_put(dst, port, n, timeout):
    t0 = time.monotonic()
    p = data(n, 7)
    want = hashlib.sha256(p).hexdigest()
    r = {"step": "put", "bytes": n, "want": want}
    try:
        c = socket.create_connection((dst, port), timeout=timeout)
        c.sendall(b"PUT %d\n" % n)
        send_chunked(c, p)
        c.shutdown(socket.SHUT_WR)
        reply = c.makefile("rb").readline().decode().split()
        c.close()
        r["got"] = reply[1] if len(reply) == 2 else None
        r["ok"] = r["got"] == want and reply[0] == str(n)
    except OSError as e:
        r["ok"], r["error"] = False, str(e)
    r["seconds"] = round(time.monotonic() - t0, 3)
    return r


def tcp_get(dst, port, n, timeout):
    t0 = time.monotonic()
    want = hashlib.sha256(data(n, 11)).hexdigest()
    r = {"step": "get", "bytes": n, "want": want}
    try:
        c = socket.create_connection((dst, port), timeout=timeout)
        c.sendall(b"GET %d 11\n" % n)
        h = hashlib.sha256()
        got = 0
        while True:
            d = c.recv(65536)
            if not d:
                break
            h.update(d)
            got += len(d)
        c.close()
        r["got"] = h.hexdigest()
        r["ok"] = got == n and r["got"] == want
    except OSError as e:
        r["ok"], r["error"] = False, str(e)
    r["seconds"] = round(time.monotonic() - t0, 3)
    return r


def client(args):
    sizes = [int(x) for x in args.udp_sizes.split(",") if x]
    out = {"dst": args.dst, "udp": udp_echo(args.dst, args.port, sizes, args.udp_timeout), "tcp": []}
    if args.put:
        out["tcp"].append(tcp_put(args.dst, args.port, args.put, args.timeout))
    if args.get:
        out["tcp"].append(tcp_get(args.dst, args.port, args.get, args.timeout))
    print(json.dumps(out), flush=True)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--addr", action="append", required=True)
    s.add_argument("--port", type=int, default=5001)
    s.add_argument("--timeout", type=float, default=60)
    c = sub.add_parser("client")
    c.add_argument("--dst", required=True)
    c.add_argument("--port", type=int, default=5001)
    c.add_argument("--put", type=int, default=0)
    c.add_argument("--get", type=int, default=0)
    c.add_argument("--udp-sizes", default="1,2,11,64,513,1000,1399,1400")
    c.add_argument("--udp-timeout", type=float, default=2)
    c.add_argument("--timeout", type=float, default=30, help="TCP timeout per socket call (s)")
    args = ap.parse_args()
    return serve(args) if args.cmd == "serve" else client(args)


if __name__ == "__main__":
    sys.exit(main())
