//! AXI4-Stream bundle used by every block of the NIC, plus host-side helpers that turn a
//! byte buffer into beats (testbenches, vector writers).
//!
//! `W` is the data width in bits, `K = W / 8` the keep width. Both are parameters because
//! stable Rust cannot compute `W / 8` in a const generic. Byte lane 0 (`tdata[7:0]`) is the
//! first byte on the wire; `tkeep` is all ones on every beat but the last, which holds the
//! contiguous low lanes that carry bytes. `tuser` is one bit (a frame-error / drop flag).

use rust_hdl::core::bitvec::BitVec;
use rust_hdl::prelude::*;

/// The receiving end of a stream, as a block's input port (only `tready` flows back).
#[derive(LogicInterface, Default)]
#[join = "AxisSource"]
pub struct AxisSink<const W: usize, const K: usize> {
    pub tdata: Signal<In, Bits<W>>,
    pub tkeep: Signal<In, Bits<K>>,
    pub tvalid: Signal<In, Bit>,
    pub tready: Signal<Out, Bit>,
    pub tlast: Signal<In, Bit>,
    pub tuser: Signal<In, Bit>,
}

/// The sending end of a stream, as a block's output port.
#[derive(LogicInterface, Default)]
#[join = "AxisSink"]
pub struct AxisSource<const W: usize, const K: usize> {
    pub tdata: Signal<Out, Bits<W>>,
    pub tkeep: Signal<Out, Bits<K>>,
    pub tvalid: Signal<Out, Bit>,
    pub tready: Signal<In, Bit>,
    pub tlast: Signal<Out, Bit>,
    pub tuser: Signal<Out, Bit>,
}

/// One beat as host code sees it: `data` holds the lane bytes (lane 0 first), `keep` has one
/// bit per valid lane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Beat {
    pub data: Vec<u8>,
    pub keep: u64,
    pub last: bool,
}

impl Beat {
    /// Clear `tkeep` for lanes `lo..hi` (a hole that breaks the stream contract), writing
    /// `junk` into their bytes if given: what a MAC may leave in lanes it marks null.
    pub fn null_lanes(&mut self, lo: usize, hi: usize, junk: Option<u8>) {
        for l in lo..hi {
            self.keep &= !(1u64 << l);
            if let Some(j) = junk {
                self.data[l] = j;
            }
        }
    }
}

/// Split a packet into beats of `bytes_per_beat` lanes (`<= 64`); the tail is zero-padded.
pub fn packet_beats(pkt: &[u8], bytes_per_beat: usize) -> Vec<Beat> {
    assert!(bytes_per_beat <= 64 && !pkt.is_empty());
    let n = pkt.len().div_ceil(bytes_per_beat);
    (0..n)
        .map(|i| {
            let chunk = &pkt[i * bytes_per_beat..pkt.len().min((i + 1) * bytes_per_beat)];
            let mut data = chunk.to_vec();
            data.resize(bytes_per_beat, 0);
            Beat {
                data,
                keep: lane_mask(chunk.len()),
                last: i + 1 == n,
            }
        })
        .collect()
}

/// `tkeep` for `n` contiguous low lanes.
pub fn lane_mask(n: usize) -> u64 {
    if n >= 64 {
        !0
    } else {
        (1u64 << n) - 1
    }
}

/// `tdata` from lane bytes (lane 0 = bits 7:0). Built bit by bit: `Bits` over 32 bits is a
/// `[bool; W]` inside rust-hdl, so this is as cheap as any other route.
pub fn tdata_from_lanes<const W: usize>(lanes: &[u8]) -> Bits<W> {
    assert_eq!(lanes.len() * 8, W);
    if W <= 32 {
        let mut v = 0u64;
        for (i, b) in lanes.iter().enumerate() {
            v |= (*b as u64) << (8 * i);
        }
        return v.into();
    }
    let mut bits = [false; W];
    for (i, b) in lanes.iter().enumerate() {
        for k in 0..8 {
            bits[8 * i + k] = (b >> k) & 1 == 1;
        }
    }
    Bits::Long(BitVec::from(bits))
}

/// Lane bytes of a `tdata` value (lane 0 = bits 7:0), as [`tdata_from_lanes`] takes them.
pub fn lanes_of<const W: usize>(v: &Bits<W>) -> Vec<u8> {
    if W <= 64 {
        let x = v.to_u64();
        return (0..W / 8).map(|i| (x >> (8 * i)) as u8).collect();
    }
    (0..W / 32).flat_map(|j| (v.get_bits::<32>(32 * j).to_u64() as u32).to_le_bytes()).collect()
}

/// Hex string of a beat's `tdata` (most significant lane first), as `$readmemh` wants it.
pub fn tdata_hex(lanes: &[u8]) -> String {
    lanes.iter().rev().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn beats_and_keep() {
        let pkt: Vec<u8> = (1..=19).collect();
        let b = packet_beats(&pkt, 8);
        assert_eq!(b.len(), 3);
        assert_eq!(b[0].keep, 0xFF);
        assert_eq!(b[2].keep, 0b111);
        assert_eq!(b[2].data, vec![17, 18, 19, 0, 0, 0, 0, 0]);
        assert!(b[2].last && !b[1].last);
        let mut h = b[1].clone();
        h.null_lanes(2, 4, Some(0xA5));
        assert_eq!(h.keep, 0b1111_0011);
        assert_eq!(h.data, vec![9, 10, 0xA5, 0xA5, 13, 14, 15, 16]);
    }

    #[test]
    fn lane_zero_is_low_byte() {
        let lanes = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88];
        let d: Bits<64> = tdata_from_lanes(&lanes);
        assert_eq!(d.to_u64(), 0x8877_6655_4433_2211);
        assert_eq!(tdata_hex(&lanes), "8877665544332211");
    }
}
