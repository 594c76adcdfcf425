//! Deterministic vector generator: host frames as a Linux stack hands them to a NIC,
//! TX descriptors, the golden TX output, and RX cases (good frames and one malformation
//! each) with the golden RX verdict. Written as JSON lines under `golden/vectors/`.

use crate::csum::{csum_fold, csum_partial, ip_fast_csum, put_sum16, CSUM_MANGLED_0};
use crate::rng::SplitMix64;
use crate::rx::rx_decap;
use crate::tx::{host_checksum_partial, outer_header_len, tx_encap};
use crate::types::{DropReason, RxConfig, RxMeta, TxDescriptor, TxError, DEFAULT_MAX_FRAME};
use crate::vxlan::VXLAN_HF_RCO;
use crate::wire::{
    parse_layers, IpAddrs, ETH_P_8021Q, ETH_P_ARP, ETH_P_IP, ETH_P_IPV6, IPPROTO_DSTOPTS, IPPROTO_TCP,
    IPPROTO_UDP, UDP_HLEN,
};
use serde::{Deserialize, Serialize};

/// One TX case: host frame (field holding P when partial) + descriptor -> outer frame.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxVector {
    #[serde(with = "crate::hex::serde")]
    pub inner: Vec<u8>,
    pub desc: TxDescriptor,
    pub expect: Result<HexFrame, TxError>,
}

/// One RX case: outer frame + receiver config -> inner frame + metadata, or a drop.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RxVector {
    /// Which malformation (or "good") produced the frame.
    pub case: String,
    #[serde(with = "crate::hex::serde")]
    pub frame: Vec<u8>,
    pub config: RxConfig,
    pub expect: Result<(HexFrame, RxMeta), DropReason>,
}

/// A frame serialised as a hex string.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct HexFrame(#[serde(with = "crate::hex::serde")] pub Vec<u8>);

fn mac(rng: &mut SplitMix64) -> [u8; 6] {
    let mut m = [0u8; 6];
    rng.fill(&mut m);
    m[0] = (m[0] & 0xFE) | 0x02; // unicast, locally administered
    m
}

fn ip_addrs(rng: &mut SplitMix64, v6: bool) -> IpAddrs {
    if v6 {
        let (mut src, mut dst) = ([0u8; 16], [0u8; 16]);
        rng.fill(&mut src);
        rng.fill(&mut dst);
        IpAddrs::Ipv6 { src, dst }
    } else {
        let (mut src, mut dst) = ([0u8; 4], [0u8; 4]);
        rng.fill(&mut src);
        rng.fill(&mut dst);
        IpAddrs::Ipv4 { src, dst }
    }
}

