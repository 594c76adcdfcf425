//! Realistic traffic for the main job: what virtual machines on three VXLAN segments say to
//! each other, as their host's stack hands it to the NIC. ARP requests and replies, ping
//! (ICMP and ICMPv6 echo request/reply), TCP connections (handshake with options, bulk data
//! with timestamps, ACKs, FIN), UDP request/response; one segment VLAN-tagged inside the
//! overlay. Every header is one a protocol analyser accepts: lengths, sequence numbers and
//! ICMP checksums are right; TCP/UDP frames are CHECKSUM_PARTIAL (the field holds the
//! pseudo-header sum, as Linux leaves it for the NIC), with the descriptor of the tunnel.
//!
//! Several conversations run at once and their packets interleave; both directions of each
//! are generated (the reply side's frames are sent by the other tunnel endpoint), so a
//! capture reads as a whole conversation. Deterministic for a seed.

use crate::csum::{csum_fold, csum_ipv6_magic, csum_partial, ip_fast_csum, put_sum16};
use crate::rng::SplitMix64;
use crate::tx::{host_checksum_partial, udp_flow_src_port};
use crate::types::TxDescriptor;
use crate::vxlan::VXLAN_DEFAULT_PORT;
use crate::wire::{IpAddrs, ETH_P_8021Q, ETH_P_ARP, ETH_P_IP, ETH_P_IPV6, IPPROTO_TCP, IPPROTO_UDP};

const IPPROTO_ICMP: u8 = 1;
const IPPROTO_ICMPV6: u8 = 58;
/// TCP port of the bulk-transfer servers and UDP port of the request/response servers:
/// registered ports no Wireshark dissector claims, so the payload shows as data.
const TCP_SERVER_PORT: u16 = 9111;
const UDP_SERVER_PORT: u16 = 9213;

/// What a generated frame is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    Arp,
    Icmp,
    Icmpv6,
    Tcp,
    Udp,
}

impl Kind {
    pub const ALL: [Kind; 5] = [Kind::Arp, Kind::Icmp, Kind::Icmpv6, Kind::Tcp, Kind::Udp];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Arp => "arp",
            Kind::Icmp => "icmp",
            Kind::Icmpv6 => "icmpv6",
            Kind::Tcp => "tcp",
            Kind::Udp => "udp",
        }
    }
}

/// One host frame with the descriptor the driver hands the NIC.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostPacket {
    /// The frame as the stack hands it over (TCP/UDP checksum field = pseudo-header sum).
    pub frame: Vec<u8>,
    pub desc: TxDescriptor,
    pub kind: Kind,
    /// Inner 802.1Q tag present.
    pub vlan: bool,
}

/// A VXLAN segment: its VNI, the two tunnel endpoints, the two VMs on it.
struct Segment {
    vni: u32,
    /// Underlay addresses of endpoint 0 and 1.
    vtep: [IpAddrs; 2],
    vtep_mac: [[u8; 6]; 2],
    /// Inner 802.1Q VLAN the VMs use on this segment, if any.
    vlan: Option<u16>,
    vm_mac: [[u8; 6]; 2],
    vm_ip4: [[u8; 4]; 2],
    vm_ip6: [[u8; 16]; 2],
    /// The vxlan device's MTU (1500 minus the encapsulation).
    mtu: usize,
}

