//! Kernel interop of the TX hardware: frames made by `encap --model hw` are injected into a
//! real Linux VXLAN receiver (remcsumrx + REMCSUM_NOPARTIAL, so Linux rewrites the inner
//! checksum from the RCO fields and then verifies it) in throw-away network namespaces
//! (scripts/kernel-interop.sh), over an IPv4 and an IPv6 underlay, with RCO and without.
//! Passes when every inner UDP datagram reaches its socket with the payload intact, the
//! inner frames captured on the vxlan devices carry the correct (RFC 1071, computed here)
//! checksum, and the receiver counted no checksum errors.
//!
//! Ignored by default: needs root, iproute2, ethtool, tcpdump and python3
//! (`cargo test --release --test it -- --include-ignored kernel_interop::`).

use crate::common::*;
use std::collections::BTreeMap;

const PORT: u16 = 5000;
const SIZES: [usize; 8] = [1, 2, 11, 64, 255, 513, 1000, 1337];

/// One inner Ethernet/IP/UDP frame with a correct checksum (computed here, RFC 1071).
fn udp_frame(dst_mac: [u8; 6], src_mac: [u8; 6], src: &[u8], dst: &[u8], sport: u16, payload: &[u8]) -> Vec<u8> {
    let v6 = src.len() == 16;
    let ulen = 8 + payload.len();
    let mut f = Vec::new();
    f.extend_from_slice(&dst_mac);
    f.extend_from_slice(&src_mac);
    f.extend_from_slice(if v6 { &[0x86, 0xDD] } else { &[0x08, 0x00] });
    if v6 {
        f.extend_from_slice(&[0x60, 0, 0, 0]);
        f.extend_from_slice(&(ulen as u16).to_be_bytes());
        f.extend_from_slice(&[17, 64]);
        f.extend_from_slice(src);
        f.extend_from_slice(dst);
    } else {
        let mut ip = vec![0x45, 0];
        ip.extend_from_slice(&((20 + ulen) as u16).to_be_bytes());
        ip.extend_from_slice(&[0x12, 0x34, 0x40, 0, 64, 17, 0, 0]);
        ip.extend_from_slice(src);
        ip.extend_from_slice(dst);
        let c = !naive_sum(&ip);
        ip[10..12].copy_from_slice(&c.to_be_bytes());
        f.extend_from_slice(&ip);
    }
    let mut udp = Vec::new();
    udp.extend_from_slice(&sport.to_be_bytes());
    udp.extend_from_slice(&PORT.to_be_bytes());
    udp.extend_from_slice(&(ulen as u16).to_be_bytes());
    udp.extend_from_slice(&[0, 0]);
    udp.extend_from_slice(payload);
    let mut pseudo = Vec::new();
    pseudo.extend_from_slice(src);
    pseudo.extend_from_slice(dst);
    pseudo.extend_from_slice(&(ulen as u32).to_be_bytes());
    pseudo.extend_from_slice(&[0, 0, 0, 17]);
    pseudo.extend_from_slice(&udp);
    let c = match !naive_sum(&pseudo) {
        0 => 0xFFFF,
        c => c,
    };
    udp[6..8].copy_from_slice(&c.to_be_bytes());
    f.extend_from_slice(&udp);
    f
}

fn write_pcap(path: &std::path::Path, frames: &[Vec<u8>]) {
    let mut w = pcap_file::pcap::PcapWriter::new(std::fs::File::create(path).unwrap()).unwrap();
    for f in frames {
        w.write_packet(&pcap_file::pcap::PcapPacket::new(std::time::Duration::ZERO, f.len() as u32, f)).unwrap();
    }
}

fn ip6(prefix: [u16; 3], last: u16) -> Vec<u8> {
    let mut a = vec![0u8; 16];
    for (i, w) in prefix.iter().enumerate() {
        a[2 * i..2 * i + 2].copy_from_slice(&w.to_be_bytes());
    }
    a[14..16].copy_from_slice(&last.to_be_bytes());
    a
}

/// A deterministic payload that names its datagram.
fn payload(tag: u8, n: usize) -> Vec<u8> {
    (0..n).map(|i| if i == 0 { tag } else { (i as u8).wrapping_mul(31).wrapping_add(tag) }).collect()
}

