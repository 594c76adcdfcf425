"""Frames for the cocotb testbench, built and checked with scapy and an own RFC 1071 sum.

Nothing here uses the project's Rust golden model: the checks are scapy's checksum
functions (`in4_chksum`, `in6_chksum`, `checksum`) and the VXLAN RCO layout of Linux
(../shared/spec/rco.md section 3: flag bit 21 (C) of the flags word; the VNI word's low byte
is start/2, bit 7 set for UDP (field at start+6), clear for TCP (start+16); start measured from
the inner Ethernet header).
"""

from __future__ import annotations

import os
import random
import struct
from dataclasses import dataclass, field

from scapy.layers.inet import IP, TCP, UDP, ICMP, in4_chksum
from scapy.layers.inet6 import IPv6, in6_chksum
from scapy.layers.l2 import Ether, Dot1Q
from scapy.utils import checksum, rdpcap

VXLAN_PORT = 4789
F_I = 0x08000000
F_C = 0x00200000  # RCO, flag bit 21

ETH_P_IP, ETH_P_IPV6, ETH_P_8021Q = 0x0800, 0x86DD, 0x8100
PROTO_TCP, PROTO_UDP = 6, 17

# MUTATE=1: the checks below expect one checksum wrong (the first inner TCP/UDP checksum
# checked is compared with its value xor 1), so a correct NIC must fail the test. This is
# how the test shows it can fail (tests/it/cocotb.rs runs it expecting failure).
_mutate = [os.environ.get("MUTATE") == "1"]


def mutate_once(value: int) -> int:
    if _mutate[0]:
        _mutate[0] = False
        return value ^ 1
    return value


# ---------------------------------------------------------------------------------------
# RFC 1071


def sum16(data: bytes, init: int = 0) -> int:
    """Folded, un-complemented ones'-complement sum of big-endian 16-bit words (odd tail high)."""
    if len(data) % 2:
        data = data + b"\0"
    s = init + sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def pseudo_sum(src: bytes, dst: bytes, proto: int, length: int) -> int:
    """Folded, un-complemented pseudo-header sum P (what a CHECKSUM_PARTIAL stack leaves)."""
    return sum16(src + dst + struct.pack("!HH", proto, length) if len(src) == 4
                 else src + dst + struct.pack("!IxxxB", length, proto))


# ---------------------------------------------------------------------------------------
# Inner frames (as a host stack hands them to the NIC, or as a receiver gets them)


@dataclass
class L4:
    """Where the inner TCP/UDP checksum is: offsets from the inner Ethernet header."""
    proto: int          # 6 / 17
    ip_off: int         # IP header
    l4_off: int         # TCP/UDP header = csum_start
    l4_end: int         # end of the L4 segment (IP length)
    v6: bool

    @property
    def field(self) -> int:
        return self.l4_off + (16 if self.proto == PROTO_TCP else 6)

    @property
    def csum_offset(self) -> int:
        return 16 if self.proto == PROTO_TCP else 6


def find_l4(frame: bytes) -> L4 | None:
    """The inner TCP/UDP segment of an Ethernet frame (optional 802.1Q, IPv4 any IHL, IPv6
    without extension headers), or None."""
    if len(frame) < 14:
        return None
    et, off = struct.unpack_from("!H", frame, 12)[0], 14
    if et == ETH_P_8021Q:
        et, off = struct.unpack_from("!H", frame, 16)[0], 18
    if et == ETH_P_IP and len(frame) >= off + 20:
        ihl = (frame[off] & 0xF) * 4
        proto = frame[off + 9]
        frag = struct.unpack_from("!H", frame, off + 6)[0] & 0x3FFF
        end = off + struct.unpack_from("!H", frame, off + 2)[0]
        if proto in (PROTO_TCP, PROTO_UDP) and not frag:
            return L4(proto, off, off + ihl, end, False)
    elif et == ETH_P_IPV6 and len(frame) >= off + 40:
        proto = frame[off + 6]
        end = off + 40 + struct.unpack_from("!H", frame, off + 4)[0]
        if proto in (PROTO_TCP, PROTO_UDP):
            return L4(proto, off, off + 40, end, True)
    return None


