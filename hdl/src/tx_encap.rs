//! `TxEncap`: the TX path. Takes a host frame (AXI4-Stream) and its descriptor (sideband
//! valid/ready, the fields of golden `TxDescriptor`), and emits the VXLAN frame: outer
//! Ethernet [802.1Q] / IPv4 (header checksum) or IPv6 / UDP (checksum over the datagram)
//! / VXLAN with the RCO bits, then the inner frame, byte-identical to golden `tx_encap`.
//!
//! # Pipeline (store and forward; four packets in flight)
//! ```text
//!  desc --> [ingress: d_*, P1/P2 sums | Recv -> RAM, CsumEngine x2 | Len | Chk]
//!              --handoff--> [finish F: f_h, sums G1..Z] --push--> [slot s_*] --take--> [egress e_*] --> m_axis
//! ```
//! * Ingress (`i_state`): `Idle` (desc.ready) -> `Recv` (beats to the RAM ring at `wr_ptr`,
//!   both checksum engines see every beat) -> `Len` (length, error checks, outer lengths,
//!   registered) -> `Chk`: a `TxError`-class fault is a counted drop (`wr_ptr` rewound, back
//!   to `Idle`, the packet's engine pulse is skipped); otherwise the packet is handed to the
//!   finish stage F as soon as F is empty, and the next descriptor is accepted in the same
//!   cycle. So the ingress spends 2 cycles (`Len`, `Chk`) between packets, and a drop is
//!   always counted before the next descriptor is accepted (the testbenches rely on it).
//! * Descriptor-only sums run free from the `d_*` registers in two stages (`p_*`: pairs of
//!   address words, ports, VNI, IP id/TTL; `q_*`: IPv4 and IPv6 address sums, UDP/VXLAN
//!   constant part, IPv4 header constant part): valid 3 cycles after the descriptor is
//!   taken, which is never later than the handoff (a frame has at least one beat).
//! * F takes a copy of the header (built from the descriptor and the lengths, checksum fields
//!   zero) and of the partial sums, then waits for the engines' pulse (one cycle after F
//!   starts at the earliest; `pend`/`skip` keep pulses matched to packets) and finishes:
//!   X = payload + inner-completion terms + base, Y = end-around fold, Z = UDP checksum.
//!   Every stage is at most two 24-bit adds deep. F pushes into the one-packet slot when it
//!   is empty; egress takes the slot when idle or on its last beat.
//! * Output: a two-entry register slice (`o_*` on the bus, `k_*` skid) so `m_axis` comes
//!   from registers and `tready` steers only the slice; the egress advances on `!k_valid`.
//! * Egress (`e_*`): sends `hlen / K` header beats from the `e_h` shift register, then data
//!   beats `(word << 8r) | e_low` with `r = hlen % K` (`e_low` holds the current header word,
//!   then the previous word's high lanes). Everything the output depends on is a register:
//!   beat flags (`e_hdr`, `e_cons`, `e_last`) are computed for the next beat at each fire,
//!   and a non-RCO CHECKSUM_PARTIAL frame's two patched bytes come from per-beat masks
//!   (`e_pm`, `e_pv`) prepared from the byte positions the slot precomputed.
//! * RAM reads are prefetched (`ra`, up to `commit` = the end of the last packet handed to
//!   F) into a 4-entry queue `q0..q3` from [`SdpRam`], whose read data comes from the
//!   DP16KD's output register (without it the BRAM's 4.3 ns clock-to-out plus routing to a
//!   fabric register caps the clock at ~170 MHz); the egress pops the head. Words of a packet are committed at least 6 cycles before it can be
//!   taken, so the queue is never empty when a beat needs a word.
//! * Packet N+1 is received and summed while N finishes and N-1 is sent; the RAM holds `2^A`
//!   words, at least two maximum frames; `room` (registered, one word of margin, measured
//!   to the prefetch pointer) stalls the ingress if it would overtake the egress.
//!
//! # Checksums in lane order
//! Every multi-byte header field is kept in lane (wire) order, so 16-bit slices of the
//! header are byte-swapped big-endian words. A ones'-complement sum commutes with a byte
//! swap (RFC 1071), so the IPv4 and UDP checksums are summed over these little-endian
//! words and the complemented fold is written back as-is, no swap. The engines' payload
//! sums (big-endian) are swapped once. A completed inner checksum changes the payload sum
//! by `new - old` at the field's parity (swapped for an even field offset). Partial sums
//! are plain (24-bit) and folded once at the end: the end-around fold of a plain sum is
//! exactly golden's `fold`.
//!
//! # Errors (golden `TxError` order), each a counted drop
//! `drop_truncated`: frame < 14 bytes; `drop_too_long`: longer than `max_frame` (beats
//! past the buffer are consumed, not stored); `drop_bad_desc`: partial with the checksum
//! field outside the frame. `max_frame + 60 <= 65535` is checked at construction, so the
//! outer length can never overflow (golden's second `TooLong` condition).
//! `drop_bad_keep` (hardware only, before the others): a beat broke the packed-stream
//! contract, `tkeep` not all ones before the last beat or the last beat's lanes not
//! contiguous from lane 0 / empty; a lone null beat is the empty frame (`drop_truncated`).
//! The check is an OR tree of the port's `tkeep` into a sticky per-frame flag (`i_bk`).
//!
//! # Latency, throughput
//! First output beat [`latency`]`(W)` cycles after the last input beat when the block is
//! otherwise idle (engine [`crate::csum_engine::latency`], F 4 after the pulse, slot, output
//! register: 11 at W=64). Egress runs at one beat
//! per clock for the whole frame and goes straight from a packet's last beat to the next
//! header when the slot is full. Ingress spends 2 cycles between packets, egress sends
//! `ceil((hlen + len) / K)` beats for `ceil(len / K)` in, so the output is rarely starved.
//! * RAM: `2^A` words; the aliases hold three 9216-byte frames.
//!
//! # Timing (ECP5-85F speed 8, `rco-nic synth --design tx`)
//! Was 41.6 MHz with the whole checksum computed in one cycle; now every register-to-
//! register path is at most two adders or a few LUT levels, see README for the figure.

use crate::csum_engine::CsumEngine;
use crate::sdp_ram::SdpRam;
use crate::stream::{AxisSink, AxisSource};
use rust_hdl::prelude::*;

pub use crate::tx::desc::TxDescSink;

#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum InState {
    Idle,
    Recv,
    Len,
    Chk,
}

#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum OutState {
    Idle,
    Send,
}

