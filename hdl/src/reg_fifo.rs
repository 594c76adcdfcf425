//! `RegFifo<D, Q>`: a first-word-fall-through FIFO of `Q` registers (Q a power of two,
//! at most 128). `dout` shows the head while `count > 0`; `pop` removes it, `push` adds
//! `din`; both may happen in one cycle. Pushing when full or popping when empty is the
//! caller's error (the RX path keeps credits so it never does).
//!
//! The entries live in a [`DistRam`]; `dout` comes straight from a register, loaded with the
//! entry after the head (or `din`) when the head is popped, so the memory's read sits before a
//! register, not in front of the consumer's logic.

use crate::dist_ram::DistRam;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct RegFifo<D: Synth, const Q: usize> {
    pub clock: Signal<In, Clock>,
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
    /// read pointers), where a zero test of `cnt` added LUT levels to the NIC's
    /// critical path
    nonempty: DFF<Bit>,
    /// exactly one entry: a pop with a push makes `din` the head
    single: DFF<Bit>,
    head: DFF<D>,
    wrap: Constant<Bits<8>>,
}

impl<D: Synth, const Q: usize> RegFifo<D, Q> {
    pub fn new() -> Self {
        assert!(Q.is_power_of_two() && (2..=128).contains(&Q));
        Self {
            clock: Default::default(),
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
            single: Default::default(),
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
        dff_setup!(self, clock, rd, wr, cnt, nonempty, single, head);
        self.ram.clock.next = self.clock.val();
        self.ram.write_address.next = self.wr.q.val();
        self.ram.write_data.next = self.din.val();
        self.ram.write_enable.next = self.push.val();
        // the entry after the head
        self.ram.read_address.next = (self.rd.q.val() + 1) & self.wrap.val();
        if !self.nonempty.q.val() || (self.pop.val() && self.single.q.val()) {
            if self.push.val() {
                self.head.d.next = self.din.val();
            }
        } else if self.pop.val() {
            self.head.d.next = self.ram.read_data.val();
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
            self.single.d.next = !self.nonempty.q.val();
        }
        if self.pop.val() && !self.push.val() {
            self.cnt.d.next = self.cnt.q.val() - 1;
            self.nonempty.d.next = !self.single.q.val();
            self.single.d.next = self.cnt.q.val() == 2;
        }
        self.dout.next = self.head.q.val();
        self.count.next = self.cnt.q.val();
        self.empty.next = !self.nonempty.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fifo_order_and_count() {
        let mut u = RegFifo::<Bits<16>, 4>::new();
        u.connect_all();
        let mut model = std::collections::VecDeque::new();
        let mut x: u32 = 7;
        for cyc in 0..400u32 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12345);
            let push = (x >> 16) & 1 == 1 && model.len() < 4;
            let pop = (x >> 17) & 1 == 1 && !model.is_empty();
            u.clock.next = false.into();
            u.push.next = push;
            u.pop.next = pop;
            u.din.next = (cyc as u64).into();
            assert!(simulate(&mut u, 100));
            assert_eq!(u.count.val().to_u64() as usize, model.len());
            assert_eq!(u.empty.val(), model.is_empty());
            if let Some(h) = model.front() {
                assert_eq!(u.dout.val().to_u64() as u32, *h);
            }
            u.clock.next = true.into();
            assert!(simulate(&mut u, 100));
            if pop {
                model.pop_front();
            }
            if push {
                model.push_back(cyc);
            }
        }
    }
}
