//! Tests of `rco_sim::bench`: the line-rate clock budgets, and a width without a line.

use rco_sim::bench::*;
use rco_sim::sized::{FrameSizes, SizedTraffic};

fn traffic(sizes: FrameSizes, outer_v6: bool) -> SizedTraffic {
    SizedTraffic { sizes, outer_v6, vlan: false }
}

/// The clock budgets of the line-rate notes (shared/LINE_RATE.md), worked by hand:
/// (inner + outer header + FCS + preamble/gap) x 8 / W.
#[test]
fn line_clocks_per_frame_are_the_wire_budget() {
    let v4 = traffic(FrameSizes::Fixed(60), false);
    assert_eq!(line_cycles_per_frame(&v4, 10, 64), (110.0, 16.75));
    assert_eq!(line_cycles_per_frame(&v4, 10, 128), (110.0, 8.375));
    assert_eq!(line_cycles_per_frame(&v4, 10, 512), (110.0, 2.09375));
    let v6 = traffic(FrameSizes::Fixed(1514), true);
    assert_eq!(line_cycles_per_frame(&v6, 3, 256), (1584.0, 50.25));
    // the mix: mean over the frames a run sends (one full period here)
    let (outer, clocks) = line_cycles_per_frame(&traffic(FrameSizes::Imix, false), 12, 64);
    let mean_inner = (7.0 * 60.0 + 4.0 * 590.0 + 1514.0) / 12.0;
    assert!((outer - (mean_inner + 50.0)).abs() < 1e-9);
    assert!((clocks - (mean_inner + 74.0) / 8.0).abs() < 1e-9);
}

#[test]
fn a_width_without_a_line_is_an_error() {
    let opts = BenchOpts { width: Some(96), block: None, packets: 1, seed: 1, outer_v6: false };
    assert!(run_bench(&opts, |_| {}).is_err());
}
