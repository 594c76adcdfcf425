//! `RxIngress`: the RX's wire-side port. It takes one beat a clock, writes each frame into the
//! ring from a beat boundary (with the plain sum of the frame's words before every beat, for
//! prefix sums), and hands the same registered beats to the header extractor as a tap, with a
//! frame record (ring base and beats, length, `bad_keep`, `too_long`, `overflow`) on the last.
//! The ring write port is registered: a beat is written a clock after its tap, so a reader
//! may address a frame's beats from the second clock after its record on (a read in the
//! clock of the write is undefined, see `sdp_ram`).
//!
//! * MAC mode (`backpressure` low): `s_axis.tready` is always high. A beat that finds the ring
//!   full is not written and marks the frame `overflow` (the full test is a flag a clock old, so
//!   the ring's last free beat is taken only right after another write); at `tlast` such a
//!   frame, and a too-long one, is rewound (the write pointer returns to its base), so it holds no ring space and
//!   `f_beats` is 0.
//! * AXI mode (`backpressure` high): `tready` is low while the ring has no room (a registered
//!   flag with a margin for the beats in flight), except for a too-long frame, which is taken to
//!   its end without writes. The ring must hold `max_frame` for this mode to make progress.
//!
//! `free_ptr` is the ring beat pointer below which the egress has released every beat; pointers are
//! 16-bit beat counters (the ring is `2^AW` beats, AW < 16). `tkeep` is checked against the
//! packed-stream contract as in `stream.rs`; the length counts the last beat's kept lanes.
//!
//! `rst` (synchronous, active high) resets the port's frame state, stage I1's flags, the write
//! pointer, frame base and beat count, the sticky, room and space flags, the registered tready
//! and the ring write enable; beat data, lengths and sums (data) are not reset.

