//! Typed views of the wire formats the model reads and writes, in the manner of
//! smoltcp's `wire` module: a view wraps a byte buffer, `new_checked` verifies that the
//! fixed header fits, and accessors read fields big-endian at named offsets.

use serde::{Deserialize, Serialize};

pub const ETH_HLEN: usize = 14;
pub const VLAN_HLEN: usize = 4;
pub const ETH_P_IP: u16 = 0x0800;
pub const ETH_P_IPV6: u16 = 0x86DD;
pub const ETH_P_ARP: u16 = 0x0806;
pub const ETH_P_8021Q: u16 = 0x8100;
pub const ETH_P_8021AD: u16 = 0x88A8;
pub const IPV4_MIN_HLEN: usize = 20;
pub const IPV6_HLEN: usize = 40;
pub const UDP_HLEN: usize = 8;
pub const TCP_MIN_HLEN: usize = 20;
pub const IPPROTO_TCP: u8 = 6;
pub const IPPROTO_UDP: u8 = 17;
pub const IPPROTO_HOPOPTS: u8 = 0;
pub const IPPROTO_ROUTING: u8 = 43;
pub const IPPROTO_FRAGMENT: u8 = 44;
pub const IPPROTO_DSTOPTS: u8 = 60;
/// Offset of the checksum field in a UDP header (`offsetof(struct udphdr, check)`).
pub const UDP_CHECK_OFFSET: u16 = 6;
/// Offset of the checksum field in a TCP header (`offsetof(struct tcphdr, check)`).
pub const TCP_CHECK_OFFSET: u16 = 16;
/// IPv6 extension headers the parsers walk before giving up (a bounded parser, as in
/// hardware); more than this and the packet is not treated as VXLAN.
pub const IPV6_MAX_EXT_HDRS: usize = 2;

/// A buffer was shorter than the header it must hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Truncated;

fn be16(b: &[u8], off: usize) -> u16 {
    u16::from_be_bytes([b[off], b[off + 1]])
}

fn be32(b: &[u8], off: usize) -> u32 {
    u32::from_be_bytes([b[off], b[off + 1], b[off + 2], b[off + 3]])
}

