//! `RcoNic`: the drop-in IP core (`rco-nic export` writes it as `rco_nic.v`): the NIC top
//! ([`NicTop`]) with its configuration and counters behind an AXI4-Lite slave
//! ([`AxilRegs`]), traffic counters on its four streams, and one reset.
//!
//! ```text
//!  host --tx_s_axis + tx_desc--> [NicTop TX] --tx_m_axis--> MAC
//!  host <--rx_m_axis + rx_meta-- [NicTop RX] <--rx_s_axis-- MAC
//!  s_axil <--> [AxilRegs]: cfg_* -> NicTop, drop counters + [StreamCounter] x4 -> registers
//! ```
//!
//! * `rst` (synchronous, active high) goes to every block: the datapath as [`NicTop`]'s
//!   "Reset" says, the register block to its table's reset values, the traffic counters to 0.
//! * Configuration written over AXI-Lite reaches the datapath three clocks after the write's
//!   B handshake (the register, then [`NicTop`]'s own configuration register); change it
//!   between frames.
//! * Counters: RX and TX drop counters are 32 bits (one word, wrapping); frames and bytes in
//!   and out of each path are 64 bits, read low word then high word. The traffic counts lag
//!   their stream by two clocks ([`StreamCounter`]).
//! * Streams, descriptor and RX metadata are [`NicTop`]'s, unchanged.

use crate::axil_regs::{
    AxilRegs, AxilSlave, CNT64_RX_IN, CNT64_RX_OUT, CNT64_TX_IN, CNT64_TX_OUT, CNT_RX_DROP, CNT_TX_DROP_BAD_DESC,
    CNT_TX_DROP_BAD_KEEP, CNT_TX_DROP_TOO_LONG, CNT_TX_DROP_TRUNCATED,
};
use crate::nic_top::NicTop;
use crate::rx::NUM_DROP_REASONS;
use crate::stream::{AxisSink, AxisSource};
use crate::stream_counter::StreamCounter;
use crate::tx::desc::TxDescSink;
use rust_hdl::prelude::*;

/// Address bits of the AXI4-Lite port: the register map's 256 bytes.
pub const AXIL_ADDR_BITS: usize = 8;

#[derive(LogicBlock)]
pub struct RcoNic<
    const W: usize,
    const K: usize,
    const N: usize,
    const TA: usize,
    const HB: usize,
    const RA: usize,
    const RB: usize,
    const RQ: usize,
> {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub tx_s_axis: AxisSink<W, K>,
    pub tx_desc: TxDescSink,
    pub tx_m_axis: AxisSource<W, K>,
    pub rx_s_axis: AxisSink<W, K>,
    pub rx_m_axis: AxisSource<W, K>,
    pub rx_vni: Signal<Out, Bits<24>>,
    pub rx_rco: Signal<Out, Bit>,
    pub rx_rco_applied: Signal<Out, Bit>,
    pub rx_csum_start: Signal<Out, Bits<16>>,
    pub rx_csum_offset: Signal<Out, Bits<16>>,
    pub rx_csum_complete: Signal<Out, Bits<16>>,
    pub rx_outer_csum_ok: Signal<Out, Bit>,
    pub rx_drop_valid: Signal<Out, Bit>,
    pub rx_drop_reason: Signal<Out, Bits<4>>,
    pub s_axil: AxilSlave<AXIL_ADDR_BITS>,
    nic: NicTop<W, K, N, TA, HB, RA, RB, RQ>,
    regs: AxilRegs<AXIL_ADDR_BITS>,
    tx_in: StreamCounter<K>,
    tx_out: StreamCounter<K>,
    rx_in: StreamCounter<K>,
    rx_out: StreamCounter<K>,
}

/// 64 bits, jumbo frames (the parameters of [`crate::nic_top::NicTop64`]).
pub type RcoNic64 = at_width!(RcoNic, w64; W, K, N, TX_A, TX_HB, RX_AW, RX_AB, RX_Q);
/// 128 bits, jumbo frames.
pub type RcoNic128 = at_width!(RcoNic, w128; W, K, N, TX_A, TX_HB, RX_AW, RX_AB, RX_Q);
/// 256 bits, jumbo frames.
pub type RcoNic256 = at_width!(RcoNic, w256; W, K, N, TX_A, TX_HB, RX_AW, RX_AB, RX_Q);
/// 64 bits, 1518-byte frames (testbenches: small buffers simulate fast).
pub type RcoNic64Std = at_width!(RcoNic, w64; W, K, N, TX_A_STD, TX_HB, RX_AW_STD, RX_AB_STD, RX_Q);