/// A random inner Ethernet frame as a host stack builds it: TCP or UDP over IPv4 (with
/// or without options) or IPv6 (sometimes with an extension header, rarely one large
/// enough to push csum_start past 254), optionally VLAN tagged, or now and then ARP.
/// TCP/UDP frames come back CHECKSUM_PARTIAL (field = P) with their (start, offset).
pub fn gen_host_frame(rng: &mut SplitMix64, max_payload: usize) -> (Vec<u8>, Option<(u16, u16)>) {
    let mut f = Vec::new();
    f.extend_from_slice(&mac(rng));
    f.extend_from_slice(&mac(rng));
    if rng.chance(0.2) {
        f.extend_from_slice(&ETH_P_8021Q.to_be_bytes());
        f.extend_from_slice(&(rng.range(1, 4094) as u16).to_be_bytes());
    }
    if rng.chance(0.05) {
        f.extend_from_slice(&ETH_P_ARP.to_be_bytes());
        f.extend_from_slice(&rng.bytes(28));
        return (f, None);
    }
    let v6 = rng.chance(0.4);
    let proto = if rng.chance(0.5) { IPPROTO_TCP } else { IPPROTO_UDP };
    let payload_len = rng.range(0, max_payload as u64) as usize;
    let payload = rng.bytes(payload_len);
    let mut l4 = Vec::new();
    l4.extend_from_slice(&(rng.range(1024, 65535) as u16).to_be_bytes());
    l4.extend_from_slice(&(rng.range(1, 65535) as u16).to_be_bytes());
    if proto == IPPROTO_TCP {
        let doff = rng.range(5, 8) as usize;
        l4.extend_from_slice(&rng.bytes(8)); // seq, ack
        l4.push((doff as u8) << 4);
        l4.push(0x18); // PSH|ACK
        l4.extend_from_slice(&rng.bytes(2)); // window
        l4.extend_from_slice(&[0, 0, 0, 0]); // check, urg
        l4.extend_from_slice(&vec![1u8; (doff - 5) * 4]); // NOP options
    } else {
        l4.extend_from_slice(&((UDP_HLEN + payload.len()) as u16).to_be_bytes());
        l4.extend_from_slice(&[0, 0]);
    }
    l4.extend_from_slice(&payload);
    let addrs = ip_addrs(rng, v6);
    match addrs {
        IpAddrs::Ipv4 { src, dst } => {
            f.extend_from_slice(&ETH_P_IP.to_be_bytes());
            let opt_words = if rng.chance(0.2) { rng.range(1, 10) as usize } else { 0 };
            let hl = 20 + opt_words * 4;
            let mut ip = vec![0u8; hl];
            ip[0] = 0x40 | (hl / 4) as u8;
            ip[2..4].copy_from_slice(&((hl + l4.len()) as u16).to_be_bytes());
            ip[4..6].copy_from_slice(&(rng.next_u64() as u16).to_be_bytes());
            ip[6] = 0x40; // DF
            ip[8] = 64;
            ip[9] = proto;
            ip[12..16].copy_from_slice(&src);
            ip[16..20].copy_from_slice(&dst);
            for b in &mut ip[20..] {
                *b = 1; // NOP options
            }
            let c = ip_fast_csum(&ip);
            put_sum16(&mut ip, 10, c);
            f.extend_from_slice(&ip);
        }
        IpAddrs::Ipv6 { src, dst } => {
            f.extend_from_slice(&ETH_P_IPV6.to_be_bytes());
            let ext = if rng.chance(0.15) {
                let words = if rng.chance(0.3) { rng.range(25, 40) } else { rng.range(0, 3) } as usize;
                let mut e = vec![0u8; (words + 1) * 8];
                e[0] = proto;
                e[1] = words as u8;
                e[2] = 1; // PadN option covering the rest
                e[3] = (e.len() - 4) as u8;
                e
            } else {
                Vec::new()
            };
            f.extend_from_slice(&0x6000_0000u32.to_be_bytes());
            f.extend_from_slice(&((ext.len() + l4.len()) as u16).to_be_bytes());
            f.push(if ext.is_empty() { proto } else { IPPROTO_DSTOPTS });
            f.push(64);
            f.extend_from_slice(&src);
            f.extend_from_slice(&dst);
            f.extend_from_slice(&ext);
        }
    }
    f.extend_from_slice(&l4);
    let partial = host_checksum_partial(&mut f);
    (f, partial)
}

/// A random descriptor for a host frame whose partial checksum is at `partial`.
pub fn gen_descriptor(rng: &mut SplitMix64, partial: Option<(u16, u16)>) -> TxDescriptor {
    let (csum_start, csum_offset) = partial.unwrap_or((0, 0));
    let outer_v6 = rng.chance(0.4);
    TxDescriptor {
        partial: partial.is_some(),
        csum_start,
        csum_offset,
        vni: rng.range(0, 0xFF_FFFF) as u32,
        outer_dst_mac: mac(rng),
        outer_src_mac: mac(rng),
        outer_vlan: if rng.chance(0.2) { Some(rng.range(1, 4094) as u16) } else { None },
        outer_ip: ip_addrs(rng, outer_v6),
        udp_src_port: rng.range(32768, 60999) as u16,
        udp_dst_port: crate::vxlan::VXLAN_DEFAULT_PORT,
        ttl: rng.range(1, 255) as u8,
        ip_id: rng.next_u64() as u16,
        flow_label: rng.next_u64() as u32 & 0xF_FFFF,
        rco: rng.chance(0.9),
        udp_csum: rng.chance(0.9),
    }
}

