//! Cycle-by-cycle driver of the RX hardware (`rco_hdl::rx::RxTop`): frames in (back to back
//! unless the ingress pushes back), inner frames + metadata and in-order drop events out.
//! `rco-nic decap --model hw`, `sim --block rx` and the RX tests run through [`run_width`].
//!
//! The block is driven directly (inputs, `simulate()`, clock edge, `simulate()`), as in
//! `csum_tb`. A configuration change waits until every earlier frame is accounted for (the
//! hardware's configuration inputs are static per packet). The run errors out if the design
//! makes no progress for [`STALL_LIMIT`] cycles (a hang or deadlock).
//!
//! Ingress mode: AXI back-pressure by default here (lossless, so every frame has golden's
//! result), MAC mode with [`Drive::mac`]. A MAC-mode frame that finds no room is dropped whole
//! and only counted (`overflow`, no drop event): [`account`] attributes the frames missing
//! from the results to it, exactly.

use crate::tb::axis::{AxisDriver, AxisMonitor};
use crate::tb::rx_ports::{RxCounters, RxPorts};
use crate::tb::vcd::Vcd;
use rco_golden::rng::SplitMix64;
use rco_golden::types::{DropReason, RxConfig, RxMeta};
use rco_hdl::rx::{RxTop, DROP_OVERFLOW};
use rco_hdl::stream::{packet_beats, Beat};
use rust_hdl::prelude::*;
use std::io::Write;

/// Cycles without any input beat, output beat or drop, while work is pending, that
/// count as a deadlock.
pub const STALL_LIMIT: u64 = 20_000;
/// Cycles the pipeline stays quiet, with every frame in and accounted for, before a run ends
/// (so late counter updates are seen).
const SETTLE: u64 = 4;

pub type RxResult = Result<(Vec<u8>, RxMeta), DropReason>;

/// What a run saw.
#[derive(Debug, Default)]
pub struct RxRun {
    /// Deliveries and drop events in input order; frames dropped as `overflow` have none.
    pub results: Vec<RxResult>,
    /// The hardware's per-reason drop counters at the end (order of `DropReason::ALL`).
    pub counters: Vec<u64>,
    /// Cycles until the last frame is accounted for.
    pub cycles: u64,
    /// Cycles in which an input beat was offered (tvalid high).
    pub offered: u64,
    /// Input beats accepted.
    pub accepted: u64,
    /// Cycles from the first offered beat to the last accepted one.
    pub input_cycles: u64,
    /// `s_axis.tready` was low while a beat was offered.
    pub ingress_stalled: bool,
    /// When each result came out.
    pub finished: crate::Cadence,
}

impl RxRun {
    /// Frames dropped as `overflow`.
    pub fn overflows(&self) -> u64 {
        self.counters.get(DROP_OVERFLOW as usize).copied().unwrap_or(0)
    }
}

/// Stimulus options.
#[derive(Clone, Debug, Default)]
pub struct Drive {
    /// Probability that `m_axis.tready` is low in a cycle.
    pub backpressure: f64,
    pub seed: u64,
    /// MAC-mode ingress (`tready` always high, `overflow` drops) instead of AXI back-pressure.
    pub mac: bool,
}

/// Decapsulate `frames` through the hardware at data width `width` with one
/// configuration; results in input order (golden `rx_decap`'s shape).
pub fn decap_batch(frames: &[Vec<u8>], cfg: &RxConfig, width: usize) -> anyhow::Result<Vec<RxResult>> {
    let jobs: Vec<(Vec<u8>, RxConfig)> = frames.iter().map(|f| (f.clone(), cfg.clone())).collect();
    Ok(run_width(&jobs, width, &Drive::default(), None)?.results)
}

/// Bytes of the largest frame the RX buffer at `width` holds.
pub fn capacity(width: usize) -> anyhow::Result<usize> {
    Ok(with_width!(
        width,
        RxTop::<W, K, N, RX_AW, RX_AB, RX_Q>::capacity(),
        else anyhow::bail!("RX hardware: width {width} is not built (64, 128, 256 or 512)")
    ))
}

/// Errors (one line) for a job the RX at `width` cannot take: a `max_frame` beyond its buffer, or
/// an empty frame.
pub fn check_jobs(jobs: &[(Vec<u8>, RxConfig)], width: usize) -> anyhow::Result<()> {
    let cap = capacity(width)?;
    for (f, c) in jobs {
        anyhow::ensure!(
            c.max_frame <= cap,
            "RX hardware: max_frame {} exceeds the packet buffer ({cap} bytes at {width} bits)",
            c.max_frame
        );
        anyhow::ensure!(!f.is_empty(), "RX hardware: empty frame");
    }
    Ok(())
}

