//! Cycle-level testbench of `rco_hdl::csum_engine::CsumEngine` against the golden
//! `csum_partial` / `fold` / `csum_fold`.
//!
//! The engine is driven directly (set inputs, `simulate()`, raise the clock, `simulate()`),
//! not through `simple_sim!`, which hands the circuit between threads every cycle and is
//! about 35x slower. The same [`Schedule`] (cycle-by-cycle stimulus and expected pulses)
//! feeds the Verilog cosimulation in [`crate::csum_cosim`].
//!
//! Traffic (seeded `SplitMix64`): 20% of packets 1..=64 bytes, 80% 1..=`max_len` (9216),
//! 2% all-zero and 2% all-0xFF payloads (sums 0x0000 and 0xFFFF); `start` anywhere in
//! `0..=len`; `end` 0xFFFF (to tlast) for half the packets, a random cut in `start..=len`
//! otherwise, and for half of the cut packets `end` is driven as 0xFFFF until the beat it
//! first affects (a parser that learns the length late). Between beats an idle run of
//! 1..=3 cycles with probability `idle_p`, between packets 1..=8 idle cycles with
//! probability 0.2, else back-to-back. During idle cycles every input carries junk.

use crate::{SimOpts, SimSummary};
use rco_golden::csum::{csum_fold, csum_partial, fold};
use rco_golden::rng::SplitMix64;
use rco_hdl::csum_engine::{latency, CsumEngine};
use rco_hdl::stream::{lane_mask, packet_beats, tdata_from_lanes};
use crate::tb::vcd::{with_vcd_file, Vcd};
use rust_hdl::prelude::*;
use std::io::Write;

/// Inputs driven during one clock cycle.
#[derive(Clone, Debug)]
pub struct Stim {
    pub valid: bool,
    pub last: bool,
    pub keep: u64,
    pub start: u16,
    pub end: u16,
    pub lanes: Vec<u8>,
}

/// An expected `sum_valid` pulse: in cycle `due`, `sum` and `csum` (from the golden model).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Expect {
    pub due: u64,
    pub sum: u16,
    pub csum: u16,
}

/// Stimulus for every cycle plus the pulses it must produce.
pub struct Schedule {
    pub bytes_per_beat: usize,
    pub cycles: Vec<Stim>,
    pub expect: Vec<Expect>,
    pub beats: u64,
}

/// Build a seeded schedule of `packets` packets for a `bytes_per_beat`-lane stream.
pub fn schedule(
    seed: u64,
    packets: usize,
    bytes_per_beat: usize,
    max_len: usize,
    idle_p: f64,
) -> Schedule {
    let k = bytes_per_beat;
    let mut rng = SplitMix64::new(seed);
    let mut cycles = Vec::new();
    let mut expect = Vec::new();
    let mut beats = 0u64;
    let junk = |rng: &mut SplitMix64| Stim {
        valid: false,
        last: rng.chance(0.5),
        keep: rng.next_u64() & lane_mask(k),
        start: rng.next_u64() as u16,
        end: rng.next_u64() as u16,
        lanes: rng.bytes(k),
    };
    for _ in 0..packets {
        let len = if rng.chance(0.2) {
            rng.range(1, 64)
        } else {
            rng.range(1, max_len as u64)
        } as usize;
        let pkt = if rng.chance(0.02) {
            vec![0u8; len]
        } else if rng.chance(0.02) {
            vec![0xFFu8; len]
        } else {
            rng.bytes(len)
        };
        let start = rng.range(0, len as u64) as usize;
        let (end, end_eff) = if rng.chance(0.5) {
            (0xFFFFusize, len)
        } else {
            let e = rng.range(start as u64, len as u64) as usize;
            (e, e)
        };
        let late_end = end != 0xFFFF && rng.chance(0.5);
        let sum32 = csum_partial(&pkt[start..end_eff], 0);
        let (sum, csum) = (fold(sum32), csum_fold(sum32));

        if rng.chance(0.2) {
            for _ in 0..rng.range(1, 8) {
                cycles.push(junk(&mut rng));
            }
        }
        for (i, b) in packet_beats(&pkt, k).into_iter().enumerate() {
            if i > 0 && rng.chance(idle_p) {
                for _ in 0..rng.range(1, 3) {
                    cycles.push(junk(&mut rng));
                }
            }
            // a late `end` is only needed from the first beat that holds byte `end - 1`
            let pos = i * k;
            let end_now = if late_end && pos + k <= end {
                0xFFFF
            } else {
                end
            };
            cycles.push(Stim {
                valid: true,
                last: b.last,
                keep: b.keep,
                start: start as u16,
                end: end_now as u16,
                lanes: b.data,
            });
            beats += 1;
        }
        expect.push(Expect {
            due: (cycles.len() - 1 + latency(8 * k)) as u64,
            sum,
            csum,
        });
    }
    Schedule {
        bytes_per_beat: k,
        cycles,
        expect,
        beats,
    }
}


