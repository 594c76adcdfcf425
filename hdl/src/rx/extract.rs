//! `RxExtract`: a passive tap on the ingress beats that keeps the first [`WINDOW`] bytes of each
//! frame (every outer field at a fixed position: Ethernet, 802.1Q, the fixed IPv4/IPv6 header,
//! the first IPv6 extension header's two bytes) and, two clocks after the frame's last beat,
//! presents them parsed as one header record beside the ingress frame record.
//!
//! Capture is by lane enables (beat `i` fills window bytes `iK..iK+K`), so it costs no
//! multiplexer; the parse picks each field at offset 14 or 18 (802.1Q tag or not) from the header
//! table. It takes a record every clock and never stalls: the window holds a frame for the one
//! clock after its last beat, when the parse reads it. Bytes past the frame's length are stale;
//! the checks judge every field against the length before trusting it.
//!
//! The address and pre-L3 sums are split where their adder trees would not fit a clock: X1 sums
//! eight-byte quads at every place an address field can start, X2 adds the quads of both
//! candidate layouts, and the output picks the layout's sum (the checks register it as it comes).
//!
//! `rst` (synchronous, active high) clears the record's valid flag at each stage; the window and
//! the parsed fields (data) are not reset.

use crate::headers::{eth, ipv4, ipv6, ipv6_ext, vlan, Field};
use crate::lane_sum::LaneSum;
use rust_hdl::prelude::*;

/// Header window bytes.
pub const WINDOW: usize = 64;
/// Window beats at the narrowest width (8 bytes a beat).
const MAX_WINDOW_BEATS: usize = WINDOW / 8;
/// Eight-byte quads of an IPv6 address pair.
const QUADS: usize = 4;
/// Pre-L3 parts: the Ethernet header's first 8 and next 6 bytes, and the 802.1Q tag.
const PRE_PARTS: usize = 3;

#[derive(LogicBlock)]
pub struct RxExtract<const W: usize, const K: usize> {
    pub clock: Signal<In, Clock>,
    /// synchronous reset, active high: see the module doc
    pub rst: Signal<In, Bit>,
    // tap and frame record from the ingress
    pub t_valid: Signal<In, Bit>,
    pub t_data: Signal<In, Bits<W>>,
    pub t_index: Signal<In, Bits<8>>,
    pub f_valid: Signal<In, Bit>,
    pub f_base: Signal<In, Bits<16>>,
    pub f_beats: Signal<In, Bits<16>>,
    pub f_len: Signal<In, Bits<16>>,
    pub f_bad_keep: Signal<In, Bit>,
    pub f_too_long: Signal<In, Bit>,
    pub f_overflow: Signal<In, Bit>,
    // header record
    pub o_valid: Signal<Out, Bit>,
    pub o_base: Signal<Out, Bits<16>>,
    pub o_beats: Signal<Out, Bits<16>>,
    pub o_len: Signal<Out, Bits<16>>,
    pub o_bad_keep: Signal<Out, Bit>,
    pub o_too_long: Signal<Out, Bit>,
    pub o_overflow: Signal<Out, Bit>,
    /// 802.1Q-tagged: the IP header starts at 18, else 14
    pub o_vlan: Signal<Out, Bit>,
    pub o_ethertype: Signal<Out, Bits<16>>,
    /// first IP byte: version in bits 7:4, IPv4 IHL in bits 3:0
    pub o_ip_b0: Signal<Out, Bits<8>>,
    pub o_v4_total_len: Signal<Out, Bits<16>>,
    pub o_v4_frag: Signal<Out, Bit>,
    pub o_v4_proto: Signal<Out, Bits<8>>,
    pub o_v6_payload_len: Signal<Out, Bits<16>>,
    pub o_v6_next: Signal<Out, Bits<8>>,
    pub o_x1_next: Signal<Out, Bits<8>>,
    pub o_x1_len: Signal<Out, Bits<8>>,
    /// plain sums of little-endian words: the IPv4 (8 bytes) or IPv6 (32 bytes) addresses, and
    /// the frame's bytes before the IP header
    pub o_addr_sum: Signal<Out, Bits<32>>,
    pub o_pre_l3_sum: Signal<Out, Bits<32>>,

