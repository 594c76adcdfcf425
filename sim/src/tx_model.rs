//! Cycle-by-cycle driver of `rco_hdl::tx::TxEncap`: golden `TxDescriptor`s and host
//! frames in, outer frames and counted drops out. `encap --model hw` ([`encap_batch`]) and
//! the `sim --block tx` testbench ([`crate::tx_tb`]) both run the design through [`drive`].
//!
//! The block is driven directly (inputs, `simulate`, clock edge, `simulate`), as in
//! [`crate::csum_tb`]. The descriptor and the frame are offered on their own channels at
//! the same time (the block takes the descriptor with the frame's first beat). A drop counter
//! steps exactly [`DROP_LATENCY`] clocks after the dropped frame's last beat went in, which
//! is how a drop is matched to its frame.

use rco_golden::types::{TxDescriptor, TxError};
use rco_golden::wire::IpAddrs;
use rco_hdl::stream::{lane_mask, packet_beats, tdata_from_lanes, Beat};
use rco_hdl::tx::ingress::DROP_LATENCY;
use rco_hdl::tx::desc::TxDescSink;
use rco_hdl::tx::TxEncap;
use rust_hdl::prelude::*;
use std::io::Write;

/// What a run of the design produced, per case in input order, plus cycle statistics.
#[derive(Debug, Default)]
pub struct TxRun {
    pub results: Vec<Result<Vec<u8>, TxError>>,
    pub cycles: u64,
    /// Output beats accepted by the sink.
    pub out_beats: u64,
    /// Cycles from the first to the last output beat in which the sink was ready.
    pub busy_ready_cycles: u64,
    pub drops: u64,
    /// When each output frame's last beat left.
    pub finished: crate::Cadence,
}

impl TxRun {
    /// Output beats per cycle while the output had work and the sink was ready.
    pub fn beats_per_cycle(&self) -> f64 {
        if self.busy_ready_cycles == 0 {
            0.0
        } else {
            self.out_beats as f64 / self.busy_ready_cycles as f64
        }
    }
}

/// Options of one run.
#[derive(Clone, Debug)]
pub struct DriveOpts {
    pub max_frame: usize,
    /// Probability that the sink holds `m_axis.tready` low in a cycle.
    pub backpressure: f64,
    /// Probability of an idle cycle between two input beats.
    pub idle: f64,
    pub seed: u64,
}

/// Largest `max_frame` the built RAM sizes hold (two frames per buffer).
pub const MAX_FRAME_LIMIT: usize = rco_golden::types::DEFAULT_MAX_FRAME;

/// Run `cases` through the TX hardware at `width` bits (64/128/256/512), no
/// back-pressure: the `encap --model hw` entry point.
pub fn encap_batch(
    cases: &[(Vec<u8>, TxDescriptor)],
    max_frame: usize,
    width: usize,
) -> anyhow::Result<Vec<Result<Vec<u8>, TxError>>> {
    let opts = DriveOpts { max_frame, backpressure: 0.0, idle: 0.0, seed: 1 };
    Ok(run_width(cases, &opts, width, None)?.results)
}

/// Dispatch on the data width.
pub fn run_width(
    cases: &[(Vec<u8>, TxDescriptor)],
    opts: &DriveOpts,
    width: usize,
    vcd: Option<&mut dyn Write>,
) -> anyhow::Result<TxRun> {
    anyhow::ensure!(
        (14..=MAX_FRAME_LIMIT).contains(&opts.max_frame),
        "max_frame {} outside 14..={MAX_FRAME_LIMIT}",
        opts.max_frame
    );
    with_width!(
        width,
        drive::<W, K, N, TX_A, TX_HB>(cases, opts, vcd),
        else anyhow::bail!("tx hardware: width {width} is not built (64, 128, 256 or 512)")
    )
}

/// As [`run_width`] with the input beats given explicitly (any `tkeep`, e.g. holes that a
/// byte string cannot express); beats have `width / 8` lanes.
pub fn run_width_beats(
    cases: &[(Vec<Beat>, TxDescriptor)],
    opts: &DriveOpts,
    width: usize,
) -> anyhow::Result<TxRun> {
    anyhow::ensure!(
        (14..=MAX_FRAME_LIMIT).contains(&opts.max_frame),
        "max_frame {} outside 14..={MAX_FRAME_LIMIT}",
        opts.max_frame
    );
    anyhow::ensure!(
        cases.iter().all(|(b, _)| !b.is_empty() && b.iter().all(|x| x.data.len() * 8 == width)),
        "tx hardware: beats of {} lanes",
        width / 8
    );
    with_width!(
        width,
        drive_beats::<W, K, N, TX_A, TX_HB>(cases, opts, None),
        else anyhow::bail!("tx hardware: width {width} is not built (64, 128, 256 or 512)")
    )
}

