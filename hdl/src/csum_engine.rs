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
//!   in cycle `c + L`, `L = `[`latency`]`(W)` = [`CsumEngine::LATENCY`]: 5 at W=64, 6 at
//!   128 and 256, 7 at 512 (one more per [`LEVELS_PER_STAGE`] adder levels of the tree).
//!
//! # Pipeline
//! | stage | registers | does |
//! |---|---|---|
//! | window | `pos`, `ev[N]`, `od[N]`, `dn[0]`, `os[0]` | byte lanes in `[start, end)` and `tkeep`; each lane's byte registered, or 0 |
//! | tree (T stages) | `nr[..]` every [`LEVELS_PER_STAGE`] levels and at the root | adder tree of the `N = W/16` words |
//! | accumulate | `acc`, `tot`, `done_t odd_t` | `acc + root`: kept, or copied to `tot` and `acc` cleared on a packet's last beat |
//! | fold A | `fa`, `done_a odd_a` | `tot[15:0] + tot[31:16]` (17 bits) |
//! | fold B | `sum_r valid_r` | `+ carry` (end-around), byte swap unless the start was odd |
//!
//! Why it is built this way (timing and area on ECP5, `rco-nic synth --design csum`; the
//! figures are in the README):
//! * The byte masking costs no LUTs: a lane outside the window or `tkeep` loads 0, which
//!   Yosys maps onto the flip-flops' synchronous reset (one per byte), so the tree's
//!   first adders read plain registers. The window is one subtraction per bound, the
//!   beat number `pos` from the bound's (`offset >> log2 K`), which reduces it to a lane
//!   number (`cs`, `ce`) decoded into lane masks (`ones << cs`): each lane's flag is one
//!   LUT of its `tkeep` bit and two mask bits. (Comparing a lane index with a bound per
//!   lane made Yosys build a carry chain per lane.)
//! * The tree has no end-around carry inside it: level `l` adds `16 + l`-bit values on
//!   the carry chains (the widths Yosys keeps are only the ones that can be non-zero). It
//!   is registered after every [`LEVELS_PER_STAGE`] levels and at the root, so no path
//!   has more than that many carry chains and the depth does not grow with W; the
//!   latency does, by one clock per register level.
//! * The accumulator is one 32-bit add after the root register (32768 words * 0xFFFF <
//!   2^31: no carry is lost under 64 KiB). It does not restart through a multiplexer on
//!   a packet's first beat: on the last beat the sum goes to `tot` (clock enable) and
//!   `acc` is cleared (synchronous reset), both free in the flip-flops. Idle beats add 0.
//!   (Folding straight from the adder, without `tot`, measured more LUTs and a lower Fmax.)
//! * The fold is two registered adds (`lo + hi`, then `+ carry`), not the parallel
//!   `lo + hi` / `lo + hi + 1` pair and its multiplexer: fewer LUTs.
//!   `csum` is `!sum` on the output wires (it folds into whatever reads it).
//!
//! Words are taken as little-endian 16-bit slices of `tdata` (lane `2i` low), which is the
//! byte-swap of the wire's big-endian words. Ones'-complement sums commute with a byte swap
//! (RFC 1071), so the whole sum is swapped once at the end instead of per word. The kernel
//! pairs bytes from `pkt[start]`, so for an odd start the positional sum is swapped once
//! more: the result is `odd ? L : swap(L)` where `L` is the little-endian sum. The fold
//! keeps 0 as 0 and maps non-zero multiples of 0xFFFF to 0xFFFF, exactly
//! `rco_golden::csum::fold`.
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
//! * Comparing a `Bits` with a loop index: `gap.index() <= 2 * i` (usize in Rust, a
//!   literal in Verilog).
//! * Rust `const`s are pasted into the Verilog by name, so per-width choices made in
//!   [`CsumEngine::new`] (which tree nodes are registered, the control taps) are
//!   `Constant` fields and `if`s on their bits; Yosys folds the constant branches.
//! * `dff_setup!` does not take array elements: array DFFs are clocked by hand in a loop.
//! * Arrays of blocks/signals are named `nr$3` in Verilog and VCD.
//! * `Bits` up to 32 bits is a `u32`; wider is a `[bool; W]`, and shifts on it are slow.
//!   Only `tdata` is wide here (one `get_bits` per word per clock); the fold's shifts
//!   are computed only in the cycle that needs them.
//! * Verilog keywords are not escaped: no field may be called `end`.
//! * `generate_verilog` panics in its connection check unless `connect_all()` ran first.
//! * A spare array slot is an unused signal for `verilator -Wall`: the tree's spare node
//!   is driven with 0 and OR-ed into the root (free after synthesis) to keep lint clean,
//!   and every node has a register whose output is either used or folded away.
//! * Registers start at 0 through Verilog `initial` (rust-hdl's DFF); there is no reset.

