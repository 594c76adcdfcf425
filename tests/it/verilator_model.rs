//! `--model verilator` (the exported Verilog under Verilator) against `--model hw` (rust-hdl's
//! simulator of the same design): same stimulus, and everything the drivers report must be
//! equal, clock for clock: per-frame results, metadata, drop reasons, counters, cycles,
//! beats. The malformed corpus has its own comparison in tests/it/malformed.rs. Needs
//! `verilator` (ignored by default; the README's test command runs it).

use crate::common::*;
use rco_golden::types::{RxConfig, TxDescriptor};
use rco_sim::loopback_tb::{self, loopback_config, LoopDrive, LoopRun, Outcome};
use rco_sim::rx_model::{self, Drive, RxRun};
use rco_sim::tx_model::{self, DriveOpts, TxRun};
use rco_sim::{rx_tb, tx_tb, vl_model};

/// Differences between two RX runs, or none.
fn rx_diff(hw: &RxRun, vl: &RxRun) -> Vec<String> {
    let mut d = Vec::new();
    if hw.results.len() != vl.results.len() {
        d.push(format!("{} results / {}", hw.results.len(), vl.results.len()));
    }
    for (i, (a, b)) in hw.results.iter().zip(&vl.results).enumerate() {
        if a != b {
            d.push(format!("frame {i}: hw {:?} / verilator {:?}", a.as_ref().map(|(f, m)| (f.len(), m)), b.as_ref().map(|(f, m)| (f.len(), m))));
        }
    }
    for (what, a, b) in [("cycles", hw.cycles, vl.cycles), ("offered", hw.offered, vl.offered), ("accepted", hw.accepted, vl.accepted)] {
        if a != b {
            d.push(format!("{what}: hw {a} / verilator {b}"));
        }
    }
    if hw.counters != vl.counters {
        d.push(format!("counters: hw {:?} / verilator {:?}", hw.counters, vl.counters));
    }
    d
}

fn tx_diff(hw: &TxRun, vl: &TxRun) -> Vec<String> {
    let mut d = Vec::new();
    if hw.results != vl.results {
        let n = hw.results.iter().zip(&vl.results).filter(|(a, b)| a != b).count();
        d.push(format!("{n} results differ ({} / {})", hw.results.len(), vl.results.len()));
    }
    for (what, a, b) in [
        ("cycles", hw.cycles, vl.cycles),
        ("out_beats", hw.out_beats, vl.out_beats),
        ("busy_ready_cycles", hw.busy_ready_cycles, vl.busy_ready_cycles),
        ("drops", hw.drops, vl.drops),
    ] {
        if a != b {
            d.push(format!("{what}: hw {a} / verilator {b}"));
        }
    }
    d
}

fn rx_same(jobs: &[(Vec<u8>, RxConfig)], width: usize, drive: &Drive) {
    let hw = rx_model::run_width(jobs, width, drive, None).unwrap();
    let vl = vl_model::rx_run(jobs, width, drive).unwrap();
    let d = rx_diff(&hw, &vl);
    assert!(d.is_empty(), "W={width}: {}", d.join("\n"));
    assert!(hw.results.iter().any(|r| r.is_err()) && hw.results.iter().any(|r| r.is_ok()));
    eprintln!("rx W={width} bp={}: {} frames, {} cycles identical", drive.backpressure, jobs.len(), hw.cycles);
}

#[test]
#[ignore = "needs verilator"]
fn rx_random_traffic_w64_clock_for_clock() {
    // rx_tb's traffic: good frames and golden's malformations, configuration changes
    let (jobs, _) = rx_tb::traffic(21, 120);
    rx_same(&jobs, 64, &Drive { backpressure: 0.0, seed: 21, mac: false });
    rx_same(&jobs, 64, &Drive { backpressure: 0.3, seed: 22, mac: false });
}

#[test]
#[ignore = "needs verilator"]
fn rx_random_traffic_w128_w256_clock_for_clock() {
    let (jobs, _) = rx_tb::traffic(23, 60);
    rx_same(&jobs, 128, &Drive { backpressure: 0.2, seed: 23, mac: false });
    rx_same(&jobs, 256, &Drive { backpressure: 0.4, seed: 24, mac: false });
}

