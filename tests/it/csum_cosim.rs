//! Cosimulation of the *emitted Verilog* of the checksum engine against golden sums, with
//! Icarus Verilog and Verilator (its `verilator --lint-only -Wall` is in exported.rs). Ignored by default
//! because they need external tools; run them with `cargo test -- --include-ignored`.
//!
//! The expected sums come from `rco_golden::csum` (via `rco_sim::csum_tb::schedule`), never
//! from the design under test.

use rco_sim::csum_cosim::{mutate_expected_sum, prepare, rerun, run_iverilog, run_verilator, scratch_dir, CosimRun};
use rco_sim::csum_tb::schedule;
use rco_export::Design;

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

/// The testbench can fail: the same simulation, rerun with pulse `j`'s expected sum off by
/// one, reports that pulse and nothing else.
fn fails_on_a_mutated_sum(dir: &std::path::Path, tool: &'static str, j: usize) {
    mutate_expected_sum(dir, j).unwrap();
    let r = rerun(dir, tool).unwrap();
    assert_eq!(r.errors, 1, "{tool}: a wrong expectation for pulse {j}:\n{}", r.output);
    let lines: Vec<&str> = r.output.lines().filter(|l| l.starts_with("MISMATCH")).collect();
    assert_eq!(lines.len(), 1, "{}", r.output);
    assert!(lines[0].starts_with(&format!("MISMATCH pulse {j} at cycle ")), "{}", r.output);
}

fn iverilog(width: usize) {
    let (dir, n) = setup(width, &format!("csum_iv{width}"));
    check(&run_iverilog(&dir).unwrap(), n);
    fails_on_a_mutated_sum(&dir, "iverilog", n / 2);
    std::fs::remove_dir_all(dir).unwrap();
}

fn verilator(width: usize) {
    let (dir, n) = setup(width, &format!("csum_vl{width}"));
    check(&run_verilator(&dir).unwrap(), n);
    fails_on_a_mutated_sum(&dir, "verilator", n / 2);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
#[ignore = "needs iverilog"]
fn iverilog_w64_matches_golden() {
    iverilog(64);
}

#[test]
#[ignore = "needs iverilog"]
fn iverilog_w128_matches_golden() {
    iverilog(128);
}

#[test]
#[ignore = "needs iverilog"]
fn iverilog_w256_matches_golden() {
    iverilog(256);
}

#[test]
#[ignore = "needs iverilog"]
fn iverilog_w512_matches_golden() {
    iverilog(512);
}

#[test]
#[ignore = "needs verilator"]
fn verilator_w64_matches_golden() {
    verilator(64);
}

#[test]
#[ignore = "needs verilator"]
fn verilator_w128_matches_golden() {
    verilator(128);
}

#[test]
#[ignore = "needs verilator"]
fn verilator_w256_matches_golden() {
    verilator(256);
}

#[test]
#[ignore = "needs verilator"]
fn verilator_w512_matches_golden() {
    verilator(512);
}
