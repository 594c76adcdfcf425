//! `RxChecks`: golden `rx_decap`'s checks as one pipeline that takes a header record (from
//! [`super::extract::RxExtract`]) every clock and, [`LATENCY`] clocks later, gives the frame's
//! decision: a drop with its reason, or delivery with the inner frame's place in the ring, its
//! metadata and the remcsum request.
//!
//! Fields at a fixed position come in the record. The rest are read back from the ring, where
//! the frame is whole by then, through three read ports of their own (so a frame a clock never
//! waits): the second IPv6 extension header's first two bytes, the UDP and VXLAN headers with
//! the prefix sum at the UDP header, and the prefix sum at the datagram's end. Every range sum
//! (IPv4 header, UDP datagram, inner frame) is a difference of plain prefix sums, folded once.
//!
//! Golden's order is kept by evaluating every condition as a bit, in the stage where its
//! operands are ready, and encoding the first one that holds at the end. Each stage has at most
//! one carry chain: a length compared against a sum is compared a stage after the sum, sums of
//! three terms add a constant one stage ahead, and the fold of a range sum, the encoding of
//! the first condition in each half of the list and the join of the halves are three stages.
//!
//! `rst` (synchronous, active high) clears the valid line of every stage; the fields, sums and
//! condition bits riding beside it (data) are not reset.

use super::ring::{RingReader, RingReader4};
use super::*;
use crate::headers::{eth, ipv4, ipv6, udp, vxlan};
use crate::lane_sum::LaneSum;
use crate::oc_fold::OcFold;
use rust_hdl::prelude::*;

/// Clocks from a header record to its decision.
pub const LATENCY: usize = 19;
/// Stages of the delay line that carries a frame's context past the end read.
const DL: usize = 9;
/// Lane positions a header offset (2 mod 4) can take in the widest beat.
const MAX_POS: usize = 16;

/// The conditions in golden's order; a set bit is a drop for the reason beside it.
const CONDITIONS: [u64; 28] = [
    DROP_BAD_KEEP,
    DROP_TOO_LONG,
    DROP_OVERFLOW,
    DROP_TRUNCATED,  // 3: shorter than Ethernet
    DROP_TRUNCATED,  // 4: 802.1Q tag cut
    DROP_NOT_VXLAN,  // 5: not IPv4/IPv6
    DROP_TRUNCATED,  // 6: IPv4 < 20 / IPv6 < 40 bytes
    DROP_IP_HEADER,  // 7: version; IPv4 IHL < 5
    DROP_TRUNCATED,  // 8: IPv4 header longer than the frame
    DROP_IP_HEADER,  // 9: IPv6 payload length 0
    DROP_TRUNCATED,  // 10: IPv6 payload past the frame
    DROP_TRUNCATED,  // 11: first extension header cut (payload < 8)
    DROP_IP_CSUM,    // 12: set for IPv4 until the header sum is known
    DROP_IP_HEADER,  // 13: total length < header length
    DROP_TRUNCATED,  // 14: total length past the frame; an extension header past the payload
    DROP_NOT_VXLAN,  // 15: a third extension header
    DROP_IP_FRAGMENT, // 16
    DROP_NOT_VXLAN,  // 17: not UDP
    DROP_TRUNCATED,  // 18: datagram < 8 bytes
    DROP_NOT_VXLAN,  // 19: port
    DROP_UDP_LENGTH, // 20
    DROP_UDP_ZERO_CSUM6, // 21
    DROP_UDP_CSUM,   // 22: set for a non-zero checksum until the datagram sum is known
    DROP_TRUNCATED,  // 23: UDP length < 16
    DROP_VXLAN_FLAGS, // 24: I flag clear
    DROP_RCO_PAST_END, // 25
    DROP_VXLAN_FLAGS, // 26: reserved flags/VNI bits (rco_not_enabled when C without opt-in)
    DROP_TRUNCATED,  // 27: inner frame < 14 bytes
];
const NC: usize = 28;
const C_UNPARSED: usize = 26;
/// The first condition is encoded in two halves, a clock apart from their join.
const LO: usize = NC / 2;
const HI: usize = NC - LO;

#[derive(LogicBlock)]
pub struct RxChecks<const W: usize, const K: usize, const N: usize, const AW: usize, const AB: usize> {
    pub clock: Signal<In, Clock>,
    /// synchronous reset, active high: see the module doc
    pub rst: Signal<In, Bit>,
    // configuration
    pub port: Signal<In, Bits<16>>,
    pub remcsum_rx: Signal<In, Bit>,
    pub nopartial: Signal<In, Bit>,
    pub udp_zero_csum6_rx: Signal<In, Bit>,
    // ring write port (from the ingress)
    pub wr_addr: Signal<In, Bits<AW>>,
    pub wr_data: Signal<In, Bits<W>>,
    pub wr_prefix: Signal<In, Bits<32>>,
    pub wr_en: Signal<In, Bit>,
    // header record
    pub h_valid: Signal<In, Bit>,
    pub h_base: Signal<In, Bits<16>>,
    pub h_beats: Signal<In, Bits<16>>,
    pub h_len: Signal<In, Bits<16>>,
    pub h_bad_keep: Signal<In, Bit>,
    pub h_too_long: Signal<In, Bit>,
    pub h_overflow: Signal<In, Bit>,
    pub h_vlan: Signal<In, Bit>,
    pub h_ethertype: Signal<In, Bits<16>>,
    pub h_ip_b0: Signal<In, Bits<8>>,
    pub h_v4_total_len: Signal<In, Bits<16>>,
    pub h_v4_frag: Signal<In, Bit>,
    pub h_v4_proto: Signal<In, Bits<8>>,
    pub h_v6_payload_len: Signal<In, Bits<16>>,
    pub h_v6_next: Signal<In, Bits<8>>,
    pub h_x1_next: Signal<In, Bits<8>>,
    pub h_x1_len: Signal<In, Bits<8>>,
    pub h_addr_sum: Signal<In, Bits<32>>,
    pub h_pre_l3_sum: Signal<In, Bits<32>>,
    // decision
    pub d_valid: Signal<Out, Bit>,
    pub d_deliver: Signal<Out, Bit>,
    pub d_reason: Signal<Out, Bits<4>>,
    pub d_base: Signal<Out, Bits<16>>,
    pub d_beats: Signal<Out, Bits<16>>,
    pub d_inner_off: Signal<Out, Bits<16>>,
    pub d_inner_len: Signal<Out, Bits<16>>,
    pub d_vni: Signal<Out, Bits<24>>,
    pub d_rco: Signal<Out, Bit>,
    pub d_rco_applied: Signal<Out, Bit>,
    pub d_csum_start: Signal<Out, Bits<16>>,
    pub d_csum_offset: Signal<Out, Bits<16>>,
    pub d_outer_csum_ok: Signal<Out, Bit>,
    /// plain sum of the inner frame's little-endian words
    pub d_inner_sum: Signal<Out, Bits<32>>,
    pub d_remcsum_start: Signal<Out, Bits<16>>,
    pub d_remcsum_offset: Signal<Out, Bits<16>>,

    // ---- constants
    kshift: Constant<Bits<16>>,
    /// ring beat addresses of the three reads (`get_bits` only on a signal)
    x2_beat: Signal<Local, Bits<16>>,
    l4_beat: Signal<Local, Bits<16>>,
    l4_beat_p4: Signal<Local, Bits<16>>,
    end_beat: Signal<Local, Bits<16>>,
    kmask: Constant<Bits<16>>,
    keep_of: [Constant<Bits<K>>; K],
    lane_id: [Constant<Bits<16>>; K],
    pos_en: [Constant<Bit>; MAX_POS],
    pos_lane: [Constant<Bits<16>>; MAX_POS],
    pos_bit: [Constant<Bits<16>>; MAX_POS],
    code: [Constant<Bits<4>>; NC],
    code_rco_not_enabled: Constant<Bits<4>>,
    l3_plain: Constant<Bits<16>>,
    l3_vlan: Constant<Bits<16>>,
    p_ipv4: Constant<Bits<16>>,
    p_ipv6: Constant<Bits<16>>,
    v6_hdr: Constant<Bits<16>>,
    v4_min: Constant<Bits<16>>,
    udp_min: Constant<Bits<16>>,
    vxlan_hlen: Constant<Bits<16>>,
    eth_hlen: Constant<Bits<16>>,
    proto_udp: Constant<Bits<8>>,
    nh_hop: Constant<Bits<8>>,
    nh_route: Constant<Bits<8>>,
    nh_frag: Constant<Bits<8>>,
    nh_dst: Constant<Bits<8>>,
    pseudo_udp: Constant<Bits<32>>,
    off_udp: Constant<Bits<16>>,
    off_tcp: Constant<Bits<16>>,
    /// UDP length an RCO field needs: its offset + 2, past the UDP and VXLAN headers
    rco_need_udp: Constant<Bits<16>>,
    rco_need_tcp: Constant<Bits<16>>,
    /// ends of a minimal (8-byte) first / second IPv6 extension header, from the IP header
    v6_e1_min: Constant<Bits<16>>,
    v6_e2_min: Constant<Bits<16>>,
    /// the same from the frame's start, without / with an 802.1Q tag
    e1_min_plain: Constant<Bits<16>>,
    e1_min_vlan: Constant<Bits<16>>,
    e2_min_plain: Constant<Bits<16>>,
    e2_min_vlan: Constant<Bits<16>>,

