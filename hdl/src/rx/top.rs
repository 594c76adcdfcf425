//! `RxTop`: the streaming RX path, outer frame in, inner frame + metadata out, or a counted
//! drop, with the ingress mode (`backpressure`) as a configuration input. [`RxDecide`] decides each frame as it streams in; decisions wait in a queue of `Q`
//! entries for [`RxEgress`], which reads delivered frames out of its own copy of the ring.
//!
//! A frame holds a queue slot from its ingress record to the egress taking its decision. A
//! frame that starts when every slot may be taken is not written and gets no decision (it is
//! counted `overflow` at its end); so the queue never overflows, whatever the traffic or the
//! host's back-pressure. Drop events (`drop_valid`/`drop_reason`) come in input order for every
//! dropped frame but `overflow` ones, after the last beat of every frame delivered before it: a
//! dropped frame's reason waits in a small FIFO, tagged with the number of deliveries before
//! it, until that many frames have left `m_axis`. `overflow` drops are counted only: a frame
//! that found no slot has no place in that order.
//!
//! `rst` (synchronous, active high) goes to every block and clears the queue slots in use and the
//! drop-order counts and flags; the ring and the queued decisions (data) are not reset.

use super::decide::RxDecide;
use super::egress::RxEgress;
use super::{DROP_OVERFLOW, NUM_DROP_REASONS};
use crate::drop_counters::DropCounters;
use crate::ram_fifo::RamFifo;
use crate::reg_fifo::RegFifo;
use crate::reg_slice::RegSlice;
use crate::sdp_ram::SdpRam;
use crate::stream::{AxisSink, AxisSource};
use rust_hdl::prelude::*;

/// Bits of a queued decision.
const DEC_BITS: usize = 208;
/// Drop events waiting for earlier deliveries to leave.
const DROP_FIFO: usize = 8;

#[derive(LogicBlock)]
pub struct RxTop<const W: usize, const K: usize, const N: usize, const AW: usize, const AB: usize, const Q: usize> {
    pub clock: Signal<In, Clock>,
    /// synchronous reset, active high: see the module doc
    pub rst: Signal<In, Bit>,
    pub s_axis: AxisSink<W, K>,
    pub m_axis: AxisSource<W, K>,
    // configuration
    pub port: Signal<In, Bits<16>>,
    pub remcsum_rx: Signal<In, Bit>,
    pub nopartial: Signal<In, Bit>,
    pub udp_zero_csum6_rx: Signal<In, Bit>,
    pub max_frame: Signal<In, Bits<16>>,
    /// AXI back-pressure on `s_axis` instead of MAC-mode drops
    pub backpressure: Signal<In, Bit>,
    // metadata of the frame on m_axis (valid with its tlast beat)
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

    front: RxDecide<W, K, N, AW, AB>,
    ring: SdpRam<Bits<W>, AW>,
    /// the decisions, read from the memory straight into `dec_slice`
    queue: RamFifo<Bits<DEC_BITS>, Q>,
    egress: RxEgress<W, K, N, AW>,
    counters: DropCounters<NUM_DROP_REASONS>,
    inflight: DFF<Bits<8>>,
    /// every queue slot may be taken (a flip-flop that is 0 after reset, so the first frame has one)
    no_credit: DFF<Bit>,
    credit_lim: Constant<Bits<8>>,
    code_overflow: Constant<Bits<4>>,
    pop: Signal<Local, Bit>,
    /// the queue's head, as it is popped
    queue_head: Signal<Local, Bits<DEC_BITS>>,
    /// between the queue and the egress: the pop reads only flip-flops, not the egress's
    /// ready logic, and moves only the queue's pointers; the slice registers the memory's read
    dec_slice: RegSlice<Bits<DEC_BITS>>,
    /// the decision the egress is offered
    head: Signal<Local, Bits<DEC_BITS>>,
    /// (reason, deliveries before it) of dropped frames the egress has taken
    drops: RegFifo<Bits<20>, DROP_FIFO>,
    delivered_taken: DFF<Bits<16>>,
    delivered_out: DFF<Bits<16>>,
    drop_room: DFF<Bit>,
    drop_room_lim: Constant<Bits<8>>,
    drop_release: Signal<Local, Bit>,
    /// deliveries out minus the head drop's deliveries before it (negative: not due yet)
    drop_gap: Signal<Local, Bits<16>>,
    /// a drop was due or arrived last clock: one may be due now
    drop_was_due: DFF<Bit>,
    /// a delivery left last clock: with drops waiting, one may be due now
    delivery_left: DFF<Bit>,
    /// `m_axis` showed a beat last clock that was not taken: it stays shown
    out_stalled: DFF<Bit>,
    hold_last: Signal<Local, Bit>,
}