/// Clock edges from a packet's last input beat to its first output beat (idle block) at
/// `w` bits: the engines' pulse [`crate::csum_engine::latency`] after the last beat, F
/// takes it and has the UDP checksum 4 later, then push into the slot, take by the egress,
/// output register.
pub const fn latency(w: usize) -> usize {
    crate::csum_engine::latency(w) + 6
}

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
    pub drop_bad_keep: Signal<Out, Bits<32>>,
    pub frames_out: Signal<Out, Bits<32>>,
    // parameters
    max_frame: Constant<Bits<16>>,
    max_last: Constant<Bits<16>>,
    depth_m1: Constant<Bits<16>>,
    beat_bytes: Constant<Bits<16>>,
    beat_shift: Constant<Bits<16>>,
    lane_mask: Constant<Bits<16>>,
    beat_mask: Constant<Bits<16>>,
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
    ones: Constant<Bits<K>>,
    ram: SdpRam<Bits<W>, A>,
    eng_inner: CsumEngine<W, K, N>,
    eng_all: CsumEngine<W, K, N>,
    // ---- ingress: latched descriptor
    i_state: DFF<InState>,
    d_partial: DFF<Bit>,
    d_start: DFF<Bits<16>>,
    d_offset: DFF<Bits<16>>,
    d_field: DFF<Bits<16>>,
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
    // ---- descriptor-only sums, free running: P1 (pairs) then P2
    p_s01: DFF<Bits<24>>,
    p_s23: DFF<Bits<24>>,
    p_s45: DFF<Bits<24>>,
    p_s67: DFF<Bits<24>>,
    p_d01: DFF<Bits<24>>,
    p_d23: DFF<Bits<24>>,
    p_d45: DFF<Bits<24>>,
    p_d67: DFF<Bits<24>>,
    p_ports: DFF<Bits<24>>,
    p_vni: DFF<Bits<24>>,
    p_ipid: DFF<Bits<24>>,
    p_vx0: DFF<Bits<16>>,
    p_vx3: DFF<Bits<16>>,
    p_use_rco: DFF<Bit>,
    p_hlen: DFF<Bits<16>>,
    p_f2: DFF<Bits<17>>,
    q_a4: DFF<Bits<24>>,
    q_a6a: DFF<Bits<24>>,
    q_a6b: DFF<Bits<24>>,
    q_u: DFF<Bits<24>>,
    q_i: DFF<Bits<24>>,
    // ---- ingress: receive
    wr_ptr: DFF<Bits<16>>,
    i_first_ptr: DFF<Bits<16>>,
    i_words: DFF<Bits<16>>,
    i_pos: DFF<Bits<16>>,
    i_stop: DFF<Bit>,
    i_over: DFF<Bit>,
    /// the frame's tkeep broke the contract so far; no beat of the frame taken yet
    i_bk: DFF<Bit>,
    i_fresh: DFF<Bit>,
    t_kn: Signal<Local, Bits<K>>,
    t_kgap: Signal<Local, Bits<K>>,
    t_kbad: Signal<Local, Bit>,
    i_len: DFF<Bits<16>>,
    i_old_hi: DFF<Bits<8>>,
    i_old_lo: DFF<Bits<8>>,
    i_prev_a: DFF<Bit>,
    room: DFF<Bit>,
    desc_fire: Signal<Local, Bit>,
    accept: Signal<Local, Bit>,
    lane_a: Signal<Local, Bits<16>>,
    lane_b: Signal<Local, Bits<16>>,
    hit_a: Signal<Local, Bit>,
    hit_b: Signal<Local, Bit>,
    cnt: [Signal<Local, Bits<16>>; K],
    // ---- ingress: Len stage (registered), Chk decision
    r_udp_len_le: DFF<Bits<16>>,
    r_ip_total_le: DFF<Bits<16>>,
    r_total: DFF<Bits<16>>,
    r_pa: DFF<Bits<16>>,
    r_trunc: DFF<Bit>,
    r_long: DFF<Bit>,
    r_desc: DFF<Bit>,
    r_bk: DFF<Bit>,
    r_ok: DFF<Bit>,
    udp_len: Signal<Local, Bits<16>>,
    ip_total: Signal<Local, Bits<16>>,
    err_trunc: Signal<Local, Bit>,
    err_long: Signal<Local, Bit>,
    err_desc: Signal<Local, Bit>,
    len_lt14: Signal<Local, Bit>,
    len_gtmax: Signal<Local, Bit>,
    field_past_end: Signal<Local, Bit>,
    handoff: Signal<Local, Bit>,
    drop_now: Signal<Local, Bit>,
    rco_ok: Signal<Local, Bit>,
    use_rco: Signal<Local, Bit>,
    rco_byte: Signal<Local, Bits<8>>,
    hlen: Signal<Local, Bits<16>>,
    ip_id_le: Signal<Local, Bits<16>>,
    sport_le: Signal<Local, Bits<16>>,
    dport_le: Signal<Local, Bits<16>>,
    vx_w2: Signal<Local, Bits<16>>,
    cnt_trunc: DFF<Bits<32>>,
    cnt_long: DFF<Bits<32>>,
    cnt_desc: DFF<Bits<32>>,
    cnt_bk: DFF<Bits<32>>,
    cnt_out: DFF<Bits<32>>,
    // engine pulses: `skip` the next one (a dropped packet's), `pend` one not yet taken by F.
    // A drop is decided 2 cycles after the last beat, its pulse comes `latency - 2` after
    // that: `skip` is set from `drop_now` delayed by `latency - 4` (`skip_tap` bit 0: not
    // delayed, bit k: `drop_dl[k-1]`), so it never catches the pulse of the packet before.
    drop_dl: [DFF<Bit>; 8],
    skip_tap: Constant<Bits<9>>,
    skip_set: Signal<Local, Bit>,
    skip: DFF<Bit>,
    pend: DFF<Bit>,
    // ---- finish stage F
    f_busy: DFF<Bit>,
    f_warm: DFF<Bit>,
    f_got: DFF<Bit>,
    f_cd: DFF<Bits<2>>,
    f_h: DFF<Bits<HB>>,
    f_a4: DFF<Bits<24>>,
    f_a6a: DFF<Bits<24>>,
    f_a6b: DFF<Bits<24>>,
    f_u: DFF<Bits<24>>,
    f_i: DFF<Bits<24>>,
    f_ulen_le: DFF<Bits<16>>,
    f_iptot_le: DFF<Bits<16>>,
    f_v6: DFF<Bit>,
    f_vlan: DFF<Bit>,
    f_udp_csum: DFF<Bit>,
    f_complete: DFF<Bit>,
    f_oddf: DFF<Bit>,
    f_old_c: DFF<Bits<16>>,
    f_total: DFF<Bits<16>>,
    f_pa: DFF<Bits<16>>,
    f_hlen: DFF<Bits<16>>,
    f_words: DFF<Bits<16>>,
    f_pay_le: DFF<Bits<16>>,
    f_newc: DFF<Bits<16>>,
    f_newf: DFF<Bits<16>>,
    take_pulse: Signal<Local, Bit>,
    f_ready: Signal<Local, Bit>,
    new_field: Signal<Local, Bits<16>>,
    old_x: Signal<Local, Bits<16>>,
    l2: Signal<Local, Bits<HB>>,
    ip4: Signal<Local, Bits<160>>,
    ip6: Signal<Local, Bits<320>>,
    udpvx: Signal<Local, Bits<128>>,
    rest: Signal<Local, Bits<HB>>,
    hdr: Signal<Local, Bits<HB>>,
    // F's free-running stages
    g_ua: DFF<Bits<24>>,
    g_ul: DFF<Bits<24>>,
    g_is: DFF<Bits<24>>,
    g_base: DFF<Bits<24>>,
    g_if: DFF<Bits<16>>,
    g_icsum: DFF<Bits<16>>,
    g_x: DFF<Bits<24>>,
    g_uf: DFF<Bits<16>>,
    g_ucsum: DFF<Bits<16>>,
    g_nbeats: DFF<Bits<16>>,
    g_lastkeep: DFF<Bits<K>>,
    g_nh: DFF<Bits<16>>,
    g_pab: DFF<Bits<16>>,
    g_pbb: DFF<Bits<16>>,
    g_ma: DFF<Bits<W>>,
    g_mb: DFF<Bits<W>>,
    g_va: DFF<Bits<W>>,
    g_vb: DFF<Bits<W>>,
    is_r0: Signal<Local, Bits<24>>,
    is_r1: Signal<Local, Bits<24>>,
    x_r0: Signal<Local, Bits<24>>,
    x_r1: Signal<Local, Bits<24>>,
    f_pa1: DFF<Bits<16>>,
    f_la8: DFF<Bits<16>>,
    f_lb8: DFF<Bits<16>>,
    rem: Signal<Local, Bits<16>>,
    placed_u: Signal<Local, Bits<HB>>,
    placed_i: Signal<Local, Bits<HB>>,
    // ---- ready slot: the next packet's header and egress plan
    push: Signal<Local, Bit>,
    take: Signal<Local, Bit>,
    s_full: DFF<Bit>,
    s_h: DFF<Bits<HB>>,
    s_nh: DFF<Bits<16>>,
    s_hdr0: DFF<Bit>,
    s_words: DFF<Bits<16>>,
    s_cons0: DFF<Bit>,
    s_nbeats: DFF<Bits<16>>,
    s_last0: DFF<Bit>,
    s_ca: DFF<Bits<16>>,
    s_cb: DFF<Bits<16>>,
    s_ma: DFF<Bits<W>>,
    s_mb: DFF<Bits<W>>,
    s_va: DFF<Bits<W>>,
    s_vb: DFF<Bits<W>>,
    s_pm0: DFF<Bits<W>>,
    s_pv0: DFF<Bits<W>>,
    s_lastkeep: DFF<Bits<K>>,
    s_v6: DFF<Bit>,
    s_vlan: DFF<Bit>,
    // ---- egress: state of the beat on the bus
    e_state: DFF<OutState>,
    e_h: DFF<Bits<HB>>,
    e_low: DFF<Bits<W>>,
    e_hleft: DFF<Bits<16>>,
    e_hdr: DFF<Bit>,
    e_words: DFF<Bits<16>>,
    e_cons: DFF<Bit>,
    e_bleft: DFF<Bits<16>>,
    e_last: DFF<Bit>,
    e_ca: DFF<Bits<16>>,
    e_cb: DFF<Bits<16>>,
    e_ma: DFF<Bits<W>>,
    e_mb: DFF<Bits<W>>,
    e_va: DFF<Bits<W>>,
    e_vb: DFF<Bits<W>>,
    e_pm: DFF<Bits<W>>,
    e_pv: DFF<Bits<W>>,
    e_lastkeep: DFF<Bits<K>>,
    e_v6: DFF<Bit>,
    e_vlan: DFF<Bit>,
    // ---- RAM prefetch: reads of committed words into a 4-entry queue, BRAM -> register
    // with no logic between (the BRAM's clock-to-out is most of a cycle)
    ra: DFF<Bits<16>>,
    commit: DFF<Bits<16>>,
    q_inflight: DFF<Bit>,
    q_arrive: DFF<Bit>,
    q_filled: DFF<Bits<3>>,
    q_w: DFF<Bits<2>>,
    q_r: DFF<Bits<2>>,
    q0: DFF<Bits<W>>,
    q1: DFF<Bits<W>>,
    q2: DFF<Bits<W>>,
    q3: DFF<Bits<W>>,
    issue: Signal<Local, Bit>,
    pop: Signal<Local, Bit>,
    word: Signal<Local, Bits<W>>,
    fire: Signal<Local, Bit>,
    // ---- output register slice (skid buffer): m_axis from registers, tready only steers it
    o_valid: DFF<Bit>,
    o_data: DFF<Bits<W>>,
    o_keep: DFF<Bits<K>>,
    o_last: DFF<Bit>,
    k_valid: DFF<Bit>,
    k_data: DFF<Bits<W>>,
    k_keep: DFF<Bits<K>>,
    k_last: DFF<Bit>,
    o_move: Signal<Local, Bit>,
    b_data: Signal<Local, Bits<W>>,
    b_keep: Signal<Local, Bits<K>>,
    hdr_n: Signal<Local, Bit>,
    cur_shl: Signal<Local, Bits<W>>,
    cur_shr: Signal<Local, Bits<W>>,
    beat: Signal<Local, Bits<W>>,
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
        assert!(K.is_power_of_two(), "K must be a power of two");
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
            HB % W == 0 && HB >= 74 * 8 && HB >= 2 * W,
            "header register size"
        );
        let eng = crate::csum_engine::latency(W);
        assert!((4..=12).contains(&eng), "drop_dl delays a drop by 0..=8 clocks");
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
            drop_bad_keep: Default::default(),
            frames_out: Default::default(),
            max_frame: c16(max_frame),
            max_last: c16(max_words * K - K),
            depth_m1: c16((1 << A) - 1),
            beat_bytes: c16(K),
            beat_shift: c16(K.trailing_zeros() as usize),
            lane_mask: c16(K - 1),
            beat_mask: c16(0xFFFF & !(K - 1)),
            w_bits: c16(W),
            shl_v4,
            shr_v4,
            shl_v4t,
            shr_v4t,
            shl_v6,
            shr_v6,
            shl_v6t,
            shr_v6t,
            ones: Constant::new(Bits::<K>::mask()),
            ram: Default::default(),
            eng_inner: CsumEngine::new(),
            eng_all: CsumEngine::new(),
            i_state: Default::default(),
            d_partial: Default::default(),
            d_start: Default::default(),
            d_offset: Default::default(),
            d_field: Default::default(),
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
            p_s01: Default::default(),
            p_s23: Default::default(),
            p_s45: Default::default(),
            p_s67: Default::default(),
            p_d01: Default::default(),
            p_d23: Default::default(),
            p_d45: Default::default(),
            p_d67: Default::default(),
            p_ports: Default::default(),
            p_vni: Default::default(),
            p_ipid: Default::default(),
            p_vx0: Default::default(),
            p_vx3: Default::default(),
            p_use_rco: Default::default(),
            p_hlen: Default::default(),
            p_f2: Default::default(),
            q_a4: Default::default(),
            q_a6a: Default::default(),
            q_a6b: Default::default(),
            q_u: Default::default(),
            q_i: Default::default(),
            wr_ptr: Default::default(),
            i_first_ptr: Default::default(),
            i_words: Default::default(),
            i_pos: Default::default(),
            i_stop: Default::default(),
            i_over: Default::default(),
            i_bk: Default::default(),
            i_fresh: Default::default(),
            t_kn: Default::default(),
            t_kgap: Default::default(),
            t_kbad: Default::default(),
            i_len: Default::default(),
            i_old_hi: Default::default(),
            i_old_lo: Default::default(),
            i_prev_a: Default::default(),
            room: Default::default(),
            desc_fire: Default::default(),
            accept: Default::default(),
            lane_a: Default::default(),
            lane_b: Default::default(),
            hit_a: Default::default(),
            hit_b: Default::default(),
            cnt: std::array::from_fn(|_| Default::default()),
            r_udp_len_le: Default::default(),
            r_ip_total_le: Default::default(),
            r_total: Default::default(),
            r_pa: Default::default(),
            r_trunc: Default::default(),
            r_long: Default::default(),
            r_desc: Default::default(),
            r_bk: Default::default(),
            r_ok: Default::default(),
            udp_len: Default::default(),
            ip_total: Default::default(),
            err_trunc: Default::default(),
            err_long: Default::default(),
            err_desc: Default::default(),
            len_lt14: Default::default(),
            len_gtmax: Default::default(),
            field_past_end: Default::default(),
            handoff: Default::default(),
            drop_now: Default::default(),
            rco_ok: Default::default(),
            use_rco: Default::default(),
            rco_byte: Default::default(),
            hlen: Default::default(),
            ip_id_le: Default::default(),
            sport_le: Default::default(),
            dport_le: Default::default(),
            vx_w2: Default::default(),
            cnt_trunc: Default::default(),
            cnt_long: Default::default(),
            cnt_desc: Default::default(),
            cnt_bk: Default::default(),
            cnt_out: Default::default(),
            drop_dl: std::array::from_fn(|_| Default::default()),
            skip_tap: Constant::new((1u64 << (eng - 4)).into()),
            skip_set: Default::default(),
            skip: Default::default(),
            pend: Default::default(),
            f_busy: Default::default(),
            f_warm: Default::default(),
            f_got: Default::default(),
            f_cd: Default::default(),
            f_h: Default::default(),
            f_a4: Default::default(),
            f_a6a: Default::default(),
            f_a6b: Default::default(),
            f_u: Default::default(),
            f_i: Default::default(),
            f_ulen_le: Default::default(),
            f_iptot_le: Default::default(),
            f_v6: Default::default(),
            f_vlan: Default::default(),
            f_udp_csum: Default::default(),
            f_complete: Default::default(),
            f_oddf: Default::default(),
            f_old_c: Default::default(),
            f_total: Default::default(),
            f_pa: Default::default(),
            f_hlen: Default::default(),
            f_words: Default::default(),
            f_pay_le: Default::default(),
            f_newc: Default::default(),
            f_newf: Default::default(),
            take_pulse: Default::default(),
            f_ready: Default::default(),
            new_field: Default::default(),
            old_x: Default::default(),
            l2: Default::default(),
            ip4: Default::default(),
            ip6: Default::default(),
            udpvx: Default::default(),
            rest: Default::default(),
            hdr: Default::default(),
            g_ua: Default::default(),
            g_ul: Default::default(),
            g_is: Default::default(),
            g_base: Default::default(),
            g_if: Default::default(),
            g_icsum: Default::default(),
            g_x: Default::default(),
            g_uf: Default::default(),
            g_ucsum: Default::default(),
            g_nbeats: Default::default(),
            g_lastkeep: Default::default(),
            g_nh: Default::default(),
            g_pab: Default::default(),
            g_pbb: Default::default(),
            g_ma: Default::default(),
            g_mb: Default::default(),
            g_va: Default::default(),
            g_vb: Default::default(),
            is_r0: Default::default(),
            is_r1: Default::default(),
            x_r0: Default::default(),
            x_r1: Default::default(),
            f_pa1: Default::default(),
            f_la8: Default::default(),
            f_lb8: Default::default(),
            rem: Default::default(),
            placed_u: Default::default(),
            placed_i: Default::default(),
            push: Default::default(),
            take: Default::default(),
            s_full: Default::default(),
            s_h: Default::default(),
            s_nh: Default::default(),
            s_hdr0: Default::default(),
            s_words: Default::default(),
            s_cons0: Default::default(),
            s_nbeats: Default::default(),
            s_last0: Default::default(),
            s_ca: Default::default(),
            s_cb: Default::default(),
            s_ma: Default::default(),
            s_mb: Default::default(),
            s_va: Default::default(),
            s_vb: Default::default(),
            s_pm0: Default::default(),
            s_pv0: Default::default(),
            s_lastkeep: Default::default(),
            s_v6: Default::default(),
            s_vlan: Default::default(),
            e_state: Default::default(),
            e_h: Default::default(),
            e_low: Default::default(),
            e_hleft: Default::default(),
            e_hdr: Default::default(),
            e_words: Default::default(),
            e_cons: Default::default(),
            e_bleft: Default::default(),
            e_last: Default::default(),
            e_ca: Default::default(),
            e_cb: Default::default(),
            e_ma: Default::default(),
            e_mb: Default::default(),
            e_va: Default::default(),
            e_vb: Default::default(),
            e_pm: Default::default(),
            e_pv: Default::default(),
            e_lastkeep: Default::default(),
            e_v6: Default::default(),
            e_vlan: Default::default(),
            ra: Default::default(),
            commit: Default::default(),
            q_inflight: Default::default(),
            q_arrive: Default::default(),
            q_filled: Default::default(),
            q_w: Default::default(),
            q_r: Default::default(),
            q0: Default::default(),
            q1: Default::default(),
            q2: Default::default(),
            q3: Default::default(),
            issue: Default::default(),
            pop: Default::default(),
            word: Default::default(),
            fire: Default::default(),
            o_valid: Default::default(),
            o_data: Default::default(),
            o_keep: Default::default(),
            o_last: Default::default(),
            k_valid: Default::default(),
            k_data: Default::default(),
            k_keep: Default::default(),
            k_last: Default::default(),
            o_move: Default::default(),
            b_data: Default::default(),
            b_keep: Default::default(),
            hdr_n: Default::default(),
            cur_shl: Default::default(),
            cur_shr: Default::default(),
            beat: Default::default(),
        }
    }
}

