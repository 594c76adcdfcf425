//! No input makes the golden parsers panic: random bytes, and (more to the point) real
//! frames with random bytes overwritten or cut, through every entry point that reads a
//! frame. Each case also checks the verdict is self-consistent.

use proptest::prelude::*;
use rco_golden::gue::gue_parse;
use rco_golden::rng::SplitMix64;
use rco_golden::rx::rx_decap;
use rco_golden::tx::{host_checksum_partial, tx_encap};
use rco_golden::types::{RxConfig, TxDescriptor, DEFAULT_MAX_FRAME};
use rco_golden::vectors::{gen_descriptor, gen_host_frame};
use rco_golden::wire::parse_layers;

/// A valid outer frame from `seed`, then `edits` (position, value) overwrites and a cut.
fn mangled_outer(seed: u64, edits: &[(usize, u8)], cut: usize) -> Vec<u8> {
    let mut rng = SplitMix64::new(seed);
    let (inner, partial) = gen_host_frame(&mut rng, 300);
    let desc = gen_descriptor(&mut rng, partial);
    let mut f = tx_encap(&inner, &desc, DEFAULT_MAX_FRAME).unwrap();
    for (pos, v) in edits {
        let n = f.len();
        f[pos % n] = *v;
    }
    let keep = f.len() - cut % f.len();
    f.truncate(keep);
    f
}

fn any_config() -> impl Strategy<Value = RxConfig> {
    (any::<bool>(), any::<bool>(), any::<bool>(), prop_oneof![Just(4789u16), any::<u16>()], 0usize..2000).prop_map(
        |(remcsum_rx, nopartial, udp_zero_csum6_rx, port, max)| RxConfig {
            port,
            remcsum_rx,
            nopartial,
            udp_zero_csum6_rx,
            max_frame: if max < 1000 { DEFAULT_MAX_FRAME } else { max },
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn rx_decap_never_panics_on_mangled_frames(
        seed in any::<u64>(),
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..4),
        cut in 0usize..80,
        cfg in any_config(),
    ) {
        let f = mangled_outer(seed, &edits, cut);
        if let Ok((inner, meta)) = rx_decap(&f, &cfg) {
            // Whatever is delivered is inside the frame and at least an Ethernet header.
            prop_assert!(inner.len() >= 14 && inner.len() < f.len());
            prop_assert!(!meta.rco_applied || (meta.rco && cfg.nopartial && cfg.remcsum_rx));
            prop_assert!(f.len() <= cfg.max_frame);
        }
        let _ = parse_layers(&f);
    }

    #[test]
    fn parsers_never_panic_on_random_bytes(data in proptest::collection::vec(any::<u8>(), 0..200), cfg in any_config()) {
        let _ = rx_decap(&data, &cfg);
        let _ = parse_layers(&data);
        let _ = gue_parse(&data);
        let mut d = data.clone();
        if let Some((start, off)) = host_checksum_partial(&mut d) {
            prop_assert!((start + off) as usize + 2 <= d.len());
        }
    }

    #[test]
    fn tx_encap_never_panics_on_any_descriptor(
        data in proptest::collection::vec(any::<u8>(), 0..200),
        partial in any::<bool>(), csum_start in any::<u16>(), csum_offset in any::<u16>(),
        rco in any::<bool>(), v6 in any::<bool>(), vlan in any::<Option<u16>>(),
    ) {
        let mut desc = TxDescriptor { partial, csum_start, csum_offset, rco, outer_vlan: vlan, ..Default::default() };
        if v6 {
            desc.outer_ip = rco_golden::wire::IpAddrs::Ipv6 { src: [1; 16], dst: [2; 16] };
        }
        match tx_encap(&data, &desc, DEFAULT_MAX_FRAME) {
            Ok(out) => {
                prop_assert_eq!(out.len(), data.len() + rco_golden::tx::outer_header_len(&desc));
                // Whatever the NIC sends, a receiver that accepts zero IPv6 checksums
                // takes it back (the frame is well formed).
                let cfg = RxConfig { udp_zero_csum6_rx: true, ..RxConfig::default() };
                let r = rx_decap(&out, &cfg);
                prop_assert!(r.is_ok(), "{:?}", r);
            }
            Err(e) => prop_assert!(data.len() < 14 || partial, "{e}"),
        }
    }
}
