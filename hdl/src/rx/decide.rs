//! `RxDecide`: the RX front end: [`RxIngress`] -> [`RxExtract`] -> [`RxChecks`]. Frames in on
//! `s_axis`; a decision per frame out, `checks::LATENCY + EXTRACT_LATENCY` clocks after its last
//! beat at the tap; the ring write port out for the egress's copy of the ring.
//!
//! `rst` (synchronous, active high) goes to the three blocks.

use super::checks::RxChecks;
use super::extract::RxExtract;
use super::ingress::RxIngress;
use crate::stream::AxisSink;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct RxDecide<const W: usize, const K: usize, const N: usize, const AW: usize, const AB: usize> {
    pub clock: Signal<In, Clock>,
    /// synchronous reset, active high: see the module doc
    pub rst: Signal<In, Bit>,
    pub s_axis: AxisSink<W, K>,
    pub max_frame: Signal<In, Bits<16>>,
    pub backpressure: Signal<In, Bit>,
    pub port: Signal<In, Bits<16>>,
    pub remcsum_rx: Signal<In, Bit>,
    pub nopartial: Signal<In, Bit>,
    pub udp_zero_csum6_rx: Signal<In, Bit>,
    pub free_ptr: Signal<In, Bits<16>>,
    pub credit: Signal<In, Bit>,
    pub credit_next: Signal<In, Bit>,
    /// a frame's record left the ingress (it will get a decision)
    pub f_valid: Signal<Out, Bit>,
    /// a frame was dropped for want of a decision-queue slot (no decision)
    pub f_nocredit: Signal<Out, Bit>,
    // ring write port
    pub wr_addr: Signal<Out, Bits<AW>>,
    pub wr_data: Signal<Out, Bits<W>>,
    pub wr_en: Signal<Out, Bit>,
    // decision
    pub d_valid: Signal<Out, Bit>,
    pub d_deliver: Signal<Out, Bit>,
    pub d_reason: Signal<Out, Bits<4>>,
    pub d_base: Signal<Out, Bits<16>>,
    pub d_beats: Signal<Out, Bits<16>>,
    pub d_inner_off: Signal<Out, Bits<16>>,
    pub d_inner_len: Signal<Out, Bits<16>>,
    pub d_vni: Signal<Out, Bits<24>>,
    pub d_rco: Signal<Out, Bit>,
    pub d_rco_applied: Signal<Out, Bit>,
    pub d_csum_start: Signal<Out, Bits<16>>,
    pub d_csum_offset: Signal<Out, Bits<16>>,
    pub d_outer_csum_ok: Signal<Out, Bit>,
    pub d_inner_sum: Signal<Out, Bits<32>>,
    pub d_remcsum_start: Signal<Out, Bits<16>>,
    pub d_remcsum_offset: Signal<Out, Bits<16>>,
    ingress: RxIngress<W, K, N, AW>,
    extract: RxExtract<W, K>,
    checks: RxChecks<W, K, N, AW, AB>,
}

impl<const W: usize, const K: usize, const N: usize, const AW: usize, const AB: usize> Default
    for RxDecide<W, K, N, AW, AB>
{
    fn default() -> Self {
        Self {
            clock: Default::default(),
            rst: Default::default(),
            s_axis: Default::default(),
            max_frame: Default::default(),
            backpressure: Default::default(),
            port: Default::default(),
            remcsum_rx: Default::default(),
            nopartial: Default::default(),
            udp_zero_csum6_rx: Default::default(),
            free_ptr: Default::default(),
            credit: Default::default(),
            credit_next: Default::default(),
            f_valid: Default::default(),
            f_nocredit: Default::default(),
            wr_addr: Default::default(),
            wr_data: Default::default(),
            wr_en: Default::default(),
            d_valid: Default::default(),
            d_deliver: Default::default(),
            d_reason: Default::default(),
            d_base: Default::default(),
            d_beats: Default::default(),
            d_inner_off: Default::default(),
            d_inner_len: Default::default(),
            d_vni: Default::default(),
            d_rco: Default::default(),
            d_rco_applied: Default::default(),
            d_csum_start: Default::default(),
            d_csum_offset: Default::default(),
            d_outer_csum_ok: Default::default(),
            d_inner_sum: Default::default(),
            d_remcsum_start: Default::default(),
            d_remcsum_offset: Default::default(),
            ingress: RxIngress::new(),
            extract: RxExtract::new(),
            checks: RxChecks::new(),
        }
    }
}

