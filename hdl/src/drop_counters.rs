//! `DropCounters<R>`: one 32-bit counter per drop reason, counted from two (valid, reason)
//! pulse ports (RX: `a` the in-order drop events, `b` the drops that never reach the decision
//! queue; TX uses `a` only).
//! The pulses are registered first, so the counters' enables decode a flip-flop, never the logic
//! that decided the drop; a count lags its event by one clock. A reason code `>= R` counts
//! nowhere.
//!
//! `rst` (synchronous, active high) clears every counter and the registered pulses; the
//! registered reason codes (read only with their pulse) are not reset.

use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct DropCounters<const R: usize> {
    pub clock: Signal<In, Clock>,
    /// synchronous reset, active high: see the module doc
    pub rst: Signal<In, Bit>,
    pub valid: Signal<In, Bit>,
    pub reason: Signal<In, Bits<4>>,
    pub b_valid: Signal<In, Bit>,
    pub b_reason: Signal<In, Bits<4>>,
    pub count: [Signal<Out, Bits<32>>; R],
    ev_valid: DFF<Bit>,
    ev_reason: DFF<Bits<4>>,
    evb_valid: DFF<Bit>,
    evb_reason: DFF<Bits<4>>,
    ctr: [DFF<Bits<32>>; R],
    code: [Constant<Bits<4>>; R],
}

impl<const R: usize> Default for DropCounters<R> {
    fn default() -> Self {
        assert!(R <= 16);
        Self {
            clock: Default::default(),
            rst: Default::default(),
            valid: Default::default(),
            reason: Default::default(),
            count: std::array::from_fn(|_| Default::default()),
            ev_valid: Default::default(),
            ev_reason: Default::default(),
            b_valid: Default::default(),
            b_reason: Default::default(),
            evb_valid: Default::default(),
            evb_reason: Default::default(),
            ctr: std::array::from_fn(|_| Default::default()),
            code: std::array::from_fn(|i| Constant::new((i as u64).into())),
        }
    }
}

impl<const R: usize> Logic for DropCounters<R> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, ev_valid, ev_reason, evb_valid, evb_reason);
        self.ev_valid.d.next = self.valid.val();
        self.ev_reason.d.next = self.reason.val();
        self.evb_valid.d.next = self.b_valid.val();
        self.evb_reason.d.next = self.b_reason.val();
        for i in 0..R {
            self.ctr[i].clock.next = self.clock.val();
            self.ctr[i].d.next = self.ctr[i].q.val();
            if self.ev_valid.q.val() && (self.ev_reason.q.val() == self.code[i].val()) {
                self.ctr[i].d.next = self.ctr[i].q.val() + 1;
            }
            if self.evb_valid.q.val() && (self.evb_reason.q.val() == self.code[i].val()) {
                self.ctr[i].d.next = self.ctr[i].q.val() + 1;
                if self.ev_valid.q.val() && (self.ev_reason.q.val() == self.code[i].val()) {
                    self.ctr[i].d.next = self.ctr[i].q.val() + 2;
                }
            }
            self.count[i].next = self.ctr[i].q.val();
        }
        if self.rst.val() {
            self.ev_valid.d.next = false;
            self.evb_valid.d.next = false;
            for i in 0..R {
                self.ctr[i].d.next = 0.into();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random events against a count kept here; an out-of-range code counts nowhere.
    #[test]
    fn counts_each_reason() {
        let mut u = DropCounters::<14>::default();
        u.connect_all();
        let mut want = [0u64; 14];
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        for _ in 0..500 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let valid = x & 1 == 1;
            let reason = (x >> 8) % 16;
            let bvalid = x & 2 == 2;
            let breason = if x & 4 == 4 { reason } else { (x >> 16) % 16 };
            u.valid.next = valid;
            u.reason.next = reason.into();
            u.b_valid.next = bvalid;
            u.b_reason.next = breason.into();
            if bvalid && breason < 14 {
                want[breason as usize] += 1;
            }
            u.clock.next = false.into();
            assert!(simulate(&mut u, 50));
            u.clock.next = true.into();
            assert!(simulate(&mut u, 50));
            if valid && reason < 14 {
                want[reason as usize] += 1;
            }
        }
        u.valid.next = false;
        u.b_valid.next = false;
        for _ in 0..2 {
            u.clock.next = false.into();
            assert!(simulate(&mut u, 50));
            u.clock.next = true.into();
            assert!(simulate(&mut u, 50));
        }
        for i in 0..14 {
            assert_eq!(u.count[i].val().to_u64(), want[i], "reason {i}");
        }
    }
}
