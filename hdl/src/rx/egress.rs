//! `RxEgress<W, K, N, AW>`: the RX pipeline's output. Takes one decision per frame (deliver
//! or drop), reads a delivered frame's inner bytes out of the ring, realigns them to lane 0,
//! rewrites the remote checksum ([`Remcsum`]) and sends them on `m_axis` with the metadata on
//! the tlast beat; a dropped frame gives a `drop_valid` pulse; every frame's ring space is
//! released through `free_ptr`, in decision order, beat by beat as it is read.
//!
//! # Interface
//! * Decision (`dec_valid`/`dec_ready`, fields sampled on the handshake): `dec_deliver`,
//!   `dec_reason` (drops), `dec_base` (16-bit beat pointer of the frame's first beat; its low
//!   `AW` bits address the ring), `dec_beats` (the frame's beats in the ring), `dec_inner_off`
//!   / `dec_inner_len` (bytes; `dec_inner_len >= 1` and `dec_inner_off + dec_inner_len <=
//!   dec_beats * K` for a delivered frame), metadata passed through to `m_*`
//!   (`dec_vni`, `dec_rco`, `dec_rco_applied`, `dec_csum_start`, `dec_csum_offset`,
//!   `dec_outer_csum_ok`), remcsum request `dec_apply`, `dec_start`, `dec_offset` (from the
//!   inner frame's first byte, as [`Remcsum`] requires) and `dec_csum` (plain sum of the inner
//!   frame's little-endian words).
//! * Ring read port: `ram_raddr` (a register) to an `SdpRam` whose `read_data` comes back on
//!   `ram_rdata` 2 clocks later (`sdp_ram::READ_LATENCY`). The caller must not overwrite a
//!   beat before `free_ptr` has passed it.
//! * `m_axis` + `m_vni`, `m_rco`, `m_rco_applied`, `m_csum_start`, `m_csum_offset`,
//!   `m_csum_complete` (wire byte order), `m_outer_csum_ok`: valid on the tlast beat.
//! * `drop_valid`/`drop_reason`: one pulse per dropped frame, in decision order (after every
//!   earlier frame's reads have returned from the ring, not after its beats left `m_axis`).
//! * `free_ptr`: the ring beat pointer (16 bits, as the ingress' write pointer) below which
//!   every beat may be overwritten, 0 after reset: a delivered frame's beats up to each read
//!   as that read returns from the RAM, and the whole frame (`dec_base + dec_beats`) with its
//!   last read; a dropped frame at its turn.
//!
//! # Throughput
//! A frame costs the clocks of its ring reads (`ceil((inner_off % K + inner_len) / K)`), a drop
//! one clock, with no clock between frames while decisions are queued and `m_axis.tready` is
//! high: the next frame's first read is issued the clock after the last read of the previous
//! one, and the realigner's last beat of a frame (when the frame's tail fits in the beat
//! already read) goes out in the slot of the next frame's first read, which produces nothing.
//!
//! # Structure
//! decision -> prep (2 registered stages: ring address, reads, last-beat keep) -> `nx` (next
//! job) -> `cur` (issuer: one read per clock while `room`) -> `a1`, `a2` (with the RAM's
//! latency) -> realigner (holds the previous beat, combines it with the one arriving) ->
//! beat FIFO ([`BEAT_FIFO`]) -> [`Remcsum`] -> an [`AxisSlice`] -> `m_axis`. `m_axis.tready`
//! reaches only the slice, whose registered `tready` stalls `Remcsum` and pops the FIFO; the
//! issuer sees only `room`, a register set from the FIFO's count, push and pop, so no path runs
//! from `m_axis.tready` to the RAM address. `room` allows a read
//! while the FIFO has space for every beat the reads in flight can still push (see `ROOM`).
//!
//! `rst` (synchronous, active high) clears the prep, next-job, issuer and in-flight valid flags,
//! the issuer's read pointer and count, the realigner's pending beat, `room`, `free_ptr` and the
//! drop pulse, and empties the beat FIFO, [`Remcsum`] and the output slice; beats, metadata and
//! the remcsum request (data) are not reset.

use crate::reg_fifo::RegFifo;
use crate::axis_slice::AxisSlice;
use crate::rx::remcsum::Remcsum;
use crate::stream::AxisSource;
use rust_hdl::prelude::*;

/// Entries of the realigned-beat FIFO in front of `Remcsum`.
pub const BEAT_FIFO: usize = 8;
/// FIFO count at which a read may still be issued: a read issued in clock c pushes at c+2,
/// the frame's last beat may follow at c+3, so pushes in c..c+3 (one per clock) must fit.
const ROOM: u64 = (BEAT_FIFO - 4) as u64;

#[derive(LogicBlock)]
pub struct RxEgress<const W: usize, const K: usize, const N: usize, const AW: usize> {
    pub clock: Signal<In, Clock>,
    /// synchronous reset, active high: see the module doc
    pub rst: Signal<In, Bit>,
    pub dec_valid: Signal<In, Bit>,
    pub dec_ready: Signal<Out, Bit>,
    pub dec_deliver: Signal<In, Bit>,
    pub dec_reason: Signal<In, Bits<4>>,
    pub dec_base: Signal<In, Bits<16>>,
    pub dec_beats: Signal<In, Bits<16>>,
    pub dec_inner_off: Signal<In, Bits<16>>,
    pub dec_inner_len: Signal<In, Bits<16>>,
    pub dec_vni: Signal<In, Bits<24>>,
    pub dec_rco: Signal<In, Bit>,
    pub dec_rco_applied: Signal<In, Bit>,
    pub dec_csum_start: Signal<In, Bits<16>>,
    pub dec_csum_offset: Signal<In, Bits<16>>,
    pub dec_outer_csum_ok: Signal<In, Bit>,
    pub dec_apply: Signal<In, Bit>,
    pub dec_start: Signal<In, Bits<16>>,
    pub dec_offset: Signal<In, Bits<16>>,
    pub dec_csum: Signal<In, Bits<32>>,
    pub ram_raddr: Signal<Out, Bits<AW>>,
    pub ram_rdata: Signal<In, Bits<W>>,
    pub m_axis: AxisSource<W, K>,
    pub m_vni: Signal<Out, Bits<24>>,
    pub m_rco: Signal<Out, Bit>,
    pub m_rco_applied: Signal<Out, Bit>,
    pub m_csum_start: Signal<Out, Bits<16>>,
    pub m_csum_offset: Signal<Out, Bits<16>>,
    pub m_csum_complete: Signal<Out, Bits<16>>,
    pub m_outer_csum_ok: Signal<Out, Bit>,
    pub drop_valid: Signal<Out, Bit>,
    pub drop_reason: Signal<Out, Bits<4>>,
    pub free_ptr: Signal<Out, Bits<16>>,

    kshift: Constant<Bits<16>>,
    kmask: Constant<Bits<16>>,
    kbytes: Constant<Bits<16>>,
    /// `keep_of[i]`: lanes `0..=i`
    keep_of: [Constant<Bits<K>>; K],
    room_lim: Constant<Bits<8>>,

