//! Ones'-complement checksum helpers, named and behaving as in Linux
//! (`include/net/checksum.h`, `include/asm-generic/checksum.h`, `lib/checksum.c`).
//!
//! Byte order: the kernel sums native-order words and stores native order; since a
//! ones'-complement sum is byte-order independent (RFC 1071 property B) we sum
//! big-endian words instead, so every `u16` here is the value as read off the wire
//! (`byte[2i] << 8 | byte[2i+1]`) and is written back big-endian.
//!
//! `Wsum` (the kernel's `__wsum`) is a 32-bit partial sum; only its value modulo 0xFFFF
//! carries meaning, exactly as in the kernel, whose architectures disagree on the
//! 32-bit representation.

/// 32-bit partial ones'-complement sum (`__wsum`).
pub type Wsum = u32;
/// Folded 16-bit checksum as it sits in a header field (`__sum16`).
pub type Sum16 = u16;

/// `CSUM_MANGLED_0`: what UDP and `skb_checksum_help` write instead of a computed 0.
pub const CSUM_MANGLED_0: Sum16 = 0xFFFF;

/// `csum_add`: 32-bit add with end-around carry.
#[inline]
pub fn csum_add(csum: Wsum, addend: Wsum) -> Wsum {
    let (res, carry) = csum.overflowing_add(addend);
    res.wrapping_add(carry as u32)
}

/// `csum_sub`: `csum ⊕ ~addend`.
#[inline]
pub fn csum_sub(csum: Wsum, addend: Wsum) -> Wsum {
    csum_add(csum, !addend)
}

/// `csum16_add`: 16-bit add with end-around carry.
#[inline]
pub fn csum16_add(csum: Sum16, addend: u16) -> Sum16 {
    let (res, carry) = csum.overflowing_add(addend);
    res.wrapping_add(carry as u16)
}

/// `csum16_sub`.
#[inline]
pub fn csum16_sub(csum: Sum16, addend: u16) -> Sum16 {
    csum16_add(csum, !addend)
}

/// `csum_unfold`: zero-extend, no complement.
#[inline]
pub fn csum_unfold(n: Sum16) -> Wsum {
    n as Wsum
}

/// Fold a 32-bit partial sum to 16 bits with end-around carries, *without* complementing.
#[inline]
pub fn fold(csum: Wsum) -> u16 {
    let s = (csum & 0xFFFF) + (csum >> 16);
    let s = (s & 0xFFFF) + (s >> 16);
    s as u16
}

/// `csum_fold`: folded and complemented (`~fold(csum)`).
#[inline]
pub fn csum_fold(csum: Wsum) -> Sum16 {
    !fold(csum)
}

/// `wsum_negate`: two's-complement negation, as `skb_postpull_rcsum` uses it.
#[inline]
pub fn wsum_negate(v: Wsum) -> Wsum {
    v.wrapping_neg()
}

/// Sum of big-endian 16-bit words of `buf`, an odd trailing byte counting as the high
/// byte of a final word (the kernel's odd-length rule), folded to 32 bits.
fn sum_words(buf: &[u8]) -> Wsum {
    let mut acc: u64 = 0;
    let mut words = buf.chunks_exact(2);
    for w in &mut words {
        acc += u16::from_be_bytes([w[0], w[1]]) as u64;
    }
    if let [last] = words.remainder() {
        acc += (*last as u64) << 8;
    }
    // Fold 64 -> 32 with end-around carry; congruent mod 0xFFFF.
    while acc >> 32 != 0 {
        acc = (acc & 0xFFFF_FFFF) + (acc >> 32);
    }
    acc as Wsum
}

/// `csum_partial(buff, len, sum)`: `sum ⊕ Σ words(buff)`. Word boundaries are relative
/// to the start of `buf`, as in the kernel (alignment never changes the value mod 0xFFFF).
pub fn csum_partial(buf: &[u8], sum: Wsum) -> Wsum {
    csum_add(sum, sum_words(buf))
}

/// `csum_block_add(csum, csum2, offset)`: append a block whose sum is `csum2` and which
/// starts at byte `offset` of the running sum; an odd offset rotates the block sum by 8.
#[inline]
pub fn csum_block_add(csum: Wsum, csum2: Wsum, offset: usize) -> Wsum {
    let csum2 = if offset & 1 == 1 { csum2.rotate_right(8) } else { csum2 };
    csum_add(csum, csum2)
}

/// `csum_block_sub(csum, csum2, offset)`.
#[inline]
pub fn csum_block_sub(csum: Wsum, csum2: Wsum, offset: usize) -> Wsum {
    csum_block_add(csum, !csum2, offset)
}

/// `ip_fast_csum`: the checksum of an IPv4 header (0 when the header is valid).
pub fn ip_fast_csum(iph: &[u8]) -> Sum16 {
    csum_fold(csum_partial(iph, 0))
}

/// `csum_tcpudp_nofold(saddr, daddr, len, proto, sum)`: IPv4 pseudo-header sum.
pub fn csum_tcpudp_nofold(saddr: [u8; 4], daddr: [u8; 4], len: u32, proto: u8, sum: Wsum) -> Wsum {
    let mut s = csum_partial(&saddr, sum);
    s = csum_partial(&daddr, s);
    csum_add(s, len + proto as u32)
}