/// The comparison sees a difference: the same traffic with a different back-pressure seed
/// on the Verilator side gives the same frames in other cycles, and a design whose drop
/// counters are swapped gives other counters.
#[test]
#[ignore = "needs verilator"]
fn rx_comparison_fails_when_the_models_differ() {
    let (jobs, _) = rx_tb::traffic(25, 40);
    let hw = rx_model::run_width(&jobs, 64, &Drive { backpressure: 0.3, seed: 5, mac: false }, None).unwrap();
    let vl = vl_model::rx_run(&jobs, 64, &Drive { backpressure: 0.3, seed: 6, mac: false }).unwrap();
    let d = rx_diff(&hw, &vl);
    assert!(d.iter().any(|x| x.starts_with("cycles")), "{d:?}");
    // a perturbed design: two drop counters with different counts swap their outputs
    let (i, j) = (0..hw.counters.len())
        .flat_map(|i| (i + 1..hw.counters.len()).map(move |j| (i, j)))
        .find(|&(i, j)| hw.counters[i] != hw.counters[j])
        .expect("traffic with two drop counts");
    let design = rco_export::Design::Rx;
    let v = design.verilog(64).unwrap();
    let module = design.module_name(64);
    let (a, b) = (format!("drop_count${i} = counters$count${i};"), format!("drop_count${j} = counters$count${j};"));
    assert!(v.contains(&a) && v.contains(&b), "the counter outputs are no longer assigned as {a}");
    let swapped = v
        .replace(&a, "SWAP_A")
        .replace(&b, &format!("drop_count${j} = counters$count${i};"))
        .replace("SWAP_A", &format!("drop_count${i} = counters$count${j};"));
    let model = rco_sim::verilator::build(&swapped, &module).unwrap();
    let bad = vl_model::rx_run_on(&model, &jobs, &Drive { backpressure: 0.3, seed: 5, mac: false }).unwrap();
    let d = rx_diff(&hw, &bad);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].starts_with("counters"), "{d:?}");
}

#[test]
#[ignore = "needs verilator"]
fn tx_random_traffic_clock_for_clock() {
    // tx_tb's cases: every TX fault, odd starts, idles, back-pressure
    for (width, seed, n, bp) in [(64, 31, 120, 0.3), (128, 32, 50, 0.0), (256, 33, 40, 0.2)] {
        let cases = tx_tb::cases(seed, n);
        let opts = DriveOpts { max_frame: tx_tb::MAX_FRAME, backpressure: bp, idle: 0.05, seed };
        let hw = tx_model::run_width(&cases, &opts, width, None).unwrap();
        let mut vl = vl_model::tx_run(&cases, &opts, width).unwrap();
        let d = tx_diff(&hw, &vl);
        assert!(d.is_empty(), "W={width}: {}", d.join("\n"));
        assert!(hw.drops > 0);
        // the comparison can fail: Verilator's record with one frame turned into a drop
        let i = vl.results.iter().position(|r| r.is_ok()).unwrap();
        vl.results[i] = Err(rco_golden::types::TxError::Truncated);
        assert_eq!(tx_diff(&hw, &vl), vec![format!("1 results differ ({n} / {n})")]);
        eprintln!("tx W={width}: {n} cases, {} cycles identical", hw.cycles);
    }
}

