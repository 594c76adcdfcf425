//! `RxPath`: the VXLAN RX datapath. Outer frame in, inner frame + metadata out, or a
//! counted drop; bit-exact with `rco_golden::rx::rx_decap`.
//!
//! # Structure (store and forward, three stages that work on different packets)
//! 1. **Ingress** (`s_axis`, one beat per clock; a port stage registers the beat, its
//!    lane sum and the too-long decision, stage I1 writes): each beat goes to a ring of `2^AW` beats,
//!    written twice (`fram_p` for the parser, `fram_o` for the output: one read port
//!    each), and the plain sum of the packet's words *before* the beat goes to `pram`
//!    (a prefix-sum ring beside it). The frame's length and beat count go to a
//!    one-entry descriptor register at `tlast`. A frame longer than `max_frame` stops
//!    being written but is still accepted to its end (no deadlock), and is dropped.
//!    A beat that breaks the packed-stream contract (`tkeep` not all ones before the
//!    last beat; the last beat's lanes empty or not contiguous from lane 0) sets a sticky
//!    per-frame flag that rides in the descriptor (`desc_bk`): the parser drops the frame
//!    as `bad_keep` before any other check, `too_long` included (the length of such a
//!    frame is not defined: null lanes count as bytes). The flag is an OR tree of the
//!    port's `tkeep`, registered, then one OR into the sticky bit.
//! 2. **Parser** (a state machine reading `fram_p`/`pram` at any offset through a
//!    pipelined read port: one issue per clock, every step registered, the result lands
//!    in a word/prefix register picked by a tag 6 clocks later): fetches the header
//!    fields of one layer in a burst, waits, then checks on registered compare flags;
//!    walks outer Ethernet [802.1Q] / IPv4 (any IHL) | IPv6 (up to
//!    [`IPV6_MAX_EXT_HDRS`] extension headers of any size) / UDP / VXLAN in golden's
//!    check order. Every checksum is a difference of two prefix sums,
//!    `Pfx(x) = pram[beat] + LaneSum(lanes of that beat before x)`: plain integers, so a
//!    range sum is exact (zero only for all-zero bytes, as `csum_partial`), folded once.
//!    That gives the IPv4 header check, the UDP check (pseudo-header: address range +
//!    length + 17), CHECKSUM_COMPLETE of the inner frame, and the RCO sum
//!    `sum(inner[start..])` for `remcsum_adjust`; the folds run free in registered
//!    steps. 64 clocks per IPv4 packet, 62 per IPv6 (+8 per extension header),
//!    independent of its length.
//! 3. **Output**: reads `fram_o` from the inner frame's first byte (RAM data
//!    registered), realigns it to lane 0 (two consecutive beats and a shift, registered), patches the inner checksum field (nopartial
//!    RCO), and queues beats in a small FIFO that absorbs `m_axis.tready` back-pressure;
//!    metadata travels in a parallel FIFO and is valid with every beat of its frame.
//!    A dropped packet pulses `drop_valid`/`drop_reason` (after all earlier frames have
//!    left, so events come out in input order) and frees its ring space.
//!
//! Throughput: ingress takes a beat every clock while the ring has room; the parser is
//! the limit for frames shorter than its ~64 clocks (< ~500 bytes at W = 64); the output
//! needs `inner beats + 2` clocks per frame.
//!
//! Timing (ECP5-85F speed 8, `rco-nic synth --design rx`): no path has more than one
//! carry chain or a RAM output followed by logic; the rings are `SdpRam`s, whose read
//! data comes out of the block RAM's own output register (read latency 2, as a plain RAM
//! plus a register; without it the 4.3 ns clock-to-out and yosys' read/write bypass
//! LUT were the critical path at ~154 MHz). `d_rd`/`d_pr`/`o_rd` name that data.
//!
//! # Drop reasons (codes = index in golden's `DropReason::ALL`)
//! 0 too_long, 1 truncated, 2 not_vxlan, 3 ip_header, 4 ip_csum, 5 ip_fragment,
//! 6 udp_length, 7 udp_csum, 8 udp_zero_csum6, 9 vxlan_flags, 10 rco_not_enabled,
//! 11 rco_past_end, 12 bad_keep (hardware only: golden's byte arrays have no tkeep).
//! Each has a 32-bit counter (`drop_count`).
//!
//! # Checksum representation (see `lane_sum`, `oc_fold`)
//! Sums are of little-endian 16-bit slices; a fold then byte swap gives the kernel's
//! big-endian value. RCO (nopartial): `new = ~S` with `S` the folded sum of
//! `inner[start..]` and 0 read as 0xFFFF (golden's `c` is never literally 0), and
//! `csum_complete = C + new + ~old` folded, 0 read as 0xFFFF (golden's `csum ⊕ delta`
//! is never literally 0). Without RCO, `csum_complete` is the fold (0 only if all zero).
//!
//! # rust-hdl 0.46 findings (beyond `csum_engine`'s list)
//! rust-hdl simulates `update()` to a fixpoint; the emitted Verilog is one sequential
//! `always @(*)` per module. They agree only if:
//! * a local is written (all its writes) before it is read, and a sub-block input is
//!   written once per evaluation when its outputs feed back: a default write followed
//!   by an override glitches, and Icarus re-evaluates parent and child forever in one
//!   time step (found with `RegFifo::dout` + the parent's `push`). The `LogicLoops`
//!   check catches only the read-before-first-write case.
//! * 16-bit swaps/complements used inside wider expressions get their own 16-bit
//!   signal: Verilog widens operands to the expression width before `<<` and `~`,
//!   rust-hdl wraps at the operand's width.
//! * `get_bits` only on a signal (`sig[a+:n]`), never on an expression; Rust `const`s
//!   are pasted by name (drop codes are literals here); a const generic in an array
//!   index needs the one-trip loop; every declared local must be written (`OpenSignal`).

use crate::lane_sum::LaneSum;
use crate::oc_fold::OcFold;
use crate::reg_fifo::RegFifo;
use crate::sdp_ram::SdpRam;
use rust_hdl::prelude::*;

/// Number of drop reasons (and counters): golden's `DropReason::ALL.len()` (checked by
/// `rco-sim`'s tests; `hdl/` does not import golden).
pub const NUM_DROP_REASONS: usize = 13;
/// IPv6 extension headers walked before a packet counts as not VXLAN (golden's bound).
pub const IPV6_MAX_EXT_HDRS: u64 = 2;
/// Entries of the output beat FIFO.
pub const OUT_FIFO: usize = 8;
/// Entries of the output metadata FIFO (>= frames that can sit in the beat FIFO + 1).
pub const META_FIFO: usize = 8;

pub const DROP_TOO_LONG: u64 = 0;
pub const DROP_TRUNCATED: u64 = 1;
pub const DROP_NOT_VXLAN: u64 = 2;
pub const DROP_IP_HEADER: u64 = 3;
pub const DROP_IP_CSUM: u64 = 4;
pub const DROP_IP_FRAGMENT: u64 = 5;
pub const DROP_UDP_LENGTH: u64 = 6;
pub const DROP_UDP_CSUM: u64 = 7;
pub const DROP_UDP_ZERO_CSUM6: u64 = 8;
pub const DROP_VXLAN_FLAGS: u64 = 9;
pub const DROP_RCO_NOT_ENABLED: u64 = 10;
pub const DROP_RCO_PAST_END: u64 = 11;
pub const DROP_BAD_KEEP: u64 = 12;

/// Parser states: `*i*` states issue one read each, `Wait` lets them land, the rest check.
#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum PState {
    Idle,
    Wait,
    Start,
    Ist16,
    Eth,
    V4i0,
    V4i1,
    V4i2,
    V4i3,
    V4i4,
    V4i5,
    V4i6,
    V4a,
    V6i0,
    V6i1,
    V6i2,
    V6i3,
    V6i4,
    V6i5,
    V6a,
    V6b,
    V6x,
    V6y,
    Ui0,
    Ui1,
    Ui2,
    Ui3,
    Ui4,
    Ui5,
    Ui6,
    Ui7,
    Ui8,
    Prep,
    Pi0,
    Pi1,
    Pi2,
    V4c,
    V4d,
    V4e,
    Udp0,
    Udp1,
    Udp3,
    Vx0,
    Vx4,
    Cs,
    Emit,
}

#[derive(LogicBlock)]
pub struct RxPath<const W: usize, const K: usize, const N: usize, const AW: usize> {
    pub clock: Signal<In, Clock>,
    pub s_axis: crate::stream::AxisSink<W, K>,
    pub m_axis: crate::stream::AxisSource<W, K>,
    // configuration
    pub port: Signal<In, Bits<16>>,
    pub remcsum_rx: Signal<In, Bit>,
    pub nopartial: Signal<In, Bit>,
    pub udp_zero_csum6_rx: Signal<In, Bit>,
    /// Longest accepted frame in bytes (<= (2^AW - 1) * K, the ring).
    pub max_frame: Signal<In, Bits<16>>,
    // metadata of the frame on m_axis (valid with m_axis.tvalid)
    pub m_vni: Signal<Out, Bits<24>>,
    pub m_rco: Signal<Out, Bit>,
    pub m_rco_applied: Signal<Out, Bit>,
    pub m_csum_start: Signal<Out, Bits<16>>,
    pub m_csum_offset: Signal<Out, Bits<16>>,
    pub m_csum_complete: Signal<Out, Bits<16>>,
    pub m_outer_csum_ok: Signal<Out, Bit>,
    // drops
    pub drop_valid: Signal<Out, Bit>,
    pub drop_reason: Signal<Out, Bits<4>>,
    pub drop_count: [Signal<Out, Bits<32>>; NUM_DROP_REASONS],

    // ---- constants
    kshift: Constant<Bits<16>>,
    kmask: Constant<Bits<16>>,
    kbytes: Constant<Bits<16>>,
    depth: Constant<Bits<16>>,
    lane_cnt: [Constant<Bits<16>>; K],
    keep_of: [Constant<Bits<K>>; K],
    ones16: Constant<Bits<W>>,

    // ---- rings
    fram_p: SdpRam<Bits<W>, AW>,
    fram_o: SdpRam<Bits<W>, AW>,
    pram: SdpRam<Bits<32>, AW>,

