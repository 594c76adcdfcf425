//! `--model verilator` for the RX path, the TX path and the TX -> RX loopback: the same
//! stimulus as the rust-hdl drivers ([`crate::rx_model`], [`crate::tx_model`],
//! [`crate::loopback_tb`]), run by [`crate::verilator`] on the exported Verilog, and the
//! results turned back into those drivers' run records, so the testbenches' checks and
//! summary lines apply unchanged. Seeds, cycle bounds and stall limits are the drivers'.

use crate::loopback_tb::{LoopDrive, LoopRun, Outcome, RxOut, TX_ERRORS};
use crate::rx_model::{Drive, RxResult, RxRun};
use crate::tb::tx_drops::TxDrops;
use crate::tx_model::{DriveOpts, TxRun};
use crate::verilator::{build, run, val, val_lanes, Event, Payload, Stimulus, Value, VlModel, VlRun};
use rco_golden::types::{DropReason, RxConfig, RxMeta, TxDescriptor, TxError};
use rco_golden::wire::IpAddrs;
use rco_hdl::rx::{DROP_OVERFLOW, NUM_DROP_REASONS};
use rco_hdl::stream::Beat;
use rco_export::Design;

/// RX metadata ports, in [`RxMeta`] field order.
const RX_META: [&str; 7] =
    ["m_vni", "m_rco", "m_rco_applied", "m_csum_start", "m_csum_offset", "m_csum_complete", "m_outer_csum_ok"];
/// TX drop counters, in [`TX_ERRORS`] order.
const TX_COUNTERS: [&str; 4] = ["drop_truncated", "drop_too_long", "drop_bad_desc", "drop_bad_keep"];

/// The exported RX path at `width`, built (or cached).
pub fn rx_model(width: usize) -> anyhow::Result<VlModel> {
    crate::rx_model::capacity(width)?;
    build(&Design::Rx.verilog(width)?, &Design::Rx.module_name(width))
}

/// The TX block for `max_frame`-byte host frames at `width`, built (or cached).
pub fn tx_model(width: usize, max_frame: usize) -> anyhow::Result<VlModel> {
    build(&rco_export::tx_encap_verilog(width, max_frame)?, &rco_export::tx_encap_module(width, max_frame))
}

/// The RX configuration inputs (`prefix` before each name) for `cfg`, the ingress in AXI
/// back-pressure mode or MAC mode.
fn rx_config(prefix: &str, cfg: &RxConfig, mac: bool) -> Vec<Value> {
    vec![
        val(&format!("{prefix}backpressure"), !mac as u64),
        val(&format!("{prefix}port"), cfg.port as u64),
        val(&format!("{prefix}remcsum_rx"), cfg.remcsum_rx as u64),
        val(&format!("{prefix}nopartial"), cfg.nopartial as u64),
        val(&format!("{prefix}udp_zero_csum6_rx"), cfg.udp_zero_csum6_rx as u64),
        val(&format!("{prefix}max_frame"), cfg.max_frame as u64),
    ]
}

/// The TX descriptor channel's fields (`desc$...`) for `d`, as `tb::desc::set_desc` drives them.
fn tx_desc(d: &TxDescriptor) -> Vec<Value> {
    let (v6, src, dst): (bool, &[u8], &[u8]) = match &d.outer_ip {
        IpAddrs::Ipv4 { src, dst } => (false, src, dst),
        IpAddrs::Ipv6 { src, dst } => (true, src, dst),
    };
    vec![
        val("desc$partial", d.partial as u64),
        val("desc$csum_start", d.csum_start as u64),
        val("desc$csum_offset", d.csum_offset as u64),
        val("desc$vni", (d.vni & 0xFF_FFFF) as u64),
        val_lanes("desc$dst_mac", &d.outer_dst_mac),
        val_lanes("desc$src_mac", &d.outer_src_mac),
        val("desc$vlan", d.outer_vlan.is_some() as u64),
        val("desc$vlan_tci", d.outer_vlan.unwrap_or(0) as u64),
        val("desc$ipv6", v6 as u64),
        val_lanes("desc$src_ip", src),
        val_lanes("desc$dst_ip", dst),
        val("desc$udp_sport", d.udp_src_port as u64),
        val("desc$udp_dport", d.udp_dst_port as u64),
        val("desc$ttl", d.ttl as u64),
        val("desc$ip_id", d.ip_id as u64),
        val("desc$flow_label", (d.flow_label & 0xF_FFFF) as u64),
        val("desc$rco", d.rco as u64),
        val("desc$udp_csum", d.udp_csum as u64),
    ]
}