/// Recompute the outer UDP checksum of a frame (after a deliberate malformation), so
/// the receiver gets past the checksum check to the fault under test. No-op if the
/// outer checksum is off or the frame does not parse.
pub fn refresh_outer_udp_csum(frame: &mut [u8]) {
    let Ok(l) = parse_layers(frame) else { return };
    if l.protocol != IPPROTO_UDP || l.fragment {
        return;
    }
    let u = l.l4_offset;
    if frame[u + 6] == 0 && frame[u + 7] == 0 {
        return;
    }
    put_sum16(frame, u + 6, 0);
    let sum = l.addrs.pseudo_nofold(l.l4_len as u32, IPPROTO_UDP, csum_partial(&frame[u..u + l.l4_len], 0));
    let c = csum_fold(sum);
    put_sum16(frame, u + 6, if c == 0 { CSUM_MANGLED_0 } else { c });
}

/// Cut the inner frame of outer frame `f` (built from `d`) to `inner_len` bytes,
/// rewriting the IP and UDP lengths and the IPv4 header checksum to match.
fn shrink_inner(f: &mut Vec<u8>, d: &TxDescriptor, inner_len: usize) {
    let hlen = outer_header_len(d);
    f.truncate(hlen + inner_len);
    let udp = hlen - 16;
    let udp_len = (16 + inner_len) as u16;
    f[udp + 4..udp + 6].copy_from_slice(&udp_len.to_be_bytes());
    match d.outer_ip {
        IpAddrs::Ipv4 { .. } => {
            let ip = udp - 20;
            f[ip + 2..ip + 4].copy_from_slice(&(udp_len + 20).to_be_bytes());
            put_sum16(f, ip + 10, 0);
            let c = ip_fast_csum(&f[ip..udp]);
            put_sum16(f, ip + 10, c);
        }
        IpAddrs::Ipv6 { .. } => {
            let ip = udp - 40;
            f[ip + 4..ip + 6].copy_from_slice(&udp_len.to_be_bytes());
        }
    }
}

/// The malformation classes the RX generator applies to a good outer frame.
pub const RX_CASES: [&str; 12] = [
    "good",
    "good_partial_mode",
    "payload_bit_flip",
    "ip_header_csum",
    "truncated",
    "no_i_flag",
    "reserved_flag",
    "rco_not_enabled",
    "rco_past_end",
    "zero_udp_csum",
    "wrong_port",
    "too_long",
];

/// Apply malformation `case` to the outer frame `f` (built from descriptor `d`).
pub fn malform(rng: &mut SplitMix64, case: &str, f: &mut Vec<u8>, d: &TxDescriptor, cfg: &mut RxConfig) {
    let vx = outer_header_len(d) - 8; // VXLAN header offset
    let udp = vx - 8;
    match case {
        "good" => {}
        "good_partial_mode" => cfg.nopartial = false,
        "payload_bit_flip" => {
            let i = rng.range(udp as u64, f.len() as u64 - 1) as usize;
            f[i] ^= 1 << rng.range(0, 7);
        }
        "ip_header_csum" => {
            if matches!(d.outer_ip, IpAddrs::Ipv4 { .. }) {
                f[udp - 20 + 8] ^= 0x01; // TTL
            } else {
                f[udp - 40] = 0x70 | (f[udp - 40] & 0x0F); // IPv6 has no header checksum: bad version
            }
        }
        "truncated" => {
            let n = rng.range(0, f.len() as u64 - 1) as usize;
            f.truncate(n);
        }
        "no_i_flag" => {
            f[vx] &= !0x08;
            refresh_outer_udp_csum(f);
        }
        "reserved_flag" => {
            let bit = [0u32, 1, 2, 24, 30, 31][rng.range(0, 5) as usize];
            let flags = u32::from_be_bytes(f[vx..vx + 4].try_into().unwrap()) | (1 << bit);
            f[vx..vx + 4].copy_from_slice(&flags.to_be_bytes());
            refresh_outer_udp_csum(f);
        }
        "rco_not_enabled" => cfg.remcsum_rx = false,
        "rco_past_end" => {
            // Largest start with the TCP selector needs 272 inner bytes; cut the inner
            // frame (consistently, lengths and checksums redone) to fewer than that.
            let inner_len = rng.range(14, 271).min((f.len() - vx - 8) as u64) as usize;
            shrink_inner(f, d, inner_len);
            let flags = u32::from_be_bytes(f[vx..vx + 4].try_into().unwrap()) | VXLAN_HF_RCO;
            f[vx..vx + 4].copy_from_slice(&flags.to_be_bytes());
            f[vx + 7] = 0x7F;
            refresh_outer_udp_csum(f);
        }
        "zero_udp_csum" => {
            f[udp + 6] = 0;
            f[udp + 7] = 0;
            cfg.udp_zero_csum6_rx = rng.chance(0.5);
        }
        "wrong_port" => cfg.port = 4790,
        "too_long" => cfg.max_frame = rng.range(64, f.len() as u64) as usize - 1,
        _ => unreachable!("unknown RX case {case}"),
    }
}

