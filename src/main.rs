//! `rco-nic`: the command line of the VXLAN remote checksum offload NIC project.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use rco_golden::types::RxConfig;
use rco_nic::pcap_io::{read_frames, write_frames};
use rco_nic::{decap, encap, EncapOpts, Model, OuterKind, RxIngress};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Parser)]
#[command(name = "rco-nic", version, about = "VXLAN remote checksum offload NIC: golden model, hardware simulation, Verilog, synthesis")]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// The main job: realistic traffic through the NIC hardware (TX -> RX) and the golden
    /// model, pcaps, a VCD of the NIC, the Verilog, and a summary.
    Run {
        #[arg(long, default_value_t = 200)]
        packets: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value = "out")]
        out: PathBuf,
        /// Hardware model: rust-hdl's simulator (hw) or the exported Verilog under Verilator
        /// (same outputs, much faster). The VCD always comes from rust-hdl's model: with
        /// verilator it simulates the VCD's first cycles only, on the same stimulus.
        #[arg(long, value_enum, default_value_t = Model::Hw)]
        model: Model,
    },
    /// Write golden vectors (JSON lines) for the hardware testbenches.
    Vectors {
        #[arg(long, default_value = "golden/vectors")]
        out: PathBuf,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value_t = 64)]
        count: usize,
    },
    /// TX: inner frames -> VXLAN/RCO frames.
    Encap {
        #[arg(long, value_enum, default_value_t = Model::Golden)]
        model: Model,
        input: PathBuf,
        output: PathBuf,
        #[command(flatten)]
        tx: TxArgs,
    },
    /// RX: VXLAN frames -> inner frames.
    Decap {
        #[arg(long, value_enum, default_value_t = Model::Golden)]
        model: Model,
        input: PathBuf,
        output: PathBuf,
        /// Receiver has not opted in to RCO (frames with the C flag are dropped).
        #[arg(long)]
        no_rco_rx: bool,
        /// Partial mode: leave the inner field, report csum_start/offset instead.
        #[arg(long)]
        partial: bool,
        #[arg(long, default_value_t = rco_golden::vxlan::VXLAN_DEFAULT_PORT)]
        port: u16,
        /// Accept a zero outer UDP checksum over IPv6 (udp6zerocsumrx).
        #[arg(long)]
        udp6_zero_csum_rx: bool,
        /// Write per-frame metadata and drop reasons as JSON.
        #[arg(long)]
        report: Option<PathBuf>,
    },
    /// Simulate a hardware block against the golden model.
    Sim {
        #[arg(long, value_parser = ["csum", "tx", "rx", "loopback"])]
        block: String,
        #[arg(long, default_value_t = 100)]
        packets: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value_t = 0.0)]
        backpressure: f64,
        #[arg(long, default_value_t = 64)]
        width: usize,
        #[arg(long)]
        vcd: Option<PathBuf>,
        /// Hardware model: rust-hdl's simulator (hw) or the exported Verilog under Verilator.
        #[arg(long, value_enum, default_value_t = Model::Hw)]
        model: Model,
        /// Fixed-size traffic (tx, rx, loopback): every host/inner frame L bytes (or the
        /// `imix` mix), TCP and UDP over IPv4 alternating, RCO on, fed back to back.
        #[arg(long, value_name = "L|imix")]
        frame_size: Option<String>,
        /// Outer IP version of the --frame-size traffic.
        #[arg(long, value_enum)]
        outer: Option<OuterKind>,
        /// An outer 802.1Q tag on every --frame-size frame.
        #[arg(long)]
        outer_vlan: bool,
        /// RX ingress (rx block): `mac` keeps s_axis.tready high and drops a frame that finds
        /// the buffer full as `overflow`; `axi` holds tready low instead.
        #[arg(long, value_enum, default_value_t = RxIngress::Mac)]
        rx_ingress: RxIngress,
    },
    /// Throughput of RX and TX for fixed-size back-to-back frames against line rate.
    Bench {
        /// One width (default: 64, 128, 256 and 512).
        #[arg(long)]
        width: Option<usize>,
        /// Frames per point.
        #[arg(long, default_value_t = 100)]
        packets: usize,
        /// One block (default: rx and tx).
        #[arg(long, value_parser = ["rx", "tx"])]
        block: Option<String>,
        #[arg(long, value_enum, default_value_t = OuterKind::Ipv4)]
        outer: OuterKind,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Also write every point as JSON.
        #[arg(long)]
        json: Option<PathBuf>,
    },
    /// Bridge a TAP device (host side) and a wire interface through the NIC, until
    /// SIGINT/SIGTERM: a live Linux network through the model.
    Tap {
        #[arg(long, value_enum)]
        model: Model,
        /// TAP device of the host side (created if it does not exist; needs CAP_NET_ADMIN).
        #[arg(long)]
        tap: String,
        /// Wire-side interface, read and written through a raw packet socket.
        #[arg(long)]
        wire: String,
        #[command(flatten)]
        tx: TxArgs,
        /// RX hands RCO frames to the host as CHECKSUM_PARTIAL instead of patching the checksum.
        #[arg(long)]
        partial: bool,
        /// Seconds between two status lines.
        #[arg(long, default_value_t = 5.0)]
        status: f64,
        /// Fault injection for the tests (corrupt what RX patched).
        #[arg(long, value_enum, hide = true)]
        fault: Option<rco_nic::tap::Fault>,
    },
    /// Print the AXI4-Lite register map (`hdl/src/axil_regs.rs`) as README's Markdown table.
    Regmap,
    /// Write the Verilog of the design (and a GTKWave save file); for the NIC also its
    /// wrapper with flat port names (`rco_nic.v`, ...) and Verilator lint waivers.
    Export {
        #[arg(long, default_value_t = 64)]
        width: usize,
        #[arg(long, default_value = "out/verilog")]
        out: PathBuf,
        /// Design to export (default: the NIC top once it exists, else the checksum engine).
        #[arg(long)]
        design: Option<String>,
    },
    /// Synthesize, place and route for an FPGA target; report utilisation and Fmax.
    Synth {
        #[arg(long, value_parser = rco_synth::flow::TARGET_NAMES)]
        target: String,
        /// Clock target in MHz (default: the constraint file's).
        #[arg(long)]
        freq: Option<f64>,
        /// Write the report (utilisation, Fmax, line rate, tools, commands) as JSON.
        #[arg(long)]
        json: Option<PathBuf>,
        #[arg(long, default_value_t = 64)]
        width: usize,
        /// Design to build (default: the NIC top once it exists, else the checksum engine).
        #[arg(long)]
        design: Option<String>,
        /// ECP5 speed grade (6, 7 or 8).
        #[arg(long, default_value_t = 8)]
        speed: u8,
        /// nextpnr placement seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Work folder (default: target/synth/<target>-<module>).
        #[arg(long)]
        work: Option<PathBuf>,
        /// Stop after Yosys and print the netlist's path (no place and route, no report):
        /// for scripts/timing_paths.py.
        #[arg(long)]
        netlist_only: bool,
    },
    /// The checksum engine and an external checksum module (a Verilog file) through the same
    /// shell and flow, side by side: LUTs, FFs (shell subtracted), Fmax, line rate per
    /// width, medians over nextpnr seeds. Prints a Markdown table (scripts/csum-compare.sh).
    SynthCompare {
        /// The external module's Verilog file.
        #[arg(long)]
        external: PathBuf,
        /// Its top module.
        #[arg(long)]
        top: String,
        /// A parameter override NAME=VALUE (repeatable).
        #[arg(long = "param", value_parser = parse_param)]
        params: Vec<(String, String)>,
        /// The parameter that takes the data width in bits.
        #[arg(long)]
        width_param: Option<String>,
        /// The external module's clock input.
        #[arg(long, default_value = "clk")]
        clock: String,
        #[arg(long, value_delimiter = ',', default_values_t = [64, 128, 256, 512])]
        widths: Vec<usize>,
        #[arg(long, value_delimiter = ',', default_values_t = [1, 2, 3])]
        seeds: Vec<u64>,
        #[arg(long, value_parser = rco_synth::flow::TARGET_NAMES, default_value = "ecp5-85k")]
        target: String,
        /// ECP5 speed grade (6, 7 or 8).
        #[arg(long, default_value_t = 8)]
        speed: u8,
        /// Write every run and the medians as JSON.
        #[arg(long)]
        json: Option<PathBuf>,
    },
}

