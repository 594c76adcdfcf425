//! `AxisSlice<W, K, S>`: an AXI4-Stream register slice (a skid buffer) that carries an `S`-bit
//! sideband with each beat. It passes a beat a clock; every output, `s_axis.tready` included,
//! comes from a register, so the consumer's `tready` reaches only this slice and not the
//! pipeline behind it.
//!
//! `s_axis.tready` is a register, so it is set a clock before the slice knows whether the beat
//! offered with it can go to the output: a beat taken while the output is stalled waits in the
//! skid register, and `tready` falls until the output moves.
//!
//! `rst` (synchronous, active high) empties the slice: `ready`, the output and skid valid flags
//! return to 0 (so `tready` is low the clock after reset); the beat registers (data) are not
//! reset.

use crate::stream::{AxisSink, AxisSource};
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct AxisSlice<const W: usize, const K: usize, const S: usize> {
    pub clock: Signal<In, Clock>,
    /// synchronous reset, active high: see the module doc
    pub rst: Signal<In, Bit>,
    pub s_axis: AxisSink<W, K>,
    pub s_side: Signal<In, Bits<S>>,
    pub m_axis: AxisSource<W, K>,
    pub m_side: Signal<Out, Bits<S>>,
    /// `s_axis.tready` of the next clock, for a producer that registers its own handshake
    pub s_tready_next: Signal<Out, Bit>,
    ready: DFF<Bit>,
    out_valid: DFF<Bit>,
    out_data: DFF<Bits<W>>,
    out_keep: DFF<Bits<K>>,
    out_last: DFF<Bit>,
    out_user: DFF<Bit>,
    out_side: DFF<Bits<S>>,
    skid_valid: DFF<Bit>,
    skid_data: DFF<Bits<W>>,
    skid_keep: DFF<Bits<K>>,
    skid_last: DFF<Bit>,
    skid_user: DFF<Bit>,
    skid_side: DFF<Bits<S>>,
}

impl<const W: usize, const K: usize, const S: usize> Default for AxisSlice<W, K, S> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            rst: Default::default(),
            s_axis: Default::default(),
            s_side: Default::default(),
            m_axis: Default::default(),
            m_side: Default::default(),
            s_tready_next: Default::default(),
            ready: Default::default(),
            out_valid: Default::default(),
            out_data: Default::default(),
            out_keep: Default::default(),
            out_last: Default::default(),
            out_user: Default::default(),
            out_side: Default::default(),
            skid_valid: Default::default(),
            skid_data: Default::default(),
            skid_keep: Default::default(),
            skid_last: Default::default(),
            skid_user: Default::default(),
            skid_side: Default::default(),
        }
    }
}

