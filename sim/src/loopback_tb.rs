//! `sim --block loopback` and the main job (`rco-nic run`): host frames through the NIC top's
//! TX path and straight into its RX path, in one cycle-coupled simulation.
//!
//! ```text
//!  host frame + desc --> NicTop TX --tx_m_axis == rx_s_axis--> NicTop RX --> inner frame + meta
//!        ^ idles (P)                  (tready flows back)                 ^ tready low (P)
//! ```
//! [`Loopback`] holds a [`NicTop`] and joins its TX `m_axis` to its RX `s_axis` inside its
//! `update`, so RX back-pressure (`s_axis.tready` low when its ring is full, which happens
//! when the host side holds `m_axis.tready` low) reaches the TX egress in the same cycle.
//! The RX configuration goes in through the NIC's `cfg_*` registers.
//!
//! Every case is checked four ways:
//! * the frame on the wire against golden `tx_encap(x)`, byte for byte;
//! * against golden `rx_decap(tx_encap(x))`: frame and `RxMeta` identical, or the same drop;
//! * against the original host frame: identical except the two bytes of a
//!   CHECKSUM_PARTIAL checksum field, whose L4 checksum must now verify by an RFC 1071 sum
//!   written here ([`l4_csum_ok`], no golden code);
//! * the RX per-reason drop counters and the TX counters against golden's outcomes.
//!
//! The run errors out (it does not hang) when no handshake happens anywhere for
//! [`STALL_LIMIT`] cycles with work outstanding, or after a cycle bound proportional to
//! the traffic.

use crate::port_vcd::PortVcd;
use crate::tb::axis::{AxisDriver, AxisMonitor};
use crate::tb::desc::set_desc;
use crate::tb::rx_ports::{RxCounters, RxPorts};
use crate::tb::tx_drops::{tx_histogram, TxDrops, TxPorts};
pub use crate::tb::tx_drops::TX_ERRORS;
use crate::tb::vcd::{time_ps, with_vcd_file, VCD_MAX_CYCLES};
use crate::{SimOpts, SimSummary};
use rco_golden::rng::SplitMix64;
use rco_golden::rx::rx_decap;
use rco_golden::tx::tx_encap;
use rco_golden::types::{DropReason, RxConfig, RxMeta, TxDescriptor, TxError};
use rco_golden::vectors::{gen_descriptor, gen_host_frame};
use rco_hdl::nic_top::{NicTop, MAX_OUTER_HEADER};
use rco_hdl::rx::{RxTop, NUM_DROP_REASONS};
use rco_hdl::stream::{packet_beats, AxisSink, AxisSource, Beat};
use rco_hdl::tx::desc::TxDescSink;
use rust_hdl::prelude::*;
use std::io::Write;

/// Cycles without any handshake (descriptor, TX input, TX->RX wire, RX output, a drop)
/// while work is outstanding that count as a deadlock.
pub const STALL_LIMIT: u64 = 20_000;
/// Width of the NIC's `rx_drop_reason` code.
const DROP_REASON_BITS: usize = 4;
/// Clock edges before the first packet: the NIC's configuration registers take two.
pub const WARM_UP: u64 = 2;
/// Clock edges after the last outcome before the counters are read.
pub const SETTLE: u64 = 4;
/// Largest host payload the traffic generator makes (an inner frame fits a 1500 MTU).
pub const MAX_PAYLOAD: usize = 1400;

/// The NIC top with its TX output wired to its RX input.
#[derive(LogicBlock)]
pub struct Loopback<const W: usize, const K: usize, const N: usize, const TA: usize, const HB: usize, const RA: usize, const RB: usize, const RQ: usize> {
    pub clock: Signal<In, Clock>,
    /// Host frames into TX.
    pub s_axis: AxisSink<W, K>,
    pub desc: TxDescSink,
    /// Inner frames out of RX (metadata: `nic.rx_*`).
    pub m_axis: AxisSource<W, K>,
    pub nic: NicTop<W, K, N, TA, HB, RA, RB, RQ>,
}

impl<const W: usize, const K: usize, const N: usize, const TA: usize, const HB: usize, const RA: usize, const RB: usize, const RQ: usize>
    Loopback<W, K, N, TA, HB, RA, RB, RQ>
{
    pub fn new(max_frame: usize) -> Self {
        Self {
            clock: Default::default(),
            s_axis: Default::default(),
            desc: Default::default(),
            m_axis: Default::default(),
            nic: NicTop::new(max_frame),
        }
    }

    /// The NIC's configuration inputs: RX as `cfg`, TX honouring the descriptors' RCO
    /// requests if `rco_tx`; TX waits for RX (AXI back-pressure), so the loop drops nothing
    /// for room.
    pub fn configure(&mut self, cfg: &RxConfig, rco_tx: bool) {
        self.nic.cfg_rco_tx.next = rco_tx;
        self.nic.cfg_rco_rx.next = cfg.remcsum_rx;
        self.nic.cfg_nopartial.next = cfg.nopartial;
        self.nic.cfg_vxlan_port.next = (cfg.port as u64).into();
        self.nic.cfg_udp6_zero_csum_rx.next = cfg.udp_zero_csum6_rx;
        self.nic.cfg_rx_backpressure.next = true;
    }
}

impl<const W: usize, const K: usize, const N: usize, const TA: usize, const HB: usize, const RA: usize, const RB: usize, const RQ: usize> Logic
    for Loopback<W, K, N, TA, HB, RA, RB, RQ>
{
    // a simulation-only wrapper (rust-hdl's hdl_gen does not translate `link`): no Verilog
    fn update(&mut self) {
        self.nic.clock.next = self.clock.val();
        self.s_axis.link(&mut self.nic.tx_s_axis);
        self.desc.link(&mut self.nic.tx_desc);
        self.nic.tx_m_axis.join(&mut self.nic.rx_s_axis);
        self.m_axis.link(&mut self.nic.rx_m_axis);
    }
}

/// What happened to one case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Tx(TxError),
    Rx(Result<(Vec<u8>, RxMeta), DropReason>),
}

/// Golden's outcome for a host frame and descriptor.
pub fn golden_outcome(inner: &[u8], desc: &TxDescriptor, cfg: &RxConfig) -> Outcome {
    golden_wire_and_outcome(inner, desc, cfg).1
}

