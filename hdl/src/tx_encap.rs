//! `TxEncap`: the TX path. Takes a host frame (AXI4-Stream) and its descriptor (sideband
//! valid/ready, the fields of golden `TxDescriptor`), and emits the VXLAN frame: outer
//! Ethernet [802.1Q] / IPv4 (header checksum) or IPv6 / UDP (checksum over the datagram)
//! / VXLAN with the RCO bits, then the inner frame, byte-identical to golden `tx_encap`.
//!
//! # Pipeline (store and forward, double buffered)
//! ```text
//!  desc --> [ingress: latch desc, write beats to RAM, CsumEngine x2] --Wait(4)--> Ready --> slot
//!                                                                                   |  handoff
//!  m_axis <-- [egress: header beats from e_h, then RAM words realigned by hlen % K] <-+
//! ```
//! * Ingress (`i_state`): `Idle` (desc.ready) -> `Recv` (beats to the RAM ring at `wr_ptr`,
//!   both checksum engines see every beat) -> `Wait` (engine latency; when the sums arrive:
//!   error checks, inner checksum, IPv4 and outer UDP checksums, registered) -> `Ready`,
//!   which builds the outer header into the one-packet slot (`s_*`) as soon as it is free
//!   and accepts the next descriptor in the same cycle; or, on a `TxError`-class fault,
//!   back to `Idle` with `wr_ptr` rewound and a drop counter bumped.
//! * Slot -> egress: an idle egress, or one sending its last beat, takes the slot. So up to
//!   three packets are in flight (sending, waiting in the slot, being received).
//! * Egress (`e_state`): at handoff builds the outer header (lane order) into the `e_h`
//!   shift register, then sends `hlen / K` header beats, then data beats
//!   `(word << 8r) | carry` with `r = hlen % K` (2/6/... lanes: 50/54/70/74 bytes), the
//!   first data beat taking the header's last `r` bytes as its carry. A non-RCO
//!   CHECKSUM_PARTIAL frame gets its two inner checksum bytes replaced on the way out.
//! * Packet N+1 is received and summed while N is sent; the RAM holds `2^A` words, at
//!   least two maximum frames, so neither side waits on the other for room.
//! * RAM read port is used look-ahead: the address is `rd_ptr + 1` in a cycle that
//!   consumes a word, else `rd_ptr`, so `read_data` is always `mem[rd_ptr]` with no bubble.
//!
//! # Checksums in lane order
//! Every multi-byte header field is kept in lane (wire) order, so 16-bit slices of the
//! header are byte-swapped big-endian words. A ones'-complement sum commutes with a byte
//! swap (RFC 1071), so the IPv4 and UDP checksums are summed over these little-endian
//! words and the complemented fold is written back as-is, no swap. The engines' payload
//! sums (big-endian) are swapped once. A completed inner checksum changes the payload sum
//! by `new - old` at the field's parity (swapped for an even field offset).
//!
//! # Errors (golden `TxError` order), each a counted drop
//! `drop_truncated`: frame < 14 bytes; `drop_too_long`: longer than `max_frame` (beats
//! past the buffer are consumed, not stored); `drop_bad_desc`: partial with the checksum
//! field outside the frame. `max_frame + 60 <= 65535` is checked at construction, so the
//! outer length can never overflow (golden's second `TooLong` condition).
//!
//! # Latency, throughput
//! First output beat [`LATENCY`] = 6 cycles after the last input beat when egress is idle
//! (engine 4, Ready, slot). Egress runs at one beat per clock for the whole frame and goes
//! straight from a packet's last beat to the next header if the slot is full. Ingress
//! spends ~5 cycles between packets (Wait, Ready), egress sends `ceil((hlen + len) / K)`
//! beats for `ceil(len / K)` in, so for W=64 the two are close and random frame sizes
//! leave the output idle now and then (beats per cycle ~0.9 at W=64 for the generator's
//! 0..1400-byte payloads); a deeper slot queue would close that gap.
//! * RAM: `2^A` words; the aliases hold three 9216-byte frames.

use crate::csum_engine::CsumEngine;
use crate::stream::{AxisSink, AxisSource};
use rust_hdl::prelude::*;

/// The per-packet TX descriptor (golden `TxDescriptor`) as a sideband input with a
/// valid/ready handshake. Multi-byte addresses are in lane order (wire byte 0 in bits
/// 7:0); an IPv4 address uses the low 32 bits. Numbers are plain binary.
#[derive(LogicInterface, Default)]
pub struct TxDescSink {
    pub valid: Signal<In, Bit>,
    pub ready: Signal<Out, Bit>,
    pub partial: Signal<In, Bit>,
    pub csum_start: Signal<In, Bits<16>>,
    pub csum_offset: Signal<In, Bits<16>>,
    pub vni: Signal<In, Bits<24>>,
    pub dst_mac: Signal<In, Bits<48>>,
    pub src_mac: Signal<In, Bits<48>>,
    pub vlan: Signal<In, Bit>,
    pub vlan_tci: Signal<In, Bits<16>>,
    pub ipv6: Signal<In, Bit>,
    pub src_ip: Signal<In, Bits<128>>,
    pub dst_ip: Signal<In, Bits<128>>,
    pub udp_sport: Signal<In, Bits<16>>,
    pub udp_dport: Signal<In, Bits<16>>,
    pub ttl: Signal<In, Bits<8>>,
    pub ip_id: Signal<In, Bits<16>>,
    pub flow_label: Signal<In, Bits<20>>,
    pub rco: Signal<In, Bit>,
    pub udp_csum: Signal<In, Bit>,
}

#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum InState {
    Idle,
    Recv,
    Wait,
    Ready,
}

#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum OutState {
    Idle,
    Send,
}

/// Clock edges from a packet's last input beat to its first output beat (idle egress).
pub const LATENCY: usize = 6;

