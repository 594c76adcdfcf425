//! Cosimulation of the *emitted Verilog* of the RX (`rco_rx_wN`) under Icarus
//! Verilog and Verilator, against the golden model: the committed RX vectors
//! (golden/vectors/rx.jsonl, every malformation class), the real Linux captures
//! (nopartial and partial receivers) and random golden TX traffic, with random
//! `m_axis.tready` back-pressure, plus four frames with a tkeep that breaks the stream
//! contract (`bad_keep`). Expected results come from `rco_golden` (the vectors'
//! stored expectations and `rx_decap`), never from the design. Ignored by default
//! (external tools); `scripts/test-all.sh` runs them.

use crate::common::*;
use rco_golden::rx::rx_decap;
use rco_golden::types::{DropReason, RxConfig};
use rco_golden::vectors::RxVector;
use rco_sim::csum_cosim::{run_iverilog, run_verilator, scratch_dir, CosimRun};
use rco_hdl::stream::{packet_beats, Beat};
use rco_sim::rx_cosim::{prepare_beats, read_events};
use rco_sim::rx_model::RxResult;
use rco_export::Design;

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

/// Frames whose tkeep breaks the stream contract, each a `bad_keep` drop, spliced in after
/// frame `at` of `jobs` (as beats of `width / 8` lanes), with the good frames around them.
fn with_bad_keep(width: usize, jobs: Vec<(Vec<u8>, RxConfig)>, expect: &mut Vec<RxResult>) -> Vec<(Vec<Beat>, RxConfig)> {
    let k = width / 8;
    let mut v: Vec<(Vec<Beat>, RxConfig)> = jobs.into_iter().map(|(f, c)| (packet_beats(&f, k), c)).collect();
    let cfg = RxConfig::default();
    let good = pcap_frames(&kernel_capture("v4-outer.pcap")).into_iter().find(|f| f.len() > 3 * k).unwrap();
    let mut bad = Vec::new();
    let mut b = packet_beats(&good, k);
    b[1].keep &= !(1 << (k - 1)); // hole in a non-last beat
    bad.push(b);
    let mut b = packet_beats(&good, k);
    b[2].keep = 0; // a null beat inside the frame
    bad.push(b);
    let mut b = packet_beats(&good, k);
    let n = b.len() - 1;
    b[n].keep = 1 | 1 << (k - 1); // last beat not contiguous
    bad.push(b);
    let mut b = packet_beats(&good, k);
    b[n].last = false;
    b.push(Beat { data: vec![0; k], keep: 0, last: true }); // null last beat
    bad.push(b);
    let at = 5;
    for (i, b) in bad.into_iter().enumerate() {
        v.insert(at + 2 * i, (b, cfg.clone()));
        expect.insert(at + 2 * i, Err(DropReason::BadKeep));
    }
    v
}

fn cosim(width: usize, tag: &str, run: fn(&std::path::Path) -> anyhow::Result<CosimRun>) {
    let (jobs, mut expect) = jobs();
    let jobs = with_bad_keep(width, jobs, &mut expect);
    let dir = scratch_dir(tag);
    let top = Design::Rx.module_name(width);
    let verilog = Design::Rx.verilog(width).unwrap();
    prepare_beats(&dir, &verilog, &top, width, &jobs, 20, 2_000_000, false).unwrap();
    let r = run(&dir).unwrap();
    assert_eq!((r.errors, r.pulses, r.expected), (0, jobs.len() as u64, jobs.len() as u64), "{}", r.output);
    let (got, counters) = read_events(&dir, width).unwrap();
    let d = diff(&got, &counters, &expect);
    assert!(d.is_empty(), "{}: {}", r.tool, d.join("\n"));
    let want = DropReason::histogram(expect.iter().filter_map(|e| e.as_ref().err()));
    assert!(want.iter().filter(|&&n| n > 0).count() >= 8, "traffic covers the drop classes: {want:?}");
    // the comparison can fail: one byte of one expected frame flipped is that one difference
    let i = expect.iter().rposition(|e| e.is_ok()).unwrap();
    if let Ok((f, _)) = &mut expect[i] {
        let n = f.len();
        f[n / 2] ^= 0x01;
    }
    let d = diff(&got, &counters, &expect);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].starts_with(&format!("result {i} ")), "{d:?}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// Differences between the simulator's results and drop counters and the golden `expect`.
fn diff(got: &[RxResult], counters: &[u64], expect: &[RxResult]) -> Vec<String> {
    let mut d = Vec::new();
    if got.len() != expect.len() {
        d.push(format!("{} results, {} expected", got.len(), expect.len()));
    }
    for (i, (g, e)) in got.iter().zip(expect).enumerate() {
        if g != e {
            let short = |r: &RxResult| r.as_ref().map(|(f, m)| (f.len(), m.clone())).map_err(|e| *e);
            d.push(format!("result {i} differs from golden: {:?} / {:?}", short(g), short(e)));
        }
    }
    let want = DropReason::histogram(expect.iter().filter_map(|e| e.as_ref().err()));
    if counters != want.as_slice() {
        d.push(format!("drop counters {counters:?}, expected {want:?}"));
    }
    d
}

#[test]
#[ignore = "needs iverilog"]
fn iverilog_w64_matches_golden() {
    cosim(64, "rx_iv64", run_iverilog);
}

#[test]
#[ignore = "needs iverilog"]
fn iverilog_w512_matches_golden() {
    cosim(512, "rx_iv512", run_iverilog);
}

#[test]
#[ignore = "needs verilator"]
fn verilator_w64_matches_golden() {
    cosim(64, "rx_vl64", run_verilator);
}

#[test]
#[ignore = "needs verilator"]
fn verilator_w512_matches_golden() {
    cosim(512, "rx_vl512", run_verilator);
}
