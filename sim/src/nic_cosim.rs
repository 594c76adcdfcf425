//! Cosimulation of the exported NIC top (`rco_nic_wN`) in loopback with Icarus Verilog or
//! Verilator: sim/tb/nic_tb.v joins its `tx_m_axis` to its `rx_s_axis` as
//! [`crate::loopback_tb`] does, and the result comes back as a [`LoopRun`], so that
//! [`crate::loopback_tb::check`] compares it with golden as it does the rust-hdl run.
//!
//! The testbench takes the TX block's stimulus files ([`crate::tx_cosim::prepare`] writes
//! them) and writes what the TX and RX testbenches write, read back here with their readers:
//! `out.txt` ([`crate::tx_cosim::collect`]: the wire frames and the TX drops, one per case),
//! `events.txt` ([`crate::rx_cosim::read_events`]: RX deliveries and drops in order, RX
//! counters), plus `counters.txt` with the TX counters. Compilation and the run use
//! [`crate::csum_cosim`]'s runners.

use crate::loopback_tb::{LoopRun, Outcome};
use rco_golden::types::{RxConfig, TxDescriptor};
use std::path::Path;

/// The loopback testbench (sim/tb/nic_tb.v): parameters `W`, `NCASE`, `NBEAT`, `BP`, `SEED`,
/// `BOUND`, `PORT`, `RCO_RX`, `NOPARTIAL`, `UDP6Z`; the design module is the define `DUT`.
pub const NIC_TB: &str = include_str!("../tb/nic_tb.v");

/// The NIC top's Verilog for `cfg.max_frame` and its module name.
pub fn nic_verilog(width: usize, cfg: &RxConfig) -> anyhow::Result<(String, String)> {
    Ok((rco_export::nic_verilog(width, cfg.max_frame)?, rco_export::nic_module(width, cfg.max_frame)))
}

/// Write stimulus, testbench and design into `dir`: `cases` through the NIC whose RX runs
/// with `cfg`, `rx_m_axis.tready` low with probability `bp` (drawn from `seed`).
#[allow(clippy::too_many_arguments)]
pub fn prepare(
    dir: &Path,
    verilog: &str,
    top: &str,
    width: usize,
    cases: &[(Vec<u8>, TxDescriptor)],
    cfg: &RxConfig,
    bp: f64,
    seed: u32,
) -> anyhow::Result<()> {
    anyhow::ensure!(cases.iter().all(|(f, _)| !f.is_empty()), "nic cosim: empty host frame");
    anyhow::ensure!(rco_hdl::rx::NUM_DROP_REASONS == 14, "nic cosim: nic_tb.v connects 14 drop counters");
    // the TX block's files; its testbench is replaced below
    crate::tx_cosim::prepare(dir, verilog, top, width, cases, bp)?;
    let k = width / 8;
    let beats: usize = cases.iter().map(|(f, _)| f.len().div_ceil(k)).sum();
    // generous for both ends slowed by back-pressure; a hang ends there with errors=1
    let slow = (2.0 / (1.0 - bp).max(0.01)).ceil() as usize;
    let bound = 20_000 + (80 * cases.len() + 4 * beats) * slow;
    let params = [
        ("W", width as u64),
        ("NCASE", cases.len() as u64),
        ("NBEAT", beats as u64),
        ("BP", (bp * 256.0) as u64),
        ("SEED", seed as u64),
        ("BOUND", bound as u64),
        ("PORT", cfg.port as u64),
        ("RCO_RX", cfg.remcsum_rx as u64),
        ("NOPARTIAL", cfg.nopartial as u64),
        ("UDP6Z", cfg.udp_zero_csum6_rx as u64),
    ];
    crate::csum_cosim::write_tb(dir, NIC_TB, top, &params)
}

/// The run in `dir` as a [`LoopRun`]: a TX drop is the case's outcome, and the RX results,
/// in order, belong to the cases TX passed (each wire frame gives one RX result).
pub fn collect(dir: &Path, ncase: usize, width: usize) -> anyhow::Result<LoopRun> {
    let tx = crate::tx_cosim::collect(dir, ncase, width)?;
    let (rx, rx_counters) = crate::rx_cosim::read_events(dir, width)?;
    let passed = tx.iter().filter(|t| t.is_ok()).count();
    anyhow::ensure!(rx.len() == passed, "nic cosim: {} RX results for {passed} wire frames", rx.len());
    let mut rx = rx.into_iter();
    let mut run = LoopRun { rx_counters, wire_seen: true, ..Default::default() };
    for t in tx {
        match t {
            Err(e) => run.outcomes.push(Outcome::Tx(e)),
            Ok(w) => {
                run.outcomes.push(Outcome::Rx(rx.next().expect("counted above")));
                run.wire_beats += w.len().div_ceil(width / 8) as u64;
                run.wire.push((0, w));
            }
        }
    }
    let text = std::fs::read_to_string(dir.join("counters.txt"))?;
    let v: Vec<u64> = text.split_whitespace().map(str::parse).collect::<Result<_, _>>()?;
    anyhow::ensure!(v.len() == run.tx_counters.len() + 1, "nic cosim: counters.txt {text:?}");
    run.tx_counters.copy_from_slice(&v[..v.len() - 1]);
    run.tx_frames_out = v[v.len() - 1];
    Ok(run)
}
