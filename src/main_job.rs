//! `rco-nic run`, the main job: realistic host traffic through the hardware NIC top, TX then
//! RX cycle by cycle (the loopback testbench), with the golden model beside it; pcaps of the
//! three points (host, wire, delivered), a VCD of the NIC with its GTKWave save file, the
//! Verilog, and a summary.
//!
//! The NIC runs on rust-hdl's simulator (`--model hw`) or as its exported Verilog under
//! Verilator (`--model verilator`, [`rco_sim::vl_model::loop_run`]); the two are the same
//! design clock for clock, so every output is the same. The VCD always comes from rust-hdl's
//! model: with Verilator it runs only the cycles the VCD covers, on the same stimulus.

use crate::pcap_io::{write_frames_nanos, Frame};
use anyhow::{bail, Context, Result};
use rco_golden::traffic::{self, Kind};
use rco_golden::types::{RxConfig, TxDescriptor};
use rco_golden::wire::IpAddrs;
use rco_sim::loopback_tb::{check_detail, nic_gtkw, run_width, LoopDrive, Outcome};
use rco_sim::tb::vcd::PERIOD_PS;
use rco_sim::Engine;
use std::fmt::Write as _;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Data width the main job runs the NIC at.
pub const WIDTH: usize = 64;
/// Cycles of VCD the main job writes at most: the first few hundred packets of the
/// generated traffic, a file GTKWave opens in a few seconds.
pub const VCD_CYCLES: u64 = 40_000;

/// What a run found, and the summary it prints.
#[derive(Clone, Debug)]
pub struct MainJob {
    pub packets: usize,
    pub hw_mismatches: usize,
    pub golden_mismatches: usize,
    pub rco_applied: usize,
    pub cycles: u64,
    pub tx_beats_per_cycle: f64,
    pub rx_beats_per_cycle: f64,
    pub vcd: PathBuf,
    /// Human lines, then the line scripts read.
    pub text: String,
}

