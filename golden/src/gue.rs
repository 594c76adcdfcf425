//! GUE (Generic UDP Encapsulation) with the remote checksum offload option
//! (`include/net/gue.h`, `net/ipv4/fou_core.c`). Unlike VXLAN, start and offset are full
//! 16-bit values measured from the first byte after the whole GUE header, offset is
//! absolute, and neither parity nor ordering is checked (spec section 4.4).

use crate::csum::Wsum;
use crate::rx::{skb_remcsum_process, Remcsum};

pub const GUE_HDR_LEN: usize = 4;
/// `GUE_FLAG_PRIV`: a private-flags word follows the base header.
pub const GUE_FLAG_PRIV: u16 = 1 << 0;
/// `GUE_PFLAG_REMCSUM`: the remote checksum option follows.
pub const GUE_PFLAG_REMCSUM: u32 = 1 << 31;
pub const GUE_LEN_PRIV: usize = 4;
pub const GUE_PLEN_REMCSUM: usize = 4;
/// Standard flags the kernel knows (`GUE_FLAGS_ALL`): only PRIV.
const GUE_FLAGS_ALL: u16 = GUE_FLAG_PRIV;
/// Private flags the kernel knows (`GUE_PFLAGS_ALL`): only REMCSUM.
const GUE_PFLAGS_ALL: u32 = GUE_PFLAG_REMCSUM;

/// A parsed GUE header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GueHdr {
    pub version: u8,
    pub control: bool,
    /// Option length in 4-byte words.
    pub hlen: u8,
    pub proto_ctype: u8,
    pub flags: u16,
    pub priv_flags: u32,
    /// (start, offset) of the REMCSUM option, both from the encapsulated payload.
    pub remcsum: Option<(u16, u16)>,
}

impl GueHdr {
    /// Total header length: base + options.
    pub fn len(&self) -> usize {
        GUE_HDR_LEN + self.hlen as usize * 4
    }
}

/// Why the GUE receive path drops a packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GueDrop {
    Truncated,
    /// Version above 1.
    Version,
    /// Unknown standard or private flags, or PRIV with too short an option area.
    Flags,
    /// RCO start/offset past the end.
    RcoPastEnd,
    /// Control messages are not supported.
    Control,
}

/// `__gue_build_header` with RCO: base word, private flags with REMCSUM, and the
/// option (start, start + csum_offset). 12 bytes, hlen = 2.
pub fn gue_build_rco(proto: u8, start: u16, csum_offset: u16) -> [u8; 12] {
    let mut b = [0u8; 12];
    b[0] = ((GUE_LEN_PRIV + GUE_PLEN_REMCSUM) / 4) as u8;
    b[1] = proto;
    b[2..4].copy_from_slice(&GUE_FLAG_PRIV.to_be_bytes());
    b[4..8].copy_from_slice(&GUE_PFLAG_REMCSUM.to_be_bytes());
    b[8..10].copy_from_slice(&start.to_be_bytes());
    b[10..12].copy_from_slice(&start.wrapping_add(csum_offset).to_be_bytes());
    b
}