    // metadata packed for the FIFO and Remcsum's user tag: vni, rco 24, applied 25, outer_ok 26,
    // csum_start 32.., csum_offset 48..; remcsum request: csum, start 32.., offset 48..
    pk_meta: Signal<Local, Bits<64>>,
    pk_rp: Signal<Local, Bits<64>>,
    // prep stage 1: the decision
    p1_v: DFF<Bit>,
    p1_drop: DFF<Bit>,
    p1_reason: DFF<Bits<4>>,
    p1_base: DFF<Bits<16>>,
    p1_beats: DFF<Bits<16>>,
    p1_ioff: DFF<Bits<16>>,
    p1_ilen: DFF<Bits<16>>,
    p1_meta: DFF<Bits<64>>,
    p1_rp: DFF<Bits<64>>,
    p1_apply: DFF<Bit>,
    // prep stage 2
    lrem: Signal<Local, Bits<16>>,
    lcnt: Signal<Local, Bits<16>>,
    p2_v: DFF<Bit>,
    p2_drop: DFF<Bit>,
    p2_reason: DFF<Bits<4>>,
    p2_rstart: DFF<Bits<16>>,
    p2_offlen: DFF<Bits<16>>,
    p2_offlc: DFF<Bits<16>>,
    p2_off: DFF<Bits<16>>,
    p2_lk: DFF<Bits<K>>,
    p2_free: DFF<Bits<16>>,
    p2_meta: DFF<Bits<64>>,
    p2_rp: DFF<Bits<64>>,
    p2_apply: DFF<Bit>,
    // next job
    nx_v: DFF<Bit>,
    nx_drop: DFF<Bit>,
    nx_reason: DFF<Bits<4>>,
    nx_rptr: DFF<Bits<16>>,
    nx_left: DFF<Bits<16>>,
    nx_one: DFF<Bit>,
    nx_fl: DFF<Bit>,
    nx_off: DFF<Bits<16>>,
    nx_lk: DFF<Bits<K>>,
    nx_free: DFF<Bits<16>>,
    nx_meta: DFF<Bits<64>>,
    nx_rp: DFF<Bits<64>>,
    nx_apply: DFF<Bit>,
    // issuer: the current job
    cur_v: DFF<Bit>,
    cur_drop: DFF<Bit>,
    cur_reason: DFF<Bits<4>>,
    /// ring address of the next read
    cur_rptr: DFF<Bits<16>>,
    /// reads after the next one, and whether the next one is the last
    cur_left: DFF<Bits<16>>,
    cur_one: DFF<Bit>,
    cur_first: DFF<Bit>,
    /// the frame's tail fits in its last read beat: the realigner flushes one more beat
    cur_fl: DFF<Bit>,
    cur_off: DFF<Bits<16>>,
    cur_lk: DFF<Bits<K>>,
    cur_free: DFF<Bits<16>>,
    cur_meta: DFF<Bits<64>>,
    cur_rp: DFF<Bits<64>>,
    cur_apply: DFF<Bit>,
    iss: Signal<Local, Bit>,
    done: Signal<Local, Bit>,
    take: Signal<Local, Bit>,
    padv: Signal<Local, Bit>,
    // reads in flight (a2 is the clock the data arrives)
    a1_v: DFF<Bit>,
    a1_first: DFF<Bit>,
    a1_last: DFF<Bit>,
    a1_fl: DFF<Bit>,
    a1_off: DFF<Bits<16>>,
    a1_lk: DFF<Bits<K>>,
    a1_meta: DFF<Bits<64>>,
    a1_rp: DFF<Bits<64>>,
    a1_apply: DFF<Bit>,
    a1_mk: DFF<Bit>,
    a1_drop: DFF<Bit>,
    a1_reason: DFF<Bits<4>>,
    a1_free: DFF<Bits<16>>,
    /// ring beat pointer of the read in flight
    a1_ptr: DFF<Bits<16>>,
    a2_v: DFF<Bit>,
    a2_first: DFF<Bit>,
    a2_last: DFF<Bit>,
    a2_fl: DFF<Bit>,
    a2_off: DFF<Bits<16>>,
    a2_lk: DFF<Bits<K>>,
    a2_meta: DFF<Bits<64>>,
    a2_rp: DFF<Bits<64>>,
    a2_apply: DFF<Bit>,
    a2_mk: DFF<Bit>,
    a2_drop: DFF<Bit>,
    a2_reason: DFF<Bits<4>>,
    a2_free: DFF<Bits<16>>,
    a2_ptr: DFF<Bits<16>>,
    // realigner: the previous beat read and its frame
    h_data: DFF<Bits<W>>,
    /// the frame's lane offset as the two shifts of the realigner, and whether it is not 0
    h_sh: DFF<Bits<16>>,
    h_shk: DFF<Bits<16>>,
    h_shifted: DFF<Bit>,
    h_lk: DFF<Bits<K>>,
    h_meta: DFF<Bits<64>>,
    h_rp: DFF<Bits<64>>,
    h_apply: DFF<Bit>,
    pend: DFF<Bit>,
    sh: Signal<Local, Bits<16>>,
    shk: Signal<Local, Bits<16>>,
    ram_gated: Signal<Local, Bits<W>>,
    beat: Signal<Local, Bits<W>>,
    emit: Signal<Local, Bit>,
    e_last: Signal<Local, Bit>,
    pop: Signal<Local, Bit>,
    room: DFF<Bit>,
    fr: DFF<Bits<16>>,
    dv: DFF<Bit>,
    dr: DFF<Bits<4>>,
    q_data: RegFifo<Bits<W>, BEAT_FIFO>,
    q_keep: RegFifo<Bits<K>, BEAT_FIFO>,
    q_last: RegFifo<Bit, BEAT_FIFO>,
    q_meta: RegFifo<Bits<64>, BEAT_FIFO>,
    q_rp: RegFifo<Bits<64>, BEAT_FIFO>,
    q_apply: RegFifo<Bit, BEAT_FIFO>,
    rc: Remcsum<W, K, N, 64>,
    /// `m_axis` from registers: the consumer's `tready` stalls the slice, not `rc`'s pipeline
    out: AxisSlice<W, K, 80>,
}

/// 64-bit datapath, ring of 2048 beats.
pub type RxEgress64 = at_width!(RxEgress, w64; W, K, N, RX_AW);
pub type RxEgress128 = at_width!(RxEgress, w128; W, K, N, RX_AW);
pub type RxEgress256 = at_width!(RxEgress, w256; W, K, N, RX_AW);
pub type RxEgress512 = at_width!(RxEgress, w512; W, K, N, RX_AW);

