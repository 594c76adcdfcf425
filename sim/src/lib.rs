//! rco-sim: testbenches that drive rco-hdl blocks from golden vectors.
//! This is where golden/ and hdl/ meet; neither imports the other.

pub mod csum_cosim;
pub mod csum_tb;
pub mod loopback_tb;
pub mod rx_cosim;
pub mod rx_decide_tb;
pub mod rx_model;
pub mod rx_stream;
pub mod rx_tb;
pub mod tx_cosim;
pub mod tx_model;
pub mod tx_tb;

use std::fmt;
use std::path::PathBuf;

/// Options shared by every `rco-nic sim --block ...` run.
#[derive(Clone, Debug)]
pub struct SimOpts {
    pub packets: usize,
    pub seed: u64,
    /// Data width in bits (64, 128, 256, ...).
    pub width: usize,
    /// Probability that the sink holds `tready` low on a cycle.
    pub backpressure: f64,
    pub vcd: Option<PathBuf>,
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
}

impl fmt::Display for SimSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "sim block={} packets={} mismatches={} beats_per_cycle={:.3} cycles={} drops={}",
            self.block,
            self.packets,
            self.mismatches,
            self.beats_per_cycle,
            self.cycles,
            self.drops
        )
    }
}

/// Run the testbench of one block.
pub fn run_sim(block: &str, opts: &SimOpts) -> anyhow::Result<SimSummary> {
    match block {
        "csum" => csum_tb::run(opts),
        "rx" => rx_tb::run(opts),
        "tx" => tx_tb::run(opts),
        "loopback" => loopback_tb::run(opts),
        _ => anyhow::bail!("sim --block {block}: this block is not built yet"),
    }
}