/// Differences between two loopback runs, or none: everything the main job and the
/// loopback check read.
fn loop_diff(hw: &LoopRun, vl: &LoopRun) -> Vec<String> {
    let mut d = Vec::new();
    if hw.outcomes != vl.outcomes {
        let n = hw.outcomes.iter().zip(&vl.outcomes).filter(|(a, b)| a != b).count();
        d.push(format!("{n} outcomes differ ({} / {})", hw.outcomes.len(), vl.outcomes.len()));
    }
    for (what, a, b) in [
        ("cycles", hw.cycles, vl.cycles),
        ("wire_beats", hw.wire_beats, vl.wire_beats),
        ("out_beats", hw.out_beats, vl.out_beats),
        ("tx_frames_out", hw.tx_frames_out, vl.tx_frames_out),
    ] {
        if a != b {
            d.push(format!("{what}: hw {a} / verilator {b}"));
        }
    }
    if (&hw.rx_counters, hw.tx_counters) != (&vl.rx_counters, vl.tx_counters) {
        d.push(format!("counters: hw {:?} {:?} / verilator {:?} {:?}", hw.rx_counters, hw.tx_counters, vl.rx_counters, vl.tx_counters));
    }
    if hw.wire != vl.wire {
        d.push(format!("wire frames or their cycles differ ({} / {})", hw.wire.len(), vl.wire.len()));
    }
    if hw.in_cycles != vl.in_cycles || hw.out_cycles != vl.out_cycles {
        d.push("per-case in/out cycles differ".into());
    }
    if !(hw.wire_seen && vl.wire_seen) {
        d.push("a model did not record the wire".into());
    }
    d
}

#[test]
#[ignore = "needs verilator"]
fn loopback_clock_for_clock() {
    for (width, seed, n, bp) in [(64, 11, 80, 0.3), (128, 12, 30, 0.5)] {
        let cases = loopback_tb::traffic(seed, n);
        let drive = LoopDrive { backpressure: bp, idle: bp, seed, cfg: loopback_config(), ..LoopDrive::default() };
        let hw = loopback_tb::run_width(&cases, width, &drive, None).unwrap();
        let vl = vl_model::loop_run(&cases, width, &drive).unwrap();
        let d = loop_diff(&hw, &vl);
        assert!(d.is_empty(), "W={width}: {}", d.join("\n"));
        assert_eq!(loopback_tb::check(&cases, &vl, &drive.cfg), 0);
        eprintln!("loopback W={width}: {n} cases, {} cycles identical", hw.cycles);
        // both comparisons can fail: one byte of a frame Verilator delivered, flipped
        let mut vl = vl;
        let i = vl.outcomes.iter().position(|o| matches!(o, Outcome::Rx(Ok((f, _))) if !f.is_empty())).unwrap();
        if let Outcome::Rx(Ok((f, _))) = &mut vl.outcomes[i] {
            *f.last_mut().unwrap() ^= 1;
        }
        assert_eq!(loop_diff(&hw, &vl), vec![format!("1 outcomes differ ({n} / {n})")]);
        assert_eq!(loopback_tb::check(&cases, &vl, &drive.cfg), 1);
    }
}

/// Loopback with an RX configuration that drops (RCO frames without opt-in) and TX drops
/// (a descriptor whose field is past the end), so both attribution paths are compared.
#[test]
#[ignore = "needs verilator"]
fn loopback_with_drops_clock_for_clock() {
    let mut cases = loopback_tb::traffic(14, 40);
    for (f, d) in cases.iter_mut().step_by(7) {
        *d = TxDescriptor { partial: true, csum_start: f.len() as u16, csum_offset: 6, ..d.clone() };
    }
    let cfg = RxConfig { remcsum_rx: false, ..loopback_config() };
    let drive = LoopDrive { backpressure: 0.2, idle: 0.1, seed: 14, cfg, ..LoopDrive::default() };
    let hw = loopback_tb::run_width(&cases, 64, &drive, None).unwrap();
    let vl = vl_model::loop_run(&cases, 64, &drive).unwrap();
    let d = loop_diff(&hw, &vl);
    assert!(d.is_empty(), "{}", d.join("\n"));
    assert!(hw.tx_counters.iter().sum::<u64>() > 0 && hw.rx_counters.iter().sum::<u64>() > 0, "{:?} {:?}", hw.tx_counters, hw.rx_counters);
    // the comparison sees a difference: another back-pressure seed on the Verilator side
    let other = vl_model::loop_run(&cases, 64, &LoopDrive { seed: 15, ..drive.clone() }).unwrap();
    assert!(loop_diff(&hw, &other).iter().any(|x| x.starts_with("cycles")));
}

