//! Malformed-input corpus through the RX hardware (`rco_sim::rx_model`, cycle by cycle)
//! and golden `rx_decap`: every case gives the same verdict (same drop reason, or the
//! identical inner frame + metadata), the per-reason counters count it, and the good
//! frame sent right after every bad one still comes out right.
//!
//! Frames are golden `tx_encap` output mutated with explicit byte edits; checksums are
//! recomputed where the case must get past them. Each case also states the verdict the
//! spec (Linux, spec/rco.md) gives, and the test checks golden against it.
//!
//! `tkeep` holes (outside golden's model) are driven through `rx_model::run_raw_beats`:
//! every one is a `bad_keep` drop, and the good frame after it comes out as golden says.

use rco_golden::csum::{csum_ipv6_magic, csum_partial, csum_tcpudp_magic, ip_fast_csum, put_sum16};
use rco_golden::rng::SplitMix64;
use rco_golden::rx::rx_decap;
use rco_golden::tx::tx_encap;
use rco_golden::types::{DropReason, RxConfig, TxDescriptor, DEFAULT_MAX_FRAME};
use rco_golden::vectors::gen_host_frame;
use rco_golden::wire::IpAddrs;
use rco_hdl::stream::{packet_beats, Beat};
use rco_sim::rx_model::run_raw_beats;
use rco_sim::rx_model::{run_width, Drive, RxResult};
use rco_sim::tb::keep_faults::{self, breaks_contract, JUNK, KEEP_FAULTS};
use DropReason::*;

/// What the spec says a case must give.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Want {
    Pass,
    Drop(DropReason),
    /// No fixed expectation beyond hardware == golden (e.g. which later check fails).
    Any,
}

struct Case {
    name: String,
    frame: Vec<u8>,
    cfg: RxConfig,
    want: Want,
}

/// A good outer frame and where its headers are.
#[derive(Clone)]
struct Base {
    f: Vec<u8>,
    v6: bool,
    l3: usize,
    udp: usize,
}

impl Base {
    fn vx(&self) -> usize {
        self.udp + 8
    }
}

/// A host frame whose partial checksum has offset `off` (6 UDP, 16 TCP), from `seed`.
fn host_frame(seed: u64, off: u16, max_payload: usize) -> (Vec<u8>, (u16, u16)) {
    let mut rng = SplitMix64::new(seed);
    loop {
        let (f, p) = gen_host_frame(&mut rng, max_payload);
        if let Some((s, o)) = p {
            if o == off && s < 200 && s % 2 == 0 {
                return (f, (s, o));
            }
        }
    }
}

