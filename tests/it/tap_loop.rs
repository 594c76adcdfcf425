//! NIC in the loop: a real Linux network through `rco-nic tap` (scripts/tap-loop.sh). The
//! host namespace's TAP goes through the NIC model onto a veth whose other end is a Linux
//! VXLAN device with `remcsumtx remcsumrx udpcsum`; pings both ways over IPv4 and IPv6,
//! UDP echoes of odd and even sizes, TCP transfers of 1 MiB each way checked by SHA-256,
//! and the kernels on both sides as the judges of every checksum (`nstat`).
//!
//! Ignored by default: needs root, iproute2, ethtool, iputils-ping and python3
//! (`cargo test --release --test it -- --include-ignored tap_loop::`); without root each test
//! prints why and passes without running.

use crate::common;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// One run at a time: each is CPU-bound (the hardware model) and timing-sensitive (TCP).
static SERIAL: Mutex<()> = Mutex::new(());

/// Bytes of each IPv4-overlay TCP transfer (the IPv6 overlay carries 64 KiB each way).
const BYTES: usize = 1_000_000;

/// What a run left in its directory.
struct Run {
    dir: PathBuf,
    partial: bool,
    bytes: usize,
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_default()
}

/// `key value` pairs of a whitespace-separated file (nstat, timing).
fn pairs(text: &str) -> BTreeMap<String, u64> {
    text.lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            Some((w.next()?.to_string(), w.next()?.parse().ok()?))
        })
        .collect()
}

/// `key=value` fields of the bridge's last status line.
fn status_fields(line: &str) -> BTreeMap<String, String> {
    line.split_whitespace().filter_map(|w| w.split_once('=')).map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// Run scripts/tap-loop.sh with `args`; `None` (after saying why) when not root.
fn run(name: &str, args: &[&str]) -> Option<Run> {
    // SAFETY: geteuid has no preconditions
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("tap_loop {name}: skipped: needs root (network namespaces, TAP, raw sockets)");
        return None;
    }
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = common::scratch(&format!("tap-loop-{name}"));
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/tap-loop.sh");
    let out = std::process::Command::new(&script)
        .arg("test")
        .arg(&dir)
        .args(args)
        .env("RCO_NIC", env!("CARGO_BIN_EXE_rco-nic"))
        .output()
        .unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    eprintln!("{log}");
    assert!(out.status.success(), "tap-loop.sh {args:?} failed:\n{log}\nbridge:\n{}", read(&dir, "bridge.log"));
    let bytes = args.iter().position(|a| *a == "--bytes").map(|i| args[i + 1].parse().unwrap()).unwrap_or(BYTES);
    Some(Run { dir, partial: args.contains(&"--partial"), bytes })
}

