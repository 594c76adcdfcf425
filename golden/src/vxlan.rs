//! VXLAN header with remote checksum offload (`include/net/vxlan.h`).
//!
//! Start and offset are measured from the first byte after the VXLAN header (the
//! inner Ethernet destination MAC). Start is encoded halved in the VNI word's low byte;
//! bit 7 of that byte selects UDP (field at start + 6) over TCP (start + 16).

use crate::wire::{TCP_CHECK_OFFSET, UDP_CHECK_OFFSET};

pub const VXLAN_HDR_LEN: usize = 8;
/// UDP + VXLAN header (`VXLAN_HLEN`).
pub const VXLAN_HLEN: usize = 16;
pub const VXLAN_DEFAULT_PORT: u16 = 4789;
/// I flag: VNI present (`VXLAN_HF_VNI`, bit 27 of the flags word).
pub const VXLAN_HF_VNI: u32 = 1 << 27;
/// C flag: RCO data present (`VXLAN_HF_RCO`, bit 21).
pub const VXLAN_HF_RCO: u32 = 1 << 21;
/// VNI field of the VNI word (`VXLAN_VNI_MASK`).
pub const VXLAN_VNI_MASK: u32 = 0xFF_FFFF << 8;
/// Halved checksum start in the VNI word's low byte (`VXLAN_RCO_MASK`).
pub const VXLAN_RCO_MASK: u32 = 0x7F;
/// UDP selector in the VNI word's low byte (`VXLAN_RCO_UDP`).
pub const VXLAN_RCO_UDP: u32 = 0x80;
pub const VXLAN_RCO_SHIFT: u32 = 1;
/// Largest encodable start (`VXLAN_MAX_REMCSUM_START`).
pub const VXLAN_MAX_REMCSUM_START: u16 = 0x7F << VXLAN_RCO_SHIFT;

/// `vxlan_rco_start`: the checksum start from the VNI word.
pub fn vxlan_rco_start(vni_word: u32) -> u16 {
    ((vni_word & VXLAN_RCO_MASK) << VXLAN_RCO_SHIFT) as u16
}

/// `vxlan_rco_offset`: the checksum field offset *relative to start* (6 or 16).
pub fn vxlan_rco_offset(vni_word: u32) -> u16 {
    if vni_word & VXLAN_RCO_UDP != 0 {
        UDP_CHECK_OFFSET
    } else {
        TCP_CHECK_OFFSET
    }
}

/// `vxlan_compute_rco`: the VNI word's low byte for (start, csum_offset).
pub fn vxlan_compute_rco(start: u16, csum_offset: u16) -> u32 {
    let mut v = (start >> VXLAN_RCO_SHIFT) as u32;
    if csum_offset == UDP_CHECK_OFFSET {
        v |= VXLAN_RCO_UDP;
    }
    v
}

/// Whether the TX path may use RCO for a CHECKSUM_PARTIAL packet (`vxlan_build_skb`):
/// start even and at most 254, offset UDP or TCP.
pub fn rco_eligible(csum_start: u16, csum_offset: u16) -> bool {
    csum_start <= VXLAN_MAX_REMCSUM_START
        && csum_start & 1 == 0
        && (csum_offset == UDP_CHECK_OFFSET || csum_offset == TCP_CHECK_OFFSET)
}

/// A decoded VXLAN header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VxlanHdr {
    pub flags: u32,
    pub vni_word: u32,
}

impl VxlanHdr {
    /// A plain header for `vni` (I flag set).
    pub fn new(vni: u32) -> Self {
        VxlanHdr { flags: VXLAN_HF_VNI, vni_word: (vni << 8) & VXLAN_VNI_MASK }
    }

    /// Add RCO for a checksum at (start, csum_offset); the caller checked eligibility.
    pub fn with_rco(mut self, start: u16, csum_offset: u16) -> Self {
        self.flags |= VXLAN_HF_RCO;
        self.vni_word |= vxlan_compute_rco(start, csum_offset);
        self
    }

    pub fn parse(b: &[u8]) -> Option<Self> {
        let v = crate::wire::VxlanPacket::new_checked(b).ok()?;
        Some(VxlanHdr { flags: v.flags(), vni_word: v.vni_word() })
    }

    pub fn to_bytes(self) -> [u8; VXLAN_HDR_LEN] {
        let mut b = [0; VXLAN_HDR_LEN];
        b[..4].copy_from_slice(&self.flags.to_be_bytes());
        b[4..].copy_from_slice(&self.vni_word.to_be_bytes());
        b
    }

    /// `vxlan_vni`: the 24-bit VNI, ignoring the RCO byte.
    pub fn vni(&self) -> u32 {
        (self.vni_word & VXLAN_VNI_MASK) >> 8
    }

    pub fn rco(&self) -> bool {
        self.flags & VXLAN_HF_RCO != 0
    }

    /// RCO (start, absolute field offset) from the inner frame start.
    pub fn rco_start_offset(&self) -> (u16, u16) {
        let start = vxlan_rco_start(self.vni_word);
        (start, start + vxlan_rco_offset(self.vni_word))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_as_spec_section_8() {
        // IPv4/TCP start 34 -> byte7 0x11; IPv4/UDP -> 0x91 (spec section 8).
        assert_eq!(VxlanHdr::new(42).with_rco(34, 16).to_bytes(), [0x08, 0x20, 0, 0, 0, 0, 0x2a, 0x11]);
        assert_eq!(VxlanHdr::new(42).with_rco(34, 6).to_bytes(), [0x08, 0x20, 0, 0, 0, 0, 0x2a, 0x91]);
        // IPv6 inner: start 54 -> 0x1b / 0x9b.
        assert_eq!(vxlan_compute_rco(54, 16), 0x1b);
        assert_eq!(vxlan_compute_rco(54, 6), 0x9b);
    }

    #[test]
    fn decode_round_trip_and_eligibility() {
        for start in (0..=254u16).step_by(2) {
            for off in [6u16, 16] {
                let h = VxlanHdr::parse(&VxlanHdr::new(0xABCDEF).with_rco(start, off).to_bytes()).unwrap();
                assert_eq!(h.vni(), 0xABCDEF);
                assert_eq!(h.rco_start_offset(), (start, start + off));
                assert!(rco_eligible(start, off));
            }
        }
        assert!(!rco_eligible(35, 16));
        assert!(!rco_eligible(256, 16));
        assert!(!rco_eligible(34, 8));
    }
}
