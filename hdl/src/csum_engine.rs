//! `CsumEngine`: streaming ones'-complement sum of a byte range of each packet.
//!
//! # Contract
//! * Input: an AXI4-Stream sink, one beat per clock, `tready` constantly high (never stalls),
//!   back-to-back packets allowed. Every beat but the last is full; the last has contiguous
//!   low `tkeep` lanes. Packets must be shorter than 65535 bytes (offsets are 16 bits).
//! * `csum_start`, `csum_end`: byte offsets (from the packet's first byte) of the summed
//!   range `[csum_start, csum_end)`. Sampled on every beat, so the driver may change
//!   `csum_end` mid-packet, as long as it is right before the first beat it affects.
//!   `csum_end = 0xFFFF` means "to `tlast`". (`end` itself is a Verilog keyword, hence
//!   the `csum_` prefix.)
//! * Output per packet: a one-cycle `sum_valid` pulse with `sum` = the folded,
//!   un-complemented sum (`fold(csum_partial(pkt[start..end], 0))` of the golden model,
//!   CHECKSUM_COMPLETE style: 0 only if every byte of the range is 0, 0xFFFF for other
//!   multiples of 0xFFFF) and `csum = !sum` (`csum_fold`). `sum`/`csum` hold until the next
//!   pulse.
//! * Latency: if the last beat of a packet is on the bus in cycle `c`, `sum_valid` is high
//!   in cycle `c + L`, `L = `[`latency`]`(W)` = [`CsumEngine::LATENCY`]: 7 at W=64, 8 at
//!   128, 9 at 256, 10 at 512 (one more per [`LEVELS_PER_STAGE`] adder levels of the tree).
//!
//! # Pipeline
//! | stage | registers | does |
//! |---|---|---|
//! | window A | `pos`, `rb[N]`, `kr`, `s_neg s_z e_neg e_z`, `ts[K]`, `te[K]`, `dn[0] os[0]` | the beat as it is; where it lies against the bounds' beats; the bounds' lanes decoded |
//! | window B | `ev[N]`, `od[N]` | each byte lane registered, or 0 outside `[start, end)` and `tkeep` |
//! | tree (T stages) | `nr[..]` every [`LEVELS_PER_STAGE`] levels and at the root | adder tree of the `N = W/16` words, widths growing a bit a level |
//! | root fold | `rf` | root to 16 bits (`lo + hi`, the few-bit carry fixed up) |
//! | accumulate | `acc`, `tot`, `done_t odd_t` | `acc[15:0] + rf + acc[16]`: kept, or copied to `tot` and `acc` cleared on a packet's last beat |
//! | fold | `sum_r valid_r` | `tot[15:0] + tot[16]`, byte swap unless the start was odd |
//!
//! Why it is built this way (timing and area on ECP5 against Corundum's `rx_checksum.v`,
//! `scripts/csum-compare.sh`; figures in docs/csum-engine.md):
//! * No path does more than a couple of carry chains or a few LUT levels, at any width.
//!   The window is split in two clocks so that neither the bound comparison nor the
//!   lane decode is in series with the byte registers: clock A compares the beat number
//!   `pos` with each bound's beat (one subtraction each: negative, zero) and decodes the
//!   bounds' lane numbers into per-lane flags (`ts`, `te`: a 3-bit decode and, above 8
//!   lanes, an 8-group decode, never a compare per lane, which Yosys builds as a carry
//!   chain per lane), while the beat waits in `rb`. Clock B loads each byte or 0 through
//!   the flip-flops' synchronous reset: the masking is one LUT pair per lane, no LUT per
//!   data bit.
//! * The accumulator keeps its end-around carry in bit 16 and adds it back as the next
//!   add's carry-in (Yosys maps a one-bit addend onto the chain's carry input), so the
//!   accumulate loop is one 17-bit chain and the fold at the end is one more chain with
//!   a small fix-up (`x + c` overflows only into the low bits).
//! * The tree has no end-around carry inside it: level `l` adds `16 + l`-bit values,
//!   registered after every [`LEVELS_PER_STAGE`] levels and at the root, and the root is
//!   folded to 16 bits in a stage of its own; the latency grows by one clock per register
//!   level. The same tree at every width: at 64 bits an earlier one-stage tree deferred its
//!   16-bit adders' carries to the next beat, which saved two clocks and a few LUTs but put
//!   two carry chains in series behind the byte registers.
//! * `acc` does not restart through a multiplexer: on the last beat the sum goes to `tot`
//!   (clock enable) and `acc` is cleared (synchronous reset). Idle beats add 0.
//!   `csum` is `!sum` on the output wires.
//!
//! Words are taken as little-endian 16-bit slices of `tdata` (lane `2i` low), which is the
//! byte-swap of the wire's big-endian words. Ones'-complement sums commute with a byte swap
//! (RFC 1071), so the whole sum is swapped once at the end instead of per word. The kernel
//! pairs bytes from `pkt[start]`, so for an odd start the positional sum is swapped once
//! more: the result is `odd ? L : swap(L)` where `L` is the little-endian sum. The fold
//! keeps 0 as 0 and maps non-zero multiples of 0xFFFF to 0xFFFF, exactly
//! `rco_golden::csum::fold` (an end-around carry never turns a non-zero value into 0).
//!
//! # rust-hdl 0.46 findings that shaped this file
//! * `W/8`, `W/16` cannot be computed in const generics on stable: the engine takes
//!   `<W, K, N>` and [`CsumEngine::new`] checks `K = W/8`, `N = W/16`; use the aliases.
//! * `#[hdl_gen]` has no `let`: temporaries are `Signal<Local, _>` fields.
//! * `for` loops are unrolled by the Verilog generator, and an array index such as
//!   `word[2*m+1]` is evaluated with only the loop variables in scope: a const generic in
//!   an index (`node[N-2]`) panics at export. The tree therefore runs inside a one-trip
//!   loop `for n in N..N+1` that binds the value `N` to a loop variable.
//! * Loop bounds are pasted as `<bound>.into()`, so `0..N / 2` becomes `N / 2.into()` and
//!   fails type inference: write `0..(N / 2)`.
//! * Calls like `bit_cast`/`Bits::from` are evaluated at export time to learn the width,
//!   so they cannot take a loop variable. Zero-extension inside loops is written
//!   `x.index().to_bits::<24>()` (both map to the bare signal in Verilog, where the
//!   assignment context widens it).
//! * Rust `const`s are pasted into the Verilog by name, so per-width choices made in
//!   [`CsumEngine::new`] (which tree nodes are registered, the control taps, which tree)
//!   are `Constant` fields and `if`s on their bits; Yosys folds the constant branches and
//!   drops the tree that is not used.
//! * A signal cannot be built bit by bit (`x.next = x.val() | ..` in a loop reads the
//!   signal being written): per-lane flags are arrays of one-bit registers.
//! * `dff_setup!` does not take array elements: array DFFs are clocked by hand in a loop.
//! * Arrays of blocks/signals are named `nr$3` in Verilog and VCD.
//! * `Bits` up to 32 bits is a `u32`; wider is a `[bool; W]`, and shifts on it are slow.
//!   Only `tdata` is wide here (one `get_bits` per word per clock).
//! * Verilog keywords are not escaped: no field may be called `end`.
//! * `generate_verilog` panics in its connection check unless `connect_all()` ran first.
//! * A spare array slot is an unused signal for `verilator -Wall`: the tree's spare node
//!   is driven with 0 and OR-ed into the root (free after synthesis) to keep lint clean,
//!   and every node has a register whose output is either used or folded away.
//! * Registers start at 0 through Verilog `initial` (rust-hdl's DFF).
//!
//! # Reset
//! `rst` (synchronous, active high) returns `pos`, the last-beat line `dn`, `acc`, `done_t`,
//! `valid_r` and the registers that reach `acc` without a valid flag (`kr`, `ev`/`od`, the
//! tree `nr`, `rf`) to 0, so the next packet after it starts at beat 0 and sums nothing of a
//! packet cut by the reset. Not reset (data): `rb`, the bound flags (`s_*`, `e_*`, `ts`, `te`),
//! the odd-start line `os`, `tot`, `odd_t`, `sum_r` (read only with `sum_valid`).