fn segments() -> [Segment; 3] {
    let ip6 = |prefix: u16, host: u8| {
        let mut a = [0u8; 16];
        a[..2].copy_from_slice(&0xfd00u16.to_be_bytes());
        a[2..4].copy_from_slice(&prefix.to_be_bytes());
        a[15] = host;
        a
    };
    let doc6 = |host: u8| {
        let mut a = [0u8; 16];
        a[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
        a[15] = host;
        a
    };
    let vm_mac = |seg: u8, host: u8| [0x52, 0x54, 0x00, 0x00, seg, host];
    let vtep_mac = [[0x02, 0, 0, 0, 0, 0x01], [0x02, 0, 0, 0, 0, 0x02]];
    let v4_underlay = [IpAddrs::Ipv4 { src: [192, 0, 2, 1], dst: [192, 0, 2, 2] }, IpAddrs::Ipv4 { src: [192, 0, 2, 2], dst: [192, 0, 2, 1] }];
    [
        Segment {
            vni: 42,
            vtep: v4_underlay.clone(),
            vtep_mac,
            vlan: None,
            vm_mac: [vm_mac(42, 1), vm_mac(42, 2)],
            vm_ip4: [[10, 42, 0, 1], [10, 42, 0, 2]],
            vm_ip6: [ip6(42, 1), ip6(42, 2)],
            mtu: 1450,
        },
        Segment {
            vni: 43,
            vtep: [IpAddrs::Ipv6 { src: doc6(1), dst: doc6(2) }, IpAddrs::Ipv6 { src: doc6(2), dst: doc6(1) }],
            vtep_mac,
            vlan: None,
            vm_mac: [vm_mac(43, 1), vm_mac(43, 2)],
            vm_ip4: [[10, 43, 0, 1], [10, 43, 0, 2]],
            vm_ip6: [ip6(43, 1), ip6(43, 2)],
            mtu: 1430,
        },
        Segment {
            vni: 44,
            vtep: v4_underlay,
            vtep_mac,
            vlan: Some(100),
            vm_mac: [vm_mac(44, 1), vm_mac(44, 2)],
            vm_ip4: [[10, 44, 0, 1], [10, 44, 0, 2]],
            vm_ip6: [ip6(44, 1), ip6(44, 2)],
            mtu: 1446,
        },
    ]
}

/// Frame builder for one segment, sender `from` (0 or 1).
struct Sender<'a> {
    seg: &'a Segment,
    from: usize,
}

impl Sender<'_> {
    fn to(&self) -> usize {
        1 - self.from
    }

    fn eth(&self, dst: [u8; 6], ethertype: u16) -> Vec<u8> {
        let mut f = Vec::with_capacity(1536);
        f.extend_from_slice(&dst);
        f.extend_from_slice(&self.seg.vm_mac[self.from]);
        if let Some(vid) = self.seg.vlan {
            f.extend_from_slice(&ETH_P_8021Q.to_be_bytes());
            f.extend_from_slice(&vid.to_be_bytes());
        }
        f.extend_from_slice(&ethertype.to_be_bytes());
        f
    }

    /// IPv4 packet (DF, TTL 64) around `l4`.
    fn ipv4(&self, proto: u8, id: u16, l4: &[u8]) -> Vec<u8> {
        let mut f = self.eth(self.seg.vm_mac[self.to()], ETH_P_IP);
        let mut ip = [0u8; 20];
        ip[0] = 0x45;
        ip[2..4].copy_from_slice(&((20 + l4.len()) as u16).to_be_bytes());
        ip[4..6].copy_from_slice(&id.to_be_bytes());
        ip[6] = 0x40;
        ip[8] = 64;
        ip[9] = proto;
        ip[12..16].copy_from_slice(&self.seg.vm_ip4[self.from]);
        ip[16..20].copy_from_slice(&self.seg.vm_ip4[self.to()]);
        let c = ip_fast_csum(&ip);
        put_sum16(&mut ip, 10, c);
        f.extend_from_slice(&ip);
        f.extend_from_slice(l4);
        f
    }

    /// IPv6 packet (hop limit 64) around `l4`.
    fn ipv6(&self, proto: u8, flow_label: u32, l4: &[u8]) -> Vec<u8> {
        let mut f = self.eth(self.seg.vm_mac[self.to()], ETH_P_IPV6);
        f.extend_from_slice(&(0x6000_0000 | (flow_label & 0xF_FFFF)).to_be_bytes());
        f.extend_from_slice(&(l4.len() as u16).to_be_bytes());
        f.push(proto);
        f.push(64);
        f.extend_from_slice(&self.seg.vm_ip6[self.from]);
        f.extend_from_slice(&self.seg.vm_ip6[self.to()]);
        f.extend_from_slice(l4);
        f
    }

    /// ARP request (broadcast) from this side for the other VM, or the reply to one.
    fn arp(&self, reply: bool) -> Vec<u8> {
        let (me, peer) = (self.from, self.to());
        let dst = if reply { self.seg.vm_mac[peer] } else { [0xFF; 6] };
        let mut f = self.eth(dst, ETH_P_ARP);
        f.extend_from_slice(&[0, 1, 0x08, 0x00, 6, 4, 0, if reply { 2 } else { 1 }]);
        f.extend_from_slice(&self.seg.vm_mac[me]);
        f.extend_from_slice(&self.seg.vm_ip4[me]);
        f.extend_from_slice(&if reply { self.seg.vm_mac[peer] } else { [0; 6] });
        f.extend_from_slice(&self.seg.vm_ip4[peer]);
        f
    }
}