    // ---- ingress (port stage, then stage I1 writes the rings)
    in_sum: LaneSum<W, K, N>,
    wr_ptr: DFF<Bits<16>>,
    free_ptr: DFF<Bits<16>>,
    room: DFF<Bit>,
    in_base: DFF<Bits<16>>,
    in_pos: DFF<Bits<16>>,
    in_rem: DFF<Bits<16>>,
    in_mid: DFF<Bit>,
    in_tl: DFF<Bit>,
    in_nbc: DFF<Bits<16>>,
    in_acc: DFF<Bits<32>>,
    i1_v: DFF<Bit>,
    i1_data: DFF<Bits<W>>,
    i1_last: DFF<Bit>,
    i1_we: DFF<Bit>,
    i1_tl: DFF<Bit>,
    i1_len: DFF<Bits<16>>,
    i1_ls: DFF<Bits<32>>,
    i1_first: DFF<Bit>,
    desc_valid: DFF<Bit>,
    desc_base: DFF<Bits<16>>,
    desc_len: DFF<Bits<16>>,
    desc_nb: DFF<Bits<16>>,
    desc_tl: DFF<Bit>,
    /// bad keep: this beat's (port stage), the frame's so far (sticky), the descriptor's
    i1_bk: DFF<Bit>,
    in_bk: DFF<Bit>,
    desc_bk: DFF<Bit>,
    in_kn: Signal<Local, Bits<K>>,
    in_kgap: Signal<Local, Bits<K>>,
    in_kbad: Signal<Local, Bit>,
    room_lim: Constant<Bits<16>>,
    in_fire: Signal<Local, Bit>,
    in_cnt: Signal<Local, Bits<16>>,
    in_remv: Signal<Local, Bits<16>>,
    in_newpos: Signal<Local, Bits<16>>,
    in_tl_now: Signal<Local, Bit>,
    in_pw: Signal<Local, Bits<32>>,

    // ---- parser
    ps: DFF<PState>,
    ret: DFF<PState>,
    pend: DFF<Bits<5>>,
    drain: Constant<Bits<5>>,
    settle: Constant<Bits<5>>,
    iss_v: Signal<Local, Bit>,
    /// a read's byte position as base + offset (and offset - 1 for the byte before it),
    /// added in stage B: the state decode then only drives muxes, where yosys shared one
    /// `base + constant` adder behind it (the NIC's critical path, ps -> adder -> a_x)
    iss_b: Signal<Local, Bits<16>>,
    iss_o: Signal<Local, Bits<16>>,
    iss_om1: Signal<Local, Bits<16>>,
    iss_tag: Signal<Local, Bits<5>>,
    iss_long: Signal<Local, Bit>,
    a_v: DFF<Bit>,
    a_b: DFF<Bits<16>>,
    a_o: DFF<Bits<16>>,
    a_om1: DFF<Bits<16>>,
    ax: Signal<Local, Bits<16>>,
    axm1: Signal<Local, Bits<16>>,
    a_tag: DFF<Bits<5>>,
    b_v: DFF<Bit>,
    b_tag: DFF<Bits<5>>,
    b_beat: DFF<Bits<16>>,
    b_lane: DFF<Bits<16>>,
    b_cnt: DFF<Bits<16>>,
    c_v: DFF<Bit>,
    c_tag: DFF<Bits<5>>,
    c_lane: DFF<Bits<16>>,
    c_cnt: DFF<Bits<16>>,
    p_raddr: Signal<Local, Bits<16>>,
    d_v: DFF<Bit>,
    d_tag: DFF<Bits<5>>,
    d_lane: DFF<Bits<16>>,
    /// the lanes before the byte offset, decoded from `c_cnt` a stage ahead of the sum
    d_keep: DFF<Bits<K>>,
    d_rd: Signal<Local, Bits<W>>,
    d_pr: Signal<Local, Bits<32>>,
    q_raw: Signal<Local, Bits<16>>,
    pt_sum: LaneSum<W, K, N>,
    e_v: DFF<Bit>,
    e_tag: DFF<Bits<5>>,
    e_word: DFF<Bits<16>>,
    e_ls: DFF<Bits<32>>,
    e_pr: DFF<Bits<32>>,
    e_pfx: Signal<Local, Bits<32>>,
    /// header words by tag (big-endian), see the tag table in `update`
    wd: [DFF<Bits<16>>; 16],
    /// prefix sums by tag - 16
    px: [DFF<Bits<32>>; 8],
    ipd: DFF<Bits<32>>,
    f_ip: OcFold,
    ipf: DFF<Bits<16>>,
    ua: DFF<Bits<32>>,
    ud: DFF<Bits<32>>,
    ul: DFF<Bits<32>>,
    ub: DFF<Bits<32>>,
    uc: DFF<Bits<32>>,
    f_u: OcFold,
    uf: DFF<Bits<16>>,
    cd: DFF<Bits<32>>,
    f_cp: OcFold,
    cbe: DFF<Bits<16>>,
    sd: DFF<Bits<32>>,
    f_s: OcFold,
    sbe: DFF<Bits<16>>,
    pnew: DFF<Bits<16>>,
    cz1: DFF<Bits<32>>,
    cz2: DFF<Bits<32>>,
    f_z: OcFold,
    zf: DFF<Bits<16>>,
    cur_base: DFF<Bits<16>>,
    cur_len: DFF<Bits<16>>,
    cur_nb: DFF<Bits<16>>,
    cur_tl: DFF<Bit>,
    cur_bk: DFF<Bit>,
    l3: DFF<Bits<16>>,
    l3x: DFF<Bits<16>>,
    l3b: DFF<Bits<16>>,
    hl: DFF<Bits<16>>,
    ip_end: DFF<Bits<16>>,
    ip_end_m8: DFF<Bits<16>>,
    is_v6: DFF<Bit>,
    nh: DFF<Bits<8>>,
    xoff: DFF<Bits<16>>,
    xnext: DFF<Bits<16>>,
    x8gt: DFF<Bit>,
    walked: DFF<Bits<4>>,
    frag: DFF<Bit>,
    udp: DFF<Bits<16>>,
    u8r: DFF<Bits<16>>,
    uend: DFF<Bits<16>>,
    uend32: DFF<Bits<32>>,
    outer_ok: DFF<Bits<1>>,
    vni: DFF<Bits<24>>,
    inner: DFF<Bits<16>>,
    ilen: DFF<Bits<16>>,
    rco_start: DFF<Bits<16>>,
    rco_off: DFF<Bits<16>>,
    rco_field: DFF<Bits<16>>,
    rco_sm1: DFF<Bits<16>>,
    rco_fm1: DFF<Bits<16>>,
    rco_end2: DFF<Bits<16>>,
    rco: DFF<Bits<1>>,
    applied: DFF<Bits<1>>,
    cstart: DFF<Bits<16>>,
    coff: DFF<Bits<16>>,
    complete: DFF<Bits<16>>,
    patch_val: DFF<Bits<16>>,
    reason: DFF<Bits<4>>,
    is_drop: DFF<Bit>,
    // registered compares (free running, or loaded with the descriptor), so a check
    // state only muxes flags
    kl14: DFF<Bit>,
    kl18: DFF<Bit>,
    kl34: DFF<Bit>,
    kl38: DFF<Bit>,
    kl54: DFF<Bit>,
    kl58: DFF<Bit>,
    k_l3b_hl: DFF<Bit>,
    k_tot_hl: DFF<Bit>,
    k_tot_l3b: DFF<Bit>,
    k_v6tr: DFF<Bit>,
    xl_raw: DFF<Bits<16>>,
    k_nout: DFF<Bits<16>>,
    k_lk: DFF<Bits<K>>,
    k_u8: DFF<Bit>,
    k_ul8: DFF<Bit>,
    k_uend: DFF<Bit>,
    k_ul16: DFF<Bit>,
    k_rco: DFF<Bit>,
    k_vlan: DFF<Bit>,
    k_et4: DFF<Bit>,
    k_et6: DFF<Bit>,
    k_v4bad: DFF<Bit>,
    k_v6bad: DFF<Bit>,
    k_pl0: DFF<Bit>,
    k_frag: DFF<Bit>,
    k_proto: DFF<Bit>,
    k_port: DFF<Bit>,
    k_cz: DFF<Bit>,
    k_noi: DFF<Bit>,
    k_unp: DFF<Bit>,
    k_rne: DFF<Bit>,
    k_rcoen: DFF<Bit>,
    // each late check state's drop decision and reason, from the flags above
    kd_v4d: DFF<Bit>,
    kc_v4d: DFF<Bits<4>>,
    kd_v4e: DFF<Bit>,
    kc_v4e: DFF<Bits<4>>,
    kd_u1: DFF<Bit>,
    kc_u1: DFF<Bits<4>>,
    kd_u3: DFF<Bit>,
    kc_u3: DFF<Bits<4>>,
    kd_vx: DFF<Bit>,
    kc_vx: DFF<Bits<4>>,
    k_il14: DFF<Bit>,
    k_ipok: DFF<Bit>,
    k_uok: DFF<Bit>,
    // parser temporaries
    p_vlan: Signal<Local, Bit>,
    p_l3: Signal<Local, Bits<16>>,
    p_hl: Signal<Local, Bits<16>>,
    p_hlm1: Signal<Local, Bits<16>>,
    p_nh6: Signal<Local, Bits<8>>,
    p_xhi: Signal<Local, Bits<8>>,
    p_xlen: Signal<Local, Bits<16>>,
    p_isext: Signal<Local, Bit>,
    p_rbyte: Signal<Local, Bits<16>>,
    p_start: Signal<Local, Bits<16>>,
    p_field: Signal<Local, Bits<16>>,
    p_unparsed: Signal<Local, Bit>,
    p_c: Signal<Local, Bit>,
    s_nz: Signal<Local, Bits<16>>,
    p_new: Signal<Local, Bits<16>>,
    p_z: Signal<Local, Bits<16>>,
    p_ulen_sw: Signal<Local, Bits<16>>,
    p_notold: Signal<Local, Bits<16>>,
    drop_ctr: [DFF<Bits<32>>; NUM_DROP_REASONS],
    // a drop to count, registered at Emit: the counters' enables come from two flops,
    // not from the parser state decode (that was the NIC top's critical path)
    cnt_v: DFF<Bit>,
    cnt_r: DFF<Bits<4>>,

    // ---- parser -> output handoff (one entry)
    res_valid: DFF<Bit>,
    res_drop: DFF<Bit>,
    res_reason: DFF<Bits<4>>,
    res_base: DFF<Bits<16>>,
    res_nb: DFF<Bits<16>>,
    res_inner: DFF<Bits<16>>,
    res_nout: DFF<Bits<16>>,
    res_lk: DFF<Bits<K>>,
    res_meta: DFF<Bits<96>>,
    res_patch: DFF<Bit>,
    res_poff: DFF<Bits<16>>,
    res_pval: DFF<Bits<16>>,

