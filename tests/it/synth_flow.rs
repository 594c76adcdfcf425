//! The synthesis flow end to end: `rco-nic synth` runs Yosys, nextpnr and the bitstream
//! packer (YoWASP builds in `.venv`, installed by `scripts/test-all.sh`) and writes a JSON
//! report. Ignored by default because they need those tools; `scripts/test-all.sh` runs
//! them with `--include-ignored`.
//!
//! The report is checked against sources the flow does not compute itself: nextpnr's own
//! log line for Fmax, the bitstream's header (ECP5: the part name ecppack writes; iCE40: the
//! sync word and the fixed image size of the device), and the device capacities of the
//! data sheets.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rco-nic"))
}

fn work_dir(tag: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("synth_flow")
        .join(tag);
    let _ = std::fs::remove_dir_all(&d);
    d
}

/// Run `rco-nic synth` with `args`, return the parsed JSON, the summary line and the work dir.
fn synth(tag: &str, args: &[&str]) -> (Value, String, PathBuf) {
    let work = work_dir(tag);
    let json = work.with_extension("json");
    let out = bin()
        .arg("synth")
        .args(args)
        .arg("--work")
        .arg(&work)
        .arg("--json")
        .arg(&json)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "synth {args:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    (report, stdout.trim().to_string(), work)
}

/// The last "Max frequency for clock ...: X MHz" of nextpnr's log.
fn log_fmax(work: &Path) -> f64 {
    let log = std::fs::read_to_string(work.join("nextpnr.log")).unwrap();
    let line = log
        .lines()
        .rfind(|l| l.contains("Max frequency for clock"))
        .expect("nextpnr printed no Max frequency line");
    let mhz = line
        .split("': ")
        .nth(1)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap();
    mhz.parse().unwrap()
}

fn u(r: &Value, k: &str) -> u64 {
    r[k].as_u64()
        .unwrap_or_else(|| panic!("{k} missing in {r}"))
}

fn f(r: &Value, k: &str) -> f64 {
    r[k].as_f64()
        .unwrap_or_else(|| panic!("{k} missing in {r}"))
}

/// Checks every report must pass; `luts_cap` and `ffs_cap` are the data-sheet capacities.
fn check_common(r: &Value, line: &str, work: &Path, width: u64, luts_cap: u64, ffs_cap: u64) {
    assert_eq!(u(r, "width"), width);
    assert_eq!(u(r, "bytes_per_beat"), width / 8);
    assert_eq!(
        (u(r, "luts_available"), u(r, "ffs_available")),
        (luts_cap, ffs_cap)
    );
    let shell = &r["shell"];
    // the design adds logic and registers beyond the IO shell (nothing optimised away)
    assert!(
        u(r, "luts") > u(shell, "luts") && u(r, "luts") <= luts_cap,
        "{r}"
    );
    assert!(
        u(r, "ffs") > u(shell, "ffs") && u(r, "ffs") <= ffs_cap,
        "{r}"
    );
    assert!(u(r, "bram") <= u(r, "bram_available"));
    assert!(u(r, "carry") > 0, "an adder tree maps to carry cells: {r}");
    assert_eq!(u(r, "io"), 4, "clk, sin, cap, sout");
    assert_eq!(r["fits"], Value::Bool(true));
    let fmax = f(r, "fmax_mhz");
    assert!(fmax > 0.0);
    // nextpnr's log prints two decimals
    assert!(
        (fmax - log_fmax(work)).abs() < 0.01,
        "json {fmax} vs log {}",
        log_fmax(work)
    );
    let rate = width as f64 * fmax / 1000.0;
    assert!((f(r, "line_rate_gbps") - rate).abs() < 1e-6);
    assert_eq!(
        r["timing_met"],
        Value::Bool(fmax >= f(r, "freq_target_mhz"))
    );
    assert!(r["commands"].as_array().unwrap().len() == 3);
    assert!(r["tools"]["yosys"].as_str().unwrap().starts_with("Yosys"));
    assert!(r["tools"]["nextpnr"].as_str().unwrap().contains("nextpnr"));
    for k in [
        "target",
        "module",
        "width",
        "luts",
        "ffs",
        "bram",
        "fmax_mhz",
        "line_rate_gbps",
        "fits",
    ] {
        assert!(
            line.contains(&format!(" {k}=")),
            "summary lacks {k}: {line}"
        );
    }
    assert!(line.contains(&format!("fmax_mhz={fmax:.2}")), "{line}");
}

fn bitstream(r: &Value) -> Vec<u8> {
    let p = r["bitstream"].as_str().unwrap();
    std::fs::read(p).unwrap_or_else(|e| panic!("bitstream {p}: {e}"))
}

/// ecppack's bitstream opens with a comment block naming the part.
fn check_ecp5_bit(r: &Value, part: &str) {
    let bit = bitstream(r);
    assert_eq!(&bit[..2], &[0xFF, 0x00]);
    let head = String::from_utf8_lossy(&bit[..64]);
    assert!(head.contains(&format!("Part: {part}")), "{head:?}");
}

/// An iCE40 image holds the sync word 7EAA997E near its start and has the device's fixed size.
fn check_ice40_bin(r: &Value, size: usize) {
    let bin = bitstream(r);
    assert_eq!(bin.len(), size);
    assert!(bin[..16].windows(4).any(|w| w == [0x7E, 0xAA, 0x99, 0x7E]));
}

