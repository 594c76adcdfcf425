//! `TxIngress`: takes host frames at one beat per clock, back to back, each with its
//! descriptor on the frame's first beat; writes every frame into the ring and sums it, and
//! decides per frame whether it is sent or dropped (a counted drop with its reason).
//!
//! # Pipeline
//! ```text
//!  s_axis --accept--> [y: beat, position] --> [z: length checks] --> [w: ring write, decision]
//!                          |
//!                          +--> CsumEngine x2 (inner from csum_start, all) --> sum_valid / sum / csum_inner
//! ```
//! * Accept: `tready` and `desc_ready` come from registers (`room`, `in_frame`) and the
//!   top's `credit_ok`; the first beat of a frame goes in only together with its
//!   descriptor (`desc_take`), so there is no idle clock between frames.
//! * y (the beat taken a clock ago): the frame's byte position, the buffer stop, the sticky
//!   tkeep-contract flag, and whether the beat holds the inner checksum field's first byte
//!   (a compare of the position, registered). The descriptor fields used here (`d_*`) still
//!   belong to this beat's frame: the next frame's descriptor is loaded at the earliest with
//!   the beat after this one.
//! * z: the frame's length and its compares (each one carry chain), registered as the
//!   frame's fate and drop reason; the two original bytes of the inner checksum field are
//!   picked from the beat by the flags y registered, so no compare sits before the byte mux.
//! * w: the beat is written at `wr_ptr`; a frame's last beat decides it. A drop rewinds
//!   `wr_ptr` to the frame's first word before the next frame's first beat reaches w, so
//!   the ring holds good frames only, and `commit` (the end of the last good frame) is what
//!   the egress may read up to.
//! * Every decided frame, good or dropped, leaves a record (`dec_*`) a clock later, in frame
//!   order: the engines' pulses, one per frame, are matched to these records downstream.
//!
//! A drop is counted exactly [`DROP_LATENCY`] clocks after the frame's last beat was taken.
//!
//! # Errors (golden `TxError` order), each a counted drop
//! `drop_bad_keep` first (a beat broke the packed-stream contract: `tkeep` not all ones
//! before the last beat, or the last beat's lanes not contiguous from lane 0 or empty; a lone
//! null beat is the empty frame, `drop_truncated`); then `drop_truncated` (< 14 bytes),
//! `drop_too_long` (> `max_frame`; the beats past the buffer are taken, not stored),
//! `drop_bad_desc` (partial with the checksum field outside the frame).
//!
//! `rst` (synchronous, active high) resets the accept state, every stage's valid/last/store
//! flag, the frame's position and sticky flags, the ring pointers (`wr_ptr`, `frame_ptr`,
//! `commit`), both engines and the drop counters; beat data, descriptor fields and the field
//! bytes (data) are not reset.

use super::{NUM_TX_DROP_REASONS, TX_DROP_BAD_DESC, TX_DROP_BAD_KEEP, TX_DROP_TOO_LONG, TX_DROP_TRUNCATED};
use crate::csum_engine::CsumEngine;
use crate::drop_counters::DropCounters;
use crate::keep_check::KeepCheck;
use crate::stream::AxisSink;
use rust_hdl::prelude::*;

/// Clocks from taking a frame's last beat to its drop counter's increment.
pub const DROP_LATENCY: usize = 3;

/// Ring words kept free for the beats taken but not yet written (y, z, w) and the
/// registered `room` flag.
const RING_MARGIN: usize = 6;