/// ICMP (v4) / ICMPv6 echo message: `ty` type, identifier, sequence, ping's 56 data bytes
/// (a timestamp, then 0x10, 0x11, ...). The checksum is filled in by the caller.
fn echo(ty: u8, ident: u16, seq: u16, stamp: u64) -> Vec<u8> {
    let mut m = vec![ty, 0, 0, 0];
    m.extend_from_slice(&ident.to_be_bytes());
    m.extend_from_slice(&seq.to_be_bytes());
    m.extend_from_slice(&stamp.to_le_bytes());
    m.extend((0x10u8..0x10 + 48).collect::<Vec<_>>());
    m
}

/// A TCP segment. `opts` must be a multiple of 4 bytes; the checksum is left zero.
fn tcp(sport: u16, dport: u16, seq: u32, ack: u32, flags: u8, opts: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut t = Vec::with_capacity(20 + opts.len() + payload.len());
    t.extend_from_slice(&sport.to_be_bytes());
    t.extend_from_slice(&dport.to_be_bytes());
    t.extend_from_slice(&seq.to_be_bytes());
    t.extend_from_slice(&ack.to_be_bytes());
    t.push((((20 + opts.len()) / 4) as u8) << 4);
    t.push(flags);
    t.extend_from_slice(&502u16.to_be_bytes()); // window (scaled)
    t.extend_from_slice(&[0, 0, 0, 0]); // checksum, urgent pointer
    t.extend_from_slice(opts);
    t.extend_from_slice(payload);
    t
}

const FIN: u8 = 0x01;
const SYN: u8 = 0x02;
const PSH: u8 = 0x08;
const ACK: u8 = 0x10;

/// SYN options as Linux sends them: MSS, SACK permitted, timestamps, NOP, window scale 7.
fn syn_options(mss: u16, tsval: u32, tsecr: u32) -> Vec<u8> {
    let mut o = vec![2, 4];
    o.extend_from_slice(&mss.to_be_bytes());
    o.extend_from_slice(&[4, 2, 8, 10]);
    o.extend_from_slice(&tsval.to_be_bytes());
    o.extend_from_slice(&tsecr.to_be_bytes());
    o.extend_from_slice(&[1, 3, 3, 7]);
    o
}

/// NOP, NOP, timestamps: the options of every later segment.
fn ts_options(tsval: u32, tsecr: u32) -> Vec<u8> {
    let mut o = vec![1, 1, 8, 10];
    o.extend_from_slice(&tsval.to_be_bytes());
    o.extend_from_slice(&tsecr.to_be_bytes());
    o
}

/// A frame waiting in a conversation: sender side, kind, bytes (no descriptor yet).
struct Pending {
    from: usize,
    kind: Kind,
    frame: Vec<u8>,
}

/// State shared by every conversation: per-side IPv4 ids, clock, port allocator.
struct Ctx {
    rng: SplitMix64,
    ip_id: [[u16; 2]; 3],
    /// Milliseconds, for TCP timestamps and ping data.
    clock: u64,
    next_port: u16,
    next_ident: u16,
}

impl Ctx {
    fn id(&mut self, seg: usize, from: usize) -> u16 {
        self.ip_id[seg][from] = self.ip_id[seg][from].wrapping_add(1);
        self.ip_id[seg][from]
    }

    fn port(&mut self) -> u16 {
        self.next_port = if self.next_port >= 60999 { 32768 } else { self.next_port + 1 };
        self.next_port
    }
}

/// Fill in the ICMP / ICMPv6 checksum of a finished echo frame (IP header at `l3`).
fn finish_icmp(f: &mut [u8], l3: usize, v6: bool) {
    let l4 = l3 + if v6 { 40 } else { 20 };
    let sum = csum_partial(&f[l4..], 0);
    let c = if v6 {
        let addr = |o: usize| -> [u8; 16] { f[l3 + o..l3 + o + 16].try_into().expect("16 bytes") };
        csum_ipv6_magic(&addr(8), &addr(24), (f.len() - l4) as u32, IPPROTO_ICMPV6, sum)
    } else {
        csum_fold(sum)
    };
    put_sum16(f, l4 + 2, c);
}

