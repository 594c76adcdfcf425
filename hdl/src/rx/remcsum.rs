//! `Remcsum<W, K, N, U>`: streaming `remcsum_adjust` (Linux `lib/checksum`/`skb_remcsum_process`
//! with nopartial) on a frame aligned at lane 0; knows nothing of VXLAN.
//!
//! # Interface
//! `s_axis` in, the same beats out on `m_axis` [`LATENCY`] clocks later (clocks in which the
//! pipeline advances). A frame's parameters are sampled with its first beat: `apply`,
//! `start` (bytes, even), `offset` (bytes from the frame start to the 16-bit checksum field,
//! even, `offset >= start + 2`, `offset + 2 <= frame length`: the caller guarantees these),
//! `csum` = the plain (unfolded, exact) sum of the frame's little-endian 16-bit words as
//! `LaneSum` forms it, and `s_user`, a per-frame tag carried to `m_user`. With `apply` the
//! field is rewritten to `new = ~S`, `S` = fold(`csum` - sum(frame[..start])) with 0 read as
//! 0xFFFF (golden's `remcsum_adjust`), and `m_csum` on the tlast beat is the updated
//! CHECKSUM_COMPLETE `C + new + ~old` folded, 0 read as 0xFFFF, in wire byte order (as
//! `RxTop::m_csum_complete`); `m_old` is the field's previous value (wire order). Without
//! `apply` the data is unchanged and `m_csum` = fold(`csum`) (0 only for a zero sum).
//! `s_axis` must be packed (`tkeep` all ones but on the last beat).
//!
//! Back-pressure: the whole pipeline advances when its output register is empty or taken,
//! so `s_axis.tready = !m_axis.tvalid || m_axis.tready` (combinational); back-to-back
//! frames flow without a bubble.
//!
//! # Pipeline (stage = clock after the input register; one carry chain per path)
//! | stage | holds |
//! |---|---|
//! | 0 | the beat; the frame's parameters (held from its first beat); the beat's index compared with the start's and the field's beats |
//! | 1 | lanes before `start` in this beat, field word select, fold of `csum` |
//! | 2..6 | adder tree of the masked words, one level per stage (32 leaves: W <= 512); `old` |
//! | 7 | `P` = running sum before `start`, `D = csum - P` (two accumulators) |
//! | 8 | `S` = fold(D), `Y = P + ~old` |
//! | 9 | the field beat patched with `~S`; nz(fold(Y)) |
//! | 10 | output; `m_csum` = nz(fold(Y)), or fold(`csum`) without `apply` |
//!
//! Why `Y`: `new = ~S = -(C - P)` mod 0xFFFF, so `C + new + ~old = P - old` mod 0xFFFF, and
//! with 0 read as 0xFFFF the folded value depends on the class only: the updated
//! CHECKSUM_COMPLETE needs `P` and `old`, not `new`, so it is ready with the patched beat
//! even when the field sits in the last beat.
//!
//! Folds take one stage: `lo + hi` and `lo + hi + 1` (as `lo - !hi`) side by side, the carry
//! of the first picks (as `csum_engine`).
//!
//! `rst` (synchronous, active high) resets the frame state (`mid`, the beat number) and the
//! valid line; beats, parameters and sums (data, read under the valid line or a first beat)
//! are not reset.

use crate::stream::{AxisSink, AxisSource};
use rust_hdl::prelude::*;

/// Clocks (in which the pipeline advances) from a beat on `s_axis` to the same beat on `m_axis`.
pub const LATENCY: usize = 11;
/// Leaves of the adder tree (words per beat at W = 512).
pub const TREE_LEAVES: usize = 32;

#[derive(LogicBlock)]
pub struct Remcsum<const W: usize, const K: usize, const N: usize, const U: usize> {
    pub clock: Signal<In, Clock>,
    /// synchronous reset, active high: see the module doc
    pub rst: Signal<In, Bit>,
    pub s_axis: AxisSink<W, K>,
    pub apply: Signal<In, Bit>,
    pub start: Signal<In, Bits<16>>,
    pub offset: Signal<In, Bits<16>>,
    pub csum: Signal<In, Bits<32>>,
    pub s_user: Signal<In, Bits<U>>,
    pub m_axis: AxisSource<W, K>,
    /// CHECKSUM_COMPLETE of the frame as it leaves (wire byte order), valid on the tlast beat
    pub m_csum: Signal<Out, Bits<16>>,
    /// the field's value before the rewrite (wire byte order), valid on the tlast beat with apply
    pub m_old: Signal<Out, Bits<16>>,
    pub m_user: Signal<Out, Bits<U>>,

