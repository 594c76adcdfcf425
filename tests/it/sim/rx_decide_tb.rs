//! Tests of `rco_sim::rx_decide_tb`, the bench of the RX decision stage alone.

use rco_sim::rx_decide_tb::*;

#[test]
fn decisions_equal_golden_w64() {
    let (errs, run) = run_traffic(3, 60, 64).unwrap();
    assert!(errs.is_empty(), "{} mismatches, first: {:#?}", errs.len(), &errs[..errs.len().min(8)]);
    assert_eq!(run.decisions.len(), 60);
}
