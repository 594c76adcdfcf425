//! Every design `rco-nic export` offers, at every width it builds: `verilator --lint-only
//! -Wall` with the waiver file the exporter writes beside it (`rco_nic.vlt`, the one waiver
//! set, synth/export/lint/rco_nic.vlt) reports nothing, nor on each cosimulation testbench
//! (sim/tb/) with its design, and every trace of its `.gtkw` is a variable of a VCD of that
//! design; those two are ignored by default (external tools). And the exporter's own rules:
//! modules renamed after the product, widths a design is not built at refused, the ports the
//! formal wrappers connect (rco-export has no unit-test harness of its own; see its Cargo.toml).

use crate::common::*;
use rco_export::{Design, DESIGN_NAMES, LINT_WAIVER_FILE, WIDTHS};
use std::path::{Path, PathBuf};
use std::process::Command;

/// One exported (design, width) and the directory it was written to.
struct Export {
    design: Design,
    width: usize,
    dir: PathBuf,
}

impl Export {
    /// The module to lint or simulate from the top: the IP core's wrapper, else the design.
    fn top(&self) -> String {
        self.design.wrapper_name(self.width).unwrap_or_else(|| self.design.module_name(self.width))
    }

    /// The Verilog files, the top's first.
    fn sources(&self) -> Vec<String> {
        let mut v: Vec<String> = self.design.wrapper_name(self.width).into_iter().map(|w| format!("{w}.v")).collect();
        v.push(format!("{}.v", self.design.module_name(self.width)));
        v
    }
}

/// Export every (design, width) the CLI accepts into `root/<design>-<width>`; a width a
/// design is not built at must be refused by name. A design whose module does not depend on
/// the width (`axil_regs`) is exported once.
fn export_all(root: &Path) -> Vec<Export> {
    let mut done = Vec::new();
    let mut modules = std::collections::BTreeSet::new();
    for (name, design) in DESIGN_NAMES {
        for width in WIDTHS {
            if !modules.insert(design.module_name(width)) {
                continue;
            }
            let dir = root.join(format!("{name}-{width}"));
            let (ok, _, stderr) = rco_nic(&["export", "--design", name, "--width", &width.to_string(), "--out", dir.to_str().unwrap()]);
            if !ok {
                assert!(stderr.contains("is not built"), "export {name} {width}: {stderr}");
                modules.remove(&design.module_name(width));
                continue;
            }
            assert!(dir.join(LINT_WAIVER_FILE).exists(), "{name} {width}: no {LINT_WAIVER_FILE}");
            done.push(Export { design: *design, width, dir });
        }
    }
    // every design at least once, and the data-path designs at several widths
    for (name, design) in DESIGN_NAMES {
        assert!(done.iter().any(|e| e.design == *design), "{name} was not exported");
    }
    assert!(done.len() >= 20, "{} exports", done.len());
    done
}

