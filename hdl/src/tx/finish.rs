//! `TxFinish`: turns each frame's record from the ingress, its descriptor and the checksum
//! engines' sums into its egress plan (outer checksums, lengths, beat layout), one frame per
//! clock, in a fixed-latency pipeline that never stalls.
//!
//! The records (`dec_*`) wait in a FIFO for the engines' pulse; the pulse pops the record and
//! the descriptor queue's head together. A dropped frame's pulse pops them and returns its
//! credit (`dropped`); a good frame's descriptor is copied to the fields queue
//! (`fields_push`) and its plan leaves on `plan` [`LATENCY`] clocks later.
//!
//! # Pipeline (a frame per clock; every stage at most two 24-bit adds deep)
//! | stage | does |
//! |---|---|
//! | a | address words in pairs, ports, VNI, id + TTL; the RCO byte; lengths; the payload sum swapped; the completed inner checksum |
//! | b | address sums (IPv4, IPv6 halves), UDP + VXLAN descriptor part, IPv4 header constant part; UDP and IP lengths; frame total, patch position; completion terms at the field's parity |
//! | c | address sum of the family; UDP sum base parts; IPv4 sum; beats, header beats, last keep, patch beats and lanes |
//! | d | UDP base; IPv4 fold; payload + completion |
//! | e | IPv4 checksum; UDP sum |
//! | f | UDP fold |
//! | g | UDP checksum (0 sent as 0xFFFF; 0 when not wanted): the plan |
//!
//! # Checksums in lane order
//! Multi-byte header fields are kept in lane (wire) order, so 16-bit slices of the header are
//! byte-swapped big-endian words. A ones'-complement sum commutes with a byte swap (RFC 1071),
//! so the IPv4 and UDP checksums are summed over these little-endian words and the
//! complemented fold is written back as is. The engine's payload sum (big-endian) is swapped
//! once. A completed inner checksum changes the payload sum by `new - old` at the field's
//! parity (swapped for an even field offset). Partial sums are plain 24-bit numbers folded
//! once at the end: the end-around fold of a plain sum is exactly golden's `fold`.
//!
//! `rst` (synchronous, active high) empties the record FIFOs and clears every stage's valid
//! flag; the stages' sums, lengths and layout (data) are not reset.

use super::desc::TxDescSink;
use super::plan::TxPlanSource;
use crate::headers::{outer_header_len, vxlan};
use crate::reg_fifo::RegFifo;
use rust_hdl::prelude::*;

/// Clocks from the engines' pulse to the plan's `valid`.
pub const LATENCY: usize = 7;