fn rx_meta(m: &[u64]) -> RxMeta {
    RxMeta {
        vni: m[0] as u32,
        rco: m[1] == 1,
        rco_applied: m[2] == 1,
        csum_start: m[3] as u16,
        csum_offset: m[4] as u16,
        csum_complete: m[5] as u16,
        outer_csum_ok: m[6] == 1,
    }
}

fn drop_reason(code: u64) -> anyhow::Result<DropReason> {
    anyhow::ensure!(
        (code as usize) < NUM_DROP_REASONS && code != DROP_OVERFLOW,
        "RX hardware: drop event with code {code}"
    );
    Ok(DropReason::ALL[code as usize])
}

fn rx_counters(r: &VlRun, prefix: &str) -> anyhow::Result<Vec<u64>> {
    (0..NUM_DROP_REASONS).map(|i| r.output(&format!("{prefix}drop_count${i}"))).collect()
}

/// RX results (frames and drop events) from the events, in order; `overflow` drops (counter
/// events of the watched overflow counter) have none.
fn rx_results(r: &VlRun) -> anyhow::Result<Vec<RxResult>> {
    let mut out = Vec::new();
    for e in &r.events {
        match e {
            Event::Frame { data, meta, .. } => out.push(Ok((data.clone(), rx_meta(meta)))),
            Event::Pulse { value, .. } => out.push(Err(drop_reason(*value)?)),
            Event::Count { .. } => {}
        }
    }
    Ok(out)
}

fn rx_stimulus<'a>(prefix: &str, meta_prefix: &str) -> Stimulus<'a> {
    Stimulus {
        input: "s_axis".into(),
        output: "m_axis".into(),
        meta: RX_META.iter().map(|m| format!("{meta_prefix}{m}")).collect(),
        // an overflow drop has no event: its count stands for it
        watch: vec![format!("{prefix}drop_count${DROP_OVERFLOW}")],
        pulse: Some((format!("{prefix}drop_valid"), format!("{prefix}drop_reason"))),
        stall: crate::rx_model::STALL_LIMIT,
        bound: u64::MAX,
        ..Default::default()
    }
}

/// As [`crate::rx_model::run_width`] (no VCD), on the exported Verilog.
pub fn rx_run(jobs: &[(Vec<u8>, RxConfig)], width: usize, drive: &Drive) -> anyhow::Result<RxRun> {
    crate::rx_model::check_jobs(jobs, width)?;
    rx_run_on(&rx_model(width)?, jobs, drive)
}

/// [`rx_run`] on a given build of the RX path (e.g. a modified one).
pub fn rx_run_on(model: &VlModel, jobs: &[(Vec<u8>, RxConfig)], drive: &Drive) -> anyhow::Result<RxRun> {
    let mut s = rx_stimulus("", "");
    // one configuration per distinct RxConfig, in order of first use
    let mut cfgs: Vec<&RxConfig> = Vec::new();
    for (f, c) in jobs {
        let id = match cfgs.iter().position(|x| *x == c) {
            Some(i) => i,
            None => {
                cfgs.push(c);
                cfgs.len() - 1
            }
        };
        s.packets.push((id as u32, Payload::Bytes(f)));
    }
    s.configs = cfgs.iter().map(|c| rx_config("", c, drive.mac)).collect();
    s.backpressure = drive.backpressure;
    s.seed = drive.seed ^ 0x5258;
    let r = run(model, &s)?;
    let results = rx_results(&r)?;
    let counters = rx_counters(&r, "")?;
    anyhow::ensure!(
        results.len() as u64 + counters[DROP_OVERFLOW as usize] == jobs.len() as u64,
        "RX hardware: {} results and {} overflow drops for {} frames",
        results.len(),
        counters[DROP_OVERFLOW as usize],
        jobs.len()
    );
    Ok(RxRun { results, counters, cycles: r.cycles, offered: r.offered, accepted: r.accepted, ..Default::default() })
}

/// As [`crate::rx_model::run_raw_beats`] (explicit beats, one configuration), on the exported Verilog.
pub fn rx_run_beats(
    packets: &[Vec<Beat>],
    cfg: &RxConfig,
    width: usize,
    backpressure: f64,
    seed: u64,
) -> anyhow::Result<(Vec<RxOut>, Vec<u64>)> {
    let model = rx_model(width)?;
    let mut s = rx_stimulus("", "");
    s.packets = packets.iter().map(|b| (0, Payload::Beats(b))).collect();
    s.configs = vec![rx_config("", cfg, false)];
    s.backpressure = backpressure;
    s.seed = seed;
    s.end_inputs = true;
    let r = run(&model, &s)?;
    Ok((rx_results(&r)?, rx_counters(&r, "")?))
}