#[derive(LogicBlock)]
pub struct TxIngress<const W: usize, const K: usize, const N: usize, const A: usize> {
    pub clock: Signal<In, Clock>,
    /// synchronous reset, active high: see the module doc
    pub rst: Signal<In, Bit>,
    pub s_axis: AxisSink<W, K>,
    /// descriptor handshake (the fields go from the port to the descriptor queue)
    pub desc_valid: Signal<In, Bit>,
    pub desc_ready: Signal<Out, Bit>,
    pub desc_partial: Signal<In, Bit>,
    pub desc_csum_start: Signal<In, Bits<16>>,
    pub desc_csum_offset: Signal<In, Bits<16>>,
    /// a descriptor is taken (push it into the queue)
    pub desc_take: Signal<Out, Bit>,
    /// the downstream has room for one more frame (registered by the top)
    pub credit_ok: Signal<In, Bit>,
    /// the ring's read pointer: words before it are free
    pub rd_ptr: Signal<In, Bits<16>>,
    pub wr_enable: Signal<Out, Bit>,
    pub wr_address: Signal<Out, Bits<A>>,
    pub wr_data: Signal<Out, Bits<W>>,
    /// end of the last good frame in the ring
    pub commit: Signal<Out, Bits<16>>,
    /// a frame's record: dropped or not, its length, the two original bytes of its inner
    /// checksum field (first byte high)
    pub dec_valid: Signal<Out, Bit>,
    pub dec_drop: Signal<Out, Bit>,
    pub dec_len: Signal<Out, Bits<16>>,
    pub dec_old: Signal<Out, Bits<16>>,
    /// the engines' pulse (one per frame, dropped ones too) and sums
    pub sum_valid: Signal<Out, Bit>,
    /// `fold(csum_partial(frame))`, big-endian
    pub sum_all: Signal<Out, Bits<16>>,
    /// `csum_fold` of the sum from `csum_start`
    pub csum_inner: Signal<Out, Bits<16>>,
    pub drop_truncated: Signal<Out, Bits<32>>,
    pub drop_too_long: Signal<Out, Bits<32>>,
    pub drop_bad_desc: Signal<Out, Bits<32>>,
    pub drop_bad_keep: Signal<Out, Bits<32>>,
    // parameters
    max_frame: Constant<Bits<16>>,
    max_last: Constant<Bits<16>>,
    room_max: Constant<Bits<16>>,
    beat_bytes: Constant<Bits<16>>,
    lane_mask: Constant<Bits<16>>,
    beat_mask: Constant<Bits<16>>,
    eng_inner: CsumEngine<W, K, N>,
    eng_all: CsumEngine<W, K, N>,
    // ---- accept
    in_frame: DFF<Bit>,
    room: DFF<Bit>,
    /// the write pointer at which `room` falls: the reader's pointer a clock old plus the
    /// limit, so `room` is one subtraction's sign (a clock late is on the safe side: the
    /// reader only frees)
    room_ptr: DFF<Bits<16>>,
    /// the write pointer less `room_ptr`: negative while there is room
    room_gap: Signal<Local, Bits<16>>,
    accept: Signal<Local, Bit>,
    take: Signal<Local, Bit>,
    d_partial: DFF<Bit>,
    d_start: DFF<Bits<16>>,
    d_field: DFF<Bits<16>>,
    keep_check: KeepCheck<K>,
    t_kbad: Signal<Local, Bit>,
    // ---- y
    y_valid: DFF<Bit>,
    y_data: DFF<Bits<W>>,
    y_keep: DFF<Bits<K>>,
    y_last: DFF<Bit>,
    /// bytes in the beat
    y_cnt: DFF<Bits<16>>,
    y_kbad: DFF<Bit>,
    /// the frame so far: bytes before this beat, buffer full, tkeep broken, byte a's beat
    /// was the previous one
    f_pos: DFF<Bits<16>>,
    f_stop: DFF<Bit>,
    f_bk: DFF<Bit>,
    lane_a: Signal<Local, Bits<16>>,
    // ---- z
    z_valid: DFF<Bit>,
    z_store: DFF<Bit>,
    z_data: DFF<Bits<W>>,
    z_last: DFF<Bit>,
    z_len: DFF<Bits<16>>,
    z_over: DFF<Bit>,
    z_bk: DFF<Bit>,
    z_partial: DFF<Bit>,
    z_field_end: DFF<Bits<17>>,
    /// the field's first byte (a) is in this beat, at lane `z_lane_a`; `z_a_at_end`: a is at
    /// the last lane, so its second byte (b) is in the next beat
    z_hit_a: DFF<Bit>,
    z_lane_a: DFF<Bits<16>>,
    z_a_at_end: DFF<Bit>,
    /// byte a was in the frame's previous beat
    f_prev_a: DFF<Bit>,
    f_old_hi: DFF<Bits<8>>,
    f_old_lo: DFF<Bits<8>>,
    lane_b: Signal<Local, Bits<16>>,
    hit_b: Signal<Local, Bit>,
    old_hi: Signal<Local, Bits<8>>,
    old_lo: Signal<Local, Bits<8>>,
    wr_ptr: DFF<Bits<16>>,
    /// the first word of the frame now in z
    frame_ptr: DFF<Bits<16>>,
    commit_ptr: DFF<Bits<16>>,
    len_lt14: Signal<Local, Bit>,
    len_gtmax: Signal<Local, Bit>,
    field_past_end: Signal<Local, Bit>,
    // ---- w
    w_valid: DFF<Bit>,
    w_store: DFF<Bit>,
    w_data: DFF<Bits<W>>,
    w_last: DFF<Bit>,
    w_len: DFF<Bits<16>>,
    w_old: DFF<Bits<16>>,
    /// the frame's fate (meaningful on its last beat); the reason goes to `counters`
    w_drop: DFF<Bit>,
    drop_now: Signal<Local, Bit>,
    drop_reason: Signal<Local, Bits<4>>,
    decide: Signal<Local, Bit>,
    r_valid: DFF<Bit>,
    r_drop: DFF<Bit>,
    r_len: DFF<Bits<16>>,
    r_old: DFF<Bits<16>>,
    code_truncated: Constant<Bits<4>>,
    code_too_long: Constant<Bits<4>>,
    code_bad_desc: Constant<Bits<4>>,
    code_bad_keep: Constant<Bits<4>>,
    counters: DropCounters<NUM_TX_DROP_REASONS>,
}