/// `NAME=VALUE` -> (NAME, VALUE).
fn parse_param(s: &str) -> std::result::Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() && !v.is_empty() => Ok((k.to_string(), v.to_string())),
        _ => Err(format!("{s:?} is not NAME=VALUE")),
    }
}

/// What TX puts around a frame: the flags `encap` and `tap` share.
#[derive(clap::Args)]
struct TxArgs {
    #[arg(long, default_value_t = 42, value_parser = clap::value_parser!(u32).range(0..=0xFF_FFFF))]
    vni: u32,
    #[arg(long, value_enum, default_value_t = OuterKind::Ipv4)]
    outer: OuterKind,
    /// Do not use remote checksum offload (the NIC completes the inner checksum).
    #[arg(long)]
    no_rco: bool,
    /// Send a zero outer UDP checksum.
    #[arg(long)]
    no_udp_csum: bool,
    /// Outer source MAC (aa:bb:cc:dd:ee:ff) instead of 02:00:00:00:00:01.
    #[arg(long, value_parser = parse_mac)]
    src_mac: Option<[u8; 6]>,
    /// Outer destination MAC instead of 02:00:00:00:00:02.
    #[arg(long, value_parser = parse_mac)]
    dst_mac: Option<[u8; 6]>,
    /// Outer source address (of the --outer family) instead of 192.0.2.1 / 2001:db8::1.
    #[arg(long)]
    src_ip: Option<std::net::IpAddr>,
    /// Outer destination address instead of 192.0.2.2 / 2001:db8::2.
    #[arg(long)]
    dst_ip: Option<std::net::IpAddr>,
    /// Outer UDP source port instead of one hashed from the inner flow.
    #[arg(long)]
    sport: Option<u16>,
}

