//! Whole-packet RX reference: outer frame -> inner frame + metadata, or a drop with a
//! reason, in the order Linux checks things (`ip_rcv`, `__udp4_lib_rcv`/`udpv6_rcv`,
//! the encap socket's checksum check, `vxlan_rcv` with its pre-6.14 "unparsed" logic).
//!
//! The NIC supplies CHECKSUM_COMPLETE, so the RCO sum starts from the full sum of the
//! inner frame (`ptr`..end of the UDP datagram), as `skb->csum` does after the pulls.

use crate::csum::{csum_add, csum_fold, csum_partial, fold, ip_fast_csum, remcsum_adjust, Wsum};
use crate::types::{DropReason, RxConfig, RxMeta};
use crate::vxlan::{VxlanHdr, VXLAN_HDR_LEN, VXLAN_HF_VNI, VXLAN_HF_RCO, VXLAN_HLEN};
use crate::wire::{
    ipv6_skip_ext_headers, EthernetFrame, IpAddrs, Ipv4Packet, Ipv6Packet, LayerError, UdpPacket,
    ETH_HLEN, ETH_P_8021Q, ETH_P_IP, ETH_P_IPV6, IPPROTO_UDP, IPV4_MIN_HLEN, IPV6_HLEN, UDP_HLEN,
    VLAN_HLEN,
};

/// What `skb_remcsum_process` leaves behind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Remcsum {
    /// nopartial: the field was rewritten and CHECKSUM_COMPLETE updated to `csum`.
    Adjusted { csum: Wsum },
    /// partial: CHECKSUM_PARTIAL at (csum_start, csum_offset), packet untouched.
    Partial { csum_start: u16, csum_offset: u16 },
}

/// `skb_remcsum_process(skb, ptr, start, offset, nopartial)` with `csum` the
/// CHECKSUM_COMPLETE sum of `ptr`..end. `offset` is absolute from `ptr`; the caller
/// has checked `offset + 2 <= ptr.len()` (the kernel's `pskb_may_pull`).
pub fn skb_remcsum_process(ptr: &mut [u8], csum: Wsum, start: u16, offset: u16, nopartial: bool) -> Remcsum {
    if nopartial {
        let delta = remcsum_adjust(ptr, csum, start as usize, offset as usize);
        Remcsum::Adjusted { csum: csum_add(csum, delta) }
    } else {
        Remcsum::Partial { csum_start: start, csum_offset: offset.wrapping_sub(start) }
    }
}

/// Outer layers the decapsulator located.
struct Outer<'a> {
    addrs: IpAddrs,
    /// The IP payload, trimmed to the IP length fields.
    datagram: &'a [u8],
}

fn parse_outer_ip(frame: &[u8]) -> Result<Outer<'_>, DropReason> {
    let eth = EthernetFrame::new_checked(frame).map_err(|_| DropReason::Truncated)?;
    let (mut ethertype, mut l3) = (eth.ethertype(), ETH_HLEN);
    if ethertype == ETH_P_8021Q {
        if frame.len() < ETH_HLEN + VLAN_HLEN {
            return Err(DropReason::Truncated);
        }
        ethertype = u16::from_be_bytes([frame[ETH_HLEN + 2], frame[ETH_HLEN + 3]]);
        l3 += VLAN_HLEN;
    }
    let l3b = &frame[l3..];
    match ethertype {
        ETH_P_IP => {
            let ip = Ipv4Packet::new_checked(l3b).map_err(|_| DropReason::Truncated)?;
            let hl = ip.header_len();
            if ip.version() != 4 || hl < IPV4_MIN_HLEN {
                return Err(DropReason::IpHeader);
            }
            if l3b.len() < hl {
                return Err(DropReason::Truncated);
            }
            if ip_fast_csum(&l3b[..hl]) != 0 {
                return Err(DropReason::IpCsum);
            }
            if ip.total_len() < hl {
                return Err(DropReason::IpHeader);
            }
            if ip.total_len() > l3b.len() {
                return Err(DropReason::Truncated); // ip_rcv: IPSTATS_MIB_INTRUNCATEDPKTS
            }
            if ip.is_fragment() {
                return Err(DropReason::IpFragment);
            }
            if ip.protocol() != IPPROTO_UDP {
                return Err(DropReason::NotVxlan);
            }
            Ok(Outer {
                addrs: IpAddrs::Ipv4 { src: ip.src_addr(), dst: ip.dst_addr() },
                datagram: &l3b[hl..ip.total_len()],
            })
        }
        ETH_P_IPV6 => {
            let ip = Ipv6Packet::new_checked(l3b).map_err(|_| DropReason::Truncated)?;
            if ip.version() != 6 {
                return Err(DropReason::IpHeader);
            }
            let end = IPV6_HLEN + ip.payload_len();
            if ip.payload_len() == 0 {
                return Err(DropReason::IpHeader); // jumbogram: not supported
            }
            if end > l3b.len() {
                return Err(DropReason::Truncated);
            }
            let (next, off, fragment) =
                ipv6_skip_ext_headers(l3b, ip.next_header(), IPV6_HLEN, end).map_err(|e| match e {
                    LayerError::Truncated => DropReason::Truncated,
                    _ => DropReason::NotVxlan,
                })?;
            if fragment {
                return Err(DropReason::IpFragment);
            }
            if next != IPPROTO_UDP {
                return Err(DropReason::NotVxlan);
            }
            Ok(Outer { addrs: IpAddrs::Ipv6 { src: ip.src_addr(), dst: ip.dst_addr() }, datagram: &l3b[off..end] })
        }
        _ => Err(DropReason::NotVxlan),
    }
}

