//! `NicTop`: the unit exported as Verilog (`rco_nic_w64`, ...): the TX path
//! ([`TxEncap`]) and the RX path ([`RxTop`]) side by side, the NIC's configuration and its
//! per-reason drop counters.
//!
//! ```text
//!  host --tx_s_axis + tx_desc--> [TxEncap] --tx_m_axis--> MAC      rco = tx_desc.rco & cfg_rco_tx
//!  host <--rx_m_axis + rx_meta-- [RxTop]   <--rx_s_axis-- MAC      port, remcsum_rx, nopartial,
//!                                                                   udp6 zero csum rx,
//!                                                                   backpressure = cfg_*
//! ```
//!
//! * Configuration inputs (`cfg_*`) are registered once here: they are quasi-static, and the
//!   register keeps their fan-out into both paths off the datapath's timing. A change
//!   applies from the second clock edge after it; change it between packets.
//! * `cfg_rco_tx` low makes TX ignore the descriptor's `rco` request: the frame goes out as
//!   plain VXLAN, its CHECKSUM_PARTIAL inner checksum completed by the NIC (as Linux
//!   without `remcsumtx`). `cfg_rco_rx` is the receiver's opt-in (`remcsumrx`): without it a
//!   frame with the RCO flag is dropped (`rco_not_enabled`), as in Linux.
//! * `cfg_rx_backpressure` low (MAC mode, the default): `rx_s_axis.tready` stays high and a
//!   frame that finds the RX buffer full is dropped whole as `overflow`; high: `tready` goes
//!   low instead, for sources that can wait.
//! * Counters: `rx_drop_count[i]` for RX drop reason `i` ([`crate::rx`] codes, golden
//!   `DropReason::ALL` order), `tx_drop_*` for the TX errors, `tx_frames_out`.
//! * The maximum (inner, host) frame `max_frame` sizes both paths' buffers: TX drops longer
//!   host frames, RX longer outer frames than `max_frame + MAX_OUTER_HEADER`. 9216 (jumbo)
//!   for ECP5, 1518 for the small iCE40 parts (see [`NicTop64`], [`NicTop64Std`]).
//!
//! Latency and throughput are those of the two paths (see their docs): one beat per clock in
//! and out in steady state. RX metadata is valid with `rx_m_axis`'s tlast beat.
//!
//! # Reset
//! `rst` is a synchronous, active-high reset, forwarded to every block of both paths. At a clock
//! edge with `rst` high every state machine, valid/full/pending flag, pointer, count, FIFO and
//! counter takes its initial value (0, that of the flip-flops' `initial`); datapath registers
//! (beat data, header fields, sums read under a valid flag) and the memories are not reset.
//! * Every input is ignored while `rst` is high (a handshake then has no effect); outputs are
//!   not defined during those clocks. The first clock after it the core is as after power-up.
//! * Sources and sinks are expected to be reset with the core (the AXI4-Stream convention), so
//!   after `rst` every input starts at a frame boundary. A frame held inside the core at reset
//!   is discarded, never delivered after reset (nor counted); an output cut mid-frame by `rst`
//!   belongs to a consumer that is in reset too.
//! * The counters (`rx_drop_count`, `tx_*`) return to 0.
//! * The configuration registers (`r_rco_tx`, ...) are not reset: they follow their inputs
//!   again, which apply from the second clock edge, as always.

use crate::rx::{RxTop, NUM_DROP_REASONS};
use crate::stream::{AxisSink, AxisSource};
use crate::tx::desc::TxDescSink;
use crate::tx::TxEncap;
use rust_hdl::prelude::*;

/// Jumbo frames (the RX and TX default, golden `DEFAULT_MAX_FRAME`).
pub const MAX_FRAME_JUMBO: usize = 9216;
/// Standard Ethernet frames: what an iCE40 HX8K's 32 block RAMs hold for both paths.
pub const MAX_FRAME_STD: usize = 1518;
/// Largest outer header TX adds (Ethernet + 802.1Q + IPv6 + UDP + VXLAN): RX accepts
/// outer frames up to `max_frame + MAX_OUTER_HEADER`, so it takes whatever TX can send.
pub const MAX_OUTER_HEADER: usize = crate::headers::MAX_OUTER_HEADER_LEN;

