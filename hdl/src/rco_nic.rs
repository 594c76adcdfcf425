//! `RcoNic`: the drop-in IP core (`rco-nic export` writes it as `rco_nic.v`): the NIC top
//! ([`NicTop`]) with its configuration and counters behind an AXI4-Lite slave
//! ([`AxilRegs`]), traffic counters on its four streams, and one reset.
//!
//! ```text
//!  host --tx_s_axis + tx_desc--> [NicTop TX] --tx_m_axis--> MAC
//!  host <--rx_m_axis + rx_meta-- [NicTop RX] <--rx_s_axis-- MAC
//!  s_axil <--> [AxilRegs]: cfg_* -> NicTop, drop counters + [StreamCounter] x4 -> registers
//! ```
//!
//! * `rst` (synchronous, active high) goes to every block: the datapath as [`NicTop`]'s
//!   "Reset" says, the register block to its table's reset values, the traffic counters to 0.
//! * Configuration written over AXI-Lite reaches the datapath three clocks after the write's
//!   B handshake (the register, then [`NicTop`]'s own configuration register); change it
//!   between frames.
//! * Counters: RX and TX drop counters are 32 bits (one word, wrapping); frames and bytes in
//!   and out of each path are 64 bits, read low word then high word. The traffic counts lag
//!   their stream by two clocks ([`StreamCounter`]).
//! * Streams, descriptor and RX metadata are [`NicTop`]'s, unchanged.
//!
//! Its bench (loopback, configured and counted over AXI-Lite, against golden) is
//! `rco_sim::ip_core_tb`.

use crate::axil_regs::{
    AxilRegs, AxilSlave, CNT64_RX_IN, CNT64_RX_OUT, CNT64_TX_IN, CNT64_TX_OUT, CNT_RX_DROP, CNT_TX_DROP_BAD_DESC,
    CNT_TX_DROP_BAD_KEEP, CNT_TX_DROP_TOO_LONG, CNT_TX_DROP_TRUNCATED,
};
use crate::nic_top::NicTop;
use crate::rx::NUM_DROP_REASONS;
use crate::stream::{AxisSink, AxisSource};
use crate::stream_counter::StreamCounter;
use crate::tx::desc::TxDescSink;
use rust_hdl::prelude::*;

/// Address bits of the AXI4-Lite port: the register map's 256 bytes.
pub const AXIL_ADDR_BITS: usize = 8;

#[derive(LogicBlock)]
pub struct RcoNic<
    const W: usize,
    const K: usize,
    const N: usize,
    const TA: usize,
    const HB: usize,
    const RA: usize,
    const RB: usize,
    const RQ: usize,
> {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub tx_s_axis: AxisSink<W, K>,
    pub tx_desc: TxDescSink,
    pub tx_m_axis: AxisSource<W, K>,
    pub rx_s_axis: AxisSink<W, K>,
    pub rx_m_axis: AxisSource<W, K>,
    pub rx_vni: Signal<Out, Bits<24>>,
    pub rx_rco: Signal<Out, Bit>,
    pub rx_rco_applied: Signal<Out, Bit>,
    pub rx_csum_start: Signal<Out, Bits<16>>,
    pub rx_csum_offset: Signal<Out, Bits<16>>,
    pub rx_csum_complete: Signal<Out, Bits<16>>,
    pub rx_outer_csum_ok: Signal<Out, Bit>,
    pub rx_drop_valid: Signal<Out, Bit>,
    pub rx_drop_reason: Signal<Out, Bits<4>>,
    pub s_axil: AxilSlave<AXIL_ADDR_BITS>,
    nic: NicTop<W, K, N, TA, HB, RA, RB, RQ>,
    regs: AxilRegs<AXIL_ADDR_BITS>,
    tx_in: StreamCounter<K>,
    tx_out: StreamCounter<K>,
    rx_in: StreamCounter<K>,
    rx_out: StreamCounter<K>,
}

