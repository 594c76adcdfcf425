//! `rco-nic run`, the main job, through the binary (the README's first command with its
//! defaults): the summary line, the pcaps checked with etherparse and tests/it/common's RFC 1071
//! sum, the GTKWave save file against the VCD (read with the `vcd` crate), and, with tshark
//! installed (the README test command installs it), every pcap through Wireshark's
//! dissectors.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// One run shared by the tests of this file: its folder and stdout.
fn main_run() -> &'static (PathBuf, String) {
    static RUN: OnceLock<(PathBuf, String)> = OnceLock::new();
    RUN.get_or_init(|| {
        let dir = scratch("main-job");
        let out = dir.join("out");
        let (ok, stdout, stderr) = rco_nic(&["run", "--out", out.to_str().unwrap()]);
        assert!(ok, "{stdout}\n{stderr}");
        assert!(stderr.is_empty(), "no progress output when stderr is not a terminal: {stderr}");
        (out, stdout)
    })
}

/// `key=value` of the summary line.
fn field<'a>(line: &'a str, key: &str) -> &'a str {
    line.split(' ').find_map(|kv| kv.strip_prefix(&format!("{key}="))).unwrap_or_else(|| panic!("no {key} in {line}"))
}

#[test]
fn summary_line_and_pcaps_agree_with_independent_checks() {
    let (out, stdout) = main_run();
    let line = stdout.lines().last().unwrap();
    assert!(line.starts_with("run packets=200 hw_mismatches=0 golden_mismatches=0 rco_applied="), "{line}");
    assert_eq!(field(line, "vcd"), out.join("nic.vcd").to_str().unwrap());
    for key in ["tx_beats_per_cycle", "rx_beats_per_cycle"] {
        let v: f64 = field(line, key).parse().unwrap();
        assert!(v > 0.3 && v <= 1.0, "{key}={v}");
    }
    for hint in ["gtkwave", "wireshark"] {
        assert!(stdout.contains(&format!("{hint} {}", out.display())), "{stdout}");
    }

    let host = pcap_frames(&out.join("host.pcap"));
    let wire = pcap_frames(&out.join("vxlan.pcap"));
    let back = pcap_frames(&out.join("decap.pcap"));
    assert_eq!((host.len(), wire.len(), back.len()), (200, 200, 200));
    let mut tcp_udp = 0;
    for ((h, w), b) in host.iter().zip(&wire).zip(&back) {
        // outer: IP/UDP to 4789, checksum right, the host frame after the VXLAN header
        let o = l4(w).expect("outer IP/UDP");
        assert_eq!((o.proto, u16::from_be_bytes([w[o.offset + 2], w[o.offset + 3]])), (17, 4789));
        assert_eq!(o.total, 0xFFFF, "outer UDP checksum");
        let inner = &w[o.offset + 16..];
        assert_eq!(inner.len(), h.len());
        match l4(h) {
            Some(i) => {
                // sent with RCO: the inner field still holds the pseudo-header sum
                tcp_udp += 1;
                assert_eq!(w[o.offset + 9] & 0x20, 0x20, "RCO flag");
                assert_eq!(u16::from_be_bytes([inner[i.field], inner[i.field + 1]]), i.pseudo);
                // delivered: the host frame with that field now a correct checksum
                let d = l4(b).unwrap();
                assert_eq!(d.total, 0xFFFF, "inner checksum after RX");
                let mut fixed = h.clone();
                fixed[i.field..i.field + 2].copy_from_slice(&b[i.field..i.field + 2]);
                assert_eq!(&fixed, b);
            }
            None => assert_eq!(h, b),
        }
        assert_eq!(inner, &h[..]);
    }
    assert_eq!(field(line, "rco_applied").parse::<usize>().unwrap(), tcp_udp, "every TCP/UDP frame uses RCO");
    assert!(tcp_udp > 100 && tcp_udp < 200, "{tcp_udp}");

    // the pcaps are in the host's byte order, as tcpdump writes them
    let magic = std::fs::read(out.join("vxlan.pcap")).unwrap()[..4].to_vec();
    assert!([0xa1b2_c3d4u32.to_ne_bytes(), 0xa1b2_3c4du32.to_ne_bytes()].iter().any(|m| m[..] == magic[..]), "{magic:x?}");
}

