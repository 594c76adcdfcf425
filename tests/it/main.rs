//! The integration tests: one test binary (`cargo test --release --test it`), so the test
//! build links rust-hdl and the workspace crates once instead of once per file. Each module is
//! what used to be its own binary `tests/<name>.rs`; select one by its module path, e.g.
//! `cargo test --release --test it -- cli::` (a filter is a substring of `module::test`, so
//! `malformed::` also selects `tx_malformed::`; add `--skip tx_malformed::` to leave it out).
//! `sim` holds rco-sim's tests, once unit tests in its sources (`sim/mod.rs`); `sim::` also
//! selects `csum_cosim::`, `rx_cosim::`, ...: add `--skip cosim::`.
//! `tests/cocotb/` (the Python testbench run by `cocotb`) stays outside this directory.

mod common;

mod cli;
mod cocotb;
mod csum_cosim;
mod exported;
mod formal_frames;
mod golden_vectors;
mod ip_wrapper;
mod kernel_captures;
mod kernel_interop;
mod loopback;
mod main_job;
mod malformed;
mod nic_cosim;
mod pcap_fuzz;
mod rx_cosim;
mod rx_fuzz;
mod rx_hw;
mod sdp_ram_netlist;
mod sim;
mod sized;
mod synth_flow;
mod tap_loop;
mod tx_cosim;
mod tx_hw;
mod tx_malformed;
mod verilator_model;
