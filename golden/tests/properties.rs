//! Properties of the golden model against independent references: a naive RFC 1071
//! sum written here, RFC 1624 recomputation, the worked vectors of spec section 8, and
//! frames parsed by etherparse (an independent header parser).

use proptest::prelude::*;
use rco_golden::csum::*;
use rco_golden::rng::SplitMix64;
use rco_golden::rx::rx_decap;
use rco_golden::tx::{tx_encap, uses_rco};
use rco_golden::types::{RxConfig, DEFAULT_MAX_FRAME};
use rco_golden::vectors::{gen_descriptor, gen_host_frame};

/// RFC 1071 section 4.1, byte at a time: the folded, un-complemented sum of `data`.
fn naive_sum(data: &[u8]) -> u16 {
    let mut sum: u64 = 0;
    for (i, b) in data.iter().enumerate() {
        sum += if i % 2 == 0 { (*b as u64) << 8 } else { *b as u64 };
    }
    while sum > 0xFFFF {
        sum = (sum & 0xFFFF) + (sum >> 16);
    }
    sum as u16
}

/// Ones'-complement values are equal mod 0xFFFF (0x0000 and 0xFFFF are both zero).
fn ones_eq(a: u32, b: u32) -> bool {
    a % 0xFFFF == b % 0xFFFF
}

fn hex(s: &str) -> Vec<u8> {
    rco_golden::hex::decode(s).unwrap()
}

/// Pseudo-header bytes for an L4 segment, built from etherparse's view of the packet.
fn pseudo_header(ip: &etherparse::NetSlice, len: usize, proto: u8) -> Vec<u8> {
    let mut p = Vec::new();
    match ip {
        etherparse::NetSlice::Ipv4(v4) => {
            p.extend_from_slice(&v4.header().source());
            p.extend_from_slice(&v4.header().destination());
            p.extend_from_slice(&[0, proto]);
            p.extend_from_slice(&(len as u16).to_be_bytes());
        }
        etherparse::NetSlice::Ipv6(v6) => {
            p.extend_from_slice(&v6.header().source());
            p.extend_from_slice(&v6.header().destination());
            p.extend_from_slice(&(len as u32).to_be_bytes());
            p.extend_from_slice(&[0, 0, 0, proto]);
        }
    }
    p
}

/// For a TCP/UDP Ethernet frame: (offset of the L4 header, its checksum field offset,
/// naive sum over pseudo-header + segment). `None` for anything else.
fn l4_info(frame: &[u8]) -> Option<(usize, usize, u16, u16)> {
    let sp = etherparse::SlicedPacket::from_ethernet(frame).ok()?;
    let net = sp.net.as_ref()?;
    let payload = match net {
        etherparse::NetSlice::Ipv4(v4) => v4.payload(),
        etherparse::NetSlice::Ipv6(v6) => v6.payload(),
    };
    let proto = payload.ip_number.0;
    let check = match proto {
        6 => 16,
        17 => 6,
        _ => return None,
    };
    let seg = payload.payload;
    let l4 = seg.as_ptr() as usize - frame.as_ptr() as usize;
    let mut all = pseudo_header(net, seg.len(), proto);
    let pseudo = naive_sum(&all);
    all.extend_from_slice(seg);
    Some((l4, l4 + check, naive_sum(&all), pseudo))
}

#[test]
fn spec_section_8_tcp_vector() {
    let mut inner = hex("02000000000202000000000108004500003300010000400666c20a0000010a0000029c4000502265b1f591b7584a501801f61428000068656c6c6f2c2072636f21");
    assert_eq!(get_sum16(&inner, 50), 0x1428);
    let csum = csum_partial(&inner, 0);
    assert_eq!(fold(csum), 0xb606);
    let delta = remcsum_adjust(&mut inner, csum, 34, 50);
    assert_eq!(get_sum16(&inner, 50), 0x55fc);
    assert_eq!(fold(csum_add(csum, delta)), 0xf7da);
    assert_eq!(naive_sum(&inner), 0xf7da);
}

