#!/usr/bin/env python3
"""Create a VXLAN link by a raw rtnetlink RTM_NEWLINK message (Python 3 stdlib only).

iproute2 6.1 has no keyword for IFLA_VXLAN_REMCSUM_NOPARTIAL, so this script builds
the request itself.  Run it inside the namespace that should own the link, e.g.

    ip netns exec NS python3 mkvxlan.py --name vx42 --vni 42 \
        --local 192.0.2.2 --remote 192.0.2.1 --mac 02:00:00:00:2a:02 --nopartial

Attribute numbers (enum values) are those of include/uapi/linux/if_link.h
(checked against the Debian linux-libc-dev 6.1 header and torvalds/linux):
  IFLA_ADDRESS 1, IFLA_IFNAME 3, IFLA_MTU 4, IFLA_LINKINFO 18,
  IFLA_INFO_KIND 1, IFLA_INFO_DATA 2,
  IFLA_VXLAN_ID 1, IFLA_VXLAN_GROUP 2 (remote v4), IFLA_VXLAN_LOCAL 4,
  IFLA_VXLAN_TTL 5, IFLA_VXLAN_PORT_RANGE 10, IFLA_VXLAN_PORT 15,
  IFLA_VXLAN_GROUP6 16 (remote v6), IFLA_VXLAN_LOCAL6 17, IFLA_VXLAN_UDP_CSUM 18,
  IFLA_VXLAN_UDP_ZERO_CSUM6_TX 19, IFLA_VXLAN_UDP_ZERO_CSUM6_RX 20,
  IFLA_VXLAN_REMCSUM_TX 21, IFLA_VXLAN_REMCSUM_RX 22, IFLA_VXLAN_REMCSUM_NOPARTIAL 24.
"""
import argparse
import ipaddress
import os
import socket
import struct
import sys

NETLINK_ROUTE = 0
RTM_NEWLINK = 16
NLM_F_REQUEST = 0x1
NLM_F_ACK = 0x4
NLM_F_EXCL = 0x200
NLM_F_CREATE = 0x400
NLMSG_ERROR = 2
NLA_F_NESTED = 0x8000

IFLA_ADDRESS = 1
IFLA_IFNAME = 3
IFLA_MTU = 4
IFLA_LINKINFO = 18
IFLA_INFO_KIND = 1
IFLA_INFO_DATA = 2

IFLA_VXLAN_ID = 1
IFLA_VXLAN_GROUP = 2
IFLA_VXLAN_LOCAL = 4
IFLA_VXLAN_TTL = 5
IFLA_VXLAN_PORT_RANGE = 10
IFLA_VXLAN_PORT = 15
IFLA_VXLAN_GROUP6 = 16
IFLA_VXLAN_LOCAL6 = 17
IFLA_VXLAN_UDP_CSUM = 18
IFLA_VXLAN_UDP_ZERO_CSUM6_TX = 19
IFLA_VXLAN_UDP_ZERO_CSUM6_RX = 20
IFLA_VXLAN_REMCSUM_TX = 21
IFLA_VXLAN_REMCSUM_RX = 22
IFLA_VXLAN_REMCSUM_NOPARTIAL = 24


def nla(atype, payload=b""):
    """One netlink attribute: struct nlattr {u16 len; u16 type} + payload, padded to 4."""
    length = 4 + len(payload)
    return struct.pack("=HH", length, atype) + payload + b"\0" * ((4 - length % 4) % 4)


def parse_mac(text):
    parts = text.split(":")
    if len(parts) != 6:
        raise ValueError("bad MAC " + text)
    return bytes(int(p, 16) for p in parts)


def build_request(args, seq):
    remote = ipaddress.ip_address(args.remote)
    local = ipaddress.ip_address(args.local) if args.local else None
    if local is not None and local.version != remote.version:
        sys.exit("mkvxlan: --local and --remote must be the same address family")

    data = nla(IFLA_VXLAN_ID, struct.pack("=I", args.vni))
    if remote.version == 4:
        data += nla(IFLA_VXLAN_GROUP, remote.packed)
        if local is not None:
            data += nla(IFLA_VXLAN_LOCAL, local.packed)
    else:
        data += nla(IFLA_VXLAN_GROUP6, remote.packed)
        if local is not None:
            data += nla(IFLA_VXLAN_LOCAL6, local.packed)
        # Outer UDP checksum over IPv6: compute on TX, require on RX (both explicit 0).
        data += nla(IFLA_VXLAN_UDP_ZERO_CSUM6_TX, b"\x00")
        data += nla(IFLA_VXLAN_UDP_ZERO_CSUM6_RX, b"\x00")
    data += nla(IFLA_VXLAN_PORT, struct.pack("!H", args.dstport))
    if args.srcport is not None:
        # struct ifla_vxlan_port_range { __be16 low; __be16 high; }; range is [low, high)
        data += nla(IFLA_VXLAN_PORT_RANGE, struct.pack("!HH", args.srcport, args.srcport + 1))
    if args.ttl is not None:
        data += nla(IFLA_VXLAN_TTL, struct.pack("=B", args.ttl))
    data += nla(IFLA_VXLAN_UDP_CSUM, b"\x01")
    data += nla(IFLA_VXLAN_REMCSUM_TX, b"\x01" if args.remcsumtx else b"\x00")
    data += nla(IFLA_VXLAN_REMCSUM_RX, b"\x01" if args.remcsumrx else b"\x00")
    if args.nopartial:
        data += nla(IFLA_VXLAN_REMCSUM_NOPARTIAL)  # NLA_FLAG: present, empty

    linkinfo = nla(IFLA_INFO_KIND, b"vxlan\0") + nla(IFLA_INFO_DATA | NLA_F_NESTED, data)
    attrs = nla(IFLA_IFNAME, args.name.encode() + b"\0")
    if args.mac:
        attrs += nla(IFLA_ADDRESS, parse_mac(args.mac))
    if args.mtu:
        attrs += nla(IFLA_MTU, struct.pack("=I", args.mtu))
    attrs += nla(IFLA_LINKINFO | NLA_F_NESTED, linkinfo)

    # struct ifinfomsg { u8 family; u8 pad; u16 type; s32 index; u32 flags; u32 change; }
    ifinfo = struct.pack("=BBHiII", socket.AF_UNSPEC, 0, 0, 0, 0, 0)
    body = ifinfo + attrs
    flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL
    # struct nlmsghdr { u32 len; u16 type; u16 flags; u32 seq; u32 pid; }
    return struct.pack("=IHHII", 16 + len(body), RTM_NEWLINK, flags, seq, 0) + body


