//! Cosimulation of the *emitted Verilog* of the checksum engine against golden sums, with
//! Icarus Verilog and Verilator, plus `verilator --lint-only -Wall`. Ignored by default
//! because they need external tools; run them with `cargo test -- --include-ignored`.
//!
//! The expected sums come from `rco_golden::csum` (via `rco_sim::csum_tb::schedule`), never
//! from the design under test.

use rco_sim::csum_cosim::{lint, mutate_expected_sum, prepare, rerun, run_iverilog, run_verilator, scratch_dir, CosimRun};
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

/// Full names (`scope.path.ref[msb:lsb]`) of every variable a VCD declares, read from its
/// `$scope` / `$var` / `$upscope` header lines (as GTKWave builds them).
fn vcd_signal_names(text: &str) -> std::collections::BTreeSet<String> {
    let mut scopes: Vec<String> = vec![];
    let mut names = std::collections::BTreeSet::new();
    for line in text.lines().take_while(|l| !l.starts_with("$enddefinitions")) {
        let t: Vec<&str> = line.split_whitespace().collect();
        match t.first() {
            Some(&"$scope") => scopes.push(t[2].to_string()),
            Some(&"$upscope") => {
                scopes.pop();
            }
            // $var wire 64 ! \s_axis$tdata [63:0] $end
            Some(&"$var") => {
                let index = if t.len() > 6 { t[5] } else { "" };
                names.insert(format!("{}.{}{}", scopes.join("."), t[4], index));
            }
            _ => {}
        }
    }
    names
}

/// The `.gtkw` that `rco-nic export` writes beside the Verilog names signals that exist in
/// the VCD of a simulation of that Verilog (Icarus, `tb.dut`): GTKWave opens it with
/// every trace present.
#[test]
#[ignore = "needs iverilog"]
fn exported_gtkw_names_signals_of_the_cosim_vcd() {
    for width in [64, 256] {
        let dir = scratch_dir(&format!("csum_gtkw{width}"));
        let sched = schedule(7, 4, width / 8, 200, 0.0);
        let top = Design::CsumEngine.module_name(width);
        prepare(&dir, &Design::CsumEngine.verilog(width).unwrap(), &top, width, &sched, 1, true).unwrap();
        check(&run_iverilog(&dir).unwrap(), sched.expect.len());
        let names = vcd_signal_names(&std::fs::read_to_string(dir.join(format!("{top}.vcd"))).unwrap());
        assert!(names.contains("tb.dut.sum_valid"), "VCD names not understood: {names:?}");
        let gtkw = Design::CsumEngine.gtkw(width);
        let traces: Vec<&str> = gtkw.lines().filter(|l| l.contains("tb.dut.")).map(|l| &l[l.find("tb.dut.").unwrap()..]).collect();
        assert!(traces.len() >= 8, "{gtkw}");
        for t in traces {
            assert!(names.contains(t), "w{width}: gtkw trace {t} is not in the VCD");
        }
        std::fs::remove_dir_all(dir).unwrap();
    }
}