/// `rco-nic run` (the main job) writes the same summary and files with either model: the
/// pcaps, the VCD (rust-hdl's in both: with verilator over the VCD's cycles only, which
/// this run exceeds) and the Verilog byte for byte, the save file and the summary up to
/// the output folder's name.
#[test]
#[ignore = "needs verilator"]
fn main_job_outputs_identical() {
    let root = scratch("vl-run");
    let mut got = vec![];
    for model in ["hw", "verilator"] {
        let out = root.join(model);
        let _ = std::fs::remove_dir_all(&out);
        let a = ["run", "--packets", "800", "--seed", "5", "--out", out.to_str().unwrap(), "--model", model];
        let (ok, stdout, stderr) = rco_nic(&a);
        assert!(ok, "{a:?}: {stderr}");
        let abs = std::path::absolute(&out).unwrap();
        let neutral = |t: String| t.replace(abs.to_str().unwrap(), "OUT").replace(out.to_str().unwrap(), "OUT");
        let mut files = vec![];
        for f in ["host.pcap", "vxlan.pcap", "decap.pcap", "nic.vcd", "verilog/rco_nic_core_w64.v", "verilog/rco_nic_core_w64.gtkw"] {
            files.push((f, std::fs::read(out.join(f)).unwrap_or_else(|e| panic!("{model}: {f}: {e}"))));
        }
        let gtkw = neutral(std::fs::read_to_string(out.join("nic.gtkw")).unwrap());
        got.push((neutral(stdout), files, gtkw));
    }
    let (hw, vl) = (&got[0], &got[1]);
    assert!(hw.0.contains("hw_mismatches=0 golden_mismatches=0"), "{}", hw.0);
    let cycles = |t: &str| -> u64 {
        let at = t.find(" cycles (").unwrap();
        t[..at].rsplit(' ').next().unwrap().parse().unwrap()
    };
    assert!(cycles(&hw.0) > rco_nic::main_job::VCD_CYCLES, "the run should outlast the VCD: {}", hw.0);
    assert_eq!(hw.0, vl.0, "summary");
    for ((f, a), (_, b)) in hw.1.iter().zip(&vl.1) {
        assert!(a == b, "{f} differs between the models");
    }
    assert_eq!(hw.2, vl.2, "nic.gtkw");
}

/// `sim` prints the same summary line with either model.
#[test]
#[ignore = "needs verilator"]
fn sim_summary_lines_identical() {
    for args in [
        ["--block", "rx", "--packets", "60", "--seed", "3", "--backpressure", "0.3", "--width", "64"],
        ["--block", "tx", "--packets", "60", "--seed", "4", "--backpressure", "0.2", "--width", "64"],
        ["--block", "loopback", "--packets", "40", "--seed", "11", "--backpressure", "0.3", "--width", "64"],
    ] {
        let mut lines = vec![];
        for model in ["hw", "verilator"] {
            let mut a = vec!["sim"];
            a.extend(args);
            a.extend(["--model", model]);
            let (ok, stdout, stderr) = rco_nic(&a);
            assert!(ok, "{a:?}: {stderr}");
            assert!(stdout.contains("mismatches=0"), "{stdout}");
            lines.push(stdout);
        }
        assert_eq!(lines[0], lines[1], "{args:?}");
    }
}

/// `decap --model verilator` output byte-identical to `--model hw` (pcap, report, summary)
/// on every committed capture, in nopartial and partial mode.
#[test]
#[ignore = "needs verilator"]
fn decap_captures_byte_identical() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/vectors/kernel");
    let mut caps: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "pcap")).collect();
    caps.sort();
    assert!(caps.len() >= 6, "{caps:?}");
    let out = scratch("vl-decap");
    for cap in &caps {
        for extra in [&[][..], &["--partial"][..], &["--no-rco-rx"][..]] {
            let mut got = vec![];
            for model in ["hw", "verilator"] {
                let (pcap, rep) = (out.join(format!("{model}.pcap")), out.join(format!("{model}.json")));
                let mut a = vec!["decap", "--model", model, cap.to_str().unwrap(), pcap.to_str().unwrap(), "--report", rep.to_str().unwrap()];
                a.extend(extra);
                let (ok, stdout, stderr) = rco_nic(&a);
                assert!(ok, "{a:?}: {stderr}");
                let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&rep).unwrap()).unwrap();
                got.push((std::fs::read(&pcap).unwrap(), report["frames"].clone(), stdout.replace(&format!("model={model}"), "model=")));
            }
            assert_eq!(got[0], got[1], "{} {extra:?}", cap.display());
        }
    }
}