/// Golden's frame on the wire (none if TX drops it) and outcome. `cfg.max_frame` bounds the
/// host frame, as the NIC's `max_frame` does; its RX takes outer frames up to
/// `max_frame + MAX_OUTER_HEADER`, so everything its TX sends.
pub fn golden_wire_and_outcome(inner: &[u8], desc: &TxDescriptor, cfg: &RxConfig) -> (Option<Vec<u8>>, Outcome) {
    match tx_encap(inner, desc, cfg.max_frame) {
        Err(e) => (None, Outcome::Tx(e)),
        Ok(outer) => {
            let rx_cfg = RxConfig { max_frame: cfg.max_frame + MAX_OUTER_HEADER, ..cfg.clone() };
            let o = Outcome::Rx(rx_decap(&outer, &rx_cfg));
            (Some(outer), o)
        }
    }
}

/// A hardware run: one outcome per case in input order, plus statistics.
#[derive(Debug, Default)]
pub struct LoopRun {
    pub outcomes: Vec<Outcome>,
    pub cycles: u64,
    /// Beats over the TX -> RX wire.
    pub wire_beats: u64,
    /// Beats out of RX accepted by the host side.
    pub out_beats: u64,
    /// RX per-reason drop counters at the end (`DropReason::ALL` order).
    pub rx_counters: Vec<u64>,
    /// TX drop counters at the end, in [`TX_ERRORS`] order.
    pub tx_counters: [u64; TX_ERRORS.len()],
    /// TX `frames_out` counter at the end.
    pub tx_frames_out: u64,
    /// Frames on the TX -> RX wire in order, each with the cycle its last beat crossed.
    pub wire: Vec<(u64, Vec<u8>)>,
    /// Per case: the cycle TX took its first beat.
    pub in_cycles: Vec<u64>,
    /// Per case: the cycle its outcome (delivery, or a drop) was seen.
    pub out_cycles: Vec<u64>,
    /// Cycles the VCD covers (0 without one).
    pub vcd_cycles: u64,
    /// The model recorded the wire frames and TX's frame counter (both models do; a run
    /// stopped early by [`LoopDrive::stop_at`] has no outcomes to check them against).
    pub wire_seen: bool,
}

/// Stimulus options.
#[derive(Clone, Debug)]
pub struct LoopDrive {
    /// Probability that `tready` is low on the RX output in a cycle.
    pub backpressure: f64,
    /// Probability of an idle cycle between two TX input beats.
    pub idle: f64,
    pub seed: u64,
    pub cfg: RxConfig,
    /// `cfg_rco_tx`: TX honours the descriptors' RCO requests (without it, a descriptor's
    /// `rco` is as if clear).
    pub rco_tx: bool,
    /// Cycles of VCD to write at most.
    pub vcd_cycles: u64,
    /// Blocks deep the VCD goes: 2 is the NIC top's ports (and the testbench wrapper's),
    /// more adds the blocks inside it.
    pub vcd_depth: usize,
    /// Report progress on stderr now and then (for a terminal: it rewrites one line).
    pub progress: bool,
    /// End the run after this many cycles whatever is outstanding (for a VCD of the first
    /// cycles only): the run then has its cycle count, wire frames and VCD, no outcomes.
    pub stop_at: u64,
}

impl Default for LoopDrive {
    fn default() -> Self {
        LoopDrive {
            backpressure: 0.0,
            idle: 0.0,
            seed: 1,
            cfg: loopback_config(),
            rco_tx: true,
            vcd_cycles: VCD_MAX_CYCLES,
            vcd_depth: 2,
            progress: false,
            stop_at: u64::MAX,
        }
    }
}

/// Seeded traffic: golden host frames (payload up to [`MAX_PAYLOAD`]) and descriptors.
pub fn traffic(seed: u64, packets: usize) -> Vec<(Vec<u8>, TxDescriptor)> {
    let mut rng = SplitMix64::new(seed);
    (0..packets)
        .map(|_| {
            let (f, p) = gen_host_frame(&mut rng, MAX_PAYLOAD);
            let d = gen_descriptor(&mut rng, p);
            (f, d)
        })
        .collect()
}

/// Dispatch on the data width (the TX and RX drivers' instances).
pub fn run_width(
    cases: &[(Vec<u8>, TxDescriptor)],
    width: usize,
    drive: &LoopDrive,
    vcd: Option<&mut dyn Write>,
) -> anyhow::Result<LoopRun> {
    anyhow::ensure!(cases.iter().all(|(f, _)| !f.is_empty()), "loopback: empty host frame");
    with_width!(
        width,
        [64, 128, 256],
        {
            let cases: Vec<(Vec<Beat>, TxDescriptor)> = cases.iter().map(|(f, d)| (packet_beats(f, K), d.clone())).collect();
            run_loop::<W, K, N, TX_A, TX_HB, RX_AW, RX_AB, RX_Q>(&cases, drive, vcd)
        },
        else anyhow::bail!("loopback: width {width} is not built (64, 128 or 256)")
    )
}

