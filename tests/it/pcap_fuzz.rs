//! The CLI's pcap reader never panics: random bytes, and real captures with bytes
//! overwritten or cut, give frames or a one-line error, and the decap path processes
//! whatever frames come out.

use crate::common::*;
use proptest::prelude::*;
use rco_nic::pcap_io::read_frames;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(500))]

    #[test]
    fn read_frames_never_panics(
        edits in proptest::collection::vec((any::<usize>(), any::<u8>()), 0..6),
        cut in any::<usize>(),
        random_header in any::<bool>(),
    ) {
        let mut bytes = std::fs::read(kernel_capture("v4-outer.pcap")).unwrap();
        if random_header {
            bytes.truncate(64);
        }
        for (pos, v) in &edits {
            let n = bytes.len();
            bytes[pos % n] = *v;
        }
        bytes.truncate(cut % (bytes.len() + 1));
        let path = scratch("pcap-fuzz").join("f.pcap");
        std::fs::write(&path, &bytes).unwrap();
        match read_frames(&path) {
            Ok(frames) => {
                let (out, rep) = rco_nic::decap(&frames, rco_nic::Model::Golden, &Default::default()).unwrap();
                prop_assert_eq!(rep.frames.len(), frames.len());
                prop_assert!(out.len() <= frames.len());
            }
            Err(e) => {
                let msg = format!("{e:#}");
                prop_assert!(!msg.contains('\n') && !msg.is_empty(), "{}", msg);
            }
        }
    }
}
