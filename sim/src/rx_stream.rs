//! Cycle-by-cycle driver of the streaming RX (`rco_hdl::rx::top::RxTop`): frames in (back to back
//! unless the ingress pushes back), inner frames + metadata and in-order drop events out. Like
//! `rx_model` for `RxPath`, with the ingress mode (MAC drops or AXI back-pressure) and the
//! `overflow` reason the streaming RX adds.
//!
//! In MAC mode a frame may be dropped as `overflow`, which golden does not predict; [`account`]
//! walks golden's verdicts beside the hardware's results and attributes every missing frame to
//! `overflow` exactly (results come in input order; a frame dropped for want of a queue slot has
//! no drop event, only its count).

use crate::rx_model::{Drive, RxResult, STALL_LIMIT};
use rco_golden::rng::SplitMix64;
use rco_golden::types::{DropReason, RxConfig, RxMeta};
use rco_hdl::rx::top::RxTop;
use rco_hdl::rx::{DROP_OVERFLOW, RX_DROP_REASONS};
use rco_hdl::stream::{packet_beats, tdata_from_lanes};
use rust_hdl::prelude::*;

/// A result in the hardware's own terms: golden's, or an `overflow` drop (code 13).
#[derive(Clone, Debug, PartialEq)]
pub enum HwResult {
    Golden(RxResult),
    Overflow,
}

#[derive(Debug, Default)]
pub struct StreamRun {
    /// In-order results (deliveries and drop events).
    pub results: Vec<HwResult>,
    /// The per-reason counters at the end (golden's order, then `overflow`).
    pub counters: Vec<u64>,
    pub cycles: u64,
    /// Input beats accepted, and cycles from the first offered beat to the last accepted one.
    pub beats: u64,
    pub input_cycles: u64,
    /// `s_axis.tready` was low while a beat was offered.
    pub ingress_stalled: bool,
}

/// Ingress mode and host-side stimulus.
#[derive(Clone, Debug, Default)]
pub struct StreamDrive {
    pub drive: Drive,
    /// AXI back-pressure instead of MAC-mode drops.
    pub axi: bool,
}

pub fn run_width(jobs: &[(Vec<u8>, RxConfig)], width: usize, d: &StreamDrive) -> anyhow::Result<StreamRun> {
    match width {
        64 => run::<64, 8, 4, 11, 9, 16>(jobs, d),
        128 => run::<128, 16, 8, 10, 8, 16>(jobs, d),
        256 => run::<256, 32, 16, 9, 7, 32>(jobs, d),
        512 => run::<512, 64, 32, 8, 6, 32>(jobs, d),
        w => anyhow::bail!("RX hardware: width {w} is not built (64, 128, 256 or 512)"),
    }
}

fn lanes_of<const W: usize>(v: &Bits<W>, k: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(k);
    for j in 0..W / 32 {
        out.extend_from_slice(&(v.get_bits::<32>(32 * j).to_u64() as u32).to_le_bytes());
    }
    out.truncate(k);
    out
}