    win: DFF<Bits<512>>,
    quad: Constant<Bits<8>>,
    win_en: [Constant<Bit>; MAX_WINDOW_BEATS],
    win_idx: [Constant<Bits<8>>; MAX_WINDOW_BEATS],
    win_shift: [Constant<Bits<16>>; MAX_WINDOW_BEATS],
    win_keep: [Constant<Bits<512>>; MAX_WINDOW_BEATS],
    // field positions in the window (bits), without and with the 802.1Q tag
    at_et: Constant<Bits<16>>,
    at_et_vlan: Constant<Bits<16>>,
    at_b0: [Constant<Bits<16>>; 2],
    at_v4_tot: [Constant<Bits<16>>; 2],
    at_v4_frag: [Constant<Bits<16>>; 2],
    at_v4_proto: [Constant<Bits<16>>; 2],
    at_v6_plen: [Constant<Bits<16>>; 2],
    at_v6_next: [Constant<Bits<16>>; 2],
    /// quads of the addresses without (`qa`) and with (`qb`) the 802.1Q tag
    at_qa: [Constant<Bits<16>>; QUADS],
    at_qb: [Constant<Bits<16>>; QUADS],
    at_pre: [Constant<Bits<16>>; PRE_PARTS],
    keep_pre: [Constant<Bits<8>>; PRE_PARTS],
    at_x1_next: [Constant<Bits<16>>; 2],
    at_x1_len: [Constant<Bits<16>>; 2],
    tpid: Constant<Bits<16>>,
    p_ipv6: Constant<Bits<16>>,
    frag_mask: Constant<Bits<16>>,
    // stage X1: the ingress record and the fields, picked
    r_valid: DFF<Bit>,
    r_base: DFF<Bits<16>>,
    r_beats: DFF<Bits<16>>,
    r_len: DFF<Bits<16>>,
    r_flags: DFF<Bits<3>>,
    vl: Signal<Local, Bit>,
    et0: Signal<Local, Bits<16>>,
    et: Signal<Local, Bits<16>>,
    is6: Signal<Local, Bit>,
    is6_plain: Signal<Local, Bit>,
    is6_vlan: Signal<Local, Bit>,
    sum_qa: [LaneSum<64, 8, 4>; QUADS],
    sum_qb: [LaneSum<64, 8, 4>; QUADS],
    sum_pre: [LaneSum<64, 8, 4>; PRE_PARTS],
    x_valid: DFF<Bit>,
    x_base: DFF<Bits<16>>,
    x_beats: DFF<Bits<16>>,
    x_len: DFF<Bits<16>>,
    x_flags: DFF<Bits<3>>,
    x_vlan: DFF<Bit>,
    x_et: DFF<Bits<16>>,
    x_b0: DFF<Bits<8>>,
    x_tot: DFF<Bits<16>>,
    x_frag: DFF<Bits<16>>,
    x_proto: DFF<Bits<8>>,
    x_plen: DFF<Bits<16>>,
    x_next: DFF<Bits<8>>,
    x_x1n: DFF<Bits<8>>,
    x_x1l: DFF<Bits<8>>,
    x_is6: DFF<Bit>,
    x_qa: [DFF<Bits<32>>; QUADS],
    x_qb: [DFF<Bits<32>>; QUADS],
    x_pre: [DFF<Bits<32>>; PRE_PARTS],
    // stage X2: the record
    y_valid: DFF<Bit>,
    y_base: DFF<Bits<16>>,
    y_beats: DFF<Bits<16>>,
    y_len: DFF<Bits<16>>,
    y_flags: DFF<Bits<3>>,
    y_vlan: DFF<Bit>,
    y_et: DFF<Bits<16>>,
    y_b0: DFF<Bits<8>>,
    y_tot: DFF<Bits<16>>,
    y_frag: DFF<Bit>,
    y_proto: DFF<Bits<8>>,
    y_plen: DFF<Bits<16>>,
    y_next: DFF<Bits<8>>,
    y_x1n: DFF<Bits<8>>,
    y_x1l: DFF<Bits<8>>,
    y_is6: DFF<Bit>,
    /// IPv6 address sums without and with the tag; IPv4's are quads `qb[0]` and `qa[1]`
    y_v6a: DFF<Bits<32>>,
    y_v6b: DFF<Bits<32>>,
    y_v4a: DFF<Bits<32>>,
    y_v4b: DFF<Bits<32>>,
    y_pre_sum: DFF<Bits<32>>,
    /// the tag's part of the pre-L3 sum, or 0
    pre_tag: Signal<Local, Bits<32>>,
}

