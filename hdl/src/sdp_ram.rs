//! `SdpRam<D, N>`: simple dual-port RAM (one write port, one read port, `2^N` words) whose
//! read data comes out of the block RAM's own output register: read latency 2 (the address
//! of cycle t is in `read_data` in cycle t+2). Ports as rust-hdl's `RAM`.
//!
//! Why: a DP16KD read without its output register has a clock-to-out several times a
//! fabric flip-flop's, and with the routing to the first fabric register it limits the
//! clock at the NIC's line rate (docs/timing-log.md). yosys' ECP5 mapping never uses
//! `REGMODE = OUTREG`, so for synthesis (`SYNTHESIS` defined, as yosys does) this block
//! instantiates DP16KDs (modes in [`dp16kd_geometry`]) with the output register; other
//! sizes, Icarus and Verilator get the behavioural model below (two
//! registers, same latency). A read of the word written in the same cycle returns the old
//! word in simulation and is undefined in hardware: users must not do it (the TX ring only
//! reads words committed cycles earlier). `tests/it/sdp_ram_netlist.rs` simulates the DP16KD
//! instances (and their yosys netlist) against a reference memory, as it does this model.

use rust_hdl::prelude::*;
use std::collections::BTreeMap;

/// Clock edges from `read_address` to `read_data`.
pub const READ_LATENCY: usize = 2;

#[derive(LogicBlock, Default)]
pub struct SdpRam<D: Synth, const N: usize> {
    pub read_address: Signal<In, Bits<N>>,
    pub read_clock: Signal<In, Clock>,
    pub read_data: Signal<Out, D>,
    pub write_address: Signal<In, Bits<N>>,
    pub write_clock: Signal<In, Clock>,
    pub write_data: Signal<In, D>,
    pub write_enable: Signal<In, bool>,
    // (a leading underscore keeps the derive macros off these fields)
    _sim: Box<BTreeMap<Bits<N>, D>>,
    _stage: D,
}