fn run<const W: usize, const K: usize, const N: usize, const AW: usize, const AB: usize, const Q: usize>(
    jobs: &[(Vec<u8>, RxConfig)],
    d: &StreamDrive,
) -> anyhow::Result<StreamRun> {
    let cap = RxTop::<W, K, N, AW, AB, Q>::capacity();
    for (f, c) in jobs {
        anyhow::ensure!(c.max_frame <= cap, "RX hardware: max_frame {} exceeds the ring ({cap} bytes)", c.max_frame);
        anyhow::ensure!(!f.is_empty(), "RX hardware: empty frame");
    }
    let mut uut = RxTop::<W, K, N, AW, AB, Q>::default();
    uut.connect_all();
    let mut rng = SplitMix64::new(d.drive.seed ^ 0x5258);
    let mut run = StreamRun::default();
    let beats: Vec<_> = jobs.iter().map(|(f, _)| packet_beats(f, K)).collect();
    let (mut pkt, mut beat) = (0usize, 0usize);
    let mut cur: Option<RxConfig> = None;
    let mut frame_buf: Vec<u8> = Vec::new();
    let zero = vec![0u8; K];
    let (mut c, mut idle_since) = (0u64, 0u64);
    let mut first_offer: Option<u64> = None;
    let mut in_done: Option<u64> = None;
    let mut settled = 0u64;
    // a frame without a queue slot has no event: the run ends when the input is in and the
    // pipeline has been quiet long enough to drain
    loop {
        // frames dropped without an event: the overflow count less the overflow events
        let ovf_events = run.results.iter().filter(|r| **r == HwResult::Overflow).count() as u64;
        let silent = uut.drop_count[DROP_OVERFLOW as usize].val().to_u64().saturating_sub(ovf_events);
        let counted = run.results.len() as u64 + silent;
        if pkt == jobs.len() && counted >= jobs.len() as u64 {
            settled += 1;
            if settled > 4 {
                break;
            }
        }
        let mut offer = false;
        if pkt < jobs.len() {
            if beat > 0 || cur.as_ref() == Some(&jobs[pkt].1) {
                offer = true;
            } else if counted == pkt as u64 {
                cur = Some(jobs[pkt].1.clone());
                offer = true;
            }
        }
        if let Some(cfg) = &cur {
            uut.port.next = (cfg.port as u64).into();
            uut.remcsum_rx.next = cfg.remcsum_rx;
            uut.nopartial.next = cfg.nopartial;
            uut.udp_zero_csum6_rx.next = cfg.udp_zero_csum6_rx;
            uut.max_frame.next = (cfg.max_frame as u64).into();
        }
        uut.backpressure.next = d.axi;
        uut.clock.next = false.into();
        if offer {
            let b = &beats[pkt][beat];
            uut.s_axis.tdata.next = tdata_from_lanes::<W>(&b.data);
            uut.s_axis.tkeep.next = b.keep.into();
            uut.s_axis.tlast.next = b.last;
        } else {
            uut.s_axis.tdata.next = tdata_from_lanes::<W>(&zero);
            uut.s_axis.tkeep.next = 0.into();
            uut.s_axis.tlast.next = false;
        }
        uut.s_axis.tvalid.next = offer;
        uut.s_axis.tuser.next = false;
        let ready = !(d.drive.backpressure > 0.0 && rng.chance(d.drive.backpressure));
        uut.m_axis.tready.next = ready;
        anyhow::ensure!(simulate(&mut uut, 200), "RX hardware: no convergence in cycle {c}");
        let mut progress = false;
        if offer {
            first_offer.get_or_insert(c);
            if uut.s_axis.tready.val() {
                run.beats += 1;
                progress = true;
                beat += 1;
                if beat == beats[pkt].len() {
                    pkt += 1;
                    beat = 0;
                    if pkt == jobs.len() {
                        in_done = Some(c + 1);
                    }
                }
            } else {
                run.ingress_stalled = true;
            }
        }
        if uut.m_axis.tvalid.val() && ready {
            progress = true;
            let lanes = lanes_of::<W>(&uut.m_axis.tdata.val(), K);
            let keep = uut.m_axis.tkeep.val().to_u64();
            for (i, b) in lanes.iter().enumerate() {
                if (keep >> i) & 1 == 1 {
                    frame_buf.push(*b);
                }
            }
            if uut.m_axis.tlast.val() {
                let meta = RxMeta {
                    vni: uut.m_vni.val().to_u64() as u32,
                    rco: uut.m_rco.val(),
                    rco_applied: uut.m_rco_applied.val(),
                    csum_start: uut.m_csum_start.val().to_u64() as u16,
                    csum_offset: uut.m_csum_offset.val().to_u64() as u16,
                    csum_complete: uut.m_csum_complete.val().to_u64() as u16,
                    outer_csum_ok: uut.m_outer_csum_ok.val(),
                };
                run.results.push(HwResult::Golden(Ok((std::mem::take(&mut frame_buf), meta))));
            }
        }
        if uut.drop_valid.val() {
            progress = true;
            let code = uut.drop_reason.val().to_u64();
            anyhow::ensure!((code as usize) < RX_DROP_REASONS, "RX hardware: drop code {code}");
            run.results.push(if code == DROP_OVERFLOW {
                HwResult::Overflow
            } else {
                HwResult::Golden(Err(DropReason::ALL[code as usize]))
            });
        }
        anyhow::ensure!(run.results.len() <= jobs.len(), "RX hardware: more results than frames");
        uut.clock.next = true.into();
        anyhow::ensure!(simulate(&mut uut, 200), "RX hardware: no convergence in cycle {c}");
        c += 1;
        if progress {
            idle_since = c;
        }
        anyhow::ensure!(
            c - idle_since < STALL_LIMIT,
            "RX hardware: no progress for {STALL_LIMIT} cycles at cycle {c} ({pkt} of {} frames in, {} results out): deadlock",
            jobs.len(),
            run.results.len()
        );
    }
    run.cycles = c - settled;
    run.input_cycles = in_done.unwrap_or(c) - first_offer.unwrap_or(0);
    run.counters = (0..RX_DROP_REASONS).map(|i| uut.drop_count[i].val().to_u64()).collect();
    Ok(run)
}

