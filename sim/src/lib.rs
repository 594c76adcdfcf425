//! rco-sim: testbenches that drive rco-hdl blocks from golden vectors.
//! This is where golden/ and hdl/ meet; neither imports the other.

// `with_width!` in every module
#[macro_use]
extern crate rco_hdl;

pub mod bench;
pub mod csum_cosim;
pub mod csum_tb;
pub mod ip_core_tb;
pub mod loopback_tb;
pub mod nic_cosim;
pub mod port_vcd;
pub mod nic_model;
pub mod rx_cosim;
pub mod rx_decide_tb;
pub mod rx_model;
pub mod rx_tb;
pub mod sized;
pub mod tb;
pub mod tx_cosim;
pub mod tx_model;
pub mod tx_tb;
pub mod verilator;
pub mod vl_model;

use std::fmt;
use std::path::PathBuf;

/// Options shared by every `rco-nic sim --block ...` run.
#[derive(Clone, Debug, Default)]
pub struct SimOpts {
    pub packets: usize,
    pub seed: u64,
    /// Data width in bits (64, 128, 256, ...).
    pub width: usize,
    /// Probability that the sink holds `tready` low on a cycle.
    pub backpressure: f64,
    pub vcd: Option<PathBuf>,
    /// Fixed-size back-to-back traffic instead of the block's random traffic
    /// (`--frame-size`; tx, rx and loopback).
    pub sized: Option<sized::SizedTraffic>,
    /// RX ingress with AXI back-pressure instead of MAC mode (`--rx-ingress axi`; rx block).
    pub rx_axi: bool,
}

/// The one summary line scripts read.
#[derive(Clone, Debug, Default)]
pub struct SimSummary {
    pub block: String,
    pub packets: usize,
    pub mismatches: usize,
    pub beats_per_cycle: f64,
    pub cycles: u64,
    pub drops: u64,
    /// Clocks per frame in the steady state ([`Cadence`]); not in the summary line.
    pub steady_cycles_per_frame: Option<f64>,
}

/// The clocks in which a run's frames were finished (delivered, or decided as dropped):
/// the interval between the first and the last is the steady-state cadence, free of the
/// pipeline's fill and drain that the whole run's cycles include.
#[derive(Clone, Copy, Debug, Default)]
pub struct Cadence {
    first: Option<u64>,
    last: u64,
    frames: u64,
}

impl Cadence {
    /// A frame was finished in clock `cycle`.
    pub fn mark(&mut self, cycle: u64) {
        self.first.get_or_insert(cycle);
        self.last = cycle;
        self.frames += 1;
    }

    /// Clocks between the first and the last finished frame over the frames after the
    /// first; `None` with fewer than two frames.
    pub fn cycles_per_frame(&self) -> Option<f64> {
        match self.first {
            Some(f) if self.frames >= 2 => Some((self.last - f) as f64 / (self.frames - 1) as f64),
            _ => None,
        }
    }
}

impl SimSummary {
    /// The whole run's cycles per frame.
    pub fn cycles_per_frame(&self) -> f64 {
        if self.packets == 0 {
            0.0
        } else {
            self.cycles as f64 / self.packets as f64
        }
    }
}

impl fmt::Display for SimSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "sim block={} packets={} mismatches={} beats_per_cycle={:.3} cycles={} cycles_per_frame={:.3} drops={}",
            self.block,
            self.packets,
            self.mismatches,
            self.beats_per_cycle,
            self.cycles,
            self.cycles_per_frame(),
            self.drops
        )
    }
}

/// Which simulator runs a hardware block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// rust-hdl's own simulator (`--model hw`).
    RustHdl,
    /// The exported Verilog under Verilator (`--model verilator`, [`verilator`]).
    Verilator,
}

/// Run the testbench of one block.
pub fn run_sim(block: &str, opts: &SimOpts) -> anyhow::Result<SimSummary> {
    run_sim_with(block, opts, Engine::RustHdl)
}

/// Run the testbench of one block on `engine`: the same traffic, checks and summary.
pub fn run_sim_with(block: &str, opts: &SimOpts, engine: Engine) -> anyhow::Result<SimSummary> {
    if engine == Engine::Verilator {
        anyhow::ensure!(opts.vcd.is_none(), "--vcd is written by --model hw only");
        anyhow::ensure!(block != "csum", "sim --block csum has no --model verilator (its cosimulation: tests/it/csum_cosim.rs)");
    }
    match block {
        "csum" if opts.sized.is_some() => anyhow::bail!("sim --block csum: --frame-size is for tx, rx and loopback"),
        "csum" => csum_tb::run(opts),
        "rx" => rx_tb::run_with(opts, engine),
        "tx" => tx_tb::run_with(opts, engine),
        "loopback" => loopback_tb::run_with(opts, engine),
        _ => anyhow::bail!("sim --block {block}: this block is not built yet"),
    }
}
