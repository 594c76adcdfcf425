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
//!
//! # Pipeline (fixed latency [`LATENCY`] = 4)
//! | stage | registers | does |
//! |---|---|---|
//! | 0 window | `pos`, `word[N]`, `lane_hi/lo[N]`, `v1 sop1 last1 odd1` | lane window from `pos` vs start/end and `tkeep`; raw 16-bit words |
//! | 1 tree | `tsum`, `v2 sop2 last2 odd2` | words masked by their lanes, adder tree of the `N = W/16` words |
//! | 2 accumulate | `acc`, `done3 odd3` | `acc = (sop ? 0 : acc) + tsum`; `done3` on the last beat |
//! | 3 fold | `sum_r csum_r valid_r` | 32 -> 16 end-around-carry fold, byte swap, complement |
//!
//! Timing (ECP5-85F speed 8, `rco-nic synth`): the lane window compares the beat-aligned
//! part of start/end with `pos` once (no subtract-then-compare), the lane flags are
//! registered and applied in stage 1, and the fold adds `lo + hi` and `lo + hi + 1` side by
//! side; together these took W=64 from 151 to about 180 MHz at the same latency.
//!
//! If the last beat of a packet is on the bus in cycle `c` (accepted by the edge that
//! ends it), `sum_valid` is high in cycle `c + 4`.
//!
//! Words are taken as little-endian 16-bit slices of `tdata` (lane `2i` low), which is the
//! byte-swap of the wire's big-endian words. Ones'-complement sums commute with a byte swap
//! (RFC 1071), so the whole sum is swapped once at the end instead of per word. The kernel
//! pairs bytes from `pkt[start]`, so for an odd start the positional sum is swapped once
//! more: the result is `odd ? L : swap(L)` where `L` is the little-endian sum.
//! The accumulator is a plain 32-bit add: 32768 words * 0xFFFF < 2^31, so no carry is lost
//! for packets under 64 KiB; the fold keeps 0 as 0 and maps non-zero multiples of 0xFFFF
//! to 0xFFFF, exactly `rco_golden::csum::fold`.
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
//!   `x.index().to_bits::<32>()` (both map to the bare signal in Verilog, where the
//!   assignment context widens it).
//! * Comparing a `Bits` with a loop index: `gap.index() <= 2 * i` (usize in Rust, a
//!   literal in Verilog).
//! * `dff_setup!` does not take array elements: array DFFs are clocked by hand in a loop.
//! * Arrays of blocks/signals are named `word$3` in Verilog and VCD.
//! * `Bits` up to 32 bits is a `u32`; wider is a `[bool; W]`, and every shift (`<<`, `>>`,
//!   and so `get_bits`) on a short value goes through `BigUint`. Only `tdata` is wide here;
//!   all arithmetic is at most 32 bits, and the shifts (fold, swap) are computed only in
//!   the cycle that needs them.
//! * Verilog keywords are not escaped: no field may be called `end`.
//! * `generate_verilog` panics in its connection check unless `connect_all()` ran first.
//! * A spare array slot is an unused signal for `verilator -Wall`; the tree's spare node is
//!   driven with 0 and added to the root (free after synthesis) to keep lint clean.
//! * Speed (release, 2 cores): this engine driven directly runs ~1.3 M cycles/s at W=64 and
//!   ~0.22 M at W=256 (the `[bool; 256]` tdata dominates); Verilator `--binary` ~8-12 M,
//!   Icarus ~34 k (`cargo bench -p rco-sim --bench csum_speed`).
//! * Registers start at 0 through Verilog `initial` (rust-hdl's DFF); there is no reset.

use crate::stream::AxisSink;
use rust_hdl::prelude::*;

/// Clock edges from accepting a packet's last beat to `sum_valid` (see module doc).
pub const LATENCY: usize = 4;

