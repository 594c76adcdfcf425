//! Whole-packet TX reference: what the host stack leaves in a CHECKSUM_PARTIAL frame,
//! and what the NIC puts on the wire around it (Linux `vxlan_build_skb` +
//! `udp_tunnel_xmit_skb` + the outer checksums a checksumming NIC completes).

use crate::csum::{
    csum_fold, csum_partial, fold, get_sum16, ip_fast_csum, put_sum16, CSUM_MANGLED_0,
};
use crate::types::{TxDescriptor, TxError};
use crate::vxlan::{rco_eligible, VxlanHdr, VXLAN_HDR_LEN};
use crate::wire::{
    l4_check_offset, parse_layers, IpAddrs, ETH_HLEN, ETH_P_8021Q, ETH_P_IP, ETH_P_IPV6, IPPROTO_UDP,
    IPV4_MIN_HLEN, IPV6_HLEN, UDP_HLEN, VLAN_HLEN,
};

/// Outer header length for a descriptor: 50 (IPv4) or 70 (IPv6), +4 with a VLAN tag.
pub fn outer_header_len(desc: &TxDescriptor) -> usize {
    let ip = match desc.outer_ip {
        IpAddrs::Ipv4 { .. } => IPV4_MIN_HLEN,
        IpAddrs::Ipv6 { .. } => IPV6_HLEN,
    };
    ETH_HLEN + if desc.outer_vlan.is_some() { VLAN_HLEN } else { 0 } + ip + UDP_HLEN + VXLAN_HDR_LEN
}

/// What a Linux host stack does to a TCP/UDP frame before handing it to a NIC with
/// CHECKSUM_PARTIAL: put the folded, un-complemented pseudo-header sum P
/// (`~csum_tcpudp_magic(.., 0)`) in the checksum field and return
/// (csum_start, csum_offset). `None` (frame untouched) for anything else: non-IP,
/// other protocols, fragments, or a segment shorter than its checksum field.
pub fn host_checksum_partial(frame: &mut [u8]) -> Option<(u16, u16)> {
    let l = parse_layers(frame).ok()?;
    let check = l4_check_offset(l.protocol)?;
    if l.fragment || l.l4_len < check as usize + 2 {
        return None;
    }
    let p = fold(l.addrs.pseudo_nofold(l.l4_len as u32, l.protocol, 0));
    put_sum16(frame, l.l4_offset + check as usize, p);
    Some((u16::try_from(l.l4_offset).ok()?, check))
}

/// Does the TX path use RCO for this descriptor (the `vxlan_build_skb` test)?
pub fn uses_rco(desc: &TxDescriptor) -> bool {
    desc.rco && desc.partial && rco_eligible(desc.csum_start, desc.csum_offset)
}

/// Outer UDP source port from the inner flow, spread over the Linux default
/// ephemeral range 32768..60999 as the kernel's `udp_flow_src_port` does (FNV-1a in place of the
/// kernel's flow hash, so it is stable across runs).
pub fn udp_flow_src_port(inner: &[u8]) -> u16 {
    let key: &[u8] = match parse_layers(inner) {
        Ok(l) => {
            let end = (l.l4_offset + 4).min(inner.len());
            &inner[l.l3_offset..end]
        }
        Err(_) => &inner[..inner.len().min(14)],
    };
    let mut h: u32 = 0x811c_9dc5;
    for b in key {
        h = (h ^ *b as u32).wrapping_mul(0x0100_0193);
    }
    (32768 + ((h as u64 * (60999 - 32768 + 1)) >> 32)) as u16
}

