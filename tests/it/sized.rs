//! `sim --frame-size`: fixed-size back-to-back traffic for throughput runs. Frames are
//! checked with etherparse and tests/it/common's RFC 1071 sum (no golden code), the summary
//! line's figures against beat counts computed here, bad sizes for a one-line error.

use crate::common::*;
use rco_golden::vectors::IMIX;
use rco_golden::wire::IpAddrs;
use rco_sim::rx_model::{run_width as rx_run, Drive};
use rco_sim::rx_tb::sized_traffic;
use rco_sim::sized::{host_cases, FrameSizes, SizedTraffic};
use rco_sim::tx_model::{run_width as tx_run, DriveOpts};

fn fixed(l: usize, outer_v6: bool) -> SizedTraffic {
    SizedTraffic { sizes: FrameSizes::Fixed(l), outer_v6, vlan: false }
}

/// Outer header bytes: Ethernet 14 + IPv4 20 | IPv6 40 + UDP 8 + VXLAN 8.
fn hlen(outer_v6: bool) -> usize {
    if outer_v6 {
        70
    } else {
        50
    }
}

/// Host frames are exactly L bytes, IPv4 with a right header checksum, TCP and UDP in
/// turn, the L4 field holding the pseudo-header sum (CHECKSUM_PARTIAL), RCO asked for.
#[test]
fn host_frames_have_the_size_and_a_host_stacks_checksums() {
    for l in [60, 61, 64, 1514, 9000] {
        for v6 in [false, true] {
            let cases = host_cases(3, 6, &fixed(l, v6)).unwrap();
            for (i, (f, d)) in cases.iter().enumerate() {
                assert_eq!(f.len(), l);
                assert_eq!(&f[12..14], &[0x08, 0x00], "IPv4 inner");
                assert_eq!(naive_sum(&f[14..34]), 0xFFFF, "inner IPv4 header checksum");
                let x = l4(f).expect("TCP/UDP frame");
                assert_eq!(x.proto, if i % 2 == 0 { 6 } else { 17 }, "frame {i}");
                assert_eq!(x.len, l - 34, "IP length covers the frame");
                assert_eq!(u16::from_be_bytes([f[x.field], f[x.field + 1]]), x.pseudo, "field holds P");
                assert_eq!((d.csum_start as usize, (d.csum_start + d.csum_offset) as usize), (x.offset, x.field));
                assert!(d.partial && d.rco && d.udp_csum && d.outer_vlan.is_none());
                assert_eq!(matches!(d.outer_ip, IpAddrs::Ipv6 { .. }), v6);
            }
        }
    }
}

/// TX hardware: every outer frame is L + header bytes, its outer UDP checksum right,
/// RCO flagged, the inner frame carried unchanged.
#[test]
fn tx_hw_sends_outer_frames_of_the_size() {
    for (l, v6, w) in [(60, false, 64), (61, true, 128), (300, false, 512)] {
        let cases = host_cases(5, 6, &fixed(l, v6)).unwrap();
        let opts = DriveOpts { max_frame: 9216, backpressure: 0.0, idle: 0.0, seed: 5 };
        let run = tx_run(&cases, &opts, w, None).unwrap();
        for ((host, _), got) in cases.iter().zip(&run.results) {
            let got = got.as_ref().expect("sent");
            assert_eq!(got.len(), l + hlen(v6), "W={w}");
            let o = l4(got).expect("outer UDP");
            assert_eq!((o.proto, o.total), (17, 0xFFFF), "outer UDP checksum");
            assert_eq!(got[o.offset + 8] & 0x08, 0x08, "VXLAN I flag");
            assert_eq!(got[o.offset + 9] & 0x20, 0x20, "RCO flag");
            assert_eq!(&got[hlen(v6)..], &host[..]);
        }
    }
}

/// RX hardware on the TX output: every inner frame delivered is L bytes with its TCP/UDP
/// checksum completed (nopartial RCO).
#[test]
fn rx_hw_delivers_inner_frames_of_the_size() {
    for (l, v6, w) in [(60, false, 64), (75, true, 128), (256, false, 256)] {
        let (jobs, _) = sized_traffic(7, 6, &fixed(l, v6)).unwrap();
        assert!(jobs.iter().all(|(f, _)| f.len() == l + hlen(v6)));
        let run = rx_run(&jobs, w, &Drive::default(), None).unwrap();
        assert_eq!(run.results.len(), jobs.len());
        for r in &run.results {
            let (f, meta) = r.as_ref().expect("delivered");
            assert_eq!(f.len(), l, "W={w}");
            assert_eq!(l4(f).expect("TCP/UDP").total, 0xFFFF, "inner checksum completed");
            assert!(meta.rco_applied);
        }
    }
}

