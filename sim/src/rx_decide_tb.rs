//! Bench of the streaming RX front end (`rco_hdl::rx::decide::RxDecide`: ingress, header
//! extraction, checks): frames in back to back, one decision per frame out, each compared with
//! golden `rx_decap`: the verdict and drop reason, the inner frame's place in the ring (its bytes
//! must be golden's inner frame but for the patched checksum field), the metadata, the inner
//! frame's sum (against an RFC 1071 sum written here) and the remcsum request. The ring space of
//! each decided frame is released at once, as an egress that never waits would.

use rco_golden::rng::SplitMix64;
use rco_golden::rx::rx_decap;
use rco_golden::types::{RxConfig, RxMeta};
use rco_hdl::rx::decide::RxDecide;
use crate::tb::axis::AxisDriver;
use rco_hdl::stream::packet_beats;
use rust_hdl::prelude::*;

/// One decision as the hardware gave it.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    pub deliver: bool,
    pub reason: usize,
    pub inner_off: usize,
    pub inner_len: usize,
    pub meta: RxMeta,
    pub inner_sum: u32,
    pub remcsum_start: usize,
    pub remcsum_offset: usize,
}

/// What a run saw: decisions in input order, cycles, input beats.
#[derive(Debug, Default)]
pub struct DecideRun {
    pub decisions: Vec<Decision>,
    pub cycles: u64,
    pub beats: u64,
    /// cycles from the first beat offered to the last beat accepted
    pub input_cycles: u64,
}

/// RFC 1071 sum of `b` folded to 16 bits, in wire (big-endian) order.
pub fn rfc1071(b: &[u8]) -> u16 {
    let mut s: u32 = 0;
    for c in b.chunks(2) {
        s += (c[0] as u32) << 8 | *c.get(1).unwrap_or(&0) as u32;
        s = (s & 0xFFFF) + (s >> 16);
    }
    s as u16
}

fn fold_le(x: u32) -> u16 {
    let s = (x & 0xFFFF) + (x >> 16);
    ((s & 0xFFFF) + (s >> 16)) as u16
}

/// Run `jobs` through the front end at `width`; the configuration changes only with no frame in
/// flight.
pub fn run_width(jobs: &[(Vec<u8>, RxConfig)], width: usize) -> anyhow::Result<DecideRun> {
    with_width!(width, run::<W, K, N, RX_AW, RX_AB>(jobs), else anyhow::bail!("width {width} is not built"))
}

fn run<const W: usize, const K: usize, const N: usize, const AW: usize, const AB: usize>(
    jobs: &[(Vec<u8>, RxConfig)],
) -> anyhow::Result<DecideRun> {
    let mut uut = RxDecide::<W, K, N, AW, AB>::default();
    uut.connect_all();
    let mut input = AxisDriver::new(jobs.iter().map(|(f, _)| packet_beats(f, K)).collect());
    let mut out = DecideRun::default();
    let mut cur: Option<RxConfig> = None;
    let mut free: u64 = 0;
    let mut first_offer: Option<u64> = None;
    let mut c = 0u64;
    while out.decisions.len() < jobs.len() {
        anyhow::ensure!(c < 100_000 + 200 * jobs.len() as u64, "RxDecide: no decision for too long");
        let mut offer = false;
        let pkt = input.frames_in();
        if pkt < jobs.len() {
            if input.mid_frame() || cur.as_ref() == Some(&jobs[pkt].1) {
                offer = true;
            } else if out.decisions.len() == pkt {
                cur = Some(jobs[pkt].1.clone());
                offer = true;
            }
        }
        if let Some(cfg) = &cur {
            uut.port.next = (cfg.port as u64).into();
            uut.remcsum_rx.next = cfg.remcsum_rx;
            uut.nopartial.next = cfg.nopartial;
            uut.udp_zero_csum6_rx.next = cfg.udp_zero_csum6_rx;
            uut.max_frame.next = (cfg.max_frame as u64).into();
        }
        uut.backpressure.next = true;
        uut.credit.next = true;
        uut.credit_next.next = true;
        uut.free_ptr.next = (free & 0xFFFF).into();
        uut.clock.next = false.into();
        if input.drive(&mut uut.s_axis, offer) {
            first_offer.get_or_insert(c);
        }
        anyhow::ensure!(simulate(&mut uut, 200), "RxDecide: no convergence in cycle {c}");
        if let Some(t) = input.take(&uut.s_axis) {
            out.beats += 1;
            if t.last && input.done() {
                out.input_cycles = c + 1 - first_offer.unwrap();
            }
        }
        if uut.d_valid.val() {
            free += uut.d_beats.val().to_u64();
            out.decisions.push(Decision {
                deliver: uut.d_deliver.val(),
                reason: uut.d_reason.val().to_u64() as usize,
                inner_off: uut.d_inner_off.val().to_u64() as usize,
                inner_len: uut.d_inner_len.val().to_u64() as usize,
                meta: RxMeta {
                    vni: uut.d_vni.val().to_u64() as u32,
                    rco: uut.d_rco.val(),
                    rco_applied: uut.d_rco_applied.val(),
                    csum_start: uut.d_csum_start.val().to_u64() as u16,
                    csum_offset: uut.d_csum_offset.val().to_u64() as u16,
                    csum_complete: 0,
                    outer_csum_ok: uut.d_outer_csum_ok.val(),
                },
                inner_sum: uut.d_inner_sum.val().to_u64() as u32,
                remcsum_start: uut.d_remcsum_start.val().to_u64() as usize,
                remcsum_offset: uut.d_remcsum_offset.val().to_u64() as usize,
            });
        }
        uut.clock.next = true.into();
        anyhow::ensure!(simulate(&mut uut, 200), "RxDecide: no convergence in cycle {c}");
        c += 1;
    }
    out.cycles = c;
    Ok(out)
}