/// Run `cases` (host frames as beats, any `tkeep`) through a fresh [`Loopback`] with RX
/// configuration `drive.cfg`.
pub fn run_loop<const W: usize, const K: usize, const N: usize, const TA: usize, const HB: usize, const RA: usize, const RB: usize, const RQ: usize>(
    cases: &[(Vec<Beat>, TxDescriptor)],
    drive: &LoopDrive,
    vcd_out: Option<&mut dyn Write>,
) -> anyhow::Result<LoopRun> {
    let cfg = &drive.cfg;
    let cap = RxTop::<W, K, N, RA, RB, RQ>::capacity();
    anyhow::ensure!(
        cfg.max_frame + MAX_OUTER_HEADER <= cap,
        "loopback: max_frame {} + outer header > RX ring {cap} bytes",
        cfg.max_frame
    );
    anyhow::ensure!(cases.iter().all(|(b, _)| !b.is_empty() && b.iter().all(|x| x.data.len() == K)), "loopback: beats of {K} lanes");
    // on the heap: the wide NICs are larger than a test thread's stack
    let mut uut = Box::new(Loopback::<W, K, N, TA, HB, RA, RB, RQ>::new(cfg.max_frame));
    uut.connect_all();
    let mut vcd = match vcd_out {
        Some(w) => Some(PortVcd::new(w, &*uut, drive.vcd_depth)?),
        None => None,
    };
    let mut rng = SplitMix64::new(drive.seed ^ 0x4C6F_6F70);
    let p = drive.backpressure;

    // the configuration is static for the whole run
    uut.configure(cfg, drive.rco_tx);

    let total_in: u64 = cases.iter().map(|(b, _)| b.len() as u64).sum();
    // generous: both ends slowed by their probabilities (a stuck end is caught as a stall)
    let slow = (2.0 / ((1.0 - p) * (1.0 - drive.idle)).max(0.01)).ceil() as u64;
    let bound = WARM_UP + 10 * STALL_LIMIT + (80 * cases.len() as u64 + 4 * total_in).saturating_mul(slow);
    let n = cases.len();
    let mut di = 0usize; // next descriptor
    let mut host = AxisDriver::new(cases.iter().map(|(b, _)| b.clone()).collect());
    let (mut wire, mut out) = (AxisMonitor::default(), AxisMonitor::default());
    let mut tx_drops = TxDrops::default();
    let mut outcomes: Vec<Option<Outcome>> = vec![None; n];
    let mut done = 0usize;
    let mut run = LoopRun { in_cycles: vec![0; n], out_cycles: vec![0; n], wire_seen: true, ..Default::default() };
    let vcd_cycles = if vcd.is_some() { drive.vcd_cycles } else { 0 };
    let mut next_report = 0u64;
    let mut last_progress = 0u64;
    let mut idle_now = false;
    let mut c = 0u64;
    while done < n && c < drive.stop_at {
        anyhow::ensure!(c < bound, "loopback: cycle bound {bound} reached with {done} of {n} cases done");
        if drive.progress && c >= next_report {
            eprint!("\r  {done} of {n} packets through the NIC ({c} cycles)");
            next_report = c + (1 << 16);
        }
        uut.clock.next = false.into();
        let live = c >= WARM_UP;
        uut.desc.valid.next = live && di < n;
        if di < n {
            set_desc(&mut uut.desc, &cases[di].1);
        }
        host.drive(&mut uut.s_axis, live && !idle_now);
        let ready = !(p > 0.0 && rng.chance(p));
        uut.m_axis.tready.next = ready;
        anyhow::ensure!(simulate(&mut *uut, 400), "loopback: no convergence in cycle {c}");

        // handshakes before the edge
        let desc_fire = live && di < n && uut.desc.ready.val();
        let taken = host.take(&uut.s_axis);
        let on_wire = wire.sample(&uut.nic.tx_m_axis, uut.nic.rx_s_axis.tready.val()).map_err(|e| anyhow::anyhow!("loopback: TX {e} at cycle {c}"))?;
        if let Some(f) = on_wire.frame {
            run.wire.push((c, f));
        }
        let seen = out.sample(&uut.m_axis, ready).map_err(|e| anyhow::anyhow!("loopback: RX {e} at cycle {c}"))?;
        let mut rx_results: Vec<Result<(Vec<u8>, RxMeta), DropReason>> = Vec::new();
        if let Some(f) = seen.frame {
            rx_results.push(Ok((f, uut.nic.rx_meta())));
        }
        let drop = uut.nic.rx_drop().map_err(|e| anyhow::anyhow!("loopback: {e}"))?;
        rx_results.extend(drop.map(Err));
        run.wire_beats += on_wire.fired as u64;
        run.out_beats += seen.fired as u64;
        if c < vcd_cycles {
            if let Some(v) = vcd.as_mut() {
                v.sample(time_ps(c, false), &*uut)?;
            }
        }
        uut.clock.next = true.into();
        anyhow::ensure!(simulate(&mut *uut, 400), "loopback: no convergence in cycle {c}");
        if c < vcd_cycles {
            if let Some(v) = vcd.as_mut() {
                v.sample(time_ps(c, true), &*uut)?;
            }
        }
        c += 1;
        if desc_fire {
            di += 1;
        }
        if let Some(t) = taken {
            if t.first {
                run.in_cycles[t.frame] = c - 1;
            }
            if t.last {
                tx_drops.frame_in(c - 1, t.frame);
            }
        }
        idle_now = drive.idle > 0.0 && rng.chance(drive.idle);
        let dropped = tx_drops.step(c - 1, uut.nic.tx_drop_counts()).map_err(|e| anyhow::anyhow!("loopback: {e}"))?;
        let tx_drop = !dropped.is_empty();
        for (f, err) in dropped {
            anyhow::ensure!(outcomes[f].is_none(), "loopback: two outcomes for case {f}");
            outcomes[f] = Some(Outcome::Tx(err));
            run.out_cycles[f] = c - 1;
            done += 1;
        }
        // RX results belong, in order, to the cases TX did not drop (a TX drop is counted
        // in ingress, before any later packet can reach RX)
        for r in rx_results {
            let i = outcomes.iter().position(|o| o.is_none());
            match i {
                Some(i) if i < di => {
                    outcomes[i] = Some(Outcome::Rx(r));
                    run.out_cycles[i] = c - 1;
                    done += 1;
                }
                _ => anyhow::bail!("loopback: an RX result that no sent packet explains at cycle {c}"),
            }
        }
        if desc_fire || taken.is_some() || on_wire.fired || seen.fired || drop.is_some() || tx_drop {
            last_progress = c;
        }
        anyhow::ensure!(
            c - last_progress < STALL_LIMIT,
            "loopback deadlock: no handshake for {STALL_LIMIT} cycles at cycle {c} \
             ({di} descriptors, {} frames into TX, {done} of {n} cases out)",
            host.frames_in()
        );
    }
    if drive.progress {
        eprint!("\r{:60}\r", "");
    }
    if let Some(v) = vcd.as_mut() {
        v.flush()?;
    }
    run.cycles = c;
    run.vcd_cycles = c.min(vcd_cycles);
    if done < n {
        // stopped at drive.stop_at: no outcomes, nothing to check
        run.wire_seen = false;
        return Ok(run);
    }
    run.outcomes = outcomes.into_iter().map(|o| o.expect("done == n")).collect();
    // an RX drop counter steps a few clocks after its drop event, which may be the last
    // outcome: the counters are read after the NIC has settled (not counted in `cycles`)
    for _ in 0..SETTLE {
        uut.clock.next = false.into();
        anyhow::ensure!(simulate(&mut *uut, 400), "loopback: no convergence while settling");
        uut.clock.next = true.into();
        anyhow::ensure!(simulate(&mut *uut, 400), "loopback: no convergence while settling");
    }
    run.rx_counters = uut.nic.rx_counters();
    run.tx_counters = uut.nic.tx_drop_counts();
    run.tx_frames_out = uut.nic.tx_frames_out.val().to_u64();
    Ok(run)
}

/// One RX result: inner frame + metadata, or a drop reason.
pub type RxOut = Result<(Vec<u8>, RxMeta), DropReason>;

/// RFC 1071 (section 4.1) folded sum of big-endian 16-bit words, written here so that the
/// loopback check does not lean on golden's checksum code.
pub fn rfc1071(data: &[u8], mut acc: u64) -> u16 {
    for pair in data.chunks(2) {
        let hi = pair[0] as u64;
        let lo = pair.get(1).copied().unwrap_or(0) as u64;
        acc += (hi << 8) | lo;
    }
    while acc > 0xFFFF {
        acc = (acc & 0xFFFF) + (acc >> 16);
    }
    acc as u16
}

