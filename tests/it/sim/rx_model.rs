//! Tests of `rco_sim::rx_model`, the RX hardware run cycle by cycle, and of its `account`.

use rco_golden::rx::rx_decap;
use rco_golden::types::{DropReason, RxConfig};
use rco_hdl::rx::DROP_OVERFLOW;
use rco_sim::rx_model::*;
use rco_sim::sized::{FrameSizes, SizedTraffic};

fn check(jobs: &[(Vec<u8>, RxConfig)], width: usize, d: &Drive) -> (RxRun, Vec<usize>) {
    let expect: Vec<RxResult> = jobs.iter().map(|(f, c)| rx_decap(f, c)).collect();
    let run = run_width(jobs, width, d, None).unwrap();
    let (errs, ovf) = account(&expect, &run);
    assert!(errs.is_empty(), "W={width}: {} mismatches, first {:?}", errs.len(), &errs[..errs.len().min(5)]);
    (run, ovf)
}

fn sized(len: usize, v6: bool, n: usize, seed: u64) -> Vec<(Vec<u8>, RxConfig)> {
    let t = SizedTraffic { sizes: FrameSizes::Fixed(len), outer_v6: v6, vlan: false };
    rco_sim::rx_tb::sized_traffic(seed, n, &t).unwrap().0
}

#[test]
fn random_traffic_equals_golden_at_every_width() {
    for (w, seed) in [(64, 1), (128, 2), (256, 3), (512, 4)] {
        let (jobs, _) = rco_sim::rx_tb::traffic(seed, 40);
        let (run, ovf) = check(&jobs, w, &Drive { backpressure: 0.2, seed, mac: false });
        assert!(ovf.is_empty() && run.overflows() == 0, "AXI mode must not drop for room: {ovf:?}");
    }
}

#[test]
fn mac_mode_under_back_pressure_accounts_for_every_frame() {
    let mut jobs = Vec::new();
    for (i, len) in [60, 73, 200, 333, 600, 1000].iter().enumerate() {
        jobs.extend(sized(*len, i % 2 == 1, 20, i as u64));
    }
    let (run, ovf) = check(&jobs, 64, &Drive { backpressure: 0.5, seed: 5, mac: true });
    assert!(!run.ingress_stalled, "MAC mode lowered tready");
    assert!(!ovf.is_empty() && ovf.len() < jobs.len(), "expected some overflow drops, got {}", ovf.len());
}

/// Back-to-back minimum frames: the ingress never waits and every frame comes out.
#[test]
fn minimum_frames_back_to_back_at_line_rate() {
    for w in [64, 512] {
        let jobs = sized(60, false, 60, w as u64);
        let (run, ovf) = check(&jobs, w, &Drive { mac: true, ..Default::default() });
        assert!(ovf.is_empty() && !run.ingress_stalled);
        assert_eq!(run.input_cycles, run.accepted, "W={w}: input took {} clocks for {} beats", run.input_cycles, run.accepted);
        // and the frames leave at the rate they came: a frame every (its beats) clocks
        let beats_per_frame = jobs[0].0.len().div_ceil(w / 8) as f64;
        assert_eq!(run.finished.cycles_per_frame(), Some(beats_per_frame), "W={w}: output cadence");
    }
}

/// A frame with the I flag clear is `vxlan_flags` even when it also carries the RCO flag
/// for a receiver that has not opted in (golden returns before looking at RCO).
#[test]
fn no_i_flag_beats_rco_not_enabled() {
    use rco_golden::vectors::refresh_outer_udp_csum;
    use rco_golden::vxlan::{VXLAN_HF_RCO, VXLAN_HF_VNI};
    let mut jobs = sized(128, false, 4, 8);
    let vx = 14 + 20 + 8;
    let flags = |f: &[u8]| u32::from_be_bytes(f[vx..vx + 4].try_into().unwrap());
    for (f, c) in jobs.iter_mut().step_by(2) {
        let with_c = flags(f) | VXLAN_HF_RCO;
        f[vx..vx + 4].copy_from_slice(&(with_c & !VXLAN_HF_VNI).to_be_bytes());
        refresh_outer_udp_csum(f);
        c.remcsum_rx = false;
    }
    let expect: Vec<RxResult> = jobs.iter().map(|(f, c)| rx_decap(f, c)).collect();
    for k in [0, 2] {
        assert_eq!(flags(&jobs[k].0) & (VXLAN_HF_RCO | VXLAN_HF_VNI), VXLAN_HF_RCO);
        assert_eq!(expect[k], Err(DropReason::VxlanFlags));
    }
    let (run, _) = check(&jobs, 64, &Drive::default());
    assert_eq!(run.results, expect);
}

/// Drops keep input order when a short frame follows them at 512 bits under host
/// back-pressure (its last beat used to leave before they were released).
#[test]
fn drops_before_a_short_frame_keep_input_order_at_512() {
    let (jobs, _) = rco_sim::rx_tb::traffic(1, 300);
    for mac in [true, false] {
        check(&jobs, 512, &Drive { backpressure: 0.5, seed: 1, mac });
    }
}

/// `account` is strict: a changed frame is a mismatch, and a missing frame is one only when
/// the overflow counter does not cover it.
#[test]
fn account_catches_changed_and_unexplained_missing_frames() {
    let jobs = sized(100, false, 6, 3);
    let expect: Vec<RxResult> = jobs.iter().map(|(f, c)| rx_decap(f, c)).collect();
    let mut run = RxRun { results: expect.clone(), counters: vec![0; DropReason::ALL.len()], ..Default::default() };
    assert!(account(&expect, &run).0.is_empty());
    let _ = run.results.remove(2);
    assert!(!account(&expect, &run).0.is_empty(), "a missing frame with no overflow count");
    run.counters[DROP_OVERFLOW as usize] = 1;
    assert_eq!(account(&expect, &run), (vec![], vec![2]));
    if let Ok((f, _)) = &mut run.results[3] {
        f[20] ^= 1;
    }
    assert!(!account(&expect, &run).0.is_empty(), "a corrupted frame");
}