/// Run the main job into `out` on `engine`. `progress`: report on stderr while rust-hdl runs.
pub fn run(packets: usize, seed: u64, out: &Path, engine: Engine, progress: bool) -> Result<MainJob> {
    if packets == 0 {
        bail!("--packets 0: nothing to run (give at least 1)");
    }
    fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let host = traffic::generate(seed, packets);
    let cases: Vec<(Vec<u8>, TxDescriptor)> = host.iter().map(|p| (p.frame.clone(), p.desc.clone())).collect();
    // a Linux receiver's defaults: RCO opted in, nopartial (RX patches the inner checksum)
    let cfg = RxConfig::default();
    let drive = LoopDrive { cfg: cfg.clone(), vcd_cycles: VCD_CYCLES, progress, ..LoopDrive::default() };

    let vcd = out.join("nic.vcd");
    let gtkw = out.join("nic.gtkw");
    let mut vcd_file = std::io::BufWriter::new(fs::File::create(&vcd).with_context(|| format!("cannot create {}", vcd.display()))?);
    let run = match engine {
        Engine::RustHdl => run_width(&cases, WIDTH, &drive, Some(&mut vcd_file))?,
        Engine::Verilator => {
            let mut run = rco_sim::vl_model::loop_run(&cases, WIDTH, &drive)?;
            // the VCD's cycles from rust-hdl on the same stimulus; as the models agree clock
            // for clock, it is this run's, which its length and wire frames confirm
            let head = run_width(&cases, WIDTH, &LoopDrive { stop_at: VCD_CYCLES, ..drive.clone() }, Some(&mut vcd_file))?;
            if head.cycles != run.cycles.min(VCD_CYCLES) || run.wire.get(..head.wire.len()) != Some(&head.wire[..]) {
                bail!(
                    "the VCD's run (rust-hdl, {} cycles, {} wire frames) is not the start of Verilator's ({} cycles): the models differ",
                    head.cycles,
                    head.wire.len(),
                    run.cycles
                );
            }
            run.vcd_cycles = head.vcd_cycles;
            run
        }
    };
    vcd_file.flush().with_context(|| format!("cannot write {}", vcd.display()))?;
    fs::write(&gtkw, gtkw_text(&vcd, &gtkw)?).with_context(|| format!("cannot write {}", gtkw.display()))?;
    let checked = check_detail(&cases, &run, &cfg);

    // every generated frame is one a receiver takes: a drop, by either model, is a frame
    // that did not come back as the host sent it
    let hw_mismatches = checked.hw + checked.same_drops;
    let golden_mismatches = checked.golden + checked.golden_drops;
    let rco_applied = run.outcomes.iter().filter(|o| matches!(o, Outcome::Rx(Ok((_, m))) if m.rco_applied)).count();

    let at = |cycle: u64| Duration::from_nanos(cycle * PERIOD_PS / 1000);
    let frame = |cycle: u64, data: &[u8]| Frame { timestamp: at(cycle), data: data.to_vec(), truncated: false };
    let host_frames: Vec<Frame> = cases.iter().zip(&run.in_cycles).map(|((f, _), &c)| frame(c, f)).collect();
    let wire_frames: Vec<Frame> = run.wire.iter().map(|(c, f)| frame(*c, f)).collect();
    let delivered: Vec<Frame> = run
        .outcomes
        .iter()
        .zip(&run.out_cycles)
        .filter_map(|(o, &c)| match o {
            Outcome::Rx(Ok((f, _))) => Some(frame(c, f)),
            _ => None,
        })
        .collect();
    let pcaps = [("host.pcap", &host_frames), ("vxlan.pcap", &wire_frames), ("decap.pcap", &delivered)];
    for (name, frames) in pcaps {
        write_frames_nanos(&out.join(name), frames)?;
    }
    let verilog = rco_export::export_verilog(WIDTH, &out.join("verilog"))?;

    let per_cycle = |beats: u64| if run.cycles == 0 { 0.0 } else { beats as f64 / run.cycles as f64 };
    let (tx_bpc, rx_bpc) = (per_cycle(run.wire_beats), per_cycle(run.out_beats));
    let mut text = String::new();
    let count = |k: Kind| host.iter().filter(|p| p.kind == k).count();
    let kinds: Vec<String> = Kind::ALL.iter().map(|&k| format!("{} {}", k.name(), count(k))).collect();
    let v6_underlay = host.iter().filter(|p| matches!(p.desc.outer_ip, IpAddrs::Ipv6 { .. })).count();
    let _ = writeln!(
        text,
        "traffic: {packets} host frames (seed {seed}): {}; {} VLAN-tagged, {v6_underlay} over the IPv6 underlay",
        kinds.join(", "),
        host.iter().filter(|p| p.vlan).count()
    );
    let us = run.cycles as f64 * PERIOD_PS as f64 / 1e6;
    let drops = rco_sim::loopback_tb::drops_by_class(&run);
    let _ = writeln!(
        text,
        "hardware: NicTop ({WIDTH}-bit) TX -> RX, {} cycles ({us:.1} us at 156.25 MHz): {} frames on the wire, {} delivered, {rco_applied} with RCO applied; drops: {drops}",
        run.cycles,
        run.wire.len(),
        delivered.len(),
    );
    let _ = writeln!(
        text,
        "golden model beside it: hardware differs in {} frames or counters; against the host frames \
         (same bytes, inner checksum now right): hardware {hw_mismatches}, golden {golden_mismatches} mismatches",
        checked.hw
    );
    let in_vcd = run.out_cycles.iter().filter(|&&c| c < run.vcd_cycles).count();
    let shown = |p: &Path| p.display().to_string();
    let rows = [
        (shown(&out.join("host.pcap")), "host frames into TX (TCP/UDP checksum = pseudo-header sum, as the stack leaves it)".to_string(), format!("wireshark {}", shown(&out.join("host.pcap")))),
        (shown(&out.join("vxlan.pcap")), "TX output: VXLAN with RCO, outer checksums".to_string(), format!("wireshark {}", shown(&out.join("vxlan.pcap")))),
        (shown(&out.join("decap.pcap")), "RX output: inner frames, checksums complete".to_string(), format!("wireshark {}", shown(&out.join("decap.pcap")))),
        (shown(&vcd), format!("the NIC's signals, first {} cycles ({in_vcd} packets)", run.vcd_cycles), format!("gtkwave {}", shown(&gtkw))),
        (
            verilog.iter().find(|p| p.extension().is_some_and(|e| e == "v")).map_or_else(|| shown(&out.join("verilog")), |p| shown(p)),
            "the NIC top as Verilog (a .gtkw beside it for a simulation of it)".to_string(),
            String::new(),
        ),
    ];
    let w0 = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
    let w1 = rows.iter().map(|r| r.1.len()).max().unwrap_or(0);
    let _ = writeln!(text, "files (pcap times are simulated clock times, as in the VCD):");
    for (f, what, open) in &rows {
        let _ = writeln!(text, "  {f:w0$}  {what:w1$}  {open}");
    }
    let _ = write!(
        text,
        "run packets={packets} hw_mismatches={hw_mismatches} golden_mismatches={golden_mismatches} rco_applied={rco_applied} \
         tx_beats_per_cycle={tx_bpc:.3} rx_beats_per_cycle={rx_bpc:.3} vcd={}",
        vcd.display()
    );
    Ok(MainJob {
        packets,
        hw_mismatches,
        golden_mismatches,
        rco_applied,
        cycles: run.cycles,
        tx_beats_per_cycle: tx_bpc,
        rx_beats_per_cycle: rx_bpc,
        vcd,
        text,
    })
}

/// The NIC's save file for `vcd`, to be written at `gtkw`. GTKWave looks for a relative
/// `[dumpfile]` in its working directory, so both paths go in absolute: with `[savefile]`
/// beside `[dumpfile]` GTKWave also finds the VCD after the folder has moved (it applies
/// the pair's relative position to where the save file now is).
fn gtkw_text(vcd: &Path, gtkw: &Path) -> Result<String> {
    let (vcd, gtkw) = (std::path::absolute(vcd)?, std::path::absolute(gtkw)?);
    let text = nic_gtkw(&vcd.display().to_string(), WIDTH);
    let dumpfile = format!("[dumpfile] \"{}\"\n", vcd.display());
    Ok(text.replacen(&dumpfile, &format!("{dumpfile}[savefile] \"{}\"\n", gtkw.display()), 1))
}