/// Encapsulate `inner` as a VXLAN frame. With RCO the inner checksum field is left as
/// the host wrote it (P); a CHECKSUM_PARTIAL frame that cannot use RCO has its inner
/// checksum completed by the NIC as `skb_checksum_help` would (0 sent as 0xFFFF).
/// The outer UDP checksum covers the whole datagram, inner field included.
pub fn tx_encap(inner: &[u8], desc: &TxDescriptor, max_frame: usize) -> Result<Vec<u8>, TxError> {
    if inner.len() < ETH_HLEN {
        return Err(TxError::Truncated);
    }
    let hlen = outer_header_len(desc);
    if inner.len() > max_frame || inner.len() + hlen - ETH_HLEN > u16::MAX as usize {
        return Err(TxError::TooLong);
    }
    let (start, field) = (desc.csum_start as usize, desc.csum_start as usize + desc.csum_offset as usize);
    if desc.partial && field + 2 > inner.len() {
        return Err(TxError::BadDescriptor);
    }

    let mut vx = VxlanHdr::new(desc.vni);
    let mut payload = inner.to_vec();
    if uses_rco(desc) {
        vx = vx.with_rco(desc.csum_start, desc.csum_offset);
    } else if desc.partial {
        let c = csum_fold(csum_partial(&payload[start..], 0));
        put_sum16(&mut payload, field, if c == 0 { CSUM_MANGLED_0 } else { c });
    }

    let udp_len = UDP_HLEN + VXLAN_HDR_LEN + payload.len();
    let mut out = Vec::with_capacity(hlen + payload.len());
    out.extend_from_slice(&desc.outer_dst_mac);
    out.extend_from_slice(&desc.outer_src_mac);
    if let Some(tci) = desc.outer_vlan {
        out.extend_from_slice(&ETH_P_8021Q.to_be_bytes());
        out.extend_from_slice(&tci.to_be_bytes());
    }
    match desc.outer_ip {
        IpAddrs::Ipv4 { src, dst } => {
            out.extend_from_slice(&ETH_P_IP.to_be_bytes());
            let mut ip = [0u8; IPV4_MIN_HLEN];
            ip[0] = 0x45;
            ip[2..4].copy_from_slice(&((IPV4_MIN_HLEN + udp_len) as u16).to_be_bytes());
            ip[4..6].copy_from_slice(&desc.ip_id.to_be_bytes());
            ip[8] = desc.ttl;
            ip[9] = IPPROTO_UDP;
            ip[12..16].copy_from_slice(&src);
            ip[16..20].copy_from_slice(&dst);
            let c = ip_fast_csum(&ip);
            put_sum16(&mut ip, 10, c);
            out.extend_from_slice(&ip);
        }
        IpAddrs::Ipv6 { src, dst } => {
            out.extend_from_slice(&ETH_P_IPV6.to_be_bytes());
            let mut ip = [0u8; IPV6_HLEN];
            ip[0..4].copy_from_slice(&(0x6000_0000 | (desc.flow_label & 0xF_FFFF)).to_be_bytes());
            ip[4..6].copy_from_slice(&(udp_len as u16).to_be_bytes());
            ip[6] = IPPROTO_UDP;
            ip[7] = desc.ttl;
            ip[8..24].copy_from_slice(&src);
            ip[24..40].copy_from_slice(&dst);
            out.extend_from_slice(&ip);
        }
    }
    let udp = out.len();
    out.extend_from_slice(&desc.udp_src_port.to_be_bytes());
    out.extend_from_slice(&desc.udp_dst_port.to_be_bytes());
    out.extend_from_slice(&(udp_len as u16).to_be_bytes());
    out.extend_from_slice(&[0, 0]);
    out.extend_from_slice(&vx.to_bytes());
    out.extend_from_slice(&payload);
    if desc.udp_csum {
        let sum = desc.outer_ip.pseudo_nofold(udp_len as u32, IPPROTO_UDP, csum_partial(&out[udp..], 0));
        let c = csum_fold(sum);
        put_sum16(&mut out, udp + 6, if c == 0 { CSUM_MANGLED_0 } else { c });
    }
    debug_assert_eq!(get_sum16(&out, udp + 4) as usize, udp_len);
    Ok(out)
}