impl<const W: usize, const K: usize, const N: usize, const AW: usize> RxEgress<W, K, N, AW> {
    pub fn new() -> Self {
        assert!(K * 8 == W && N * 16 == W && K.is_power_of_two() && (2..=15).contains(&AW));
        Self {
            clock: Default::default(),
            rst: Default::default(),
            dec_valid: Default::default(),
            dec_ready: Default::default(),
            dec_deliver: Default::default(),
            dec_reason: Default::default(),
            dec_base: Default::default(),
            dec_beats: Default::default(),
            dec_inner_off: Default::default(),
            dec_inner_len: Default::default(),
            dec_vni: Default::default(),
            dec_rco: Default::default(),
            dec_rco_applied: Default::default(),
            dec_csum_start: Default::default(),
            dec_csum_offset: Default::default(),
            dec_outer_csum_ok: Default::default(),
            dec_apply: Default::default(),
            dec_start: Default::default(),
            dec_offset: Default::default(),
            dec_csum: Default::default(),
            ram_raddr: Default::default(),
            ram_rdata: Default::default(),
            m_axis: Default::default(),
            m_vni: Default::default(),
            m_rco: Default::default(),
            m_rco_applied: Default::default(),
            m_csum_start: Default::default(),
            m_csum_offset: Default::default(),
            m_csum_complete: Default::default(),
            m_outer_csum_ok: Default::default(),
            drop_valid: Default::default(),
            drop_reason: Default::default(),
            free_ptr: Default::default(),
            kshift: Constant::new((K.trailing_zeros() as u64).into()),
            kmask: Constant::new(((K - 1) as u64).into()),
            kbytes: Constant::new((K as u64).into()),
            keep_of: std::array::from_fn(|i| {
                let mut b: Bits<K> = 0.into();
                for l in 0..=i {
                    b = b.replace_bit(l, true);
                }
                Constant::new(b)
            }),
            room_lim: Constant::new(ROOM.into()),
            pk_meta: Default::default(),
            pk_rp: Default::default(),
            p1_v: Default::default(),
            p1_drop: Default::default(),
            p1_reason: Default::default(),
            p1_base: Default::default(),
            p1_beats: Default::default(),
            p1_ioff: Default::default(),
            p1_ilen: Default::default(),
            p1_meta: Default::default(),
            p1_rp: Default::default(),
            p1_apply: Default::default(),
            lrem: Default::default(),
            lcnt: Default::default(),
            p2_v: Default::default(),
            p2_drop: Default::default(),
            p2_reason: Default::default(),
            p2_rstart: Default::default(),
            p2_offlen: Default::default(),
            p2_offlc: Default::default(),
            p2_off: Default::default(),
            p2_lk: Default::default(),
            p2_free: Default::default(),
            p2_meta: Default::default(),
            p2_rp: Default::default(),
            p2_apply: Default::default(),
            nx_v: Default::default(),
            nx_drop: Default::default(),
            nx_reason: Default::default(),
            nx_rptr: Default::default(),
            nx_left: Default::default(),
            nx_one: Default::default(),
            nx_fl: Default::default(),
            nx_off: Default::default(),
            nx_lk: Default::default(),
            nx_free: Default::default(),
            nx_meta: Default::default(),
            nx_rp: Default::default(),
            nx_apply: Default::default(),
            cur_v: Default::default(),
            cur_drop: Default::default(),
            cur_reason: Default::default(),
            cur_rptr: Default::default(),
            cur_left: Default::default(),
            cur_one: Default::default(),
            cur_first: Default::default(),
            cur_fl: Default::default(),
            cur_off: Default::default(),
            cur_lk: Default::default(),
            cur_free: Default::default(),
            cur_meta: Default::default(),
            cur_rp: Default::default(),
            cur_apply: Default::default(),
            iss: Default::default(),
            done: Default::default(),
            take: Default::default(),
            padv: Default::default(),
            a1_v: Default::default(),
            a1_first: Default::default(),
            a1_last: Default::default(),
            a1_fl: Default::default(),
            a1_off: Default::default(),
            a1_lk: Default::default(),
            a1_meta: Default::default(),
            a1_rp: Default::default(),
            a1_apply: Default::default(),
            a1_mk: Default::default(),
            a1_drop: Default::default(),
            a1_reason: Default::default(),
            a1_free: Default::default(),
            a1_ptr: Default::default(),
            a2_v: Default::default(),
            a2_first: Default::default(),
            a2_last: Default::default(),
            a2_fl: Default::default(),
            a2_off: Default::default(),
            a2_lk: Default::default(),
            a2_meta: Default::default(),
            a2_rp: Default::default(),
            a2_apply: Default::default(),
            a2_mk: Default::default(),
            a2_drop: Default::default(),
            a2_reason: Default::default(),
            a2_free: Default::default(),
            a2_ptr: Default::default(),
            h_data: Default::default(),
            h_sh: Default::default(),
            h_shk: Default::default(),
            h_shifted: Default::default(),
            h_lk: Default::default(),
            h_meta: Default::default(),
            h_rp: Default::default(),
            h_apply: Default::default(),
            pend: Default::default(),
            sh: Default::default(),
            shk: Default::default(),
            ram_gated: Default::default(),
            beat: Default::default(),
            emit: Default::default(),
            e_last: Default::default(),
            pop: Default::default(),
            room: Default::default(),
            fr: Default::default(),
            dv: Default::default(),
            dr: Default::default(),
            q_data: RegFifo::new(),
            q_keep: RegFifo::new(),
            q_last: RegFifo::new(),
            q_meta: RegFifo::new(),
            q_rp: RegFifo::new(),
            q_apply: RegFifo::new(),
            rc: Remcsum::new(),
            out: Default::default(),
        }
    }
}