/// `decap --model verilator`: as [`crate::rx_model::decap_batch`].
pub fn decap_batch(frames: &[Vec<u8>], cfg: &RxConfig, width: usize) -> anyhow::Result<Vec<RxResult>> {
    let jobs: Vec<(Vec<u8>, RxConfig)> = frames.iter().map(|f| (f.clone(), cfg.clone())).collect();
    Ok(rx_run(&jobs, width, &Drive::default())?.results)
}

/// Payload of a host frame: an empty one is a single beat with no lane kept (as
/// [`crate::tb::axis::frame_beats`]).
fn host_payload<'a>(f: &'a [u8], null: &'a [Beat]) -> Payload<'a> {
    if f.is_empty() {
        Payload::Beats(null)
    } else {
        Payload::Bytes(f)
    }
}

/// As [`crate::tx_model::run_width`] (no VCD), on the exported Verilog.
pub fn tx_run(cases: &[(Vec<u8>, TxDescriptor)], opts: &DriveOpts, width: usize) -> anyhow::Result<TxRun> {
    anyhow::ensure!(
        (14..=crate::tx_model::MAX_FRAME_LIMIT).contains(&opts.max_frame),
        "max_frame {} outside 14..={}",
        opts.max_frame,
        crate::tx_model::MAX_FRAME_LIMIT
    );
    let model = tx_model(width, opts.max_frame)?;
    let k = width / 8;
    let null = [Beat { data: vec![0; k], keep: 0, last: true }];
    let total_in: u64 = cases.iter().map(|(f, _)| f.len().div_ceil(k).max(1) as u64).sum();
    let slow = if opts.backpressure > 0.0 { (1.0 / (1.0 - opts.backpressure)).ceil() as u64 + 1 } else { 1 };
    let s = Stimulus {
        input: "s_axis".into(),
        output: "m_axis".into(),
        watch: TX_COUNTERS.iter().map(|c| c.to_string()).collect(),
        chan: Some(("desc$valid".into(), "desc$ready".into())),
        items: cases.iter().map(|(_, d)| tx_desc(d)).collect(),
        packets: cases.iter().map(|(f, _)| (0, host_payload(f, &null))).collect(),
        backpressure: opts.backpressure,
        idle: opts.idle,
        seed: opts.seed ^ 0x7458_656E_6361_7053,
        stall: 20_000,
        bound: 10_000 + (40 * cases.len() as u64 + 4 * total_in) * slow,
        end_inputs: true,
        settle: 0,
        starts: true,
        ..Default::default()
    };
    let r = run(&model, &s)?;
    // attribution as in tx_model::drive_beats: a drop as TxDrops finds it, output frames in
    // order to the cases that were not dropped
    let tx_drops = TxDrops::from_ends(&r.ends);
    let n = cases.len();
    let mut outcome: Vec<Option<Result<(), TxError>>> = vec![None; n];
    let mut frames = Vec::new();
    let mut drops = 0;
    for e in r.events {
        match e {
            Event::Count { cycle, index, delta, .. } => {
                anyhow::ensure!(delta == 1, "drop counter jumped");
                let i = tx_drops.frame_of(cycle)?;
                anyhow::ensure!(outcome[i].is_none(), "two outcomes for case {i}");
                outcome[i] = Some(Err(TX_ERRORS[index]));
                drops += 1;
            }
            Event::Frame { chan, data, .. } => {
                frames.push(data);
                match outcome.iter().position(|o| o.is_none()) {
                    Some(i) if (i as u64) < chan => outcome[i] = Some(Ok(())),
                    _ => anyhow::bail!("tx_encap: an output frame that no accepted packet explains"),
                }
            }
            Event::Pulse { .. } => anyhow::bail!("tx_encap: a pulse event"),
        }
    }
    anyhow::ensure!(outcome.iter().all(|o| o.is_some()), "tx_encap: a case without an outcome");
    let results = crate::tx_model::results(outcome, frames);
    Ok(TxRun { results, cycles: r.cycles, out_beats: r.out_beats, busy_ready_cycles: r.busy_ready, drops, ..Default::default() })
}

/// `encap --model verilator`: as [`crate::tx_model::encap_batch`].
pub fn encap_batch(
    cases: &[(Vec<u8>, TxDescriptor)],
    max_frame: usize,
    width: usize,
) -> anyhow::Result<Vec<Result<Vec<u8>, TxError>>> {
    let opts = DriveOpts { max_frame, backpressure: 0.0, idle: 0.0, seed: 1 };
    Ok(tx_run(cases, &opts, width)?.results)
}