/// Does the TCP/UDP checksum of `frame` verify? The segment starts at `start` (the
/// descriptor's csum_start); the protocol follows from `offset` (16 TCP, 6 UDP); the
/// pseudo-header from the IPv4 or IPv6 header after Ethernet [802.1Q].
pub fn l4_csum_ok(frame: &[u8], start: usize, offset: usize) -> bool {
    let proto: u64 = match offset {
        16 => 6,
        6 => 17,
        _ => return false,
    };
    let mut l3 = 14;
    let mut et = u16::from_be_bytes([frame[12], frame[13]]);
    if et == 0x8100 {
        et = u16::from_be_bytes([frame[16], frame[17]]);
        l3 += 4;
    }
    let word = |b: &[u8]| b.chunks(2).map(|p| (p[0] as u64) << 8 | p[1] as u64).sum::<u64>();
    let (addr_sum, end) = match et {
        0x0800 => {
            let total = u16::from_be_bytes([frame[l3 + 2], frame[l3 + 3]]) as usize;
            (word(&frame[l3 + 12..l3 + 20]), l3 + total)
        }
        0x86DD => {
            let plen = u16::from_be_bytes([frame[l3 + 4], frame[l3 + 5]]) as usize;
            (word(&frame[l3 + 8..l3 + 40]), l3 + 40 + plen)
        }
        _ => return false,
    };
    if end > frame.len() || start >= end {
        return false;
    }
    let len = (end - start) as u64;
    rfc1071(&frame[start..end], addr_sum + proto + len) == 0xFFFF
}

/// Check a delivered inner frame against the host frame it came from: identical but for
/// a CHECKSUM_PARTIAL field, which must now verify. `None` if right, else why not.
pub fn against_host(host: &[u8], desc: &TxDescriptor, got: &[u8]) -> Option<String> {
    if got.len() != host.len() {
        return Some(format!("length {} != host {}", got.len(), host.len()));
    }
    let field = if desc.partial { Some(desc.csum_start as usize + desc.csum_offset as usize) } else { None };
    if let Some(i) = (0..host.len()).find(|&i| host[i] != got[i] && field.is_none_or(|f| i != f && i != f + 1)) {
        return Some(format!("byte {i} differs from the host frame"));
    }
    if desc.partial && !l4_csum_ok(got, desc.csum_start as usize, desc.csum_offset as usize) {
        return Some("inner L4 checksum does not verify (RFC 1071)".into());
    }
    None
}

/// Compare a run with golden and with the host frames; returns the number of mismatching
/// cases (counter mismatches count one) and prints the first few.
pub fn check(cases: &[(Vec<u8>, TxDescriptor)], run: &LoopRun, cfg: &RxConfig) -> usize {
    let c = check_detail(cases, run, cfg);
    c.hw + c.golden
}

/// What [`check_detail`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Checked {
    /// Cases where the hardware differs from golden (wire frame, delivered frame and
    /// metadata, or drop) or delivers a frame that fails the host-frame check; plus one
    /// if any counter differs from golden's count.
    pub hw: usize,
    /// Cases where golden's delivered frame fails the host-frame check.
    pub golden: usize,
    /// Cases golden drops (TX or RX).
    pub golden_drops: usize,
    /// Cases the hardware drops as golden does (so in neither count above).
    pub same_drops: usize,
    /// Frames golden delivers with the inner checksum patched by RCO.
    pub golden_rco_applied: usize,
}

/// [`check`], with the hardware's and golden's mismatches counted apart. The host-frame
/// check applies in nopartial mode (RX then patches the checksum itself).
pub fn check_detail(cases: &[(Vec<u8>, TxDescriptor)], run: &LoopRun, cfg: &RxConfig) -> Checked {
    let mut out = Checked::default();
    let mut wants = Vec::new();
    let mut want_frames_out = 0u64;
    let mut wire = run.wire.iter();
    let report = |what: &str, i: usize, why: String, desc: &TxDescriptor| {
        eprintln!("loopback case {i}: {what}: {why} (desc {desc:?})");
    };
    let mut reported = 0;
    for (i, ((host, desc), got)) in cases.iter().zip(&run.outcomes).enumerate() {
        let (want_wire, want) = golden_wire_and_outcome(host, desc, cfg);
        wants.push(want.clone());
        want_frames_out += want_wire.is_some() as u64;
        match &want {
            Outcome::Rx(Ok((f, m))) => {
                out.golden_rco_applied += m.rco_applied as usize;
                if cfg.nopartial {
                    if let Some(why) = against_host(host, desc, f) {
                        out.golden += 1;
                        reported += 1;
                        if reported <= 5 {
                            report("golden", i, why, desc);
                        }
                    }
                }
            }
            _ => out.golden_drops += 1,
        }
        let mut why = None;
        // the wire frame of every case the hardware TX did not drop, in order
        if run.wire_seen && !matches!(got, Outcome::Tx(_)) {
            match (wire.next(), &want_wire) {
                (Some((_, w)), Some(g)) if w != g => {
                    let at = w.iter().zip(g).position(|(a, b)| a != b).unwrap_or(w.len().min(g.len()));
                    why = Some(format!("wire frame ({} bytes) differs from golden ({} bytes) at byte {at}", w.len(), g.len()));
                }
                (None, _) => why = Some("no frame on the wire".into()),
                _ => {}
            }
        }
        if why.is_none() && *got != want {
            why = Some(format!("hw {} / golden {}", brief(got), brief(&want)));
        } else if why.is_none() && !matches!(got, Outcome::Rx(Ok(_))) {
            out.same_drops += 1;
        } else if let (None, Outcome::Rx(Ok((f, _)))) = (&why, got) {
            // the end-to-end property: what RX delivers is what the host sent, checksum done
            // (only when RX patches the checksum: nopartial)
            if cfg.nopartial {
                why = against_host(host, desc, f);
            }
        }
        if let Some(w) = why {
            out.hw += 1;
            reported += 1;
            if reported <= 5 {
                report("hw", i, w, desc);
            }
        }
    }
    if wire.next().is_some() {
        out.hw += 1;
        eprintln!("loopback: more frames on the wire than cases TX passed");
    }
    let (want_counts, want_tx) = drop_counts(&wants);
    if run.rx_counters != want_counts || run.tx_counters != want_tx || (run.wire_seen && run.tx_frames_out != want_frames_out) {
        out.hw += 1;
        eprintln!(
            "loopback counters: RX hw {:?} / golden {want_counts:?}; TX hw {:?} / golden {want_tx:?}; \
             frames_out hw {} / golden {want_frames_out}",
            run.rx_counters, run.tx_counters, run.tx_frames_out
        );
    }
    out
}

