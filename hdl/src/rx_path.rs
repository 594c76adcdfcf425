//! `RxPath`: the VXLAN RX datapath. Outer frame in, inner frame + metadata out, or a
//! counted drop; bit-exact with `rco_golden::rx::rx_decap`.
//!
//! # Structure (store and forward, three stages that work on different packets)
//! 1. **Ingress** (`s_axis`, one beat per clock): each beat goes to a ring of `2^AW` beats,
//!    written twice (`fram_p` for the parser, `fram_o` for the output: one read port
//!    each), and the plain sum of the packet's words *before* the beat goes to `pram`
//!    (a prefix-sum ring beside it). The frame's length and beat count go to a
//!    one-entry descriptor register at `tlast`. A frame longer than `max_frame` stops
//!    being written but is still accepted to its end (no deadlock), and is dropped.
//! 2. **Parser** (a state machine reading `fram_p`/`pram` at any offset, one access
//!    per clock): walks outer Ethernet [802.1Q] / IPv4 (any IHL) | IPv6 (up to
//!    [`IPV6_MAX_EXT_HDRS`] extension headers of any size) / UDP / VXLAN in golden's
//!    check order. Every checksum is a difference of two prefix sums,
//!    `Pfx(x) = pram[beat] + LaneSum(lanes of that beat before x)`: plain integers, so a
//!    range sum is exact (zero only for all-zero bytes, as `csum_partial`), folded once.
//!    That gives the IPv4 header check, the UDP check (pseudo-header: address range +
//!    length + 17), CHECKSUM_COMPLETE of the inner frame, and the RCO sum
//!    `sum(inner[start..])` for `remcsum_adjust`. About 20-35 clocks per packet,
//!    independent of its length.
//! 3. **Output**: reads `fram_o` from the inner frame's first byte, realigns it to lane
//!    0 (two consecutive beats and a shift), patches the inner checksum field (nopartial
//!    RCO), and queues beats in a small FIFO that absorbs `m_axis.tready` back-pressure;
//!    metadata travels in a parallel FIFO and is valid with every beat of its frame.
//!    A dropped packet pulses `drop_valid`/`drop_reason` (after all earlier frames have
//!    left, so events come out in input order) and frees its ring space.
//!
//! Throughput: ingress takes a beat every clock while the ring has room; the parser is
//! the limit for frames shorter than its ~20-35 clocks (e.g. < ~250 bytes at W = 64);
//! the output needs `inner beats + 2` clocks per frame.
//!
//! # Drop reasons (codes = index in golden's `DropReason::ALL`)
//! 0 too_long, 1 truncated, 2 not_vxlan, 3 ip_header, 4 ip_csum, 5 ip_fragment,
//! 6 udp_length, 7 udp_csum, 8 udp_zero_csum6, 9 vxlan_flags, 10 rco_not_enabled,
//! 11 rco_past_end. Each has a 32-bit counter (`drop_count`).
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
use rust_hdl::prelude::*;

/// Number of drop reasons (and counters).
pub const NUM_DROP_REASONS: usize = 12;
/// IPv6 extension headers walked before a packet counts as not VXLAN (golden's bound).
pub const IPV6_MAX_EXT_HDRS: u64 = 2;
/// Entries of the output beat FIFO.
pub const OUT_FIFO: usize = 4;
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

/// Parser states; each consumes the RAM word issued by the previous one.
#[derive(Copy, Clone, PartialEq, Debug, LogicState)]
pub enum PState {
    Idle,
    Start,
    Et,
    Et2,
    V4a,
    V4b,
    V4c,
    V4d,
    V4e,
    V4f,
    V6a,
    V6b,
    V6c,
    V6Ext,
    Udp0,
    Udp1,
    Udp2,
    Udp3,
    Uc1,
    Uc2,
    Uc3,
    Uc4,
    Uc5,
    Vx0,
    Vx1,
    Vx2,
    Vx3,
    Vx4,
    Cs1,
    Cs2,
    Cs3,
    Cs4,
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
    fram_p: RAM<Bits<W>, AW>,
    fram_o: RAM<Bits<W>, AW>,
    pram: RAM<Bits<32>, AW>,

    // ---- ingress
    in_sum: LaneSum<W, K, N>,
    wr_ptr: DFF<Bits<16>>,
    free_ptr: DFF<Bits<16>>,
    in_base: DFF<Bits<16>>,
    in_pos: DFF<Bits<16>>,
    in_tl: DFF<Bit>,
    in_acc: DFF<Bits<32>>,
    desc_valid: DFF<Bit>,
    desc_base: DFF<Bits<16>>,
    desc_len: DFF<Bits<16>>,
    desc_nb: DFF<Bits<16>>,
    desc_tl: DFF<Bit>,
    in_fire: Signal<Local, Bit>,
    in_cnt: Signal<Local, Bits<16>>,
    in_newpos: Signal<Local, Bits<16>>,
    in_tl_now: Signal<Local, Bit>,
    in_we: Signal<Local, Bit>,
    in_wr_next: Signal<Local, Bits<16>>,
    in_pw: Signal<Local, Bits<32>>,
    used: Signal<Local, Bits<16>>,