/// Lane-order bits of a byte string (wire byte 0 in bits 7:0), zero-extended to `B` bits.
fn lane_bits<const B: usize>(bytes: &[u8]) -> Bits<B> {
    let mut v = bytes.to_vec();
    v.resize(B / 8, 0);
    tdata_from_lanes::<B>(&v)
}

/// Put descriptor `d` on a descriptor port (valid is driven separately).
pub fn set_desc(s: &mut TxDescSink, d: &TxDescriptor) {
    s.partial.next = d.partial;
    s.csum_start.next = (d.csum_start as u64).into();
    s.csum_offset.next = (d.csum_offset as u64).into();
    s.vni.next = ((d.vni & 0xFF_FFFF) as u64).into();
    s.dst_mac.next = lane_bits::<48>(&d.outer_dst_mac);
    s.src_mac.next = lane_bits::<48>(&d.outer_src_mac);
    s.vlan.next = d.outer_vlan.is_some();
    s.vlan_tci.next = (d.outer_vlan.unwrap_or(0) as u64).into();
    let (v6, src, dst): (bool, &[u8], &[u8]) = match &d.outer_ip {
        IpAddrs::Ipv4 { src, dst } => (false, src, dst),
        IpAddrs::Ipv6 { src, dst } => (true, src, dst),
    };
    s.ipv6.next = v6;
    s.src_ip.next = lane_bits::<128>(src);
    s.dst_ip.next = lane_bits::<128>(dst);
    s.udp_sport.next = (d.udp_src_port as u64).into();
    s.udp_dport.next = (d.udp_dst_port as u64).into();
    s.ttl.next = (d.ttl as u64).into();
    s.ip_id.next = (d.ip_id as u64).into();
    s.flow_label.next = ((d.flow_label & 0xF_FFFF) as u64).into();
    s.rco.next = d.rco;
    s.udp_csum.next = d.udp_csum;
}

/// Beats of a host frame; an empty frame is one beat with no lanes kept.
fn frame_beats(f: &[u8], k: usize) -> Vec<Beat> {
    if f.is_empty() {
        vec![Beat { data: vec![0; k], keep: 0, last: true }]
    } else {
        packet_beats(f, k)
    }
}

/// Simulated time of one clock period in the VCD (ps): 156.25 MHz.
const PERIOD_PS: u64 = 6400;
/// Cycles of the VCD a run writes at most.
pub const VCD_MAX_CYCLES: u64 = 20_000;
/// Cycles without any handshake after which a run is declared deadlocked.
const STALL_LIMIT: u64 = 20_000;

/// Run `cases` through a fresh `TxEncap<W, K, N, A, HB>` and attribute every output frame
/// and every drop to its case. Errors on deadlock (no handshake for `STALL_LIMIT` cycles
/// with work outstanding), a cycle bound, or a circuit that does not settle.
pub fn drive<const W: usize, const K: usize, const N: usize, const A: usize, const HB: usize>(
    cases: &[(Vec<u8>, TxDescriptor)],
    opts: &DriveOpts,
    vcd_out: Option<&mut dyn Write>,
) -> anyhow::Result<TxRun> {
    let cases: Vec<(Vec<Beat>, TxDescriptor)> = cases.iter().map(|(f, d)| (frame_beats(f, K), d.clone())).collect();
    drive_beats::<W, K, N, A, HB>(&cases, opts, vcd_out)
}

