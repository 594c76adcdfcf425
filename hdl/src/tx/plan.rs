//! The egress plan of a finished frame (its outer checksums and lengths, and how its beats are
//! laid out), as a valid/ready bundle, and [`TxPlanQueue`], a FIFO of plans: a plan pushed on
//! `s_plan` (`valid` is the push strobe) shows on `m_plan` from the next clock until
//! `m_plan.ready` pops it. One [`RegFifo`] per field, as [`super::desc::TxDescQueue`].
//!
//! `rst` (synchronous, active high) empties [`TxPlanQueue`] (its FIFOs); the plan fields (data) are
//! not reset.

use crate::reg_fifo::RegFifo;
use rust_hdl::prelude::*;

/// A plan port.
#[derive(LogicInterface, Default)]
#[join = "TxPlanSource"]
pub struct TxPlanSink<const K: usize> {
    pub valid: Signal<In, Bit>,
    pub ready: Signal<Out, Bit>,
    /// the outer UDP checksum, lane order (0: none)
    pub udp_csum: Signal<In, Bits<16>>,
    /// the IPv4 header checksum, lane order
    pub ip_csum: Signal<In, Bits<16>>,
    /// the outer UDP length, lane order
    pub udp_len: Signal<In, Bits<16>>,
    /// the IPv4 total length, lane order
    pub ip_len: Signal<In, Bits<16>>,
    /// output beats of the frame
    pub beats: Signal<In, Bits<16>>,
    /// beats that are header only (`hlen / K`)
    pub hdr_beats: Signal<In, Bits<16>>,
    /// ring words of the inner frame
    pub words: Signal<In, Bits<16>>,
    /// `tkeep` of the last output beat
    pub last_keep: Signal<In, Bits<K>>,
    /// output beat of the completed inner checksum's first byte
    pub patch_beat_a: Signal<In, Bits<16>>,
    /// output beat of its second byte
    pub patch_beat_b: Signal<In, Bits<16>>,
    /// the first byte is in the frame's first output beat (`patch_beat_a == 0`, from a
    /// register, so the egress's slot load does not wait for a 16-bit compare)
    pub patch_first_a: Signal<In, Bit>,
    /// the second byte is in the frame's first output beat
    pub patch_first_b: Signal<In, Bit>,
    /// bit offset of the first byte in its beat
    pub patch_bit_a: Signal<In, Bits<16>>,
    /// bit offset of the second byte in its beat
    pub patch_bit_b: Signal<In, Bits<16>>,
    /// the completed inner checksum (big-endian value)
    pub inner_csum: Signal<In, Bits<16>>,
    /// VXLAN flags, first 16 bits, lane order (the RCO bit when RCO is used)
    pub vxlan_flags: Signal<In, Bits<16>>,
    /// VXLAN header bytes 6 and 7 (the VNI's low byte and the RCO byte), lane order
    pub vni_low: Signal<In, Bits<16>>,
    /// the inner checksum is completed in the frame (CHECKSUM_PARTIAL without RCO)
    pub patch: Signal<In, Bit>,
}

/// The driving end of a [`TxPlanSink`].
#[derive(LogicInterface, Default)]
#[join = "TxPlanSink"]
pub struct TxPlanSource<const K: usize> {
    pub valid: Signal<Out, Bit>,
    pub ready: Signal<In, Bit>,
    pub udp_csum: Signal<Out, Bits<16>>,
    pub ip_csum: Signal<Out, Bits<16>>,
    pub udp_len: Signal<Out, Bits<16>>,
    pub ip_len: Signal<Out, Bits<16>>,
    pub beats: Signal<Out, Bits<16>>,
    pub hdr_beats: Signal<Out, Bits<16>>,
    pub words: Signal<Out, Bits<16>>,
    pub last_keep: Signal<Out, Bits<K>>,
    pub patch_beat_a: Signal<Out, Bits<16>>,
    pub patch_beat_b: Signal<Out, Bits<16>>,
    pub patch_first_a: Signal<Out, Bit>,
    pub patch_first_b: Signal<Out, Bit>,
    pub patch_bit_a: Signal<Out, Bits<16>>,
    pub patch_bit_b: Signal<Out, Bits<16>>,
    pub inner_csum: Signal<Out, Bits<16>>,
    pub vxlan_flags: Signal<Out, Bits<16>>,
    pub vni_low: Signal<Out, Bits<16>>,
    pub patch: Signal<Out, Bit>,
}

