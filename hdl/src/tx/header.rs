//! `TxHeader`: the outer header of a frame (Ethernet [802.1Q] / IPv4 | IPv6 / UDP / VXLAN with
//! the RCO bits), built in lane order from its descriptor's fields and its plan's lengths and
//! checksums. Combinational; every field is placed by the shared header table
//! ([`crate::headers`]), the header bytes from byte 0 of `hdr` and zeros after them.
//!
//! Combinational: no state, no `rst`.

use crate::headers::{eth, ipv4, ipv6, udp, vlan, vxlan, Field, MAX_OUTER_HEADER_LEN};
use rust_hdl::prelude::*;

/// The IPv4 header without options, the IPv6 header, UDP + VXLAN: bits of each part.
const IP4_BITS: usize = 8 * ipv4::MIN_LEN;
const IP6_BITS: usize = 8 * ipv6::LEN;
const UDPVX_BITS: usize = 8 * (udp::LEN + vxlan::LEN);

#[derive(LogicBlock)]
pub struct TxHeader<const HB: usize> {
    // from the descriptor
    /// lane order
    pub dst_mac: Signal<In, Bits<48>>,
    /// lane order
    pub src_mac: Signal<In, Bits<48>>,
    pub vlan: Signal<In, Bit>,
    pub vlan_tci: Signal<In, Bits<16>>,
    pub ipv6: Signal<In, Bit>,
    /// lane order, IPv4 in bits 31:0
    pub src_ip: Signal<In, Bits<128>>,
    /// lane order
    pub dst_ip: Signal<In, Bits<128>>,
    pub udp_sport: Signal<In, Bits<16>>,
    pub udp_dport: Signal<In, Bits<16>>,
    pub ttl: Signal<In, Bits<8>>,
    pub ip_id: Signal<In, Bits<16>>,
    pub flow_label: Signal<In, Bits<20>>,
    pub vni: Signal<In, Bits<24>>,
    // from the plan, lane order
    pub udp_len: Signal<In, Bits<16>>,
    pub udp_csum: Signal<In, Bits<16>>,
    pub ip_len: Signal<In, Bits<16>>,
    pub ip_csum: Signal<In, Bits<16>>,
    pub vxlan_flags: Signal<In, Bits<16>>,
    /// the VNI word's last two bytes: the VNI's low byte (RCO's start and kind) and the
    /// reserved byte
    pub vni_low: Signal<In, Bits<16>>,
    /// the header, byte `j` in bits `8j+7:8j`
    pub hdr: Signal<Out, Bits<HB>>,
    // field positions (bits) from the header table
    at_eth_src: Constant<Bits<16>>,
    at_eth_type: Constant<Bits<16>>,
    at_vlan_tci: Constant<Bits<16>>,
    /// the ethertype that starts `rest`, untagged and tagged
    at_rest: Constant<Bits<16>>,
    at_rest_vlan: Constant<Bits<16>>,
    /// in `rest`: the IP header, then UDP + VXLAN after IPv4 / IPv6
    at_l3: Constant<Bits<16>>,
    at_udp4: Constant<Bits<16>>,
    at_udp6: Constant<Bits<16>>,
    at_v4_tot: Constant<Bits<16>>,
    at_v4_id: Constant<Bits<16>>,
    at_v4_ttl: Constant<Bits<16>>,
    at_v4_proto: Constant<Bits<16>>,
    at_v4_csum: Constant<Bits<16>>,
    at_v4_src: Constant<Bits<16>>,
    at_v4_dst: Constant<Bits<16>>,
    /// the flow label's three bytes, from its high nibble's byte
    at_v6_flow: [Constant<Bits<16>>; 3],
    at_v6_plen: Constant<Bits<16>>,
    at_v6_nh: Constant<Bits<16>>,
    at_v6_hop: Constant<Bits<16>>,
    at_v6_src: Constant<Bits<16>>,
    at_v6_dst: Constant<Bits<16>>,
    at_udp_sport: Constant<Bits<16>>,
    at_udp_dport: Constant<Bits<16>>,
    at_udp_len: Constant<Bits<16>>,
    at_udp_csum: Constant<Bits<16>>,
    at_vx_flags: Constant<Bits<16>>,
    at_vx_vni: Constant<Bits<16>>,
    at_vx_vni_low: Constant<Bits<16>>,
    // field values, lane order
    tpid: Constant<Bits<16>>,
    type_ipv4: Constant<Bits<16>>,
    type_ipv6: Constant<Bits<16>>,
    v4_ver_ihl: Constant<Bits<8>>,
    v6_version: Constant<Bits<8>>,
    proto_udp: Constant<Bits<8>>,
    ip_id_le: Signal<Local, Bits<16>>,
    sport_le: Signal<Local, Bits<16>>,
    dport_le: Signal<Local, Bits<16>>,
    tci_le: Signal<Local, Bits<16>>,
    /// the VNI's two high bytes, lane order
    vni_high: Signal<Local, Bits<16>>,
    l2: Signal<Local, Bits<HB>>,
    ip4: Signal<Local, Bits<IP4_BITS>>,
    ip6: Signal<Local, Bits<IP6_BITS>>,
    udpvx: Signal<Local, Bits<UDPVX_BITS>>,
    /// ethertype, IP, UDP, VXLAN
    rest: Signal<Local, Bits<HB>>,
}