macro_rules! view {
    ($(#[$m:meta])* $name:ident, $min:expr) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug)]
        pub struct $name<T: AsRef<[u8]>> {
            buffer: T,
        }
        impl<T: AsRef<[u8]>> $name<T> {
            /// Wrap `buffer`, checking that the fixed part of the header fits.
            pub fn new_checked(buffer: T) -> Result<Self, Truncated> {
                if buffer.as_ref().len() < $min {
                    Err(Truncated)
                } else {
                    Ok(Self { buffer })
                }
            }
            pub fn as_bytes(&self) -> &[u8] {
                self.buffer.as_ref()
            }
        }
    };
}

view!(
    /// Ethernet II header; `ethertype` is the outer type (a VLAN TPID if tagged).
    EthernetFrame,
    ETH_HLEN
);
impl<T: AsRef<[u8]>> EthernetFrame<T> {
    pub fn dst_addr(&self) -> [u8; 6] {
        self.as_bytes()[0..6].try_into().unwrap()
    }
    pub fn src_addr(&self) -> [u8; 6] {
        self.as_bytes()[6..12].try_into().unwrap()
    }
    pub fn ethertype(&self) -> u16 {
        be16(self.as_bytes(), 12)
    }
}

view!(
    /// IPv4 header (fixed part; options follow up to `header_len`).
    Ipv4Packet,
    IPV4_MIN_HLEN
);
impl<T: AsRef<[u8]>> Ipv4Packet<T> {
    pub fn version(&self) -> u8 {
        self.as_bytes()[0] >> 4
    }
    pub fn header_len(&self) -> usize {
        ((self.as_bytes()[0] & 0x0F) as usize) * 4
    }
    pub fn total_len(&self) -> usize {
        be16(self.as_bytes(), 2) as usize
    }
    pub fn ident(&self) -> u16 {
        be16(self.as_bytes(), 4)
    }
    /// More-fragments flag or a non-zero fragment offset.
    pub fn is_fragment(&self) -> bool {
        be16(self.as_bytes(), 6) & 0x3FFF != 0
    }
    pub fn ttl(&self) -> u8 {
        self.as_bytes()[8]
    }
    pub fn protocol(&self) -> u8 {
        self.as_bytes()[9]
    }
    pub fn src_addr(&self) -> [u8; 4] {
        self.as_bytes()[12..16].try_into().unwrap()
    }
    pub fn dst_addr(&self) -> [u8; 4] {
        self.as_bytes()[16..20].try_into().unwrap()
    }
}

view!(
    /// IPv6 fixed header.
    Ipv6Packet,
    IPV6_HLEN
);
impl<T: AsRef<[u8]>> Ipv6Packet<T> {
    pub fn version(&self) -> u8 {
        self.as_bytes()[0] >> 4
    }
    pub fn payload_len(&self) -> usize {
        be16(self.as_bytes(), 4) as usize
    }
    pub fn next_header(&self) -> u8 {
        self.as_bytes()[6]
    }
    pub fn hop_limit(&self) -> u8 {
        self.as_bytes()[7]
    }
    pub fn src_addr(&self) -> [u8; 16] {
        self.as_bytes()[8..24].try_into().unwrap()
    }
    pub fn dst_addr(&self) -> [u8; 16] {
        self.as_bytes()[24..40].try_into().unwrap()
    }
}

view!(
    /// UDP header.
    UdpPacket,
    UDP_HLEN
);
impl<T: AsRef<[u8]>> UdpPacket<T> {
    pub fn src_port(&self) -> u16 {
        be16(self.as_bytes(), 0)
    }
    pub fn dst_port(&self) -> u16 {
        be16(self.as_bytes(), 2)
    }
    pub fn len(&self) -> usize {
        be16(self.as_bytes(), 4) as usize
    }
    pub fn checksum(&self) -> u16 {
        be16(self.as_bytes(), 6)
    }
}

view!(
    /// TCP header (fixed part).
    TcpPacket,
    TCP_MIN_HLEN
);
impl<T: AsRef<[u8]>> TcpPacket<T> {
    pub fn header_len(&self) -> usize {
        ((self.as_bytes()[12] >> 4) as usize) * 4
    }
    pub fn checksum(&self) -> u16 {
        be16(self.as_bytes(), 16)
    }
}

view!(
    /// The two 32-bit words of a VXLAN header (flags word, VNI word).
    VxlanPacket,
    crate::vxlan::VXLAN_HDR_LEN
);
impl<T: AsRef<[u8]>> VxlanPacket<T> {
    pub fn flags(&self) -> u32 {
        be32(self.as_bytes(), 0)
    }
    pub fn vni_word(&self) -> u32 {
        be32(self.as_bytes(), 4)
    }
}

/// Network-layer addresses of a packet, as the pseudo-header needs them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum IpAddrs {
    Ipv4 { src: [u8; 4], dst: [u8; 4] },
    Ipv6 { src: [u8; 16], dst: [u8; 16] },
}

impl IpAddrs {
    /// Folded-in pseudo-header sum for an L4 segment of `len` bytes (`csum_tcpudp_nofold`
    /// / the sum inside `csum_ipv6_magic`), added to `sum`.
    pub fn pseudo_nofold(&self, len: u32, proto: u8, sum: crate::csum::Wsum) -> crate::csum::Wsum {
        match self {
            IpAddrs::Ipv4 { src, dst } => crate::csum::csum_tcpudp_nofold(*src, *dst, len, proto, sum),
            IpAddrs::Ipv6 { src, dst } => crate::csum::csum_ipv6_nofold(src, dst, len, proto, sum),
        }
    }
}

/// Where the layers of an Ethernet / [802.1Q]* / IPv4|IPv6 / L4 frame sit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layers {
    /// TCIs of up to two VLAN tags, outer tag first.
    pub vlan_tci: [Option<u16>; 2],
    pub l3_offset: usize,
    pub addrs: IpAddrs,
    /// Offset of the transport header.
    pub l4_offset: usize,
    /// Transport protocol (after IPv6 extension headers).
    pub protocol: u8,
    /// Length of the transport segment from the IP length fields.
    pub l4_len: usize,
    /// Whether the IP layer says this is a fragment.
    pub fragment: bool,
}

/// Why a frame's layers could not be found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayerError {
    /// A header runs past the end of the buffer.
    Truncated,
    /// Not IPv4/IPv6, or an IPv6 header chain the parser does not walk.
    NotIp,
    /// Version, IHL or length fields inconsistent.
    BadIpHeader,
}

impl From<Truncated> for LayerError {
    fn from(_: Truncated) -> Self {
        LayerError::Truncated
    }
}

