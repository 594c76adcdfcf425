//! `OcFold`: fold a plain 32-bit sum of little-endian slices (`lane_sum`) to the 16-bit
//! ones'-complement value the kernel would hold, in wire (big-endian) order.
//!
//! `fold` is the end-around-carry fold of the little-endian sum (0 only for a literal 0,
//! 0xFFFF for other multiples of 0xFFFF, as `rco_golden::csum::fold`); `be` is its byte
//! swap, which is the fold of the big-endian sum (a byte swap multiplies by 256 mod
//! 0xFFFF, and 256 x 256 = 1 mod 0xFFFF). Combinational.

use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct OcFold {
    pub x: Signal<In, Bits<32>>,
    pub fold: Signal<Out, Bits<16>>,
    pub be: Signal<Out, Bits<16>>,
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
}
