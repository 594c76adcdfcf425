#!/usr/bin/env python3
"""Helpers for scripts/kernel-interop.sh (Python 3 stdlib only).

  kernel_interop.py listen --addr A [--addr B ...] --port P --out FILE --count N --timeout S
      UDP sockets on each address; every datagram is written to FILE as a JSON line
      {"dst": addr, "src": addr, "payload": hex}. Prints "ready" once bound; exits after
      N datagrams or S seconds.

  kernel_interop.py inject --dev DEV --gap S PCAP [PCAP ...]
      Sends every frame of the classic pcaps (link type Ethernet) unchanged out of DEV
      through an AF_PACKET raw socket; prints the frame count.
"""
import argparse
import json
import selectors
import socket
import struct
import sys
import time


def listen(args):
    sel = selectors.DefaultSelector()
    for addr in args.addr:
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.bind((addr, args.port))
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, addr)
    print("ready", flush=True)
    got = 0
    deadline = time.monotonic() + args.timeout
    with open(args.out, "w") as out:
        while got < args.count and time.monotonic() < deadline:
            for key, _ in sel.select(timeout=0.1):
                data, src = key.fileobj.recvfrom(65535)
                out.write(json.dumps({"dst": key.data, "src": src[0], "payload": data.hex()}) + "\n")
                out.flush()
                got += 1
    print("received %d" % got, flush=True)
    return 0


def pcap_frames(path):
    with open(path, "rb") as f:
        hdr = f.read(24)
        magic = struct.unpack("<I", hdr[:4])[0]
        if magic in (0xA1B2C3D4, 0xA1B23C4D):
            endian = "<"
        elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
            endian = ">"
        else:
            sys.exit("kernel_interop: %s is not a classic pcap" % path)
        if struct.unpack(endian + "I", hdr[20:24])[0] != 1:
            sys.exit("kernel_interop: %s is not link type Ethernet" % path)
        while True:
            rec = f.read(16)
            if len(rec) < 16:
                return
            _, _, incl, orig = struct.unpack(endian + "IIII", rec)
            data = f.read(incl)
            if incl != orig:
                sys.exit("kernel_interop: truncated record in %s" % path)
            yield data


def inject(args):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((args.dev, 0))
    n = 0
    for path in args.pcap:
        for frame in pcap_frames(path):
            s.send(frame)
            n += 1
            time.sleep(args.gap)
    s.close()
    print("injected %d" % n, flush=True)
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    l = sub.add_parser("listen")
    l.add_argument("--addr", action="append", required=True)
    l.add_argument("--port", type=int, default=5000)
    l.add_argument("--out", required=True)
    l.add_argument("--count", type=int, required=True)
    l.add_argument("--timeout", type=float, default=15)
    i = sub.add_parser("inject")
    i.add_argument("--dev", required=True)
    i.add_argument("--gap", type=float, default=0.01)
    i.add_argument("pcap", nargs="+")
    args = ap.parse_args()
    return listen(args) if args.cmd == "listen" else inject(args)


if __name__ == "__main__":
    sys.exit(main())
