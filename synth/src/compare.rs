//! Side-by-side synthesis of the project's checksum engine and an external checksum module
//! (Corundum's `rx_checksum.v`, say) through the same flow: the same IO shell around both
//! ([`crate::shell`]), Yosys and nextpnr as in [`crate::flow`], at each width and nextpnr
//! seed. Per width it reports the medians over the seeds of LUTs and FFs with the shell's
//! own cost subtracted, Fmax and the line rate at one beat per clock (`rco-nic
//! synth-compare`, `scripts/csum-compare.sh`).

use crate::flow::{synth, CriticalPath, External, SynthOpts, SynthReport, Target};
use rco_export::Design;
use anyhow::Result;
use serde::Serialize;
use std::path::PathBuf;

/// What to compare.
#[derive(Clone, Debug)]
pub struct CompareOpts {
    pub target: Target,
    /// ECP5 speed grade.
    pub speed: u8,
    pub widths: Vec<usize>,
    /// nextpnr seeds; the figures are medians over them.
    pub seeds: Vec<u64>,
    pub external: External,
}

/// One place-and-route run of one side.
#[derive(Clone, Debug, Serialize)]
pub struct Run {
    pub seed: u64,
    /// Design LUTs (nextpnr's `TRELLIS_COMB` minus the shell's).
    pub luts: u64,
    /// Design FFs (minus the shell's).
    pub ffs: u64,
    pub fmax_mhz: f64,
    pub critical_path: Option<CriticalPath>,
    pub netlist_reused: bool,
}

/// One design at one width: every run and the medians.
#[derive(Clone, Debug, Serialize)]
pub struct Side {
    pub module: String,
    pub runs: Vec<Run>,
    pub shell_luts: usize,
    pub shell_ffs: usize,
    pub luts: u64,
    pub ffs: u64,
    pub fmax_mhz: f64,
    pub line_rate_gbps: f64,
    /// The synthesis commands as run (from the last run's work folder).
    pub commands: Vec<String>,
    pub work_dir: String,
}

/// Both designs at one width.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    pub width: usize,
    pub ours: Side,
    pub theirs: Side,
}

/// The whole comparison (written as JSON by `synth-compare --json`).
#[derive(Clone, Debug, Serialize)]
pub struct Comparison {
    pub target: String,
    pub part: String,
    pub seeds: Vec<u64>,
    pub external_path: String,
    pub external_top: String,
    pub external_params: Vec<(String, String)>,
    /// `git describe --always --dirty` of the working folder, if it is a checkout.
    pub commit: String,
    pub tools: std::collections::BTreeMap<String, String>,
    pub rows: Vec<Row>,
}

/// Median of `v` (mean of the two middle values for an even count).
pub fn median(v: &[f64]) -> f64 {
    assert!(!v.is_empty(), "median of nothing");
    let mut s = v.to_vec();
    s.sort_by(|a, b| a.total_cmp(b));
    let n = s.len();
    if n % 2 == 1 {
        s[n / 2]
    } else {
        (s[n / 2 - 1] + s[n / 2]) / 2.0
    }
}

fn side(width: usize, reports: &[(u64, SynthReport)]) -> Side {
    let runs: Vec<Run> = reports
        .iter()
        .map(|(seed, r)| Run {
            seed: *seed,
            luts: r.luts.saturating_sub(r.shell.luts as u64),
            ffs: r.ffs.saturating_sub(r.shell.ffs as u64),
            fmax_mhz: r.fmax_mhz,
            critical_path: r.critical_path.clone(),
            netlist_reused: r.netlist_reused,
        })
        .collect();
    let med = |f: &dyn Fn(&Run) -> f64| median(&runs.iter().map(f).collect::<Vec<_>>());
    let fmax = med(&|r| r.fmax_mhz);
    let last = &reports.last().expect("at least one seed").1;
    Side {
        module: last.module.clone(),
        shell_luts: last.shell.luts,
        shell_ffs: last.shell.ffs,
        luts: med(&|r| r.luts as f64).round() as u64,
        ffs: med(&|r| r.ffs as f64).round() as u64,
        fmax_mhz: fmax,
        line_rate_gbps: width as f64 * fmax / 1000.0,
        commands: last.commands.clone(),
        work_dir: last.work_dir.clone(),
        runs,
    }
}

