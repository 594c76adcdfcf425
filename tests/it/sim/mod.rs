//! rco-sim's tests, one module per rco-sim module (`sim/src/<name>.rs` -> `sim/<name>.rs`
//! here), so that rco-sim has no unit-test harness: one would compile the whole crate, every
//! bench at every width, a second time. `tx_finish_tb` and `tx_header_tb` are benches of one
//! rco-hdl block each that only these tests use. Select them with
//! `cargo test --release --test it -- sim:: --skip cosim::` (`sim::` alone also matches
//! `csum_cosim::`, `rx_cosim::`, ...).

mod bench;
mod csum_tb;
mod ip_core_tb;
mod loopback_tb;
mod nic_model;
mod port_vcd;
mod rx_decide_tb;
mod rx_model;
mod rx_tb;
// `sim/src/tb/keep_faults.rs` -> `sim/tb/keep_faults.rs`
mod tb {
    mod keep_faults;
}
mod tx_finish_tb;
mod tx_header_tb;
mod tx_model;
mod tx_tb;
mod verilator;
