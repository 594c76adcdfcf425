//! `DistRam<D, Q>`: a memory of `Q` words (a power of two, 2..=128) with a synchronous write
//! port and an asynchronous read port: `read_data` is the word at `read_address` in the same
//! clock, a word written at a clock edge readable right after it. Addresses are 8 bits; the
//! bits above `log2(Q)` are ignored.
//!
//! Why: a small FIFO's read multiplexer over flip-flops is a tree of LUT levels with the
//! read pointer fanned out to every one; Yosys maps this memory to distributed RAM (ECP5
//! `TRELLIS_DPR16X4`), whose read costs about one LUT. iCE40 has no distributed RAM: Yosys
//! builds it from flip-flops and multiplexers, as before.

use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct DistRam<D: Synth, const Q: usize> {
    pub clock: Signal<In, Clock>,
    pub write_address: Signal<In, Bits<8>>,
    pub write_data: Signal<In, D>,
    pub write_enable: Signal<In, Bit>,
    pub read_address: Signal<In, Bits<8>>,
    pub read_data: Signal<Out, D>,
    // (a leading underscore keeps the derive macros off this field)
    _words: Box<Vec<D>>,
}

impl<D: Synth, const Q: usize> Default for DistRam<D, Q> {
    fn default() -> Self {
        assert!(Q.is_power_of_two() && (2..=128).contains(&Q));
        Self {
            clock: Default::default(),
            write_address: Default::default(),
            write_data: Default::default(),
            write_enable: Default::default(),
            read_address: Default::default(),
            read_data: Default::default(),
            _words: Box::new(vec![D::default(); Q]),
        }
    }
}

impl<D: Synth, const Q: usize> Logic for DistRam<D, Q> {
    fn update(&mut self) {
        if self.clock.pos_edge() && self.write_enable.val() {
            self._words[self.write_address.val().index() % Q] = self.write_data.val();
        }
        self.read_data.next = self._words[self.read_address.val().index() % Q];
    }

    fn connect(&mut self) {
        self.read_data.connect();
    }

    fn hdl(&self) -> Verilog {
        let a = Q.trailing_zeros() as usize - 1;
        Verilog::Custom(format!(
            "\
reg[{d}:0] mem[{last}:0];
always @(posedge clock) begin
   if (write_enable) begin
      mem[write_address[{a}:0]] <= write_data;
   end
end
always @(*) read_data = mem[read_address[{a}:0]];
",
            d = D::BITS - 1,
            last = Q - 1,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes land at the clock edge and read back combinationally at any address, upper
    /// address bits ignored.
    #[test]
    fn writes_then_reads_every_word() {
        let mut u = DistRam::<Bits<12>, 8>::default();
        u.connect_all();
        let mut model = [0u64; 8];
        let mut x: u64 = 5;
        for cyc in 0..300u64 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
            let (wa, ra, we) = ((x >> 20) & 0xFF, (x >> 40) & 0xFF, (x >> 60) & 1 == 1);
            let data = (x >> 8) & 0xFFF;
            u.write_address.next = wa.into();
            u.write_data.next = data.into();
            u.write_enable.next = we;
            u.read_address.next = ra.into();
            u.clock.next = false.into();
            assert!(simulate(&mut u, 50));
            assert_eq!(u.read_data.val().to_u64(), model[(ra % 8) as usize], "clock {cyc}");
            u.clock.next = true.into();
            assert!(simulate(&mut u, 50));
            if we {
                model[(wa % 8) as usize] = data;
            }
            assert_eq!(u.read_data.val().to_u64(), model[(ra % 8) as usize], "after the edge, clock {cyc}");
        }
    }
}
