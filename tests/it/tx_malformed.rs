//! `tkeep` that breaks the packed-stream contract on the TX host stream (hdl/src/stream.rs:
//! all ones before the last beat, the last beat's lanes contiguous from lane 0 and not
//! empty), through the TX hardware cycle by cycle (`rco_sim::tx_model`) with back-pressure
//! and idle input cycles: every such frame is a `bad_keep` drop (counted by
//! `drop_bad_keep`, before the other errors), and the good frame after it comes out as
//! golden `tx_encap` makes it. A lone null beat is the empty frame: truncated, as golden.
//! Expectations come from what each case mangled (and golden for the good frames).

use rco_golden::rng::SplitMix64;
use rco_golden::tx::tx_encap;
use rco_golden::types::{TxDescriptor, TxError};
use rco_golden::vectors::{gen_descriptor, gen_host_frame};
use rco_hdl::stream::lane_mask;
use rco_hdl::stream::{packet_beats, Beat};
use rco_sim::tb::keep_faults::{breaks_contract, Base, JUNK, KEEP_FAULTS};
use rco_sim::tx_model::{run_width_beats, DriveOpts};

/// Buffer size of the runs (short too-long frames).
const MAX_FRAME: usize = 2048;

/// Good host frames with their descriptors, at least `min_len` bytes.
fn good_cases(seed: u64, n: usize, min_len: usize) -> Vec<(Vec<u8>, TxDescriptor)> {
    let mut rng = SplitMix64::new(seed);
    let mut v = Vec::new();
    while v.len() < n {
        let (f, p) = gen_host_frame(&mut rng, 600);
        let d = gen_descriptor(&mut rng, p);
        if f.len() >= min_len && tx_encap(&f, &d, MAX_FRAME).is_ok() {
            v.push((f, d));
        }
    }
    v
}

type Expect = Result<Vec<u8>, TxError>;

fn cases(k: usize) -> Vec<(String, Vec<Beat>, TxDescriptor, Expect)> {
    let goods = good_cases(0x7EE9, 6, 3 * k + 1);
    let (f0, d0) = goods[0].clone();
    let mut long = f0.clone();
    long.resize(MAX_FRAME + 2 * k, 0xC3);
    // a partial descriptor whose field lies past the end (bad_descriptor on its own)
    let mut bad_desc = d0.clone();
    bad_desc.partial = true;
    bad_desc.csum_start = f0.len() as u16 - 4;
    bad_desc.csum_offset = 6;
    assert_eq!(tx_encap(&f0, &bad_desc, MAX_FRAME), Err(TxError::BadDescriptor));
    // the shared faults (`rco_sim::tb::keep_faults`), then a hole in a frame whose descriptor
    // is bad too: bad_keep before bad_descriptor
    let mut faults: Vec<(String, Vec<Beat>, TxDescriptor)> = KEEP_FAULTS
        .iter()
        .map(|f| {
            let frame = match f.base {
                Base::Good => &f0[..],
                Base::Short => &f0[..10],
                Base::FirstByte => &f0[..1],
                Base::TooLong => &long[..],
            };
            (f.name.to_string(), f.beats(frame, k), d0.clone())
        })
        .collect();
    let mut hole = packet_beats(&f0, k);
    let m = hole.len() / 2;
    hole[m].null_lanes(1, 2, Some(JUNK));
    faults.push(("bad_desc_and_hole".into(), hole, bad_desc));
    // the empty frame (one beat, nothing kept) is legal framing: golden's verdict
    assert_eq!(tx_encap(&[], &d0, MAX_FRAME), Err(TxError::Truncated));
    let mut v = Vec::new();
    for (i, (name, b, d)) in faults.into_iter().enumerate() {
        assert!(breaks_contract(&b, k), "{name}: the edit breaks the contract");
        let want = if name == "lone_null_beat" { tx_encap(&[], &d, MAX_FRAME) } else { Err(TxError::BadKeep) };
        v.push((name.clone(), b, d, want));
        let (g, gd) = &goods[1 + i % (goods.len() - 1)];
        v.push((format!("good after {name}"), packet_beats(g, k), gd.clone(), tx_encap(g, gd, MAX_FRAME)));
    }
    // the frames the bad ones were made from, unmangled, are good
    v.push(("f0_whole".into(), packet_beats(&f0, k), d0.clone(), tx_encap(&f0, &d0, MAX_FRAME)));
    assert!(v.iter().filter(|c| c.3.is_ok()).all(|c| c.1.iter().all(|b| b.last || b.keep == lane_mask(k))));
    v
}

fn run(width: usize, backpressure: f64, seed: u64) {
    let k = width / 8;
    let cases = cases(k);
    let jobs: Vec<(Vec<Beat>, TxDescriptor)> = cases.iter().map(|(_, b, d, _)| (b.clone(), d.clone())).collect();
    let opts = DriveOpts { max_frame: MAX_FRAME, backpressure, idle: 0.1, seed };
    let r = run_width_beats(&jobs, &opts, width).unwrap();
    assert_eq!(r.results.len(), cases.len());
    let mut bad = Vec::new();
    for ((name, _, _, want), got) in cases.iter().zip(&r.results) {
        if got != want {
            let s = |x: &Expect| match x {
                Ok(f) => format!("frame {} bytes", f.len()),
                Err(e) => format!("drop {e}"),
            };
            bad.push(format!("{name}: hw {} / expected {}", s(got), s(want)));
        }
    }
    assert!(bad.is_empty(), "W={width}:\n{}", bad.join("\n"));
    let n_bk = cases.iter().filter(|c| c.3 == Err(TxError::BadKeep)).count();
    let n_drop = cases.iter().filter(|c| c.3.is_err()).count();
    // every drop stepped exactly one counter once (tx_model attributes counter steps)
    assert_eq!(r.drops as usize, n_drop, "W={width}: drop counter steps");
    eprintln!("W={width}: {} cases, bad_keep={n_bk}, drops={n_drop}, {} cycles", cases.len(), r.cycles);
}

#[test]
fn tx_bad_keep_w64_backpressure() {
    run(64, 0.3, 1);
}

#[test]
fn tx_bad_keep_w128_backpressure() {
    run(128, 0.2, 2);
}

#[test]
fn tx_bad_keep_w256_backpressure() {
    run(256, 0.4, 3);
}