impl TxArgs {
    /// The encapsulation settings; an outer address of the other family is an error.
    fn encap_opts(self) -> Result<EncapOpts> {
        let addr = rco_nic::OuterOverride {
            src_mac: self.src_mac,
            dst_mac: self.dst_mac,
            src_ip: self.src_ip,
            dst_ip: self.dst_ip,
            sport: self.sport,
        };
        addr.ip(self.outer)?;
        Ok(EncapOpts { vni: self.vni, outer: self.outer, rco: !self.no_rco, udp_csum: !self.no_udp_csum, addr })
    }
}

/// `aa:bb:cc:dd:ee:ff` -> 6 bytes.
fn parse_mac(s: &str) -> std::result::Result<[u8; 6], String> {
    let parts: Vec<_> = s.split(':').collect();
    let bytes: Vec<u8> = parts.iter().filter_map(|p| if p.len() == 2 { u8::from_str_radix(p, 16).ok() } else { None }).collect();
    bytes.try_into().map_err(|_| format!("{s:?} is not a MAC address aa:bb:cc:dd:ee:ff"))
}

fn check_width(width: usize) -> Result<()> {
    if !width.is_power_of_two() || !(64..=512).contains(&width) {
        bail!("--width {width}: must be 64, 128, 256 or 512");
    }
    Ok(())
}

fn write_jsonl<T: serde::Serialize>(path: &Path, items: &[T]) -> Result<()> {
    let mut f = std::io::BufWriter::new(fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?);
    for it in items {
        serde_json::to_writer(&mut f, it)?;
        f.write_all(b"\n")?;
    }
    Ok(())
}

fn sim_opts(packets: usize, seed: u64, backpressure: f64, width: usize, vcd: Option<PathBuf>) -> Result<rco_sim::SimOpts> {
    if !(0.0..1.0).contains(&backpressure) {
        bail!("--backpressure {backpressure}: must be in [0, 1)");
    }
    check_width(width)?;
    Ok(rco_sim::SimOpts { packets, seed, width, backpressure, vcd, sized: None, rx_axi: false })
}

/// `--frame-size` / `--outer` / `--outer-vlan` of `sim`.
fn sized_traffic(frame_size: Option<&str>, outer: Option<OuterKind>, vlan: bool) -> Result<Option<rco_sim::sized::SizedTraffic>> {
    let Some(fs) = frame_size else {
        if outer.is_some() || vlan {
            bail!("--outer and --outer-vlan apply to --frame-size traffic only");
        }
        return Ok(None);
    };
    let t = rco_sim::sized::SizedTraffic {
        sizes: rco_sim::sized::FrameSizes::parse(fs)?,
        outer_v6: matches!(outer, Some(OuterKind::Ipv6)),
        vlan,
    };
    t.check()?;
    Ok(Some(t))
}