impl<
        const W: usize,
        const K: usize,
        const N: usize,
        const TA: usize,
        const HB: usize,
        const RA: usize,
        const RB: usize,
        const RQ: usize,
    > RcoNic<W, K, N, TA, HB, RA, RB, RQ>
{
    /// An IP core whose buffers hold frames of up to `max_frame` bytes (both paths).
    pub fn new(max_frame: usize) -> Self {
        Self {
            clock: Default::default(),
            rst: Default::default(),
            tx_s_axis: Default::default(),
            tx_desc: Default::default(),
            tx_m_axis: Default::default(),
            rx_s_axis: Default::default(),
            rx_m_axis: Default::default(),
            rx_vni: Default::default(),
            rx_rco: Default::default(),
            rx_rco_applied: Default::default(),
            rx_csum_start: Default::default(),
            rx_csum_offset: Default::default(),
            rx_csum_complete: Default::default(),
            rx_outer_csum_ok: Default::default(),
            rx_drop_valid: Default::default(),
            rx_drop_reason: Default::default(),
            s_axil: Default::default(),
            nic: NicTop::new(max_frame),
            regs: Default::default(),
            tx_in: Default::default(),
            tx_out: Default::default(),
            rx_in: Default::default(),
            rx_out: Default::default(),
        }
    }
}