#[test]
#[ignore = "needs root, iproute2, ethtool, tcpdump, python3 (network namespaces)"]
fn hw_encap_frames_are_accepted_by_linux() {
    let dir = scratch("kernel-interop");
    // inner frames for the receiver's two vxlan devices: vx42 (VNI 42, IPv4 underlay) and
    // vx43 (VNI 43, IPv6 underlay), inner IPv4 and IPv6 each
    let mac = |x: u8, y: u8| [0x02, 0, 0, 0, x, y];
    let mut expect: BTreeMap<String, (String, Vec<u8>)> = BTreeMap::new(); // payload hex -> (dst, payload)
    let mut groups: Vec<(Vec<Vec<u8>>, u8)> = vec![(vec![], 42), (vec![], 43)];
    let mut tag = 0u8;
    for (gi, (frames, vni)) in groups.iter_mut().enumerate() {
        let x = if *vni == 42 { 0x2a } else { 0x2b };
        let v4 = if *vni == 42 { [198, 51, 100] } else { [203, 0, 113] };
        let p6 = [0x2001, 0x0db8, if *vni == 42 { 0x42 } else { 0x43 }];
        for (k, n) in SIZES.iter().enumerate() {
            for inner_v6 in [false, true] {
                tag += 1;
                let p = payload(tag, *n);
                let (src, dst, dst_txt) = if inner_v6 {
                    (ip6(p6, 1), ip6(p6, 2), format!("2001:db8:{vni}::2"))
                } else {
                    let (mut s, mut d) = (v4.to_vec(), v4.to_vec());
                    s.push(1);
                    d.push(2);
                    (s, d, format!("{}.{}.{}.2", v4[0], v4[1], v4[2]))
                };
                frames.push(udp_frame(mac(x, 2), mac(x, 1), &src, &dst, 40000 + (gi * 100 + k) as u16, &p));
                expect.insert(hex(&p), (dst_txt, p));
            }
        }
    }
    let inner: Vec<_> = groups.iter().flat_map(|g| g.0.iter().cloned()).collect();
    let common = ["--model", "hw", "--src-mac", "02:00:00:00:0a:01", "--dst-mac", "02:00:00:00:0b:01"];
    let mut outer = Vec::new();
    // (inner group, outer family, extra flags): RCO over both underlays, and one run without
    // RCO (the hardware completes the inner checksum itself)
    let runs: [(usize, &str, &[&str]); 3] = [
        (0, "ipv4", &["--src-ip", "192.0.2.1", "--dst-ip", "192.0.2.2"]),
        (1, "ipv6", &["--src-ip", "2001:db8::1", "--dst-ip", "2001:db8::2"]),
        (0, "ipv4", &["--src-ip", "192.0.2.1", "--dst-ip", "192.0.2.2", "--no-rco"]),
    ];
    let mut total = 0;
    for (i, (g, fam, extra)) in runs.iter().enumerate() {
        let (frames, vni) = &groups[*g];
        let inp = dir.join(format!("inner{i}.pcap"));
        let out = dir.join(format!("outer{i}.pcap"));
        write_pcap(&inp, frames);
        let vni = vni.to_string();
        let mut args = vec!["encap"];
        args.extend_from_slice(&common);
        args.extend_from_slice(&["--outer", fam, "--vni", &vni]);
        args.extend_from_slice(extra);
        args.extend_from_slice(&[inp.to_str().unwrap(), out.to_str().unwrap()]);
        let (ok, stdout, stderr) = rco_nic(&args);
        assert!(ok, "{stderr}");
        let rco = if extra.contains(&"--no-rco") { 0 } else { frames.len() };
        assert!(stdout.contains(&format!("frames_out={} rco_applied={rco} drops=0", frames.len())), "{stdout}");
        // the frames really are what golden sends
        let gold = dir.join(format!("golden{i}.pcap"));
        let mut gargs = args.clone();
        gargs[2] = "golden";
        let n = gargs.len();
        gargs[n - 1] = gold.to_str().unwrap();
        assert!(rco_nic(&gargs).0);
        assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&gold).unwrap());
        total += frames.len();
        outer.push(out);
    }

    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/kernel-interop.sh");
    let res = dir.join("result");
    let mut cmd = std::process::Command::new("timeout");
    cmd.arg("60").arg(&script).arg(&res).arg(total.to_string());
    for o in &outer {
        cmd.arg(o);
    }
    let out = cmd.output().unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "kernel-interop.sh failed:\n{log}");

    // 1. every datagram arrived at its socket, payload intact (the RCO run and the
    //    completed run send the same datagrams: each is expected twice)
    let text = std::fs::read_to_string(res.join("received.jsonl")).unwrap();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let p = v["payload"].as_str().unwrap().to_string();
        let (dst, _) = expect.get(&p).unwrap_or_else(|| panic!("unexpected datagram {line}"));
        assert_eq!(v["dst"].as_str().unwrap(), dst);
        *seen.entry(p).or_default() += 1;
    }
    for (p, (dst, bytes)) in &expect {
        let want = if dst.starts_with("198.51.100") || dst.starts_with("2001:db8:42") { 2 } else { 1 };
        assert_eq!(seen.get(p).copied().unwrap_or(0), want, "datagram of {} bytes to {dst}\n{log}", bytes.len());
    }
    assert_eq!(text.lines().count(), total);

    // 2. the inner frames Linux handed up (after the RCO rewrite) are the ones built here,
    //    with the correct checksum in the field
    let mut captured = pcap_frames(&res.join("vx42.pcap"));
    captured.extend(pcap_frames(&res.join("vx43.pcap")));
    let captured: Vec<_> = captured.into_iter().filter(|f| l4(f).is_some_and(|i| i.proto == 17)).collect();
    assert_eq!(captured.len(), total, "inner UDP frames captured on vx42/vx43");
    for f in &captured {
        assert_eq!(l4(f).unwrap().total, 0xFFFF, "inner checksum after the RCO rewrite");
        assert!(inner.contains(f), "captured inner frame differs from the one sent");
    }

    // 3. no checksum errors counted by the receiver
    let (before, after) = (
        std::fs::read_to_string(res.join("snmp-before.txt")).unwrap(),
        std::fs::read_to_string(res.join("snmp-after.txt")).unwrap(),
    );
    for key in ["InCsumErrors", "Udp6InCsumErrors"] {
        assert_eq!(counter(&before, key), counter(&after, key), "{key} rose");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// Sum of every value named `key` in /proc/net/snmp (header/value line pairs) and snmp6
/// (`name value` lines).
fn counter(text: &str, key: &str) -> u64 {
    let lines: Vec<&str> = text.lines().collect();
    let mut sum = 0;
    for (i, l) in lines.iter().enumerate() {
        let w: Vec<&str> = l.split_whitespace().collect();
        if w.len() == 2 && w[0] == key {
            sum += w[1].parse::<u64>().unwrap_or(0);
        } else if let Some(pos) = w.iter().position(|x| *x == key) {
            if let Some(next) = lines.get(i + 1) {
                let v: Vec<&str> = next.split_whitespace().collect();
                if v.first() == w.first() {
                    sum += v.get(pos).and_then(|x| x.parse::<u64>().ok()).unwrap_or(0);
                }
            }
        }
    }
    sum
}
