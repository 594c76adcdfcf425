//! Cosimulation of the exported checksum-engine Verilog with Icarus Verilog and Verilator,
//! from the same [`Schedule`] (and so the same golden sums) as the rust-hdl testbench.
//!
//! Files written into a work directory: `stim.hex` (one line per cycle:
//! `{4'b00 valid last, tkeep, start, end, tdata}`), `exp.hex` (one line per pulse:
//! `{due cycle[31:0], sum, csum}`), `tb.v` (sim/tb/csum_tb.v as it is, its parameters and
//! design module in `params.txt` for the runners: reads both with `$readmemh`, drives a beat
//! on every falling edge, checks `sum_valid`/`sum`/`csum` and the cycle of each pulse, and
//! replays the stimulus `repeat` times, which the benchmark uses for long runs; with `vcd`
//! it dumps `tb.vcd`). The testbench ends with `COSIM cycles=.. pulses=.. expected=.. errors=..`.

use crate::csum_tb::{Schedule, Stim};
use rco_hdl::csum_engine::latency;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// Outcome of one HDL simulator run.
#[derive(Debug, Clone)]
pub struct CosimRun {
    pub tool: &'static str,
    pub cycles: u64,
    pub pulses: u64,
    pub expected: u64,
    pub errors: u64,
    /// Wall time of the simulation itself (not compilation).
    pub sim_secs: f64,
    pub output: String,
}

impl CosimRun {
    pub fn cycles_per_sec(&self) -> f64 {
        self.cycles as f64 / self.sim_secs.max(1e-9)
    }
}

/// Write `stim.hex` and `exp.hex` for `sched` into `dir`; returns the stimulus length in
/// cycles (the schedule plus idle cycles that drain the pipeline before a replay).
pub fn write_vectors(dir: &Path, sched: &Schedule) -> anyhow::Result<usize> {
    let k = sched.bytes_per_beat;
    let idle = Stim {
        valid: false,
        last: false,
        keep: 0,
        start: 0,
        end: 0,
        lanes: vec![0; k],
    };
    let mut stim = String::with_capacity(sched.cycles.len() * (k * 2 + 16));
    let tail = std::iter::repeat_n(&idle, latency(8 * k) + 2);
    let mut n = 0;
    for s in sched.cycles.iter().chain(tail) {
        let ctrl = (s.valid as u8) << 1 | s.last as u8;
        stim.push_str(&format!(
            "{ctrl:01x}{:0kw$x}{:04x}{:04x}{}\n",
            s.keep,
            s.start,
            s.end,
            rco_hdl::stream::tdata_hex(&s.lanes),
            kw = k / 4
        ));
        n += 1;
    }
    let exp: String = sched
        .expect
        .iter()
        .map(|e| format!("{:08x}{:04x}{:04x}\n", e.due as u32, e.sum, e.csum))
        .collect();
    std::fs::write(dir.join("stim.hex"), stim)?;
    std::fs::write(dir.join("exp.hex"), exp)?;
    Ok(n)
}

/// The checksum engine's testbench (sim/tb/csum_tb.v): parameters `W`, `NSTIM`, `NEXP`,
/// `REPEAT`, `DUMP`; the design module is the define `DUT`.
pub const CSUM_TB: &str = include_str!("../tb/csum_tb.v");

/// The files the testbenches `` `include `` (sim/tb/*.vh), by name.
pub const TB_INCLUDES: [(&str, &str); 1] = [("desc_ports.vh", include_str!("../tb/desc_ports.vh"))];
/// The include path of every tool that reads a testbench: the work directory, where
/// [`write_includes`] puts [`TB_INCLUDES`].
pub const INCLUDE_ARG: &str = "-I.";

/// Write [`TB_INCLUDES`] into `dir`.
pub fn write_includes(dir: &Path) -> anyhow::Result<()> {
    for (name, text) in TB_INCLUDES {
        std::fs::write(dir.join(name), text)?;
    }
    Ok(())
}

/// Write the testbench `tb` as `tb.v`, with [`TB_INCLUDES`], and, for the runners,
/// `params.txt`: the design module `dut` (the define `DUT`) and the testbench parameters,
/// one `NAME VALUE` a line.
pub fn write_tb(dir: &Path, tb: &str, dut: &str, params: &[(&str, u64)]) -> anyhow::Result<()> {
    std::fs::write(dir.join("tb.v"), tb)?;
    write_includes(dir)?;
    let mut p = format!("DUT {dut}\n");
    for (n, v) in params {
        p.push_str(&format!("{n} {v}\n"));
    }
    std::fs::write(dir.join("params.txt"), p)?;
    Ok(())
}

/// Command-line arguments from `dir`'s `params.txt` for `tool`: `-DDUT=..`, and each
/// parameter as `-Ptb.N=V` (Icarus) or `-GN=V` (Verilator). None without the file.
pub fn tb_args(dir: &Path, tool: &str) -> anyhow::Result<Vec<String>> {
    let path = dir.join("params.txt");
    if !path.exists() {
        return Ok(vec![]);
    }
    let mut args = Vec::new();
    for line in std::fs::read_to_string(path)?.lines() {
        let (n, v) = line.split_once(' ').ok_or_else(|| anyhow::anyhow!("params.txt: {line:?}"))?;
        args.push(match (n, tool) {
            ("DUT", _) => format!("-DDUT={v}"),
            (_, "iverilog") => format!("-Ptb.{n}={v}"),
            _ => format!("-G{n}={v}"),
        });
    }
    Ok(args)
}

