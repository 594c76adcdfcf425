//! Cosimulation of the *emitted Verilog* of the TX block (`TxEncap`) under Icarus Verilog
//! and Verilator against golden vectors: `golden/vectors/tx.jsonl` plus seeded cases with
//! every TX fault (`rco_sim::tx_tb::cases`), outcomes compared with golden `tx_encap`; four
//! of them get a tkeep that breaks the stream contract and must be `bad_keep` drops.
//! Ignored by default because they need the external simulators.

use rco_golden::tx::tx_encap;
use rco_golden::types::{TxDescriptor, DEFAULT_MAX_FRAME};
use rco_golden::vectors::TxVector;
use rco_sim::csum_cosim::{run_iverilog, run_verilator, scratch_dir, CosimRun};
use rco_golden::types::TxError;
use rco_hdl::stream::{packet_beats, Beat};
use rco_sim::tx_cosim::{collect, mismatches, prepare_beats, raw_verilog};
use rco_export::Design;

fn cases(extra: usize) -> Vec<(Vec<u8>, TxDescriptor)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/vectors/tx.jsonl");
    let mut c: Vec<_> = std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| {
            let v: TxVector = serde_json::from_str(l).unwrap();
            (v.inner, v.desc)
        })
        .collect();
    c.extend(rco_sim::tx_tb::cases(0xC0, extra));
    // one of each TX fault at the exported buffer size, between good frames
    let (f, d) = c[0].clone();
    c.insert(3, (f[..10].to_vec(), d.clone()));
    let mut long = f.clone();
    long.resize(DEFAULT_MAX_FRAME + 1, 0xA5);
    c.insert(6, (long, d.clone()));
    let mut bad = d;
    bad.partial = true;
    bad.csum_start = f.len() as u16 - 4;
    bad.csum_offset = 6;
    c.insert(9, (f, bad));
    c
}

fn check(width: usize, bp: f64, tool: fn(&std::path::Path) -> anyhow::Result<CosimRun>, tag: &str) {
    let cases = cases(80);
    let dir = scratch_dir(tag);
    let top = Design::TxEncap.module_name(width);
    let v = Design::TxEncap.verilog(width).unwrap();
    assert_eq!(v, rco_export::rename_top(&raw_verilog(width, DEFAULT_MAX_FRAME).unwrap(), &top));
    // beats; frames 12.. 15 get a tkeep that breaks the stream contract (bad_keep)
    let k = width / 8;
    let mut beats: Vec<(Vec<Beat>, TxDescriptor)> = cases.iter().map(|(f, d)| {
        let b = if f.is_empty() { vec![Beat { data: vec![0; k], keep: 0, last: true }] } else { packet_beats(f, k) };
        (b, d.clone())
    }).collect();
    let mut bad_keep = vec![false; cases.len()];
    let mut n_bk = 0;
    for i in 12..cases.len() {
        let b = &mut beats[i].0;
        if b.len() < 3 {
            continue;
        }
        let n = b.len() - 1;
        match n_bk {
            0 => b[1].keep &= !(1 << (k / 2)),
            1 => b[n / 2].keep = 0,
            2 => b[n].keep = 1 | 1 << (k - 1),
            _ => b[n].keep = 0,
        }
        bad_keep[i] = true;
        n_bk += 1;
        if n_bk == 4 {
            break;
        }
    }
    assert_eq!(n_bk, 4);
    prepare_beats(&dir, &v, &top, width, &beats, bp).unwrap();
    let r = tool(&dir).unwrap();
    assert_eq!(r.errors, 0, "{}", r.output);
    assert_eq!((r.pulses, r.expected), (cases.len() as u64, cases.len() as u64));
    let got = collect(&dir, cases.len(), width).unwrap();
    let mut want: Vec<_> = cases
        .iter()
        .enumerate()
        .map(|(i, (f, d))| if bad_keep[i] { Err(TxError::BadKeep) } else { tx_encap(f, d, DEFAULT_MAX_FRAME) })
        .collect();
    let drops = want.iter().filter(|w| w.is_err()).count();
    let d = mismatches(&got, &want);
    assert!(d.is_empty(), "{}: {}", r.tool, d.join("\n"));
    assert!(drops >= 3, "the cases include every TX fault");
    // the comparison can fail: one good frame expected as a drop is that one difference
    let i = want.iter().rposition(|w| w.is_ok()).unwrap();
    want[i] = Err(TxError::Truncated);
    let d = mismatches(&got, &want);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].starts_with(&format!("case {i}: Ok(")), "{d:?}");
    eprintln!("{} W={width}: {} cases, {drops} drops, {} cycles, {:.0} cycles/s", r.tool, cases.len(), r.cycles, r.cycles_per_sec());
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
#[ignore = "needs iverilog"]
fn iverilog_w64_matches_golden() {
    check(64, 0.3, run_iverilog, "tx_iv64");
}

#[test]
#[ignore = "needs verilator"]
fn verilator_w64_matches_golden() {
    check(64, 0.3, run_verilator, "tx_vl64");
}

#[test]
#[ignore = "needs verilator"]
fn verilator_w256_matches_golden() {
    check(256, 0.1, run_verilator, "tx_vl256");
}

#[test]
#[ignore = "needs iverilog"]
fn iverilog_w512_matches_golden() {
    check(512, 0.1, run_iverilog, "tx_iv512");
}

#[test]
#[ignore = "needs verilator"]
fn verilator_w512_matches_golden() {
    check(512, 0.1, run_verilator, "tx_vl512");
}
