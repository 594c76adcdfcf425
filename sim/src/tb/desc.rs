//! The TX descriptor channel (`TxDescSink`): a golden `TxDescriptor` on its fields.

use rco_golden::types::TxDescriptor;
use rco_golden::wire::IpAddrs;
use rco_hdl::tx::desc::TxDescSink;
use rust_hdl::prelude::*;

/// Lane-order bits of a byte string (wire byte 0 in bits 7:0), zero-extended to `B` bits.
pub fn lane_bits<const B: usize>(bytes: &[u8]) -> Bits<B> {
    let mut v = bytes.to_vec();
    v.resize(B / 8, 0);
    rco_hdl::stream::tdata_from_lanes::<B>(&v)
}

/// Put descriptor `d` on a descriptor port (valid is driven separately).
pub fn set_desc(s: &mut TxDescSink, d: &TxDescriptor) {
    s.partial.next = d.partial;
    s.csum_start.next = (d.csum_start as u64).into();
    s.csum_offset.next = (d.csum_offset as u64).into();
    s.vni.next = ((d.vni & 0xFF_FFFF) as u64).into();
    s.dst_mac.next = lane_bits::<48>(&d.outer_dst_mac);
    s.src_mac.next = lane_bits::<48>(&d.outer_src_mac);
    s.vlan.next = d.outer_vlan.is_some();
    s.vlan_tci.next = (d.outer_vlan.unwrap_or(0) as u64).into();
    let (v6, src, dst): (bool, &[u8], &[u8]) = match &d.outer_ip {
        IpAddrs::Ipv4 { src, dst } => (false, src, dst),
        IpAddrs::Ipv6 { src, dst } => (true, src, dst),
    };
    s.ipv6.next = v6;
    s.src_ip.next = lane_bits::<128>(src);
    s.dst_ip.next = lane_bits::<128>(dst);
    s.udp_sport.next = (d.udp_src_port as u64).into();
    s.udp_dport.next = (d.udp_dst_port as u64).into();
    s.ttl.next = (d.ttl as u64).into();
    s.ip_id.next = (d.ip_id as u64).into();
    s.flow_label.next = ((d.flow_label & 0xF_FFFF) as u64).into();
    s.rco.next = d.rco;
    s.udp_csum.next = d.udp_csum;
}
