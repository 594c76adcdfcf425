//! The streaming RX pipeline (`docs/rx-pipeline.md`): one block per file, each with its bench.

pub mod egress;
pub mod remcsum;
