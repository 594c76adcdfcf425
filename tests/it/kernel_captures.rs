//! Real Linux 6.18 VXLAN RCO captures (golden/vectors/kernel, made by golden/kernel/capture.sh).
//!
//! Part 1 checks the captures themselves with code that is independent of the golden crate
//! (own header parsing, own RFC 1071 sums, cross-checked with etherparse's calculators):
//! the outer frames carry what the spec says a Linux RCO sender emits, and the frames the
//! receiving kernel handed up carry the checksums the spec says RCO produces.
//!
//! Part 2 runs the golden model's `rx_decap` over every outer frame and requires the kernel's
//! own output, byte for byte.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::PathBuf;

use pcap_file::pcap::PcapReader;
use pcap_file::DataLink;

use rco_golden::rx::rx_decap;
use rco_golden::types::{DropReason, RxConfig};

const VXLAN_PORT: u16 = 4789;
const FLAGS_RCO: [u8; 4] = [0x08, 0x20, 0x00, 0x00];
const FLAGS_PLAIN: [u8; 4] = [0x08, 0x00, 0x00, 0x00];
const MAX_PCAP_BYTES: u64 = 100 * 1024;

const IPPROTO_TCP: u8 = 6;
const IPPROTO_UDP: u8 = 17;

/// One underlay family: the capture names and the addresses capture.sh used.
struct Set {
    name: &'static str,
    vni: u32,
    /// Outer source address of namespace A (the sender of the nopartial-side traffic).
    a_addr: &'static [u8],
    /// Outer source address of namespace B.
    b_addr: &'static [u8],
}