use crate::keep_check::KeepCheck;
use crate::lane_sum::LaneSum;
use crate::stream::AxisSink;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct RxIngress<const W: usize, const K: usize, const N: usize, const AW: usize> {
    pub clock: Signal<In, Clock>,
    /// synchronous reset, active high: see the module doc
    pub rst: Signal<In, Bit>,
    pub s_axis: AxisSink<W, K>,
    /// Longest frame kept, in bytes.
    pub max_frame: Signal<In, Bits<16>>,
    /// AXI back-pressure instead of MAC-mode drops.
    pub backpressure: Signal<In, Bit>,
    pub free_ptr: Signal<In, Bits<16>>,
    /// The decision queue has room for one more frame: sampled at a frame's first beat; a frame
    /// that starts without it is not written and gets no record, only `f_nocredit` at its end.
    pub credit: Signal<In, Bit>,
    /// `credit` of the next clock, for the registered AXI-mode `tready`
    pub credit_next: Signal<In, Bit>,
    // ring write port (data and the frame's word sum before the beat)
    pub wr_addr: Signal<Out, Bits<AW>>,
    pub wr_data: Signal<Out, Bits<W>>,
    pub wr_prefix: Signal<Out, Bits<32>>,
    pub wr_en: Signal<Out, Bit>,
    // tap: every accepted beat, one clock after the port
    pub t_valid: Signal<Out, Bit>,
    pub t_data: Signal<Out, Bits<W>>,
    pub t_first: Signal<Out, Bit>,
    pub t_last: Signal<Out, Bit>,
    /// beat index within the frame (saturates)
    pub t_index: Signal<Out, Bits<8>>,
    // frame record, valid with the tap's last beat
    pub f_valid: Signal<Out, Bit>,
    pub f_base: Signal<Out, Bits<16>>,
    pub f_beats: Signal<Out, Bits<16>>,
    pub f_len: Signal<Out, Bits<16>>,
    pub f_bad_keep: Signal<Out, Bit>,
    pub f_too_long: Signal<Out, Bit>,
    pub f_overflow: Signal<Out, Bit>,
    /// pulse at the last beat of a frame dropped for want of a decision-queue slot
    pub f_nocredit: Signal<Out, Bit>,

    space_lim: Constant<Bits<16>>,
    room_lim: Constant<Bits<16>>,
    all_lanes: Constant<Bits<K>>,
    lsum: LaneSum<W, K, N>,
    // port stage state
    pos: DFF<Bits<16>>,
    rem: DFF<Bits<16>>,
    mid: DFF<Bit>,
    tl: DFF<Bit>,
    index: DFF<Bits<8>>,
    fire: Signal<Local, Bit>,
    cnt: Signal<Local, Bits<16>>,
    remv: Signal<Local, Bits<16>>,
    newpos: Signal<Local, Bits<16>>,
    tl_now: Signal<Local, Bit>,
    keep_check: KeepCheck<K>,
    kbad: Signal<Local, Bit>,
    // stage I1: the registered beat
    i1_v: DFF<Bit>,
    i1_data: DFF<Bits<W>>,
    i1_first: DFF<Bit>,
    i1_last: DFF<Bit>,
    i1_len: DFF<Bits<16>>,
    i1_tl: DFF<Bit>,
    i1_bk: DFF<Bit>,
    i1_ls: DFF<Bits<32>>,
    i1_index: DFF<Bits<8>>,
    // frame state at stage I1
    wr_ptr: DFF<Bits<16>>,
    base: DFF<Bits<16>>,
    acc: DFF<Bits<32>>,
    sticky_bk: DFF<Bit>,
    sticky_ovf: DFF<Bit>,
    room: DFF<Bit>,
    /// the write pointer at which `room` falls: the reader's pointer a clock old plus the
    /// limit, so `room` is one subtraction's sign (a clock late is on the safe side: the
    /// reader only frees)
    room_ptr: DFF<Bits<16>>,
    /// the write pointer less `room_ptr`: negative while there is room
    room_gap: Signal<Local, Bits<16>>,
    /// the ring has a free beat for the next write (a clock old: one beat of margin)
    space: DFF<Bit>,
    /// beats of the current frame written (counted apart from the pointers so that the record's
    /// beat count is not a subtraction after the write decision)
    beats: DFF<Bits<16>>,
    nocredit: DFF<Bit>,
    /// AXI mode's `tready`, computed a clock ahead from the next ring room, frame state and
    /// credit, so the handshake behind it is one LUT from flip-flops
    ready_r: DFF<Bit>,
    i1_nc: DFF<Bit>,
    nc_now: Signal<Local, Bit>,
    we: Signal<Local, Bit>,
    ovf_now: Signal<Local, Bit>,
    bk_now: Signal<Local, Bit>,
    pw: Signal<Local, Bits<32>>,
    next_ptr: Signal<Local, Bits<16>>,
    /// the ring write, registered: the write enable reaches every ring copy's memories, so it
    /// leaves a flip-flop instead of the LUT the write pointer also depends on
    w_en: DFF<Bit>,
    w_addr: DFF<Bits<AW>>,
    w_data: DFF<Bits<W>>,
    w_prefix: DFF<Bits<32>>,
}