/// 64 bits (10G), a ring of 2048 beats: jumbo frames.
pub type RxTop64 = at_width!(RxTop, w64; W, K, N, RX_AW, RX_AB, RX_Q);
/// 128 bits (25G), 1024 beats.
pub type RxTop128 = at_width!(RxTop, w128; W, K, N, RX_AW, RX_AB, RX_Q);
/// 256 bits, 512 beats.
pub type RxTop256 = at_width!(RxTop, w256; W, K, N, RX_AW, RX_AB, RX_Q);
/// 512 bits (100G), 256 beats.
pub type RxTop512 = at_width!(RxTop, w512; W, K, N, RX_AW, RX_AB, RX_Q);
/// 64 bits, 1518-byte frames (iCE40): 256 beats.
pub type RxTop64Std = at_width!(RxTop, w64; W, K, N, RX_AW_STD, RX_AB_STD, RX_Q);
/// 128 bits, 1518-byte frames: 128 beats.
pub type RxTop128Std = at_width!(RxTop, w128; W, K, N, RX_AW_STD, RX_AB_STD, RX_Q);

impl<const W: usize, const K: usize, const N: usize, const AW: usize, const AB: usize, const Q: usize> Default
    for RxTop<W, K, N, AW, AB, Q>
{
    fn default() -> Self {
        assert!(Q >= 8 && Q <= 128);
        Self {
            clock: Default::default(),
            rst: Default::default(),
            s_axis: Default::default(),
            m_axis: Default::default(),
            port: Default::default(),
            remcsum_rx: Default::default(),
            nopartial: Default::default(),
            udp_zero_csum6_rx: Default::default(),
            max_frame: Default::default(),
            backpressure: Default::default(),
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
            front: Default::default(),
            ring: Default::default(),
            queue: Default::default(),
            egress: RxEgress::new(),
            counters: Default::default(),
            inflight: Default::default(),
            no_credit: Default::default(),
            // the flag is a clock old and the frame that sees it is not counted yet
            credit_lim: Constant::new(((Q - 3) as u64).into()),
            code_overflow: Constant::new(DROP_OVERFLOW.into()),
            pop: Default::default(),
            queue_head: Default::default(),
            dec_slice: Default::default(),
            head: Default::default(),
            drops: RegFifo::new(),
            delivered_taken: Default::default(),
            delivered_out: Default::default(),
            drop_room: Default::default(),
            drop_room_lim: Constant::new(((DROP_FIFO - 2) as u64).into()),
            drop_release: Default::default(),
            drop_gap: Default::default(),
            drop_was_due: Default::default(),
            delivery_left: Default::default(),
            out_stalled: Default::default(),
            hold_last: Default::default(),
        }
    }
}

impl<const W: usize, const K: usize, const N: usize, const AW: usize, const AB: usize, const Q: usize> RxTop<W, K, N, AW, AB, Q> {
    /// Bytes the ring holds: the largest `max_frame` that AXI mode can take.
    pub fn capacity() -> usize {
        ((1usize << AW) - 3) * K
    }
}

