//! `rco-nic`: the command line of the VXLAN remote checksum offload NIC project.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use rco_golden::types::RxConfig;
use rco_nic::pcap_io::{read_frames, write_frames};
use rco_nic::{decap, encap, EncapOpts, Model, OuterKind};
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
    /// The main job: traffic through the models, VCD, Verilog, and a summary.
    Run {
        #[arg(long, default_value_t = 200)]
        packets: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[arg(long, default_value = "out")]
        out: PathBuf,
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
    },
    /// Write the Verilog of the design (and a GTKWave save file).
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
    },
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
    Ok(rco_sim::SimOpts { packets, seed, width, backpressure, vcd })
}

/// The main job: golden TX -> RX round trip on generated traffic, the hardware blocks
/// that exist, a VCD, the Verilog, and a summary of where everything went.
fn run_main_job(packets: usize, seed: u64, out: &Path) -> Result<()> {
    use rco_golden::rng::SplitMix64;
    use rco_golden::vectors::gen_host_frame;
    use rco_nic::pcap_io::Frame;
    fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let mut rng = SplitMix64::new(seed);
    let frames: Vec<Frame> = (0..packets)
        .map(|i| Frame {
            timestamp: std::time::Duration::from_micros(i as u64),
            data: gen_host_frame(&mut rng, 1400).0,
            truncated: false,
        })
        .collect();
    let opts = EncapOpts { vni: 42, outer: OuterKind::Ipv4, rco: true, udp_csum: true, addr: Default::default() };
    let (outer, tx_sum) = encap(&frames, Model::Golden, &opts)?;
    let (inner, report) = decap(&outer, Model::Golden, &RxConfig::default())?;
    // Every frame must come back as sent but for a now-correct inner checksum.
    let mismatches = frames.len().abs_diff(inner.len())
        + frames.iter().zip(&inner).filter(|(a, b)| !same_but_checksum(&a.data, &b.data) || !l4_checksum_ok(&b.data)).count();
    write_frames(&out.join("host.pcap"), &frames)?;
    write_frames(&out.join("vxlan.pcap"), &outer)?;
    write_frames(&out.join("decap.pcap"), &inner)?;
    println!("golden tx: {tx_sum}");
    println!("golden rx: {}", report.summary);

    let vcd = out.join("csum_engine.vcd");
    let hw = match rco_sim::run_sim("csum", &sim_opts(packets.min(100), seed, 0.0, 64, Some(vcd.clone()))?) {
        Ok(s) => format!("{s} vcd={}", vcd.display()),
        Err(e) => format!("hw csum engine: {e:#}"),
    };
    println!("{hw}");
    let verilog = match rco_synth::export_verilog(64, &out.join("verilog")) {
        Ok(files) => files.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(" "),
        Err(e) => format!("{e:#}"),
    };
    println!("verilog: {verilog}");
    println!(
        "run packets={} rco_applied={} mismatches={} pcaps={}/{{host,vxlan,decap}}.pcap",
        packets,
        report.summary.rco_applied,
        mismatches,
        out.display()
    );
    if mismatches != 0 {
        bail!("{mismatches} frames did not come back with a correct inner checksum");
    }
    Ok(())
}

/// True if two frames are equal outside their TCP/UDP checksum field.
fn same_but_checksum(a: &[u8], b: &[u8]) -> bool {
    let field = rco_golden::wire::parse_layers(a)
        .ok()
        .and_then(|l| rco_golden::wire::l4_check_offset(l.protocol).map(|c| l.l4_offset + c as usize));
    a.len() == b.len()
        && a.iter().zip(b).enumerate().all(|(i, (x, y))| x == y || field.is_some_and(|f| i == f || i == f + 1))
}

/// True if a TCP/UDP frame's checksum verifies (or the frame is not TCP/UDP).
fn l4_checksum_ok(frame: &[u8]) -> bool {
    use rco_golden::csum::{csum_fold, csum_partial};
    let Ok(l) = rco_golden::wire::parse_layers(frame) else { return true };
    if rco_golden::wire::l4_check_offset(l.protocol).is_none() || l.fragment {
        return true;
    }
    let seg = &frame[l.l4_offset..l.l4_offset + l.l4_len];
    csum_fold(l.addrs.pseudo_nofold(l.l4_len as u32, l.protocol, csum_partial(seg, 0))) == 0
}

fn run(cli: Cli) -> Result<()> {
    match cli.cmd {
        Cmd::Run { packets, seed, out } => run_main_job(packets, seed, &out),
        Cmd::Vectors { out, seed, count } => {
            fs::create_dir_all(&out).with_context(|| format!("cannot create {}", out.display()))?;
            let (tx, rx) = rco_golden::vectors::generate(seed, count);
            write_jsonl(&out.join("tx.jsonl"), &tx)?;
            write_jsonl(&out.join("rx.jsonl"), &rx)?;
            let drops = rx.iter().filter(|v| v.expect.is_err()).count();
            println!("vectors seed={seed} tx={} rx={} rx_drops={drops} out={}", tx.len(), rx.len(), out.display());
            Ok(())
        }
        Cmd::Encap { model, input, output, vni, outer, no_rco, no_udp_csum, src_mac, dst_mac, src_ip, dst_ip, sport } => {
            let addr = rco_nic::OuterOverride { src_mac, dst_mac, src_ip, dst_ip, sport };
            addr.ip(outer)?;
            let frames = read_frames(&input)?;
            let opts = EncapOpts { vni, outer, rco: !no_rco, udp_csum: !no_udp_csum, addr };
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
        Cmd::Sim { block, packets, seed, backpressure, width, vcd, model } => {
            let engine = match model {
                Model::Hw => rco_sim::Engine::RustHdl,
                Model::Verilator => rco_sim::Engine::Verilator,
                Model::Golden => bail!("sim --model golden: sim runs a hardware model (hw or verilator)"),
            };
            let summary = rco_sim::run_sim_with(&block, &sim_opts(packets, seed, backpressure, width, vcd)?, engine)?;
            println!("{summary}");
            if summary.mismatches != 0 {
                bail!("{} mismatches", summary.mismatches);
            }
            Ok(())
        }
        Cmd::Export { width, out, design } => {
            check_width(width)?;
            let design = match design {
                Some(name) => rco_synth::Design::from_cli_name(&name)?,
                None => rco_synth::DEFAULT_DESIGN,
            };
            for f in rco_synth::export_design(design, width, &out)? {
                println!("wrote {}", f.display());
            }
            Ok(())
        }
        Cmd::Synth { target, freq, json, width, design, speed, seed, work } => {
            check_width(width)?;
            let target = rco_synth::flow::Target::parse(&target)?;
            let design = match design {
                Some(name) => rco_synth::Design::from_cli_name(&name)?,
                None => rco_synth::flow::default_design(target),
            };
            let mut opts = rco_synth::flow::SynthOpts::new(target, design, width);
            opts.freq_mhz = freq;
            opts.json = json;
            opts.speed = speed;
            opts.seed = seed;
            opts.work_dir = work;
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
    }
}

fn main() {
    if let Err(e) = run(Cli::parse()) {
        eprintln!("rco-nic: {e:#}");
        std::process::exit(1);
    }
}