/// Run both designs at every width and seed; `progress` gets one line per run.
pub fn compare(opts: &CompareOpts, progress: &mut dyn FnMut(&str)) -> Result<Comparison> {
    anyhow::ensure!(!opts.seeds.is_empty() && !opts.widths.is_empty(), "no seeds or widths");
    let mut rows = vec![];
    let mut tools = Default::default();
    for &width in &opts.widths {
        let mut sides = vec![];
        for ext in [None, Some(opts.external.clone())] {
            let mut reports = vec![];
            for &seed in &opts.seeds {
                let mut o = SynthOpts::new(opts.target, Design::CsumEngine, width);
                o.external = ext.clone();
                o.speed = opts.speed;
                o.seed = seed;
                o.reuse_netlist = true;
                let r = synth(&o)?;
                progress(&format!(
                    "compare width={width} module={} seed={seed} luts={} ffs={} fmax_mhz={:.2} netlist_reused={}",
                    r.module,
                    r.luts.saturating_sub(r.shell.luts as u64),
                    r.ffs.saturating_sub(r.shell.ffs as u64),
                    r.fmax_mhz,
                    r.netlist_reused
                ));
                tools = r.tools.clone();
                reports.push((seed, r));
            }
            sides.push(side(width, &reports));
        }
        let theirs = sides.pop().unwrap();
        let ours = sides.pop().unwrap();
        rows.push(Row { width, ours, theirs });
    }
    let commit = std::process::Command::new("git")
        .args(["describe", "--always", "--dirty"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    Ok(Comparison {
        target: opts.target.name().into(),
        part: opts.target.part(opts.speed),
        seeds: opts.seeds.clone(),
        external_path: PathBuf::from(&opts.external.path).display().to_string(),
        external_top: opts.external.top.clone(),
        external_params: opts.external.params.clone(),
        commit,
        tools,
        rows,
    })
}

impl Comparison {
    /// The README table: per width, ours / theirs.
    pub fn markdown(&self) -> String {
        let t = &self.external_top;
        let mut s = format!(
            "| W | LUTs ours / {t} | FFs ours / {t} | Fmax MHz ours / {t} | line rate Gb/s ours / {t} |\n\
             |---|---|---|---|---|\n"
        );
        for r in &self.rows {
            let (o, e) = (&r.ours, &r.theirs);
            s.push_str(&format!(
                "| {} | {} / {} ({:.2}x) | {} / {} | {:.1} / {:.1} ({:.2}x) | {:.1} / {:.1} |\n",
                r.width,
                o.luts,
                e.luts,
                o.luts as f64 / e.luts.max(1) as f64,
                o.ffs,
                e.ffs,
                o.fmax_mhz,
                e.fmax_mhz,
                o.fmax_mhz / e.fmax_mhz.max(1e-9),
                o.line_rate_gbps,
                e.line_rate_gbps
            ));
        }
        s
    }

    /// One line naming what the table is: part, seeds, commit, tools.
    pub fn caption(&self) -> String {
        let params: Vec<String> = self.external_params.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!(
            "{} ({}), medians of nextpnr seeds {:?}, shell subtracted; {} ({}) vs rco_csum_engine; commit {}; {}; {}",
            self.target,
            self.part,
            self.seeds,
            self.external_top,
            params.join(" "),
            self.commit,
            self.tools.get("yosys").map(String::as_str).unwrap_or("yosys ?"),
            self.tools.get("nextpnr").map(String::as_str).unwrap_or("nextpnr ?"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[150.5]), 150.5);
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), 2.5);
    }

    fn one_side(luts: u64, fmax: f64) -> Side {
        Side {
            module: "m".into(),
            runs: vec![],
            shell_luts: 0,
            shell_ffs: 0,
            luts,
            ffs: 10,
            fmax_mhz: fmax,
            line_rate_gbps: 64.0 * fmax / 1000.0,
            commands: vec![],
            work_dir: String::new(),
        }
    }

    #[test]
    fn table_has_one_row_per_width_with_ratios() {
        let c = Comparison {
            target: "ecp5-85k".into(),
            part: "LFE5U-85F-8BG381C".into(),
            seeds: vec![1, 2, 3],
            external_path: "x.v".into(),
            external_top: "ext".into(),
            external_params: vec![],
            commit: "abc".into(),
            tools: Default::default(),
            rows: vec![Row { width: 64, ours: one_side(200, 180.0), theirs: one_side(100, 150.0) }],
        };
        let t = c.markdown();
        assert!(t.contains("| 64 | 200 / 100 (2.00x) | 10 / 10 | 180.0 / 150.0 (1.20x) | 11.5 / 9.6 |"), "{t}");
        assert_eq!(t.lines().count(), 3);
    }
}
