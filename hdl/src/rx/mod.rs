//! The streaming RX pipeline (`docs/rx-pipeline.md`): one block per file, each with its bench.

pub mod checks;
pub mod decide;
pub mod egress;
pub mod extract;
pub mod ingress;
pub mod remcsum;
pub mod ring;
pub mod top;

// Drop codes: the index in golden's `DropReason::ALL` (checked by `rco-sim`'s tests; `hdl/`
// does not import golden). `bad_keep` and `overflow` are hardware-only.
pub const DROP_TOO_LONG: u64 = 0;
pub const DROP_TRUNCATED: u64 = 1;
pub const DROP_NOT_VXLAN: u64 = 2;
pub const DROP_IP_HEADER: u64 = 3;
pub const DROP_IP_CSUM: u64 = 4;
pub const DROP_IP_FRAGMENT: u64 = 5;
pub const DROP_UDP_LENGTH: u64 = 6;
pub const DROP_UDP_CSUM: u64 = 7;
pub const DROP_UDP_ZERO_CSUM6: u64 = 8;
pub const DROP_VXLAN_FLAGS: u64 = 9;
pub const DROP_RCO_NOT_ENABLED: u64 = 10;
pub const DROP_RCO_PAST_END: u64 = 11;
pub const DROP_BAD_KEEP: u64 = 12;
/// A frame that did not fit in the ring or found no decision-queue slot (MAC mode).
pub const DROP_OVERFLOW: u64 = 13;
/// Drop reasons (and counters), `overflow` included.
pub const NUM_DROP_REASONS: usize = 14;

pub use top::{RxTop, RxTop128, RxTop128Std, RxTop256, RxTop512, RxTop64, RxTop64Std};
