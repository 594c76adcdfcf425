//! The NIC as a live device: frames go in one at a time as they arrive, results come out
//! as the model produces them. `rco-nic tap` runs a real Linux connection through it.
//!
//! [`NicModel`] is what a live loop needs of a NIC model: queue a host frame with its TX
//! descriptor, queue a wire frame for RX, advance, collect [`NicEvent`]s. Two models:
//! * [`HwNic`]: the `NicTop` hardware (TX and RX paths side by side), clocked cycle by
//!   cycle, the TX descriptor sideband driven by [`crate::tb::desc::set_desc`];
//! * [`GoldenNic`]: golden `tx_encap` / `rx_decap`, no clock.
//!
//! Another simulator of the same hardware (e.g. a Verilated `NicTop`) implements the trait
//! and the live loop runs it unchanged.

use crate::tb::axis::{frame_beats, put_beat, AxisMonitor};
use crate::tb::desc::set_desc;
use crate::tb::rx_ports::{RxCounters, RxPorts};
use crate::tb::tx_drops::{TxPorts, TX_ERRORS};
use rco_golden::rx::rx_decap;
use rco_golden::tx::tx_encap;
use rco_golden::types::{DropReason, RxConfig, RxMeta, TxDescriptor, TxError};
use rco_hdl::nic_top::{NicTop, MAX_OUTER_HEADER};
use rco_hdl::rx::DROP_OVERFLOW;
use rco_hdl::stream::{packet_beats, Beat};
use rust_hdl::prelude::*;
use std::collections::VecDeque;

/// What the NIC did with a frame.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NicEvent {
    /// An outer frame for the wire.
    TxFrame(Vec<u8>),
    TxDrop(TxError),
    /// An inner frame for the host, with its metadata.
    RxFrame(Vec<u8>, RxMeta),
    RxDrop(DropReason),
}

/// NIC configuration (`NicTop`'s `cfg_*` inputs), static while the model runs.
#[derive(Clone, Debug)]
pub struct NicConfig {
    /// TX honours the descriptor's RCO request (`remcsumtx`).
    pub rco_tx: bool,
    /// RX: receiver opt-in, port, nopartial, udp6 zero checksum. Its `max_frame` is the
    /// host (inner) frame limit of both paths, as `NicTop::new` takes it; RX takes outer
    /// frames up to `max_frame + MAX_OUTER_HEADER`.
    pub rx: RxConfig,
}

impl NicConfig {
    /// What golden `rx_decap` needs to judge outer frames as the hardware's RX does.
    pub fn rx_outer(&self) -> RxConfig {
        RxConfig { max_frame: self.rx.max_frame + MAX_OUTER_HEADER, ..self.rx.clone() }
    }
}

/// A NIC model a live loop can drive.
pub trait NicModel {
    /// Queue a host frame and its TX descriptor.
    fn push_tx(&mut self, frame: Vec<u8>, desc: TxDescriptor);
    /// Queue a frame from the wire.
    fn push_rx(&mut self, frame: Vec<u8>);
    /// Host frames queued or inside the TX path, not yet sent or dropped.
    fn tx_pending(&self) -> usize;
    /// Wire frames queued or inside the RX path, not yet delivered or dropped.
    fn rx_pending(&self) -> usize;
    /// Advance by at most `max_cycles` clocks, appending what came out to `out`; returns
    /// the clocks simulated (0 for a model without a clock).
    fn run(&mut self, max_cycles: u64, out: &mut Vec<NicEvent>) -> anyhow::Result<u64>;
    /// Clocks simulated so far.
    fn cycles(&self) -> u64;
}

/// Golden model: every frame is processed when it is queued.
pub struct GoldenNic {
    cfg: NicConfig,
    ready: Vec<NicEvent>,
}

impl GoldenNic {
    pub fn new(cfg: NicConfig) -> Self {
        Self { cfg, ready: Vec::new() }
    }
}