    // ---- parser
    ps: DFF<PState>,
    iss_x: Signal<Local, Bits<16>>,
    iss_pt: Signal<Local, Bit>,
    iss_beat: Signal<Local, Bits<16>>,
    q_x: DFF<Bits<16>>,
    q_lane: Signal<Local, Bits<16>>,
    q_raw: Signal<Local, Bits<16>>,
    rword: Signal<Local, Bits<16>>,
    pt_sum: LaneSum<W, K, N>,
    pfx: Signal<Local, Bits<32>>,
    cur_base: DFF<Bits<16>>,
    cur_len: DFF<Bits<16>>,
    cur_nb: DFF<Bits<16>>,
    cur_tl: DFF<Bit>,
    et: DFF<Bits<16>>,
    l3: DFF<Bits<16>>,
    l3b: DFF<Bits<16>>,
    hl: DFF<Bits<16>>,
    ip_end: DFF<Bits<16>>,
    is_v6: DFF<Bit>,
    nh: DFF<Bits<8>>,
    xoff: DFF<Bits<16>>,
    walked: DFF<Bits<4>>,
    frag: DFF<Bit>,
    udp: DFF<Bits<16>>,
    addr_s: DFF<Bits<16>>,
    addr_e: DFF<Bits<16>>,
    ulen: DFF<Bits<16>>,
    uend: DFF<Bits<16>>,
    outer_ok: DFF<Bits<1>>,
    pa: DFF<Bits<32>>,
    asum: DFF<Bits<32>>,
    dsum: DFF<Bits<32>>,
    fl_hi: DFF<Bits<16>>,
    fl_lo: DFF<Bits<16>>,
    vni_hi: DFF<Bits<16>>,
    vni: DFF<Bits<24>>,
    inner: DFF<Bits<16>>,
    ilen: DFF<Bits<16>>,
    rco_start: DFF<Bits<16>>,
    rco_field: DFF<Bits<16>>,
    rco: DFF<Bits<1>>,
    applied: DFF<Bits<1>>,
    cstart: DFF<Bits<16>>,
    coff: DFF<Bits<16>>,
    csum_le: DFF<Bits<32>>,
    complete: DFF<Bits<16>>,
    patch_val: DFF<Bits<16>>,
    reason: DFF<Bits<4>>,
    is_drop: DFF<Bit>,
    // parser temporaries
    p_l3: Signal<Local, Bits<16>>,
    p_et: Signal<Local, Bits<16>>,
    p_hl: Signal<Local, Bits<16>>,
    p_xlen: Signal<Local, Bits<16>>,
    p_xnext: Signal<Local, Bits<16>>,
    p_isext: Signal<Local, Bit>,
    p_rbyte: Signal<Local, Bits<16>>,
    p_start: Signal<Local, Bits<16>>,
    p_field: Signal<Local, Bits<16>>,
    p_ilen: Signal<Local, Bits<16>>,
    p_unparsed: Signal<Local, Bit>,
    p_c: Signal<Local, Bit>,
    f_a: OcFold,
    f_b: OcFold,
    f_c: OcFold,
    s_nz: Signal<Local, Bits<16>>,
    p_new: Signal<Local, Bits<16>>,
    p_cx: Signal<Local, Bits<32>>,
    drop_ctr: [DFF<Bits<32>>; NUM_DROP_REASONS],

    // ---- parser -> output handoff (one entry)
    res_valid: DFF<Bit>,
    res_drop: DFF<Bit>,
    res_reason: DFF<Bits<4>>,
    res_base: DFF<Bits<16>>,
    res_nb: DFF<Bits<16>>,
    res_inner: DFF<Bits<16>>,
    res_ilen: DFF<Bits<16>>,
    res_meta: DFF<Bits<96>>,
    res_patch: DFF<Bit>,
    res_poff: DFF<Bits<16>>,
    res_pval: DFF<Bits<16>>,