/// A FIFO of `Q` plans (`Q` a power of two); the TX path's credits keep it from overflowing.
#[derive(LogicBlock)]
pub struct TxPlanQueue<const K: usize, const Q: usize> {
    pub clock: Signal<In, Clock>,
    /// synchronous reset, active high: see the module doc
    pub rst: Signal<In, Bit>,
    pub s_plan: TxPlanSink<K>,
    pub m_plan: TxPlanSource<K>,
    q_udp_csum: RegFifo<Bits<16>, Q>,
    q_ip_csum: RegFifo<Bits<16>, Q>,
    q_udp_len: RegFifo<Bits<16>, Q>,
    q_ip_len: RegFifo<Bits<16>, Q>,
    q_beats: RegFifo<Bits<16>, Q>,
    q_hdr_beats: RegFifo<Bits<16>, Q>,
    q_words: RegFifo<Bits<16>, Q>,
    q_last_keep: RegFifo<Bits<K>, Q>,
    q_patch_beat_a: RegFifo<Bits<16>, Q>,
    q_patch_beat_b: RegFifo<Bits<16>, Q>,
    q_patch_first_a: RegFifo<Bit, Q>,
    q_patch_first_b: RegFifo<Bit, Q>,
    q_patch_bit_a: RegFifo<Bits<16>, Q>,
    q_patch_bit_b: RegFifo<Bits<16>, Q>,
    q_inner_csum: RegFifo<Bits<16>, Q>,
    q_vxlan_flags: RegFifo<Bits<16>, Q>,
    q_vni_low: RegFifo<Bits<16>, Q>,
    q_patch: RegFifo<Bit, Q>,
    q_max: Constant<Bits<8>>,
}

impl<const K: usize, const Q: usize> Default for TxPlanQueue<K, Q> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            rst: Default::default(),
            s_plan: Default::default(),
            m_plan: Default::default(),
            q_udp_csum: RegFifo::new(),
            q_ip_csum: RegFifo::new(),
            q_udp_len: RegFifo::new(),
            q_ip_len: RegFifo::new(),
            q_beats: RegFifo::new(),
            q_hdr_beats: RegFifo::new(),
            q_words: RegFifo::new(),
            q_last_keep: RegFifo::new(),
            q_patch_beat_a: RegFifo::new(),
            q_patch_beat_b: RegFifo::new(),
            q_patch_first_a: RegFifo::new(),
            q_patch_first_b: RegFifo::new(),
            q_patch_bit_a: RegFifo::new(),
            q_patch_bit_b: RegFifo::new(),
            q_inner_csum: RegFifo::new(),
            q_vxlan_flags: RegFifo::new(),
            q_vni_low: RegFifo::new(),
            q_patch: RegFifo::new(),
            q_max: Constant::new((Q as u64).into()),
        }
    }
}