    kshift: Constant<Bits<16>>,
    kmask: Constant<Bits<16>>,
    /// `low_lanes[i]`: lanes `0..i`
    low_lanes: [Constant<Bits<K>>; K],
    all_lanes: Constant<Bits<K>>,
    word_bit: [Constant<Bits<N>>; N],
    word_mask: [Constant<Bits<W>>; N],
    ones16: Constant<Bits<16>>,

    adv: Signal<Local, Bit>,
    fire: Signal<Local, Bit>,
    mid: DFF<Bit>,
    bnext: DFF<Bits<16>>,

    // per-beat delay line, index = stage
    v: [DFF<Bit>; LATENCY],
    dat: [DFF<Bits<W>>; LATENCY],
    kp: [DFF<Bits<K>>; LATENCY],
    lst: [DFF<Bit>; LATENCY],
    tu: [DFF<Bit>; LATENCY],
    fst: [DFF<Bit>; LATENCY],
    ap: [DFF<Bit>; LATENCY],
    cs: [DFF<Bits<32>>; LATENCY],
    usr: [DFF<Bits<U>>; LATENCY],
    fs: [DFF<Bits<N>>; LATENCY],
    isf: [DFF<Bit>; LATENCY],
    fc: [DFF<Bits<16>>; LATENCY],
    old: [DFF<Bits<16>>; LATENCY],

    // stage 0: the frame's positions (held from the first beat), this beat against them
    sb0: DFF<Bits<16>>,
    sl0: DFF<Bits<16>>,
    fb0: DFF<Bits<16>>,
    fw0: DFF<Bits<16>>,
    before_start: DFF<Bit>,
    at_start: DFF<Bit>,
    at_field: DFF<Bit>,
    // stage 1
    skeep: Signal<Local, Bits<K>>,
    fsel: Signal<Local, Bits<N>>,
    fcl: Signal<Local, Bits<32>>,
    fci: Signal<Local, Bits<16>>,
    pk1: DFF<Bits<K>>,
    // stage 2..6: tree
    mw: [Signal<Local, Bits<32>>; TREE_LEAVES],
    ow: [Signal<Local, Bits<16>>; N],
    od: Signal<Local, Bits<16>>,
    t1: [DFF<Bits<32>>; 16],
    t2: [DFF<Bits<32>>; 8],
    t3: [DFF<Bits<32>>; 4],
    t4: [DFF<Bits<32>>; 2],
    t5: DFF<Bits<32>>,
    // stage 7
    pacc: DFF<Bits<32>>,
    dacc: DFF<Bits<32>>,
    pbase: Signal<Local, Bits<32>>,
    dbase: Signal<Local, Bits<32>>,
    // stage 8
    nold: Signal<Local, Bits<16>>,
    sl: Signal<Local, Bits<32>>,
    si: Signal<Local, Bits<16>>,
    sf8: DFF<Bits<16>>,
    y8: DFF<Bits<32>>,
    // stage 9
    snz: Signal<Local, Bits<16>>,
    nw: Signal<Local, Bits<16>>,
    nrep: Signal<Local, Bits<W>>,
    fm: Signal<Local, Bits<W>>,
    yl: Signal<Local, Bits<32>>,
    yi: Signal<Local, Bits<16>>,
    yf: Signal<Local, Bits<16>>,
    yf9: DFF<Bits<16>>,
    cpl: DFF<Bits<16>>,
    oldo: DFF<Bits<16>>,
    cpl_be: Signal<Local, Bits<16>>,
    old_be: Signal<Local, Bits<16>>,
}

/// 64-bit datapath, 64-bit user tag.
pub type Remcsum64 = at_width!(Remcsum, w64; W, K, N; 64);
pub type Remcsum128 = at_width!(Remcsum, w128; W, K, N; 64);
pub type Remcsum256 = at_width!(Remcsum, w256; W, K, N; 64);
pub type Remcsum512 = at_width!(Remcsum, w512; W, K, N; 64);

