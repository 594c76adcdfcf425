//! Cosimulation of the *emitted Verilog* of the RX path (`rco_rx_path_wN`) under Icarus
//! Verilog and Verilator, against the golden model: the committed RX vectors
//! (golden/vectors/rx.jsonl, every malformation class), the real Linux captures
//! (nopartial and partial receivers) and random golden TX traffic, with random
//! `m_axis.tready` back-pressure. Expected results come from `rco_golden` (the vectors'
//! stored expectations and `rx_decap`), never from the design. Ignored by default
//! (external tools); `scripts/test-all.sh` runs them.

mod common;
use common::*;
use rco_golden::rx::rx_decap;
use rco_golden::types::{DropReason, RxConfig};
use rco_golden::vectors::RxVector;
use rco_sim::csum_cosim::{run_iverilog, run_verilator, scratch_dir, CosimRun};
use rco_sim::rx_cosim::{prepare, read_events};
use rco_sim::rx_model::RxResult;
use rco_synth::Design;

fn jobs() -> (Vec<(Vec<u8>, RxConfig)>, Vec<RxResult>) {
    let mut jobs = Vec::new();
    let mut expect = Vec::new();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/vectors/rx.jsonl");
    for line in std::fs::read_to_string(path).unwrap().lines() {
        let v: RxVector = serde_json::from_str(line).unwrap();
        if v.frame.is_empty() {
            continue; // not a frame on an AXI stream
        }
        expect.push(v.expect.map(|(f, m)| (f.0, m)));
        jobs.push((v.frame, v.config));
    }
    for cap in ["v4-outer.pcap", "v6-outer.pcap"] {
        for nopartial in [true, false] {
            let cfg = RxConfig { nopartial, ..RxConfig::default() };
            for f in pcap_frames(&kernel_capture(cap)) {
                expect.push(rx_decap(&f, &cfg));
                jobs.push((f, cfg.clone()));
            }
        }
    }
    let (tj, te) = rco_sim::rx_tb::traffic(0xC05E, 60);
    jobs.extend(tj);
    expect.extend(te);
    (jobs, expect)
}

fn cosim(width: usize, tag: &str, run: fn(&std::path::Path) -> anyhow::Result<CosimRun>) {
    let (jobs, expect) = jobs();
    let dir = scratch_dir(tag);
    let top = Design::RxPath.module_name(width);
    let verilog = Design::RxPath.verilog(width).unwrap();
    prepare(&dir, &verilog, &top, width, &jobs, 20, 2_000_000, false).unwrap();
    let r = run(&dir).unwrap();
    assert_eq!((r.errors, r.pulses, r.expected), (0, jobs.len() as u64, jobs.len() as u64), "{}", r.output);
    let (got, counters) = read_events(&dir, width).unwrap();
    assert_eq!(got.len(), expect.len());
    for (i, (g, e)) in got.iter().zip(&expect).enumerate() {
        assert_eq!(g, e, "{}: result {i} differs from golden", r.tool);
    }
    let mut want = vec![0u64; DropReason::ALL.len()];
    for d in expect.iter().filter_map(|e| e.as_ref().err()) {
        want[DropReason::ALL.iter().position(|x| x == d).unwrap()] += 1;
    }
    assert_eq!(counters, want, "{}: drop counters", r.tool);
    assert!(want.iter().filter(|&&n| n > 0).count() >= 8, "traffic covers the drop classes: {want:?}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
#[ignore = "needs iverilog"]
fn iverilog_w64_matches_golden() {
    cosim(64, "rx_iv64", run_iverilog);
}

#[test]
#[ignore = "needs iverilog"]
fn iverilog_w128_matches_golden() {
    cosim(128, "rx_iv128", run_iverilog);
}

#[test]
#[ignore = "needs verilator"]
fn verilator_w64_matches_golden() {
    cosim(64, "rx_vl64", run_verilator);
}
