//! `sim --block loopback`: golden host frames -> TX hardware -> RX hardware in one
//! cycle-coupled simulation (TX `m_axis` is RX `s_axis`), with input idles and output
//! back-pressure. The testbench compares every case with golden `rx_decap(tx_encap(x))`
//! and with the host frame (RFC 1071); here the delivered frames are checked once more
//! with etherparse and this crate's own RFC 1071 sum (tests/it/common, no golden code).
//!
//! The long run (100,000 packets) is done by hand, see README "Robustness":
//! `rco-nic sim --block loopback --packets 100000 --seed 7 --backpressure 0.3`.

use crate::common::*;
use rco_sim::loopback_tb::{check, run_width, traffic, LoopDrive, Outcome};
use rco_sim::{run_sim, SimOpts};

/// The acceptance run, through the binary: mismatches=0 and the summary line's shape.
#[test]
fn acceptance_300_packets_seed_11_backpressure_0_3() {
    let (ok, stdout, stderr) =
        rco_nic(&["sim", "--block", "loopback", "--packets", "300", "--seed", "11", "--backpressure", "0.3"]);
    assert!(ok, "{stdout}\n{stderr}");
    let line = stdout.lines().last().unwrap();
    assert!(line.starts_with("sim block=loopback packets=300 mismatches=0 beats_per_cycle="), "{line}");
    assert!(line.contains(" cycles=") && line.ends_with(" drops=0"), "{line}");
}

/// Every frame the hardware delivers is the host frame with its TCP/UDP checksum now
/// right, by etherparse + tests/it/common's RFC 1071 sum.
fn delivered_frames_verify(width: usize, seed: u64, n: usize, bp: f64) {
    let cases = traffic(seed, n);
    let drive = LoopDrive { backpressure: bp, idle: bp, seed, ..LoopDrive::default() };
    let run = run_width(&cases, width, &drive, None).unwrap();
    assert_eq!(check(&cases, &run, &drive.cfg), 0, "W={width}");
    let mut checked = 0;
    for ((host, desc), o) in cases.iter().zip(&run.outcomes) {
        let Outcome::Rx(Ok((got, meta))) = o else { panic!("W={width}: {o:?}") };
        assert_eq!(got.len(), host.len());
        assert_eq!(meta.vni, desc.vni & 0xFF_FFFF);
        if desc.partial {
            let l = l4(got).expect("TCP/UDP frame");
            assert_eq!(l.offset, desc.csum_start as usize);
            assert_eq!(l.total, 0xFFFF, "W={width}: inner checksum wrong after loopback");
            let mut h = host.clone();
            h[l.field..l.field + 2].copy_from_slice(&got[l.field..l.field + 2]);
            assert_eq!(&h, got);
            checked += 1;
        } else {
            assert_eq!(host, got);
        }
    }
    assert!(checked > n / 2, "{checked} of {n}");
    assert!(run.wire_beats > 0 && run.out_beats > 0);
}

#[test]
fn w64_frames_verify_independently() {
    delivered_frames_verify(64, 21, 80, 0.3);
}

#[test]
fn w128_frames_verify_independently() {
    delivered_frames_verify(128, 22, 60, 0.5);
}

#[test]
fn w256_frames_verify_independently() {
    delivered_frames_verify(256, 23, 40, 0.2);
}

/// Heavy back-pressure (80% of cycles `tready` low) with back-to-back input: RX fills its
/// ring, its `s_axis.tready` stalls TX egress, nothing is lost or reordered.
#[test]
fn heavy_backpressure_propagates_without_loss() {
    let cases = traffic(31, 60);
    let drive = LoopDrive { backpressure: 0.8, idle: 0.0, seed: 31, ..LoopDrive::default() };
    let run = run_width(&cases, 64, &drive, None).unwrap();
    assert_eq!(check(&cases, &run, &drive.cfg), 0);
}

/// A host side that never takes a beat: the run must end in a reported deadlock (after
/// the ring and TX buffers fill), not hang.
#[test]
fn stuck_sink_is_reported_as_deadlock() {
    let cases = traffic(41, 40);
    let drive = LoopDrive { backpressure: 1.0, idle: 0.0, seed: 41, ..LoopDrive::default() };
    let err = run_width(&cases, 64, &drive, None).unwrap_err().to_string();
    assert!(err.contains("deadlock"), "{err}");
}

/// The library entry point the CLI uses, with a VCD and its GTKWave save file: every
/// trace the save file names is declared in the VCD.
#[test]
fn library_run_with_vcd() {
    let dir = scratch("loopback-vcd");
    let vcd = dir.join("loop.vcd");
    let opts = SimOpts { packets: 6, seed: 5, width: 64, backpressure: 0.2, vcd: Some(vcd.clone()), sized: None, rx_axi: false };
    let s = run_sim("loopback", &opts).unwrap();
    assert_eq!((s.mismatches, s.packets), (0, 6), "{s}");
    let names = vcd_trace_names(&vcd);
    let traces = gtkw_traces(&std::fs::read_to_string(dir.join("loop.gtkw")).unwrap());
    assert!(traces.iter().any(|t| t == "uut.nic.rx_vni[23:0]"), "{traces:?}");
    for t in &traces {
        assert!(names.contains(t), "{t} not in the VCD");
    }
}
