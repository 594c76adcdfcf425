//! `TxEncap`: the TX path. Takes host frames (AXI4-Stream) with a descriptor each (taken with
//! the frame's first beat) and sends VXLAN frames: outer Ethernet [802.1Q] / IPv4 (header
//! checksum) or IPv6 / UDP (checksum over the datagram) / VXLAN with the RCO bits, then the
//! inner frame, byte-identical to golden `tx_encap`; a frame golden rejects is a counted drop.
//!
//! ```text
//!  s_axis + desc --> [TxIngress] --ring write--> [ring] --read--> [TxEgress] --> m_axis
//!                      |  |  '--desc--> [desc queue] --head--+          ^   ^
//!                      |  '--record + pulse--> [TxFinish] <--'          |   |
//!                      |                         |  '--desc--> [fields queue]
//!                      |                         '--plan--> [plan queue] --'
//!                      '-- credit_ok <-- in-flight frames < queue depth
//! ```
//! Frames go in back to back at one beat per clock and out at one beat per clock with no
//! idle beat between them, as long as the output is not the bottleneck: every stage but the
//! egress moves a frame per clock. Each queue holds [`QUEUE_DEPTH`] frames; a frame holds a
//! credit from its first beat until the egress takes it (or its drop leaves the finish
//! stage), so no queue can overflow, and the ring (`2^A` words, two maximum frames) stalls
//! `s_axis` only when the output falls behind.
//!
//! `rst` (synchronous, active high) goes to every block, and clears the credit count; the ring
//! contents (data) are not reset.

use super::desc::{TxDescQueue, TxDescSink, TxDescSource};
use super::egress::TxEgress;
use super::finish::TxFinish;
use super::ingress::TxIngress;
use super::plan::{TxPlanQueue, TxPlanSource};
use crate::sdp_ram::SdpRam;
use crate::stream::{AxisSink, AxisSource};
use rust_hdl::prelude::*;

/// Frames in flight between the ingress and the egress (each queue's depth).
pub const QUEUE_DEPTH: usize = 16;

/// Clock edges from a frame's last input beat to its first output beat when the block is
/// otherwise idle at `w` bits: y, the engines ([`crate::csum_engine::latency`]), the finish
/// stage, the plan queue, the slot, the output register.
pub const fn latency(w: usize) -> usize {
    1 + crate::csum_engine::latency(w) + super::finish::LATENCY + 3
}

#[derive(LogicBlock)]
pub struct TxEncap<const W: usize, const K: usize, const N: usize, const A: usize, const HB: usize> {
    pub clock: Signal<In, Clock>,
    /// synchronous reset, active high: see the module doc
    pub rst: Signal<In, Bit>,
    pub s_axis: AxisSink<W, K>,
    pub desc: TxDescSink,
    pub m_axis: AxisSource<W, K>,
    pub drop_truncated: Signal<Out, Bits<32>>,
    pub drop_too_long: Signal<Out, Bits<32>>,
    pub drop_bad_desc: Signal<Out, Bits<32>>,
    pub drop_bad_keep: Signal<Out, Bits<32>>,
    pub frames_out: Signal<Out, Bits<32>>,
    ingress: TxIngress<W, K, N, A>,
    ring: SdpRam<Bits<W>, A>,
    desc_q: TxDescQueue<QUEUE_DEPTH>,
    finish: TxFinish<K, QUEUE_DEPTH>,
    fields_q: TxDescQueue<QUEUE_DEPTH>,
    plan_q: TxPlanQueue<K, QUEUE_DEPTH>,
    egress: TxEgress<W, K, A, HB>,
    /// frames holding a credit, from the events of the clock before (`*_r`); `credit_ok`
    /// registered, with a margin of a frame for each of the two clocks of lag
    took_r: DFF<Bit>,
    taken_r: DFF<Bit>,
    dropped_r: DFF<Bit>,
    in_flight: DFF<Bits<8>>,
    credit_ok: DFF<Bit>,
    credit_max: Constant<Bits<8>>,
}