/// Every check of a run; `Err` lists what failed.
fn judge(r: &Run) -> Result<(), String> {
    let mut bad = Vec::new();
    let d = &r.dir;
    // pings both ways, IPv4 and IPv6 overlay
    let ping = read(d, "ping.txt");
    if ping.lines().count() != 4 || ping.lines().any(|l| !l.contains(" ok ")) {
        bad.push(format!("ping: {ping}"));
    }
    // UDP echoes and TCP transfers, contents by hash
    for (file, want) in [("traffic-v4.json", r.bytes), ("traffic-v6.json", 65536)] {
        let text = read(d, file);
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&text) else {
            bad.push(format!("{file}: no result: {text:?} {}", read(d, "client.log")));
            continue;
        };
        let udp = v["udp"].as_array().cloned().unwrap_or_default();
        let sizes: Vec<u64> = udp.iter().filter_map(|u| u["size"].as_u64()).collect();
        if udp.is_empty() || udp.iter().any(|u| u["ok"] != true) || !sizes.iter().any(|s| s % 2 == 1) || !sizes.iter().any(|s| s % 2 == 0) {
            bad.push(format!("{file}: UDP echoes {udp:?}"));
        }
        let tcp = v["tcp"].as_array().cloned().unwrap_or_default();
        for step in ["put", "get"] {
            let t = tcp.iter().find(|t| t["step"] == step);
            match t {
                Some(t) if t["ok"] == true && t["bytes"].as_u64() == Some(want as u64) && t["got"] == t["want"] => {}
                _ => bad.push(format!("{file}: TCP {step}: {t:?}")),
            }
        }
    }
    // the kernels found no checksum error, on either side
    for side in ["host", "peer"] {
        let n = pairs(&read(d, &format!("nstat-{side}.txt")));
        for key in ["TcpInCsumErrors", "UdpInCsumErrors", "Udp6InCsumErrors"] {
            match n.get(key) {
                Some(0) => {}
                v => bad.push(format!("{side} {key} = {v:?}")),
            }
        }
    }
    // the bridge: clean exit on SIGINT, no TAP left, RCO both ways, no drop but link chatter
    // (not_vxlan) and frames that arrived before the host brought the TAP up
    let t = pairs(&read(d, "timing.txt"));
    if t.get("bridge_exit") != Some(&0) || t.get("tap_left") != Some(&0) {
        bad.push(format!("bridge exit / TAP left: {t:?}"));
    }
    let log = read(d, "bridge.log");
    let last = log.lines().last().unwrap_or("");
    let st = status_fields(last);
    let num = |k: &str| st.get(k).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    // every TCP data segment of a 1 MiB transfer (at most MSS 1460 bytes) is a frame with RCO
    let segments = (r.bytes / 1460) as u64;
    if !last.ends_with(" stopped") || num("tx_rco") < segments || num("rx_rco") < segments {
        bad.push(format!("bridge: RCO frames below {segments} each way or no final line: {last}"));
    }
    let applied = if r.partial { 0 } else { num("rx_rco") };
    if num("rx_rco_applied") != applied {
        bad.push(format!("bridge: rx_rco_applied should be {applied}: {last}"));
    }
    let drops: u64 = st.iter().filter(|(k, _)| k.starts_with("drop_") && *k != "drop_not_vxlan" && *k != "drop_tap_write_down").map(|(_, v)| v.parse::<u64>().unwrap_or(1)).sum();
    if drops != 0 {
        bad.push(format!("bridge: other drops: {last}"));
    }
    if bad.is_empty() {
        Ok(())
    } else {
        Err(bad.join("\n"))
    }
}

fn check(name: &str, args: &[&str]) {
    let Some(r) = run(name, args) else { return };
    let log = read(&r.dir, "bridge.log");
    eprintln!("{}", log.lines().last().unwrap_or(""));
    eprintln!("timing: {} traffic: {}", read(&r.dir, "timing.txt").replace('\n', " "), read(&r.dir, "traffic-v4.json"));
    if let Err(e) = judge(&r) {
        panic!("{name}:\n{e}\nbridge log:\n{log}");
    }
}

#[test]
#[ignore = "needs root, iproute2, ethtool, iputils-ping, python3 (network namespaces)"]
fn hw_ipv4_underlay_peer_nopartial() {
    // the peer patches (and so verifies) the inner checksum of every RCO frame our TX sends
    check("hw-v4", &["--model", "hw", "--outer", "ipv4", "--nopartial"]);
}

#[test]
#[ignore = "needs root, iproute2, ethtool, iputils-ping, python3 (network namespaces)"]
fn hw_ipv6_underlay() {
    check("hw-v6", &["--model", "hw", "--outer", "ipv6"]);
}

#[test]
#[ignore = "needs root, iproute2, ethtool, iputils-ping, python3 (network namespaces)"]
fn golden_ipv4_underlay_rx_partial() {
    check("golden-partial", &["--model", "golden", "--outer", "ipv4", "--partial"]);
}

/// The checks can fail: with every checksum RX patched corrupted on its way to the host,
/// the host kernel counts checksum errors and the transfers fail.
#[test]
#[ignore = "needs root, iproute2, ethtool, iputils-ping, python3 (network namespaces)"]
fn corrupted_rx_patch_is_caught() {
    let Some(r) = run("fault", &["--model", "golden", "--outer", "ipv4", "--nopartial", "--bytes", "65536", "--fault", "rx-csum"])
    else {
        return;
    };
    let e = judge(&r).expect_err("a corrupted inner checksum must fail the run");
    eprintln!("as expected:\n{e}");
    let host = pairs(&read(&r.dir, "nstat-host.txt"));
    let errors = host.get("TcpInCsumErrors").unwrap_or(&0) + host.get("UdpInCsumErrors").unwrap_or(&0);
    assert!(errors > 0, "host kernel counted no checksum error: {host:?}");
    assert!(e.contains("TCP get") && e.contains("host TcpInCsumErrors"), "{e}");
}