fn run_bench(opts: &rco_sim::bench::BenchOpts, json: Option<&Path>) -> Result<()> {
    use rco_sim::bench::{imix_note, markdown, run_bench, BLOCKS};
    let points = run_bench(opts, |p| {
        let state = if p.built { format!("cycles_per_frame={:.3} mismatches={}", p.cycles_per_frame, p.mismatches) } else { "not built".into() };
        eprintln!("bench block={} width={} frame={} {state}", p.block, p.width, p.frame);
    })?;
    for block in BLOCKS {
        if points.iter().any(|p| p.block == block) {
            println!("{}", markdown(&points, block));
        }
    }
    println!("{}; {} frames per point, seed {}", imix_note(), opts.packets, opts.seed);
    if let Some(path) = json {
        let f = fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
        serde_json::to_writer_pretty(std::io::BufWriter::new(f), &points)?;
    }
    let bad = points.iter().filter(|p| p.mismatches > 0).count();
    if bad > 0 {
        bail!("{bad} bench points did not match golden");
    }
    Ok(())
}

/// The hardware model `cmd` runs for `--model` (golden is not one).
fn engine(model: Model, cmd: &str) -> Result<rco_sim::Engine> {
    Ok(match model {
        Model::Hw => rco_sim::Engine::RustHdl,
        Model::Verilator => rco_sim::Engine::Verilator,
        Model::Golden => bail!("{cmd} --model golden: {cmd} runs a hardware model (hw or verilator)"),
    })
}

/// The main job (see `rco_nic::main_job`): prints the summary, fails on a mismatch.
fn run_main_job(packets: usize, seed: u64, out: &Path, model: Model) -> Result<()> {
    use std::io::IsTerminal;
    let job = rco_nic::main_job::run(packets, seed, out, engine(model, "run")?, std::io::stderr().is_terminal())?;
    println!("{}", job.text);
    if job.hw_mismatches + job.golden_mismatches != 0 {
        bail!("{} hardware and {} golden mismatches", job.hw_mismatches, job.golden_mismatches);
    }
    Ok(())
}

