//! `sim --block tx`: golden host frames and descriptors (`rco_golden::vectors`) through the
//! TX hardware ([`crate::tx_model::drive`]), every outcome compared with golden `tx_encap`.
//!
//! Traffic (seeded): `gen_host_frame` (payload up to 1400 bytes) + `gen_descriptor`
//! (IPv4/IPv6 outer, 20% outer VLAN, 90% RCO, 90% outer UDP checksum), and per packet
//! with small probabilities the faults and corner cases golden treats specially:
//! 2% cut below 14 bytes (Truncated), 2% grown past `MAX_FRAME` (TooLong), 2% a
//! partial descriptor whose field lies past the end (BadDescriptor), 3% an odd
//! csum_start (no RCO: the NIC completes the inner checksum), 2% a 1-byte payload.
//! Input beats have 5% idle cycles between them; the sink holds `tready` low with
//! probability `--backpressure`.
//! With `--frame-size` the cases come from [`crate::sized::host_cases`] instead, offered
//! with no idle cycle.

use crate::sized::host_cases;
use crate::tx_model::{run_width, DriveOpts};
use crate::{SimOpts, SimSummary};
use rco_golden::rng::SplitMix64;
use rco_golden::tx::tx_encap;
use rco_golden::types::{TxDescriptor, DEFAULT_MAX_FRAME};
use rco_golden::vectors::{gen_descriptor, gen_host_frame};
use crate::tb::vcd::with_vcd_file;

/// Buffer size the testbench builds the block with (smaller than the CLI's 9216 so that
/// TooLong frames stay short to simulate).
pub const MAX_FRAME: usize = 2048;

/// Seeded cases as described in the module doc.
pub fn cases(seed: u64, packets: usize) -> Vec<(Vec<u8>, TxDescriptor)> {
    let mut rng = SplitMix64::new(seed);
    (0..packets)
        .map(|_| {
            let (mut f, p) = gen_host_frame(&mut rng, 1400);
            let mut d = gen_descriptor(&mut rng, p);
            let x = rng.range(0, 999);
            if x < 20 {
                f.truncate(rng.range(0, 13) as usize);
            } else if x < 40 {
                let lo = (MAX_FRAME + 1 - f.len().min(MAX_FRAME)) as u64;
                let extra = rng.range(lo, lo + 600) as usize;
                f.extend(rng.bytes(extra));
            } else if x < 60 && d.partial {
                d.csum_start = (f.len() as u64 - rng.range(0, 10)) as u16;
            } else if x < 90 && d.partial {
                d.csum_start = rng.range(0, (f.len() - d.csum_offset as usize - 2) as u64) as u16 | 1;
            }
            (f, d)
        })
        .collect()
}

/// Run the testbench.
pub fn run(opts: &SimOpts) -> anyhow::Result<SimSummary> {
    run_with(opts, crate::Engine::RustHdl)
}

/// [`run`] on the rust-hdl model or the exported Verilog under Verilator.
pub fn run_with(opts: &SimOpts, engine: crate::Engine) -> anyhow::Result<SimSummary> {
    // fixed-size traffic: every descriptor and beat offered back to back, full-size buffers
    let (cases, max_frame, idle) = match &opts.sized {
        Some(t) => (host_cases(opts.seed, opts.packets, t)?, DEFAULT_MAX_FRAME, 0.0),
        None => (cases(opts.seed, opts.packets), MAX_FRAME, 0.05),
    };
    let dopts = DriveOpts { max_frame, backpressure: opts.backpressure, idle, seed: opts.seed };
    let run = with_vcd_file(opts.vcd.as_deref(), |p| write_gtkw(p, opts.width), |vcd| match engine {
        crate::Engine::RustHdl => run_width(&cases, &dopts, opts.width, vcd),
        crate::Engine::Verilator => crate::vl_model::tx_run(&cases, &dopts, opts.width),
    })?;
    let mismatches = count_mismatches(&cases, &run.results, &|_, f, d| tx_encap(f, d, max_frame));
    Ok(SimSummary {
        block: "tx".into(),
        packets: cases.len(),
        mismatches,
        // the wire side; `cycles` (until the last frame is out) includes the fill
        beats_per_cycle: run.beats_per_cycle(),
        steady_cycles_per_frame: run.finished.cycles_per_frame(),
        cycles: run.cycles,
        drops: run.drops,
    })
}

type TxOutcome = Result<Vec<u8>, rco_golden::types::TxError>;

/// Cases whose hardware outcome (`results`, in case order) differs from `expect(i, frame,
/// descriptor)`, golden `tx_encap` in the bench; the first three are printed.
pub fn count_mismatches(cases: &[(Vec<u8>, TxDescriptor)], results: &[TxOutcome], expect: &dyn Fn(usize, &[u8], &TxDescriptor) -> TxOutcome) -> usize {
    let mut mismatches = 0;
    for (i, ((f, d), got)) in cases.iter().zip(results).enumerate() {
        let want = expect(i, f, d);
        if *got != want {
            mismatches += 1;
            if mismatches <= 3 {
                eprintln!("tx mismatch case {i}: desc {d:?}\n  got  {:?}\n  want {:?}", brief(got), brief(&want));
            }
        }
    }
    mismatches
}

fn brief(r: &TxOutcome) -> String {
    match r {
        Ok(f) => rco_golden::hex::encode(&f[..f.len().min(96)]),
        Err(e) => format!("drop {e}"),
    }
}

/// GTKWave save file next to the VCD for the rust-hdl VCD of `TxEncap`.
fn write_gtkw(vcd: &std::path::Path, w: usize) -> anyhow::Result<()> {
    use rco_hdl::gtkw::{axis_traces, save_file, Fmt, Group};
    let t = |p: &str, f| (p.to_string(), f);
    let groups = [
        Group { name: "clock", traces: vec![t("uut.clock", Fmt::Bin)] },
        Group {
            name: "desc",
            traces: vec![
                t("uut.desc.valid", Fmt::Bin),
                t("uut.desc.ready", Fmt::Bin),
                t("uut.desc.csum_start[15:0]", Fmt::Dec),
                t("uut.desc.ipv6", Fmt::Bin),
                t("uut.desc.vlan", Fmt::Bin),
            ],
        },
        Group {
            name: "s_axis",
            traces: axis_traces("uut.s_axis", ".", w),
        },
        Group {
            name: "m_axis",
            traces: axis_traces("uut.m_axis", ".", w),
        },
        Group {
            name: "counters",
            traces: vec![
                t("uut.drop_truncated[31:0]", Fmt::Dec),
                t("uut.drop_too_long[31:0]", Fmt::Dec),
                t("uut.drop_bad_desc[31:0]", Fmt::Dec),
                t("uut.drop_bad_keep[31:0]", Fmt::Dec),
                t("uut.frames_out[31:0]", Fmt::Dec),
            ],
        },
    ];
    let name = vcd.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    std::fs::write(vcd.with_extension("gtkw"), save_file(&name, &groups))?;
    Ok(())
}