/// What the RX per-reason and the TX drop counters count for `outcomes`.
pub fn drop_counts(outcomes: &[Outcome]) -> (Vec<u64>, [u64; TX_ERRORS.len()]) {
    let rx = outcomes.iter().filter_map(|o| match o {
        Outcome::Rx(Err(r)) => Some(r),
        _ => None,
    });
    let tx = outcomes.iter().filter_map(|o| match o {
        Outcome::Tx(e) => Some(e),
        _ => None,
    });
    (DropReason::histogram(rx).to_vec(), tx_histogram(tx))
}

fn brief(o: &Outcome) -> String {
    match o {
        Outcome::Tx(e) => format!("tx drop {e}"),
        Outcome::Rx(Ok((f, m))) => format!("frame {} bytes {m:?}", f.len()),
        Outcome::Rx(Err(d)) => format!("rx drop {d}"),
    }
}

/// The receiver's configuration: Linux defaults (RCO opted in, nopartial) plus
/// `udp6zerocsumrx`, the peer setting of a sender that turns the outer UDP checksum off
/// over IPv6 (`gen_descriptor` does in 10% of packets): every frame then comes through.
pub fn loopback_config() -> RxConfig {
    RxConfig { udp_zero_csum6_rx: true, ..RxConfig::default() }
}

/// Run the testbench.
pub fn run(opts: &SimOpts) -> anyhow::Result<SimSummary> {
    run_with(opts, crate::Engine::RustHdl)
}

/// [`run`] on the rust-hdl model or the exported Verilog under Verilator.
pub fn run_with(opts: &SimOpts, engine: crate::Engine) -> anyhow::Result<SimSummary> {
    // fixed-size traffic goes in back to back
    let (cases, idle) = match &opts.sized {
        Some(t) => (crate::sized::host_cases(opts.seed, opts.packets, t)?, 0.0),
        None => (traffic(opts.seed, opts.packets), opts.backpressure),
    };
    let drive = LoopDrive { backpressure: opts.backpressure, idle, seed: opts.seed, ..LoopDrive::default() };
    let run = with_vcd_file(opts.vcd.as_deref(), |p| write_gtkw(p, opts.width), |vcd| match engine {
        crate::Engine::RustHdl => run_width(&cases, opts.width, &drive, vcd),
        crate::Engine::Verilator => crate::vl_model::loop_run(&cases, opts.width, &drive),
    })?;
    let mismatches = check(&cases, &run, &drive.cfg);
    eprintln!("loopback drops by class: {}", drops_by_class(&run));
    Ok(SimSummary {
        block: "loopback".into(),
        packets: cases.len(),
        mismatches,
        beats_per_cycle: if run.cycles == 0 { 0.0 } else { run.wire_beats as f64 / run.cycles as f64 },
        cycles: run.cycles,
        drops: run.rx_counters.iter().sum::<u64>() + run.tx_counters.iter().sum::<u64>(),
        steady_cycles_per_frame: None,
    })
}

/// `reason=count` for every non-zero RX and TX drop counter, or `none`.
pub fn drops_by_class(run: &LoopRun) -> String {
    let rx = DropReason::ALL.iter().zip(&run.rx_counters).map(|(r, n)| (format!("rx_{r}"), *n));
    let tx = ["truncated", "too_long", "bad_desc", "bad_keep"].iter().zip(run.tx_counters).map(|(r, n)| (format!("tx_{r}"), n));
    let v: Vec<String> = rx.chain(tx).filter(|(_, n)| *n > 0).map(|(r, n)| format!("{r}={n}")).collect();
    if v.is_empty() {
        "none".into()
    } else {
        v.join(" ")
    }
}

/// GTKWave save file next to `vcd` (same name, `.gtkw`): see [`nic_gtkw`].
fn write_gtkw(vcd: &std::path::Path, w: usize) -> anyhow::Result<()> {
    let name = vcd.file_name().and_then(|n| n.to_str()).unwrap_or("loopback.vcd");
    std::fs::write(vcd.with_extension("gtkw"), nic_gtkw(name, w))?;
    Ok(())
}