    // ---- output (issue -> RAM -> o_rd -> realign into o_bt -> patch and push)
    o_run: DFF<Bit>,
    o_base: DFF<Bits<16>>,
    o_nb: DFF<Bits<16>>,
    /// ring address of the next read (counts up from the inner frame's first beat)
    o_rptr: DFF<Bits<16>>,
    o_off: DFF<Bits<16>>,
    o_nout: DFF<Bits<16>>,
    o_lastkeep: DFF<Bits<K>>,
    /// reads still to issue after the next one, and whether there is a next one: the
    /// issue decision is then one flag, not a 16-bit compare (was the NIC's critical path)
    o_left: DFF<Bits<16>>,
    o_more: DFF<Bit>,
    /// FIFO room flags, registered from the counts the FIFOs will have (count, push and
    /// pop of this clock): constant compares in the start/issue decisions were carry
    /// chains in front of wide enables
    o_mroom: DFF<Bit>,
    o_droom: DFF<Bit>,
    o_arrived: DFF<Bits<16>>,
    o_arr: DFF<Bit>,
    o_rv: DFF<Bit>,
    o_rd: Signal<Local, Bits<W>>,
    o_prev: DFF<Bits<W>>,
    o_bv: DFF<Bit>,
    o_bt: DFF<Bits<W>>,
    o_bpatch: DFF<Bit>,
    o_blast: DFF<Bit>,
    o_patch: DFF<Bit>,
    o_pbeat1: DFF<Bits<16>>,
    o_pval: DFF<Bits<W>>,
    o_pmask: DFF<Bits<W>>,
    o_sh: Signal<Local, Bits<16>>,
    o_shk: Signal<Local, Bits<16>>,
    o_beat: Signal<Local, Bits<W>>,
    o_lastcnt: Signal<Local, Bits<16>>,
    o_beat2: Signal<Local, Bits<W>>,
    o_psh_c: Signal<Local, Bits<16>>,
    o_pv16: Signal<Local, Bits<16>>,
    drop_v: DFF<Bit>,
    drop_r: DFF<Bits<4>>,
    q_data: RegFifo<Bits<W>, OUT_FIFO>,
    q_keep: RegFifo<Bits<K>, OUT_FIFO>,
    q_last: RegFifo<Bit, OUT_FIFO>,
    q_meta: RegFifo<Bits<96>, META_FIFO>,
}

/// 64-bit datapath, ring of 2048 beats (16 KiB: jumbo frames up to 9216 bytes).
pub type RxPath64 = RxPath<64, 8, 4, 11>;
/// 128-bit datapath, 1024 x 16 bytes.
pub type RxPath128 = RxPath<128, 16, 8, 10>;
/// 256-bit datapath, 512 x 32 bytes.
pub type RxPath256 = RxPath<256, 32, 16, 9>;

impl<const W: usize, const K: usize, const N: usize, const AW: usize> RxPath<W, K, N, AW> {
    pub fn new() -> Self {
        assert!(K * 8 == W && N * 16 == W && K.is_power_of_two() && K <= 64);
        assert!((2..=15).contains(&AW));
        Self {
            clock: Default::default(),
            s_axis: Default::default(),
            m_axis: Default::default(),
            port: Default::default(),
            remcsum_rx: Default::default(),
            nopartial: Default::default(),
            udp_zero_csum6_rx: Default::default(),
            max_frame: Default::default(),
            m_vni: Default::default(),
            m_rco: Default::default(),
            m_rco_applied: Default::default(),
            m_csum_start: Default::default(),
            m_csum_offset: Default::default(),
            m_csum_complete: Default::default(),
            m_outer_csum_ok: Default::default(),
            drop_valid: Default::default(),
            drop_reason: Default::default(),
            drop_count: std::array::from_fn(|_| Default::default()),
            kshift: Constant::new((K.trailing_zeros() as u64).into()),
            kmask: Constant::new(((K - 1) as u64).into()),
            kbytes: Constant::new((K as u64).into()),
            depth: Constant::new(((1u64 << AW) as u64).into()),
            lane_cnt: std::array::from_fn(|i| Constant::new(((i + 1) as u64).into())),
            keep_of: std::array::from_fn(|i| {
                let n = i + 1;
                let mut b: Bits<K> = 0.into();
                for l in 0..n {
                    b = b.replace_bit(l, true);
                }
                Constant::new(b)
            }),
            ones16: Constant::new(0xFFFF.into()),
            fram_p: Default::default(),
            fram_o: Default::default(),
            pram: Default::default(),
            in_sum: LaneSum::new(),
            wr_ptr: Default::default(),
            free_ptr: Default::default(),
            room: Default::default(),
            in_base: Default::default(),
            in_pos: Default::default(),
            in_rem: Default::default(),
            in_mid: Default::default(),
            in_tl: Default::default(),
            in_nbc: Default::default(),
            in_acc: Default::default(),
            i1_v: Default::default(),
            i1_data: Default::default(),
            i1_last: Default::default(),
            i1_we: Default::default(),
            i1_tl: Default::default(),
            i1_len: Default::default(),
            i1_ls: Default::default(),
            i1_first: Default::default(),
            desc_valid: Default::default(),
            desc_base: Default::default(),
            desc_len: Default::default(),
            desc_nb: Default::default(),
            desc_tl: Default::default(),
            i1_bk: Default::default(),
            in_bk: Default::default(),
            desc_bk: Default::default(),
            in_kn: Default::default(),
            in_kgap: Default::default(),
            in_kbad: Default::default(),
            room_lim: Constant::new((((1u64 << AW) - 2) as u64).into()),
            in_fire: Default::default(),
            in_cnt: Default::default(),
            in_remv: Default::default(),
            in_newpos: Default::default(),
            in_tl_now: Default::default(),
            in_pw: Default::default(),
            ps: Default::default(),
            ret: Default::default(),
            pend: Default::default(),
            drain: Constant::new(5.into()),
            settle: Constant::new(10.into()),
            iss_v: Default::default(),
            iss_b: Default::default(),
            iss_o: Default::default(),
            iss_om1: Default::default(),
            iss_tag: Default::default(),
            iss_long: Default::default(),
            a_v: Default::default(),
            a_b: Default::default(),
            a_o: Default::default(),
            a_om1: Default::default(),
            ax: Default::default(),
            axm1: Default::default(),
            a_tag: Default::default(),
            b_v: Default::default(),
            b_tag: Default::default(),
            b_beat: Default::default(),
            b_lane: Default::default(),
            b_cnt: Default::default(),
            c_v: Default::default(),
            c_tag: Default::default(),
            c_lane: Default::default(),
            c_cnt: Default::default(),
            p_raddr: Default::default(),
            d_v: Default::default(),
            d_tag: Default::default(),
            d_lane: Default::default(),
            d_keep: Default::default(),
            d_rd: Default::default(),
            d_pr: Default::default(),
            q_raw: Default::default(),
            pt_sum: LaneSum::new(),
            e_v: Default::default(),
            e_tag: Default::default(),
            e_word: Default::default(),
            e_ls: Default::default(),
            e_pr: Default::default(),
            e_pfx: Default::default(),
            wd: std::array::from_fn(|_| Default::default()),
            px: std::array::from_fn(|_| Default::default()),
            ipd: Default::default(),
            f_ip: Default::default(),
            ipf: Default::default(),
            ua: Default::default(),
            ud: Default::default(),
            ul: Default::default(),
            ub: Default::default(),
            uc: Default::default(),
            f_u: Default::default(),
            uf: Default::default(),
            cd: Default::default(),
            f_cp: Default::default(),
            cbe: Default::default(),
            sd: Default::default(),
            f_s: Default::default(),
            sbe: Default::default(),
            pnew: Default::default(),
            cz1: Default::default(),
            cz2: Default::default(),
            f_z: Default::default(),
            zf: Default::default(),
            cur_base: Default::default(),
            cur_len: Default::default(),
            cur_nb: Default::default(),
            cur_tl: Default::default(),
            cur_bk: Default::default(),
            l3: Default::default(),
            l3x: Default::default(),
            l3b: Default::default(),
            hl: Default::default(),
            ip_end: Default::default(),
            ip_end_m8: Default::default(),
            is_v6: Default::default(),
            nh: Default::default(),
            xoff: Default::default(),
            xnext: Default::default(),
            x8gt: Default::default(),
            walked: Default::default(),
            frag: Default::default(),
            udp: Default::default(),
            u8r: Default::default(),
            uend: Default::default(),
            uend32: Default::default(),
            outer_ok: Default::default(),
            vni: Default::default(),
            inner: Default::default(),
            ilen: Default::default(),
            rco_start: Default::default(),
            rco_off: Default::default(),
            rco_field: Default::default(),
            rco_sm1: Default::default(),
            rco_fm1: Default::default(),
            rco_end2: Default::default(),
            rco: Default::default(),
            applied: Default::default(),
            cstart: Default::default(),
            coff: Default::default(),
            complete: Default::default(),
            patch_val: Default::default(),
            reason: Default::default(),
            is_drop: Default::default(),
            kl14: Default::default(),
            kl18: Default::default(),
            kl34: Default::default(),
            kl38: Default::default(),
            kl54: Default::default(),
            kl58: Default::default(),
            k_l3b_hl: Default::default(),
            k_tot_hl: Default::default(),
            k_tot_l3b: Default::default(),
            k_v6tr: Default::default(),
            xl_raw: Default::default(),
            k_nout: Default::default(),
            k_lk: Default::default(),
            k_u8: Default::default(),
            k_ul8: Default::default(),
            k_uend: Default::default(),
            k_ul16: Default::default(),
            k_rco: Default::default(),
            k_vlan: Default::default(),
            k_et4: Default::default(),
            k_et6: Default::default(),
            k_v4bad: Default::default(),
            k_v6bad: Default::default(),
            k_pl0: Default::default(),
            k_frag: Default::default(),
            k_proto: Default::default(),
            k_port: Default::default(),
            k_cz: Default::default(),
            k_noi: Default::default(),
            k_unp: Default::default(),
            k_rne: Default::default(),
            k_rcoen: Default::default(),
            kd_v4d: Default::default(),
            kc_v4d: Default::default(),
            kd_v4e: Default::default(),
            kc_v4e: Default::default(),
            kd_u1: Default::default(),
            kc_u1: Default::default(),
            kd_u3: Default::default(),
            kc_u3: Default::default(),
            kd_vx: Default::default(),
            kc_vx: Default::default(),
            k_il14: Default::default(),
            k_ipok: Default::default(),
            k_uok: Default::default(),
            p_vlan: Default::default(),
            p_l3: Default::default(),
            p_hl: Default::default(),
            p_hlm1: Default::default(),
            p_nh6: Default::default(),
            p_xhi: Default::default(),
            p_xlen: Default::default(),
            p_isext: Default::default(),
            p_rbyte: Default::default(),
            p_start: Default::default(),
            p_field: Default::default(),
            p_unparsed: Default::default(),
            p_c: Default::default(),
            s_nz: Default::default(),
            p_new: Default::default(),
            p_z: Default::default(),
            p_ulen_sw: Default::default(),
            p_notold: Default::default(),
            drop_ctr: std::array::from_fn(|_| Default::default()),
            cnt_v: Default::default(),
            cnt_r: Default::default(),
            res_valid: Default::default(),
            res_drop: Default::default(),
            res_reason: Default::default(),
            res_base: Default::default(),
            res_nb: Default::default(),
            res_inner: Default::default(),
            res_nout: Default::default(),
            res_lk: Default::default(),
            res_meta: Default::default(),
            res_patch: Default::default(),
            res_poff: Default::default(),
            res_pval: Default::default(),
            o_run: Default::default(),
            o_base: Default::default(),
            o_nb: Default::default(),
            o_rptr: Default::default(),
            o_off: Default::default(),
            o_nout: Default::default(),
            o_lastkeep: Default::default(),
            o_left: Default::default(),
            o_more: Default::default(),
            o_mroom: Default::default(),
            o_droom: Default::default(),
            o_arrived: Default::default(),
            o_arr: Default::default(),
            o_rv: Default::default(),
            o_rd: Default::default(),
            o_prev: Default::default(),
            o_bv: Default::default(),
            o_bt: Default::default(),
            o_bpatch: Default::default(),
            o_blast: Default::default(),
            o_patch: Default::default(),
            o_pbeat1: Default::default(),
            o_pval: Default::default(),
            o_pmask: Default::default(),
            o_sh: Default::default(),
            o_shk: Default::default(),
            o_beat: Default::default(),
            o_lastcnt: Default::default(),
            o_beat2: Default::default(),
            o_psh_c: Default::default(),
            o_pv16: Default::default(),
            drop_v: Default::default(),
            drop_r: Default::default(),
            q_data: RegFifo::new(),
            q_keep: RegFifo::new(),
            q_last: RegFifo::new(),
            q_meta: RegFifo::new(),
        }
    }