/// Parse and validate (`validate_gue_flags`) a version-0 GUE header at the start of
/// `b` (the UDP payload). Like the kernel, the REMCSUM option is read from the 4 bytes
/// after the private flags even when `hlen` does not cover them (spec 7 #23); `None`
/// only if those bytes are beyond `b`.
pub fn gue_parse(b: &[u8]) -> Result<GueHdr, GueDrop> {
    if b.len() < GUE_HDR_LEN {
        return Err(GueDrop::Truncated);
    }
    let version = b[0] >> 6;
    if version > 1 {
        return Err(GueDrop::Version);
    }
    let mut h = GueHdr {
        version,
        control: b[0] & 0x20 != 0,
        hlen: b[0] & 0x1F,
        proto_ctype: b[1],
        flags: u16::from_be_bytes([b[2], b[3]]),
        priv_flags: 0,
        remcsum: None,
    };
    if version == 1 {
        return Ok(h);
    }
    if b.len() < h.len() {
        return Err(GueDrop::Truncated);
    }
    if h.flags & !GUE_FLAGS_ALL != 0 {
        return Err(GueDrop::Flags);
    }
    if h.flags & GUE_FLAG_PRIV != 0 {
        if (h.hlen as usize) * 4 < GUE_LEN_PRIV {
            return Err(GueDrop::Flags);
        }
        h.priv_flags = u32::from_be_bytes(b[4..8].try_into().unwrap());
        if h.priv_flags & !GUE_PFLAGS_ALL != 0 {
            return Err(GueDrop::Flags);
        }
        if h.priv_flags & GUE_PFLAG_REMCSUM != 0 {
            let o = GUE_HDR_LEN + GUE_LEN_PRIV;
            let opt = b.get(o..o + GUE_PLEN_REMCSUM).ok_or(GueDrop::Truncated)?;
            h.remcsum = Some((u16::from_be_bytes([opt[0], opt[1]]), u16::from_be_bytes([opt[2], opt[3]])));
        }
    }
    Ok(h)
}

/// `gue_remcsum`: apply RCO to `payload` (after the whole GUE header) whose
/// CHECKSUM_COMPLETE sum is `csum`. Checks `max(offset + 2, start) <= len` as the
/// kernel's pull does; nothing else (odd or reversed offsets pass, spec 4.4).
pub fn gue_remcsum(payload: &mut [u8], csum: Wsum, start: u16, offset: u16, nopartial: bool) -> Result<Remcsum, GueDrop> {
    if (offset as usize + 2).max(start as usize) > payload.len() {
        return Err(GueDrop::RcoPastEnd);
    }
    Ok(skb_remcsum_process(payload, csum, start, offset, nopartial))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csum::{csum_fold, csum_partial, get_sum16};

    #[test]
    fn build_matches_spec_layout() {
        // IPIP example from spec 4.1: 02 04 00 01 80 00 00 00 SS SS OO OO.
        let b = gue_build_rco(4, 20, 16);
        assert_eq!(b, [0x02, 0x04, 0x00, 0x01, 0x80, 0, 0, 0, 0, 20, 0, 36]);
        let h = gue_parse(&b).unwrap();
        assert_eq!((h.len(), h.proto_ctype, h.remcsum), (12, 4, Some((20, 36))));
    }

    #[test]
    fn validate_flags_like_kernel() {
        let mut b = gue_build_rco(4, 20, 16);
        b[3] |= 0x02; // unknown standard flag
        assert_eq!(gue_parse(&b), Err(GueDrop::Flags));
        let mut b = gue_build_rco(4, 20, 16);
        b[7] = 1; // unknown private flag
        assert_eq!(gue_parse(&b), Err(GueDrop::Flags));
        let mut b = gue_build_rco(4, 20, 16);
        b[0] = 0x80 | 2; // version 2
        assert_eq!(gue_parse(&b), Err(GueDrop::Version));
        let mut b = gue_build_rco(4, 20, 16);
        b[0] = 0; // PRIV with hlen 0
        assert_eq!(gue_parse(&b), Err(GueDrop::Flags));
    }

    #[test]
    fn odd_start_gives_byte_swapped_checksum_in_nopartial() {
        // Spec 4.4 / 7 #5: an odd start makes the derived checksum byte-swapped.
        let mut p: Vec<u8> = (0..40u8).map(|i| i.wrapping_mul(37)).collect();
        let (start, offset) = (5u16, 11u16);
        p[offset as usize] = 0;
        p[offset as usize + 1] = 0;
        let csum = csum_partial(&p, 0);
        let correct = csum_fold(csum_partial(&p[start as usize..], 0));
        gue_remcsum(&mut p, csum, start, offset, true).unwrap();
        assert_eq!(get_sum16(&p, offset as usize), correct.swap_bytes());
        assert_eq!(gue_remcsum(&mut p, csum, 0, 39, true), Err(GueDrop::RcoPastEnd));
    }
}