const fn swap16(x: u16) -> u16 {
    x.swap_bytes()
}

fn at(f: Field, base: usize) -> Constant<Bits<16>> {
    Constant::new((f.bit(base) as u64).into())
}

fn at2(f: Field, hdr: usize) -> [Constant<Bits<16>>; 2] {
    [at(f, eth::LEN + hdr), at(f, eth::LEN + vlan::LEN + hdr)]
}

fn lanes8(n: usize) -> Constant<Bits<8>> {
    Constant::new(((1u64 << n) - 1).into())
}

fn at_byte(byte: usize) -> Constant<Bits<16>> {
    Constant::new(((8 * byte) as u64).into())
}

impl<const W: usize, const K: usize> RxExtract<W, K> {
    pub fn new() -> Self {
        assert!(K * 8 == W && W <= 8 * WINDOW);
        let win_beats = WINDOW / K;
        let l3 = [eth::LEN, eth::LEN + vlan::LEN];
        // the IPv6 address pair starts at quad `qa[0]`/`qb[0]`; IPv4's (8 bytes) is one of those quads
        let v6_addr = [l3[0] + ipv6::SRC.offset, l3[1] + ipv6::SRC.offset];
        assert!(ipv6::SRC.bytes + ipv6::DST.bytes == 8 * QUADS && ipv4::SRC.bytes + ipv4::DST.bytes == 8);
        assert!(l3[0] + ipv4::SRC.offset == v6_addr[1] && l3[1] + ipv4::SRC.offset == v6_addr[0] + 8);
        assert!(v6_addr[1] + 8 * QUADS <= WINDOW && v6_addr[0] % 2 == 0 && v6_addr[1] % 2 == 0);
        Self {
            clock: Default::default(),
            rst: Default::default(),
            t_valid: Default::default(),
            t_data: Default::default(),
            t_index: Default::default(),
            f_valid: Default::default(),
            f_base: Default::default(),
            f_beats: Default::default(),
            f_len: Default::default(),
            f_bad_keep: Default::default(),
            f_too_long: Default::default(),
            f_overflow: Default::default(),
            o_valid: Default::default(),
            o_base: Default::default(),
            o_beats: Default::default(),
            o_len: Default::default(),
            o_bad_keep: Default::default(),
            o_too_long: Default::default(),
            o_overflow: Default::default(),
            o_vlan: Default::default(),
            o_ethertype: Default::default(),
            o_ip_b0: Default::default(),
            o_v4_total_len: Default::default(),
            o_v4_frag: Default::default(),
            o_v4_proto: Default::default(),
            o_v6_payload_len: Default::default(),
            o_v6_next: Default::default(),
            o_x1_next: Default::default(),
            o_x1_len: Default::default(),
            o_addr_sum: Default::default(),
            o_pre_l3_sum: Default::default(),
            win: Default::default(),
            quad: lanes8(8),
            win_en: std::array::from_fn(|i| Constant::new(i < win_beats)),
            win_idx: std::array::from_fn(|i| Constant::new((i as u64).into())),
            win_shift: std::array::from_fn(|i| Constant::new((if i < win_beats { i * W } else { 0 } as u64).into())),
            win_keep: std::array::from_fn(|i| {
                let mut b: Bits<512> = Bits::<512>::mask();
                if i < win_beats {
                    for bit in i * W..(i + 1) * W {
                        b = b.replace_bit(bit, false);
                    }
                }
                Constant::new(b)
            }),
            at_et: at(eth::ETHERTYPE, 0),
            at_et_vlan: at(vlan::ETHERTYPE, eth::LEN),
            at_b0: at2(ipv4::VER_IHL, 0),
            at_v4_tot: at2(ipv4::TOTAL_LEN, 0),
            at_v4_frag: at2(ipv4::FRAG, 0),
            at_v4_proto: at2(ipv4::PROTOCOL, 0),
            at_v6_plen: at2(ipv6::PAYLOAD_LEN, 0),
            at_v6_next: at2(ipv6::NEXT_HEADER, 0),
            at_qa: std::array::from_fn(|k| at_byte(v6_addr[0] + 8 * k)),
            at_qb: std::array::from_fn(|k| at_byte(v6_addr[1] + 8 * k)),
            at_pre: [at_byte(0), at_byte(8), at_byte(l3[0])],
            keep_pre: [lanes8(8), lanes8(l3[0] - 8), lanes8(l3[1] - l3[0])],
            at_x1_next: at2(ipv6_ext::NEXT_HEADER, ipv6::LEN),
            at_x1_len: at2(ipv6_ext::HDR_LEN, ipv6::LEN),
            tpid: Constant::new((swap16(eth::P_8021Q) as u64).into()),
            p_ipv6: Constant::new((swap16(eth::P_IPV6) as u64).into()),
            frag_mask: Constant::new((swap16(ipv4::FRAG_MASK) as u64).into()),
            r_valid: Default::default(),
            r_base: Default::default(),
            r_beats: Default::default(),
            r_len: Default::default(),
            r_flags: Default::default(),
            vl: Default::default(),
            et0: Default::default(),
            et: Default::default(),
            is6: Default::default(),
            is6_plain: Default::default(),
            is6_vlan: Default::default(),
            sum_qa: std::array::from_fn(|_| LaneSum::new()),
            sum_qb: std::array::from_fn(|_| LaneSum::new()),
            sum_pre: std::array::from_fn(|_| LaneSum::new()),
            x_valid: Default::default(),
            x_base: Default::default(),
            x_beats: Default::default(),
            x_len: Default::default(),
            x_flags: Default::default(),
            x_vlan: Default::default(),
            x_et: Default::default(),
            x_b0: Default::default(),
            x_tot: Default::default(),
            x_frag: Default::default(),
            x_proto: Default::default(),
            x_plen: Default::default(),
            x_next: Default::default(),
            x_x1n: Default::default(),
            x_x1l: Default::default(),
            x_is6: Default::default(),
            x_qa: Default::default(),
            x_qb: Default::default(),
            x_pre: Default::default(),
            y_valid: Default::default(),
            y_base: Default::default(),
            y_beats: Default::default(),
            y_len: Default::default(),
            y_flags: Default::default(),
            y_vlan: Default::default(),
            y_et: Default::default(),
            y_b0: Default::default(),
            y_tot: Default::default(),
            y_frag: Default::default(),
            y_proto: Default::default(),
            y_plen: Default::default(),
            y_next: Default::default(),
            y_x1n: Default::default(),
            y_x1l: Default::default(),
            y_is6: Default::default(),
            y_v6a: Default::default(),
            y_v6b: Default::default(),
            y_v4a: Default::default(),
            y_v4b: Default::default(),
            y_pre_sum: Default::default(),
            pre_tag: Default::default(),
        }
    }
}

