//! Cosimulation of the emitted `TxEncap` Verilog with Icarus Verilog / Verilator: the same
//! cases as the rust-hdl model, outcomes compared with golden `tx_encap` by the caller.
//!
//! Files in the work directory: `desc.hex` (one descriptor per line, fields packed as in
//! [`desc_word`]), `beats.hex` (every input beat of every frame: `{7'b0 last, tkeep, tdata}`),
//! `tb.v` (sim/tb/tx_tb.v as it is, with `params.txt` and the `desc_ports.vh` it includes), `dut.v`. The testbench drives a descriptor and a beat on every falling edge
//! (valid until accepted), holds `m_axis.tready` low with probability `BP/256`, writes
//! each output beat (`B last keep data`), each frame's last input beat (`L cycle`) and each
//! drop-counter step (`D kind cycle`) to `out.txt`, and ends with the `COSIM cycles=.. pulses=..
//! expected=.. errors=..` line that [`crate::csum_cosim`]'s runners parse (pulses =
//! frames + drops, errors = 1 on its cycle bound). [`collect`] turns `out.txt` back into
//! one outcome per case, attributing drops as [`crate::tx_model::drive`] does.

use rco_golden::types::{TxDescriptor, TxError};
use rco_golden::wire::IpAddrs;
use rco_hdl::stream::{tdata_hex, Beat};
use rco_hdl::tx::ingress::DROP_LATENCY;
use rco_hdl::tx::TxEncap;
use rust_hdl::prelude::*;
use std::fmt::Write as _;
use std::path::Path;

/// rust-hdl's Verilog of the TX block at `width` bits for `max_frame` (top module `top`).
pub fn raw_verilog(width: usize, max_frame: usize) -> anyhow::Result<String> {
    fn gen<B: Block>(mut uut: B) -> String {
        uut.connect_all();
        generate_verilog(&uut)
    }
    Ok(rco_hdl::with_width!(width, gen(TxEncap::<W, K, N, TX_A, TX_HB>::new(max_frame)), else anyhow::bail!("tx cosim: width {width} is not built")))
}

/// Bits of one packed descriptor line.
pub const DESC_BITS: usize = 512;

/// A descriptor as a `DESC_BITS`-bit hex word, most significant field first:
/// `{3'b0, partial, rco, udp_csum, vlan, ipv6, start, offset, vni, dst_mac, src_mac, tci,
/// src_ip, dst_ip, sport, dport, ttl, ip_id, 4'b0, flow_label}`; MACs and addresses in
/// lane order (wire byte 0 least significant), as the block's ports take them.
pub fn desc_word(d: &TxDescriptor) -> String {
    let lanes = |b: &[u8], n: usize| {
        let mut v = b.to_vec();
        v.resize(n, 0);
        tdata_hex(&v)
    };
    let (v6, src, dst): (bool, &[u8], &[u8]) = match &d.outer_ip {
        IpAddrs::Ipv4 { src, dst } => (false, src, dst),
        IpAddrs::Ipv6 { src, dst } => (true, src, dst),
    };
    let ctrl = (d.partial as u8) << 4
        | (d.rco as u8) << 3
        | (d.udp_csum as u8) << 2
        | (d.outer_vlan.is_some() as u8) << 1
        | v6 as u8;
    let s = format!(
        "{ctrl:02x}{:04x}{:04x}{:06x}{}{}{:04x}{}{}{:04x}{:04x}{:02x}{:04x}{:06x}",
        d.csum_start,
        d.csum_offset,
        d.vni & 0xFF_FFFF,
        lanes(&d.outer_dst_mac, 6),
        lanes(&d.outer_src_mac, 6),
        d.outer_vlan.unwrap_or(0),
        lanes(src, 16),
        lanes(dst, 16),
        d.udp_src_port,
        d.udp_dst_port,
        d.ttl,
        d.ip_id,
        d.flow_label & 0xF_FFFF
    );
    format!("{s:0>width$}", width = DESC_BITS / 4)
}

/// Write vectors, testbench and design into `dir`. `bp` is the back-pressure probability.
pub fn prepare(
    dir: &Path,
    verilog: &str,
    top: &str,
    width: usize,
    cases: &[(Vec<u8>, TxDescriptor)],
    bp: f64,
) -> anyhow::Result<()> {
    let k = width / 8;
    let cases: Vec<(Vec<Beat>, TxDescriptor)> = cases.iter().map(|(f, d)| (crate::tb::axis::frame_beats(f, k), d.clone())).collect();
    prepare_beats(dir, verilog, top, width, &cases, bp)
}