    // ---- ring read ports
    rd_x2: RingReader<W, AW>,
    rd_l4: RingReader4<W, AW, AB>,
    rd_end: RingReader<W, AW>,
    sum_u: LaneSum<W, K, N>,
    sum_end: LaneSum<W, K, N>,
    sum_hdr_lo: LaneSum<64, 8, 4>,
    sum_hdr_hi: LaneSum<64, 8, 4>,
    fold_ip: OcFold,
    fold_udp: OcFold,

    // ---- stage A (cycle 1): conditions on the fixed fields
    a_v: DFF<Bit>,
    a_base: DFF<Bits<16>>,
    a_beats: DFF<Bits<16>>,
    a_c: DFF<Bits<NC>>,
    a_is6: DFF<Bit>,
    a_l3: DFF<Bits<16>>,
    a_u4: DFF<Bits<16>>,
    a_dg_end: DFF<Bits<16>>,
    a_end6: DFF<Bits<16>>,
    a_x1: DFF<Bit>,
    a_x2: DFF<Bit>,
    a_off1: DFF<Bits<16>>,
    a_e2: DFF<Bits<16>>,
    a_frag1: DFF<Bit>,
    a_next: DFF<Bits<8>>,
    a_next1: DFF<Bits<8>>,
    a_next1_frag: DFF<Bit>,
    a_addr_sum: DFF<Bits<32>>,
    a_pre_l3: DFF<Bits<32>>,
    a_is4: DFF<Bit>,
    a_l3len: DFF<Bits<16>>,
    a_hl: DFF<Bits<16>>,
    a_v4_total: DFF<Bits<16>>,
    /// IPv6 header + payload length past 16 bits
    a_end6_ovf: DFF<Bit>,
    /// IPv6 offsets (from the IP header) of the end of the first extension header + 8, and
    /// (from the frame) of the first extension header's end (`a_e2`) + 8
    a_off1p8: DFF<Bits<16>>,
    a_l3off1p8: DFF<Bits<16>>,
    l3: Signal<Local, Bits<16>>,
    l3len: Signal<Local, Bits<16>>,
    is4: Signal<Local, Bit>,
    is6: Signal<Local, Bit>,
    ver: Signal<Local, Bits<8>>,
    ihl: Signal<Local, Bits<8>>,
    hl: Signal<Local, Bits<16>>,
    end6: Signal<Local, Bits<32>>,
    x1: Signal<Local, Bit>,
    x1frag: Signal<Local, Bit>,
    /// the first extension header's length beyond the minimum 8 bytes
    x1l8: Signal<Local, Bits<16>>,
    e1_min: Signal<Local, Bits<16>>,
    e2_min: Signal<Local, Bits<16>>,
    c0: Signal<Local, Bits<NC>>,
    c1: Signal<Local, Bits<NC>>,
    // ---- cycles 2..3: the second extension header from the ring
    b_v: DFF<Bit>,
    b_base: DFF<Bits<16>>,
    b_beats: DFF<Bits<16>>,
    b_c: DFF<Bits<NC>>,
    b_is6: DFF<Bit>,
    b_l3: DFF<Bits<16>>,
    b_u4: DFF<Bits<16>>,
    b_dg_end: DFF<Bits<16>>,
    b_end6: DFF<Bits<16>>,
    b_x1: DFF<Bit>,
    b_x2: DFF<Bit>,
    b_off1: DFF<Bits<16>>,
    b_e2lane: DFF<Bits<16>>,
    b_frag1: DFF<Bit>,
    b_next: DFF<Bits<8>>,
    b_next1: DFF<Bits<8>>,
    b_next1_frag: DFF<Bit>,
    b_addr_sum: DFF<Bits<32>>,
    b_pre_l3: DFF<Bits<32>>,
    b_off1p8: DFF<Bits<16>>,
    b_l3off1: DFF<Bits<16>>,
    b_l3off1p8: DFF<Bits<16>>,
    c_v: DFF<Bit>,
    c_base: DFF<Bits<16>>,
    c_beats: DFF<Bits<16>>,
    c_c: DFF<Bits<NC>>,
    c_is6: DFF<Bit>,
    c_l3: DFF<Bits<16>>,
    c_u4: DFF<Bits<16>>,
    c_dg_end: DFF<Bits<16>>,
    c_end6: DFF<Bits<16>>,
    c_x1: DFF<Bit>,
    c_x2: DFF<Bit>,
    c_off1: DFF<Bits<16>>,
    c_e2lane: DFF<Bits<16>>,
    c_frag1: DFF<Bit>,
    c_next: DFF<Bits<8>>,
    c_next1: DFF<Bits<8>>,
    c_next1_frag: DFF<Bit>,
    c_addr_sum: DFF<Bits<32>>,
    c_pre_l3: DFF<Bits<32>>,
    c_off1p8: DFF<Bits<16>>,
    c_l3off1: DFF<Bits<16>>,
    c_l3off1p8: DFF<Bits<16>>,
    // ---- cycle 4: the walk's end, the UDP header's offset
    d_v_: DFF<Bit>,
    d_base_: DFF<Bits<16>>,
    d_beats_: DFF<Bits<16>>,
    d_c: DFF<Bits<NC>>,
    d_is6: DFF<Bit>,
    d_l3: DFF<Bits<16>>,
    d_u4: DFF<Bits<16>>,
    d_dg_end: DFF<Bits<16>>,
    d_end6: DFF<Bits<16>>,
    d_x1: DFF<Bit>,
    d_x2: DFF<Bit>,
    d_off1: DFF<Bits<16>>,
    d_frag1: DFF<Bit>,
    d_next: DFF<Bits<8>>,
    d_next1: DFF<Bits<8>>,
    d_next1_frag: DFF<Bit>,
    d_next2: DFF<Bits<8>>,
    d_x2len: DFF<Bits<8>>,
    d_addr_sum: DFF<Bits<32>>,
    d_pre_l3: DFF<Bits<32>>,
    d_off1p8: DFF<Bits<16>>,
    d_l3off1: DFF<Bits<16>>,
    d_l3off1p8: DFF<Bits<16>>,
    /// the second extension header's length beyond the minimum 8 bytes
    x2l8: Signal<Local, Bits<16>>,
    off2: Signal<Local, Bits<16>>,
    nextf: Signal<Local, Bits<8>>,
    x3: Signal<Local, Bit>,
    c4: Signal<Local, Bits<NC>>,
    // ---- cycle 5: read the UDP/VXLAN headers at u; cycles 6..7 wait
    e_v: DFF<Bit>,
    e_base: DFF<Bits<16>>,
    /// `e_base + 4`: the 4-bank reader's next row
    e_base_p4: DFF<Bits<16>>,
    e_beats: DFF<Bits<16>>,
    e_c: DFF<Bits<NC>>,
    e_is6: DFF<Bit>,
    e_u: DFF<Bits<16>>,
    e_dg_end: DFF<Bits<16>>,
    e_addr_sum: DFF<Bits<32>>,
    e_pre_l3: DFF<Bits<32>>,
    e_x2: DFF<Bit>,
    e_off2: DFF<Bits<16>>,
    e_end6: DFF<Bits<16>>,
    f_v: DFF<Bit>,
    f_base: DFF<Bits<16>>,
    f_beats: DFF<Bits<16>>,
    f_c: DFF<Bits<NC>>,
    f_is6: DFF<Bit>,
    f_u: DFF<Bits<16>>,
    f_dg_end: DFF<Bits<16>>,
    f_addr_sum: DFF<Bits<32>>,
    f_pre_l3: DFF<Bits<32>>,
    f_ukeep: DFF<Bits<K>>,
    f_ulane: DFF<Bits<16>>,
    g_v: DFF<Bit>,
    g_base: DFF<Bits<16>>,
    g_beats: DFF<Bits<16>>,
    g_c: DFF<Bits<NC>>,
    g_is6: DFF<Bit>,
    g_u: DFF<Bits<16>>,
    g_dg_end: DFF<Bits<16>>,
    g_addr_sum: DFF<Bits<32>>,
    g_pre_l3: DFF<Bits<32>>,
    g_ukeep: DFF<Bits<K>>,
    g_ulane: DFF<Bits<16>>,
    l4cat: Signal<Local, Bits<2048>>,
    // ---- cycle 8: UDP and VXLAN fields
    s8_v_: DFF<Bit>,
    s8_base_: DFF<Bits<16>>,
    s8_beats_: DFF<Bits<16>>,
    s8_c: DFF<Bits<NC>>,
    s8_is6: DFF<Bit>,
    s8_u: DFF<Bits<16>>,
    s8_dg_end: DFF<Bits<16>>,
    s8_pseudo0: DFF<Bits<32>>,
    s8_pre_l3: DFF<Bits<32>>,
    s8_hdr: DFF<Bits<128>>,
    s8_pu_beat: DFF<Bits<32>>,
    /// the beat holding the UDP header and its lanes before it (summed a stage later)
    s8_beat0: DFF<Bits<W>>,
    s8_ukeep: DFF<Bits<K>>,
    s8_um1: DFF<Bits<16>>,
    dport: Signal<Local, Bits<16>>,
    ulen: Signal<Local, Bits<16>>,
    ucsum: Signal<Local, Bits<16>>,
    vlow: Signal<Local, Bits<8>>,
    rco_flag: Signal<Local, Bit>,
    start: Signal<Local, Bits<16>>,
    offrel: Signal<Local, Bits<16>>,
    unparsed: Signal<Local, Bit>,
    c8: Signal<Local, Bits<NC>>,
    // ---- cycle 9: read the prefix sum at the datagram's end; the context waits in `dl`
    i_v: DFF<Bit>,
    i_base: DFF<Bits<16>>,
    i_beats: DFF<Bits<16>>,
    i_c: DFF<Bits<NC>>,
    i_u: DFF<Bits<16>>,
    i_ulen: DFF<Bits<16>>,
    i_dm1: DFF<Bits<16>>,
    i_pu_beat: DFF<Bits<32>>,
    i_pu_lanes: DFF<Bits<32>>,
    /// P(u) - P(l3) without the lanes
    i_pb_ip: DFF<Bits<32>>,
    i_pseudo: DFF<Bits<32>>,
    i_hsum_lo: DFF<Bits<32>>,
    i_hsum_hi: DFF<Bits<32>>,
    i_u8: DFF<Bits<16>>,
    i_dg_end: DFF<Bits<16>>,
    i_uend: DFF<Bits<32>>,
    i_rco_end: DFF<Bits<16>>,
    i_rco_chk: DFF<Bit>,
    c9: Signal<Local, Bits<NC>>,
    i_meta: DFF<Bits<64>>,
    i_unp_rco: DFF<Bit>,
    dl_v: [DFF<Bit>; DL],
    dl_base: [DFF<Bits<16>>; DL],
    dl_beats: [DFF<Bits<16>>; DL],
    dl_c: [DFF<Bits<NC>>; DL],
    dl_u: [DFF<Bits<16>>; DL],
    dl_ulen: [DFF<Bits<16>>; DL],
    dl_pu: [DFF<Bits<32>>; DL],
    dl_pseudo: [DFF<Bits<32>>; DL],
    dl_ip: [DFF<Bits<32>>; DL],
    dl_hsum: [DFF<Bits<32>>; DL],
    dl_meta: [DFF<Bits<64>>; DL],
    dl_unp_rco: [DFF<Bit>; DL],
    j_keep: DFF<Bits<K>>,
    k_keep: DFF<Bits<K>>,
    // ---- cycles 11..18: the end's prefix sum, the range sums, folds, the first condition
    end_data: DFF<Bits<W>>,
    end_keep: DFF<Bits<K>>,
    end_pre: DFF<Bits<32>>,
    l_ls: DFF<Bits<32>>,
    l_pre: DFF<Bits<32>>,
    m_pd: DFF<Bits<32>>,
    n_d1: DFF<Bits<32>>,
    o_udp: DFF<Bits<32>>,
    o_inner: DFF<Bits<32>>,
    cfin: Signal<Local, Bits<NC>>,
    r_c: DFF<Bits<NC>>,
    r_inner: DFF<Bits<32>>,
    lo_code: Signal<Local, Bits<4>>,
    hi_code: Signal<Local, Bits<4>>,
    p_lo_any: DFF<Bit>,
    p_lo_code: DFF<Bits<4>>,
    p_hi_code: DFF<Bits<4>>,
    p_drop: DFF<Bit>,
    p_inner: DFF<Bits<32>>,
    q_v: DFF<Bit>,
    q_drop: DFF<Bit>,
    q_reason: DFF<Bits<4>>,
    q_base: DFF<Bits<16>>,
    q_beats: DFF<Bits<16>>,
    q_inner_off: DFF<Bits<16>>,
    q_inner_len: DFF<Bits<16>>,
    q_meta: DFF<Bits<64>>,
    q_inner: DFF<Bits<32>>,
    q_rc_off: DFF<Bits<16>>,
    beat_shift: [Constant<Bits<16>>; 4],
    x2w: Signal<Local, Bits<16>>,
    e2k: Signal<Local, Bits<16>>,
    hsum_keep: Constant<Bits<8>>,
    clr_ip: Constant<Bits<NC>>,
    clr_udp: Constant<Bits<NC>>,
    unparsed_bit: Constant<Bits<NC>>,
    below_unparsed: Constant<Bits<NC>>,
    lo_mask: Constant<Bits<NC>>,
}

