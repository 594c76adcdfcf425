//! Cycle-by-cycle driver of `rco_hdl::tx::TxEncap`: golden `TxDescriptor`s and host
//! frames in, outer frames and counted drops out. `encap --model hw` ([`encap_batch`]) and
//! the `sim --block tx` testbench ([`crate::tx_tb`]) both run the design through [`drive`].
//!
//! The block is driven directly (inputs, `simulate`, clock edge, `simulate`), as in
//! [`crate::csum_tb`], on the [`crate::tb`] layer. The descriptor and the frame are offered
//! on their own channels at the same time (the block takes the descriptor with the frame's
//! first beat); drops are matched to their frames by [`TxDrops`].

use crate::tb::axis::{frame_beats, AxisDriver, AxisMonitor};
use crate::tb::desc::set_desc;
use crate::tb::tx_drops::{TxDrops, TxPorts};
use crate::tb::vcd::Vcd;
use rco_golden::types::{TxDescriptor, TxError};
use rco_hdl::stream::Beat;
use rco_hdl::tx::TxEncap;
use rust_hdl::prelude::*;
use std::io::Write;

/// What a run of the design produced, per case in input order, plus cycle statistics.
#[derive(Debug, Default)]
pub struct TxRun {
    pub results: Vec<Result<Vec<u8>, TxError>>,
    pub cycles: u64,
    /// Output beats accepted by the sink.
    pub out_beats: u64,
    /// Cycles from the first to the last output beat in which the sink was ready.
    pub busy_ready_cycles: u64,
    pub drops: u64,
    /// When each output frame's last beat left.
    pub finished: crate::Cadence,
}

impl TxRun {
    /// Output beats per cycle while the output had work and the sink was ready.
    pub fn beats_per_cycle(&self) -> f64 {
        if self.busy_ready_cycles == 0 {
            0.0
        } else {
            self.out_beats as f64 / self.busy_ready_cycles as f64
        }
    }
}

/// Options of one run.
#[derive(Clone, Debug)]
pub struct DriveOpts {
    pub max_frame: usize,
    /// Probability that the sink holds `m_axis.tready` low in a cycle.
    pub backpressure: f64,
    /// Probability of an idle cycle between two input beats.
    pub idle: f64,
    pub seed: u64,
}

/// Largest `max_frame` the built RAM sizes hold (two frames per buffer).
pub const MAX_FRAME_LIMIT: usize = rco_golden::types::DEFAULT_MAX_FRAME;

/// Run `cases` through the TX hardware at `width` bits (64/128/256/512), no
/// back-pressure: the `encap --model hw` entry point.
pub fn encap_batch(
    cases: &[(Vec<u8>, TxDescriptor)],
    max_frame: usize,
    width: usize,
) -> anyhow::Result<Vec<Result<Vec<u8>, TxError>>> {
    let opts = DriveOpts { max_frame, backpressure: 0.0, idle: 0.0, seed: 1 };
    Ok(run_width(cases, &opts, width, None)?.results)
}

/// Dispatch on the data width.
pub fn run_width(
    cases: &[(Vec<u8>, TxDescriptor)],
    opts: &DriveOpts,
    width: usize,
    vcd: Option<&mut dyn Write>,
) -> anyhow::Result<TxRun> {
    anyhow::ensure!(
        (14..=MAX_FRAME_LIMIT).contains(&opts.max_frame),
        "max_frame {} outside 14..={MAX_FRAME_LIMIT}",
        opts.max_frame
    );
    with_width!(
        width,
        drive::<W, K, N, TX_A, TX_HB>(cases, opts, vcd),
        else anyhow::bail!("tx hardware: width {width} is not built (64, 128, 256 or 512)")
    )
}

/// As [`run_width`] with the input beats given explicitly (any `tkeep`, e.g. holes that a
/// byte string cannot express); beats have `width / 8` lanes.
pub fn run_width_beats(
    cases: &[(Vec<Beat>, TxDescriptor)],
    opts: &DriveOpts,
    width: usize,
) -> anyhow::Result<TxRun> {
    anyhow::ensure!(
        (14..=MAX_FRAME_LIMIT).contains(&opts.max_frame),
        "max_frame {} outside 14..={MAX_FRAME_LIMIT}",
        opts.max_frame
    );
    anyhow::ensure!(
        cases.iter().all(|(b, _)| !b.is_empty() && b.iter().all(|x| x.data.len() * 8 == width)),
        "tx hardware: beats of {} lanes",
        width / 8
    );
    with_width!(
        width,
        drive_beats::<W, K, N, TX_A, TX_HB>(cases, opts, None),
        else anyhow::bail!("tx hardware: width {width} is not built (64, 128, 256 or 512)")
    )
}

/// Cycles without any handshake after which a run is declared deadlocked.
const STALL_LIMIT: u64 = 20_000;

/// Run `cases` through a fresh `TxEncap<W, K, N, A, HB>` and attribute every output frame
/// and every drop to its case. Errors on deadlock (no handshake for `STALL_LIMIT` cycles
/// with work outstanding), a cycle bound, or a circuit that does not settle.
pub fn drive<const W: usize, const K: usize, const N: usize, const A: usize, const HB: usize>(
    cases: &[(Vec<u8>, TxDescriptor)],
    opts: &DriveOpts,
    vcd_out: Option<&mut dyn Write>,
) -> anyhow::Result<TxRun> {
    let cases: Vec<(Vec<Beat>, TxDescriptor)> = cases.iter().map(|(f, d)| (frame_beats(f, K), d.clone())).collect();
    drive_beats::<W, K, N, A, HB>(&cases, opts, vcd_out)
}