#[derive(LogicBlock)]
pub struct TxFinish<const K: usize, const Q: usize> {
    pub clock: Signal<In, Clock>,
    /// synchronous reset, active high: see the module doc
    pub rst: Signal<In, Bit>,
    /// a frame's record from the ingress (pushed into the record FIFO)
    pub dec_valid: Signal<In, Bit>,
    pub dec_drop: Signal<In, Bit>,
    pub dec_len: Signal<In, Bits<16>>,
    pub dec_old: Signal<In, Bits<16>>,
    /// the engines' pulse and sums
    pub sum_valid: Signal<In, Bit>,
    pub sum_all: Signal<In, Bits<16>>,
    pub csum_inner: Signal<In, Bits<16>>,
    /// the descriptor queue's head, popped with each pulse
    pub desc: TxDescSink,
    /// a good frame's descriptor goes on to the fields queue
    pub fields_push: Signal<Out, Bit>,
    /// a dropped frame left the pipeline
    pub dropped: Signal<Out, Bit>,
    pub plan: TxPlanSource<K>,
    // parameters
    lane_mask: Constant<Bits<16>>,
    beat_shift: Constant<Bits<16>>,
    ones: Constant<Bits<K>>,
    /// outer header lengths: IPv4, IPv4 + 802.1Q, IPv6, IPv6 + 802.1Q
    hlen_v4: Constant<Bits<16>>,
    hlen_v4t: Constant<Bits<16>>,
    hlen_v6: Constant<Bits<16>>,
    hlen_v6t: Constant<Bits<16>>,
    /// RCO: the largest start it can carry, the two checksum offsets, the UDP kind bit
    rco_start_max: Constant<Bits<16>>,
    rco_off_udp: Constant<Bits<16>>,
    rco_off_tcp: Constant<Bits<16>>,
    rco_udp: Constant<Bits<8>>,
    rec_drop: RegFifo<Bit, Q>,
    rec_len: RegFifo<Bits<16>, Q>,
    rec_old: RegFifo<Bits<16>, Q>,
    pulse: Signal<Local, Bit>,
    use_rco: Signal<Local, Bit>,
    rco_byte: Signal<Local, Bits<8>>,
    ip_id_le: Signal<Local, Bits<16>>,
    sport_le: Signal<Local, Bits<16>>,
    dport_le: Signal<Local, Bits<16>>,
    vni_mid: Signal<Local, Bits<16>>,
    new_field: Signal<Local, Bits<16>>,
    // ---- a
    a_valid: DFF<Bit>,
    a_s01: DFF<Bits<24>>,
    a_s23: DFF<Bits<24>>,
    a_s45: DFF<Bits<24>>,
    a_s67: DFF<Bits<24>>,
    a_d01: DFF<Bits<24>>,
    a_d23: DFF<Bits<24>>,
    a_d45: DFF<Bits<24>>,
    a_d67: DFF<Bits<24>>,
    a_ports: DFF<Bits<24>>,
    a_vni: DFF<Bits<24>>,
    a_ipid: DFF<Bits<24>>,
    a_vx0: DFF<Bits<16>>,
    a_vx3: DFF<Bits<16>>,
    a_len: DFF<Bits<16>>,
    a_old: DFF<Bits<16>>,
    a_field: DFF<Bits<16>>,
    a_hlen: DFF<Bits<16>>,
    a_v6: DFF<Bit>,
    a_udp_csum: DFF<Bit>,
    a_patch: DFF<Bit>,
    a_pay: DFF<Bits<16>>,
    a_newf: DFF<Bits<16>>,
    // ---- b
    b_valid: DFF<Bit>,
    b_a4: DFF<Bits<24>>,
    b_a6a: DFF<Bits<24>>,
    b_a6b: DFF<Bits<24>>,
    b_u: DFF<Bits<24>>,
    b_i: DFF<Bits<24>>,
    b_ulen: DFF<Bits<16>>,
    b_iplen: DFF<Bits<16>>,
    b_total: DFF<Bits<16>>,
    b_pa: DFF<Bits<16>>,
    b_words: DFF<Bits<16>>,
    b_hbeats: DFF<Bits<16>>,
    b_oldc: DFF<Bits<16>>,
    b_newc: DFF<Bits<16>>,
    b_v6: DFF<Bit>,
    b_udp_csum: DFF<Bit>,
    b_patch: DFF<Bit>,
    b_pay: DFF<Bits<16>>,
    b_newf: DFF<Bits<16>>,
    b_vx0: DFF<Bits<16>>,
    b_vx3: DFF<Bits<16>>,
    // ---- c
    c_valid: DFF<Bit>,
    c_ua: DFF<Bits<24>>,
    c_ul: DFF<Bits<24>>,
    c_is: DFF<Bits<24>>,
    c_oldc: DFF<Bits<16>>,
    c_pn: DFF<Bits<24>>,
    rem: Signal<Local, Bits<16>>,
    ulen_le: Signal<Local, Bits<16>>,
    iplen_le: Signal<Local, Bits<16>>,
    c_udp_csum: DFF<Bit>,
    c_ulen: DFF<Bits<16>>,
    c_iplen: DFF<Bits<16>>,
    c_beats: DFF<Bits<16>>,
    c_hbeats: DFF<Bits<16>>,
    c_words: DFF<Bits<16>>,
    c_last_keep: DFF<Bits<K>>,
    c_pab: DFF<Bits<16>>,
    c_pbb: DFF<Bits<16>>,
    c_la: DFF<Bits<16>>,
    c_lb: DFF<Bits<16>>,
    c_newf: DFF<Bits<16>>,
    c_patch: DFF<Bit>,
    c_vx0: DFF<Bits<16>>,
    c_vx3: DFF<Bits<16>>,
    // ---- d
    d_valid: DFF<Bit>,
    d_base: DFF<Bits<24>>,
    d_if: DFF<Bits<16>>,
    d_pn: DFF<Bits<24>>,
    is_r0: Signal<Local, Bits<24>>,
    is_r1: Signal<Local, Bits<24>>,
    // ---- e
    e_valid: DFF<Bit>,
    e_icsum: DFF<Bits<16>>,
    e_x: DFF<Bits<24>>,
    // ---- f
    f_valid: DFF<Bit>,
    f_uf: DFF<Bits<16>>,
    f_icsum: DFF<Bits<16>>,
    x_r0: Signal<Local, Bits<24>>,
    x_r1: Signal<Local, Bits<24>>,
    // ---- g
    g_valid: DFF<Bit>,
    g_ucsum: DFF<Bits<16>>,
    g_icsum: DFF<Bits<16>>,
    // the layout's fields ride from c to g
    d_lay: [DFF<Bits<16>>; 12],
    e_lay: [DFF<Bits<16>>; 12],
    f_lay: [DFF<Bits<16>>; 12],
    g_lay: [DFF<Bits<16>>; 12],
    d_keep: DFF<Bits<K>>,
    e_keep: DFF<Bits<K>>,
    f_keep: DFF<Bits<K>>,
    g_keep: DFF<Bits<K>>,
    /// d, e, f, g copies of c_patch and c_udp_csum
    patch_dl: [DFF<Bit>; 4],
    udp_csum_dl: [DFF<Bit>; 4],
}