#[test]
fn spec_section_8_udp_vector_through_decap() {
    let inner = hex("02000000000202000000000108004500002700010000401166c30a0000010a0000029c400fa00013142768656c6c6f2c2072636f21");
    assert_eq!(get_sum16(&inner, 40), 0x1427);
    let desc = rco_golden::types::TxDescriptor { partial: true, csum_start: 34, csum_offset: 6, vni: 42, ..Default::default() };
    let outer = tx_encap(&inner, &desc, DEFAULT_MAX_FRAME).unwrap();
    assert_eq!(&outer[42..50], &[0x08, 0x20, 0x00, 0x00, 0x00, 0x00, 0x2a, 0x91]);
    let (out, meta) = rx_decap(&outer, &RxConfig::default()).unwrap();
    assert_eq!(get_sum16(&out, 40), 0x5705);
    assert_eq!(meta.csum_complete, 0xf7db);
    assert!(meta.rco_applied && meta.outer_csum_ok);
    assert_eq!(meta.vni, 42);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// csum_partial equals the naive sum for every start alignment and length.
    #[test]
    fn csum_partial_matches_rfc1071(data in proptest::collection::vec(any::<u8>(), 0..300), a in 0usize..300, b in 0usize..300) {
        let (a, b) = (a.min(data.len()), b.min(data.len()));
        let (a, b) = (a.min(b), a.max(b));
        let s = csum_partial(&data[a..b], 0);
        prop_assert!(ones_eq(s, naive_sum(&data[a..b]) as u32));
        // csum_fold is the complement of the fold.
        prop_assert_eq!(csum_fold(s), !fold(s));
        // Concatenation at any parity via csum_block_add.
        let left = csum_partial(&data[..a], 0);
        let joined = csum_block_add(left, csum_partial(&data[a..], 0), a);
        prop_assert!(ones_eq(joined, naive_sum(&data) as u32));
    }

    /// RFC 1624: updating a checksum incrementally verifies like a recomputed one.
    #[test]
    fn incremental_update_rfc1624(mut data in proptest::collection::vec(any::<u8>(), 8..64), word in 0usize..3, new in any::<u16>(), new32 in any::<u32>()) {
        data[0] = 0; data[1] = 0;
        let c = csum_fold(csum_partial(&data, 0));
        put_sum16(&mut data, 0, c);
        let w = 2 + 2 * word;
        let old = get_sum16(&data, w);
        put_sum16(&mut data, w, new);
        let c2 = csum_replace2(c, old, new);
        put_sum16(&mut data, 0, c2);
        prop_assert_eq!(naive_sum(&data), 0xFFFF);
        // 32-bit replacement at offset 4.
        let from = u32::from_be_bytes(data[4..8].try_into().unwrap());
        data[4..8].copy_from_slice(&new32.to_be_bytes());
        let c3 = csum_replace4(c2, from, new32);
        put_sum16(&mut data, 0, c3);
        prop_assert_eq!(naive_sum(&data), 0xFFFF);
    }

    /// remcsum_adjust derives the RFC 1071 checksum of [start, end) and its delta keeps
    /// CHECKSUM_COMPLETE consistent; remcsum_unadjust restores an equivalent field.
    #[test]
    fn remcsum_adjust_properties(mut data in proptest::collection::vec(any::<u8>(), 4..200), s in 0usize..100, o in 0usize..100) {
        let start = (s.min(data.len() - 2)) & !1;
        let offset = start + ((o.min(data.len() - 2 - start)) & !1);
        let before = get_sum16(&data, offset);
        let csum = csum_partial(&data, 0);
        let delta = remcsum_adjust(&mut data, csum, start, offset);
        // The field held P (`before`): the new field makes span ⊕ P ≡ 0, which is what the
        // inner L4 check does with the receiver's own pseudo-header.
        prop_assert!(ones_eq(naive_sum(&data[start..]) as u32 + before as u32, 0xFFFF));
        prop_assert!(ones_eq(csum_add(csum, delta), naive_sum(&data) as u32));
        remcsum_unadjust(&mut data, offset, delta);
        prop_assert!(ones_eq(get_sum16(&data, offset) as u32, before as u32));
    }

    /// rx_decap(tx_encap(x)) gives back the host frame with a correct inner checksum,
    /// for random TCP/UDP over IPv4/IPv6, VLANs, options, RCO on or off.
    #[test]
    fn decap_of_encap_restores_correct_checksum(seed in any::<u64>()) {
        let mut rng = SplitMix64::new(seed);
        let (inner, partial) = gen_host_frame(&mut rng, 1500);
        let desc = gen_descriptor(&mut rng, partial);
        let outer = tx_encap(&inner, &desc, DEFAULT_MAX_FRAME).unwrap();

        // Independent look at the outer frame: UDP checksum valid when on.
        let (_, _, outer_sum, _) = l4_info(&outer).expect("outer is IP/UDP");
        if desc.udp_csum {
            prop_assert_eq!(outer_sum, 0xFFFF);
        }
        let cfg = RxConfig { udp_zero_csum6_rx: true, ..RxConfig::default() };
        let (out, meta) = rx_decap(&outer, &cfg).unwrap();
        prop_assert_eq!(out.len(), inner.len());
        prop_assert_eq!(meta.vni, desc.vni);
        prop_assert_eq!(meta.rco_applied, uses_rco(&desc));
        prop_assert_eq!(meta.csum_complete as u32 % 0xFFFF, naive_sum(&out) as u32 % 0xFFFF);
        if let Some((l4, field, _, pseudo)) = l4_info(&inner) {
            let sent = &outer[outer.len() - inner.len()..];
            if uses_rco(&desc) {
                // As sent: the field still holds P, the pseudo-header sum.
                prop_assert_eq!(desc.csum_start as usize, l4);
                prop_assert_eq!(get_sum16(sent, field), pseudo);
            }
            let (_, _, out_sum, _) = l4_info(&out).unwrap();
            if desc.partial {
                prop_assert_eq!(out_sum, 0xFFFF, "inner checksum wrong after decap");
            }
            // Everything but the checksum field is unchanged.
            let mut a = out.clone();
            let mut b = inner.clone();
            a[field..field + 2].fill(0);
            b[field..field + 2].fill(0);
            prop_assert_eq!(a, b);
        } else {
            prop_assert_eq!(out, inner);
        }
    }
}
