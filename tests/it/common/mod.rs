//! Independent references for the integration tests: an RFC 1071 sum written here and
//! etherparse's header parser. Nothing in this file uses the golden model.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// RFC 1071 section 4.1, byte at a time: the folded, un-complemented sum of `data`.
pub fn naive_sum(data: &[u8]) -> u16 {
    let mut sum: u64 = 0;
    for (i, b) in data.iter().enumerate() {
        sum += if i % 2 == 0 { (*b as u64) << 8 } else { *b as u64 };
    }
    while sum > 0xFFFF {
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    sum as u16
}

/// A TCP/UDP segment inside an Ethernet frame, located by etherparse.
#[derive(Debug, Clone, Copy)]
pub struct L4 {
    pub proto: u8,
    /// Offset of the L4 header in the frame.
    pub offset: usize,
    /// Offset of the checksum field in the frame.
    pub field: usize,
    pub len: usize,
    /// Folded pseudo-header sum P.
    pub pseudo: u16,
    /// Folded sum over pseudo-header and segment: 0xFFFF when the checksum is right.
    pub total: u16,
}

pub fn l4(frame: &[u8]) -> Option<L4> {
    let sp = etherparse::SlicedPacket::from_ethernet(frame).ok()?;
    let (payload, mut pseudo) = match sp.net.as_ref()? {
        etherparse::NetSlice::Ipv4(v4) => {
            let mut p = Vec::new();
            p.extend_from_slice(&v4.header().source());
            p.extend_from_slice(&v4.header().destination());
            (v4.payload(), p)
        }
        etherparse::NetSlice::Ipv6(v6) => {
            let mut p = Vec::new();
            p.extend_from_slice(&v6.header().source());
            p.extend_from_slice(&v6.header().destination());
            (v6.payload(), p)
        }
    };
    if payload.fragmented {
        return None;
    }
    let proto = payload.ip_number.0;
    let check = match proto {
        6 => 16,
        17 => 6,
        _ => return None,
    };
    let seg = payload.payload;
    pseudo.extend_from_slice(&(seg.len() as u32).to_be_bytes());
    pseudo.extend_from_slice(&[0, 0, 0, proto]);
    let offset = seg.as_ptr() as usize - frame.as_ptr() as usize;
    let p = naive_sum(&pseudo);
    pseudo.extend_from_slice(seg);
    Some(L4 { proto, offset, field: offset + check, len: seg.len(), pseudo: p, total: naive_sum(&pseudo) })
}

/// Frames of a pcap, read with pcap-file.
pub fn pcap_frames(path: &Path) -> Vec<Vec<u8>> {
    let f = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut r = pcap_file::pcap::PcapReader::new(f).unwrap();
    let mut v = Vec::new();
    while let Some(p) = r.next_packet() {
        v.push(p.unwrap().data.into_owned());
    }
    v
}

pub fn kernel_capture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/vectors/kernel").join(name)
}

/// A fresh scratch directory under the target dir.
pub fn scratch(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Run the rco-nic binary; returns (success, stdout, stderr).
pub fn rco_nic(args: &[&str]) -> (bool, String, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_rco-nic")).args(args).output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

/// Full names of every variable a VCD declares, as GTKWave shows them: the scope path,
/// the name, and `[msb:lsb]` for a vector (read with the `vcd` crate).
pub fn vcd_trace_names(path: &Path) -> std::collections::BTreeSet<String> {
    fn walk(items: &[vcd::ScopeItem], path: &str, out: &mut std::collections::BTreeSet<String>) {
        for item in items {
            match item {
                vcd::ScopeItem::Scope(s) => walk(&s.items, &format!("{path}{}.", s.identifier), out),
                vcd::ScopeItem::Var(v) => {
                    let index = match &v.index {
                        Some(i) => i.to_string(),
                        None if v.size > 1 => format!("[{}:0]", v.size - 1),
                        None => String::new(),
                    };
                    out.insert(format!("{path}{}{index}", v.reference));
                }
                _ => {}
            }
        }
    }
    let f = std::fs::File::open(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let header = vcd::Parser::new(std::io::BufReader::new(f)).parse_header().unwrap();
    let mut names = std::collections::BTreeSet::new();
    walk(&header.items, "", &mut names);
    names
}

/// The signal paths a GTKWave save file lists (its trace lines, alias prefix removed).
pub fn gtkw_traces(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.is_empty() && !"@-*[".contains(&l[..1]))
        .map(|l| if l.starts_with("+{") { l.split_once("} ").map_or(l, |(_, p)| p) } else { l }.to_string())
        .collect()
}
