//! Tests of the NIC top in loopback through `rco_sim::loopback_tb`: resets mid-traffic, the 1518-byte NIC.

use rco_golden::rng::SplitMix64;
use rco_golden::types::{DropReason, RxConfig, TxDescriptor, TxError};
use rco_hdl::nic_top::MAX_FRAME_STD;
use rco_hdl::stream::{packet_beats, tdata_from_lanes, Beat};
use rco_sim::loopback_tb::*;
use rco_sim::tb::axis::{AxisDriver, AxisMonitor};
use rco_sim::tb::desc::set_desc;
use rco_sim::tb::rx_ports::{RxCounters, RxPorts};
use rco_sim::tb::tx_drops::{TxDrops, TxPorts};
use rco_sim::SimOpts;
use rust_hdl::prelude::*;

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