impl<const K: usize, const Q: usize> Default for TxFinish<K, Q> {
    fn default() -> Self {
        assert!(K.is_power_of_two() && K <= 64);
        let c16 = |v: usize| Constant::new((v as u64).into());
        Self {
            clock: Default::default(),
            rst: Default::default(),
            dec_valid: Default::default(),
            dec_drop: Default::default(),
            dec_len: Default::default(),
            dec_old: Default::default(),
            sum_valid: Default::default(),
            sum_all: Default::default(),
            csum_inner: Default::default(),
            desc: Default::default(),
            fields_push: Default::default(),
            dropped: Default::default(),
            plan: Default::default(),
            lane_mask: c16(K - 1),
            beat_shift: c16(K.trailing_zeros() as usize),
            ones: Constant::new(Bits::<K>::mask()),
            hlen_v4: c16(outer_header_len(false, false)),
            hlen_v4t: c16(outer_header_len(false, true)),
            hlen_v6: c16(outer_header_len(true, false)),
            hlen_v6t: c16(outer_header_len(true, true)),
            rco_start_max: c16(2 * vxlan::RCO_START_MASK as usize),
            rco_off_udp: c16(vxlan::RCO_OFFSET_UDP as usize),
            rco_off_tcp: c16(vxlan::RCO_OFFSET_TCP as usize),
            rco_udp: Constant::new((vxlan::RCO_UDP as u64).into()),
            rec_drop: RegFifo::new(),
            rec_len: RegFifo::new(),
            rec_old: RegFifo::new(),
            pulse: Default::default(),
            use_rco: Default::default(),
            rco_byte: Default::default(),
            ip_id_le: Default::default(),
            sport_le: Default::default(),
            dport_le: Default::default(),
            vni_mid: Default::default(),
            new_field: Default::default(),
            a_valid: Default::default(),
            a_s01: Default::default(),
            a_s23: Default::default(),
            a_s45: Default::default(),
            a_s67: Default::default(),
            a_d01: Default::default(),
            a_d23: Default::default(),
            a_d45: Default::default(),
            a_d67: Default::default(),
            a_ports: Default::default(),
            a_vni: Default::default(),
            a_ipid: Default::default(),
            a_vx0: Default::default(),
            a_vx3: Default::default(),
            a_len: Default::default(),
            a_old: Default::default(),
            a_field: Default::default(),
            a_hlen: Default::default(),
            a_v6: Default::default(),
            a_udp_csum: Default::default(),
            a_patch: Default::default(),
            a_pay: Default::default(),
            a_newf: Default::default(),
            b_valid: Default::default(),
            b_a4: Default::default(),
            b_a6a: Default::default(),
            b_a6b: Default::default(),
            b_u: Default::default(),
            b_i: Default::default(),
            b_ulen: Default::default(),
            b_iplen: Default::default(),
            b_total: Default::default(),
            b_pa: Default::default(),
            b_words: Default::default(),
            b_hbeats: Default::default(),
            b_oldc: Default::default(),
            b_newc: Default::default(),
            b_v6: Default::default(),
            b_udp_csum: Default::default(),
            b_patch: Default::default(),
            b_pay: Default::default(),
            b_newf: Default::default(),
            b_vx0: Default::default(),
            b_vx3: Default::default(),
            c_valid: Default::default(),
            c_ua: Default::default(),
            c_ul: Default::default(),
            c_is: Default::default(),
            c_oldc: Default::default(),
            c_pn: Default::default(),
            rem: Default::default(),
            ulen_le: Default::default(),
            iplen_le: Default::default(),
            c_udp_csum: Default::default(),
            c_ulen: Default::default(),
            c_iplen: Default::default(),
            c_beats: Default::default(),
            c_hbeats: Default::default(),
            c_words: Default::default(),
            c_last_keep: Default::default(),
            c_pab: Default::default(),
            c_pbb: Default::default(),
            c_la: Default::default(),
            c_lb: Default::default(),
            c_newf: Default::default(),
            c_patch: Default::default(),
            c_vx0: Default::default(),
            c_vx3: Default::default(),
            d_valid: Default::default(),
            d_base: Default::default(),
            d_if: Default::default(),
            d_pn: Default::default(),
            is_r0: Default::default(),
            is_r1: Default::default(),
            e_valid: Default::default(),
            e_icsum: Default::default(),
            e_x: Default::default(),
            f_valid: Default::default(),
            f_uf: Default::default(),
            f_icsum: Default::default(),
            x_r0: Default::default(),
            x_r1: Default::default(),
            g_valid: Default::default(),
            g_ucsum: Default::default(),
            g_icsum: Default::default(),
            d_lay: std::array::from_fn(|_| Default::default()),
            e_lay: std::array::from_fn(|_| Default::default()),
            f_lay: std::array::from_fn(|_| Default::default()),
            g_lay: std::array::from_fn(|_| Default::default()),
            d_keep: Default::default(),
            e_keep: Default::default(),
            f_keep: Default::default(),
            g_keep: Default::default(),
            patch_dl: std::array::from_fn(|_| Default::default()),
            udp_csum_dl: std::array::from_fn(|_| Default::default()),
        }
    }
}

