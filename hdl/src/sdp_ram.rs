//! `SdpRam<D, N>`: simple dual-port RAM (one write port, one registered read port, `2^N`
//! words), the same ports and simulation behaviour as rust-hdl's `RAM`, emitted with the
//! yosys `no_rw_check` attribute.
//!
//! Why: with read and write on one clock, yosys must give `RAM`'s read-before-write
//! semantics when both ports hit the same address, which a DP16KD does not do across its
//! ports, so it adds a collision bypass (write-data register + address compare + a mux
//! after the BRAM output). On ECP5 the DP16KD's clock-to-out (4.3 ns, no output register)
//! leaves no room for that mux at 180 MHz. A user that never reads a word in the cycle it
//! is written (the TX ring only reads committed words) declares the collision undefined,
//! and the BRAM output can go straight into a register.
//! Simulation: the read samples the memory before the same edge's write (old data), as
//! `RAM` does; Icarus and Verilator ignore the attribute.

use rust_hdl::prelude::*;
use std::collections::BTreeMap;

#[derive(LogicBlock, Default)]
pub struct SdpRam<D: Synth, const N: usize> {
    pub read_address: Signal<In, Bits<N>>,
    pub read_clock: Signal<In, Clock>,
    pub read_data: Signal<Out, D>,
    pub write_address: Signal<In, Bits<N>>,
    pub write_clock: Signal<In, Clock>,
    pub write_data: Signal<In, D>,
    pub write_enable: Signal<In, bool>,
    // (a leading underscore keeps the derive macros off this field)
    _sim: Box<BTreeMap<Bits<N>, D>>,
}

impl<D: Synth, const N: usize> Logic for SdpRam<D, N> {
    fn update(&mut self) {
        if self.read_clock.pos_edge() {
            self.read_data.next = *self
                ._sim
                .get(&self.read_address.val())
                .unwrap_or(&D::default());
        }
        if self.write_clock.pos_edge() && self.write_enable.val() {
            self._sim.insert(self.write_address.val(), self.write_data.val());
        }
    }

    fn connect(&mut self) {
        self.read_data.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(format!(
            "\
(* no_rw_check *)
reg[{D}:0] mem[{last}:0];

always @(posedge read_clock) begin
   read_data <= mem[read_address];
end

always @(posedge write_clock) begin
   if (write_enable) begin
      mem[write_address] <= write_data;
   end
end
",
            D = D::BITS - 1,
            last = (1usize << N) - 1,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(u: &mut SdpRam<Bits<16>, 4>) {
        u.read_clock.next = false.into();
        u.write_clock.next = false.into();
        assert!(simulate(u, 20));
        u.read_clock.next = true.into();
        u.write_clock.next = true.into();
        assert!(simulate(u, 20));
    }

    /// Writes land, reads are registered (one edge), and a read of the word written at
    /// the same edge returns the old contents, as rust-hdl's `RAM` (read before write).
    #[test]
    fn reads_registered_old_data_on_collision() {
        let mut u = SdpRam::<Bits<16>, 4>::default();
        u.connect_all();
        for a in 0..16u64 {
            u.write_address.next = a.into();
            u.write_data.next = (0x100 + a * 3).into();
            u.write_enable.next = true;
            edge(&mut u);
        }
        u.write_enable.next = false;
        for a in [5u64, 0, 15] {
            u.read_address.next = a.into();
            edge(&mut u);
            assert_eq!(u.read_data.val().to_u64(), 0x100 + a * 3);
        }
        u.read_address.next = 7.into();
        u.write_address.next = 7.into();
        u.write_data.next = 0xBEEF.into();
        u.write_enable.next = true;
        edge(&mut u);
        assert_eq!(u.read_data.val().to_u64(), 0x100 + 21, "old data on collision");
        u.write_enable.next = false;
        edge(&mut u);
        assert_eq!(u.read_data.val().to_u64(), 0xBEEF);
    }

    #[test]
    fn verilog_has_the_attribute() {
        let mut u = SdpRam::<Bits<64>, 12>::default();
        u.connect_all();
        let v = generate_verilog(&u);
        assert!(v.contains("(* no_rw_check *)") && v.contains("reg[63:0] mem[4095:0]"));
    }
}