/// Every way `d` differs from golden's verdict on `frame`, as text (empty: none).
pub fn check(frame: &[u8], cfg: &RxConfig, d: &Decision) -> Vec<String> {
    let mut err = Vec::new();
    match rx_decap(frame, cfg) {
        Err(reason) => {
            let code = reason.code();
            if d.deliver || d.reason != code {
                err.push(format!("golden drops {reason}; hw deliver={} reason={}", d.deliver, d.reason));
            }
        }
        Ok((inner, meta)) => {
            if !d.deliver {
                err.push(format!("golden delivers; hw drops with reason {}", d.reason));
                return err;
            }
            if d.inner_len != inner.len() || d.inner_off + d.inner_len > frame.len() {
                err.push(format!("inner at {}+{}, golden length {}", d.inner_off, d.inner_len, inner.len()));
                return err;
            }
            let raw = &frame[d.inner_off..d.inner_off + d.inner_len];
            let diff: Vec<usize> = (0..raw.len()).filter(|&i| raw[i] != inner[i]).collect();
            if meta.rco_applied {
                if diff.iter().any(|&i| i < d.remcsum_offset || i >= d.remcsum_offset + 2) {
                    err.push(format!("inner differs from golden outside the patched field at {}", d.remcsum_offset));
                }
                if meta.csum_complete != 0 && d.remcsum_start > d.remcsum_offset {
                    err.push("remcsum start after its field".into());
                }
            } else if !diff.is_empty() {
                err.push(format!("inner differs from golden at {diff:?}"));
            }
            if fold_le(d.inner_sum).swap_bytes() != rfc1071(raw) && !(d.inner_sum == 0 && raw.iter().all(|b| *b == 0)) {
                err.push(format!("inner sum {:#x} vs RFC 1071 {:#06x}", d.inner_sum, rfc1071(raw)));
            }
            let mut m = d.meta.clone();
            m.csum_complete = meta.csum_complete;
            if m != meta {
                err.push(format!("metadata {:?} vs golden {:?}", d.meta, meta));
            }
        }
    }
    err
}

/// Seeded traffic (as `sim --block rx`) through the front end; the mismatches, as text.
pub fn run_traffic(seed: u64, packets: usize, width: usize) -> anyhow::Result<(Vec<String>, DecideRun)> {
    let (jobs, _) = crate::rx_tb::traffic(seed, packets);
    let run = run_width(&jobs, width)?;
    let mut errs = Vec::new();
    for (i, ((f, cfg), d)) in jobs.iter().zip(&run.decisions).enumerate() {
        for e in check(f, cfg, d) {
            errs.push(format!("frame {i} ({} bytes): {e}", f.len()));
        }
    }
    let _ = SplitMix64::new(seed);
    Ok((errs, run))
}