impl<const W: usize, const K: usize, const N: usize, const U: usize> Remcsum<W, K, N, U> {
    pub fn new() -> Self {
        assert!(K * 8 == W && N * 16 == W && K.is_power_of_two(), "need K = W/8, N = W/16");
        assert!((4..=TREE_LEAVES).contains(&N), "W from 64 to 512");
        Self {
            clock: Default::default(),
            rst: Default::default(),
            s_axis: Default::default(),
            apply: Default::default(),
            start: Default::default(),
            offset: Default::default(),
            csum: Default::default(),
            s_user: Default::default(),
            m_axis: Default::default(),
            m_csum: Default::default(),
            m_old: Default::default(),
            m_user: Default::default(),
            kshift: Constant::new((K.trailing_zeros() as u64).into()),
            kmask: Constant::new(((K - 1) as u64).into()),
            low_lanes: std::array::from_fn(|i| {
                let mut b: Bits<K> = 0.into();
                for l in 0..i {
                    b = b.replace_bit(l, true);
                }
                Constant::new(b)
            }),
            all_lanes: Constant::new(Bits::<K>::mask()),
            word_bit: std::array::from_fn(|i| Constant::new(Bits::<N>::from(0).replace_bit(i, true))),
            word_mask: std::array::from_fn(|i| {
                let mut b: Bits<W> = 0.into();
                for l in 16 * i..16 * i + 16 {
                    b = b.replace_bit(l, true);
                }
                Constant::new(b)
            }),
            ones16: Constant::new(0xFFFF.into()),
            adv: Default::default(),
            fire: Default::default(),
            mid: Default::default(),
            bnext: Default::default(),
            v: std::array::from_fn(|_| Default::default()),
            dat: std::array::from_fn(|_| Default::default()),
            kp: std::array::from_fn(|_| Default::default()),
            lst: std::array::from_fn(|_| Default::default()),
            tu: std::array::from_fn(|_| Default::default()),
            fst: std::array::from_fn(|_| Default::default()),
            ap: std::array::from_fn(|_| Default::default()),
            cs: std::array::from_fn(|_| Default::default()),
            usr: std::array::from_fn(|_| Default::default()),
            fs: std::array::from_fn(|_| Default::default()),
            isf: std::array::from_fn(|_| Default::default()),
            fc: std::array::from_fn(|_| Default::default()),
            old: std::array::from_fn(|_| Default::default()),
            sb0: Default::default(),
            sl0: Default::default(),
            fb0: Default::default(),
            fw0: Default::default(),
            before_start: Default::default(),
            at_start: Default::default(),
            at_field: Default::default(),
            skeep: Default::default(),
            fsel: Default::default(),
            fcl: Default::default(),
            fci: Default::default(),
            pk1: Default::default(),
            mw: std::array::from_fn(|_| Default::default()),
            ow: std::array::from_fn(|_| Default::default()),
            od: Default::default(),
            t1: std::array::from_fn(|_| Default::default()),
            t2: std::array::from_fn(|_| Default::default()),
            t3: std::array::from_fn(|_| Default::default()),
            t4: std::array::from_fn(|_| Default::default()),
            t5: Default::default(),
            pacc: Default::default(),
            dacc: Default::default(),
            pbase: Default::default(),
            dbase: Default::default(),
            nold: Default::default(),
            sl: Default::default(),
            si: Default::default(),
            sf8: Default::default(),
            y8: Default::default(),
            snz: Default::default(),
            nw: Default::default(),
            nrep: Default::default(),
            fm: Default::default(),
            yl: Default::default(),
            yi: Default::default(),
            yf: Default::default(),
            yf9: Default::default(),
            cpl: Default::default(),
            oldo: Default::default(),
            cpl_be: Default::default(),
            old_be: Default::default(),
        }
    }
}

