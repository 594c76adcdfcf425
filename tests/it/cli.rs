//! The command-line contract: encap/decap through the golden model on real kernel
//! frames, checked with independent checksum code, and one-line errors on bad input.

use crate::common::*;

/// Inner frames Linux delivered (checksums correct) -> `encap` -> checks on the wire
/// -> `decap` -> the same frames again, byte for byte.
fn encap_decap_round_trip(inner_capture: &str, outer: &str) {
    let dir = scratch(&format!("cli-{inner_capture}-{outer}"));
    let input = kernel_capture(inner_capture);
    let enc = dir.join("enc.pcap");
    let dec = dir.join("dec.pcap");
    let (ok, stdout, stderr) = rco_nic(&["encap", "--model", "golden", "--outer", outer, "--vni", "4242",
        input.to_str().unwrap(), enc.to_str().unwrap()]);
    assert!(ok, "encap failed: {stderr}");
    let inner = pcap_frames(&input);
    let sent = pcap_frames(&enc);
    assert_eq!(sent.len(), inner.len());
    let mut rco = 0;
    for (host, wire) in inner.iter().zip(&sent) {
        let o = l4(wire).expect("outer frame is IP/UDP");
        assert_eq!(o.proto, 17);
        assert_eq!(o.total, 0xFFFF, "outer UDP checksum invalid");
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
            }
            None => {
                assert_eq!(&wire[vx..vx + 4], &[0x08, 0, 0, 0]);
                assert_eq!(payload, &host[..]);
            }
        }
    }
    assert!(stdout.contains(&format!("frames_in={} frames_out={} rco_applied={rco} drops=0", inner.len(), inner.len())), "{stdout}");
    assert!(rco >= 20, "captures hold TCP/UDP frames");

    let (ok, stdout, stderr) = rco_nic(&["decap", "--model", "golden", enc.to_str().unwrap(), dec.to_str().unwrap()]);
    assert!(ok, "decap failed: {stderr}");
    assert!(stdout.contains(&format!("rco_applied={rco} drops=0")), "{stdout}");
    let back = pcap_frames(&dec);
    assert_eq!(back, inner, "decap(encap(x)) must give back exactly what Linux delivered");
    for f in &back {
        if let Some(i) = l4(f) {
            assert_eq!(i.total, 0xFFFF);
        }
    }
}

#[test]
fn encap_decap_kernel_frames_ipv4_outer() {
    encap_decap_round_trip("v4-inner.pcap", "ipv4");
}

#[test]
fn encap_decap_kernel_frames_ipv6_outer() {
    encap_decap_round_trip("v6-inner.pcap", "ipv6");
}

#[test]
fn no_rco_completes_inner_checksum_and_no_udp_csum_zeroes_outer() {
    let dir = scratch("cli-no-rco");
    let input = kernel_capture("v4-inner.pcap");
    let enc = dir.join("enc.pcap");
    let (ok, _, stderr) = rco_nic(&["encap", "--no-rco", "--no-udp-csum", input.to_str().unwrap(), enc.to_str().unwrap()]);
    assert!(ok, "{stderr}");
    for (host, wire) in pcap_frames(&input).iter().zip(pcap_frames(&enc)) {
        let o = l4(&wire).unwrap();
        assert_eq!(&wire[o.field..o.field + 2], &[0, 0], "outer UDP checksum off");
        assert_eq!(&wire[o.offset + 8..o.offset + 12], &[0x08, 0, 0, 0], "no RCO flag");
        let payload = &wire[o.offset + 16..];
        if let Some(i) = l4(payload) {
            assert_eq!(i.total, 0xFFFF, "the NIC completed the inner checksum");
        }
        assert_eq!(payload.len(), host.len());
    }
}

#[test]
fn decap_drops_bad_outer_checksum_and_reports_it() {
    let dir = scratch("cli-bad-csum");
    let frames = pcap_frames(&kernel_capture("v4-outer.pcap"));
    // Corrupt the last payload byte of every VXLAN frame: each must be dropped.
    let mut bad = Vec::new();
    for f in &frames {
        let mut f = f.clone();
        if l4(&f).is_some_and(|o| o.proto == 17) {
            *f.last_mut().unwrap() ^= 0x40;
        }
        bad.push(f);
    }
    let input = dir.join("bad.pcap");
    let mut w = pcap_file::pcap::PcapWriter::new(std::fs::File::create(&input).unwrap()).unwrap();
    for f in &bad {
        w.write_packet(&pcap_file::pcap::PcapPacket::new(std::time::Duration::ZERO, f.len() as u32, f)).unwrap();
    }
    drop(w);
    let report = dir.join("r.json");
    let out = dir.join("out.pcap");
    let (ok, stdout, _) = rco_nic(&["decap", input.to_str().unwrap(), out.to_str().unwrap(), "--report", report.to_str().unwrap()]);
    assert!(ok);
    let vxlan = frames.iter().filter(|f| l4(f).is_some_and(|o| o.proto == 17)).count();
    assert!(stdout.contains(&format!("frames_out=0")), "{stdout}");
    assert!(stdout.contains(&format!("drop_udp_csum={vxlan}")), "{stdout}");
    let rep: serde_json::Value = serde_json::from_slice(&std::fs::read(&report).unwrap()).unwrap();
    assert_eq!(rep["frames"].as_array().unwrap().len(), frames.len());
    assert_eq!(rep["summary"]["drops"]["udp_csum"], vxlan);
}

