//! `KeepCheck<K>`: one beat's `tkeep` against the packed-stream contract ([`crate::stream`]):
//! how many bytes the beat carries and whether it breaks the contract. Combinational; the RX
//! and TX ingresses both decode their input beats with it.
//!
//! * `bytes`: `K` on a beat that is not the last; on the last beat, the highest kept lane + 1
//!   (0 when no lane is kept). A mux chain over the lanes, a few LUT levels.
//! * `broken`: a beat before the last with a lane not kept, or a last beat whose kept lanes
//!   are not contiguous from lane 0 (a kept lane above a null one).
//! * `empty`: a last beat with no lane kept. Whether that breaks the contract is the
//!   caller's: RX counts it `bad_keep`, TX takes a lone null beat as the empty frame.
//!
//! Combinational: no state, no `rst`.

use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct KeepCheck<const K: usize> {
    pub tkeep: Signal<In, Bits<K>>,
    pub tlast: Signal<In, Bit>,
    pub bytes: Signal<Out, Bits<16>>,
    pub broken: Signal<Out, Bit>,
    pub empty: Signal<Out, Bit>,
    beat_bytes: Constant<Bits<16>>,
    lane_bytes: [Constant<Bits<16>>; K],
    unkept: Signal<Local, Bits<K>>,
    /// lanes kept above a null lane
    gap: Signal<Local, Bits<K>>,
}

impl<const K: usize> Default for KeepCheck<K> {
    fn default() -> Self {
        assert!(K.is_power_of_two() && K <= 64);
        Self {
            tkeep: Default::default(),
            tlast: Default::default(),
            bytes: Default::default(),
            broken: Default::default(),
            empty: Default::default(),
            beat_bytes: Constant::new((K as u64).into()),
            lane_bytes: std::array::from_fn(|i| Constant::new(((i + 1) as u64).into())),
            unkept: Default::default(),
            gap: Default::default(),
        }
    }
}

impl<const K: usize> Logic for KeepCheck<K> {
    #[hdl_gen]
    fn update(&mut self) {
        self.unkept.next = !self.tkeep.val();
        self.gap.next = (self.tkeep.val() >> 1) & self.unkept.val();
        self.bytes.next = self.beat_bytes.val();
        if self.tlast.val() {
            self.bytes.next = 0.into();
            for i in 0..K {
                if self.tkeep.val().get_bit(i) {
                    self.bytes.next = self.lane_bytes[i].val();
                }
            }
            self.broken.next = self.gap.val().any();
            self.empty.next = !self.tkeep.val().any();
        } else {
            self.broken.next = self.unkept.val().any();
            self.empty.next = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (bytes, broken, empty) from the contract's words, lane by lane.
    fn reference(keep: u64, last: bool, k: usize) -> (u64, bool, bool) {
        let all = if k == 64 { !0 } else { (1u64 << k) - 1 };
        if !last {
            return (k as u64, keep != all, false);
        }
        let highest = (0..k).rev().find(|i| keep >> i & 1 == 1);
        let bytes = highest.map_or(0, |h| h as u64 + 1);
        // contiguous from lane 0: every lane below the highest kept one is kept
        let contiguous = highest.is_none_or(|h| (0..h).all(|i| keep >> i & 1 == 1));
        (bytes, !contiguous, keep == 0)
    }

    fn check<const K: usize>(masks: impl Iterator<Item = u64>) -> usize {
        let mut u = KeepCheck::<K>::default();
        u.connect_all();
        let mut n = 0;
        for keep in masks {
            for last in [false, true] {
                u.tkeep.next = keep.into();
                u.tlast.next = last;
                assert!(simulate(&mut u, 50));
                let got = (u.bytes.val().to_u64(), u.broken.val(), u.empty.val());
                assert_eq!(got, reference(keep, last, K), "K={K} keep={keep:#x} last={last}");
                n += 1;
            }
        }
        n
    }

    #[test]
    fn every_mask_at_8_lanes() {
        assert_eq!(check::<8>(0..256), 512);
    }

    /// At 64 lanes: every contiguous mask, one hole in each, and pseudo-random masks.
    #[test]
    fn masks_at_64_lanes() {
        let contiguous = (0..=64).map(|n| if n == 64 { !0u64 } else { (1u64 << n) - 1 });
        let holes = (1..64).map(|n| !0u64 & !(1u64 << (n - 1)));
        let mut x = 99u64;
        let random = (0..300).map(move |_| {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            x
        });
        assert_eq!(check::<64>(contiguous.chain(holes).chain(random)), 2 * (65 + 63 + 300));
    }
}