impl<const W: usize, const K: usize, const N: usize, const U: usize> Default for Remcsum<W, K, N, U> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const W: usize, const K: usize, const N: usize, const U: usize> Logic for Remcsum<W, K, N, U> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, mid, bnext, sb0, sl0, fb0, fw0, before_start, at_start, at_field, pk1, t5, pacc, dacc, sf8, y8, yf9, cpl,
            oldo
        );
        for k in 0..LATENCY {
            self.v[k].clock.next = self.clock.val();
            self.dat[k].clock.next = self.clock.val();
            self.kp[k].clock.next = self.clock.val();
            self.lst[k].clock.next = self.clock.val();
            self.tu[k].clock.next = self.clock.val();
            self.fst[k].clock.next = self.clock.val();
            self.ap[k].clock.next = self.clock.val();
            self.cs[k].clock.next = self.clock.val();
            self.usr[k].clock.next = self.clock.val();
            self.fs[k].clock.next = self.clock.val();
            self.isf[k].clock.next = self.clock.val();
            self.fc[k].clock.next = self.clock.val();
            self.old[k].clock.next = self.clock.val();
            self.v[k].d.next = self.v[k].q.val();
            self.dat[k].d.next = self.dat[k].q.val();
            self.kp[k].d.next = self.kp[k].q.val();
            self.lst[k].d.next = self.lst[k].q.val();
            self.tu[k].d.next = self.tu[k].q.val();
            self.fst[k].d.next = self.fst[k].q.val();
            self.ap[k].d.next = self.ap[k].q.val();
            self.cs[k].d.next = self.cs[k].q.val();
            self.usr[k].d.next = self.usr[k].q.val();
            self.fs[k].d.next = self.fs[k].q.val();
            self.isf[k].d.next = self.isf[k].q.val();
            self.fc[k].d.next = self.fc[k].q.val();
            self.old[k].d.next = self.old[k].q.val();
        }
        for m in 0..16 {
            self.t1[m].clock.next = self.clock.val();
            self.t1[m].d.next = self.t1[m].q.val();
        }
        for m in 0..8 {
            self.t2[m].clock.next = self.clock.val();
            self.t2[m].d.next = self.t2[m].q.val();
        }
        for m in 0..4 {
            self.t3[m].clock.next = self.clock.val();
            self.t3[m].d.next = self.t3[m].q.val();
        }
        for m in 0..2 {
            self.t4[m].clock.next = self.clock.val();
            self.t4[m].d.next = self.t4[m].q.val();
        }

        // every register moves together: the output register empty or taken
        self.adv.next = !self.v[10].q.val() || self.m_axis.tready.val();
        self.s_axis.tready.next = self.adv.val();
        self.fire.next = self.s_axis.tvalid.val() && self.adv.val();
        if self.fire.val() {
            self.mid.d.next = !self.s_axis.tlast.val();
            if self.s_axis.tlast.val() {
                self.bnext.d.next = 0.into();
            } else {
                self.bnext.d.next = self.bnext.q.val() + 1;
            }
        }

        // ---- stage 1 logic (from stage 0 registers)
        self.skeep.next = self.low_lanes[0].val();
        for i in 1..K {
            if self.sl0.q.val().index() == i {
                self.skeep.next = self.low_lanes[i].val();
            }
        }
        self.fsel.next = 0.into();
        for i in 0..N {
            if self.fw0.q.val().index() == i {
                self.fsel.next = self.word_bit[i].val();
            }
        }
        // fold of csum for frames without apply
        self.fcl.next = bit_cast::<32, 16>(self.cs[0].q.val().get_bits::<16>(0))
            + bit_cast::<32, 16>(self.cs[0].q.val().get_bits::<16>(16));
        self.fci.next = self.cs[0].q.val().get_bits::<16>(0) - !self.cs[0].q.val().get_bits::<16>(16);

        // ---- stage 2 logic: leaves of the tree (words before start) and the field's old word
        for i in 0..N {
            self.mw[i].next = 0.into();
            if self.pk1.q.val().get_bit(2 * i) {
                self.mw[i].next = (self.dat[1].q.val().get_bits::<16>(16 * i) & 0xFF).index().to_bits::<32>();
            }
            if self.pk1.q.val().get_bit(2 * i + 1) {
                self.mw[i].next =
                    self.mw[i].val() | (self.dat[1].q.val().get_bits::<16>(16 * i) & 0xFF00).index().to_bits::<32>();
            }
            self.ow[i].next = 0.into();
            if self.fs[1].q.val().get_bit(i) {
                self.ow[i].next = self.dat[1].q.val().get_bits::<16>(16 * i);
            }
        }
        for i in N..TREE_LEAVES {
            self.mw[i].next = 0.into();
        }
        self.od.next = 0.into();
        for i in 0..N {
            self.od.next = self.od.val() | self.ow[i].val();
        }

        // ---- stage 7 logic
        if self.fst[6].q.val() {
            self.pbase.next = 0.into();
            self.dbase.next = self.cs[6].q.val();
        } else {
            self.pbase.next = self.pacc.q.val();
            self.dbase.next = self.dacc.q.val();
        }

        // ---- stage 8 logic: S = fold(D) in one stage, Y = P + ~old
        self.sl.next = bit_cast::<32, 16>(self.dacc.q.val().get_bits::<16>(0))
            + bit_cast::<32, 16>(self.dacc.q.val().get_bits::<16>(16));
        self.si.next = self.dacc.q.val().get_bits::<16>(0) - !self.dacc.q.val().get_bits::<16>(16);
        self.nold.next = !self.old[7].q.val();

        // ---- stage 9 logic: new = ~S (S = 0 read as 0xFFFF) into the field; CHECKSUM_COMPLETE
        self.snz.next = self.sf8.q.val();
        if !self.sf8.q.val().any() {
            self.snz.next = self.ones16.val();
        }
        self.nw.next = !self.snz.val();
        self.nrep.next = 0.into();
        self.fm.next = 0.into();
        // only the field beat needs the masks (and rust-hdl's simulator is slow on wide shifts)
        if self.isf[8].q.val() {
            // new in every word (literal shifts: wiring), then the field's word picked by fm
            self.nrep.next = bit_cast::<W, 16>(self.nw.val());
            self.nrep.next = self.nrep.val() | (self.nrep.val() << 16);
            self.nrep.next = self.nrep.val() | (self.nrep.val() << 32);
            self.nrep.next = self.nrep.val() | (self.nrep.val() << 64);
            self.nrep.next = self.nrep.val() | (self.nrep.val() << 128);
            self.nrep.next = self.nrep.val() | (self.nrep.val() << 256);
            for i in 0..N {
                if self.fs[8].q.val().get_bit(i) {
                    self.fm.next = self.fm.val() | self.word_mask[i].val();
                }
            }
        }
        self.yl.next = bit_cast::<32, 16>(self.y8.q.val().get_bits::<16>(0))
            + bit_cast::<32, 16>(self.y8.q.val().get_bits::<16>(16));
        self.yi.next = self.y8.q.val().get_bits::<16>(0) - !self.y8.q.val().get_bits::<16>(16);
        if self.yl.val().get_bit(16) {
            self.yf.next = self.yi.val();
        } else {
            self.yf.next = self.yl.val().get_bits::<16>(0);
        }
        // the fold is 0 exactly when both halves are (a carry leaves at least 1), so the
        // zero test reads the register instead of waiting for the fold
        if !self.y8.q.val().any() {
            self.yf.next = self.ones16.val();
        }

        if self.adv.val() {
            // stage 0
            self.v[0].d.next = self.s_axis.tvalid.val();
            self.dat[0].d.next = self.s_axis.tdata.val();
            self.kp[0].d.next = self.s_axis.tkeep.val();
            self.lst[0].d.next = self.s_axis.tlast.val();
            self.tu[0].d.next = self.s_axis.tuser.val();
            self.fst[0].d.next = !self.mid.q.val();
            // a first beat is beat 0 against the positions it brings; later beats against the held ones.
            // Outside a frame the parameters are taken whether or not a beat comes (a bubble's
            // stage values are never used, and the frame's first beat takes them again): keeping
            // `tvalid` out of these enables keeps the upstream FIFO's empty flag off this path.
            self.before_start.d.next = self.bnext.q.val() < self.sb0.q.val();
            self.at_start.d.next = self.bnext.q.val() == self.sb0.q.val();
            self.at_field.d.next = self.bnext.q.val() == self.fb0.q.val();
            if !self.mid.q.val() {
                self.before_start.d.next = (self.start.val() >> self.kshift.val()) != 0;
                self.at_start.d.next = (self.start.val() >> self.kshift.val()) == 0;
                self.at_field.d.next = (self.offset.val() >> self.kshift.val()) == 0;
                self.ap[0].d.next = self.apply.val();
                self.cs[0].d.next = self.csum.val();
                self.usr[0].d.next = self.s_user.val();
                self.sb0.d.next = self.start.val() >> self.kshift.val();
                self.sl0.d.next = self.start.val() & self.kmask.val();
                self.fb0.d.next = self.offset.val() >> self.kshift.val();
                self.fw0.d.next = (self.offset.val() & self.kmask.val()) >> 1;
            }
            for k in 1..LATENCY {
                self.v[k].d.next = self.v[k - 1].q.val();
                self.dat[k].d.next = self.dat[k - 1].q.val();
                self.kp[k].d.next = self.kp[k - 1].q.val();
                self.lst[k].d.next = self.lst[k - 1].q.val();
                self.tu[k].d.next = self.tu[k - 1].q.val();
                self.fst[k].d.next = self.fst[k - 1].q.val();
                self.ap[k].d.next = self.ap[k - 1].q.val();
                self.cs[k].d.next = self.cs[k - 1].q.val();
                self.usr[k].d.next = self.usr[k - 1].q.val();
                self.fs[k].d.next = self.fs[k - 1].q.val();
                self.isf[k].d.next = self.isf[k - 1].q.val();
                self.fc[k].d.next = self.fc[k - 1].q.val();
                self.old[k].d.next = self.old[k - 1].q.val();
            }
            // stage 1: lanes before start, the field's word, fold of csum
            if self.before_start.q.val() {
                self.pk1.d.next = self.all_lanes.val();
            } else if self.at_start.q.val() {
                self.pk1.d.next = self.skeep.val();
            } else {
                self.pk1.d.next = 0.into();
            }
            self.isf[1].d.next = self.ap[0].q.val() && self.at_field.q.val();
            if self.ap[0].q.val() && self.at_field.q.val() {
                self.fs[1].d.next = self.fsel.val();
            } else {
                self.fs[1].d.next = 0.into();
            }
            if self.fcl.val().get_bit(16) {
                self.fc[1].d.next = self.fci.val();
            } else {
                self.fc[1].d.next = self.fcl.val().get_bits::<16>(0);
            }
            // stage 2..6: the tree
            for m in 0..16 {
                self.t1[m].d.next = self.mw[2 * m].val() + self.mw[2 * m + 1].val();
            }
            self.old[2].d.next = self.od.val();
            for m in 0..8 {
                self.t2[m].d.next = self.t1[2 * m].q.val() + self.t1[2 * m + 1].q.val();
            }
            for m in 0..4 {
                self.t3[m].d.next = self.t2[2 * m].q.val() + self.t2[2 * m + 1].q.val();
            }
            for m in 0..2 {
                self.t4[m].d.next = self.t3[2 * m].q.val() + self.t3[2 * m + 1].q.val();
            }
            self.t5.d.next = self.t4[0].q.val() + self.t4[1].q.val();
            // stage 7: P and D = csum - P (exact: P <= csum)
            if self.v[6].q.val() {
                self.pacc.d.next = self.pbase.val() + self.t5.q.val();
                self.dacc.d.next = self.dbase.val() - self.t5.q.val();
            }
            // stage 8
            if self.sl.val().get_bit(16) {
                self.sf8.d.next = self.si.val();
            } else {
                self.sf8.d.next = self.sl.val().get_bits::<16>(0);
            }
            self.y8.d.next = self.pacc.q.val() + bit_cast::<32, 16>(self.nold.val());
            // stage 9
            if self.isf[8].q.val() {
                self.dat[9].d.next = (self.dat[8].q.val() & !self.fm.val()) | (self.nrep.val() & self.fm.val());
            }
            self.yf9.d.next = self.yf.val();
            // stage 10: the frame's value holds from its field beat to its last beat
            if self.v[9].q.val() {
                if self.ap[9].q.val() {
                    if self.isf[9].q.val() {
                        self.cpl.d.next = self.yf9.q.val();
                        self.oldo.d.next = self.old[9].q.val();
                    }
                } else {
                    self.cpl.d.next = self.fc[9].q.val();
                    self.oldo.d.next = 0.into();
                }
            }
        }

        self.m_axis.tvalid.next = self.v[10].q.val();
        self.m_axis.tdata.next = self.dat[10].q.val();
        self.m_axis.tkeep.next = self.kp[10].q.val();
        self.m_axis.tlast.next = self.lst[10].q.val();
        self.m_axis.tuser.next = self.tu[10].q.val();
        self.m_user.next = self.usr[10].q.val();
        self.cpl_be.next = (self.cpl.q.val() << 8) | (self.cpl.q.val() >> 8);
        self.old_be.next = (self.oldo.q.val() << 8) | (self.oldo.q.val() >> 8);
        self.m_csum.next = self.cpl_be.val();
        self.m_old.next = self.old_be.val();
        // reset: the frame state (mid, beat number) and the valid line
        if self.rst.val() {
            self.mid.d.next = false;
            self.bnext.d.next = 0.into();
            for k in 0..LATENCY {
                self.v[k].d.next = false;
            }
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::stream::{lane_mask, lanes_of, tdata_from_lanes};

    /// xorshift64*: the benches' random source (no crate dependency in hdl/)
    pub(crate) struct Rng(pub u64);
    impl Rng {
        pub fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }
        pub fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
        pub fn chance(&mut self, p: f64) -> bool {
            ((self.next() >> 11) as f64) / ((1u64 << 53) as f64) < p
        }
    }

    /// RFC 1071 section 4.1: big-endian words, odd byte padded, 32-bit accumulator, end-around fold.
    pub(crate) fn rfc1071(data: &[u8]) -> u16 {
        let mut sum: u32 = 0;
        let mut i = 0;
        while i + 1 < data.len() {
            sum += ((data[i] as u32) << 8) | data[i + 1] as u32;
            i += 2;
        }
        if i < data.len() {
            sum += (data[i] as u32) << 8;
        }
        while sum >> 16 != 0 {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        sum as u16
    }

    /// The `csum` input as the caller forms it: exact sum of little-endian 16-bit words.
    pub(crate) fn plain_le_sum(data: &[u8]) -> u32 {
        data.chunks(2).map(|w| w[0] as u32 | (*w.get(1).unwrap_or(&0) as u32) << 8).sum()
    }

    /// The kernel's arithmetic (`csum_add` end-around on 32 bits, `csum_partial`,
    /// `remcsum_adjust`, then `csum_add(csum, delta)` folded), written here from the kernel's
    /// definitions: returns (new field, CHECKSUM_COMPLETE).
    fn kernel_remcsum(frame: &[u8], start: usize, offset: usize) -> (u16, u16) {
        fn add(a: u32, b: u32) -> u32 {
            let (r, c) = a.overflowing_add(b);
            r.wrapping_add(c as u32)
        }
        fn partial(b: &[u8]) -> u32 {
            let mut acc = 0u64;
            for w in b.chunks(2) {
                acc += ((w[0] as u64) << 8) | *w.get(1).unwrap_or(&0) as u64;
            }
            while acc >> 32 != 0 {
                acc = (acc & 0xFFFF_FFFF) + (acc >> 32);
            }
            acc as u32
        }
        fn fold(c: u32) -> u16 {
            let s = (c & 0xFFFF) + (c >> 16);
            ((s & 0xFFFF) + (s >> 16)) as u16
        }
        let csum = partial(frame);
        let c = add(csum, !partial(&frame[..start]));
        let new = !fold(c);
        let old = u16::from_be_bytes([frame[offset], frame[offset + 1]]);
        let delta = add(new as u32, !(old as u32));
        (new, fold(add(csum, delta)))
    }

    #[derive(Clone, Debug)]
    pub(crate) struct Frame {
        pub bytes: Vec<u8>,
        pub apply: bool,
        pub start: usize,
        pub offset: usize,
        pub user: u64,
    }

    /// Expected output bytes, `m_csum`, `m_old`: the field is ~fold(sum(frame[start..])) with a
    /// zero sum read as 0xFFFF; the CHECKSUM_COMPLETE is recomputed over the output bytes
    /// (RFC 1071) with 0 read as 0xFFFF, and cross-checked with the kernel's formula.
    pub(crate) fn expect(f: &Frame) -> (Vec<u8>, u16, u16) {
        let mut out = f.bytes.clone();
        if !f.apply {
            return (out, rfc1071(&f.bytes), 0);
        }
        let mut s = rfc1071(&f.bytes[f.start..]);
        if s == 0 {
            s = 0xFFFF;
        }
        let new = !s;
        let old = u16::from_be_bytes([f.bytes[f.offset], f.bytes[f.offset + 1]]);
        out[f.offset..f.offset + 2].copy_from_slice(&new.to_be_bytes());
        let mut c = rfc1071(&out);
        if c == 0 {
            c = 0xFFFF;
        }
        assert_eq!(kernel_remcsum(&f.bytes, f.start, f.offset), (new, c), "references disagree");
        (out, c, old)
    }

    /// Random frame: lengths in `lens`, contents random or degenerate (all 0xFF, all 0, zero
    /// from `start`: the sums that hit the folds' carries and the 0 -> 0xFFFF rule).
    pub(crate) fn random_frame(r: &mut Rng, lo: usize, hi: usize) -> Frame {
        let len = lo + r.below((hi - lo + 1) as u64) as usize;
        let apply = r.chance(0.6);
        let start = 2 * r.below(((len - 4) / 2 + 1) as u64) as usize;
        let room = (len - 2 - start) / 2; // even offsets from start + 2 to len - 2
        let offset = match r.below(3) {
            0 if start + 8 <= len => start + 6,
            1 if start + 18 <= len => start + 16,
            _ => start + 2 + 2 * r.below(room as u64) as usize,
        };
        assert!(offset + 2 <= len && offset >= start + 2 && offset % 2 == 0);
        let kind = r.below(20);
        let bytes: Vec<u8> = (0..len)
            .map(|i| match kind {
                0 | 1 => 0xFF,
                2 => 0,
                3 if i >= start => 0,
                4 => (r.below(2) * 0xFF) as u8,
                _ => r.next() as u8,
            })
            .collect();
        Frame { bytes, apply, start, offset, user: r.next() }
    }

    struct Out {
        bytes: Vec<u8>,
        csum: u16,
        old: u16,
        user: u64,
    }

    /// Drive `frames` through the block with input idles and output stalls; returns the
    /// frames as they came out and the cycle of each input/output handshake.
    fn run<const W: usize, const K: usize, const N: usize>(
        frames: &[Frame],
        p_idle: f64,
        p_stall: f64,
        seed: u64,
    ) -> (Vec<Out>, Vec<u64>, Vec<u64>) {
        let mut u = Remcsum::<W, K, N, 64>::new();
        u.connect_all();
        let mut r = Rng(seed);
        let beats: Vec<(usize, usize)> = frames
            .iter()
            .enumerate()
            .flat_map(|(i, f)| (0..f.bytes.len().div_ceil(K)).map(move |b| (i, b)))
            .collect();
        let total = beats.len();
        let (mut ni, mut outs, mut cur) = (0usize, vec![], Vec::<u8>::new());
        let (mut tin, mut tout) = (vec![], vec![]);
        let mut cyc = 0u64;
        while outs.len() < frames.len() {
            assert!(cyc < 40 * total as u64 + 1000, "stuck");
            u.clock.next = false.into();
            let offer = ni < total && !r.chance(p_idle);
            u.s_axis.tvalid.next = offer;
            // parameters are garbage except with a first beat: the block must latch them
            u.apply.next = r.chance(0.5);
            u.start.next = (r.below(1 << 16)).into();
            u.offset.next = (r.below(1 << 16)).into();
            u.csum.next = (r.next() & 0xFFFF_FFFF).into();
            u.s_user.next = r.next().into();
            if ni < total {
                let (fi, b) = beats[ni];
                let f = &frames[fi];
                let chunk = &f.bytes[b * K..f.bytes.len().min((b + 1) * K)];
                let mut lanes = chunk.to_vec();
                lanes.resize(K, 0xA5);
                u.s_axis.tdata.next = tdata_from_lanes::<W>(&lanes);
                u.s_axis.tkeep.next = lane_mask(chunk.len()).into();
                u.s_axis.tlast.next = (b + 1) * K >= f.bytes.len();
                u.s_axis.tuser.next = false;
                if b == 0 {
                    u.apply.next = f.apply;
                    u.start.next = (f.start as u64).into();
                    u.offset.next = (f.offset as u64).into();
                    u.csum.next = (plain_le_sum(&f.bytes) as u64).into();
                    u.s_user.next = f.user.into();
                }
            }
            u.m_axis.tready.next = !r.chance(p_stall);
            assert!(simulate(&mut u, 200));
            if offer && u.s_axis.tready.val() {
                ni += 1;
                tin.push(cyc);
            }
            if u.m_axis.tvalid.val() && u.m_axis.tready.val() {
                tout.push(cyc);
                let f = &frames[outs.len()];
                let keep = u.m_axis.tkeep.val().to_u64();
                let n = (f.bytes.len() - cur.len()).min(K);
                assert_eq!(keep, lane_mask(n), "tkeep, frame {}", outs.len());
                assert_eq!(u.m_axis.tlast.val(), n + cur.len() == f.bytes.len(), "tlast, frame {}", outs.len());
                cur.extend_from_slice(&lanes_of::<W>(&u.m_axis.tdata.val())[..n]);
                if u.m_axis.tlast.val() {
                    outs.push(Out {
                        bytes: std::mem::take(&mut cur),
                        csum: u.m_csum.val().to_u64() as u16,
                        old: u.m_old.val().to_u64() as u16,
                        user: u.m_user.val().to_u64(),
                    });
                }
            }
            u.clock.next = true.into();
            assert!(simulate(&mut u, 200));
            cyc += 1;
        }
        (outs, tin, tout)
    }

    fn check<const W: usize, const K: usize, const N: usize>(seed: u64, n: usize, p_idle: f64, p_stall: f64) {
        let mut r = Rng(seed);
        let frames: Vec<Frame> = (0..n).map(|_| random_frame(&mut r, 14, 2000)).collect();
        let (outs, _, _) = run::<W, K, N>(&frames, p_idle, p_stall, seed ^ 0x5555);
        let (mut applied, mut zero_s) = (0, 0);
        for (i, (f, o)) in frames.iter().zip(&outs).enumerate() {
            let (bytes, csum, old) = expect(f);
            assert!(o.bytes == bytes, "W={W} frame {i} ({f:?}) data");
            assert_eq!(o.csum, csum, "W={W} frame {i} csum (apply {})", f.apply);
            if f.apply {
                assert_eq!(o.old, old, "W={W} frame {i} old");
                applied += 1;
                zero_s += (rfc1071(&f.bytes[f.start..]) == 0) as usize;
            }
            assert_eq!(o.user, f.user, "W={W} frame {i} user");
        }
        assert!(applied > n / 3 && zero_s > 0, "coverage: {applied} applied, {zero_s} with S = 0");
    }

    #[test]
    fn random_frames_w64() {
        check::<64, 8, 4>(1, 120, 0.2, 0.3);
    }

    #[test]
    fn random_frames_w128() {
        check::<128, 16, 8>(2, 120, 0.2, 0.3);
    }

    #[test]
    fn random_frames_w256() {
        check::<256, 32, 16>(3, 150, 0.2, 0.3);
    }

    #[test]
    fn random_frames_w512() {
        check::<512, 64, 32>(4, 200, 0.2, 0.3);
    }

    /// Short frames only (1 or 2 beats at W = 512), back to back, no stalls: one beat out per
    /// clock, each LATENCY clocks after it went in.
    #[test]
    fn fixed_latency_no_bubble_w512() {
        let mut r = Rng(9);
        let frames: Vec<Frame> = (0..300).map(|_| random_frame(&mut r, 14, 128)).collect();
        let (outs, tin, tout) = run::<512, 64, 32>(&frames, 0.0, 0.0, 10);
        assert_eq!(tin.len(), tout.len());
        for (a, b) in tin.iter().zip(&tout) {
            assert_eq!(b - a, LATENCY as u64);
        }
        assert!(tin.windows(2).all(|w| w[1] == w[0] + 1), "input bubble");
        for (f, o) in frames.iter().zip(&outs) {
            let (bytes, csum, _) = expect(f);
            assert!(o.bytes == bytes && o.csum == csum);
        }
    }

    #[test]
    fn verilog_generates() {
        let mut u = Remcsum512::new();
        u.connect_all();
        let v = generate_verilog(&u);
        assert!(v.contains("module top"));
    }
}