fn c16(x: u64) -> Constant<Bits<16>> {
    Constant::new(x.into())
}

fn c8(x: u8) -> Constant<Bits<8>> {
    Constant::new((x as u64).into())
}

impl<const W: usize, const K: usize, const N: usize, const AW: usize, const AB: usize> RxChecks<W, K, N, AW, AB> {
    pub fn new() -> Self {
        assert!(K * 8 == W && N * 16 == W && AB + 2 == AW && K <= 4 * MAX_POS);
        Self {
            clock: Default::default(),
            rst: Default::default(),
            port: Default::default(),
            remcsum_rx: Default::default(),
            nopartial: Default::default(),
            udp_zero_csum6_rx: Default::default(),
            wr_addr: Default::default(),
            wr_data: Default::default(),
            wr_prefix: Default::default(),
            wr_en: Default::default(),
            h_valid: Default::default(),
            h_base: Default::default(),
            h_beats: Default::default(),
            h_len: Default::default(),
            h_bad_keep: Default::default(),
            h_too_long: Default::default(),
            h_overflow: Default::default(),
            h_vlan: Default::default(),
            h_ethertype: Default::default(),
            h_ip_b0: Default::default(),
            h_v4_total_len: Default::default(),
            h_v4_frag: Default::default(),
            h_v4_proto: Default::default(),
            h_v6_payload_len: Default::default(),
            h_v6_next: Default::default(),
            h_x1_next: Default::default(),
            h_x1_len: Default::default(),
            h_addr_sum: Default::default(),
            h_pre_l3_sum: Default::default(),
            d_valid: Default::default(),
            d_deliver: Default::default(),
            d_reason: Default::default(),
            d_base: Default::default(),
            d_beats: Default::default(),
            d_inner_off: Default::default(),
            d_inner_len: Default::default(),
            d_vni: Default::default(),
            d_rco: Default::default(),
            d_rco_applied: Default::default(),
            d_csum_start: Default::default(),
            d_csum_offset: Default::default(),
            d_outer_csum_ok: Default::default(),
            d_inner_sum: Default::default(),
            d_remcsum_start: Default::default(),
            d_remcsum_offset: Default::default(),
            kshift: c16(K.trailing_zeros() as u64),
            x2_beat: Default::default(),
            l4_beat: Default::default(),
            l4_beat_p4: Default::default(),
            end_beat: Default::default(),
            kmask: c16((K - 1) as u64),
            keep_of: std::array::from_fn(|i| Constant::new(crate::stream::lane_mask(i + 1).into())),
            lane_id: std::array::from_fn(|i| c16(i as u64)),
            pos_en: std::array::from_fn(|p| Constant::new(4 * p + 2 < K)),
            pos_lane: std::array::from_fn(|p| c16((4 * p + 2) as u64)),
            pos_bit: std::array::from_fn(|p| c16((8 * (4 * p + 2)) as u64)),
            code: std::array::from_fn(|i| Constant::new(CONDITIONS[i].into())),
            code_rco_not_enabled: Constant::new(DROP_RCO_NOT_ENABLED.into()),
            l3_plain: c16(eth::LEN as u64),
            l3_vlan: c16((eth::LEN + crate::headers::vlan::LEN) as u64),
            p_ipv4: c16(eth::P_IPV4 as u64),
            p_ipv6: c16(eth::P_IPV6 as u64),
            v6_hdr: c16(ipv6::LEN as u64),
            v4_min: c16(ipv4::MIN_LEN as u64),
            udp_min: c16(udp::LEN as u64),
            vxlan_hlen: c16((udp::LEN + vxlan::LEN) as u64),
            eth_hlen: c16(eth::LEN as u64),
            proto_udp: c8(ipv4::PROTO_UDP),
            nh_hop: c8(ipv6::NH_HOPOPTS),
            nh_route: c8(ipv6::NH_ROUTING),
            nh_frag: c8(ipv6::NH_FRAGMENT),
            nh_dst: c8(ipv6::NH_DSTOPTS),
            pseudo_udp: Constant::new(((ipv4::PROTO_UDP as u64) << 8).into()),
            off_udp: c16(vxlan::RCO_OFFSET_UDP as u64),
            off_tcp: c16(vxlan::RCO_OFFSET_TCP as u64),
            rco_need_udp: c16((vxlan::RCO_OFFSET_UDP as usize + 2 + udp::LEN + vxlan::LEN) as u64),
            rco_need_tcp: c16((vxlan::RCO_OFFSET_TCP as usize + 2 + udp::LEN + vxlan::LEN) as u64),
            v6_e1_min: c16((ipv6::LEN + 8) as u64),
            v6_e2_min: c16((ipv6::LEN + 16) as u64),
            e1_min_plain: c16((eth::LEN + ipv6::LEN + 8) as u64),
            e1_min_vlan: c16((eth::LEN + crate::headers::vlan::LEN + ipv6::LEN + 8) as u64),
            e2_min_plain: c16((eth::LEN + ipv6::LEN + 16) as u64),
            e2_min_vlan: c16((eth::LEN + crate::headers::vlan::LEN + ipv6::LEN + 16) as u64),
            a_is4: Default::default(),
            a_l3len: Default::default(),
            a_hl: Default::default(),
            a_v4_total: Default::default(),
            a_end6_ovf: Default::default(),
            a_off1p8: Default::default(),
            a_l3off1p8: Default::default(),
            x1l8: Default::default(),
            e1_min: Default::default(),
            e2_min: Default::default(),
            c1: Default::default(),
            b_off1p8: Default::default(),
            b_l3off1: Default::default(),
            b_l3off1p8: Default::default(),
            c_off1p8: Default::default(),
            c_l3off1: Default::default(),
            c_l3off1p8: Default::default(),
            d_off1p8: Default::default(),
            d_l3off1: Default::default(),
            d_l3off1p8: Default::default(),
            x2l8: Default::default(),
            e_x2: Default::default(),
            e_off2: Default::default(),
            e_end6: Default::default(),
            s8_beat0: Default::default(),
            s8_ukeep: Default::default(),
            s8_um1: Default::default(),
            i_pu_beat: Default::default(),
            i_pu_lanes: Default::default(),
            i_pb_ip: Default::default(),
            i_hsum_lo: Default::default(),
            i_hsum_hi: Default::default(),
            i_u8: Default::default(),
            i_dg_end: Default::default(),
            i_uend: Default::default(),
            i_rco_end: Default::default(),
            i_rco_chk: Default::default(),
            c9: Default::default(),
            r_c: Default::default(),
            r_inner: Default::default(),
            rd_x2: Default::default(),
            rd_l4: RingReader4::new(),
            rd_end: Default::default(),
            sum_u: LaneSum::new(),
            sum_end: LaneSum::new(),
            sum_hdr_lo: LaneSum::new(),
            sum_hdr_hi: LaneSum::new(),
            fold_ip: Default::default(),
            fold_udp: Default::default(),
            a_v: Default::default(),
            a_base: Default::default(),
            a_beats: Default::default(),
            a_c: Default::default(),
            a_is6: Default::default(),
            a_l3: Default::default(),
            a_u4: Default::default(),
            a_dg_end: Default::default(),
            a_end6: Default::default(),
            a_x1: Default::default(),
            a_x2: Default::default(),
            a_off1: Default::default(),
            a_e2: Default::default(),
            a_frag1: Default::default(),
            a_next: Default::default(),
            a_next1: Default::default(),
            a_next1_frag: Default::default(),
            a_addr_sum: Default::default(),
            a_pre_l3: Default::default(),
            l3: Default::default(),
            l3len: Default::default(),
            is4: Default::default(),
            is6: Default::default(),
            ver: Default::default(),
            ihl: Default::default(),
            hl: Default::default(),
            end6: Default::default(),
            x1: Default::default(),
            x1frag: Default::default(),
            c0: Default::default(),
            b_v: Default::default(),
            b_base: Default::default(),
            b_beats: Default::default(),
            b_c: Default::default(),
            b_is6: Default::default(),
            b_l3: Default::default(),
            b_u4: Default::default(),
            b_dg_end: Default::default(),
            b_end6: Default::default(),
            b_x1: Default::default(),
            b_x2: Default::default(),
            b_off1: Default::default(),
            b_e2lane: Default::default(),
            b_frag1: Default::default(),
            b_next: Default::default(),
            b_next1: Default::default(),
            b_next1_frag: Default::default(),
            b_addr_sum: Default::default(),
            b_pre_l3: Default::default(),
            c_v: Default::default(),
            c_base: Default::default(),
            c_beats: Default::default(),
            c_c: Default::default(),
            c_is6: Default::default(),
            c_l3: Default::default(),
            c_u4: Default::default(),
            c_dg_end: Default::default(),
            c_end6: Default::default(),
            c_x1: Default::default(),
            c_x2: Default::default(),
            c_off1: Default::default(),
            c_e2lane: Default::default(),
            c_frag1: Default::default(),
            c_next: Default::default(),
            c_next1: Default::default(),
            c_next1_frag: Default::default(),
            c_addr_sum: Default::default(),
            c_pre_l3: Default::default(),
            d_v_: Default::default(),
            d_base_: Default::default(),
            d_beats_: Default::default(),
            d_c: Default::default(),
            d_is6: Default::default(),
            d_l3: Default::default(),
            d_u4: Default::default(),
            d_dg_end: Default::default(),
            d_end6: Default::default(),
            d_x1: Default::default(),
            d_x2: Default::default(),
            d_off1: Default::default(),
            d_frag1: Default::default(),
            d_next: Default::default(),
            d_next1: Default::default(),
            d_next1_frag: Default::default(),
            d_next2: Default::default(),
            d_x2len: Default::default(),
            d_addr_sum: Default::default(),
            d_pre_l3: Default::default(),
            off2: Default::default(),
            nextf: Default::default(),
            x3: Default::default(),
            c4: Default::default(),
            e_v: Default::default(),
            e_base: Default::default(),
            e_base_p4: Default::default(),
            e_beats: Default::default(),
            e_c: Default::default(),
            e_is6: Default::default(),
            e_u: Default::default(),
            e_dg_end: Default::default(),
            e_addr_sum: Default::default(),
            e_pre_l3: Default::default(),
            f_v: Default::default(),
            f_base: Default::default(),
            f_beats: Default::default(),
            f_c: Default::default(),
            f_is6: Default::default(),
            f_u: Default::default(),
            f_dg_end: Default::default(),
            f_addr_sum: Default::default(),
            f_pre_l3: Default::default(),
            f_ukeep: Default::default(),
            f_ulane: Default::default(),
            g_v: Default::default(),
            g_base: Default::default(),
            g_beats: Default::default(),
            g_c: Default::default(),
            g_is6: Default::default(),
            g_u: Default::default(),
            g_dg_end: Default::default(),
            g_addr_sum: Default::default(),
            g_pre_l3: Default::default(),
            g_ukeep: Default::default(),
            g_ulane: Default::default(),
            l4cat: Default::default(),
            s8_v_: Default::default(),
            s8_base_: Default::default(),
            s8_beats_: Default::default(),
            s8_c: Default::default(),
            s8_is6: Default::default(),
            s8_u: Default::default(),
            s8_dg_end: Default::default(),
            s8_pseudo0: Default::default(),
            s8_pre_l3: Default::default(),
            s8_hdr: Default::default(),
            s8_pu_beat: Default::default(),
            dport: Default::default(),
            ulen: Default::default(),
            ucsum: Default::default(),
            vlow: Default::default(),
            rco_flag: Default::default(),
            start: Default::default(),
            offrel: Default::default(),
            unparsed: Default::default(),
            c8: Default::default(),
            i_v: Default::default(),
            i_base: Default::default(),
            i_beats: Default::default(),
            i_c: Default::default(),
            i_u: Default::default(),
            i_ulen: Default::default(),
            i_dm1: Default::default(),
            i_pseudo: Default::default(),
            i_meta: Default::default(),
            i_unp_rco: Default::default(),
            dl_v: Default::default(),
            dl_base: Default::default(),
            dl_beats: Default::default(),
            dl_c: Default::default(),
            dl_u: Default::default(),
            dl_ulen: Default::default(),
            dl_pu: Default::default(),
            dl_pseudo: Default::default(),
            dl_ip: Default::default(),
            dl_hsum: Default::default(),
            dl_meta: Default::default(),
            dl_unp_rco: Default::default(),
            j_keep: Default::default(),
            k_keep: Default::default(),
            end_data: Default::default(),
            end_keep: Default::default(),
            end_pre: Default::default(),
            l_ls: Default::default(),
            l_pre: Default::default(),
            m_pd: Default::default(),
            n_d1: Default::default(),
            o_udp: Default::default(),
            o_inner: Default::default(),
            cfin: Default::default(),
            lo_code: Default::default(),
            hi_code: Default::default(),
            p_lo_any: Default::default(),
            p_lo_code: Default::default(),
            p_hi_code: Default::default(),
            p_drop: Default::default(),
            p_inner: Default::default(),
            q_v: Default::default(),
            q_drop: Default::default(),
            q_reason: Default::default(),
            q_base: Default::default(),
            q_beats: Default::default(),
            q_inner_off: Default::default(),
            q_inner_len: Default::default(),
            q_meta: Default::default(),
            q_inner: Default::default(),
            q_rc_off: Default::default(),
            beat_shift: std::array::from_fn(|j| c16((j * W) as u64)),
            x2w: Default::default(),
            e2k: Default::default(),
            hsum_keep: Constant::new(0xFF.into()),
            clr_ip: Constant::new(Bits::<NC>::mask().replace_bit(12, false)),
            clr_udp: Constant::new(Bits::<NC>::mask().replace_bit(22, false)),
            unparsed_bit: Constant::new(Bits::<NC>::from(1u64 << C_UNPARSED)),
            below_unparsed: Constant::new(Bits::<NC>::from(((1u64 << C_UNPARSED) - 1) & !((1u64 << LO) - 1))),
            lo_mask: Constant::new(Bits::<NC>::from((1u64 << LO) - 1)),
        }
    }
}

