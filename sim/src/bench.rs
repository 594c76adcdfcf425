//! `rco-nic bench`: throughput of the RX and TX hardware for fixed-size back-to-back
//! frames at every data width, against the line rate of that width. A benchmark, not a
//! test: each point is one `sim --block rx|tx --frame-size L` run ([`crate::run_sim`]),
//! whose golden checks must still pass for the point to count.
//!
//! Line-rate clocks per frame = (outer frame on the bus + 4 FCS + 20 preamble and gap)
//! bytes x 8 / W: what a MAC at the width's line clock spends on the frame. The measured
//! clocks per frame are the steady-state cadence ([`crate::Cadence`]): one fill and drain
//! of the pipeline is not a cost per frame. Whether a long run is sustained, not absorbed
//! by a buffer, the run's `cycles` show (`sim --frame-size --packets 500`).

use crate::sized::{FrameSizes, SizedTraffic};
use crate::{run_sim, SimOpts};
use rco_golden::vectors::IMIX;
use serde::Serialize;

/// Bytes a frame costs on the wire beyond what the bus carries: FCS, and preamble + start
/// delimiter + inter-frame gap.
pub const FCS_BYTES: usize = 4;
pub const PREAMBLE_GAP_BYTES: usize = 20;

/// A data width and the line it serves: (bits, line name, line clock in MHz).
pub const LINES: [(usize, &str, f64); 4] =
    [(64, "10G", 156.25), (128, "25G", 195.3125), (256, "50G", 195.3125), (512, "100G", 195.3125)];

/// The inner frame sizes of a bench run, then [`IMIX`].
pub const SIZES: [usize; 8] = [60, 64, 128, 256, 512, 1024, 1514, 9000];

/// Blocks the bench measures.
pub const BLOCKS: [&str; 2] = ["rx", "tx"];

/// What to run.
#[derive(Clone, Debug)]
pub struct BenchOpts {
    /// One width, or every width of [`LINES`].
    pub width: Option<usize>,
    /// One block, or both.
    pub block: Option<String>,
    pub packets: usize,
    pub seed: u64,
    pub outer_v6: bool,
}

/// One measured (or not built) point.
#[derive(Clone, Debug, Serialize)]
pub struct BenchPoint {
    pub block: String,
    pub width: usize,
    pub line: String,
    pub line_clock_mhz: f64,
    /// Inner frame size, or `imix`.
    pub frame: String,
    /// Mean outer frame on the bus (bytes, no FCS).
    pub outer_bytes: f64,
    /// False when the hardware has no instance of this width: nothing below is measured.
    pub built: bool,
    pub packets: usize,
    /// The whole run, until the last frame is out.
    pub cycles: u64,
    /// Wire side: RX input beats, TX output beats, per clock from the first such beat to
    /// the last.
    pub beats_per_cycle: f64,
    /// Steady state: clocks between the first and the last frame finished, over the frames
    /// after the first (the whole run's fill and drain left out).
    pub cycles_per_frame: f64,
    pub line_cycles_per_frame: f64,
    /// min(100, line / measured clocks per frame) in percent.
    pub line_rate_pct: f64,
    /// Frames per second at the line clock, in millions.
    pub mpps: f64,
    pub mismatches: usize,
    pub drops: u64,
}

fn line_of(width: usize) -> anyhow::Result<(&'static str, f64)> {
    LINES
        .iter()
        .find(|(w, _, _)| *w == width)
        .map(|(_, n, f)| (*n, *f))
        .ok_or_else(|| anyhow::anyhow!("--width {width}: must be 64, 128, 256 or 512"))
}

/// Mean line-rate clocks per frame over the first `packets` frames of `t` at `width` bits,
/// and their mean outer (bus) length.
pub fn line_cycles_per_frame(t: &SizedTraffic, packets: usize, width: usize) -> (f64, f64) {
    let hlen = t.outer_header_len();
    let n = packets.max(1);
    let outer: f64 = (0..n).map(|i| (t.sizes.size(i) + hlen) as f64).sum::<f64>() / n as f64;
    (outer, (outer + (FCS_BYTES + PREAMBLE_GAP_BYTES) as f64) * 8.0 / width as f64)
}

/// True when `block`'s driver has an instance at `width` (a run of no frames succeeds).
fn built(block: &str, width: usize) -> bool {
    let t = SizedTraffic { sizes: FrameSizes::Fixed(SIZES[0]), outer_v6: false, vlan: false };
    let opts = SimOpts { packets: 0, seed: 1, width, backpressure: 0.0, vcd: None, sized: Some(t), rx_axi: false };
    run_sim(block, &opts).is_ok()
}