impl<
        const W: usize,
        const K: usize,
        const N: usize,
        const TA: usize,
        const HB: usize,
        const RA: usize,
        const RB: usize,
        const RQ: usize,
    > Logic for RcoNic<W, K, N, TA, HB, RA, RB, RQ>
{
    #[hdl_gen]
    fn update(&mut self) {
        self.nic.clock.next = self.clock.val();
        self.regs.clock.next = self.clock.val();
        self.tx_in.clock.next = self.clock.val();
        self.tx_out.clock.next = self.clock.val();
        self.rx_in.clock.next = self.clock.val();
        self.rx_out.clock.next = self.clock.val();
        self.nic.rst.next = self.rst.val();
        self.regs.rst.next = self.rst.val();
        self.tx_in.rst.next = self.rst.val();
        self.tx_out.rst.next = self.rst.val();
        self.rx_in.rst.next = self.rst.val();
        self.rx_out.rst.next = self.rst.val();

        // streams and descriptor straight through
        AxisSink::<W, K>::link(&mut self.tx_s_axis, &mut self.nic.tx_s_axis);
        AxisSource::<W, K>::link(&mut self.tx_m_axis, &mut self.nic.tx_m_axis);
        AxisSink::<W, K>::link(&mut self.rx_s_axis, &mut self.nic.rx_s_axis);
        AxisSource::<W, K>::link(&mut self.rx_m_axis, &mut self.nic.rx_m_axis);
        TxDescSink::link(&mut self.tx_desc, &mut self.nic.tx_desc);
        self.rx_vni.next = self.nic.rx_vni.val();
        self.rx_rco.next = self.nic.rx_rco.val();
        self.rx_rco_applied.next = self.nic.rx_rco_applied.val();
        self.rx_csum_start.next = self.nic.rx_csum_start.val();
        self.rx_csum_offset.next = self.nic.rx_csum_offset.val();
        self.rx_csum_complete.next = self.nic.rx_csum_complete.val();
        self.rx_outer_csum_ok.next = self.nic.rx_outer_csum_ok.val();
        self.rx_drop_valid.next = self.nic.rx_drop_valid.val();
        self.rx_drop_reason.next = self.nic.rx_drop_reason.val();

        // registers
        AxilSlave::<AXIL_ADDR_BITS>::link(&mut self.s_axil, &mut self.regs.s_axil);
        self.nic.cfg_rco_tx.next = self.regs.cfg_rco_tx.val();
        self.nic.cfg_rco_rx.next = self.regs.cfg_rco_rx.val();
        self.nic.cfg_nopartial.next = self.regs.cfg_nopartial.val();
        self.nic.cfg_vxlan_port.next = self.regs.cfg_vxlan_port.val();
        self.nic.cfg_udp6_zero_csum_rx.next = self.regs.cfg_udp6_zero_csum_rx.val();
        self.nic.cfg_rx_backpressure.next = self.regs.cfg_rx_backpressure.val();
        // the one-trip loops bind the table's indices to loop variables for the HDL
        for c in CNT_RX_DROP..(CNT_RX_DROP + 1) {
            for i in 0..NUM_DROP_REASONS {
                self.regs.counters[c + i].next = self.nic.rx_drop_count[i].val();
            }
        }
        for c in CNT_TX_DROP_TRUNCATED..(CNT_TX_DROP_TRUNCATED + 1) {
            self.regs.counters[c].next = self.nic.tx_drop_truncated.val();
        }
        for c in CNT_TX_DROP_TOO_LONG..(CNT_TX_DROP_TOO_LONG + 1) {
            self.regs.counters[c].next = self.nic.tx_drop_too_long.val();
        }
        for c in CNT_TX_DROP_BAD_DESC..(CNT_TX_DROP_BAD_DESC + 1) {
            self.regs.counters[c].next = self.nic.tx_drop_bad_desc.val();
        }
        for c in CNT_TX_DROP_BAD_KEEP..(CNT_TX_DROP_BAD_KEEP + 1) {
            self.regs.counters[c].next = self.nic.tx_drop_bad_keep.val();
        }

        // traffic counters, tapped on the handshakes at the core's edge
        self.tx_in.tkeep.next = self.tx_s_axis.tkeep.val();
        self.tx_in.tvalid.next = self.tx_s_axis.tvalid.val();
        self.tx_in.tready.next = self.tx_s_axis.tready.val();
        self.tx_in.tlast.next = self.tx_s_axis.tlast.val();
        self.tx_out.tkeep.next = self.tx_m_axis.tkeep.val();
        self.tx_out.tvalid.next = self.tx_m_axis.tvalid.val();
        self.tx_out.tready.next = self.tx_m_axis.tready.val();
        self.tx_out.tlast.next = self.tx_m_axis.tlast.val();
        self.rx_in.tkeep.next = self.rx_s_axis.tkeep.val();
        self.rx_in.tvalid.next = self.rx_s_axis.tvalid.val();
        self.rx_in.tready.next = self.rx_s_axis.tready.val();
        self.rx_in.tlast.next = self.rx_s_axis.tlast.val();
        self.rx_out.tkeep.next = self.rx_m_axis.tkeep.val();
        self.rx_out.tvalid.next = self.rx_m_axis.tvalid.val();
        self.rx_out.tready.next = self.rx_m_axis.tready.val();
        self.rx_out.tlast.next = self.rx_m_axis.tlast.val();
        for j in CNT64_TX_IN..(CNT64_TX_IN + 1) {
            self.regs.counters64[j].next = self.tx_in.frames.val();
            self.regs.counters64[j + 1].next = self.tx_in.bytes.val();
        }
        for j in CNT64_TX_OUT..(CNT64_TX_OUT + 1) {
            self.regs.counters64[j].next = self.tx_out.frames.val();
            self.regs.counters64[j + 1].next = self.tx_out.bytes.val();
        }
        for j in CNT64_RX_IN..(CNT64_RX_IN + 1) {
            self.regs.counters64[j].next = self.rx_in.frames.val();
            self.regs.counters64[j + 1].next = self.rx_in.bytes.val();
        }
        for j in CNT64_RX_OUT..(CNT64_RX_OUT + 1) {
            self.regs.counters64[j].next = self.rx_out.frames.val();
            self.regs.counters64[j + 1].next = self.rx_out.bytes.val();
        }
    }
}