impl<const W: usize, const K: usize, const N: usize, const AW: usize, const AB: usize> Default
    for RxChecks<W, K, N, AW, AB>
{
    fn default() -> Self {
        Self::new()
    }
}


impl<const W: usize, const K: usize, const N: usize, const AW: usize, const AB: usize> Logic
    for RxChecks<W, K, N, AW, AB>
{
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, a_v, a_base, a_beats, a_c, a_is6, a_l3, a_u4, a_dg_end, a_end6, a_x1, a_x2, a_off1, a_e2,
            a_frag1, a_next, a_next1, a_next1_frag, a_addr_sum, a_pre_l3, b_v, b_base, b_beats, b_c, b_is6, b_l3,
            b_u4, b_dg_end, b_end6, b_x1, b_x2, b_off1, b_e2lane, b_frag1, b_next, b_next1, b_next1_frag,
            b_addr_sum, b_pre_l3, c_v, c_base, c_beats, c_c, c_is6, c_l3, c_u4, c_dg_end, c_end6, c_x1, c_x2,
            c_off1, c_e2lane, c_frag1, c_next, c_next1, c_next1_frag, c_addr_sum, c_pre_l3, d_v_, d_base_,
            d_beats_, d_c, d_is6, d_l3, d_u4, d_dg_end, d_end6, d_x1, d_x2, d_off1, d_frag1, d_next, d_next1,
            d_next1_frag, d_next2, d_x2len, d_addr_sum, d_pre_l3, a_is4, a_l3len, a_hl, a_v4_total, a_end6_ovf,
            a_off1p8, a_l3off1p8, b_off1p8, b_l3off1, b_l3off1p8, c_off1p8, c_l3off1, c_l3off1p8, d_off1p8, d_l3off1,
            d_l3off1p8, e_x2, e_off2, e_end6, s8_beat0, s8_ukeep, s8_um1, i_pu_beat, i_pu_lanes, i_pb_ip, i_hsum_lo,
            i_hsum_hi, i_u8, i_dg_end, i_uend, i_rco_end, i_rco_chk, r_c, r_inner, p_lo_any, p_lo_code, p_hi_code, p_drop, p_inner, e_v, e_base, e_base_p4, e_beats, e_c, e_is6, e_u, e_dg_end,
            e_addr_sum, e_pre_l3, f_v, f_base, f_beats, f_c, f_is6, f_u, f_dg_end, f_addr_sum, f_pre_l3, f_ukeep,
            f_ulane, g_v, g_base, g_beats, g_c, g_is6, g_u, g_dg_end, g_addr_sum, g_pre_l3, g_ukeep, g_ulane, s8_v_,
            s8_base_, s8_beats_, s8_c, s8_is6, s8_u, s8_dg_end, s8_pseudo0, s8_pre_l3, s8_hdr, s8_pu_beat, i_v,
            i_base, i_beats, i_c, i_u, i_ulen, i_dm1, i_pseudo, i_meta, i_unp_rco, j_keep,
            k_keep, end_data, end_keep, end_pre, l_ls, l_pre, m_pd, n_d1, o_udp, o_inner, q_v, q_drop, q_reason, q_base, q_beats, q_inner_off,
            q_inner_len, q_meta, q_inner, q_rc_off
        );
        for i in 0..DL {
            self.dl_v[i].clock.next = self.clock.val();
            self.dl_base[i].clock.next = self.clock.val();
            self.dl_beats[i].clock.next = self.clock.val();
            self.dl_c[i].clock.next = self.clock.val();
            self.dl_u[i].clock.next = self.clock.val();
            self.dl_ulen[i].clock.next = self.clock.val();
            self.dl_pu[i].clock.next = self.clock.val();
            self.dl_pseudo[i].clock.next = self.clock.val();
            self.dl_ip[i].clock.next = self.clock.val();
            self.dl_hsum[i].clock.next = self.clock.val();
            self.dl_meta[i].clock.next = self.clock.val();
            self.dl_unp_rco[i].clock.next = self.clock.val();
        }
        self.rd_x2.clock.next = self.clock.val();
        self.rd_l4.clock.next = self.clock.val();
        self.rd_end.clock.next = self.clock.val();
        self.rd_x2.wr_addr.next = self.wr_addr.val();
        self.rd_x2.wr_data.next = self.wr_data.val();
        self.rd_x2.wr_prefix.next = self.wr_prefix.val();
        self.rd_x2.wr_en.next = self.wr_en.val();
        self.rd_l4.wr_addr.next = self.wr_addr.val();
        self.rd_l4.wr_data.next = self.wr_data.val();
        self.rd_l4.wr_prefix.next = self.wr_prefix.val();
        self.rd_l4.wr_en.next = self.wr_en.val();
        self.rd_end.wr_addr.next = self.wr_addr.val();
        self.rd_end.wr_data.next = self.wr_data.val();
        self.rd_end.wr_prefix.next = self.wr_prefix.val();
        self.rd_end.wr_en.next = self.wr_en.val();

        // ================= cycle 0: conditions on the fixed fields
        self.l3.next = self.l3_plain.val();
        if self.h_vlan.val() {
            self.l3.next = self.l3_vlan.val();
        }
        self.l3len.next = self.h_len.val() - self.l3.val();
        self.is4.next = self.h_ethertype.val() == self.p_ipv4.val();
        self.is6.next = self.h_ethertype.val() == self.p_ipv6.val();
        self.ver.next = self.h_ip_b0.val() >> 4;
        self.ihl.next = self.h_ip_b0.val() & 0x0F;
        self.hl.next = bit_cast::<16, 8>(self.ihl.val()) << 2;
        self.end6.next = bit_cast::<32, 16>(self.h_v6_payload_len.val()) + bit_cast::<32, 16>(self.v6_hdr.val());
        self.x1.next = self.is6.val()
            && (self.h_v6_next.val() == self.nh_hop.val()
                || self.h_v6_next.val() == self.nh_route.val()
                || self.h_v6_next.val() == self.nh_frag.val()
                || self.h_v6_next.val() == self.nh_dst.val());
        self.x1frag.next = self.h_v6_next.val() == self.nh_frag.val();
        // a fragment header's length byte is reserved: the sums below take the fixed length
        // after the add, so the compare that finds it runs beside the carry chain
        self.x1l8.next = bit_cast::<16, 8>(self.h_x1_len.val()) << 3;
        self.e1_min.next = self.e1_min_plain.val();
        self.e2_min.next = self.e2_min_plain.val();
        if self.h_vlan.val() {
            self.e1_min.next = self.e1_min_vlan.val();
            self.e2_min.next = self.e2_min_vlan.val();
        }
        self.c0.next = 0.into();
        if self.h_bad_keep.val() {
            self.c0.next = self.c0.val() | 1;
        }
        if self.h_too_long.val() {
            self.c0.next = self.c0.val() | (1 << 1);
        }
        if self.h_overflow.val() {
            self.c0.next = self.c0.val() | (1 << 2);
        }
        if self.h_len.val() < self.eth_hlen.val() {
            self.c0.next = self.c0.val() | (1 << 3);
        }
        if self.h_vlan.val() && (self.h_len.val() < self.l3_vlan.val()) {
            self.c0.next = self.c0.val() | (1 << 4);
        }
        if !(self.is4.val() || self.is6.val()) {
            self.c0.next = self.c0.val() | (1 << 5);
        }
        // conditions on the IP payload's length (6, 8, 10, 14) are taken in cycle 1
        if self.is4.val() {
            if self.ver.val() != 4 || self.ihl.val() < 5 {
                self.c0.next = self.c0.val() | (1 << 7);
            }
            // pending until the header's sum is known
            self.c0.next = self.c0.val() | (1 << 12);
            if self.h_v4_total_len.val() < self.hl.val() {
                self.c0.next = self.c0.val() | (1 << 13);
            }
            if self.h_v4_frag.val() {
                self.c0.next = self.c0.val() | (1 << 16);
            }
            if self.h_v4_proto.val() != self.proto_udp.val() {
                self.c0.next = self.c0.val() | (1 << 17);
            }
        }
        if self.is6.val() {
            if self.ver.val() != 6 {
                self.c0.next = self.c0.val() | (1 << 7);
            }
            if self.h_v6_payload_len.val() == 0 {
                self.c0.next = self.c0.val() | (1 << 9);
            }
            if self.x1.val() && (self.h_v6_payload_len.val() < 8) {
                self.c0.next = self.c0.val() | (1 << 11);
            }
        }
        self.a_v.d.next = self.h_valid.val();
        self.a_base.d.next = self.h_base.val();
        self.a_beats.d.next = self.h_beats.val();
        self.a_c.d.next = self.c0.val();
        self.a_is6.d.next = self.is6.val();
        self.a_l3.d.next = self.l3.val();
        self.a_u4.d.next = self.l3.val() + self.hl.val();
        self.a_dg_end.d.next = self.l3.val() + self.h_v4_total_len.val();
        if self.is6.val() {
            self.a_dg_end.d.next = self.l3.val() + self.v6_hdr.val() + self.h_v6_payload_len.val();
        }
        self.a_end6.d.next = self.v6_hdr.val() + self.h_v6_payload_len.val();
        self.a_x1.d.next = self.x1.val();
        self.a_x2.d.next = self.x1.val()
            && (self.h_x1_next.val() == self.nh_hop.val()
                || self.h_x1_next.val() == self.nh_route.val()
                || self.h_x1_next.val() == self.nh_frag.val()
                || self.h_x1_next.val() == self.nh_dst.val());
        self.a_off1.d.next = self.v6_e1_min.val() + self.x1l8.val();
        self.a_off1p8.d.next = self.v6_e2_min.val() + self.x1l8.val();
        self.a_e2.d.next = self.e1_min.val() + self.x1l8.val();
        self.a_l3off1p8.d.next = self.e2_min.val() + self.x1l8.val();
        if self.x1frag.val() {
            self.a_off1.d.next = self.v6_e1_min.val();
            self.a_off1p8.d.next = self.v6_e2_min.val();
            self.a_e2.d.next = self.e1_min.val();
            self.a_l3off1p8.d.next = self.e2_min.val();
        }
        self.a_is4.d.next = self.is4.val();
        self.a_l3len.d.next = self.l3len.val();
        self.a_hl.d.next = self.hl.val();
        self.a_v4_total.d.next = self.h_v4_total_len.val();
        self.a_end6_ovf.d.next = self.end6.val().get_bit(16);
        self.a_frag1.d.next = self.x1.val() && self.x1frag.val();
        self.a_next.d.next = self.h_v6_next.val();
        self.a_next1.d.next = self.h_x1_next.val();
        self.a_next1_frag.d.next = self.h_x1_next.val() == self.nh_frag.val();
        self.a_addr_sum.d.next = self.h_addr_sum.val();
        self.a_pre_l3.d.next = self.h_pre_l3_sum.val();

        // ================= cycle 1: read the beat holding the second extension header
        self.x2_beat.next = self.a_base.q.val() + (self.a_e2.q.val() >> self.kshift.val());
        self.rd_x2.rd_addr.next = self.x2_beat.val().get_bits::<AW>(0);
        self.b_v.d.next = self.a_v.q.val();
        self.b_base.d.next = self.a_base.q.val();
        self.b_beats.d.next = self.a_beats.q.val();
        self.c1.next = self.a_c.q.val();
        if self.a_is4.q.val() {
            if self.a_l3len.q.val() < self.v4_min.val() {
                self.c1.next = self.c1.val() | (1 << 6);
            }
            if self.a_l3len.q.val() < self.a_hl.q.val() {
                self.c1.next = self.c1.val() | (1 << 8);
            }
            if self.a_v4_total.q.val() > self.a_l3len.q.val() {
                self.c1.next = self.c1.val() | (1 << 14);
            }
        }
        if self.a_is6.q.val() {
            if self.a_l3len.q.val() < self.v6_hdr.val() {
                self.c1.next = self.c1.val() | (1 << 6);
            }
            if self.a_end6_ovf.q.val() || (self.a_end6.q.val() > self.a_l3len.q.val()) {
                self.c1.next = self.c1.val() | (1 << 10);
            }
        }
        self.b_c.d.next = self.c1.val();
        self.b_off1p8.d.next = self.a_off1p8.q.val();
        self.b_l3off1.d.next = self.a_e2.q.val();
        self.b_l3off1p8.d.next = self.a_l3off1p8.q.val();
        self.b_is6.d.next = self.a_is6.q.val();
        self.b_l3.d.next = self.a_l3.q.val();
        self.b_u4.d.next = self.a_u4.q.val();
        self.b_dg_end.d.next = self.a_dg_end.q.val();
        self.b_end6.d.next = self.a_end6.q.val();
        self.b_x1.d.next = self.a_x1.q.val();
        self.b_x2.d.next = self.a_x2.q.val();
        self.b_off1.d.next = self.a_off1.q.val();
        self.b_e2lane.d.next = self.a_e2.q.val() & self.kmask.val();
        self.b_frag1.d.next = self.a_frag1.q.val();
        self.b_next.d.next = self.a_next.q.val();
        self.b_next1.d.next = self.a_next1.q.val();
        self.b_next1_frag.d.next = self.a_next1_frag.q.val();
        self.b_addr_sum.d.next = self.a_addr_sum.q.val();
        self.b_pre_l3.d.next = self.a_pre_l3.q.val();
        // ================= cycle 2
        self.c_v.d.next = self.b_v.q.val();
        self.c_base.d.next = self.b_base.q.val();
        self.c_beats.d.next = self.b_beats.q.val();
        self.c_c.d.next = self.b_c.q.val();
        self.c_is6.d.next = self.b_is6.q.val();
        self.c_l3.d.next = self.b_l3.q.val();
        self.c_u4.d.next = self.b_u4.q.val();
        self.c_dg_end.d.next = self.b_dg_end.q.val();
        self.c_end6.d.next = self.b_end6.q.val();
        self.c_x1.d.next = self.b_x1.q.val();
        self.c_x2.d.next = self.b_x2.q.val();
        self.c_off1.d.next = self.b_off1.q.val();
        self.c_e2lane.d.next = self.b_e2lane.q.val();
        self.c_frag1.d.next = self.b_frag1.q.val();
        self.c_next.d.next = self.b_next.q.val();
        self.c_next1.d.next = self.b_next1.q.val();
        self.c_next1_frag.d.next = self.b_next1_frag.q.val();
        self.c_addr_sum.d.next = self.b_addr_sum.q.val();
        self.c_pre_l3.d.next = self.b_pre_l3.q.val();
        self.c_off1p8.d.next = self.b_off1p8.q.val();
        self.c_l3off1.d.next = self.b_l3off1.q.val();
        self.c_l3off1p8.d.next = self.b_l3off1p8.q.val();
        // ================= cycle 3: the second extension header's next header and length
        self.x2w.next = self.rd_x2.rd_data.val().get_bits::<16>(0);
        for p in 0..MAX_POS {
            if self.pos_en[p].val() && (self.c_e2lane.q.val() == self.pos_lane[p].val()) {
                self.x2w.next = self.rd_x2.rd_data.val().get_bits::<16>(self.pos_bit[p].val().index());
            }
        }
        self.d_v_.d.next = self.c_v.q.val();
        self.d_base_.d.next = self.c_base.q.val();
        self.d_beats_.d.next = self.c_beats.q.val();
        self.d_c.d.next = self.c_c.q.val();
        self.d_is6.d.next = self.c_is6.q.val();
        self.d_l3.d.next = self.c_l3.q.val();
        self.d_u4.d.next = self.c_u4.q.val();
        self.d_dg_end.d.next = self.c_dg_end.q.val();
        self.d_end6.d.next = self.c_end6.q.val();
        self.d_x1.d.next = self.c_x1.q.val();
        self.d_x2.d.next = self.c_x2.q.val();
        self.d_off1.d.next = self.c_off1.q.val();
        self.d_frag1.d.next = self.c_frag1.q.val();
        self.d_next.d.next = self.c_next.q.val();
        self.d_next1.d.next = self.c_next1.q.val();
        self.d_next1_frag.d.next = self.c_next1_frag.q.val();
        self.d_next2.d.next = self.x2w.val().get_bits::<8>(0);
        self.d_x2len.d.next = self.x2w.val().get_bits::<8>(8);
        self.d_addr_sum.d.next = self.c_addr_sum.q.val();
        self.d_pre_l3.d.next = self.c_pre_l3.q.val();
        self.d_off1p8.d.next = self.c_off1p8.q.val();
        self.d_l3off1.d.next = self.c_l3off1.q.val();
        self.d_l3off1p8.d.next = self.c_l3off1p8.q.val();

        // ================= cycle 4: the walk's end; the UDP header's offset
        self.x2l8.next = bit_cast::<16, 8>(self.d_x2len.q.val()) << 3;
        if self.d_next1_frag.q.val() {
            self.x2l8.next = 0.into();
        }
        self.off2.next = self.d_off1p8.q.val() + self.x2l8.val();
        self.x3.next = self.d_x2.q.val()
            && (self.d_next2.q.val() == self.nh_hop.val()
                || self.d_next2.q.val() == self.nh_route.val()
                || self.d_next2.q.val() == self.nh_frag.val()
                || self.d_next2.q.val() == self.nh_dst.val());
        self.nextf.next = self.d_next.q.val();
        if self.d_x1.q.val() {
            self.nextf.next = self.d_next1.q.val();
        }
        if self.d_x2.q.val() {
            self.nextf.next = self.d_next2.q.val();
        }
        self.c4.next = self.d_c.q.val();
        if self.d_is6.q.val() {
            // the second extension header's end is compared in cycle 5
            if (self.d_x1.q.val() && (self.d_off1.q.val() > self.d_end6.q.val()))
                || (self.d_x2.q.val() && (self.d_off1p8.q.val() > self.d_end6.q.val()))
            {
                self.c4.next = self.c4.val() | (1 << 14);
            }
            if self.x3.val() {
                self.c4.next = self.c4.val() | (1 << 15);
            }
            if self.d_frag1.q.val() || (self.d_x2.q.val() && self.d_next1_frag.q.val()) {
                self.c4.next = self.c4.val() | (1 << 16);
            }
            if self.nextf.val() != self.proto_udp.val() {
                self.c4.next = self.c4.val() | (1 << 17);
            }
        }
        self.e_v.d.next = self.d_v_.q.val();
        self.e_base.d.next = self.d_base_.q.val();
        self.e_base_p4.d.next = self.d_base_.q.val() + 4;
        self.e_beats.d.next = self.d_beats_.q.val();
        self.e_c.d.next = self.c4.val();
        self.e_is6.d.next = self.d_is6.q.val();
        self.e_u.d.next = self.d_u4.q.val();
        if self.d_is6.q.val() {
            self.e_u.d.next = self.d_l3.q.val() + self.v6_hdr.val();
            if self.d_x1.q.val() {
                self.e_u.d.next = self.d_l3off1.q.val();
            }
            if self.d_x2.q.val() {
                self.e_u.d.next = self.d_l3off1p8.q.val() + self.x2l8.val();
            }
        }
        self.e_x2.d.next = self.d_is6.q.val() && self.d_x2.q.val();
        self.e_off2.d.next = self.off2.val();
        self.e_end6.d.next = self.d_end6.q.val();
        self.e_dg_end.d.next = self.d_dg_end.q.val();
        self.e_addr_sum.d.next = self.d_addr_sum.q.val();
        self.e_pre_l3.d.next = self.d_pre_l3.q.val();

        // ================= cycle 5: read the UDP and VXLAN headers
        self.l4_beat.next = self.e_base.q.val() + (self.e_u.q.val() >> self.kshift.val());
        self.rd_l4.rd_addr.next = self.l4_beat.val().get_bits::<AW>(0);
        self.l4_beat_p4.next = self.e_base_p4.q.val() + (self.e_u.q.val() >> self.kshift.val());
        self.rd_l4.rd_addr_p4.next = self.l4_beat_p4.val().get_bits::<AW>(0);
        self.e2k.next = (self.e_u.q.val() - 1) & self.kmask.val();
        self.f_ukeep.d.next = self.keep_of[0].val();
        for i in 0..K {
            if self.e2k.val() == self.lane_id[i].val() {
                self.f_ukeep.d.next = self.keep_of[i].val();
            }
        }
        self.f_ulane.d.next = self.e_u.q.val() & self.kmask.val();
        self.f_v.d.next = self.e_v.q.val();
        self.f_base.d.next = self.e_base.q.val();
        self.f_beats.d.next = self.e_beats.q.val();
        self.f_c.d.next = self.e_c.q.val();
        if self.e_x2.q.val() && (self.e_off2.q.val() > self.e_end6.q.val()) {
            self.f_c.d.next = self.e_c.q.val() | (1 << 14);
        }
        self.f_is6.d.next = self.e_is6.q.val();
        self.f_u.d.next = self.e_u.q.val();
        self.f_dg_end.d.next = self.e_dg_end.q.val();
        self.f_addr_sum.d.next = self.e_addr_sum.q.val();
        self.f_pre_l3.d.next = self.e_pre_l3.q.val();
        // ================= cycle 6
        self.g_v.d.next = self.f_v.q.val();
        self.g_base.d.next = self.f_base.q.val();
        self.g_beats.d.next = self.f_beats.q.val();
        self.g_c.d.next = self.f_c.q.val();
        self.g_is6.d.next = self.f_is6.q.val();
        self.g_u.d.next = self.f_u.q.val();
        self.g_dg_end.d.next = self.f_dg_end.q.val();
        self.g_addr_sum.d.next = self.f_addr_sum.q.val();
        self.g_pre_l3.d.next = self.f_pre_l3.q.val();
        self.g_ukeep.d.next = self.f_ukeep.q.val();
        self.g_ulane.d.next = self.f_ulane.q.val();
        // ================= cycle 7: 16 header bytes from the four beats; P(u)
        self.l4cat.next = bit_cast::<2048, W>(self.rd_l4.rd_beat[0].val())
            | (bit_cast::<2048, W>(self.rd_l4.rd_beat[1].val()) << self.beat_shift[1].val())
            | (bit_cast::<2048, W>(self.rd_l4.rd_beat[2].val()) << self.beat_shift[2].val())
            | (bit_cast::<2048, W>(self.rd_l4.rd_beat[3].val()) << self.beat_shift[3].val());
        self.s8_hdr.d.next = self.l4cat.val().get_bits::<128>(16);
        for p in 0..MAX_POS {
            if self.pos_en[p].val() && (self.g_ulane.q.val() == self.pos_lane[p].val()) {
                self.s8_hdr.d.next = self.l4cat.val().get_bits::<128>(self.pos_bit[p].val().index());
            }
        }
        self.s8_beat0.d.next = self.rd_l4.rd_beat[0].val();
        self.s8_ukeep.d.next = self.g_ukeep.q.val();
        self.s8_um1.d.next = self.g_u.q.val() - 1;
        self.s8_pu_beat.d.next = self.rd_l4.rd_prefix.val();
        self.s8_v_.d.next = self.g_v.q.val();
        self.s8_base_.d.next = self.g_base.q.val();
        self.s8_beats_.d.next = self.g_beats.q.val();
        self.s8_c.d.next = self.g_c.q.val();
        self.s8_is6.d.next = self.g_is6.q.val();
        self.s8_u.d.next = self.g_u.q.val();
        self.s8_dg_end.d.next = self.g_dg_end.q.val();
        self.s8_pseudo0.d.next = self.g_addr_sum.q.val() + self.pseudo_udp.val();
        self.s8_pre_l3.d.next = self.g_pre_l3.q.val();

        // ================= cycle 8: UDP and VXLAN fields and their conditions
        self.dport.next = (self.s8_hdr.q.val().get_bits::<16>(16) << 8) | (self.s8_hdr.q.val().get_bits::<16>(16) >> 8);
        self.ulen.next = (self.s8_hdr.q.val().get_bits::<16>(32) << 8) | (self.s8_hdr.q.val().get_bits::<16>(32) >> 8);
        self.ucsum.next = self.s8_hdr.q.val().get_bits::<16>(48);
        self.vlow.next = self.s8_hdr.q.val().get_bits::<8>(120);
        self.rco_flag.next = self.s8_hdr.q.val().get_bit(77);
        self.start.next = bit_cast::<16, 8>(self.vlow.val() & 0x7F) << 1;
        self.offrel.next = self.off_tcp.val();
        if self.vlow.val().get_bit(7) {
            self.offrel.next = self.off_udp.val();
        }
        self.unparsed.next = (self.s8_hdr.q.val().get_bits::<8>(64) & 0xF7).any()
            || self.s8_hdr.q.val().get_bits::<16>(80).any()
            || (self.s8_hdr.q.val().get_bits::<8>(72) & 0xDF).any()
            || (self.rco_flag.val() && !self.remcsum_rx.val())
            || (!self.remcsum_rx.val() && self.vlow.val().any());
        self.c8.next = self.s8_c.q.val();
        // conditions on sums of offsets (18, 20, 25) are taken in cycle 9
        if self.dport.val() != self.port.val() {
            self.c8.next = self.c8.val() | (1 << 19);
        }
        if self.ulen.val() < self.udp_min.val() {
            self.c8.next = self.c8.val() | (1 << 20);
        }
        if !self.ucsum.val().any() && self.s8_is6.q.val() && !self.udp_zero_csum6_rx.val() {
            self.c8.next = self.c8.val() | (1 << 21);
        }
        if self.ucsum.val().any() {
            // pending until the datagram's sum is known
            self.c8.next = self.c8.val() | (1 << 22);
        }
        if self.ulen.val() < self.vxlan_hlen.val() {
            self.c8.next = self.c8.val() | (1 << 23);
        }
        if !self.s8_hdr.q.val().get_bit(67) {
            self.c8.next = self.c8.val() | (1 << 24);
        }
        if self.unparsed.val() {
            self.c8.next = self.c8.val() | (1 << 26);
        }
        if self.ulen.val() < (self.vxlan_hlen.val() + self.eth_hlen.val()) {
            self.c8.next = self.c8.val() | (1 << 27);
        }
        self.sum_hdr_lo.data.next = self.s8_hdr.q.val().get_bits::<64>(0);
        self.sum_hdr_lo.keep.next = self.hsum_keep.val();
        self.sum_hdr_hi.data.next = self.s8_hdr.q.val().get_bits::<64>(64);
        self.sum_hdr_hi.keep.next = self.hsum_keep.val();
        self.sum_u.data.next = self.s8_beat0.q.val();
        self.sum_u.keep.next = self.s8_ukeep.q.val();
        self.i_u8.d.next = self.s8_u.q.val() + self.udp_min.val();
        self.i_dg_end.d.next = self.s8_dg_end.q.val();
        self.i_uend.d.next = bit_cast::<32, 16>(self.s8_u.q.val()) + bit_cast::<32, 16>(self.ulen.val());
        self.i_rco_end.d.next = self.start.val() + self.rco_need_tcp.val();
        if self.vlow.val().get_bit(7) {
            self.i_rco_end.d.next = self.start.val() + self.rco_need_udp.val();
        }
        self.i_rco_chk.d.next = self.remcsum_rx.val() && self.rco_flag.val();
        self.i_v.d.next = self.s8_v_.q.val();
        self.i_base.d.next = self.s8_base_.q.val();
        self.i_beats.d.next = self.s8_beats_.q.val();
        self.i_c.d.next = self.c8.val();
        self.i_u.d.next = self.s8_u.q.val();
        self.i_ulen.d.next = self.ulen.val();
        self.i_dm1.d.next = self.s8_um1.q.val() + self.ulen.val();
        self.i_pu_beat.d.next = self.s8_pu_beat.q.val();
        self.i_pu_lanes.d.next = self.sum_u.sum.val();
        self.i_pb_ip.d.next = self.s8_pu_beat.q.val() - self.s8_pre_l3.q.val();
        self.i_pseudo.d.next = self.s8_pseudo0.q.val() + bit_cast::<32, 16>(self.s8_hdr.q.val().get_bits::<16>(32));
        self.i_hsum_lo.d.next = self.sum_hdr_lo.sum.val();
        self.i_hsum_hi.d.next = self.sum_hdr_hi.sum.val();
        // vni, rco, rco_applied, outer_csum_ok, start, offset
        self.i_meta.d.next = bit_cast::<64, 8>(self.s8_hdr.q.val().get_bits::<8>(96)) << 16
            | bit_cast::<64, 8>(self.s8_hdr.q.val().get_bits::<8>(104)) << 8
            | bit_cast::<64, 8>(self.s8_hdr.q.val().get_bits::<8>(112))
            | bit_cast::<64, 1>((self.remcsum_rx.val() && self.rco_flag.val()).into()) << 24
            | bit_cast::<64, 1>((self.remcsum_rx.val() && self.rco_flag.val() && self.nopartial.val()).into()) << 25
            | bit_cast::<64, 1>(self.ucsum.val().any().into()) << 26
            | bit_cast::<64, 16>(self.start.val()) << 32
            | bit_cast::<64, 16>(self.offrel.val()) << 48;
        self.i_unp_rco.d.next = self.rco_flag.val() && !self.remcsum_rx.val();

        // ================= cycle 9: read the beat holding the datagram's last byte
        self.end_beat.next = self.i_base.q.val() + (self.i_dm1.q.val() >> self.kshift.val());
        self.rd_end.rd_addr.next = self.end_beat.val().get_bits::<AW>(0);
        self.j_keep.d.next = self.keep_of[0].val();
        for i in 0..K {
            if (self.i_dm1.q.val() & self.kmask.val()) == self.lane_id[i].val() {
                self.j_keep.d.next = self.keep_of[i].val();
            }
        }
        self.k_keep.d.next = self.j_keep.q.val();
        self.dl_v[0].d.next = self.i_v.q.val();
        self.dl_base[0].d.next = self.i_base.q.val();
        self.dl_beats[0].d.next = self.i_beats.q.val();
        self.c9.next = self.i_c.q.val();
        if self.i_u8.q.val() > self.i_dg_end.q.val() {
            self.c9.next = self.c9.val() | (1 << 18);
        }
        if self.i_uend.q.val() > bit_cast::<32, 16>(self.i_dg_end.q.val()) {
            self.c9.next = self.c9.val() | (1 << 20);
        }
        if self.i_rco_chk.q.val() && (self.i_rco_end.q.val() > self.i_ulen.q.val()) {
            self.c9.next = self.c9.val() | (1 << 25);
        }
        self.dl_c[0].d.next = self.c9.val();
        self.dl_u[0].d.next = self.i_u.q.val();
        self.dl_ulen[0].d.next = self.i_ulen.q.val();
        self.dl_pu[0].d.next = self.i_pu_beat.q.val() + self.i_pu_lanes.q.val();
        self.dl_pseudo[0].d.next = self.i_pseudo.q.val();
        self.dl_ip[0].d.next = self.i_pb_ip.q.val() + self.i_pu_lanes.q.val();
        self.dl_hsum[0].d.next = self.i_hsum_lo.q.val() + self.i_hsum_hi.q.val();
        self.dl_meta[0].d.next = self.i_meta.q.val();
        self.dl_unp_rco[0].d.next = self.i_unp_rco.q.val();
        for i in 1..DL {
            self.dl_v[i].d.next = self.dl_v[i - 1].q.val();
            self.dl_base[i].d.next = self.dl_base[i - 1].q.val();
            self.dl_beats[i].d.next = self.dl_beats[i - 1].q.val();
            self.dl_c[i].d.next = self.dl_c[i - 1].q.val();
            self.dl_u[i].d.next = self.dl_u[i - 1].q.val();
            self.dl_ulen[i].d.next = self.dl_ulen[i - 1].q.val();
            self.dl_pu[i].d.next = self.dl_pu[i - 1].q.val();
            self.dl_pseudo[i].d.next = self.dl_pseudo[i - 1].q.val();
            self.dl_ip[i].d.next = self.dl_ip[i - 1].q.val();
            self.dl_hsum[i].d.next = self.dl_hsum[i - 1].q.val();
            self.dl_meta[i].d.next = self.dl_meta[i - 1].q.val();
            self.dl_unp_rco[i].d.next = self.dl_unp_rco[i - 1].q.val();
        }
        // ================= cycle 11 (dl[1]): the end's beat from the RAM into flip-flops;
        // 12 (dl[2]): its lane sum; 13 (dl[3]): P(end); 14 (dl[4]): P(end) - P(u);
        // 15 (dl[5]): UDP and inner sums; 16 (dl[6]): folds; 17 (dl[7]): the first condition
        // that holds in each half of the conditions
        self.end_data.d.next = self.rd_end.rd_data.val();
        self.end_keep.d.next = self.k_keep.q.val();
        self.end_pre.d.next = self.rd_end.rd_prefix.val();
        self.sum_end.data.next = self.end_data.q.val();
        self.sum_end.keep.next = self.end_keep.q.val();
        self.l_ls.d.next = self.sum_end.sum.val();
        self.l_pre.d.next = self.end_pre.q.val();
        self.m_pd.d.next = self.l_pre.q.val() + self.l_ls.q.val();
        self.n_d1.d.next = self.m_pd.q.val() - self.dl_pu[4].q.val();
        self.o_udp.d.next = self.n_d1.q.val() + self.dl_pseudo[5].q.val();
        self.o_inner.d.next = self.n_d1.q.val() - self.dl_hsum[5].q.val();
        self.fold_ip.x.next = self.dl_ip[6].q.val();
        self.fold_udp.x.next = self.o_udp.q.val();
        self.cfin.next = self.dl_c[6].q.val();
        if self.fold_ip.all_ones.val() {
            self.cfin.next = self.cfin.val() & self.clr_ip.val();
        }
        if self.fold_udp.all_ones.val() {
            self.cfin.next = self.cfin.val() & self.clr_udp.val();
        }
        self.r_c.d.next = self.cfin.val();
        self.r_inner.d.next = self.o_inner.q.val();
        // one-trip loops: bind LO and NC for the indices (the first condition that holds wins)
        self.lo_code.next = 0.into();
        for n in LO..(LO + 1) {
            for i in 0..LO {
                if self.r_c.q.val().get_bit(n - 1 - i) {
                    self.lo_code.next = self.code[n - 1 - i].val();
                }
            }
        }
        self.hi_code.next = 0.into();
        for n in NC..(NC + 1) {
            for i in 0..HI {
                if self.r_c.q.val().get_bit(n - 1 - i) {
                    self.hi_code.next = self.code[n - 1 - i].val();
                }
            }
        }
        // rco_not_enabled only when the unparsed-bits condition itself wins (an I flag clear
        // shares its code but stays vxlan_flags); a low-half condition outranks it at the join
        if (self.r_c.q.val() & self.below_unparsed.val()) == 0
            && (self.r_c.q.val() & self.unparsed_bit.val()) != 0
            && self.dl_unp_rco[7].q.val()
        {
            self.hi_code.next = self.code_rco_not_enabled.val();
        }
        self.p_lo_any.d.next = (self.r_c.q.val() & self.lo_mask.val()) != 0;
        self.p_lo_code.d.next = self.lo_code.val();
        self.p_hi_code.d.next = self.hi_code.val();
        self.p_drop.d.next = self.r_c.q.val().any();
        self.p_inner.d.next = self.r_inner.q.val();
        // ================= cycle 18 (dl[8]): join the halves
        self.q_v.d.next = self.dl_v[8].q.val();
        self.q_drop.d.next = self.p_drop.q.val();
        self.q_reason.d.next = self.p_hi_code.q.val();
        if self.p_lo_any.q.val() {
            self.q_reason.d.next = self.p_lo_code.q.val();
        }
        self.q_base.d.next = self.dl_base[8].q.val();
        self.q_beats.d.next = self.dl_beats[8].q.val();
        self.q_inner_off.d.next = self.dl_u[8].q.val() + self.vxlan_hlen.val();
        self.q_inner_len.d.next = self.dl_ulen[8].q.val() - self.vxlan_hlen.val();
        self.q_meta.d.next = self.dl_meta[8].q.val();
        self.q_inner.d.next = self.p_inner.q.val();
        self.q_rc_off.d.next = self.dl_meta[8].q.val().get_bits::<16>(32) + self.dl_meta[8].q.val().get_bits::<16>(48);

        self.d_valid.next = self.q_v.q.val();
        self.d_deliver.next = !self.q_drop.q.val();
        self.d_reason.next = self.q_reason.q.val();
        self.d_base.next = self.q_base.q.val();
        self.d_beats.next = self.q_beats.q.val();
        self.d_inner_off.next = self.q_inner_off.q.val();
        self.d_inner_len.next = self.q_inner_len.q.val();
        self.d_vni.next = self.q_meta.q.val().get_bits::<24>(0);
        self.d_rco.next = self.q_meta.q.val().get_bit(24);
        self.d_rco_applied.next = self.q_meta.q.val().get_bit(25);
        self.d_outer_csum_ok.next = self.q_meta.q.val().get_bit(26);
        self.d_csum_start.next = 0.into();
        self.d_csum_offset.next = 0.into();
        if self.q_meta.q.val().get_bit(24) && !self.q_meta.q.val().get_bit(25) {
            self.d_csum_start.next = self.q_meta.q.val().get_bits::<16>(32);
            self.d_csum_offset.next = self.q_meta.q.val().get_bits::<16>(48);
        }
        self.d_inner_sum.next = self.q_inner.q.val();
        self.d_remcsum_start.next = self.q_meta.q.val().get_bits::<16>(32);
        self.d_remcsum_offset.next = self.q_rc_off.q.val();
        // reset: the valid line, stage by stage
        if self.rst.val() {
            self.a_v.d.next = false;
            self.b_v.d.next = false;
            self.c_v.d.next = false;
            self.d_v_.d.next = false;
            self.e_v.d.next = false;
            self.f_v.d.next = false;
            self.g_v.d.next = false;
            self.s8_v_.d.next = false;
            self.i_v.d.next = false;
            for i in 0..DL {
                self.dl_v[i].d.next = false;
            }
            self.q_v.d.next = false;
        }
    }
}