def l4_check(frame: bytes) -> tuple[bool, str]:
    """scapy's verdict on the inner TCP/UDP checksum: (ok, description). Frames without
    TCP/UDP are (True, 'no l4')."""
    l4 = find_l4(frame)
    if l4 is None:
        return True, "no l4"
    seg = bytearray(frame[l4.l4_off:l4.l4_end])
    got = struct.unpack_from("!H", seg, l4.csum_offset)[0]
    seg[l4.csum_offset:l4.csum_offset + 2] = b"\0\0"
    ip = Ether(frame)[IPv6] if l4.v6 else Ether(frame)[IP]
    want = (in6_chksum if l4.v6 else in4_chksum)(l4.proto, ip, bytes(seg))
    if l4.proto == PROTO_UDP and want == 0:
        want = 0xFFFF
    want = mutate_once(want)
    name = "TCP" if l4.proto == PROTO_TCP else "UDP"
    return got == want, f"{name} checksum {got:#06x}, scapy computes {want:#06x}"


def to_partial(frame: bytes) -> tuple[bytes, L4 | None]:
    """The frame as a CHECKSUM_PARTIAL stack hands it over: the L4 checksum field holds the
    pseudo-header sum P. Returns (frame, L4) or (frame unchanged, None) for non-TCP/UDP."""
    l4 = find_l4(frame)
    if l4 is None:
        return frame, None
    b = bytearray(frame)
    ip = l4.ip_off
    if l4.v6:
        src, dst = b[ip + 8:ip + 24], b[ip + 24:ip + 40]
    else:
        src, dst = b[ip + 12:ip + 16], b[ip + 16:ip + 20]
    p = pseudo_sum(bytes(src), bytes(dst), l4.proto, l4.l4_end - l4.l4_off)
    struct.pack_into("!H", b, l4.field, p)
    return bytes(b), l4


def complete_partial(frame: bytes, csum_start: int, csum_offset: int) -> bytes:
    """What a CHECKSUM_PARTIAL receiver (or skb_checksum_help) does: checksum from csum_start
    to the end of the frame, field included (it holds P), complemented into start+offset."""
    b = bytearray(frame)
    c = (~sum16(bytes(b[csum_start:]))) & 0xFFFF
    struct.pack_into("!H", b, csum_start + csum_offset, c)
    return bytes(b)


def random_inner(rng: random.Random, v6: bool | None = None, proto: int | None = None,
                 vlan: bool = False, size: int | None = None) -> bytes:
    """A random inner Ethernet frame with a correct TCP or UDP checksum (scapy)."""
    v6 = rng.random() < 0.5 if v6 is None else v6
    proto = rng.choice([PROTO_TCP, PROTO_UDP]) if proto is None else proto
    n = rng.choice([0, 1, 2, 7, 18, 64, 200, 513, 1000, 1400]) if size is None else size
    payload = bytes(rng.getrandbits(8) for _ in range(n))
    eth = Ether(src="02:00:00:00:2a:01", dst="02:00:00:00:2a:02")
    if vlan:
        eth = eth / Dot1Q(vlan=100)
    ip = (IPv6(src="2001:db8:42::1", dst="2001:db8:42::2", hlim=64) if v6
          else IP(src="198.51.100.1", dst="198.51.100.2", ttl=64, id=rng.getrandbits(16),
                  flags="DF"))
    if proto == PROTO_TCP:
        l4 = TCP(sport=rng.randrange(1024, 65536), dport=5000, seq=rng.getrandbits(32),
                 ack=rng.getrandbits(32), flags="PA", window=502,
                 options=[("NOP", None), ("NOP", None), ("Timestamp", (rng.getrandbits(32), rng.getrandbits(32)))])
    else:
        l4 = UDP(sport=rng.randrange(1024, 65536), dport=5000)
    return bytes(eth / ip / l4 / payload)


def icmp_inner(rng: random.Random) -> bytes:
    return bytes(Ether(src="02:00:00:00:2a:01", dst="02:00:00:00:2a:02")
                 / IP(src="198.51.100.1", dst="198.51.100.2") / ICMP(id=7, seq=rng.getrandbits(16))
                 / bytes(rng.getrandbits(8) for _ in range(56)))


# ---------------------------------------------------------------------------------------
# Outer VXLAN frames (what RX gets from the wire)

OUTER4 = ("192.0.2.1", "192.0.2.2")
OUTER6 = ("2001:db8::1", "2001:db8::2")


def rco_byte(l4: L4) -> int:
    assert l4.l4_off % 2 == 0 and l4.l4_off <= 254
    return (l4.l4_off >> 1) | (0x80 if l4.proto == PROTO_UDP else 0)


