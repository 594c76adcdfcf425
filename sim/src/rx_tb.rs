//! `sim --block rx`: random VXLAN traffic through the RX hardware (`RxTop`), compared with
//! golden `rx_decap` (inner frames, metadata, drop reasons, per-reason counters). In MAC mode
//! (the default) frames dropped as `overflow` are the only ones golden does not predict;
//! [`crate::rx_model::account`] attributes them exactly.
//!
//! Traffic (seeded): golden TX output (`gen_host_frame` + `gen_descriptor` +
//! `tx_encap`: random VNIs, IPv4/IPv6 outer, VLAN or not, RCO or not), 70% good frames
//! with the default configuration, 30% one of golden's `RX_CASES` malformations (some
//! change the receiver configuration: the driver then drains the pipeline first).
//! Input is offered back-to-back; `beats_per_cycle` = accepted input beats / cycles in
//! which a beat was offered (with `--frame-size`, every clock from the first input beat to
//! the last); `cycles` runs until the last frame is out. Optional `m_axis.tready`
//! back-pressure. With `--frame-size` ([`sized_traffic`]) the frames are fixed-size good
//! frames instead.

use crate::rx_model::{account, run_width, Drive, RxResult};
use crate::sized::{host_cases, SizedTraffic};
use crate::{SimOpts, SimSummary};
use rco_golden::rng::SplitMix64;
use rco_golden::rx::rx_decap;
use rco_golden::tx::tx_encap;
use rco_golden::types::{RxConfig, DEFAULT_MAX_FRAME};
use rco_golden::vectors::{gen_descriptor, gen_host_frame, malform, RX_CASES};
use crate::tb::vcd::with_vcd_file;

/// `(frame, config)` jobs and golden's expected results.
pub fn traffic(seed: u64, packets: usize) -> (Vec<(Vec<u8>, RxConfig)>, Vec<RxResult>) {
    let mut rng = SplitMix64::new(seed);
    let mut jobs = Vec::with_capacity(packets);
    let mut expect = Vec::with_capacity(packets);
    while jobs.len() < packets {
        let (inner, partial) = gen_host_frame(&mut rng, 1400);
        let desc = gen_descriptor(&mut rng, partial);
        let Ok(outer) = tx_encap(&inner, &desc, DEFAULT_MAX_FRAME) else { continue };
        let mut frame = outer;
        let mut cfg = RxConfig::default();
        if rng.chance(0.3) {
            let case = RX_CASES[rng.range(0, RX_CASES.len() as u64 - 1) as usize];
            malform(&mut rng, case, &mut frame, &desc, &mut cfg);
        }
        if frame.is_empty() {
            continue; // a truncation to 0 bytes is no frame on an AXI stream
        }
        expect.push(rx_decap(&frame, &cfg));
        jobs.push((frame, cfg));
    }
    (jobs, expect)
}

/// Fixed-size traffic ([`crate::sized`]): the golden TX output of its host frames, back to
/// back under the default receiver configuration (so `tvalid` never drops).
pub fn sized_traffic(seed: u64, packets: usize, t: &SizedTraffic) -> anyhow::Result<(Vec<(Vec<u8>, RxConfig)>, Vec<RxResult>)> {
    let cfg = RxConfig::default();
    let mut jobs = Vec::with_capacity(packets);
    let mut expect = Vec::with_capacity(packets);
    for (inner, desc) in host_cases(seed, packets, t)? {
        let outer = tx_encap(&inner, &desc, cfg.max_frame).map_err(|e| anyhow::anyhow!("golden tx_encap: {e}"))?;
        expect.push(rx_decap(&outer, &cfg));
        jobs.push((outer, cfg.clone()));
    }
    Ok((jobs, expect))
}

pub fn run(opts: &SimOpts) -> anyhow::Result<SimSummary> {
    run_with(opts, crate::Engine::RustHdl)
}

/// [`run`] on the rust-hdl model or the exported Verilog under Verilator.
pub fn run_with(opts: &SimOpts, engine: crate::Engine) -> anyhow::Result<SimSummary> {
    let (jobs, expect) = match &opts.sized {
        Some(t) => sized_traffic(opts.seed, opts.packets, t)?,
        None => traffic(opts.seed, opts.packets),
    };
    let drive = Drive { backpressure: opts.backpressure, seed: opts.seed, mac: !opts.rx_axi };
    let run = with_vcd_file(opts.vcd.as_deref(), |p| write_gtkw(p, opts.width), |vcd| match engine {
        crate::Engine::RustHdl => run_width(&jobs, opts.width, &drive, vcd),
        crate::Engine::Verilator => crate::vl_model::rx_run(&jobs, opts.width, &drive),
    })?;
    let (errs, _) = account(&expect, &run);
    for (i, what) in errs.iter().take(5) {
        eprintln!("rx packet {i}: {what}");
    }
    let mismatches = errs.len();
    Ok(SimSummary {
        block: "rx".into(),
        packets: jobs.len(),
        mismatches,
        // the wire side; `cycles` (until the last frame is out) shows whether the egress kept up
        beats_per_cycle: if run.offered > 0 { run.accepted as f64 / run.offered as f64 } else { 0.0 },
        steady_cycles_per_frame: run.finished.cycles_per_frame(),
        cycles: run.cycles,
        drops: run.counters.iter().sum(),
    })
}

/// GTKWave save file next to `vcd` for the RX block's main signals.
fn write_gtkw(vcd: &std::path::Path, w: usize) -> anyhow::Result<()> {
    use rco_hdl::gtkw::{axis_traces, save_file, Fmt, Group};
    let t = |p: &str, f| (p.to_string(), f);
    let groups = [
        Group { name: "clock", traces: vec![t("uut.clock", Fmt::Bin)] },
        Group {
            name: "s_axis",
            traces: axis_traces("uut.s_axis", ".", w),
        },
        Group {
            name: "decision",
            traces: vec![
                t("uut.front.d_valid", Fmt::Bin),
                t("uut.front.d_deliver", Fmt::Bin),
                t("uut.front.d_reason[3:0]", Fmt::Dec),
                t("uut.front.d_inner_len[15:0]", Fmt::Dec),
                t("uut.front.f_nocredit", Fmt::Bin),
            ],
        },
        Group {
            name: "m_axis",
            traces: [
                axis_traces("uut.m_axis", ".", w),
                vec![
                    t("uut.m_vni[23:0]", Fmt::Hex),
                    t("uut.m_csum_complete[15:0]", Fmt::Hex),
                    t("uut.m_rco_applied", Fmt::Bin),
                    t("uut.drop_valid", Fmt::Bin),
                    t("uut.drop_reason[3:0]", Fmt::Dec),
                ],
            ]
            .concat(),
        },
    ];
    let name = vcd.file_name().and_then(|n| n.to_str()).unwrap_or("rx.vcd");
    std::fs::write(vcd.with_extension("gtkw"), save_file(name, &groups))?;
    Ok(())
}
