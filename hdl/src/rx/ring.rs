//! Read ports on the RX ring. The ingress writes every beat (and the frame's word sum before it)
//! into each port's own copy, so every reader has a block RAM read port to itself and the
//! pipelines that use them never wait for one another.
//!
//! * [`RingReader`]: one beat and its prefix sum, read latency 2 (`SdpRam`).
//! * [`RingReader4`]: four consecutive beats from any beat, and the first one's prefix sum, in
//!   one read: the copy is split into four banks by beat address modulo 4, so a field that
//!   straddles beats (16 header bytes span three beats at 64 bits) comes out whole. `AB = AW - 2`.
//!
//! The readers hold no control state (the read pipelines are data): no `rst`.

use crate::sdp_ram::SdpRam;
use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct RingReader<const W: usize, const AW: usize> {
    pub clock: Signal<In, Clock>,
    pub wr_addr: Signal<In, Bits<AW>>,
    pub wr_data: Signal<In, Bits<W>>,
    pub wr_prefix: Signal<In, Bits<32>>,
    pub wr_en: Signal<In, Bit>,
    pub rd_addr: Signal<In, Bits<AW>>,
    pub rd_data: Signal<Out, Bits<W>>,
    pub rd_prefix: Signal<Out, Bits<32>>,
    data: SdpRam<Bits<W>, AW>,
    prefix: SdpRam<Bits<32>, AW>,
}

impl<const W: usize, const AW: usize> Logic for RingReader<W, AW> {
    #[hdl_gen]
    fn update(&mut self) {
        self.data.read_clock.next = self.clock.val();
        self.data.write_clock.next = self.clock.val();
        self.prefix.read_clock.next = self.clock.val();
        self.prefix.write_clock.next = self.clock.val();
        self.data.write_address.next = self.wr_addr.val();
        self.data.write_data.next = self.wr_data.val();
        self.data.write_enable.next = self.wr_en.val();
        self.prefix.write_address.next = self.wr_addr.val();
        self.prefix.write_data.next = self.wr_prefix.val();
        self.prefix.write_enable.next = self.wr_en.val();
        self.data.read_address.next = self.rd_addr.val();
        self.prefix.read_address.next = self.rd_addr.val();
        self.rd_data.next = self.data.read_data.val();
        self.rd_prefix.next = self.prefix.read_data.val();
    }
}

#[derive(LogicBlock)]
pub struct RingReader4<const W: usize, const AW: usize, const AB: usize> {
    pub clock: Signal<In, Clock>,
    pub wr_addr: Signal<In, Bits<AW>>,
    pub wr_data: Signal<In, Bits<W>>,
    pub wr_prefix: Signal<In, Bits<32>>,
    pub wr_en: Signal<In, Bit>,
    pub rd_addr: Signal<In, Bits<AW>>,
    /// `rd_addr + 4` (modulo the ring), from the caller's own adder: the banks below the first
    /// beat's read the next row, and deriving it here would chain a second carry after the
    /// caller's address sum
    pub rd_addr_p4: Signal<In, Bits<AW>>,
    /// beats `rd_addr + j` (modulo the ring), two clocks after the address
    pub rd_beat: [Signal<Out, Bits<W>>; 4],
    pub rd_prefix: Signal<Out, Bits<32>>,
    bank: [SdpRam<Bits<W>, AB>; 4],
    prefix: SdpRam<Bits<32>, AW>,
    bank_id: [Constant<Bits<2>>; 4],
    rot1: DFF<Bits<2>>,
    rot2: DFF<Bits<2>>,
    row: Signal<Local, Bits<AB>>,
}