use crate::stream::AxisSink;
use rust_hdl::prelude::*;

/// Adder-tree levels between two register levels (and at most that many carry chains in
/// series on any tree path). One: with two, Yosys merges each pair of levels into a
/// multi-operand add and maps it as LUT full adders before one chain, which costs more
/// LUTs than two chains.
pub const LEVELS_PER_STAGE: usize = 1;

/// Register levels of the adder tree at `w` bits: `ceil(log2(w/16) / LEVELS_PER_STAGE)`.
pub const fn tree_stages(w: usize) -> usize {
    let mut levels: usize = 0;
    while (16 << levels) < w {
        levels += 1;
    }
    levels.div_ceil(LEVELS_PER_STAGE)
}

/// Clock edges from accepting a packet's last beat to `sum_valid` at `w` bits: window A,
/// window B, the tree, the root fold, accumulate, fold.
pub const fn latency(w: usize) -> usize {
    5 + tree_stages(w)
}

#[derive(LogicBlock)]
pub struct CsumEngine<const W: usize, const K: usize, const N: usize> {
    pub clock: Signal<In, Clock>,
    /// synchronous reset, active high: see the module doc
    pub rst: Signal<In, Bit>,
    pub s_axis: AxisSink<W, K>,
    pub csum_start: Signal<In, Bits<16>>,
    pub csum_end: Signal<In, Bits<16>>,
    pub sum_valid: Signal<Out, Bit>,
    pub sum: Signal<Out, Bits<16>>,
    pub csum: Signal<Out, Bits<16>>,
    // ---- window A
    /// log2(K); the bits a beat number can have; the sign and the other bits of a
    /// difference of two beat numbers; K - 1
    l2k: Constant<Bits<16>>,
    beat_idx_mask: Constant<Bits<16>>,
    diff_sign: Constant<Bits<16>>,
    diff_low: Constant<Bits<16>>,
    lane_mask: Constant<Bits<16>>,
    /// 0xFF, 0xFE, 1 (decode patterns)
    c_ff: Constant<Bits<8>>,
    c_fe: Constant<Bits<8>>,
    c_one: Constant<Bits<8>>,
    c_zero: Constant<Bits<8>>,
    /// always 0: reads the group decodes' bits that fewer than 64 lanes leave unused, OR-ed
    /// into one lane's flag (lint clean, folded away by Yosys)
    spare: Signal<Local, Bit>,
    /// beat number of the beat on the bus within its packet
    pos: DFF<Bits<16>>,
    /// bound's beat number minus `pos` (wrapping; `diff_sign` set when the bound is before)
    sd: Signal<Local, Bits<16>>,
    ed: Signal<Local, Bits<16>>,
    /// start before this beat / in it; end before this beat (or no beat) / in it
    s_neg: DFF<Bit>,
    s_z: DFF<Bit>,
    e_neg: DFF<Bit>,
    e_z: DFF<Bit>,
    /// the bounds' lane numbers split into a lane within a group of 8 and a group, decoded:
    /// `cs_lo[l]` = l >= start's low part, `s_gt[g]` = g > start's group, `s_eqg[g]` = g is
    /// it; `ce_lo[l]` = l < end's low part, `e_lt`, `e_eqg` likewise
    sl: Signal<Local, Bits<16>>,
    el: Signal<Local, Bits<16>>,
    sg: Signal<Local, Bits<16>>,
    eg: Signal<Local, Bits<16>>,
    cs_lo: Signal<Local, Bits<8>>,
    ce_lo: Signal<Local, Bits<8>>,
    s_gt: Signal<Local, Bits<8>>,
    s_eqg: Signal<Local, Bits<8>>,
    e_lt: Signal<Local, Bits<8>>,
    e_eqg: Signal<Local, Bits<8>>,
    /// per lane: at or after the start lane, before the end lane (within the bounds' beats)
    ts: [DFF<Bit>; K],
    te: [DFF<Bit>; K],
    /// the beat and its `tkeep`, as they came
    rb: [DFF<Bits<16>>; N],
    kr: DFF<Bits<K>>,
    // ---- window B: lane 2i (bits 7:0 of word i) and lane 2i+1 (bits 15:8), 0 outside
    ev: [DFF<Bits<16>>; N],
    od: [DFF<Bits<16>>; N],
    /// per-beat controls delayed along the pipeline: a last beat (`dn`), an odd start (`os`)
    dn: [DFF<Bit>; 8],
    os: [DFF<Bit>; 8],
    /// the one bit set is the delay of `dn`/`os` that lines up with `rf`
    tap: Constant<Bits<8>>,
    wd: [Signal<Local, Bits<16>>; N],
    // ---- tree: nd[m] for m < N/2 adds two words, above that two nodes; nr[m] is its
    // register, nv[m] what its parent reads (nr[m] where `reg_at` has bit m, else nd[m])
    reg_at: Constant<Bits<N>>,
    nd: [Signal<Local, Bits<24>>; N],
    nr: [DFF<Bits<24>>; N],
    nv: [Signal<Local, Bits<24>>; N],
    tsum: Signal<Local, Bits<24>>,
    /// root folded: lo + hi (17 bits), then its carry added into the low byte (with a
    /// carry the low half is below 2^8, so no carry leaves the byte)
    rfa: Signal<Local, Bits<17>>,
    rf: DFF<Bits<16>>,
    // ---- accumulate
    done_root: Signal<Local, Bit>,
    odd_root: Signal<Local, Bit>,
    accs: Signal<Local, Bits<17>>,
    acc: DFF<Bits<17>>,
    tot: DFF<Bits<17>>,
    done_t: DFF<Bit>,
    odd_t: DFF<Bit>,
    // ---- fold
    fb: Signal<Local, Bits<17>>,
    ff: Signal<Local, Bits<16>>,
    sum_r: DFF<Bits<16>>,
    valid_r: DFF<Bit>,
}