/// How a run compares with golden: mismatched frames (index, what), and the frames dropped as
/// `overflow`. Hardware results must be golden's in order with some frames missing or replaced
/// by an overflow event; a missing or replaced frame is an overflow drop, and their number must
/// be the hardware's overflow count; every other counter must be golden's less the verdicts of
/// the frames that overflowed.
pub fn account(expect: &[RxResult], run: &StreamRun) -> (Vec<(usize, String)>, Vec<usize>) {
    let mut errs = Vec::new();
    let mut overflowed = Vec::new();
    let mut r = run.results.iter().peekable();
    for (i, want) in expect.iter().enumerate() {
        match r.peek() {
            Some(HwResult::Golden(got)) if got == want => {
                r.next();
            }
            Some(HwResult::Overflow) => {
                r.next();
                overflowed.push(i);
            }
            Some(HwResult::Golden(got)) => {
                // a frame with no event at all (no queue slot), or a mismatch: a delivered
                // frame is missing only if the next result is a later frame's
                if expect[i + 1..].iter().take(64).any(|w| w == got) {
                    overflowed.push(i);
                } else {
                    errs.push((i, format!("hw {} / golden {}", brief(got), brief(want))));
                    r.next();
                }
            }
            None => overflowed.push(i),
        }
    }
    let mut want = vec![0u64; RX_DROP_REASONS];
    for (i, e) in expect.iter().enumerate() {
        if overflowed.contains(&i) {
            want[DROP_OVERFLOW as usize] += 1;
        } else if let Err(e) = e {
            want[DropReason::ALL.iter().position(|r| r == e).unwrap()] += 1;
        }
    }
    if run.counters != want {
        errs.push((expect.len(), format!("counters hw {:?} / expected {:?}", run.counters, want)));
    }
    (errs, overflowed)
}

pub fn brief(r: &RxResult) -> String {
    match r {
        Ok((f, m)) => format!("{} bytes {:?}", f.len(), m),
        Err(e) => format!("drop {e}"),
    }
}