impl<const W: usize, const K: usize, const N: usize, const AW: usize> RxIngress<W, K, N, AW> {
    pub fn new() -> Self {
        assert!(K * 8 == W && N * 16 == W && AW < 16);
        Self {
            clock: Default::default(),
            rst: Default::default(),
            s_axis: Default::default(),
            max_frame: Default::default(),
            backpressure: Default::default(),
            free_ptr: Default::default(),
            wr_addr: Default::default(),
            wr_data: Default::default(),
            wr_prefix: Default::default(),
            wr_en: Default::default(),
            t_valid: Default::default(),
            t_data: Default::default(),
            t_first: Default::default(),
            t_last: Default::default(),
            t_index: Default::default(),
            f_valid: Default::default(),
            f_base: Default::default(),
            f_beats: Default::default(),
            f_len: Default::default(),
            f_bad_keep: Default::default(),
            f_too_long: Default::default(),
            f_overflow: Default::default(),
            f_nocredit: Default::default(),
            credit: Default::default(),
            credit_next: Default::default(),
            ready_r: Default::default(),
            space_lim: Constant::new(((1u64 << AW) - 1).into()),
            // the port and I1 stages hold two beats the flag has not seen
            room_lim: Constant::new(((1u64 << AW) - 3).into()),
            all_lanes: Constant::new(crate::stream::lane_mask(K).into()),
            lsum: LaneSum::new(),
            pos: Default::default(),
            rem: Default::default(),
            mid: Default::default(),
            tl: Default::default(),
            index: Default::default(),
            fire: Default::default(),
            cnt: Default::default(),
            remv: Default::default(),
            newpos: Default::default(),
            tl_now: Default::default(),
            keep_check: Default::default(),
            kbad: Default::default(),
            i1_v: Default::default(),
            i1_data: Default::default(),
            i1_first: Default::default(),
            i1_last: Default::default(),
            i1_len: Default::default(),
            i1_tl: Default::default(),
            i1_bk: Default::default(),
            i1_ls: Default::default(),
            i1_index: Default::default(),
            wr_ptr: Default::default(),
            base: Default::default(),
            acc: Default::default(),
            sticky_bk: Default::default(),
            sticky_ovf: Default::default(),
            room: Default::default(),
            room_ptr: Default::default(),
            room_gap: Default::default(),
            space: Default::default(),
            beats: Default::default(),
            nocredit: Default::default(),
            i1_nc: Default::default(),
            w_en: Default::default(),
            w_addr: Default::default(),
            w_data: Default::default(),
            w_prefix: Default::default(),
            nc_now: Default::default(),
            we: Default::default(),
            ovf_now: Default::default(),
            bk_now: Default::default(),
            pw: Default::default(),
            next_ptr: Default::default(),
        }
    }
}

