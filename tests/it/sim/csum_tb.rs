//! Tests of `rco_sim::csum_tb`, the checksum engine's bench: schedules, runs at every width, VCD.

use rco_hdl::csum_engine::latency;
use rco_hdl::with_width;
use rco_sim::csum_tb::*;
use rco_sim::SimOpts;

#[test]
fn schedule_expectations_follow_golden() {
    let s = schedule(1, 50, 8, 300, 0.1);
    assert_eq!(s.expect.len(), 50);
    assert!(s.cycles.iter().filter(|c| c.valid).count() as u64 == s.beats);
    // pulses are due strictly in order, the engine's latency after a last beat
    for w in s.expect.windows(2) {
        assert!(w[0].due < w[1].due);
    }
    for e in &s.expect {
        let c = &s.cycles[e.due as usize - latency(64)];
        assert!(c.valid && c.last);
        assert_eq!(e.csum, !e.sum);
    }
}

fn drive_at(width: usize, s: &Schedule) -> anyhow::Result<DriveResult> {
    with_width!(width, drive::<W, K, N>(s, None, u64::MAX), else unreachable!())
}

#[test]
fn w64_short_packets_match_golden() {
    let s = schedule(3, 120, 8, 200, 0.1);
    let r = drive_at(64, &s).unwrap();
    assert_eq!((r.mismatches, r.pulses), (0, 120), "{:?}", r.notes);
}

#[test]
fn w128_short_packets_match_golden() {
    let s = schedule(4, 80, 16, 300, 0.1);
    let r = drive_at(128, &s).unwrap();
    assert_eq!((r.mismatches, r.pulses), (0, 80), "{:?}", r.notes);
}

#[test]
fn w256_short_packets_match_golden() {
    let s = schedule(5, 60, 32, 400, 0.1);
    let r = drive_at(256, &s).unwrap();
    assert_eq!((r.mismatches, r.pulses), (0, 60), "{:?}", r.notes);
}

#[test]
fn w512_short_packets_match_golden() {
    let s = schedule(8, 40, 64, 600, 0.1);
    let r = drive_at(512, &s).unwrap();
    assert_eq!((r.mismatches, r.pulses), (0, 40), "{:?}", r.notes);
}

#[test]
fn a_wrong_expectation_is_caught() {
    let mut s = schedule(6, 10, 8, 100, 0.0);
    s.expect[3].sum ^= 1;
    let r = drive_at(64, &s).unwrap();
    assert_eq!(r.mismatches, 1);
}

#[test]
fn vcd_and_gtkw_are_written() {
    let dir = std::env::temp_dir().join(format!("rco_csum_vcd_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let vcd = dir.join("csum.vcd");
    let opts = SimOpts {
        packets: 5,
        seed: 2,
        width: 64,
        backpressure: 0.0,
        vcd: Some(vcd.clone()),
        sized: None,
        rx_axi: false,
    };
    let sum = run(&opts).unwrap();
    assert_eq!(sum.mismatches, 0);
    let text = std::fs::read_to_string(&vcd).unwrap();
    assert!(text.contains("$enddefinitions") && text.contains("sum_valid"));
    let gtkw = std::fs::read_to_string(dir.join("csum.gtkw")).unwrap();
    assert!(gtkw.contains("uut.s_axis.tdata[63:0]"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The README's acceptance run (`rco-nic sim --block csum --packets 300 --seed 7`).
#[test]
fn csum_300_packets_seed_7() {
    for width in [64, 128, 256, 512] {
        one(width);
    }
}

fn one(width: usize) {
    let opts = SimOpts {
        packets: 300,
        seed: 7,
        width,
        backpressure: 0.0,
        vcd: None,
        sized: None,
        rx_axi: false,
    };
    let t = std::time::Instant::now();
    let s = rco_sim::run_sim("csum", &opts).unwrap();
    eprintln!(
        "{s}  ({:.1} s, {:.0} cycles/s)",
        t.elapsed().as_secs_f64(),
        s.cycles as f64 / t.elapsed().as_secs_f64()
    );
    assert_eq!(s.mismatches, 0);
    assert!(s.beats_per_cycle >= 0.99);
}