/// Run every point; `each` sees each point as it completes.
pub fn run_bench(opts: &BenchOpts, mut each: impl FnMut(&BenchPoint)) -> anyhow::Result<Vec<BenchPoint>> {
    let widths: Vec<usize> = match opts.width {
        Some(w) => {
            line_of(w)?;
            vec![w]
        }
        None => LINES.iter().map(|l| l.0).collect(),
    };
    let blocks: Vec<&str> = match &opts.block {
        Some(b) => {
            anyhow::ensure!(BLOCKS.contains(&b.as_str()), "--block {b}: must be rx or tx");
            vec![b.as_str()]
        }
        None => BLOCKS.to_vec(),
    };
    anyhow::ensure!(opts.packets > 0, "--packets must be at least 1");
    let mut sizes: Vec<FrameSizes> = SIZES.iter().map(|l| FrameSizes::Fixed(*l)).collect();
    sizes.push(FrameSizes::Imix);
    let mut points = Vec::new();
    for block in blocks {
        for &width in &widths {
            let (line, mhz) = line_of(width)?;
            let is_built = built(block, width);
            for s in &sizes {
                let t = SizedTraffic { sizes: s.clone(), outer_v6: opts.outer_v6, vlan: false };
                let (outer_bytes, line_cpf) = line_cycles_per_frame(&t, opts.packets, width);
                let mut p = BenchPoint {
                    block: block.into(),
                    width,
                    line: line.into(),
                    line_clock_mhz: mhz,
                    frame: s.label(),
                    outer_bytes,
                    built: is_built,
                    packets: 0,
                    cycles: 0,
                    beats_per_cycle: 0.0,
                    cycles_per_frame: 0.0,
                    line_cycles_per_frame: line_cpf,
                    line_rate_pct: 0.0,
                    mpps: 0.0,
                    mismatches: 0,
                    drops: 0,
                };
                if is_built {
                    let sim = SimOpts { packets: opts.packets, seed: opts.seed, width, backpressure: 0.0, vcd: None, sized: Some(t), rx_axi: false };
                    let r = run_sim(block, &sim)?;
                    p.packets = r.packets;
                    p.cycles = r.cycles;
                    p.beats_per_cycle = r.beats_per_cycle;
                    p.cycles_per_frame = r.steady_cycles_per_frame.unwrap_or_else(|| r.cycles_per_frame());
                    p.line_rate_pct = 100.0 * (line_cpf / p.cycles_per_frame).min(1.0);
                    p.mpps = mhz / p.cycles_per_frame;
                    p.mismatches = r.mismatches;
                    p.drops = r.drops;
                }
                each(&p);
                points.push(p);
                if !is_built {
                    break; // one "not built" row per block and width
                }
            }
        }
    }
    Ok(points)
}

/// The Markdown table of one block's points.
pub fn markdown(points: &[BenchPoint], block: &str) -> String {
    let mut s = String::from(
        "| block | W | line | inner B | outer B | beats/clk | clk/frame | line clk/frame | % line rate | Mpps |\n\
         |---|---|---|---|---|---|---|---|---|---|\n",
    );
    for p in points.iter().filter(|p| p.block == block) {
        if !p.built {
            s += &format!("| {} | {} | {} | all | | not built | | | | |\n", p.block, p.width, p.line);
            continue;
        }
        let flag = if p.mismatches > 0 || p.drops > 0 {
            format!(" (mismatches={} drops={})", p.mismatches, p.drops)
        } else {
            String::new()
        };
        s += &format!(
            "| {} | {} | {} | {} | {:.0} | {:.3} | {:.2} | {:.2} | {:.1}{flag} | {:.2} |\n",
            p.block, p.width, p.line, p.frame, p.outer_bytes, p.beats_per_cycle, p.cycles_per_frame,
            p.line_cycles_per_frame, p.line_rate_pct, p.mpps
        );
    }
    s
}

/// The IMIX definition line printed under the tables.
pub fn imix_note() -> String {
    let n = |l: usize| IMIX.iter().filter(|x| **x == l).count();
    let mut kinds: Vec<usize> = IMIX.to_vec();
    kinds.sort_unstable();
    kinds.dedup();
    let parts: Vec<String> = kinds.iter().map(|l| format!("{}x{l}", n(*l))).collect();
    format!("imix: inner frames {} bytes, repeating {:?}", parts.join(" + "), IMIX)
}
