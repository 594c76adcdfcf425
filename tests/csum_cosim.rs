//! Cosimulation of the *emitted Verilog* of the checksum engine against golden sums, with
//! Icarus Verilog and Verilator, plus `verilator --lint-only -Wall`. Ignored by default
//! because they need external tools; run them with `cargo test -- --include-ignored`.
//!
//! The expected sums come from `rco_golden::csum` (via `rco_sim::csum_tb::schedule`), never
//! from the design under test.

use rco_sim::csum_cosim::{lint, prepare, run_iverilog, run_verilator, scratch_dir, CosimRun};
use rco_sim::csum_tb::schedule;
use rco_synth::Design;

/// 200 packets, mostly short (cosim tools are slower than the rust-hdl model), random
/// starts/cuts/idles, at `width` bits.
fn setup(width: usize, tag: &str) -> (std::path::PathBuf, usize) {
    let dir = scratch_dir(tag);
    let sched = schedule(0xC05E + width as u64, 200, width / 8, 2000, 0.05);
    let top = Design::CsumEngine.module_name(width);
    let verilog = Design::CsumEngine.verilog(width).unwrap();
    prepare(&dir, &verilog, &top, width, &sched, 1, false).unwrap();
    (dir, sched.expect.len())
}

fn check(r: &CosimRun, expected: usize) {
    assert_eq!(r.errors, 0, "{} reported mismatches:\n{}", r.tool, r.output);
    assert_eq!(
        (r.pulses, r.expected),
        (expected as u64, expected as u64),
        "{}",
        r.output
    );
}

#[test]
#[ignore = "needs iverilog"]
fn iverilog_w64_matches_golden() {
    let (dir, n) = setup(64, "csum_iv64");
    check(&run_iverilog(&dir).unwrap(), n);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
#[ignore = "needs iverilog"]
fn iverilog_w256_matches_golden() {
    let (dir, n) = setup(256, "csum_iv256");
    check(&run_iverilog(&dir).unwrap(), n);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
#[ignore = "needs verilator"]
fn verilator_w64_matches_golden() {
    let (dir, n) = setup(64, "csum_vl64");
    check(&run_verilator(&dir).unwrap(), n);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
#[ignore = "needs verilator"]
fn verilator_w256_matches_golden() {
    let (dir, n) = setup(256, "csum_vl256");
    check(&run_verilator(&dir).unwrap(), n);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
#[ignore = "needs verilator"]
fn verilator_lint_wall_is_clean() {
    for width in [64, 128, 256, 512] {
        let (dir, _) = setup(width, "csum_lint");
        let out = lint(&dir, &Design::CsumEngine.module_name(width)).unwrap();
        assert!(!out.contains("%Warning"), "w{width}: {out}");
        std::fs::remove_dir_all(dir).unwrap();
    }
}
