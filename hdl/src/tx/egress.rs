//! `TxEgress`: sends each finished frame as the outer header followed by the inner frame read
//! from the ring, shifted by the header's length within a beat, with the completed inner
//! checksum patched in; back to back, one beat per clock, `m_axis` from registers.
//!
//! * Slot (`s_*`): the next frame's header ([`TxHeader`], from its descriptor and plan, checksums
//!   placed) and the initial state of its beat counters, loaded from the two queues' heads
//!   when empty. The egress takes it with a frame's last beat, so frames of two beats or
//!   more follow each other with no idle beat.
//! * Egress (`e_*`): `hlen / K` header beats from the `e_h` shift register, then data beats
//!   `(word << 8r) | e_low` with `r = hlen % K` (`e_low` holds the current header word, then
//!   the previous word's high lanes). Everything the output depends on is a register: beat
//!   flags (`e_hdr`, `e_cons`, `e_last`) are computed for the next beat at each fire, and a
//!   patched frame's two bytes come from per-beat masks (`e_pm`, `e_pv`).
//! * Ring reads are prefetched (`ra`, up to the ingress's `commit`) into a [`RegFifo`] of
//!   [`PREFETCH`] words; the ring's read data comes from the block RAM's output register.
//! * Output: an [`AxisSlice`], so `tready` steers only the slice; the egress advances while
//!   the slice is ready (its skid entry is free).
//!
//! `rst` (synchronous, active high) empties the slot, returns the egress to `Idle` with its beat
//! flags and counters at 0, the prefetch pointer, reads in flight, FIFO, output slice and
//! `frames_out` to 0; the header, masks and beat registers (data) are not reset.

use super::desc::TxDescSink;
use super::header::TxHeader;
use super::plan::TxPlanSink;
use crate::axis_slice::AxisSlice;
use crate::headers::{outer_header_len, MAX_OUTER_HEADER_LEN};
use crate::reg_fifo::RegFifo;
use crate::stream::AxisSource;
use rust_hdl::prelude::*;

/// Ring words queued or in flight: the read latency (two clocks) plus the word being popped,
/// so one pop a clock never finds the queue empty.
const PREFETCH: usize = 4;
// the issue rule in `update` tests the count's two low bits
const _: () = assert!(PREFETCH == 4);

#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum OutState {
    Idle,
    Send,
}

