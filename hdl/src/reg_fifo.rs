//! `RegFifo<D, Q>`: a first-word-fall-through FIFO of `Q` registers (Q a power of two,
//! at most 128). `dout` shows the head while `count > 0`; `pop` removes it, `push` adds
//! `din`; both may happen in one cycle. Pushing when full or popping when empty is the
//! caller's error (the RX path keeps credits so it never does).
//!
//! The entries live in a [`DistRam`]; `dout` comes straight from a register, loaded with the
//! entry after the head (or `din`) when the head is popped, so the memory's read sits before a
//! register, not in front of the consumer's logic. Entry `k` is written at address `k - 1`, so
//! the entry after the head is at the head's own index: the read address is a flip-flop, with
//! no adder in front of the memory. The head's load picks the memory or `din` by a flip-flop
//! (`many`), so the pop reaches the head's enables through one gate and its data not at all.
//! While the FIFO is empty `dout` is not defined (the head follows `din`).
//!
//! `rst` (synchronous, active high) empties the FIFO: pointers, count and flags return to 0;
//! the memory and the head register (data) are not reset.

use crate::dist_ram::DistRam;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct RegFifo<D: Synth, const Q: usize> {
    pub clock: Signal<In, Clock>,
    /// synchronous reset, active high: see the module doc
    pub rst: Signal<In, Bit>,
    pub push: Signal<In, Bit>,
    pub din: Signal<In, D>,
    pub pop: Signal<In, Bit>,
    pub dout: Signal<Out, D>,
    pub count: Signal<Out, Bits<8>>,
    pub empty: Signal<Out, Bit>,
    ram: DistRam<D, Q>,
    rd: DFF<Bits<8>>,
    wr: DFF<Bits<8>>,
    cnt: DFF<Bits<8>>,
    /// not-empty as its own flip-flop (0 after reset): it gates the consumer's pop (and through it the
    /// read pointers), so no zero test of `cnt` sits in front of those enables
    nonempty: DFF<Bit>,
    /// two entries or more: a pop loads the head from the memory, not from `din`
    many: DFF<Bit>,
    head: DFF<D>,
    wrap: Constant<Bits<8>>,
}

impl<D: Synth, const Q: usize> RegFifo<D, Q> {
    pub fn new() -> Self {
        assert!(Q.is_power_of_two() && (2..=128).contains(&Q));
        Self {
            clock: Default::default(),
            rst: Default::default(),
            push: Default::default(),
            din: Default::default(),
            pop: Default::default(),
            dout: Default::default(),
            count: Default::default(),
            empty: Default::default(),
            ram: Default::default(),
            rd: Default::default(),
            wr: Default::default(),
            cnt: Default::default(),
            nonempty: Default::default(),
            many: Default::default(),
            head: Default::default(),

            wrap: Constant::new(((Q - 1) as u64).into()),
        }
    }
}

impl<D: Synth, const Q: usize> Default for RegFifo<D, Q> {
    fn default() -> Self {
        Self::new()
    }
}

impl<D: Synth, const Q: usize> Logic for RegFifo<D, Q> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, rd, wr, cnt, nonempty, many, head);
        self.ram.clock.next = self.clock.val();
        self.ram.write_address.next = (self.wr.q.val() + self.wrap.val()) & self.wrap.val();
        self.ram.write_data.next = self.din.val();
        self.ram.write_enable.next = self.push.val();
        self.ram.read_address.next = self.rd.q.val();
        // the head loads whenever it holds nothing that must stay: what an empty FIFO or a
        // pop that empties it loads is never shown, and the enable is one gate of flip-flops
        // and the consumer's pop, not a function of `push` as well
        if self.pop.val() || !self.nonempty.q.val() {
            if self.many.q.val() {
                self.head.d.next = self.ram.read_data.val();
            } else {
                self.head.d.next = self.din.val();
            }
        }
        if self.push.val() {
            self.wr.d.next = (self.wr.q.val() + 1) & self.wrap.val();
        }
        if self.pop.val() {
            self.rd.d.next = (self.rd.q.val() + 1) & self.wrap.val();
        }
        if self.push.val() && !self.pop.val() {
            self.cnt.d.next = self.cnt.q.val() + 1;
            self.nonempty.d.next = true;
            self.many.d.next = self.nonempty.q.val();
        }
        if self.pop.val() && !self.push.val() {
            self.cnt.d.next = self.cnt.q.val() - 1;
            self.nonempty.d.next = self.many.q.val();
            self.many.d.next = self.many.q.val() && (self.cnt.q.val() != 2);
        }
        if self.rst.val() {
            self.rd.d.next = 0.into();
            self.wr.d.next = 0.into();
            self.cnt.d.next = 0.into();
            self.nonempty.d.next = false;
            self.many.d.next = false;
        }
        self.dout.next = self.head.q.val();
        self.count.next = self.cnt.q.val();
        self.empty.next = !self.nonempty.q.val();
    }
}

