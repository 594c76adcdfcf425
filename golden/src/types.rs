//! Descriptor, configuration and metadata types shared by the golden model, the
//! testbenches and the CLI. The hardware's sideband signals carry the same fields.

use crate::wire::IpAddrs;
use serde::{Deserialize, Serialize};

/// Largest frame the packet buffers hold by default (ECP5 build; iCE40 uses 1518).
pub const DEFAULT_MAX_FRAME: usize = 9216;

/// Per-packet TX descriptor: what a host driver hands the NIC with an inner frame.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TxDescriptor {
    /// CHECKSUM_PARTIAL: the inner L4 checksum is still to be done; its field holds the
    /// pseudo-header sum.
    pub partial: bool,
    /// `skb_checksum_start_offset`: from the first byte of the inner frame.
    pub csum_start: u16,
    /// From `csum_start` to the checksum field (6 UDP, 16 TCP).
    pub csum_offset: u16,
    pub vni: u32,
    pub outer_dst_mac: [u8; 6],
    pub outer_src_mac: [u8; 6],
    /// Outer 802.1Q TCI, if the outer frame is tagged.
    pub outer_vlan: Option<u16>,
    pub outer_ip: IpAddrs,
    pub udp_src_port: u16,
    pub udp_dst_port: u16,
    /// IPv4 TTL / IPv6 hop limit.
    pub ttl: u8,
    /// IPv4 identification (ignored for IPv6).
    pub ip_id: u16,
    /// IPv6 flow label (ignored for IPv4).
    pub flow_label: u32,
    /// `VXLAN_F_REMCSUM_TX`.
    pub rco: bool,
    /// Outer UDP checksum on (Linux default; off is `udpcsum off` / `VXLAN_F_UDP_ZERO_CSUM*_TX`).
    pub udp_csum: bool,
}

impl Default for TxDescriptor {
    fn default() -> Self {
        TxDescriptor {
            partial: false,
            csum_start: 0,
            csum_offset: 0,
            vni: 42,
            outer_dst_mac: [0x02, 0, 0, 0, 0, 0x02],
            outer_src_mac: [0x02, 0, 0, 0, 0, 0x01],
            outer_vlan: None,
            outer_ip: IpAddrs::Ipv4 { src: [192, 0, 2, 1], dst: [192, 0, 2, 2] },
            udp_src_port: 49152,
            udp_dst_port: crate::vxlan::VXLAN_DEFAULT_PORT,
            ttl: 64,
            ip_id: 0,
            flow_label: 0,
            rco: true,
            udp_csum: true,
        }
    }
}

/// Receiver configuration (the vxlan device's flags in Linux terms).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RxConfig {
    /// VXLAN UDP destination port.
    pub port: u16,
    /// `VXLAN_F_REMCSUM_RX`: the receiver opted in to RCO.
    pub remcsum_rx: bool,
    /// `VXLAN_F_REMCSUM_NOPARTIAL`: patch the inner checksum (true) or report
    /// csum_start/csum_offset for CHECKSUM_PARTIAL (false).
    pub nopartial: bool,
    /// `VXLAN_F_UDP_ZERO_CSUM6_RX`: accept a zero outer UDP checksum over IPv6.
    pub udp_zero_csum6_rx: bool,
    /// Packet buffer size: longer frames are dropped.
    pub max_frame: usize,
}

impl Default for RxConfig {
    fn default() -> Self {
        RxConfig {
            port: crate::vxlan::VXLAN_DEFAULT_PORT,
            remcsum_rx: true,
            nopartial: true,
            udp_zero_csum6_rx: false,
            max_frame: DEFAULT_MAX_FRAME,
        }
    }
}

/// Per-packet RX metadata delivered beside the inner frame.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RxMeta {
    pub vni: u32,
    /// The C flag was set and honoured (receiver opted in, offsets in range).
    pub rco: bool,
    /// The inner checksum field was rewritten (nopartial mode).
    pub rco_applied: bool,
    /// Partial mode: CHECKSUM_PARTIAL start/offset from the inner frame start (0 if none).
    pub csum_start: u16,
    pub csum_offset: u16,
    /// CHECKSUM_COMPLETE of the delivered inner frame: the folded, un-complemented
    /// sum of all its bytes, after any RCO patch (`skb->csum` ⊕ delta).
    pub csum_complete: u16,
    /// A non-zero outer UDP checksum was present and verified.
    pub outer_csum_ok: bool,
}

