//! `encap --model hw`: the TX hardware, simulated cycle by cycle, on inner frames Linux
//! delivered (kernel captures), checked with independent code (RFC 1071 + etherparse in
//! tests/it/common) and against `--model golden` byte for byte.

use crate::common::*;

/// Linux `remcsum_adjust` as a receiver applies it, written out here: the field becomes
/// `csum_fold(sum of the inner frame from start to its end)`.
fn remcsum_field(inner: &[u8], start: usize) -> u16 {
    !naive_sum(&inner[start..])
}

fn encap(model: &str, input: &std::path::Path, out: &std::path::Path, extra: &[&str]) -> String {
    let mut args = vec!["encap", "--model", model, input.to_str().unwrap(), out.to_str().unwrap()];
    args.extend_from_slice(extra);
    let (ok, stdout, stderr) = rco_nic(&args);
    assert!(ok, "encap --model {model} {extra:?} failed: {stderr}");
    stdout
}

fn hw_kernel_frames(capture: &str, outer: &str) {
    let dir = scratch(&format!("tx-hw-{capture}-{outer}"));
    let input = kernel_capture(capture);
    let (hw, golden) = (dir.join("hw.pcap"), dir.join("golden.pcap"));
    let out = encap("hw", &input, &hw, &["--outer", outer, "--vni", "4242"]);
    encap("golden", &input, &golden, &["--outer", outer, "--vni", "4242"]);
    let inner = pcap_frames(&input);
    let sent = pcap_frames(&hw);
    assert_eq!(sent.len(), inner.len());
    let mut rco = 0;
    for (host, wire) in inner.iter().zip(&sent) {
        let o = l4(wire).expect("outer frame is IP/UDP");
        assert_eq!(o.proto, 17);
        assert_eq!(&wire[12..14], if outer == "ipv4" { &[0x08, 0x00] } else { &[0x86, 0xDD] });
        assert_eq!(o.total, 0xFFFF, "outer UDP checksum invalid");
        if outer == "ipv4" {
            assert_eq!(naive_sum(&wire[14..34]), 0xFFFF, "IPv4 header checksum invalid");
        }
        let vx = o.offset + 8;
        let payload = &wire[vx + 8..];
        assert_eq!(payload.len(), host.len());
        assert_eq!(u32::from_be_bytes(wire[vx + 4..vx + 8].try_into().unwrap()) >> 8, 4242);
        match l4(host) {
            Some(i) => {
                rco += 1;
                assert_eq!(&wire[vx..vx + 4], &[0x08, 0x20, 0, 0], "RCO flags");
                let byte7 = wire[vx + 7];
                assert_eq!((byte7 & 0x7F) as usize * 2, i.offset, "RCO start is the inner L4 offset");
                assert_eq!(byte7 & 0x80 != 0, i.proto == 17, "UDP selector");
                let field = u16::from_be_bytes([payload[i.field], payload[i.field + 1]]);
                assert_eq!(field, i.pseudo, "inner field as sent holds the pseudo-header sum");
                // what the receiver writes is the correct checksum Linux delivered
                let fixed = remcsum_field(payload, i.offset);
                assert_eq!(fixed.to_be_bytes(), [host[i.field], host[i.field + 1]]);
                let mut back = payload.to_vec();
                back[i.field..i.field + 2].copy_from_slice(&fixed.to_be_bytes());
                assert_eq!(l4(&back).unwrap().total, 0xFFFF);
                assert_eq!(&back, host);
            }
            None => {
                assert_eq!(&wire[vx..vx + 4], &[0x08, 0, 0, 0]);
                assert_eq!(payload, &host[..]);
            }
        }
    }
    assert!(out.contains(&format!("encap model=hw frames_in={n} frames_out={n} rco_applied={rco} drops=0", n = inner.len())), "{out}");
    assert!(rco >= 20);
    assert_eq!(std::fs::read(&hw).unwrap(), std::fs::read(&golden).unwrap(), "hw and golden pcaps differ");
}

#[test]
fn hw_ipv4_outer_v4_inner() {
    hw_kernel_frames("v4-inner.pcap", "ipv4");
}

#[test]
fn hw_ipv6_outer_v6_inner() {
    hw_kernel_frames("v6-inner.pcap", "ipv6");
}

#[test]
fn hw_ipv6_outer_v4_inner() {
    hw_kernel_frames("v4-inner.pcap", "ipv6");
}

#[test]
fn hw_ipv4_outer_v6_inner() {
    hw_kernel_frames("v6-inner.pcap", "ipv4");
}

/// Without RCO the hardware completes the inner checksum; without the outer checksum the
/// field is 0. Checked independently and against golden.
#[test]
fn hw_no_rco_no_udp_csum_matches_golden() {
    for (capture, flags) in [
        ("v4-inner.pcap", vec!["--no-rco"]),
        ("v6-inner.pcap", vec!["--no-rco", "--outer", "ipv6"]),
        ("v4-inner.pcap", vec!["--no-rco", "--no-udp-csum"]),
        ("v6-inner.pcap", vec!["--no-udp-csum", "--outer", "ipv6"]),
    ] {
        let dir = scratch(&format!("tx-hw-norco-{capture}-{}", flags.join("")));
        let input = kernel_capture(capture);
        let (hw, golden) = (dir.join("hw.pcap"), dir.join("golden.pcap"));
        encap("hw", &input, &hw, &flags);
        encap("golden", &input, &golden, &flags);
        assert_eq!(std::fs::read(&hw).unwrap(), std::fs::read(&golden).unwrap(), "{capture} {flags:?}");
        for wire in pcap_frames(&hw) {
            let o = l4(&wire).unwrap();
            if flags.contains(&"--no-udp-csum") {
                assert_eq!(&wire[o.field..o.field + 2], &[0, 0]);
            } else {
                assert_eq!(o.total, 0xFFFF);
            }
            if flags.contains(&"--no-rco") {
                if let Some(i) = l4(&wire[o.offset + 16..]) {
                    assert_eq!(i.total, 0xFFFF, "the hardware completed the inner checksum");
                }
            }
        }
    }
}
