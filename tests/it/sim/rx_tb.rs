//! Tests of `rco_sim::rx_tb`, the RX bench, and of the hardware's drop codes against golden's.

use rco_golden::rx::rx_decap;
use rco_golden::types::{DropReason, RxConfig};
use rco_hdl::rx::{
    DROP_BAD_KEEP, DROP_IP_CSUM, DROP_IP_FRAGMENT, DROP_IP_HEADER, DROP_NOT_VXLAN, DROP_OVERFLOW, DROP_RCO_NOT_ENABLED, DROP_RCO_PAST_END,
    DROP_TOO_LONG, DROP_TRUNCATED, DROP_UDP_CSUM, DROP_UDP_LENGTH, DROP_UDP_ZERO_CSUM6, DROP_VXLAN_FLAGS, NUM_DROP_REASONS,
};
use rco_sim::rx_model::{run_width, Drive};
use rco_sim::rx_tb::*;

fn check(width: usize, seed: u64, packets: usize, backpressure: f64) {
    let (jobs, expect) = traffic(seed, packets);
    let run = run_width(&jobs, width, &Drive { backpressure, seed, mac: false }, None).unwrap();
    assert_eq!(run.results.len(), expect.len());
    for (i, (g, e)) in run.results.iter().zip(&expect).enumerate() {
        assert_eq!(g, e, "W={width} packet {i}");
    }
    let drops = expect.iter().filter(|r| r.is_err()).count() as u64;
    assert_eq!(run.counters.iter().sum::<u64>(), drops);
}

#[test]
fn w64_back_to_back_matches_golden() {
    check(64, 11, 80, 0.0);
}

#[test]
fn w64_under_back_pressure_matches_golden() {
    check(64, 12, 60, 0.5);
}

#[test]
fn w256_matches_golden() {
    check(256, 13, 40, 0.2);
}

/// A frame longer than max_frame is dropped as too_long and the path keeps going
/// (the frames around it come out), with no deadlock even with a tiny buffer limit.
#[test]
fn too_long_frames_drop_without_deadlock() {
    let (mut jobs, _) = traffic(14, 6);
    for (_, c) in jobs.iter_mut() {
        *c = RxConfig { max_frame: 200, ..RxConfig::default() };
    }
    let expect: Vec<_> = jobs.iter().map(|(f, c)| rx_decap(f, c)).collect();
    assert!(expect.iter().any(|r| r == &Err(DropReason::TooLong)));
    let run = run_width(&jobs, 64, &Drive::default(), None).unwrap();
    assert_eq!(run.results, expect);
}

/// The hardware's drop codes are the index in golden's `DropReason::ALL` (`hdl/`
/// cannot import golden, so its constants are checked here).
#[test]
fn drop_codes_are_golden_indices() {
    assert_eq!(NUM_DROP_REASONS, DropReason::ALL.len());
    let codes = [
        (DROP_TOO_LONG, DropReason::TooLong),
        (DROP_TRUNCATED, DropReason::Truncated),
        (DROP_NOT_VXLAN, DropReason::NotVxlan),
        (DROP_IP_HEADER, DropReason::IpHeader),
        (DROP_IP_CSUM, DropReason::IpCsum),
        (DROP_IP_FRAGMENT, DropReason::IpFragment),
        (DROP_UDP_LENGTH, DropReason::UdpLength),
        (DROP_UDP_CSUM, DropReason::UdpCsum),
        (DROP_UDP_ZERO_CSUM6, DropReason::UdpZeroCsum6),
        (DROP_VXLAN_FLAGS, DropReason::VxlanFlags),
        (DROP_RCO_NOT_ENABLED, DropReason::RcoNotEnabled),
        (DROP_RCO_PAST_END, DropReason::RcoPastEnd),
        (DROP_BAD_KEEP, DropReason::BadKeep),
        (DROP_OVERFLOW, DropReason::Overflow),
    ];
    assert_eq!(codes.len(), DropReason::ALL.len());
    for (c, r) in codes {
        assert_eq!(DropReason::ALL[c as usize], r);
    }
    // the drop_reason port (4 bits) holds every code
    assert!(DropReason::ALL.len() <= 16);
}
