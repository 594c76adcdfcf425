//! The TX descriptor (golden `TxDescriptor`) as a sideband port, and [`TxDescQueue`], a FIFO of
//! descriptors: a descriptor pushed on `s_desc` (its `valid` is the push strobe) is registered,
//! then shows on `m_desc` from the second clock after the push until `m_desc.ready` pops it.
//! The input register keeps the pusher's handshake logic away from the FIFOs' pointers. Each
//! field has its own [`RegFifo`] (the fields are popped together, and Yosys merges their
//! identical pointers), so no field is packed by hand into a wider word.
//!
//! Multi-byte addresses are in lane order (wire byte 0 in bits 7:0); numbers are plain binary.
//!
//! `rst` (synchronous, active high) empties [`TxDescQueue`] (its FIFOs and the input register's
//! valid); the descriptor fields (data) are not reset.

use crate::reg_fifo::RegFifo;
use rust_hdl::prelude::*;

/// A descriptor port: `valid`/`ready` and the fields.
#[derive(LogicInterface, Default)]
#[join = "TxDescSource"]
pub struct TxDescSink {
    pub valid: Signal<In, Bit>,
    pub ready: Signal<Out, Bit>,
    /// a CHECKSUM_PARTIAL frame: the checksum field at `csum_start + csum_offset` holds the pseudo-header sum
    pub partial: Signal<In, Bit>,
    /// byte offset of the inner checksum's start
    pub csum_start: Signal<In, Bits<16>>,
    /// checksum field offset from the start (6 UDP, 16 TCP)
    pub csum_offset: Signal<In, Bits<16>>,
    /// VXLAN network identifier
    pub vni: Signal<In, Bits<24>>,
    /// outer destination MAC, lane order
    pub dst_mac: Signal<In, Bits<48>>,
    /// outer source MAC, lane order
    pub src_mac: Signal<In, Bits<48>>,
    /// outer 802.1Q tag present
    pub vlan: Signal<In, Bit>,
    /// its TCI
    pub vlan_tci: Signal<In, Bits<16>>,
    /// outer IPv6 (else IPv4)
    pub ipv6: Signal<In, Bit>,
    /// outer source address, lane order (IPv4 in bits 31:0)
    pub src_ip: Signal<In, Bits<128>>,
    /// outer destination address, lane order
    pub dst_ip: Signal<In, Bits<128>>,
    /// outer UDP source port
    pub udp_sport: Signal<In, Bits<16>>,
    /// outer UDP destination port
    pub udp_dport: Signal<In, Bits<16>>,
    /// TTL / hop limit
    pub ttl: Signal<In, Bits<8>>,
    /// IPv4 identification
    pub ip_id: Signal<In, Bits<16>>,
    /// IPv6 flow label
    pub flow_label: Signal<In, Bits<20>>,
    /// RCO requested for the frame
    pub rco: Signal<In, Bit>,
    /// compute the outer UDP checksum (else 0)
    pub udp_csum: Signal<In, Bit>,
}

/// The driving end of a [`TxDescSink`].
#[derive(LogicInterface, Default)]
#[join = "TxDescSink"]
pub struct TxDescSource {
    pub valid: Signal<Out, Bit>,
    pub ready: Signal<In, Bit>,
    pub partial: Signal<Out, Bit>,
    pub csum_start: Signal<Out, Bits<16>>,
    pub csum_offset: Signal<Out, Bits<16>>,
    pub vni: Signal<Out, Bits<24>>,
    pub dst_mac: Signal<Out, Bits<48>>,
    pub src_mac: Signal<Out, Bits<48>>,
    pub vlan: Signal<Out, Bit>,
    pub vlan_tci: Signal<Out, Bits<16>>,
    pub ipv6: Signal<Out, Bit>,
    pub src_ip: Signal<Out, Bits<128>>,
    pub dst_ip: Signal<Out, Bits<128>>,
    pub udp_sport: Signal<Out, Bits<16>>,
    pub udp_dport: Signal<Out, Bits<16>>,
    pub ttl: Signal<Out, Bits<8>>,
    pub ip_id: Signal<Out, Bits<16>>,
    pub flow_label: Signal<Out, Bits<20>>,
    pub rco: Signal<Out, Bit>,
    pub udp_csum: Signal<Out, Bit>,
}