/// Run the csum testbench at `opts.width`.
pub fn run(opts: &SimOpts) -> anyhow::Result<SimSummary> {
    with_width!(
        opts.width,
        run_w::<W, K, N>(opts),
        else anyhow::bail!("sim --block csum: width {} is not built (64, 128, 256 or 512)", opts.width)
    )
}

fn run_w<const W: usize, const K: usize, const N: usize>(
    opts: &SimOpts,
) -> anyhow::Result<SimSummary> {
    let sched = schedule(opts.seed, opts.packets, K, 9216, 0.05);
    let r = with_vcd_file(opts.vcd.as_deref(), |p| write_gtkw(p, W), |vcd| drive::<W, K, N>(&sched, vcd, u64::MAX))?;
    Ok(SimSummary {
        block: "csum".into(),
        packets: opts.packets,
        mismatches: r.mismatches,
        beats_per_cycle: if r.offered == 0 {
            0.0
        } else {
            r.accepted as f64 / r.offered as f64
        },
        cycles: r.cycles,
        drops: 0,
        steady_cycles_per_frame: None,
    })
}

/// What one run of the rust-hdl model saw.
#[derive(Debug, Default)]
pub struct DriveResult {
    pub cycles: u64,
    pub offered: u64,
    pub accepted: u64,
    pub pulses: usize,
    pub mismatches: usize,
    /// The first few mismatches, for messages.
    pub notes: Vec<String>,
}