RTM_GETLINK = 18
NLMSG_DONE = 3
VXLAN_BOOL_ATTRS = {
    IFLA_VXLAN_UDP_CSUM: "udpcsum",
    IFLA_VXLAN_UDP_ZERO_CSUM6_TX: "udp6zerocsumtx",
    IFLA_VXLAN_UDP_ZERO_CSUM6_RX: "udp6zerocsumrx",
    IFLA_VXLAN_REMCSUM_TX: "remcsumtx",
    IFLA_VXLAN_REMCSUM_RX: "remcsumrx",
}


def iter_attrs(buf, off, end):
    while off + 4 <= end:
        alen, atype = struct.unpack_from("=HH", buf, off)
        if alen < 4:
            break
        yield atype & 0x3FFF, buf[off + 4: off + alen]
        off += (alen + 3) & ~3


def show(name):
    """RTM_GETLINK NAME and print the RCO-related vxlan attributes the kernel reports back."""
    ifinfo = struct.pack("=BBHiII", socket.AF_UNSPEC, 0, 0, 0, 0, 0)
    body = ifinfo + nla(IFLA_IFNAME, name.encode() + b"\0")
    msg = struct.pack("=IHHII", 16 + len(body), RTM_GETLINK, NLM_F_REQUEST, 1, 0) + body
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
    try:
        sock.bind((0, 0))
        sock.settimeout(5)
        sock.send(msg)
        reply = sock.recv(65536)
    finally:
        sock.close()
    length, mtype = struct.unpack_from("=IH", reply, 0)
    if mtype == NLMSG_ERROR:
        (err,) = struct.unpack_from("=i", reply, 16)
        sys.exit("mkvxlan: RTM_GETLINK %s failed: %s" % (name, os.strerror(-err)))
    words = []
    for atype, payload in iter_attrs(reply, 16 + 16, length):
        if atype != IFLA_LINKINFO:
            continue
        for itype, ipayload in iter_attrs(payload, 0, len(payload)):
            if itype != IFLA_INFO_DATA:
                continue
            for vtype, vpayload in iter_attrs(ipayload, 0, len(ipayload)):
                if vtype == IFLA_VXLAN_ID:
                    words.append("id %d" % struct.unpack("=I", vpayload)[0])
                elif vtype in VXLAN_BOOL_ATTRS:
                    words.append("%s=%d" % (VXLAN_BOOL_ATTRS[vtype], vpayload[0]))
                elif vtype == IFLA_VXLAN_REMCSUM_NOPARTIAL:
                    words.append("remcsum_nopartial")
    print("%s: %s" % (name, " ".join(words)))
    return 0


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--show":
        return show(sys.argv[2])
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 epilog="Or: mkvxlan.py --show NAME (print what the kernel reports)")
    ap.add_argument("--name", required=True)
    ap.add_argument("--vni", type=int, required=True)
    ap.add_argument("--remote", required=True, help="IPv4 or IPv6 unicast remote")
    ap.add_argument("--local")
    ap.add_argument("--dstport", type=int, default=4789)
    ap.add_argument("--srcport", type=int, help="single fixed outer UDP source port")
    ap.add_argument("--ttl", type=int)
    ap.add_argument("--mac")
    ap.add_argument("--mtu", type=int)
    ap.add_argument("--no-remcsumtx", dest="remcsumtx", action="store_false")
    ap.add_argument("--no-remcsumrx", dest="remcsumrx", action="store_false")
    ap.add_argument("--nopartial", action="store_true", help="set IFLA_VXLAN_REMCSUM_NOPARTIAL")
    args = ap.parse_args()

    seq = 1
    msg = build_request(args, seq)
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
    try:
        sock.bind((0, 0))
        sock.settimeout(5)
        sock.send(msg)
        reply = sock.recv(65536)
    finally:
        sock.close()
    length, mtype, _flags, rseq, _pid = struct.unpack_from("=IHHII", reply, 0)
    if mtype != NLMSG_ERROR or rseq != seq:
        sys.exit("mkvxlan: unexpected netlink reply type %d seq %d" % (mtype, rseq))
    (err,) = struct.unpack_from("=i", reply, 16)
    if err != 0:
        sys.exit("mkvxlan: RTM_NEWLINK %s failed: %s" % (args.name, os.strerror(-err)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