fn base(v6: bool, vlan: bool, rco: bool, tcp: bool) -> Base {
    let (inner, (s, o)) = host_frame(100 + v6 as u64 * 4 + vlan as u64 * 2 + tcp as u64, if tcp { 16 } else { 6 }, 600);
    let outer_ip = if v6 {
        let mut src = [0u8; 16];
        src[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
        let mut dst = src;
        src[15] = 1;
        dst[15] = 2;
        IpAddrs::Ipv6 { src, dst }
    } else {
        IpAddrs::Ipv4 { src: [10, 0, 0, 1], dst: [10, 0, 0, 2] }
    };
    let d = TxDescriptor {
        partial: true,
        csum_start: s,
        csum_offset: o,
        vni: 0x12_3456,
        outer_vlan: vlan.then_some(100),
        outer_ip,
        rco,
        ip_id: 7,
        flow_label: 0x12345,
        ..TxDescriptor::default()
    };
    let f = tx_encap(&inner, &d, DEFAULT_MAX_FRAME).unwrap();
    let l3 = 14 + 4 * vlan as usize;
    let udp = l3 + if v6 { 40 } else { 20 };
    Base { f, v6, l3, udp }
}

fn be16(f: &[u8], i: usize) -> usize {
    u16::from_be_bytes([f[i], f[i + 1]]) as usize
}
fn set16(f: &mut [u8], i: usize, v: usize) {
    f[i..i + 2].copy_from_slice(&(v as u16).to_be_bytes());
}

/// Recompute the IPv4 header checksum at `l3`.
fn fix_v4(f: &mut [u8], l3: usize) {
    let hl = (f[l3] & 0x0F) as usize * 4;
    put_sum16(f, l3 + 10, 0);
    let c = ip_fast_csum(&f[l3..l3 + hl.min(f.len() - l3)]);
    put_sum16(f, l3 + 10, c);
}

/// Recompute the outer UDP checksum over `ulen` bytes at `udp` (zero stays zero).
fn fix_udp(b: &Base, f: &mut [u8], ulen: usize) {
    let u = b.udp_at(f);
    if f[u + 6] == 0 && f[u + 7] == 0 {
        return;
    }
    put_sum16(f, u + 6, 0);
    let sum = csum_partial(&f[u..u + ulen], 0);
    let c = if b.v6 {
        let a: [u8; 16] = f[b.l3 + 8..b.l3 + 24].try_into().unwrap();
        let z: [u8; 16] = f[b.l3 + 24..b.l3 + 40].try_into().unwrap();
        csum_ipv6_magic(&a, &z, ulen as u32, 17, sum)
    } else {
        let a: [u8; 4] = f[b.l3 + 12..b.l3 + 16].try_into().unwrap();
        let z: [u8; 4] = f[b.l3 + 16..b.l3 + 20].try_into().unwrap();
        csum_tcpudp_magic(a, z, ulen as u32, 17, sum)
    };
    put_sum16(f, u + 6, if c == 0 { 0xFFFF } else { c });
}

impl Base {
    /// UDP offset in a frame derived from this base (IPv4 options move it).
    fn udp_at(&self, f: &[u8]) -> usize {
        if self.v6 {
            self.udp
        } else {
            self.l3 + (f[self.l3] & 0x0F) as usize * 4
        }
    }
}

/// Cut the datagram to `ulen` UDP bytes with IP/UDP lengths and checksums redone.
fn shrink_udp(b: &Base, ulen: usize) -> Vec<u8> {
    let mut f = b.f.clone();
    f.truncate(b.udp + ulen);
    set16(&mut f, b.udp + 4, ulen);
    if b.v6 {
        set16(&mut f, b.l3 + 4, ulen);
    } else {
        set16(&mut f, b.l3 + 2, ulen + 20);
        fix_v4(&mut f, b.l3);
    }
    fix_udp(b, &mut f, ulen);
    f
}

/// Set the VXLAN flags word and the VNI word's low byte, outer checksum redone.
fn vxlan(b: &Base, f: &mut [u8], flags: u32, low: u8) {
    let vx = b.vx();
    f[vx..vx + 4].copy_from_slice(&flags.to_be_bytes());
    f[vx + 7] = low;
    let ulen = be16(f, b.udp + 4);
    fix_udp(b, f, ulen);
}

/// Insert `n` bytes of IPv4 NOP options (IHL, total length, header checksum redone).
fn v4_options(b: &Base, n: usize) -> Vec<u8> {
    let mut f = b.f.clone();
    let at = b.l3 + 20;
    f.splice(at..at, std::iter::repeat_n(1u8, n));
    f[b.l3] = 0x40 | ((20 + n) / 4) as u8;
    let tl = be16(&f, b.l3 + 2);
    set16(&mut f, b.l3 + 2, tl + n);
    fix_v4(&mut f, b.l3);
    f
}

/// Insert IPv6 extension headers `(type, 8-octet units beyond the first)` after the base
/// header; a fragment header (44) is always 8 bytes with `frag` as its offset/flags word.
fn v6_ext(b: &Base, hdrs: &[(u8, usize)], frag: u16) -> Vec<u8> {
    let mut f = b.f.clone();
    let mut ext = Vec::new();
    for (i, &(t, units)) in hdrs.iter().enumerate() {
        let next = hdrs.get(i + 1).map(|h| h.0).unwrap_or(17);
        if t == 44 {
            ext.extend_from_slice(&[next, 0]);
            ext.extend_from_slice(&frag.to_be_bytes());
            ext.extend_from_slice(&0x1234_5678u32.to_be_bytes());
        } else {
            let len = (units + 1) * 8;
            let mut h = vec![0u8; len];
            h[0] = next;
            h[1] = units as u8;
            h[2] = 1; // PadN over the rest
            h[3] = (len - 4) as u8;
            ext.extend_from_slice(&h);
        }
    }
    f[b.l3 + 6] = hdrs[0].0;
    let pl = be16(&f, b.l3 + 4);
    set16(&mut f, b.l3 + 4, pl + ext.len());
    let at = b.l3 + 40;
    f.splice(at..at, ext);
    f
}

fn case(name: impl Into<String>, frame: Vec<u8>, cfg: RxConfig, want: Want) -> Case {
    Case { name: name.into(), frame, cfg, want }
}

fn corpus() -> Vec<Case> {
    let d = RxConfig::default;
    let mut v = Vec::new();
    let b4 = base(false, false, true, false);
    let b4v = base(false, true, true, true);
    let b6 = base(true, false, true, false);
    let b6v = base(true, true, true, true);
    let b4n = base(false, false, false, false);
    let b6n = base(true, true, false, true);

    // -- raw truncation at every header boundary (and one byte before it)
    let b4o = Base { f: v4_options(&b4, 24), ..b4.clone() };
    let b6e = Base { f: v6_ext(&b6, &[(0, 1), (60, 0)], 0), ..b6.clone() };
    for (tag, b, ip_end) in [
        ("v4", &b4, b4.udp),
        ("v4vlan", &b4v, b4v.udp),
        ("v6", &b6, b6.udp),
        ("v6vlan", &b6v, b6v.udp),
        ("v4opt24", &b4o, b4o.udp + 24),
        ("v6ext2", &b6e, b6e.udp + 24),
    ] {
        let (l3, u) = (b.l3, ip_end);
        let mut cuts = vec![1, 6, 12, 13, 14, l3 - 1, l3, l3 + 1, l3 + 9, l3 + 19, l3 + 20, l3 + 39, l3 + 40];
        cuts.extend([l3 + 44, u - 1, u, u + 4, u + 7, u + 8, u + 12, u + 15, u + 16, u + 16 + 6, u + 16 + 13]);
        cuts.extend([u + 16 + 14, u + 16 + 40, b.f.len() - 1]);
        cuts.sort();
        cuts.dedup();
        for n in cuts.into_iter().filter(|&n| n < b.f.len()) {
            v.push(case(format!("truncated_{tag}_at_{n}"), b.f[..n].to_vec(), d(), Want::Drop(Truncated)));
        }
    }
    // -- consistent truncation (lengths and checksums redone): the inner frame or VXLAN header cut
    for (tag, b) in [("v4", &b4n), ("v6vlan", &b6n)] {
        for ulen in [8, 12, 15, 16, 17, 16 + 13] {
            v.push(case(format!("short_datagram_{tag}_ulen_{ulen}"), shrink_udp(b, ulen), d(), Want::Drop(Truncated)));
        }
        v.push(case(format!("inner_eth_only_{tag}"), shrink_udp(b, 16 + 14), d(), Want::Pass));
    }
    // -- IPv4 header
    let mut f = b4.f.clone();
    f[b4.l3] = 0x44;
    fix_v4(&mut f, b4.l3);
    v.push(case("ihl_4", f, d(), Want::Drop(IpHeader)));
    let mut f = b4.f.clone();
    f[b4.l3] = 0x40;
    v.push(case("ihl_0", f, d(), Want::Drop(IpHeader)));
    let mut f = b4.f.clone();
    f[b4.l3] = 0x4F;
    fix_v4(&mut f, b4.l3);
    v.push(case("ihl_15_without_options", f, d(), Want::Any));
    let mut f = b4.f.clone();
    f[b4.l3] = 0x55;
    fix_v4(&mut f, b4.l3);
    v.push(case("ipv4_version_5", f, d(), Want::Drop(IpHeader)));
    let mut f = b4.f.clone();
    set16(&mut f, b4.l3 + 2, 19);
    fix_v4(&mut f, b4.l3);
    v.push(case("ipv4_total_len_below_ihl", f, d(), Want::Drop(IpHeader)));
    let mut f = b4.f.clone();
    f[b4.l3 + 8] ^= 1;
    v.push(case("ipv4_header_csum", f, d(), Want::Drop(IpCsum)));
    let mut f = b4.f.clone();
    f[b4.l3 + 9] = 6;
    fix_v4(&mut f, b4.l3);
    v.push(case("ipv4_proto_tcp", f, d(), Want::Drop(NotVxlan)));
    for n in [4, 8, 40] {
        v.push(case(format!("ipv4_options_{n}"), v4_options(&b4, n), d(), Want::Pass));
        v.push(case(format!("ipv4_options_{n}_vlan"), v4_options(&b4v, n), d(), Want::Pass));
    }
    // -- outer fragments
    for (tag, flags) in [("mf", 0x2000), ("offset_1", 0x0001), ("mf_offset", 0x3FFF)] {
        let mut f = b4.f.clone();
        set16(&mut f, b4.l3 + 6, flags);
        fix_v4(&mut f, b4.l3);
        v.push(case(format!("ipv4_fragment_{tag}"), f, d(), Want::Drop(IpFragment)));
    }
    let mut f = b4.f.clone();
    set16(&mut f, b4.l3 + 6, 0x4000);
    fix_v4(&mut f, b4.l3);
    v.push(case("ipv4_df_only", f, d(), Want::Pass));
    v.push(case("ipv6_fragment_header", v6_ext(&b6, &[(44, 0)], 0x0001), d(), Want::Drop(IpFragment)));
    v.push(case("ipv6_fragment_header_first", v6_ext(&b6, &[(44, 0)], 0x0000), d(), Want::Drop(IpFragment)));
    v.push(case("ipv6_hbh_then_fragment", v6_ext(&b6v, &[(0, 0), (44, 0)], 0x0008), d(), Want::Drop(IpFragment)));
    // -- IPv6 header and extension headers
    for (tag, hdrs) in [
        ("hbh", vec![(0u8, 0usize)]),
        ("dstopts_big", vec![(60, 40)]),
        ("routing", vec![(43, 1)]),
        ("hbh_dstopts", vec![(0, 2), (60, 0)]),
        ("hbh_routing_255", vec![(0, 0), (43, 255)]),
    ] {
        v.push(case(format!("ipv6_ext_{tag}"), v6_ext(&b6, &hdrs, 0), d(), Want::Pass));
        v.push(case(format!("ipv6_ext_{tag}_vlan"), v6_ext(&b6v, &hdrs, 0), d(), Want::Pass));
    }
    v.push(case("ipv6_ext_3", v6_ext(&b6, &[(0, 0), (60, 0), (43, 0)], 0), d(), Want::Drop(NotVxlan)));
    let mut f = v6_ext(&b6, &[(60, 0)], 0);
    f[b6.l3 + 41] = 200; // extension header claims 1608 bytes: past the payload
    v.push(case("ipv6_ext_past_payload", f, d(), Want::Drop(Truncated)));
    let mut f = b6.f.clone();
    f[b6.l3] = 0x40 | (f[b6.l3] & 0x0F);
    v.push(case("ipv6_version_4", f, d(), Want::Drop(IpHeader)));
    let mut f = b6.f.clone();
    set16(&mut f, b6.l3 + 4, 0);
    v.push(case("ipv6_payload_len_0", f, d(), Want::Drop(IpHeader)));
    let mut f = b6.f.clone();
    f[b6.l3 + 6] = 6;
    v.push(case("ipv6_next_tcp", f, d(), Want::Drop(NotVxlan)));
    // -- Ethernet
    let mut f = b4.f.clone();
    set16(&mut f, 12, 0x0806);
    v.push(case("ethertype_arp", f, d(), Want::Drop(NotVxlan)));
    let mut f = b4v.f.clone();
    f.splice(12..12, [0x88, 0xA8, 0x00, 0x05]);
    v.push(case("qinq_two_tags", f, d(), Want::Any));
    let mut f = b4.f.clone();
    f.extend_from_slice(&[0u8; 30]);
    v.push(case("ethernet_trailer_padding", f, d(), Want::Pass));
    // -- UDP
    v.push(case("wrong_port", b4.f.clone(), RxConfig { port: 4790, ..d() }, Want::Drop(NotVxlan)));
    for (tag, ulen) in [("0", 0usize), ("7", 7), ("long_by_1", b4.f.len() - b4.udp + 1), ("long_max", 0xFFFF)] {
        let mut f = b4.f.clone();
        set16(&mut f, b4.udp + 4, ulen);
        v.push(case(format!("udp_length_{tag}"), f, d(), Want::Drop(UdpLength)));
    }
    let mut f = b6.f.clone();
    set16(&mut f, b6.udp + 4, 5);
    v.push(case("udp_length_5_v6", f, d(), Want::Drop(UdpLength)));
    for (tag, b) in [("v4", &b4), ("v6", &b6)] {
        // UDP length shorter than the IP payload: the rest is ignored (checksum over ulen)
        let mut f = b.f.clone();
        let ulen = be16(&f, b.udp + 4) - 4;
        set16(&mut f, b.udp + 4, ulen);
        fix_udp(b, &mut f, ulen);
        v.push(case(format!("udp_length_short_by_4_{tag}"), f, d(), Want::Pass));
        let mut f = b.f.clone();
        let last = f.len() - 1;
        f[last] ^= 0x20;
        v.push(case(format!("payload_bit_flip_{tag}"), f, d(), Want::Drop(UdpCsum)));
    }
    // -- zero outer UDP checksum
    for (tag, b, want6) in [("v4", &b4, false), ("v6", &b6, true), ("v6vlan", &b6v, true)] {
        let mut f = b.f.clone();
        f[b.udp + 6] = 0;
        f[b.udp + 7] = 0;
        let want = if want6 { Want::Drop(UdpZeroCsum6) } else { Want::Pass };
        v.push(case(format!("zero_udp_csum_{tag}"), f.clone(), d(), want));
        v.push(case(format!("zero_udp_csum_{tag}_udp6zerocsumrx"), f, RxConfig { udp_zero_csum6_rx: true, ..d() }, Want::Pass));
    }
    // -- VXLAN flags
    let flags = |b: &Base| u32::from_be_bytes(b.f[b.vx()..b.vx() + 4].try_into().unwrap());
    let low = |b: &Base| b.f[b.vx() + 7];
    for bit in [0u32, 1, 2, 8, 16, 20, 22, 23, 24, 26, 28, 31] {
        let mut f = b4.f.clone();
        vxlan(&b4, &mut f, flags(&b4) | 1 << bit, low(&b4));
        v.push(case(format!("reserved_flag_bit_{bit}"), f, d(), Want::Drop(VxlanFlags)));
    }
    let mut f = b6.f.clone();
    vxlan(&b6, &mut f, flags(&b6) & !(1 << 27), low(&b6));
    v.push(case("no_i_flag", f, d(), Want::Drop(VxlanFlags)));
    let mut f = b4n.f.clone();
    vxlan(&b4n, &mut f, flags(&b4n), 0x11);
    v.push(case("vni_low_byte_without_c_flag_rco_rx", f.clone(), d(), Want::Pass));
    v.push(case("vni_low_byte_without_c_flag_no_rco_rx", f, RxConfig { remcsum_rx: false, ..d() }, Want::Drop(VxlanFlags)));
    // -- RCO opt-in
    v.push(case("rco_without_opt_in", b4.f.clone(), RxConfig { remcsum_rx: false, ..d() }, Want::Drop(RcoNotEnabled)));
    v.push(case("rco_without_opt_in_v6", b6v.f.clone(), RxConfig { remcsum_rx: false, ..d() }, Want::Drop(RcoNotEnabled)));
    v.push(case("no_rco_without_opt_in", b4n.f.clone(), RxConfig { remcsum_rx: false, ..d() }, Want::Pass));
    v.push(case("rco_partial_mode", b4v.f.clone(), RxConfig { nopartial: false, ..d() }, Want::Pass));
    // -- RCO start/offset against the end of the inner frame (spec 7 #2: offset + 2 == len passes)
    for (tag, b) in [("v4", &b4), ("v6vlan", &b6v)] {
        let fl = flags(b) | 1 << 21;
        for (inner_len, sel, start, want) in [
            (64, 0x80u8, 56u8, Want::Pass),             // UDP: field at 62..64, the last two bytes
            (64, 0x80, 58, Want::Drop(RcoPastEnd)),     // one field past
            (65, 0x80, 56, Want::Pass),                 // odd length, field before the last byte
            (64, 0x00, 46, Want::Pass),                 // TCP selector: 46 + 16 = 62
            (64, 0x00, 48, Want::Drop(RcoPastEnd)),
            (64, 0x80, 254, Want::Drop(RcoPastEnd)),    // largest start
            (14, 0x80, 0, Want::Pass),                  // shortest inner frame, field at 6..8
            (14, 0x80, 8, Want::Drop(RcoPastEnd)),      // field at 14..16
        ] {
            let mut f = shrink_udp(b, 16 + inner_len);
            vxlan(b, &mut f, fl, sel | start / 2);
            v.push(case(format!("rco_{tag}_len_{inner_len}_sel_{sel:#x}_start_{start}"), f.clone(), d(), want));
            if want == Want::Pass {
                v.push(case(format!("rco_{tag}_len_{inner_len}_start_{start}_partial"), f, RxConfig { nopartial: false, ..d() }, Want::Pass));
            }
        }
    }
    // -- frames longer than the buffer
    let mut f = b4.f.clone();
    f.resize(DEFAULT_MAX_FRAME, 0);
    v.push(case("exactly_max_frame_padded", f.clone(), d(), Want::Pass));
    f.push(0);
    v.push(case("max_frame_plus_1", f, d(), Want::Drop(TooLong)));
    let n = b6.f.len();
    v.push(case("max_frame_config_len_minus_1", b6.f.clone(), RxConfig { max_frame: n - 1, ..d() }, Want::Drop(TooLong)));
    v.push(case("max_frame_config_len", b6.f.clone(), RxConfig { max_frame: n, ..d() }, Want::Pass));
    let mut f = b4v.f.clone();
    f.resize(16_500, 0x5A);
    v.push(case("longer_than_the_ring", f, d(), Want::Drop(TooLong)));
    let mut f = b4.f.clone();
    f.resize(70_000, 0xA5);
    v.push(case("longer_than_64k", f, d(), Want::Drop(TooLong)));
    v
}

/// Good frames sent after every bad one (default configuration).
fn good_frames() -> Vec<Vec<u8>> {
    vec![
        base(false, false, true, true).f,
        base(true, true, true, false).f,
        base(false, true, false, false).f,
        base(true, false, true, true).f,
    ]
}

fn show(r: &RxResult) -> String {
    match r {
        Ok((f, m)) => format!("frame {} bytes {m:?}", f.len()),
        Err(e) => format!("drop {e}"),
    }
}

fn verdict(r: &RxResult) -> Want {
    match r {
        Ok(_) => Want::Pass,
        Err(e) => Want::Drop(*e),
    }
}

/// The corpus as RX jobs, each case followed by a good frame, with golden's verdicts.
fn corpus_jobs() -> (Vec<(Vec<u8>, RxConfig)>, Vec<(String, RxResult)>) {
    let cases = corpus();
    let goods = good_frames();
    let mut jobs = Vec::new();
    let mut expect = Vec::new();
    for (i, c) in cases.iter().enumerate() {
        let want = rx_decap(&c.frame, &c.cfg);
        if c.want != Want::Any {
            assert_eq!(verdict(&want), c.want, "golden disagrees with the spec on {}", c.name);
        }
        jobs.push((c.frame.clone(), c.cfg.clone()));
        expect.push((c.name.clone(), want));
        let g = &goods[i % goods.len()];
        let gw = rx_decap(g, &RxConfig::default());
        assert!(gw.is_ok());
        jobs.push((g.clone(), RxConfig::default()));
        expect.push((format!("good frame after {}", c.name), gw));
    }
    (jobs, expect)
}

fn run_corpus(width: usize, backpressure: f64, seed: u64) {
    let cases = corpus();
    let (jobs, expect) = corpus_jobs();
    let run = run_width(&jobs, width, &Drive { backpressure, seed, mac: false }, None).unwrap();
    assert_eq!(run.results.len(), jobs.len());
    let mut bad = Vec::new();
    for ((name, want), got) in expect.iter().zip(&run.results) {
        if got != want {
            bad.push(format!("{name}: hw {} / golden {}", show(got), show(want)));
        }
    }
    assert!(bad.is_empty(), "W={width}: {} of {} differ:\n{}", bad.len(), jobs.len(), bad.join("\n"));
    let counts = DropReason::histogram(expect.iter().filter_map(|(_, w)| w.as_ref().err()));
    assert_eq!(run.counters, counts, "W={width}: per-reason counters");
    // every drop reason a byte array can have is exercised (bad_keep: the tkeep tests
    // below); print the class table
    let used: Vec<String> =
        DropReason::ALL.iter().zip(&counts).filter(|(_, n)| **n > 0).map(|(r, n)| format!("{r}={n}")).collect();
    eprintln!("W={width}: {} cases + {} good frames, drops {}", cases.len(), cases.len(), used.join(" "));
    // bad_keep needs tkeep holes (tests below); overflow a full buffer (rx_model's MAC-mode tests)
    let framed: Vec<_> = DropReason::ALL.iter().filter(|r| **r != BadKeep && **r != DropReason::Overflow).collect();
    assert_eq!(used.len(), framed.len(), "a drop reason is not exercised: {used:?}");
}

#[test]
fn corpus_w64_backpressure() {
    run_corpus(64, 0.2, 1);
}

#[test]
fn corpus_w128() {
    run_corpus(128, 0.0, 2);
}

#[test]
fn corpus_w256_backpressure() {
    run_corpus(256, 0.4, 3);
}

/// The corpus is what it says: names are unique and both verdict kinds occur.
#[test]
fn corpus_is_well_formed() {
    let c = corpus();
    let mut names: Vec<&str> = c.iter().map(|c| c.name.as_str()).collect();
    names.sort();
    let n = names.len();
    names.dedup();
    assert_eq!(names.len(), n, "duplicate case names");
    assert!(c.iter().filter(|c| c.want == Want::Pass).count() > 20);
    assert!(c.iter().filter(|c| matches!(c.want, Want::Drop(_))).count() > 150);
}

// ---------------------------------------------------------------- tkeep holes
//
// The stream contract (hdl/src/stream.rs): tkeep all ones on every beat but the last, whose
// kept lanes are contiguous from lane 0 and not empty. A frame whose beats break it is
// dropped as `bad_keep` (before every other check, too_long included), consumed to its end,
// counted once; the frame after it is judged on its own. The expectations come from what
// each case mangled: `bad_keep` for a mangled frame, golden `rx_decap` for the good ones.

/// The tkeep cases at `k` lanes: (name, beats, what the test expects): the shared faults
/// (`rco_sim::tb::keep_faults`) and a hole in a frame whose outer checksum is zero (junk in
/// its null lanes could pass the checks, and did before `bad_keep`). Each mangled frame is
/// followed by a good one (they cycle through `good_frames`).
fn tkeep_cases(k: usize) -> Vec<(String, Vec<Beat>, RxResult)> {
    let cfg = RxConfig::default();
    let good = base(false, false, true, false).f;
    let mut zero_csum = good.clone();
    zero_csum[14 + 20 + 6..14 + 20 + 8].fill(0);
    assert!(rx_decap(&zero_csum, &cfg).is_ok(), "zero outer checksum (IPv4) is accepted");
    let mut long = base(true, false, true, false).f;
    long.resize(cfg.max_frame + 3 * k, 0x3C);
    let mut faults: Vec<(String, Vec<Beat>)> = KEEP_FAULTS
        .iter()
        .map(|f| {
            let frame = match f.base {
                keep_faults::Base::Good => &good[..],
                keep_faults::Base::Short => &good[..10],
                keep_faults::Base::FirstByte => &good[..1],
                keep_faults::Base::TooLong => &long[..],
            };
            (f.name.to_string(), f.beats(frame, k))
        })
        .collect();
    let mut zero_hole = packet_beats(&zero_csum, k);
    let m = zero_hole.len() / 2;
    zero_hole[m].null_lanes(0, k / 2, Some(JUNK));
    faults.push(("hole_mid_junk_zero_csum".into(), zero_hole));
    let goods = good_frames();
    let mut v = Vec::new();
    for (i, (name, b)) in faults.into_iter().enumerate() {
        assert!(breaks_contract(&b, k), "{name}: the edit breaks the contract");
        v.push((name.clone(), b, Err(BadKeep)));
        let g = &goods[i % goods.len()];
        v.push((format!("good after {name}"), packet_beats(g, k), rx_decap(g, &cfg)));
    }
    // the zero-checksum frame itself, whole, is good
    v.push(("zero_csum_whole".into(), packet_beats(&zero_csum, k), rx_decap(&zero_csum, &cfg)));
    v
}

fn run_tkeep(width: usize, backpressure: f64, seed: u64) {
    let k = width / 8;
    let cases = tkeep_cases(k);
    let beats: Vec<Vec<Beat>> = cases.iter().map(|(_, b, _)| b.clone()).collect();
    let (got, counters) = run_raw_beats(&beats, &RxConfig::default(), width, backpressure, seed).unwrap();
    assert_eq!(got.len(), cases.len(), "W={width}: one result per frame");
    let mut bad = Vec::new();
    let mut counts = vec![0u64; DropReason::ALL.len()];
    for ((name, _, want), g) in cases.iter().zip(&got) {
        if g != want {
            bad.push(format!("{name}: hw {} / expected {}", show(g), show(want)));
        }
        if let Err(e) = want {
            counts[e.code()] += 1;
        }
    }
    assert!(bad.is_empty(), "W={width}:\n{}", bad.join("\n"));
    assert_eq!(counters, counts, "W={width}: per-reason counters");
    eprintln!("W={width}: {} tkeep cases, bad_keep={}", cases.len(), counts[BadKeep.code()]);
}

#[test]
fn tkeep_bad_keep_w64_backpressure() {
    run_tkeep(64, 0.3, 9);
}

#[test]
fn tkeep_bad_keep_w128_backpressure() {
    run_tkeep(128, 0.2, 10);
}

#[test]
fn tkeep_bad_keep_w256_backpressure() {
    run_tkeep(256, 0.4, 11);
}

/// The corpus (configuration changes included) and the tkeep cases through the exported
/// Verilog under Verilator (`--model verilator`): the same run as rust-hdl's, clock for
/// clock (results, counters, cycles, beats offered and accepted).
#[test]
#[ignore = "needs verilator"]
fn corpus_and_tkeep_verilator_equal_hw() {
    let (jobs, _) = corpus_jobs();
    for (width, backpressure, seed) in [(64, 0.2, 1), (128, 0.0, 2), (256, 0.4, 3)] {
        let drive = Drive { backpressure, seed, mac: false };
        let hw = run_width(&jobs, width, &drive, None).unwrap();
        let vl = rco_sim::vl_model::rx_run(&jobs, width, &drive).unwrap();
        let differ: Vec<String> = hw
            .results
            .iter()
            .zip(&vl.results)
            .enumerate()
            .filter(|(_, (a, b))| a != b)
            .map(|(i, (a, b))| format!("job {i}: hw {} / verilator {}", show(a), show(b)))
            .collect();
        assert!(differ.is_empty() && hw.results.len() == vl.results.len(), "W={width}:\n{}", differ.join("\n"));
        assert_eq!(hw.counters, vl.counters, "W={width}: counters");
        assert_eq!((hw.cycles, hw.offered, hw.accepted), (vl.cycles, vl.offered, vl.accepted), "W={width}: cycles");
        let k = width / 8;
        let beats: Vec<Vec<Beat>> = tkeep_cases(k).into_iter().map(|(_, b, _)| b).collect();
        let hw = run_raw_beats(&beats, &RxConfig::default(), width, backpressure, seed).unwrap();
        let vl = rco_sim::vl_model::rx_run_beats(&beats, &RxConfig::default(), width, backpressure, seed).unwrap();
        assert_eq!(hw, vl, "W={width}: tkeep cases");
        eprintln!("W={width}: {} corpus jobs and {} tkeep frames identical on both models", jobs.len(), beats.len());
    }
}