/// [`prepare`] with every case's input beats given (any `tkeep`), `width / 8` lanes each.
pub fn prepare_beats(
    dir: &Path,
    verilog: &str,
    top: &str,
    width: usize,
    cases: &[(Vec<Beat>, TxDescriptor)],
    bp: f64,
) -> anyhow::Result<()> {
    let k = width / 8;
    anyhow::ensure!(cases.iter().flat_map(|(b, _)| b).all(|b| b.data.len() == k), "tx cosim: beats of {k} lanes");
    std::fs::create_dir_all(dir)?;
    let mut desc = String::new();
    let mut beats = String::new();
    let mut nbeats = 0;
    for (bs, d) in cases {
        writeln!(desc, "{}", desc_word(d))?;
        for b in bs {
            writeln!(beats, "{:02x}{:0kw$x}{}", b.last as u8, b.keep, tdata_hex(&b.data), kw = k / 4)?;
            nbeats += 1;
        }
    }
    std::fs::write(dir.join("desc.hex"), desc)?;
    std::fs::write(dir.join("beats.hex"), beats)?;
    std::fs::write(dir.join("dut.v"), verilog)?;
    let bound = 20_000 + 60 * cases.len() + 8 * nbeats * if bp > 0.0 { (1.0 / (1.0 - bp)).ceil() as usize + 1 } else { 1 };
    let params = [("W", width), ("NCASE", cases.len()), ("NBEAT", nbeats), ("BP", (bp * 256.0) as usize), ("BOUND", bound)];
    crate::csum_cosim::write_tb(dir, TX_TB, top, &params.map(|(n, v)| (n, v as u64)))?;
    Ok(())
}

/// The TX testbench (sim/tb/tx_tb.v): parameters `W`, `NCASE`, `NBEAT`, `BP`, `BOUND`; the
/// design module is the define `DUT`; descriptors of [`DESC_BITS`] bits.
pub const TX_TB: &str = include_str!("../tb/tx_tb.v");

/// One outcome per case from the testbench's `out.txt`.
pub fn collect(dir: &Path, ncase: usize, width: usize) -> anyhow::Result<Vec<Result<Vec<u8>, TxError>>> {
    let k = width / 8;
    let text = std::fs::read_to_string(dir.join("out.txt"))?;
    let mut outcome: Vec<Option<Result<Vec<u8>, TxError>>> = vec![None; ncase];
    // a drop line at iteration d is the step of the clock edge after iteration d - 1: the
    // frame whose last beat went in DROP_LATENCY edges before it
    let mut last_beat_at = std::collections::HashMap::new();
    let mut frames = std::collections::VecDeque::new();
    let mut cur = Vec::new();
    for line in text.lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        match w.as_slice() {
            ["B", last, keep, data] => {
                let keep = u64::from_str_radix(keep, 16)?;
                let bytes: Vec<u8> = (0..k)
                    .map(|i| u8::from_str_radix(&data[data.len() - 2 * i - 2..data.len() - 2 * i], 16))
                    .collect::<Result<_, _>>()?;
                cur.extend((0..k).filter(|i| keep >> i & 1 == 1).map(|i| bytes[i]));
                if *last == "1" {
                    frames.push_back(std::mem::take(&mut cur));
                }
            }
            ["L", cyc] => {
                let f = last_beat_at.len();
                last_beat_at.insert(cyc.parse::<usize>()?, f);
            }
            ["D", kind, cyc] => {
                let d: usize = cyc.parse()?;
                let n = d
                    .checked_sub(DROP_LATENCY + 1)
                    .and_then(|t| last_beat_at.get(&t))
                    .map(|f| f + 1)
                    .unwrap_or(0);
                let e = match *kind {
                    "truncated" => TxError::Truncated,
                    "too_long" => TxError::TooLong,
                    "bad_keep" => TxError::BadKeep,
                    "bad_descriptor" => TxError::BadDescriptor,
                    _ => anyhow::bail!("tx cosim: drop kind {kind}"),
                };
                anyhow::ensure!(n > 0 && n <= ncase && outcome[n - 1].is_none(), "bad drop line {line}");
                outcome[n - 1] = Some(Err(e));
            }
            _ => anyhow::bail!("tx cosim: unexpected line {line:?}"),
        }
    }
    anyhow::ensure!(cur.is_empty(), "tx cosim: a frame without tlast");
    for o in outcome.iter_mut() {
        if o.is_none() {
            *o = Some(Ok(frames.pop_front().ok_or_else(|| anyhow::anyhow!("tx cosim: fewer frames than cases"))?));
        }
    }
    anyhow::ensure!(frames.is_empty(), "tx cosim: more frames than cases");
    Ok(outcome.into_iter().map(|o| o.expect("filled")).collect())
}

/// Indices of the cases whose outcome `got` differs from `want`, and a message if the counts differ.
pub fn mismatches(got: &[Result<Vec<u8>, TxError>], want: &[Result<Vec<u8>, TxError>]) -> Vec<String> {
    let mut d: Vec<String> = got
        .iter()
        .zip(want)
        .enumerate()
        .filter(|(_, (g, w))| g != w)
        .map(|(i, (g, w))| {
            let short = |r: &Result<Vec<u8>, TxError>| r.as_ref().map(Vec::len).map_err(|e| *e);
            format!("case {i}: {:?}, expected {:?}", short(g), short(w))
        })
        .collect();
    if got.len() != want.len() {
        d.push(format!("{} outcomes, {} expected", got.len(), want.len()));
    }
    d
}
