//! `OcFold`: fold a plain 32-bit sum of little-endian slices (`lane_sum`) to the 16-bit
//! ones'-complement value the kernel would hold, in wire (big-endian) order.
//!
//! `fold` is the end-around-carry fold of the little-endian sum (0 only for a literal 0,
//! 0xFFFF for other multiples of 0xFFFF, as `rco_golden::csum::fold`); `be` is its byte
//! swap, which is the fold of the big-endian sum (a byte swap multiplies by 256 mod
//! 0xFFFF, and 256 x 256 = 1 mod 0xFFFF). `all_ones` is `fold == 0xFFFF` (a checksum that
//! verifies) without the two carry chains: the halves sum to 0xFFFF exactly when one is the
//! other's complement, and to 0x1FFFE only when both are 0xFFFF. Combinational.

use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct OcFold {
    pub x: Signal<In, Bits<32>>,
    pub fold: Signal<Out, Bits<16>>,
    pub be: Signal<Out, Bits<16>>,
    pub all_ones: Signal<Out, Bit>,
    f1: Signal<Local, Bits<32>>,
    f2: Signal<Local, Bits<16>>,
}

impl Logic for OcFold {
    #[hdl_gen]
    fn update(&mut self) {
        self.f1.next = bit_cast::<32, 16>(self.x.val().get_bits::<16>(0))
            + bit_cast::<32, 16>(self.x.val().get_bits::<16>(16));
        // f1 <= 0x1FFFE, so one more end-around add fits 16 bits
        self.f2.next = self.f1.val().get_bits::<16>(0) + self.f1.val().get_bits::<16>(16);
        self.fold.next = self.f2.val();
        self.be.next = (self.f2.val() << 8) | (self.f2.val() >> 8);
        self.all_ones.next = ((self.x.val().get_bits::<16>(0) ^ self.x.val().get_bits::<16>(16)) == 0xFFFF)
            || ((self.x.val().get_bits::<16>(0) & self.x.val().get_bits::<16>(16)) == 0xFFFF);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_like_rfc1071() {
        let mut u = OcFold::default();
        u.connect_all();
        for (x, f) in [(0u32, 0u16), (0xFFFF, 0xFFFF), (0x1_FFFE, 0xFFFF), (0x1_0000, 1), (0x1234_5678, 0x68AC)] {
            u.x.next = (x as u64).into();
            assert!(simulate(&mut u, 50));
            assert_eq!(u.fold.val().to_u64() as u16, f, "{x:#x}");
            assert_eq!(u.be.val().to_u64() as u16, f.swap_bytes());
        }
    }

    /// RFC 1071 fold, written out independently of the block.
    fn rfc1071_fold(x: u32) -> u16 {
        let mut s = x as u64;
        while s > 0xFFFF {
            s = (s & 0xFFFF) + (s >> 16);
        }
        s as u16
    }

    #[test]
    fn all_ones_is_fold_ffff() {
        let mut u = OcFold::default();
        u.connect_all();
        // every halves pair that folds to 0xFFFF or next to it, plus a pseudo-random sweep
        let mut xs: Vec<u32> = vec![0, 0xFFFF, 0x1_FFFE, 0xFFFF_FFFF, 0xFFFF_0000, 0x0000_FFFE, 0xFFFE_0001];
        for lo in (0u32..=0xFFFF).step_by(257) {
            for d in [0u32, 1, 0xFFFE, 0xFFFF] {
                xs.push(((!lo).wrapping_add(d) & 0xFFFF) << 16 | lo);
            }
        }
        let mut r = 0x2545_F491u32;
        for _ in 0..2000 {
            r ^= r << 13;
            r ^= r >> 17;
            r ^= r << 5;
            xs.push(r);
        }
        let mut hits = 0;
        for x in xs {
            u.x.next = (x as u64).into();
            assert!(simulate(&mut u, 50));
            let want = rfc1071_fold(x) == 0xFFFF;
            hits += want as usize;
            assert_eq!(u.all_ones.val(), want, "{x:#x}");
        }
        assert!(hits > 200, "the sweep must reach the 0xFFFF case often");
    }
}
