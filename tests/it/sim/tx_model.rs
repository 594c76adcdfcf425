//! Tests of `rco_sim::tx_model`, the TX hardware run cycle by cycle, at every width.

use rco_golden::rng::SplitMix64;
use rco_golden::tx::tx_encap;
use rco_golden::types::TxDescriptor;
use rco_golden::vectors::{gen_descriptor, gen_host_frame};
use rco_sim::tx_model::*;

fn golden_cases(seed: u64, n: usize) -> Vec<(Vec<u8>, TxDescriptor)> {
    let mut rng = SplitMix64::new(seed);
    (0..n)
        .map(|_| {
            let (f, p) = gen_host_frame(&mut rng, 300);
            let d = gen_descriptor(&mut rng, p);
            (f, d)
        })
        .collect()
}

fn check(width: usize, seed: u64, n: usize, bp: f64) {
    let cases = golden_cases(seed, n);
    let opts = DriveOpts { max_frame: 2048, backpressure: bp, idle: 0.1, seed };
    let run = run_width(&cases, &opts, width, None).unwrap();
    for (i, ((f, d), got)) in cases.iter().zip(&run.results).enumerate() {
        let want = tx_encap(f, d, 2048);
        assert_eq!(got, &want, "case {i} at W={width}: {d:?}");
    }
}

#[test]
fn w64_matches_golden() {
    check(64, 11, 40, 0.0);
}

#[test]
fn w64_backpressure_matches_golden() {
    check(64, 12, 30, 0.4);
}

#[test]
fn w128_matches_golden() {
    check(128, 13, 30, 0.2);
}

#[test]
fn w256_matches_golden() {
    check(256, 14, 20, 0.2);
}

#[test]
fn w512_matches_golden() {
    check(512, 15, 12, 0.2);
}