#[derive(LogicBlock)]
pub struct NicTop<
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
    /// synchronous reset, active high: see the module doc
    pub rst: Signal<In, Bit>,
    // TX: host frame + descriptor in, VXLAN frame out
    pub tx_s_axis: AxisSink<W, K>,
    pub tx_desc: TxDescSink,
    pub tx_m_axis: AxisSource<W, K>,
    // RX: VXLAN frame in, inner frame + metadata out (metadata valid with rx_m_axis.tvalid)
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
    // configuration
    pub cfg_rco_tx: Signal<In, Bit>,
    pub cfg_rco_rx: Signal<In, Bit>,
    pub cfg_nopartial: Signal<In, Bit>,
    pub cfg_vxlan_port: Signal<In, Bits<16>>,
    pub cfg_udp6_zero_csum_rx: Signal<In, Bit>,
    pub cfg_rx_backpressure: Signal<In, Bit>,
    // counters
    pub rx_drop_count: [Signal<Out, Bits<32>>; NUM_DROP_REASONS],
    pub tx_drop_truncated: Signal<Out, Bits<32>>,
    pub tx_drop_too_long: Signal<Out, Bits<32>>,
    pub tx_drop_bad_desc: Signal<Out, Bits<32>>,
    pub tx_drop_bad_keep: Signal<Out, Bits<32>>,
    pub tx_frames_out: Signal<Out, Bits<32>>,
    // blocks
    tx: TxEncap<W, K, N, TA, HB>,
    rx: RxTop<W, K, N, RA, RB, RQ>,
    rx_max_frame: Constant<Bits<16>>,
    r_rco_tx: DFF<Bit>,
    r_rco_rx: DFF<Bit>,
    r_nopartial: DFF<Bit>,
    r_port: DFF<Bits<16>>,
    r_udp6_zero: DFF<Bit>,
    r_rx_backpressure: DFF<Bit>,
}

/// 64 bits, jumbo frames (ECP5).
pub type NicTop64 = at_width!(NicTop, w64; W, K, N, TX_A, TX_HB, RX_AW, RX_AB, RX_Q);
/// 128 bits, jumbo frames.
pub type NicTop128 = at_width!(NicTop, w128; W, K, N, TX_A, TX_HB, RX_AW, RX_AB, RX_Q);
/// 256 bits, jumbo frames.
pub type NicTop256 = at_width!(NicTop, w256; W, K, N, TX_A, TX_HB, RX_AW, RX_AB, RX_Q);
/// 64 bits, 1518-byte frames: TX RAM 512 x 64, RX rings 256 x 64 (iCE40 HX8K).
pub type NicTop64Std = at_width!(NicTop, w64; W, K, N, TX_A_STD, TX_HB, RX_AW_STD, RX_AB_STD, RX_Q);
/// 128 bits, 1518-byte frames.
pub type NicTop128Std = at_width!(NicTop, w128; W, K, N, TX_A_STD, TX_HB, RX_AW_STD, RX_AB_STD, RX_Q);