/// An inner frame of exactly `len` bytes (UDP or TCP over IPv4), CHECKSUM_PARTIAL as a host
/// stack hands it, encapsulated by golden TX with RCO over an IPv4 or IPv6 underlay.
pub fn fixed_size_outer(rng: &mut SplitMix64, len: usize, tcp: bool, ipv6: bool) -> Vec<u8> {
    use rco_golden::tx::{host_checksum_partial, tx_encap};
    use rco_golden::types::{TxDescriptor, DEFAULT_MAX_FRAME};
    use rco_golden::wire::IpAddrs;
    let l4 = if tcp { 20 } else { 8 };
    assert!(len >= 14 + 20 + l4 && len <= 9000);
    let mut f = vec![0u8; len];
    for b in f.iter_mut() {
        *b = rng.range(0, 255) as u8;
    }
    f[12..14].copy_from_slice(&0x0800u16.to_be_bytes());
    let ip = &mut f[14..34];
    ip[0] = 0x45;
    ip[1] = 0;
    ip[2..4].copy_from_slice(&((len - 14) as u16).to_be_bytes());
    ip[6] = 0x40;
    ip[7] = 0;
    ip[8] = 64;
    ip[9] = if tcp { 6 } else { 17 };
    ip[10] = 0;
    ip[11] = 0;
    let c = !crate::rx_decide_tb::rfc1071(&f[14..34]);
    f[24..26].copy_from_slice(&c.to_be_bytes());
    if tcp {
        f[34 + 12] = 0x50;
    } else {
        f[38..40].copy_from_slice(&((len - 34) as u16).to_be_bytes());
    }
    let (start, off) = host_checksum_partial(&mut f).expect("TCP/UDP frame");
    let mut d = TxDescriptor { partial: true, csum_start: start, csum_offset: off, ..Default::default() };
    if ipv6 {
        d.outer_ip = IpAddrs::Ipv6 { src: [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], dst: [0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2] };
    }
    tx_encap(&f, &d, DEFAULT_MAX_FRAME).expect("golden TX")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rco_golden::rx::rx_decap;

    fn check(jobs: &[(Vec<u8>, RxConfig)], width: usize, d: &StreamDrive) -> (StreamRun, Vec<usize>) {
        let expect: Vec<RxResult> = jobs.iter().map(|(f, c)| rx_decap(f, c)).collect();
        let run = run_width(jobs, width, d).unwrap();
        let (errs, ovf) = account(&expect, &run);
        assert!(errs.is_empty(), "W={width}: {} mismatches, first {:?}", errs.len(), &errs[..errs.len().min(5)]);
        (run, ovf)
    }

    #[test]
    fn random_traffic_equals_golden_axi_mode() {
        for (w, seed) in [(64, 1), (128, 2), (256, 3), (512, 4)] {
            let (jobs, _) = crate::rx_tb::traffic(seed, 40);
            let d = StreamDrive { drive: Drive { backpressure: 0.2, seed }, axi: true };
            let (_, ovf) = check(&jobs, w, &d);
            assert!(ovf.is_empty(), "AXI mode must not drop for room: {ovf:?}");
        }
    }

    #[test]
    fn mac_mode_under_back_pressure_accounts_for_every_frame() {
        let mut rng = SplitMix64::new(9);
        let jobs: Vec<_> =
            (0..120).map(|i| (fixed_size_outer(&mut rng, 60 + 13 * (i % 40), i % 2 == 0, i % 3 == 0), RxConfig::default())).collect();
        let d = StreamDrive { drive: Drive { backpressure: 0.5, seed: 5 }, axi: false };
        let (run, ovf) = check(&jobs, 64, &d);
        assert!(!run.ingress_stalled, "MAC mode lowered tready");
        assert!(!ovf.is_empty() && ovf.len() < jobs.len(), "expected some overflow drops, got {}", ovf.len());
    }

    /// Back-to-back minimum frames: the ingress never waits and every frame comes out.
    #[test]
    fn minimum_frames_back_to_back_at_line_rate() {
        for w in [64, 512] {
            let mut rng = SplitMix64::new(w as u64);
            let jobs: Vec<_> = (0..60).map(|i| (fixed_size_outer(&mut rng, 60, i % 2 == 1, false), RxConfig::default())).collect();
            let d = StreamDrive { drive: Drive::default(), axi: false };
            let (run, ovf) = check(&jobs, w, &d);
            assert!(ovf.is_empty() && !run.ingress_stalled);
            assert_eq!(run.input_cycles, run.beats, "W={w}: input took {} clocks for {} beats", run.input_cycles, run.beats);
        }
    }
}