use crate::stream::AxisSink;
use rust_hdl::prelude::*;

/// Adder-tree levels between two register levels (and at most that many carry chains in
/// series on any tree path).
pub const LEVELS_PER_STAGE: usize = 2;

/// Register levels of the adder tree at `w` bits: `ceil(log2(w/16) / LEVELS_PER_STAGE)`.
pub const fn tree_stages(w: usize) -> usize {
    let mut levels: usize = 0;
    while (16 << levels) < w {
        levels += 1;
    }
    levels.div_ceil(LEVELS_PER_STAGE)
}

/// Clock edges from accepting a packet's last beat to `sum_valid` at `w` bits: window,
/// tree, accumulate, fold A, fold B.
pub const fn latency(w: usize) -> usize {
    4 + tree_stages(w)
}

#[derive(LogicBlock)]
pub struct CsumEngine<const W: usize, const K: usize, const N: usize> {
    pub clock: Signal<In, Clock>,
    pub s_axis: AxisSink<W, K>,
    pub csum_start: Signal<In, Bits<16>>,
    pub csum_end: Signal<In, Bits<16>>,
    pub sum_valid: Signal<Out, Bit>,
    pub sum: Signal<Out, Bits<16>>,
    pub csum: Signal<Out, Bits<16>>,
    // window: which lanes of the beat on the bus are summed
    beat_bytes: Constant<Bits<16>>,
    lane_mask: Constant<Bits<16>>,
    /// beat number of the beat on the bus within its packet
    pos: DFF<Bits<16>>,
    /// log2(K), and the bits a beat number can have (offsets are 16 bits)
    l2k: Constant<Bits<16>>,
    beat_idx_mask: Constant<Bits<16>>,
    ones: Constant<Bits<K>>,
    /// beat number of the bound minus `pos` (17 bits: bit 16 is set when it is before)
    sd: Signal<Local, Bits<17>>,
    ed: Signal<Local, Bits<17>>,
    /// first lane in the window (K: none) and lanes below the end (0: none) of this beat,
    /// and as lane masks
    cs: Signal<Local, Bits<8>>,
    ce: Signal<Local, Bits<8>>,
    smask: Signal<Local, Bits<K>>,
    emask: Signal<Local, Bits<K>>,
    tw: [Signal<Local, Bits<16>>; N],
    /// lane 2i (bits 7:0 of word i) and lane 2i+1 (bits 15:8), each 0 outside the window
    ev: [DFF<Bits<16>>; N],
    od: [DFF<Bits<16>>; N],
    /// per-beat controls delayed along the tree: a last beat (`dn`), an odd start (`os`)
    dn: [DFF<Bit>; 8],
    os: [DFF<Bit>; 8],
    /// the one bit set is the delay of `dn`/`os` that lines up with the tree's root register
    tap: Constant<Bits<8>>,
    // tree: nd[m] for m < N/2 adds two words, above that two nodes; nr[m] is its register,
    // nv[m] what its parent reads (nr[m] where `reg_at` has bit m, else nd[m])
    reg_at: Constant<Bits<N>>,
    wd: [Signal<Local, Bits<16>>; N],
    nd: [Signal<Local, Bits<24>>; N],
    nr: [DFF<Bits<24>>; N],
    nv: [Signal<Local, Bits<24>>; N],
    tsum: Signal<Local, Bits<24>>,
    // accumulate
    done_root: Signal<Local, Bit>,
    odd_root: Signal<Local, Bit>,
    accs: Signal<Local, Bits<32>>,
    acc: DFF<Bits<32>>,
    tot: DFF<Bits<32>>,
    done_t: DFF<Bit>,
    odd_t: DFF<Bit>,
    // fold A, fold B
    fa: DFF<Bits<17>>,
    done_a: DFF<Bit>,
    odd_a: DFF<Bit>,
    fb: Signal<Local, Bits<16>>,
    sum_r: DFF<Bits<16>>,
    valid_r: DFF<Bit>,
}

