//! The committed golden vectors (golden/vectors/*.jsonl): still what the generator
//! writes, and right by independent checks (RFC 1071 sums, etherparse parsing).

use crate::common::*;
use rco_golden::vectors::{generate, RxVector, TxVector};

/// The committed set: `rco-nic vectors --seed 1 --count 24`.
const SEED: u64 = 1;
const COUNT: usize = 24;

fn read_jsonl<T: serde::de::DeserializeOwned>(name: &str) -> Vec<T> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/vectors").join(name);
    std::fs::read_to_string(&p)
        .unwrap_or_else(|e| panic!("{}: {e}", p.display()))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn committed_vectors_match_the_generator() {
    let (tx, rx) = generate(SEED, COUNT);
    assert_eq!(read_jsonl::<TxVector>("tx.jsonl"), tx, "regenerate with: rco-nic vectors --seed 1 --count 24");
    assert_eq!(read_jsonl::<RxVector>("rx.jsonl"), rx, "regenerate with: rco-nic vectors --seed 1 --count 24");
}

#[test]
fn tx_vectors_are_valid_on_the_wire() {
    for (i, v) in read_jsonl::<TxVector>("tx.jsonl").iter().enumerate() {
        let outer = &v.expect.as_ref().unwrap().0;
        let o = l4(outer).unwrap_or_else(|| panic!("vector {i}: outer not IP/UDP"));
        if v.desc.udp_csum {
            assert_eq!(o.total, 0xFFFF, "vector {i}: outer UDP checksum");
        }
        let sp = etherparse::SlicedPacket::from_ethernet(outer).unwrap();
        if let Some(etherparse::NetSlice::Ipv4(ip)) = &sp.net {
            assert_eq!(naive_sum(ip.header().slice()), 0xFFFF, "vector {i}: IPv4 header checksum");
        }
        let payload = &outer[o.offset + 16..];
        assert_eq!(payload.len(), v.inner.len());
        let rco = outer[o.offset + 9] & 0x20 != 0;
        if let Some(inner) = l4(&v.inner) {
            if rco {
                assert_eq!((outer[o.offset + 15] & 0x7F) as usize * 2, inner.offset);
                assert_eq!(u16::from_be_bytes([payload[inner.field], payload[inner.field + 1]]), inner.pseudo);
            } else {
                assert_eq!(l4(payload).unwrap().total, 0xFFFF, "vector {i}: inner completed by the NIC");
            }
        }
    }
}

#[test]
fn rx_vectors_deliver_correct_inner_checksums() {
    let rx = read_jsonl::<RxVector>("rx.jsonl");
    let mut good = 0;
    for v in &rx {
        if let Ok((inner, meta)) = &v.expect {
            assert_eq!(meta.csum_complete as u32 % 0xFFFF, naive_sum(&inner.0) as u32 % 0xFFFF);
            if meta.rco_applied {
                good += 1;
                assert_eq!(l4(&inner.0).unwrap().total, 0xFFFF, "case {}", v.case);
            }
        }
    }
    assert!(good >= 2);
}