/// 64-bit datapath, ring of 4096 words (32 KiB: three 9216-byte frames), header register 640 bits.
pub type TxEncap64 = at_width!(TxEncap, w64; W, K, N, TX_A, TX_HB);
/// 128-bit datapath.
pub type TxEncap128 = at_width!(TxEncap, w128; W, K, N, TX_A, TX_HB);
/// 256-bit datapath.
pub type TxEncap256 = at_width!(TxEncap, w256; W, K, N, TX_A, TX_HB);
/// 512-bit datapath.
pub type TxEncap512 = at_width!(TxEncap, w512; W, K, N, TX_A, TX_HB);

impl<const W: usize, const K: usize, const N: usize, const A: usize, const HB: usize> TxEncap<W, K, N, A, HB> {
    /// `max_frame`: longest inner frame accepted (bytes); longer ones are counted drops.
    pub fn new(max_frame: usize) -> Self {
        Self {
            clock: Default::default(),
            rst: Default::default(),
            s_axis: Default::default(),
            desc: Default::default(),
            m_axis: Default::default(),
            drop_truncated: Default::default(),
            drop_too_long: Default::default(),
            drop_bad_desc: Default::default(),
            drop_bad_keep: Default::default(),
            frames_out: Default::default(),
            ingress: TxIngress::new(max_frame),
            ring: Default::default(),
            desc_q: Default::default(),
            finish: Default::default(),
            fields_q: Default::default(),
            plan_q: Default::default(),
            egress: Default::default(),
            took_r: Default::default(),
            taken_r: Default::default(),
            dropped_r: Default::default(),
            in_flight: Default::default(),
            credit_ok: Default::default(),
            credit_max: Constant::new(((QUEUE_DEPTH - 2) as u64).into()),
        }
    }
}

