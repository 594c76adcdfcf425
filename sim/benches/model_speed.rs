//! Simulated clocks per second of the two hardware models side by side, per design (RX path,
//! TX path, TX -> RX loopback, 64 bits): rust-hdl's simulator (`--model hw`) and the exported
//! Verilog under Verilator (`--model verilator`), on the `sim` testbenches' traffic.
//! `cargo bench --workspace --bench model_speed` (needs verilator; `--workspace` keeps the
//! test build's feature set, so nothing is rebuilt). Not a timed test: it prints figures,
//! and a table of both models' clocks per second per design at the end.
//!
//! Both models run the same `SMALL` packets (their cycle counts must agree: the same run);
//! Verilator also runs `LARGE` packets, where its start-up no longer counts. Verilator
//! times are the whole call (writing the stimulus, the model process, reading the results);
//! its build is done before timing and reported on its own. `RCO_BENCH_SMALL` /
//! `RCO_BENCH_LARGE` change the packet counts.

use rco_sim::loopback_tb::{self, loopback_config, LoopDrive};
use rco_sim::rx_model::{self, Drive};
use rco_sim::tx_model::{self, DriveOpts};
use rco_sim::{rx_tb, tx_tb, vl_model};
use std::time::Instant;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn line(design: &str, model: &str, packets: usize, cycles: u64, secs: f64) {
    println!("{design:<9} w64 {model:<10} {packets:>7} packets {cycles:>10} clocks {secs:>9.3} s {:>12.0} clocks/s", cycles as f64 / secs);
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let t = Instant::now();
    let r = f();
    (r, t.elapsed().as_secs_f64())
}

/// One design's figures: (cycles, clocks/s) of rust-hdl on `small`, Verilator on `small`
/// and on `large`.
type Rates = [(u64, f64); 3];

fn main() {
    let mut table: Vec<(&str, Rates)> = vec![];
    let small = env("RCO_BENCH_SMALL", 300);
    let large = env("RCO_BENCH_LARGE", 20_000);
    let bp = 0.3;

    // RX path: rx_tb traffic (30 % malformed), 30 % back-pressure
    let (_, b) = timed(|| vl_model::rx_model(64).expect("verilator build"));
    println!("rx        w64 verilator build (or cache) {b:.1} s");
    let mut rates = vec![];
    for (model, n) in [("rust-hdl", small), ("verilator", small), ("verilator", large)] {
        let (jobs, _) = rx_tb::traffic(7, n);
        let drive = Drive { backpressure: bp, seed: 7, mac: false };
        let (run, s) = timed(|| {
            if model == "rust-hdl" {
                rx_model::run_width(&jobs, 64, &drive, None).unwrap()
            } else {
                vl_model::rx_run(&jobs, 64, &drive).unwrap()
            }
        });
        line("rx", model, n, run.cycles, s);
        rates.push((run.cycles, run.cycles as f64 / s));
    }
    assert_eq!(rates[0].0, rates[1].0, "rx: the models disagree on the cycle count");
    println!("rx        verilator / rust-hdl: {:.0}x ({} packets)", rates[2].1 / rates[0].1, large);
    table.push(("rx", [rates[0], rates[1], rates[2]]));

    // TX path: tx_tb cases (faults, 5 % idle input), 30 % back-pressure
    let (_, b) = timed(|| vl_model::tx_model(64, tx_tb::MAX_FRAME).expect("verilator build"));
    println!("tx        w64 verilator build (or cache) {b:.1} s");
    let mut rates = vec![];
    for (model, n) in [("rust-hdl", small), ("verilator", small), ("verilator", large)] {
        let cases = tx_tb::cases(7, n);
        let opts = DriveOpts { max_frame: tx_tb::MAX_FRAME, backpressure: bp, idle: 0.05, seed: 7 };
        let (run, s) = timed(|| {
            if model == "rust-hdl" {
                tx_model::run_width(&cases, &opts, 64, None).unwrap()
            } else {
                vl_model::tx_run(&cases, &opts, 64).unwrap()
            }
        });
        line("tx", model, n, run.cycles, s);
        rates.push((run.cycles, run.cycles as f64 / s));
    }
    assert_eq!(rates[0].0, rates[1].0, "tx: the models disagree on the cycle count");
    println!("tx        verilator / rust-hdl: {:.0}x ({} packets)", rates[2].1 / rates[0].1, large);
    table.push(("tx", [rates[0], rates[1], rates[2]]));

    // loopback: TX -> RX, 30 % idle input and back-pressure (sim --block loopback)
    let drive = LoopDrive { backpressure: bp, idle: bp, seed: 11, cfg: loopback_config(), ..LoopDrive::default() };
    let (_, b) = timed(|| vl_model::loop_run(&loopback_tb::traffic(11, 1), 64, &drive).expect("verilator build"));
    println!("loopback  w64 verilator build (or cache) {b:.1} s");
    let mut rates = vec![];
    for (model, n) in [("rust-hdl", small), ("verilator", small), ("verilator", large)] {
        let cases = loopback_tb::traffic(11, n);
        let (run, s) = timed(|| {
            if model == "rust-hdl" {
                loopback_tb::run_width(&cases, 64, &drive, None).unwrap()
            } else {
                vl_model::loop_run(&cases, 64, &drive).unwrap()
            }
        });
        line("loopback", model, n, run.cycles, s);
        rates.push((run.cycles, run.cycles as f64 / s));
    }
    assert_eq!(rates[0].0, rates[1].0, "loopback: the models disagree on the cycle count");
    println!("loopback  verilator / rust-hdl: {:.0}x ({} packets)", rates[2].1 / rates[0].1, large);
    table.push(("loopback", [rates[0], rates[1], rates[2]]));

    println!();
    println!("| design (64 bits) | rust-hdl clocks/s ({small} packets) | Verilator clocks/s ({small} packets) | Verilator clocks/s ({large} packets) | Verilator / rust-hdl |");
    println!("|---|---|---|---|---|");
    for (d, r) in &table {
        println!("| {d} | {:.0} | {:.0} | {:.0} | {:.0}x |", r[0].1, r[1].1, r[2].1, r[2].1 / r[0].1);
    }
    if let Ok(l) = std::fs::read_to_string("/proc/loadavg") {
        println!("load average at the end: {}", l.split_whitespace().take(3).collect::<Vec<_>>().join(" "));
    }
}
