//! Cosimulation of the exported RX Verilog (`rco_rx_wN`) with Icarus Verilog or
//! Verilator. Compilation and the run itself use [`crate::csum_cosim`]'s runners
//! (`run_iverilog`, `run_verilator`: `tb.v` + `dut.v`, a `COSIM ...` summary line).
//!
//! Files in the work directory: `tb.v` (sim/tb/rx_tb.v as it is, with `params.txt`),
//! `stim.hex`, one line per input beat:
//! `{ctrl[3:0] = drain first last, port[15:0], flags[3:0] = remcsum_rx nopartial
//! udp_zero_csum6_rx 0, max_frame[15:0], tkeep, tdata}`; the testbench offers the beats
//! back-to-back to the ingress in AXI back-pressure mode (a beat marked `drain` waits until every earlier frame has come out, so
//! the configuration changes only when the design is idle), holds `m_axis.tready` low
//! at random with a given percentage, and logs every output beat (`B keep last data
//! vni rco applied start offset complete ok`), every drop (`D reason`) and, at the end,
//! the drop counters (`C index value`) to `events.txt`. [`read_events`] turns that log
//! back into per-frame results for comparison with the golden model.

use crate::rx_model::RxResult;
use rco_golden::types::{DropReason, RxConfig, RxMeta};
use rco_hdl::stream::{packet_beats, tdata_hex, Beat};
use std::path::Path;

/// Write `stim.hex`, `tb.v` and `dut.v` into `dir` for `jobs` at `width` bits.
/// `backpressure_pct`: percentage of cycles with `m_axis.tready` low; `max_cycles`: bound
/// after which the testbench reports a hang.
pub fn prepare(
    dir: &Path,
    verilog: &str,
    top: &str,
    width: usize,
    jobs: &[(Vec<u8>, RxConfig)],
    backpressure_pct: u32,
    max_cycles: u64,
    vcd: bool,
) -> anyhow::Result<()> {
    anyhow::ensure!(jobs.iter().all(|(f, _)| !f.is_empty()), "cosim: empty frame");
    let jobs: Vec<(Vec<Beat>, RxConfig)> = jobs.iter().map(|(f, c)| (packet_beats(f, width / 8), c.clone())).collect();
    prepare_beats(dir, verilog, top, width, &jobs, backpressure_pct, max_cycles, vcd)
}

/// [`prepare`] with every frame's beats given (any `tkeep`), `width / 8` lanes each.
#[allow(clippy::too_many_arguments)]
pub fn prepare_beats(
    dir: &Path,
    verilog: &str,
    top: &str,
    width: usize,
    jobs: &[(Vec<Beat>, RxConfig)],
    backpressure_pct: u32,
    max_cycles: u64,
    vcd: bool,
) -> anyhow::Result<()> {
    let k = width / 8;
    std::fs::create_dir_all(dir)?;
    let mut stim = String::new();
    let mut nb = 0usize;
    let mut prev: Option<&RxConfig> = None;
    for (beats, cfg) in jobs {
        anyhow::ensure!(cfg.max_frame <= 0xFFFF, "cosim: max_frame too large");
        anyhow::ensure!(!beats.is_empty() && beats.iter().all(|b| b.data.len() == k), "cosim: beats of {k} lanes");
        let drain = prev != Some(cfg);
        prev = Some(cfg);
        for (i, b) in beats.iter().enumerate() {
            let ctrl = ((drain && i == 0) as u8) << 2 | b.last as u8;
            let flags = (cfg.remcsum_rx as u8) << 3 | (cfg.nopartial as u8) << 2 | (cfg.udp_zero_csum6_rx as u8) << 1;
            stim.push_str(&format!(
                "{ctrl:01x}{:04x}{flags:01x}{:04x}{:0kw$x}{}\n",
                cfg.port,
                cfg.max_frame,
                b.keep,
                tdata_hex(&b.data),
                kw = k / 4
            ));
            nb += 1;
        }
    }
    std::fs::write(dir.join("stim.hex"), stim)?;
    std::fs::write(dir.join("dut.v"), verilog)?;
    anyhow::ensure!(rco_hdl::rx::NUM_DROP_REASONS == 14, "cosim: rx_tb.v connects 14 drop counters");
    let params = [("W", width as u64), ("NB", nb as u64), ("NFRAMES", jobs.len() as u64), ("BP", backpressure_pct as u64), ("MAXC", max_cycles), ("DUMP", vcd as u64)];
    crate::csum_cosim::write_tb(dir, RX_TB, top, &params)?;
    Ok(())
}

/// The RX testbench (sim/tb/rx_tb.v): parameters `W`, `NB`, `NFRAMES`, `BP`, `MAXC`, `DUMP`;
/// the design module is the define `DUT`. It connects the drop counters one by one.
pub const RX_TB: &str = include_str!("../tb/rx_tb.v");

/// Per-frame results and drop counters from `events.txt` in `dir`.
pub fn read_events(dir: &Path, width: usize) -> anyhow::Result<(Vec<RxResult>, Vec<u64>)> {
    let k = width / 8;
    let text = std::fs::read_to_string(dir.join("events.txt"))?;
    let mut results = Vec::new();
    let mut counters = vec![0u64; rco_hdl::rx::NUM_DROP_REASONS];
    let mut frame = Vec::new();
    let hex = |s: &str| u64::from_str_radix(s, 16).map_err(|e| anyhow::anyhow!("bad hex {s:?}: {e}"));
    for line in text.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        match f.as_slice() {
            ["B", keep, last, data, vni, rco, applied, start, offset, complete, ok] => {
                let keep = hex(keep)?;
                anyhow::ensure!(data.len() == 2 * k, "beat data {data:?}");
                for lane in 0..k {
                    if (keep >> lane) & 1 == 1 {
                        let at = 2 * (k - 1 - lane);
                        frame.push(u8::from_str_radix(&data[at..at + 2], 16)?);
                    }
                }
                if hex(last)? == 1 {
                    let meta = RxMeta {
                        vni: hex(vni)? as u32,
                        rco: hex(rco)? == 1,
                        rco_applied: hex(applied)? == 1,
                        csum_start: hex(start)? as u16,
                        csum_offset: hex(offset)? as u16,
                        csum_complete: hex(complete)? as u16,
                        outer_csum_ok: hex(ok)? == 1,
                    };
                    results.push(Ok((std::mem::take(&mut frame), meta)));
                }
            }
            ["D", r] => {
                let r: usize = r.parse()?;
                anyhow::ensure!(r < DropReason::ALL.len(), "drop code {r}");
                results.push(Err(DropReason::ALL[r]));
            }
            ["C", i, v] => counters[i.parse::<usize>()?] = v.parse()?,
            _ => anyhow::bail!("events.txt: unexpected line {line:?}"),
        }
    }
    Ok((results, counters))
}