impl<const W: usize, const K: usize, const N: usize, const AW: usize, const AB: usize> Logic
    for RxDecide<W, K, N, AW, AB>
{
    #[hdl_gen]
    fn update(&mut self) {
        self.ingress.clock.next = self.clock.val();
        self.ingress.rst.next = self.rst.val();
        self.extract.clock.next = self.clock.val();
        self.extract.rst.next = self.rst.val();
        self.checks.clock.next = self.clock.val();
        self.checks.rst.next = self.rst.val();
        // ingress
        self.ingress.s_axis.tdata.next = self.s_axis.tdata.val();
        self.ingress.s_axis.tkeep.next = self.s_axis.tkeep.val();
        self.ingress.s_axis.tvalid.next = self.s_axis.tvalid.val();
        self.ingress.s_axis.tlast.next = self.s_axis.tlast.val();
        self.ingress.s_axis.tuser.next = self.s_axis.tuser.val();
        self.s_axis.tready.next = self.ingress.s_axis.tready.val();
        self.ingress.max_frame.next = self.max_frame.val();
        self.ingress.backpressure.next = self.backpressure.val();
        self.ingress.free_ptr.next = self.free_ptr.val();
        self.ingress.credit.next = self.credit.val();
        self.ingress.credit_next.next = self.credit_next.val();
        self.f_valid.next = self.ingress.f_valid.val();
        self.f_nocredit.next = self.ingress.f_nocredit.val();
        self.wr_addr.next = self.ingress.wr_addr.val();
        self.wr_data.next = self.ingress.wr_data.val();
        self.wr_en.next = self.ingress.wr_en.val();
        // extract
        self.extract.t_valid.next = self.ingress.t_valid.val();
        self.extract.t_data.next = self.ingress.t_data.val();
        self.extract.t_index.next = self.ingress.t_index.val();
        self.extract.f_valid.next = self.ingress.f_valid.val();
        self.extract.f_base.next = self.ingress.f_base.val();
        self.extract.f_beats.next = self.ingress.f_beats.val();
        self.extract.f_len.next = self.ingress.f_len.val();
        self.extract.f_bad_keep.next = self.ingress.f_bad_keep.val();
        self.extract.f_too_long.next = self.ingress.f_too_long.val();
        self.extract.f_overflow.next = self.ingress.f_overflow.val();
        // checks
        self.checks.port.next = self.port.val();
        self.checks.remcsum_rx.next = self.remcsum_rx.val();
        self.checks.nopartial.next = self.nopartial.val();
        self.checks.udp_zero_csum6_rx.next = self.udp_zero_csum6_rx.val();
        self.checks.wr_addr.next = self.ingress.wr_addr.val();
        self.checks.wr_data.next = self.ingress.wr_data.val();
        self.checks.wr_prefix.next = self.ingress.wr_prefix.val();
        self.checks.wr_en.next = self.ingress.wr_en.val();
        self.checks.h_valid.next = self.extract.o_valid.val();
        self.checks.h_base.next = self.extract.o_base.val();
        self.checks.h_beats.next = self.extract.o_beats.val();
        self.checks.h_len.next = self.extract.o_len.val();
        self.checks.h_bad_keep.next = self.extract.o_bad_keep.val();
        self.checks.h_too_long.next = self.extract.o_too_long.val();
        self.checks.h_overflow.next = self.extract.o_overflow.val();
        self.checks.h_vlan.next = self.extract.o_vlan.val();
        self.checks.h_ethertype.next = self.extract.o_ethertype.val();
        self.checks.h_ip_b0.next = self.extract.o_ip_b0.val();
        self.checks.h_v4_total_len.next = self.extract.o_v4_total_len.val();
        self.checks.h_v4_frag.next = self.extract.o_v4_frag.val();
        self.checks.h_v4_proto.next = self.extract.o_v4_proto.val();
        self.checks.h_v6_payload_len.next = self.extract.o_v6_payload_len.val();
        self.checks.h_v6_next.next = self.extract.o_v6_next.val();
        self.checks.h_x1_next.next = self.extract.o_x1_next.val();
        self.checks.h_x1_len.next = self.extract.o_x1_len.val();
        self.checks.h_addr_sum.next = self.extract.o_addr_sum.val();
        self.checks.h_pre_l3_sum.next = self.extract.o_pre_l3_sum.val();
        // decision
        self.d_valid.next = self.checks.d_valid.val();
        self.d_deliver.next = self.checks.d_deliver.val();
        self.d_reason.next = self.checks.d_reason.val();
        self.d_base.next = self.checks.d_base.val();
        self.d_beats.next = self.checks.d_beats.val();
        self.d_inner_off.next = self.checks.d_inner_off.val();
        self.d_inner_len.next = self.checks.d_inner_len.val();
        self.d_vni.next = self.checks.d_vni.val();
        self.d_rco.next = self.checks.d_rco.val();
        self.d_rco_applied.next = self.checks.d_rco_applied.val();
        self.d_csum_start.next = self.checks.d_csum_start.val();
        self.d_csum_offset.next = self.checks.d_csum_offset.val();
        self.d_outer_csum_ok.next = self.checks.d_outer_csum_ok.val();
        self.d_inner_sum.next = self.checks.d_inner_sum.val();
        self.d_remcsum_start.next = self.checks.d_remcsum_start.val();
        self.d_remcsum_offset.next = self.checks.d_remcsum_offset.val();
    }
}