/// GTKWave save file for a loopback VCD named `vcd` at width `w`: the NIC top's ports in
/// groups (TX in with the descriptor, TX out, RX in, RX out with the metadata, drops and
/// counters).
pub fn nic_gtkw(vcd: &str, w: usize) -> String {
    use rco_hdl::gtkw::{axis_traces, save_file, Fmt, Group};
    let sig = |p: &str, f: Fmt| (format!("uut.nic.{p}"), f);
    let stream = |p: &str| axis_traces(&format!("uut.nic.{p}"), ".", w);
    let mut tx_in = vec![
        sig("tx_desc.valid", Fmt::Bin),
        sig("tx_desc.ready", Fmt::Bin),
        sig("tx_desc.partial", Fmt::Bin),
        sig("tx_desc.csum_start[15:0]", Fmt::Dec),
        sig("tx_desc.csum_offset[15:0]", Fmt::Dec),
        sig("tx_desc.rco", Fmt::Bin),
        sig("tx_desc.vni[23:0]", Fmt::Hex),
        sig("tx_desc.ipv6", Fmt::Bin),
    ];
    tx_in.extend(stream("tx_s_axis"));
    let mut rx_out = stream("rx_m_axis");
    rx_out.extend([
        sig("rx_vni[23:0]", Fmt::Hex),
        sig("rx_rco", Fmt::Bin),
        sig("rx_rco_applied", Fmt::Bin),
        sig("rx_csum_start[15:0]", Fmt::Dec),
        sig("rx_csum_offset[15:0]", Fmt::Dec),
        sig("rx_csum_complete[15:0]", Fmt::Hex),
        sig("rx_outer_csum_ok", Fmt::Bin),
    ]);
    let mut drops = vec![sig("rx_drop_valid", Fmt::Bin), sig(&format!("rx_drop_reason[{}:0]", DROP_REASON_BITS - 1), Fmt::Dec)];
    drops.extend((0..NUM_DROP_REASONS).map(|i| sig(&format!("rx_drop_count${i}[31:0]"), Fmt::Dec)));
    for c in ["tx_drop_truncated", "tx_drop_too_long", "tx_drop_bad_desc", "tx_drop_bad_keep", "tx_frames_out"] {
        drops.push(sig(&format!("{c}[31:0]"), Fmt::Dec));
    }
    let groups = [
        Group { name: "clock", traces: vec![("uut.clock".to_string(), Fmt::Bin)] },
        Group { name: "TX in", traces: tx_in },
        Group { name: "TX out", traces: stream("tx_m_axis") },
        Group { name: "RX in", traces: stream("rx_s_axis") },
        Group { name: "RX out + metadata", traces: rx_out },
        Group { name: "drops and counters", traces: drops },
    ];
    save_file(vcd, &groups)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rco_hdl::nic_top::MAX_FRAME_STD;
    use rco_hdl::stream::tdata_from_lanes;

    #[test]
    fn rfc1071_checker_sees_a_wrong_checksum() {
        // a host frame has the pseudo-header sum in its field: not a valid checksum
        let cases = traffic(4, 40);
        let (host, d) = cases.iter().find(|(_, d)| d.partial).unwrap();
        assert!(!l4_csum_ok(host, d.csum_start as usize, d.csum_offset as usize));
        // golden's nopartial delivery of it does verify
        let Outcome::Rx(Ok((f, _))) = golden_outcome(host, d, &RxConfig::default()) else { panic!() };
        assert!(against_host(host, d, &f).is_none());
        let mut g = f.clone();
        let n = g.len() - 1;
        g[n] ^= 1;
        assert!(against_host(host, d, &g).is_some());
    }

    /// What a reset is aimed at: after a random delay the testbench waits for this state and
    /// asserts `rst` in the next clock.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Aim {
        /// the host is between a frame's first and last beat on `tx_s_axis`
        HostMidFrame,
        /// a frame is partly across the TX -> RX wire (partly in the RX ring)
        WireMidFrame,
        /// a frame is partly out of `rx_m_axis`
        RxOutMidFrame,
        /// the host offers a beat and TX holds `tready` low (back-pressure from RX's output)
        InputStalled,
        /// any clock
        Any,
    }
    const AIMS: [Aim; 5] = [Aim::HostMidFrame, Aim::WireMidFrame, Aim::RxOutMidFrame, Aim::InputStalled, Aim::Any];

    /// Tag of case `i` in its descriptor's VNI (bits 23:8; bits 7:0 random, RCO may use them):
    /// every wire frame and every delivery's metadata names the case it belongs to.
    fn tag_vni(i: usize, vni: u32) -> u32 {
        assert!(i + 1 < 1 << 16);
        ((i as u32 + 1) << 8) | (vni & 0xFF)
    }

    /// What [`run_with_resets`] saw.
    struct ResetRun {
        /// (cycle, aim, clocks of `rst`)
        resets: Vec<(u64, Aim, u64)>,
        /// cases in the last epoch (sent after the last reset), all checked
        last_epoch: usize,
        /// cases checked against golden over all epochs
        checked: usize,
    }

    /// The NIC in loopback (W=64, jumbo) with `rst` asserted `n_resets` times for 1..=3 clocks,
    /// each after a random delay at the next clock in the state its [`Aim`] names (the aims
    /// taken in turn). While `rst` is high the host side offers random junk (beats,
    /// descriptors, `tready`), which the core must ignore. After a reset the drivers restart
    /// at a frame boundary with the next case not yet begun; the cases begun before it are
    /// abandoned and must never produce an outcome. Every epoch (the clocks between two
    /// resets) is checked as it ends: each case's outcome seen in it (delivery with metadata,
    /// RX drop, TX drop) equals golden's, in order, each delivered frame carries its own tag,
    /// and the wire frames are golden's. The last epoch runs to the end, and the counters
    /// then equal golden's counts over its cases only. Returns an error on the first fault.
    fn run_with_resets(cases: &[(Vec<u8>, TxDescriptor)], seed: u64, backpressure: f64, n_resets: usize) -> Result<ResetRun, String> {
        use rco_hdl::width::w64::*;
        let cfg = loopback_config();
        let mut uut = Box::new(Loopback::<W, K, N, TX_A, TX_HB, RX_AW, RX_AB, RX_Q>::new(cfg.max_frame));
        uut.connect_all();
        uut.configure(&cfg, true);
        let cases: Vec<(Vec<u8>, TxDescriptor)> = cases
            .iter()
            .enumerate()
            .map(|(i, (f, d))| (f.clone(), TxDescriptor { vni: tag_vni(i, d.vni), ..d.clone() }))
            .collect();
        let golden: Vec<(Option<Vec<u8>>, Outcome)> = cases.iter().map(|(f, d)| golden_wire_and_outcome(f, d, &cfg)).collect();
        let n = cases.len();
        let mut rng = SplitMix64::new(seed);
        let mut di = 0usize;
        let mut host = AxisDriver::new(cases.iter().map(|(f, _)| packet_beats(f, K)).collect());
        // the current epoch: its first case, outcomes and wire frames seen in it
        let mut first = 0usize;
        let mut outcomes: Vec<Option<Outcome>> = vec![None; n];
        let mut wire: Vec<Vec<u8>> = vec![];
        let (mut wire_mon, mut out_mon) = (AxisMonitor::default(), AxisMonitor::default());
        let mut tx_drops = TxDrops::default();
        let mut run = ResetRun { resets: vec![], last_epoch: 0, checked: 0 };
        // the next reset: its aim, the clock from which it may fire; clocks of rst left
        let mut next_at = rng.range(200, 1500);
        let mut rst_left = 0u64;
        let mut stalled = false;
        let mut idle_since = 0u64;
        // checks an epoch's outcomes (all of them when `last`) and wire frames against golden
        let check_epoch = |first: usize, end: usize, outcomes: &[Option<Outcome>], wire: &[Vec<u8>], last: bool| -> Result<usize, String> {
            let mut gw = (first..end).filter(|&i| !matches!(outcomes[i], Some(Outcome::Tx(_)))).filter_map(|i| golden[i].0.as_ref());
            for (k, w) in wire.iter().enumerate() {
                match gw.next() {
                    Some(g) if g == w => {}
                    _ => return Err(format!("epoch from case {first}: wire frame {k} is not golden's")),
                }
            }
            let mut checked = 0;
            for i in first..end {
                match &outcomes[i] {
                    Some(o) if *o != golden[i].1 => {
                        return Err(format!("case {i} (epoch from {first}): hw {} / golden {}", brief(o), brief(&golden[i].1)))
                    }
                    Some(_) => checked += 1,
                    None if last => return Err(format!("case {i} (last epoch, from {first}): no outcome")),
                    None => {}
                }
            }
            Ok(checked)
        };
        let mut c = 0u64;
        loop {
            if c > 2_000_000 {
                return Err(format!("cycle bound: {} of {n} frames in, epoch from {first}", host.frames_in()));
            }
            uut.clock.next = false.into();
            // the next case not yet begun
            let next = di.max(host.frames_in() + host.mid_frame() as usize);
            let in_reset = rst_left > 0
                || (run.resets.len() < n_resets && c >= next_at && n - host.frames_in() > 40 && {
                    let aim = AIMS[run.resets.len() % AIMS.len()];
                    let hit = match aim {
                        Aim::HostMidFrame => host.mid_frame(),
                        Aim::WireMidFrame => wire_mon.mid_frame(),
                        Aim::RxOutMidFrame => out_mon.mid_frame(),
                        Aim::InputStalled => stalled,
                        Aim::Any => true,
                    };
                    if hit {
                        // the epoch ends: check it, abandon what it began, restart at a frame boundary
                        run.checked += check_epoch(first, next, &outcomes, &wire, false)?;
                        rst_left = rng.range(1, 3);
                        run.resets.push((c, aim, rst_left));
                        (first, di) = (next, next);
                        host.restart_at(next);
                        wire.clear();
                        wire_mon = AxisMonitor::default();
                        out_mon = AxisMonitor::default();
                        tx_drops = TxDrops::default();
                        next_at = c + rng.range(200, 1500);
                    }
                    hit
                });
            uut.nic.rst.next = in_reset;
            if in_reset {
                // junk on every input: the core must ignore it
                rst_left -= 1;
                let junk = &cases[rng.range(0, n as u64 - 1) as usize];
                uut.desc.valid.next = rng.chance(0.5);
                set_desc(&mut uut.desc, &junk.1);
                uut.s_axis.tvalid.next = rng.chance(0.7);
                uut.s_axis.tdata.next = tdata_from_lanes::<W>(&(0..K).map(|_| rng.next_u64() as u8).collect::<Vec<_>>());
                uut.s_axis.tkeep.next = (rng.next_u64() & 0xFF).into();
                uut.s_axis.tlast.next = rng.chance(0.3);
                uut.m_axis.tready.next = rng.chance(0.5);
                if !simulate(&mut *uut, 400) {
                    return Err(format!("no convergence in cycle {c}"));
                }
                uut.clock.next = true.into();
                if !simulate(&mut *uut, 400) {
                    return Err(format!("no convergence in cycle {c}"));
                }
                c += 1;
                stalled = false;
                continue;
            }
            uut.desc.valid.next = di < n;
            if di < n {
                set_desc(&mut uut.desc, &cases[di].1);
            }
            let offered = host.drive(&mut uut.s_axis, true);
            let ready = !rng.chance(backpressure);
            uut.m_axis.tready.next = ready;
            if !simulate(&mut *uut, 400) {
                return Err(format!("no convergence in cycle {c}"));
            }
            let desc_fire = di < n && uut.desc.ready.val();
            let taken = host.take(&uut.s_axis);
            stalled = offered && taken.is_none();
            let on_wire = wire_mon.sample(&uut.nic.tx_m_axis, uut.nic.rx_s_axis.tready.val()).map_err(|e| format!("cycle {c}: TX {e}"))?;
            wire.extend(on_wire.frame);
            let mut rx_results = vec![];
            if let Some(f) = out_mon.sample(&uut.m_axis, ready).map_err(|e| format!("cycle {c}: RX {e}"))?.frame {
                let meta = uut.nic.rx_meta();
                // the tag: a frame of this epoch's cases, none begun before the reset
                let tag = (meta.vni >> 8) as usize;
                if tag == 0 || tag - 1 < first || tag - 1 >= di {
                    return Err(format!("cycle {c}: delivered a frame tagged case {} outside this epoch (cases {first}..{di})", tag as i64 - 1));
                }
                rx_results.push(Ok((f, meta)));
            }
            rx_results.extend(uut.nic.rx_drop().map_err(|e| e.to_string())?.map(Err));
            uut.clock.next = true.into();
            if !simulate(&mut *uut, 400) {
                return Err(format!("no convergence in cycle {c}"));
            }
            c += 1;
            if desc_fire {
                di += 1;
            }
            if let Some(t) = taken.filter(|t| t.last) {
                tx_drops.frame_in(c - 1, t.frame);
            }
            let dropped = tx_drops.step(c - 1, uut.nic.tx_drop_counts()).map_err(|e| format!("cycle {c}: {e}"))?;
            for (f, err) in dropped {
                if f < first || outcomes[f].is_some() {
                    return Err(format!("cycle {c}: a TX drop counter step no frame of this epoch explains"));
                }
                outcomes[f] = Some(Outcome::Tx(err));
            }
            for r in rx_results {
                match (first..di).find(|&i| outcomes[i].is_none()) {
                    Some(i) => outcomes[i] = Some(Outcome::Rx(r)),
                    None => return Err(format!("cycle {c}: an RX result no case of this epoch explains")),
                }
            }
            if host.done() && (first..n).all(|i| outcomes[i].is_some()) {
                idle_since += 1;
                // a few clocks more: nothing may come out that no case explains
                if idle_since > 100 {
                    break;
                }
            }
        }
        run.checked += check_epoch(first, n, &outcomes, &wire, true)?;
        run.last_epoch = n - first;
        // the counters count the last epoch's cases only
        let wants: Vec<Outcome> = golden[first..].iter().map(|g| g.1.clone()).collect();
        let (want_rx, want_tx) = drop_counts(&wants);
        let want_out = golden[first..].iter().filter(|g| g.0.is_some()).count() as u64;
        let rx = uut.nic.rx_counters();
        let tx_last = tx_drops.counts();
        if rx != want_rx || tx_last != want_tx || uut.nic.tx_frames_out.val().to_u64() != want_out {
            return Err(format!(
                "counters after the last reset: RX {rx:?} / golden {want_rx:?}; TX {tx_last:?} / golden {want_tx:?}; frames_out {} / golden {want_out}",
                uut.nic.tx_frames_out.val().to_u64()
            ));
        }
        Ok(run)
    }

    /// Issue 15's reset: random traffic through TX -> RX with `rst` asserted for 1..=3 clocks
    /// seven times a run, aimed mid-frame on the host side, mid-frame on the wire (in the RX
    /// ring), mid-frame on the RX output, while TX holds the host back, and anywhere; junk on
    /// the inputs during reset. Two seeds, RX output back-pressure 50 % and 40 %.
    #[test]
    fn resets_mid_traffic_leave_no_trace() {
        for (seed, bp) in [(21u64, 0.5), (22, 0.4)] {
            let cases = traffic(seed, 240);
            let r = run_with_resets(&cases, seed, bp, 7).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            let aims: Vec<Aim> = r.resets.iter().map(|x| x.1).collect();
            assert!(AIMS.iter().all(|a| aims.contains(a)), "seed {seed}: not every aim reached: {:?}", r.resets);
            assert_eq!(r.resets.len(), 7, "seed {seed}: {:?}", r.resets);
            assert!(r.last_epoch >= 40 && r.checked >= 100, "seed {seed}: {} checked, {} in the last epoch", r.checked, r.last_epoch);
            eprintln!("seed {seed}: resets {:?}; {} cases checked, {} after the last reset", r.resets, r.checked, r.last_epoch);
        }
    }

    /// The 1518-byte NIC (`NicTop64Std`, the iCE40 build) in loopback: `cases` as beats of
    /// their frames changed by `edit(i, beats)`.
    fn run_std(cases: &[(Vec<u8>, TxDescriptor)], drive: &LoopDrive, edit: &dyn Fn(usize, &mut Vec<Beat>)) -> LoopRun {
        use rco_hdl::width::w64::*;
        let beats: Vec<(Vec<Beat>, TxDescriptor)> = cases
            .iter()
            .enumerate()
            .map(|(i, (f, d))| {
                let mut b = packet_beats(f, K);
                edit(i, &mut b);
                (b, d.clone())
            })
            .collect();
        run_loop::<W, K, N, TX_A_STD, TX_HB, RX_AW_STD, RX_AB_STD, RX_Q>(&beats, drive, None).unwrap()
    }

    /// Golden host frames with CHECKSUM_PARTIAL descriptors asking for RCO, IPv4 outer.
    fn rco_cases(seed: u64, n: usize) -> Vec<(Vec<u8>, TxDescriptor)> {
        let cases: Vec<_> = traffic(seed, 4 * n)
            .into_iter()
            .filter(|(_, d)| d.partial)
            .take(n)
            .map(|(f, d)| {
                let d = TxDescriptor { partial: true, csum_start: d.csum_start, csum_offset: d.csum_offset, vni: 0x12_3456, rco: true, ..TxDescriptor::default() };
                (f, d)
            })
            .collect();
        assert_eq!(cases.len(), n);
        cases
    }

    /// 1518-byte loopback, RX output back-pressure 30 %, nopartial: RCO frames come out as the
    /// host frames with their checksums completed (RFC 1071), with RCO applied.
    #[test]
    fn std_rco_loopback_delivers_completed_checksums() {
        let cases = rco_cases(31, 8);
        let drive = LoopDrive { backpressure: 0.3, seed: 31, cfg: RxConfig { max_frame: MAX_FRAME_STD, ..loopback_config() }, ..LoopDrive::default() };
        let run = run_std(&cases, &drive, &|_, _| {});
        assert_eq!(check(&cases, &run, &drive.cfg), 0);
        for ((host, d), o) in cases.iter().zip(&run.outcomes) {
            let Outcome::Rx(Ok((got, meta))) = o else { panic!("{o:?}") };
            assert_eq!(against_host(host, d, got), None);
            assert_eq!((meta.vni, meta.rco, meta.rco_applied), (0x12_3456, true, true));
        }
        assert_eq!(run.tx_frames_out, cases.len() as u64);
    }

    /// `cfg_rco_tx` low: TX completes the checksum itself and RX sees no RCO; `remcsum_rx` low:
    /// RCO frames are counted RX drops; a frame shorter than an Ethernet header is a TX drop.
    #[test]
    fn std_rco_tx_disabled_sends_plain_vxlan_and_rx_disabled_drops_rco() {
        let cases = rco_cases(32, 2);
        let cfg = RxConfig { max_frame: MAX_FRAME_STD, ..loopback_config() };
        let drive = LoopDrive { backpressure: 0.3, seed: 32, cfg: cfg.clone(), rco_tx: false, ..LoopDrive::default() };
        let run = run_std(&cases, &drive, &|_, _| {});
        // golden: as if the descriptors did not ask for RCO
        let plain: Vec<_> = cases.iter().map(|(f, d)| (f.clone(), TxDescriptor { rco: false, ..d.clone() })).collect();
        assert_eq!(check(&plain, &run, &cfg), 0);
        for ((host, d), o) in cases.iter().zip(&run.outcomes) {
            let Outcome::Rx(Ok((got, meta))) = o else { panic!("{o:?}") };
            assert_eq!((against_host(host, d, got), meta.rco), (None, false));
        }
        let cfg = RxConfig { remcsum_rx: false, ..cfg };
        let drive = LoopDrive { cfg: cfg.clone(), ..drive };
        let run = run_std(&cases, &LoopDrive { rco_tx: true, ..drive.clone() }, &|_, _| {});
        assert_eq!(check(&cases, &run, &cfg), 0);
        assert!(run.outcomes.iter().all(|o| *o == Outcome::Rx(Err(DropReason::RcoNotEnabled))), "{:?}", run.outcomes);
        assert_eq!(run.rx_counters[DropReason::RcoNotEnabled.code()], 2);
        let runt = vec![(vec![1u8, 2, 3, 4, 5, 6, 7, 8, 9, 10], cases[0].1.clone())];
        let run = run_std(&runt, &LoopDrive { rco_tx: true, ..drive }, &|_, _| {});
        assert_eq!(run.outcomes, vec![Outcome::Tx(TxError::Truncated)]);
        assert_eq!(run.tx_counters, [1, 0, 0, 0]);
    }

    /// Host frames whose tkeep breaks the stream contract are TX `bad_keep` drops, counted once
    /// each; the frames between them go through TX and RX as golden says.
    #[test]
    fn std_tx_bad_keep_is_counted_and_the_next_frame_is_right() {
        let cases = rco_cases(33, 6);
        let cfg = RxConfig { max_frame: MAX_FRAME_STD, ..loopback_config() };
        let drive = LoopDrive { backpressure: 0.3, seed: 33, cfg: cfg.clone(), ..LoopDrive::default() };
        let run = run_std(&cases, &drive, &|i, b| {
            let n = b.len() - 1;
            match i {
                0 => b[2].keep = 0x0F,        // hole in a middle beat
                2 => b[n].keep = 0b1000_0001, // last beat not contiguous
                4 => b[n].keep = 0,           // last beat empty
                _ => {}
            }
        });
        for (i, ((host, d), o)) in cases.iter().zip(&run.outcomes).enumerate() {
            if i % 2 == 0 {
                assert_eq!(*o, Outcome::Tx(TxError::BadKeep), "case {i}");
            } else {
                assert_eq!(*o, golden_outcome(host, d, &cfg), "case {i}");
                let Outcome::Rx(Ok((got, _))) = o else { panic!("case {i}: {o:?}") };
                assert_eq!(against_host(host, d, got), None, "case {i}");
            }
        }
        assert_eq!(run.tx_counters, [0, 0, 0, 3]);
        assert_eq!(run.tx_frames_out, 3);
        assert!(run.rx_counters.iter().all(|c| *c == 0), "{:?}", run.rx_counters);
    }

    #[test]
    fn w64_short_run_with_backpressure() {
        let opts = SimOpts { packets: 30, seed: 3, width: 64, backpressure: 0.4, vcd: None, sized: None, rx_axi: false };
        let s = run(&opts).unwrap();
        assert_eq!(s.mismatches, 0, "{s}");
    }
}
