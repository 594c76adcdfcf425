//! The good RCO frame that formal/rx_stream.sv feeds the RX top in its cover (`rx_cover_rco`,
//! `RCO_FRAME_COVER`) and the inner last beat the cover must see are the golden model's: the
//! outer frame is golden TX's encapsulation (RCO on) of the inner frame, golden RX gives that
//! inner frame back with the checksum remcsum_adjust wrote, and that checksum is right by an
//! RFC 1071 sum written in the tests. A frame edited in the wrapper fails here.

use crate::common::l4;
use rco_golden::rx::rx_decap;
use rco_golden::tx::tx_encap;
use rco_golden::types::RxConfig;
use rco_nic::{host_descriptor, EncapOpts, OuterKind, OuterOverride};

/// The hex digits of every `<bits>'h<digits>` literal in `text`, in order.
fn hex_literals(text: &str) -> Vec<&str> {
    text.split("'h").skip(1).map(|t| t.split(|c: char| !c.is_ascii_hexdigit()).next().unwrap()).collect()
}

fn bytes(hex: &str) -> Vec<u8> {
    (0..hex.len()).step_by(2).map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap()).collect()
}

/// The text of `localparam ... NAME = <value>;` in `sv`.
fn localparam<'a>(sv: &'a str, name: &str) -> &'a str {
    let at = sv.find(&format!(" {name} = ")).unwrap_or_else(|| panic!("rx_stream.sv has no localparam {name}"));
    let value = &sv[at + name.len() + 4..];
    &value[..value.find(';').unwrap()]
}

#[test]
fn rco_cover_frame_is_goldens() {
    let sv = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/formal/rx_stream.sv")).unwrap();
    let outer = bytes(&hex_literals(localparam(&sv, "OUTER")).concat());
    let outer_len: usize = localparam(&sv, "OUTER_LEN").trim().parse().unwrap();
    assert_eq!(outer.len(), outer_len);
    let want_last = u64::from_str_radix(hex_literals(localparam(&sv, "INNER_LAST"))[0], 16).unwrap();
    let want_keep = u8::from_str_radix(hex_literals(localparam(&sv, "INNER_LAST_KEEP"))[0], 16).unwrap();

    // the configuration the wrapper assumes
    let cfg = RxConfig { port: 4789, remcsum_rx: true, nopartial: true, udp_zero_csum6_rx: false, max_frame: 9216 };
    let (inner, meta) = rx_decap(&outer, &cfg).expect("golden RX drops the cover's frame");
    assert!(meta.rco && meta.rco_applied, "{meta:?}");
    let seg = l4(&inner).expect("inner UDP");
    assert_eq!((seg.proto, seg.total), (17, 0xFFFF), "inner UDP checksum wrong by RFC 1071");

    // the wrapper's last beat: 8-byte lanes, lane 0 the lowest byte
    let start = (inner.len() - 1) / 8 * 8;
    assert!(seg.field >= start, "the checksum field is not in the beat the cover looks at");
    let tail = &inner[start..];
    let got_last = tail.iter().rev().fold(0u64, |acc, b| acc << 8 | *b as u64);
    assert_eq!(got_last, want_last, "INNER_LAST");
    assert_eq!(((1u16 << tail.len()) - 1) as u8, want_keep, "INNER_LAST_KEEP");

    // the outer frame is what golden TX sends for that inner frame (the first of a run)
    let opts = EncapOpts { vni: 42, outer: OuterKind::Ipv4, rco: true, udp_csum: true, addr: OuterOverride::default() };
    let (host, desc) = host_descriptor(&inner, 0, &opts);
    assert_eq!(tx_encap(&host, &desc, 9216).expect("golden TX"), outer);
}