impl<const W: usize, const K: usize, const N: usize, const AW: usize> Default for RxIngress<W, K, N, AW> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const W: usize, const K: usize, const N: usize, const AW: usize> Logic for RxIngress<W, K, N, AW> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, pos, rem, mid, tl, index, i1_v, i1_data, i1_first, i1_last, i1_len, i1_tl, i1_bk, i1_ls,
            i1_index, wr_ptr, base, acc, sticky_bk, sticky_ovf, room, room_ptr, space, beats, nocredit, ready_r, i1_nc, w_en, w_addr,
            w_data, w_prefix
        );
        // ---- port stage: count bytes, decide too-long against the bytes still allowed
        // (one compare), check tkeep, sum the beat's words
        // AXI mode: wait for ring room (a too-long frame goes on without writes) and, at a
        // frame's first beat, for a decision-queue slot; MAC mode never waits
        self.s_axis.tready.next = !self.backpressure.val() || self.ready_r.q.val();
        self.fire.next = self.s_axis.tvalid.val() && self.s_axis.tready.val();
        self.keep_check.tkeep.next = self.s_axis.tkeep.val();
        self.keep_check.tlast.next = self.s_axis.tlast.val();
        self.cnt.next = self.keep_check.bytes.val();
        self.remv.next = self.max_frame.val();
        if self.mid.q.val() {
            self.remv.next = self.rem.q.val();
        }
        self.newpos.next = self.pos.q.val() + self.cnt.val();
        self.tl_now.next = self.tl.q.val() || (self.cnt.val() > self.remv.val());
        // tkeep contract, an empty last beat included
        self.kbad.next = self.keep_check.broken.val() || self.keep_check.empty.val();
        self.lsum.data.next = self.s_axis.tdata.val();
        self.lsum.keep.next = self.all_lanes.val();
        self.i1_v.d.next = self.fire.val();
        self.i1_data.d.next = self.s_axis.tdata.val();
        self.i1_first.d.next = !self.mid.q.val();
        self.i1_last.d.next = self.s_axis.tlast.val();
        self.i1_len.d.next = self.newpos.val();
        self.i1_tl.d.next = self.tl_now.val();
        self.i1_bk.d.next = self.kbad.val();
        self.i1_ls.d.next = self.lsum.sum.val();
        self.i1_index.d.next = self.index.q.val();
        self.nc_now.next = self.nocredit.q.val();
        if !self.mid.q.val() {
            self.nc_now.next = !self.credit.val() && !self.backpressure.val();
        }
        self.i1_nc.d.next = self.nc_now.val();
        if self.fire.val() {
            self.nocredit.d.next = self.nc_now.val();
            if self.s_axis.tlast.val() {
                self.pos.d.next = 0.into();
                self.tl.d.next = false;
                self.mid.d.next = false;
                self.index.d.next = 0.into();
            } else {
                self.pos.d.next = self.newpos.val();
                self.tl.d.next = self.tl_now.val();
                self.mid.d.next = true;
                self.rem.d.next = self.remv.val() - self.cnt.val();
                if self.index.q.val() != 255 {
                    self.index.d.next = self.index.q.val() + 1;
                }
            }
        }

        // ---- stage I1: ring write, tap, frame record
        self.we.next = self.i1_v.q.val()
            && !self.i1_tl.q.val()
            && !self.i1_nc.q.val()
            && !self.sticky_ovf.q.val()
            && self.space.q.val();
        self.ovf_now.next = self.sticky_ovf.q.val() || (self.i1_v.q.val() && !self.i1_tl.q.val() && !self.space.q.val());
        self.bk_now.next = self.sticky_bk.q.val() || self.i1_bk.q.val();
        if self.i1_first.q.val() {
            self.pw.next = 0.into();
        } else {
            self.pw.next = self.acc.q.val();
        }
        self.w_addr.d.next = self.wr_ptr.q.val().get_bits::<AW>(0);
        self.w_data.d.next = self.i1_data.q.val();
        self.w_prefix.d.next = self.pw.val();
        self.w_en.d.next = self.we.val();
        self.wr_addr.next = self.w_addr.q.val();
        self.wr_data.next = self.w_data.q.val();
        self.wr_prefix.next = self.w_prefix.q.val();
        self.wr_en.next = self.w_en.q.val();
        self.next_ptr.next = self.wr_ptr.q.val();
        if self.we.val() {
            self.next_ptr.next = self.wr_ptr.q.val() + 1;
        }
        self.t_valid.next = self.i1_v.q.val();
        self.t_data.next = self.i1_data.q.val();
        self.t_first.next = self.i1_first.q.val();
        self.t_last.next = self.i1_last.q.val();
        self.t_index.next = self.i1_index.q.val();
        self.f_valid.next = self.i1_v.q.val() && self.i1_last.q.val() && !self.i1_nc.q.val();
        self.f_nocredit.next = self.i1_v.q.val() && self.i1_last.q.val() && self.i1_nc.q.val();
        self.f_base.next = self.base.q.val();
        self.f_len.next = self.i1_len.q.val();
        self.f_bad_keep.next = self.bk_now.val();
        self.f_too_long.next = self.i1_tl.q.val();
        self.f_overflow.next = self.ovf_now.val();
        self.f_beats.next = self.beats.q.val();
        if self.we.val() {
            self.f_beats.next = self.beats.q.val() + 1;
        }
        if self.ovf_now.val() || self.i1_tl.q.val() || self.i1_nc.q.val() {
            self.f_beats.next = 0.into();
        }
        self.wr_ptr.d.next = self.next_ptr.val();
        if self.we.val() {
            self.beats.d.next = self.beats.q.val() + 1;
        }
        if self.i1_v.q.val() {
            self.acc.d.next = self.pw.val() + self.i1_ls.q.val();
            if self.i1_last.q.val() {
                self.beats.d.next = 0.into();
                self.sticky_bk.d.next = false;
                self.sticky_ovf.d.next = false;
                if self.ovf_now.val() || self.i1_tl.q.val() || self.i1_nc.q.val() {
                    // the frame is dropped whole: its beats are given back at once
                    self.wr_ptr.d.next = self.base.q.val();
                } else {
                    self.base.d.next = self.next_ptr.val();
                }
            } else {
                self.sticky_bk.d.next = self.bk_now.val();
                self.sticky_ovf.d.next = self.ovf_now.val();
            }
        }
        self.room_ptr.d.next = self.free_ptr.val() + self.room_lim.val();
        self.room_gap.next = self.wr_ptr.q.val() - self.room_ptr.q.val();
        self.room.d.next = self.room_gap.val().get_bit(15);
        // a write this clock leaves a free beat next clock, since the egress only frees beats
        self.space.d.next = (self.wr_ptr.q.val() - self.free_ptr.val()) < self.space_lim.val();
        self.ready_r.d.next =
            (self.room.d.val() || self.tl.d.val()) && (self.mid.d.val() || self.credit_next.val());
        // reset: the port's frame state, stage I1's flags, the frame's pointers, counts and
        // sticky flags, the room/space flags, the registered tready and ring write enable
        if self.rst.val() {
            self.pos.d.next = 0.into();
            self.rem.d.next = 0.into();
            self.mid.d.next = false;
            self.tl.d.next = false;
            self.index.d.next = 0.into();
            self.i1_v.d.next = false;
            self.i1_last.d.next = false;
            self.i1_nc.d.next = false;
            self.wr_ptr.d.next = 0.into();
            self.base.d.next = 0.into();
            self.sticky_bk.d.next = false;
            self.sticky_ovf.d.next = false;
            self.room.d.next = false;
            self.room_ptr.d.next = 0.into();
            self.space.d.next = false;
            self.beats.d.next = 0.into();
            self.nocredit.d.next = false;
            self.ready_r.d.next = false;
            self.w_en.d.next = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::{packet_beats, tdata_from_lanes};

    struct Record {
        at: u64,
        base: u64,
        beats: u64,
        len: u64,
        bad_keep: bool,
        too_long: bool,
        overflow: bool,
    }

    /// Feed `frames` (with an optional bad tkeep on beat 1) back to back; `free` gives the free
    /// pointer from the records seen so far. Returns the records, the ring writes and whether
    /// tready ever went low.
    fn drive(
        u: &mut RxIngress<64, 8, 4, 4>,
        frames: &[(Vec<u8>, bool)],
        backpressure: bool,
        max_frame: u64,
        free: &dyn Fn(&[Record], u64) -> u64,
    ) -> (Vec<Record>, Vec<(u64, u64, u64)>, bool) {
        let mut recs = Vec::new();
        let mut writes = Vec::new();
        let mut stalled = false;
        let mut drained = false;
        let (mut f, mut b) = (0usize, 0usize);
        for cycle in 0..2000u64 {
            let beats = frames.get(f).map(|(d, _)| packet_beats(d, 8));
            u.max_frame.next = max_frame.into();
            u.backpressure.next = backpressure;
            u.free_ptr.next = free(&recs, cycle).into();
            u.credit.next = true;
            u.credit_next.next = true;
            u.s_axis.tvalid.next = beats.is_some();
            if let Some(bs) = &beats {
                u.s_axis.tdata.next = tdata_from_lanes::<64>(&bs[b].data);
                let bad = frames[f].1 && b == 1 && !bs[b].last;
                u.s_axis.tkeep.next = if bad { 0x0Fu64.into() } else { bs[b].keep.into() };
                u.s_axis.tlast.next = bs[b].last;
            }
            u.clock.next = false.into();
            assert!(simulate(u, 50));
            if let Some(bs) = &beats {
                if u.s_axis.tready.val() {
                    b += 1;
                    if b == bs.len() {
                        f += 1;
                        b = 0;
                    }
                } else {
                    stalled = true;
                }
            }
            if u.wr_en.val() {
                writes.push((u.wr_addr.val().to_u64(), u.wr_data.val().to_u64(), u.wr_prefix.val().to_u64()));
            }
            if u.f_valid.val() {
                recs.push(Record {
                    at: cycle,
                    base: u.f_base.val().to_u64(),
                    beats: u.f_beats.val().to_u64(),
                    len: u.f_len.val().to_u64(),
                    bad_keep: u.f_bad_keep.val(),
                    too_long: u.f_too_long.val(),
                    overflow: u.f_overflow.val(),
                });
            }
            u.clock.next = true.into();
            assert!(simulate(u, 50));
            // the ring write is a clock after the record
            if recs.len() == frames.len() {
                if drained {
                    break;
                }
                drained = true;
            }
        }
        (recs, writes, stalled)
    }

    fn frame(len: usize, seed: u8) -> Vec<u8> {
        (0..len).map(|i| (i as u8).wrapping_mul(37).wrapping_add(seed)).collect()
    }

    /// Words summed as `LaneSum` does (little-endian 16-bit slices).
    fn words(b: &[u8]) -> u64 {
        b.chunks(2).map(|c| c[0] as u64 | (*c.get(1).unwrap_or(&0) as u64) << 8).sum()
    }

    #[test]
    fn axi_mode_writes_frames_with_prefix_sums_and_waits_for_room() {
        let mut u = RxIngress::<64, 8, 4, 4>::new();
        u.connect_all();
        let frames: Vec<_> = [60usize, 9, 90, 8, 17, 100].iter().enumerate().map(|(i, &n)| (frame(n, i as u8), false)).collect();
        // the egress frees each frame 12 clocks after its record
        let (recs, writes, stalled) = drive(&mut u, &frames, true, 9000, &|r, now| {
            r.iter().filter(|x| x.at + 12 <= now).map(|x| x.beats).sum::<u64>()
        });
        assert!(stalled, "a 16-beat ring must push back on 40 beats of frames");
        assert_eq!(recs.len(), frames.len());
        let mut base = 0u64;
        let mut w = writes.iter();
        for ((data, _), r) in frames.iter().zip(&recs) {
            let nb = data.len().div_ceil(8) as u64;
            assert_eq!((r.base, r.beats, r.len), (base % 65536, nb, data.len() as u64));
            assert!(!r.bad_keep && !r.too_long && !r.overflow);
            for (i, chunk) in data.chunks(8).enumerate() {
                let (addr, d, pfx) = *w.next().unwrap();
                let mut lanes = chunk.to_vec();
                lanes.resize(8, 0);
                assert_eq!(addr, (base + i as u64) % 16);
                assert_eq!(d & crate::stream::lane_mask(chunk.len() * 8), u64::from_le_bytes(lanes.try_into().unwrap()));
                assert_eq!(pfx, words(&data[..8 * i]));
            }
            base += nb;
        }
    }

    #[test]
    fn mac_mode_drops_what_does_not_fit_and_never_stalls() {
        let mut u = RxIngress::<64, 8, 4, 4>::new();
        u.connect_all();
        // nothing is ever freed: 8 + 7 beats fit, the third frame overflows; so does the fourth
        // (one beat): the ring's last beat goes only to a write that follows a write, since the
        // space flag is a clock old
        let frames: Vec<_> = [64usize, 56, 40, 8].iter().enumerate().map(|(i, &n)| (frame(n, i as u8), false)).collect();
        let (recs, _, stalled) = drive(&mut u, &frames, false, 9000, &|_, _| 0);
        assert!(!stalled);
        let got: Vec<_> = recs.iter().map(|r| (r.base, r.beats, r.overflow)).collect();
        assert_eq!(got, vec![(0, 8, false), (8, 7, false), (15, 0, true), (15, 0, true)]);
        // back to back, 16 beats fill the ring to its last beat
        let mut u = RxIngress::<64, 8, 4, 4>::new();
        u.connect_all();
        let frames: Vec<_> = [64usize, 64, 8].iter().enumerate().map(|(i, &n)| (frame(n, i as u8), false)).collect();
        let (recs, _, _) = drive(&mut u, &frames, false, 9000, &|_, _| 0);
        let got: Vec<_> = recs.iter().map(|r| (r.base, r.beats, r.overflow)).collect();
        assert_eq!(got, vec![(0, 8, false), (8, 8, false), (16, 0, true)]);
    }

    #[test]
    fn bad_keep_and_too_long_are_flagged_and_too_long_is_rewound() {
        let mut u = RxIngress::<64, 8, 4, 4>::new();
        u.connect_all();
        let frames = vec![(frame(40, 1), true), (frame(41, 2), false), (frame(20, 3), false)];
        let (recs, _, _) = drive(&mut u, &frames, false, 40, &|r, _| r.iter().map(|x| x.beats).sum());
        assert!(recs[0].bad_keep && !recs[0].too_long);
        assert!(recs[1].too_long && !recs[1].bad_keep && recs[1].beats == 0);
        assert_eq!((recs[2].base, recs[2].beats, recs[2].too_long), (5, 3, false));
    }
}