fn lint(dir: &Path, top: &str, files: &[&str]) -> (bool, String) {
    let mut args = vec!["--lint-only", "-Wall", "--top-module", top];
    args.extend(files);
    let out = Command::new("verilator").current_dir(dir).args(&args).output().expect("verilator");
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[test]
#[ignore = "needs verilator"]
fn every_export_lints_clean_with_its_waivers() {
    let root = scratch("exported-lint");
    let exports = export_all(&root);
    let mut bad = Vec::new();
    for e in &exports {
        let top = e.top();
        let mut files = vec![LINT_WAIVER_FILE.to_string()];
        files.extend(e.sources());
        let files: Vec<&str> = files.iter().map(String::as_str).collect();
        let (ok, text) = lint(&e.dir, &top, &files);
        if !(ok && text.trim().is_empty()) {
            bad.push(format!("{top}:\n{}", text.lines().take(20).collect::<Vec<_>>().join("\n")));
        }
    }
    // the cosimulation testbenches with their designs, the testbench with every warning on
    let tbs = [
        (Design::CsumEngine, "csum_tb.v", rco_sim::csum_cosim::CSUM_TB),
        (Design::Rx, "rx_tb.v", rco_sim::rx_cosim::RX_TB),
        (Design::TxEncap, "tx_tb.v", rco_sim::tx_cosim::TX_TB),
        (Design::Nic, "nic_tb.v", rco_sim::nic_cosim::NIC_TB),
    ];
    for (design, file, tb) in tbs {
        for e in exports.iter().filter(|e| e.design == design) {
            let module = e.design.module_name(e.width);
            std::fs::write(e.dir.join(file), tb).unwrap();
            rco_sim::csum_cosim::write_includes(&e.dir).unwrap();
            let (dut, w) = (format!("-DDUT={module}"), format!("-GW={}", e.width));
            let v = format!("{module}.v");
            let inc = rco_sim::csum_cosim::INCLUDE_ARG;
            let (ok, text) = lint(&e.dir, "tb", &["--timing", inc, &dut, &w, LINT_WAIVER_FILE, file, &v]);
            if !(ok && text.trim().is_empty()) {
                bad.push(format!("{file} with {module}:\n{text}"));
            }
        }
    }
    assert!(bad.is_empty(), "{}", bad.join("\n"));
    // the lint can fail: without the waivers the smallest design has a warning
    let e = exports.iter().find(|e| e.design == Design::AxilRegs).unwrap();
    let (ok, text) = lint(&e.dir, &e.top(), &["rco_axil_regs.v"]);
    assert!(!ok && text.contains("%Warning-DECLFILENAME"), "{text}");
    eprintln!("{} exports lint clean", exports.len());
    std::fs::remove_dir_all(root).unwrap();
}

/// Traces of a `.gtkw` save file that a VCD with the variables `names` lacks.
fn missing_traces(gtkw: &str, names: &std::collections::BTreeSet<String>) -> Vec<String> {
    gtkw_traces(gtkw).into_iter().filter(|t| !names.contains(t)).collect()
}

/// Every exported `.gtkw` opens on a VCD of its own design: Icarus simulates the exported
/// Verilog for a few clocks as `tb.dut` (the instance the save files name) with its clock
/// running and the other inputs open, dumping the design's top-level variables, and each
/// trace of the save file must be a variable of that VCD.
#[test]
#[ignore = "needs iverilog"]
fn every_exported_gtkw_names_variables_of_its_vcd() {
    let root = scratch("exported-gtkw");
    let exports = export_all(&root);
    let mut bad = Vec::new();
    for e in &exports {
        let module = e.design.module_name(e.width);
        let tb = format!(
            "`timescale 1ns/1ps\nmodule tb;\n    reg clock = 1'b0;\n    {module} dut(.clock(clock));\n    initial begin\n        $dumpfile(\"{module}.vcd\");\n        $dumpvars(1, tb.dut);\n        #40 $finish;\n    end\n    always #5 clock = ~clock;\nendmodule\n"
        );
        std::fs::write(e.dir.join("dump_tb.v"), tb).unwrap();
        let run = |prog: &str, args: &[&str]| {
            let out = Command::new(prog).current_dir(&e.dir).args(args).output().expect(prog);
            assert!(out.status.success(), "{module}: {prog}: {}", String::from_utf8_lossy(&out.stderr));
        };
        run("iverilog", &["-g2005", "-s", "tb", "-o", "dump.vvp", "dump_tb.v", &format!("{module}.v")]);
        run("vvp", &["-n", "dump.vvp"]);
        let names = vcd_trace_names(&e.dir.join(format!("{module}.vcd")));
        let gtkw = std::fs::read_to_string(e.dir.join(format!("{module}.gtkw"))).unwrap();
        assert!(gtkw_traces(&gtkw).len() >= 8, "{module}: {gtkw}");
        let m = missing_traces(&gtkw, &names);
        if !m.is_empty() {
            bad.push(format!("{module}: {m:?}"));
        }
        // the check can fail: a trace naming a register that does not exist
        if e.design == Design::Rx && e.width == 64 {
            let stale = format!("{gtkw}@28\ntb.dut.q_x.q\n");
            assert_eq!(missing_traces(&stale, &names), vec!["tb.dut.q_x.q".to_string()]);
        }
    }
    assert!(bad.is_empty(), "gtkw traces not in the VCD:\n{}", bad.join("\n"));
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn renamed_modules_leave_no_top() {
    for w in WIDTHS {
        let v = Design::CsumEngine.verilog(w).unwrap();
        let name = format!("rco_csum_engine_w{w}");
        assert!(v.contains(&format!("module {name}(")));
        assert!(v.contains(&format!("module {name}$acc(")));
        assert!(!v.contains("module top"));
        assert!(!v.lines().any(|l| l.trim_start().starts_with("top$")));
    }
}

/// formal/tx_egress.sv and formal/rx_egress.sv connect these ports by name; the blocks are
/// exported at 64 bits only
#[test]
fn formal_blocks_export_their_ports() {
    let blocks = [
        (Design::TxEgress, "rco_tx_egress_w64", &["plan$valid", "plan$last_keep", "fields$ipv6", "commit", "rd_data", "m_axis$tkeep"][..]),
        (Design::RxEgress, "rco_rx_egress_w64", &["dec_valid", "dec_inner_len", "dec_csum", "ram_raddr", "ram_rdata", "m_axis$tkeep", "m_csum_complete", "free_ptr"][..]),
    ];
    for (design, module, ports) in blocks {
        let v = design.verilog(64).unwrap();
        assert!(v.contains(&format!("module {module}(")), "{module}");
        for p in ports {
            assert!(v.contains(p), "{module}: {p}");
        }
        assert!(design.verilog(128).is_err(), "{module} at 128 bits");
    }
}

#[test]
fn bad_width_is_an_error() {
    assert!(rco_export::export_verilog(48, &std::env::temp_dir()).is_err());
}