    /// Bytes the ring can hold for one frame (the upper bound of `max_frame`).
    pub fn capacity() -> usize {
        ((1usize << AW) - 1) * K
    }
}

impl<const W: usize, const K: usize, const N: usize, const AW: usize> Default for RxPath<W, K, N, AW> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const W: usize, const K: usize, const N: usize, const AW: usize> Logic for RxPath<W, K, N, AW> {
    // Drop codes are written as literals below (a Rust const would be pasted into the
    // Verilog by name): see the module doc for the table.
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, wr_ptr, free_ptr, room, in_base, in_pos, in_rem, in_mid, in_tl, in_nbc, in_acc, i1_v,
            i1_data, i1_last, i1_we, i1_tl, i1_len, i1_ls, i1_first, desc_valid, desc_base, desc_len, desc_nb,
            desc_tl, i1_bk, in_bk, desc_bk, ps, cnt_v, cnt_r, ret, pend, a_v, a_b, a_o, a_om1, a_tag, b_v, b_tag, b_beat, b_lane, b_cnt, c_v, c_tag, c_lane,
            c_cnt, d_v, d_tag, d_lane, d_keep,  e_v, e_tag, e_word, e_ls, e_pr, ipd, ipf, ua, ud, ul,
            ub, uc, uf, cd, cbe, sd, sbe, pnew, cz1, cz2, zf, cur_base, cur_len, cur_nb, cur_tl, cur_bk, l3, l3x, l3b,
            hl, ip_end, ip_end_m8, is_v6, nh, xoff, xnext, x8gt, walked, frag, udp, u8r, uend, uend32,
            outer_ok, vni, inner, ilen, rco_start, rco_off, rco_field, rco_sm1, rco_fm1, rco_end2, rco, applied, cstart, coff,
            complete, patch_val, reason, is_drop, kl14, kl18, kl34, kl38, kl54, kl58, k_l3b_hl, k_tot_hl,
            k_tot_l3b, k_v6tr, xl_raw, k_nout, k_lk, k_u8, k_ul8, k_uend, k_ul16, k_rco, k_vlan, k_et4, k_et6,
            k_v4bad, k_v6bad, k_pl0, k_frag, k_proto, k_port, k_cz, k_noi, k_unp, k_rne, k_rcoen, kd_v4d,
            kc_v4d, kd_v4e, kc_v4e, kd_u1, kc_u1, kd_u3, kc_u3, kd_vx, kc_vx, k_il14, k_ipok, k_uok, res_valid,
            res_drop, res_reason, res_base, res_nb, res_inner, res_nout, res_lk, res_meta, res_patch, res_poff,
            res_pval, o_run, o_base, o_nb, o_rptr, o_off, o_nout, o_lastkeep, o_left, o_more, o_mroom, o_droom, o_arrived, o_arr, o_rv,
            o_prev, o_bv, o_bt, o_bpatch, o_blast, o_patch, o_pbeat1, o_pval, o_pmask, drop_v, drop_r
        );
        clock!(self, clock, q_data, q_keep, q_last, q_meta);
        self.fram_p.read_clock.next = self.clock.val();
        self.fram_p.write_clock.next = self.clock.val();
        self.fram_o.read_clock.next = self.clock.val();
        self.fram_o.write_clock.next = self.clock.val();
        self.pram.read_clock.next = self.clock.val();
        self.pram.write_clock.next = self.clock.val();
        for i in 0..NUM_DROP_REASONS {
            self.drop_ctr[i].clock.next = self.clock.val();
            self.drop_ctr[i].d.next = self.drop_ctr[i].q.val();
            self.drop_count[i].next = self.drop_ctr[i].q.val();
        }

        // ================= ingress =================
        // Port stage: accept, count bytes, decide too-long (against the bytes still
        // allowed, `in_rem`, so one compare), lane sum; all registered into i1_*.
        // `room` is one clock old: it leaves space for the two beats in flight and this one.
        // A frame already too long is accepted to its end without room (nothing written).
        self.s_axis.tready.next = (self.room.q.val() || self.in_tl.q.val())
            && !((self.desc_valid.q.val() || (self.i1_v.q.val() && self.i1_last.q.val())) && self.s_axis.tlast.val());
        self.in_fire.next = self.s_axis.tvalid.val() && self.s_axis.tready.val();
        self.in_cnt.next = self.kbytes.val();
        if self.s_axis.tlast.val() {
            for i in 0..K {
                if self.s_axis.tkeep.val().get_bit(i) {
                    self.in_cnt.next = self.lane_cnt[i].val();
                }
            }
        }
        self.in_remv.next = self.max_frame.val();
        if self.in_mid.q.val() {
            self.in_remv.next = self.in_rem.q.val();
        }
        self.in_newpos.next = self.in_pos.q.val() + self.in_cnt.val();
        self.in_tl_now.next = self.in_tl.q.val() || (self.in_cnt.val() > self.in_remv.val());
        self.in_sum.data.next = self.s_axis.tdata.val();
        // one-trip loop: no const generic in an array index (csum_engine doc)
        for n in K..(K + 1) {
            self.in_sum.keep.next = self.keep_of[n - 1].val();
        }
        self.i1_v.d.next = self.in_fire.val();
        self.i1_data.d.next = self.s_axis.tdata.val();
        self.i1_last.d.next = self.s_axis.tlast.val();
        self.i1_we.d.next = self.in_fire.val() && !self.in_tl_now.val();
        self.i1_tl.d.next = self.in_tl_now.val();
        self.i1_len.d.next = self.in_newpos.val();
        self.i1_ls.d.next = self.in_sum.sum.val();
        self.i1_first.d.next = !self.in_mid.q.val();
        // tkeep contract (stream.rs): all ones before the last beat; the last beat's lanes
        // contiguous from lane 0 and not empty (no lane 0 or a kept lane above a null one)
        self.in_kn.next = !self.s_axis.tkeep.val();
        self.in_kgap.next = (self.s_axis.tkeep.val() >> 1) & self.in_kn.val();
        if self.s_axis.tlast.val() {
            self.in_kbad.next = self.in_kn.val().get_bit(0) || self.in_kgap.val().any();
        } else {
            self.in_kbad.next = self.in_kn.val().any();
        }
        self.i1_bk.d.next = self.in_kbad.val();
        if self.in_fire.val() {
            if self.s_axis.tlast.val() {
                self.in_pos.d.next = 0.into();
                self.in_tl.d.next = false;
                self.in_mid.d.next = false;
            } else {
                self.in_pos.d.next = self.in_newpos.val();
                self.in_tl.d.next = self.in_tl_now.val();
                self.in_mid.d.next = true;
                self.in_rem.d.next = self.in_remv.val() - self.in_cnt.val();
            }
        }
        self.room.d.next = (self.wr_ptr.q.val() - self.free_ptr.q.val()) < self.room_lim.val();
        // Stage I1: ring writes; prefix sum of the words before this beat (0 at the first)
        if self.i1_first.q.val() {
            self.in_pw.next = 0.into();
        } else {
            self.in_pw.next = self.in_acc.q.val();
        }
        self.fram_p.write_address.next = self.wr_ptr.q.val().get_bits::<AW>(0);
        self.fram_p.write_data.next = self.i1_data.q.val();
        self.fram_p.write_enable.next = self.i1_we.q.val();
        self.fram_o.write_address.next = self.wr_ptr.q.val().get_bits::<AW>(0);
        self.fram_o.write_data.next = self.i1_data.q.val();
        self.fram_o.write_enable.next = self.i1_we.q.val();
        self.pram.write_address.next = self.wr_ptr.q.val().get_bits::<AW>(0);
        self.pram.write_data.next = self.in_pw.val();
        self.pram.write_enable.next = self.i1_we.q.val();
        if self.i1_we.q.val() {
            self.wr_ptr.d.next = self.wr_ptr.q.val() + 1;
        }
        if self.i1_v.q.val() {
            self.in_acc.d.next = self.in_pw.val() + self.i1_ls.q.val();
            if self.i1_last.q.val() {
                self.in_nbc.d.next = 0.into();
                self.desc_valid.d.next = true;
                self.desc_base.d.next = self.in_base.q.val();
                self.desc_len.d.next = self.i1_len.q.val();
                self.desc_tl.d.next = self.i1_tl.q.val();
                self.desc_bk.d.next = self.in_bk.q.val() || self.i1_bk.q.val();
                self.in_bk.d.next = false;
                if self.i1_we.q.val() {
                    self.in_base.d.next = self.wr_ptr.q.val() + 1;
                    self.desc_nb.d.next = self.in_nbc.q.val() + 1;
                } else {
                    self.in_base.d.next = self.wr_ptr.q.val();
                    self.desc_nb.d.next = self.in_nbc.q.val();
                }
            } else {
                self.in_bk.d.next = self.in_bk.q.val() || self.i1_bk.q.val();
                if self.i1_we.q.val() {
                    self.in_nbc.d.next = self.in_nbc.q.val() + 1;
                }
            }
        }

        // ================= parser =================
        // Read pipeline (one access per clock, fixed latency, registered at every step;
        // the ring's read data is the block RAM's output register, `SdpRam` latency 2):
        //   A iss_* -> a_*, B beat/lane/count, C ring address = cur_base + beat,
        //   D RAM data -> d_rd/d_pr, E lane select + swap -> e_word, LaneSum -> e_ls,
        //   sink: e_word -> wd[tag] or e_pr + e_ls -> px[tag - 16].
        // A state issuing at clock t finds the result in wd/px from clock t + 6 on and
        // its compare flags from t + 7 (Wait: `drain` = 5 after the last issue); the
        // free-running checksum folds and second-level flags settle within `settle` = 10.
        self.b_v.d.next = self.a_v.q.val();
        self.b_tag.d.next = self.a_tag.q.val();
        self.ax.next = self.a_b.q.val() + self.a_o.q.val();
        self.axm1.next = self.a_b.q.val() + self.a_om1.q.val();
        self.b_lane.d.next = self.ax.val() & self.kmask.val();
        self.b_cnt.d.next = (self.axm1.val() & self.kmask.val()) + 1;
        // prefix points (tags 16..23) read the beat holding byte x - 1
        if self.a_tag.q.val().get_bit(4) {
            self.b_beat.d.next = self.axm1.val() >> self.kshift.val();
        } else {
            self.b_beat.d.next = self.ax.val() >> self.kshift.val();
        }
        self.c_v.d.next = self.b_v.q.val();
        self.c_tag.d.next = self.b_tag.q.val();
        self.c_lane.d.next = self.b_lane.q.val();
        self.c_cnt.d.next = self.b_cnt.q.val();
        self.p_raddr.next = self.cur_base.q.val() + self.b_beat.q.val();
        self.fram_p.read_address.next = self.p_raddr.val().get_bits::<AW>(0);
        self.pram.read_address.next = self.p_raddr.val().get_bits::<AW>(0);
        self.d_v.d.next = self.c_v.q.val();
        self.d_tag.d.next = self.c_tag.q.val();
        self.d_lane.d.next = self.c_lane.q.val();
        self.d_keep.d.next = 0.into();
        for i in 0..K {
            if self.c_cnt.q.val().index() == i + 1 {
                self.d_keep.d.next = self.keep_of[i].val();
            }
        }
        self.d_rd.next = self.fram_p.read_data.val();
        self.d_pr.next = self.pram.read_data.val();
        self.q_raw.next = self.d_rd.val().get_bits::<16>(0);
        for i in 0..N {
            if self.d_lane.q.val().index() == 2 * i {
                self.q_raw.next = self.d_rd.val().get_bits::<16>(16 * i);
            }
        }
        self.pt_sum.data.next = self.d_rd.val();
        self.pt_sum.keep.next = self.d_keep.q.val();
        self.e_v.d.next = self.d_v.q.val();
        self.e_tag.d.next = self.d_tag.q.val();
        self.e_word.d.next = (self.q_raw.val() << 8) | (self.q_raw.val() >> 8);
        self.e_ls.d.next = self.pt_sum.sum.val();
        self.e_pr.d.next = self.d_pr.val();
        self.e_pfx.next = self.e_pr.q.val() + self.e_ls.q.val();
        for i in 0..16 {
            self.wd[i].clock.next = self.clock.val();
            self.wd[i].d.next = self.wd[i].q.val();
            if self.e_v.q.val() && (self.e_tag.q.val().index() == i) {
                self.wd[i].d.next = self.e_word.q.val();
            }
        }
        for i in 0..8 {
            self.px[i].clock.next = self.clock.val();
            self.px[i].d.next = self.px[i].q.val();
            if self.e_v.q.val() && (self.e_tag.q.val().index() == i + 16) {
                self.px[i].d.next = self.e_pfx.val();
            }
        }

        // ---- checksums, free running from px/wd (one adder or fold per register)
        // IPv4 header: Pfx(l3 + hl) - Pfx(l3) must fold to 0 or 0xFFFF
        self.ipd.d.next = self.px[1].q.val() - self.px[0].q.val();
        self.f_ip.x.next = self.ipd.q.val();
        self.ipf.d.next = self.f_ip.fold.val();
        // UDP: addresses + datagram + length + 17 (all little-endian slices)
        self.ua.d.next = self.px[3].q.val() - self.px[2].q.val();
        self.ud.d.next = self.px[5].q.val() - self.px[4].q.val();
        self.p_ulen_sw.next = (self.wd[9].q.val() << 8) | (self.wd[9].q.val() >> 8);
        self.ul.d.next = bit_cast::<32, 16>(self.p_ulen_sw.val()) + 0x1100;
        self.ub.d.next = self.ua.q.val() + self.ud.q.val();
        self.uc.d.next = self.ub.q.val() + self.ul.q.val();
        self.f_u.x.next = self.uc.q.val();
        self.uf.d.next = self.f_u.fold.val();
        // CHECKSUM_COMPLETE of the inner frame: Pfx(uend) - Pfx(inner)
        self.cd.d.next = self.px[5].q.val() - self.px[6].q.val();
        self.f_cp.x.next = self.cd.q.val();
        self.cbe.d.next = self.f_cp.be.val();
        // RCO: S = Pfx(uend) - Pfx(inner + start); new field = ~S (S = 0 read as 0xFFFF)
        self.sd.d.next = self.px[5].q.val() - self.px[7].q.val();
        self.f_s.x.next = self.sd.q.val();
        self.sbe.d.next = self.f_s.be.val();
        self.s_nz.next = self.sbe.q.val();
        if !self.sbe.q.val().any() {
            self.s_nz.next = self.ones16.val().get_bits::<16>(0);
        }
        self.p_new.next = !self.s_nz.val();
        self.pnew.d.next = self.p_new.val();
        // complete = C + new + ~old (old = the field's word), 0 read as 0xFFFF
        self.p_notold.next = !self.wd[15].q.val();
        self.cz1.d.next = bit_cast::<32, 16>(self.cbe.q.val()) + bit_cast::<32, 16>(self.pnew.q.val());
        self.cz2.d.next = self.cz1.q.val() + bit_cast::<32, 16>(self.p_notold.val());
        self.f_z.x.next = self.cz2.q.val();
        self.zf.d.next = self.f_z.fold.val();
        self.p_z.next = self.zf.q.val();
        if !self.zf.q.val().any() {
            self.p_z.next = self.ones16.val().get_bits::<16>(0);
        }

        // ---- registered compares of settled operands (one clock behind them)
        self.k_ipok.d.next = (self.ipf.q.val() == 0xFFFF) || !self.ipf.q.val().any();
        self.k_uok.d.next = (self.uf.q.val() == 0xFFFF) || !self.uf.q.val().any();
        self.k_tot_hl.d.next = self.wd[3].q.val() < self.hl.q.val();
        self.k_tot_l3b.d.next = self.wd[3].q.val() > self.l3b.q.val();
        self.k_u8.d.next = self.u8r.q.val() > self.ip_end.q.val();
        self.k_ul8.d.next = self.wd[9].q.val() < 8;
        self.k_uend.d.next = self.uend32.q.val() > bit_cast::<32, 16>(self.ip_end.q.val());
        self.k_ul16.d.next = self.wd[9].q.val() < 16;
        self.k_il14.d.next = self.ilen.q.val() < 14;
        // output beats of the inner frame and the last beat's tkeep
        self.k_nout.d.next = (self.ilen.q.val() + self.kmask.val()) >> self.kshift.val();
        self.o_lastcnt.next = (self.ilen.q.val() - 1) & self.kmask.val();
        for i in 0..K {
            if self.o_lastcnt.val().index() == i {
                self.k_lk.d.next = self.keep_of[i].val();
            }
        }

        // ---- temporaries of the states
        self.iss_v.next = false;
        self.iss_b.next = 0.into();
        self.iss_o.next = 0.into();
        self.iss_om1.next = 0.into();
        self.iss_tag.next = 0.into();
        self.iss_long.next = false;
        self.p_vlan.next = self.k_vlan.q.val();
        self.k_vlan.d.next = self.wd[0].q.val() == 0x8100;
        if self.wd[0].q.val() == 0x8100 {
            self.k_et4.d.next = self.wd[1].q.val() == 0x0800;
            self.k_et6.d.next = self.wd[1].q.val() == 0x86DD;
        } else {
            self.k_et4.d.next = self.wd[0].q.val() == 0x0800;
            self.k_et6.d.next = self.wd[0].q.val() == 0x86DD;
        }
        self.p_l3.next = 14.into();
        if self.p_vlan.val() {
            self.p_l3.next = 18.into();
        }
        // part-selects only on signals: Verilog cannot index an expression
        self.p_hl.next = ((self.wd[2].q.val() >> 8) & 0x0F) << 2;
        self.p_hlm1.next = self.p_hl.val() - 1;
        self.k_l3b_hl.d.next = self.l3b.q.val() < self.p_hl.val();
        self.p_nh6.next = self.wd[5].q.val().get_bits::<8>(8);
        self.p_xhi.next = self.wd[7].q.val().get_bits::<8>(8);
        self.p_isext.next = (self.nh.q.val() == 0)
            || (self.nh.q.val() == 43)
            || (self.nh.q.val() == 60)
            || (self.nh.q.val() == 44);
        // the extension header's length (fragment headers are 8 bytes)
        self.xl_raw.d.next = ((self.wd[7].q.val() & 0xFF) + 1) << 3;
        self.p_xlen.next = 8.into();
        if self.nh.q.val() != 44 {
            self.p_xlen.next = self.xl_raw.q.val();
        }
        self.p_rbyte.next = self.wd[14].q.val() & 0xFF;
        self.p_start.next = (self.p_rbyte.val() & 0x7F) << 1;
        self.p_field.next = 16.into();
        if self.p_rbyte.val().get_bit(7) {
            self.p_field.next = 6.into();
        }
        self.p_c.next = self.wd[11].q.val().get_bit(5);
        // unparsed: flags but I (and C once opted in); without opt-in the RCO byte counts
        // as VNI bits that must be 0
        if self.remcsum_rx.val() {
            self.p_unparsed.next = (self.wd[11].q.val() & 0xF7DF).any() || self.wd[12].q.val().any();
        } else {
            self.p_unparsed.next =
                (self.wd[11].q.val() & 0xF7FF).any() || self.wd[12].q.val().any() || self.p_rbyte.val().any();
        }
        self.k_v4bad.d.next = ((self.wd[2].q.val() >> 12) != 4) || (self.p_hl.val() < 20);
        self.k_v6bad.d.next = (self.wd[2].q.val() >> 12) != 6;
        self.k_pl0.d.next = !self.wd[4].q.val().any();
        self.k_frag.d.next = (self.wd[5].q.val() & 0x3FFF).any();
        self.k_proto.d.next = (self.wd[6].q.val() & 0xFF) != 17;
        self.k_port.d.next = self.wd[8].q.val() != self.port.val();
        self.k_cz.d.next = !self.wd[10].q.val().any();
        self.k_noi.d.next = !self.wd[11].q.val().get_bit(11);
        self.k_unp.d.next = self.p_unparsed.val();
        self.k_rne.d.next = self.p_c.val() && !self.remcsum_rx.val();
        self.k_rcoen.d.next = self.remcsum_rx.val() && self.p_c.val();
        self.k_rco.d.next = self.remcsum_rx.val() && self.p_c.val() && (self.rco_end2.q.val() > self.ilen.q.val());
        // second level (states far enough behind their operands' last change)
        self.kd_v4d.d.next = self.k_tot_hl.q.val() || self.k_tot_l3b.q.val();
        if self.k_tot_hl.q.val() {
            self.kc_v4d.d.next = 3.into(); // ip_header
        } else {
            self.kc_v4d.d.next = 1.into(); // truncated
        }
        self.kd_v4e.d.next = self.k_frag.q.val() || self.k_proto.q.val();
        if self.k_frag.q.val() {
            self.kc_v4e.d.next = 5.into(); // ip_fragment
        } else {
            self.kc_v4e.d.next = 2.into(); // not_vxlan
        }
        self.kd_u1.d.next = self.k_port.q.val() || self.k_ul8.q.val() || self.k_uend.q.val();
        if self.k_port.q.val() {
            self.kc_u1.d.next = 2.into(); // not_vxlan
        } else {
            self.kc_u1.d.next = 6.into(); // udp_length
        }
        self.kd_u3.d.next = (!self.k_cz.q.val() && !self.k_uok.q.val())
            || (self.k_cz.q.val() && self.is_v6.q.val() && !self.udp_zero_csum6_rx.val());
        if self.k_cz.q.val() {
            self.kc_u3.d.next = 8.into(); // udp_zero_csum6
        } else {
            self.kc_u3.d.next = 7.into(); // udp_csum
        }
        self.kd_vx.d.next = self.k_noi.q.val() || self.k_rco.q.val() || self.k_unp.q.val() || self.k_il14.q.val();
        if self.k_noi.q.val() {
            self.kc_vx.d.next = 9.into(); // vxlan_flags
        } else if self.k_rco.q.val() {
            self.kc_vx.d.next = 11.into(); // rco_past_end
        } else if self.k_unp.q.val() && self.k_rne.q.val() {
            self.kc_vx.d.next = 10.into(); // rco_not_enabled
        } else if self.k_unp.q.val() {
            self.kc_vx.d.next = 9.into(); // vxlan_flags
        } else {
            self.kc_vx.d.next = 1.into(); // truncated
        }

        self.cnt_v.d.next = false;
        // Word tags (wd index): 0 @12, 1 @16, 2 l3, 3 l3+2, 4 l3+4, 5 l3+6, 6 l3+8, 7 the
        // IPv6 extension header at xoff, 8..14 udp+2..udp+14, 15 the RCO field (old value).
        // Prefix tags (px index + 16): 16 Pfx(l3), 17 Pfx(l3 + hl), 18/19 address range
        // start/end, 20 Pfx(udp), 21 Pfx(uend), 22 Pfx(inner), 23 Pfx(inner + start).
        match self.ps.q.val() {
            PState::Idle => {
                if self.desc_valid.q.val() {
                    self.desc_valid.d.next = false;
                    self.cur_base.d.next = self.desc_base.q.val();
                    self.cur_len.d.next = self.desc_len.q.val();
                    self.cur_nb.d.next = self.desc_nb.q.val();
                    self.cur_tl.d.next = self.desc_tl.q.val();
                    self.cur_bk.d.next = self.desc_bk.q.val();
                    self.kl14.d.next = self.desc_len.q.val() < 14;
                    self.kl18.d.next = self.desc_len.q.val() < 18;
                    self.kl34.d.next = self.desc_len.q.val() < 34;
                    self.kl38.d.next = self.desc_len.q.val() < 38;
                    self.kl54.d.next = self.desc_len.q.val() < 54;
                    self.kl58.d.next = self.desc_len.q.val() < 58;
                    self.ps.d.next = PState::Start;
                }
            }
            PState::Wait => {
                if !self.pend.q.val().any() {
                    self.ps.d.next = self.ret.q.val();
                }
            }
            PState::Start => {
                self.is_drop.d.next = false;
                self.rco.d.next = 0.into();
                self.applied.d.next = 0.into();
                self.cstart.d.next = 0.into();
                self.coff.d.next = 0.into();
                self.outer_ok.d.next = 0.into();
                self.vni.d.next = 0.into();
                self.complete.d.next = 0.into();
                self.patch_val.d.next = 0.into();
                self.inner.d.next = 0.into();
                self.ilen.d.next = 0.into();
                self.is_v6.d.next = false;
                if self.cur_bk.q.val() {
                    self.reason.d.next = 12.into(); // bad_keep
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else if self.cur_tl.q.val() {
                    self.reason.d.next = 0.into(); // too_long
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else if self.kl14.q.val() {
                    self.reason.d.next = 1.into(); // truncated
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else {
                    self.iss_v.next = true;
                    self.iss_b.next = 0.into();
                    self.iss_o.next = 12.into();
                    self.iss_om1.next = 11.into();
                    self.iss_tag.next = 0.into();
                    self.ps.d.next = PState::Ist16;
                }
            }
            PState::Ist16 => {
                self.iss_v.next = true;
                self.iss_b.next = 0.into();
                self.iss_o.next = 16.into();
                self.iss_om1.next = 15.into();
                self.iss_tag.next = 1.into();
                self.ps.d.next = PState::Wait;
                self.ret.d.next = PState::Eth;
            }
            PState::Eth => {
                self.l3.d.next = self.p_l3.val();
                self.l3b.d.next = self.cur_len.q.val() - self.p_l3.val();
                if self.p_vlan.val() {
                    self.l3x.d.next = 58.into();
                } else {
                    self.l3x.d.next = 54.into();
                }
                if self.p_vlan.val() && self.kl18.q.val() {
                    self.reason.d.next = 1.into(); // truncated
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else if self.k_et4.q.val() {
                    if (self.p_vlan.val() && self.kl38.q.val()) || (!self.p_vlan.val() && self.kl34.q.val())
                    {
                        self.reason.d.next = 1.into(); // truncated
                        self.is_drop.d.next = true;
                        self.ps.d.next = PState::Emit;
                    } else {
                        self.ps.d.next = PState::V4i0;
                    }
                } else if self.k_et6.q.val() {
                    self.is_v6.d.next = true;
                    if (self.p_vlan.val() && self.kl58.q.val()) || (!self.p_vlan.val() && self.kl54.q.val())
                    {
                        self.reason.d.next = 1.into(); // truncated
                        self.is_drop.d.next = true;
                        self.ps.d.next = PState::Emit;
                    } else {
                        self.ps.d.next = PState::V6i0;
                    }
                } else {
                    self.reason.d.next = 2.into(); // not_vxlan
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                }
            }
            // ---- IPv4 fields (version/IHL, total length, fragment, protocol, addresses)
            PState::V4i0 => {
                self.iss_v.next = true;
                self.iss_b.next = self.l3.q.val();
                self.iss_o.next = 0.into();
                self.iss_om1.next = 65535.into();
                self.iss_tag.next = 2.into();
                self.ps.d.next = PState::V4i1;
            }
            PState::V4i1 => {
                self.iss_v.next = true;
                self.iss_b.next = self.l3.q.val();
                self.iss_o.next = 0.into();
                self.iss_om1.next = 65535.into();
                self.iss_tag.next = 16.into();
                self.ps.d.next = PState::V4i2;
            }
            PState::V4i2 => {
                self.iss_v.next = true;
                self.iss_b.next = self.l3.q.val();
                self.iss_o.next = 2.into();
                self.iss_om1.next = 1.into();
                self.iss_tag.next = 3.into();
                self.ps.d.next = PState::V4i3;
            }
            PState::V4i3 => {
                self.iss_v.next = true;
                self.iss_b.next = self.l3.q.val();
                self.iss_o.next = 6.into();
                self.iss_om1.next = 5.into();
                self.iss_tag.next = 5.into();
                self.ps.d.next = PState::V4i4;
            }
            PState::V4i4 => {
                self.iss_v.next = true;
                self.iss_b.next = self.l3.q.val();
                self.iss_o.next = 8.into();
                self.iss_om1.next = 7.into();
                self.iss_tag.next = 6.into();
                self.ps.d.next = PState::V4i5;
            }
            PState::V4i5 => {
                self.iss_v.next = true;
                self.iss_b.next = self.l3.q.val();
                self.iss_o.next = 12.into();
                self.iss_om1.next = 11.into();
                self.iss_tag.next = 18.into();
                self.ps.d.next = PState::V4i6;
            }
            PState::V4i6 => {
                self.iss_v.next = true;
                self.iss_b.next = self.l3.q.val();
                self.iss_o.next = 20.into();
                self.iss_om1.next = 19.into();
                self.iss_tag.next = 19.into();
                self.ps.d.next = PState::Wait;
                self.ret.d.next = PState::V4a;
            }
            PState::V4a => {
                self.hl.d.next = self.p_hl.val();
                self.udp.d.next = self.l3.q.val() + self.p_hl.val();
                if self.k_v4bad.q.val() {
                    self.reason.d.next = 3.into(); // ip_header
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else if self.k_l3b_hl.q.val() {
                    self.reason.d.next = 1.into(); // truncated
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else {
                    // the header's end (= the UDP header) as a prefix point
                    self.iss_v.next = true;
                    self.iss_b.next = self.l3.q.val();
                    self.iss_o.next = self.p_hl.val();
                    self.iss_om1.next = self.p_hlm1.val();
                    self.iss_tag.next = 17.into();
                    self.ps.d.next = PState::Ui0;
                }
            }
            // ---- IPv6 fields (version, payload length, next header, addresses, first ext)
            PState::V6i0 => {
                self.iss_v.next = true;
                self.iss_b.next = self.l3.q.val();
                self.iss_o.next = 0.into();
                self.iss_om1.next = 65535.into();
                self.iss_tag.next = 2.into();
                self.ps.d.next = PState::V6i1;
            }
            PState::V6i1 => {
                self.iss_v.next = true;
                self.iss_b.next = self.l3.q.val();
                self.iss_o.next = 4.into();
                self.iss_om1.next = 3.into();
                self.iss_tag.next = 4.into();
                self.ps.d.next = PState::V6i2;
            }
            PState::V6i2 => {
                self.iss_v.next = true;
                self.iss_b.next = self.l3.q.val();
                self.iss_o.next = 6.into();
                self.iss_om1.next = 5.into();
                self.iss_tag.next = 5.into();
                self.ps.d.next = PState::V6i3;
            }
            PState::V6i3 => {
                self.iss_v.next = true;
                self.iss_b.next = self.l3.q.val();
                self.iss_o.next = 8.into();
                self.iss_om1.next = 7.into();
                self.iss_tag.next = 18.into();
                self.ps.d.next = PState::V6i4;
            }
            PState::V6i4 => {
                self.iss_v.next = true;
                self.iss_b.next = self.l3x.q.val();
                self.iss_o.next = 0.into();
                self.iss_om1.next = 65535.into();
                self.iss_tag.next = 19.into();
                self.ps.d.next = PState::V6i5;
            }
            PState::V6i5 => {
                self.iss_v.next = true;
                self.iss_b.next = self.l3x.q.val();
                self.iss_o.next = 0.into();
                self.iss_om1.next = 65535.into();
                self.iss_tag.next = 7.into();
                self.ps.d.next = PState::Wait;
                self.ret.d.next = PState::V6a;
            }
            PState::V6a => {
                self.k_v6tr.d.next = (bit_cast::<32, 16>(self.wd[4].q.val()) + 40) > bit_cast::<32, 16>(self.l3b.q.val());
                self.ip_end.d.next = self.l3x.q.val() + self.wd[4].q.val();
                if self.k_v6bad.q.val() {
                    self.reason.d.next = 3.into(); // ip_header
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else {
                    self.ps.d.next = PState::V6b;
                }
            }
            PState::V6b => {
                self.nh.d.next = self.p_nh6.val();
                self.xoff.d.next = self.l3x.q.val();
                self.ip_end_m8.d.next = self.ip_end.q.val() - 8;
                self.walked.d.next = 0.into();
                self.frag.d.next = false;
                if self.k_pl0.q.val() {
                    self.reason.d.next = 3.into(); // ip_header (jumbogram)
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else if self.k_v6tr.q.val() {
                    self.reason.d.next = 1.into(); // truncated
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else {
                    self.ps.d.next = PState::V6x;
                }
            }
            PState::V6x => {
                // wd[7] = next header | length byte of the header at xoff (if it is one)
                self.xnext.d.next = self.xoff.q.val() + self.p_xlen.val();
                self.x8gt.d.next = self.xoff.q.val() > self.ip_end_m8.q.val();
                self.udp.d.next = self.xoff.q.val();
                if self.p_isext.val() {
                    self.ps.d.next = PState::V6y;
                } else if self.frag.q.val() {
                    self.reason.d.next = 5.into(); // ip_fragment
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else if self.nh.q.val() != 17 {
                    self.reason.d.next = 2.into(); // not_vxlan
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else {
                    self.ps.d.next = PState::Ui0;
                }
            }
            PState::V6y => {
                if self.walked.q.val() == 2 {
                    // more than IPV6_MAX_EXT_HDRS
                    self.reason.d.next = 2.into(); // not_vxlan
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else if self.x8gt.q.val() || (self.xnext.q.val() > self.ip_end.q.val()) {
                    self.reason.d.next = 1.into(); // truncated
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else {
                    self.nh.d.next = self.p_xhi.val();
                    self.xoff.d.next = self.xnext.q.val();
                    self.walked.d.next = self.walked.q.val() + 1;
                    if self.nh.q.val() == 44 {
                        self.frag.d.next = true;
                    }
                    self.iss_v.next = true;
                    self.iss_b.next = self.xnext.q.val();
                    self.iss_o.next = 0.into();
                    self.iss_om1.next = 65535.into();
                    self.iss_tag.next = 7.into();
                    self.ps.d.next = PState::Wait;
                    self.ret.d.next = PState::V6x;
                }
            }
            // ---- UDP + VXLAN header words, prefix points of the datagram and inner frame
            PState::Ui0 => {
                self.iss_v.next = true;
                self.iss_b.next = self.udp.q.val();
                self.iss_o.next = 2.into();
                self.iss_om1.next = 1.into();
                self.iss_tag.next = 8.into();
                self.ps.d.next = PState::Ui1;
            }
            PState::Ui1 => {
                self.iss_v.next = true;
                self.iss_b.next = self.udp.q.val();
                self.iss_o.next = 4.into();
                self.iss_om1.next = 3.into();
                self.iss_tag.next = 9.into();
                self.ps.d.next = PState::Ui2;
            }
            PState::Ui2 => {
                self.iss_v.next = true;
                self.iss_b.next = self.udp.q.val();
                self.iss_o.next = 6.into();
                self.iss_om1.next = 5.into();
                self.iss_tag.next = 10.into();
                self.ps.d.next = PState::Ui3;
            }
            PState::Ui3 => {
                self.iss_v.next = true;
                self.iss_b.next = self.udp.q.val();
                self.iss_o.next = 8.into();
                self.iss_om1.next = 7.into();
                self.iss_tag.next = 11.into();
                self.ps.d.next = PState::Ui4;
            }
            PState::Ui4 => {
                self.iss_v.next = true;
                self.iss_b.next = self.udp.q.val();
                self.iss_o.next = 10.into();
                self.iss_om1.next = 9.into();
                self.iss_tag.next = 12.into();
                self.ps.d.next = PState::Ui5;
            }
            PState::Ui5 => {
                self.iss_v.next = true;
                self.iss_b.next = self.udp.q.val();
                self.iss_o.next = 12.into();
                self.iss_om1.next = 11.into();
                self.iss_tag.next = 13.into();
                self.ps.d.next = PState::Ui6;
            }
            PState::Ui6 => {
                self.iss_v.next = true;
                self.iss_b.next = self.udp.q.val();
                self.iss_o.next = 14.into();
                self.iss_om1.next = 13.into();
                self.iss_tag.next = 14.into();
                self.ps.d.next = PState::Ui7;
            }
            PState::Ui7 => {
                self.iss_v.next = true;
                self.iss_b.next = self.udp.q.val();
                self.iss_o.next = 0.into();
                self.iss_om1.next = 65535.into();
                self.iss_tag.next = 20.into();
                self.ps.d.next = PState::Ui8;
            }
            PState::Ui8 => {
                self.iss_v.next = true;
                self.iss_b.next = self.udp.q.val();
                self.iss_o.next = 16.into();
                self.iss_om1.next = 15.into();
                self.iss_tag.next = 22.into();
                self.ps.d.next = PState::Wait;
                self.ret.d.next = PState::Prep;
            }
            PState::Prep => {
                // wd[9] = UDP length, wd[14] = VNI low byte | RCO byte
                self.uend.d.next = self.udp.q.val() + self.wd[9].q.val();
                self.uend32.d.next = bit_cast::<32, 16>(self.udp.q.val()) + bit_cast::<32, 16>(self.wd[9].q.val());
                self.u8r.d.next = self.udp.q.val() + 8;
                self.inner.d.next = self.udp.q.val() + 16;
                self.ilen.d.next = self.wd[9].q.val() - 16;
                self.rco_start.d.next = self.p_start.val();
                self.rco_off.d.next = self.p_field.val();
                self.rco_field.d.next = self.p_start.val() + self.p_field.val();
                self.rco_sm1.d.next = self.p_start.val() - 1;
                self.rco_fm1.d.next = self.p_start.val() + self.p_field.val() - 1;
                self.ps.d.next = PState::Pi0;
            }
            PState::Pi0 => {
                self.rco_end2.d.next = self.rco_field.q.val() + 2;
                self.iss_v.next = true;
                self.iss_b.next = self.uend.q.val();
                self.iss_o.next = 0.into();
                self.iss_om1.next = 65535.into();
                self.iss_tag.next = 21.into();
                self.ps.d.next = PState::Pi1;
            }
            PState::Pi1 => {
                self.iss_v.next = true;
                self.iss_b.next = self.inner.q.val();
                self.iss_o.next = self.rco_start.q.val();
                self.iss_om1.next = self.rco_sm1.q.val();
                self.iss_tag.next = 23.into();
                self.ps.d.next = PState::Pi2;
            }
            PState::Pi2 => {
                self.iss_v.next = true;
                self.iss_long.next = true;
                self.iss_b.next = self.inner.q.val();
                self.iss_o.next = self.rco_field.q.val();
                self.iss_om1.next = self.rco_fm1.q.val();
                self.iss_tag.next = 15.into();
                self.ps.d.next = PState::Wait;
                if self.is_v6.q.val() {
                    self.ret.d.next = PState::Udp0;
                } else {
                    self.ret.d.next = PState::V4c;
                }
            }
            // ---- checks in golden's order, on registered words and sums
            PState::V4c => {
                if self.k_ipok.q.val() {
                    self.ps.d.next = PState::V4d;
                } else {
                    self.reason.d.next = 4.into(); // ip_csum
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                }
            }
            PState::V4d => {
                // wd[3] = total length
                self.ip_end.d.next = self.l3.q.val() + self.wd[3].q.val();
                if self.kd_v4d.q.val() {
                    self.reason.d.next = self.kc_v4d.q.val();
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else {
                    self.ps.d.next = PState::V4e;
                }
            }
            PState::V4e => {
                if self.kd_v4e.q.val() {
                    self.reason.d.next = self.kc_v4e.q.val();
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else {
                    self.ps.d.next = PState::Udp0;
                }
            }
            PState::Udp0 => {
                if self.k_u8.q.val() {
                    self.reason.d.next = 1.into(); // truncated
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else {
                    self.ps.d.next = PState::Udp1;
                }
            }
            PState::Udp1 => {
                // wd[8] = destination port, wd[9] = length
                if self.kd_u1.q.val() {
                    self.reason.d.next = self.kc_u1.q.val();
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else {
                    self.ps.d.next = PState::Udp3;
                }
            }
            PState::Udp3 => {
                // wd[10] = checksum field (0: none)
                if self.kd_u3.q.val() {
                    self.reason.d.next = self.kc_u3.q.val();
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else {
                    if !self.k_cz.q.val() {
                        self.outer_ok.d.next = 1.into();
                    }
                    self.ps.d.next = PState::Vx0;
                }
            }
            // ---- VXLAN header (wd[11] flags high, wd[12] flags low, wd[13..14] VNI | RCO)
            PState::Vx0 => {
                if self.k_ul16.q.val() {
                    self.reason.d.next = 1.into(); // truncated
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else {
                    self.ps.d.next = PState::Vx4;
                }
            }
            PState::Vx4 => {
                self.vni.d.next = (bit_cast::<24, 16>(self.wd[13].q.val()) << 8)
                    | bit_cast::<24, 16>(self.wd[14].q.val() >> 8);
                if self.kd_vx.q.val() {
                    self.reason.d.next = self.kc_vx.q.val();
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else {
                    if self.k_rcoen.q.val() {
                        self.rco.d.next = 1.into();
                        if !self.nopartial.val() {
                            self.cstart.d.next = self.rco_start.q.val();
                            self.coff.d.next = self.rco_off.q.val();
                        }
                    }
                    self.ps.d.next = PState::Cs;
                }
            }
            // ---- CHECKSUM_COMPLETE, remcsum_adjust (nopartial)
            PState::Cs => {
                if self.rco.q.val().any() && self.nopartial.val() {
                    self.complete.d.next = self.p_z.val();
                    self.patch_val.d.next = self.pnew.q.val();
                    self.applied.d.next = 1.into();
                } else {
                    self.complete.d.next = self.cbe.q.val();
                }
                self.ps.d.next = PState::Emit;
            }
            PState::Emit => {
                if !self.res_valid.q.val() {
                    self.res_valid.d.next = true;
                    self.res_drop.d.next = self.is_drop.q.val();
                    self.res_reason.d.next = self.reason.q.val();
                    self.res_base.d.next = self.cur_base.q.val();
                    self.res_nb.d.next = self.cur_nb.q.val();
                    self.res_inner.d.next = self.inner.q.val();
                    self.res_nout.d.next = self.k_nout.q.val();
                    self.res_lk.d.next = self.k_lk.q.val();
                    self.res_meta.d.next = bit_cast::<96, 24>(self.vni.q.val())
                        | (bit_cast::<96, 1>(self.rco.q.val()) << 24)
                        | (bit_cast::<96, 1>(self.applied.q.val()) << 25)
                        | (bit_cast::<96, 1>(self.outer_ok.q.val()) << 26)
                        | (bit_cast::<96, 16>(self.cstart.q.val()) << 32)
                        | (bit_cast::<96, 16>(self.coff.q.val()) << 48)
                        | (bit_cast::<96, 16>(self.complete.q.val()) << 64);
                    self.res_patch.d.next = self.applied.q.val().any();
                    self.res_poff.d.next = self.rco_field.q.val();
                    self.res_pval.d.next = self.patch_val.q.val();
                    self.cnt_v.d.next = self.is_drop.q.val();
                    self.cnt_r.d.next = self.reason.q.val();
                    self.ps.d.next = PState::Idle;
                }
            }
        }
        if self.cnt_v.q.val() {
            for i in 0..NUM_DROP_REASONS {
                if self.cnt_r.q.val().index() == i {
                    self.drop_ctr[i].d.next = self.drop_ctr[i].q.val() + 1;
                }
            }
        }
        // stage A of the read pipeline (after the states wrote iss_*)
        self.a_v.d.next = self.iss_v.val();
        self.a_b.d.next = self.iss_b.val();
        self.a_o.d.next = self.iss_o.val();
        self.a_om1.d.next = self.iss_om1.val();
        self.a_tag.d.next = self.iss_tag.val();
        // one issue restarts the drain count; the last read of a packet waits for the sums
        if self.iss_long.val() {
            self.pend.d.next = self.settle.val();
        } else if self.iss_v.val() {
            self.pend.d.next = self.drain.val();
        } else if self.pend.q.val().any() {
            self.pend.d.next = self.pend.q.val() - 1;
        }

        // ================= output =================
        // A frame reads source beats 0..=nout (one per clock while the beat FIFO has room
        // for what is in flight), the RAM data comes registered (o_rd, SdpRam latency 2), output beat j =
        // bytes [inner + jK, inner + (j+1)K) of source beats j, j+1 is realigned into o_bt,
        // and pushed (with the RCO patch) one clock later.
        self.drop_v.d.next = false;
        self.o_arr.d.next = false;
        self.o_bv.d.next = false;
        self.q_meta.push.next = false;
        self.q_meta.din.next = self.res_meta.q.val();
        self.o_psh_c.next = (self.res_poff.q.val() & self.kmask.val()) << 3;
        self.o_pv16.next = (self.res_pval.q.val() << 8) | (self.res_pval.q.val() >> 8);
        self.o_rv.d.next = self.o_arr.q.val();
        self.o_rd.next = self.fram_o.read_data.val();
        // shift amounts from the byte offset register, so the low three bits are known 0
        self.o_sh.next = self.o_off.q.val() << 3;
        self.o_shk.next = (self.kbytes.val() - self.o_off.q.val()) << 3;
        if self.o_off.q.val().any() {
            self.o_beat.next = (self.o_prev.q.val() >> self.o_sh.val()) | (self.o_rd.val() << self.o_shk.val());
        } else {
            self.o_beat.next = self.o_prev.q.val();
        }
        self.fram_o.read_address.next = self.o_rptr.q.val().get_bits::<AW>(0);
        if !self.o_run.q.val() {
            // a drop waits until every earlier frame has left, so events stay in order
            if self.res_valid.q.val()
                && (!self.res_drop.q.val() || (self.q_data.empty.val() && self.q_meta.empty.val()))
                && self.o_mroom.q.val()
            {
                self.res_valid.d.next = false;
                if self.res_drop.q.val() {
                    self.drop_v.d.next = true;
                    self.drop_r.d.next = self.res_reason.q.val();
                    self.free_ptr.d.next = self.res_base.q.val() + self.res_nb.q.val();
                } else {
                    self.q_meta.push.next = true;
                    self.o_run.d.next = true;
                    self.o_base.d.next = self.res_base.q.val();
                    self.o_nb.d.next = self.res_nb.q.val();
                    self.o_rptr.d.next = self.res_base.q.val() + (self.res_inner.q.val() >> self.kshift.val());
                    self.o_off.d.next = self.res_inner.q.val() & self.kmask.val();
                    self.o_nout.d.next = self.res_nout.q.val();
                    self.o_lastkeep.d.next = self.res_lk.q.val();
                    self.o_left.d.next = self.res_nout.q.val();
                    self.o_more.d.next = true;
                    self.o_arrived.d.next = 0.into();
                    self.o_patch.d.next = self.res_patch.q.val();
                    self.o_pbeat1.d.next = (self.res_poff.q.val() >> self.kshift.val()) + 1;
                    self.o_pval.d.next = bit_cast::<W, 16>(self.o_pv16.val()) << self.o_psh_c.val();
                    self.o_pmask.d.next = bit_cast::<W, 16>(self.ones16.val().get_bits::<16>(0)) << self.o_psh_c.val();
                }
            }
        } else {
            // issue while the beat FIFO has room for the up to four beats in flight
            if self.o_more.q.val() && self.o_droom.q.val() {
                self.o_rptr.d.next = self.o_rptr.q.val() + 1;
                self.o_left.d.next = self.o_left.q.val() - 1;
                self.o_more.d.next = self.o_left.q.val().any();
                self.o_arr.d.next = true;
            }
            if self.o_rv.q.val() {
                self.o_prev.d.next = self.o_rd.val();
                self.o_arrived.d.next = self.o_arrived.q.val() + 1;
                if self.o_arrived.q.val().any() {
                    self.o_bv.d.next = true;
                    self.o_bt.d.next = self.o_beat.val();
                    self.o_bpatch.d.next = self.o_patch.q.val() && (self.o_arrived.q.val() == self.o_pbeat1.q.val());
                    self.o_blast.d.next = self.o_arrived.q.val() == self.o_nout.q.val();
                }
                if self.o_arrived.q.val() == self.o_nout.q.val() {
                    self.o_run.d.next = false;
                    self.free_ptr.d.next = self.o_base.q.val() + self.o_nb.q.val();
                }
            }
        }
        // push stage (the next frame may already have started: o_pval/o_pmask are only
        // rewritten at a start, which comes after this frame's last o_bv)
        self.o_beat2.next = self.o_bt.q.val();
        if self.o_bpatch.q.val() {
            self.o_beat2.next = (self.o_bt.q.val() & !self.o_pmask.q.val()) | self.o_pval.q.val();
        }
        self.q_data.push.next = self.o_bv.q.val();
        self.q_keep.push.next = self.o_bv.q.val();
        self.q_last.push.next = self.o_bv.q.val();
        self.q_data.din.next = self.o_beat2.val();
        self.q_last.din.next = self.o_blast.q.val();
        if self.o_blast.q.val() {
            self.q_keep.din.next = self.o_lastkeep.q.val();
        } else {
            // one-trip loop: no const generic in an array index (csum_engine doc)
            for n in K..(K + 1) {
                self.q_keep.din.next = self.keep_of[n - 1].val();
            }
        }
        self.drop_valid.next = self.drop_v.q.val();
        self.drop_reason.next = self.drop_r.q.val();
        self.m_axis.tvalid.next = !self.q_data.empty.val();
        self.m_axis.tdata.next = self.q_data.dout.val();
        self.m_axis.tkeep.next = self.q_keep.dout.val();
        self.m_axis.tlast.next = self.q_last.dout.val();
        self.m_axis.tuser.next = false;
        self.q_data.pop.next = !self.q_data.empty.val() && self.m_axis.tready.val();
        self.q_keep.pop.next = !self.q_data.empty.val() && self.m_axis.tready.val();
        self.q_last.pop.next = !self.q_data.empty.val() && self.m_axis.tready.val();
        self.q_meta.pop.next = !self.q_data.empty.val() && self.m_axis.tready.val() && self.q_last.dout.val();
        // room flags for the next clock (after every push/pop above is written)
        if self.q_meta.push.val() && !self.q_meta.pop.val() {
            self.o_mroom.d.next = self.q_meta.count.val() < 5;
        } else if self.q_meta.pop.val() && !self.q_meta.push.val() {
            self.o_mroom.d.next = self.q_meta.count.val() < 7;
        } else {
            self.o_mroom.d.next = self.q_meta.count.val() < 6;
        }
        if self.q_data.push.val() && !self.q_data.pop.val() {
            self.o_droom.d.next = self.q_data.count.val() <= 2;
        } else if self.q_data.pop.val() && !self.q_data.push.val() {
            self.o_droom.d.next = self.q_data.count.val() <= 4;
        } else {
            self.o_droom.d.next = self.q_data.count.val() <= 3;
        }
        self.m_vni.next = self.q_meta.dout.val().get_bits::<24>(0);
        self.m_rco.next = self.q_meta.dout.val().get_bit(24);
        self.m_rco_applied.next = self.q_meta.dout.val().get_bit(25);
        self.m_outer_csum_ok.next = self.q_meta.dout.val().get_bit(26);
        self.m_csum_start.next = self.q_meta.dout.val().get_bits::<16>(32);
        self.m_csum_offset.next = self.q_meta.dout.val().get_bits::<16>(48);
        self.m_csum_complete.next = self.q_meta.dout.val().get_bits::<16>(64);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The block's behaviour is checked against golden in `rco-sim` (`rx_tb`, which
    /// `hdl/` cannot import) and in tests/rx_hw.rs; here: the Verilog generates and holds
    /// the rings and every drop counter.
    #[test]
    fn verilog_generates() {
        let mut uut = RxPath64::new();
        uut.connect_all();
        let v = generate_verilog(&uut);
        std::fs::write(std::env::temp_dir().join("rco_rx_path_w64.v"), &v).unwrap();
        assert!(v.contains("module top"));
        assert!(v.contains("reg[63:0] mem[2047:0]"));
        assert!(v.contains("drop_count$12"));
    }

    #[test]
    fn capacity_holds_a_jumbo_frame() {
        assert!(RxPath64::capacity() >= 9216);
        assert!(RxPath128::capacity() >= 9216);
        assert!(RxPath256::capacity() >= 9216);
    }
}