/// Run `jobs` (frame, configuration) at `width` (64, 128, 256 or 512).
pub fn run_width(
    jobs: &[(Vec<u8>, RxConfig)],
    width: usize,
    drive: &Drive,
    vcd: Option<&mut dyn Write>,
) -> anyhow::Result<RxRun> {
    check_jobs(jobs, width)?;
    let packets: Vec<_> = jobs.iter().map(|(f, c)| (packet_beats(f, width / 8), c.clone())).collect();
    run_beats(&packets, width, drive, vcd)
}

/// Run packets given as explicit beats (any `tkeep`, e.g. holes) with their configurations.
pub fn run_beats(
    packets: &[(Vec<Beat>, RxConfig)],
    width: usize,
    drive: &Drive,
    vcd: Option<&mut dyn Write>,
) -> anyhow::Result<RxRun> {
    capacity(width)?;
    anyhow::ensure!(
        packets.iter().all(|(b, _)| !b.is_empty() && b.iter().all(|x| x.data.len() * 8 == width)),
        "RX hardware: every packet needs beats of {} lanes",
        width / 8
    );
    with_width!(width, run_rx::<W, K, N, RX_AW, RX_AB, RX_Q>(packets, drive, vcd), else unreachable!("capacity checked the width"))
}

/// [`run_beats`] with one configuration for every packet, AXI back-pressure at the input and
/// `m_axis.tready` low with probability `backpressure`: the results in order and the
/// per-reason counters.
pub fn run_raw_beats(
    packets: &[Vec<Beat>],
    cfg: &RxConfig,
    width: usize,
    backpressure: f64,
    seed: u64,
) -> anyhow::Result<(Vec<RxResult>, Vec<u64>)> {
    let jobs: Vec<_> = packets.iter().map(|b| (b.clone(), cfg.clone())).collect();
    let run = run_beats(&jobs, width, &Drive { backpressure, seed, mac: false }, None)?;
    Ok((run.results, run.counters))
}

fn apply_cfg<const W: usize, const K: usize, const N: usize, const AW: usize, const AB: usize, const Q: usize>(
    uut: &mut RxTop<W, K, N, AW, AB, Q>,
    cfg: &RxConfig,
) {
    uut.port.next = (cfg.port as u64).into();
    uut.remcsum_rx.next = cfg.remcsum_rx;
    uut.nopartial.next = cfg.nopartial;
    uut.udp_zero_csum6_rx.next = cfg.udp_zero_csum6_rx;
    uut.max_frame.next = (cfg.max_frame as u64).into();
}

