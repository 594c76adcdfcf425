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

pub use top::{TxEncap, TxEncap128, TxEncap256, TxEncap512, TxEncap64};