/// [`drive`] with the input beats of every case given (`K` lanes each).
pub fn drive_beats<const W: usize, const K: usize, const N: usize, const A: usize, const HB: usize>(
    cases: &[(Vec<Beat>, TxDescriptor)],
    opts: &DriveOpts,
    vcd_out: Option<&mut dyn Write>,
) -> anyhow::Result<TxRun> {
    let mut uut = TxEncap::<W, K, N, A, HB>::new(opts.max_frame);
    uut.connect_all();
    rust_hdl::core::check_error::check_all(&uut)
        .map_err(|e| anyhow::anyhow!("tx_encap check: {e:?}"))?;
    let mut vcd = vcd_out.map(|w| write_vcd_dump(write_vcd_header(w, &uut), &uut));
    let mut rng = rco_golden::rng::SplitMix64::new(opts.seed ^ 0x7458_656E_6361_7053);

    let beats: Vec<&Vec<Beat>> = cases.iter().map(|(b, _)| b).collect();
    let total_in: u64 = beats.iter().map(|b| b.len() as u64).sum();
    let bound = 10_000
        + (40 * cases.len() as u64 + 4 * total_in) * if opts.backpressure > 0.0 { (1.0 / (1.0 - opts.backpressure)).ceil() as u64 + 1 } else { 1 };

    let n = cases.len();
    let (mut di, mut fi, mut bi) = (0usize, 0usize, 0usize); // next desc, frame, beat
    let mut outcome: Vec<Option<Result<(), TxError>>> = vec![None; n];
    let mut frames: Vec<Vec<u8>> = Vec::new();
    let mut cur: Vec<u8> = Vec::new();
    let mut run = TxRun::default();
    let mut last_counts = [0u64; 4];
    // the frame whose last beat went in at each cycle
    let mut last_beat_at: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    let (mut first_out, mut last_out) = (None::<u64>, 0u64);
    let mut ready_hist: Vec<bool> = Vec::new();
    let mut last_progress = 0u64;
    let mut idle_now = false;
    let zero_w = tdata_from_lanes::<W>(&vec![0u8; K]);

    for c in 0..bound {
        let done_cases = outcome.iter().filter(|o| o.is_some()).count();
        if done_cases == n && fi == n && cur.is_empty() {
            break;
        }
        // inputs for this cycle
        uut.clock.next = false.into();
        uut.desc.valid.next = di < n;
        if di < n {
            set_desc(&mut uut.desc, &cases[di].1);
        }
        let offer = fi < n && !idle_now;
        uut.s_axis.tvalid.next = offer;
        if fi < n {
            let b = &beats[fi][bi];
            uut.s_axis.tdata.next = tdata_from_lanes::<W>(&b.data);
            uut.s_axis.tkeep.next = b.keep.into();
            uut.s_axis.tlast.next = b.last;
        } else {
            uut.s_axis.tdata.next = zero_w;
            uut.s_axis.tkeep.next = 0.into();
            uut.s_axis.tlast.next = false;
        }
        uut.s_axis.tuser.next = false;
        let sink_ready = !(opts.backpressure > 0.0 && rng.chance(opts.backpressure));
        uut.m_axis.tready.next = sink_ready;
        anyhow::ensure!(simulate(&mut uut, 200), "tx_encap: no convergence in cycle {c}");

        // handshakes seen before the edge
        let desc_fire = di < n && uut.desc.ready.val();
        let in_fire = offer && uut.s_axis.tready.val();
        let out_fire = uut.m_axis.tvalid.val() && sink_ready;
        if out_fire {
            let keep = uut.m_axis.tkeep.val().to_u64() & lane_mask(K);
            let data = uut.m_axis.tdata.val();
            for lane in 0..K {
                if keep >> lane & 1 == 1 {
                    let mut byte = 0u8;
                    for bit in 0..8 {
                        byte |= (data.get_bit(8 * lane + bit) as u8) << bit;
                    }
                    cur.push(byte);
                }
            }
            run.out_beats += 1;
            first_out.get_or_insert(c);
            last_out = c;
            if uut.m_axis.tlast.val() {
                frames.push(std::mem::take(&mut cur));
                run.finished.mark(c);
            }
        }
        ready_hist.push(sink_ready);
        if c < VCD_MAX_CYCLES {
            if let Some(v) = vcd.as_mut() {
                v.timestamp(c * PERIOD_PS)?;
            }
            vcd = vcd.map(|v| write_vcd_change(v, &uut));
        }
        uut.clock.next = true.into();
        anyhow::ensure!(simulate(&mut uut, 200), "tx_encap: no convergence in cycle {c}");
        if c < VCD_MAX_CYCLES {
            if let Some(v) = vcd.as_mut() {
                v.timestamp(c * PERIOD_PS + PERIOD_PS / 2)?;
            }
            vcd = vcd.map(|v| write_vcd_change(v, &uut));
        }
        run.cycles = c + 1;

        if desc_fire {
            di += 1;
        }
        if in_fire {
            bi += 1;
            if bi == beats[fi].len() {
                last_beat_at.insert(c, fi);
                fi += 1;
                bi = 0;
            }
        }
        idle_now = opts.idle > 0.0 && rng.chance(opts.idle);
        // drops: the frame whose last beat went in DROP_LATENCY clocks ago
        let counts = [
            uut.drop_truncated.val().to_u64(),
            uut.drop_too_long.val().to_u64(),
            uut.drop_bad_desc.val().to_u64(),
            uut.drop_bad_keep.val().to_u64(),
        ];
        for (i, err) in [TxError::Truncated, TxError::TooLong, TxError::BadDescriptor, TxError::BadKeep]
            .into_iter()
            .enumerate()
        {
            if counts[i] != last_counts[i] {
                anyhow::ensure!(counts[i] == last_counts[i] + 1, "drop counter jumped");
                let at = c.checked_sub(DROP_LATENCY as u64).and_then(|t| last_beat_at.get(&t).copied());
                let Some(f) = at else { anyhow::bail!("a drop in cycle {c} with no frame ending {DROP_LATENCY} clocks before") };
                anyhow::ensure!(outcome[f].is_none(), "two outcomes for case {f}");
                outcome[f] = Some(Err(err));
                run.drops += 1;
            }
        }
        last_counts = counts;
        // output frames belong, in order, to the cases that were not dropped
        while frames.len() > outcome.iter().filter(|o| matches!(o, Some(Ok(())))).count() {
            let next = outcome.iter().position(|o| o.is_none());
            match next {
                Some(i) if i < di => outcome[i] = Some(Ok(())),
                _ => anyhow::bail!("tx_encap: an output frame that no accepted packet explains"),
            }
        }
        if desc_fire || in_fire || out_fire {
            last_progress = c;
        }
        anyhow::ensure!(
            c - last_progress < STALL_LIMIT,
            "tx_encap deadlock: no handshake for {STALL_LIMIT} cycles at cycle {c} \
             ({di} descriptors, {fi} frames in, {} out)",
            frames.len()
        );
    }
    let done_cases = outcome.iter().filter(|o| o.is_some()).count();
    anyhow::ensure!(
        done_cases == n && cur.is_empty(),
        "tx_encap timeout after {} cycles: {} of {n} packets accounted for",
        run.cycles,
        done_cases
    );
    if let Some(f) = first_out {
        run.busy_ready_cycles = ready_hist[f as usize..=last_out as usize].iter().filter(|r| **r).count() as u64;
    }
    let mut frames = frames.into_iter();
    run.results = outcome
        .into_iter()
        .map(|o| match o {
            Some(Ok(())) => Ok(frames.next().expect("counted above")),
            Some(Err(e)) => Err(e),
            None => unreachable!("checked above"),
        })
        .collect();
    Ok(run)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rco_golden::rng::SplitMix64;
    use rco_golden::tx::tx_encap;
    use rco_golden::vectors::{gen_descriptor, gen_host_frame};

    fn golden_cases(seed: u64, n: usize) -> Vec<(Vec<u8>, TxDescriptor)> {
        let mut rng = SplitMix64::new(seed);
        (0..n)
            .map(|_| {
                let (f, p) = gen_host_frame(&mut rng, 300);
                let d = gen_descriptor(&mut rng, p);
                (f, d)
            })
            .collect()
    }

    fn check(width: usize, seed: u64, n: usize, bp: f64) {
        let cases = golden_cases(seed, n);
        let opts = DriveOpts { max_frame: 2048, backpressure: bp, idle: 0.1, seed };
        let run = run_width(&cases, &opts, width, None).unwrap();
        for (i, ((f, d), got)) in cases.iter().zip(&run.results).enumerate() {
            let want = tx_encap(f, d, 2048);
            assert_eq!(got, &want, "case {i} at W={width}: {d:?}");
        }
    }

    #[test]
    fn w64_matches_golden() {
        check(64, 11, 40, 0.0);
    }

    #[test]
    fn w64_backpressure_matches_golden() {
        check(64, 12, 30, 0.4);
    }

    #[test]
    fn w128_matches_golden() {
        check(128, 13, 30, 0.2);
    }

    #[test]
    fn w256_matches_golden() {
        check(256, 14, 20, 0.2);
    }

    #[test]
    fn w512_matches_golden() {
        check(512, 15, 12, 0.2);
    }
}
