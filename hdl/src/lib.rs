//! rco-hdl: the rust-hdl design of the rco-nic datapath.
//!
//! * [`stream`]: the AXI4-Stream bundle every block uses.
//! * [`csum_engine`]: the pipelined ones'-complement checksum engine (TX and RX share it).
//! * [`gtkw`]: GTKWave save files for the VCDs of these blocks.
//! * [`rx`]: the streaming RX pipeline (`docs/rx-pipeline.md`), one block per file.
//! * [`headers`]: the outer header layouts, described once.
//! * [`tx`]: the TX path at line rate (VXLAN/RCO header inserter with outer checksums), one
//!   block per file.
//! * Widgets both paths share: [`keep_check`], [`drop_counters`], [`reg_fifo`], [`ram_fifo`],
//!   [`reg_slice`], [`axis_slice`], [`dist_ram`], [`sdp_ram`], [`lane_sum`], [`oc_fold`].
//! * [`axil_regs`]: the AXI4-Lite control registers (configuration and counters), with the
//!   register map declared once; not yet in the NIC top.
//! * [`width`]: the built datapath widths and the block parameters of each.
//! * [`nic_top`]: the NIC top (TX + RX paths, configuration, drop counters), exported as Verilog.

#[macro_use]
pub mod width;
pub mod axil_regs;
pub mod axis_slice;
pub mod csum_engine;
pub mod dist_ram;
pub mod drop_counters;
pub mod gtkw;
pub mod headers;
pub mod keep_check;
pub mod lane_sum;
pub mod nic_top;
pub mod oc_fold;
pub mod ram_fifo;
pub mod reg_fifo;
pub mod reg_slice;
pub mod rco_nic;
pub mod rx;
pub mod sdp_ram;
pub mod stream;
pub mod stream_counter;
pub mod tx;
