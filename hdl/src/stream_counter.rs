//! `StreamCounter<K>`: 64-bit counts of the frames and bytes that cross one AXI4-Stream
//! interface, taken from a tap on its handshake (it drives nothing on the stream).
//!
//! * A frame is a handshake with `tlast`; a beat's bytes are its lanes up to the highest kept
//!   one (its `tkeep` lanes under the packed-stream contract; a beat that breaks the contract
//!   is counted as if its holes were kept). A frame the receiving block later drops is still
//!   counted here.
//! * The lane count is a priority encoder, not a sum of `tkeep` bits: an adder per lane
//!   would chain `K` carry chains in front of the 64-bit add.
//! * The handshake is registered before it is counted, so `frames`/`bytes` lag the wire by
//!   two clocks and the tap adds no logic to the stream's own paths.
//! * `rst` (synchronous, active high) zeroes both counts and forgets the registered beat.

use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct StreamCounter<const K: usize> {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub tkeep: Signal<In, Bits<K>>,
    pub tvalid: Signal<In, Bit>,
    pub tready: Signal<In, Bit>,
    pub tlast: Signal<In, Bit>,
    pub frames: Signal<Out, Bits<64>>,
    pub bytes: Signal<Out, Bits<64>>,
    beat: DFF<Bit>,
    beat_last: DFF<Bit>,
    beat_keep: DFF<Bits<K>>,
    frame_count: DFF<Bits<64>>,
    byte_count: DFF<Bits<64>>,
    /// `lanes_upto[i]` = i + 1 (`K` is at most 128)
    lanes_upto: [Constant<Bits<8>>; K],
    /// lanes of the registered beat
    lanes: Signal<Local, Bits<8>>,
}

impl<const K: usize> Default for StreamCounter<K> {
    fn default() -> Self {
        assert!(K <= 128, "lane count is 8 bits");
        Self {
            clock: Default::default(),
            rst: Default::default(),
            tkeep: Default::default(),
            tvalid: Default::default(),
            tready: Default::default(),
            tlast: Default::default(),
            frames: Default::default(),
            bytes: Default::default(),
            beat: Default::default(),
            beat_last: Default::default(),
            beat_keep: Default::default(),
            frame_count: Default::default(),
            byte_count: Default::default(),
            lanes_upto: std::array::from_fn(|i| Constant::new((i as u64 + 1).into())),
            lanes: Default::default(),
        }
    }
}

impl<const K: usize> Logic for StreamCounter<K> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, beat, beat_last, beat_keep, frame_count, byte_count);
        self.beat.d.next = self.tvalid.val() && self.tready.val();
        self.beat_last.d.next = self.tlast.val();
        self.beat_keep.d.next = self.tkeep.val();
        self.lanes.next = 0.into();
        for i in 0..K {
            if self.beat_keep.q.val().get_bit(i) {
                self.lanes.next = self.lanes_upto[i].val();
            }
        }
        if self.beat.q.val() {
            self.byte_count.d.next = self.byte_count.q.val() + bit_cast::<64, 8>(self.lanes.val());
            if self.beat_last.q.val() {
                self.frame_count.d.next = self.frame_count.q.val() + 1;
            }
        }
        if self.rst.val() {
            self.beat.d.next = false;
            self.frame_count.d.next = 0.into();
            self.byte_count.d.next = 0.into();
        }
        self.frames.next = self.frame_count.q.val();
        self.bytes.next = self.byte_count.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rx::remcsum::tests::Rng;

    /// Random handshakes, keeps (packed and not), lasts and resets; the counts against a
    /// count kept here (lanes up to the highest kept one, from `leading_zeros`), two clocks
    /// behind.
    fn random_run<const K: usize>(seed: u64) {
        let mut u = StreamCounter::<K>::default();
        u.connect_all();
        let mut rng = Rng(seed);
        let (mut frames, mut bytes) = (0u64, 0u64);
        let mut lag: Vec<(u64, u64)> = vec![(0, 0), (0, 0)];
        let full = if K == 64 { u64::MAX } else { (1u64 << K) - 1 };
        let (mut resets, mut total_frames) = (0, 0);
        for cyc in 0..4000 {
            let valid = rng.below(100) < 70;
            let ready = rng.below(100) < 70;
            let last = rng.below(100) < 20;
            let keep = match rng.below(3) {
                0 => full,
                1 => full >> rng.below(K as u64),
                _ => rng.next() & full,
            };
            let rst = rng.below(1000) < 3;
            u.tvalid.next = valid;
            u.tready.next = ready;
            u.tlast.next = last;
            u.tkeep.next = keep.into();
            u.rst.next = rst;
            u.clock.next = false.into();
            assert!(simulate(&mut u, 20));
            let want = lag[lag.len() - 2];
            assert_eq!((u.frames.val().to_u64(), u.bytes.val().to_u64()), want, "cycle {cyc}");
            if rst {
                resets += 1;
                (frames, bytes) = (0, 0);
                lag = vec![(0, 0), (0, 0)];
            } else if valid && ready {
                bytes += 64 - keep.leading_zeros() as u64;
                frames += last as u64;
                total_frames += last as u64;
            }
            lag.push((frames, bytes));
            u.clock.next = true.into();
            assert!(simulate(&mut u, 20));
        }
        assert!(resets > 2 && total_frames > 200, "run too tame: {resets} resets, {total_frames} frames");
    }

    #[test]
    fn counts_match_a_software_count() {
        random_run::<8>(0x1234_5678_9ABC_DEF1);
        random_run::<64>(0x0F0F_1234_0000_7777);
    }
}