fn at(f: Field, base: usize) -> Constant<Bits<16>> {
    Constant::new((f.bit(base) as u64).into())
}

/// A 16-bit wire value in lane order (its first byte in bits 7:0).
fn lane16(v: u16) -> Constant<Bits<16>> {
    Constant::new((v.swap_bytes() as u64).into())
}

impl<const HB: usize> Default for TxHeader<HB> {
    fn default() -> Self {
        assert!(HB >= 8 * MAX_OUTER_HEADER_LEN, "header width");
        // `rest` starts at the ethertype: the IP header follows it
        let l3 = eth::ETHERTYPE.bytes;
        let udp4 = l3 + ipv4::MIN_LEN;
        let udp6 = l3 + ipv6::LEN;
        let byte = |b: usize| Constant::new(((8 * b) as u64).into());
        Self {
            dst_mac: Default::default(),
            src_mac: Default::default(),
            vlan: Default::default(),
            vlan_tci: Default::default(),
            ipv6: Default::default(),
            src_ip: Default::default(),
            dst_ip: Default::default(),
            udp_sport: Default::default(),
            udp_dport: Default::default(),
            ttl: Default::default(),
            ip_id: Default::default(),
            flow_label: Default::default(),
            vni: Default::default(),
            udp_len: Default::default(),
            udp_csum: Default::default(),
            ip_len: Default::default(),
            ip_csum: Default::default(),
            vxlan_flags: Default::default(),
            vni_low: Default::default(),
            hdr: Default::default(),
            at_eth_src: at(eth::SRC, 0),
            at_eth_type: at(eth::ETHERTYPE, 0),
            at_vlan_tci: at(vlan::TCI, eth::LEN),
            at_rest: at(eth::ETHERTYPE, 0),
            at_rest_vlan: at(vlan::ETHERTYPE, eth::LEN),
            at_l3: byte(l3),
            at_udp4: byte(udp4),
            at_udp6: byte(udp6),
            at_v4_tot: at(ipv4::TOTAL_LEN, 0),
            at_v4_id: at(ipv4::ID, 0),
            at_v4_ttl: at(ipv4::TTL, 0),
            at_v4_proto: at(ipv4::PROTOCOL, 0),
            at_v4_csum: at(ipv4::CHECKSUM, 0),
            at_v4_src: at(ipv4::SRC, 0),
            at_v4_dst: at(ipv4::DST, 0),
            at_v6_flow: std::array::from_fn(|i| at(ipv6::VER_TC_FLOW, 1 + i)),
            at_v6_plen: at(ipv6::PAYLOAD_LEN, 0),
            at_v6_nh: at(ipv6::NEXT_HEADER, 0),
            at_v6_hop: at(ipv6::HOP_LIMIT, 0),
            at_v6_src: at(ipv6::SRC, 0),
            at_v6_dst: at(ipv6::DST, 0),
            at_udp_sport: at(udp::SRC_PORT, 0),
            at_udp_dport: at(udp::DST_PORT, 0),
            at_udp_len: at(udp::LENGTH, 0),
            at_udp_csum: at(udp::CHECKSUM, 0),
            at_vx_flags: at(vxlan::FLAGS, udp::LEN),
            at_vx_vni: at(vxlan::VNI_WORD, udp::LEN),
            at_vx_vni_low: at(vxlan::VNI_WORD, udp::LEN + 2),
            tpid: lane16(eth::P_8021Q),
            type_ipv4: lane16(eth::P_IPV4),
            type_ipv6: lane16(eth::P_IPV6),
            v4_ver_ihl: Constant::new((0x40 | (ipv4::MIN_LEN / 4) as u64).into()),
            v6_version: Constant::new(0x60u64.into()),
            proto_udp: Constant::new((ipv4::PROTO_UDP as u64).into()),
            ip_id_le: Default::default(),
            sport_le: Default::default(),
            dport_le: Default::default(),
            tci_le: Default::default(),
            vni_high: Default::default(),
            l2: Default::default(),
            ip4: Default::default(),
            ip6: Default::default(),
            udpvx: Default::default(),
            rest: Default::default(),
        }
    }
}

