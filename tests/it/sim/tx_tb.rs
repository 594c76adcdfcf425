//! Tests of `rco_sim::tx_tb`, the TX bench: its cases, runs with faults, its comparison, VCD.

use rco_golden::tx::tx_encap;
use rco_golden::types::TxDescriptor;
use rco_sim::tx_model::{run_width, DriveOpts};
use rco_sim::tx_tb::*;
use rco_sim::SimOpts;

#[test]
fn cases_cover_every_tx_error_and_the_completion_path() {
    let c = cases(3, 400);
    let mut errs = std::collections::BTreeSet::new();
    let mut completed_odd = 0;
    for (f, d) in &c {
        match tx_encap(f, d, MAX_FRAME) {
            Err(e) => {
                errs.insert(e);
            }
            Ok(_) => completed_odd += (d.partial && d.csum_start % 2 == 1) as usize,
        }
    }
    assert_eq!(errs.len(), 3, "{errs:?}");
    assert!(completed_odd > 3);
}

#[test]
fn w64_with_faults_and_backpressure() {
    let opts = SimOpts { packets: 60, seed: 5, width: 64, backpressure: 0.3, vcd: None, sized: None, rx_axi: false };
    let s = run(&opts).unwrap();
    assert_eq!(s.mismatches, 0);
    assert!(s.drops > 0, "{s}");
}

#[test]
fn w256_with_faults() {
    let opts = SimOpts { packets: 40, seed: 6, width: 256, backpressure: 0.1, vcd: None, sized: None, rx_axi: false };
    assert_eq!(run(&opts).unwrap().mismatches, 0);
}

/// The bench's own comparison, on a real hardware run: golden's expectation gives no
/// mismatch; the same expectation with one byte of one frame flipped, or one good frame
/// expected as a drop, gives exactly one.
#[test]
fn a_corrupted_expectation_fails_the_comparison() {
    let c = cases(8, 6);
    let dopts = DriveOpts { max_frame: MAX_FRAME, backpressure: 0.0, idle: 0.0, seed: 8 };
    let r = run_width(&c, &dopts, 64, None).unwrap();
    let golden = |_: usize, f: &[u8], d: &TxDescriptor| tx_encap(f, d, MAX_FRAME);
    assert_eq!(count_mismatches(&c, &r.results, &golden), 0);
    let i = r.results.iter().position(|x| x.is_ok()).unwrap();
    let flipped = |j: usize, f: &[u8], d: &TxDescriptor| {
        let mut want = tx_encap(f, d, MAX_FRAME);
        if let (true, Ok(w)) = (j == i, &mut want) {
            let n = w.len();
            w[n / 2] ^= 0x10;
        }
        want
    };
    assert_eq!(count_mismatches(&c, &r.results, &flipped), 1);
    let dropped = |j: usize, f: &[u8], d: &TxDescriptor| if j == i { Err(rco_golden::types::TxError::Truncated) } else { tx_encap(f, d, MAX_FRAME) };
    assert_eq!(count_mismatches(&c, &r.results, &dropped), 1);
}

#[test]
fn vcd_and_gtkw_are_written() {
    let dir = std::env::temp_dir().join(format!("rco_tx_vcd_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let vcd = dir.join("tx.vcd");
    let opts = SimOpts { packets: 4, seed: 2, width: 64, backpressure: 0.2, vcd: Some(vcd.clone()), sized: None, rx_axi: false };
    assert_eq!(run(&opts).unwrap().mismatches, 0);
    let text = std::fs::read_to_string(&vcd).unwrap();
    assert!(text.contains("$enddefinitions") && text.contains("tready"));
    let gtkw = std::fs::read_to_string(dir.join("tx.gtkw")).unwrap();
    assert!(gtkw.contains("uut.m_axis.tdata[63:0]"));
    std::fs::remove_dir_all(&dir).unwrap();
}