/// A FIFO of `Q` descriptors (`Q` a power of two). Pushing when full or popping when empty is
/// the caller's error: the TX path keeps credits so that it never does.
#[derive(LogicBlock)]
pub struct TxDescQueue<const Q: usize> {
    pub clock: Signal<In, Clock>,
    /// synchronous reset, active high: see the module doc
    pub rst: Signal<In, Bit>,
    /// `valid` pushes; `ready` is high while there is room
    pub s_desc: TxDescSink,
    /// the head; `ready` pops it
    pub m_desc: TxDescSource,
    q_partial: RegFifo<Bit, Q>,
    q_csum_start: RegFifo<Bits<16>, Q>,
    q_csum_offset: RegFifo<Bits<16>, Q>,
    q_vni: RegFifo<Bits<24>, Q>,
    q_dst_mac: RegFifo<Bits<48>, Q>,
    q_src_mac: RegFifo<Bits<48>, Q>,
    q_vlan: RegFifo<Bit, Q>,
    q_vlan_tci: RegFifo<Bits<16>, Q>,
    q_ipv6: RegFifo<Bit, Q>,
    q_src_ip: RegFifo<Bits<128>, Q>,
    q_dst_ip: RegFifo<Bits<128>, Q>,
    q_udp_sport: RegFifo<Bits<16>, Q>,
    q_udp_dport: RegFifo<Bits<16>, Q>,
    q_ttl: RegFifo<Bits<8>, Q>,
    q_ip_id: RegFifo<Bits<16>, Q>,
    q_flow_label: RegFifo<Bits<20>, Q>,
    q_rco: RegFifo<Bit, Q>,
    q_udp_csum: RegFifo<Bit, Q>,
    /// the pushed descriptor, registered before the FIFOs (every field, no enable)
    r_valid: DFF<Bit>,
    r_partial: DFF<Bit>,
    r_csum_start: DFF<Bits<16>>,
    r_csum_offset: DFF<Bits<16>>,
    r_vni: DFF<Bits<24>>,
    r_dst_mac: DFF<Bits<48>>,
    r_src_mac: DFF<Bits<48>>,
    r_vlan: DFF<Bit>,
    r_vlan_tci: DFF<Bits<16>>,
    r_ipv6: DFF<Bit>,
    r_src_ip: DFF<Bits<128>>,
    r_dst_ip: DFF<Bits<128>>,
    r_udp_sport: DFF<Bits<16>>,
    r_udp_dport: DFF<Bits<16>>,
    r_ttl: DFF<Bits<8>>,
    r_ip_id: DFF<Bits<16>>,
    r_flow_label: DFF<Bits<20>>,
    r_rco: DFF<Bit>,
    r_udp_csum: DFF<Bit>,
    q_max: Constant<Bits<8>>,
}

impl<const Q: usize> Default for TxDescQueue<Q> {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            rst: Default::default(),
            s_desc: Default::default(),
            m_desc: Default::default(),
            q_partial: RegFifo::new(),
            q_csum_start: RegFifo::new(),
            q_csum_offset: RegFifo::new(),
            q_vni: RegFifo::new(),
            q_dst_mac: RegFifo::new(),
            q_src_mac: RegFifo::new(),
            q_vlan: RegFifo::new(),
            q_vlan_tci: RegFifo::new(),
            q_ipv6: RegFifo::new(),
            q_src_ip: RegFifo::new(),
            q_dst_ip: RegFifo::new(),
            q_udp_sport: RegFifo::new(),
            q_udp_dport: RegFifo::new(),
            q_ttl: RegFifo::new(),
            q_ip_id: RegFifo::new(),
            q_flow_label: RegFifo::new(),
            q_rco: RegFifo::new(),
            q_udp_csum: RegFifo::new(),
            r_valid: Default::default(),
            r_partial: Default::default(),
            r_csum_start: Default::default(),
            r_csum_offset: Default::default(),
            r_vni: Default::default(),
            r_dst_mac: Default::default(),
            r_src_mac: Default::default(),
            r_vlan: Default::default(),
            r_vlan_tci: Default::default(),
            r_ipv6: Default::default(),
            r_src_ip: Default::default(),
            r_dst_ip: Default::default(),
            r_udp_sport: Default::default(),
            r_udp_dport: Default::default(),
            r_ttl: Default::default(),
            r_ip_id: Default::default(),
            r_flow_label: Default::default(),
            r_rco: Default::default(),
            r_udp_csum: Default::default(),
            q_max: Constant::new((Q as u64).into()),
        }
    }
}