#[derive(LogicBlock)]
pub struct TxEgress<const W: usize, const K: usize, const A: usize, const HB: usize> {
    pub clock: Signal<In, Clock>,
    /// synchronous reset, active high: see the module doc
    pub rst: Signal<In, Bit>,
    /// the fields queue's head (the descriptor of the next frame to send)
    pub fields: TxDescSink,
    /// the plan queue's head
    pub plan: TxPlanSink<K>,
    /// a frame was taken from the queues (its credit returns)
    pub taken: Signal<Out, Bit>,
    /// the ring: words before `commit` may be read; `rd_ptr` is the next word to read
    pub commit: Signal<In, Bits<16>>,
    pub rd_ptr: Signal<Out, Bits<16>>,
    pub rd_address: Signal<Out, Bits<A>>,
    pub rd_data: Signal<In, Bits<W>>,
    pub m_axis: AxisSource<W, K>,
    pub frames_out: Signal<Out, Bits<32>>,
    // parameters: realignment shifts (8 * hlen % K, 8 * (K - hlen % K)) for v4, v4+vlan,
    // v6, v6+vlan
    w_bits: Constant<Bits<16>>,
    shl_v4: Constant<Bits<16>>,
    shr_v4: Constant<Bits<16>>,
    shl_v4t: Constant<Bits<16>>,
    shr_v4t: Constant<Bits<16>>,
    shl_v6: Constant<Bits<16>>,
    shr_v6: Constant<Bits<16>>,
    shl_v6t: Constant<Bits<16>>,
    shr_v6t: Constant<Bits<16>>,
    ones: Constant<Bits<K>>,
    /// keeps a bit offset's lane-select bits only, so each mask bit is a small function of
    /// the lane (a full 16-bit shift amount would make it a barrel shifter)
    lane_bits: Constant<Bits<16>>,
    /// count bits at or above `PREFETCH`
    count_high: Constant<Bits<8>>,
    /// the header of the frame at the queues' head
    header: TxHeader<HB>,
    ma: Signal<Local, Bits<W>>,
    mb: Signal<Local, Bits<W>>,
    va: Signal<Local, Bits<W>>,
    vb: Signal<Local, Bits<W>>,
    // ---- slot
    load: Signal<Local, Bit>,
    take: Signal<Local, Bit>,
    /// `take` and `fire`, each computed a clock ahead from the next values of the flags they
    /// depend on: both fan out to every `e_*` register, so they leave flip-flops directly
    take_r: DFF<Bit>,
    fire_r: DFF<Bit>,
    s_full: DFF<Bit>,
    s_h: DFF<Bits<HB>>,
    s_nh: DFF<Bits<16>>,
    s_hdr0: DFF<Bit>,
    s_words: DFF<Bits<16>>,
    s_cons0: DFF<Bit>,
    s_nbeats: DFF<Bits<16>>,
    s_last0: DFF<Bit>,
    s_pen0: DFF<Bit>,
    s_ca: DFF<Bits<16>>,
    s_cb: DFF<Bits<16>>,
    s_a1: DFF<Bit>,
    s_b1: DFF<Bit>,
    s_ma: DFF<Bits<W>>,
    s_mb: DFF<Bits<W>>,
    s_va: DFF<Bits<W>>,
    s_vb: DFF<Bits<W>>,
    s_pm0: DFF<Bits<W>>,
    s_pv0: DFF<Bits<W>>,
    s_lastkeep: DFF<Bits<K>>,
    s_v6: DFF<Bit>,
    s_vlan: DFF<Bit>,
    // ---- egress: state of the beat on the bus
    e_state: DFF<OutState>,
    /// sending a beat that is not its frame's last: the slot waits (a flip-flop of its own,
    /// so the take, which fans out to every `e_*` register, is one LUT from flip-flops)
    e_mid: DFF<Bit>,
    e_h: DFF<Bits<HB>>,
    e_low: DFF<Bits<W>>,
    e_hleft: DFF<Bits<16>>,
    e_hdr: DFF<Bit>,
    e_words: DFF<Bits<16>>,
    e_cons: DFF<Bit>,
    e_bleft: DFF<Bits<16>>,
    e_last: DFF<Bit>,
    /// the beat after this one is the last (`e_bleft == 2`, a flip-flop so that `e_mid` and
    /// `e_last` load without a 16-bit compare behind the take)
    e_pen: DFF<Bit>,
    e_ca: DFF<Bits<16>>,
    e_cb: DFF<Bits<16>>,
    /// the next beat holds the first / second patched byte (`e_ca == 1`, `e_cb == 1`, kept
    /// as flip-flops so the patch masks' select is not a 16-bit compare)
    e_a1: DFF<Bit>,
    e_b1: DFF<Bit>,
    e_ma: DFF<Bits<W>>,
    e_mb: DFF<Bits<W>>,
    e_va: DFF<Bits<W>>,
    e_vb: DFF<Bits<W>>,
    e_pm: DFF<Bits<W>>,
    e_pv: DFF<Bits<W>>,
    e_lastkeep: DFF<Bits<K>>,
    e_v6: DFF<Bit>,
    e_vlan: DFF<Bit>,
    // ---- ring prefetch: reads of committed words into a queue
    ra: DFF<Bits<16>>,
    /// a read was issued last clock / two clocks ago (its word arrives now)
    q_inflight: DFF<Bit>,
    q_arrive: DFF<Bit>,
    prefetch: RegFifo<Bits<W>, PREFETCH>,
    q_count: Signal<Local, Bits<8>>,
    issue: Signal<Local, Bit>,
    pop: Signal<Local, Bit>,
    word: Signal<Local, Bits<W>>,
    fire: Signal<Local, Bit>,
    // ---- output
    out: AxisSlice<W, K, 1>,
    b_data: Signal<Local, Bits<W>>,
    b_keep: Signal<Local, Bits<K>>,
    hdr_n: Signal<Local, Bit>,
    cur_shl: Signal<Local, Bits<W>>,
    cur_shr: Signal<Local, Bits<W>>,
    beat: Signal<Local, Bits<W>>,
    cnt_out: DFF<Bits<32>>,
}