impl<const W: usize, const K: usize, const N: usize, const AW: usize, const AB: usize, const Q: usize> Logic
    for RxTop<W, K, N, AW, AB, Q>
{
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, inflight, no_credit, delivered_taken, delivered_out, drop_room, drop_was_due, delivery_left, out_stalled);
        self.drops.clock.next = self.clock.val();
        self.drops.rst.next = self.rst.val();
        self.front.clock.next = self.clock.val();
        self.front.rst.next = self.rst.val();
        self.ring.read_clock.next = self.clock.val();
        self.ring.write_clock.next = self.clock.val();
        self.queue.clock.next = self.clock.val();
        self.queue.rst.next = self.rst.val();
        self.dec_slice.clock.next = self.clock.val();
        self.dec_slice.rst.next = self.rst.val();
        self.egress.clock.next = self.clock.val();
        self.egress.rst.next = self.rst.val();
        self.counters.clock.next = self.clock.val();
        self.counters.rst.next = self.rst.val();
        // front end
        self.front.s_axis.tdata.next = self.s_axis.tdata.val();
        self.front.s_axis.tkeep.next = self.s_axis.tkeep.val();
        self.front.s_axis.tvalid.next = self.s_axis.tvalid.val();
        self.front.s_axis.tlast.next = self.s_axis.tlast.val();
        self.front.s_axis.tuser.next = self.s_axis.tuser.val();
        self.s_axis.tready.next = self.front.s_axis.tready.val();
        self.front.max_frame.next = self.max_frame.val();
        self.front.backpressure.next = self.backpressure.val();
        self.front.port.next = self.port.val();
        self.front.remcsum_rx.next = self.remcsum_rx.val();
        self.front.nopartial.next = self.nopartial.val();
        self.front.udp_zero_csum6_rx.next = self.udp_zero_csum6_rx.val();
        self.front.free_ptr.next = self.egress.free_ptr.val();
        self.front.credit.next = !self.no_credit.q.val();
        // the egress's copy of the ring
        self.ring.write_address.next = self.front.wr_addr.val();
        self.ring.write_data.next = self.front.wr_data.val();
        self.ring.write_enable.next = self.front.wr_en.val();
        self.ring.read_address.next = self.egress.ram_raddr.val();
        self.egress.ram_rdata.next = self.ring.read_data.val();
        // decision queue
        self.queue.push.next = self.front.d_valid.val();
        self.queue.din.next = bit_cast::<DEC_BITS, 1>(self.front.d_deliver.val().into())
            | (bit_cast::<DEC_BITS, 4>(self.front.d_reason.val()) << 1)
            | (bit_cast::<DEC_BITS, 16>(self.front.d_base.val()) << 5)
            | (bit_cast::<DEC_BITS, 16>(self.front.d_beats.val()) << 21)
            | (bit_cast::<DEC_BITS, 16>(self.front.d_inner_off.val()) << 37)
            | (bit_cast::<DEC_BITS, 16>(self.front.d_inner_len.val()) << 53)
            | (bit_cast::<DEC_BITS, 24>(self.front.d_vni.val()) << 69)
            | (bit_cast::<DEC_BITS, 1>(self.front.d_rco.val().into()) << 93)
            | (bit_cast::<DEC_BITS, 1>(self.front.d_rco_applied.val().into()) << 94)
            | (bit_cast::<DEC_BITS, 1>(self.front.d_outer_csum_ok.val().into()) << 95)
            | (bit_cast::<DEC_BITS, 16>(self.front.d_csum_start.val()) << 96)
            | (bit_cast::<DEC_BITS, 16>(self.front.d_csum_offset.val()) << 112)
            | (bit_cast::<DEC_BITS, 32>(self.front.d_inner_sum.val()) << 128)
            | (bit_cast::<DEC_BITS, 16>(self.front.d_remcsum_start.val()) << 160)
            | (bit_cast::<DEC_BITS, 16>(self.front.d_remcsum_offset.val()) << 176);
        self.queue_head.next = self.queue.dout.val();
        // a decision leaves the queue only while a drop among them has a place to wait
        self.dec_slice.s_valid.next = !self.queue.empty.val() && self.drop_room.q.val();
        self.dec_slice.s_data.next = self.queue_head.val();
        self.head.next = self.dec_slice.m_data.val();
        self.egress.dec_valid.next = self.dec_slice.m_valid.val();
        self.dec_slice.m_ready.next = self.egress.dec_ready.val();
        self.egress.dec_deliver.next = self.head.val().get_bit(0);
        self.egress.dec_reason.next = self.head.val().get_bits::<4>(1);
        self.egress.dec_base.next = self.head.val().get_bits::<16>(5);
        self.egress.dec_beats.next = self.head.val().get_bits::<16>(21);
        self.egress.dec_inner_off.next = self.head.val().get_bits::<16>(37);
        self.egress.dec_inner_len.next = self.head.val().get_bits::<16>(53);
        self.egress.dec_vni.next = self.head.val().get_bits::<24>(69);
        self.egress.dec_rco.next = self.head.val().get_bit(93);
        self.egress.dec_rco_applied.next = self.head.val().get_bit(94);
        self.egress.dec_outer_csum_ok.next = self.head.val().get_bit(95);
        self.egress.dec_csum_start.next = self.head.val().get_bits::<16>(96);
        self.egress.dec_csum_offset.next = self.head.val().get_bits::<16>(112);
        self.egress.dec_csum.next = self.head.val().get_bits::<32>(128);
        self.egress.dec_apply.next = self.head.val().get_bit(94);
        self.egress.dec_start.next = self.head.val().get_bits::<16>(160);
        self.egress.dec_offset.next = self.head.val().get_bits::<16>(176);
        self.pop.next = !self.queue.empty.val() && self.drop_room.q.val() && self.dec_slice.s_ready.val();
        self.queue.pop.next = self.pop.val();
        // queue slots: taken at a record, given back when the egress takes the decision
        if self.front.f_valid.val() && !self.pop.val() {
            self.inflight.d.next = self.inflight.q.val() + 1;
        }
        if self.pop.val() && !self.front.f_valid.val() {
            self.inflight.d.next = self.inflight.q.val() - 1;
        }
        self.no_credit.d.next = self.inflight.q.val() >= self.credit_lim.val();
        // a drop is due once the deliveries before it have left
        // the sign bit, not a compare: one carry chain
        self.drop_gap.next = self.delivered_out.q.val() - self.drops.dout.val().get_bits::<16>(4);
        self.drop_release.next = !self.drops.empty.val() && !self.drop_gap.val().get_bit(15);
        // output: a frame's last beat waits while a drop before it may be due, so events keep
        // input order (a short frame can reach the port while earlier drops are still released).
        // "May be due" is a superset of `drop_release` from flip-flops: a drop becomes due only
        // when it arrives or a delivery leaves, and stays due until released, so the egress
        // ready path does not go through the drop FIFO's read and the sequence compare. A last
        // beat already shown stays shown (AXI4-Stream): no drop can become due while it waits,
        // since every drop taken after it waits for it.
        self.hold_last.next = (self.drop_was_due.q.val() || (self.delivery_left.q.val() && !self.drops.empty.val()))
            && self.egress.m_axis.tlast.val()
            && !self.out_stalled.q.val();
        self.m_axis.tdata.next = self.egress.m_axis.tdata.val();
        self.m_axis.tkeep.next = self.egress.m_axis.tkeep.val();
        self.m_axis.tvalid.next = self.egress.m_axis.tvalid.val() && !self.hold_last.val();
        self.m_axis.tlast.next = self.egress.m_axis.tlast.val();
        self.m_axis.tuser.next = self.egress.m_axis.tuser.val();
        self.egress.m_axis.tready.next = self.m_axis.tready.val() && !self.hold_last.val();
        self.out_stalled.d.next = self.m_axis.tvalid.val() && !self.m_axis.tready.val();
        self.m_vni.next = self.egress.m_vni.val();
        self.m_rco.next = self.egress.m_rco.val();
        self.m_rco_applied.next = self.egress.m_rco_applied.val();
        self.m_csum_start.next = self.egress.m_csum_start.val();
        self.m_csum_offset.next = self.egress.m_csum_offset.val();
        self.m_csum_complete.next = self.egress.m_csum_complete.val();
        self.m_outer_csum_ok.next = self.egress.m_outer_csum_ok.val();
        // drop events in input order: a taken drop waits until the deliveries before it are out
        if self.pop.val() && self.queue_head.val().get_bit(0) {
            self.delivered_taken.d.next = self.delivered_taken.q.val() + 1;
        }
        self.delivery_left.d.next =
            self.egress.m_axis.tvalid.val() && self.m_axis.tready.val() && self.egress.m_axis.tlast.val() && !self.hold_last.val();
        if self.delivery_left.d.val() {
            self.delivered_out.d.next = self.delivered_out.q.val() + 1;
        }
        self.drops.push.next = self.pop.val() && !self.queue_head.val().get_bit(0);
        self.drops.din.next = bit_cast::<20, 4>(self.queue_head.val().get_bits::<4>(1))
            | (bit_cast::<20, 16>(self.delivered_taken.q.val()) << 4);
        self.drops.pop.next = self.drop_release.val();
        self.drop_was_due.d.next = self.drop_release.val() || self.drops.push.val();
        self.drop_room.d.next = self.drops.count.val() < self.drop_room_lim.val();
        self.drop_valid.next = self.drop_release.val() && (self.drops.dout.val().get_bits::<4>(0) != self.code_overflow.val());
        self.drop_reason.next = self.drops.dout.val().get_bits::<4>(0);
        self.counters.valid.next = self.drop_release.val();
        self.counters.reason.next = self.drops.dout.val().get_bits::<4>(0);
        self.counters.b_valid.next = self.front.f_nocredit.val();
        self.counters.b_reason.next = self.code_overflow.val();
        for i in 0..NUM_DROP_REASONS {
            self.drop_count[i].next = self.counters.count[i].val();
        }
        // reset: the queue slots in use, the drop-order counts and flags (the blocks reset
        // themselves)
        if self.rst.val() {
            self.inflight.d.next = 0.into();
            self.no_credit.d.next = false;
            self.delivered_taken.d.next = 0.into();
            self.delivered_out.d.next = 0.into();
            self.drop_room.d.next = false;
            self.drop_was_due.d.next = false;
            self.delivery_left.d.next = false;
            self.out_stalled.d.next = false;
        }
        // after the reset above: the next clock's credit, in reset too
        self.front.credit_next.next = !self.no_credit.d.val();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verilog<B: Block>(mut b: B) -> String {
        b.connect_all();
        generate_verilog(&b)
    }

    /// rust-hdl translates every block of the RX (its simulation alone does not show that:
    /// constants by name, unbound const generics and the like fail only here).
    #[test]
    fn verilog_generates_at_every_width() {
        for v in [
            verilog(RxTop64::default()),
            verilog(RxTop128::default()),
            verilog(RxTop256::default()),
            verilog(RxTop512::default()),
            verilog(RxTop64Std::default()),
        ] {
            assert!(v.contains("module top(") && v.contains("module top$front$checks("));
        }
    }
}