#[test]
#[ignore = "needs the YoWASP yosys/nextpnr tools (scripts/test-all.sh)"]
fn ecp5_85k_nic_top_fits() {
    let (r, line, work) = synth("ecp5_85k_nic", &["--target", "ecp5-85k"]);
    assert_eq!(
        r["module"], "rco_nic_w64",
        "the NIC top is the default design"
    );
    // LFE5U-85F: 83640 LUT4 and FFs, 208 DP16KD
    check_common(&r, &line, &work, 64, 83640, 83640);
    assert_eq!(u(&r, "bram_available"), 208);
    // the packet buffers are block RAM: TX 4096 x 64 bits, RX two 2048 x 64 rings and a
    // 2048 x 32 prefix-sum ring, at most 18 Kbit per DP16KD
    let bits = 4096 * 64 + 2 * 2048 * 64 + 2048 * 32;
    assert!(u(&r, "bram") >= (bits as u64).div_ceil(18 * 1024), "{line}");
    check_ecp5_bit(&r, "LFE5U-85F-8CABGA381");
}

#[test]
#[ignore = "needs the YoWASP yosys/nextpnr tools (scripts/test-all.sh)"]
fn ecp5_85k_csum_reaches_10g() {
    let (r, line, work) = synth(
        "ecp5_85k_csum",
        &["--target", "ecp5-85k", "--design", "csum"],
    );
    check_common(&r, &line, &work, 64, 83640, 83640);
    assert_eq!(f(&r, "freq_target_mhz"), 156.25);
    // 10 Gb/s at 64 bits
    assert!(f(&r, "fmax_mhz") >= 156.25, "{line}");
    check_ecp5_bit(&r, "LFE5U-85F-8CABGA381");
}

/// A design larger than the device: exit 1 with one line, and a JSON report that says so.
#[test]
#[ignore = "needs the YoWASP yosys/nextpnr tools (scripts/test-all.sh)"]
fn ice40_hx8k_nic_reports_that_it_does_not_fit() {
    let work = work_dir("ice40_hx8k_nic");
    let json = work.with_extension("json");
    let out = bin()
        .args(["synth", "--target", "ice40-hx8k", "--json"])
        .arg(&json)
        .arg("--work")
        .arg(&work)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("does not fit"), "{err}");
    let r: Value = serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(
        r["module"], "rco_nic_w64_mf1518",
        "1518-byte buffers by default on iCE40"
    );
    assert_eq!(r["fits"], Value::Bool(false));
    // the logic overflows (and, with the streaming RX's ring copies, the 32 RAM4K blocks too)
    assert!(u(&r, "bram") > 0, "{r}");
    assert!(u(&r, "luts") > u(&r, "luts_available"), "{r}");
    assert_eq!(r["bitstream"], "");
}

#[test]
#[ignore = "needs the YoWASP yosys/nextpnr tools (scripts/test-all.sh)"]
fn ecp5_25k_csum_w128_speed6() {
    let (r, line, work) = synth(
        "ecp5_25k_w128",
        &[
            "--target", "ecp5-25k", "--design", "csum", "--width", "128", "--speed", "6", "--freq",
            "100",
        ],
    );
    // LFE5U-25F: 24288 LUT4 and FFs, 56 DP16KD
    check_common(&r, &line, &work, 128, 24288, 24288);
    assert_eq!(u(&r, "bram_available"), 56);
    assert_eq!(f(&r, "freq_target_mhz"), 100.0);
    assert!(std::fs::read_to_string(work.join("ecp5-ulx3s.lpf"))
        .unwrap()
        .contains("\"clk\" 100 MHZ"));
    check_ecp5_bit(&r, "LFE5U-25F-6CABGA381");
}

#[test]
#[ignore = "needs the YoWASP yosys/nextpnr tools (scripts/test-all.sh)"]
fn ice40_hx8k_csum_fits() {
    let (r, line, work) = synth(
        "ice40_hx8k",
        &["--target", "ice40-hx8k", "--design", "csum"],
    );
    // iCE40HX8K: 7680 logic cells, 32 RAM4K
    check_common(&r, &line, &work, 64, 7680, 7680);
    assert_eq!(u(&r, "bram_available"), 32);
    check_ice40_bin(&r, 135_100);
}

#[test]
#[ignore = "needs the YoWASP yosys/nextpnr tools (scripts/test-all.sh)"]
fn ice40_up5k_csum_fits() {
    let (r, line, work) = synth(
        "ice40_up5k",
        &["--target", "ice40-up5k", "--design", "csum"],
    );
    // iCE40UP5K: 5280 logic cells, 30 RAM4K, 8 DSPs
    check_common(&r, &line, &work, 64, 5280, 5280);
    assert_eq!((u(&r, "bram_available"), u(&r, "dsp_available")), (30, 8));
    check_ice40_bin(&r, 104_090);
}

/// Bad arguments fail with one line before any tool runs.
#[test]
fn bad_arguments_are_one_line_errors() {
    for (args, want) in [
        (
            &["--target", "ecp5-85k", "--design", "nope"][..],
            "unknown design nope",
        ),
        (&["--target", "ecp5-85k", "--width", "48"][..], "--width 48"),
        (
            &["--target", "ecp5-85k", "--speed", "9"][..],
            "speed grades",
        ),
        (&["--target", "ice40-hx8k", "--freq", "0"][..], "--freq 0"),
    ] {
        let out = bin()
            .arg("synth")
            .args(args)
            .arg("--work")
            .arg(work_dir("bad"))
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
        assert!(err.contains(want), "{args:?}: {err}");
    }
    let out = bin()
        .args(["synth", "--target", "xc7a35t"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "clap rejects an unknown target");
}