/// The frames of one conversation on segment `s`, in order.
fn conversation(ctx: &mut Ctx, segs: &[Segment; 3], s: usize) -> Vec<Pending> {
    let seg = &segs[s];
    let client = ctx.rng.range(0, 1) as usize;
    let c = Sender { seg, from: client };
    let sv = Sender { seg, from: 1 - client };
    let l3 = if seg.vlan.is_some() { 18 } else { 14 };
    let mut out = Vec::new();
    let pick = ctx.rng.range(0, 99);
    if pick < 20 {
        out.push(Pending { from: c.from, kind: Kind::Arp, frame: c.arp(false) });
        out.push(Pending { from: sv.from, kind: Kind::Arp, frame: sv.arp(true) });
    } else if pick < 45 {
        // ping: 1-3 echo requests, each answered
        let v6 = pick >= 32;
        let ident = ctx.next_ident;
        ctx.next_ident = ctx.next_ident.wrapping_add(1);
        for seq in 1..=ctx.rng.range(1, 3) as u16 {
            ctx.clock += 1000;
            for (side, ty) in [(&c, if v6 { 128 } else { 8 }), (&sv, if v6 { 129 } else { 0 })] {
                let m = echo(ty, ident, seq, ctx.clock);
                let mut f = if v6 {
                    side.ipv6(IPPROTO_ICMPV6, 0, &m)
                } else {
                    let id = ctx.id(s, side.from);
                    side.ipv4(IPPROTO_ICMP, id, &m)
                };
                finish_icmp(&mut f, l3, v6);
                out.push(Pending { from: side.from, kind: if v6 { Kind::Icmpv6 } else { Kind::Icmp }, frame: f });
            }
        }
    } else if pick < 70 {
        tcp_conversation(ctx, seg, s, &c, &sv, &mut out);
    } else {
        // UDP request/response exchanges on one socket pair
        let v6 = ctx.rng.chance(0.4);
        let sport = ctx.port();
        let label = ctx.rng.next_u64() as u32 & 0xF_FFFF;
        let max = seg.mtu - if v6 { 48 } else { 28 };
        for _ in 0..ctx.rng.range(1, 3) {
            for (side, sp, dp, len) in [
                (&c, sport, UDP_SERVER_PORT, ctx.rng.range(16, 200) as usize),
                (&sv, UDP_SERVER_PORT, sport, ctx.rng.range(0, max as u64) as usize),
            ] {
                let mut u = Vec::with_capacity(8 + len);
                u.extend_from_slice(&sp.to_be_bytes());
                u.extend_from_slice(&dp.to_be_bytes());
                u.extend_from_slice(&((8 + len) as u16).to_be_bytes());
                u.extend_from_slice(&[0, 0]);
                u.extend_from_slice(&ctx.rng.bytes(len));
                let f = if v6 { side.ipv6(IPPROTO_UDP, label, &u) } else { side.ipv4(IPPROTO_UDP, ctx.id(s, side.from), &u) };
                out.push(Pending { from: side.from, kind: Kind::Udp, frame: f });
            }
        }
    }
    out
}

/// One TCP connection: handshake, the client sends a few segments of bulk data (the
/// server acknowledging every second one), then both close.
fn tcp_conversation(ctx: &mut Ctx, seg: &Segment, s: usize, c: &Sender, sv: &Sender, out: &mut Vec<Pending>) {
    let v6 = ctx.rng.chance(0.4);
    let mss = (seg.mtu - if v6 { 60 } else { 40 }) as u16;
    let (cp, spt) = (ctx.port(), TCP_SERVER_PORT);
    let (mut cseq, mut sseq) = (ctx.rng.next_u64() as u32, ctx.rng.next_u64() as u32);
    let (label_c, label_s) = (ctx.rng.next_u64() as u32, ctx.rng.next_u64() as u32);
    let (mut ts_c, mut ts_s) = (ctx.rng.next_u64() as u32, ctx.rng.next_u64() as u32);
    let mut push = |ctx: &mut Ctx, client: bool, seg_bytes: Vec<u8>| {
        let side = if client { c } else { sv };
        let f = if v6 {
            side.ipv6(IPPROTO_TCP, if client { label_c } else { label_s }, &seg_bytes)
        } else {
            side.ipv4(IPPROTO_TCP, ctx.id(s, side.from), &seg_bytes)
        };
        out.push(Pending { from: side.from, kind: Kind::Tcp, frame: f });
    };
    push(ctx, true, tcp(cp, spt, cseq, 0, SYN, &syn_options(mss, ts_c, 0), &[]));
    cseq = cseq.wrapping_add(1);
    push(ctx, false, tcp(spt, cp, sseq, cseq, SYN | ACK, &syn_options(mss, ts_s, ts_c), &[]));
    sseq = sseq.wrapping_add(1);
    ts_c = ts_c.wrapping_add(1);
    push(ctx, true, tcp(cp, spt, cseq, sseq, ACK, &ts_options(ts_c, ts_s), &[]));
    let full = mss as usize - 12;
    let segments = ctx.rng.range(1, 6);
    for i in 0..segments {
        let len = if i + 1 == segments { ctx.rng.range(1, full as u64) as usize } else { full };
        let data = ctx.rng.bytes(len);
        ts_c = ts_c.wrapping_add(ctx.rng.range(0, 1) as u32);
        push(ctx, true, tcp(cp, spt, cseq, sseq, PSH | ACK, &ts_options(ts_c, ts_s), &data));
        cseq = cseq.wrapping_add(len as u32);
        if i % 2 == 1 || i + 1 == segments {
            ts_s = ts_s.wrapping_add(1);
            push(ctx, false, tcp(spt, cp, sseq, cseq, ACK, &ts_options(ts_s, ts_c), &[]));
        }
    }
    ts_c = ts_c.wrapping_add(1);
    push(ctx, true, tcp(cp, spt, cseq, sseq, FIN | ACK, &ts_options(ts_c, ts_s), &[]));
    cseq = cseq.wrapping_add(1);
    ts_s = ts_s.wrapping_add(1);
    push(ctx, false, tcp(spt, cp, sseq, cseq, FIN | ACK, &ts_options(ts_s, ts_c), &[]));
    sseq = sseq.wrapping_add(1);
    push(ctx, true, tcp(cp, spt, cseq, sseq, ACK, &ts_options(ts_c.wrapping_add(1), ts_s), &[]));
}