/// `encap --model verilator` output byte-identical to `--model hw` on the inner captures.
#[test]
#[ignore = "needs verilator"]
fn encap_captures_byte_identical() {
    let out = scratch("vl-encap");
    for cap in ["v4-inner.pcap", "v6-inner-partial.pcap"] {
        for extra in [&["--outer", "ipv6"][..], &["--no-rco", "--no-udp-csum"][..]] {
            let mut got = vec![];
            for model in ["hw", "verilator"] {
                let pcap = out.join(format!("{model}.pcap"));
                let (input, output) = (kernel_capture(cap), pcap.clone());
                let mut a = vec!["encap", "--model", model, input.to_str().unwrap(), output.to_str().unwrap()];
                a.extend(extra);
                let (ok, stdout, stderr) = rco_nic(&a);
                assert!(ok, "{a:?}: {stderr}");
                got.push((std::fs::read(&pcap).unwrap(), stdout.replace(&format!("model={model}"), "model=")));
            }
            assert_eq!(got[0], got[1], "{cap} {extra:?}");
        }
    }
}

/// Without Verilator on the PATH a command fails with one line naming the package, the
/// same line for `decap` and the main job.
#[test]
fn missing_verilator_is_one_line_naming_the_package() {
    let out = scratch("vl-missing");
    let pcap = out.join("o.pcap");
    let job = out.join("run");
    let mut errs = vec![];
    for args in [
        vec!["decap", "--model", "verilator", kernel_capture("v4-outer.pcap").to_str().unwrap(), pcap.to_str().unwrap()],
        vec!["run", "--model", "verilator", "--packets", "3", "--out", job.to_str().unwrap()],
    ] {
        let r = std::process::Command::new(env!("CARGO_BIN_EXE_rco-nic")).args(&args).env("PATH", out.to_str().unwrap()).output().unwrap();
        assert!(!r.status.success(), "{args:?}");
        let err = String::from_utf8_lossy(&r.stderr).into_owned();
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains("Verilator") && err.contains("apt-get install verilator"), "{err}");
        errs.push(err);
    }
    assert_eq!(errs[0], errs[1]);
}

use std::path::Path;

/// Two threads that want the same model at once build it once: the second waits on the
/// cache key's lock and takes the first one's build (its `build_secs` is 0). Without the
/// lock both would verilate, since a build takes seconds and both start together.
#[test]
#[ignore = "needs verilator"]
fn one_build_per_model_when_asked_twice_at_once() {
    let root = scratch("vl-lock");
    let _ = std::fs::remove_dir_all(&root);
    // port declarations in the body, as rust-hdl emits them (what `top_ports` reads)
    let verilog = "module pass8(clk, a, y);\n  input wire clk;\n  input wire [7:0] a;\n  output reg [7:0] y;\n  always @(posedge clk) y <= a;\nendmodule\n";
    let start = std::sync::Barrier::new(2);
    let models: Vec<rco_sim::verilator::VlModel> = std::thread::scope(|s| {
        let threads: Vec<_> = (0..2)
            .map(|_| {
                s.spawn(|| {
                    start.wait();
                    rco_sim::verilator::build_in(&root, verilog, "pass8").unwrap()
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).collect()
    });
    let built: Vec<bool> = models.iter().map(|m| m.build_secs > 0.0).collect();
    assert_eq!(built.iter().filter(|&&b| b).count(), 1, "builds: {built:?}");
    assert_eq!(models[0].exe, models[1].exe);
    assert!(models[0].exe.is_file());
    let _ = std::fs::remove_dir_all(&root);
}