#[derive(LogicBlock)]
pub struct CsumEngine<const W: usize, const K: usize, const N: usize> {
    pub clock: Signal<In, Clock>,
    pub s_axis: AxisSink<W, K>,
    pub csum_start: Signal<In, Bits<16>>,
    pub csum_end: Signal<In, Bits<16>>,
    pub sum_valid: Signal<Out, Bit>,
    pub sum: Signal<Out, Bits<16>>,
    pub csum: Signal<Out, Bits<16>>,
    // stage 0: lane window of the beat on the bus
    beat_bytes: Constant<Bits<16>>,
    lane_mask: Constant<Bits<16>>,
    beat_mask: Constant<Bits<16>>,
    pos: DFF<Bits<16>>,
    start_hi: Signal<Local, Bits<16>>,
    start_lo: Signal<Local, Bits<16>>,
    end_hi: Signal<Local, Bits<16>>,
    end_lo: Signal<Local, Bits<16>>,
    start_before: Signal<Local, Bit>,
    start_here: Signal<Local, Bit>,
    end_after: Signal<Local, Bit>,
    end_here: Signal<Local, Bit>,
    lane_hi: [DFF<Bit>; N],
    lane_lo: [DFF<Bit>; N],
    word: [DFF<Bits<16>>; N],
    v1: DFF<Bit>,
    sop1: DFF<Bit>,
    last1: DFF<Bit>,
    odd1: DFF<Bit>,
    // stage 1: mask the words, adder tree: node[m] for m < N/2 adds two words, above that two nodes
    mword: [Signal<Local, Bits<16>>; N],
    node: [Signal<Local, Bits<32>>; N],
    tsum: DFF<Bits<32>>,
    v2: DFF<Bit>,
    sop2: DFF<Bit>,
    last2: DFF<Bit>,
    odd2: DFF<Bit>,
    // stage 2: accumulate
    acc_base: Signal<Local, Bits<32>>,
    acc: DFF<Bits<32>>,
    done3: DFF<Bit>,
    odd3: DFF<Bit>,
    // stage 3: fold, swap, complement
    fold1: Signal<Local, Bits<32>>,
    fold1_inc: Signal<Local, Bits<16>>,
    fold2: Signal<Local, Bits<16>>,
    result: Signal<Local, Bits<16>>,
    sum_r: DFF<Bits<16>>,
    csum_r: DFF<Bits<16>>,
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
    pub fn new() -> Self {
        assert!(
            W.is_multiple_of(32) && W >= 32 && K * 8 == W && N * 16 == W,
            "need K = W/8, N = W/16"
        );
        assert!(
            N.is_power_of_two(),
            "the adder tree wants a power-of-two word count"
        );
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
            beat_mask: Constant::new((0xFFFF & !(K as u64 - 1)).into()),
            pos: Default::default(),
            start_hi: Default::default(),
            start_lo: Default::default(),
            end_hi: Default::default(),
            end_lo: Default::default(),
            start_before: Default::default(),
            start_here: Default::default(),
            end_after: Default::default(),
            end_here: Default::default(),
            lane_hi: std::array::from_fn(|_| Default::default()),
            lane_lo: std::array::from_fn(|_| Default::default()),
            word: std::array::from_fn(|_| Default::default()),
            mword: std::array::from_fn(|_| Default::default()),
            v1: Default::default(),
            sop1: Default::default(),
            last1: Default::default(),
            odd1: Default::default(),
            node: std::array::from_fn(|_| Default::default()),
            tsum: Default::default(),
            v2: Default::default(),
            sop2: Default::default(),
            last2: Default::default(),
            odd2: Default::default(),
            acc_base: Default::default(),
            acc: Default::default(),
            done3: Default::default(),
            odd3: Default::default(),
            fold1: Default::default(),
            fold1_inc: Default::default(),
            fold2: Default::default(),
            result: Default::default(),
            sum_r: Default::default(),
            csum_r: Default::default(),
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
            self, clock, pos, v1, sop1, last1, odd1, tsum, v2, sop2, last2, odd2, acc, done3, odd3,
            sum_r, csum_r, valid_r
        );
        // A sink that never stalls.
        self.s_axis.tready.next = true;

        // ---- stage 0: which lanes of this beat lie in [start, end).
        // `pos` is a multiple of K, so byte `pos + j` is `pos | j`: lane j is in range iff
        // the beat-aligned part of start/end is before/after `pos`, or equals it and the
        // lane part decides. One compare per bound, no subtract-then-compare chain.
        self.start_hi.next = self.csum_start.val() & self.beat_mask.val();
        self.start_lo.next = self.csum_start.val() & self.lane_mask.val();
        self.end_hi.next = self.csum_end.val() & self.beat_mask.val();
        self.end_lo.next = self.csum_end.val() & self.lane_mask.val();
        self.start_before.next = self.start_hi.val() < self.pos.q.val();
        self.start_here.next = self.start_hi.val() == self.pos.q.val();
        self.end_after.next = self.end_hi.val() > self.pos.q.val();
        self.end_here.next = self.end_hi.val() == self.pos.q.val();
        for i in 0..N {
            self.word[i].clock.next = self.clock.val();
            self.lane_hi[i].clock.next = self.clock.val();
            self.lane_lo[i].clock.next = self.clock.val();
            self.word[i].d.next = self.s_axis.tdata.val().get_bits::<16>(16 * i);
            // lane 2i is the wire's even (high) byte, carried in bits 7:0 of the slice
            self.lane_hi[i].d.next = self.s_axis.tvalid.val()
                && self.s_axis.tkeep.val().get_bit(2 * i)
                && (self.start_before.val()
                    || (self.start_here.val() && self.start_lo.val().index() <= 2 * i))
                && (self.end_after.val()
                    || (self.end_here.val() && 2 * i < self.end_lo.val().index()));
            self.lane_lo[i].d.next = self.s_axis.tvalid.val()
                && self.s_axis.tkeep.val().get_bit(2 * i + 1)
                && (self.start_before.val()
                    || (self.start_here.val() && self.start_lo.val().index() <= 2 * i + 1))
                && (self.end_after.val()
                    || (self.end_here.val() && 2 * i + 1 < self.end_lo.val().index()));
        }
        self.v1.d.next = self.s_axis.tvalid.val();
        self.sop1.d.next = !self.pos.q.val().any();
        self.last1.d.next = self.s_axis.tlast.val();
        self.odd1.d.next = self.csum_start.val().get_bit(0);
        if self.s_axis.tvalid.val() {
            if self.s_axis.tlast.val() {
                self.pos.d.next = 0.into();
            } else {
                self.pos.d.next = self.pos.q.val() + self.beat_bytes.val();
            }
        }

