//! The layer the rust-hdl benches of this crate are written on, so that each bench says only
//! what it checks:
//! * [`axis`]: frames as AXI4-Stream beats, a driver for an input and a monitor for an output;
//! * [`desc`]: the TX descriptor channel;
//! * [`keep_faults`]: the `tkeep` faults both paths must drop;
//! * [`rx_ports`]: the RX metadata and drop events of a block with an RX path;
//! * [`tx_drops`]: which frame each TX drop counter step belongs to;
//! * [`vcd`]: the clock period and bound of the VCDs, and rust-hdl's full VCD of a block.

pub mod axis;
pub mod desc;
pub mod keep_faults;
pub mod rx_ports;
pub mod tx_drops;
pub mod vcd;