impl NicModel for GoldenNic {
    fn push_tx(&mut self, frame: Vec<u8>, mut desc: TxDescriptor) {
        desc.rco &= self.cfg.rco_tx;
        self.ready.push(match tx_encap(&frame, &desc, self.cfg.rx.max_frame) {
            Ok(f) => NicEvent::TxFrame(f),
            Err(e) => NicEvent::TxDrop(e),
        });
    }
    fn push_rx(&mut self, frame: Vec<u8>) {
        self.ready.push(match rx_decap(&frame, &self.cfg.rx_outer()) {
            Ok((f, m)) => NicEvent::RxFrame(f, m),
            Err(r) => NicEvent::RxDrop(r),
        });
    }
    fn tx_pending(&self) -> usize {
        self.ready.iter().filter(|e| matches!(e, NicEvent::TxFrame(_) | NicEvent::TxDrop(_))).count()
    }
    fn rx_pending(&self) -> usize {
        self.ready.len() - self.tx_pending()
    }
    fn run(&mut self, _max_cycles: u64, out: &mut Vec<NicEvent>) -> anyhow::Result<u64> {
        out.append(&mut self.ready);
        Ok(0)
    }
    fn cycles(&self) -> u64 {
        0
    }
}

/// A host frame on its way into TX.
struct TxJob {
    beats: Vec<Beat>,
    desc: TxDescriptor,
}

/// The 64-bit jumbo-frame NIC (`NicTop64`), the design `rco-nic export` writes.
pub type HwNic64 = rco_hdl::at_width!(HwNic, w64; W, K, N, TX_A, TX_HB, RX_AW, RX_AB, RX_Q);

/// The `NicTop` hardware clocked cycle by cycle: both outputs always ready (the wire and
/// the host take a frame as soon as it is whole), inputs offered as soon as queued.
pub struct HwNic<const W: usize, const K: usize, const N: usize, const TA: usize, const HB: usize, const RA: usize, const RB: usize, const RQ: usize> {
    uut: Box<NicTop<W, K, N, TA, HB, RA, RB, RQ>>,
    tx_q: VecDeque<TxJob>,
    /// Jobs at the front of `tx_q` whose descriptor the NIC has taken.
    tx_desc_taken: usize,
    tx_beat: usize,
    rx_q: VecDeque<Vec<Beat>>,
    rx_beat: usize,
    tx_out: AxisMonitor,
    rx_out: AxisMonitor,
    /// Frames handed to TX / RX, and their outcomes so far.
    tx_in: usize,
    tx_done: usize,
    rx_in: usize,
    rx_done: usize,
    tx_counts: [u64; 4],
    /// RX `overflow` counter so far: such drops have no drop event.
    rx_overflows: u64,
    cycles: u64,
}

