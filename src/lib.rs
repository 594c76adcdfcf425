//! rco-nic command implementations: pcap-to-pcap TX encapsulation and RX
//! decapsulation through the golden model or the hardware model, and their summaries.

pub mod main_job;
pub mod pcap_io;
pub mod tap;

use anyhow::{bail, Result};
use pcap_io::Frame;
use rco_golden::rx::rx_decap;
use rco_golden::tx::{host_checksum_partial, tx_encap, udp_flow_src_port, uses_rco};
use rco_golden::types::{DropReason, RxConfig, RxMeta, TxDescriptor, DEFAULT_MAX_FRAME};
use rco_golden::wire::IpAddrs;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// Which implementation processes the frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Model {
    /// The software reference (golden/).
    Golden,
    /// The rust-hdl design, simulated cycle by cycle.
    Hw,
    /// The exported Verilog of the same design under Verilator (needs `verilator`).
    Verilator,
}

impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Model::Golden => "golden",
            Model::Hw => "hw",
            Model::Verilator => "verilator",
        })
    }
}

/// Outer network layer for `encap`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum OuterKind {
    Ipv4,
    Ipv6,
}

/// How the RX ingress treats a full buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum RxIngress {
    /// As a MAC needs: `tready` stays high; a frame that does not fit is dropped (`overflow`).
    Mac,
    /// AXI back-pressure: `tready` low until there is room.
    Axi,
}

/// `encap` settings beyond the model.
#[derive(Clone, Debug)]
pub struct EncapOpts {
    pub vni: u32,
    pub outer: OuterKind,
    pub rco: bool,
    pub udp_csum: bool,
    /// Outer addresses and source port instead of the defaults (e.g. to match a real
    /// receiver); addresses must be of the `outer` family.
    pub addr: OuterOverride,
}

/// Optional outer Ethernet/IP addresses and UDP source port for `encap`.
#[derive(Clone, Debug, Default)]
pub struct OuterOverride {
    pub src_mac: Option<[u8; 6]>,
    pub dst_mac: Option<[u8; 6]>,
    pub src_ip: Option<std::net::IpAddr>,
    pub dst_ip: Option<std::net::IpAddr>,
    pub sport: Option<u16>,
}

impl OuterOverride {
    /// The outer addresses for `kind`, with the overrides applied; an address of the
    /// other family is an error.
    pub fn ip(&self, kind: OuterKind) -> Result<IpAddrs> {
        use std::net::IpAddr;
        let mut a = outer_addrs(kind);
        for (which, ip) in [(0, self.src_ip), (1, self.dst_ip)] {
            match (&mut a, ip) {
                (_, None) => {}
                (IpAddrs::Ipv4 { src, dst }, Some(IpAddr::V4(v))) => *[src, dst][which] = v.octets(),
                (IpAddrs::Ipv6 { src, dst }, Some(IpAddr::V6(v))) => *[src, dst][which] = v.octets(),
                (_, Some(ip)) => bail!("outer address {ip} is not of the --outer {kind:?} family"),
            }
        }
        Ok(a)
    }
}

/// Counts an `encap` or `decap` run ends with.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    pub command: &'static str,
    pub model: String,
    pub frames_in: usize,
    pub frames_out: usize,
    pub rco_applied: usize,
    pub drops: BTreeMap<String, usize>,
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let drops: usize = self.drops.values().sum();
        write!(
            f,
            "{} model={} frames_in={} frames_out={} rco_applied={} drops={}",
            self.command, self.model, self.frames_in, self.frames_out, self.rco_applied, drops
        )?;
        for (reason, n) in &self.drops {
            write!(f, " drop_{reason}={n}")?;
        }
        Ok(())
    }
}

/// Default outer addresses (documentation ranges, RFC 5737 / RFC 3849).
fn outer_addrs(kind: OuterKind) -> IpAddrs {
    match kind {
        OuterKind::Ipv4 => IpAddrs::Ipv4 { src: [192, 0, 2, 1], dst: [192, 0, 2, 2] },
        OuterKind::Ipv6 => {
            let mut src = [0u8; 16];
            src[..4].copy_from_slice(&[0x20, 0x01, 0x0d, 0xb8]);
            let mut dst = src;
            src[15] = 1;
            dst[15] = 2;
            IpAddrs::Ipv6 { src, dst }
        }
    }
}

/// The host-stack view of one inner frame: CHECKSUM_PARTIAL prepared, and the
/// descriptor the driver would hand the NIC.
pub fn host_descriptor(frame: &[u8], index: usize, opts: &EncapOpts) -> (Vec<u8>, TxDescriptor) {
    let mut inner = frame.to_vec();
    let partial = host_checksum_partial(&mut inner);
    let desc = descriptor(&inner, partial, index, opts);
    (inner, desc)
}