/// Run `jobs` through `RxTop<W, K, N, AW, AB, Q>`.
fn run_rx<const W: usize, const K: usize, const N: usize, const AW: usize, const AB: usize, const Q: usize>(
    jobs: &[(Vec<Beat>, RxConfig)],
    drive: &Drive,
    vcd_out: Option<&mut dyn Write>,
) -> anyhow::Result<RxRun> {
    // on the heap: the wide RX is larger than a test thread's stack
    let mut uut = Box::new(RxTop::<W, K, N, AW, AB, Q>::default());
    uut.connect_all();
    let mut vcd = Vcd::new(vcd_out, &*uut);
    let mut rng = SplitMix64::new(drive.seed ^ 0x5258);
    let mut run = RxRun::default();
    let mut input = AxisDriver::new(jobs.iter().map(|(b, _)| b.clone()).collect());
    let mut output = AxisMonitor::default();
    let mut cur_cfg: Option<RxConfig> = None;
    let (mut c, mut idle_since, mut settled) = (0u64, 0u64, 0u64);
    let (mut first_offer, mut in_done) = (None, None);
    loop {
        let overflows = uut.rx_counter(DROP_OVERFLOW as usize);
        let accounted = run.results.len() as u64 + overflows;
        let pkt = input.frames_in();
        if pkt == jobs.len() && accounted >= jobs.len() as u64 {
            settled += 1;
            if settled > SETTLE {
                break;
            }
        }
        // switch configuration only with nothing in flight
        let mut offer = false;
        if pkt < jobs.len() {
            let want = &jobs[pkt].1;
            if input.mid_frame() || cur_cfg.as_ref() == Some(want) {
                offer = true;
            } else if accounted == pkt as u64 {
                cur_cfg = Some(want.clone());
                offer = true;
            }
        }
        if let Some(cfg) = &cur_cfg {
            apply_cfg(&mut *uut, cfg);
        }
        uut.backpressure.next = !drive.mac;
        uut.clock.next = false.into();
        let offered = input.drive(&mut uut.s_axis, offer);
        let ready = !(drive.backpressure > 0.0 && rng.chance(drive.backpressure));
        uut.m_axis.tready.next = ready;
        anyhow::ensure!(simulate(&mut *uut, 200), "RX hardware: no convergence in cycle {c}");
        let mut progress = false;
        if offered {
            run.offered += 1;
            first_offer.get_or_insert(c);
            match input.take(&uut.s_axis) {
                Some(t) => {
                    run.accepted += 1;
                    progress = true;
                    if t.last && input.done() {
                        in_done = Some(c + 1);
                    }
                }
                None => run.ingress_stalled = true,
            }
        }
        let seen = output.sample(&uut.m_axis, ready).map_err(|e| anyhow::anyhow!("RX hardware: {e} at cycle {c}"))?;
        progress |= seen.fired;
        if let Some(frame) = seen.frame {
            run.results.push(Ok((frame, uut.rx_meta())));
            run.finished.mark(c);
        }
        if let Some(reason) = uut.rx_drop().map_err(|e| anyhow::anyhow!("RX hardware: {e}"))? {
            progress = true;
            run.results.push(Err(reason));
            run.finished.mark(c);
        }
        anyhow::ensure!(run.results.len() <= jobs.len(), "RX hardware: more results than frames");
        if uut.rx_counter(DROP_OVERFLOW as usize) != overflows {
            progress = true;
        }
        vcd.sample(c, false, &*uut)?;
        uut.clock.next = true.into();
        anyhow::ensure!(simulate(&mut *uut, 200), "RX hardware: no convergence in cycle {c}");
        vcd.sample(c, true, &*uut)?;
        c += 1;
        if progress {
            idle_since = c;
        }
        anyhow::ensure!(
            c - idle_since < STALL_LIMIT,
            "RX hardware: no progress for {STALL_LIMIT} cycles at cycle {c} ({} of {} frames in, {} results out): deadlock",
            input.frames_in(),
            jobs.len(),
            run.results.len()
        );
    }
    // the cycles before the first check that found every frame accounted for
    run.cycles = c - (settled - 1);
    run.input_cycles = in_done.unwrap_or(c) - first_offer.unwrap_or(0);
    run.counters = uut.rx_counters();
    Ok(run)
}

/// How a run compares with golden's results `expect`: mismatches (frame index, what), and the
/// frames dropped as `overflow`. The hardware's results must be golden's in order with the
/// overflowed frames missing, and as many missing as the `overflow` counter says; every other
/// counter must be golden's less the verdicts of the frames that overflowed.
pub fn account(expect: &[RxResult], run: &RxRun) -> (Vec<(usize, String)>, Vec<usize>) {
    let mut errs = Vec::new();
    let mut overflowed = Vec::new();
    let budget = run.overflows() as usize;
    let mut r = run.results.iter().peekable();
    for (i, want) in expect.iter().enumerate() {
        match r.peek() {
            Some(got) if *got == want => {
                r.next();
            }
            Some(got) => {
                // missing only if the hardware's next result is one of the next frames' that
                // the overflow count leaves room for; otherwise a mismatch
                let room = budget.saturating_sub(overflowed.len());
                if expect[i + 1..].iter().take(room).any(|w| w == *got) {
                    overflowed.push(i);
                } else {
                    errs.push((i, format!("hw {} / golden {}", brief(got), brief(want))));
                    r.next();
                }
            }
            None => overflowed.push(i),
        }
    }
    if overflowed.len() != budget {
        errs.push((expect.len(), format!("{} frames missing, overflow counter {budget}", overflowed.len())));
    }
    // the frames that overflowed count as overflow, not as golden's verdict on them
    let verdicts = expect.iter().enumerate().filter(|(i, _)| !overflowed.contains(i)).filter_map(|(_, e)| e.as_ref().err());
    let mut want = DropReason::histogram(verdicts).to_vec();
    want[DROP_OVERFLOW as usize] += overflowed.len() as u64;
    if run.counters != want {
        errs.push((expect.len(), format!("counters hw {:?} / expected {:?}", run.counters, want)));
    }
    (errs, overflowed)
}

pub fn brief(r: &RxResult) -> String {
    match r {
        Ok((f, m)) => format!("frame {} bytes {:?}", f.len(), m),
        Err(e) => format!("drop {e}"),
    }
}