impl<const K: usize, const Q: usize> Logic for TxFinish<K, Q> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, a_valid, a_s01, a_s23, a_s45, a_s67, a_d01, a_d23, a_d45, a_d67, a_ports,
            a_vni, a_ipid, a_vx0, a_vx3, a_len, a_old, a_field, a_hlen, a_v6, a_udp_csum, a_patch,
            a_pay, a_newf, b_valid, b_a4, b_a6a, b_a6b, b_u, b_i, b_ulen, b_iplen, b_total, b_pa,
            b_words, b_hbeats, b_oldc, b_newc, b_v6, b_udp_csum, b_patch, b_pay, b_newf, b_vx0, b_vx3, c_valid,
            c_ua, c_ul, c_is, c_oldc, c_pn, c_udp_csum, c_ulen, c_iplen, c_beats, c_hbeats,
            c_words, c_last_keep, c_pab, c_pbb, c_la, c_lb, c_newf, c_patch, c_vx0, c_vx3, d_valid, d_base,
            d_if, d_pn, e_valid, e_icsum, e_x, f_valid, f_uf, f_icsum, g_valid, g_ucsum, g_icsum,
            d_keep, e_keep, f_keep, g_keep
        );
        for i in 0..4 {
            self.patch_dl[i].clock.next = self.clock.val();
            self.udp_csum_dl[i].clock.next = self.clock.val();
        }
        for i in 0..12 {
            self.d_lay[i].clock.next = self.clock.val();
            self.e_lay[i].clock.next = self.clock.val();
            self.f_lay[i].clock.next = self.clock.val();
            self.g_lay[i].clock.next = self.clock.val();
        }
        // ---- records wait for their frame's pulse
        self.rec_drop.clock.next = self.clock.val();
        self.rec_drop.rst.next = self.rst.val();
        self.rec_len.clock.next = self.clock.val();
        self.rec_len.rst.next = self.rst.val();
        self.rec_old.clock.next = self.clock.val();
        self.rec_old.rst.next = self.rst.val();
        self.rec_drop.push.next = self.dec_valid.val();
        self.rec_len.push.next = self.dec_valid.val();
        self.rec_old.push.next = self.dec_valid.val();
        self.rec_drop.din.next = self.dec_drop.val();
        self.rec_len.din.next = self.dec_len.val();
        self.rec_old.din.next = self.dec_old.val();
        self.pulse.next = self.sum_valid.val();
        self.rec_drop.pop.next = self.pulse.val();
        self.rec_len.pop.next = self.pulse.val();
        self.rec_old.pop.next = self.pulse.val();
        self.desc.ready.next = self.pulse.val();
        self.fields_push.next = self.pulse.val() && !self.rec_drop.dout.val();
        self.dropped.next = self.pulse.val() && self.rec_drop.dout.val();

        // ================= a
        self.use_rco.next = self.desc.rco.val()
            && self.desc.partial.val()
            && (self.desc.csum_start.val() <= self.rco_start_max.val())
            && !self.desc.csum_start.val().get_bit(0)
            && ((self.desc.csum_offset.val() == self.rco_off_udp.val()) || (self.desc.csum_offset.val() == self.rco_off_tcp.val()));
        // RCO byte: start in 2-byte units, bit 7 for UDP
        self.rco_byte.next = 0.into();
        if self.use_rco.val() {
            self.rco_byte.next = bit_cast::<8, 16>(self.desc.csum_start.val() >> 1);
            if self.desc.csum_offset.val() == self.rco_off_udp.val() {
                self.rco_byte.next = bit_cast::<8, 16>(self.desc.csum_start.val() >> 1) | self.rco_udp.val();
            }
        }
        self.ip_id_le.next = (self.desc.ip_id.val() << 8) | (self.desc.ip_id.val() >> 8);
        self.sport_le.next = (self.desc.udp_sport.val() << 8) | (self.desc.udp_sport.val() >> 8);
        self.dport_le.next = (self.desc.udp_dport.val() << 8) | (self.desc.udp_dport.val() >> 8);
        // VNI bytes 4 and 5 of the VXLAN header, lane order
        self.vni_mid.next = (bit_cast::<16, 24>(self.desc.vni.val() >> 16))
            | (bit_cast::<16, 24>(self.desc.vni.val() >> 8) << 8);
        self.a_valid.d.next = self.pulse.val() && !self.rec_drop.dout.val();
        self.a_s01.d.next = bit_cast::<24, 16>(self.desc.src_ip.val().get_bits::<16>(0))
            + bit_cast::<24, 16>(self.desc.src_ip.val().get_bits::<16>(16));
        self.a_s23.d.next = bit_cast::<24, 16>(self.desc.src_ip.val().get_bits::<16>(32))
            + bit_cast::<24, 16>(self.desc.src_ip.val().get_bits::<16>(48));
        self.a_s45.d.next = bit_cast::<24, 16>(self.desc.src_ip.val().get_bits::<16>(64))
            + bit_cast::<24, 16>(self.desc.src_ip.val().get_bits::<16>(80));
        self.a_s67.d.next = bit_cast::<24, 16>(self.desc.src_ip.val().get_bits::<16>(96))
            + bit_cast::<24, 16>(self.desc.src_ip.val().get_bits::<16>(112));
        self.a_d01.d.next = bit_cast::<24, 16>(self.desc.dst_ip.val().get_bits::<16>(0))
            + bit_cast::<24, 16>(self.desc.dst_ip.val().get_bits::<16>(16));
        self.a_d23.d.next = bit_cast::<24, 16>(self.desc.dst_ip.val().get_bits::<16>(32))
            + bit_cast::<24, 16>(self.desc.dst_ip.val().get_bits::<16>(48));
        self.a_d45.d.next = bit_cast::<24, 16>(self.desc.dst_ip.val().get_bits::<16>(64))
            + bit_cast::<24, 16>(self.desc.dst_ip.val().get_bits::<16>(80));
        self.a_d67.d.next = bit_cast::<24, 16>(self.desc.dst_ip.val().get_bits::<16>(96))
            + bit_cast::<24, 16>(self.desc.dst_ip.val().get_bits::<16>(112));
        self.a_ports.d.next = bit_cast::<24, 16>(self.sport_le.val()) + bit_cast::<24, 16>(self.dport_le.val());
        // the pseudo header's protocol (17) and the IPv4 header's, lane order, ride in these constants
        self.a_vni.d.next = bit_cast::<24, 16>(self.vni_mid.val()) + 0x1100;
        self.a_ipid.d.next =
            bit_cast::<24, 16>(self.ip_id_le.val()) + (bit_cast::<24, 8>(self.desc.ttl.val()) | 0x1100);
        self.a_vx0.d.next = 0x08.into();
        if self.use_rco.val() {
            self.a_vx0.d.next = 0x2008.into();
        }
        self.a_vx3.d.next =
            bit_cast::<16, 24>(self.desc.vni.val() & 0xFF) | (bit_cast::<16, 8>(self.rco_byte.val()) << 8);
        self.a_len.d.next = self.rec_len.dout.val();
        self.a_old.d.next = self.rec_old.dout.val();
        self.a_field.d.next = self.desc.csum_start.val() + self.desc.csum_offset.val();
        self.a_hlen.d.next = self.hlen_v4.val();
        if self.desc.vlan.val() && self.desc.ipv6.val() {
            self.a_hlen.d.next = self.hlen_v6t.val();
        } else if self.desc.ipv6.val() {
            self.a_hlen.d.next = self.hlen_v6.val();
        } else if self.desc.vlan.val() {
            self.a_hlen.d.next = self.hlen_v4t.val();
        }
        self.a_v6.d.next = self.desc.ipv6.val();
        self.a_udp_csum.d.next = self.desc.udp_csum.val();
        self.a_patch.d.next = self.desc.partial.val() && !self.use_rco.val();
        self.a_pay.d.next = (self.sum_all.val() << 8) | (self.sum_all.val() >> 8);
        // csum_fold of the sum from csum_start, a computed 0 sent as 0xFFFF
        self.new_field.next = self.csum_inner.val();
        if !self.csum_inner.val().any() {
            self.new_field.next = 0xFFFF.into();
        }
        self.a_newf.d.next = self.new_field.val();

        // ================= b
        self.b_valid.d.next = self.a_valid.q.val();
        self.b_a4.d.next = self.a_s01.q.val() + self.a_d01.q.val();
        self.b_a6a.d.next = (self.a_s01.q.val() + self.a_s23.q.val()) + (self.a_s45.q.val() + self.a_s67.q.val());
        self.b_a6b.d.next = (self.a_d01.q.val() + self.a_d23.q.val()) + (self.a_d45.q.val() + self.a_d67.q.val());
        self.b_u.d.next = (self.a_ports.q.val() + self.a_vni.q.val())
            + (bit_cast::<24, 16>(self.a_vx0.q.val()) + bit_cast::<24, 16>(self.a_vx3.q.val()));
        // IPv4 header: version/IHL, id, TTL/protocol, addresses
        self.b_i.d.next = (self.a_ipid.q.val() + self.a_s01.q.val()) + (self.a_d01.q.val() + 0x0045);
        self.b_ulen.d.next = self.a_len.q.val() + 16;
        self.b_iplen.d.next = self.a_len.q.val() + 36;
        self.b_total.d.next = self.a_hlen.q.val() + self.a_len.q.val();
        self.b_pa.d.next = self.a_hlen.q.val() + self.a_field.q.val();
        self.b_words.d.next = (self.a_len.q.val() + self.lane_mask.val()) >> self.beat_shift.val();
        self.b_hbeats.d.next = self.a_hlen.q.val() >> self.beat_shift.val();
        // old field bytes as a word at the field's parity, complemented; the new one likewise
        self.b_oldc.d.next = 0.into();
        self.b_newc.d.next = 0.into();
        if self.a_patch.q.val() {
            if self.a_field.q.val().get_bit(0) {
                self.b_oldc.d.next = !self.a_old.q.val();
                self.b_newc.d.next = self.a_newf.q.val();
            } else {
                self.b_oldc.d.next = !((self.a_old.q.val() << 8) | (self.a_old.q.val() >> 8));
                self.b_newc.d.next = (self.a_newf.q.val() << 8) | (self.a_newf.q.val() >> 8);
            }
        }
        self.b_v6.d.next = self.a_v6.q.val();
        self.b_udp_csum.d.next = self.a_udp_csum.q.val();
        self.b_patch.d.next = self.a_patch.q.val();
        self.b_pay.d.next = self.a_pay.q.val();
        self.b_newf.d.next = self.a_newf.q.val();
        self.b_vx0.d.next = self.a_vx0.q.val();
        self.b_vx3.d.next = self.a_vx3.q.val();

        // ================= c
        self.c_valid.d.next = self.b_valid.q.val();
        self.c_ua.d.next = self.b_a4.q.val();
        if self.b_v6.q.val() {
            self.c_ua.d.next = self.b_a6a.q.val() + self.b_a6b.q.val();
        }
        // the UDP length appears twice (pseudo header and UDP header)
        // (swapped into 16-bit signals first: in a 24-bit Verilog expression `x << 8` keeps
        // the byte that rust-hdl's 16-bit value drops)
        self.ulen_le.next = (self.b_ulen.q.val() << 8) | (self.b_ulen.q.val() >> 8);
        self.iplen_le.next = (self.b_iplen.q.val() << 8) | (self.b_iplen.q.val() >> 8);
        self.c_ulen.d.next = self.ulen_le.val();
        self.c_iplen.d.next = self.iplen_le.val();
        self.c_ul.d.next = self.b_u.q.val() + (bit_cast::<24, 16>(self.ulen_le.val()) << 1);
        self.c_is.d.next = self.b_i.q.val() + bit_cast::<24, 16>(self.iplen_le.val());
        self.c_oldc.d.next = self.b_oldc.q.val();
        self.c_pn.d.next = bit_cast::<24, 16>(self.b_pay.q.val()) + bit_cast::<24, 16>(self.b_newc.q.val());
        self.c_udp_csum.d.next = self.b_udp_csum.q.val();
        self.c_beats.d.next = (self.b_total.q.val() + self.lane_mask.val()) >> self.beat_shift.val();
        self.c_hbeats.d.next = self.b_hbeats.q.val();
        self.c_words.d.next = self.b_words.q.val();
        self.rem.next = self.b_total.q.val() & self.lane_mask.val();
        self.c_last_keep.d.next = !(self.ones.val() << self.rem.val());
        if !self.rem.val().any() {
            self.c_last_keep.d.next = self.ones.val();
        }
        self.c_pab.d.next = self.b_pa.q.val() >> self.beat_shift.val();
        self.c_pbb.d.next = (self.b_pa.q.val() + 1) >> self.beat_shift.val();
        self.c_la.d.next = (self.b_pa.q.val() & self.lane_mask.val()) << 3;
        self.c_lb.d.next = ((self.b_pa.q.val() + 1) & self.lane_mask.val()) << 3;
        self.c_newf.d.next = self.b_newf.q.val();
        self.c_patch.d.next = self.b_patch.q.val();
        self.c_vx0.d.next = self.b_vx0.q.val();
        self.c_vx3.d.next = self.b_vx3.q.val();

        // ================= d
        self.d_valid.d.next = self.c_valid.q.val();
        self.d_base.d.next = (self.c_ua.q.val() + self.c_ul.q.val()) + bit_cast::<24, 16>(self.c_oldc.q.val());
        // IPv4 fold with its end-around carry (lo + hi and lo + hi + 1 side by side)
        self.is_r0.next = bit_cast::<24, 16>(self.c_is.q.val().get_bits::<16>(0))
            + bit_cast::<24, 8>(self.c_is.q.val().get_bits::<8>(16));
        self.is_r1.next = bit_cast::<24, 16>(self.c_is.q.val().get_bits::<16>(0))
            + (bit_cast::<24, 8>(self.c_is.q.val().get_bits::<8>(16)) + 1);
        self.d_if.d.next = self.is_r0.val().get_bits::<16>(0);
        if self.is_r0.val().get_bit(16) {
            self.d_if.d.next = self.is_r1.val().get_bits::<16>(0);
        }
        self.d_pn.d.next = self.c_pn.q.val();

        // ================= e
        self.e_valid.d.next = self.d_valid.q.val();
        self.e_icsum.d.next = !self.d_if.q.val();
        self.e_x.d.next = self.d_pn.q.val() + self.d_base.q.val();

        // ================= f
        self.f_valid.d.next = self.e_valid.q.val();
        self.x_r0.next = bit_cast::<24, 16>(self.e_x.q.val().get_bits::<16>(0))
            + bit_cast::<24, 8>(self.e_x.q.val().get_bits::<8>(16));
        self.x_r1.next = bit_cast::<24, 16>(self.e_x.q.val().get_bits::<16>(0))
            + (bit_cast::<24, 8>(self.e_x.q.val().get_bits::<8>(16)) + 1);
        self.f_uf.d.next = self.x_r0.val().get_bits::<16>(0);
        if self.x_r0.val().get_bit(16) {
            self.f_uf.d.next = self.x_r1.val().get_bits::<16>(0);
        }
        self.f_icsum.d.next = self.e_icsum.q.val();

        // ================= g: a computed 0 is sent as 0xFFFF (0 means "no checksum")
        self.g_valid.d.next = self.f_valid.q.val();
        self.g_ucsum.d.next = !self.f_uf.q.val();
        if self.f_uf.q.val() == 0xFFFF {
            self.g_ucsum.d.next = 0xFFFF.into();
        }
        if !self.udp_csum_dl[2].q.val() {
            self.g_ucsum.d.next = 0.into();
        }
        self.g_icsum.d.next = self.f_icsum.q.val();

        // ---- the layout rides along from c to g
        self.d_lay[0].d.next = self.c_ulen.q.val();
        self.d_lay[1].d.next = self.c_iplen.q.val();
        self.d_lay[2].d.next = self.c_beats.q.val();
        self.d_lay[3].d.next = self.c_hbeats.q.val();
        self.d_lay[4].d.next = self.c_words.q.val();
        self.d_lay[5].d.next = self.c_pab.q.val();
        self.d_lay[6].d.next = self.c_pbb.q.val();
        self.d_lay[7].d.next = self.c_la.q.val();
        self.d_lay[8].d.next = self.c_lb.q.val();
        self.d_lay[9].d.next = self.c_newf.q.val();
        self.d_lay[10].d.next = self.c_vx0.q.val();
        self.d_lay[11].d.next = self.c_vx3.q.val();
        for i in 0..12 {
            self.e_lay[i].d.next = self.d_lay[i].q.val();
            self.f_lay[i].d.next = self.e_lay[i].q.val();
            self.g_lay[i].d.next = self.f_lay[i].q.val();
        }
        self.d_keep.d.next = self.c_last_keep.q.val();
        self.e_keep.d.next = self.d_keep.q.val();
        self.f_keep.d.next = self.e_keep.q.val();
        self.g_keep.d.next = self.f_keep.q.val();
        self.patch_dl[0].d.next = self.c_patch.q.val();
        self.udp_csum_dl[0].d.next = self.c_udp_csum.q.val();
        for i in 1..4 {
            self.patch_dl[i].d.next = self.patch_dl[i - 1].q.val();
            self.udp_csum_dl[i].d.next = self.udp_csum_dl[i - 1].q.val();
        }

        self.plan.valid.next = self.g_valid.q.val();
        self.plan.udp_csum.next = self.g_ucsum.q.val();
        self.plan.ip_csum.next = self.g_icsum.q.val();
        self.plan.udp_len.next = self.g_lay[0].q.val();
        self.plan.ip_len.next = self.g_lay[1].q.val();
        self.plan.beats.next = self.g_lay[2].q.val();
        self.plan.hdr_beats.next = self.g_lay[3].q.val();
        self.plan.words.next = self.g_lay[4].q.val();
        self.plan.patch_beat_a.next = self.g_lay[5].q.val();
        self.plan.patch_beat_b.next = self.g_lay[6].q.val();
        self.plan.patch_first_a.next = !self.g_lay[5].q.val().any();
        self.plan.patch_first_b.next = !self.g_lay[6].q.val().any();
        self.plan.patch_bit_a.next = self.g_lay[7].q.val();
        self.plan.patch_bit_b.next = self.g_lay[8].q.val();
        self.plan.inner_csum.next = self.g_lay[9].q.val();
        self.plan.vxlan_flags.next = self.g_lay[10].q.val();
        self.plan.vni_low.next = self.g_lay[11].q.val();
        self.plan.last_keep.next = self.g_keep.q.val();
        self.plan.patch.next = self.patch_dl[3].q.val();
        // reset: the stages' valid flags (the record FIFOs reset themselves)
        if self.rst.val() {
            self.a_valid.d.next = false;
            self.b_valid.d.next = false;
            self.c_valid.d.next = false;
            self.d_valid.d.next = false;
            self.e_valid.d.next = false;
            self.f_valid.d.next = false;
            self.g_valid.d.next = false;
        }
    }
}