fn run(cli: Cli) -> Result<()> {
    match cli.cmd {
        Cmd::Run { packets, seed, out, model } => run_main_job(packets, seed, &out, model),
        Cmd::Vectors { out, seed, count } => {
            fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
            let (tx, rx) = rco_golden::vectors::generate(seed, count);
            write_jsonl(&out.join("tx.jsonl"), &tx)?;
            write_jsonl(&out.join("rx.jsonl"), &rx)?;
            let drops = rx.iter().filter(|v| v.expect.is_err()).count();
            println!("vectors seed={seed} tx={} rx={} rx_drops={drops} out={}", tx.len(), rx.len(), out.display());
            Ok(())
        }
        Cmd::Encap { model, input, output, tx } => {
            let opts = tx.encap_opts()?;
            let frames = read_frames(&input)?;
            let (out, sum) = encap(&frames, model, &opts)?;
            write_frames(&output, &out)?;
            println!("{sum}");
            Ok(())
        }
        Cmd::Decap { model, input, output, no_rco_rx, partial, port, udp6_zero_csum_rx, report } => {
            let frames = read_frames(&input)?;
            let cfg = RxConfig { port, remcsum_rx: !no_rco_rx, nopartial: !partial, udp_zero_csum6_rx: udp6_zero_csum_rx, ..RxConfig::default() };
            let (out, rep) = decap(&frames, model, &cfg)?;
            write_frames(&output, &out)?;
            if let Some(path) = report {
                let f = fs::File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
                serde_json::to_writer_pretty(std::io::BufWriter::new(f), &rep)?;
            }
            println!("{}", rep.summary);
            Ok(())
        }
        Cmd::Sim { block, packets, seed, backpressure, width, vcd, model, frame_size, outer, outer_vlan, rx_ingress } => {
            let engine = engine(model, "sim")?;
            let mut opts = sim_opts(packets, seed, backpressure, width, vcd)?;
            opts.sized = sized_traffic(frame_size.as_deref(), outer, outer_vlan)?;
            opts.rx_axi = rx_ingress == RxIngress::Axi;
            let summary = rco_sim::run_sim_with(&block, &opts, engine)?;
            println!("{summary}");
            if summary.mismatches != 0 {
                bail!("{} mismatches", summary.mismatches);
            }
            Ok(())
        }
        Cmd::Tap { model, tap, wire, tx, partial, status, fault } => {
            if !(status > 0.0 && status.is_finite()) {
                bail!("--status {status}: must be a positive number of seconds");
            }
            let encap = tx.encap_opts()?;
            let opts = rco_nic::tap::TapOpts {
                model,
                tap,
                wire,
                encap,
                partial,
                status_every: std::time::Duration::from_secs_f64(status),
                fault,
            };
            let st = rco_nic::tap::run_tap(&opts)?;
            println!("{st} stopped");
            Ok(())
        }
        Cmd::Bench { width, packets, block, outer, seed, json } => {
            let opts = rco_sim::bench::BenchOpts { width, block, packets, seed, outer_v6: matches!(outer, OuterKind::Ipv6) };
            run_bench(&opts, json.as_deref())
        }
        Cmd::Regmap => {
            print!("{}", rco_hdl::axil_regs::markdown_table());
            Ok(())
        }
        Cmd::Export { width, out, design } => {
            check_width(width)?;
            let design = match design {
                Some(name) => rco_export::Design::from_cli_name(&name)?,
                None => rco_export::DEFAULT_DESIGN,
            };
            for f in rco_export::export_design(design, width, &out)? {
                println!("wrote {}", f.display());
            }
            Ok(())
        }
        Cmd::Synth { target, freq, json, width, design, speed, seed, work, netlist_only } => {
            check_width(width)?;
            let target = rco_synth::flow::Target::parse(&target)?;
            let design = match design {
                Some(name) => rco_export::Design::from_cli_name(&name)?,
                None => rco_synth::flow::default_design(target),
            };
            let mut opts = rco_synth::flow::SynthOpts::new(target, design, width);
            opts.freq_mhz = freq;
            opts.json = json;
            opts.speed = speed;
            opts.seed = seed;
            opts.work_dir = work;
            if netlist_only {
                println!("netlist {}", rco_synth::flow::netlist(&opts)?.display());
                return Ok(());
            }
            let r = rco_synth::flow::synth(&opts)?;
            println!("{}", r.summary());
            if !r.fits {
                bail!(
                    "{} does not fit {}: luts {}/{} ffs {}/{} bram {}/{}",
                    r.module,
                    r.part,
                    r.luts,
                    r.luts_available,
                    r.ffs,
                    r.ffs_available,
                    r.bram,
                    r.bram_available
                );
            }
            Ok(())
        }
        Cmd::SynthCompare { external, top, params, width_param, clock, widths, seeds, target, speed, json } => {
            for w in &widths {
                check_width(*w)?;
            }
            let opts = rco_synth::compare::CompareOpts {
                target: rco_synth::flow::Target::parse(&target)?,
                speed,
                widths,
                seeds,
                external: rco_synth::flow::External { path: external, top, params, width_param, clock },
            };
            let c = rco_synth::compare::compare(&opts, &mut |line| eprintln!("{line}"))?;
            if let Some(path) = json {
                fs::write(&path, serde_json::to_string_pretty(&c)?).with_context(|| format!("cannot write {}", path.display()))?;
            }
            println!("{}\n\n{}", c.caption(), c.markdown());
            Ok(())
        }
    }
}

/// Stack of the thread that runs a command: rust-hdl's wide NIC and RX models are built by
/// value, larger than a main thread's default stack.
const RUN_STACK: usize = 1 << 30;

fn main() {
    let cli = Cli::parse();
    let done = std::thread::Builder::new().stack_size(RUN_STACK).spawn(move || run(cli)).map(|t| t.join());
    match done {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(e))) => {
            eprintln!("rco-nic: {e:#}");
            std::process::exit(1);
        }
        Ok(Err(_)) => std::process::exit(101), // the panic message is printed already
        Err(e) => {
            eprintln!("rco-nic: cannot start the worker thread: {e}");
            std::process::exit(1);
        }
    }
}