#[derive(LogicBlock)]
pub struct TxEncap<const W: usize, const K: usize, const N: usize, const A: usize, const HB: usize>
{
    pub clock: Signal<In, Clock>,
    pub s_axis: AxisSink<W, K>,
    pub desc: TxDescSink,
    pub m_axis: AxisSource<W, K>,
    pub drop_truncated: Signal<Out, Bits<32>>,
    pub drop_too_long: Signal<Out, Bits<32>>,
    pub drop_bad_desc: Signal<Out, Bits<32>>,
    pub frames_out: Signal<Out, Bits<32>>,
    // parameters
    max_frame: Constant<Bits<16>>,
    max_stored: Constant<Bits<16>>,
    depth: Constant<Bits<16>>,
    beat_bytes: Constant<Bits<16>>,
    w_bits: Constant<Bits<16>>,
    // realignment shifts (8 * hlen % K, 8 * (K - hlen % K)) for v4, v4+vlan, v6, v6+vlan
    shl_v4: Constant<Bits<16>>,
    shr_v4: Constant<Bits<16>>,
    shl_v4t: Constant<Bits<16>>,
    shr_v4t: Constant<Bits<16>>,
    shl_v6: Constant<Bits<16>>,
    shr_v6: Constant<Bits<16>>,
    shl_v6t: Constant<Bits<16>>,
    shr_v6t: Constant<Bits<16>>,
    ram: RAM<Bits<W>, A>,
    eng_inner: CsumEngine<W, K, N>,
    eng_all: CsumEngine<W, K, N>,
    // ---- ingress: latched descriptor
    i_state: DFF<InState>,
    d_partial: DFF<Bit>,
    d_start: DFF<Bits<16>>,
    d_offset: DFF<Bits<16>>,
    d_vni: DFF<Bits<24>>,
    d_dst_mac: DFF<Bits<48>>,
    d_src_mac: DFF<Bits<48>>,
    d_vlan: DFF<Bit>,
    d_tci: DFF<Bits<16>>,
    d_ipv6: DFF<Bit>,
    d_src_ip: DFF<Bits<128>>,
    d_dst_ip: DFF<Bits<128>>,
    d_sport: DFF<Bits<16>>,
    d_dport: DFF<Bits<16>>,
    d_ttl: DFF<Bits<8>>,
    d_ip_id: DFF<Bits<16>>,
    d_flow: DFF<Bits<20>>,
    d_rco: DFF<Bit>,
    d_udp_csum: DFF<Bit>,
    // ---- ingress: receive
    wr_ptr: DFF<Bits<16>>,
    i_first_ptr: DFF<Bits<16>>,
    i_words: DFF<Bits<16>>,
    i_pos: DFF<Bits<16>>,
    i_over: DFF<Bit>,
    i_len: DFF<Bits<16>>,
    i_old_hi: DFF<Bits<8>>,
    i_old_lo: DFF<Bits<8>>,
    desc_fire: Signal<Local, Bit>,
    accept: Signal<Local, Bit>,
    over_now: Signal<Local, Bit>,
    room: Signal<Local, Bit>,
    field: Signal<Local, Bits<16>>,
    fa: Signal<Local, Bits<16>>,
    fb: Signal<Local, Bits<16>>,
    cnt: [Signal<Local, Bits<16>>; K],
    // ---- ingress: finish (computed from registers in Fin, registered)
    rco_ok: Signal<Local, Bit>,
    use_rco: Signal<Local, Bit>,
    complete: Signal<Local, Bit>,
    hlen: Signal<Local, Bits<16>>,
    udp_len: Signal<Local, Bits<16>>,
    udp_len_le: Signal<Local, Bits<16>>,
    ip_total_le: Signal<Local, Bits<16>>,
    ip_id_le: Signal<Local, Bits<16>>,
    sport_le: Signal<Local, Bits<16>>,
    dport_le: Signal<Local, Bits<16>>,
    rco_byte: Signal<Local, Bits<8>>,
    vx_w0: Signal<Local, Bits<16>>,
    vx_w2: Signal<Local, Bits<16>>,
    vx_w3: Signal<Local, Bits<16>>,
    new_field: Signal<Local, Bits<16>>,
    old_x: Signal<Local, Bits<16>>,
    old_c: Signal<Local, Bits<16>>,
    new_c: Signal<Local, Bits<16>>,
    pay_le: Signal<Local, Bits<16>>,
    addr_sum: Signal<Local, Bits<32>>,
    usum: Signal<Local, Bits<32>>,
    ufold1: Signal<Local, Bits<32>>,
    ufold2: Signal<Local, Bits<16>>,
    ucsum: Signal<Local, Bits<16>>,
    isum: Signal<Local, Bits<32>>,
    ifold1: Signal<Local, Bits<32>>,
    ifold2: Signal<Local, Bits<16>>,
    field32: Signal<Local, Bits<32>>,
    err_trunc: Signal<Local, Bit>,
    err_long: Signal<Local, Bit>,
    err_desc: Signal<Local, Bit>,
    r_use_rco: DFF<Bit>,
    r_complete: DFF<Bit>,
    r_hlen: DFF<Bits<16>>,
    r_udp_len_le: DFF<Bits<16>>,
    r_ip_total_le: DFF<Bits<16>>,
    r_rco_byte: DFF<Bits<8>>,
    r_new_field: DFF<Bits<16>>,
    r_ucsum: DFF<Bits<16>>,
    r_icsum: DFF<Bits<16>>,
    cnt_trunc: DFF<Bits<32>>,
    cnt_long: DFF<Bits<32>>,
    cnt_desc: DFF<Bits<32>>,
    cnt_out: DFF<Bits<32>>,
    // ---- ready slot: the next packet's header, built when ingress finishes
    push: Signal<Local, Bit>,
    take: Signal<Local, Bit>,
    s_full: DFF<Bit>,
    s_h: DFF<Bits<HB>>,
    s_total: DFF<Bits<16>>,
    s_hlen: DFF<Bits<16>>,
    s_vlan: DFF<Bit>,
    s_v6: DFF<Bit>,
    s_words: DFF<Bits<16>>,
    s_patch: DFF<Bit>,
    s_pa: DFF<Bits<16>>,
    s_pv: DFF<Bits<16>>,
    l2: Signal<Local, Bits<HB>>,
    ip4: Signal<Local, Bits<160>>,
    ip6: Signal<Local, Bits<320>>,
    udpvx: Signal<Local, Bits<128>>,
    rest: Signal<Local, Bits<HB>>,
    hdr: Signal<Local, Bits<HB>>,
    // ---- egress
    e_state: DFF<OutState>,
    e_h: DFF<Bits<HB>>,
    e_opos: DFF<Bits<16>>,
    e_total: DFF<Bits<16>>,
    e_hlen: DFF<Bits<16>>,
    e_vlan: DFF<Bit>,
    e_v6: DFF<Bit>,
    e_first: DFF<Bit>,
    e_words: DFF<Bits<16>>,
    e_carry: DFF<Bits<W>>,
    e_patch: DFF<Bit>,
    e_pa: DFF<Bits<16>>,
    e_pv: DFF<Bits<16>>,
    rd_ptr: DFF<Bits<16>>,
    hdr_only: Signal<Local, Bit>,
    is_last: Signal<Local, Bit>,
    consume: Signal<Local, Bit>,
    fire: Signal<Local, Bit>,
    low: Signal<Local, Bits<W>>,
    cur_shl: Signal<Local, Bits<W>>,
    cur_shr: Signal<Local, Bits<W>>,
    beat: Signal<Local, Bits<W>>,
    da: Signal<Local, Bits<16>>,
    db: Signal<Local, Bits<16>>,
    p1: Signal<Local, Bits<W>>,
    p2: Signal<Local, Bits<W>>,
    rem: Signal<Local, Bits<16>>,
    ones: Constant<Bits<K>>,
}