impl<const Q: usize> Logic for TxDescQueue<Q> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, r_valid, r_partial, r_csum_start, r_csum_offset, r_vni, r_dst_mac, r_src_mac, r_vlan, r_vlan_tci, r_ipv6, r_src_ip, r_dst_ip, r_udp_sport, r_udp_dport, r_ttl, r_ip_id, r_flow_label, r_rco, r_udp_csum);
        self.r_valid.d.next = self.s_desc.valid.val();
        self.q_partial.clock.next = self.clock.val();
        self.q_partial.rst.next = self.rst.val();
        self.q_partial.push.next = self.r_valid.q.val();
        self.q_partial.pop.next = self.m_desc.ready.val();
        self.r_partial.d.next = self.s_desc.partial.val();
        self.q_partial.din.next = self.r_partial.q.val();
        self.m_desc.partial.next = self.q_partial.dout.val();
        self.q_csum_start.clock.next = self.clock.val();
        self.q_csum_start.rst.next = self.rst.val();
        self.q_csum_start.push.next = self.r_valid.q.val();
        self.q_csum_start.pop.next = self.m_desc.ready.val();
        self.r_csum_start.d.next = self.s_desc.csum_start.val();
        self.q_csum_start.din.next = self.r_csum_start.q.val();
        self.m_desc.csum_start.next = self.q_csum_start.dout.val();
        self.q_csum_offset.clock.next = self.clock.val();
        self.q_csum_offset.rst.next = self.rst.val();
        self.q_csum_offset.push.next = self.r_valid.q.val();
        self.q_csum_offset.pop.next = self.m_desc.ready.val();
        self.r_csum_offset.d.next = self.s_desc.csum_offset.val();
        self.q_csum_offset.din.next = self.r_csum_offset.q.val();
        self.m_desc.csum_offset.next = self.q_csum_offset.dout.val();
        self.q_vni.clock.next = self.clock.val();
        self.q_vni.rst.next = self.rst.val();
        self.q_vni.push.next = self.r_valid.q.val();
        self.q_vni.pop.next = self.m_desc.ready.val();
        self.r_vni.d.next = self.s_desc.vni.val();
        self.q_vni.din.next = self.r_vni.q.val();
        self.m_desc.vni.next = self.q_vni.dout.val();
        self.q_dst_mac.clock.next = self.clock.val();
        self.q_dst_mac.rst.next = self.rst.val();
        self.q_dst_mac.push.next = self.r_valid.q.val();
        self.q_dst_mac.pop.next = self.m_desc.ready.val();
        self.r_dst_mac.d.next = self.s_desc.dst_mac.val();
        self.q_dst_mac.din.next = self.r_dst_mac.q.val();
        self.m_desc.dst_mac.next = self.q_dst_mac.dout.val();
        self.q_src_mac.clock.next = self.clock.val();
        self.q_src_mac.rst.next = self.rst.val();
        self.q_src_mac.push.next = self.r_valid.q.val();
        self.q_src_mac.pop.next = self.m_desc.ready.val();
        self.r_src_mac.d.next = self.s_desc.src_mac.val();
        self.q_src_mac.din.next = self.r_src_mac.q.val();
        self.m_desc.src_mac.next = self.q_src_mac.dout.val();
        self.q_vlan.clock.next = self.clock.val();
        self.q_vlan.rst.next = self.rst.val();
        self.q_vlan.push.next = self.r_valid.q.val();
        self.q_vlan.pop.next = self.m_desc.ready.val();
        self.r_vlan.d.next = self.s_desc.vlan.val();
        self.q_vlan.din.next = self.r_vlan.q.val();
        self.m_desc.vlan.next = self.q_vlan.dout.val();
        self.q_vlan_tci.clock.next = self.clock.val();
        self.q_vlan_tci.rst.next = self.rst.val();
        self.q_vlan_tci.push.next = self.r_valid.q.val();
        self.q_vlan_tci.pop.next = self.m_desc.ready.val();
        self.r_vlan_tci.d.next = self.s_desc.vlan_tci.val();
        self.q_vlan_tci.din.next = self.r_vlan_tci.q.val();
        self.m_desc.vlan_tci.next = self.q_vlan_tci.dout.val();
        self.q_ipv6.clock.next = self.clock.val();
        self.q_ipv6.rst.next = self.rst.val();
        self.q_ipv6.push.next = self.r_valid.q.val();
        self.q_ipv6.pop.next = self.m_desc.ready.val();
        self.r_ipv6.d.next = self.s_desc.ipv6.val();
        self.q_ipv6.din.next = self.r_ipv6.q.val();
        self.m_desc.ipv6.next = self.q_ipv6.dout.val();
        self.q_src_ip.clock.next = self.clock.val();
        self.q_src_ip.rst.next = self.rst.val();
        self.q_src_ip.push.next = self.r_valid.q.val();
        self.q_src_ip.pop.next = self.m_desc.ready.val();
        self.r_src_ip.d.next = self.s_desc.src_ip.val();
        self.q_src_ip.din.next = self.r_src_ip.q.val();
        self.m_desc.src_ip.next = self.q_src_ip.dout.val();
        self.q_dst_ip.clock.next = self.clock.val();
        self.q_dst_ip.rst.next = self.rst.val();
        self.q_dst_ip.push.next = self.r_valid.q.val();
        self.q_dst_ip.pop.next = self.m_desc.ready.val();
        self.r_dst_ip.d.next = self.s_desc.dst_ip.val();
        self.q_dst_ip.din.next = self.r_dst_ip.q.val();
        self.m_desc.dst_ip.next = self.q_dst_ip.dout.val();
        self.q_udp_sport.clock.next = self.clock.val();
        self.q_udp_sport.rst.next = self.rst.val();
        self.q_udp_sport.push.next = self.r_valid.q.val();
        self.q_udp_sport.pop.next = self.m_desc.ready.val();
        self.r_udp_sport.d.next = self.s_desc.udp_sport.val();
        self.q_udp_sport.din.next = self.r_udp_sport.q.val();
        self.m_desc.udp_sport.next = self.q_udp_sport.dout.val();
        self.q_udp_dport.clock.next = self.clock.val();
        self.q_udp_dport.rst.next = self.rst.val();
        self.q_udp_dport.push.next = self.r_valid.q.val();
        self.q_udp_dport.pop.next = self.m_desc.ready.val();
        self.r_udp_dport.d.next = self.s_desc.udp_dport.val();
        self.q_udp_dport.din.next = self.r_udp_dport.q.val();
        self.m_desc.udp_dport.next = self.q_udp_dport.dout.val();
        self.q_ttl.clock.next = self.clock.val();
        self.q_ttl.rst.next = self.rst.val();
        self.q_ttl.push.next = self.r_valid.q.val();
        self.q_ttl.pop.next = self.m_desc.ready.val();
        self.r_ttl.d.next = self.s_desc.ttl.val();
        self.q_ttl.din.next = self.r_ttl.q.val();
        self.m_desc.ttl.next = self.q_ttl.dout.val();
        self.q_ip_id.clock.next = self.clock.val();
        self.q_ip_id.rst.next = self.rst.val();
        self.q_ip_id.push.next = self.r_valid.q.val();
        self.q_ip_id.pop.next = self.m_desc.ready.val();
        self.r_ip_id.d.next = self.s_desc.ip_id.val();
        self.q_ip_id.din.next = self.r_ip_id.q.val();
        self.m_desc.ip_id.next = self.q_ip_id.dout.val();
        self.q_flow_label.clock.next = self.clock.val();
        self.q_flow_label.rst.next = self.rst.val();
        self.q_flow_label.push.next = self.r_valid.q.val();
        self.q_flow_label.pop.next = self.m_desc.ready.val();
        self.r_flow_label.d.next = self.s_desc.flow_label.val();
        self.q_flow_label.din.next = self.r_flow_label.q.val();
        self.m_desc.flow_label.next = self.q_flow_label.dout.val();
        self.q_rco.clock.next = self.clock.val();
        self.q_rco.rst.next = self.rst.val();
        self.q_rco.push.next = self.r_valid.q.val();
        self.q_rco.pop.next = self.m_desc.ready.val();
        self.r_rco.d.next = self.s_desc.rco.val();
        self.q_rco.din.next = self.r_rco.q.val();
        self.m_desc.rco.next = self.q_rco.dout.val();
        self.q_udp_csum.clock.next = self.clock.val();
        self.q_udp_csum.rst.next = self.rst.val();
        self.q_udp_csum.push.next = self.r_valid.q.val();
        self.q_udp_csum.pop.next = self.m_desc.ready.val();
        self.r_udp_csum.d.next = self.s_desc.udp_csum.val();
        self.q_udp_csum.din.next = self.r_udp_csum.q.val();
        self.m_desc.udp_csum.next = self.q_udp_csum.dout.val();
        // (the pusher keeps credits; this counts the FIFO only)
        self.s_desc.ready.next = self.q_partial.count.val() != self.q_max.val();
        self.m_desc.valid.next = !self.q_partial.empty.val();
        // reset: the input register's valid (the FIFOs reset themselves)
        if self.rst.val() {
            self.r_valid.d.next = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Descriptors come out in order with every field intact, under random push and pop.
    #[test]
    fn queue_keeps_order_and_fields() {
        let mut u = TxDescQueue::<4>::default();
        u.connect_all();
        let mut model = std::collections::VecDeque::new();
        let mut pending = None;
        let mut x: u64 = 99;
        for cyc in 0..300u64 {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            u.clock.next = false.into();
            let push = (x >> 40) & 1 == 1 && model.len() + pending.is_some() as usize + 1 < 4;
            let pop = (x >> 41) & 1 == 1 && !model.is_empty();
            u.s_desc.valid.next = push;
            u.m_desc.ready.next = pop;
            u.s_desc.vni.next = (cyc & 0xFF_FFFF).into();
            u.s_desc.ttl.next = (x & 0xFF).into();
            u.s_desc.vlan.next = cyc % 3 == 0;
            u.s_desc.dst_ip.next = (cyc as u128 * 0x1_0000_0001_0000_0001).to_bits::<128>();
            assert!(simulate(&mut u, 100));
            assert_eq!(u.s_desc.ready.val(), model.len() < 4, "ready counts the FIFO");
            assert_eq!(u.m_desc.valid.val(), !model.is_empty());
            if let Some(&(c, t)) = model.front() {
                assert_eq!(u.m_desc.vni.val().to_u64(), c & 0xFF_FFFF);
                assert_eq!(u.m_desc.ttl.val().to_u64(), t);
                assert_eq!(u.m_desc.vlan.val(), c % 3 == 0);
                assert_eq!(u.m_desc.dst_ip.val(), (c as u128 * 0x1_0000_0001_0000_0001).to_bits::<128>());
            }
            u.clock.next = true.into();
            assert!(simulate(&mut u, 100));
            if pop {
                model.pop_front();
            }
            if let Some(p) = pending.take() {
                model.push_back(p);
            }
            if push {
                pending = Some((cyc, x & 0xFF));
            }
        }
    }
}