    // ---- output
    o_run: DFF<Bit>,
    o_base: DFF<Bits<16>>,
    o_nb: DFF<Bits<16>>,
    o_q: DFF<Bits<16>>,
    o_r8: DFF<Bits<16>>,
    o_rk8: DFF<Bits<16>>,
    o_nout: DFF<Bits<16>>,
    o_lastkeep: DFF<Bits<K>>,
    o_issued: DFF<Bits<16>>,
    o_arrived: DFF<Bits<16>>,
    o_prev: DFF<Bits<W>>,
    o_arr: DFF<Bit>,
    o_patch: DFF<Bit>,
    o_pbeat: DFF<Bits<16>>,
    o_psh: DFF<Bits<16>>,
    o_pval: DFF<Bits<W>>,
    o_pmask: DFF<Bits<W>>,
    o_issue: Signal<Local, Bit>,
    o_beat: Signal<Local, Bits<W>>,
    o_j: Signal<Local, Bits<16>>,
    o_lastcnt: Signal<Local, Bits<16>>,
    o_nout_c: Signal<Local, Bits<16>>,
    o_beat2: Signal<Local, Bits<W>>,
    o_psh_c: Signal<Local, Bits<16>>,
    o_pv16: Signal<Local, Bits<16>>,
    p_z: Signal<Local, Bits<16>>,
    p_ulen_sw: Signal<Local, Bits<16>>,
    p_notold: Signal<Local, Bits<16>>,
    p_hi8: Signal<Local, Bits<8>>,
    p_raddr: Signal<Local, Bits<16>>,
    o_raddr: Signal<Local, Bits<16>>,
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
            in_base: Default::default(),
            in_pos: Default::default(),
            in_tl: Default::default(),
            in_acc: Default::default(),
            desc_valid: Default::default(),
            desc_base: Default::default(),
            desc_len: Default::default(),
            desc_nb: Default::default(),
            desc_tl: Default::default(),
            in_fire: Default::default(),
            in_cnt: Default::default(),
            in_newpos: Default::default(),
            in_tl_now: Default::default(),
            in_we: Default::default(),
            in_wr_next: Default::default(),
            in_pw: Default::default(),
            used: Default::default(),
            ps: Default::default(),
            iss_x: Default::default(),
            iss_pt: Default::default(),
            iss_beat: Default::default(),
            q_x: Default::default(),
            q_lane: Default::default(),
            q_raw: Default::default(),
            rword: Default::default(),
            pt_sum: LaneSum::new(),
            pfx: Default::default(),
            cur_base: Default::default(),
            cur_len: Default::default(),
            cur_nb: Default::default(),
            cur_tl: Default::default(),
            et: Default::default(),
            l3: Default::default(),
            l3b: Default::default(),
            hl: Default::default(),
            ip_end: Default::default(),
            is_v6: Default::default(),
            nh: Default::default(),
            xoff: Default::default(),
            walked: Default::default(),
            frag: Default::default(),
            udp: Default::default(),
            addr_s: Default::default(),
            addr_e: Default::default(),
            ulen: Default::default(),
            uend: Default::default(),
            outer_ok: Default::default(),
            pa: Default::default(),
            asum: Default::default(),
            dsum: Default::default(),
            fl_hi: Default::default(),
            fl_lo: Default::default(),
            vni_hi: Default::default(),
            vni: Default::default(),
            inner: Default::default(),
            ilen: Default::default(),
            rco_start: Default::default(),
            rco_field: Default::default(),
            rco: Default::default(),
            applied: Default::default(),
            cstart: Default::default(),
            coff: Default::default(),
            csum_le: Default::default(),
            complete: Default::default(),
            patch_val: Default::default(),
            reason: Default::default(),
            is_drop: Default::default(),
            p_l3: Default::default(),
            p_et: Default::default(),
            p_hl: Default::default(),
            p_xlen: Default::default(),
            p_xnext: Default::default(),
            p_isext: Default::default(),
            p_rbyte: Default::default(),
            p_start: Default::default(),
            p_field: Default::default(),
            p_ilen: Default::default(),
            p_unparsed: Default::default(),
            p_c: Default::default(),
            f_a: Default::default(),
            f_b: Default::default(),
            f_c: Default::default(),
            s_nz: Default::default(),
            p_new: Default::default(),
            p_cx: Default::default(),
            drop_ctr: std::array::from_fn(|_| Default::default()),
            res_valid: Default::default(),
            res_drop: Default::default(),
            res_reason: Default::default(),
            res_base: Default::default(),
            res_nb: Default::default(),
            res_inner: Default::default(),
            res_ilen: Default::default(),
            res_meta: Default::default(),
            res_patch: Default::default(),
            res_poff: Default::default(),
            res_pval: Default::default(),
            o_run: Default::default(),
            o_base: Default::default(),
            o_nb: Default::default(),
            o_q: Default::default(),
            o_r8: Default::default(),
            o_rk8: Default::default(),
            o_nout: Default::default(),
            o_lastkeep: Default::default(),
            o_issued: Default::default(),
            o_arrived: Default::default(),
            o_prev: Default::default(),
            o_arr: Default::default(),
            o_patch: Default::default(),
            o_pbeat: Default::default(),
            o_psh: Default::default(),
            o_pval: Default::default(),
            o_pmask: Default::default(),
            o_issue: Default::default(),
            o_beat: Default::default(),
            o_j: Default::default(),
            o_lastcnt: Default::default(),
            o_nout_c: Default::default(),
            o_beat2: Default::default(),
            o_psh_c: Default::default(),
            o_pv16: Default::default(),
            p_z: Default::default(),
            p_ulen_sw: Default::default(),
            p_notold: Default::default(),
            p_hi8: Default::default(),
            p_raddr: Default::default(),
            o_raddr: Default::default(),
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
            self, clock, wr_ptr, free_ptr, in_base, in_pos, in_tl, in_acc, desc_valid, desc_base, desc_len,
            desc_nb, desc_tl, ps, q_x, cur_base, cur_len, cur_nb, cur_tl, et, l3, l3b, hl, ip_end, is_v6, nh,
            xoff, walked, frag, udp, addr_s, addr_e, ulen, uend, outer_ok, pa, asum, dsum, fl_hi, fl_lo,
            vni_hi, vni, inner, ilen, rco_start, rco_field, rco, applied, cstart, coff, csum_le, complete,
            patch_val, reason, is_drop, res_valid, res_drop, res_reason, res_base, res_nb, res_inner,
            res_ilen, res_meta, res_patch, res_poff, res_pval, o_run, o_base, o_nb, o_q, o_r8, o_rk8,
            o_nout, o_lastkeep, o_issued, o_arrived, o_prev, o_arr, o_patch, o_pbeat, o_psh, o_pval,
            o_pmask, drop_v, drop_r
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
        self.used.next = self.wr_ptr.q.val() - self.free_ptr.q.val();
        // stall while the ring is full, or at tlast while the last descriptor is unread
        self.s_axis.tready.next = (self.used.val() < self.depth.val())
            && !(self.desc_valid.q.val() && self.s_axis.tlast.val());
        self.in_fire.next = self.s_axis.tvalid.val() && self.s_axis.tready.val();
        self.in_cnt.next = self.kbytes.val();
        if self.s_axis.tlast.val() {
            for i in 0..K {
                if self.s_axis.tkeep.val().get_bit(i) {
                    self.in_cnt.next = self.lane_cnt[i].val();
                }
            }
        }
        self.in_newpos.next = self.in_pos.q.val() + self.in_cnt.val();
        self.in_tl_now.next = self.in_tl.q.val()
            || (self.in_newpos.val() > self.max_frame.val())
            || (self.in_newpos.val() < self.in_pos.q.val());
        self.in_we.next = self.in_fire.val() && !self.in_tl_now.val();
        if self.in_we.val() {
            self.in_wr_next.next = self.wr_ptr.q.val() + 1;
        } else {
            self.in_wr_next.next = self.wr_ptr.q.val();
        }
        // prefix sum of the words before this beat (0 at the first beat)
        if self.in_pos.q.val().any() {
            self.in_pw.next = self.in_acc.q.val();
        } else {
            self.in_pw.next = 0.into();
        }
        self.in_sum.data.next = self.s_axis.tdata.val();
        self.in_sum.count.next = self.kbytes.val();
        self.fram_p.write_address.next = self.wr_ptr.q.val().get_bits::<AW>(0);
        self.fram_p.write_data.next = self.s_axis.tdata.val();
        self.fram_p.write_enable.next = self.in_we.val();
        self.fram_o.write_address.next = self.wr_ptr.q.val().get_bits::<AW>(0);
        self.fram_o.write_data.next = self.s_axis.tdata.val();
        self.fram_o.write_enable.next = self.in_we.val();
        self.pram.write_address.next = self.wr_ptr.q.val().get_bits::<AW>(0);
        self.pram.write_data.next = self.in_pw.val();
        self.pram.write_enable.next = self.in_we.val();
        if self.in_fire.val() {
            self.wr_ptr.d.next = self.in_wr_next.val();
            self.in_acc.d.next = self.in_pw.val() + self.in_sum.sum.val();
            if self.s_axis.tlast.val() {
                self.in_pos.d.next = 0.into();
                self.in_tl.d.next = false;
                self.in_base.d.next = self.in_wr_next.val();
                self.desc_valid.d.next = true;
                self.desc_base.d.next = self.in_base.q.val();
                self.desc_len.d.next = self.in_newpos.val();
                self.desc_nb.d.next = self.in_wr_next.val() - self.in_base.q.val();
                self.desc_tl.d.next = self.in_tl_now.val();
            } else {
                self.in_pos.d.next = self.in_newpos.val();
                self.in_tl.d.next = self.in_tl_now.val();
            }
        }