/// Smallest fixed-size host frame: the Ethernet minimum without FCS (a TCP/IPv4 frame's
/// headers, 54 bytes, fit in it).
pub const SIZED_MIN_FRAME: usize = 60;

/// The IMIX mix of inner frame sizes, in the order a run repeats them: the classic 7:4:1
/// of IP datagrams of 40 (padded to the 60-byte Ethernet minimum), 576 and 1500 bytes,
/// spread so the short frames do not come in one burst.
pub const IMIX: [usize; 12] = [60, 590, 60, 1514, 60, 590, 60, 60, 590, 60, 590, 60];

/// A host frame of exactly `len` bytes for throughput runs: Ethernet / IPv4 (no options)
/// / TCP (no options) or UDP / random payload, handed over as a Linux stack does
/// (CHECKSUM_PARTIAL: the field holds P; returns (csum_start, csum_offset)). `None` when
/// `len` cannot hold the headers or an IPv4 datagram.
pub fn gen_sized_frame(rng: &mut SplitMix64, len: usize, tcp: bool) -> Option<(Vec<u8>, (u16, u16))> {
    use crate::wire::{ETH_HLEN, IPV4_MIN_HLEN, TCP_MIN_HLEN};
    let l4_hlen = if tcp { TCP_MIN_HLEN } else { UDP_HLEN };
    let ip_len = len.checked_sub(ETH_HLEN)?;
    let l4_len = ip_len.checked_sub(IPV4_MIN_HLEN + l4_hlen)? + l4_hlen;
    if ip_len > u16::MAX as usize {
        return None;
    }
    let mut f = Vec::with_capacity(len);
    f.extend_from_slice(&mac(rng));
    f.extend_from_slice(&mac(rng));
    f.extend_from_slice(&ETH_P_IP.to_be_bytes());
    let IpAddrs::Ipv4 { src, dst } = ip_addrs(rng, false) else { unreachable!() };
    let mut ip = [0u8; IPV4_MIN_HLEN];
    ip[0] = 0x45;
    ip[2..4].copy_from_slice(&(ip_len as u16).to_be_bytes());
    ip[4..6].copy_from_slice(&(rng.next_u64() as u16).to_be_bytes());
    ip[6] = 0x40; // DF
    ip[8] = 64;
    ip[9] = if tcp { IPPROTO_TCP } else { IPPROTO_UDP };
    ip[12..16].copy_from_slice(&src);
    ip[16..20].copy_from_slice(&dst);
    let c = ip_fast_csum(&ip);
    put_sum16(&mut ip, 10, c);
    f.extend_from_slice(&ip);
    f.extend_from_slice(&(rng.range(1024, 65535) as u16).to_be_bytes());
    f.extend_from_slice(&(rng.range(1, 65535) as u16).to_be_bytes());
    if tcp {
        f.extend_from_slice(&rng.bytes(8)); // seq, ack
        f.extend_from_slice(&[5 << 4, 0x18]); // data offset 5, PSH|ACK
        f.extend_from_slice(&rng.bytes(2)); // window
        f.extend_from_slice(&[0, 0, 0, 0]); // check, urg
    } else {
        f.extend_from_slice(&(l4_len as u16).to_be_bytes());
        f.extend_from_slice(&[0, 0]);
    }
    f.extend_from_slice(&rng.bytes(len - f.len()));
    let partial = host_checksum_partial(&mut f)?;
    Some((f, partial))
}

