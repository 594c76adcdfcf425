//! Simulation speed of the checksum engine, same design and same stimulus, in
//! (1) rust-hdl's model driven directly, (2) Verilator `--binary`, (3) Icarus Verilog.
//! Not a timed test: it prints figures. `cargo bench -p rco-sim --bench csum_speed`.
//!
//! HDL simulator figures are the *marginal* rate between a run of the stimulus once and
//! `REPEAT` times, so `$readmemh` and process start-up do not count; compile time is
//! reported separately.

use rco_sim::csum_cosim::{prepare, run_iverilog, run_verilator, scratch_dir};
use rco_sim::csum_tb::{drive, schedule};
use rco_export::Design;
use std::time::Instant;

const PACKETS: usize = 300;
const SEED: u64 = 7;

fn rust_hdl<const W: usize, const K: usize, const N: usize>() {
    let sched = schedule(SEED, PACKETS, K, 9216, 0.05);
    let t = Instant::now();
    let r = drive::<W, K, N>(&sched, None, u64::MAX).expect("rust-hdl run");
    let s = t.elapsed().as_secs_f64();
    assert_eq!(r.mismatches, 0);
    println!(
        "rust-hdl   w{W:<3} {:>9} cycles in {s:>7.3} s = {:>12.0} cycles/s ({} bytes/cycle at 1 beat/cycle)",
        r.cycles,
        r.cycles as f64 / s,
        K
    );
}

fn hdl_tools(width: usize, repeat: usize, iverilog: bool) {
    let sched = schedule(SEED, PACKETS, width / 8, 9216, 0.05);
    let top = Design::CsumEngine.module_name(width);
    let verilog = Design::CsumEngine.verilog(width).unwrap();
    for (tool, reps) in [("verilator", repeat), ("iverilog", 1usize)] {
        if tool == "iverilog" && !iverilog {
            continue;
        }
        let mut runs = vec![];
        for r in [1, reps] {
            let dir = scratch_dir("csum_bench");
            prepare(&dir, &verilog, &top, width, &sched, r, false).unwrap();
            let t = Instant::now();
            let res = if tool == "verilator" {
                run_verilator(&dir)
            } else {
                run_iverilog(&dir)
            };
            let total = t.elapsed().as_secs_f64();
            match res {
                Ok(res) => {
                    assert_eq!(res.errors, 0, "{}", res.output);
                    runs.push((res.cycles, res.sim_secs, total - res.sim_secs));
                }
                Err(e) => {
                    println!("{tool:<10} w{width:<3} skipped: {e}");
                    let _ = std::fs::remove_dir_all(&dir);
                    return;
                }
            }
            let _ = std::fs::remove_dir_all(&dir);
            if reps == 1 {
                break;
            }
        }
        let (c1, s1, build) = runs[0];
        let line = if let Some(&(cr, sr, _)) = runs.get(1) {
            format!(
                "{cr:>9} cycles in {sr:>7.3} s = {:>12.0} cycles/s (marginal over {c1} cycles: {:.0}/s)",
                cr as f64 / sr,
                (cr - c1) as f64 / (sr - s1).max(1e-9)
            )
        } else {
            format!(
                "{c1:>9} cycles in {s1:>7.3} s = {:>12.0} cycles/s",
                c1 as f64 / s1
            )
        };
        println!("{tool:<10} w{width:<3} {line}; build {build:.1} s");
    }
}

fn main() {
    for w in [64, 256] {
        rco_hdl::with_width!(w, [64, 256], rust_hdl::<W, K, N>(), else unreachable!());
    }
    hdl_tools(64, 20, true);
    hdl_tools(256, 20, false);
}