/// Write everything a run needs into `dir`: vectors, `tb.v`, the design (`dut.v`).
pub fn prepare(
    dir: &Path,
    verilog: &str,
    top: &str,
    width: usize,
    sched: &Schedule,
    repeat: usize,
    vcd: bool,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let n_stim = write_vectors(dir, sched)?;
    std::fs::write(dir.join("dut.v"), verilog)?;
    let params = [("W", width), ("NSTIM", n_stim), ("NEXP", sched.expect.len()), ("REPEAT", repeat), ("DUMP", vcd as usize)];
    write_tb(dir, CSUM_TB, top, &params.map(|(n, v)| (n, v as u64)))?;
    Ok(())
}

fn run(cmd: &mut Command, what: &str) -> anyhow::Result<(String, f64)> {
    let t = Instant::now();
    let out = cmd
        .output()
        .map_err(|e| anyhow::anyhow!("{what}: cannot start ({e})"))?;
    let secs = t.elapsed().as_secs_f64();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    anyhow::ensure!(
        out.status.success(),
        "{what} failed ({}):\n{text}",
        out.status
    );
    Ok((text, secs))
}

fn parse(tool: &'static str, text: String, sim_secs: f64) -> anyhow::Result<CosimRun> {
    let line = text
        .lines()
        .find(|l| l.starts_with("COSIM "))
        .ok_or_else(|| anyhow::anyhow!("{tool}: no COSIM summary line in output:\n{text}"))?;
    let field = |name: &str| -> anyhow::Result<u64> {
        let f = line
            .split_whitespace()
            .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
            .ok_or_else(|| anyhow::anyhow!("{tool}: no {name}= in {line:?}"))?;
        Ok(f.parse()?)
    };
    Ok(CosimRun {
        tool,
        cycles: field("cycles")?,
        pulses: field("pulses")?,
        expected: field("expected")?,
        errors: field("errors")?,
        sim_secs,
        output: text,
    })
}

/// Compile with `iverilog` and run with `vvp` in `dir` (prepared by [`prepare`]).
pub fn run_iverilog(dir: &Path) -> anyhow::Result<CosimRun> {
    run(
        Command::new("iverilog")
            .current_dir(dir)
            .args(["-g2005", "-s", "tb", "-o", "tb.vvp", INCLUDE_ARG])
            .args(tb_args(dir, "iverilog")?)
            .args(["tb.v", "dut.v"]),
        "iverilog",
    )?;
    let (text, secs) = run(
        Command::new("vvp").current_dir(dir).args(["-n", "tb.vvp"]),
        "vvp",
    )?;
    parse("iverilog", text, secs)
}

/// Build with `verilator --binary` (needs `--timing` for the testbench clock) and run.
pub fn run_verilator(dir: &Path) -> anyhow::Result<CosimRun> {
    run(
        Command::new("verilator").current_dir(dir).args([
            "--binary",
            "--timing",
            "-O3",
            "-Wno-fatal",
            "-Wno-lint",
            "-Wno-style",
            "--top-module",
            "tb",
            "-Mdir",
            "obj_dir",
            "-o",
            "Vtb",
            INCLUDE_ARG,
        ]).args(tb_args(dir, "verilator")?).args(["tb.v", "dut.v"]),
        "verilator --binary",
    )?;
    let (text, secs) = run(
        Command::new(dir.join("obj_dir/Vtb")).current_dir(dir),
        "Vtb",
    )?;
    parse("verilator", text, secs)
}

/// Run the simulation that [`run_iverilog`] or [`run_verilator`] (`tool`) built in `dir`
/// again without compiling it: the testbench reads its vector files when it starts, so a
/// changed `exp.hex` is seen.
pub fn rerun(dir: &Path, tool: &'static str) -> anyhow::Result<CosimRun> {
    let (text, secs) = match tool {
        "iverilog" => run(Command::new("vvp").current_dir(dir).args(["-n", "tb.vvp"]), "vvp")?,
        "verilator" => run(&mut Command::new(dir.join("obj_dir/Vtb")).current_dir(dir), "Vtb")?,
        t => anyhow::bail!("rerun: unknown tool {t}"),
    };
    parse(tool, text, secs)
}

/// Add 1 to the expected `sum` of pulse `j` in `dir`'s `exp.hex` (a wrong expectation that
/// the testbench must report).
pub fn mutate_expected_sum(dir: &Path, j: usize) -> anyhow::Result<()> {
    let path = dir.join("exp.hex");
    let text = std::fs::read_to_string(&path)?;
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let l = lines.get_mut(j).ok_or_else(|| anyhow::anyhow!("exp.hex has no pulse {j}"))?;
    let sum = u16::from_str_radix(&l[8..12], 16)?.wrapping_add(1);
    l.replace_range(8..12, &format!("{sum:04x}"));
    std::fs::write(path, lines.join("\n") + "\n")?;
    Ok(())
}

/// A fresh scratch directory under the system temp dir.
pub fn scratch_dir(tag: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let d = std::env::temp_dir().join(format!("rco_{tag}_{}_{nanos}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    d
}