#[test]
fn bad_input_gives_one_line_error_and_nonzero_exit() {
    let dir = scratch("cli-errors");
    let out = dir.join("o.pcap");
    let o = out.to_str().unwrap();
    let not_pcap = dir.join("x.txt");
    std::fs::write(&not_pcap, b"hello, not a pcap").unwrap();
    for args in [
        vec!["decap", "/nonexistent/in.pcap", o],
        vec!["encap", not_pcap.to_str().unwrap(), o],
        vec!["encap", "--outer", "ipv5", "a", "b"],
        vec!["sim", "--block", "csum", "--width", "48"],
        vec!["sim", "--block", "csum", "--backpressure", "1.5"],
    ] {
        let (ok, _, stderr) = rco_nic(&args);
        assert!(!ok, "{args:?} should fail");
        let first = stderr.lines().next().unwrap_or("");
        assert!(!first.is_empty() && !stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn truncated_capture_record_is_counted_as_drop() {
    let dir = scratch("cli-trunc");
    let bytes = std::fs::read(kernel_capture("v4-outer.pcap")).unwrap();
    let cut = dir.join("cut.pcap");
    std::fs::write(&cut, &bytes[..bytes.len() - 10]).unwrap();
    let out = dir.join("o.pcap");
    let (ok, stdout, stderr) = rco_nic(&["decap", cut.to_str().unwrap(), out.to_str().unwrap()]);
    assert!(ok, "{stderr}");
    let n = pcap_frames(&kernel_capture("v4-outer.pcap")).len();
    assert!(stdout.contains(&format!("frames_in={n} ")), "{stdout}");
    assert!(stdout.contains("drop_truncated=1"), "{stdout}");
}

#[test]
fn tap_bad_arguments_or_missing_interface_give_one_line_error() {
    // refused before any privileged call, so these need no root
    for args in [
        vec!["tap", "--model", "hw", "--tap", "rcot0", "--wire", "rco-no-such-if0"],
        vec!["tap", "--model", "golden", "--tap", "rcot0", "--wire", "a-name-far-too-long-for-linux"],
        vec!["tap", "--model", "golden", "--tap", "rcot0", "--wire", "lo", "--outer", "ipv4", "--src-ip", "2001:db8::1"],
        vec!["tap", "--model", "golden", "--tap", "rcot0", "--wire", "lo", "--status", "0"],
    ] {
        let (ok, stdout, stderr) = rco_nic(&args);
        assert!(!ok, "{args:?} should fail");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: one line: {stderr}");
        assert!(stderr.starts_with("rco-nic: ") && stdout.is_empty(), "{args:?}: {stderr}");
    }
    let (ok, _, stderr) = rco_nic(&["tap", "--model", "hw", "--tap", "rcot0", "--wire", "rco-no-such-if0"]);
    assert!(!ok && stderr.contains("rco-no-such-if0: no such interface"), "{stderr}");
    // clap's own refusals (unknown model, missing --wire) exit non-zero without a panic
    for args in [vec!["tap", "--model", "fpga", "--tap", "t", "--wire", "w"], vec!["tap", "--model", "hw", "--tap", "t"]] {
        let (ok, _, stderr) = rco_nic(&args);
        assert!(!ok && stderr.starts_with("error: ") && !stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

/// `regmap` prints README's register map table (with values written here, not taken from
/// the table), and `export --design axil_regs` writes the register block's Verilog.
#[test]
fn regmap_prints_readme_table_and_axil_regs_exports() {
    let (ok, stdout, stderr) = rco_nic(&["regmap"]);
    assert!(ok, "regmap failed: {stderr}");
    let readme = std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    assert!(readme.contains(&stdout), "README's register map is not `rco-nic regmap`");
    for row in ["| `0x000` | `id` | RO | 32 | `0x52434F02` |", "| `0x010` | `vxlan_port` | RW | 16 | 4789 |", "| `0x080` | `tx_drop_truncated` | RO | 32 | counter |", "| `0x0B0` | `tx_frames_out` | RO | 64 | counter, low word; high word at +4 |"] {
        assert!(stdout.lines().any(|l| l.starts_with(row)), "no row {row}");
    }
    let dir = scratch("cli-export-axil-regs");
    let (ok, _, stderr) = rco_nic(&["export", "--design", "axil_regs", "--out", dir.to_str().unwrap()]);
    assert!(ok, "export failed: {stderr}");
    let v = std::fs::read_to_string(dir.join("rco_axil_regs.v")).unwrap();
    assert!(v.contains("module rco_axil_regs("), "module name");
    for port in ["s_axil$awaddr", "s_axil$wstrb", "s_axil$bresp", "s_axil$araddr", "s_axil$rresp", "cfg_vxlan_port", "rst"] {
        assert!(v.contains(port), "port {port}");
    }
}