impl<const W: usize, const K: usize, const A: usize, const HB: usize> Default for TxEgress<W, K, A, HB> {
    fn default() -> Self {
        assert!(K * 8 == W && K.is_power_of_two());
        assert!(HB % W == 0 && HB >= 8 * MAX_OUTER_HEADER_LEN && HB >= 2 * W, "header register size");
        let c16 = |v: usize| Constant::new((v as u64).into());
        let sh = |h: usize| (c16(8 * (h % K)), c16(8 * (K - h % K)));
        let (shl_v4, shr_v4) = sh(outer_header_len(false, false));
        let (shl_v4t, shr_v4t) = sh(outer_header_len(false, true));
        let (shl_v6, shr_v6) = sh(outer_header_len(true, false));
        let (shl_v6t, shr_v6t) = sh(outer_header_len(true, true));
        Self {
            clock: Default::default(),
            rst: Default::default(),
            fields: Default::default(),
            plan: Default::default(),
            taken: Default::default(),
            commit: Default::default(),
            rd_ptr: Default::default(),
            rd_address: Default::default(),
            rd_data: Default::default(),
            m_axis: Default::default(),
            frames_out: Default::default(),
            w_bits: c16(W),
            shl_v4,
            shr_v4,
            shl_v4t,
            shr_v4t,
            shl_v6,
            shr_v6,
            shl_v6t,
            shr_v6t,
            ones: Constant::new(Bits::<K>::mask()),
            lane_bits: c16((W - 1) & !7),
            count_high: Constant::new((0xFF & !(PREFETCH as u64 - 1)).into()),
            header: Default::default(),
            ma: Default::default(),
            mb: Default::default(),
            va: Default::default(),
            vb: Default::default(),
            load: Default::default(),
            take: Default::default(),
            s_full: Default::default(),
            s_h: Default::default(),
            s_nh: Default::default(),
            s_hdr0: Default::default(),
            s_words: Default::default(),
            s_cons0: Default::default(),
            s_nbeats: Default::default(),
            s_last0: Default::default(),
            s_pen0: Default::default(),
            s_ca: Default::default(),
            s_cb: Default::default(),
            s_a1: Default::default(),
            s_b1: Default::default(),
            s_ma: Default::default(),
            s_mb: Default::default(),
            s_va: Default::default(),
            s_vb: Default::default(),
            s_pm0: Default::default(),
            s_pv0: Default::default(),
            s_lastkeep: Default::default(),
            s_v6: Default::default(),
            s_vlan: Default::default(),
            e_state: Default::default(),
            e_mid: Default::default(),
            e_h: Default::default(),
            e_low: Default::default(),
            e_hleft: Default::default(),
            e_hdr: Default::default(),
            e_words: Default::default(),
            e_cons: Default::default(),
            e_bleft: Default::default(),
            e_last: Default::default(),
            e_pen: Default::default(),
            e_ca: Default::default(),
            e_cb: Default::default(),
            e_a1: Default::default(),
            e_b1: Default::default(),
            e_ma: Default::default(),
            e_mb: Default::default(),
            e_va: Default::default(),
            e_vb: Default::default(),
            e_pm: Default::default(),
            e_pv: Default::default(),
            e_lastkeep: Default::default(),
            e_v6: Default::default(),
            e_vlan: Default::default(),
            ra: Default::default(),
            q_inflight: Default::default(),
            q_arrive: Default::default(),
            prefetch: RegFifo::new(),
            q_count: Default::default(),
            issue: Default::default(),
            pop: Default::default(),
            word: Default::default(),
            fire: Default::default(),
            out: Default::default(),
            b_data: Default::default(),
            b_keep: Default::default(),
            hdr_n: Default::default(),
            cur_shl: Default::default(),
            cur_shr: Default::default(),
            beat: Default::default(),
            cnt_out: Default::default(),
            take_r: Default::default(),
            fire_r: Default::default(),
        }
    }
}