/// Skip the Ethernet header and up to two VLAN tags; returns (ethertype, l3 offset, tags).
pub fn parse_l2(frame: &[u8]) -> Result<(u16, usize, [Option<u16>; 2]), Truncated> {
    let eth = EthernetFrame::new_checked(frame)?;
    let mut ethertype = eth.ethertype();
    let mut off = ETH_HLEN;
    let mut tags = [None, None];
    for tag in tags.iter_mut() {
        if ethertype != ETH_P_8021Q && ethertype != ETH_P_8021AD {
            break;
        }
        if frame.len() < off + VLAN_HLEN {
            return Err(Truncated);
        }
        *tag = Some(be16(frame, off));
        ethertype = be16(frame, off + 2);
        off += VLAN_HLEN;
    }
    Ok((ethertype, off, tags))
}

/// Walk Ethernet, VLAN tags, IPv4 (any IHL) or IPv6 (up to [`IPV6_MAX_EXT_HDRS`]
/// hop-by-hop/routing/destination headers; a fragment header marks a fragment).
/// Does not verify checksums.
pub fn parse_layers(frame: &[u8]) -> Result<Layers, LayerError> {
    let (ethertype, l3, vlan_tci) = parse_l2(frame)?;
    match ethertype {
        ETH_P_IP => {
            let ip = Ipv4Packet::new_checked(&frame[l3..])?;
            let hl = ip.header_len();
            if ip.version() != 4 || hl < IPV4_MIN_HLEN {
                return Err(LayerError::BadIpHeader);
            }
            if frame.len() < l3 + hl {
                return Err(LayerError::Truncated);
            }
            if ip.total_len() < hl || l3 + ip.total_len() > frame.len() {
                return Err(LayerError::BadIpHeader);
            }
            Ok(Layers {
                vlan_tci,
                l3_offset: l3,
                addrs: IpAddrs::Ipv4 { src: ip.src_addr(), dst: ip.dst_addr() },
                l4_offset: l3 + hl,
                protocol: ip.protocol(),
                l4_len: ip.total_len() - hl,
                fragment: ip.is_fragment(),
            })
        }
        ETH_P_IPV6 => {
            let ip = Ipv6Packet::new_checked(&frame[l3..])?;
            if ip.version() != 6 {
                return Err(LayerError::BadIpHeader);
            }
            let end = l3 + IPV6_HLEN + ip.payload_len();
            if ip.payload_len() == 0 || end > frame.len() {
                return Err(LayerError::BadIpHeader);
            }
            let (next, off, fragment) = ipv6_skip_ext_headers(frame, ip.next_header(), l3 + IPV6_HLEN, end)?;
            Ok(Layers {
                vlan_tci,
                l3_offset: l3,
                addrs: IpAddrs::Ipv6 { src: ip.src_addr(), dst: ip.dst_addr() },
                l4_offset: off,
                protocol: next,
                l4_len: end - off,
                fragment,
            })
        }
        _ => Err(LayerError::NotIp),
    }
}

/// Walk up to [`IPV6_MAX_EXT_HDRS`] hop-by-hop/routing/destination/fragment headers
/// starting at `off` with next-header `next`, inside `frame[..end]`. Returns the upper
/// protocol, its offset, and whether a fragment header was seen.
pub fn ipv6_skip_ext_headers(
    frame: &[u8],
    mut next: u8,
    mut off: usize,
    end: usize,
) -> Result<(u8, usize, bool), LayerError> {
    let mut fragment = false;
    let mut walked = 0;
    while matches!(next, IPPROTO_HOPOPTS | IPPROTO_ROUTING | IPPROTO_DSTOPTS | IPPROTO_FRAGMENT) {
        if walked == IPV6_MAX_EXT_HDRS {
            return Err(LayerError::NotIp);
        }
        if off + 8 > end {
            return Err(LayerError::Truncated);
        }
        let len = if next == IPPROTO_FRAGMENT {
            fragment = true;
            8
        } else {
            (frame[off + 1] as usize + 1) * 8
        };
        next = frame[off];
        off += len;
        walked += 1;
        if off > end {
            return Err(LayerError::Truncated);
        }
    }
    Ok((next, off, fragment))
}

/// Checksum field offset within the transport header for TCP and UDP.
pub fn l4_check_offset(protocol: u8) -> Option<u16> {
    match protocol {
        IPPROTO_TCP => Some(TCP_CHECK_OFFSET),
        IPPROTO_UDP => Some(UDP_CHECK_OFFSET),
        _ => None,
    }
}