/// `csum_tcpudp_magic`: `csum_fold` of the IPv4 pseudo-header sum.
pub fn csum_tcpudp_magic(saddr: [u8; 4], daddr: [u8; 4], len: u32, proto: u8, sum: Wsum) -> Sum16 {
    csum_fold(csum_tcpudp_nofold(saddr, daddr, len, proto, sum))
}

/// IPv6 pseudo-header sum, un-folded (the sum `csum_ipv6_magic` folds).
pub fn csum_ipv6_nofold(saddr: &[u8; 16], daddr: &[u8; 16], len: u32, proto: u8, sum: Wsum) -> Wsum {
    let mut s = csum_partial(saddr, sum);
    s = csum_partial(daddr, s);
    s = csum_add(s, len);
    csum_add(s, proto as u32)
}

/// `csum_ipv6_magic`.
pub fn csum_ipv6_magic(saddr: &[u8; 16], daddr: &[u8; 16], len: u32, proto: u8, sum: Wsum) -> Sum16 {
    csum_fold(csum_ipv6_nofold(saddr, daddr, len, proto, sum))
}

/// `csum_replace2`: update checksum field `sum` when a 16-bit word changes from `old`
/// to `new` (RFC 1624 eqn. 3: `HC' = ~(~HC + ~m + m')`).
pub fn csum_replace2(sum: Sum16, old: u16, new: u16) -> Sum16 {
    !csum16_add(csum16_sub(!sum, old), new)
}

/// `csum_replace4`: the same for a 32-bit word.
pub fn csum_replace4(sum: Sum16, from: u32, to: u32) -> Sum16 {
    csum_fold(csum_add(csum_sub(!csum_unfold(sum), from), to))
}

/// Read the big-endian 16-bit field at `off`.
#[inline]
pub fn get_sum16(buf: &[u8], off: usize) -> Sum16 {
    u16::from_be_bytes([buf[off], buf[off + 1]])
}

/// Write a 16-bit field big-endian at `off`.
#[inline]
pub fn put_sum16(buf: &mut [u8], off: usize, v: Sum16) {
    buf[off..off + 2].copy_from_slice(&v.to_be_bytes());
}

/// `remcsum_adjust(ptr, csum, start, offset)`: `ptr` is the first byte after the
/// encapsulation header, `csum` the sum of `ptr..end`, `start` where the inner checksum
/// starts and `offset` where its field sits (both from `ptr`). Writes the derived
/// checksum into the field and returns the delta to add to `csum`. No 0 -> 0xFFFF
/// substitution, as in the kernel.
pub fn remcsum_adjust(ptr: &mut [u8], csum: Wsum, start: usize, offset: usize) -> Wsum {
    let c = csum_sub(csum, csum_partial(&ptr[..start], 0));
    let new = csum_fold(c);
    let old = get_sum16(ptr, offset);
    let delta = csum_sub(csum_unfold(new), csum_unfold(old));
    put_sum16(ptr, offset, new);
    delta
}

/// `remcsum_unadjust(psum, delta)`: restore the field `remcsum_adjust` changed (GRO cleanup).
pub fn remcsum_unadjust(ptr: &mut [u8], offset: usize, delta: Wsum) {
    let field = get_sum16(ptr, offset);
    put_sum16(ptr, offset, csum_fold(csum_sub(delta, csum_unfold(field))));
}

/// `skb_postpull_rcsum` for CHECKSUM_COMPLETE: remove the pulled bytes `pulled` from `csum`.
pub fn skb_postpull_rcsum(csum: Wsum, pulled: &[u8]) -> Wsum {
    wsum_negate(csum_partial(pulled, wsum_negate(csum)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 1071 section 4.1 reference, written independently: 32-bit accumulator.
    fn rfc1071(data: &[u8]) -> u16 {
        let mut sum: u32 = 0;
        let mut i = 0;
        while i + 1 < data.len() {
            sum += ((data[i] as u32) << 8) | data[i + 1] as u32;
            i += 2;
        }
        if i < data.len() {
            sum += (data[i] as u32) << 8;
        }
        while sum >> 16 != 0 {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        !(sum as u16)
    }

    #[test]
    fn rfc1071_example() {
        // RFC 1071 section 3 example: sum of these words is ddf2, checksum 220d.
        let d = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(fold(csum_partial(&d, 0)), 0xddf2);
        assert_eq!(csum_fold(csum_partial(&d, 0)), 0x220d);
        assert_eq!(rfc1071(&d), 0x220d);
    }

    #[test]
    fn fold_corner_cases() {
        assert_eq!(csum_fold(0), 0xFFFF);
        assert_eq!(csum_fold(csum_sub(0x1234_5678, 0x1234_5678)), 0x0000);
        assert_eq!(csum_fold(0xFFFF), 0x0000);
    }

    #[test]
    fn add_carry_wraps() {
        assert_eq!(csum_add(0xFFFF_FFFF, 1), 1);
        assert_eq!(csum_add(0x8000_0000, 0x8000_0000), 1);
        assert_eq!(csum16_add(0xFFFF, 1), 1);
    }

    #[test]
    fn ipv4_header_example() {
        // Classic example header (Wikipedia "IPv4 header checksum"): checksum b861.
        let mut h = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8, 0x00,
            0x01, 0xc0, 0xa8, 0x00, 0xc7,
        ];
        assert_eq!(ip_fast_csum(&h), 0xb861);
        put_sum16(&mut h, 10, 0xb861);
        assert_eq!(ip_fast_csum(&h), 0);
    }
}
