//! Cycle-by-cycle driver of `rco_hdl::rx_path::RxPath`: frames in, inner frames +
//! metadata or drop reasons out, in input order. `rco-nic decap --model hw` and the
//! `sim --block rx` testbench both run through [`run_rx`].
//!
//! The block is driven directly (inputs, `simulate()`, clock edge, `simulate()`), as in
//! `csum_tb`. A configuration change waits until every earlier frame has come out (the
//! hardware's configuration inputs are static per packet). The run errors out if the
//! design makes no progress for [`STALL_LIMIT`] cycles (a hang or deadlock).

use rco_golden::types::{DropReason, RxConfig, RxMeta};
use rco_golden::rng::SplitMix64;
use rco_hdl::rx_path::{RxPath, NUM_DROP_REASONS};
use rco_hdl::stream::{packet_beats, tdata_from_lanes};
use rust_hdl::prelude::*;
use std::io::Write;

/// Cycles without any input beat, output beat or drop, while work is pending, that
/// count as a deadlock.
pub const STALL_LIMIT: u64 = 20_000;
/// Cycles of the VCD that a run writes at most.
pub const VCD_MAX_CYCLES: u64 = 20_000;
/// Simulated clock period in the VCD (ps): 156.25 MHz.
const PERIOD_PS: u64 = 6400;

pub type RxResult = Result<(Vec<u8>, RxMeta), DropReason>;

/// What a run saw.
#[derive(Debug, Default)]
pub struct RxRun {
    pub results: Vec<RxResult>,
    /// The hardware's per-reason drop counters at the end (order of `DropReason::ALL`).
    pub counters: Vec<u64>,
    pub cycles: u64,
    /// Cycles in which an input beat was offered (tvalid high).
    pub offered: u64,
    /// Input beats accepted.
    pub accepted: u64,
}

/// Stimulus options.
#[derive(Clone, Debug, Default)]
pub struct Drive {
    /// Probability that `m_axis.tready` is low in a cycle.
    pub backpressure: f64,
    pub seed: u64,
}

/// Decapsulate `frames` through the hardware at data width `width` with one
/// configuration; results in input order (golden `rx_decap`'s shape).
pub fn decap_batch(frames: &[Vec<u8>], cfg: &RxConfig, width: usize) -> anyhow::Result<Vec<RxResult>> {
    let jobs: Vec<(Vec<u8>, RxConfig)> = frames.iter().map(|f| (f.clone(), cfg.clone())).collect();
    Ok(run_width(&jobs, width, &Drive::default(), None)?.results)
}

/// Run `jobs` (frame, configuration) at `width` (64, 128 or 256).
pub fn run_width(
    jobs: &[(Vec<u8>, RxConfig)],
    width: usize,
    drive: &Drive,
    vcd: Option<&mut dyn Write>,
) -> anyhow::Result<RxRun> {
    match width {
        64 => run_rx::<64, 8, 4, 11>(jobs, drive, vcd),
        128 => run_rx::<128, 16, 8, 10>(jobs, drive, vcd),
        256 => run_rx::<256, 32, 16, 9>(jobs, drive, vcd),
        w => anyhow::bail!("RX hardware: width {w} is not built (64, 128 or 256)"),
    }
}

fn lanes_of<const W: usize>(v: &Bits<W>, k: usize) -> Vec<u8> {
    if W <= 64 {
        let x = v.to_u64();
        return (0..k).map(|i| (x >> (8 * i)) as u8).collect();
    }
    let mut out = Vec::with_capacity(k);
    for j in 0..W / 32 {
        let w = v.get_bits::<32>(32 * j).to_u64() as u32;
        out.extend_from_slice(&w.to_le_bytes());
    }
    out
}

fn apply_cfg<const W: usize, const K: usize, const N: usize, const AW: usize>(
    uut: &mut RxPath<W, K, N, AW>,
    cfg: &RxConfig,
) {
    uut.port.next = (cfg.port as u64).into();
    uut.remcsum_rx.next = cfg.remcsum_rx;
    uut.nopartial.next = cfg.nopartial;
    uut.udp_zero_csum6_rx.next = cfg.udp_zero_csum6_rx;
    uut.max_frame.next = (cfg.max_frame as u64).into();
}