/// 64-bit datapath (10 Gb/s at 156.25 MHz).
pub type CsumEngine64 = CsumEngine<64, 8, 4>;
/// 128-bit datapath.
pub type CsumEngine128 = CsumEngine<128, 16, 8>;
/// 256-bit datapath.
pub type CsumEngine256 = CsumEngine<256, 32, 16>;
/// 512-bit datapath.
pub type CsumEngine512 = CsumEngine<512, 64, 32>;

impl<const W: usize, const K: usize, const N: usize> CsumEngine<W, K, N> {
    /// Clock edges from a packet's last beat to its `sum_valid` ([`latency`]`(W)`).
    pub const LATENCY: usize = latency(W);

    pub fn new() -> Self {
        assert!(
            W.is_multiple_of(32) && W >= 32 && K * 8 == W && N * 16 == W,
            "need K = W/8, N = W/16"
        );
        assert!(
            N.is_power_of_two() && N <= 256,
            "the adder tree wants a power-of-two word count (24-bit nodes)"
        );
        let stages = tree_stages(W);
        assert!(stages < 8, "control delay lines are 8 long");
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
        Self {
            clock: Default::default(),
            s_axis: Default::default(),
            csum_start: Default::default(),
            csum_end: Default::default(),
            sum_valid: Default::default(),
            sum: Default::default(),
            csum: Default::default(),
            beat_bytes: Constant::new((K as u64).into()),
            lane_mask: Constant::new(((K - 1) as u64).into()),
            pos: Default::default(),
            l2k: Constant::new((K.trailing_zeros() as u64).into()),
            beat_idx_mask: Constant::new((0xFFFF >> K.trailing_zeros()).into()),
            ones: Constant::new(Bits::<K>::mask()),
            sd: Default::default(),
            ed: Default::default(),
            cs: Default::default(),
            ce: Default::default(),
            smask: Default::default(),
            emask: Default::default(),
            tw: std::array::from_fn(|_| Default::default()),
            ev: std::array::from_fn(|_| Default::default()),
            od: std::array::from_fn(|_| Default::default()),
            dn: std::array::from_fn(|_| Default::default()),
            os: std::array::from_fn(|_| Default::default()),
            tap: Constant::new((1u64 << stages).into()),
            reg_at: Constant::new(reg_at.into()),
            wd: std::array::from_fn(|_| Default::default()),
            nd: std::array::from_fn(|_| Default::default()),
            nr: std::array::from_fn(|_| Default::default()),
            nv: std::array::from_fn(|_| Default::default()),
            tsum: Default::default(),
            done_root: Default::default(),
            odd_root: Default::default(),
            accs: Default::default(),
            acc: Default::default(),
            tot: Default::default(),
            done_t: Default::default(),
            odd_t: Default::default(),
            fa: Default::default(),
            done_a: Default::default(),
            odd_a: Default::default(),
            fb: Default::default(),
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
            self, clock, pos, acc, tot, done_t, odd_t, fa, done_a, odd_a, sum_r,
            valid_r
        );
        // A sink that never stalls.
        self.s_axis.tready.next = true;

        // ---- window: which lanes of this beat lie in [start, end) and tkeep.
        // Byte `K * pos + j` is lane j of beat `pos`: one subtraction of `pos` from the
        // bound's beat number says before / this beat / after and gives the first lane `cs`
        // and the lane count below the end `ce` (a few bits), decoded into lane masks. A
        // lane outside loads 0 (the flip-flops' synchronous reset after synthesis).
        self.sd.next = bit_cast::<17, 16>(self.csum_start.val() >> self.l2k.val())
            - bit_cast::<17, 16>(self.pos.q.val());
        self.ed.next = bit_cast::<17, 16>(self.csum_end.val() >> self.l2k.val())
            - bit_cast::<17, 16>(self.pos.q.val());
        if self.sd.val().get_bit(16) {
            self.cs.next = 0.into();
        } else if self.sd.val().any() {
            self.cs.next = bit_cast::<8, 16>(self.beat_bytes.val());
        } else {
            self.cs.next = bit_cast::<8, 16>(self.csum_start.val() & self.lane_mask.val());
        }
        if self.ed.val().get_bit(16) || !self.s_axis.tvalid.val() {
            self.ce.next = 0.into();
        } else if self.ed.val().any() {
            self.ce.next = bit_cast::<8, 16>(self.beat_bytes.val());
        } else {
            self.ce.next = bit_cast::<8, 16>(self.csum_end.val() & self.lane_mask.val());
        }
        self.smask.next = self.ones.val() << self.cs.val();
        self.emask.next = !(self.ones.val() << self.ce.val());
        for i in 0..N {
            self.ev[i].clock.next = self.clock.val();
            self.od[i].clock.next = self.clock.val();
            self.tw[i].next = self.s_axis.tdata.val().get_bits::<16>(16 * i);
            self.ev[i].d.next = 0.into();
            if self.s_axis.tkeep.val().get_bit(2 * i)
                && self.smask.val().get_bit(2 * i)
                && self.emask.val().get_bit(2 * i)
            {
                self.ev[i].d.next = self.tw[i].val() & 0xFF;
            }
            self.od[i].d.next = 0.into();
            if self.s_axis.tkeep.val().get_bit(2 * i + 1)
                && self.smask.val().get_bit(2 * i + 1)
                && self.emask.val().get_bit(2 * i + 1)
            {
                self.od[i].d.next = self.tw[i].val() & 0xFF00;
            }
        }
        // beat number in the packet; the mask tells Yosys how many bits it can have
        if self.s_axis.tvalid.val() {
            if self.s_axis.tlast.val() {
                self.pos.d.next = 0.into();
            } else {
                self.pos.d.next = (self.pos.q.val() + 1) & self.beat_idx_mask.val();
            }
        }
        // a packet's last beat and its start's parity travel beside the tree
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

        // ---- tree; n is a one-trip loop variable equal to N (see module doc)
        for i in 0..N {
            self.wd[i].next = self.ev[i].q.val() | self.od[i].q.val();
        }
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

        // ---- accumulate: a last beat moves the sum to `tot` and clears `acc`
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
        self.accs.next = self.acc.q.val() + bit_cast::<32, 24>(self.tsum.val());
        self.acc.d.next = self.accs.val();
        if self.done_root.val() {
            self.acc.d.next = 0.into();
            self.tot.d.next = self.accs.val();
            self.odd_t.d.next = self.odd_root.val();
        }
        self.done_t.d.next = self.done_root.val();

        // ---- fold A: lo + hi (17 bits); gated so the shifts run once per packet
        if self.done_t.q.val() {
            self.fa.d.next = bit_cast::<17, 16>(self.tot.q.val().get_bits::<16>(0))
                + bit_cast::<17, 16>(self.tot.q.val().get_bits::<16>(16));
            self.odd_a.d.next = self.odd_t.q.val();
        }
        self.done_a.d.next = self.done_t.q.val();

        // ---- fold B: end-around carry (fa <= 0x1FFFE: with a carry the low half is at
        // most 0xFFFE, so + 1 fits), then undo the slice byte order unless the start was odd
        self.fb.next = 0.into();
        if self.done_a.q.val() {
            self.fb.next = bit_cast::<16, 17>(self.fa.q.val())
                + bit_cast::<16, 17>(self.fa.q.val() >> 16);
            if self.odd_a.q.val() {
                self.sum_r.d.next = self.fb.val();
            } else {
                self.sum_r.d.next = (self.fb.val() << 8) | (self.fb.val() >> 8);
            }
        }
        self.valid_r.d.next = self.done_a.q.val();
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

    /// The latencies the module doc promises (one tree register level per two adder levels).
    #[test]
    fn latency_grows_with_tree_depth() {
        let got: Vec<usize> = [64, 128, 256, 512].iter().map(|w| latency(*w)).collect();
        assert_eq!(got, [5, 6, 6, 7]);
        assert_eq!(CsumEngine512::LATENCY, 7);
    }

    #[test]
    fn verilog_generates() {
        let mut uut = CsumEngine64::new();
        uut.connect_all();
        let v = generate_verilog(&uut);
        assert!(v.contains("module top"));
        assert!(v.contains("ev$3") && v.contains("nr$2"));
    }
}