        // ---- stage 1: adder tree; n is a one-trip loop variable equal to N (see module doc)
        for i in 0..N {
            if self.lane_hi[i].q.val() && self.lane_lo[i].q.val() {
                self.mword[i].next = self.word[i].q.val();
            } else if self.lane_hi[i].q.val() {
                self.mword[i].next = self.word[i].q.val() & 0xFF;
            } else if self.lane_lo[i].q.val() {
                self.mword[i].next = self.word[i].q.val() & 0xFF00;
            } else {
                self.mword[i].next = 0.into();
            }
        }
        for n in N..(N + 1) {
            for m in 0..(N / 2) {
                self.node[m].next = self.mword[2 * m].val().index().to_bits::<32>()
                    + self.mword[2 * m + 1].val().index().to_bits::<32>();
            }
            for m in (N / 2)..(N - 1) {
                self.node[m].next = self.node[2 * m - n].val() + self.node[2 * m + 1 - n].val();
            }
            // the array has one spare slot; it is 0 and added so that no signal is unused
            self.node[n - 1].next = 0.into();
            self.tsum.d.next = self.node[n - 2].val() + self.node[n - 1].val();
        }
        self.v2.d.next = self.v1.q.val();
        self.sop2.d.next = self.sop1.q.val();
        self.last2.d.next = self.last1.q.val();
        self.odd2.d.next = self.odd1.q.val();

        // ---- stage 2: accumulate; the first beat of a packet restarts from 0
        if self.sop2.q.val() {
            self.acc_base.next = 0.into();
        } else {
            self.acc_base.next = self.acc.q.val();
        }
        if self.v2.q.val() {
            self.acc.d.next = self.acc_base.val() + self.tsum.q.val();
        }
        self.done3.d.next = self.v2.q.val() && self.last2.q.val();
        self.odd3.d.next = self.odd2.q.val();

        // ---- stage 3: fold with end-around carry, undo the slice byte order, complement.
        // Gated by done3 so the shifts (slow in rust-hdl's simulator) run once per packet.
        self.fold1.next = 0.into();
        self.fold1_inc.next = 0.into();
        self.fold2.next = 0.into();
        self.result.next = 0.into();
        self.valid_r.d.next = self.done3.q.val();
        if self.done3.q.val() {
            self.fold1.next = bit_cast::<32, 16>(bit_cast::<16, 32>(self.acc.q.val()))
                + bit_cast::<32, 16>(self.acc.q.val().get_bits::<16>(16));
            // End-around carry without a second carry chain: lo + hi + 1 (as lo - !hi, one
            // adder with carry-in) runs beside lo + hi, and the carry of the latter picks.
            // fold1 <= 0x1FFFE, so with a carry its low half is <= 0xFFFE and +1 fits.
            self.fold1_inc.next = bit_cast::<16, 32>(self.acc.q.val())
                - !self.acc.q.val().get_bits::<16>(16);
            if self.fold1.val().get_bit(16) {
                self.fold2.next = self.fold1_inc.val();
            } else {
                self.fold2.next = bit_cast::<16, 32>(self.fold1.val());
            }
            if self.odd3.q.val() {
                self.result.next = self.fold2.val();
            } else {
                self.result.next = (self.fold2.val() << 8) | (self.fold2.val() >> 8);
            }
            self.sum_r.d.next = self.result.val();
            self.csum_r.d.next = !self.result.val();
        }
        self.sum_valid.next = self.valid_r.q.val();
        self.sum.next = self.sum_r.q.val();
        self.csum.next = self.csum_r.q.val();
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
                expect.push((last + LATENCY, ref_sum(&pkt[s..e2])));
            }
        }
        for (fill, want) in [(0u8, 0u16), (0xFF, 0xFFFF)] {
            let pkt = vec![fill; 3 * K];
            let last = tb.packet(&pkt, 0, 0xFFFF);
            expect.push((last + LATENCY, want));
        }
        for _ in 0..LATENCY + 2 {
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
    fn verilog_generates() {
        let mut uut = CsumEngine64::new();
        uut.connect_all();
        let v = generate_verilog(&uut);
        assert!(v.contains("module top"));
        assert!(v.contains("word$3"));
    }
}