impl<D: Synth, const N: usize> Logic for SdpRam<D, N> {
    fn update(&mut self) {
        if self.read_clock.pos_edge() {
            self.read_data.next = self._stage;
            self._stage = *self
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
        let bits = D::BITS;
        let behavioural = format!(
            "\
(* no_rw_check *)
reg[{d}:0] mem[{last}:0];
reg[{d}:0] stage;
always @(posedge read_clock) begin
   stage <= mem[read_address];
   read_data <= stage;
end
always @(posedge write_clock) begin
   if (write_enable) begin
      mem[write_address] <= write_data;
   end
end
",
            d = bits - 1,
            last = (1usize << N) - 1,
        );
        let Some((dw, low)) = dp16kd_geometry(N) else {
            return Verilog::Custom(behavioural);
        };
        let slices = bits.div_ceil(dw);
        let mut v = String::new();
        v += &format!("`ifdef SYNTHESIS\nwire [{}:0] dob;\nalways @(*) read_data = dob[{}:0];\n", slices * dw - 1, bits - 1);
        // x18: the write port's two lowest address bits are its byte enables
        let ad = |p: &str, sig: &str| -> String {
            (0..14)
                .map(|j| {
                    if dw == 18 && p == "A" && j < 2 {
                        format!(".AD{p}{j}(1'b1)")
                    } else if j < low || j - low >= N {
                        format!(".AD{p}{j}(1'b0)")
                    } else {
                        format!(".AD{p}{j}({sig}[{}])", j - low)
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        for s in 0..slices {
            let di = (0..18)
                .map(|j| {
                    let b = s * dw + j;
                    if j < dw && b < bits {
                        format!(".DIA{j}(write_data[{b}])")
                    } else {
                        format!(".DIA{j}(1'b0)")
                    }
                })
                .collect::<Vec<_>>()
                .join(", ");
            let dob = (0..dw).map(|j| format!(".DOB{j}(dob[{}])", s * dw + j)).collect::<Vec<_>>().join(", ");
            v += &format!(
                "DP16KD #(.DATA_WIDTH_A({dw}), .DATA_WIDTH_B({dw}), .REGMODE_A(\"NOREG\"), .REGMODE_B(\"OUTREG\"), \
.RESETMODE(\"SYNC\"), .ASYNC_RESET_RELEASE(\"SYNC\"), .CSDECODE_A(\"0b000\"), .CSDECODE_B(\"0b000\"), \
.WRITEMODE_A(\"NORMAL\"), .WRITEMODE_B(\"NORMAL\"), .GSR(\"AUTO\")) bram_{s} (\n\
 .CLKA(write_clock), .CEA(1'b1), .OCEA(1'b1), .WEA(write_enable), .RSTA(1'b0), .CSA0(1'b0), .CSA1(1'b0), .CSA2(1'b0),\n\
 {ada},\n {di},\n\
 .CLKB(read_clock), .CEB(1'b1), .OCEB(1'b1), .WEB(1'b0), .RSTB(1'b0), .CSB0(1'b0), .CSB1(1'b0), .CSB2(1'b0),\n\
 {adb},\n {dob}\n);\n",
                ada = ad("A", "write_address"),
                adb = ad("B", "read_address"),
            );
        }
        v += "`else\n";
        v += &behavioural;
        v += "`endif\n";
        Verilog::Custom(v)
    }
}

/// DP16KD mode for `2^n` words: `(data bits per block, low address bits not used)`: 4096 x 4,
/// 2048 x 9, or 1024 x 18 (also for 512 words, the top address bit tied low: yosys would
/// map those to a PDPW16KD, again without its output register). `None`: behavioural model.
pub fn dp16kd_geometry(n: usize) -> Option<(usize, usize)> {
    match n {
        12 => Some((4, 2)),
        11 => Some((9, 3)),
        9 | 10 => Some((18, 4)),
        _ => None,
    }
}

/// `(data bits, address bits)` of the `SdpRam`s the NIC instantiates in DP16KDs: TX rings
/// of `TxEncap64` (64, 12) and `TxEncap128` (128, 11), RX ring copies (64, 11) and their
/// prefix-sum copies (32, 11) of `RxTop64`, the four-bank RX checks reader's banks (64, 9).
/// (Smaller rings use the behavioural model.)
pub const DP16KD_SHAPES: [(usize, usize); 5] = [(64, 12), (128, 11), (64, 11), (32, 11), (64, 9)];

/// Verilog (top module `top`, ports as the struct) of `SdpRam<Bits<bits>, n>` for the
/// shapes in [`DP16KD_SHAPES`], (18, 10) (one x18 block, which yosys also infers as one, so
/// the netlist test can check its DP16KD model in that mode) and the small (16, 4) one; `None` otherwise. For netlist
/// tests of the DP16KD instantiation (tests/it/sdp_ram_netlist.rs).
pub fn shape_verilog(bits: usize, n: usize) -> Option<String> {
    fn v<const B: usize, const N: usize>() -> String {
        let mut u = SdpRam::<Bits<B>, N>::default();
        u.connect_all();
        generate_verilog(&u)
    }
    Some(match (bits, n) {
        (64, 12) => v::<64, 12>(),
        (128, 11) => v::<128, 11>(),
        (64, 11) => v::<64, 11>(),
        (32, 11) => v::<32, 11>(),
        (64, 9) => v::<64, 9>(),
        (18, 10) => v::<18, 10>(),
        (16, 4) => v::<16, 4>(),
        _ => return None,
    })
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

    /// Writes land; a read address shows up READ_LATENCY edges later; reads stream one
    /// per clock; a read of the word written at the same edge returns the old contents.
    #[test]
    fn reads_two_edges_later_one_per_clock() {
        let mut u = SdpRam::<Bits<16>, 4>::default();
        u.connect_all();
        for a in 0..16u64 {
            u.write_address.next = a.into();
            u.write_data.next = (0x100 + a * 3).into();
            u.write_enable.next = true;
            edge(&mut u);
        }
        u.write_enable.next = false;
        let addrs = [5u64, 0, 15, 9, 9, 2];
        let mut got = vec![];
        for i in 0..addrs.len() + READ_LATENCY {
            u.read_address.next = addrs[i.min(addrs.len() - 1)].into();
            edge(&mut u);
            if i + 1 >= READ_LATENCY {
                got.push(u.read_data.val().to_u64());
            }
        }
        let want: Vec<u64> = addrs.iter().map(|a| 0x100 + a * 3).collect();
        assert_eq!(&got[..addrs.len()], &want[..]);
        u.read_address.next = 7.into();
        u.write_address.next = 7.into();
        u.write_data.next = 0xBEEF.into();
        u.write_enable.next = true;
        edge(&mut u);
        u.write_enable.next = false;
        edge(&mut u);
        assert_eq!(u.read_data.val().to_u64(), 0x100 + 21, "old data on collision");
        edge(&mut u);
        assert_eq!(u.read_data.val().to_u64(), 0xBEEF);
    }

    #[test]
    fn verilog_uses_the_output_register_for_synthesis() {
        let mut u = SdpRam::<Bits<64>, 12>::default();
        u.connect_all();
        let v = generate_verilog(&u);
        assert_eq!(v.matches("DP16KD #(").count(), 16);
        assert!(v.contains("REGMODE_B(\"OUTREG\")") && v.contains("`else") && v.contains("reg[63:0] mem[4095:0]"));
        let mut u = SdpRam::<Bits<16>, 4>::default();
        u.connect_all();
        assert!(!generate_verilog(&u).contains("DP16KD"));
    }
}