/// Up to this many conversations interleave.
const CONCURRENT: usize = 4;

/// `n` host packets from `seed`: conversations on the three segments (half the traffic on
/// VNI 42 over an IPv4 underlay, a third on VNI 43 over IPv6, the rest on VNI 44 with
/// inner VLAN 100), interleaved. The last conversations are cut off at `n`.
pub fn generate(seed: u64, n: usize) -> Vec<HostPacket> {
    let segs = segments();
    let mut ctx = Ctx { rng: SplitMix64::new(seed), ip_id: [[0; 2]; 3], clock: 0, next_port: 40000, next_ident: 1 };
    ctx.ip_id = [[ctx.rng.next_u64() as u16; 2]; 3];
    let mut active: Vec<(usize, std::collections::VecDeque<Pending>)> = Vec::new();
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        while active.len() < CONCURRENT {
            let s = match ctx.rng.range(0, 99) {
                0..=49 => 0,
                50..=84 => 1,
                _ => 2,
            };
            active.push((s, conversation(&mut ctx, &segs, s).into()));
        }
        let i = ctx.rng.range(0, active.len() as u64 - 1) as usize;
        let s = active[i].0;
        let p = active[i].1.pop_front().expect("conversations are never empty");
        if active[i].1.is_empty() {
            active.swap_remove(i);
        }
        let index = out.len();
        out.push(host_packet(&segs[s], p, index));
    }
    out
}

/// The CHECKSUM_PARTIAL preparation and the descriptor for one frame.
fn host_packet(seg: &Segment, p: Pending, index: usize) -> HostPacket {
    let mut frame = p.frame;
    let partial = host_checksum_partial(&mut frame);
    let (csum_start, csum_offset) = partial.unwrap_or((0, 0));
    let desc = TxDescriptor {
        partial: partial.is_some(),
        csum_start,
        csum_offset,
        vni: seg.vni,
        outer_src_mac: seg.vtep_mac[p.from],
        outer_dst_mac: seg.vtep_mac[1 - p.from],
        outer_vlan: None,
        outer_ip: seg.vtep[p.from].clone(),
        udp_src_port: udp_flow_src_port(&frame),
        udp_dst_port: VXLAN_DEFAULT_PORT,
        ttl: 64,
        ip_id: index as u16,
        flow_label: 0,
        rco: true,
        udp_csum: true,
    };
    HostPacket { frame, desc, kind: p.kind, vlan: seg.vlan.is_some() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_covers_every_kind() {
        let a = generate(3, 400);
        assert_eq!(a, generate(3, 400));
        assert_ne!(a, generate(4, 400));
        assert_eq!(a.len(), 400);
        for k in Kind::ALL {
            assert!(a.iter().any(|p| p.kind == k), "no {k:?}");
        }
        assert!(a.iter().any(|p| p.vlan));
        assert!(a.iter().any(|p| matches!(p.desc.outer_ip, IpAddrs::Ipv6 { .. })));
    }
}