const SETS: [Set; 2] = [
    Set {
        name: "v4",
        vni: 42,
        a_addr: &[192, 0, 2, 1],
        b_addr: &[192, 0, 2, 2],
    },
    Set {
        name: "v6",
        vni: 43,
        a_addr: &[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
        b_addr: &[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2],
    },
];

fn capture_path(file: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("golden/vectors/kernel")
        .join(file)
}

fn read_pcap(file: &str) -> Vec<Vec<u8>> {
    let path = capture_path(file);
    let size = std::fs::metadata(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .len();
    assert!(
        size < MAX_PCAP_BYTES,
        "{file}: {size} bytes, expected < {MAX_PCAP_BYTES}"
    );
    let mut reader =
        PcapReader::new(File::open(&path).unwrap()).unwrap_or_else(|e| panic!("{file}: {e}"));
    assert_eq!(
        reader.header().datalink,
        DataLink::ETHERNET,
        "{file}: link type"
    );
    let mut frames = Vec::new();
    while let Some(pkt) = reader.next_packet() {
        let pkt = pkt.unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(
            pkt.orig_len as usize,
            pkt.data.len(),
            "{file}: frame {} truncated by snaplen",
            frames.len() + 1
        );
        frames.push(pkt.data.into_owned());
    }
    assert!(!frames.is_empty(), "{file}: no frames");
    frames
}

// ---------------------------------------------------------------------------------------
// Independent RFC 1071 arithmetic (deliberately not the golden crate's).

/// Plain integer sum of big-endian 16-bit words; an odd last byte is the high byte of a word.
fn sum_words(data: &[u8]) -> u64 {
    let mut s = 0u64;
    let mut chunks = data.chunks_exact(2);
    for c in &mut chunks {
        s += u64::from(u16::from_be_bytes([c[0], c[1]]));
    }
    if let [last] = chunks.remainder() {
        s += u64::from(*last) << 8;
    }
    s
}

/// End-around-carry fold to 16 bits, not complemented (0 only for an all-zero sum).
fn fold(mut s: u64) -> u16 {
    while s > 0xFFFF {
        s = (s & 0xFFFF) + (s >> 16);
    }
    s as u16
}

/// Ones'-complement equality (0x0000 and 0xFFFF are both zero).
fn oc_eq(a: u16, b: u16) -> bool {
    a % 0xFFFF == b % 0xFFFF
}

/// Parsed IPv4/IPv6 layer of an Ethernet frame (no VLAN tags appear in the captures).
#[derive(Clone, Debug)]
struct L3 {
    v6: bool,
    src: Vec<u8>,
    dst: Vec<u8>,
    proto: u8,
    /// Offset of the L4 header from the start of the Ethernet frame.
    l4: usize,
    /// End of the IP datagram (from the IP length field).
    end: usize,
}

impl L3 {
    /// Integer sum of the TCP/UDP pseudo-header words.
    fn pseudo_sum(&self) -> u64 {
        let len = (self.end - self.l4) as u64;
        sum_words(&self.src)
            + sum_words(&self.dst)
            + u64::from(self.proto)
            + (len & 0xFFFF)
            + (len >> 16)
    }

    /// P: the folded, un-complemented pseudo-header sum, `~csum_tcpudp_magic(.., 0)`.
    fn p(&self) -> u16 {
        fold(self.pseudo_sum())
    }

    /// Offset of the TCP/UDP checksum field from the Ethernet start.
    fn csum_field(&self) -> Option<usize> {
        match self.proto {
            IPPROTO_TCP => Some(self.l4 + 16),
            IPPROTO_UDP => Some(self.l4 + 6),
            _ => None,
        }
    }

    /// RFC 1071 checksum of the L4 segment, computed with the field taken as zero.
    fn rfc1071(&self, frame: &[u8]) -> u16 {
        let field = self.csum_field().expect("TCP/UDP");
        let mut seg = frame[self.l4..self.end].to_vec();
        seg[field - self.l4] = 0;
        seg[field - self.l4 + 1] = 0;
        !fold(self.pseudo_sum() + sum_words(&seg))
    }

    /// The segment with its present checksum field verifies.
    fn verifies(&self, frame: &[u8]) -> bool {
        fold(self.pseudo_sum() + sum_words(&frame[self.l4..self.end])) == 0xFFFF
    }

    /// The same checksum from etherparse's calculators (UDP maps a 0 result to 0xFFFF).
    fn etherparse_csum(&self, frame: &[u8]) -> u16 {
        let seg = &frame[self.l4..self.end];
        match (self.proto, self.v6) {
            (IPPROTO_UDP, v6) => {
                let (h, rest) = etherparse::UdpHeader::from_slice(seg).unwrap();
                let payload = &rest[..usize::from(h.length) - 8];
                if v6 {
                    h.calc_checksum_ipv6_raw(
                        self.src[..].try_into().unwrap(),
                        self.dst[..].try_into().unwrap(),
                        payload,
                    )
                } else {
                    h.calc_checksum_ipv4_raw(
                        self.src[..].try_into().unwrap(),
                        self.dst[..].try_into().unwrap(),
                        payload,
                    )
                }
                .unwrap()
            }
            (IPPROTO_TCP, v6) => {
                let (h, payload) = etherparse::TcpHeader::from_slice(seg).unwrap();
                if v6 {
                    h.calc_checksum_ipv6_raw(
                        self.src[..].try_into().unwrap(),
                        self.dst[..].try_into().unwrap(),
                        payload,
                    )
                } else {
                    h.calc_checksum_ipv4_raw(
                        self.src[..].try_into().unwrap(),
                        self.dst[..].try_into().unwrap(),
                        payload,
                    )
                }
                .unwrap()
            }
            _ => unreachable!(),
        }
    }
}

fn be16(b: &[u8], off: usize) -> u16 {
    u16::from_be_bytes([b[off], b[off + 1]])
}

/// IPv4/IPv6 of an untagged Ethernet frame; None for ARP and other ethertypes.
fn parse_l3(frame: &[u8]) -> Option<L3> {
    if frame.len() < 14 {
        return None;
    }
    match be16(frame, 12) {
        0x0800 => {
            let ihl = usize::from(frame[14] & 0x0F) * 4;
            assert_eq!(frame[14] >> 4, 4);
            let end = 14 + usize::from(be16(frame, 16));
            assert!(end <= frame.len(), "IPv4 length past the frame");
            assert_eq!(
                fold(sum_words(&frame[14..14 + ihl])),
                0xFFFF,
                "IPv4 header checksum"
            );
            Some(L3 {
                v6: false,
                src: frame[26..30].to_vec(),
                dst: frame[30..34].to_vec(),
                proto: frame[23],
                l4: 14 + ihl,
                end,
            })
        }
        0x86DD => {
            assert_eq!(frame[14] >> 4, 6);
            let end = 14 + 40 + usize::from(be16(frame, 18));
            assert!(end <= frame.len(), "IPv6 length past the frame");
            // No extension headers on TCP/UDP in these captures; anything else (e.g. the
            // hop-by-hop header of an MLD report) is simply "not TCP/UDP" here.
            Some(L3 {
                v6: true,
                src: frame[22..38].to_vec(),
                dst: frame[38..54].to_vec(),
                proto: frame[20],
                l4: 54,
                end,
            })
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------
// Outer frame classification.

#[derive(Debug)]
struct VxFrame {
    /// 1-based frame number in the outer capture (as tshark numbers them).
    no: usize,
    outer: L3,
    vx: [u8; 8],
    /// Inner Ethernet frame exactly as on the wire.
    inner: Vec<u8>,
    /// Inner IP layer, if any.
    inner_l3: Option<L3>,
}

impl VxFrame {
    fn inner_l4(&self) -> Option<&L3> {
        self.inner_l3.as_ref().filter(|l| l.csum_field().is_some())
    }
}

enum Outer {
    NotVxlan,
    Vxlan(VxFrame),
}

fn classify(no: usize, frame: &[u8]) -> Outer {
    let Some(outer) = parse_l3(frame) else {
        return Outer::NotVxlan;
    };
    if outer.proto != IPPROTO_UDP || be16(frame, outer.l4 + 2) != VXLAN_PORT {
        return Outer::NotVxlan;
    }
    let udp_len = usize::from(be16(frame, outer.l4 + 4));
    assert_eq!(
        outer.l4 + udp_len,
        outer.end,
        "frame {no}: UDP length vs IP length"
    );
    let vx: [u8; 8] = frame[outer.l4 + 8..outer.l4 + 16].try_into().unwrap();
    let inner = frame[outer.l4 + 16..outer.end].to_vec();
    let inner_l3 = parse_l3(&inner);
    Outer::Vxlan(VxFrame {
        no,
        outer,
        vx,
        inner,
        inner_l3,
    })
}

fn vxlan_frames(frames: &[Vec<u8>]) -> (Vec<VxFrame>, usize) {
    let mut vx = Vec::new();
    let mut not = 0;
    for (i, f) in frames.iter().enumerate() {
        match classify(i + 1, f) {
            Outer::Vxlan(v) => vx.push(v),
            Outer::NotVxlan => not += 1,
        }
    }
    (vx, not)
}

/// Finds the unique frame in `pool` equal to `inner` except (for TCP/UDP) at the checksum field.
fn counterpart<'a>(pool: &'a [Vec<u8>], used: &mut [bool], v: &VxFrame, file: &str) -> &'a [u8] {
    let skip = v.inner_l4().and_then(L3::csum_field);
    let same = |f: &[u8]| {
        f.len() == v.inner.len()
            && f.iter()
                .zip(&v.inner)
                .enumerate()
                .all(|(i, (a, b))| a == b || skip.is_some_and(|s| i == s || i == s + 1))
    };
    let hits: Vec<usize> = (0..pool.len()).filter(|&i| same(&pool[i])).collect();
    assert_eq!(
        hits.len(),
        1,
        "outer frame {}: {} counterparts in {file}",
        v.no,
        hits.len()
    );
    assert!(!used[hits[0]], "{file} frame {} matched twice", hits[0] + 1);
    used[hits[0]] = true;
    &pool[hits[0]]
}

// ---------------------------------------------------------------------------------------
// Part 1: the captures against the spec, independent of the golden model.

#[test]
fn captures_cover_the_intended_cases() {
    for set in &SETS {
        let outer = read_pcap(&format!("{}-outer.pcap", set.name));
        let (vx, not_vxlan) = vxlan_frames(&outer);
        assert!(
            not_vxlan >= 2,
            "{}: expected underlay ARP/ND frames",
            set.name
        );
        let mut kinds: BTreeMap<(bool, u8), usize> = BTreeMap::new();
        let mut udp_sizes: BTreeMap<bool, Vec<usize>> = BTreeMap::new();
        let mut plain = 0;
        for v in &vx {
            match v.inner_l4() {
                Some(l) => {
                    *kinds.entry((l.v6, l.proto)).or_default() += 1;
                    if l.proto == IPPROTO_UDP {
                        udp_sizes.entry(l.v6).or_default().push(l.end - l.l4 - 8);
                    }
                }
                None => plain += 1,
            }
        }
        assert!(
            plain >= 2,
            "{}: expected overlay ARP/ND inside VXLAN",
            set.name
        );
        for v6 in [false, true] {
            assert!(
                kinds.get(&(v6, IPPROTO_TCP)).copied().unwrap_or(0) >= 8,
                "{}: TCP inner v6={v6}",
                set.name
            );
            let mut sizes = udp_sizes.get(&v6).cloned().unwrap_or_default();
            sizes.sort_unstable();
            assert_eq!(
                sizes,
                [1, 2, 11, 64, 513, 1000],
                "{}: UDP payload sizes inner v6={v6}",
                set.name
            );
        }
        read_pcap(&format!("{}-inner.pcap", set.name));
        read_pcap(&format!("{}-inner-partial.pcap", set.name));
    }
}

#[test]
fn outer_frames_are_linux_rco() {
    for set in &SETS {
        let file = format!("{}-outer.pcap", set.name);
        let frames = read_pcap(&file);
        let (vx, _) = vxlan_frames(&frames);
        for v in &vx {
            let no = v.no;
            let frame = &frames[no - 1];
            // Outer UDP checksum: present and valid.
            let field = be16(frame, v.outer.l4 + 6);
            assert_ne!(field, 0, "{file} frame {no}: outer UDP checksum is zero");
            assert!(
                v.outer.verifies(frame),
                "{file} frame {no}: outer UDP checksum"
            );
            assert_eq!(
                field,
                v.outer.rfc1071(frame),
                "{file} frame {no}: outer UDP checksum value"
            );
            assert!(
                oc_eq(v.outer.etherparse_csum(frame), field),
                "{file} frame {no}: etherparse outer UDP"
            );
            assert_eq!(
                v.outer.v6,
                set.name == "v6",
                "{file} frame {no}: underlay family"
            );

            let vni = u32::from_be_bytes([0, v.vx[4], v.vx[5], v.vx[6]]);
            assert_eq!(vni, set.vni, "{file} frame {no}: VNI");
            match v.inner_l4() {
                Some(l) => {
                    assert_eq!(v.vx[..4], FLAGS_RCO, "{file} frame {no}: VXLAN flags");
                    let start = usize::from(v.vx[7] & 0x7F) * 2;
                    assert_eq!(
                        start, l.l4,
                        "{file} frame {no}: RCO start vs inner L4 offset"
                    );
                    assert_eq!(
                        v.vx[7] & 0x80 != 0,
                        l.proto == IPPROTO_UDP,
                        "{file} frame {no}: RCO UDP bit"
                    );
                    let expect_b7 = match (l.v6, l.proto) {
                        (false, IPPROTO_UDP) => 0x91,
                        (false, _) => 0x11,
                        (true, IPPROTO_UDP) => 0x9B,
                        (true, _) => 0x1B,
                    };
                    assert_eq!(v.vx[7], expect_b7, "{file} frame {no}: VNI low byte");
                    let f = l.csum_field().unwrap();
                    assert_eq!(
                        be16(&v.inner, f),
                        l.p(),
                        "{file} frame {no}: inner field should hold P"
                    );
                }
                None => {
                    assert_eq!(
                        v.vx[..4],
                        FLAGS_PLAIN,
                        "{file} frame {no}: non-RCO VXLAN flags"
                    );
                    assert_eq!(v.vx[7], 0, "{file} frame {no}: non-RCO VNI low byte");
                }
            }
        }
    }
}

#[test]
fn inner_captures_checksums() {
    for set in &SETS {
        // Receiver in nopartial mode: every inner TCP/UDP checksum verifies.
        let file = format!("{}-inner.pcap", set.name);
        let mut n = 0;
        for (i, f) in read_pcap(&file).iter().enumerate() {
            let Some(l) = parse_l3(f).filter(|l| l.csum_field().is_some()) else {
                continue;
            };
            let field = be16(f, l.csum_field().unwrap());
            assert!(
                l.verifies(f),
                "{file} frame {}: inner checksum {field:#06x} does not verify",
                i + 1
            );
            assert_eq!(field, l.rfc1071(f), "{file} frame {}", i + 1);
            assert!(
                oc_eq(l.etherparse_csum(f), field),
                "{file} frame {}: etherparse",
                i + 1
            );
            n += 1;
        }
        assert!(n >= 20, "{file}: only {n} TCP/UDP frames");

        // Default (partial) mode: the field is handed up unchanged, still P.
        let file = format!("{}-inner-partial.pcap", set.name);
        for (i, f) in read_pcap(&file).iter().enumerate() {
            let Some(l) = parse_l3(f).filter(|l| l.csum_field().is_some()) else {
                continue;
            };
            assert_eq!(
                be16(f, l.csum_field().unwrap()),
                l.p(),
                "{file} frame {}: partial mode keeps P",
                i + 1
            );
        }
    }
}

#[test]
fn outer_inner_pairing() {
    for set in &SETS {
        let (vx, _) = vxlan_frames(&read_pcap(&format!("{}-outer.pcap", set.name)));
        let nopart_file = format!("{}-inner.pcap", set.name);
        let part_file = format!("{}-inner-partial.pcap", set.name);
        let nopart = read_pcap(&nopart_file);
        let part = read_pcap(&part_file);
        let mut used_n = vec![false; nopart.len()];
        let mut used_p = vec![false; part.len()];
        for v in &vx {
            let to_b = if v.outer.src == set.a_addr {
                true
            } else {
                assert_eq!(
                    v.outer.src, set.b_addr,
                    "outer frame {}: unknown source",
                    v.no
                );
                false
            };
            let got = if to_b {
                counterpart(&nopart, &mut used_n, v, &nopart_file)
            } else {
                counterpart(&part, &mut used_p, v, &part_file)
            };
            if let Some(l) = v.inner_l4() {
                let f = l.csum_field().unwrap();
                let expect = if to_b { l.rfc1071(&v.inner) } else { l.p() };
                assert_eq!(
                    be16(got, f),
                    expect,
                    "{} outer frame {}: checksum handed up",
                    set.name,
                    v.no
                );
            } else {
                assert_eq!(got, &v.inner[..]);
            }
        }
        assert!(
            used_n.iter().all(|&u| u),
            "{nopart_file}: frames without an outer counterpart"
        );
        assert!(
            used_p.iter().all(|&u| u),
            "{part_file}: frames without an outer counterpart"
        );
    }
}

// ---------------------------------------------------------------------------------------
// Part 2: the golden model against the kernel.

/// What a Linux receiver in `nopartial` mode hands up for this outer frame: the kernel's own
/// capture for A -> B frames; for B -> A frames (received by A in partial mode) the partial
/// capture with the field replaced by the independently computed RFC 1071 checksum.
fn kernel_nopartial_inner(
    v: &VxFrame,
    set: &Set,
    nopart: &[Vec<u8>],
    part: &[Vec<u8>],
) -> (Vec<u8>, Vec<u8>) {
    let mut un = vec![false; nopart.len()];
    let mut up = vec![false; part.len()];
    if v.outer.src == set.a_addr {
        let k = counterpart(nopart, &mut un, v, "nopartial capture").to_vec();
        // Partial-mode delivery of the same frame: unchanged inner bytes.
        (k, v.inner.clone())
    } else {
        let k = counterpart(part, &mut up, v, "partial capture").to_vec();
        let mut patched = k.clone();
        if let Some(l) = v.inner_l4() {
            let f = l.csum_field().unwrap();
            patched[f..f + 2].copy_from_slice(&l.rfc1071(&v.inner).to_be_bytes());
        }
        (patched, k)
    }
}

#[test]
fn golden_rx_decap_matches_kernel() {
    let nopartial = RxConfig::default();
    assert_eq!(nopartial.port, VXLAN_PORT);
    assert!(nopartial.remcsum_rx && nopartial.nopartial);
    let partial = RxConfig {
        nopartial: false,
        ..RxConfig::default()
    };

    let mut mismatches = Vec::new();
    for set in &SETS {
        let file = format!("{}-outer.pcap", set.name);
        let frames = read_pcap(&file);
        let nopart = read_pcap(&format!("{}-inner.pcap", set.name));
        let part = read_pcap(&format!("{}-inner-partial.pcap", set.name));
        for (i, frame) in frames.iter().enumerate() {
            let no = i + 1;
            let v = match classify(no, frame) {
                Outer::NotVxlan => {
                    let r = rx_decap(frame, &nopartial);
                    assert_eq!(
                        r.as_ref().err(),
                        Some(&DropReason::NotVxlan),
                        "{file} frame {no}: non-VXLAN frame"
                    );
                    continue;
                }
                Outer::Vxlan(v) => v,
            };
            let (want_nopartial, want_partial) = kernel_nopartial_inner(&v, set, &nopart, &part);
            let l4 = v.inner_l4();

            // nopartial (the receiver's configuration in the captures).
            let (got, meta) = rx_decap(frame, &nopartial)
                .unwrap_or_else(|e| panic!("{file} frame {no}: dropped: {e:?}"));
            if got != want_nopartial {
                mismatches.push(format!(
                    "{file} frame {no} (nopartial): golden {} vs kernel {}",
                    hex(&got),
                    hex(&want_nopartial)
                ));
            }
            assert_eq!(meta.vni, set.vni, "{file} frame {no}: meta.vni");
            assert_eq!(meta.rco, l4.is_some(), "{file} frame {no}: meta.rco");
            assert_eq!(
                meta.rco_applied,
                l4.is_some(),
                "{file} frame {no}: meta.rco_applied"
            );
            assert!(meta.outer_csum_ok, "{file} frame {no}: meta.outer_csum_ok");
            assert!(
                oc_eq(meta.csum_complete, fold(sum_words(&got))),
                "{file} frame {no}: meta.csum_complete"
            );

            // partial mode: the inner frame is handed up unchanged, with csum_start/offset.
            let (got, meta) = rx_decap(frame, &partial)
                .unwrap_or_else(|e| panic!("{file} frame {no}: dropped (partial): {e:?}"));
            if got != want_partial {
                mismatches.push(format!(
                    "{file} frame {no} (partial): golden {} vs kernel {}",
                    hex(&got),
                    hex(&want_partial)
                ));
            }
            assert_eq!(
                meta.rco,
                l4.is_some(),
                "{file} frame {no}: meta.rco (partial)"
            );
            assert!(
                !meta.rco_applied,
                "{file} frame {no}: meta.rco_applied (partial)"
            );
            if let Some(l) = l4 {
                assert_eq!(
                    usize::from(meta.csum_start),
                    l.l4,
                    "{file} frame {no}: csum_start"
                );
                let off = if l.proto == IPPROTO_UDP { 6 } else { 16 };
                assert_eq!(meta.csum_offset, off, "{file} frame {no}: csum_offset");
            }
            assert!(
                oc_eq(meta.csum_complete, fold(sum_words(&got))),
                "{file} frame {no}: meta.csum_complete (partial)"
            );
        }
    }
    assert!(
        mismatches.is_empty(),
        "golden rx_decap differs from Linux:\n{}",
        mismatches.join("\n")
    );
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}