impl<const W: usize, const K: usize, const N: usize, const A: usize, const HB: usize> Logic
    for TxEncap<W, K, N, A, HB>
{
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, took_r, taken_r, dropped_r, in_flight, credit_ok);
        self.ingress.clock.next = self.clock.val();
        self.ingress.rst.next = self.rst.val();
        self.ring.write_clock.next = self.clock.val();
        self.ring.read_clock.next = self.clock.val();
        self.desc_q.clock.next = self.clock.val();
        self.desc_q.rst.next = self.rst.val();
        self.finish.clock.next = self.clock.val();
        self.finish.rst.next = self.rst.val();
        self.fields_q.clock.next = self.clock.val();
        self.fields_q.rst.next = self.rst.val();
        self.plan_q.clock.next = self.clock.val();
        self.plan_q.rst.next = self.rst.val();
        self.egress.clock.next = self.clock.val();
        self.egress.rst.next = self.rst.val();

        // ---- ingress: the beats, the descriptor handshake
        AxisSink::<W, K>::link(&mut self.s_axis, &mut self.ingress.s_axis);
        self.ingress.desc_valid.next = self.desc.valid.val();
        self.desc.ready.next = self.ingress.desc_ready.val();
        self.ingress.desc_partial.next = self.desc.partial.val();
        self.ingress.desc_csum_start.next = self.desc.csum_start.val();
        self.ingress.desc_csum_offset.next = self.desc.csum_offset.val();
        self.ingress.credit_ok.next = self.credit_ok.q.val();
        self.ingress.rd_ptr.next = self.egress.rd_ptr.val();
        self.ring.write_enable.next = self.ingress.wr_enable.val();
        self.ring.write_address.next = self.ingress.wr_address.val();
        self.ring.write_data.next = self.ingress.wr_data.val();
        // ---- the descriptor waits in its queue for the frame's sums
        self.desc_q.s_desc.valid.next = self.ingress.desc_take.val();
        self.desc_q.s_desc.partial.next = self.desc.partial.val();
        self.desc_q.s_desc.csum_start.next = self.desc.csum_start.val();
        self.desc_q.s_desc.csum_offset.next = self.desc.csum_offset.val();
        self.desc_q.s_desc.vni.next = self.desc.vni.val();
        self.desc_q.s_desc.dst_mac.next = self.desc.dst_mac.val();
        self.desc_q.s_desc.src_mac.next = self.desc.src_mac.val();
        self.desc_q.s_desc.vlan.next = self.desc.vlan.val();
        self.desc_q.s_desc.vlan_tci.next = self.desc.vlan_tci.val();
        self.desc_q.s_desc.ipv6.next = self.desc.ipv6.val();
        self.desc_q.s_desc.src_ip.next = self.desc.src_ip.val();
        self.desc_q.s_desc.dst_ip.next = self.desc.dst_ip.val();
        self.desc_q.s_desc.udp_sport.next = self.desc.udp_sport.val();
        self.desc_q.s_desc.udp_dport.next = self.desc.udp_dport.val();
        self.desc_q.s_desc.ttl.next = self.desc.ttl.val();
        self.desc_q.s_desc.ip_id.next = self.desc.ip_id.val();
        self.desc_q.s_desc.flow_label.next = self.desc.flow_label.val();
        self.desc_q.s_desc.rco.next = self.desc.rco.val();
        self.desc_q.s_desc.udp_csum.next = self.desc.udp_csum.val();
        TxDescSource::join(&mut self.desc_q.m_desc, &mut self.finish.desc);
        // ---- finish
        self.finish.dec_valid.next = self.ingress.dec_valid.val();
        self.finish.dec_drop.next = self.ingress.dec_drop.val();
        self.finish.dec_len.next = self.ingress.dec_len.val();
        self.finish.dec_old.next = self.ingress.dec_old.val();
        self.finish.sum_valid.next = self.ingress.sum_valid.val();
        self.finish.sum_all.next = self.ingress.sum_all.val();
        self.finish.csum_inner.next = self.ingress.csum_inner.val();
        self.fields_q.s_desc.valid.next = self.finish.fields_push.val();
        self.fields_q.s_desc.partial.next = self.desc_q.m_desc.partial.val();
        self.fields_q.s_desc.csum_start.next = self.desc_q.m_desc.csum_start.val();
        self.fields_q.s_desc.csum_offset.next = self.desc_q.m_desc.csum_offset.val();
        self.fields_q.s_desc.vni.next = self.desc_q.m_desc.vni.val();
        self.fields_q.s_desc.dst_mac.next = self.desc_q.m_desc.dst_mac.val();
        self.fields_q.s_desc.src_mac.next = self.desc_q.m_desc.src_mac.val();
        self.fields_q.s_desc.vlan.next = self.desc_q.m_desc.vlan.val();
        self.fields_q.s_desc.vlan_tci.next = self.desc_q.m_desc.vlan_tci.val();
        self.fields_q.s_desc.ipv6.next = self.desc_q.m_desc.ipv6.val();
        self.fields_q.s_desc.src_ip.next = self.desc_q.m_desc.src_ip.val();
        self.fields_q.s_desc.dst_ip.next = self.desc_q.m_desc.dst_ip.val();
        self.fields_q.s_desc.udp_sport.next = self.desc_q.m_desc.udp_sport.val();
        self.fields_q.s_desc.udp_dport.next = self.desc_q.m_desc.udp_dport.val();
        self.fields_q.s_desc.ttl.next = self.desc_q.m_desc.ttl.val();
        self.fields_q.s_desc.ip_id.next = self.desc_q.m_desc.ip_id.val();
        self.fields_q.s_desc.flow_label.next = self.desc_q.m_desc.flow_label.val();
        self.fields_q.s_desc.rco.next = self.desc_q.m_desc.rco.val();
        self.fields_q.s_desc.udp_csum.next = self.desc_q.m_desc.udp_csum.val();
        TxPlanSource::<K>::join(&mut self.finish.plan, &mut self.plan_q.s_plan);
        // ---- egress
        TxDescSource::join(&mut self.fields_q.m_desc, &mut self.egress.fields);
        TxPlanSource::<K>::join(&mut self.plan_q.m_plan, &mut self.egress.plan);
        self.egress.commit.next = self.ingress.commit.val();
        self.ring.read_address.next = self.egress.rd_address.val();
        self.egress.rd_data.next = self.ring.read_data.val();
        AxisSource::<W, K>::link(&mut self.m_axis, &mut self.egress.m_axis);

        // ---- credits: a frame holds one from its first beat until the egress takes it or
        // its drop leaves the finish stage; the events are counted a clock late (registered)
        self.took_r.d.next = self.ingress.desc_take.val();
        self.taken_r.d.next = self.egress.taken.val();
        self.dropped_r.d.next = self.finish.dropped.val();
        if self.took_r.q.val() && !self.taken_r.q.val() && !self.dropped_r.q.val() {
            self.in_flight.d.next = self.in_flight.q.val() + 1;
        } else if !self.took_r.q.val() && self.taken_r.q.val() && self.dropped_r.q.val() {
            self.in_flight.d.next = self.in_flight.q.val() - 2;
        } else if !self.took_r.q.val() && (self.taken_r.q.val() || self.dropped_r.q.val()) {
            self.in_flight.d.next = self.in_flight.q.val() - 1;
        } else if self.took_r.q.val() && self.taken_r.q.val() && self.dropped_r.q.val() {
            self.in_flight.d.next = self.in_flight.q.val() - 1;
        }
        self.credit_ok.d.next = self.in_flight.q.val() < self.credit_max.val();

        self.drop_truncated.next = self.ingress.drop_truncated.val();
        self.drop_too_long.next = self.ingress.drop_too_long.val();
        self.drop_bad_desc.next = self.ingress.drop_bad_desc.val();
        self.drop_bad_keep.next = self.ingress.drop_bad_keep.val();
        self.frames_out.next = self.egress.frames_out.val();
        // reset: the credit count and its registered events
        if self.rst.val() {
            self.took_r.d.next = false;
            self.taken_r.d.next = false;
            self.dropped_r.d.next = false;
            self.in_flight.d.next = 0.into();
            self.credit_ok.d.next = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::{packet_beats, tdata_from_lanes};

    /// Independent RFC 1071 folded sum of big-endian words (not shared with the design).
    fn sum(buf: &[u8]) -> u16 {
        let mut s: u64 = 0;
        for (i, b) in buf.iter().enumerate() {
            s += if i % 2 == 0 { (*b as u64) << 8 } else { *b as u64 };
        }
        while s >> 16 != 0 {
            s = (s & 0xFFFF) + (s >> 16);
        }
        s as u16
    }

    /// One IPv4/UDP host frame with the pseudo-header sum in its field (CHECKSUM_PARTIAL),
    /// through a W=64 block with IPv4 outer + VLAN and RCO; the outer frame is checked
    /// field by field against values computed here.
    #[test]
    fn one_rco_frame_ipv4_vlan() {
        let payload: Vec<u8> = (0..37u8).map(|i| i.wrapping_mul(7)).collect();
        let ulen = 8 + payload.len();
        let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00];
        f.extend_from_slice(&[
            0x45,
            0,
            0,
            (20 + ulen) as u8,
            0,
            1,
            0,
            0,
            64,
            17,
            0,
            0,
            10,
            0,
            0,
            1,
            10,
            0,
            0,
            2,
        ]);
        f.extend_from_slice(&[0x9c, 0x40, 0x13, 0x88, 0, ulen as u8, 0, 0]);
        f.extend_from_slice(&payload);
        let mut ph = vec![10, 0, 0, 1, 10, 0, 0, 2, 0, 17, 0, ulen as u8];
        let p = sum(&ph);
        f[40..42].copy_from_slice(&p.to_be_bytes());

        let mut u = TxEncap64::new(1518);
        u.connect_all();
        let lanes = |b: &[u8]| tdata_from_lanes::<48>(b);
        u.desc.valid.next = true;
        u.desc.partial.next = true;
        u.desc.csum_start.next = 34.into();
        u.desc.csum_offset.next = 6.into();
        u.desc.vni.next = 0x123456.into();
        u.desc.dst_mac.next = lanes(&[2, 0, 0, 0, 0xb, 1]);
        u.desc.src_mac.next = lanes(&[2, 0, 0, 0, 0xa, 1]);
        u.desc.vlan.next = true;
        u.desc.vlan_tci.next = 0x0123.into();
        u.desc.src_ip.next =
            tdata_from_lanes::<128>(&[192, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        u.desc.dst_ip.next =
            tdata_from_lanes::<128>(&[192, 0, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        u.desc.udp_sport.next = 50000.into();
        u.desc.udp_dport.next = 4789.into();
        u.desc.ttl.next = 64.into();
        u.desc.ip_id.next = 7.into();
        u.desc.rco.next = true;
        u.desc.udp_csum.next = true;
        u.m_axis.tready.next = true;
        let beats = packet_beats(&f, 8);
        let (mut bi, mut out, mut done) = (0, vec![], false);
        let (mut last_in, mut first_out) = (None, None);
        for cyc in 0..200 {
            u.clock.next = false.into();
            if bi < beats.len() {
                u.s_axis.tdata.next = tdata_from_lanes::<64>(&beats[bi].data);
                u.s_axis.tkeep.next = beats[bi].keep.into();
                u.s_axis.tlast.next = beats[bi].last;
            }
            u.s_axis.tvalid.next = bi < beats.len();
            assert!(simulate(&mut u, 200));
            let fire_desc = u.desc.valid.val() && u.desc.ready.val();
            let fire_in = bi < beats.len() && u.s_axis.tready.val();
            if fire_in && beats[bi].last {
                last_in = Some(cyc);
            }
            if u.m_axis.tvalid.val() {
                first_out.get_or_insert(cyc);
                let keep = u.m_axis.tkeep.val().to_u64();
                let d = u.m_axis.tdata.val().to_u64();
                for l in 0..8 {
                    if keep >> l & 1 == 1 {
                        out.push((d >> (8 * l)) as u8);
                    }
                }
                done = u.m_axis.tlast.val();
            }
            u.clock.next = true.into();
            assert!(simulate(&mut u, 200));
            bi += fire_in as usize;
            if fire_desc {
                u.desc.valid.next = false;
            }
            if done {
                break;
            }
        }
        assert!(done, "no output frame");
        assert_eq!(first_out.unwrap() - last_in.unwrap() - 1, latency(64), "latency");
        assert_eq!(out.len(), 54 + f.len());
        assert_eq!(
            &out[..16],
            &[2, 0, 0, 0, 0xb, 1, 2, 0, 0, 0, 0xa, 1, 0x81, 0x00, 0x01, 0x23]
        );
        assert_eq!(&out[16..18], &[0x08, 0x00]);
        let ip = &out[18..38];
        assert_eq!(sum(ip), 0xFFFF, "IPv4 header checksum");
        assert_eq!(
            u16::from_be_bytes([ip[2], ip[3]]) as usize,
            20 + 16 + f.len()
        );
        assert_eq!((ip[4], ip[5], ip[8], ip[9]), (0, 7, 64, 17));
        let udp = &out[38..];
        assert_eq!(&udp[..4], &[0xc3, 0x50, 0x12, 0xb5]);
        assert_eq!(u16::from_be_bytes([udp[4], udp[5]]) as usize, udp.len());
        assert_eq!(
            &udp[8..16],
            &[0x08, 0x20, 0, 0, 0x12, 0x34, 0x56, 0x80 | 17]
        );
        ph = vec![192, 0, 2, 1, 192, 0, 2, 2, 0, 17];
        ph.extend_from_slice(&(udp.len() as u16).to_be_bytes());
        ph.extend_from_slice(udp);
        assert_eq!(sum(&ph), 0xFFFF, "outer UDP checksum");
        assert_eq!(&udp[16..], &f[..], "inner frame unchanged under RCO");
        assert_eq!(u.frames_out.val().to_u64(), 1);
    }

    #[test]
    fn verilog_generates() {
        let mut uut = TxEncap64::new(1518);
        uut.connect_all();
        let v = generate_verilog(&uut);
        assert!(v.contains("module top") && v.contains("m_axis$tdata"));
    }
}
