//! `RamFifo<D, Q>`: a first-word-fall-through FIFO of `Q` words (Q a power of two, at most
//! 128) in a [`DistRam`], with `dout` read from the memory at the read pointer, not from a
//! register. `pop` removes the head, `push` adds `din`; both may happen in one cycle. Pushing
//! when full or popping when empty is the caller's error.
//!
//! For a consumer that registers `dout` itself (a [`crate::reg_slice::RegSlice`]): a pop then
//! moves only the pointers and counters, never the enables of a wide head register: the pop
//! then fans out to a few flip-flops instead of the whole word (see [`crate::reg_fifo::RegFifo`]
//! for the variant with the head in a register). `dout` is not defined while the FIFO is empty.
//!
//! `rst` (synchronous, active high) empties the FIFO: pointers, count and flags return to 0;
//! the memory (data) is not reset.

use crate::dist_ram::DistRam;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct RamFifo<D: Synth, const Q: usize> {
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
    /// not empty, and two entries or more: flip-flops, so `empty` and the count's next
    /// value need no compare of `cnt`
    nonempty: DFF<Bit>,
    many: DFF<Bit>,
    wrap: Constant<Bits<8>>,
}

impl<D: Synth, const Q: usize> Default for RamFifo<D, Q> {
    fn default() -> Self {
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
            wrap: Constant::new(((Q - 1) as u64).into()),
        }
    }
}

impl<D: Synth, const Q: usize> Logic for RamFifo<D, Q> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, rd, wr, cnt, nonempty, many);
        self.ram.clock.next = self.clock.val();
        self.ram.write_address.next = self.wr.q.val();
        self.ram.write_data.next = self.din.val();
        self.ram.write_enable.next = self.push.val();
        self.ram.read_address.next = self.rd.q.val();
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
        self.dout.next = self.ram.read_data.val();
        self.count.next = self.cnt.q.val();
        self.empty.next = !self.nonempty.q.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    crate::reg_fifo::fifo_contract_tests!(RamFifo);
}