/// 64-bit datapath (10 Gb/s at 156.25 MHz).
pub type CsumEngine64 = at_width!(CsumEngine, w64; W, K, N);
/// 128-bit datapath.
pub type CsumEngine128 = at_width!(CsumEngine, w128; W, K, N);
/// 256-bit datapath.
pub type CsumEngine256 = at_width!(CsumEngine, w256; W, K, N);
/// 512-bit datapath.
pub type CsumEngine512 = at_width!(CsumEngine, w512; W, K, N);

impl<const W: usize, const K: usize, const N: usize> CsumEngine<W, K, N> {
    /// Clock edges from a packet's last beat to its `sum_valid` ([`latency`]`(W)`).
    pub const LATENCY: usize = latency(W);

    pub fn new() -> Self {
        assert!(
            W.is_multiple_of(64) && (64..=512).contains(&W) && K * 8 == W && N * 16 == W,
            "need W in 64..=512, K = W/8, N = W/16"
        );
        assert!(
            N.is_power_of_two(),
            "the adder tree wants a power-of-two word count"
        );
        let stages = tree_stages(W);
        // the control bits line up with `rf`: window A, B, the T tree stages, the root fold
        let tap = 2 + stages;
        assert!(tap < 8, "control delay lines are 8 long");
        assert_eq!(latency(W), tap + 3);
        // node m's level: 1 for m < N/2, then 2 for the next N/4, ...; the root is N-2
        let levels = N.trailing_zeros() as usize;
        let mut reg_at = 0u64;
        let (mut first, mut count) = (0usize, N / 2);
        for level in 1..=levels {
            if level % LEVELS_PER_STAGE == 0 || level == levels {
                for m in first..first + count {
                    reg_at |= 1 << m;
                }
            }
            first += count;
            count /= 2;
        }
        let l2k = K.trailing_zeros() as u64;
        let sign = 1u64 << (16 - l2k);
        Self {
            clock: Default::default(),
            rst: Default::default(),
            s_axis: Default::default(),
            csum_start: Default::default(),
            csum_end: Default::default(),
            sum_valid: Default::default(),
            sum: Default::default(),
            csum: Default::default(),
            l2k: Constant::new(l2k.into()),
            beat_idx_mask: Constant::new((0xFFFF >> l2k).into()),
            diff_sign: Constant::new(sign.into()),
            diff_low: Constant::new((sign - 1).into()),
            lane_mask: Constant::new(((K - 1) as u64).into()),
            c_ff: Constant::new(0xFF.into()),
            c_fe: Constant::new(0xFE.into()),
            c_one: Constant::new(1.into()),
            c_zero: Constant::new(0.into()),
            spare: Default::default(),
            pos: Default::default(),
            sd: Default::default(),
            ed: Default::default(),
            s_neg: Default::default(),
            s_z: Default::default(),
            e_neg: Default::default(),
            e_z: Default::default(),
            sl: Default::default(),
            el: Default::default(),
            sg: Default::default(),
            eg: Default::default(),
            cs_lo: Default::default(),
            ce_lo: Default::default(),
            s_gt: Default::default(),
            s_eqg: Default::default(),
            e_lt: Default::default(),
            e_eqg: Default::default(),
            ts: std::array::from_fn(|_| Default::default()),
            te: std::array::from_fn(|_| Default::default()),
            rb: std::array::from_fn(|_| Default::default()),
            kr: Default::default(),
            ev: std::array::from_fn(|_| Default::default()),
            od: std::array::from_fn(|_| Default::default()),
            dn: std::array::from_fn(|_| Default::default()),
            os: std::array::from_fn(|_| Default::default()),
            tap: Constant::new((1u64 << tap).into()),
            wd: std::array::from_fn(|_| Default::default()),
            reg_at: Constant::new(reg_at.into()),
            nd: std::array::from_fn(|_| Default::default()),
            nr: std::array::from_fn(|_| Default::default()),
            nv: std::array::from_fn(|_| Default::default()),
            tsum: Default::default(),
            rfa: Default::default(),
            rf: Default::default(),
            done_root: Default::default(),
            odd_root: Default::default(),
            accs: Default::default(),
            acc: Default::default(),
            tot: Default::default(),
            done_t: Default::default(),
            odd_t: Default::default(),
            fb: Default::default(),
            ff: Default::default(),
            sum_r: Default::default(),
            valid_r: Default::default(),
        }
    }
}