/// 64 bits, jumbo frames (the parameters of [`crate::nic_top::NicTop64`]).
pub type RcoNic64 = at_width!(RcoNic, w64; W, K, N, TX_A, TX_HB, RX_AW, RX_AB, RX_Q);
/// 128 bits, jumbo frames.
pub type RcoNic128 = at_width!(RcoNic, w128; W, K, N, TX_A, TX_HB, RX_AW, RX_AB, RX_Q);
/// 256 bits, jumbo frames.
pub type RcoNic256 = at_width!(RcoNic, w256; W, K, N, TX_A, TX_HB, RX_AW, RX_AB, RX_Q);
/// 64 bits, 1518-byte frames (testbenches: small buffers simulate fast).
pub type RcoNic64Std = at_width!(RcoNic, w64; W, K, N, TX_A_STD, TX_HB, RX_AW_STD, RX_AB_STD, RX_Q);

impl<
        const W: usize,
        const K: usize,
        const N: usize,
        const TA: usize,
        const HB: usize,
        const RA: usize,
        const RB: usize,
        const RQ: usize,
    > RcoNic<W, K, N, TA, HB, RA, RB, RQ>
{
    /// An IP core whose buffers hold frames of up to `max_frame` bytes (both paths).
    pub fn new(max_frame: usize) -> Self {
        Self {
            clock: Default::default(),
            rst: Default::default(),
            tx_s_axis: Default::default(),
            tx_desc: Default::default(),
            tx_m_axis: Default::default(),
            rx_s_axis: Default::default(),
            rx_m_axis: Default::default(),
            rx_vni: Default::default(),
            rx_rco: Default::default(),
            rx_rco_applied: Default::default(),
            rx_csum_start: Default::default(),
            rx_csum_offset: Default::default(),
            rx_csum_complete: Default::default(),
            rx_outer_csum_ok: Default::default(),
            rx_drop_valid: Default::default(),
            rx_drop_reason: Default::default(),
            s_axil: Default::default(),
            nic: NicTop::new(max_frame),
            regs: Default::default(),
            tx_in: Default::default(),
            tx_out: Default::default(),
            rx_in: Default::default(),
            rx_out: Default::default(),
        }
    }
}