impl<const W: usize, const K: usize, const N: usize, const A: usize> TxIngress<W, K, N, A> {
    /// `max_frame`: the longest inner frame sent; the ring of `2^A` words must hold two.
    pub fn new(max_frame: usize) -> Self {
        assert!(K * 8 == W && N * 16 == W && K.is_power_of_two());
        assert!((14..=0xFFFF - 60).contains(&max_frame), "max_frame out of range");
        let max_words = max_frame.div_ceil(K);
        assert!(A < 16 && (1usize << A) >= 2 * max_words + RING_MARGIN, "ring of 2^A words must hold two max frames");
        let c16 = |v: usize| Constant::new((v as u64).into());
        Self {
            clock: Default::default(),
            rst: Default::default(),
            s_axis: Default::default(),
            desc_valid: Default::default(),
            desc_ready: Default::default(),
            desc_partial: Default::default(),
            desc_csum_start: Default::default(),
            desc_csum_offset: Default::default(),
            desc_take: Default::default(),
            credit_ok: Default::default(),
            rd_ptr: Default::default(),
            wr_enable: Default::default(),
            wr_address: Default::default(),
            wr_data: Default::default(),
            commit: Default::default(),
            dec_valid: Default::default(),
            dec_drop: Default::default(),
            dec_len: Default::default(),
            dec_old: Default::default(),
            sum_valid: Default::default(),
            sum_all: Default::default(),
            csum_inner: Default::default(),
            drop_truncated: Default::default(),
            drop_too_long: Default::default(),
            drop_bad_desc: Default::default(),
            drop_bad_keep: Default::default(),
            max_frame: c16(max_frame),
            max_last: c16(max_words * K - K),
            room_max: c16((1 << A) - RING_MARGIN),
            beat_bytes: c16(K),
            lane_mask: c16(K - 1),
            beat_mask: c16(0xFFFF & !(K - 1)),
            eng_inner: CsumEngine::new(),
            eng_all: CsumEngine::new(),
            in_frame: Default::default(),
            room: Default::default(),
            room_ptr: Default::default(),
            room_gap: Default::default(),
            accept: Default::default(),
            take: Default::default(),
            d_partial: Default::default(),
            d_start: Default::default(),
            d_field: Default::default(),
            keep_check: Default::default(),
            t_kbad: Default::default(),
            y_valid: Default::default(),
            y_data: Default::default(),
            y_keep: Default::default(),
            y_last: Default::default(),
            y_cnt: Default::default(),
            y_kbad: Default::default(),
            f_pos: Default::default(),
            f_stop: Default::default(),
            f_bk: Default::default(),
            lane_a: Default::default(),
            z_valid: Default::default(),
            z_store: Default::default(),
            z_data: Default::default(),
            z_last: Default::default(),
            z_len: Default::default(),
            z_over: Default::default(),
            z_bk: Default::default(),
            z_partial: Default::default(),
            z_field_end: Default::default(),
            z_hit_a: Default::default(),
            z_lane_a: Default::default(),
            z_a_at_end: Default::default(),
            f_prev_a: Default::default(),
            f_old_hi: Default::default(),
            f_old_lo: Default::default(),
            lane_b: Default::default(),
            hit_b: Default::default(),
            old_hi: Default::default(),
            old_lo: Default::default(),
            wr_ptr: Default::default(),
            frame_ptr: Default::default(),
            commit_ptr: Default::default(),
            len_lt14: Default::default(),
            len_gtmax: Default::default(),
            field_past_end: Default::default(),
            w_valid: Default::default(),
            w_store: Default::default(),
            w_data: Default::default(),
            w_last: Default::default(),
            w_len: Default::default(),
            w_old: Default::default(),
            w_drop: Default::default(),
            drop_now: Default::default(),
            drop_reason: Default::default(),
            decide: Default::default(),
            r_valid: Default::default(),
            r_drop: Default::default(),
            r_len: Default::default(),
            r_old: Default::default(),
            code_truncated: Constant::new(TX_DROP_TRUNCATED.into()),
            code_too_long: Constant::new(TX_DROP_TOO_LONG.into()),
            code_bad_desc: Constant::new(TX_DROP_BAD_DESC.into()),
            code_bad_keep: Constant::new(TX_DROP_BAD_KEEP.into()),
            counters: Default::default(),
        }
    }
}