impl<const W: usize, const K: usize, const N: usize, const AW: usize> Default for RxEgress<W, K, N, AW> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const W: usize, const K: usize, const N: usize, const AW: usize> Logic for RxEgress<W, K, N, AW> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, p1_v, p1_drop, p1_reason, p1_base, p1_beats, p1_ioff, p1_ilen, p1_meta, p1_rp, p1_apply,
            p2_v, p2_drop, p2_reason, p2_rstart, p2_offlen, p2_offlc, p2_off, p2_lk, p2_free, p2_meta, p2_rp,
            p2_apply, nx_v, nx_drop, nx_reason, nx_rptr, nx_left, nx_one, nx_fl, nx_off, nx_lk, nx_free, nx_meta,
            nx_rp, nx_apply, cur_v, cur_drop, cur_reason, cur_rptr, cur_left, cur_one, cur_first, cur_fl, cur_off,
            cur_lk, cur_free, cur_meta, cur_rp, cur_apply, a1_v, a1_first, a1_last, a1_fl, a1_off, a1_lk, a1_meta,
            a1_rp, a1_apply, a1_mk, a1_drop, a1_reason, a1_free, a1_ptr, a2_v, a2_first, a2_last, a2_fl, a2_off,
            a2_lk, a2_meta, a2_rp, a2_apply, a2_mk, a2_drop, a2_reason, a2_free, a2_ptr, h_data, h_sh, h_shk, h_shifted, h_lk, h_meta, h_rp,
            h_apply, pend, room, fr, dv, dr
        );
        clock!(self, clock, q_data, q_keep, q_last, q_meta, q_rp, q_apply, rc);
        self.q_data.rst.next = self.rst.val();
        self.q_keep.rst.next = self.rst.val();
        self.q_last.rst.next = self.rst.val();
        self.q_meta.rst.next = self.rst.val();
        self.q_rp.rst.next = self.rst.val();
        self.q_apply.rst.next = self.rst.val();
        self.rc.rst.next = self.rst.val();

        // ---- issuer (all from registers): a read per clock while the FIFO has room; the
        // next job is taken in the clock of the current one's last read or drop
        self.iss.next = self.cur_v.q.val() && !self.cur_drop.q.val() && self.room.q.val();
        self.done.next =
            self.cur_v.q.val() && (self.cur_drop.q.val() || (self.room.q.val() && self.cur_one.q.val()));
        self.take.next = (!self.cur_v.q.val() || self.done.val()) && self.nx_v.q.val();
        self.padv.next = !self.nx_v.q.val() || self.take.val();
        self.dec_ready.next = self.padv.val();
        self.ram_raddr.next = self.cur_rptr.q.val().get_bits::<AW>(0);
        self.a1_v.d.next = self.iss.val();
        self.a1_first.d.next = self.cur_first.q.val();
        self.a1_last.d.next = self.cur_one.q.val();
        self.a1_fl.d.next = self.cur_fl.q.val();
        self.a1_off.d.next = self.cur_off.q.val();
        self.a1_lk.d.next = self.cur_lk.q.val();
        self.a1_meta.d.next = self.cur_meta.q.val();
        self.a1_rp.d.next = self.cur_rp.q.val();
        self.a1_apply.d.next = self.cur_apply.q.val();
        self.a1_mk.d.next = self.done.val();
        self.a1_drop.d.next = self.cur_drop.q.val();
        self.a1_reason.d.next = self.cur_reason.q.val();
        self.a1_free.d.next = self.cur_free.q.val();
        self.a1_ptr.d.next = self.cur_rptr.q.val();
        if self.iss.val() {
            self.cur_rptr.d.next = self.cur_rptr.q.val() + 1;
            self.cur_left.d.next = self.cur_left.q.val() - 1;
            self.cur_one.d.next = self.cur_left.q.val() == 1;
            self.cur_first.d.next = false;
        }
        if self.take.val() {
            self.cur_v.d.next = true;
            self.cur_drop.d.next = self.nx_drop.q.val();
            self.cur_reason.d.next = self.nx_reason.q.val();
            self.cur_rptr.d.next = self.nx_rptr.q.val();
            self.cur_left.d.next = self.nx_left.q.val();
            self.cur_one.d.next = self.nx_one.q.val();
            self.cur_first.d.next = true;
            self.cur_fl.d.next = self.nx_fl.q.val();
            self.cur_off.d.next = self.nx_off.q.val();
            self.cur_lk.d.next = self.nx_lk.q.val();
            self.cur_free.d.next = self.nx_free.q.val();
            self.cur_meta.d.next = self.nx_meta.q.val();
            self.cur_rp.d.next = self.nx_rp.q.val();
            self.cur_apply.d.next = self.nx_apply.q.val();
        } else if self.done.val() {
            self.cur_v.d.next = false;
        }

        // ---- prep: decision -> p1 -> p2 -> nx, advancing together when nx is free or taken
        self.pk_meta.next = bit_cast::<64, 24>(self.dec_vni.val())
            | (bit_cast::<64, 16>(self.dec_csum_start.val()) << 32)
            | (bit_cast::<64, 16>(self.dec_csum_offset.val()) << 48);
        if self.dec_rco.val() {
            self.pk_meta.next = self.pk_meta.val() | 0x0100_0000;
        }
        if self.dec_rco_applied.val() {
            self.pk_meta.next = self.pk_meta.val() | 0x0200_0000;
        }
        if self.dec_outer_csum_ok.val() {
            self.pk_meta.next = self.pk_meta.val() | 0x0400_0000;
        }
        self.pk_rp.next = bit_cast::<64, 32>(self.dec_csum.val())
            | (bit_cast::<64, 16>(self.dec_start.val()) << 32)
            | (bit_cast::<64, 16>(self.dec_offset.val()) << 48);
        // bytes of the inner frame in its last output beat (1..=K) and that beat's tkeep
        self.lrem.next = self.p1_ilen.q.val() & self.kmask.val();
        self.lcnt.next = self.lrem.val();
        if !self.lrem.val().any() {
            self.lcnt.next = self.kbytes.val();
        }
        if self.padv.val() {
            self.p1_v.d.next = self.dec_valid.val();
            self.p1_drop.d.next = !self.dec_deliver.val();
            self.p1_reason.d.next = self.dec_reason.val();
            self.p1_base.d.next = self.dec_base.val();
            self.p1_beats.d.next = self.dec_beats.val();
            self.p1_ioff.d.next = self.dec_inner_off.val();
            self.p1_ilen.d.next = self.dec_inner_len.val();
            self.p1_meta.d.next = self.pk_meta.val();
            self.p1_rp.d.next = self.pk_rp.val();
            self.p1_apply.d.next = self.dec_apply.val();

            self.p2_v.d.next = self.p1_v.q.val();
            self.p2_drop.d.next = self.p1_drop.q.val();
            self.p2_reason.d.next = self.p1_reason.q.val();
            self.p2_rstart.d.next = self.p1_base.q.val() + (self.p1_ioff.q.val() >> self.kshift.val());
            self.p2_off.d.next = self.p1_ioff.q.val() & self.kmask.val();
            self.p2_offlen.d.next = (self.p1_ioff.q.val() & self.kmask.val()) + self.p1_ilen.q.val();
            self.p2_offlc.d.next = (self.p1_ioff.q.val() & self.kmask.val()) + self.lcnt.val();
            self.p2_lk.d.next = self.keep_of[0].val();
            for i in 1..K {
                if self.lcnt.val().index() == i + 1 {
                    self.p2_lk.d.next = self.keep_of[i].val();
                }
            }
            self.p2_free.d.next = self.p1_base.q.val() + self.p1_beats.q.val();
            self.p2_meta.d.next = self.p1_meta.q.val();
            self.p2_rp.d.next = self.p1_rp.q.val();
            self.p2_apply.d.next = self.p1_apply.q.val();

            self.nx_v.d.next = self.p2_v.q.val();
            self.nx_drop.d.next = self.p2_drop.q.val();
            self.nx_reason.d.next = self.p2_reason.q.val();
            self.nx_rptr.d.next = self.p2_rstart.q.val();
            self.nx_left.d.next = (self.p2_offlen.q.val() - 1) >> self.kshift.val();
            self.nx_one.d.next = self.p2_offlen.q.val() <= self.kbytes.val();
            self.nx_fl.d.next = self.p2_offlc.q.val() <= self.kbytes.val();
            self.nx_off.d.next = self.p2_off.q.val();
            self.nx_lk.d.next = self.p2_lk.q.val();
            self.nx_free.d.next = self.p2_free.q.val();
            self.nx_meta.d.next = self.p2_meta.q.val();
            self.nx_rp.d.next = self.p2_rp.q.val();
            self.nx_apply.d.next = self.p2_apply.q.val();
        }

        // ---- reads in flight
        self.a2_v.d.next = self.a1_v.q.val();
        self.a2_first.d.next = self.a1_first.q.val();
        self.a2_last.d.next = self.a1_last.q.val();
        self.a2_fl.d.next = self.a1_fl.q.val();
        self.a2_off.d.next = self.a1_off.q.val();
        self.a2_lk.d.next = self.a1_lk.q.val();
        self.a2_meta.d.next = self.a1_meta.q.val();
        self.a2_rp.d.next = self.a1_rp.q.val();
        self.a2_apply.d.next = self.a1_apply.q.val();
        self.a2_mk.d.next = self.a1_mk.q.val();
        self.a2_drop.d.next = self.a1_drop.q.val();
        self.a2_reason.d.next = self.a1_reason.q.val();
        self.a2_free.d.next = self.a1_free.q.val();
        self.a2_ptr.d.next = self.a1_ptr.q.val();

        // ---- realigner: output beat j of a frame = bytes off.. of read beats j and j+1, sent
        // when read j+1 arrives; if the tail fits in the last read beat, its beat goes out the
        // clock after (`pend`), in the slot of the next frame's first read
        self.emit.next = (self.a2_v.q.val() && !self.a2_first.q.val()) || self.pend.q.val();
        self.e_last.next = self.pend.q.val() || (self.a2_last.q.val() && !self.a2_fl.q.val());
        // shifts from flip-flops whose bits above the lane index are constant 0, so the
        // shifters are as deep as the lane index is wide
        self.sh.next = self.h_sh.q.val();
        self.shk.next = self.h_shk.q.val();
        // an unshifted frame takes nothing from the arriving beat: gating it before the shifter
        // (sh is then 0) saves a multiplexer after it
        self.ram_gated.next = 0.into();
        if self.h_shifted.q.val() {
            self.ram_gated.next = self.ram_rdata.val();
        }
        self.beat.next = (self.h_data.q.val() >> self.sh.val()) | (self.ram_gated.val() << self.shk.val());
        if self.a2_v.q.val() {
            self.h_data.d.next = self.ram_rdata.val();
            self.h_sh.d.next = (self.a2_off.q.val() & self.kmask.val()) << 3;
            self.h_shk.d.next = ((self.kbytes.val() - self.a2_off.q.val()) & self.kmask.val()) << 3;
            self.h_shifted.d.next = (self.a2_off.q.val() & self.kmask.val()).any();
            self.h_lk.d.next = self.a2_lk.q.val();
            self.h_meta.d.next = self.a2_meta.q.val();
            self.h_rp.d.next = self.a2_rp.q.val();
            self.h_apply.d.next = self.a2_apply.q.val();
            self.pend.d.next = self.a2_last.q.val() && self.a2_fl.q.val();
        } else {
            self.pend.d.next = false;
        }
        // release in decision order: each beat as its read returns, so the ring need not hold
        // a whole frame while the egress reads it, and the whole frame with its last read (or
        // its drop), which also frees the beats past the inner frame that are never read
        self.dv.d.next = self.a2_mk.q.val() && self.a2_drop.q.val();
        if self.a2_mk.q.val() {
            self.fr.d.next = self.a2_free.q.val();
            self.dr.d.next = self.a2_reason.q.val();
        } else if self.a2_v.q.val() {
            self.fr.d.next = self.a2_ptr.q.val() + 1;
        }
        self.q_data.push.next = self.emit.val();
        self.q_keep.push.next = self.emit.val();
        self.q_last.push.next = self.emit.val();
        self.q_meta.push.next = self.emit.val();
        self.q_rp.push.next = self.emit.val();
        self.q_apply.push.next = self.emit.val();
        self.q_data.din.next = self.beat.val();
        if self.e_last.val() {
            self.q_keep.din.next = self.h_lk.q.val();
        } else {
            // one-trip loop: no const generic in an array index (csum_engine doc)
            for n in K..(K + 1) {
                self.q_keep.din.next = self.keep_of[n - 1].val();
            }
        }
        self.q_last.din.next = self.e_last.val();
        self.q_meta.din.next = self.h_meta.q.val();
        self.q_rp.din.next = self.h_rp.q.val();
        self.q_apply.din.next = self.h_apply.q.val();

        // ---- FIFO -> Remcsum -> m_axis
        self.rc.s_axis.tvalid.next = !self.q_data.empty.val();
        self.rc.s_axis.tdata.next = self.q_data.dout.val();
        self.rc.s_axis.tkeep.next = self.q_keep.dout.val();
        self.rc.s_axis.tlast.next = self.q_last.dout.val();
        self.rc.s_axis.tuser.next = false;
        self.rc.apply.next = self.q_apply.dout.val();
        self.rc.csum.next = self.q_rp.dout.val().get_bits::<32>(0);
        self.rc.start.next = self.q_rp.dout.val().get_bits::<16>(32);
        self.rc.offset.next = self.q_rp.dout.val().get_bits::<16>(48);
        self.rc.s_user.next = self.q_meta.dout.val();
        self.rc.m_axis.tready.next = self.out.s_axis.tready.val();
        self.out.clock.next = self.clock.val();
        self.out.rst.next = self.rst.val();
        self.out.s_axis.tvalid.next = self.rc.m_axis.tvalid.val();
        self.out.s_axis.tdata.next = self.rc.m_axis.tdata.val();
        self.out.s_axis.tkeep.next = self.rc.m_axis.tkeep.val();
        self.out.s_axis.tlast.next = self.rc.m_axis.tlast.val();
        self.out.s_axis.tuser.next = self.rc.m_axis.tuser.val();
        self.out.s_side.next = bit_cast::<80, 64>(self.rc.m_user.val()) | (bit_cast::<80, 16>(self.rc.m_csum.val()) << 64);
        self.out.m_axis.tready.next = self.m_axis.tready.val();
        self.pop.next = !self.q_data.empty.val() && self.rc.s_axis.tready.val();
        self.q_data.pop.next = self.pop.val();
        self.q_keep.pop.next = self.pop.val();
        self.q_last.pop.next = self.pop.val();
        self.q_meta.pop.next = self.pop.val();
        self.q_rp.pop.next = self.pop.val();
        self.q_apply.pop.next = self.pop.val();
        // room for the next clock from the count the FIFO will have
        if self.emit.val() && !self.pop.val() {
            self.room.d.next = self.q_data.count.val() < self.room_lim.val();
        } else if self.pop.val() && !self.emit.val() {
            self.room.d.next = self.q_data.count.val() <= (self.room_lim.val() + 1);
        } else {
            self.room.d.next = self.q_data.count.val() <= self.room_lim.val();
        }
        self.m_axis.tvalid.next = self.out.m_axis.tvalid.val();
        self.m_axis.tdata.next = self.out.m_axis.tdata.val();
        self.m_axis.tkeep.next = self.out.m_axis.tkeep.val();
        self.m_axis.tlast.next = self.out.m_axis.tlast.val();
        self.m_axis.tuser.next = self.out.m_axis.tuser.val();
        self.m_vni.next = self.out.m_side.val().get_bits::<24>(0);
        self.m_rco.next = self.out.m_side.val().get_bit(24);
        self.m_rco_applied.next = self.out.m_side.val().get_bit(25);
        self.m_outer_csum_ok.next = self.out.m_side.val().get_bit(26);
        self.m_csum_start.next = self.out.m_side.val().get_bits::<16>(32);
        self.m_csum_offset.next = self.out.m_side.val().get_bits::<16>(48);
        self.m_csum_complete.next = self.out.m_side.val().get_bits::<16>(64);
        self.drop_valid.next = self.dv.q.val();
        self.drop_reason.next = self.dr.q.val();
        self.free_ptr.next = self.fr.q.val();
        // reset: the prep stages' and the next job's valid, the issuer's job (valid, read
        // pointer, reads left), the reads in flight, the realigner's pending beat, `room`, the
        // released pointer and the drop pulse (the FIFOs, `rc` and `out` reset themselves)
        if self.rst.val() {
            self.p1_v.d.next = false;
            self.p2_v.d.next = false;
            self.nx_v.d.next = false;
            self.cur_v.d.next = false;
            self.cur_rptr.d.next = 0.into();
            self.cur_left.d.next = 0.into();
            self.cur_one.d.next = false;
            self.cur_first.d.next = false;
            self.a1_v.d.next = false;
            self.a1_mk.d.next = false;
            self.a2_v.d.next = false;
            self.a2_mk.d.next = false;
            self.pend.d.next = false;
            self.room.d.next = false;
            self.fr.d.next = 0.into();
            self.dv.d.next = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rx::remcsum::tests::{expect, plain_le_sum, random_frame, Frame, Rng};
    use crate::sdp_ram::SdpRam;
    use crate::stream::{lanes_of, tdata_from_lanes};
    use std::collections::VecDeque;

    /// The block and its ring: the test writes the ring through `ram`'s write port.
    #[derive(LogicBlock, Default)]
    struct Bench<const W: usize, const K: usize, const N: usize, const AW: usize> {
        pub clock: Signal<In, Clock>,
        pub eg: RxEgress<W, K, N, AW>,
        pub ram: SdpRam<Bits<W>, AW>,
    }

    impl<const W: usize, const K: usize, const N: usize, const AW: usize> Logic for Bench<W, K, N, AW> {
        fn update(&mut self) {
            self.eg.clock.next = self.clock.val();
            self.ram.read_clock.next = self.clock.val();
            self.ram.write_clock.next = self.clock.val();
            self.ram.read_address.next = self.eg.ram_raddr.val();
            self.eg.ram_rdata.next = self.ram.read_data.val();
        }
    }

    #[derive(Clone)]
    struct Dec {
        deliver: bool,
        reason: u64,
        inner_off: usize,
        inner: Frame,
        outer: Vec<u8>,
        vni: u64,
        rco: bool,
        applied: bool,
        cstart: u64,
        coff: u64,
        ook: bool,
    }

    fn make_dec(r: &mut Rng, inner_off: usize, inner: Frame, deliver: bool, trailer: usize) -> Dec {
        let mut outer: Vec<u8> = (0..inner_off).map(|_| r.next() as u8).collect();
        outer.extend_from_slice(&inner.bytes);
        outer.extend((0..trailer).map(|_| r.next() as u8));
        Dec {
            deliver,
            reason: r.below(14),
            inner_off,
            inner,
            outer,
            vni: r.below(1 << 24),
            rco: r.chance(0.5),
            applied: r.chance(0.5),
            cstart: r.below(1 << 16),
            coff: r.below(1 << 16),
            ook: r.chance(0.5),
        }
    }

    struct Run {
        /// cycle of each delivered frame's tlast handshake
        tlast: Vec<u64>,
        /// cycle of each output beat
        beats: Vec<u64>,
        /// most beats seen in the FIFO
        max_fill: usize,
    }

    /// Writes the frames into the ring as an ingress would (one beat per clock while the ring
    /// has room by `free_ptr`; with `prefill`, all of them before the first decision), offers
    /// each frame's decision once it is written, and checks every output frame byte for byte,
    /// its metadata on tlast, the drop events in order and each `free_ptr` step.
    fn run<const W: usize, const K: usize, const N: usize, const AW: usize>(
        decs: &[Dec],
        p_stall: f64,
        p_idle: f64,
        prefill: bool,
        seed: u64,
        mut trace: Option<&mut Trace>,
    ) -> Run {
        let mut u = Bench::<W, K, N, AW>::default();
        u.connect_all();
        let mut r = Rng(seed);
        let ring = 1u16 << AW;
        let (mut fi, mut bi, mut wr) = (0usize, 0usize, 0u16);
        let mut ready: VecDeque<(usize, u16)> = VecDeque::new();
        let mut want_frames: VecDeque<usize> = (0..decs.len()).filter(|&i| decs[i].deliver).collect();
        let mut want_drops: VecDeque<usize> = (0..decs.len()).filter(|&i| !decs[i].deliver).collect();
        let mut want_free: VecDeque<u16> = VecDeque::new();
        let mut cur: Vec<u8> = vec![];
        let mut free_seen = 0u16;
        let mut res = Run { tlast: vec![], beats: vec![], max_fill: 0 };
        let mut cyc = 0u64;
        let total_beats: usize = decs.iter().map(|d| d.outer.len().div_ceil(K)).sum();
        while !(want_frames.is_empty() && want_drops.is_empty() && want_free.is_empty() && fi == decs.len()) {
            assert!(cyc < 20 * total_beats as u64 + 2000, "stuck at cycle {cyc}");
            u.clock.next = false.into();
            // ingress side: one beat into the ring
            let write = fi < decs.len() && wr.wrapping_sub(free_seen) < ring;
            u.ram.write_enable.next = write;
            if write {
                let o = &decs[fi].outer;
                let mut lanes = o[bi * K..o.len().min((bi + 1) * K)].to_vec();
                lanes.resize(K, 0x5A);
                u.ram.write_address.next = ((wr & (ring - 1)) as u64).into();
                u.ram.write_data.next = tdata_from_lanes::<W>(&lanes);
            }
            // decision side
            let offer = !ready.is_empty() && (!prefill || fi == decs.len()) && !r.chance(p_idle);
            u.eg.dec_valid.next = offer;
            if let Some(&(i, base)) = ready.front() {
                let d = &decs[i];
                u.eg.dec_deliver.next = d.deliver;
                u.eg.dec_reason.next = d.reason.into();
                u.eg.dec_base.next = (base as u64).into();
                u.eg.dec_beats.next = (d.outer.len().div_ceil(K) as u64).into();
                u.eg.dec_inner_off.next = (d.inner_off as u64).into();
                u.eg.dec_inner_len.next = (d.inner.bytes.len() as u64).into();
                u.eg.dec_vni.next = d.vni.into();
                u.eg.dec_rco.next = d.rco;
                u.eg.dec_rco_applied.next = d.applied;
                u.eg.dec_csum_start.next = d.cstart.into();
                u.eg.dec_csum_offset.next = d.coff.into();
                u.eg.dec_outer_csum_ok.next = d.ook;
                u.eg.dec_apply.next = d.inner.apply;
                u.eg.dec_start.next = (d.inner.start as u64).into();
                u.eg.dec_offset.next = (d.inner.offset as u64).into();
                u.eg.dec_csum.next = (plain_le_sum(&d.inner.bytes) as u64).into();
            }
            u.eg.m_axis.tready.next = !r.chance(p_stall);
            assert!(simulate(&mut u, 500));
            if let Some(t) = trace.as_deref_mut() {
                t.record(&u);
            }
            // the FIFO never takes more than it holds; stalls must drive it to the room limit
            let fill = u.eg.q_data.count.val().to_u64() as usize;
            assert!(fill <= BEAT_FIFO, "beat FIFO overflow at cycle {cyc}");
            res.max_fill = res.max_fill.max(fill);
            if offer && u.eg.dec_ready.val() {
                ready.pop_front();
            }
            if u.eg.m_axis.tvalid.val() && u.eg.m_axis.tready.val() {
                res.beats.push(cyc);
                let i = *want_frames.front().expect("a beat with no frame due");
                let d = &decs[i];
                let len = d.inner.bytes.len();
                let n = (len - cur.len()).min(K);
                assert_eq!(u.eg.m_axis.tkeep.val().to_u64(), crate::stream::lane_mask(n), "tkeep, frame {i}");
                assert_eq!(u.eg.m_axis.tlast.val(), cur.len() + n == len, "tlast, frame {i}");
                cur.extend_from_slice(&lanes_of::<W>(&u.eg.m_axis.tdata.val())[..n]);
                if cur.len() == len {
                    let (bytes, csum, _) = expect(&d.inner);
                    assert!(cur == bytes, "W={W} frame {i} data (inner_off {}, apply {})", d.inner_off, d.inner.apply);
                    assert_eq!(u.eg.m_csum_complete.val().to_u64() as u16, csum, "frame {i} csum_complete");
                    assert_eq!(u.eg.m_vni.val().to_u64(), d.vni, "frame {i} vni");
                    assert_eq!(u.eg.m_rco.val(), d.rco);
                    assert_eq!(u.eg.m_rco_applied.val(), d.applied);
                    assert_eq!(u.eg.m_csum_start.val().to_u64(), d.cstart);
                    assert_eq!(u.eg.m_csum_offset.val().to_u64(), d.coff);
                    assert_eq!(u.eg.m_outer_csum_ok.val(), d.ook);
                    cur.clear();
                    want_frames.pop_front();
                    res.tlast.push(cyc);
                }
            }
            if u.eg.drop_valid.val() {
                let i = want_drops.pop_front().expect("drop event with no drop due");
                assert_eq!(u.eg.drop_reason.val().to_u64(), decs[i].reason, "drop {i} reason");
            }
            // free_ptr moves forward, never past what is written, and stops at every frame's
            // end; a beat released before its read returns is overwritten at once (the ring is
            // written as soon as free_ptr allows) and shows in the frame bytes above
            let fp = u.eg.free_ptr.val().to_u64() as u16;
            if fp != free_seen {
                let step = fp.wrapping_sub(free_seen);
                assert!(step <= wr.wrapping_sub(free_seen), "free_ptr past the write pointer at cycle {cyc}");
                let end = *want_free.front().expect("free_ptr moved with no frame written");
                assert!(step <= end.wrapping_sub(free_seen), "free_ptr past a frame's end at cycle {cyc}");
                if fp == end {
                    want_free.pop_front();
                }
                free_seen = fp;
            }
            u.clock.next = true.into();
            assert!(simulate(&mut u, 500));
            if write {
                wr = wr.wrapping_add(1);
                bi += 1;
                if bi == decs[fi].outer.len().div_ceil(K) {
                    ready.push_back((fi, wr.wrapping_sub(bi as u16)));
                    want_free.push_back(wr);
                    fi += 1;
                    bi = 0;
                }
            }
            cyc += 1;
        }
        res
    }

    fn random_decs(seed: u64, n: usize, k: usize) -> Vec<Dec> {
        let mut r = Rng(seed);
        (0..n)
            .map(|_| {
                let inner_off = 50 + 2 * r.below(41) as usize;
                let inner = random_frame(&mut r, 14, 2000);
                let deliver = r.chance(0.75);
                let trailer = r.below(21) as usize;
                let _ = k;
                make_dec(&mut r, inner_off, inner, deliver, trailer)
            })
            .collect()
    }

    #[test]
    fn random_w64() {
        let r = run::<64, 8, 4, 9>(&random_decs(11, 50, 8), 0.3, 0.2, false, 12, None);
        assert!(r.max_fill > ROOM as usize, "back-pressure never reached the issuer");
    }

    #[test]
    fn random_w128() {
        let r = run::<128, 16, 8, 8>(&random_decs(13, 60, 16), 0.3, 0.2, false, 14, None);
        assert!(r.max_fill > ROOM as usize, "back-pressure never reached the issuer");
    }

    #[test]
    fn random_w256() {
        let r = run::<256, 32, 16, 7>(&random_decs(15, 80, 32), 0.3, 0.2, false, 16, None);
        assert!(r.max_fill > ROOM as usize, "back-pressure never reached the issuer");
    }

    #[test]
    fn random_w512() {
        let r = run::<512, 64, 32, 6>(&random_decs(17, 100, 64), 0.3, 0.2, false, 18, None);
        assert!(r.max_fill > ROOM as usize, "back-pressure never reached the issuer");
        println!("W=512 random: most beats in the FIFO {}", r.max_fill);
    }

    /// Back-to-back minimum frames (inner 60 bytes) from a full ring with `m_axis.tready`
    /// high: consecutive frames' last beats are exactly the next frame's ring reads apart
    /// (no idle clock between frames), a drop costs one clock.
    fn line_rate<const W: usize, const K: usize, const N: usize, const AW: usize>(
        inner_off: usize,
        n: usize,
        drop_every: usize,
    ) -> (f64, f64) {
        let mut r = Rng(inner_off as u64 * 7 + W as u64);
        let decs: Vec<Dec> = (0..n)
            .map(|i| {
                let inner = random_frame(&mut r, 60, 60);
                make_dec(&mut r, inner_off, inner, drop_every == 0 || i % drop_every != 0, 4)
            })
            .collect();
        let res = run::<W, K, N, AW>(&decs, 0.0, 0.0, true, 99, None);
        let reads = (inner_off % K + 60).div_ceil(K) as u64;
        let delivered: Vec<usize> = (0..n).filter(|&i| decs[i].deliver).collect();
        for (j, w) in res.tlast.windows(2).enumerate() {
            let drops_between = (delivered[j + 1] - delivered[j] - 1) as u64;
            assert_eq!(w[1] - w[0], reads + drops_between, "W={W} inner_off {inner_off}: frame {}", delivered[j + 1]);
        }
        let span = (res.beats.last().unwrap() - res.beats[0] + 1) as f64;
        let frames_per_clock = (res.tlast.len() - 1) as f64 / (res.tlast.last().unwrap() - res.tlast[0]) as f64;
        (res.beats.len() as f64 / span, frames_per_clock)
    }

    #[test]
    fn line_rate_min_frames() {
        // W=64: 60 bytes from lane 2 read 8 beats and fill 8: one beat out every clock
        let (bpc, fpc) = line_rate::<64, 8, 4, 10>(50, 60, 0);
        println!("W=64 inner 60 @50: out beats/clock {bpc:.3}, clocks/frame {:.3}", 1.0 / fpc);
        assert_eq!(bpc, 1.0);
        // W=512: one read per frame (bytes 66..126): a frame every clock
        let (bpc, fpc) = line_rate::<512, 64, 32, 9>(66, 120, 0);
        println!("W=512 inner 60 @66: out beats/clock {bpc:.3}, clocks/frame {:.3}", 1.0 / fpc);
        assert_eq!(bpc, 1.0);
        // W=512: bytes 50..110 span two ring beats: two clocks per frame, as the ingress took
        let (bpc, fpc) = line_rate::<512, 64, 32, 9>(50, 120, 0);
        println!("W=512 inner 60 @50: out beats/clock {bpc:.3}, clocks/frame {:.3}", 1.0 / fpc);
        assert_eq!(fpc, 0.5);
        // every third frame dropped: one clock each
        let (bpc, fpc) = line_rate::<512, 64, 32, 9>(66, 120, 3);
        println!("W=512 inner 60 @66, 1/3 dropped: out beats/clock {bpc:.3}, clocks/delivered frame {:.3}", 1.0 / fpc);
    }


    /// Every clock's inputs and outputs of the block in the Rust simulation, replayed on the
    /// emitted Verilog under Icarus (with a behavioural latency-2 RAM in the testbench, as
    /// `SdpRam`'s simulation model) and compared clock by clock.
    #[derive(Default)]
    struct Trace {
        ins: Vec<Vec<bool>>,
        outs: Vec<Vec<bool>>,
        in_fields: Vec<(&'static str, usize)>,
        out_fields: Vec<(&'static str, usize)>,
    }

    fn b<const M: usize>(x: Bits<M>) -> Vec<bool> {
        (0..M).map(|i| x.get_bit(i)).collect()
    }

    impl Trace {
        fn record<const W: usize, const K: usize, const N: usize, const AW: usize>(&mut self, u: &Bench<W, K, N, AW>) {
            let e = &u.eg;
            let ins: Vec<(&'static str, Vec<bool>)> = vec![
                ("dec_valid", vec![e.dec_valid.val()]),
                ("dec_deliver", vec![e.dec_deliver.val()]),
                ("dec_reason", b(e.dec_reason.val())),
                ("dec_base", b(e.dec_base.val())),
                ("dec_beats", b(e.dec_beats.val())),
                ("dec_inner_off", b(e.dec_inner_off.val())),
                ("dec_inner_len", b(e.dec_inner_len.val())),
                ("dec_vni", b(e.dec_vni.val())),
                ("dec_rco", vec![e.dec_rco.val()]),
                ("dec_rco_applied", vec![e.dec_rco_applied.val()]),
                ("dec_csum_start", b(e.dec_csum_start.val())),
                ("dec_csum_offset", b(e.dec_csum_offset.val())),
                ("dec_outer_csum_ok", vec![e.dec_outer_csum_ok.val()]),
                ("dec_apply", vec![e.dec_apply.val()]),
                ("dec_start", b(e.dec_start.val())),
                ("dec_offset", b(e.dec_offset.val())),
                ("dec_csum", b(e.dec_csum.val())),
                ("m_axis$tready", vec![e.m_axis.tready.val()]),
                ("we", vec![u.ram.write_enable.val()]),
                ("wa", b(u.ram.write_address.val())),
                ("wd", b(u.ram.write_data.val())),
            ];
            let outs: Vec<(&'static str, Vec<bool>)> = vec![
                ("dec_ready", vec![e.dec_ready.val()]),
                ("ram_raddr", b(e.ram_raddr.val())),
                ("m_axis$tdata", b(e.m_axis.tdata.val())),
                ("m_axis$tkeep", b(e.m_axis.tkeep.val())),
                ("m_axis$tvalid", vec![e.m_axis.tvalid.val()]),
                ("m_axis$tlast", vec![e.m_axis.tlast.val()]),
                ("m_vni", b(e.m_vni.val())),
                ("m_rco", vec![e.m_rco.val()]),
                ("m_rco_applied", vec![e.m_rco_applied.val()]),
                ("m_csum_start", b(e.m_csum_start.val())),
                ("m_csum_offset", b(e.m_csum_offset.val())),
                ("m_csum_complete", b(e.m_csum_complete.val())),
                ("m_outer_csum_ok", vec![e.m_outer_csum_ok.val()]),
                ("drop_valid", vec![e.drop_valid.val()]),
                ("drop_reason", b(e.drop_reason.val())),
                ("free_ptr", b(e.free_ptr.val())),
            ];
            self.in_fields = ins.iter().map(|(n, v)| (*n, v.len())).collect();
            self.out_fields = outs.iter().map(|(n, v)| (*n, v.len())).collect();
            self.ins.push(ins.into_iter().flat_map(|(_, v)| v).collect());
            self.outs.push(outs.into_iter().flat_map(|(_, v)| v).collect());
        }

        fn hex(v: &[bool]) -> String {
            let n = v.len().div_ceil(4);
            (0..n)
                .rev()
                .map(|d| {
                    let x = (0..4).filter(|&j| *v.get(4 * d + j).unwrap_or(&false)).map(|j| 1 << j).sum::<u32>();
                    char::from_digit(x, 16).unwrap()
                })
                .collect()
        }

        /// Runs the trace against `verilog` (module `top`); returns Icarus' summary line.
        fn replay(&self, verilog: &str, w: usize, aw: usize, tag: &str) -> String {
            let dir = std::env::temp_dir().join(format!("rco_egress_cosim_{tag}"));
            std::fs::create_dir_all(&dir).unwrap();
            let w_in: usize = self.in_fields.iter().map(|f| f.1).sum();
            let w_out: usize = self.out_fields.iter().map(|f| f.1).sum();
            let lines = |v: &Vec<Vec<bool>>| v.iter().map(|x| Self::hex(x) + "\n").collect::<String>();
            std::fs::write(dir.join("in.hex"), lines(&self.ins)).unwrap();
            std::fs::write(dir.join("out.hex"), lines(&self.outs)).unwrap();
            std::fs::write(dir.join("dut.v"), verilog).unwrap();
            let san = |n: &str| n.replace('$', "_");
            let mut tb = String::new();
            tb += &format!("module tb;\nreg clock = 0;\nreg [{}:0] vin [0:{}];\nreg [{}:0] vout [0:{}];\n", w_in - 1, self.ins.len() - 1, w_out - 1, self.outs.len() - 1);
            for (n, wd) in &self.in_fields {
                tb += &format!("reg [{}:0] i_{};\n", wd - 1, san(n));
            }
            for (n, wd) in &self.out_fields {
                tb += &format!("wire [{}:0] o_{};\n", wd - 1, san(n));
            }
            tb += &format!("reg [{w1}:0] mem [0:{d}];\nreg [{w1}:0] stage = 0;\nreg [{w1}:0] rdata = 0;\n", w1 = w - 1, d = (1 << aw) - 1);
            tb += "always @(posedge clock) begin\n  stage <= mem[o_ram_raddr];\n  rdata <= stage;\n  if (i_we) mem[i_wa] <= i_wd;\nend\n";
            tb += "top dut(.clock(clock), .ram_rdata(rdata), .m_axis$tuser()";
            for (n, _) in self.in_fields.iter().filter(|f| !["we", "wa", "wd"].contains(&f.0)) {
                tb += &format!(", .{n}(i_{})", san(n));
            }
            for (n, _) in &self.out_fields {
                tb += &format!(", .{n}(o_{})", san(n));
            }
            tb += ");\n";
            let outs_cat = self.out_fields.iter().rev().map(|f| format!("o_{}", san(f.0))).collect::<Vec<_>>().join(", ");
            tb += &format!("integer c, errors;\ninitial begin\n  $readmemh(\"in.hex\", vin);\n  $readmemh(\"out.hex\", vout);\n  errors = 0;\n  for (c = 0; c < {}; c = c + 1) mem[c] = 0;\n", 1 << aw);
            tb += &format!("  for (c = 0; c < {}; c = c + 1) begin\n", self.ins.len());
            let mut off = 0;
            for (n, wd) in &self.in_fields {
                tb += &format!("    i_{} = vin[c][{off} +: {wd}];\n", san(n));
                off += wd;
            }
            tb += &format!("    #1;\n    if ({{{outs_cat}}} !== vout[c]) begin\n      errors = errors + 1;\n      if (errors < 5) $display(\"cycle %0d: got %h want %h\", c, {{{outs_cat}}}, vout[c]);\n    end\n    #4 clock = 1;\n    #5 clock = 0;\n  end\n");
            tb += "  $display(\"cosim cycles=%0d errors=%0d\", c, errors);\n  $finish;\nend\nendmodule\n";
            std::fs::write(dir.join("tb.v"), tb).unwrap();
            let st = std::process::Command::new("iverilog")
                .current_dir(&dir)
                .args(["-g2005", "-o", "sim.vvp", "tb.v", "dut.v"])
                .status()
                .expect("iverilog");
            assert!(st.success(), "iverilog failed in {dir:?}");
            let out = std::process::Command::new("vvp").current_dir(&dir).arg("sim.vvp").output().expect("vvp");
            let text = String::from_utf8_lossy(&out.stdout).to_string();
            text.lines().filter(|l| l.contains("cycle")).collect::<Vec<_>>().join("\n")
        }
    }

    fn cosim<const W: usize, const K: usize, const N: usize, const AW: usize>(seed: u64, n: usize) {
        let mut t = Trace::default();
        run::<W, K, N, AW>(&random_decs(seed, n, K), 0.3, 0.2, false, seed + 1, Some(&mut t));
        let mut u = RxEgress::<W, K, N, AW>::new();
        u.connect_all();
        let summary = t.replay(&generate_verilog(&u), W, AW, &format!("w{W}"));
        println!("W={W}: {summary}");
        assert!(summary.ends_with(&format!("cosim cycles={} errors=0", t.ins.len())), "{summary}");
    }

    #[test]
    fn verilog_cosim_w64() {
        cosim::<64, 8, 4, 9>(21, 25);
    }

    #[test]
    fn verilog_cosim_w512() {
        cosim::<512, 64, 32, 6>(23, 40);
    }

    #[test]
    fn verilog_generates() {
        let mut u = RxEgress512::new();
        u.connect_all();
        let v = generate_verilog(&u);
        std::fs::write(std::env::temp_dir().join("rco_rx_egress_w512.v"), &v).unwrap();
        assert!(v.contains("module top"));
        let mut u = RxEgress64::new();
        u.connect_all();
        let v = generate_verilog(&u);
        std::fs::write(std::env::temp_dir().join("rco_rx_egress_w64.v"), &v).unwrap();
        assert!(v.contains("module top"));
    }
}