impl<const HB: usize> Logic for TxHeader<HB> {
    #[hdl_gen]
    fn update(&mut self) {
        self.ip_id_le.next = (self.ip_id.val() << 8) | (self.ip_id.val() >> 8);
        self.sport_le.next = (self.udp_sport.val() << 8) | (self.udp_sport.val() >> 8);
        self.dport_le.next = (self.udp_dport.val() << 8) | (self.udp_dport.val() >> 8);
        self.tci_le.next = (self.vlan_tci.val() << 8) | (self.vlan_tci.val() >> 8);
        self.vni_high.next = (bit_cast::<16, 24>(self.vni.val() >> 16)) | (bit_cast::<16, 24>(self.vni.val() >> 8) << 8);
        self.l2.next = bit_cast::<HB, 48>(self.dst_mac.val()) | (bit_cast::<HB, 48>(self.src_mac.val()) << self.at_eth_src.val());
        if self.vlan.val() {
            self.l2.next = bit_cast::<HB, 48>(self.dst_mac.val())
                | (bit_cast::<HB, 48>(self.src_mac.val()) << self.at_eth_src.val())
                | (bit_cast::<HB, 16>(self.tpid.val()) << self.at_eth_type.val())
                | (bit_cast::<HB, 16>(self.tci_le.val()) << self.at_vlan_tci.val());
        }
        self.udpvx.next = bit_cast::<UDPVX_BITS, 16>(self.sport_le.val())
            | (bit_cast::<UDPVX_BITS, 16>(self.dport_le.val()) << self.at_udp_dport.val())
            | (bit_cast::<UDPVX_BITS, 16>(self.udp_len.val()) << self.at_udp_len.val())
            | (bit_cast::<UDPVX_BITS, 16>(self.udp_csum.val()) << self.at_udp_csum.val())
            | (bit_cast::<UDPVX_BITS, 16>(self.vxlan_flags.val()) << self.at_vx_flags.val())
            | (bit_cast::<UDPVX_BITS, 16>(self.vni_high.val()) << self.at_vx_vni.val())
            | (bit_cast::<UDPVX_BITS, 16>(self.vni_low.val()) << self.at_vx_vni_low.val());
        self.ip4.next = bit_cast::<IP4_BITS, 8>(self.v4_ver_ihl.val())
            | (bit_cast::<IP4_BITS, 16>(self.ip_len.val()) << self.at_v4_tot.val())
            | (bit_cast::<IP4_BITS, 16>(self.ip_id_le.val()) << self.at_v4_id.val())
            | (bit_cast::<IP4_BITS, 8>(self.ttl.val()) << self.at_v4_ttl.val())
            | (bit_cast::<IP4_BITS, 8>(self.proto_udp.val()) << self.at_v4_proto.val())
            | (bit_cast::<IP4_BITS, 16>(self.ip_csum.val()) << self.at_v4_csum.val())
            | (bit_cast::<IP4_BITS, 32>(self.src_ip.val().get_bits::<32>(0)) << self.at_v4_src.val())
            | (bit_cast::<IP4_BITS, 32>(self.dst_ip.val().get_bits::<32>(0)) << self.at_v4_dst.val());
        self.ip6.next = bit_cast::<IP6_BITS, 8>(self.v6_version.val())
            | (bit_cast::<IP6_BITS, 20>(self.flow_label.val() >> 16) << self.at_v6_flow[0].val())
            | (bit_cast::<IP6_BITS, 20>((self.flow_label.val() >> 8) & 0xFF) << self.at_v6_flow[1].val())
            | (bit_cast::<IP6_BITS, 20>(self.flow_label.val() & 0xFF) << self.at_v6_flow[2].val())
            | (bit_cast::<IP6_BITS, 16>(self.udp_len.val()) << self.at_v6_plen.val())
            | (bit_cast::<IP6_BITS, 8>(self.proto_udp.val()) << self.at_v6_nh.val())
            | (bit_cast::<IP6_BITS, 8>(self.ttl.val()) << self.at_v6_hop.val())
            | (bit_cast::<IP6_BITS, 128>(self.src_ip.val()) << self.at_v6_src.val())
            | (bit_cast::<IP6_BITS, 128>(self.dst_ip.val()) << self.at_v6_dst.val());
        if self.ipv6.val() {
            self.rest.next = bit_cast::<HB, 16>(self.type_ipv6.val())
                | (bit_cast::<HB, IP6_BITS>(self.ip6.val()) << self.at_l3.val())
                | (bit_cast::<HB, UDPVX_BITS>(self.udpvx.val()) << self.at_udp6.val());
        } else {
            self.rest.next = bit_cast::<HB, 16>(self.type_ipv4.val())
                | (bit_cast::<HB, IP4_BITS>(self.ip4.val()) << self.at_l3.val())
                | (bit_cast::<HB, UDPVX_BITS>(self.udpvx.val()) << self.at_udp4.val());
        }
        if self.vlan.val() {
            self.hdr.next = self.l2.val() | (self.rest.val() << self.at_rest_vlan.val());
        } else {
            self.hdr.next = self.l2.val() | (self.rest.val() << self.at_rest.val());
        }
    }
}