impl<const W: usize, const K: usize, const N: usize, const A: usize, const HB: usize> Logic
    for TxEncap<W, K, N, A, HB>
{
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, i_state, d_partial, d_start, d_offset, d_field, d_vni, d_dst_mac,
            d_src_mac, d_vlan, d_tci, d_ipv6, d_src_ip, d_dst_ip, d_sport, d_dport, d_ttl,
            d_ip_id, d_flow, d_rco, d_udp_csum, p_s01, p_s23, p_s45, p_s67, p_d01, p_d23, p_d45,
            p_d67, p_ports, p_vni, p_ipid, p_vx0, p_vx3, p_use_rco, p_hlen, p_f2, q_a4, q_a6a,
            q_a6b, q_u, q_i, wr_ptr, i_first_ptr, i_words, i_pos, i_stop, i_over, i_bk, i_fresh, i_len,
            i_old_hi, i_old_lo, i_prev_a, room, r_udp_len_le, r_ip_total_le, r_total, r_pa,
            r_trunc, r_long, r_desc, r_bk, r_ok, cnt_trunc, cnt_long, cnt_desc, cnt_bk, cnt_out, skip, pend,
            f_busy, f_warm, f_got, f_cd, f_h, f_a4, f_a6a, f_a6b, f_u, f_i, f_ulen_le,
            f_iptot_le, f_v6, f_vlan, f_udp_csum, f_complete, f_oddf, f_old_c, f_total, f_pa,
            f_hlen, f_words, f_pa1, f_la8, f_lb8, f_pay_le, f_newc, f_newf, g_ua, g_ul, g_is, g_base, g_if, g_icsum,
            g_x, g_uf, g_ucsum, g_nbeats, g_lastkeep, g_nh, g_pab, g_pbb, g_ma, g_mb, g_va,
            g_vb, s_full, s_h, s_nh, s_hdr0, s_words, s_cons0, s_nbeats, s_last0, s_ca, s_cb,
            s_ma, s_mb, s_va, s_vb, s_pm0, s_pv0, s_lastkeep, s_v6, s_vlan, e_state, e_h, e_low,
            e_hleft, e_hdr, e_words, e_cons, e_bleft, e_last, e_ca, e_cb, e_ma, e_mb, e_va, e_vb,
            e_pm, e_pv, e_lastkeep, e_v6, e_vlan, ra, commit, q_inflight, q_arrive, q_filled, q_w, q_r, q0,
            q1, q2, q3, o_valid, o_data, o_keep, o_last, k_valid, k_data, k_keep, k_last
        );
        self.ram.read_clock.next = self.clock.val();
        self.ram.write_clock.next = self.clock.val();
        self.eng_inner.clock.next = self.clock.val();
        self.eng_all.clock.next = self.clock.val();

        // ================= ingress =================
        // handoff: the checked packet moves to an empty F; the next descriptor is taken in
        // the same cycle (F copies what it needs from the d_* registers' current values)
        self.handoff.next =
            (self.i_state.q.val() == InState::Chk) && self.r_ok.q.val() && !self.f_busy.q.val();
        self.drop_now.next = (self.i_state.q.val() == InState::Chk) && !self.r_ok.q.val();
        self.desc.ready.next = (self.i_state.q.val() == InState::Idle) || self.handoff.val();
        self.desc_fire.next = self.desc.valid.val() && self.desc.ready.val();
        // room in the ring, registered with one word of margin (the writer moves by one a
        // cycle, the reader only frees)
        self.room.d.next = (self.wr_ptr.q.val() - self.ra.q.val()) < self.depth_m1.val();
        self.s_axis.tready.next =
            (self.i_state.q.val() == InState::Recv) && (self.room.q.val() || self.i_stop.q.val());
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
        self.ram.write_enable.next = self.accept.val() && !self.i_stop.q.val();

        // bytes in this beat: tkeep is contiguous low lanes, so the highest kept lane + 1
        // (a mux chain, not an adder chain: it maps to a few LUT levels)
        self.cnt[0].next = 0.into();
        if self.s_axis.tkeep.val().get_bit(0) {
            self.cnt[0].next = 1.into();
        }
        for i in 1..K {
            self.cnt[i].next = self.cnt[i - 1].val();
            if self.s_axis.tkeep.val().get_bit(i) {
                self.cnt[i].next = (i + 1).to_bits::<16>();
            }
        }

        // tkeep contract (stream.rs): all ones before the last beat; the last beat's lanes
        // contiguous from lane 0 (a kept lane above a null one is a gap) and not empty,
        // except a lone null beat (the empty frame, judged truncated as golden does)
        self.t_kn.next = !self.s_axis.tkeep.val();
        self.t_kgap.next = (self.s_axis.tkeep.val() >> 1) & self.t_kn.val();
        if self.s_axis.tlast.val() {
            self.t_kbad.next = (self.t_kn.val().get_bit(0) && !self.i_fresh.q.val()) || self.t_kgap.val().any();
        } else {
            self.t_kbad.next = self.t_kn.val().any();
        }

        // the two original bytes of the inner checksum field, as they stream past: byte a
        // is in the beat whose position matches the field's beat, byte b in the same beat
        // or (field at the last lane) in the next one
        self.lane_a.next = self.d_field.q.val() & self.lane_mask.val();
        self.lane_b.next = (self.lane_a.val() + 1) & self.lane_mask.val();
        self.hit_a.next = (self.d_field.q.val() & self.beat_mask.val()) == self.i_pos.q.val();
        self.hit_b.next = self.hit_a.val();
        if self.lane_a.val() == self.lane_mask.val() {
            self.hit_b.next = self.i_prev_a.q.val();
        }
        if self.accept.val() && self.hit_a.val() {
            self.i_old_hi.d.next = self
                .s_axis
                .tdata
                .val()
                .get_bits::<8>((self.lane_a.val() << 3).index());
        }
        if self.accept.val() && self.hit_b.val() {
            self.i_old_lo.d.next = self
                .s_axis
                .tdata
                .val()
                .get_bits::<8>((self.lane_b.val() << 3).index());
        }

        // ---- descriptor-only terms (free running from d_*)
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
        self.rco_byte.next = 0.into();
        if self.use_rco.val() {
            self.rco_byte.next = bit_cast::<8, 16>(self.d_start.q.val() >> 1);
            if self.d_offset.q.val() == 6 {
                self.rco_byte.next = bit_cast::<8, 16>(self.d_start.q.val() >> 1) | 0x80;
            }
        }
        self.ip_id_le.next = (self.d_ip_id.q.val() << 8) | (self.d_ip_id.q.val() >> 8);
        self.sport_le.next = (self.d_sport.q.val() << 8) | (self.d_sport.q.val() >> 8);
        self.dport_le.next = (self.d_dport.q.val() << 8) | (self.d_dport.q.val() >> 8);
        self.vx_w2.next = (bit_cast::<16, 24>(self.d_vni.q.val() >> 16))
            | (bit_cast::<16, 24>(self.d_vni.q.val() >> 8) << 8);
        // P1: pairs of address words (little-endian slices), ports, VNI + proto, id + TTL
        self.p_s01.d.next = bit_cast::<24, 16>(self.d_src_ip.q.val().get_bits::<16>(0))
            + bit_cast::<24, 16>(self.d_src_ip.q.val().get_bits::<16>(16));
        self.p_s23.d.next = bit_cast::<24, 16>(self.d_src_ip.q.val().get_bits::<16>(32))
            + bit_cast::<24, 16>(self.d_src_ip.q.val().get_bits::<16>(48));
        self.p_s45.d.next = bit_cast::<24, 16>(self.d_src_ip.q.val().get_bits::<16>(64))
            + bit_cast::<24, 16>(self.d_src_ip.q.val().get_bits::<16>(80));
        self.p_s67.d.next = bit_cast::<24, 16>(self.d_src_ip.q.val().get_bits::<16>(96))
            + bit_cast::<24, 16>(self.d_src_ip.q.val().get_bits::<16>(112));
        self.p_d01.d.next = bit_cast::<24, 16>(self.d_dst_ip.q.val().get_bits::<16>(0))
            + bit_cast::<24, 16>(self.d_dst_ip.q.val().get_bits::<16>(16));
        self.p_d23.d.next = bit_cast::<24, 16>(self.d_dst_ip.q.val().get_bits::<16>(32))
            + bit_cast::<24, 16>(self.d_dst_ip.q.val().get_bits::<16>(48));
        self.p_d45.d.next = bit_cast::<24, 16>(self.d_dst_ip.q.val().get_bits::<16>(64))
            + bit_cast::<24, 16>(self.d_dst_ip.q.val().get_bits::<16>(80));
        self.p_d67.d.next = bit_cast::<24, 16>(self.d_dst_ip.q.val().get_bits::<16>(96))
            + bit_cast::<24, 16>(self.d_dst_ip.q.val().get_bits::<16>(112));
        self.p_ports.d.next =
            bit_cast::<24, 16>(self.sport_le.val()) + bit_cast::<24, 16>(self.dport_le.val());
        self.p_vni.d.next = bit_cast::<24, 16>(self.vx_w2.val()) + 0x1100;
        self.p_ipid.d.next =
            bit_cast::<24, 16>(self.ip_id_le.val()) + (bit_cast::<24, 8>(self.d_ttl.q.val()) | 0x1100);
        self.p_vx0.d.next = 0x08.into();
        if self.use_rco.val() {
            self.p_vx0.d.next = 0x2008.into();
        }
        self.p_vx3.d.next = bit_cast::<16, 24>(self.d_vni.q.val() & 0xFF)
            | (bit_cast::<16, 8>(self.rco_byte.val()) << 8);
        self.p_use_rco.d.next = self.use_rco.val();
        self.p_hlen.d.next = self.hlen.val();
        self.p_f2.d.next = bit_cast::<17, 16>(self.d_field.q.val()) + 2;
        // P2: IPv4 / IPv6 address sums, UDP + VXLAN descriptor part, IPv4 header constant part
        self.q_a4.d.next = self.p_s01.q.val() + self.p_d01.q.val();
        self.q_a6a.d.next =
            (self.p_s01.q.val() + self.p_s23.q.val()) + (self.p_s45.q.val() + self.p_s67.q.val());
        self.q_a6b.d.next =
            (self.p_d01.q.val() + self.p_d23.q.val()) + (self.p_d45.q.val() + self.p_d67.q.val());
        self.q_u.d.next = (self.p_ports.q.val() + self.p_vni.q.val())
            + (bit_cast::<24, 16>(self.p_vx0.q.val()) + bit_cast::<24, 16>(self.p_vx3.q.val()));
        self.q_i.d.next =
            (self.p_ipid.q.val() + self.p_s01.q.val()) + (self.p_d01.q.val() + 0x0045);

        // ---- Len: lengths and checks from i_len (free running, read in Chk)
        self.udp_len.next = self.i_len.q.val() + 16;
        self.ip_total.next = self.i_len.q.val() + 36;
        self.r_udp_len_le.d.next = (self.udp_len.val() << 8) | (self.udp_len.val() >> 8);
        self.r_ip_total_le.d.next = (self.ip_total.val() << 8) | (self.ip_total.val() >> 8);
        self.r_total.d.next = self.p_hlen.q.val() + self.i_len.q.val();
        self.r_pa.d.next = self.p_hlen.q.val() + self.d_field.q.val();
        // golden TxError order: Truncated, TooLong, BadDescriptor. Written flat (each error
        // excludes the earlier ones' conditions directly) so the three compares meet in one
        // AND instead of a chain.
        self.len_lt14.next = self.i_len.q.val() < 14;
        self.len_gtmax.next = self.i_len.q.val() > self.max_frame.val();
        self.field_past_end.next = self.p_f2.q.val() > bit_cast::<17, 16>(self.i_len.q.val());
        self.err_trunc.next = !self.i_over.q.val() && self.len_lt14.val();
        self.err_long.next = self.i_over.q.val() || (!self.len_lt14.val() && self.len_gtmax.val());
        self.err_desc.next = !self.i_over.q.val()
            && !self.len_lt14.val()
            && !self.len_gtmax.val()
            && self.d_partial.q.val()
            && self.field_past_end.val();
        // a bad keep goes before all of them (the frame's length is not defined)
        self.r_trunc.d.next = self.err_trunc.val() && !self.i_bk.q.val();
        self.r_long.d.next = self.err_long.val() && !self.i_bk.q.val();
        self.r_desc.d.next = self.err_desc.val() && !self.i_bk.q.val();
        self.r_bk.d.next = self.i_bk.q.val();
        self.r_ok.d.next = !self.i_bk.q.val()
            && !self.i_over.q.val()
            && !self.len_lt14.val()
            && !self.len_gtmax.val()
            && !(self.d_partial.q.val() && self.field_past_end.val());

        match self.i_state.q.val() {
            InState::Idle => {}
            InState::Recv => {
                if self.accept.val() {
                    self.i_pos.d.next = self.i_pos.q.val() + self.beat_bytes.val();
                    if !self.i_stop.q.val() {
                        self.wr_ptr.d.next = self.wr_ptr.q.val() + 1;
                        self.i_words.d.next = self.i_words.q.val() + 1;
                    }
                    self.i_over.d.next = self.i_stop.q.val();
                    self.i_bk.d.next = self.i_bk.q.val() || self.t_kbad.val();
                    self.i_fresh.d.next = false;
                    // the buffer is full after the beat at max_last
                    if self.i_pos.q.val() == self.max_last.val() {
                        self.i_stop.d.next = true;
                    }
                    self.i_prev_a.d.next = self.hit_a.val();
                    if self.s_axis.tlast.val() {
                        // one-trip loop: a const generic may not appear in an index
                        for n in K..(K + 1) {
                            self.i_len.d.next = self.i_pos.q.val() + self.cnt[n - 1].val();
                        }
                        self.i_state.d.next = InState::Len;
                    }
                }
            }
            InState::Len => {
                self.i_state.d.next = InState::Chk;
            }
            InState::Chk => {
                if self.drop_now.val() {
                    // discard what was stored; nothing of it has been handed on
                    self.wr_ptr.d.next = self.i_first_ptr.q.val();
                    self.i_state.d.next = InState::Idle;
                    if self.r_trunc.q.val() {
                        self.cnt_trunc.d.next = self.cnt_trunc.q.val() + 1;
                    }
                    if self.r_long.q.val() {
                        self.cnt_long.d.next = self.cnt_long.q.val() + 1;
                    }
                    if self.r_desc.q.val() {
                        self.cnt_desc.d.next = self.cnt_desc.q.val() + 1;
                    }
                    if self.r_bk.q.val() {
                        self.cnt_bk.d.next = self.cnt_bk.q.val() + 1;
                    }
                }
                if self.handoff.val() {
                    self.i_state.d.next = InState::Idle;
                }
            }
        }
        if self.desc_fire.val() {
            self.d_partial.d.next = self.desc.partial.val();
            self.d_start.d.next = self.desc.csum_start.val();
            self.d_offset.d.next = self.desc.csum_offset.val();
            self.d_field.d.next = self.desc.csum_start.val() + self.desc.csum_offset.val();
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
            self.i_stop.d.next = false;
            self.i_over.d.next = false;
            self.i_bk.d.next = false;
            self.i_fresh.d.next = true;
            self.i_prev_a.d.next = false;
            self.i_words.d.next = 0.into();
            self.i_first_ptr.d.next = self.wr_ptr.q.val();
            self.i_state.d.next = InState::Recv;
        }
        self.drop_truncated.next = self.cnt_trunc.q.val();
        self.drop_too_long.next = self.cnt_long.q.val();
        self.drop_bad_desc.next = self.cnt_desc.q.val();
        self.drop_bad_keep.next = self.cnt_bk.q.val();
        self.frames_out.next = self.cnt_out.q.val();

        // ================= finish stage F =================
        // engine pulses in packet order: a dropped packet's is skipped, one that arrives
        // before F is ready for it waits in `pend` (the engines hold their sums)
        self.take_pulse.next = self.f_busy.q.val()
            && self.f_warm.q.val()
            && !self.f_got.q.val()
            && (self.pend.q.val() || (self.eng_all.sum_valid.val() && !self.skip.q.val()));
        if self.eng_all.sum_valid.val() {
            if self.skip.q.val() {
                self.skip.d.next = false;
            } else if !self.take_pulse.val() {
                self.pend.d.next = true;
            }
        }
        if self.take_pulse.val() {
            self.pend.d.next = false;
        }
        for k in 0..8 {
            self.drop_dl[k].clock.next = self.clock.val();
        }
        self.drop_dl[0].d.next = self.drop_now.val();
        for k in 1..8 {
            self.drop_dl[k].d.next = self.drop_dl[k - 1].q.val();
        }
        self.skip_set.next = self.skip_tap.val().get_bit(0) && self.drop_now.val();
        for k in 0..8 {
            if self.skip_tap.val().get_bit(k + 1) && self.drop_dl[k].q.val() {
                self.skip_set.next = true;
            }
        }
        if self.skip_set.val() {
            self.skip.d.next = true;
        }

        // header of the packet being handed off, in lane order, checksum fields zero
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
            | (bit_cast::<128, 16>(self.p_vx0.q.val()) << 64)
            | (bit_cast::<128, 16>(self.vx_w2.val()) << 96)
            | (bit_cast::<128, 16>(self.p_vx3.q.val()) << 112);
        self.ip4.next = bit_cast::<160, 16>(0x0045.into())
            | (bit_cast::<160, 16>(self.r_ip_total_le.q.val()) << 16)
            | (bit_cast::<160, 16>(self.ip_id_le.val()) << 32)
            | (bit_cast::<160, 8>(self.d_ttl.q.val()) << 64)
            | (bit_cast::<160, 8>(0x11.into()) << 72)
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
        // old field bytes as a word at the field's parity, complemented (completion only)
        self.old_x.next = (bit_cast::<16, 8>(self.i_old_hi.q.val()) << 8)
            | bit_cast::<16, 8>(self.i_old_lo.q.val());
        if self.handoff.val() {
            self.f_h.d.next = self.hdr.val();
            self.f_a4.d.next = self.q_a4.q.val();
            self.f_a6a.d.next = self.q_a6a.q.val();
            self.f_a6b.d.next = self.q_a6b.q.val();
            self.f_u.d.next = self.q_u.q.val();
            self.f_i.d.next = self.q_i.q.val();
            self.f_ulen_le.d.next = self.r_udp_len_le.q.val();
            self.f_iptot_le.d.next = self.r_ip_total_le.q.val();
            self.f_v6.d.next = self.d_ipv6.q.val();
            self.f_vlan.d.next = self.d_vlan.q.val();
            self.f_udp_csum.d.next = self.d_udp_csum.q.val();
            self.f_complete.d.next = self.d_partial.q.val() && !self.p_use_rco.q.val();
            self.f_oddf.d.next = self.d_field.q.val().get_bit(0);
            self.f_old_c.d.next = 0.into();
            if self.d_partial.q.val() && !self.p_use_rco.q.val() {
                // a field at an even offset is a byte-swapped little-endian word
                if self.d_field.q.val().get_bit(0) {
                    self.f_old_c.d.next = !self.old_x.val();
                } else {
                    self.f_old_c.d.next = !((self.old_x.val() << 8) | (self.old_x.val() >> 8));
                }
            }
            self.f_total.d.next = self.r_total.q.val();
            self.f_pa.d.next = self.r_pa.q.val();
            // the two patched bytes: beat position and lane (bit offset) of each
            self.f_pa1.d.next = self.r_pa.q.val() + 1;
            self.f_la8.d.next = (self.r_pa.q.val() & self.lane_mask.val()) << 3;
            self.f_lb8.d.next = ((self.r_pa.q.val() + 1) & self.lane_mask.val()) << 3;
            self.f_hlen.d.next = self.p_hlen.q.val();
            self.f_words.d.next = self.i_words.q.val();
            self.f_busy.d.next = true;
            self.f_got.d.next = false;
            // its words may now be prefetched
            self.commit.d.next = self.wr_ptr.q.val();
        }
        // F may take the pulse from its second cycle on (so G2 below is valid one cycle later)
        self.f_warm.d.next = !self.handoff.val();
        // inner checksum completion: csum_fold of the sum from csum_start, 0 sent as 0xFFFF
        self.new_field.next = self.eng_inner.csum.val();
        if !self.eng_inner.csum.val().any() {
            self.new_field.next = 0xFFFF.into();
        }
        if self.take_pulse.val() {
            self.f_pay_le.d.next =
                (self.eng_all.sum.val() << 8) | (self.eng_all.sum.val() >> 8);
            self.f_newf.d.next = self.new_field.val();
            self.f_newc.d.next = 0.into();
            if self.f_complete.q.val() {
                if self.f_oddf.q.val() {
                    self.f_newc.d.next = self.new_field.val();
                } else {
                    self.f_newc.d.next = (self.new_field.val() << 8) | (self.new_field.val() >> 8);
                }
            }
            self.f_got.d.next = true;
            self.f_cd.d.next = 3.into();
        } else if self.f_cd.q.val().any() {
            self.f_cd.d.next = self.f_cd.q.val() - 1;
        }
        // G1 (from the handoff copy): address sum for the family, lengths
        self.g_ua.d.next = self.f_a4.q.val();
        if self.f_v6.q.val() {
            self.g_ua.d.next = self.f_a6a.q.val() + self.f_a6b.q.val();
        }
        // the UDP length appears twice (pseudo header and UDP header)
        self.g_ul.d.next = self.f_u.q.val() + (bit_cast::<24, 16>(self.f_ulen_le.q.val()) << 1);
        self.g_is.d.next = self.f_i.q.val() + bit_cast::<24, 16>(self.f_iptot_le.q.val());
        // G2: base of the UDP sum; IPv4 fold with end-around carry (lo + hi and lo + hi + 1
        // side by side)
        self.g_base.d.next =
            (self.g_ua.q.val() + self.g_ul.q.val()) + bit_cast::<24, 16>(self.f_old_c.q.val());
        self.is_r0.next = bit_cast::<24, 16>(self.g_is.q.val().get_bits::<16>(0))
            + bit_cast::<24, 8>(self.g_is.q.val().get_bits::<8>(16));
        self.is_r1.next = bit_cast::<24, 16>(self.g_is.q.val().get_bits::<16>(0))
            + (bit_cast::<24, 8>(self.g_is.q.val().get_bits::<8>(16)) + 1);
        self.g_if.d.next = self.is_r0.val().get_bits::<16>(0);
        if self.is_r0.val().get_bit(16) {
            self.g_if.d.next = self.is_r1.val().get_bits::<16>(0);
        }
        // G3
        self.g_icsum.d.next = !self.g_if.q.val();
        // X (pulse taken one cycle before): payload + completion + base
        self.g_x.d.next = (bit_cast::<24, 16>(self.f_pay_le.q.val())
            + bit_cast::<24, 16>(self.f_newc.q.val()))
            + self.g_base.q.val();
        // Y: end-around fold
        self.x_r0.next = bit_cast::<24, 16>(self.g_x.q.val().get_bits::<16>(0))
            + bit_cast::<24, 8>(self.g_x.q.val().get_bits::<8>(16));
        self.x_r1.next = bit_cast::<24, 16>(self.g_x.q.val().get_bits::<16>(0))
            + (bit_cast::<24, 8>(self.g_x.q.val().get_bits::<8>(16)) + 1);
        self.g_uf.d.next = self.x_r0.val().get_bits::<16>(0);
        if self.x_r0.val().get_bit(16) {
            self.g_uf.d.next = self.x_r1.val().get_bits::<16>(0);
        }
        // Z: a computed 0 is sent as 0xFFFF (0 means "no checksum")
        self.g_ucsum.d.next = !self.g_uf.q.val();
        if self.g_uf.q.val() == 0xFFFF {
            self.g_ucsum.d.next = 0xFFFF.into();
        }
        if !self.f_udp_csum.q.val() {
            self.g_ucsum.d.next = 0.into();
        }
        // egress plan: beats, header beats, last keep, patch beats and lane masks
        self.g_nbeats.d.next = (self.f_total.q.val() + self.lane_mask.val()) >> self.beat_shift.val();
        self.g_nh.d.next = self.f_hlen.q.val() >> self.beat_shift.val();
        self.rem.next = self.f_total.q.val() & self.lane_mask.val();
        self.g_lastkeep.d.next = !(self.ones.val() << self.rem.val());
        if !self.rem.val().any() {
            self.g_lastkeep.d.next = self.ones.val();
        }
        self.g_pab.d.next = self.f_pa.q.val() >> self.beat_shift.val();
        self.g_pbb.d.next = self.f_pa1.q.val() >> self.beat_shift.val();
        self.g_ma.d.next = 0.into();
        self.g_mb.d.next = 0.into();
        self.g_va.d.next = 0.into();
        self.g_vb.d.next = 0.into();
        if self.f_complete.q.val() {
            self.g_ma.d.next = bit_cast::<W, 8>(0xFF.into()) << self.f_la8.q.val();
            self.g_mb.d.next = bit_cast::<W, 8>(0xFF.into()) << self.f_lb8.q.val();
            self.g_va.d.next = bit_cast::<W, 16>(self.f_newf.q.val() >> 8) << self.f_la8.q.val();
            self.g_vb.d.next = bit_cast::<W, 16>(self.f_newf.q.val() & 0xFF) << self.f_lb8.q.val();
        }
        self.f_ready.next = self.f_busy.q.val() && self.f_got.q.val() && !self.f_cd.q.val().any();

        // ================= slot =================
        // a beat leaves the egress into the register slice when its skid entry is free
        self.fire.next = (self.e_state.q.val() == OutState::Send) && !self.k_valid.q.val();
        // an idle egress, or one sending its last beat, takes the slot; F pushes into an
        // empty slot (registered condition: no path from m_axis.tready to the 640-bit header)
        self.take.next = self.s_full.q.val()
            && ((self.e_state.q.val() == OutState::Idle) || (self.fire.val() && self.e_last.q.val()));
        self.push.next = self.f_ready.val() && !self.s_full.q.val();
        if self.take.val() {
            self.s_full.d.next = false;
        }
        self.placed_u.next = bit_cast::<HB, 16>(self.g_ucsum.q.val()) << 320;
        self.placed_i.next = bit_cast::<HB, 16>(self.g_icsum.q.val()) << 192;
        if self.f_v6.q.val() && self.f_vlan.q.val() {
            self.placed_u.next = bit_cast::<HB, 16>(self.g_ucsum.q.val()) << 512;
            self.placed_i.next = 0.into();
        } else if self.f_v6.q.val() {
            self.placed_u.next = bit_cast::<HB, 16>(self.g_ucsum.q.val()) << 480;
            self.placed_i.next = 0.into();
        } else if self.f_vlan.q.val() {
            self.placed_u.next = bit_cast::<HB, 16>(self.g_ucsum.q.val()) << 352;
            self.placed_i.next = bit_cast::<HB, 16>(self.g_icsum.q.val()) << 224;
        }
        if self.push.val() {
            self.s_full.d.next = true;
            self.f_busy.d.next = false;
            self.s_h.d.next = self.f_h.q.val() | self.placed_u.val() | self.placed_i.val();
            self.s_nh.d.next = self.g_nh.q.val();
            self.s_hdr0.d.next = self.g_nh.q.val().any();
            self.s_words.d.next = self.f_words.q.val();
            self.s_cons0.d.next = !self.g_nh.q.val().any() && self.f_words.q.val().any();
            self.s_nbeats.d.next = self.g_nbeats.q.val();
            self.s_last0.d.next = self.g_nbeats.q.val() == 1;
            self.s_ca.d.next = self.g_pab.q.val();
            self.s_cb.d.next = self.g_pbb.q.val();
            self.s_ma.d.next = self.g_ma.q.val();
            self.s_mb.d.next = self.g_mb.q.val();
            self.s_va.d.next = self.g_va.q.val();
            self.s_vb.d.next = self.g_vb.q.val();
            self.s_pm0.d.next = 0.into();
            self.s_pv0.d.next = 0.into();
            if !self.g_pab.q.val().any() && !self.g_pbb.q.val().any() {
                self.s_pm0.d.next = self.g_ma.q.val() | self.g_mb.q.val();
                self.s_pv0.d.next = self.g_va.q.val() | self.g_vb.q.val();
            } else if !self.g_pab.q.val().any() {
                // (b's beat is never before a's)
                self.s_pm0.d.next = self.g_ma.q.val();
                self.s_pv0.d.next = self.g_va.q.val();
            }
            self.s_lastkeep.d.next = self.g_lastkeep.q.val();
            self.s_v6.d.next = self.f_v6.q.val();
            self.s_vlan.d.next = self.f_vlan.q.val();
        }

        // ================= egress =================
        // data beats: this word's lanes above the carry (the previous word's high lanes,
        // or for the first data beat the header's last hlen % K bytes), all in e_low
        self.word.next = self.q0.q.val();
        if self.q_r.q.val() == 1 {
            self.word.next = self.q1.q.val();
        } else if self.q_r.q.val() == 2 {
            self.word.next = self.q2.q.val();
        } else if self.q_r.q.val() == 3 {
            self.word.next = self.q3.q.val();
        }
        self.cur_shl.next = 0.into();
        self.cur_shr.next = 0.into();
        if self.e_v6.q.val() && self.e_vlan.q.val() {
            self.cur_shl.next = self.word.val() << self.shl_v6t.val();
            self.cur_shr.next = self.word.val() >> self.shr_v6t.val();
        } else if self.e_v6.q.val() {
            self.cur_shl.next = self.word.val() << self.shl_v6.val();
            self.cur_shr.next = self.word.val() >> self.shr_v6.val();
        } else if self.e_vlan.q.val() {
            self.cur_shl.next = self.word.val() << self.shl_v4t.val();
            self.cur_shr.next = self.word.val() >> self.shr_v4t.val();
        } else {
            self.cur_shl.next = self.word.val() << self.shl_v4.val();
            self.cur_shr.next = self.word.val() >> self.shr_v4.val();
        }
        self.beat.next = self.e_low.q.val();
        if self.e_cons.q.val() {
            self.beat.next = self.cur_shl.val() | self.e_low.q.val();
        }
        // non-RCO CHECKSUM_PARTIAL: the completed inner checksum replaces the field
        self.b_data.next = (self.beat.val() & !self.e_pm.q.val()) | self.e_pv.q.val();
        self.b_keep.next = self.ones.val();
        if self.e_last.q.val() {
            self.b_keep.next = self.e_lastkeep.q.val();
        }
        // register slice: o_* drive m_axis; a beat arriving while o_* is stalled waits in k_*
        self.m_axis.tvalid.next = self.o_valid.q.val();
        self.m_axis.tdata.next = self.o_data.q.val();
        self.m_axis.tkeep.next = self.o_keep.q.val();
        self.m_axis.tlast.next = self.o_last.q.val();
        self.m_axis.tuser.next = false;
        self.o_move.next = !self.o_valid.q.val() || self.m_axis.tready.val();
        // a frame counts as sent when its last beat leaves on m_axis
        if self.o_valid.q.val() && self.m_axis.tready.val() && self.o_last.q.val() {
            self.cnt_out.d.next = self.cnt_out.q.val() + 1;
        }
        if self.o_move.val() {
            if self.k_valid.q.val() {
                self.o_valid.d.next = true;
                self.o_data.d.next = self.k_data.q.val();
                self.o_keep.d.next = self.k_keep.q.val();
                self.o_last.d.next = self.k_last.q.val();
                self.k_valid.d.next = false;
            } else {
                self.o_valid.d.next = self.fire.val();
                self.o_data.d.next = self.b_data.val();
                self.o_keep.d.next = self.b_keep.val();
                self.o_last.d.next = self.e_last.q.val();
            }
        } else if self.fire.val() {
            self.k_valid.d.next = true;
            self.k_data.d.next = self.b_data.val();
            self.k_keep.d.next = self.b_keep.val();
            self.k_last.d.next = self.e_last.q.val();
        }

        // RAM prefetch: the read at `ra` issued in cycle t is in read_data (the BRAM's
        // output register) in t+2 and in the queue from t+3; at most 4 words queued or in
        // flight, so one pop per cycle never finds it empty (1 queued + 2 in flight in the
        // steady state)
        self.ram.read_address.next = bit_cast::<A, 16>(self.ra.q.val());
        self.issue.next = ((self.q_filled.q.val() < 2)
            || ((self.q_filled.q.val() == 2) && !(self.q_inflight.q.val() && self.q_arrive.q.val()))
            || ((self.q_filled.q.val() == 3) && !self.q_inflight.q.val() && !self.q_arrive.q.val()))
            && (self.ra.q.val() != self.commit.q.val());
        self.q_inflight.d.next = self.issue.val();
        self.q_arrive.d.next = self.q_inflight.q.val();
        if self.issue.val() {
            self.ra.d.next = self.ra.q.val() + 1;
        }
        if self.q_arrive.q.val() {
            self.q_w.d.next = self.q_w.q.val() + 1;
            if self.q_w.q.val() == 0 {
                self.q0.d.next = self.ram.read_data.val();
            }
            if self.q_w.q.val() == 1 {
                self.q1.d.next = self.ram.read_data.val();
            }
            if self.q_w.q.val() == 2 {
                self.q2.d.next = self.ram.read_data.val();
            }
            if self.q_w.q.val() == 3 {
                self.q3.d.next = self.ram.read_data.val();
            }
        }
        self.pop.next = self.fire.val() && self.e_cons.q.val();
        if self.pop.val() {
            self.q_r.d.next = self.q_r.q.val() + 1;
        }
        if self.q_arrive.q.val() && !self.pop.val() {
            self.q_filled.d.next = self.q_filled.q.val() + 1;
        } else if !self.q_arrive.q.val() && self.pop.val() {
            self.q_filled.d.next = self.q_filled.q.val() - 1;
        }
        // flags of the next beat, from registers only
        self.hdr_n.next = self.e_hdr.q.val() && (self.e_hleft.q.val() != 1);
        if self.fire.val() {
            if self.e_hdr.q.val() {
                self.e_h.d.next = self.e_h.q.val() >> self.w_bits.val();
                self.e_low.d.next = bit_cast::<W, HB>(self.e_h.q.val() >> self.w_bits.val());
                self.e_hleft.d.next = self.e_hleft.q.val() - 1;
            } else if self.e_cons.q.val() {
                self.e_low.d.next = self.cur_shr.val();
            } else {
                self.e_low.d.next = 0.into();
            }
            self.e_hdr.d.next = self.hdr_n.val();
            if self.e_cons.q.val() {
                self.e_words.d.next = self.e_words.q.val() - 1;
                self.e_cons.d.next = !self.hdr_n.val() && (self.e_words.q.val() != 1);
            } else {
                self.e_cons.d.next = !self.hdr_n.val() && self.e_words.q.val().any();
            }
            self.e_bleft.d.next = self.e_bleft.q.val() - 1;
            self.e_last.d.next = self.e_bleft.q.val() == 2;
            self.e_ca.d.next = self.e_ca.q.val() - 1;
            self.e_cb.d.next = self.e_cb.q.val() - 1;
            self.e_pm.d.next = 0.into();
            self.e_pv.d.next = 0.into();
            if (self.e_ca.q.val() == 1) && (self.e_cb.q.val() == 1) {
                self.e_pm.d.next = self.e_ma.q.val() | self.e_mb.q.val();
                self.e_pv.d.next = self.e_va.q.val() | self.e_vb.q.val();
            } else if self.e_ca.q.val() == 1 {
                self.e_pm.d.next = self.e_ma.q.val();
                self.e_pv.d.next = self.e_va.q.val();
            } else if self.e_cb.q.val() == 1 {
                self.e_pm.d.next = self.e_mb.q.val();
                self.e_pv.d.next = self.e_vb.q.val();
            }
            if self.e_last.q.val() {
                self.e_state.d.next = OutState::Idle;
            }
        }
        if self.take.val() {
            self.e_h.d.next = self.s_h.q.val();
            self.e_low.d.next = bit_cast::<W, HB>(self.s_h.q.val());
            self.e_hleft.d.next = self.s_nh.q.val();
            self.e_hdr.d.next = self.s_hdr0.q.val();
            self.e_words.d.next = self.s_words.q.val();
            self.e_cons.d.next = self.s_cons0.q.val();
            self.e_bleft.d.next = self.s_nbeats.q.val();
            self.e_last.d.next = self.s_last0.q.val();
            self.e_ca.d.next = self.s_ca.q.val();
            self.e_cb.d.next = self.s_cb.q.val();
            self.e_ma.d.next = self.s_ma.q.val();
            self.e_mb.d.next = self.s_mb.q.val();
            self.e_va.d.next = self.s_va.q.val();
            self.e_vb.d.next = self.s_vb.q.val();
            self.e_pm.d.next = self.s_pm0.q.val();
            self.e_pv.d.next = self.s_pv0.q.val();
            self.e_lastkeep.d.next = self.s_lastkeep.q.val();
            self.e_v6.d.next = self.s_v6.q.val();
            self.e_vlan.d.next = self.s_vlan.q.val();
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
        let (mut last_in, mut first_out) = (None, None);
        for cyc in 0..200 {
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
            if fire_in && beats[bi].last {
                last_in = Some(cyc);
            }
            if u.m_axis.tvalid.val() {
                first_out.get_or_insert(cyc);
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
        assert_eq!(first_out.unwrap() - last_in.unwrap() - 1, latency(64), "latency");
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