        // ================= parser =================
        // A state issues one access (the 16-bit field at iss_x, or the prefix point
        // Pfx(iss_x)); the RAMs answer in the next state as rword (big-endian) and pfx.
        self.iss_x.next = 0.into();
        self.iss_pt.next = false;
        self.q_lane.next = self.q_x.q.val() & self.kmask.val();
        self.q_raw.next = self.fram_p.read_data.val().get_bits::<16>(0);
        for i in 0..N {
            if self.q_lane.val().index() == 2 * i {
                self.q_raw.next = self.fram_p.read_data.val().get_bits::<16>(16 * i);
            }
        }
        self.rword.next = (self.q_raw.val() << 8) | (self.q_raw.val() >> 8);
        self.pt_sum.data.next = self.fram_p.read_data.val();
        self.pt_sum.count.next = ((self.q_x.q.val() - 1) & self.kmask.val()) + 1;
        self.pfx.next = self.pram.read_data.val() + self.pt_sum.sum.val();
        // f_a: a range sum (pfx - pa); f_b: the UDP check; f_c: RCO CHECKSUM_COMPLETE
        // Each sub-block input is written once: a second write after reading its output
        // would loop forever in an event-driven Verilog simulator.
        if self.ps.q.val() == PState::Cs3 {
            self.f_a.x.next = self.dsum.q.val() - self.pfx.val();
        } else {
            self.f_a.x.next = self.pfx.val() - self.pa.q.val();
        }
        // 16-bit swap and complement in their own signals: inside a 32-bit expression
        // Verilog would widen the operand first (rust-hdl wraps at 16 bits)
        self.p_ulen_sw.next = (self.ulen.q.val() << 8) | (self.ulen.q.val() >> 8);
        self.p_notold.next = !self.rword.val();
        self.f_b.x.next = self.asum.q.val() + self.dsum.q.val() + bit_cast::<32, 16>(self.p_ulen_sw.val()) + 0x1100;
        self.p_cx.next = bit_cast::<32, 16>(self.complete.q.val())
            + bit_cast::<32, 16>(self.patch_val.q.val())
            + bit_cast::<32, 16>(self.p_notold.val());
        self.f_c.x.next = self.p_cx.val();
        self.s_nz.next = self.f_a.be.val();
        if !self.f_a.be.val().any() {
            self.s_nz.next = self.ones16.val().get_bits::<16>(0);
        }
        self.p_new.next = !self.s_nz.val();
        self.p_z.next = self.f_c.fold.val();
        if !self.f_c.fold.val().any() {
            self.p_z.next = self.ones16.val().get_bits::<16>(0);
        }
        // temporaries
        self.p_l3.next = 14.into();
        self.p_et.next = self.et.q.val();
        // part-selects only on signals: Verilog cannot index an expression
        self.p_hl.next = ((self.rword.val() >> 8) & 0x0F) << 2;
        self.p_hi8.next = self.rword.val().get_bits::<8>(8);
        // the extension header's length (fragment headers are 8 bytes), before p_xnext reads it
        self.p_xlen.next = 8.into();
        if self.nh.q.val() != 44 {
            self.p_xlen.next = ((self.rword.val() & 0xFF) + 1) << 3;
        }
        self.p_isext.next = false;
        self.p_rbyte.next = self.rword.val() & 0xFF;
        self.p_start.next = (self.p_rbyte.val() & 0x7F) << 1;
        self.p_field.next = 16.into();
        if self.p_rbyte.val().get_bit(7) {
            self.p_field.next = 6.into();
        }
        self.p_ilen.next = self.ulen.q.val() - 16;
        self.p_c.next = self.fl_hi.q.val().get_bit(5);
        self.p_unparsed.next = false;
        self.p_xnext.next = self.xoff.q.val() + self.p_xlen.val();