/// Decapsulate one outer frame as a Linux VXLAN receiver configured by `cfg` would,
/// with the NIC's CHECKSUM_COMPLETE. Returns the inner frame and its metadata.
pub fn rx_decap(frame: &[u8], cfg: &RxConfig) -> Result<(Vec<u8>, RxMeta), DropReason> {
    if frame.len() > cfg.max_frame {
        return Err(DropReason::TooLong);
    }
    let outer = parse_outer_ip(frame)?;
    let udp = UdpPacket::new_checked(outer.datagram).map_err(|_| DropReason::Truncated)?;
    if udp.dst_port() != cfg.port {
        return Err(DropReason::NotVxlan);
    }
    let ulen = udp.len();
    if ulen < UDP_HLEN || ulen > outer.datagram.len() {
        return Err(DropReason::UdpLength);
    }
    let datagram = &outer.datagram[..ulen];

    let mut meta = RxMeta::default();
    if udp.checksum() == 0 {
        if matches!(outer.addrs, IpAddrs::Ipv6 { .. }) && !cfg.udp_zero_csum6_rx {
            return Err(DropReason::UdpZeroCsum6);
        }
    } else {
        let sum = outer.addrs.pseudo_nofold(ulen as u32, IPPROTO_UDP, csum_partial(datagram, 0));
        if csum_fold(sum) != 0 {
            return Err(DropReason::UdpCsum);
        }
        meta.outer_csum_ok = true;
    }

    if ulen < VXLAN_HLEN {
        return Err(DropReason::Truncated);
    }
    let vx = VxlanHdr::parse(&datagram[UDP_HLEN..]).ok_or(DropReason::Truncated)?;
    if vx.flags & VXLAN_HF_VNI == 0 {
        return Err(DropReason::VxlanFlags);
    }
    meta.vni = vx.vni();
    let mut unparsed_flags = vx.flags & !VXLAN_HF_VNI;
    let mut unparsed_vni = vx.vni_word & 0xFF;

    let mut inner = datagram[UDP_HLEN + VXLAN_HDR_LEN..].to_vec();
    let mut csum = csum_partial(&inner, 0);
    if cfg.remcsum_rx {
        if vx.rco() {
            let (start, offset) = vx.rco_start_offset();
            if offset as usize + 2 > inner.len() {
                return Err(DropReason::RcoPastEnd);
            }
            meta.rco = true;
            match skb_remcsum_process(&mut inner, csum, start, offset, cfg.nopartial) {
                Remcsum::Adjusted { csum: c } => {
                    csum = c;
                    meta.rco_applied = true;
                }
                Remcsum::Partial { csum_start, csum_offset } => {
                    meta.csum_start = csum_start;
                    meta.csum_offset = csum_offset;
                }
            }
        }
        unparsed_flags &= !VXLAN_HF_RCO;
        unparsed_vni = 0;
    }
    if unparsed_flags != 0 || unparsed_vni != 0 {
        return Err(if vx.rco() && !cfg.remcsum_rx { DropReason::RcoNotEnabled } else { DropReason::VxlanFlags });
    }
    if inner.len() < ETH_HLEN {
        return Err(DropReason::Truncated);
    }
    meta.csum_complete = fold(csum);
    Ok((inner, meta))
}