/// Drive `sched` into a fresh engine, cycle by cycle, and compare every pulse with the
/// schedule's golden expectations. Errors on a timeout (a pulse missing `LATENCY + 64`
/// cycles after it was due, i.e. a hang) or a non-converging circuit. `max_cycles` caps
/// the run (benchmarks); a capped run does not count outstanding pulses as an error.
pub fn drive<const W: usize, const K: usize, const N: usize>(
    sched: &Schedule,
    vcd_out: Option<&mut dyn Write>,
    max_cycles: u64,
) -> anyhow::Result<DriveResult> {
    anyhow::ensure!(
        sched.bytes_per_beat == K,
        "schedule built for another width"
    );
    let mut uut = CsumEngine::<W, K, N>::new();
    uut.connect_all();
    rust_hdl::core::check_error::check_all(&uut)
        .map_err(|e| anyhow::anyhow!("csum engine check: {e:?}"))?;
    let mut vcd = Vcd::new(vcd_out, &uut);
    let bound =
        (sched.cycles.len() as u64 + CsumEngine::<W, K, N>::LATENCY as u64 + 64).min(max_cycles);
    let mut res = DriveResult::default();
    let mut next = 0usize; // next expected pulse
    let idle = Stim {
        valid: false,
        last: false,
        keep: 0,
        start: 0,
        end: 0,
        lanes: vec![0; K],
    };
    for c in 0..bound {
        let s = sched.cycles.get(c as usize).unwrap_or(&idle);
        uut.clock.next = false.into();
        uut.s_axis.tdata.next = tdata_from_lanes::<W>(&s.lanes);
        uut.s_axis.tkeep.next = s.keep.into();
        uut.s_axis.tvalid.next = s.valid;
        uut.s_axis.tlast.next = s.last;
        uut.s_axis.tuser.next = false;
        uut.csum_start.next = (s.start as u64).into();
        uut.csum_end.next = (s.end as u64).into();
        anyhow::ensure!(
            simulate(&mut uut, 100),
            "csum engine: no convergence in cycle {c}"
        );
        if s.valid {
            res.offered += 1;
            if uut.s_axis.tready.val() {
                res.accepted += 1;
            }
        }
        vcd.sample(c, false, &uut)?;
        uut.clock.next = true.into();
        anyhow::ensure!(
            simulate(&mut uut, 100),
            "csum engine: no convergence in cycle {c}"
        );
        res.cycles = c + 1;
        vcd.sample(c, true, &uut)?;
        // after this edge the outputs show cycle c + 1
        if uut.sum_valid.val() {
            res.pulses += 1;
            let got = (
                c + 1,
                uut.sum.val().to_u64() as u16,
                uut.csum.val().to_u64() as u16,
            );
            match sched.expect.get(next) {
                Some(e) if (e.due, e.sum, e.csum) == got => {}
                other => {
                    res.mismatches += 1;
                    if res.notes.len() < 5 {
                        res.notes.push(format!(
                            "pulse {next}: got (cycle, sum, csum) {got:?}, expected {other:?}"
                        ));
                    }
                }
            }
            next += 1;
        }
        if let Some(e) = sched.expect.get(next) {
            anyhow::ensure!(
                c < e.due + 64 || max_cycles != u64::MAX,
                "csum sim timeout: pulse {next} due in cycle {} missing at cycle {} (deadlock?)",
                e.due,
                c + 1
            );
        }
        if next >= sched.expect.len() && c as usize >= sched.cycles.len() {
            break;
        }
    }
    if max_cycles == u64::MAX && next < sched.expect.len() {
        anyhow::bail!(
            "csum sim timeout after {} cycles: {} of {} sums never came",
            res.cycles,
            sched.expect.len() - next,
            sched.expect.len()
        );
    }
    Ok(res)
}

/// GTKWave save file next to `vcd` (same stem, `.gtkw`) for the rust-hdl VCD.
fn write_gtkw(vcd: &std::path::Path, w: usize) -> anyhow::Result<()> {
    use rco_hdl::gtkw::{axis_traces, save_file, Fmt, Group};
    let t = |p: &str, f| (p.to_string(), f);
    let groups = [
        Group {
            name: "clock",
            traces: vec![t("uut.clock", Fmt::Bin)],
        },
        Group {
            name: "s_axis",
            traces: [axis_traces("uut.s_axis", ".", w), vec![t("uut.csum_start[15:0]", Fmt::Dec), t("uut.csum_end[15:0]", Fmt::Dec)]]
                .concat(),
        },
        Group {
            name: "pipeline",
            traces: vec![
                t("uut.pos.q[15:0]", Fmt::Dec),
                t("uut.rf.q[15:0]", Fmt::Hex),
                t("uut.acc.q[16:0]", Fmt::Hex),
                t("uut.done_t.q", Fmt::Bin),
                t("uut.tot.q[16:0]", Fmt::Hex),
            ],
        },
        Group {
            name: "sum",
            traces: vec![
                t("uut.sum_valid", Fmt::Bin),
                t("uut.sum[15:0]", Fmt::Hex),
                t("uut.csum[15:0]", Fmt::Hex),
            ],
        },
    ];
    let name = vcd
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    std::fs::write(vcd.with_extension("gtkw"), save_file(&name, &groups))?;
    Ok(())
}
