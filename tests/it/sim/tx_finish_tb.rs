//! Bench of `rco_hdl::tx::finish::TxFinish` alone: each case's record, descriptor and engine
//! sums go in as the ingress and the descriptor queue would give them (records ahead, pulses
//! back to back, a dropped frame now and then), and every plan is compared with the outer
//! frame golden `tx_encap` builds: the IPv4 and UDP checksums and lengths as they appear in
//! it, the VXLAN flags and RCO byte, the beat layout, and the completed inner checksum at the
//! position golden writes it.

use rco_golden::csum::{csum_fold, csum_partial, fold};
use rco_golden::rng::SplitMix64;
use rco_golden::tx::tx_encap;
use rco_golden::types::TxDescriptor;
use rco_golden::vectors::{gen_descriptor, gen_host_frame};
use rco_hdl::tx::finish::{TxFinish, LATENCY};
use rco_sim::tb::desc::set_desc;
use rust_hdl::prelude::*;

const K: usize = 8;

/// The plan fields a bench reads, in the order of `TxPlanSink`.
#[derive(Debug, PartialEq)]
struct Plan {
    udp_csum: u64,
    ip_csum: u64,
    udp_len: u64,
    ip_len: u64,
    beats: u64,
    hdr_beats: u64,
    words: u64,
    last_keep: u64,
    patch: bool,
    patch_at: (u64, u64, u64, u64),
    inner_csum: u64,
    vxlan_flags: u64,
    vni_low: u64,
}

/// The plan golden's frame implies.
fn expected(frame: &[u8], d: &TxDescriptor, out: &[u8]) -> Plan {
    let hlen = out.len() - frame.len();
    let le = |o: usize| u16::from_le_bytes([out[o], out[o + 1]]) as u64;
    let v6 = matches!(d.outer_ip, rco_golden::wire::IpAddrs::Ipv6 { .. });
    let l3 = if d.outer_vlan.is_some() { 18 } else { 14 };
    let udp = l3 + if v6 { 40 } else { 20 };
    let use_rco = out[udp + 9] & 0x20 != 0;
    let patch = d.partial && !use_rco;
    let field = (d.csum_start + d.csum_offset) as usize + hlen;
    let total = out.len();
    let rem = total % K;
    Plan {
        udp_csum: le(udp + 6),
        ip_csum: if v6 { 0 } else { le(l3 + 10) },
        udp_len: le(udp + 4),
        ip_len: if v6 { 0 } else { le(l3 + 2) },
        beats: total.div_ceil(K) as u64,
        hdr_beats: (hlen / K) as u64,
        words: frame.len().div_ceil(K) as u64,
        last_keep: if rem == 0 { 0xFF } else { (1 << rem) - 1 },
        patch,
        patch_at: ((field / K) as u64, ((field + 1) / K) as u64, (8 * (field % K)) as u64, (8 * ((field + 1) % K)) as u64),
        inner_csum: if patch { u16::from_be_bytes([out[field], out[field + 1]]) as u64 } else { 0 },
        vxlan_flags: le(udp + 8),
        vni_low: le(udp + 14),
    }
}

fn read_plan(u: &TxFinish<K, 16>) -> Plan {
    let p = &u.plan;
    let patch = p.patch.val();
    Plan {
        udp_csum: p.udp_csum.val().to_u64(),
        ip_csum: p.ip_csum.val().to_u64(),
        udp_len: p.udp_len.val().to_u64(),
        ip_len: p.ip_len.val().to_u64(),
        beats: p.beats.val().to_u64(),
        hdr_beats: p.hdr_beats.val().to_u64(),
        words: p.words.val().to_u64(),
        last_keep: p.last_keep.val().to_u64(),
        patch,
        patch_at: (
            p.patch_beat_a.val().to_u64(),
            p.patch_beat_b.val().to_u64(),
            p.patch_bit_a.val().to_u64(),
            p.patch_bit_b.val().to_u64(),
        ),
        inner_csum: if patch { p.inner_csum.val().to_u64() } else { 0 },
        vxlan_flags: p.vxlan_flags.val().to_u64(),
        vni_low: p.vni_low.val().to_u64(),
    }
}

/// Bursts of up to 12 frames: their records pushed a clock apart, then their pulses on
/// consecutive clocks; every fifth frame is a drop.
fn run(seed: u64, n: usize) {
    let mut rng = SplitMix64::new(seed);
    let mut cases = Vec::new();
    while cases.len() < n {
        let (f, p) = gen_host_frame(&mut rng, 300);
        let d = gen_descriptor(&mut rng, p);
        if let Ok(out) = tx_encap(&f, &d, 9216) {
            let drop = cases.len() % 5 == 4;
            cases.push((f, d, out, drop));
        }
    }
    let mut u = TxFinish::<K, 16>::default();
    u.connect_all();
    let tick = |u: &mut TxFinish<K, 16>| {
        u.clock.next = true.into();
        assert!(simulate(u, 100));
        u.clock.next = false.into();
    };
    let mut plans = Vec::new();
    let (mut fields, mut drops) = (0, 0);
    for burst in cases.chunks(12) {
        for (f, d, _, drop) in burst {
            let field = (d.csum_start + d.csum_offset) as usize;
            let old = if field + 1 < f.len() { (f[field] as u64) << 8 | f[field + 1] as u64 } else { 0 };
            u.dec_valid.next = true;
            u.dec_drop.next = *drop;
            u.dec_len.next = (f.len() as u64).into();
            u.dec_old.next = old.into();
            assert!(simulate(&mut u, 100));
            tick(&mut u);
        }
        u.dec_valid.next = false;
        for (i, (f, d, _, _)) in burst.iter().enumerate() {
            set_desc(&mut u.desc, d);
            u.desc.valid.next = true;
            u.sum_valid.next = true;
            u.sum_all.next = (fold(csum_partial(f, 0)) as u64).into();
            u.csum_inner.next = (csum_fold(csum_partial(&f[d.csum_start as usize..], 0)) as u64).into();
            assert!(simulate(&mut u, 100));
            assert!(u.desc.ready.val(), "the pulse pops the descriptor");
            fields += u.fields_push.val() as usize;
            drops += u.dropped.val() as usize;
            assert_eq!(u.dropped.val(), burst[i].3);
            if u.plan.valid.val() {
                plans.push(read_plan(&u));
            }
            tick(&mut u);
        }
        u.sum_valid.next = false;
        u.desc.valid.next = false;
        for _ in 0..LATENCY + 2 {
            assert!(simulate(&mut u, 100));
            if u.plan.valid.val() {
                plans.push(read_plan(&u));
            }
            tick(&mut u);
        }
    }
    let good: Vec<_> = cases.iter().filter(|c| !c.3).collect();
    assert_eq!(fields, good.len());
    assert_eq!(drops, cases.len() - good.len());
    assert_eq!(plans.len(), good.len(), "one plan per good frame");
    for (i, ((f, d, out, _), got)) in good.iter().zip(plans).enumerate() {
        let mut got = got;
        if matches!(d.outer_ip, rco_golden::wire::IpAddrs::Ipv6 { .. }) {
            // no IPv4 header to put them in
            (got.ip_csum, got.ip_len) = (0, 0);
        }
        assert_eq!(got, expected(f, d, out), "good frame {i}: {d:?}");
    }
}

#[test]
fn plans_match_golden_frames() {
    run(41, 240);
}