/// Why the RX path dropped a frame; each has a hardware counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    /// Longer than the packet buffer.
    TooLong,
    /// A header (outer, VXLAN, or the inner Ethernet header) or the IP length runs
    /// past the end of the frame.
    Truncated,
    /// Not IPv4/IPv6 UDP to the VXLAN port: not for the decapsulator.
    NotVxlan,
    /// IPv4/IPv6 version, IHL or length fields inconsistent.
    IpHeader,
    /// IPv4 header checksum wrong.
    IpCsum,
    /// Outer IP fragment (reassembly is the host's job).
    IpFragment,
    /// UDP length shorter than its header or longer than the IP payload.
    UdpLength,
    /// Outer UDP checksum wrong.
    UdpCsum,
    /// Zero outer UDP checksum over IPv6 without `udp6zerocsumrx`.
    UdpZeroCsum6,
    /// I flag clear, or reserved flag/VNI bits set (`VXLAN_INVALID_HDR`).
    VxlanFlags,
    /// C flag set but the receiver did not opt in to RCO.
    RcoNotEnabled,
    /// RCO start/offset past the end of the inner frame.
    RcoPastEnd,
    /// Hardware only (`rx_decap` never returns it: a byte array has no framing): the
    /// AXI4-Stream beats broke the packed-stream contract (`tkeep` not all ones on a beat
    /// before the last, or the last beat's kept lanes empty or not contiguous from lane 0).
    /// Checked before every other reason, `too_long` included: the length of such a frame
    /// is not defined.
    BadKeep,
    /// Hardware only: the frame arrived while the receive buffer or the decision queue was
    /// full (the host held `m_axis.tready` low) and the MAC-mode ingress, which never
    /// back-pressures the MAC, dropped it whole.
    Overflow,
}

impl DropReason {
    pub const ALL: [DropReason; 14] = [
        DropReason::TooLong,
        DropReason::Truncated,
        DropReason::NotVxlan,
        DropReason::IpHeader,
        DropReason::IpCsum,
        DropReason::IpFragment,
        DropReason::UdpLength,
        DropReason::UdpCsum,
        DropReason::UdpZeroCsum6,
        DropReason::VxlanFlags,
        DropReason::RcoNotEnabled,
        DropReason::RcoPastEnd,
        DropReason::BadKeep,
        DropReason::Overflow,
    ];

    /// The reason's code: its place in [`DropReason::ALL`], which is the hardware's
    /// `drop_reason` value and the index of its drop counter.
    pub fn code(self) -> usize {
        Self::ALL.iter().position(|r| *r == self).expect("ALL lists every reason")
    }

    /// How many of `reasons` there are of each, indexed by [`DropReason::code`].
    pub fn histogram<'a>(reasons: impl IntoIterator<Item = &'a DropReason>) -> [u64; 14] {
        let mut counts = [0; Self::ALL.len()];
        for r in reasons {
            counts[r.code()] += 1;
        }
        counts
    }

    pub fn name(self) -> &'static str {
        match self {
            DropReason::TooLong => "too_long",
            DropReason::Truncated => "truncated",
            DropReason::NotVxlan => "not_vxlan",
            DropReason::IpHeader => "ip_header",
            DropReason::IpCsum => "ip_csum",
            DropReason::IpFragment => "ip_fragment",
            DropReason::UdpLength => "udp_length",
            DropReason::UdpCsum => "udp_csum",
            DropReason::UdpZeroCsum6 => "udp_zero_csum6",
            DropReason::VxlanFlags => "vxlan_flags",
            DropReason::RcoNotEnabled => "rco_not_enabled",
            DropReason::RcoPastEnd => "rco_past_end",
            DropReason::BadKeep => "bad_keep",
            DropReason::Overflow => "overflow",
        }
    }
}

impl std::fmt::Display for DropReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Why the TX path refused a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TxError {
    /// Shorter than an Ethernet header.
    Truncated,
    /// Longer than the packet buffer, or too long for the outer IP length field.
    TooLong,
    /// CHECKSUM_PARTIAL with the checksum field outside the frame.
    BadDescriptor,
    /// Hardware only (`tx_encap` never returns it): the host stream's `tkeep` broke the
    /// packed-stream contract (as `DropReason::BadKeep`); a lone beat with no lane kept is
    /// the empty frame, not a framing error. Checked before the other errors.
    BadKeep,
}

impl std::fmt::Display for TxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TxError::Truncated => "truncated",
            TxError::TooLong => "too_long",
            TxError::BadDescriptor => "bad_descriptor",
            TxError::BadKeep => "bad_keep",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drop_codes_are_places_in_all_and_histogram_counts_by_code() {
        for (i, r) in DropReason::ALL.iter().enumerate() {
            assert_eq!(r.code(), i, "{r:?}");
        }
        let seen = [DropReason::Overflow, DropReason::TooLong, DropReason::Overflow, DropReason::UdpCsum];
        let h = DropReason::histogram(&seen);
        assert_eq!(h.iter().sum::<u64>(), 4);
        assert_eq!((h[0], h[7], h[13]), (1, 1, 2));
    }
}