/// 64-bit datapath, RAM 4096 words (32 KiB: three 9216-byte frames), header register 640 bits.
pub type TxEncap64 = TxEncap<64, 8, 4, 12, 640>;
/// 128-bit datapath.
pub type TxEncap128 = TxEncap<128, 16, 8, 11, 640>;
/// 256-bit datapath.
pub type TxEncap256 = TxEncap<256, 32, 16, 10, 768>;
/// 512-bit datapath.
pub type TxEncap512 = TxEncap<512, 64, 32, 9, 1024>;

/// Outer header lengths: IPv4, IPv4 + 802.1Q, IPv6, IPv6 + 802.1Q.
pub const HLEN: [usize; 4] = [50, 54, 70, 74];

impl<const W: usize, const K: usize, const N: usize, const A: usize, const HB: usize>
    TxEncap<W, K, N, A, HB>
{
    /// `max_frame`: longest inner frame accepted (bytes); longer ones are counted drops.
    pub fn new(max_frame: usize) -> Self {
        assert!(K * 8 == W && N * 16 == W, "need K = W/8, N = W/16");
        assert!(
            max_frame >= 14 && max_frame + 60 <= 0xFFFF,
            "max_frame out of range"
        );
        let max_words = max_frame.div_ceil(K);
        assert!(
            (1usize << A) >= 2 * max_words && A < 16,
            "RAM of 2^A words must hold two max frames"
        );
        assert!(
            HB % W == 0 && HB >= 74 * 8 && HB >= W,
            "header register size"
        );
        let c16 = |v: usize| Constant::new((v as u64).into());
        let sh = |h: usize| (c16(8 * (h % K)), c16(8 * (K - h % K)));
        let (shl_v4, shr_v4) = sh(HLEN[0]);
        let (shl_v4t, shr_v4t) = sh(HLEN[1]);
        let (shl_v6, shr_v6) = sh(HLEN[2]);
        let (shl_v6t, shr_v6t) = sh(HLEN[3]);
        Self {
            clock: Default::default(),
            s_axis: Default::default(),
            desc: Default::default(),
            m_axis: Default::default(),
            drop_truncated: Default::default(),
            drop_too_long: Default::default(),
            drop_bad_desc: Default::default(),
            frames_out: Default::default(),
            max_frame: c16(max_frame),
            max_stored: c16(max_words * K),
            depth: c16(1 << A),
            beat_bytes: c16(K),
            w_bits: c16(W),
            shl_v4,
            shr_v4,
            shl_v4t,
            shr_v4t,
            shl_v6,
            shr_v6,
            shl_v6t,
            shr_v6t,
            ram: Default::default(),
            eng_inner: CsumEngine::new(),
            eng_all: CsumEngine::new(),
            i_state: Default::default(),
            d_partial: Default::default(),
            d_start: Default::default(),
            d_offset: Default::default(),
            d_vni: Default::default(),
            d_dst_mac: Default::default(),
            d_src_mac: Default::default(),
            d_vlan: Default::default(),
            d_tci: Default::default(),
            d_ipv6: Default::default(),
            d_src_ip: Default::default(),
            d_dst_ip: Default::default(),
            d_sport: Default::default(),
            d_dport: Default::default(),
            d_ttl: Default::default(),
            d_ip_id: Default::default(),
            d_flow: Default::default(),
            d_rco: Default::default(),
            d_udp_csum: Default::default(),
            wr_ptr: Default::default(),
            i_first_ptr: Default::default(),
            i_words: Default::default(),
            i_pos: Default::default(),
            i_over: Default::default(),
            i_len: Default::default(),
            i_old_hi: Default::default(),
            i_old_lo: Default::default(),
            desc_fire: Default::default(),
            accept: Default::default(),
            over_now: Default::default(),
            room: Default::default(),
            field: Default::default(),
            fa: Default::default(),
            fb: Default::default(),
            cnt: std::array::from_fn(|_| Default::default()),
            rco_ok: Default::default(),
            use_rco: Default::default(),
            complete: Default::default(),
            hlen: Default::default(),
            udp_len: Default::default(),
            udp_len_le: Default::default(),
            ip_total_le: Default::default(),
            ip_id_le: Default::default(),
            sport_le: Default::default(),
            dport_le: Default::default(),
            rco_byte: Default::default(),
            vx_w0: Default::default(),
            vx_w2: Default::default(),
            vx_w3: Default::default(),
            new_field: Default::default(),
            old_x: Default::default(),
            old_c: Default::default(),
            new_c: Default::default(),
            pay_le: Default::default(),
            addr_sum: Default::default(),
            usum: Default::default(),
            ufold1: Default::default(),
            ufold2: Default::default(),
            ucsum: Default::default(),
            isum: Default::default(),
            ifold1: Default::default(),
            ifold2: Default::default(),
            field32: Default::default(),
            err_trunc: Default::default(),
            err_long: Default::default(),
            err_desc: Default::default(),
            r_use_rco: Default::default(),
            r_complete: Default::default(),
            r_hlen: Default::default(),
            r_udp_len_le: Default::default(),
            r_ip_total_le: Default::default(),
            r_rco_byte: Default::default(),
            r_new_field: Default::default(),
            r_ucsum: Default::default(),
            r_icsum: Default::default(),
            cnt_trunc: Default::default(),
            cnt_long: Default::default(),
            cnt_desc: Default::default(),
            cnt_out: Default::default(),
            push: Default::default(),
            take: Default::default(),
            s_full: Default::default(),
            s_h: Default::default(),
            s_total: Default::default(),
            s_hlen: Default::default(),
            s_vlan: Default::default(),
            s_v6: Default::default(),
            s_words: Default::default(),
            s_patch: Default::default(),
            s_pa: Default::default(),
            s_pv: Default::default(),
            l2: Default::default(),
            ip4: Default::default(),
            ip6: Default::default(),
            udpvx: Default::default(),
            rest: Default::default(),
            hdr: Default::default(),
            e_state: Default::default(),
            e_h: Default::default(),
            e_opos: Default::default(),
            e_total: Default::default(),
            e_hlen: Default::default(),
            e_vlan: Default::default(),
            e_v6: Default::default(),
            e_first: Default::default(),
            e_words: Default::default(),
            e_carry: Default::default(),
            e_patch: Default::default(),
            e_pa: Default::default(),
            e_pv: Default::default(),
            rd_ptr: Default::default(),
            hdr_only: Default::default(),
            is_last: Default::default(),
            consume: Default::default(),
            fire: Default::default(),
            low: Default::default(),
            cur_shl: Default::default(),
            cur_shr: Default::default(),
            beat: Default::default(),
            da: Default::default(),
            db: Default::default(),
            p1: Default::default(),
            p2: Default::default(),
            rem: Default::default(),
            ones: Constant::new(Bits::<K>::mask()),
        }
    }
}

