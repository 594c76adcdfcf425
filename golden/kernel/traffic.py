#!/usr/bin/env python3
"""Bounded test traffic for capture.sh (Python 3 stdlib only).

  traffic.py serve --addr A [--addr B ...] --port P --timeout S
      UDP sockets and a TCP listener on each address (port P).  UDP datagrams are read
      and dropped (no ICMP port-unreachable noise).  Each TCP connection: read until EOF,
      then send back --reply bytes and close.  Exits after --timeout seconds.

  traffic.py send --dst ADDR --port P --udp-sizes 1,2,11 --tcp-bytes N
      Sends one UDP datagram per size (deterministic payload), then one TCP exchange:
      connect, send N bytes, shut down writing, read the reply to EOF, close.
"""
import argparse
import selectors
import socket
import sys
import time


def payload(n, salt):
    return bytes((i * 7 + salt) & 0xFF for i in range(n))


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def listen(addrs, port):
    """A selector holding a UDP socket (data "udp") and a TCP listener (data "listen") on
    port `port` of each address (also used by scripts/tap_traffic.py)."""
    sel = selectors.DefaultSelector()
    for addr in addrs:
        fam = family(addr)
        u = socket.socket(fam, socket.SOCK_DGRAM)
        u.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        u.bind((addr, port))
        u.setblocking(False)
        sel.register(u, selectors.EVENT_READ, "udp")
        t = socket.socket(fam, socket.SOCK_STREAM)
        t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        t.bind((addr, port))
        t.listen(4)
        t.setblocking(False)
        sel.register(t, selectors.EVENT_READ, "listen")
    return sel


def serve(args):
    sel = listen(args.addr, args.port)
    print("ready", flush=True)
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        for key, _ in sel.select(timeout=0.2):
            s = key.fileobj
            if key.data == "udp":
                s.recvfrom(65535)
            elif key.data == "listen":
                c, _ = s.accept()
                c.setblocking(False)
                sel.register(c, selectors.EVENT_READ, "conn")
            else:
                try:
                    d = s.recv(65536)
                except BlockingIOError:
                    continue
                if d:
                    continue
                sel.unregister(s)
                s.setblocking(True)
                s.settimeout(5)
                s.sendall(payload(args.reply, 0x5A))
                s.close()
    return 0


def send(args):
    fam = family(args.dst)
    u = socket.socket(fam, socket.SOCK_DGRAM)
    for n in [int(x) for x in args.udp_sizes.split(",") if x]:
        u.sendto(payload(n, n), (args.dst, args.port))
        time.sleep(args.gap)
    u.close()
    if args.tcp_bytes:
        t = socket.create_connection((args.dst, args.port), timeout=5)
        t.sendall(payload(args.tcp_bytes, 0xA5))
        t.shutdown(socket.SHUT_WR)
        got = 0
        while True:
            d = t.recv(65536)
            if not d:
                break
            got += len(d)
        t.close()
        print("tcp %s: sent %d received %d" % (args.dst, args.tcp_bytes, got), flush=True)
    time.sleep(args.gap)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--addr", action="append", required=True)
    s.add_argument("--port", type=int, default=5000)
    s.add_argument("--timeout", type=float, default=20)
    s.add_argument("--reply", type=int, default=1500)
    c = sub.add_parser("send")
    c.add_argument("--dst", required=True)
    c.add_argument("--port", type=int, default=5000)
    c.add_argument("--udp-sizes", default="1,2,11,64,513,1000")
    c.add_argument("--tcp-bytes", type=int, default=3000)
    c.add_argument("--gap", type=float, default=0.05)
    args = ap.parse_args()
    return serve(args) if args.cmd == "serve" else send(args)


if __name__ == "__main__":
    sys.exit(main())