#[cfg(test)]
mod tests {
    //! TX -> RX loopback through the IP core, configured and read back over AXI4-Lite only.
    //! Expected frames are the nic_top testbench's (RFC 1071 computed there); expected
    //! counts are counted here from what was sent and received.
    use super::*;
    use crate::axil_regs::{REGS, RESP_OKAY, RESP_SLVERR};
    use crate::nic_top::tests::host_frame;
    use crate::nic_top::MAX_FRAME_STD;
    use crate::rx::remcsum::tests::Rng;
    use crate::stream::{lane_mask, packet_beats, tdata_from_lanes, Beat};
    use std::collections::VecDeque;

    type Core = RcoNic64Std;
    const K: usize = 8;
    /// Ethernet + IPv4 + UDP + VXLAN that TX puts around each host frame here.
    const OUTER: usize = 14 + 20 + 8 + 8;

    fn offset(name: &str) -> u32 {
        REGS.iter().find(|r| r.name == name).unwrap_or_else(|| panic!("no register {name}")).offset
    }

    struct Bench {
        u: Box<Core>,
        rng: Rng,
        /// host frames still to send: (beats, rco requested)
        tx_queue: VecDeque<(Vec<Beat>, bool)>,
        desc_left: VecDeque<bool>,
        beat: usize,
        /// frames delivered on rx_m_axis
        out: Vec<Vec<u8>>,
        cur: Vec<u8>,
        cycles: usize,
    }

    impl Bench {
        fn new(seed: u64) -> Self {
            let mut u = Box::new(Core::new(MAX_FRAME_STD));
            u.connect_all();
            Bench { u, rng: Rng(seed), tx_queue: VecDeque::new(), desc_left: VecDeque::new(), beat: 0, out: vec![], cur: vec![], cycles: 0 }
        }

        fn send(&mut self, frame: &[u8], rco: bool) {
            self.tx_queue.push_back((packet_beats(frame, K), rco));
            self.desc_left.push_back(rco);
        }