/// `key=value` fields of the summary line.
fn field(line: &str, key: &str) -> f64 {
    let v = line.split(' ').find_map(|kv| kv.strip_prefix(&format!("{key}="))).unwrap_or_else(|| panic!("no {key} in {line}"));
    v.parse().unwrap()
}

/// `sim --frame-size` ends with mismatches=0 drops=0, `cycles_per_frame` = cycles /
/// packets, and `beats_per_cycle` agrees with the wire beats counted here (RX input: one a
/// clock; TX output: over a span within the run; loopback: over the whole run).
#[test]
fn sim_frame_size_summary_is_consistent() {
    let n = 12;
    for (block, size, w, outer) in
        [("rx", "60", 64, "ipv4"), ("rx", "200", 128, "ipv6"), ("tx", "128", 256, "ipv6"), ("tx", "imix", 512, "ipv4"), ("loopback", "64", 64, "ipv4")]
    {
        let args = ["sim", "--block", block, "--frame-size", size, "--outer", outer, "--width", &w.to_string(), "--packets", &n.to_string()];
        let (ok, stdout, stderr) = rco_nic(&args);
        assert!(ok, "{args:?}: {stdout}{stderr}");
        let line = stdout.lines().last().unwrap();
        assert!(line.starts_with(&format!("sim block={block} packets={n} mismatches=0 ")), "{line}");
        assert!(line.ends_with(" drops=0"), "{line}");
        let cycles = field(line, "cycles");
        assert!((field(line, "cycles_per_frame") - cycles / n as f64).abs() < 0.0006, "{line}");
        let h = hlen(outer == "ipv6");
        let beats: usize = (0..n)
            .map(|i| if size == "imix" { IMIX[i % IMIX.len()] } else { size.parse().unwrap() })
            .map(|l: usize| (l + h).div_ceil(w / 8))
            .sum();
        let bpc = field(line, "beats_per_cycle");
        match block {
            // MAC-mode ingress: a beat every clock, whatever follows
            "rx" => assert_eq!(bpc, 1.0, "{line}"),
            // over the output span, which lies within the run
            "tx" => assert!(bpc <= 1.0 && beats as f64 / (bpc + 0.0005) <= cycles, "{line}: {beats} beats"),
            // over the whole run
            _ => assert!((bpc * cycles - beats as f64).abs() <= 0.0006 * cycles, "{line}: {beats} beats"),
        }
        assert!(cycles >= beats as f64, "{line}");
    }
}

/// Sizes the frames cannot have, and options that need --frame-size, give one line.
#[test]
fn bad_frame_size_gives_one_line_error() {
    for args in [
        vec!["--frame-size", "59"],
        vec!["--frame-size", "0"],
        vec!["--frame-size", "9167"],
        vec!["--frame-size", "9147", "--outer", "ipv6"],
        vec!["--frame-size", "9163", "--outer-vlan"],
        vec!["--frame-size", "abc"],
        vec!["--outer", "ipv6"],
    ] {
        let mut all = vec!["sim", "--block", "rx"];
        all.extend(&args);
        let (ok, _, stderr) = rco_nic(&all);
        assert!(!ok, "{args:?} should fail");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("rco-nic: ") && !stderr.contains("panicked"), "{args:?}: {stderr}");
    }
    let (ok, _, stderr) = rco_nic(&["sim", "--block", "csum", "--frame-size", "60"]);
    assert!(!ok && stderr.lines().count() == 1, "{stderr}");
    // the largest sizes pass the check (one frame, wide bus: short to simulate)
    for (size, outer) in [("9166", "ipv4"), ("9146", "ipv6")] {
        let (ok, stdout, stderr) = rco_nic(&["sim", "--block", "tx", "--width", "512", "--packets", "1", "--frame-size", size, "--outer", outer]);
        assert!(ok && stdout.contains("mismatches=0"), "{size} {outer}: {stdout}{stderr}");
    }
}
