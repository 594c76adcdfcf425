//! `LaneSum`: combinational plain (non-folded) sum of the 16-bit slices of one beat,
//! counting only the byte lanes whose `keep` bit is set.
//!
//! Slices are little-endian (lane `2i` in bits 7:0), the byte swap of the wire's
//! big-endian words; a plain sum of swapped words is zero exactly when the big-endian
//! sum is, and congruent to 256 x it mod 0xFFFF, so callers fold and swap once at the
//! end (see `oc_fold`). `N = W/16` slices of at most 0xFFFF: the sum fits 32 bits.
//! The RX path uses it for per-beat prefix sums (all lanes) and for the part of a beat
//! before a byte offset (the low lanes). The lanes come as a mask, not a count, so the
//! caller can register the decode: a count compare in front of the adder tree would put two
//! carry chains in series.
//!
//! Combinational: no state, no `rst`.

use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct LaneSum<const W: usize, const K: usize, const N: usize> {
    pub data: Signal<In, Bits<W>>,
    /// Byte lane `j` is summed when bit `j` is set.
    pub keep: Signal<In, Bits<K>>,
    pub sum: Signal<Out, Bits<32>>,
    word: [Signal<Local, Bits<32>>; N],
    /// adder tree nodes (see `update`)
    acc: [Signal<Local, Bits<32>>; N],
}

impl<const W: usize, const K: usize, const N: usize> LaneSum<W, K, N> {
    pub fn new() -> Self {
        assert!(K * 8 == W && N * 16 == W, "need K = W/8, N = W/16");
        Self {
            data: Default::default(),
            keep: Default::default(),
            sum: Default::default(),
            word: std::array::from_fn(|_| Default::default()),
            acc: std::array::from_fn(|_| Default::default()),
        }
    }
}

impl<const W: usize, const K: usize, const N: usize> Default for LaneSum<W, K, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const W: usize, const K: usize, const N: usize> Logic for LaneSum<W, K, N> {
    #[hdl_gen]
    fn update(&mut self) {
        for i in 0..N {
            self.word[i].next = 0.into();
            if self.keep.val().get_bit(2 * i) {
                self.word[i].next = (self.data.val().get_bits::<16>(16 * i) & 0xFF).index().to_bits::<32>();
            }
            if self.keep.val().get_bit(2 * i + 1) {
                self.word[i].next = self.word[i].val() | (self.data.val().get_bits::<16>(16 * i) & 0xFF00).index().to_bits::<32>();
            }
        }
        // balanced adder tree (log2 N adds deep, as csum_engine's): node[m] for m < N/2
        // adds two words, above that two nodes; the spare slot is 0 and added so that no
        // signal is unused. The one-trip loop binds N to a loop variable for the indices.
        for n in N..(N + 1) {
            for m in 0..(N / 2) {
                self.acc[m].next = self.word[2 * m].val() + self.word[2 * m + 1].val();
            }
            for m in (N / 2)..(N - 1) {
                self.acc[m].next = self.acc[2 * m - n].val() + self.acc[2 * m + 1 - n].val();
            }
            self.acc[n - 1].next = 0.into();
            self.sum.next = self.acc[n - 2].val() + self.acc[n - 1].val();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Independent reference: little-endian 16-bit slices of the kept bytes.
    fn ref_sum(lanes: &[u8], keep: u64) -> u32 {
        let mut s = 0u32;
        for (i, b) in lanes.iter().enumerate().filter(|(i, _)| keep >> i & 1 == 1) {
            s += if i % 2 == 0 { *b as u32 } else { (*b as u32) << 8 };
        }
        s
    }

    #[test]
    fn sums_kept_lanes_w64() {
        let mut u = LaneSum::<64, 8, 4>::new();
        u.connect_all();
        let lanes = [0xFFu8, 0x01, 0x80, 0x7F, 0x12, 0x34, 0xFE, 0xFF];
        // every mask: the prefixes the RX path uses and the holes it does not
        for keep in 0..256u64 {
            u.data.next = crate::stream::tdata_from_lanes::<64>(&lanes);
            u.keep.next = keep.into();
            assert!(simulate(&mut u, 50));
            assert_eq!(u.sum.val().to_u64() as u32, ref_sum(&lanes, keep), "keep {keep:#04x}");
        }
    }

    #[test]
    fn verilog_generates() {
        let mut u = LaneSum::<64, 8, 4>::new();
        u.connect_all();
        assert!(generate_verilog(&u).contains("module top"));
    }
}
