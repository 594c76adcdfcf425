//! The outer header layouts, described once: each header is a module with its length and a
//! [`Field`] (byte offset within the header, width in bytes) per field, smoltcp's `mod field`
//! style. TX builds its header from these and RX extracts from them; a block turns a field into
//! bit positions of a beat or a header window with [`Field::bit`] at elaboration time and keeps
//! it as a `Constant`, so the emitted Verilog names no magic number.
//!
//! Multi-byte fields are big-endian on the wire; a beat holds byte `j` in bits `8j+7:8j`, so a
//! field read with `get_bits` is the byte swap of its value (`swap16`/`swap32` in a block).

/// A header field: `bytes` bytes from byte `offset` of its header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    pub offset: usize,
    pub bytes: usize,
}

impl Field {
    pub const fn new(offset: usize, bytes: usize) -> Field {
        Field { offset, bytes }
    }
    /// First bit of the field in a little-endian byte array whose header starts at byte `base`.
    pub const fn bit(self, base: usize) -> usize {
        8 * (base + self.offset)
    }
    /// The byte after the field, relative to its header.
    pub const fn end(self) -> usize {
        self.offset + self.bytes
    }
    /// Beat and lane of the field's first byte when its header starts at byte `base` of a frame
    /// carried `bytes_per_beat` bytes a beat.
    pub const fn beat_lane(self, base: usize, bytes_per_beat: usize) -> (usize, usize) {
        let b = base + self.offset;
        (b / bytes_per_beat, b % bytes_per_beat)
    }
}

pub mod eth {
    use super::Field;
    pub const LEN: usize = 14;
    pub const DST: Field = Field::new(0, 6);
    pub const SRC: Field = Field::new(6, 6);
    pub const ETHERTYPE: Field = Field::new(12, 2);
    pub const P_IPV4: u16 = 0x0800;
    pub const P_IPV6: u16 = 0x86DD;
    pub const P_8021Q: u16 = 0x8100;
}

/// The 802.1Q tag after the MAC addresses: TCI, then the encapsulated ethertype.
pub mod vlan {
    use super::Field;
    pub const LEN: usize = 4;
    pub const TCI: Field = Field::new(0, 2);
    pub const ETHERTYPE: Field = Field::new(2, 2);
}

pub mod ipv4 {
    use super::Field;
    pub const MIN_LEN: usize = 20;
    pub const MAX_LEN: usize = 60;
    pub const VER_IHL: Field = Field::new(0, 1);
    pub const TOS: Field = Field::new(1, 1);
    pub const TOTAL_LEN: Field = Field::new(2, 2);
    pub const ID: Field = Field::new(4, 2);
    /// flags (reserved, DF, MF) and the fragment offset
    pub const FRAG: Field = Field::new(6, 2);
    pub const TTL: Field = Field::new(8, 1);
    pub const PROTOCOL: Field = Field::new(9, 1);
    pub const CHECKSUM: Field = Field::new(10, 2);
    pub const SRC: Field = Field::new(12, 4);
    pub const DST: Field = Field::new(16, 4);
    /// MF and the offset: set on any fragment
    pub const FRAG_MASK: u16 = 0x3FFF;
    pub const PROTO_UDP: u8 = 17;
}

pub mod ipv6 {
    use super::Field;
    pub const LEN: usize = 40;
    pub const VER_TC_FLOW: Field = Field::new(0, 4);
    pub const PAYLOAD_LEN: Field = Field::new(4, 2);
    pub const NEXT_HEADER: Field = Field::new(6, 1);
    pub const HOP_LIMIT: Field = Field::new(7, 1);
    pub const SRC: Field = Field::new(8, 16);
    pub const DST: Field = Field::new(24, 16);
    /// Extension headers the RX walks (hop-by-hop, routing, fragment, destination options).
    pub const NH_HOPOPTS: u8 = 0;
    pub const NH_ROUTING: u8 = 43;
    pub const NH_FRAGMENT: u8 = 44;
    pub const NH_DSTOPTS: u8 = 60;
}

/// An IPv6 extension header's first two bytes (the fragment header's length is implied).
pub mod ipv6_ext {
    use super::Field;
    pub const MIN_LEN: usize = 8;
    pub const NEXT_HEADER: Field = Field::new(0, 1);
    /// in 8-byte units, not counting the first 8
    pub const HDR_LEN: Field = Field::new(1, 1);
}

pub mod udp {
    use super::Field;
    pub const LEN: usize = 8;
    pub const SRC_PORT: Field = Field::new(0, 2);
    pub const DST_PORT: Field = Field::new(2, 2);
    pub const LENGTH: Field = Field::new(4, 2);
    pub const CHECKSUM: Field = Field::new(6, 2);
}

pub mod vxlan {
    use super::Field;
    pub const LEN: usize = 8;
    /// flags byte 0: I (VNI valid, bit 27 of the word); byte 1: C (RCO, bit 21)
    pub const FLAGS: Field = Field::new(0, 4);
    /// VNI (bytes 4..7) and its low byte (7), which RCO uses for start and kind
    pub const VNI_WORD: Field = Field::new(4, 4);
    pub const FLAG_I: u32 = 1 << 27;
    pub const FLAG_RCO: u32 = 1 << 21;
    /// RCO low byte: start in 2-byte units (bits 6:0), UDP when bit 7 is set
    pub const RCO_START_MASK: u8 = 0x7F;
    pub const RCO_UDP: u8 = 0x80;
    /// checksum field offset from the start for UDP and TCP
    pub const RCO_OFFSET_UDP: u16 = 6;
    pub const RCO_OFFSET_TCP: u16 = 16;
}

/// Outer header lengths: Ethernet [802.1Q] / IPv4 (no options) | IPv6 / UDP / VXLAN.
pub const fn outer_header_len(ipv6: bool, vlan: bool) -> usize {
    eth::LEN + if vlan { vlan::LEN } else { 0 } + if ipv6 { ipv6::LEN } else { ipv4::MIN_LEN } + udp::LEN + vxlan::LEN
}

/// The longest outer header: IPv6 with an 802.1Q tag.
pub const MAX_OUTER_HEADER_LEN: usize = outer_header_len(true, true);
/// The bytes from the frame start that hold every outer field at a fixed position: Ethernet,
/// 802.1Q, the fixed IPv4/IPv6 header and the first IPv6 extension header's two bytes.
pub const FIXED_FIELDS_END: usize = eth::LEN + vlan::LEN + ipv6::LEN + 2;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_are_the_wire_formats() {
        // RFC 7348 frame sizes: 50 bytes over IPv4, 70 over IPv6, +4 with a tag
        assert_eq!(outer_header_len(false, false), 50);
        assert_eq!(outer_header_len(true, false), 70);
        assert_eq!(outer_header_len(true, true), 74);
        assert_eq!(ipv4::DST.end(), ipv4::MIN_LEN);
        assert_eq!(ipv6::DST.end(), ipv6::LEN);
        assert_eq!(udp::CHECKSUM.end(), udp::LEN);
        assert_eq!(vxlan::VNI_WORD.end(), vxlan::LEN);
        assert_eq!(vlan::ETHERTYPE.end(), vlan::LEN);
    }

    #[test]
    fn beat_and_lane_per_width() {
        // the UDP destination port of an untagged IPv4 frame: byte 36
        let base = eth::LEN + ipv4::MIN_LEN;
        assert_eq!(udp::DST_PORT.beat_lane(base, 8), (4, 4));
        assert_eq!(udp::DST_PORT.beat_lane(base, 64), (0, 36));
        assert_eq!(udp::DST_PORT.bit(base), 288);
    }
}