impl<const W: usize, const K: usize, const N: usize, const TA: usize, const HB: usize, const RA: usize, const RB: usize, const RQ: usize>
    HwNic<W, K, N, TA, HB, RA, RB, RQ>
{
    /// A NIC with buffers for `cfg.rx.max_frame`-byte host frames; the configuration is
    /// applied and settled (two clocks) before it returns.
    pub fn new(cfg: &NicConfig) -> anyhow::Result<Self> {
        let mut uut = Box::new(NicTop::<W, K, N, TA, HB, RA, RB, RQ>::new(cfg.rx.max_frame));
        uut.connect_all();
        uut.cfg_rco_tx.next = cfg.rco_tx;
        uut.cfg_rco_rx.next = cfg.rx.remcsum_rx;
        uut.cfg_nopartial.next = cfg.rx.nopartial;
        uut.cfg_vxlan_port.next = (cfg.rx.port as u64).into();
        uut.cfg_udp6_zero_csum_rx.next = cfg.rx.udp_zero_csum6_rx;
        uut.tx_m_axis.tready.next = true;
        uut.rx_m_axis.tready.next = true;
        let mut nic = Self {
            uut,
            tx_q: VecDeque::new(),
            tx_desc_taken: 0,
            tx_beat: 0,
            rx_q: VecDeque::new(),
            rx_beat: 0,
            tx_out: AxisMonitor::default(),
            rx_out: AxisMonitor::default(),
            tx_in: 0,
            tx_done: 0,
            rx_in: 0,
            rx_done: 0,
            tx_counts: [0; 4],
            rx_overflows: 0,
            cycles: 0,
        };
        // the configuration registers reach the paths two edges after they are set
        let mut out = Vec::new();
        for _ in 0..2 {
            nic.step(&mut out)?;
        }
        anyhow::ensure!(out.is_empty(), "NIC: output before any input");
        Ok(nic)
    }

    /// One clock.
    fn step(&mut self, out: &mut Vec<NicEvent>) -> anyhow::Result<()> {
        let u = &mut *self.uut;
        u.clock.next = false.into();
        let desc = self.tx_q.get(self.tx_desc_taken);
        u.tx_desc.valid.next = desc.is_some();
        if let Some(j) = desc {
            set_desc(&mut u.tx_desc, &j.desc);
        }
        let tx_beat = self.tx_q.front().map(|j| &j.beats[self.tx_beat]);
        put_beat(&mut u.tx_s_axis, tx_beat, true);
        let rx_beat = self.rx_q.front().map(|b| &b[self.rx_beat]);
        put_beat(&mut u.rx_s_axis, rx_beat, true);
        anyhow::ensure!(simulate(u, 400), "NIC: no convergence in cycle {}", self.cycles);

        // handshakes before the edge
        let desc_fire = desc.is_some() && u.tx_desc.ready.val();
        let tx_in_fire = tx_beat.is_some() && u.tx_s_axis.tready.val();
        let rx_in_fire = rx_beat.is_some() && u.rx_s_axis.tready.val();
        // both outputs are always ready
        if let Some(f) = self.tx_out.sample(&u.tx_m_axis, true)?.frame {
            out.push(NicEvent::TxFrame(f));
            self.tx_done += 1;
        }
        if let Some(f) = self.rx_out.sample(&u.rx_m_axis, true)?.frame {
            out.push(NicEvent::RxFrame(f, u.rx_meta()));
            self.rx_done += 1;
        }
        if let Some(reason) = u.rx_drop().map_err(|e| anyhow::anyhow!("NIC: {e}"))? {
            out.push(NicEvent::RxDrop(reason));
            self.rx_done += 1;
        }
        let overflows = u.rx_counter(DROP_OVERFLOW as usize);
        for _ in self.rx_overflows..overflows {
            out.push(NicEvent::RxDrop(DropReason::Overflow));
            self.rx_done += 1;
        }
        self.rx_overflows = overflows;
        u.clock.next = true.into();
        anyhow::ensure!(simulate(u, 400), "NIC: no convergence in cycle {}", self.cycles);
        self.cycles += 1;

        if desc_fire {
            self.tx_desc_taken += 1;
        }
        if tx_in_fire {
            self.tx_beat += 1;
            if self.tx_beat == self.tx_q[0].beats.len() {
                self.tx_q.pop_front();
                // the frame's descriptor leaves the queue with it
                self.tx_desc_taken = self.tx_desc_taken.saturating_sub(1);
                self.tx_beat = 0;
            }
        }
        if rx_in_fire {
            self.rx_beat += 1;
            if self.rx_beat == self.rx_q[0].len() {
                self.rx_q.pop_front();
                self.rx_beat = 0;
            }
        }
        // TX drops show as counter steps
        let counts = u.tx_drop_counts();
        for (i, err) in TX_ERRORS.into_iter().enumerate() {
            for _ in self.tx_counts[i]..counts[i] {
                out.push(NicEvent::TxDrop(err));
                self.tx_done += 1;
            }
        }
        self.tx_counts = counts;
        anyhow::ensure!(
            self.tx_done <= self.tx_in && self.rx_done <= self.rx_in,
            "NIC: more results than frames (TX {}/{}, RX {}/{})",
            self.tx_done,
            self.tx_in,
            self.rx_done,
            self.rx_in
        );
        Ok(())
    }
}


impl<const W: usize, const K: usize, const N: usize, const TA: usize, const HB: usize, const RA: usize, const RB: usize, const RQ: usize> NicModel
    for HwNic<W, K, N, TA, HB, RA, RB, RQ>
{
    fn push_tx(&mut self, frame: Vec<u8>, desc: TxDescriptor) {
        // an empty frame is one beat with no lane kept (TX counts it as truncated)
        let beats = frame_beats(&frame, K);
        self.tx_q.push_back(TxJob { beats, desc });
        self.tx_in += 1;
    }
    fn push_rx(&mut self, frame: Vec<u8>) {
        if frame.is_empty() {
            return;
        }
        self.rx_q.push_back(packet_beats(&frame, K));
        self.rx_in += 1;
    }
    fn tx_pending(&self) -> usize {
        self.tx_in - self.tx_done
    }
    fn rx_pending(&self) -> usize {
        self.rx_in - self.rx_done
    }
    fn run(&mut self, max_cycles: u64, out: &mut Vec<NicEvent>) -> anyhow::Result<u64> {
        let mut n = 0;
        while n < max_cycles && self.tx_pending() + self.rx_pending() > 0 {
            self.step(out)?;
            n += 1;
        }
        Ok(n)
    }
    fn cycles(&self) -> u64 {
        self.cycles
    }
}
