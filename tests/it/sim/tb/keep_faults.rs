//! Tests of `rco_sim::tb::keep_faults`: every fault breaks the stream contract.

use rco_hdl::stream::packet_beats;
use rco_sim::tb::keep_faults::*;

/// Every fault breaks the contract at every built width, on frames of the sizes the
/// tests use, and the frames unedited keep it.
#[test]
fn every_fault_breaks_the_contract() {
    let good: Vec<u8> = (0..700u32).map(|i| i as u8).collect();
    let long: Vec<u8> = (0..2200u32).map(|i| (i * 7) as u8).collect();
    for k in [8, 16, 32, 64] {
        for f in KEEP_FAULTS {
            let frame = match f.base {
                Base::Good => &good[..],
                Base::Short => &good[..10],
                Base::FirstByte => &good[..1],
                Base::TooLong => &long[..],
            };
            assert!(!breaks_contract(&packet_beats(frame, k), k), "{}: the base frame at k={k}", f.name);
            assert!(breaks_contract(&f.beats(frame, k), k), "{} at k={k}", f.name);
        }
    }
}
