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

/// An outcome in a few words, for messages.
pub fn brief(o: &Outcome) -> String {
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
