//! The streaming RX pipeline (`docs/rx-pipeline.md`): one block per file, each with its bench.

pub mod checks;
pub mod decide;
pub mod drop_counters;
pub mod egress;
pub mod extract;
pub mod ingress;
pub mod remcsum;
pub mod ring;
pub mod top;

pub use crate::rx_path::{
    DROP_BAD_KEEP, DROP_IP_CSUM, DROP_IP_FRAGMENT, DROP_IP_HEADER, DROP_NOT_VXLAN, DROP_RCO_NOT_ENABLED,
    DROP_RCO_PAST_END, DROP_TOO_LONG, DROP_TRUNCATED, DROP_UDP_CSUM, DROP_UDP_LENGTH, DROP_UDP_ZERO_CSUM6,
    DROP_VXLAN_FLAGS,
};
/// A frame that did not fit in the ring (MAC mode): hardware only, after golden's reasons.
pub const DROP_OVERFLOW: u64 = 13;
/// Drop reasons of the streaming RX, `overflow` included.
pub const RX_DROP_REASONS: usize = 14;