/// NIC top metadata ports, in [`RxMeta`] field order.
const NIC_META: [&str; 7] =
    ["rx_vni", "rx_rco", "rx_rco_applied", "rx_csum_start", "rx_csum_offset", "rx_csum_complete", "rx_outer_csum_ok"];

/// Verilog of the loopback: the exported NIC top (`NicTop`, the block `loopback_tb`
/// simulates) in a wrapper that joins its `tx_m_axis` to its `rx_s_axis`, as
/// `loopback_tb::Loopback` does. `tx_s_axis$*`, `tx_desc$*` and `rx_m_axis$*` come out as
/// `s_axis$*`, `desc$*` and `m_axis$*`; the joined stream as outputs `wire$*`; every other
/// port keeps its name. Returns (Verilog, module name).
pub fn loopback_verilog(width: usize, max_frame: usize) -> anyhow::Result<(String, String)> {
    use crate::verilator::top_ports;
    let nic_mod = rco_export::nic_module(width, max_frame);
    let nic_v = rco_export::nic_verilog(width, max_frame)?;
    let ports = top_ports(&nic_v, &nic_mod)?;
    let module = format!("rco_loopback_w{width}_mf{max_frame}");
    let range = |w: usize| if w > 1 { format!("[{}:0] ", w - 1) } else { String::new() };
    let mut ext_ports: Vec<String> = vec![];
    let mut decls = String::new();
    let mut inst = vec![];
    let mut wires = String::new();
    for p in &ports {
        if let Some(x) = p.name.strip_prefix("tx_m_axis$") {
            let peer = ports
                .iter()
                .find(|q| q.name == format!("rx_s_axis${x}"))
                .ok_or_else(|| anyhow::anyhow!("loopback: the NIC has no rx_s_axis${x} for tx_m_axis${x}"))?;
            anyhow::ensure!(peer.output != p.output && peer.width == p.width, "loopback: tx_m_axis${x} does not fit rx_s_axis${x}");
            wires.push_str(&format!("    wire  {}lb${x};\n    assign wire${x} = lb${x};\n", range(p.width)));
            decls.push_str(&format!("    output wire  {}wire${x};\n", range(p.width)));
            ext_ports.push(format!("wire${x}"));
            inst.push(format!(".{}(lb${x})", p.name));
            inst.push(format!(".rx_s_axis${x}(lb${x})"));
            continue;
        }
        if p.name.starts_with("rx_s_axis$") {
            continue;
        }
        let ext = ["tx_s_axis$", "tx_desc$", "rx_m_axis$"]
            .iter()
            .find_map(|pre| p.name.strip_prefix(pre).map(|x| format!("{}{x}", &pre[3..])))
            .unwrap_or_else(|| p.name.clone());
        let dir = if p.output { "output" } else { "input" };
        decls.push_str(&format!("    {dir} wire  {}{ext};\n", range(p.width)));
        inst.push(format!(".{}({ext})", p.name));
        ext_ports.push(ext);
    }
    let wrapper = format!(
        "// Generated by rco_sim::vl_model: the NIC's tx_m_axis joined to its rx_s_axis.\nmodule {module}({});\n{decls}{wires}    {nic_mod} nic({});\nendmodule\n",
        ext_ports.join(","),
        inst.join(", ")
    );
    Ok((format!("{wrapper}\n{nic_v}"), module))
}