/// Run `jobs` through `RxPath<W, K, N, AW>`.
pub fn run_rx<const W: usize, const K: usize, const N: usize, const AW: usize>(
    jobs: &[(Vec<u8>, RxConfig)],
    drive: &Drive,
    vcd_out: Option<&mut dyn Write>,
) -> anyhow::Result<RxRun> {
    let cap = RxPath::<W, K, N, AW>::capacity();
    for (f, c) in jobs {
        anyhow::ensure!(
            c.max_frame <= cap,
            "RX hardware: max_frame {} exceeds the packet buffer ({cap} bytes at {W} bits)",
            c.max_frame
        );
        anyhow::ensure!(!f.is_empty(), "RX hardware: empty frame");
    }
    let mut uut = RxPath::<W, K, N, AW>::new();
    uut.connect_all();
    let mut vcd = vcd_out.map(|w| write_vcd_dump(write_vcd_header(w, &uut), &uut));
    let mut rng = SplitMix64::new(drive.seed ^ 0x5258);
    let mut run = RxRun::default();
    let beats: Vec<_> = jobs.iter().map(|(f, _)| packet_beats(f, K)).collect();
    let (mut pkt, mut beat) = (0usize, 0usize);
    let mut cur_cfg: Option<RxConfig> = None;
    let mut frame_buf: Vec<u8> = Vec::new();
    let mut idle_since = 0u64;
    let zero = vec![0u8; K];
    let mut c = 0u64;
    while run.results.len() < jobs.len() {
        // switch configuration only with nothing in flight
        let mut offer = false;
        if pkt < jobs.len() {
            let want = &jobs[pkt].1;
            if beat > 0 || cur_cfg.as_ref() == Some(want) {
                offer = true;
            } else if run.results.len() == pkt {
                cur_cfg = Some(want.clone());
                offer = true;
            }
        }
        if let Some(cfg) = &cur_cfg {
            apply_cfg(&mut uut, cfg);
        }
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
        let ready = !(drive.backpressure > 0.0 && rng.chance(drive.backpressure));
        uut.m_axis.tready.next = ready;
        anyhow::ensure!(simulate(&mut uut, 200), "RX hardware: no convergence in cycle {c}");
        let mut progress = false;
        if offer {
            run.offered += 1;
            if uut.s_axis.tready.val() {
                run.accepted += 1;
                progress = true;
                beat += 1;
                if beat == beats[pkt].len() {
                    pkt += 1;
                    beat = 0;
                }
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
                anyhow::ensure!(run.results.len() < jobs.len(), "RX hardware: more frames out than in");
                run.results.push(Ok((std::mem::take(&mut frame_buf), meta)));
            }
        }
        if uut.drop_valid.val() {
            progress = true;
            let code = uut.drop_reason.val().to_u64() as usize;
            anyhow::ensure!(code < NUM_DROP_REASONS, "RX hardware: drop code {code}");
            anyhow::ensure!(run.results.len() < jobs.len(), "RX hardware: more drops than frames");
            run.results.push(Err(DropReason::ALL[code]));
        }
        if c < VCD_MAX_CYCLES {
            if let Some(v) = vcd.as_mut() {
                v.timestamp(c * PERIOD_PS)?;
            }
            vcd = vcd.map(|v| write_vcd_change(v, &uut));
        }
        uut.clock.next = true.into();
        anyhow::ensure!(simulate(&mut uut, 200), "RX hardware: no convergence in cycle {c}");
        if c < VCD_MAX_CYCLES {
            if let Some(v) = vcd.as_mut() {
                v.timestamp(c * PERIOD_PS + PERIOD_PS / 2)?;
            }
            vcd = vcd.map(|v| write_vcd_change(v, &uut));
        }
        c += 1;
        if progress {
            idle_since = c;
        }
        anyhow::ensure!(
            c - idle_since < STALL_LIMIT,
            "RX hardware: no progress for {STALL_LIMIT} cycles at cycle {c} ({} of {} frames in, {} results out): deadlock",
            pkt,
            jobs.len(),
            run.results.len()
        );
    }
    run.cycles = c;
    run.counters = (0..NUM_DROP_REASONS).map(|i| uut.drop_count[i].val().to_u64()).collect();
    Ok(run)
}