def vxlan_frame(inner: bytes, vni: int = 42, outer_v6: bool = False, rco: bool = True,
                sport: int = 50000, dport: int = VXLAN_PORT, flags: int | None = None,
                bad_udp_csum: bool = False, bad_ip_csum: bool = False,
                rco_low: int | None = None) -> bytes:
    """An outer Ethernet/IPv4|IPv6/UDP/VXLAN frame around `inner`. With `rco` the inner
    TCP/UDP checksum field is replaced by P and the RCO fields are set, as a Linux
    `remcsumtx` sender does."""
    low = 0
    fl = F_I if flags is None else flags
    if rco:
        inner, l4 = to_partial(inner)
        assert l4 is not None, "RCO needs an inner TCP/UDP frame"
        fl |= F_C
        low = rco_byte(l4)
    if rco_low is not None:
        low = rco_low
    vx = struct.pack("!II", fl, (vni << 8) | low)
    eth = Ether(src="02:00:00:00:0a:01", dst="02:00:00:00:0b:01")
    ip = IPv6(src=OUTER6[0], dst=OUTER6[1], hlim=64) if outer_v6 else IP(src=OUTER4[0], dst=OUTER4[1], ttl=64, flags="DF")
    pkt = eth / ip / UDP(sport=sport, dport=dport) / (vx + inner)
    raw = bytearray(bytes(pkt))
    if bad_udp_csum:
        off = 14 + (40 if outer_v6 else 20) + 6
        c = struct.unpack_from("!H", raw, off)[0]
        struct.pack_into("!H", raw, off, (c ^ 0x0100) or 0x0100)
    if bad_ip_csum:
        assert not outer_v6
        c = struct.unpack_from("!H", raw, 24)[0]
        struct.pack_into("!H", raw, 24, c ^ 0x0001)
    return bytes(raw)


# ---------------------------------------------------------------------------------------
# TX: checking an encapsulated frame


@dataclass
class TxDesc:
    """The fields of the tx_desc_* port bundle (MACs and addresses as bytes, wire order)."""
    partial: int = 0
    csum_start: int = 0
    csum_offset: int = 0
    vni: int = 42
    dst_mac: bytes = bytes.fromhex("02000000000b")
    src_mac: bytes = bytes.fromhex("02000000000a")
    vlan: int = 0
    vlan_tci: int = 0
    ipv6: int = 0
    src_ip: bytes = bytes([192, 0, 2, 1])
    dst_ip: bytes = bytes([192, 0, 2, 2])
    udp_sport: int = 49152
    udp_dport: int = VXLAN_PORT
    ttl: int = 64
    ip_id: int = 0
    flow_label: int = 0
    rco: int = 1
    udp_csum: int = 1

    def port_values(self) -> dict[str, int]:
        """Values for the tx_desc_<field> ports: byte strings in lane order (wire byte 0 in
        bits 7:0), numbers as they are."""
        v = {}
        for k, x in self.__dict__.items():
            v[k] = int.from_bytes(x, "little") if isinstance(x, bytes) else int(x)
        return v


def tx_case(rng: random.Random, outer_v6: bool, rco: bool = True, kind: str = "l4") -> tuple[bytes, TxDesc]:
    """A host frame and its descriptor. kind 'l4': CHECKSUM_PARTIAL TCP/UDP (field = P);
    'icmp': a complete frame (no offload)."""
    d = TxDesc(vni=rng.randrange(1, 1 << 24), udp_sport=rng.randrange(32768, 61000),
               ip_id=rng.getrandbits(16), rco=int(rco), ipv6=int(outer_v6),
               vlan=int(rng.random() < 0.2), vlan_tci=rng.randrange(1, 4095),
               flow_label=rng.getrandbits(20) if outer_v6 else 0)
    if outer_v6:
        d.src_ip, d.dst_ip = bytes.fromhex("20010db8" + "00" * 11 + "01"), bytes.fromhex("20010db8" + "00" * 11 + "02")
    if kind == "icmp":
        return icmp_inner(rng), d
    frame, l4 = to_partial(random_inner(rng, vlan=rng.random() < 0.2))
    d.partial, d.csum_start, d.csum_offset = 1, l4.l4_off, l4.csum_offset
    return frame, d