/// [`drive`] with the input beats of every case given (`K` lanes each).
pub fn drive_beats<const W: usize, const K: usize, const N: usize, const A: usize, const HB: usize>(
    cases: &[(Vec<Beat>, TxDescriptor)],
    opts: &DriveOpts,
    vcd_out: Option<&mut dyn Write>,
) -> anyhow::Result<TxRun> {
    let mut uut = TxEncap::<W, K, N, A, HB>::new(opts.max_frame);
    uut.connect_all();
    rust_hdl::core::check_error::check_all(&uut)
        .map_err(|e| anyhow::anyhow!("tx_encap check: {e:?}"))?;
    let mut vcd = Vcd::new(vcd_out, &uut);
    let mut rng = rco_golden::rng::SplitMix64::new(opts.seed ^ 0x7458_656E_6361_7053);

    let total_in: u64 = cases.iter().map(|(b, _)| b.len() as u64).sum();
    let bound = 10_000
        + (40 * cases.len() as u64 + 4 * total_in) * if opts.backpressure > 0.0 { (1.0 / (1.0 - opts.backpressure)).ceil() as u64 + 1 } else { 1 };

    let n = cases.len();
    let mut di = 0usize; // next descriptor
    let mut input = AxisDriver::new(cases.iter().map(|(b, _)| b.clone()).collect());
    let mut output = AxisMonitor::default();
    let mut drops = TxDrops::default();
    let mut outcome: Vec<Option<Result<(), TxError>>> = vec![None; n];
    let mut frames: Vec<Vec<u8>> = Vec::new();
    let mut run = TxRun::default();
    let (mut first_out, mut last_out) = (None::<u64>, 0u64);
    let mut ready_hist: Vec<bool> = Vec::new();
    let mut last_progress = 0u64;
    let mut idle_now = false;

    for c in 0..bound {
        let done_cases = outcome.iter().filter(|o| o.is_some()).count();
        if done_cases == n && input.done() && !output.mid_frame() {
            break;
        }
        // inputs for this cycle
        uut.clock.next = false.into();
        uut.desc.valid.next = di < n;
        if di < n {
            set_desc(&mut uut.desc, &cases[di].1);
        }
        input.drive(&mut uut.s_axis, !idle_now);
        let sink_ready = !(opts.backpressure > 0.0 && rng.chance(opts.backpressure));
        uut.m_axis.tready.next = sink_ready;
        anyhow::ensure!(simulate(&mut uut, 200), "tx_encap: no convergence in cycle {c}");

        // handshakes seen before the edge
        let desc_fire = di < n && uut.desc.ready.val();
        let taken = input.take(&uut.s_axis);
        let seen = output.sample(&uut.m_axis, sink_ready).map_err(|e| anyhow::anyhow!("tx_encap: {e} at cycle {c}"))?;
        if seen.fired {
            run.out_beats += 1;
            first_out.get_or_insert(c);
            last_out = c;
        }
        if let Some(f) = seen.frame {
            frames.push(f);
            run.finished.mark(c);
        }
        ready_hist.push(sink_ready);
        vcd.sample(c, false, &uut)?;
        uut.clock.next = true.into();
        anyhow::ensure!(simulate(&mut uut, 200), "tx_encap: no convergence in cycle {c}");
        vcd.sample(c, true, &uut)?;
        run.cycles = c + 1;

        if desc_fire {
            di += 1;
        }
        if let Some(t) = taken.filter(|t| t.last) {
            drops.frame_in(c, t.frame);
        }
        idle_now = opts.idle > 0.0 && rng.chance(opts.idle);
        for (f, err) in drops.step(c, uut.tx_drop_counts())? {
            anyhow::ensure!(outcome[f].is_none(), "two outcomes for case {f}");
            outcome[f] = Some(Err(err));
            run.drops += 1;
        }
        // output frames belong, in order, to the cases that were not dropped
        while frames.len() > outcome.iter().filter(|o| matches!(o, Some(Ok(())))).count() {
            let next = outcome.iter().position(|o| o.is_none());
            match next {
                Some(i) if i < di => outcome[i] = Some(Ok(())),
                _ => anyhow::bail!("tx_encap: an output frame that no accepted packet explains"),
            }
        }
        if desc_fire || taken.is_some() || seen.fired {
            last_progress = c;
        }
        anyhow::ensure!(
            c - last_progress < STALL_LIMIT,
            "tx_encap deadlock: no handshake for {STALL_LIMIT} cycles at cycle {c} \
             ({di} descriptors, {} frames in, {} out)",
            input.frames_in(),
            frames.len()
        );
    }
    let done_cases = outcome.iter().filter(|o| o.is_some()).count();
    anyhow::ensure!(
        done_cases == n && !output.mid_frame(),
        "tx_encap timeout after {} cycles: {} of {n} packets accounted for",
        run.cycles,
        done_cases
    );
    if let Some(f) = first_out {
        run.busy_ready_cycles = ready_hist[f as usize..=last_out as usize].iter().filter(|r| **r).count() as u64;
    }
    run.results = results(outcome, frames);
    Ok(run)
}

/// Each case's result: its drop, or the next output frame (every case has an outcome, and
/// there is a frame for each one not dropped).
pub(crate) fn results(outcome: Vec<Option<Result<(), TxError>>>, frames: Vec<Vec<u8>>) -> Vec<Result<Vec<u8>, TxError>> {
    let mut frames = frames.into_iter();
    outcome
        .into_iter()
        .map(|o| match o {
            Some(Ok(())) => Ok(frames.next().expect("a frame for each case not dropped")),
            Some(Err(e)) => Err(e),
            None => unreachable!("every case has an outcome"),
        })
        .collect()
}
