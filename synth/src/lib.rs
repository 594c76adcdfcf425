//! rco-synth: the FPGA synthesis flow over the exported designs: the IO shell that fits a
//! design to a board's pins ([`shell`]), Yosys and nextpnr with their report ([`flow`]), and
//! the side-by-side comparison with an external checksum module ([`compare`]).
//!
//! The designs are built by `rco-export` (synth/export/), a crate of its own so that these
//! unit tests do not compile every design again.

pub mod compare;
pub mod flow;
pub mod shell;
