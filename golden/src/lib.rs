//! Golden model of Linux VXLAN (and GUE) Remote Checksum Offload.
//!
//! Pure Rust, no rust-hdl: this crate judges the hardware and must stay independent of
//! it. Function names follow the kernel so a reader can hold them against the source.
//!
//! - [`csum`]: `csum_partial`, `csum_fold`, `remcsum_adjust`, pseudo-header sums.
//! - [`wire`]: typed views of Ethernet/IPv4/IPv6/UDP/TCP/VXLAN headers.
//! - [`vxlan`], [`gue`]: RCO header encodings.
//! - [`tx`], [`rx`]: whole-packet reference behaviour of the NIC's TX and RX paths.
//! - [`types`]: descriptor, configuration, metadata and drop reasons shared with the hardware.
//! - [`vectors`]: the deterministic vector generator.
//! - [`traffic`]: realistic host traffic (ARP, ping, TCP, UDP over VXLAN segments) for the main job.

pub mod csum;
pub mod gue;
pub mod hex;
pub mod rng;
pub mod rx;
pub mod traffic;
pub mod tx;
pub mod types;
pub mod vectors;
pub mod vxlan;
pub mod wire;