impl<const K: usize, const Q: usize> Logic for TxPlanQueue<K, Q> {
    #[hdl_gen]
    fn update(&mut self) {
        self.q_udp_csum.clock.next = self.clock.val();
        self.q_udp_csum.rst.next = self.rst.val();
        self.q_udp_csum.push.next = self.s_plan.valid.val();
        self.q_udp_csum.pop.next = self.m_plan.ready.val();
        self.q_udp_csum.din.next = self.s_plan.udp_csum.val();
        self.m_plan.udp_csum.next = self.q_udp_csum.dout.val();
        self.q_ip_csum.clock.next = self.clock.val();
        self.q_ip_csum.rst.next = self.rst.val();
        self.q_ip_csum.push.next = self.s_plan.valid.val();
        self.q_ip_csum.pop.next = self.m_plan.ready.val();
        self.q_ip_csum.din.next = self.s_plan.ip_csum.val();
        self.m_plan.ip_csum.next = self.q_ip_csum.dout.val();
        self.q_udp_len.clock.next = self.clock.val();
        self.q_udp_len.rst.next = self.rst.val();
        self.q_udp_len.push.next = self.s_plan.valid.val();
        self.q_udp_len.pop.next = self.m_plan.ready.val();
        self.q_udp_len.din.next = self.s_plan.udp_len.val();
        self.m_plan.udp_len.next = self.q_udp_len.dout.val();
        self.q_ip_len.clock.next = self.clock.val();
        self.q_ip_len.rst.next = self.rst.val();
        self.q_ip_len.push.next = self.s_plan.valid.val();
        self.q_ip_len.pop.next = self.m_plan.ready.val();
        self.q_ip_len.din.next = self.s_plan.ip_len.val();
        self.m_plan.ip_len.next = self.q_ip_len.dout.val();
        self.q_beats.clock.next = self.clock.val();
        self.q_beats.rst.next = self.rst.val();
        self.q_beats.push.next = self.s_plan.valid.val();
        self.q_beats.pop.next = self.m_plan.ready.val();
        self.q_beats.din.next = self.s_plan.beats.val();
        self.m_plan.beats.next = self.q_beats.dout.val();
        self.q_hdr_beats.clock.next = self.clock.val();
        self.q_hdr_beats.rst.next = self.rst.val();
        self.q_hdr_beats.push.next = self.s_plan.valid.val();
        self.q_hdr_beats.pop.next = self.m_plan.ready.val();
        self.q_hdr_beats.din.next = self.s_plan.hdr_beats.val();
        self.m_plan.hdr_beats.next = self.q_hdr_beats.dout.val();
        self.q_words.clock.next = self.clock.val();
        self.q_words.rst.next = self.rst.val();
        self.q_words.push.next = self.s_plan.valid.val();
        self.q_words.pop.next = self.m_plan.ready.val();
        self.q_words.din.next = self.s_plan.words.val();
        self.m_plan.words.next = self.q_words.dout.val();
        self.q_last_keep.clock.next = self.clock.val();
        self.q_last_keep.rst.next = self.rst.val();
        self.q_last_keep.push.next = self.s_plan.valid.val();
        self.q_last_keep.pop.next = self.m_plan.ready.val();
        self.q_last_keep.din.next = self.s_plan.last_keep.val();
        self.m_plan.last_keep.next = self.q_last_keep.dout.val();
        self.q_patch_beat_a.clock.next = self.clock.val();
        self.q_patch_beat_a.rst.next = self.rst.val();
        self.q_patch_beat_a.push.next = self.s_plan.valid.val();
        self.q_patch_beat_a.pop.next = self.m_plan.ready.val();
        self.q_patch_beat_a.din.next = self.s_plan.patch_beat_a.val();
        self.m_plan.patch_beat_a.next = self.q_patch_beat_a.dout.val();
        self.q_patch_beat_b.clock.next = self.clock.val();
        self.q_patch_beat_b.rst.next = self.rst.val();
        self.q_patch_beat_b.push.next = self.s_plan.valid.val();
        self.q_patch_beat_b.pop.next = self.m_plan.ready.val();
        self.q_patch_beat_b.din.next = self.s_plan.patch_beat_b.val();
        self.m_plan.patch_beat_b.next = self.q_patch_beat_b.dout.val();
        self.q_patch_first_a.clock.next = self.clock.val();
        self.q_patch_first_a.rst.next = self.rst.val();
        self.q_patch_first_a.push.next = self.s_plan.valid.val();
        self.q_patch_first_a.pop.next = self.m_plan.ready.val();
        self.q_patch_first_a.din.next = self.s_plan.patch_first_a.val();
        self.m_plan.patch_first_a.next = self.q_patch_first_a.dout.val();
        self.q_patch_first_b.clock.next = self.clock.val();
        self.q_patch_first_b.rst.next = self.rst.val();
        self.q_patch_first_b.push.next = self.s_plan.valid.val();
        self.q_patch_first_b.pop.next = self.m_plan.ready.val();
        self.q_patch_first_b.din.next = self.s_plan.patch_first_b.val();
        self.m_plan.patch_first_b.next = self.q_patch_first_b.dout.val();
        self.q_patch_bit_a.clock.next = self.clock.val();
        self.q_patch_bit_a.rst.next = self.rst.val();
        self.q_patch_bit_a.push.next = self.s_plan.valid.val();
        self.q_patch_bit_a.pop.next = self.m_plan.ready.val();
        self.q_patch_bit_a.din.next = self.s_plan.patch_bit_a.val();
        self.m_plan.patch_bit_a.next = self.q_patch_bit_a.dout.val();
        self.q_patch_bit_b.clock.next = self.clock.val();
        self.q_patch_bit_b.rst.next = self.rst.val();
        self.q_patch_bit_b.push.next = self.s_plan.valid.val();
        self.q_patch_bit_b.pop.next = self.m_plan.ready.val();
        self.q_patch_bit_b.din.next = self.s_plan.patch_bit_b.val();
        self.m_plan.patch_bit_b.next = self.q_patch_bit_b.dout.val();
        self.q_inner_csum.clock.next = self.clock.val();
        self.q_inner_csum.rst.next = self.rst.val();
        self.q_inner_csum.push.next = self.s_plan.valid.val();
        self.q_inner_csum.pop.next = self.m_plan.ready.val();
        self.q_inner_csum.din.next = self.s_plan.inner_csum.val();
        self.m_plan.inner_csum.next = self.q_inner_csum.dout.val();
        self.q_patch.clock.next = self.clock.val();
        self.q_patch.rst.next = self.rst.val();
        self.q_patch.push.next = self.s_plan.valid.val();
        self.q_patch.pop.next = self.m_plan.ready.val();
        self.q_patch.din.next = self.s_plan.patch.val();
        self.m_plan.patch.next = self.q_patch.dout.val();
        self.q_vxlan_flags.clock.next = self.clock.val();
        self.q_vxlan_flags.rst.next = self.rst.val();
        self.q_vxlan_flags.push.next = self.s_plan.valid.val();
        self.q_vxlan_flags.pop.next = self.m_plan.ready.val();
        self.q_vxlan_flags.din.next = self.s_plan.vxlan_flags.val();
        self.m_plan.vxlan_flags.next = self.q_vxlan_flags.dout.val();
        self.q_vni_low.clock.next = self.clock.val();
        self.q_vni_low.rst.next = self.rst.val();
        self.q_vni_low.push.next = self.s_plan.valid.val();
        self.q_vni_low.pop.next = self.m_plan.ready.val();
        self.q_vni_low.din.next = self.s_plan.vni_low.val();
        self.m_plan.vni_low.next = self.q_vni_low.dout.val();
        self.s_plan.ready.next = self.q_patch.count.val() != self.q_max.val();
        self.m_plan.valid.next = !self.q_patch.empty.val();
    }
}