impl<const W: usize, const K: usize, const N: usize, const A: usize, const HB: usize> Logic
    for TxEncap<W, K, N, A, HB>
{
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            i_state,
            d_partial,
            d_start,
            d_offset,
            d_vni,
            d_dst_mac,
            d_src_mac,
            d_vlan,
            d_tci,
            d_ipv6,
            d_src_ip,
            d_dst_ip,
            d_sport,
            d_dport,
            d_ttl,
            d_ip_id,
            d_flow,
            d_rco,
            d_udp_csum,
            wr_ptr,
            i_first_ptr,
            i_words,
            i_pos,
            i_over,
            i_len,
            i_old_hi,
            i_old_lo,
            r_use_rco,
            r_complete,
            r_hlen,
            r_udp_len_le,
            r_ip_total_le,
            r_rco_byte,
            r_new_field,
            r_ucsum,
            r_icsum,
            cnt_trunc,
            cnt_long,
            cnt_desc,
            cnt_out,
            s_full,
            s_h,
            s_total,
            s_hlen,
            s_vlan,
            s_v6,
            s_words,
            s_patch,
            s_pa,
            s_pv,
            e_state,
            e_h,
            e_opos,
            e_total,
            e_hlen,
            e_vlan,
            e_v6,
            e_first,
            e_words,
            e_carry,
            e_patch,
            e_pa,
            e_pv,
            rd_ptr
        );
        self.ram.read_clock.next = self.clock.val();
        self.ram.write_clock.next = self.clock.val();
        self.eng_inner.clock.next = self.clock.val();
        self.eng_all.clock.next = self.clock.val();

        // ================= ingress =================
        // a finished packet moving into an empty slot frees the descriptor registers in
        // the same cycle (the slot is built from their current values)
        self.desc.ready.next = (self.i_state.q.val() == InState::Idle)
            || ((self.i_state.q.val() == InState::Ready) && !self.s_full.q.val());
        self.desc_fire.next = self.desc.valid.val() && self.desc.ready.val();
        self.over_now.next = self.i_over.q.val() || (self.i_pos.q.val() >= self.max_stored.val());
        // room in the ring (16-bit pointers, 2^A <= 2^15 words)
        self.room.next = (self.wr_ptr.q.val() - self.rd_ptr.q.val()) < self.depth.val();
        self.s_axis.tready.next =
            (self.i_state.q.val() == InState::Recv) && (self.room.val() || self.over_now.val());
        self.accept.next = self.s_axis.tvalid.val() && self.s_axis.tready.val();

        // both engines see every accepted beat, with the packet's own start
        self.eng_inner.s_axis.tdata.next = self.s_axis.tdata.val();
        self.eng_inner.s_axis.tkeep.next = self.s_axis.tkeep.val();
        self.eng_inner.s_axis.tvalid.next = self.accept.val();
        self.eng_inner.s_axis.tlast.next = self.s_axis.tlast.val();
        self.eng_inner.s_axis.tuser.next = false;
        self.eng_inner.csum_start.next = self.d_start.q.val();
        self.eng_inner.csum_end.next = 0xFFFF.into();
        self.eng_all.s_axis.tdata.next = self.s_axis.tdata.val();
        self.eng_all.s_axis.tkeep.next = self.s_axis.tkeep.val();
        self.eng_all.s_axis.tvalid.next = self.accept.val();
        self.eng_all.s_axis.tlast.next = self.s_axis.tlast.val();
        self.eng_all.s_axis.tuser.next = false;
        self.eng_all.csum_start.next = 0.into();
        self.eng_all.csum_end.next = 0xFFFF.into();

        self.ram.write_address.next = bit_cast::<A, 16>(self.wr_ptr.q.val());
        self.ram.write_data.next = self.s_axis.tdata.val();
        self.ram.write_enable.next = self.accept.val() && !self.over_now.val();

        // bytes in this beat: tkeep is contiguous low lanes, so count its ones
        self.cnt[0].next = self
            .s_axis
            .tkeep
            .val()
            .get_bits::<1>(0)
            .index()
            .to_bits::<16>();
        for i in 1..K {
            self.cnt[i].next = self.cnt[i - 1].val()
                + self
                    .s_axis
                    .tkeep
                    .val()
                    .get_bits::<1>(i)
                    .index()
                    .to_bits::<16>();
        }

        // the two original bytes of the inner checksum field, as they stream past
        self.field.next = self.d_start.q.val() + self.d_offset.q.val();
        self.fa.next = self.field.val() - self.i_pos.q.val();
        self.fb.next = self.field.val() + 1 - self.i_pos.q.val();
        if self.accept.val() && (self.fa.val() < self.beat_bytes.val()) {
            self.i_old_hi.d.next = self
                .s_axis
                .tdata
                .val()
                .get_bits::<8>((self.fa.val() << 3).index());
        }
        if self.accept.val() && (self.fb.val() < self.beat_bytes.val()) {
            self.i_old_lo.d.next = self
                .s_axis
                .tdata
                .val()
                .get_bits::<8>((self.fb.val() << 3).index());
        }

        // ---- finish: checks and checksums from the latched descriptor and sums
        self.hlen.next = 50.into();
        if self.d_vlan.q.val() && self.d_ipv6.q.val() {
            self.hlen.next = 74.into();
        } else if self.d_ipv6.q.val() {
            self.hlen.next = 70.into();
        } else if self.d_vlan.q.val() {
            self.hlen.next = 54.into();
        }
        self.rco_ok.next = (self.d_start.q.val() <= 254)
            && !self.d_start.q.val().get_bit(0)
            && ((self.d_offset.q.val() == 6) || (self.d_offset.q.val() == 16));
        self.use_rco.next = self.d_rco.q.val() && self.d_partial.q.val() && self.rco_ok.val();
        self.complete.next = self.d_partial.q.val() && !self.use_rco.val();
        self.rco_byte.next = 0.into();
        if self.use_rco.val() {
            self.rco_byte.next = bit_cast::<8, 16>(self.d_start.q.val() >> 1);
            if self.d_offset.q.val() == 6 {
                self.rco_byte.next = bit_cast::<8, 16>(self.d_start.q.val() >> 1) | 0x80;
            }
        }
        self.udp_len.next = self.i_len.q.val() + 16;
        self.udp_len_le.next = (self.udp_len.val() << 8) | (self.udp_len.val() >> 8);
        self.ip_total_le.next = ((self.udp_len.val() + 20) << 8) | ((self.udp_len.val() + 20) >> 8);
        self.ip_id_le.next = (self.d_ip_id.q.val() << 8) | (self.d_ip_id.q.val() >> 8);
        self.sport_le.next = (self.d_sport.q.val() << 8) | (self.d_sport.q.val() >> 8);
        self.dport_le.next = (self.d_dport.q.val() << 8) | (self.d_dport.q.val() >> 8);
        self.vx_w0.next = 0x08.into();
        if self.use_rco.val() {
            self.vx_w0.next = 0x2008.into();
        }
        self.vx_w2.next = (bit_cast::<16, 24>(self.d_vni.q.val() >> 16))
            | (bit_cast::<16, 24>(self.d_vni.q.val() >> 8) << 8);
        self.vx_w3.next = bit_cast::<16, 24>(self.d_vni.q.val() & 0xFF)
            | (bit_cast::<16, 8>(self.rco_byte.val()) << 8);
        // inner checksum completion: csum_fold of the sum from csum_start, 0 sent as 0xFFFF
        self.new_field.next = self.eng_inner.csum.val();
        if !self.eng_inner.csum.val().any() {
            self.new_field.next = 0xFFFF.into();
        }
        self.old_x.next = (bit_cast::<16, 8>(self.i_old_hi.q.val()) << 8)
            | bit_cast::<16, 8>(self.i_old_lo.q.val());
        // a field at an even offset is a byte-swapped little-endian word
        if self.field.val().get_bit(0) {
            self.old_c.next = !self.old_x.val();
            self.new_c.next = self.new_field.val();
        } else {
            self.old_c.next = !((self.old_x.val() << 8) | (self.old_x.val() >> 8));
            self.new_c.next = (self.new_field.val() << 8) | (self.new_field.val() >> 8);
        }
        self.pay_le.next = (self.eng_all.sum.val() << 8) | (self.eng_all.sum.val() >> 8);
        // pseudo-header addresses, little-endian words
        self.addr_sum.next = bit_cast::<32, 16>(self.d_src_ip.q.val().get_bits::<16>(0))
            + bit_cast::<32, 16>(self.d_src_ip.q.val().get_bits::<16>(16))
            + bit_cast::<32, 16>(self.d_dst_ip.q.val().get_bits::<16>(0))
            + bit_cast::<32, 16>(self.d_dst_ip.q.val().get_bits::<16>(16));
        if self.d_ipv6.q.val() {
            self.addr_sum.next = bit_cast::<32, 16>(self.d_src_ip.q.val().get_bits::<16>(0))
                + bit_cast::<32, 16>(self.d_src_ip.q.val().get_bits::<16>(16))
                + bit_cast::<32, 16>(self.d_src_ip.q.val().get_bits::<16>(32))
                + bit_cast::<32, 16>(self.d_src_ip.q.val().get_bits::<16>(48))
                + bit_cast::<32, 16>(self.d_src_ip.q.val().get_bits::<16>(64))
                + bit_cast::<32, 16>(self.d_src_ip.q.val().get_bits::<16>(80))
                + bit_cast::<32, 16>(self.d_src_ip.q.val().get_bits::<16>(96))
                + bit_cast::<32, 16>(self.d_src_ip.q.val().get_bits::<16>(112))
                + bit_cast::<32, 16>(self.d_dst_ip.q.val().get_bits::<16>(0))
                + bit_cast::<32, 16>(self.d_dst_ip.q.val().get_bits::<16>(16))
                + bit_cast::<32, 16>(self.d_dst_ip.q.val().get_bits::<16>(32))
                + bit_cast::<32, 16>(self.d_dst_ip.q.val().get_bits::<16>(48))
                + bit_cast::<32, 16>(self.d_dst_ip.q.val().get_bits::<16>(64))
                + bit_cast::<32, 16>(self.d_dst_ip.q.val().get_bits::<16>(80))
                + bit_cast::<32, 16>(self.d_dst_ip.q.val().get_bits::<16>(96))
                + bit_cast::<32, 16>(self.d_dst_ip.q.val().get_bits::<16>(112));
        }
        // outer UDP: pseudo header (addresses, proto 17, length) + UDP header (length
        // twice in all) + VXLAN header + payload
        self.usum.next = self.addr_sum.val()
            + 0x1100
            + bit_cast::<32, 16>(self.udp_len_le.val())
            + bit_cast::<32, 16>(self.udp_len_le.val())
            + bit_cast::<32, 16>(self.sport_le.val())
            + bit_cast::<32, 16>(self.dport_le.val())
            + bit_cast::<32, 16>(self.vx_w0.val())
            + bit_cast::<32, 16>(self.vx_w2.val())
            + bit_cast::<32, 16>(self.vx_w3.val())
            + bit_cast::<32, 16>(self.pay_le.val());
        if self.complete.val() {
            self.usum.next = self.addr_sum.val()
                + 0x1100
                + bit_cast::<32, 16>(self.udp_len_le.val())
                + bit_cast::<32, 16>(self.udp_len_le.val())
                + bit_cast::<32, 16>(self.sport_le.val())
                + bit_cast::<32, 16>(self.dport_le.val())
                + bit_cast::<32, 16>(self.vx_w0.val())
                + bit_cast::<32, 16>(self.vx_w2.val())
                + bit_cast::<32, 16>(self.vx_w3.val())
                + bit_cast::<32, 16>(self.pay_le.val())
                + bit_cast::<32, 16>(self.old_c.val())
                + bit_cast::<32, 16>(self.new_c.val());
        }
        self.ufold1.next = bit_cast::<32, 16>(bit_cast::<16, 32>(self.usum.val()))
            + bit_cast::<32, 16>(self.usum.val().get_bits::<16>(16));
        self.ufold2.next =
            bit_cast::<16, 32>(self.ufold1.val()) + self.ufold1.val().get_bits::<16>(16);
        // a computed 0 is sent as 0xFFFF (0 means "no checksum")
        self.ucsum.next = !self.ufold2.val();
        if self.ufold2.val() == 0xFFFF {
            self.ucsum.next = 0xFFFF.into();
        }
        if !self.d_udp_csum.q.val() {
            self.ucsum.next = 0.into();
        }
        // IPv4 header: 45 00 | total | id | 00 00 | ttl 11 | csum | src | dst
        self.isum.next = bit_cast::<32, 16>(self.ip_total_le.val())
            + 0x0045
            + bit_cast::<32, 16>(self.ip_id_le.val())
            + bit_cast::<32, 8>(self.d_ttl.q.val())
            + 0x1100
            + bit_cast::<32, 16>(self.d_src_ip.q.val().get_bits::<16>(0))
            + bit_cast::<32, 16>(self.d_src_ip.q.val().get_bits::<16>(16))
            + bit_cast::<32, 16>(self.d_dst_ip.q.val().get_bits::<16>(0))
            + bit_cast::<32, 16>(self.d_dst_ip.q.val().get_bits::<16>(16));
        self.ifold1.next = bit_cast::<32, 16>(bit_cast::<16, 32>(self.isum.val()))
            + bit_cast::<32, 16>(self.isum.val().get_bits::<16>(16));
        self.ifold2.next =
            bit_cast::<16, 32>(self.ifold1.val()) + self.ifold1.val().get_bits::<16>(16);
        // golden TxError order: Truncated, TooLong, BadDescriptor
        self.field32.next = bit_cast::<32, 16>(self.d_start.q.val())
            + bit_cast::<32, 16>(self.d_offset.q.val())
            + 2;
        self.err_trunc.next = !self.i_over.q.val() && (self.i_len.q.val() < 14);
        self.err_long.next = !self.err_trunc.val()
            && (self.i_over.q.val() || (self.i_len.q.val() > self.max_frame.val()));
        self.err_desc.next = !self.err_trunc.val()
            && !self.err_long.val()
            && self.d_partial.q.val()
            && (self.field32.val() > bit_cast::<32, 16>(self.i_len.q.val()));

        match self.i_state.q.val() {
            InState::Idle => {}
            InState::Recv => {
                if self.accept.val() {
                    self.i_pos.d.next = self.i_pos.q.val() + self.beat_bytes.val();
                    if !self.over_now.val() {
                        self.wr_ptr.d.next = self.wr_ptr.q.val() + 1;
                        self.i_words.d.next = self.i_words.q.val() + 1;
                    }
                    self.i_over.d.next = self.over_now.val();
                    if self.s_axis.tlast.val() {
                        // one-trip loop: a const generic may not appear in an index
                        for n in K..(K + 1) {
                            self.i_len.d.next = self.i_pos.q.val() + self.cnt[n - 1].val();
                        }
                        self.i_state.d.next = InState::Wait;
                    }
                }
            }
            InState::Wait => {
                // the engines' sums arrive (and hold): checks and checksums, registered
                if self.eng_inner.sum_valid.val() {
                    self.r_use_rco.d.next = self.use_rco.val();
                    self.r_complete.d.next = self.complete.val();
                    self.r_hlen.d.next = self.hlen.val();
                    self.r_udp_len_le.d.next = self.udp_len_le.val();
                    self.r_ip_total_le.d.next = self.ip_total_le.val();
                    self.r_rco_byte.d.next = self.rco_byte.val();
                    self.r_new_field.d.next = self.new_field.val();
                    self.r_ucsum.d.next = self.ucsum.val();
                    self.r_icsum.d.next = !self.ifold2.val();
                    if self.err_trunc.val() || self.err_long.val() || self.err_desc.val() {
                        // discard what was stored; nothing of it has been handed to egress
                        self.wr_ptr.d.next = self.i_first_ptr.q.val();
                        self.i_state.d.next = InState::Idle;
                    } else {
                        self.i_state.d.next = InState::Ready;
                    }
                    if self.err_trunc.val() {
                        self.cnt_trunc.d.next = self.cnt_trunc.q.val() + 1;
                    }
                    if self.err_long.val() {
                        self.cnt_long.d.next = self.cnt_long.q.val() + 1;
                    }
                    if self.err_desc.val() {
                        self.cnt_desc.d.next = self.cnt_desc.q.val() + 1;
                    }
                }
            }
            InState::Ready => {
                if self.push.val() {
                    self.i_state.d.next = InState::Idle;
                }
            }
        }
        if self.desc_fire.val() {
            self.d_partial.d.next = self.desc.partial.val();
            self.d_start.d.next = self.desc.csum_start.val();
            self.d_offset.d.next = self.desc.csum_offset.val();
            self.d_vni.d.next = self.desc.vni.val();
            self.d_dst_mac.d.next = self.desc.dst_mac.val();
            self.d_src_mac.d.next = self.desc.src_mac.val();
            self.d_vlan.d.next = self.desc.vlan.val();
            self.d_tci.d.next = self.desc.vlan_tci.val();
            self.d_ipv6.d.next = self.desc.ipv6.val();
            self.d_src_ip.d.next = self.desc.src_ip.val();
            self.d_dst_ip.d.next = self.desc.dst_ip.val();
            self.d_sport.d.next = self.desc.udp_sport.val();
            self.d_dport.d.next = self.desc.udp_dport.val();
            self.d_ttl.d.next = self.desc.ttl.val();
            self.d_ip_id.d.next = self.desc.ip_id.val();
            self.d_flow.d.next = self.desc.flow_label.val();
            self.d_rco.d.next = self.desc.rco.val();
            self.d_udp_csum.d.next = self.desc.udp_csum.val();
            self.i_pos.d.next = 0.into();
            self.i_over.d.next = false;
            self.i_words.d.next = 0.into();
            self.i_first_ptr.d.next = self.wr_ptr.q.val();
            self.i_state.d.next = InState::Recv;
        }
        self.drop_truncated.next = self.cnt_trunc.q.val();
        self.drop_too_long.next = self.cnt_long.q.val();
        self.drop_bad_desc.next = self.cnt_desc.q.val();
        self.frames_out.next = self.cnt_out.q.val();

        // ================= egress =================
        self.hdr_only.next = (self.e_opos.q.val() + self.beat_bytes.val()) <= self.e_hlen.q.val();
        self.is_last.next = (self.e_opos.q.val() + self.beat_bytes.val()) >= self.e_total.q.val();
        self.consume.next = !self.hdr_only.val() && self.e_words.q.val().any();
        self.m_axis.tvalid.next = self.e_state.q.val() == OutState::Send;
        self.fire.next = (self.e_state.q.val() == OutState::Send) && self.m_axis.tready.val();
        // handoff: an idle egress, or one sending its last beat, takes the slot; a finished
        // ingress pushes into an empty slot, or one being taken in the same cycle
        self.take.next = self.s_full.q.val()
            && ((self.e_state.q.val() == OutState::Idle)
                || (self.fire.val() && self.is_last.val()));
        self.push.next =
            (self.i_state.q.val() == InState::Ready) && (!self.s_full.q.val() || self.take.val());
        if self.take.val() {
            self.s_full.d.next = false;
        }
        if self.push.val() {
            self.s_full.d.next = true;
        }

        // realign: this word's low lanes after the carry (previous word's high lanes, or
        // for the first data beat the header's last hlen % K bytes)
        self.low.next = self.e_carry.q.val();
        if self.e_first.q.val() {
            self.low.next = bit_cast::<W, HB>(self.e_h.q.val());
        }
        self.cur_shl.next = 0.into();
        self.cur_shr.next = 0.into();
        if self.consume.val() {
            if self.e_v6.q.val() && self.e_vlan.q.val() {
                self.cur_shl.next = self.ram.read_data.val() << self.shl_v6t.val();
                self.cur_shr.next = self.ram.read_data.val() >> self.shr_v6t.val();
            } else if self.e_v6.q.val() {
                self.cur_shl.next = self.ram.read_data.val() << self.shl_v6.val();
                self.cur_shr.next = self.ram.read_data.val() >> self.shr_v6.val();
            } else if self.e_vlan.q.val() {
                self.cur_shl.next = self.ram.read_data.val() << self.shl_v4t.val();
                self.cur_shr.next = self.ram.read_data.val() >> self.shr_v4t.val();
            } else {
                self.cur_shl.next = self.ram.read_data.val() << self.shl_v4.val();
                self.cur_shr.next = self.ram.read_data.val() >> self.shr_v4.val();
            }
        }
        if self.hdr_only.val() {
            self.beat.next = bit_cast::<W, HB>(self.e_h.q.val());
        } else {
            self.beat.next = self.cur_shl.val() | self.low.val();
        }
        // non-RCO CHECKSUM_PARTIAL: the completed inner checksum replaces the field
        self.da.next = self.e_pa.q.val() - self.e_opos.q.val();
        self.db.next = self.e_pa.q.val() + 1 - self.e_opos.q.val();
        self.p1.next = self.beat.val();
        if self.e_patch.q.val() && (self.da.val() < self.beat_bytes.val()) {
            self.p1.next = (self.beat.val()
                & !(bit_cast::<W, 8>(0xFF.into()) << (self.da.val() << 3)))
                | (bit_cast::<W, 16>(self.e_pv.q.val() >> 8) << (self.da.val() << 3));
        }
        self.p2.next = self.p1.val();
        if self.e_patch.q.val() && (self.db.val() < self.beat_bytes.val()) {
            self.p2.next = (self.p1.val()
                & !(bit_cast::<W, 8>(0xFF.into()) << (self.db.val() << 3)))
                | (bit_cast::<W, 16>(self.e_pv.q.val() & 0xFF) << (self.db.val() << 3));
        }
        self.m_axis.tdata.next = self.p2.val();
        self.rem.next = self.e_total.q.val() - self.e_opos.q.val();
        self.m_axis.tkeep.next = self.ones.val();
        if self.is_last.val() && (self.rem.val() < self.beat_bytes.val()) {
            self.m_axis.tkeep.next = !(self.ones.val() << self.rem.val());
        }
        self.m_axis.tlast.next = self.is_last.val();
        self.m_axis.tuser.next = false;

        // RAM read look-ahead: read_data is always mem[rd_ptr]
        self.ram.read_address.next = bit_cast::<A, 16>(self.rd_ptr.q.val());
        if self.fire.val() && self.consume.val() {
            self.ram.read_address.next = bit_cast::<A, 16>(self.rd_ptr.q.val() + 1);
        }
        if self.fire.val() {
            self.e_opos.d.next = self.e_opos.q.val() + self.beat_bytes.val();
            if self.hdr_only.val() {
                self.e_h.d.next = self.e_h.q.val() >> self.w_bits.val();
            } else {
                self.e_first.d.next = false;
            }
            if self.consume.val() {
                self.rd_ptr.d.next = self.rd_ptr.q.val() + 1;
                self.e_words.d.next = self.e_words.q.val() - 1;
                self.e_carry.d.next = self.cur_shr.val();
            }
            if self.is_last.val() {
                self.e_state.d.next = OutState::Idle;
                self.cnt_out.d.next = self.cnt_out.q.val() + 1;
            }
        }

        // header of the packet being taken, in lane order
        self.l2.next = 0.into();
        self.ip4.next = 0.into();
        self.ip6.next = 0.into();
        self.udpvx.next = 0.into();
        self.rest.next = 0.into();
        self.hdr.next = 0.into();
        if self.push.val() {
            self.l2.next = bit_cast::<HB, 48>(self.d_dst_mac.q.val())
                | (bit_cast::<HB, 48>(self.d_src_mac.q.val()) << 48);
            if self.d_vlan.q.val() {
                self.l2.next = bit_cast::<HB, 48>(self.d_dst_mac.q.val())
                    | (bit_cast::<HB, 48>(self.d_src_mac.q.val()) << 48)
                    | (bit_cast::<HB, 16>(0x0081.into()) << 96)
                    | (bit_cast::<HB, 16>(self.d_tci.q.val() >> 8) << 112)
                    | (bit_cast::<HB, 16>(self.d_tci.q.val() & 0xFF) << 120);
            }
            self.udpvx.next = bit_cast::<128, 16>(self.sport_le.val())
                | (bit_cast::<128, 16>(self.dport_le.val()) << 16)
                | (bit_cast::<128, 16>(self.r_udp_len_le.q.val()) << 32)
                | (bit_cast::<128, 16>(self.r_ucsum.q.val()) << 48)
                | (bit_cast::<128, 16>(self.vx_w0.val()) << 64)
                | (bit_cast::<128, 16>(self.vx_w2.val()) << 96)
                | (bit_cast::<128, 16>(self.vx_w3.val()) << 112);
            self.ip4.next = bit_cast::<160, 16>(0x0045.into())
                | (bit_cast::<160, 16>(self.r_ip_total_le.q.val()) << 16)
                | (bit_cast::<160, 16>(self.ip_id_le.val()) << 32)
                | (bit_cast::<160, 8>(self.d_ttl.q.val()) << 64)
                | (bit_cast::<160, 8>(0x11.into()) << 72)
                | (bit_cast::<160, 16>(self.r_icsum.q.val()) << 80)
                | (bit_cast::<160, 32>(self.d_src_ip.q.val().get_bits::<32>(0)) << 96)
                | (bit_cast::<160, 32>(self.d_dst_ip.q.val().get_bits::<32>(0)) << 128);
            self.ip6.next = bit_cast::<320, 8>(0x60.into())
                | (bit_cast::<320, 20>(self.d_flow.q.val() >> 16) << 8)
                | (bit_cast::<320, 20>((self.d_flow.q.val() >> 8) & 0xFF) << 16)
                | (bit_cast::<320, 20>(self.d_flow.q.val() & 0xFF) << 24)
                | (bit_cast::<320, 16>(self.r_udp_len_le.q.val()) << 32)
                | (bit_cast::<320, 8>(0x11.into()) << 48)
                | (bit_cast::<320, 8>(self.d_ttl.q.val()) << 56)
                | (bit_cast::<320, 128>(self.d_src_ip.q.val()) << 64)
                | (bit_cast::<320, 128>(self.d_dst_ip.q.val()) << 192);
            if self.d_ipv6.q.val() {
                self.rest.next = bit_cast::<HB, 16>(0xDD86.into())
                    | (bit_cast::<HB, 320>(self.ip6.val()) << 16)
                    | (bit_cast::<HB, 128>(self.udpvx.val()) << 336);
            } else {
                self.rest.next = bit_cast::<HB, 16>(0x0008.into())
                    | (bit_cast::<HB, 160>(self.ip4.val()) << 16)
                    | (bit_cast::<HB, 128>(self.udpvx.val()) << 176);
            }
            if self.d_vlan.q.val() {
                self.hdr.next = self.l2.val() | (self.rest.val() << 128);
            } else {
                self.hdr.next = self.l2.val() | (self.rest.val() << 96);
            }
            self.s_h.d.next = self.hdr.val();
            self.s_total.d.next = self.r_hlen.q.val() + self.i_len.q.val();
            self.s_hlen.d.next = self.r_hlen.q.val();
            self.s_vlan.d.next = self.d_vlan.q.val();
            self.s_v6.d.next = self.d_ipv6.q.val();
            self.s_words.d.next = self.i_words.q.val();
            self.s_patch.d.next = self.r_complete.q.val();
            self.s_pa.d.next = self.r_hlen.q.val() + self.field.val();
            self.s_pv.d.next = self.r_new_field.q.val();
        }
        if self.take.val() {
            self.e_h.d.next = self.s_h.q.val();
            self.e_opos.d.next = 0.into();
            self.e_total.d.next = self.s_total.q.val();
            self.e_hlen.d.next = self.s_hlen.q.val();
            self.e_vlan.d.next = self.s_vlan.q.val();
            self.e_v6.d.next = self.s_v6.q.val();
            self.e_first.d.next = true;
            self.e_words.d.next = self.s_words.q.val();
            self.e_patch.d.next = self.s_patch.q.val();
            self.e_pa.d.next = self.s_pa.q.val();
            self.e_pv.d.next = self.s_pv.q.val();
            self.e_state.d.next = OutState::Send;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stream::{packet_beats, tdata_from_lanes};

    /// Independent RFC 1071 folded sum of big-endian words (not shared with the design).
    fn sum(buf: &[u8]) -> u16 {
        let mut s: u64 = 0;
        for (i, b) in buf.iter().enumerate() {
            s += if i % 2 == 0 {
                (*b as u64) << 8
            } else {
                *b as u64
            };
        }
        while s >> 16 != 0 {
            s = (s & 0xFFFF) + (s >> 16);
        }
        s as u16
    }

    /// One IPv4/UDP host frame with the pseudo-header sum in its field (CHECKSUM_PARTIAL),
    /// through a W=64 block with IPv4 outer + VLAN and RCO; the outer frame is checked
    /// field by field against values computed here.
    #[test]
    fn one_rco_frame_ipv4_vlan() {
        let payload: Vec<u8> = (0..37u8).map(|i| i.wrapping_mul(7)).collect();
        let ulen = 8 + payload.len();
        let mut f = vec![2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00];
        f.extend_from_slice(&[
            0x45,
            0,
            0,
            (20 + ulen) as u8,
            0,
            1,
            0,
            0,
            64,
            17,
            0,
            0,
            10,
            0,
            0,
            1,
            10,
            0,
            0,
            2,
        ]);
        f.extend_from_slice(&[0x9c, 0x40, 0x13, 0x88, 0, ulen as u8, 0, 0]);
        f.extend_from_slice(&payload);
        let mut ph = vec![10, 0, 0, 1, 10, 0, 0, 2, 0, 17, 0, ulen as u8];
        let p = sum(&ph);
        f[40..42].copy_from_slice(&p.to_be_bytes());

        let mut u = TxEncap64::new(1518);
        u.connect_all();
        let lanes = |b: &[u8]| tdata_from_lanes::<48>(b);
        u.desc.valid.next = true;
        u.desc.partial.next = true;
        u.desc.csum_start.next = 34.into();
        u.desc.csum_offset.next = 6.into();
        u.desc.vni.next = 0x123456.into();
        u.desc.dst_mac.next = lanes(&[2, 0, 0, 0, 0xb, 1]);
        u.desc.src_mac.next = lanes(&[2, 0, 0, 0, 0xa, 1]);
        u.desc.vlan.next = true;
        u.desc.vlan_tci.next = 0x0123.into();
        u.desc.src_ip.next =
            tdata_from_lanes::<128>(&[192, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        u.desc.dst_ip.next =
            tdata_from_lanes::<128>(&[192, 0, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        u.desc.udp_sport.next = 50000.into();
        u.desc.udp_dport.next = 4789.into();
        u.desc.ttl.next = 64.into();
        u.desc.ip_id.next = 7.into();
        u.desc.rco.next = true;
        u.desc.udp_csum.next = true;
        u.m_axis.tready.next = true;
        let beats = packet_beats(&f, 8);
        let (mut bi, mut out, mut done) = (0, vec![], false);
        for _ in 0..200 {
            u.clock.next = false.into();
            if bi < beats.len() {
                u.s_axis.tdata.next = tdata_from_lanes::<64>(&beats[bi].data);
                u.s_axis.tkeep.next = beats[bi].keep.into();
                u.s_axis.tlast.next = beats[bi].last;
            }
            u.s_axis.tvalid.next = bi < beats.len();
            assert!(simulate(&mut u, 200));
            let fire_desc = u.desc.valid.val() && u.desc.ready.val();
            let fire_in = bi < beats.len() && u.s_axis.tready.val();
            if u.m_axis.tvalid.val() {
                let keep = u.m_axis.tkeep.val().to_u64();
                let d = u.m_axis.tdata.val().to_u64();
                for l in 0..8 {
                    if keep >> l & 1 == 1 {
                        out.push((d >> (8 * l)) as u8);
                    }
                }
                done = u.m_axis.tlast.val();
            }
            u.clock.next = true.into();
            assert!(simulate(&mut u, 200));
            bi += fire_in as usize;
            if fire_desc {
                u.desc.valid.next = false;
            }
            if done {
                break;
            }
        }
        assert!(done, "no output frame");
        assert_eq!(out.len(), 54 + f.len());
        assert_eq!(
            &out[..16],
            &[2, 0, 0, 0, 0xb, 1, 2, 0, 0, 0, 0xa, 1, 0x81, 0x00, 0x01, 0x23]
        );
        assert_eq!(&out[16..18], &[0x08, 0x00]);
        let ip = &out[18..38];
        assert_eq!(sum(ip), 0xFFFF, "IPv4 header checksum");
        assert_eq!(
            u16::from_be_bytes([ip[2], ip[3]]) as usize,
            20 + 16 + f.len()
        );
        assert_eq!((ip[4], ip[5], ip[8], ip[9]), (0, 7, 64, 17));
        let udp = &out[38..];
        assert_eq!(&udp[..4], &[0xc3, 0x50, 0x12, 0xb5]);
        assert_eq!(u16::from_be_bytes([udp[4], udp[5]]) as usize, udp.len());
        assert_eq!(
            &udp[8..16],
            &[0x08, 0x20, 0, 0, 0x12, 0x34, 0x56, 0x80 | 17]
        );
        ph = vec![192, 0, 2, 1, 192, 0, 2, 2, 0, 17];
        ph.extend_from_slice(&(udp.len() as u16).to_be_bytes());
        ph.extend_from_slice(udp);
        assert_eq!(sum(&ph), 0xFFFF, "outer UDP checksum");
        assert_eq!(&udp[16..], &f[..], "inner frame unchanged under RCO");
        assert_eq!(u.frames_out.val().to_u64(), 1);
    }

    #[test]
    fn verilog_generates() {
        let mut uut = TxEncap64::new(1518);
        uut.connect_all();
        let v = generate_verilog(&uut);
        assert!(v.contains("module top") && v.contains("m_axis$tdata"));
    }
}
