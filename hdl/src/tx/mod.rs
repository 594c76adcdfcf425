//! The TX path at line rate: one block per file, each with its bench.
//!
//! * [`desc`]: the descriptor port and a queue of descriptors.
//! * [`ingress`]: frames and descriptors in, ring writes, checksum engines, drop decisions.
//! * [`finish`]: outer checksums and the egress plan, a frame per clock.
//! * [`header`]: the outer header, every field placed by the shared header table.
//! * [`plan`]: the plan bundle and its queue.
//! * [`egress`]: header insertion, realignment, inner checksum patch, `m_axis`.
//! * [`top`]: [`TxEncap`], the blocks joined.

pub mod desc;
pub mod egress;
pub mod finish;
pub mod header;
pub mod ingress;
pub mod plan;
pub mod top;

// TX drop codes: the counters' indices (`drop_truncated`, `drop_too_long`, `drop_bad_desc`,
// `drop_bad_keep`).
pub const TX_DROP_TRUNCATED: u64 = 0;
pub const TX_DROP_TOO_LONG: u64 = 1;
pub const TX_DROP_BAD_DESC: u64 = 2;
pub const TX_DROP_BAD_KEEP: u64 = 3;
pub const NUM_TX_DROP_REASONS: usize = 4;

pub use top::{TxEncap, TxEncap128, TxEncap256, TxEncap512, TxEncap64};
