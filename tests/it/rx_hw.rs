//! `decap --model hw` (the RX hardware, simulated cycle by cycle) on the real Linux
//! captures: byte-identical to `--model golden` (frames and the JSON report's
//! per-frame metadata), and every inner TCP/UDP checksum it delivers in nopartial mode
//! verifies with this file's own RFC 1071 code (tests/it/common, no golden model).

use crate::common::*;

fn hw_equals_golden(capture: &str, partial: bool) {
    let dir = scratch(&format!("rx-hw-{capture}-{partial}"));
    let input = kernel_capture(capture);
    let mut outs = vec![];
    for model in ["hw", "golden"] {
        let out = dir.join(format!("{model}.pcap"));
        let rep = dir.join(format!("{model}.json"));
        let mut args = vec!["decap", "--model", model, input.to_str().unwrap(), out.to_str().unwrap(), "--report", rep.to_str().unwrap()];
        if partial {
            args.push("--partial");
        }
        let (ok, stdout, stderr) = rco_nic(&args);
        assert!(ok, "decap --model {model} failed: {stderr}");
        assert!(stdout.contains(&format!("decap model={model} frames_in=")), "{stdout}");
        let report: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&rep).unwrap()).unwrap();
        outs.push((std::fs::read(&out).unwrap(), pcap_frames(&out), report, stdout));
    }
    let (hw, golden) = (&outs[0], &outs[1]);
    assert_eq!(hw.0, golden.0, "{capture}: hw and golden pcaps differ");
    assert_eq!(hw.2["frames"], golden.2["frames"], "{capture}: per-frame metadata differs");
    assert_eq!(hw.3.replace("model=hw", "model=golden"), golden.3);
    let frames = &hw.1;
    assert!(frames.len() >= 40, "{capture}: {} frames out", frames.len());
    let mut l4s = 0;
    for (i, f) in frames.iter().enumerate() {
        if let Some(l) = l4(f) {
            l4s += 1;
            if !partial {
                assert_eq!(l.total, 0xFFFF, "{capture} frame {i}: inner {} checksum wrong", l.proto);
            } else {
                // partial mode leaves the pseudo-header sum P in the field (CHECKSUM_PARTIAL)
                let field = u16::from_be_bytes([f[l.field], f[l.field + 1]]);
                assert_eq!(field, l.pseudo, "{capture} frame {i}: partial mode must not touch the field");
            }
        }
    }
    assert!(l4s >= 20, "{capture}: only {l4s} TCP/UDP frames");
}

#[test]
fn hw_decap_v4_outer_nopartial() {
    hw_equals_golden("v4-outer.pcap", false);
}

#[test]
fn hw_decap_v4_outer_partial() {
    hw_equals_golden("v4-outer.pcap", true);
}

#[test]
fn hw_decap_v6_outer_nopartial() {
    hw_equals_golden("v6-outer.pcap", false);
}

#[test]
fn hw_decap_v6_outer_partial() {
    hw_equals_golden("v6-outer.pcap", true);
}