/// As [`crate::loopback_tb::run_width`] (no VCD), on the exported Verilog of the same NIC
/// top: the same outcomes, counters, cycles, beats, wire frames and per-case cycles.
pub fn loop_run(cases: &[(Vec<u8>, TxDescriptor)], width: usize, drive: &LoopDrive) -> anyhow::Result<LoopRun> {
    use crate::loopback_tb::{SETTLE, STALL_LIMIT, WARM_UP};
    let cfg = &drive.cfg;
    anyhow::ensure!(cases.iter().all(|(f, _)| !f.is_empty()), "loopback: empty host frame");
    let (verilog, module) = loopback_verilog(width, cfg.max_frame)?;
    let model = build(&verilog, &module)?;
    let k = width / 8;
    let p = drive.backpressure;
    let total_in: u64 = cases.iter().map(|(f, _)| f.len().div_ceil(k) as u64).sum();
    let slow = (2.0 / ((1.0 - p) * (1.0 - drive.idle)).max(0.01)).ceil() as u64;
    // run_loop's configuration: RX waits (AXI back-pressure)
    let nic_cfg = vec![
        val("cfg_rco_tx", drive.rco_tx as u64),
        val("cfg_rco_rx", cfg.remcsum_rx as u64),
        val("cfg_nopartial", cfg.nopartial as u64),
        val("cfg_vxlan_port", cfg.port as u64),
        val("cfg_udp6_zero_csum_rx", cfg.udp_zero_csum6_rx as u64),
        val("cfg_rx_backpressure", 1),
    ];
    let s = Stimulus {
        input: "s_axis".into(),
        output: "m_axis".into(),
        meta: NIC_META.iter().map(|m| m.to_string()).collect(),
        pulse: Some(("rx_drop_valid".into(), "rx_drop_reason".into())),
        watch: TX_COUNTERS.iter().map(|c| format!("tx_{c}")).collect(),
        chan: Some(("desc$valid".into(), "desc$ready".into())),
        items: cases.iter().map(|(_, d)| tx_desc(d)).collect(),
        configs: vec![nic_cfg],
        packets: cases.iter().map(|(f, _)| (0, Payload::Bytes(f))).collect(),
        wire: Some(("wire$tvalid".into(), "wire$tready".into())),
        wire_frames: Some(("wire$tdata".into(), "wire$tkeep".into(), "wire$tlast".into())),
        warmup: WARM_UP,
        starts: true,
        backpressure: p,
        idle: drive.idle,
        seed: drive.seed ^ 0x4C6F_6F70,
        stall: STALL_LIMIT,
        bound: WARM_UP + 10 * STALL_LIMIT + (80 * cases.len() as u64 + 4 * total_in).saturating_mul(slow),
        end_inputs: false,
        settle: SETTLE,
    };
    let r = run(&model, &s)?;
    // attribution as in loopback_tb::run_loop: a TX drop as TxDrops finds it, RX results in
    // order to the cases TX did not drop
    let tx_drops = TxDrops::from_ends(&r.ends);
    let n = cases.len();
    let mut outcomes: Vec<Option<Outcome>> = vec![None; n];
    let mut out_cycles = vec![0u64; n];
    for e in &r.events {
        let (o, chan, cycle) = match e {
            Event::Count { cycle, index, delta, .. } => {
                anyhow::ensure!(*delta == 1, "loopback: TX drop counter jumped");
                let i = tx_drops.frame_of(*cycle).map_err(|e| anyhow::anyhow!("loopback: {e}"))?;
                anyhow::ensure!(outcomes[i].is_none(), "loopback: two outcomes for case {i}");
                outcomes[i] = Some(Outcome::Tx(TX_ERRORS[*index]));
                out_cycles[i] = *cycle;
                continue;
            }
            Event::Frame { cycle, chan, data, meta } => (Outcome::Rx(Ok((data.clone(), rx_meta(meta)))), *chan, *cycle),
            Event::Pulse { cycle, chan, value } => (Outcome::Rx(Err(drop_reason(*value)?)), *chan, *cycle),
        };
        match outcomes.iter().position(|o| o.is_none()) {
            Some(i) if (i as u64) < chan => {
                outcomes[i] = Some(o);
                out_cycles[i] = cycle;
            }
            _ => anyhow::bail!("loopback: an RX result that no sent packet explains"),
        }
    }
    anyhow::ensure!(outcomes.iter().all(|o| o.is_some()), "loopback: a case without an outcome");
    anyhow::ensure!(r.starts.len() <= n, "loopback: more packet starts than packets");
    let mut in_cycles = r.starts.clone();
    // a case TX dropped before taking its first beat keeps 0, as in run_loop
    in_cycles.resize(n, 0);
    let mut tx_counters = [0u64; TX_ERRORS.len()];
    for (i, c) in TX_COUNTERS.iter().enumerate() {
        tx_counters[i] = r.output(&format!("tx_{c}"))?;
    }
    Ok(LoopRun {
        outcomes: outcomes.into_iter().map(|o| o.expect("checked above")).collect(),
        cycles: r.cycles,
        wire_beats: r.wire_beats,
        out_beats: r.out_beats,
        rx_counters: (0..NUM_DROP_REASONS).map(|i| r.output(&format!("rx_drop_count${i}"))).collect::<anyhow::Result<_>>()?,
        tx_counters,
        tx_frames_out: r.output("tx_frames_out")?,
        wire: r.wire,
        in_cycles,
        out_cycles,
        vcd_cycles: 0,
        wire_seen: true,
    })
}