impl<const W: usize, const K: usize, const A: usize, const HB: usize> Logic for TxEgress<W, K, A, HB> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, s_full, s_h, s_nh, s_hdr0, s_words, s_cons0, s_nbeats, s_last0, s_pen0, s_ca, s_cb, s_a1, s_b1,
            s_ma, s_mb, s_va, s_vb, s_pm0, s_pv0, s_lastkeep, s_v6, s_vlan, e_state, e_mid, e_h, e_low,
            e_hleft, e_hdr, e_words, e_cons, e_bleft, e_last, e_pen, e_ca, e_cb, e_a1, e_b1, e_ma, e_mb, e_va, e_vb,
            e_pm, e_pv, e_lastkeep, e_v6, e_vlan, ra, q_inflight, q_arrive, cnt_out, take_r, fire_r
        );
        self.prefetch.clock.next = self.clock.val();
        self.prefetch.rst.next = self.rst.val();
        self.out.clock.next = self.clock.val();
        self.out.rst.next = self.rst.val();

        // ================= the header of the frame at the queues' head
        self.header.dst_mac.next = self.fields.dst_mac.val();
        self.header.src_mac.next = self.fields.src_mac.val();
        self.header.vlan.next = self.fields.vlan.val();
        self.header.vlan_tci.next = self.fields.vlan_tci.val();
        self.header.ipv6.next = self.fields.ipv6.val();
        self.header.src_ip.next = self.fields.src_ip.val();
        self.header.dst_ip.next = self.fields.dst_ip.val();
        self.header.udp_sport.next = self.fields.udp_sport.val();
        self.header.udp_dport.next = self.fields.udp_dport.val();
        self.header.ttl.next = self.fields.ttl.val();
        self.header.ip_id.next = self.fields.ip_id.val();
        self.header.flow_label.next = self.fields.flow_label.val();
        self.header.vni.next = self.fields.vni.val();
        self.header.udp_len.next = self.plan.udp_len.val();
        self.header.udp_csum.next = self.plan.udp_csum.val();
        self.header.ip_len.next = self.plan.ip_len.val();
        self.header.ip_csum.next = self.plan.ip_csum.val();
        self.header.vxlan_flags.next = self.plan.vxlan_flags.val();
        self.header.vni_low.next = self.plan.vni_low.val();
        // the patched bytes' masks and values in their beats
        self.ma.next = 0.into();
        self.mb.next = 0.into();
        self.va.next = 0.into();
        self.vb.next = 0.into();
        if self.plan.patch.val() {
            self.ma.next = bit_cast::<W, 8>(0xFF.into())
                << (self.plan.patch_bit_a.val() & self.lane_bits.val());
            self.mb.next = bit_cast::<W, 8>(0xFF.into())
                << (self.plan.patch_bit_b.val() & self.lane_bits.val());
            self.va.next = bit_cast::<W, 16>(self.plan.inner_csum.val() >> 8)
                << (self.plan.patch_bit_a.val() & self.lane_bits.val());
            self.vb.next = bit_cast::<W, 16>(self.plan.inner_csum.val() & 0xFF)
                << (self.plan.patch_bit_b.val() & self.lane_bits.val());
        }

        // ================= slot
        // a beat leaves the egress into the output slice when the slice is ready; an idle
        // egress, or one sending its last beat, takes the slot (both registered: see the end);
        // an empty slot loads from the queues (a clock after a take: an output frame of two
        // beats or more leaves no gap, and the queues' pops do not wait for m_axis)
        self.fire.next = self.fire_r.q.val();
        self.take.next = self.take_r.q.val();
        self.load.next = self.plan.valid.val() && !self.s_full.q.val();
        self.plan.ready.next = self.load.val();
        self.fields.ready.next = self.load.val();
        self.taken.next = self.load.val();
        if self.take.val() {
            self.s_full.d.next = false;
        }
        if self.load.val() {
            self.s_full.d.next = true;
            self.s_h.d.next = self.header.hdr.val();
            self.s_nh.d.next = self.plan.hdr_beats.val();
            self.s_hdr0.d.next = self.plan.hdr_beats.val().any();
            self.s_words.d.next = self.plan.words.val();
            self.s_cons0.d.next = !self.plan.hdr_beats.val().any() && self.plan.words.val().any();
            self.s_nbeats.d.next = self.plan.beats.val();
            self.s_last0.d.next = self.plan.beats.val() == 1;
            self.s_pen0.d.next = self.plan.beats.val() == 2;
            self.s_ca.d.next = self.plan.patch_beat_a.val();
            self.s_cb.d.next = self.plan.patch_beat_b.val();
            self.s_a1.d.next = self.plan.patch_beat_a.val() == 1;
            self.s_b1.d.next = self.plan.patch_beat_b.val() == 1;
            self.s_ma.d.next = self.ma.val();
            self.s_mb.d.next = self.mb.val();
            self.s_va.d.next = self.va.val();
            self.s_vb.d.next = self.vb.val();
            // the first beat's patch here, so the take's fan-out only selects it
            self.s_pm0.d.next = 0.into();
            self.s_pv0.d.next = 0.into();
            if self.plan.patch_first_b.val() {
                // (b's beat is never before a's)
                self.s_pm0.d.next = self.ma.val() | self.mb.val();
                self.s_pv0.d.next = self.va.val() | self.vb.val();
            } else if self.plan.patch_first_a.val() {
                self.s_pm0.d.next = self.ma.val();
                self.s_pv0.d.next = self.va.val();
            }
            self.s_lastkeep.d.next = self.plan.last_keep.val();
            self.s_v6.d.next = self.fields.ipv6.val();
            self.s_vlan.d.next = self.fields.vlan.val();
        }

        // ================= egress
        // data beats: this word's lanes above the carry (the previous word's high lanes,
        // or for the first data beat the header's last hlen % K bytes), all in e_low
        self.word.next = self.prefetch.dout.val();
        self.cur_shl.next = 0.into();
        self.cur_shr.next = 0.into();
        if self.e_v6.q.val() && self.e_vlan.q.val() {
            self.cur_shl.next = self.word.val() << self.shl_v6t.val();
            self.cur_shr.next = self.word.val() >> self.shr_v6t.val();
        } else if self.e_v6.q.val() {
            self.cur_shl.next = self.word.val() << self.shl_v6.val();
            self.cur_shr.next = self.word.val() >> self.shr_v6.val();
        } else if self.e_vlan.q.val() {
            self.cur_shl.next = self.word.val() << self.shl_v4t.val();
            self.cur_shr.next = self.word.val() >> self.shr_v4t.val();
        } else {
            self.cur_shl.next = self.word.val() << self.shl_v4.val();
            self.cur_shr.next = self.word.val() >> self.shr_v4.val();
        }
        self.beat.next = self.e_low.q.val();
        if self.e_cons.q.val() {
            self.beat.next = self.cur_shl.val() | self.e_low.q.val();
        }
        // a patched frame: the completed inner checksum replaces the field
        self.b_data.next = (self.beat.val() & !self.e_pm.q.val()) | self.e_pv.q.val();
        self.b_keep.next = self.ones.val();
        if self.e_last.q.val() {
            self.b_keep.next = self.e_lastkeep.q.val();
        }
        self.out.s_axis.tvalid.next = self.e_state.q.val() == OutState::Send;
        self.out.s_axis.tdata.next = self.b_data.val();
        self.out.s_axis.tkeep.next = self.b_keep.val();
        self.out.s_axis.tlast.next = self.e_last.q.val();
        self.out.s_axis.tuser.next = false;
        self.out.s_side.next = 0.into();
        self.m_axis.tvalid.next = self.out.m_axis.tvalid.val();
        self.m_axis.tdata.next = self.out.m_axis.tdata.val();
        self.m_axis.tkeep.next = self.out.m_axis.tkeep.val();
        self.m_axis.tlast.next = self.out.m_axis.tlast.val();
        self.m_axis.tuser.next = false;
        self.out.m_axis.tready.next = self.m_axis.tready.val();
        // a frame counts as sent when its last beat leaves on m_axis
        if self.out.m_axis.tvalid.val() && self.m_axis.tready.val() && self.out.m_axis.tlast.val() {
            self.cnt_out.d.next = self.cnt_out.q.val() + 1;
        }
        self.frames_out.next = self.cnt_out.q.val();

        // ring prefetch: the read at `ra` issued in clock t is in rd_data (the block RAM's
        // output register) in t+2 and in the queue from t+3; a read is issued while the
        // words queued and in flight leave a place for it
        self.rd_address.next = bit_cast::<A, 16>(self.ra.q.val());
        self.rd_ptr.next = self.ra.q.val();
        // (count + in flight < PREFETCH as bit tests: a sum and a compare were two carry
        // chains in front of `ra`)
        self.q_count.next = self.prefetch.count.val();
        self.issue.next = ((self.q_count.val() & self.count_high.val()) == 0)
            && (!self.q_count.val().get_bit(1)
                || (!self.q_count.val().get_bit(0) && !(self.q_inflight.q.val() && self.q_arrive.q.val()))
                || (self.q_count.val().get_bit(0) && !self.q_inflight.q.val() && !self.q_arrive.q.val()))
            && (self.ra.q.val() != self.commit.val());
        self.q_inflight.d.next = self.issue.val();
        self.q_arrive.d.next = self.q_inflight.q.val();
        if self.issue.val() {
            self.ra.d.next = self.ra.q.val() + 1;
        }
        self.prefetch.push.next = self.q_arrive.q.val();
        self.prefetch.din.next = self.rd_data.val();
        self.pop.next = self.fire.val() && self.e_cons.q.val();
        self.prefetch.pop.next = self.pop.val();
        // flags of the next beat, from registers only
        self.hdr_n.next = self.e_hdr.q.val() && (self.e_hleft.q.val() != 1);
        if self.fire.val() {
            if self.e_hdr.q.val() {
                self.e_h.d.next = self.e_h.q.val() >> self.w_bits.val();
                self.e_low.d.next = bit_cast::<W, HB>(self.e_h.q.val() >> self.w_bits.val());
                self.e_hleft.d.next = self.e_hleft.q.val() - 1;
            } else if self.e_cons.q.val() {
                self.e_low.d.next = self.cur_shr.val();
            } else {
                self.e_low.d.next = 0.into();
            }
            self.e_hdr.d.next = self.hdr_n.val();
            if self.e_cons.q.val() {
                self.e_words.d.next = self.e_words.q.val() - 1;
                self.e_cons.d.next = !self.hdr_n.val() && (self.e_words.q.val() != 1);
            } else {
                self.e_cons.d.next = !self.hdr_n.val() && self.e_words.q.val().any();
            }
            self.e_bleft.d.next = self.e_bleft.q.val() - 1;
            self.e_last.d.next = self.e_pen.q.val();
            self.e_pen.d.next = self.e_bleft.q.val() == 3;
            self.e_mid.d.next = !self.e_last.q.val() && !self.e_pen.q.val();
            self.e_ca.d.next = self.e_ca.q.val() - 1;
            self.e_cb.d.next = self.e_cb.q.val() - 1;
            self.e_a1.d.next = self.e_ca.q.val() == 2;
            self.e_b1.d.next = self.e_cb.q.val() == 2;
            self.e_pm.d.next = 0.into();
            self.e_pv.d.next = 0.into();
            if self.e_a1.q.val() && self.e_b1.q.val() {
                self.e_pm.d.next = self.e_ma.q.val() | self.e_mb.q.val();
                self.e_pv.d.next = self.e_va.q.val() | self.e_vb.q.val();
            } else if self.e_a1.q.val() {
                self.e_pm.d.next = self.e_ma.q.val();
                self.e_pv.d.next = self.e_va.q.val();
            } else if self.e_b1.q.val() {
                self.e_pm.d.next = self.e_mb.q.val();
                self.e_pv.d.next = self.e_vb.q.val();
            }
            if self.e_last.q.val() {
                self.e_state.d.next = OutState::Idle;
            }
        }
        if self.take.val() {
            self.e_h.d.next = self.s_h.q.val();
            self.e_low.d.next = bit_cast::<W, HB>(self.s_h.q.val());
            self.e_hleft.d.next = self.s_nh.q.val();
            self.e_hdr.d.next = self.s_hdr0.q.val();
            self.e_words.d.next = self.s_words.q.val();
            self.e_cons.d.next = self.s_cons0.q.val();
            self.e_bleft.d.next = self.s_nbeats.q.val();
            self.e_last.d.next = self.s_last0.q.val();
            self.e_pen.d.next = self.s_pen0.q.val();
            self.e_mid.d.next = !self.s_last0.q.val();
            self.e_ca.d.next = self.s_ca.q.val();
            self.e_cb.d.next = self.s_cb.q.val();
            self.e_a1.d.next = self.s_a1.q.val();
            self.e_b1.d.next = self.s_b1.q.val();
            self.e_ma.d.next = self.s_ma.q.val();
            self.e_mb.d.next = self.s_mb.q.val();
            self.e_va.d.next = self.s_va.q.val();
            self.e_vb.d.next = self.s_vb.q.val();
            self.e_pm.d.next = self.s_pm0.q.val();
            self.e_pv.d.next = self.s_pv0.q.val();
            self.e_lastkeep.d.next = self.s_lastkeep.q.val();
            self.e_v6.d.next = self.s_v6.q.val();
            self.e_vlan.d.next = self.s_vlan.q.val();
            self.e_state.d.next = OutState::Send;
        }
        // next clock's fire and take from the same rules on next clock's flags
        self.fire_r.d.next = (self.e_state.d.val() == OutState::Send) && self.out.s_tready_next.val();
        self.take_r.d.next = self.s_full.d.val()
            && !self.e_mid.d.val()
            && ((self.e_state.d.val() == OutState::Idle) || self.out.s_tready_next.val());
        // reset: the slot's full flag, the egress state, its beat flags and counters, the
        // registered take/fire, the prefetch pointer and reads in flight, the frame counter
        // (the prefetch FIFO and the output slice reset themselves)
        if self.rst.val() {
            self.take_r.d.next = false;
            self.fire_r.d.next = false;
            self.s_full.d.next = false;
            self.e_state.d.next = OutState::Idle;
            self.e_mid.d.next = false;
            self.e_hdr.d.next = false;
            self.e_cons.d.next = false;
            self.e_last.d.next = false;
            self.e_pen.d.next = false;
            self.e_a1.d.next = false;
            self.e_b1.d.next = false;
            self.e_hleft.d.next = 0.into();
            self.e_words.d.next = 0.into();
            self.e_bleft.d.next = 0.into();
            self.e_ca.d.next = 0.into();
            self.e_cb.d.next = 0.into();
            self.ra.d.next = 0.into();
            self.q_inflight.d.next = false;
            self.q_arrive.d.next = false;
            self.cnt_out.d.next = 0.into();
        }
    }
}