/// The descriptor of a throughput run: RCO and the outer UDP checksum on, outer IPv4 or
/// IPv6, an outer 802.1Q tag or not, random addresses and VNI.
pub fn sized_descriptor(rng: &mut SplitMix64, partial: (u16, u16), outer_v6: bool, vlan: bool) -> TxDescriptor {
    TxDescriptor {
        partial: true,
        csum_start: partial.0,
        csum_offset: partial.1,
        vni: rng.range(0, 0xFF_FFFF) as u32,
        outer_dst_mac: mac(rng),
        outer_src_mac: mac(rng),
        outer_vlan: vlan.then(|| rng.range(1, 4094) as u16),
        outer_ip: ip_addrs(rng, outer_v6),
        udp_src_port: rng.range(32768, 60999) as u16,
        udp_dst_port: crate::vxlan::VXLAN_DEFAULT_PORT,
        ttl: 64,
        ip_id: rng.next_u64() as u16,
        flow_label: rng.next_u64() as u32 & 0xF_FFFF,
        rco: true,
        udp_csum: true,
    }
}

/// Generate `count` TX vectors and `count` RX vectors from `seed`.
pub fn generate(seed: u64, count: usize) -> (Vec<TxVector>, Vec<RxVector>) {
    let mut rng = SplitMix64::new(seed);
    let (mut txv, mut rxv) = (Vec::with_capacity(count), Vec::with_capacity(count));
    for i in 0..count {
        let (inner, partial) = gen_host_frame(&mut rng, 1400);
        let desc = gen_descriptor(&mut rng, partial);
        let expect = tx_encap(&inner, &desc, DEFAULT_MAX_FRAME).map(HexFrame);
        if let Ok(HexFrame(outer)) = &expect {
            let case = RX_CASES[i % RX_CASES.len()];
            let mut frame = outer.clone();
            let mut config = RxConfig::default();
            malform(&mut rng, case, &mut frame, &desc, &mut config);
            let expect = rx_decap(&frame, &config).map(|(f, m)| (HexFrame(f), m));
            rxv.push(RxVector { case: case.to_string(), frame, config, expect });
        }
        txv.push(TxVector { inner, desc, expect });
    }
    (txv, rxv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sized_frames_have_the_length_or_none() {
        let mut rng = SplitMix64::new(1);
        // Ethernet 14 + IPv4 20 + TCP 20 | UDP 8 is the least a frame holds
        assert!(gen_sized_frame(&mut rng, 53, true).is_none());
        assert!(gen_sized_frame(&mut rng, 41, false).is_none());
        for (len, tcp) in [(54, true), (42, false), (60, true), (9000, false)] {
            let (f, (start, offset)) = gen_sized_frame(&mut rng, len, tcp).unwrap();
            assert_eq!(f.len(), len);
            assert_eq!((start, offset), (34, if tcp { 16 } else { 6 }));
        }
    }

    #[test]
    fn generator_is_deterministic_and_covers_drop_classes() {
        let (t1, r1) = generate(5, 240);
        let (t2, r2) = generate(5, 240);
        assert_eq!(t1, t2);
        assert_eq!(r1, r2);
        let mut seen = std::collections::BTreeSet::new();
        for v in &r1 {
            if let Err(r) = v.expect {
                seen.insert(r);
            }
        }
        for r in [
            DropReason::UdpCsum,
            DropReason::IpCsum,
            DropReason::Truncated,
            DropReason::VxlanFlags,
            DropReason::RcoNotEnabled,
            DropReason::NotVxlan,
            DropReason::TooLong,
            DropReason::RcoPastEnd,
            DropReason::UdpZeroCsum6,
        ] {
            assert!(seen.contains(&r), "no {r} case generated; saw {seen:?}");
        }
    }
}