impl<const W: usize, const K: usize, const N: usize, const A: usize> Logic for TxIngress<W, K, N, A> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, in_frame, room, room_ptr, d_partial, d_start, d_field, y_valid, y_data, y_keep, y_last,
            y_cnt, y_kbad, f_pos, f_stop, f_bk, f_prev_a, f_old_hi, f_old_lo, z_valid, z_store,
            z_data, z_last, z_len, z_over, z_bk, z_partial, z_field_end, z_hit_a, z_lane_a, z_a_at_end, w_valid, w_store, w_data, w_last, w_len, w_old, w_drop,
            wr_ptr, frame_ptr, commit_ptr, r_valid, r_drop, r_len, r_old
        );
        self.counters.clock.next = self.clock.val();
        self.counters.rst.next = self.rst.val();
        self.eng_inner.clock.next = self.clock.val();
        self.eng_inner.rst.next = self.rst.val();
        self.eng_all.clock.next = self.clock.val();
        self.eng_all.rst.next = self.rst.val();

        // ================= accept
        // a frame's first beat goes in with its descriptor; ready does not wait for the
        // other side's ready, only for its valid
        self.s_axis.tready.next =
            self.room.q.val() && (self.in_frame.q.val() || (self.credit_ok.val() && self.desc_valid.val()));
        self.desc_ready.next =
            !self.in_frame.q.val() && self.room.q.val() && self.credit_ok.val() && self.s_axis.tvalid.val();
        self.accept.next = self.s_axis.tvalid.val() && self.s_axis.tready.val();
        self.take.next = self.accept.val() && !self.in_frame.q.val();
        self.desc_take.next = self.take.val();
        if self.accept.val() {
            self.in_frame.d.next = !self.s_axis.tlast.val();
        }
        if self.take.val() {
            self.d_partial.d.next = self.desc_partial.val();
            self.d_start.d.next = self.desc_csum_start.val();
            self.d_field.d.next = self.desc_csum_start.val() + self.desc_csum_offset.val();
        }
        // the ring has room for the beats in flight (writer one word a clock, reader frees)
        self.room_ptr.d.next = self.rd_ptr.val() + self.room_max.val();
        self.room_gap.next = self.wr_ptr.q.val() - self.room_ptr.q.val();
        self.room.d.next = self.room_gap.val().get_bit(15);

        // tkeep contract: an empty last beat breaks it after other beats; alone it is the
        // empty frame (judged truncated, as golden does)
        self.keep_check.tkeep.next = self.s_axis.tkeep.val();
        self.keep_check.tlast.next = self.s_axis.tlast.val();
        self.t_kbad.next = self.keep_check.broken.val() || (self.keep_check.empty.val() && self.in_frame.q.val());
        self.y_valid.d.next = self.accept.val();
        self.y_data.d.next = self.s_axis.tdata.val();
        self.y_keep.d.next = self.s_axis.tkeep.val();
        self.y_last.d.next = self.s_axis.tlast.val();
        self.y_cnt.d.next = self.keep_check.bytes.val();
        self.y_kbad.d.next = self.t_kbad.val();

        // ================= y: the frame's position, stop, tkeep flag, field bytes
        // both engines see every beat; the inner one from the frame's csum_start
        self.eng_inner.s_axis.tdata.next = self.y_data.q.val();
        self.eng_inner.s_axis.tkeep.next = self.y_keep.q.val();
        self.eng_inner.s_axis.tvalid.next = self.y_valid.q.val();
        self.eng_inner.s_axis.tlast.next = self.y_last.q.val();
        self.eng_inner.s_axis.tuser.next = false;
        self.eng_inner.csum_start.next = self.d_start.q.val();
        self.eng_inner.csum_end.next = 0xFFFF.into();
        self.eng_all.s_axis.tdata.next = self.y_data.q.val();
        self.eng_all.s_axis.tkeep.next = self.y_keep.q.val();
        self.eng_all.s_axis.tvalid.next = self.y_valid.q.val();
        self.eng_all.s_axis.tlast.next = self.y_last.q.val();
        self.eng_all.s_axis.tuser.next = false;
        self.eng_all.csum_start.next = 0.into();
        self.eng_all.csum_end.next = 0xFFFF.into();
        self.sum_valid.next = self.eng_all.sum_valid.val();
        self.sum_all.next = self.eng_all.sum.val();
        self.csum_inner.next = self.eng_inner.csum.val();

        // where the inner checksum field's first byte is: its beat (a compare of the position,
        // registered for z) and its lane
        self.lane_a.next = self.d_field.q.val() & self.lane_mask.val();
        self.z_hit_a.d.next = self.y_valid.q.val() && (self.d_field.q.val() & self.beat_mask.val()) == self.f_pos.q.val();
        self.z_lane_a.d.next = self.lane_a.val();
        self.z_a_at_end.d.next = self.lane_a.val() == self.lane_mask.val();
        // the frame's state restarts after its last beat
        if self.y_valid.q.val() {
            if self.y_last.q.val() {
                self.f_pos.d.next = 0.into();
                self.f_stop.d.next = false;
                self.f_bk.d.next = false;
            } else {
                self.f_pos.d.next = self.f_pos.q.val() + self.beat_bytes.val();
                // the buffer is full after the beat at max_last
                if self.f_pos.q.val() == self.max_last.val() {
                    self.f_stop.d.next = true;
                }
                self.f_bk.d.next = self.f_bk.q.val() || self.y_kbad.q.val();
            }
        }
        self.z_valid.d.next = self.y_valid.q.val();
        self.z_store.d.next = self.y_valid.q.val() && !self.f_stop.q.val();
        self.z_data.d.next = self.y_data.q.val();
        self.z_last.d.next = self.y_valid.q.val() && self.y_last.q.val();
        // (meaningful on a last beat)
        self.z_len.d.next = self.f_pos.q.val() + self.y_cnt.q.val();
        self.z_over.d.next = self.f_stop.q.val();
        self.z_bk.d.next = self.f_bk.q.val() || self.y_kbad.q.val();
        self.z_partial.d.next = self.d_partial.q.val();
        self.z_field_end.d.next = bit_cast::<17, 16>(self.d_field.q.val()) + 2;

        // ================= z: the length checks, golden TxError order (Truncated, TooLong,
        // BadDescriptor), a broken tkeep before all
        self.len_lt14.next = self.z_len.q.val() < 14;
        self.len_gtmax.next = self.z_len.q.val() > self.max_frame.val();
        self.field_past_end.next = self.z_field_end.q.val() > bit_cast::<17, 16>(self.z_len.q.val());
        self.w_valid.d.next = self.z_valid.q.val();
        self.w_store.d.next = self.z_store.q.val();
        self.w_data.d.next = self.z_data.q.val();
        self.w_last.d.next = self.z_last.q.val();
        self.w_len.d.next = self.z_len.q.val();
        // the two original bytes of the inner checksum field, as they stream past: byte a in
        // its beat, byte b in the same beat or (a at the last lane) the next one
        self.lane_b.next = (self.z_lane_a.q.val() + 1) & self.lane_mask.val();
        self.hit_b.next = self.z_hit_a.q.val();
        if self.z_a_at_end.q.val() {
            self.hit_b.next = self.f_prev_a.q.val();
        }
        self.old_hi.next = self.f_old_hi.q.val();
        if self.z_hit_a.q.val() {
            self.old_hi.next = self.z_data.q.val().get_bits::<8>((self.z_lane_a.q.val() << 3).index());
        }
        self.old_lo.next = self.f_old_lo.q.val();
        if self.z_valid.q.val() && self.hit_b.val() {
            self.old_lo.next = self.z_data.q.val().get_bits::<8>((self.lane_b.val() << 3).index());
        }
        self.f_old_hi.d.next = self.old_hi.val();
        self.f_old_lo.d.next = self.old_lo.val();
        if self.z_valid.q.val() {
            self.f_prev_a.d.next = self.z_hit_a.q.val() && !self.z_last.q.val();
        }
        self.w_old.d.next = (bit_cast::<16, 8>(self.old_hi.val()) << 8) | bit_cast::<16, 8>(self.old_lo.val());
        self.drop_now.next = self.z_bk.q.val()
            || self.z_over.q.val()
            || self.len_lt14.val()
            || self.len_gtmax.val()
            || (self.z_partial.q.val() && self.field_past_end.val());
        self.w_drop.d.next = self.drop_now.val();
        // the counters register the reason, so it is counted as the frame is decided in w
        if self.z_bk.q.val() {
            self.drop_reason.next = self.code_bad_keep.val();
        } else if self.z_over.q.val() {
            self.drop_reason.next = self.code_too_long.val();
        } else if self.len_lt14.val() {
            self.drop_reason.next = self.code_truncated.val();
        } else if self.len_gtmax.val() {
            self.drop_reason.next = self.code_too_long.val();
        } else {
            self.drop_reason.next = self.code_bad_desc.val();
        }
        self.counters.valid.next = self.z_last.q.val() && self.drop_now.val();
        self.counters.reason.next = self.drop_reason.val();
        self.counters.b_valid.next = false;
        self.counters.b_reason.next = 0.into();

        // ================= w: ring write and the frame's decision
        self.wr_enable.next = self.w_store.q.val();
        self.wr_address.next = bit_cast::<A, 16>(self.wr_ptr.q.val());
        self.wr_data.next = self.w_data.q.val();
        if self.w_store.q.val() {
            self.wr_ptr.d.next = self.wr_ptr.q.val() + 1;
        }
        self.decide.next = self.w_last.q.val();
        if self.decide.val() {
            if self.w_drop.q.val() {
                // the next frame's first word goes where this frame's was
                self.wr_ptr.d.next = self.frame_ptr.q.val();
            } else {
                self.frame_ptr.d.next = self.wr_ptr.q.val() + 1;
                self.commit_ptr.d.next = self.wr_ptr.q.val() + 1;
            }
        }
        self.r_valid.d.next = self.decide.val();
        self.r_drop.d.next = self.w_drop.q.val();
        self.r_len.d.next = self.w_len.q.val();
        self.r_old.d.next = self.w_old.q.val();
        self.dec_valid.next = self.r_valid.q.val();
        self.dec_drop.next = self.r_drop.q.val();
        self.dec_len.next = self.r_len.q.val();
        self.dec_old.next = self.r_old.q.val();
        self.commit.next = self.commit_ptr.q.val();
        self.drop_truncated.next = self.counters.count[0].val();
        self.drop_too_long.next = self.counters.count[1].val();
        self.drop_bad_desc.next = self.counters.count[2].val();
        self.drop_bad_keep.next = self.counters.count[3].val();
        // reset: accept state, the stages' valid/last/store flags, the frame's position and
        // sticky flags, the ring pointers (the engines and counters reset themselves)
        if self.rst.val() {
            self.in_frame.d.next = false;
            self.room.d.next = false;
            self.room_ptr.d.next = 0.into();
            self.y_valid.d.next = false;
            self.y_last.d.next = false;
            self.f_pos.d.next = 0.into();
            self.f_stop.d.next = false;
            self.f_bk.d.next = false;
            self.f_prev_a.d.next = false;
            self.z_valid.d.next = false;
            self.z_store.d.next = false;
            self.z_last.d.next = false;
            self.z_hit_a.d.next = false;
            self.w_valid.d.next = false;
            self.w_store.d.next = false;
            self.w_last.d.next = false;
            self.wr_ptr.d.next = 0.into();
            self.frame_ptr.d.next = 0.into();
            self.commit_ptr.d.next = 0.into();
            self.r_valid.d.next = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One frame offered to the bench: its bytes, `tkeep` faults, descriptor fields.
    struct Frame {
        bytes: Vec<u8>,
        hole: bool,
        partial: bool,
        field: u16,
    }

    /// Random frames at full rate (and with idles) through a W=64 ingress with a 128-byte
    /// `max_frame`: every record, counter step and ring write is checked against the rules
    /// of the module doc, computed here from each frame's bytes.
    #[test]
    fn decisions_records_and_ring_writes() {
        const K: usize = 8;
        let max_frame = 128;
        let mut u = TxIngress::<64, 8, 4, 6>::new(max_frame);
        u.connect_all();
        let mut x: u64 = 5;
        let mut rnd = |n: u64| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (x >> 33) % n
        };
        let frames: Vec<Frame> = (0..300)
            .map(|i| {
                let len = match rnd(6) {
                    0 => rnd(14) as usize,
                    1 => max_frame + 1 + rnd(40) as usize,
                    _ => 14 + rnd(max_frame as u64 - 13) as usize,
                };
                Frame {
                    bytes: (0..len).map(|j| (i * 7 + j * 13) as u8).collect(),
                    hole: len > 2 * K && rnd(10) == 0,
                    partial: rnd(2) == 0,
                    field: rnd(160) as u16,
                }
            })
            .collect();
        // golden TxError order, a broken tkeep first: 0 ok, 1 truncated, 2 too long,
        // 3 bad descriptor, 4 bad keep
        let want: Vec<usize> = frames
            .iter()
            .map(|f| {
                let n = f.bytes.len();
                if f.hole {
                    4
                } else if n < 14 {
                    1
                } else if n > max_frame {
                    2
                } else if f.partial && f.field as usize + 2 > n {
                    3
                } else {
                    0
                }
            })
            .collect();
        let beats: Vec<Vec<(u64, u64, bool)>> = frames
            .iter()
            .map(|f| {
                let n = f.bytes.len().div_ceil(K).max(1);
                (0..n)
                    .map(|b| {
                        let chunk = &f.bytes[(b * K).min(f.bytes.len())..((b + 1) * K).min(f.bytes.len())];
                        let mut d = 0u64;
                        for (j, v) in chunk.iter().enumerate() {
                            d |= (*v as u64) << (8 * j);
                        }
                        let mut keep = (1u64 << chunk.len()) - 1;
                        if f.hole && b == 1 {
                            keep &= !0b100;
                        }
                        (d, keep, b + 1 == n)
                    })
                    .collect()
            })
            .collect();
        let (mut fi, mut bi) = (0, 0);
        let mut ring = vec![0u64; 64];
        let mut ends = std::collections::HashMap::new();
        let mut counts = [0u64; 4];
        let (mut records, mut pulses) = (Vec::new(), 0);
        let mut committed = 0u64;
        let mut checked = 0;
        let mut good = std::collections::VecDeque::new();
        for cyc in 0..20_000u64 {
            u.clock.next = false.into();
            let offer = fi < frames.len() && rnd(8) != 0;
            let b = if fi < frames.len() { beats[fi][bi] } else { (0, 0, false) };
            u.s_axis.tvalid.next = offer;
            u.s_axis.tdata.next = b.0.into();
            u.s_axis.tkeep.next = b.1.into();
            u.s_axis.tlast.next = b.2;
            u.desc_valid.next = fi < frames.len();
            if fi < frames.len() {
                u.desc_partial.next = frames[fi].partial;
                u.desc_csum_start.next = (frames[fi].field as u64 / 2).into();
                u.desc_csum_offset.next = (frames[fi].field as u64 - frames[fi].field as u64 / 2).into();
            }
            u.credit_ok.next = true;
            // the reader keeps up: everything committed is read
            u.rd_ptr.next = committed.into();
            assert!(simulate(&mut u, 100));
            let fire = offer && u.s_axis.tready.val();
            assert_eq!(u.desc_take.val(), fire && bi == 0, "descriptor taken with the first beat only");
            if u.wr_enable.val() {
                ring[u.wr_address.val().index()] = u.wr_data.val().to_u64();
            }
            if u.dec_valid.val() {
                records.push((u.dec_drop.val(), u.dec_len.val().to_u64()));
            }
            pulses += u.sum_valid.val() as usize;
            u.clock.next = true.into();
            assert!(simulate(&mut u, 100));
            if fire {
                bi += 1;
                if bi == beats[fi].len() {
                    ends.insert(cyc, fi);
                    if want[fi] == 0 {
                        good.push_back(fi);
                    }
                    fi += 1;
                    bi = 0;
                }
            }
            let now = [u.drop_truncated.val(), u.drop_too_long.val(), u.drop_bad_desc.val(), u.drop_bad_keep.val()]
                .map(|v| v.to_u64());
            for r in 0..4 {
                if now[r] != counts[r] {
                    assert_eq!(now[r], counts[r] + 1);
                    let f = ends[&(cyc - DROP_LATENCY as u64)];
                    assert_eq!(want[f], r + 1, "frame {f}: drop reason");
                }
            }
            counts = now;
            // a newly committed frame is in the ring word for word
            let c = u.commit.val().to_u64();
            while c != committed {
                let f = good.pop_front().expect("a commit for a good frame");
                for (j, beat) in beats[f].iter().enumerate() {
                    assert_eq!(ring[((committed + j as u64) % 64) as usize], beat.0, "frame {f} word {j}");
                }
                committed = (committed + beats[f].len() as u64) & 0xFFFF;
                checked += 1;
            }
        }
        assert_eq!(fi, frames.len(), "every frame went in");
        let drops: Vec<u64> = (1..5).map(|r| want.iter().filter(|w| **w == r).count() as u64).collect();
        assert_eq!(counts.to_vec(), vec![drops[0], drops[1], drops[2], drops[3]]);
        assert_eq!(records.len(), frames.len());
        assert_eq!(pulses, frames.len(), "one engine pulse per frame");
        for (i, (drop, len)) in records.iter().enumerate() {
            assert_eq!(*drop, want[i] != 0, "frame {i}");
            if want[i] == 0 {
                assert_eq!(*len as usize, frames[i].bytes.len());
            }
        }
        assert_eq!(checked, want.iter().filter(|w| **w == 0).count());
    }
}
