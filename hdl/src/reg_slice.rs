//! `RegSlice<D>`: a valid/ready register slice (a skid buffer) for any payload `D`. It passes
//! an item a clock with both sides ready; every output, `s_ready` included, comes from a
//! register, so the consumer's `m_ready` does not reach the producer's logic.
//!
//! `s_ready` is a register, so it is set a clock before the slice knows whether the item
//! offered with it can go to the output: an item taken while the output is stalled waits in
//! the skid register, and `s_ready` falls until the output moves. ([`crate::axis_slice`] is
//! the same slice with AXI4-Stream ports.)
//!
//! `rst` (synchronous, active high) empties the slice: `ready`, the output and skid valid flags
//! return to 0; the item registers (data) are not reset.

use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct RegSlice<D: Synth> {
    pub clock: Signal<In, Clock>,
    /// synchronous reset, active high: see the module doc
    pub rst: Signal<In, Bit>,
    pub s_valid: Signal<In, Bit>,
    pub s_data: Signal<In, D>,
    pub s_ready: Signal<Out, Bit>,
    pub m_valid: Signal<Out, Bit>,
    pub m_data: Signal<Out, D>,
    pub m_ready: Signal<In, Bit>,
    ready: DFF<Bit>,
    out_valid: DFF<Bit>,
    out_data: DFF<D>,
    skid_valid: DFF<Bit>,
    skid_data: DFF<D>,
}

impl<D: Synth> Default for RegSlice<D> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            rst: Default::default(),
            s_valid: Default::default(),
            s_data: Default::default(),
            s_ready: Default::default(),
            m_valid: Default::default(),
            m_data: Default::default(),
            m_ready: Default::default(),
            ready: Default::default(),
            out_valid: Default::default(),
            out_data: Default::default(),
            skid_valid: Default::default(),
            skid_data: Default::default(),
        }
    }
}

impl<D: Synth> Logic for RegSlice<D> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, ready, out_valid, out_data, skid_valid, skid_data);
        self.s_ready.next = self.ready.q.val();
        self.m_valid.next = self.out_valid.q.val();
        self.m_data.next = self.out_data.q.val();
        // ready next clock unless the skid register is (or is about to be) holding an item
        self.ready.d.next =
            self.m_ready.val() || (!self.skid_valid.q.val() && (!self.out_valid.q.val() || !self.s_valid.val()));
        if self.ready.q.val() {
            if self.m_ready.val() || !self.out_valid.q.val() {
                self.out_valid.d.next = self.s_valid.val();
                self.out_data.d.next = self.s_data.val();
            } else {
                self.skid_valid.d.next = self.s_valid.val();
                self.skid_data.d.next = self.s_data.val();
            }
        } else if self.m_ready.val() {
            self.out_valid.d.next = self.skid_valid.q.val();
            self.out_data.d.next = self.skid_data.q.val();
            self.skid_valid.d.next = false;
        }
        if self.rst.val() {
            self.ready.d.next = false;
            self.out_valid.d.next = false;
            self.skid_valid.d.next = false;
        }
    }
}

/// The reset test of every valid/ready slice: a stopped consumer fills both registers; `rst`
/// (with an item offered beside it) empties the slice: nothing is shown, the input's ready is
/// low for a clock, then items offered after it come out in order and none from before.
/// `clk(valid, data, take, rst)` drives the ports for one clock and returns (input ready,
/// output valid, output data) as they were before the edge.
#[cfg(test)]
pub(crate) fn check_reset_empties(mut clk: impl FnMut(bool, u64, bool, bool) -> (bool, bool, u64)) {
    for v in 1..=4 {
        clk(true, v, false, false);
    }
    let (_, shown, _) = clk(true, 7, true, true);
    assert!(shown, "the filled slice shows an item");
    let (ready, shown, _) = clk(false, 0, true, false);
    assert!(!ready && !shown, "after rst: ready {ready}, an item shown {shown}");
    let mut got = vec![];
    let mut next = 20;
    for _ in 0..12 {
        let (ready, shown, v) = clk(next < 25, next, true, false);
        if shown {
            got.push(v);
        }
        if ready && next < 25 {
            next += 1;
        }
    }
    assert_eq!(got, vec![20, 21, 22, 23, 24]);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random offers and stalls against a queue model: every item comes out once, in order; an
    /// item shown stays unchanged until taken; `s_ready` depends on no input of the same clock;
    /// with both sides always ready an item passes every clock.
    #[test]
    fn passes_every_item_in_order_and_holds_stalled_items() {
        for (p_offer, p_take) in [(1.0, 1.0), (0.7, 0.5), (1.0, 0.3), (0.3, 1.0), (0.5, 0.0)] {
            let mut u = RegSlice::<Bits<24>>::default();
            u.connect_all();
            let mut x: u64 = 12345;
            let mut rnd = move || {
                x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                (x >> 33) as f64 / (1u64 << 31) as f64
            };
            let item = |n: u64| (n.wrapping_mul(0x9E37_79B9) & 0xFF_FFFF) as u64;
            let (mut sent, mut got) = (0u64, 0u64);
            let mut shown: Option<u64> = None;
            for _ in 0..3000 {
                let offer = rnd() < p_offer;
                let take = rnd() < p_take;
                u.s_valid.next = offer;
                u.s_data.next = item(sent).into();
                u.m_ready.next = take;
                u.clock.next = false.into();
                assert!(simulate(&mut u, 50));
                let ready = u.s_ready.val();
                // s_ready is a register: flipping this clock's inputs must not move it
                u.s_valid.next = !offer;
                u.m_ready.next = !take;
                assert!(simulate(&mut u, 50));
                assert_eq!(u.s_ready.val(), ready, "s_ready followed an input");
                u.s_valid.next = offer;
                u.m_ready.next = take;
                assert!(simulate(&mut u, 50));
                if u.m_valid.val() {
                    let v = u.m_data.val().to_u64();
                    if let Some(prev) = shown {
                        assert_eq!(prev, v, "a stalled item changed");
                    }
                    shown = Some(v);
                    if take {
                        assert_eq!(v, item(got), "item {got} out of order");
                        got += 1;
                        shown = None;
                    }
                } else {
                    assert!(shown.is_none(), "a shown item was withdrawn");
                }
                if offer && ready {
                    sent += 1;
                }
                u.clock.next = true.into();
                assert!(simulate(&mut u, 50));
            }
            assert!(sent - got <= 2, "the slice holds at most two items");
            if p_offer == 1.0 && p_take == 1.0 {
                assert!(got >= 2995, "full rate: {got} items in 3000 clocks");
            }
            if p_take == 0.0 {
                assert_eq!((sent, got), (2, 0), "a stopped consumer fills both registers and no more");
            }
        }
    }

    /// [`crate::reg_slice::check_reset_empties`].
    #[test]
    fn reset_empties_the_slice() {
        let mut u = RegSlice::<Bits<24>>::default();
        u.connect_all();
        check_reset_empties(|valid, data, take, rst| {
            u.s_valid.next = valid;
            u.s_data.next = data.into();
            u.m_ready.next = take;
            u.rst.next = rst;
            u.clock.next = false.into();
            assert!(simulate(&mut u, 100));
            let seen = (u.s_ready.val(), u.m_valid.val(), u.m_data.val().to_u64());
            u.clock.next = true.into();
            assert!(simulate(&mut u, 100));
            seen
        });
    }
}
