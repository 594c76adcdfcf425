//! Golden model of Linux VXLAN (and GUE) Remote Checksum Offload.
//!
//! Pure Rust, no rust-hdl: this crate judges the hardware and must stay independent of
//! it. Function names follow the kernel so a reader can hold them against the source.

pub mod csum;
pub mod rng;
