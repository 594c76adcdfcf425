//! Fuzzing the RX *hardware* (`RxTop`, simulated cycle by cycle): real VXLAN frames with
//! random bytes overwritten (mostly in the outer headers, where the parser looks) and
//! random cuts, under random receiver configurations and output back-pressure. Every frame
//! must get golden `rx_decap`'s verdict (the same drop reason, or the identical inner frame
//! and metadata: never a corrupted frame passed as good), the per-reason counters must
//! count golden's drops, and the run must finish (the model reports a stall as an error).

use proptest::prelude::*;
use rco_golden::rng::SplitMix64;
use rco_golden::rx::rx_decap;
use rco_golden::tx::tx_encap;
use rco_golden::types::{DropReason, RxConfig, DEFAULT_MAX_FRAME};
use rco_golden::vectors::{gen_descriptor, gen_host_frame};
use rco_sim::rx_model::{run_width, Drive};

/// Bytes of the outer headers (74 at most) plus the start of the inner frame.
const HEADER_ZONE: usize = 90;

/// One mangled frame: a golden TX frame from `seed`, `edits` (position, value) applied, a
/// position with its top bit set goes anywhere in the frame, else into the header zone),
/// then cut to `cut` bytes when `cut` is shorter.
fn mangled(seed: u64, edits: &[(u16, u8)], cut: Option<u16>) -> Vec<u8> {
    let mut rng = SplitMix64::new(seed);
    let (inner, partial) = gen_host_frame(&mut rng, 600);
    let desc = gen_descriptor(&mut rng, partial);
    let mut f = tx_encap(&inner, &desc, DEFAULT_MAX_FRAME).unwrap();
    for &(pos, v) in edits {
        let i = if pos & 0x8000 != 0 { pos as usize % f.len() } else { pos as usize % HEADER_ZONE.min(f.len()) };
        f[i] = v;
    }
    if let Some(c) = cut {
        f.truncate((c as usize).clamp(1, f.len()));
    }
    f
}

fn any_config() -> impl Strategy<Value = RxConfig> {
    (any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(remcsum_rx, nopartial, udp_zero_csum6_rx)| RxConfig {
        remcsum_rx: remcsum_rx || nopartial, // opted in 3 times out of 4
        nopartial,
        udp_zero_csum6_rx,
        ..Default::default()
    })
}

fn any_job() -> impl Strategy<Value = (Vec<u8>, RxConfig)> {
    (
        any::<u64>(),
        proptest::collection::vec((any::<u16>(), any::<u8>()), 0..4),
        proptest::option::weighted(0.3, any::<u16>()),
        any_config(),
    )
        .prop_map(|(seed, edits, cut, cfg)| (mangled(seed, &edits, cut), cfg))
}

proptest! {
    // Each case is one hardware run of 48 frames back to back.
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn rx_hardware_agrees_with_golden_on_mangled_frames(
        jobs in proptest::collection::vec(any_job(), 48),
        width in prop_oneof![Just(64usize), Just(128), Just(256)],
        backpressure in 0.0f64..0.5,
        seed in any::<u64>(),
    ) {
        let run = run_width(&jobs, width, &Drive { backpressure, seed, mac: false }, None).unwrap();
        prop_assert_eq!(run.results.len(), jobs.len());
        let mut counts = vec![0u64; DropReason::ALL.len()];
        for (i, ((frame, cfg), got)) in jobs.iter().zip(&run.results).enumerate() {
            let want = rx_decap(frame, cfg);
            prop_assert_eq!(got, &want, "frame {} ({} bytes, {:?}) at W={}", i, frame.len(), cfg, width);
            if let Err(e) = want {
                counts[e.code()] += 1;
            }
        }
        prop_assert_eq!(&run.counters, &counts);
    }
}