def check_tx_frame(out: bytes, host: bytes, d: TxDesc, rco_expected: bool, errors: list[str], tag: str) -> bytes:
    """Check one TX output frame against its host frame and descriptor; returns the inner frame."""
    def err(msg):
        errors.append(f"{tag}: {msg}")

    off = 12
    et = struct.unpack_from("!H", out, off)[0]
    if out[0:6] != d.dst_mac or out[6:12] != d.src_mac:
        err("outer MACs")
    if d.vlan:
        if et != ETH_P_8021Q or struct.unpack_from("!H", out, 14)[0] != d.vlan_tci:
            err(f"outer VLAN: ethertype {et:#x}")
        off += 4
        et = struct.unpack_from("!H", out, off)[0]
    l3 = off + 2
    p = Ether(out)
    if d.ipv6:
        if et != ETH_P_IPV6:
            return err(f"outer ethertype {et:#x}, expected IPv6") or b""
        ip = p[IPv6]
        if ip.nh != PROTO_UDP or ip.hlim != d.ttl or ip.fl != d.flow_label:
            err(f"outer IPv6 fields nh={ip.nh} hlim={ip.hlim} fl={ip.fl:#x}")
        udp_off = l3 + 40
        udp_end = udp_off + ip.plen
    else:
        if et != ETH_P_IP:
            return err(f"outer ethertype {et:#x}, expected IPv4") or b""
        ip = p[IP]
        hdr = out[l3:l3 + 20]
        if checksum(hdr) != 0:
            err(f"outer IPv4 header checksum {ip.chksum:#06x} wrong (scapy checksum over the header = {checksum(hdr):#06x})")
        if ip.proto != PROTO_UDP or ip.ttl != d.ttl or ip.id != d.ip_id:
            err(f"outer IPv4 fields proto={ip.proto} ttl={ip.ttl} id={ip.id}")
        udp_off = l3 + 20
        udp_end = l3 + ip.len
    src = bytes(d.src_ip[:16 if d.ipv6 else 4])
    dst = bytes(d.dst_ip[:16 if d.ipv6 else 4])
    if bytes(out[l3 + (8 if d.ipv6 else 12):l3 + (24 if d.ipv6 else 16)]) != src or \
            bytes(out[l3 + (24 if d.ipv6 else 16):l3 + (40 if d.ipv6 else 20)]) != dst:
        err("outer IP addresses")
    udp = bytearray(out[udp_off:udp_end])
    sport, dport, ulen, ucs = struct.unpack_from("!HHHH", udp, 0)
    if (sport, dport, ulen) != (d.udp_sport, d.udp_dport, len(udp)):
        err(f"outer UDP sport/dport/len {sport}/{dport}/{ulen}")
    if d.udp_csum:
        udp[6:8] = b"\0\0"
        want = (in6_chksum if d.ipv6 else in4_chksum)(PROTO_UDP, ip, bytes(udp))
        want = want or 0xFFFF
        if ucs != want:
            err(f"outer UDP checksum {ucs:#06x}, scapy computes {want:#06x}")
    elif ucs != 0:
        err(f"outer UDP checksum {ucs:#06x} with udp_csum off")
    fl, vw = struct.unpack_from("!II", out, udp_off + 8)
    inner = bytes(out[udp_off + 16:udp_end])
    if vw >> 8 != d.vni:
        err(f"VNI {vw >> 8} != {d.vni}")
    if rco_expected:
        want_low = (d.csum_start >> 1) | (0x80 if d.csum_offset == 6 else 0)
        if fl != F_I | F_C or vw & 0xFF != want_low:
            err(f"RCO fields: flags {fl:#010x} low byte {vw & 0xFF:#04x}, expected {F_I | F_C:#010x} / {want_low:#04x}")
        if inner != host:
            err("inner frame differs from the host frame (RCO leaves the field holding P)")
    else:
        if fl != F_I or vw & 0xFF:
            err(f"VXLAN flags {fl:#010x} low byte {vw & 0xFF:#04x} without RCO")
        if d.partial:
            ok, why = l4_check(inner)
            if not ok:
                err(f"inner checksum not completed: {why}")
            if inner != complete_partial(host, d.csum_start, d.csum_offset)[:len(inner)]:
                err("inner frame differs from the host frame with its checksum completed")
        elif inner != host:
            err("inner frame differs from the host frame")
    return inner


# ---------------------------------------------------------------------------------------
# Kernel captures


def kernel_pcap(root: str, name: str) -> list[bytes]:
    return [bytes(p) for p in rdpcap(os.path.join(root, "golden/vectors/kernel", name))]