/// The FIFO contract, checked the same way for every FIFO of the crate: random pushes and pops
/// against a queue model, with a push beside the pop of a full FIFO and runs that fill it and
/// drain it. `step(push, pop, din, edge)` drives the ports and simulates one half clock (the
/// clock low, then high), returning `(count, empty, dout)` as the low half shows them.
/// Returns how many clocks pushed beside the pop of a full FIFO.
#[cfg(test)]
pub(crate) fn check_fifo_order_and_count(
    depth: usize,
    p_push: u32,
    p_pop: u32,
    mut step: impl FnMut(bool, bool, u64, bool) -> (usize, bool, u64),
) -> usize {
    let mut model = std::collections::VecDeque::new();
    let mut x: u32 = 7 + depth as u32;
    let mut full_push_pop = 0;
    for cyc in 0..3000u32 {
        x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
        let pop = (x >> 8) % 100 < p_pop && !model.is_empty();
        let push = (x >> 20) % 100 < p_push && (model.len() < depth || pop);
        if push && pop && model.len() == depth {
            full_push_pop += 1;
        }
        let (count, empty, dout) = step(push, pop, cyc as u64, false);
        assert_eq!(count, model.len(), "count at {cyc}");
        assert_eq!(empty, model.is_empty(), "empty at {cyc}");
        if let Some(h) = model.front() {
            assert_eq!(dout as u32, *h, "head at {cyc}");
        }
        step(push, pop, cyc as u64, true);
        if pop {
            model.pop_front();
        }
        if push {
            model.push_back(cyc);
        }
    }
    full_push_pop
}

/// The tests every FIFO of the crate passes (`$fifo<D, Q>` with the ports of [`RegFifo`]):
/// the contract of [`check_fifo_order_and_count`] at depths 2, 4 and 16, and `rst` with a
/// push and a pop offered beside it emptying the FIFO, which then holds only what is pushed
/// after it, in order.
#[cfg(test)]
macro_rules! fifo_contract_tests {
    ($fifo:ident) => {
        fn order_and_count<const Q: usize>(p_push: u32, p_pop: u32) -> usize {
            let mut u = $fifo::<Bits<16>, Q>::default();
            u.connect_all();
            $crate::reg_fifo::check_fifo_order_and_count(Q, p_push, p_pop, |push, pop, din, edge| {
                u.clock.next = edge.into();
                u.push.next = push;
                u.pop.next = pop;
                u.din.next = din.into();
                assert!(simulate(&mut u, 100));
                (u.count.val().to_u64() as usize, u.empty.val(), u.dout.val().to_u64())
            })
        }

        /// Depth 2 has no entry in the memory but the head's successor.
        #[test]
        fn fifo_order_and_count() {
            let mut full_push_pop = [0; 3];
            for (p_push, p_pop) in [(50, 50), (80, 40), (40, 80), (95, 95)] {
                full_push_pop[0] += order_and_count::<2>(p_push, p_pop);
                full_push_pop[1] += order_and_count::<4>(p_push, p_pop);
                full_push_pop[2] += order_and_count::<16>(p_push, p_pop);
            }
            assert!(full_push_pop.iter().all(|&n| n > 0), "a depth never saw a push beside a full pop: {full_push_pop:?}");
        }

        #[test]
        fn reset_empties_the_fifo() {
            let mut u = $fifo::<Bits<16>, 8>::default();
            u.connect_all();
            let clk = |u: &mut $fifo<Bits<16>, 8>, push: bool, pop: bool, din: u64, rst: bool| {
                u.push.next = push;
                u.pop.next = pop;
                u.din.next = din.into();
                u.rst.next = rst;
                u.clock.next = false.into();
                assert!(simulate(u, 100));
                u.clock.next = true.into();
                assert!(simulate(u, 100));
            };
            for v in 1..=5 {
                clk(&mut u, true, false, v, false);
            }
            assert_eq!(u.count.val().to_u64(), 5);
            clk(&mut u, true, true, 99, true);
            assert!(u.empty.val() && u.count.val().to_u64() == 0, "not empty after rst");
            for v in 10..13 {
                clk(&mut u, true, false, v, false);
            }
            for v in 10..13 {
                u.push.next = false;
                u.pop.next = false;
                u.clock.next = false.into();
                assert!(simulate(&mut u, 100));
                assert_eq!(u.dout.val().to_u64(), v, "an entry from before rst");
                clk(&mut u, false, true, 0, false);
            }
            assert!(u.empty.val());
        }
    };
}
#[cfg(test)]
pub(crate) use fifo_contract_tests;

#[cfg(test)]
mod tests {
    use super::*;

    fifo_contract_tests!(RegFifo);
}