impl<const W: usize, const K: usize, const N: usize> Default for CsumEngine<W, K, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const W: usize, const K: usize, const N: usize> Logic for CsumEngine<W, K, N> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, pos, s_neg, s_z, e_neg, e_z, kr, rf, acc, tot, done_t, odd_t, sum_r,
            valid_r
        );
        // A sink that never stalls.
        self.s_axis.tready.next = true;

        // ---- window A. Byte `K * pos + j` is lane j of beat `pos`. Each bound's beat
        // number minus `pos` says before / this beat / after; its lane number is decoded
        // into per-lane flags here, combined with those in window B.
        self.sd.next = (self.csum_start.val() >> self.l2k.val()) - self.pos.q.val();
        self.ed.next = (self.csum_end.val() >> self.l2k.val()) - self.pos.q.val();
        self.s_neg.d.next = (self.sd.val() & self.diff_sign.val()).any();
        self.s_z.d.next = !(self.sd.val() & self.diff_low.val()).any();
        self.e_neg.d.next =
            (self.ed.val() & self.diff_sign.val()).any() || !self.s_axis.tvalid.val();
        self.e_z.d.next = !(self.ed.val() & self.diff_low.val()).any();
        self.sl.next = self.csum_start.val() & 7;
        self.el.next = self.csum_end.val() & 7;
        self.sg.next = (self.csum_start.val() & self.lane_mask.val()) >> 3;
        self.eg.next = (self.csum_end.val() & self.lane_mask.val()) >> 3;
        self.cs_lo.next = self.c_ff.val() << self.sl.val();
        self.ce_lo.next = !(self.c_ff.val() << self.el.val());
        self.s_gt.next = self.c_fe.val() << self.sg.val();
        self.s_eqg.next = self.c_one.val() << self.sg.val();
        self.e_lt.next = !(self.c_ff.val() << self.eg.val());
        self.e_eqg.next = self.c_one.val() << self.eg.val();
        self.spare.next = ((self.s_gt.val() | self.s_eqg.val() | self.e_lt.val() | self.e_eqg.val())
            & self.c_zero.val())
            .any();
        for g in 0..(K / 8) {
            for l in 0..8 {
                self.ts[8 * g + l].clock.next = self.clock.val();
                self.te[8 * g + l].clock.next = self.clock.val();
                self.ts[8 * g + l].d.next = self.s_gt.val().get_bit(g)
                    || (self.s_eqg.val().get_bit(g) && self.cs_lo.val().get_bit(l))
                    || self.spare.val();
                self.te[8 * g + l].d.next = self.e_lt.val().get_bit(g)
                    || (self.e_eqg.val().get_bit(g) && self.ce_lo.val().get_bit(l));
            }
        }
        for i in 0..N {
            self.rb[i].clock.next = self.clock.val();
            self.rb[i].d.next = self.s_axis.tdata.val().get_bits::<16>(16 * i);
        }
        self.kr.d.next = self.s_axis.tkeep.val();
        // beat number in the packet; the mask tells Yosys how many bits it can have
        if self.s_axis.tvalid.val() {
            if self.s_axis.tlast.val() {
                self.pos.d.next = 0.into();
            } else {
                self.pos.d.next = (self.pos.q.val() + 1) & self.beat_idx_mask.val();
            }
        }
        // a packet's last beat and its start's parity travel beside the data
        for k in 0..8 {
            self.dn[k].clock.next = self.clock.val();
            self.os[k].clock.next = self.clock.val();
        }
        self.dn[0].d.next = self.s_axis.tvalid.val() && self.s_axis.tlast.val();
        self.os[0].d.next = self.csum_start.val().get_bit(0);
        for k in 1..8 {
            self.dn[k].d.next = self.dn[k - 1].q.val();
            self.os[k].d.next = self.os[k - 1].q.val();
        }

        // ---- window B: a lane loads its byte if it is in tkeep, at or after the start
        // (start in an earlier beat, or in this one at or below the lane) and before the
        // end (end in a later beat, or in this one above the lane); else 0
        for i in 0..N {
            self.ev[i].clock.next = self.clock.val();
            self.od[i].clock.next = self.clock.val();
            self.ev[i].d.next = 0.into();
            if self.kr.q.val().get_bit(2 * i)
                && (self.s_neg.q.val() || (self.s_z.q.val() && self.ts[2 * i].q.val()))
                && !self.e_neg.q.val()
                && (!self.e_z.q.val() || self.te[2 * i].q.val())
            {
                self.ev[i].d.next = self.rb[i].q.val() & 0xFF;
            }
            self.od[i].d.next = 0.into();
            if self.kr.q.val().get_bit(2 * i + 1)
                && (self.s_neg.q.val() || (self.s_z.q.val() && self.ts[2 * i + 1].q.val()))
                && !self.e_neg.q.val()
                && (!self.e_z.q.val() || self.te[2 * i + 1].q.val())
            {
                self.od[i].d.next = self.rb[i].q.val() & 0xFF00;
            }
            self.wd[i].next = self.ev[i].q.val() | self.od[i].q.val();
        }

        // `rf` lines up with dn/os at `tap`
        self.done_root.next = false;
        self.odd_root.next = false;
        for k in 0..8 {
            if self.tap.val().get_bit(k) && self.dn[k].q.val() {
                self.done_root.next = true;
            }
            if self.tap.val().get_bit(k) && self.os[k].q.val() {
                self.odd_root.next = true;
            }
        }

        // ---- tree; n is a one-trip loop variable equal to N (see module doc)
        for n in N..(N + 1) {
            for m in 0..(N / 2) {
                self.nd[m].next = self.wd[2 * m].val().index().to_bits::<24>()
                    + self.wd[2 * m + 1].val().index().to_bits::<24>();
                self.nr[m].clock.next = self.clock.val();
                self.nr[m].d.next = self.nd[m].val();
                if self.reg_at.val().get_bit(m) {
                    self.nv[m].next = self.nr[m].q.val();
                } else {
                    self.nv[m].next = self.nd[m].val();
                }
            }
            for m in (N / 2)..(N - 1) {
                self.nd[m].next = self.nv[2 * m - n].val() + self.nv[2 * m + 1 - n].val();
                self.nr[m].clock.next = self.clock.val();
                self.nr[m].d.next = self.nd[m].val();
                if self.reg_at.val().get_bit(m) {
                    self.nv[m].next = self.nr[m].q.val();
                } else {
                    self.nv[m].next = self.nd[m].val();
                }
            }
            // the arrays have one spare slot: 0, OR-ed into the root so nothing is unused
            self.nd[n - 1].next = 0.into();
            self.nr[n - 1].clock.next = self.clock.val();
            self.nr[n - 1].d.next = self.nd[n - 1].val();
            self.nv[n - 1].next = self.nr[n - 1].q.val();
            self.tsum.next = self.nv[n - 2].val() | self.nv[n - 1].val();
        }
        self.rfa.next = bit_cast::<17, 24>(self.tsum.val() & 0xFFFF)
            + bit_cast::<17, 24>(self.tsum.val() >> 16);
        self.rf.d.next = bit_cast::<16, 17>(
            (self.rfa.val() & 0xFF00) | (((self.rfa.val() & 0xFF) + (self.rfa.val() >> 16)) & 0xFF),
        );

        // ---- accumulate: the end-around carry waits in bit 16 and is the next carry-in;
        // a last beat moves the sum to `tot` and clears `acc`
        self.accs.next = (self.acc.q.val() & 0xFFFF)
            + bit_cast::<17, 16>(self.rf.q.val())
            + (self.acc.q.val() >> 16);
        self.acc.d.next = self.accs.val();
        if self.done_root.val() {
            self.acc.d.next = 0.into();
            self.tot.d.next = self.accs.val();
            self.odd_t.d.next = self.odd_root.val();
        }
        self.done_t.d.next = self.done_root.val();

        // ---- fold: tot[15:0] + tot[16] <= 0x10000; with a carry the low half is 0, so the
        // carry is added within the low 3 bits. Then undo the slice byte order unless the
        // start was odd.
        self.fb.next = (self.tot.q.val() & 0xFFFF) + (self.tot.q.val() >> 16);
        self.ff.next = bit_cast::<16, 17>(
            (self.fb.val() & 0xFFF8) | (((self.fb.val() & 7) + (self.fb.val() >> 16)) & 7),
        );
        if self.done_t.q.val() {
            if self.odd_t.q.val() {
                self.sum_r.d.next = self.ff.val();
            } else {
                self.sum_r.d.next = (self.ff.val() << 8) | (self.ff.val() >> 8);
            }
        }
        self.valid_r.d.next = self.done_t.q.val();
        // reset: the beat position, the last-beat line, the accumulator and the pulse, and the
        // pipeline that feeds the accumulator without a valid flag (keep, lane bytes, tree,
        // root fold: zeros add nothing), so no byte of a packet cut by the reset is summed
        if self.rst.val() {
            self.pos.d.next = 0.into();
            self.kr.d.next = 0.into();
            for i in 0..N {
                self.ev[i].d.next = 0.into();
                self.od[i].d.next = 0.into();
                self.nr[i].d.next = 0.into();
            }
            for k in 0..8 {
                self.dn[k].d.next = false;
            }
            self.rf.d.next = 0.into();
            self.acc.d.next = 0.into();
            self.done_t.d.next = false;
            self.valid_r.d.next = false;
        }
        self.sum_valid.next = self.valid_r.q.val();
        self.sum.next = self.sum_r.q.val();
        self.csum.next = !self.sum_r.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Independent reference (RFC 1071, big-endian words from `buf[0]`), folded, no
    /// complement. Not shared with the engine or the golden crate.
    fn ref_sum(buf: &[u8]) -> u16 {
        let mut s: u64 = 0;
        for (i, b) in buf.iter().enumerate() {
            s += if i % 2 == 0 {
                (*b as u64) << 8
            } else {
                *b as u64
            };
        }
        while s >> 16 != 0 {
            s = (s & 0xFFFF) + (s >> 16);
        }
        s as u16
    }

    struct Bench<const W: usize, const K: usize, const N: usize> {
        uut: CsumEngine<W, K, N>,
        cycle: usize,
        seen: Vec<(usize, u16, u16)>,
    }

    impl<const W: usize, const K: usize, const N: usize> Bench<W, K, N> {
        fn new() -> Self {
            let mut uut = CsumEngine::<W, K, N>::new();
            uut.connect_all();
            rust_hdl::core::check_error::check_all(&uut).unwrap();
            Self {
                uut,
                cycle: 0,
                seen: vec![],
            }
        }
        /// One clock: drive `beat` (or idle), rise, record a `sum_valid` pulse.
        fn clock(&mut self, beat: Option<(&[u8], u64, bool)>, start: u16, end: u16) {
            let u = &mut self.uut;
            u.clock.next = false.into();
            match beat {
                Some((lanes, keep, last)) => {
                    u.s_axis.tdata.next = crate::stream::tdata_from_lanes::<W>(lanes);
                    u.s_axis.tkeep.next = keep.into();
                    u.s_axis.tvalid.next = true;
                    u.s_axis.tlast.next = last;
                }
                None => u.s_axis.tvalid.next = false,
            }
            u.csum_start.next = (start as u64).into();
            u.csum_end.next = (end as u64).into();
            assert!(simulate(u, 100));
            u.clock.next = true.into();
            assert!(simulate(u, 100));
            self.cycle += 1;
            if u.sum_valid.val() {
                self.seen.push((
                    self.cycle + 1,
                    u.sum.val().to_u64() as u16,
                    u.csum.val().to_u64() as u16,
                ));
            }
        }
        fn packet(&mut self, pkt: &[u8], start: u16, end: u16) -> usize {
            let beats = crate::stream::packet_beats(pkt, K);
            for b in &beats {
                self.clock(Some((&b.data, b.keep, b.last)), start, end);
            }
            self.cycle
        }
    }

    fn check_width<const W: usize, const K: usize, const N: usize>() {
        let mut tb = Bench::<W, K, N>::new();
        let mut expect = vec![];
        // lengths around beat boundaries, odd/even starts, cuts, empty ranges, all-zero
        // data (sum 0) and all-0xFF data (a multiple of 0xFFFF, folds to 0xFFFF)
        let mut x: u32 = 1;
        for len in [1usize, 2, 3, K - 1, K, K + 1, 2 * K + 3, 5 * K, 97] {
            for (s, e) in [
                (0usize, 0xFFFFusize),
                (1, 0xFFFF),
                (3, len.saturating_sub(1)),
                (len, 0xFFFF),
                (0, 2),
            ] {
                let pkt: Vec<u8> = (0..len)
                    .map(|_| {
                        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                        (x >> 16) as u8
                    })
                    .collect();
                let (s, e2) = (s.min(len), e.min(len).max(s.min(len)));
                let last = tb.packet(&pkt, s as u16, if e == 0xFFFF { 0xFFFF } else { e2 as u16 });
                expect.push((last + CsumEngine::<W, K, N>::LATENCY, ref_sum(&pkt[s..e2])));
            }
        }
        for (fill, want) in [(0u8, 0u16), (0xFF, 0xFFFF)] {
            let pkt = vec![fill; 3 * K];
            let last = tb.packet(&pkt, 0, 0xFFFF);
            expect.push((last + CsumEngine::<W, K, N>::LATENCY, want));
        }
        for _ in 0..CsumEngine::<W, K, N>::LATENCY + 2 {
            tb.clock(None, 0, 0);
        }
        assert_eq!(tb.seen.len(), expect.len());
        for ((cyc, sum, csum), (ecyc, esum)) in tb.seen.iter().zip(&expect) {
            assert_eq!((*cyc, *sum), (*ecyc, *esum));
            assert_eq!(*csum, !*esum);
        }
    }

    /// Back-to-back packets that make every adder carry (all 0xFF, 0xFF..FE patterns) next
    /// to one-beat packets, idle gaps and odd starts: a carry held back for the next beat
    /// in the accumulator must land in its own packet, never the next.
    fn carries_stay_in_their_packet<const W: usize, const K: usize, const N: usize>() {
        let mut tb = Bench::<W, K, N>::new();
        let mut expect = vec![];
        let mut x: u32 = 7;
        for round in 0..40usize {
            let len = [1usize, K, 2 * K + 1, 7 * K, 33 * K + 5][round % 5];
            let pkt: Vec<u8> = (0..len)
                .map(|i| match round % 3 {
                    0 => 0xFF,
                    1 => if i % 2 == 0 { 0xFF } else { 0xFE },
                    _ => {
                        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
                        0xF0 | (x >> 16) as u8
                    }
                })
                .collect();
            let s = (round % 4).min(len);
            let last = tb.packet(&pkt, s as u16, 0xFFFF);
            expect.push((last + CsumEngine::<W, K, N>::LATENCY, ref_sum(&pkt[s..])));
            if round % 7 == 3 {
                tb.clock(None, 0, 0);
            }
        }
        for _ in 0..CsumEngine::<W, K, N>::LATENCY + 2 {
            tb.clock(None, 0, 0);
        }
        let got: Vec<(usize, u16)> = tb.seen.iter().map(|(c, s, _)| (*c, *s)).collect();
        assert_eq!(got, expect);
    }

    #[test]
    fn carries_stay_in_their_packet_w64() {
        carries_stay_in_their_packet::<64, 8, 4>();
    }

    #[test]
    fn carries_stay_in_their_packet_w512() {
        carries_stay_in_their_packet::<512, 64, 32>();
    }

    #[test]
    fn sums_w64() {
        check_width::<64, 8, 4>();
    }

    #[test]
    fn sums_w128() {
        check_width::<128, 16, 8>();
    }

    #[test]
    fn sums_w256() {
        check_width::<256, 32, 16>();
    }

    #[test]
    fn sums_w512() {
        check_width::<512, 64, 32>();
    }

    /// The latencies the module doc promises: window (2), tree stages, root fold, accumulate,
    /// fold.
    #[test]
    fn latency_grows_with_tree_depth() {
        let got: Vec<usize> = [64, 128, 256, 512].iter().map(|w| latency(*w)).collect();
        assert_eq!(got, [7, 8, 9, 10]);
        assert_eq!(CsumEngine512::LATENCY, 10);
        assert_eq!(CsumEngine64::LATENCY, 7);
    }

    #[test]
    fn verilog_generates() {
        let mut uut = CsumEngine64::new();
        uut.connect_all();
        let v = generate_verilog(&uut);
        assert!(v.contains("module top"));
        assert!(v.contains("ev$3") && v.contains("ts$7") && v.contains("nr$2"));
    }
}