impl<
        const W: usize,
        const K: usize,
        const N: usize,
        const TA: usize,
        const HB: usize,
        const RA: usize,
        const RB: usize,
        const RQ: usize,
    > Logic for RcoNic<W, K, N, TA, HB, RA, RB, RQ>
{
    #[hdl_gen]
    fn update(&mut self) {
        self.nic.clock.next = self.clock.val();
        self.regs.clock.next = self.clock.val();
        self.tx_in.clock.next = self.clock.val();
        self.tx_out.clock.next = self.clock.val();
        self.rx_in.clock.next = self.clock.val();
        self.rx_out.clock.next = self.clock.val();
        self.nic.rst.next = self.rst.val();
        self.regs.rst.next = self.rst.val();
        self.tx_in.rst.next = self.rst.val();
        self.tx_out.rst.next = self.rst.val();
        self.rx_in.rst.next = self.rst.val();
        self.rx_out.rst.next = self.rst.val();

        // streams and descriptor straight through
        AxisSink::<W, K>::link(&mut self.tx_s_axis, &mut self.nic.tx_s_axis);
        AxisSource::<W, K>::link(&mut self.tx_m_axis, &mut self.nic.tx_m_axis);
        AxisSink::<W, K>::link(&mut self.rx_s_axis, &mut self.nic.rx_s_axis);
        AxisSource::<W, K>::link(&mut self.rx_m_axis, &mut self.nic.rx_m_axis);
        TxDescSink::link(&mut self.tx_desc, &mut self.nic.tx_desc);
        self.rx_vni.next = self.nic.rx_vni.val();
        self.rx_rco.next = self.nic.rx_rco.val();
        self.rx_rco_applied.next = self.nic.rx_rco_applied.val();
        self.rx_csum_start.next = self.nic.rx_csum_start.val();
        self.rx_csum_offset.next = self.nic.rx_csum_offset.val();
        self.rx_csum_complete.next = self.nic.rx_csum_complete.val();
        self.rx_outer_csum_ok.next = self.nic.rx_outer_csum_ok.val();
        self.rx_drop_valid.next = self.nic.rx_drop_valid.val();
        self.rx_drop_reason.next = self.nic.rx_drop_reason.val();

        // registers
        AxilSlave::<AXIL_ADDR_BITS>::link(&mut self.s_axil, &mut self.regs.s_axil);
        self.nic.cfg_rco_tx.next = self.regs.cfg_rco_tx.val();
        self.nic.cfg_rco_rx.next = self.regs.cfg_rco_rx.val();
        self.nic.cfg_nopartial.next = self.regs.cfg_nopartial.val();
        self.nic.cfg_vxlan_port.next = self.regs.cfg_vxlan_port.val();
        self.nic.cfg_udp6_zero_csum_rx.next = self.regs.cfg_udp6_zero_csum_rx.val();
        self.nic.cfg_rx_backpressure.next = self.regs.cfg_rx_backpressure.val();
        // the one-trip loops bind the table's indices to loop variables for the HDL
        for c in CNT_RX_DROP..(CNT_RX_DROP + 1) {
            for i in 0..NUM_DROP_REASONS {
                self.regs.counters[c + i].next = self.nic.rx_drop_count[i].val();
            }
        }
        for c in CNT_TX_DROP_TRUNCATED..(CNT_TX_DROP_TRUNCATED + 1) {
            self.regs.counters[c].next = self.nic.tx_drop_truncated.val();
        }
        for c in CNT_TX_DROP_TOO_LONG..(CNT_TX_DROP_TOO_LONG + 1) {
            self.regs.counters[c].next = self.nic.tx_drop_too_long.val();
        }
        for c in CNT_TX_DROP_BAD_DESC..(CNT_TX_DROP_BAD_DESC + 1) {
            self.regs.counters[c].next = self.nic.tx_drop_bad_desc.val();
        }
        for c in CNT_TX_DROP_BAD_KEEP..(CNT_TX_DROP_BAD_KEEP + 1) {
            self.regs.counters[c].next = self.nic.tx_drop_bad_keep.val();
        }

        // traffic counters, tapped on the handshakes at the core's edge
        self.tx_in.tkeep.next = self.tx_s_axis.tkeep.val();
        self.tx_in.tvalid.next = self.tx_s_axis.tvalid.val();
        self.tx_in.tready.next = self.tx_s_axis.tready.val();
        self.tx_in.tlast.next = self.tx_s_axis.tlast.val();
        self.tx_out.tkeep.next = self.tx_m_axis.tkeep.val();
        self.tx_out.tvalid.next = self.tx_m_axis.tvalid.val();
        self.tx_out.tready.next = self.tx_m_axis.tready.val();
        self.tx_out.tlast.next = self.tx_m_axis.tlast.val();
        self.rx_in.tkeep.next = self.rx_s_axis.tkeep.val();
        self.rx_in.tvalid.next = self.rx_s_axis.tvalid.val();
        self.rx_in.tready.next = self.rx_s_axis.tready.val();
        self.rx_in.tlast.next = self.rx_s_axis.tlast.val();
        self.rx_out.tkeep.next = self.rx_m_axis.tkeep.val();
        self.rx_out.tvalid.next = self.rx_m_axis.tvalid.val();
        self.rx_out.tready.next = self.rx_m_axis.tready.val();
        self.rx_out.tlast.next = self.rx_m_axis.tlast.val();
        for j in CNT64_TX_IN..(CNT64_TX_IN + 1) {
            self.regs.counters64[j].next = self.tx_in.frames.val();
            self.regs.counters64[j + 1].next = self.tx_in.bytes.val();
        }
        for j in CNT64_TX_OUT..(CNT64_TX_OUT + 1) {
            self.regs.counters64[j].next = self.tx_out.frames.val();
            self.regs.counters64[j + 1].next = self.tx_out.bytes.val();
        }
        for j in CNT64_RX_IN..(CNT64_RX_IN + 1) {
            self.regs.counters64[j].next = self.rx_in.frames.val();
            self.regs.counters64[j + 1].next = self.rx_in.bytes.val();
        }
        for j in CNT64_RX_OUT..(CNT64_RX_OUT + 1) {
            self.regs.counters64[j].next = self.rx_out.frames.val();
            self.regs.counters64[j + 1].next = self.rx_out.bytes.val();
        }
    }
}