        /// One clock: the streams driven from the queues with random host idles and 30 %
        /// back-pressure on rx_m_axis, TX out wired to RX in, AXI-Lite as `axil` sets it.
        fn tick(&mut self, axil: &mut dyn FnMut(&mut AxilSlave<AXIL_ADDR_BITS>, bool)) {
            self.cycles += 1;
            assert!(self.cycles < 200_000, "bench: no progress (deadlock?)");
            let u = &mut *self.u;
            u.clock.next = false.into();
            let d = &mut u.tx_desc;
            d.valid.next = !self.desc_left.is_empty();
            d.partial.next = true;
            d.csum_start.next = 34.into();
            d.csum_offset.next = 6.into();
            d.vni.next = 0x12_3456.into();
            d.dst_mac.next = 0x0200_0000_0002u64.into();
            d.src_mac.next = 0x0200_0000_0001u64.into();
            d.vlan.next = false;
            d.vlan_tci.next = 0.into();
            d.ipv6.next = false;
            d.src_ip.next = tdata_from_lanes::<128>(&[192, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            d.dst_ip.next = tdata_from_lanes::<128>(&[192, 0, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            d.udp_sport.next = 40000.into();
            d.udp_dport.next = 4789.into();
            d.ttl.next = 64.into();
            d.ip_id.next = 0.into();
            d.flow_label.next = 0.into();
            d.rco.next = self.desc_left.front().copied().unwrap_or(false);
            d.udp_csum.next = true;
            let offer = !self.tx_queue.is_empty() && self.rng.below(100) < 80;
            u.tx_s_axis.tvalid.next = offer;
            if offer {
                let b = &self.tx_queue[0].0[self.beat];
                u.tx_s_axis.tdata.next = tdata_from_lanes::<64>(&b.data);
                u.tx_s_axis.tkeep.next = b.keep.into();
                u.tx_s_axis.tlast.next = b.last;
            }
            u.tx_s_axis.tuser.next = false;
            let ready = self.rng.below(100) >= 30;
            u.rx_m_axis.tready.next = ready;
            axil(&mut u.s_axil, false);
            assert!(simulate(u, 1000));
            u.rx_s_axis.tdata.next = u.tx_m_axis.tdata.val();
            u.rx_s_axis.tkeep.next = u.tx_m_axis.tkeep.val();
            u.rx_s_axis.tvalid.next = u.tx_m_axis.tvalid.val();
            u.rx_s_axis.tlast.next = u.tx_m_axis.tlast.val();
            u.rx_s_axis.tuser.next = false;
            assert!(simulate(u, 1000));
            u.tx_m_axis.tready.next = u.rx_s_axis.tready.val();
            assert!(simulate(u, 1000));
            // handshakes at this edge
            if u.tx_desc.valid.val() && u.tx_desc.ready.val() {
                self.desc_left.pop_front();
            }
            if offer && u.tx_s_axis.tready.val() {
                self.beat += 1;
                if self.beat == self.tx_queue[0].0.len() {
                    self.tx_queue.pop_front();
                    self.beat = 0;
                }
            }
            if ready && u.rx_m_axis.tvalid.val() {
                let keep = u.rx_m_axis.tkeep.val().to_u64() & lane_mask(K);
                let data = u.rx_m_axis.tdata.val().to_u64();
                self.cur.extend((0..K).filter(|l| keep >> l & 1 == 1).map(|l| (data >> (8 * l)) as u8));
                if u.rx_m_axis.tlast.val() {
                    self.out.push(std::mem::take(&mut self.cur));
                }
            }
            axil(&mut u.s_axil, true);
            u.clock.next = true.into();
            assert!(simulate(u, 1000));
        }

        /// An AXI-Lite write with AW and W offered together; the B response.
        fn write(&mut self, addr: u32, data: u32) -> u64 {
            let (mut aw, mut w, mut resp) = (true, true, None);
            while resp.is_none() {
                self.tick(&mut |s, edge| {
                    if !edge {
                        s.awaddr.next = (addr as u64).into();
                        s.awvalid.next = aw;
                        s.wdata.next = (data as u64).into();
                        s.wstrb.next = 0xF.into();
                        s.wvalid.next = w;
                        s.bready.next = true;
                        s.arvalid.next = false;
                        s.rready.next = false;
                    } else {
                        aw &= !s.awready.val();
                        w &= !s.wready.val();
                        if s.bvalid.val() {
                            resp = Some(s.bresp.val().to_u64());
                        }
                    }
                });
            }
            resp.unwrap()
        }

        /// An AXI-Lite read: (rresp, rdata).
        fn read(&mut self, addr: u32) -> (u64, u32) {
            let (mut ar, mut got) = (true, None);
            while got.is_none() {
                self.tick(&mut |s, edge| {
                    if !edge {
                        s.araddr.next = (addr as u64).into();
                        s.arvalid.next = ar;
                        s.rready.next = true;
                        s.awvalid.next = false;
                        s.wvalid.next = false;
                        s.bready.next = false;
                    } else {
                        ar &= !s.arready.val();
                        if s.rvalid.val() {
                            got = Some((s.rresp.val().to_u64(), s.rdata.val().to_u64() as u32));
                        }
                    }
                });
            }
            got.unwrap()
        }

        fn counter(&mut self, name: &str) -> u64 {
            let o = offset(name);
            let wide = REGS.iter().any(|r| r.name == name && r.size() == 8);
            let (r, lo) = self.read(o);
            assert_eq!(r, RESP_OKAY, "{name}");
            if !wide {
                return lo as u64;
            }
            let (r, hi) = self.read(o + 4);
            assert_eq!(r, RESP_OKAY, "{name} high");
            (hi as u64) << 32 | lo as u64
        }

        fn idle(&mut self, clocks: usize) {
            for _ in 0..clocks {
                self.tick(&mut |s, edge| {
                    if !edge {
                        s.awvalid.next = false;
                        s.wvalid.next = false;
                        s.arvalid.next = false;
                        s.bready.next = true;
                        s.rready.next = true;
                    }
                });
            }
        }

        /// Until every queued frame has left and `n` frames have come out (plus a margin).
        fn drain(&mut self, n: usize) {
            while !self.tx_queue.is_empty() || self.out.len() < n {
                self.idle(1);
            }
            self.idle(200);
        }
    }

    /// Configuration only over AXI-Lite; frames bit-exact; every traffic and drop counter
    /// read back equals the count of what was sent and received; RX conserves frames.
    #[test]
    fn loopback_configured_and_counted_over_axil() {
        let mut b = Bench::new(0x5EED_0001);
        assert_eq!(b.read(offset("id")), (RESP_OKAY, crate::axil_regs::ID_VALUE));
        for name in ["rco_tx", "rco_rx", "nopartial", "rx_backpressure"] {
            assert_eq!(b.write(offset(name), 1), RESP_OKAY, "{name}");
        }
        // a read-only register and an unmapped word refuse, and change nothing
        assert_eq!(b.write(offset("id"), 0), RESP_SLVERR);
        assert_eq!(b.write(offset("tx_drop_truncated"), 5), RESP_SLVERR);
        assert_eq!(b.read(0xFC), (RESP_SLVERR, 0));
        assert_eq!(b.read(offset("id")), (RESP_OKAY, crate::axil_regs::ID_VALUE));

        let lens = [60usize, 61, 333, 1000, 1476, 64, 127, 200];
        let cases: Vec<_> = lens.iter().enumerate().map(|(i, &l)| host_frame(l, i as u8)).collect();
        let runt = vec![0x5Au8; 10];
        let mut sent = 0;
        for (i, (f, _)) in cases.iter().enumerate() {
            b.send(f, true);
            sent += f.len();
            if i == 3 {
                b.send(&runt, true);
                sent += runt.len();
            }
        }
        b.drain(cases.len());
        assert_eq!(b.out.len(), cases.len());
        for (got, (_, want)) in b.out.iter().zip(&cases) {
            assert_eq!(got, want);
        }
        let inner: usize = cases.iter().map(|(f, _)| f.len()).sum();
        let n = cases.len() as u64;
        assert_eq!(b.counter("tx_frames_in"), n + 1);
        assert_eq!(b.counter("tx_bytes_in"), sent as u64);
        assert_eq!(b.counter("tx_drop_truncated"), 1);
        assert_eq!(b.counter("tx_frames_out"), n);
        assert_eq!(b.counter("tx_bytes_out"), (inner + OUTER * cases.len()) as u64);
        assert_eq!(b.counter("rx_frames_in"), n);
        assert_eq!(b.counter("rx_bytes_in"), (inner + OUTER * cases.len()) as u64);
        assert_eq!(b.counter("rx_frames_out"), n);
        assert_eq!(b.counter("rx_bytes_out"), inner as u64);

        // the receiver opts out of RCO: the same frames become counted drops
        assert_eq!(b.write(offset("rco_rx"), 0), RESP_OKAY);
        for (f, _) in cases.iter().take(3) {
            b.send(f, true);
        }
        b.drain(cases.len());
        assert_eq!(b.out.len(), cases.len(), "a frame came out with rco_rx off");
        assert_eq!(b.counter("rx_drop_rco_not_enabled"), 3);
        let rx_in = b.counter("rx_frames_in");
        let rx_out = b.counter("rx_frames_out");
        let mut drops = 0;
        for r in REGS.iter().filter(|r| r.name.starts_with("rx_drop_")) {
            drops += b.counter(r.name);
        }
        assert_eq!((rx_in, rx_out + drops), (n + 3, n + 3), "RX frames in != out + drops");
    }

    /// `rst` brings the registers and the traffic counters back to their reset values.
    #[test]
    fn rst_clears_registers_and_counters() {
        let mut b = Bench::new(0x5EED_0002);
        assert_eq!(b.write(offset("rco_tx"), 1), RESP_OKAY);
        let (f, _) = host_frame(100, 1);
        b.send(&f, false);
        b.drain(1);
        assert_eq!(b.counter("tx_frames_in"), 1);
        assert_eq!(b.write(offset("vxlan_port"), 1234), RESP_OKAY);
        assert_eq!(b.read(offset("vxlan_port")), (RESP_OKAY, 1234));
        b.u.rst.next = true;
        b.idle(2);
        b.u.rst.next = false;
        b.idle(2);
        assert_eq!(b.read(offset("rco_tx")), (RESP_OKAY, 0));
        assert_eq!(b.read(offset("vxlan_port")), (RESP_OKAY, 4789));
        for name in ["tx_frames_in", "tx_bytes_in", "tx_frames_out", "rx_frames_in", "rx_bytes_out"] {
            assert_eq!(b.counter(name), 0, "{name} after rst");
        }
    }
}