impl<const W: usize, const AW: usize, const AB: usize> RingReader4<W, AW, AB> {
    pub fn new() -> Self {
        assert_eq!(AB + 2, AW);
        Self {
            clock: Default::default(),
            wr_addr: Default::default(),
            wr_data: Default::default(),
            wr_prefix: Default::default(),
            wr_en: Default::default(),
            rd_addr: Default::default(),
            rd_addr_p4: Default::default(),
            rd_beat: Default::default(),
            rd_prefix: Default::default(),
            bank: Default::default(),
            prefix: Default::default(),
            bank_id: std::array::from_fn(|b| Constant::new((b as u64).into())),
            rot1: Default::default(),
            rot2: Default::default(),
            row: Default::default(),
        }
    }
}

impl<const W: usize, const AW: usize, const AB: usize> Default for RingReader4<W, AW, AB> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const W: usize, const AW: usize, const AB: usize> Logic for RingReader4<W, AW, AB> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, rot1, rot2);
        self.prefix.read_clock.next = self.clock.val();
        self.prefix.write_clock.next = self.clock.val();
        self.prefix.write_address.next = self.wr_addr.val();
        self.prefix.write_data.next = self.wr_prefix.val();
        self.prefix.write_enable.next = self.wr_en.val();
        self.prefix.read_address.next = self.rd_addr.val();
        self.rd_prefix.next = self.prefix.read_data.val();
        self.row.next = self.rd_addr.val().get_bits::<AB>(2);
        for b in 0..4 {
            self.bank[b].read_clock.next = self.clock.val();
            self.bank[b].write_clock.next = self.clock.val();
            self.bank[b].write_address.next = self.wr_addr.val().get_bits::<AB>(2);
            self.bank[b].write_data.next = self.wr_data.val();
            self.bank[b].write_enable.next = self.wr_en.val() && (self.wr_addr.val().get_bits::<2>(0) == self.bank_id[b].val());
            // banks below the first beat's hold the beats of the next row
            self.bank[b].read_address.next = self.row.val();
            if self.bank_id[b].val() < self.rd_addr.val().get_bits::<2>(0) {
                self.bank[b].read_address.next = self.rd_addr_p4.val().get_bits::<AB>(2);
            }
        }
        self.rot1.d.next = self.rd_addr.val().get_bits::<2>(0);
        self.rot2.d.next = self.rot1.q.val();
        for j in 0..4 {
            self.rd_beat[j].next = self.bank[0].read_data.val();
            for b in 0..4 {
                if (self.rot2.q.val() + self.bank_id[j].val()) == self.bank_id[b].val() {
                    self.rd_beat[j].next = self.bank[b].read_data.val();
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Random writes, then reads at every beat of the ring (wrapping), against a model.
    #[test]
    fn reads_four_consecutive_beats_from_any_beat() {
        let mut u = RingReader4::<64, 6, 4>::new();
        u.connect_all();
        let mut model = vec![0u64; 64];
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        };
        let sim = |u: &mut RingReader4<64, 6, 4>, f: &mut dyn FnMut(&mut RingReader4<64, 6, 4>)| {
            f(u);
            u.clock.next = true.into();
            assert!(simulate(u, 50));
            u.clock.next = false.into();
            assert!(simulate(u, 50));
        };
        for a in 0..64u64 {
            let d = next();
            model[a as usize] = d;
            sim(&mut u, &mut |u| {
                u.wr_addr.next = a.into();
                u.wr_data.next = d.into();
                u.wr_prefix.next = (a * 3).into();
                u.wr_en.next = true;
            });
        }
        let mut issued: Vec<u64> = Vec::new();
        for a in 0..66u64 {
            sim(&mut u, &mut |u| {
                u.wr_en.next = false;
                u.rd_addr.next = (a % 64).into();
                u.rd_addr_p4.next = ((a + 4) % 64).into();
            });
            issued.push(a % 64);
            if a >= 1 {
                let k = issued[a as usize - 1] as usize;
                for j in 0..4 {
                    assert_eq!(u.rd_beat[j].val().to_u64(), model[(k + j) % 64], "beat {k}+{j}");
                }
                assert_eq!(u.rd_prefix.val().to_u64(), 3 * k as u64);
            }
        }
    }
}