impl<
        const W: usize,
        const K: usize,
        const N: usize,
        const TA: usize,
        const HB: usize,
        const RA: usize,
        const RB: usize,
        const RQ: usize,
    > NicTop<W, K, N, TA, HB, RA, RB, RQ>
{
    /// A NIC whose buffers hold frames of up to `max_frame` bytes (both paths).
    pub fn new(max_frame: usize) -> Self {
        assert!(
            max_frame + MAX_OUTER_HEADER <= RxTop::<W, K, N, RA, RB, RQ>::capacity(),
            "RX ring of 2^{RA} beats holds {} bytes, less than an outer frame around {max_frame}",
            RxTop::<W, K, N, RA, RB, RQ>::capacity()
        );
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
            cfg_rco_tx: Default::default(),
            cfg_rco_rx: Default::default(),
            cfg_nopartial: Default::default(),
            cfg_vxlan_port: Default::default(),
            cfg_udp6_zero_csum_rx: Default::default(),
            cfg_rx_backpressure: Default::default(),
            rx_drop_count: std::array::from_fn(|_| Default::default()),
            tx_drop_truncated: Default::default(),
            tx_drop_too_long: Default::default(),
            tx_drop_bad_desc: Default::default(),
            tx_drop_bad_keep: Default::default(),
            tx_frames_out: Default::default(),
            tx: TxEncap::new(max_frame),
            rx: Default::default(),
            rx_max_frame: Constant::new(((max_frame + MAX_OUTER_HEADER) as u64).into()),
            r_rco_tx: Default::default(),
            r_rco_rx: Default::default(),
            r_nopartial: Default::default(),
            r_port: Default::default(),
            r_udp6_zero: Default::default(),
            r_rx_backpressure: Default::default(),
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
    > Logic for NicTop<W, K, N, TA, HB, RA, RB, RQ>
{
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            r_rco_tx,
            r_rco_rx,
            r_nopartial,
            r_port,
            r_udp6_zero,
            r_rx_backpressure
        );
        self.tx.clock.next = self.clock.val();
        self.tx.rst.next = self.rst.val();
        self.rx.clock.next = self.clock.val();
        self.rx.rst.next = self.rst.val();

        // configuration registers
        self.r_rco_tx.d.next = self.cfg_rco_tx.val();
        self.r_rco_rx.d.next = self.cfg_rco_rx.val();
        self.r_nopartial.d.next = self.cfg_nopartial.val();
        self.r_port.d.next = self.cfg_vxlan_port.val();
        self.r_udp6_zero.d.next = self.cfg_udp6_zero_csum_rx.val();
        self.r_rx_backpressure.d.next = self.cfg_rx_backpressure.val();

        // TX
        AxisSink::<W, K>::link(&mut self.tx_s_axis, &mut self.tx.s_axis);
        AxisSource::<W, K>::link(&mut self.tx_m_axis, &mut self.tx.m_axis);
        self.tx.desc.valid.next = self.tx_desc.valid.val();
        self.tx_desc.ready.next = self.tx.desc.ready.val();
        self.tx.desc.partial.next = self.tx_desc.partial.val();
        self.tx.desc.csum_start.next = self.tx_desc.csum_start.val();
        self.tx.desc.csum_offset.next = self.tx_desc.csum_offset.val();
        self.tx.desc.vni.next = self.tx_desc.vni.val();
        self.tx.desc.dst_mac.next = self.tx_desc.dst_mac.val();
        self.tx.desc.src_mac.next = self.tx_desc.src_mac.val();
        self.tx.desc.vlan.next = self.tx_desc.vlan.val();
        self.tx.desc.vlan_tci.next = self.tx_desc.vlan_tci.val();
        self.tx.desc.ipv6.next = self.tx_desc.ipv6.val();
        self.tx.desc.src_ip.next = self.tx_desc.src_ip.val();
        self.tx.desc.dst_ip.next = self.tx_desc.dst_ip.val();
        self.tx.desc.udp_sport.next = self.tx_desc.udp_sport.val();
        self.tx.desc.udp_dport.next = self.tx_desc.udp_dport.val();
        self.tx.desc.ttl.next = self.tx_desc.ttl.val();
        self.tx.desc.ip_id.next = self.tx_desc.ip_id.val();
        self.tx.desc.flow_label.next = self.tx_desc.flow_label.val();
        self.tx.desc.rco.next = self.tx_desc.rco.val() && self.r_rco_tx.q.val();
        self.tx.desc.udp_csum.next = self.tx_desc.udp_csum.val();
        self.tx_drop_truncated.next = self.tx.drop_truncated.val();
        self.tx_drop_too_long.next = self.tx.drop_too_long.val();
        self.tx_drop_bad_desc.next = self.tx.drop_bad_desc.val();
        self.tx_drop_bad_keep.next = self.tx.drop_bad_keep.val();
        self.tx_frames_out.next = self.tx.frames_out.val();

        // RX
        AxisSink::<W, K>::link(&mut self.rx_s_axis, &mut self.rx.s_axis);
        AxisSource::<W, K>::link(&mut self.rx_m_axis, &mut self.rx.m_axis);
        self.rx.port.next = self.r_port.q.val();
        self.rx.remcsum_rx.next = self.r_rco_rx.q.val();
        self.rx.nopartial.next = self.r_nopartial.q.val();
        self.rx.udp_zero_csum6_rx.next = self.r_udp6_zero.q.val();
        self.rx.max_frame.next = self.rx_max_frame.val();
        self.rx.backpressure.next = self.r_rx_backpressure.q.val();
        self.rx_vni.next = self.rx.m_vni.val();
        self.rx_rco.next = self.rx.m_rco.val();
        self.rx_rco_applied.next = self.rx.m_rco_applied.val();
        self.rx_csum_start.next = self.rx.m_csum_start.val();
        self.rx_csum_offset.next = self.rx.m_csum_offset.val();
        self.rx_csum_complete.next = self.rx.m_csum_complete.val();
        self.rx_outer_csum_ok.next = self.rx.m_outer_csum_ok.val();
        self.rx_drop_valid.next = self.rx.drop_valid.val();
        self.rx_drop_reason.next = self.rx.drop_reason.val();
        for i in 0..NUM_DROP_REASONS {
            self.rx_drop_count[i].next = self.rx.drop_count[i].val();
        }
    }
}

#[cfg(test)]
mod tests {
    //! The structure only: the NIC top's behaviour (TX output wired to RX input, host frames
    //! in, inner frames out, against golden) is the loopback bench's, `rco_sim::loopback_tb`,
    //! whose tests run this block's 1518-byte build too.
    use super::*;

    #[test]
    fn verilog_generates() {
        let mut uut = NicTop64::new(MAX_FRAME_JUMBO);
        uut.connect_all();
        let v = generate_verilog(&uut);
        assert!(v.contains("module top("));
        assert!(v.contains("cfg_vxlan_port"));
    }
}