impl<const W: usize, const K: usize, const S: usize> Logic for AxisSlice<W, K, S> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, ready, out_valid, out_data, out_keep, out_last, out_user, out_side, skid_valid, skid_data,
            skid_keep, skid_last, skid_user, skid_side
        );
        self.s_axis.tready.next = self.ready.q.val();
        self.m_axis.tvalid.next = self.out_valid.q.val();
        self.m_axis.tdata.next = self.out_data.q.val();
        self.m_axis.tkeep.next = self.out_keep.q.val();
        self.m_axis.tlast.next = self.out_last.q.val();
        self.m_axis.tuser.next = self.out_user.q.val();
        self.m_side.next = self.out_side.q.val();
        // ready next clock unless the skid register is (or is about to be) holding a beat
        self.ready.d.next = self.m_axis.tready.val()
            || (!self.skid_valid.q.val() && (!self.out_valid.q.val() || !self.s_axis.tvalid.val()));
        if self.ready.q.val() {
            if self.m_axis.tready.val() || !self.out_valid.q.val() {
                self.out_valid.d.next = self.s_axis.tvalid.val();
                self.out_data.d.next = self.s_axis.tdata.val();
                self.out_keep.d.next = self.s_axis.tkeep.val();
                self.out_last.d.next = self.s_axis.tlast.val();
                self.out_user.d.next = self.s_axis.tuser.val();
                self.out_side.d.next = self.s_side.val();
            } else {
                self.skid_valid.d.next = self.s_axis.tvalid.val();
                self.skid_data.d.next = self.s_axis.tdata.val();
                self.skid_keep.d.next = self.s_axis.tkeep.val();
                self.skid_last.d.next = self.s_axis.tlast.val();
                self.skid_user.d.next = self.s_axis.tuser.val();
                self.skid_side.d.next = self.s_side.val();
            }
        } else if self.m_axis.tready.val() {
            self.out_valid.d.next = self.skid_valid.q.val();
            self.out_data.d.next = self.skid_data.q.val();
            self.out_keep.d.next = self.skid_keep.q.val();
            self.out_last.d.next = self.skid_last.q.val();
            self.out_user.d.next = self.skid_user.q.val();
            self.out_side.d.next = self.skid_side.q.val();
            self.skid_valid.d.next = false;
        }
        if self.rst.val() {
            self.ready.d.next = false;
            self.out_valid.d.next = false;
            self.skid_valid.d.next = false;
        }
        // after the reset above, so it is the next clock's tready in reset too
        self.s_tready_next.next = self.ready.d.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random offers and stalls: every beat comes out once, in order, with its sideband; a beat
    /// shown on `m_axis` stays unchanged until taken; `s_tready_next` is the next clock's
    /// `s_axis.tready`; with both sides always ready a beat passes every clock.
    #[test]
    fn passes_every_beat_in_order_and_holds_stalled_beats() {
        for (p_offer, p_take) in [(1.0, 1.0), (0.7, 0.5), (1.0, 0.3), (0.3, 1.0)] {
            let mut u = AxisSlice::<16, 2, 8>::default();
            u.connect_all();
            let mut x: u64 = 99;
            let mut rnd = move || {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (x >> 33) as f64 / (1u64 << 31) as f64
            };
            let (mut sent, mut got) = (0u64, 0u64);
            let mut shown: Option<(u64, u64)> = None;
            let mut passes = 0;
            for _ in 0..3000 {
                let offer = rnd() < p_offer;
                let take = rnd() < p_take;
                u.s_axis.tvalid.next = offer;
                u.s_axis.tdata.next = (sent & 0xFFFF).into();
                u.s_axis.tkeep.next = (sent & 3).into();
                u.s_axis.tlast.next = sent % 5 == 4;
                u.s_side.next = ((sent * 7) & 0xFF).into();
                u.m_axis.tready.next = take;
                u.clock.next = false.into();
                assert!(simulate(&mut u, 50));
                if u.m_axis.tvalid.val() {
                    let beat = (u.m_axis.tdata.val().to_u64(), u.m_side.val().to_u64());
                    if let Some(prev) = shown {
                        assert_eq!(prev, beat, "a stalled beat changed");
                    }
                    shown = Some(beat);
                    if take {
                        assert_eq!(beat, (got & 0xFFFF, (got * 7) & 0xFF));
                        assert_eq!(u.m_axis.tkeep.val().to_u64(), got & 3);
                        assert_eq!(u.m_axis.tlast.val(), got % 5 == 4);
                        got += 1;
                        shown = None;
                        passes += 1;
                    }
                } else {
                    assert!(shown.is_none(), "a shown beat was withdrawn");
                }
                if offer && u.s_axis.tready.val() {
                    sent += 1;
                }
                let predicted = u.s_tready_next.val();
                u.clock.next = true.into();
                assert!(simulate(&mut u, 50));
                assert_eq!(u.s_axis.tready.val(), predicted, "s_tready_next is not the next tready");
            }
            assert!(sent - got <= 2);
            if p_offer == 1.0 && p_take == 1.0 {
                assert!(passes >= 2990, "full rate: {passes} beats in 3000 clocks");
            }
        }
    }

    /// [`crate::reg_slice::check_reset_empties`].
    #[test]
    fn reset_empties_the_slice() {
        let mut u = AxisSlice::<16, 2, 8>::default();
        u.connect_all();
        crate::reg_slice::check_reset_empties(|valid, data, take, rst| {
            u.s_axis.tvalid.next = valid;
            u.s_axis.tdata.next = data.into();
            u.m_axis.tready.next = take;
            u.rst.next = rst;
            u.clock.next = false.into();
            assert!(simulate(&mut u, 100));
            let seen = (u.s_axis.tready.val(), u.m_axis.tvalid.val(), u.m_axis.tdata.val().to_u64());
            u.clock.next = true.into();
            assert!(simulate(&mut u, 100));
            seen
        });
    }
}