impl<const W: usize, const K: usize> Default for RxExtract<W, K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const W: usize, const K: usize> Logic for RxExtract<W, K> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, win, r_valid, r_base, r_beats, r_len, r_flags, x_valid, x_base, x_beats, x_len, x_flags,
            x_vlan, x_et, x_b0, x_tot, x_frag, x_proto, x_plen, x_next, x_x1n, x_x1l, x_is6, y_valid, y_base, y_beats, y_len, y_flags, y_vlan, y_et, y_b0, y_tot, y_frag, y_proto,
            y_plen, y_next, y_x1n, y_x1l, y_is6, y_v6a, y_v6b, y_v4a, y_v4b,
            y_pre_sum
        );
        for k in 0..QUADS {
            self.x_qa[k].clock.next = self.clock.val();
            self.x_qb[k].clock.next = self.clock.val();
        }
        for k in 0..PRE_PARTS {
            self.x_pre[k].clock.next = self.clock.val();
        }
        // ---- capture: window beat i takes the tap's beat i
        for i in 0..MAX_WINDOW_BEATS {
            if self.win_en[i].val() && self.t_valid.val() && (self.t_index.val() == self.win_idx[i].val()) {
                self.win.d.next =
                    (self.win.q.val() & self.win_keep[i].val()) | (bit_cast::<512, W>(self.t_data.val()) << self.win_shift[i].val());
            }
        }
        self.r_valid.d.next = self.f_valid.val();
        self.r_base.d.next = self.f_base.val();
        self.r_beats.d.next = self.f_beats.val();
        self.r_len.d.next = self.f_len.val();
        self.r_flags.d.next = bit_cast::<3, 1>(self.f_bad_keep.val().into())
            | (bit_cast::<3, 1>(self.f_too_long.val().into()) << 1)
            | (bit_cast::<3, 1>(self.f_overflow.val().into()) << 2);

        // ---- X1: the window is whole for this clock; pick the fields at 14 or 18
        self.et0.next = self.win.q.val().get_bits::<16>(self.at_et.val().index());
        self.vl.next = self.et0.val() == self.tpid.val();
        self.x_valid.d.next = self.r_valid.q.val();
        self.x_base.d.next = self.r_base.q.val();
        self.x_beats.d.next = self.r_beats.q.val();
        self.x_len.d.next = self.r_len.q.val();
        self.x_flags.d.next = self.r_flags.q.val();
        self.x_vlan.d.next = self.vl.val();
        self.et.next = self.et0.val();
        if self.vl.val() {
            self.et.next = self.win.q.val().get_bits::<16>(self.at_et_vlan.val().index());
        }
        // both layouts' ethertypes are compared while the tag is still being recognised
        self.is6_plain.next = self.et0.val() == self.p_ipv6.val();
        self.is6_vlan.next = self.win.q.val().get_bits::<16>(self.at_et_vlan.val().index()) == self.p_ipv6.val();
        self.is6.next = self.is6_plain.val();
        if self.vl.val() {
            self.is6.next = self.is6_vlan.val();
        }
        self.x_is6.d.next = self.is6.val();
        for k in 0..QUADS {
            self.sum_qa[k].data.next = self.win.q.val().get_bits::<64>(self.at_qa[k].val().index());
            self.sum_qa[k].keep.next = self.quad.val();
            self.x_qa[k].d.next = self.sum_qa[k].sum.val();
            self.sum_qb[k].data.next = self.win.q.val().get_bits::<64>(self.at_qb[k].val().index());
            self.sum_qb[k].keep.next = self.quad.val();
            self.x_qb[k].d.next = self.sum_qb[k].sum.val();
        }
        for k in 0..PRE_PARTS {
            self.sum_pre[k].data.next = self.win.q.val().get_bits::<64>(self.at_pre[k].val().index());
            self.sum_pre[k].keep.next = self.keep_pre[k].val();
            self.x_pre[k].d.next = self.sum_pre[k].sum.val();
        }
        self.x_et.d.next = self.et.val();
        if self.vl.val() {
            self.x_b0.d.next = self.win.q.val().get_bits::<8>(self.at_b0[1].val().index());
            self.x_tot.d.next = self.win.q.val().get_bits::<16>(self.at_v4_tot[1].val().index());
            self.x_frag.d.next = self.win.q.val().get_bits::<16>(self.at_v4_frag[1].val().index());
            self.x_proto.d.next = self.win.q.val().get_bits::<8>(self.at_v4_proto[1].val().index());
            self.x_plen.d.next = self.win.q.val().get_bits::<16>(self.at_v6_plen[1].val().index());
            self.x_next.d.next = self.win.q.val().get_bits::<8>(self.at_v6_next[1].val().index());
            self.x_x1n.d.next = self.win.q.val().get_bits::<8>(self.at_x1_next[1].val().index());
            self.x_x1l.d.next = self.win.q.val().get_bits::<8>(self.at_x1_len[1].val().index());
        } else {
            self.x_b0.d.next = self.win.q.val().get_bits::<8>(self.at_b0[0].val().index());
            self.x_tot.d.next = self.win.q.val().get_bits::<16>(self.at_v4_tot[0].val().index());
            self.x_frag.d.next = self.win.q.val().get_bits::<16>(self.at_v4_frag[0].val().index());
            self.x_proto.d.next = self.win.q.val().get_bits::<8>(self.at_v4_proto[0].val().index());
            self.x_plen.d.next = self.win.q.val().get_bits::<16>(self.at_v6_plen[0].val().index());
            self.x_next.d.next = self.win.q.val().get_bits::<8>(self.at_v6_next[0].val().index());
            self.x_x1n.d.next = self.win.q.val().get_bits::<8>(self.at_x1_next[0].val().index());
            self.x_x1l.d.next = self.win.q.val().get_bits::<8>(self.at_x1_len[0].val().index());
        }

        // ---- X2: sums, and the record out
        self.y_is6.d.next = self.x_is6.q.val();
        self.y_v6a.d.next = (self.x_qa[0].q.val() + self.x_qa[1].q.val()) + (self.x_qa[2].q.val() + self.x_qa[3].q.val());
        self.y_v6b.d.next = (self.x_qb[0].q.val() + self.x_qb[1].q.val()) + (self.x_qb[2].q.val() + self.x_qb[3].q.val());
        self.y_v4a.d.next = self.x_qb[0].q.val();
        self.y_v4b.d.next = self.x_qa[1].q.val();
        self.pre_tag.next = 0.into();
        if self.x_vlan.q.val() {
            self.pre_tag.next = self.x_pre[2].q.val();
        }
        self.y_pre_sum.d.next = (self.x_pre[0].q.val() + self.x_pre[1].q.val()) + self.pre_tag.val();
        self.y_valid.d.next = self.x_valid.q.val();
        self.y_base.d.next = self.x_base.q.val();
        self.y_beats.d.next = self.x_beats.q.val();
        self.y_len.d.next = self.x_len.q.val();
        self.y_flags.d.next = self.x_flags.q.val();
        self.y_vlan.d.next = self.x_vlan.q.val();
        self.y_et.d.next = (self.x_et.q.val() << 8) | (self.x_et.q.val() >> 8);
        self.y_b0.d.next = self.x_b0.q.val();
        self.y_tot.d.next = (self.x_tot.q.val() << 8) | (self.x_tot.q.val() >> 8);
        self.y_frag.d.next = (self.x_frag.q.val() & self.frag_mask.val()).any();
        self.y_proto.d.next = self.x_proto.q.val();
        self.y_plen.d.next = (self.x_plen.q.val() << 8) | (self.x_plen.q.val() >> 8);
        self.y_next.d.next = self.x_next.q.val();
        self.y_x1n.d.next = self.x_x1n.q.val();
        self.y_x1l.d.next = self.x_x1l.q.val();

        self.o_valid.next = self.y_valid.q.val();
        self.o_base.next = self.y_base.q.val();
        self.o_beats.next = self.y_beats.q.val();
        self.o_len.next = self.y_len.q.val();
        self.o_bad_keep.next = self.y_flags.q.val().get_bit(0);
        self.o_too_long.next = self.y_flags.q.val().get_bit(1);
        self.o_overflow.next = self.y_flags.q.val().get_bit(2);
        self.o_vlan.next = self.y_vlan.q.val();
        self.o_ethertype.next = self.y_et.q.val();
        self.o_ip_b0.next = self.y_b0.q.val();
        self.o_v4_total_len.next = self.y_tot.q.val();
        self.o_v4_frag.next = self.y_frag.q.val();
        self.o_v4_proto.next = self.y_proto.q.val();
        self.o_v6_payload_len.next = self.y_plen.q.val();
        self.o_v6_next.next = self.y_next.q.val();
        self.o_x1_next.next = self.y_x1n.q.val();
        self.o_x1_len.next = self.y_x1l.q.val();
        if self.y_is6.q.val() {
            if self.y_vlan.q.val() {
                self.o_addr_sum.next = self.y_v6b.q.val();
            } else {
                self.o_addr_sum.next = self.y_v6a.q.val();
            }
        } else if self.y_vlan.q.val() {
            self.o_addr_sum.next = self.y_v4b.q.val();
        } else {
            self.o_addr_sum.next = self.y_v4a.q.val();
        }
        self.o_pre_l3_sum.next = self.y_pre_sum.q.val();
        // reset: the record's valid flag at each stage
        if self.rst.val() {
            self.r_valid.d.next = false;
            self.x_valid.d.next = false;
            self.y_valid.d.next = false;
        }
    }
}