/// The TX descriptor for host frame `inner` (number `index`), CHECKSUM_PARTIAL at
/// `partial` = (csum_start, csum_offset) if given, outer fields from `opts`.
pub fn descriptor(inner: &[u8], partial: Option<(u16, u16)>, index: usize, opts: &EncapOpts) -> TxDescriptor {
    let (csum_start, csum_offset) = partial.unwrap_or((0, 0));
    TxDescriptor {
        partial: partial.is_some(),
        csum_start,
        csum_offset,
        vni: opts.vni,
        outer_ip: opts.addr.ip(opts.outer).unwrap_or_else(|_| outer_addrs(opts.outer)),
        outer_src_mac: opts.addr.src_mac.unwrap_or(TxDescriptor::default().outer_src_mac),
        outer_dst_mac: opts.addr.dst_mac.unwrap_or(TxDescriptor::default().outer_dst_mac),
        udp_src_port: opts.addr.sport.unwrap_or_else(|| udp_flow_src_port(inner)),
        ip_id: index as u16,
        rco: opts.rco,
        udp_csum: opts.udp_csum,
        ..TxDescriptor::default()
    }
}

/// TX: inner frames -> VXLAN frames.
pub fn encap(frames: &[Frame], model: Model, opts: &EncapOpts) -> Result<(Vec<Frame>, Summary)> {
    opts.addr.ip(opts.outer)?;
    let mut sum = Summary { command: "encap", model: model.to_string(), frames_in: frames.len(), ..Default::default() };
    let mut out = Vec::new();
    let cases: Vec<_> = frames.iter().enumerate().map(|(i, f)| host_descriptor(&f.data, i, opts)).collect();
    let results = match model {
        Model::Golden => cases.iter().map(|(inner, d)| tx_encap(inner, d, DEFAULT_MAX_FRAME)).collect::<Vec<_>>(),
        Model::Hw => rco_sim::tx_model::encap_batch(&cases, DEFAULT_MAX_FRAME, 64)?,
        Model::Verilator => rco_sim::vl_model::encap_batch(&cases, DEFAULT_MAX_FRAME, 64)?,
    };
    for ((frame, (_, desc)), r) in frames.iter().zip(&cases).zip(results) {
        match r {
            Ok(data) if !frame.truncated => {
                sum.rco_applied += uses_rco(desc) as usize;
                out.push(Frame { timestamp: frame.timestamp, data, truncated: false });
            }
            Ok(_) => *sum.drops.entry("truncated".into()).or_default() += 1,
            Err(e) => *sum.drops.entry(e.to_string()).or_default() += 1,
        }
    }
    sum.frames_out = out.len();
    Ok((out, sum))
}

/// One frame's outcome in a `decap --report`.
#[derive(Clone, Debug, Serialize)]
pub struct FrameReport {
    pub index: usize,
    #[serde(flatten)]
    pub outcome: Outcome,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    Ok(RxMeta),
    Drop(DropReason),
}

/// The JSON `decap --report` writes.
#[derive(Clone, Debug, Serialize)]
pub struct DecapReport {
    pub summary: Summary,
    pub config: RxConfig,
    pub frames: Vec<FrameReport>,
}

/// RX: VXLAN frames -> inner frames, with per-frame metadata.
pub fn decap(frames: &[Frame], model: Model, cfg: &RxConfig) -> Result<(Vec<Frame>, DecapReport)> {
    let mut sum = Summary { command: "decap", model: model.to_string(), frames_in: frames.len(), ..Default::default() };
    let results: Vec<Result<(Vec<u8>, RxMeta), DropReason>> = match model {
        Model::Golden => frames
            .iter()
            .map(|f| if f.truncated { Err(DropReason::Truncated) } else { rx_decap(&f.data, cfg) })
            .collect(),
        Model::Hw | Model::Verilator => {
            // A cut-off pcap record or an empty frame never reaches the wire as a whole
            // frame: counted as truncated, as the golden arm does; the rest runs through
            // the RX hardware (64-bit datapath) cycle by cycle.
            let whole: Vec<Vec<u8>> =
                frames.iter().filter(|f| !f.truncated && !f.data.is_empty()).map(|f| f.data.clone()).collect();
            let batch = if model == Model::Hw { rco_sim::rx_model::decap_batch } else { rco_sim::vl_model::decap_batch };
            let mut hw = batch(&whole, cfg, 64)?.into_iter();
            let mut v = Vec::with_capacity(frames.len());
            for f in frames {
                if f.truncated || f.data.is_empty() {
                    v.push(Err(DropReason::Truncated));
                } else {
                    v.push(hw.next().ok_or_else(|| anyhow::anyhow!("RX hardware: a result is missing"))?);
                }
            }
            v
        }
    };
    let mut out = Vec::new();
    let mut reports = Vec::new();
    for (index, (frame, r)) in frames.iter().zip(results).enumerate() {
        let outcome = match r {
            Ok((data, meta)) => {
                sum.rco_applied += meta.rco_applied as usize;
                out.push(Frame { timestamp: frame.timestamp, data, truncated: false });
                Outcome::Ok(meta)
            }
            Err(reason) => {
                *sum.drops.entry(reason.to_string()).or_default() += 1;
                Outcome::Drop(reason)
            }
        };
        reports.push(FrameReport { index, outcome });
    }
    sum.frames_out = out.len();
    Ok((out, DecapReport { summary: sum, config: cfg.clone(), frames: reports }))
}