#[test]
fn every_gtkw_trace_is_in_the_vcd() {
    let (out, _) = main_run();
    let names = vcd_trace_names(&out.join("nic.vcd"));
    let gtkw = std::fs::read_to_string(out.join("nic.gtkw")).unwrap();
    // absolute, so GTKWave finds the VCD from any working directory
    let abs = |name: &str| std::path::absolute(out.join(name)).unwrap().display().to_string();
    assert!(gtkw.contains(&format!("[dumpfile] \"{}\"\n[savefile] \"{}\"\n", abs("nic.vcd"), abs("nic.gtkw"))), "{gtkw}");
    let traces = gtkw_traces(&gtkw);
    assert!(traces.len() >= 40, "{traces:?}");
    for group in ["TX in", "TX out", "RX in", "RX out + metadata", "drops and counters"] {
        assert!(gtkw.contains(&format!("-{group}\n")), "group {group}");
    }
    for t in &traces {
        assert!(names.contains(t), "gtkw trace {t} is not in the VCD");
    }
    // the check can fail: a name the NIC does not have is not found
    assert!(!names.contains("uut.nic.rx_vni[22:0]") && !names.contains("uut.nic.no_such_signal"));
}

/// Bad input: one line on stderr, non-zero exit.
#[test]
fn run_rejects_zero_packets_and_an_unwritable_folder() {
    let dir = scratch("main-job-bad");
    let file = dir.join("a-file");
    std::fs::write(&file, b"x").unwrap();
    for args in [vec!["run", "--packets", "0", "--out", dir.to_str().unwrap()], vec!["run", "--packets", "2", "--out", file.to_str().unwrap()]] {
        let (ok, _, stderr) = rco_nic(&args);
        assert!(!ok, "{args:?}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.starts_with("rco-nic: "), "{stderr}");
    }
}

/// One tshark pass: `-T fields` output, one row per frame, `|`-separated, every
/// occurrence of a field `,`-separated.
fn tshark(pcap: &Path, prefs: &[&str], filter: Option<&str>, fields: &[&str]) -> Vec<Vec<String>> {
    let mut cmd = Command::new("tshark");
    cmd.arg("-n").arg("-r").arg(pcap);
    for p in prefs {
        cmd.args(["-o", p]);
    }
    if let Some(f) = filter {
        cmd.args(["-Y", f]);
    }
    cmd.args(["-T", "fields", "-E", "separator=|", "-E", "occurrence=a", "-E", "aggregator=,"]);
    for f in fields {
        cmd.args(["-e", f]);
    }
    let out = cmd.output().expect("tshark (apt install tshark, or run scripts/test-all.sh)");
    assert!(out.status.success(), "tshark -r {}: {}", pcap.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().lines().map(|l| l.split('|').map(str::to_string).collect()).collect()
}

/// What tshark finds wrong with the pcaps of a run in `dir`: malformed frames or expert
/// errors anywhere; on the wire an outer IPv4 header or UDP checksum it does not call good,
/// or a frame it does not dissect as VXLAN; after decap a TCP/UDP/ICMP/IPv4 checksum it
/// does not call good. Empty when all is well.
fn tshark_problems(dir: &Path) -> Vec<String> {
    const GOOD: &str = "1"; // checksum.status: 0 bad, 1 good, 2 unverified
    let on = ["ip.check_checksum:TRUE", "udp.check_checksum:TRUE", "tcp.check_checksum:TRUE"];
    let mut bad = Vec::new();
    for name in ["host.pcap", "vxlan.pcap", "decap.pcap"] {
        let pcap = dir.join(name);
        for row in tshark(&pcap, &[], Some("_ws.malformed || _ws.expert.severity >= \"Error\""), &["frame.number", "_ws.expert.message"]) {
            bad.push(format!("{name}: frame {}: malformed or expert error: {}", row[0], row.get(1).map_or("", |s| s)));
        }
    }
    let rows = tshark(&dir.join("vxlan.pcap"), &on, None, &["frame.number", "frame.protocols", "ip.checksum.status", "udp.checksum.status"]);
    assert!(!rows.is_empty());
    for r in &rows {
        let first = |i: usize| r[i].split(',').next().unwrap_or("").to_string();
        if !r[1].contains(":udp:vxlan:eth") {
            bad.push(format!("vxlan.pcap: frame {}: not VXLAN: {}", r[0], r[1]));
        }
        // the first IP layer is the outer one when the frame starts with IPv4
        if r[1].starts_with("eth:ethertype:ip:") && first(2) != GOOD {
            bad.push(format!("vxlan.pcap: frame {}: outer IPv4 checksum status {}", r[0], r[2]));
        }
        if first(3) != GOOD {
            bad.push(format!("vxlan.pcap: frame {}: outer UDP checksum status {}", r[0], r[3]));
        }
    }
    let fields = ["frame.number", "frame.protocols", "ip.checksum.status", "tcp.checksum.status", "udp.checksum.status", "icmp.checksum.status", "icmpv6.checksum.status"];
    let rows = tshark(&dir.join("decap.pcap"), &on, None, &fields);
    assert!(!rows.is_empty());
    for r in &rows {
        let l4 = ["tcp", "udp", "icmp", "icmpv6"].iter().any(|p| r[1].split(':').any(|x| x == *p));
        let statuses: Vec<&str> = r[2..].iter().flat_map(|s| s.split(',')).filter(|s| !s.is_empty()).collect();
        if statuses.iter().any(|s| *s != GOOD) || (l4 && statuses.is_empty()) {
            bad.push(format!("decap.pcap: frame {} ({}): checksum statuses {:?}", r[0], r[1], &r[2..]));
        }
    }
    bad
}

#[test]
#[ignore = "needs tshark (installed by scripts/test-all.sh)"]
fn tshark_finds_no_malformed_frame_and_good_checksums() {
    let (out, _) = main_run();
    let problems = tshark_problems(out);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let protocols: String = tshark(&out.join("decap.pcap"), &[], None, &["frame.protocols"]).into_iter().map(|r| r[0].clone() + "\n").collect();
    for p in ["eth:ethertype:arp", ":icmp", ":icmpv6", ":tcp", ":udp", "vlan"] {
        assert!(protocols.contains(p), "tshark sees no {p} frame");
    }

    // the check can fail: one payload bit flipped in a delivered TCP/UDP frame, one in the
    // outer UDP checksum on the wire, an ARP frame cut short
    let dir = scratch("main-job-corrupt");
    for name in ["host.pcap", "vxlan.pcap", "decap.pcap"] {
        std::fs::copy(out.join(name), dir.join(name)).unwrap();
    }
    let mut back = pcap_frames(&dir.join("decap.pcap"));
    let i = back.iter().position(|f| l4(f).is_some_and(|l| l.len > 40)).unwrap();
    *back[i].last_mut().unwrap() ^= 0x10;
    write_pcap(&dir.join("decap.pcap"), &back);
    let mut wire = pcap_frames(&dir.join("vxlan.pcap"));
    let o = l4(&wire[3]).unwrap();
    wire[3][o.field] ^= 0x01;
    let arp = wire.iter().position(|f| f.windows(2).any(|w| w == [0x08, 0x06])).unwrap();
    let cut = wire[arp].len() - 10;
    wire[arp].truncate(cut);
    write_pcap(&dir.join("vxlan.pcap"), &wire);
    let problems = tshark_problems(&dir);
    let text = problems.join("\n");
    assert!(text.contains(&format!("decap.pcap: frame {}", i + 1)), "{text}");
    assert!(text.contains("vxlan.pcap: frame 4: outer UDP checksum status 0"), "{text}");
    assert!(text.contains(&format!("vxlan.pcap: frame {}: malformed", arp + 1)), "{text}");
}

fn write_pcap(path: &Path, frames: &[Vec<u8>]) {
    let mut w = pcap_file::pcap::PcapWriter::new(std::fs::File::create(path).unwrap()).unwrap();
    for f in frames {
        w.write_packet(&pcap_file::pcap::PcapPacket::new(std::time::Duration::ZERO, f.len() as u32, f)).unwrap();
    }
}