        match self.ps.q.val() {
            PState::Idle => {
                if self.desc_valid.q.val() {
                    self.desc_valid.d.next = false;
                    self.cur_base.d.next = self.desc_base.q.val();
                    self.cur_len.d.next = self.desc_len.q.val();
                    self.cur_nb.d.next = self.desc_nb.q.val();
                    self.cur_tl.d.next = self.desc_tl.q.val();
                    self.ps.d.next = PState::Start;
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
                if self.cur_tl.q.val() {
                    self.reason.d.next = 0.into(); // too_long
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else if self.cur_len.q.val() < 14 {
                    self.reason.d.next = 1.into(); // truncated
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else {
                    self.iss_x.next = 12.into();
                    self.ps.d.next = PState::Et;
                }
            }
            PState::Et => {
                self.et.d.next = self.rword.val();
                self.iss_x.next = 16.into();
                self.ps.d.next = PState::Et2;
            }
            PState::Et2 => {
                if self.et.q.val() == 0x8100 {
                    self.p_l3.next = 18.into();
                    self.p_et.next = self.rword.val();
                }
                self.l3.d.next = self.p_l3.val();
                self.l3b.d.next = self.cur_len.q.val() - self.p_l3.val();
                self.iss_x.next = self.p_l3.val();
                if (self.et.q.val() == 0x8100) && (self.cur_len.q.val() < 18) {
                    self.reason.d.next = 1.into(); // truncated
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else if self.p_et.val() == 0x0800 {
                    if self.cur_len.q.val() < self.p_l3.val() + 20 {
                        self.reason.d.next = 1.into(); // truncated
                        self.is_drop.d.next = true;
                        self.ps.d.next = PState::Emit;
                    } else {
                        self.ps.d.next = PState::V4a;
                    }
                } else if self.p_et.val() == 0x86DD {
                    self.is_v6.d.next = true;
                    if self.cur_len.q.val() < self.p_l3.val() + 40 {
                        self.reason.d.next = 1.into(); // truncated
                        self.is_drop.d.next = true;
                        self.ps.d.next = PState::Emit;
                    } else {
                        self.ps.d.next = PState::V6a;
                    }
                } else {
                    self.reason.d.next = 2.into(); // not_vxlan
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                }
            }
            // ---- IPv4: version/IHL, header checksum, lengths, fragment, protocol
            PState::V4a => {
                self.hl.d.next = self.p_hl.val();
                self.iss_x.next = self.l3.q.val();
                self.iss_pt.next = true;
                if ((self.rword.val() >> 12) != 4) || (self.p_hl.val() < 20) {
                    self.reason.d.next = 3.into(); // ip_header
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else if self.l3b.q.val() < self.p_hl.val() {
                    self.reason.d.next = 1.into(); // truncated
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else {
                    self.ps.d.next = PState::V4b;
                }
            }
            PState::V4b => {
                self.pa.d.next = self.pfx.val();
                self.iss_x.next = self.l3.q.val() + self.hl.q.val();
                self.iss_pt.next = true;
                self.ps.d.next = PState::V4c;
            }
            PState::V4c => {
                // the header sum (pfx - pa) must be a multiple of 0xFFFF
                self.iss_x.next = self.l3.q.val() + 2;
                if (self.f_a.fold.val() == 0xFFFF) || !self.f_a.fold.val().any() {
                    self.ps.d.next = PState::V4d;
                } else {
                    self.reason.d.next = 4.into(); // ip_csum
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                }
            }
            PState::V4d => {
                self.ip_end.d.next = self.l3.q.val() + self.rword.val();
                self.udp.d.next = self.l3.q.val() + self.hl.q.val();
                self.iss_x.next = self.l3.q.val() + 6;
                if self.rword.val() < self.hl.q.val() {
                    self.reason.d.next = 3.into(); // ip_header
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else if self.rword.val() > self.l3b.q.val() {
                    self.reason.d.next = 1.into(); // truncated
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else {
                    self.ps.d.next = PState::V4e;
                }
            }
            PState::V4e => {
                self.iss_x.next = self.l3.q.val() + 8;
                if (self.rword.val() & 0x3FFF).any() {
                    self.reason.d.next = 5.into(); // ip_fragment
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else {
                    self.ps.d.next = PState::V4f;
                }
            }
            PState::V4f => {
                self.addr_s.d.next = self.l3.q.val() + 12;
                self.addr_e.d.next = self.l3.q.val() + 20;
                if (self.rword.val() & 0xFF) != 17 {
                    self.reason.d.next = 2.into(); // not_vxlan
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else {
                    self.ps.d.next = PState::Udp0;
                }
            }
            // ---- IPv6: version, payload length, next header, extension headers
            PState::V6a => {
                self.iss_x.next = self.l3.q.val() + 4;
                if (self.rword.val() >> 12) != 6 {
                    self.reason.d.next = 3.into(); // ip_header
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else {
                    self.ps.d.next = PState::V6b;
                }
            }
            PState::V6b => {
                self.ip_end.d.next = self.l3.q.val() + 40 + self.rword.val();
                self.iss_x.next = self.l3.q.val() + 6;
                if !self.rword.val().any() {
                    self.reason.d.next = 3.into(); // ip_header (jumbogram)
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else if (bit_cast::<32, 16>(self.rword.val()) + 40) > bit_cast::<32, 16>(self.l3b.q.val()) {
                    self.reason.d.next = 1.into(); // truncated
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else {
                    self.ps.d.next = PState::V6c;
                }
            }
            PState::V6c => {
                self.nh.d.next = self.p_hi8.val();
                self.xoff.d.next = self.l3.q.val() + 40;
                self.walked.d.next = 0.into();
                self.frag.d.next = false;
                self.iss_x.next = self.l3.q.val() + 40;
                self.ps.d.next = PState::V6Ext;
            }
            PState::V6Ext => {
                // rword = next header | length byte of the header at xoff (if it is one)
                self.p_isext.next = (self.nh.q.val() == 0)
                    || (self.nh.q.val() == 43)
                    || (self.nh.q.val() == 60)
                    || (self.nh.q.val() == 44);
                self.iss_x.next = self.p_xnext.val();
                self.udp.d.next = self.xoff.q.val();
                self.addr_s.d.next = self.l3.q.val() + 8;
                self.addr_e.d.next = self.l3.q.val() + 40;
                if self.p_isext.val() {
                    self.nh.d.next = self.p_hi8.val();
                    self.xoff.d.next = self.p_xnext.val();
                    self.walked.d.next = self.walked.q.val() + 1;
                    if self.nh.q.val() == 44 {
                        self.frag.d.next = true;
                    }
                    if self.walked.q.val() == 2 {
                        // more than IPV6_MAX_EXT_HDRS
                        self.reason.d.next = 2.into(); // not_vxlan
                        self.is_drop.d.next = true;
                        self.ps.d.next = PState::Emit;
                    } else if (self.xoff.q.val() + 8) > self.ip_end.q.val() {
                        self.reason.d.next = 1.into(); // truncated
                        self.is_drop.d.next = true;
                        self.ps.d.next = PState::Emit;
                    } else if self.p_xnext.val() > self.ip_end.q.val() {
                        self.reason.d.next = 1.into(); // truncated
                        self.is_drop.d.next = true;
                        self.ps.d.next = PState::Emit;
                    }
                } else if self.frag.q.val() {
                    self.reason.d.next = 5.into(); // ip_fragment
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else if self.nh.q.val() != 17 {
                    self.reason.d.next = 2.into(); // not_vxlan
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else {
                    self.ps.d.next = PState::Udp0;
                }
            }
            // ---- UDP: port, length, checksum (pseudo-header + datagram)
            PState::Udp0 => {
                self.iss_x.next = self.udp.q.val() + 2;
                if (self.udp.q.val() + 8) > self.ip_end.q.val() {
                    self.reason.d.next = 1.into(); // truncated
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else {
                    self.ps.d.next = PState::Udp1;
                }
            }
            PState::Udp1 => {
                self.iss_x.next = self.udp.q.val() + 4;
                if self.rword.val() != self.port.val() {
                    self.reason.d.next = 2.into(); // not_vxlan
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else {
                    self.ps.d.next = PState::Udp2;
                }
            }
            PState::Udp2 => {
                self.ulen.d.next = self.rword.val();
                self.uend.d.next = self.udp.q.val() + self.rword.val();
                self.iss_x.next = self.udp.q.val() + 6;
                if (self.rword.val() < 8)
                    || ((bit_cast::<32, 16>(self.rword.val()) + bit_cast::<32, 16>(self.udp.q.val()))
                        > bit_cast::<32, 16>(self.ip_end.q.val()))
                {
                    self.reason.d.next = 6.into(); // udp_length
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else {
                    self.ps.d.next = PState::Udp3;
                }
            }
            PState::Udp3 => {
                if self.rword.val().any() {
                    self.iss_x.next = self.addr_s.q.val();
                    self.iss_pt.next = true;
                    self.ps.d.next = PState::Uc1;
                } else if self.is_v6.q.val() && !self.udp_zero_csum6_rx.val() {
                    self.reason.d.next = 8.into(); // udp_zero_csum6
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else {
                    self.ps.d.next = PState::Vx0;
                }
            }
            PState::Uc1 => {
                self.pa.d.next = self.pfx.val();
                self.iss_x.next = self.addr_e.q.val();
                self.iss_pt.next = true;
                self.ps.d.next = PState::Uc2;
            }
            PState::Uc2 => {
                self.asum.d.next = self.pfx.val() - self.pa.q.val();
                self.iss_x.next = self.udp.q.val();
                self.iss_pt.next = true;
                self.ps.d.next = PState::Uc3;
            }
            PState::Uc3 => {
                self.pa.d.next = self.pfx.val();
                self.iss_x.next = self.uend.q.val();
                self.iss_pt.next = true;
                self.ps.d.next = PState::Uc4;
            }
            PState::Uc4 => {
                self.dsum.d.next = self.pfx.val() - self.pa.q.val();
                self.ps.d.next = PState::Uc5;
            }
            PState::Uc5 => {
                if (self.f_b.fold.val() == 0xFFFF) || !self.f_b.fold.val().any() {
                    self.outer_ok.d.next = 1.into();
                    self.ps.d.next = PState::Vx0;
                } else {
                    self.reason.d.next = 7.into(); // udp_csum
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                }
            }
            // ---- VXLAN header, RCO decode, flag checks
            PState::Vx0 => {
                self.iss_x.next = self.udp.q.val() + 8;
                if self.ulen.q.val() < 16 {
                    self.reason.d.next = 1.into(); // truncated
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else {
                    self.ps.d.next = PState::Vx1;
                }
            }
            PState::Vx1 => {
                self.fl_hi.d.next = self.rword.val();
                self.iss_x.next = self.udp.q.val() + 10;
                self.ps.d.next = PState::Vx2;
            }
            PState::Vx2 => {
                self.fl_lo.d.next = self.rword.val();
                self.iss_x.next = self.udp.q.val() + 12;
                self.ps.d.next = PState::Vx3;
            }
            PState::Vx3 => {
                self.vni_hi.d.next = self.rword.val();
                self.iss_x.next = self.udp.q.val() + 14;
                self.ps.d.next = PState::Vx4;
            }
            PState::Vx4 => {
                // rword = low half of the VNI word: VNI bits 7:0 | RCO byte
                self.vni.d.next = (bit_cast::<24, 16>(self.vni_hi.q.val()) << 8)
                    | bit_cast::<24, 16>(self.rword.val() >> 8);
                self.inner.d.next = self.udp.q.val() + 16;
                self.ilen.d.next = self.p_ilen.val();
                self.rco_start.d.next = self.p_start.val();
                self.rco_field.d.next = self.p_start.val() + self.p_field.val();
                self.iss_x.next = self.udp.q.val() + 16;
                self.iss_pt.next = true;
                // unparsed: flags but I (and C once opted in); without opt-in the RCO
                // byte counts as VNI bits that must be 0
                if self.remcsum_rx.val() {
                    self.p_unparsed.next = (self.fl_hi.q.val() & 0xF7DF).any() || self.fl_lo.q.val().any();
                } else {
                    self.p_unparsed.next =
                        (self.fl_hi.q.val() & 0xF7FF).any() || self.fl_lo.q.val().any() || self.p_rbyte.val().any();
                }
                if !self.fl_hi.q.val().get_bit(11) {
                    self.reason.d.next = 9.into(); // vxlan_flags
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else if self.remcsum_rx.val()
                    && self.p_c.val()
                    && ((self.p_start.val() + self.p_field.val() + 2) > self.p_ilen.val())
                {
                    self.reason.d.next = 11.into(); // rco_past_end
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else if self.p_unparsed.val() {
                    if self.p_c.val() && !self.remcsum_rx.val() {
                        self.reason.d.next = 10.into(); // rco_not_enabled
                    } else {
                        self.reason.d.next = 9.into(); // vxlan_flags
                    }
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else if self.p_ilen.val() < 14 {
                    self.reason.d.next = 1.into(); // truncated
                    self.is_drop.d.next = true;
                    self.ps.d.next = PState::Emit;
                } else {
                    if self.remcsum_rx.val() && self.p_c.val() {
                        self.rco.d.next = 1.into();
                        if !self.nopartial.val() {
                            self.cstart.d.next = self.p_start.val();
                            self.coff.d.next = self.p_field.val();
                        }
                    }
                    self.ps.d.next = PState::Cs1;
                }
            }
            // ---- CHECKSUM_COMPLETE of the inner frame, remcsum_adjust (nopartial)
            PState::Cs1 => {
                self.pa.d.next = self.pfx.val(); // Pfx(inner)
                self.iss_x.next = self.uend.q.val();
                self.iss_pt.next = true;
                self.ps.d.next = PState::Cs2;
            }
            PState::Cs2 => {
                self.complete.d.next = self.f_a.be.val(); // fold of Pfx(end) - Pfx(inner)
                self.dsum.d.next = self.pfx.val(); // keep Pfx(end)
                if self.rco.q.val().any() && self.nopartial.val() {
                    self.iss_x.next = self.inner.q.val() + self.rco_start.q.val();
                    self.iss_pt.next = true;
                    self.ps.d.next = PState::Cs3;
                } else {
                    self.ps.d.next = PState::Emit;
                }
            }
            PState::Cs3 => {
                // f_a holds S = Pfx(end) - Pfx(inner + start) here; new field = ~S (S = 0 read as 0xFFFF)
                self.patch_val.d.next = self.p_new.val();
                self.iss_x.next = self.inner.q.val() + self.rco_field.q.val();
                self.ps.d.next = PState::Cs4;
            }
            PState::Cs4 => {
                // rword = the old field: complete = C + new + ~old (0 read as 0xFFFF)
                self.complete.d.next = self.p_z.val();
                self.applied.d.next = 1.into();
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
                    self.res_ilen.d.next = self.ilen.q.val();
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
                    if self.is_drop.q.val() {
                        for i in 0..NUM_DROP_REASONS {
                            if self.reason.q.val().index() == i {
                                self.drop_ctr[i].d.next = self.drop_ctr[i].q.val() + 1;
                            }
                        }
                    }
                    self.ps.d.next = PState::Idle;
                }
            }
        }
        if self.iss_pt.val() {
            self.iss_beat.next = (self.iss_x.val() - 1) >> self.kshift.val();
        } else {
            self.iss_beat.next = self.iss_x.val() >> self.kshift.val();
        }
        self.q_x.d.next = self.iss_x.val();
        self.p_raddr.next = self.cur_base.q.val() + self.iss_beat.val();
        self.fram_p.read_address.next = self.p_raddr.val().get_bits::<AW>(0);
        self.pram.read_address.next = self.p_raddr.val().get_bits::<AW>(0);

        // ================= output =================
        self.o_issue.next = false;
        self.drop_v.d.next = false;
        self.o_arr.d.next = false;
        self.q_data.push.next = false;
        self.q_keep.push.next = false;
        self.q_last.push.next = false;
        self.q_meta.push.next = false;
        self.q_keep.din.next = self.keep_of[0].val();
        self.q_last.din.next = false;
        self.q_meta.din.next = self.res_meta.q.val();
        self.o_nout_c.next = (self.res_ilen.q.val() + self.kmask.val()) >> self.kshift.val();
        self.o_lastcnt.next = self.res_ilen.q.val() - ((self.o_nout_c.val() - 1) << self.kshift.val());
        self.o_psh_c.next = (self.res_poff.q.val() & self.kmask.val()) << 3;
        self.o_pv16.next = (self.res_pval.q.val() << 8) | (self.res_pval.q.val() >> 8);
        // realign: output beat j = bytes [inner + jK, inner + (j+1)K) from source beats j, j+1
        if self.o_r8.q.val().any() {
            self.o_beat.next = (self.o_prev.q.val() >> self.o_r8.q.val())
                | (self.fram_o.read_data.val() << self.o_rk8.q.val());
        } else {
            self.o_beat.next = self.o_prev.q.val();
        }
        self.o_j.next = self.o_arrived.q.val() - 1;
        self.o_beat2.next = self.o_beat.val();
        if self.o_patch.q.val() && (self.o_j.val() == self.o_pbeat.q.val()) {
            self.o_beat2.next = (self.o_beat.val() & !self.o_pmask.q.val()) | self.o_pval.q.val();
        }
        self.q_data.din.next = self.o_beat2.val();
        self.o_raddr.next = self.o_base.q.val() + self.o_q.q.val() + self.o_issued.q.val();
        self.fram_o.read_address.next = self.o_raddr.val().get_bits::<AW>(0);
        if !self.o_run.q.val() {
            // a drop waits until every earlier frame has left, so events stay in order
            if self.res_valid.q.val()
                && (!self.res_drop.q.val() || (self.q_data.empty.val() && self.q_meta.empty.val()))
                && (self.q_meta.count.val() < 6)
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
                    self.o_q.d.next = self.res_inner.q.val() >> self.kshift.val();
                    self.o_r8.d.next = (self.res_inner.q.val() & self.kmask.val()) << 3;
                    self.o_rk8.d.next = (self.kbytes.val() - (self.res_inner.q.val() & self.kmask.val())) << 3;
                    self.o_nout.d.next = self.o_nout_c.val();
                    for i in 0..K {
                        if self.o_lastcnt.val().index() == i + 1 {
                            self.o_lastkeep.d.next = self.keep_of[i].val();
                        }
                    }
                    self.o_issued.d.next = 0.into();
                    self.o_arrived.d.next = 0.into();
                    self.o_patch.d.next = self.res_patch.q.val();
                    self.o_pbeat.d.next = self.res_poff.q.val() >> self.kshift.val();
                    self.o_pval.d.next = bit_cast::<W, 16>(self.o_pv16.val()) << self.o_psh_c.val();
                    self.o_pmask.d.next = bit_cast::<W, 16>(self.ones16.val().get_bits::<16>(0)) << self.o_psh_c.val();
                }
            }
        } else {
            // one source read per clock while the beat FIFO has room for it
            if (self.o_issued.q.val() <= self.o_nout.q.val()) && (self.q_data.count.val() <= 2) {
                self.o_issue.next = true;
                self.o_issued.d.next = self.o_issued.q.val() + 1;
                self.o_arr.d.next = true;
            }
            if self.o_arr.q.val() {
                self.o_prev.d.next = self.fram_o.read_data.val();
                self.o_arrived.d.next = self.o_arrived.q.val() + 1;
                if self.o_arrived.q.val().any() {
                    self.q_data.push.next = true;
                    self.q_keep.push.next = true;
                    self.q_last.push.next = true;
                    if self.o_j.val() == (self.o_nout.q.val() - 1) {
                        self.q_keep.din.next = self.o_lastkeep.q.val();
                        self.q_last.din.next = true;
                    } else {
                        // one-trip loop: no const generic in an array index (csum_engine doc)
                        for n in K..(K + 1) {
                            self.q_keep.din.next = self.keep_of[n - 1].val();
                        }
                    }
                }
                if self.o_arrived.q.val() == self.o_nout.q.val() {
                    self.o_run.d.next = false;
                    self.free_ptr.d.next = self.o_base.q.val() + self.o_nb.q.val();
                }
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
        assert!(v.contains("drop_count$11"));
    }

    #[test]
    fn capacity_holds_a_jumbo_frame() {
        assert!(RxPath64::capacity() >= 9216);
        assert!(RxPath128::capacity() >= 9216);
        assert!(RxPath256::capacity() >= 9216);
    }
}
