//! The drop-in wrapper that `rco-nic export` writes beside each IP core (`rco_nic.v`
//! around `rco_nic_core_w64.v`, ...): its ports are plain lower-case names, each one is a port of
//! the rust-hdl core (read here from the core's own module header, not from the exporter's
//! port walk) connected exactly once with the same direction and width. The `#[ignore]`d
//! tests lint it with Verilator and run a golden TX frame through it under Icarus.

use crate::common::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// (design, width, core module, wrapper module): every IP variant `export` builds.
const VARIANTS: [(&str, usize, &str, &str); 3] = [
    ("ip", 64, "rco_nic_core_w64", "rco_nic"),
    ("ip", 128, "rco_nic_core_w128", "rco_nic_128"),
    ("ip", 256, "rco_nic_core_w256", "rco_nic_256"),
];

#[derive(Clone, Debug, PartialEq, Eq)]
struct Decl {
    dir: String,
    bits: usize,
}

/// `^[a-z][a-z0-9_]*$`, written out here rather than taken from the exporter.
fn plain(s: &str) -> bool {
    let b = s.as_bytes();
    !b.is_empty() && b[0].is_ascii_lowercase() && b.iter().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'_')
}

/// `[7:0]` -> 8; no range -> 1.
fn range_bits(r: Option<&str>) -> usize {
    match r {
        None => 1,
        Some(r) => {
            let (hi, lo) = r.trim_start_matches('[').trim_end_matches(']').split_once(':').unwrap();
            hi.parse::<usize>().unwrap() - lo.parse::<usize>().unwrap() + 1
        }
    }
}

/// `input wire [7:0] name` (optionally `reg`, `signed`, a trailing `;` or `,`) -> (name, decl).
fn parse_decl(line: &str) -> Option<(String, Decl)> {
    let words: Vec<&str> = line.trim().trim_end_matches([';', ',']).split_whitespace().collect();
    let dir = *words.first()?;
    if !matches!(dir, "input" | "output" | "inout") {
        return None;
    }
    let rest: Vec<&str> = words[1..].iter().copied().filter(|w| !matches!(*w, "wire" | "reg" | "signed")).collect();
    let (range, name) = match rest.as_slice() {
        [name] => (None, *name),
        [r, name] if r.starts_with('[') => (Some(*r), *name),
        _ => return None,
    };
    Some((name.to_string(), Decl { dir: dir.to_string(), bits: range_bits(range) }))
}

/// The ports of `module` in rust-hdl's emitted Verilog: the argument list of its
/// `module m(a,b,...);` line, each with its declaration from the module body.
fn core_ports(verilog: &str, module: &str) -> BTreeMap<String, Decl> {
    let head = format!("module {module}(");
    let start = verilog.find(&head).unwrap_or_else(|| panic!("no {head}"));
    let body = &verilog[start..];
    let end = body.find(&format!("endmodule // {module}\n")).expect("end of the core module");
    let body = &body[..end];
    let args = &body[head.len()..body.find(");").unwrap()];
    let mut decls: BTreeMap<String, Decl> = BTreeMap::new();
    for l in body.lines().skip(1) {
        if let Some((n, d)) = parse_decl(l) {
            assert!(decls.insert(n.clone(), d).is_none(), "{module}: {n} declared twice");
        }
    }
    let mut ports = BTreeMap::new();
    for a in args.split(',') {
        let a = a.trim();
        let d = decls.get(a).unwrap_or_else(|| panic!("{module}: argument {a} has no declaration"));
        assert!(ports.insert(a.to_string(), d.clone()).is_none(), "{module}: argument {a} twice");
    }
    assert_eq!(ports.len(), decls.len(), "{module}: every port declaration is an argument");
    ports
}

struct Wrapper {
    /// in declaration order
    ports: Vec<(String, Decl)>,
    core: String,
    /// (core port, wrapper signal) in instance order
    conns: Vec<(String, String)>,
}

/// The ANSI header and the one instance of the wrapper module `name`.
fn parse_wrapper(verilog: &str, name: &str) -> Wrapper {
    let head = format!("module {name} (\n");
    let start = verilog.find(&head).unwrap_or_else(|| panic!("no {head}"));
    let rest = &verilog[start + head.len()..];
    let (header, body) = rest.split_once("\n);\n").expect("end of the port list");
    let ports: Vec<(String, Decl)> = header.lines().map(|l| parse_decl(l).unwrap_or_else(|| panic!("port line {l:?}"))).collect();
    let body = &body[..body.find("endmodule").expect("endmodule")];
    let mut lines = body.lines().map(str::trim).filter(|l| !l.is_empty());
    let inst: Vec<&str> = lines.next().expect("an instance").split_whitespace().collect();
    assert_eq!(inst.len(), 3, "instance line {inst:?}");
    assert_eq!(inst[2], "(");
    let mut conns = Vec::new();
    for l in lines {
        if l == ");" {
            break;
        }
        let l = l.trim_end_matches(',');
        let (port, sig) = l.strip_prefix('.').and_then(|l| l.strip_suffix(')')).and_then(|l| l.split_once('(')).unwrap_or_else(|| panic!("connection {l:?}"));
        conns.push((port.to_string(), sig.to_string()));
    }
    Wrapper { ports, core: inst[0].to_string(), conns }
}

fn export(args: &[&str], dir: &Path) {
    let mut a = vec!["export", "--out", dir.to_str().unwrap()];
    a.extend(args);
    let (ok, stdout, stderr) = rco_nic(&a);
    assert!(ok, "export {args:?}: {stderr}");
    assert!(stdout.contains(".v"), "{stdout}");
}

fn check_variant(dir: &Path, width: usize, core: &str, wrapper: &str) {
    let core_v = std::fs::read_to_string(dir.join(format!("{core}.v"))).unwrap();
    let wrap_v = std::fs::read_to_string(dir.join(format!("{wrapper}.v"))).unwrap();
    let cp = core_ports(&core_v, core);
    let w = parse_wrapper(&wrap_v, wrapper);
    assert_eq!(w.core, core, "{wrapper} instantiates its core");
    assert!(!wrap_v.contains(&format!("module {core}")), "{wrapper}.v holds the wrapper alone");

    let mut wp: BTreeMap<String, Decl> = BTreeMap::new();
    for (n, d) in &w.ports {
        assert!(plain(n), "{wrapper}: port {n:?} is not ^[a-z][a-z0-9_]*$");
        assert!(wp.insert(n.clone(), d.clone()).is_none(), "{wrapper}: port {n} twice");
    }
    // a bijection: every core port once, every wrapper port once, same direction and width
    let mut core_seen = BTreeSet::new();
    let mut wrap_seen = BTreeSet::new();
    for (c, s) in &w.conns {
        assert!(core_seen.insert(c.clone()), "{wrapper}: core port {c} connected twice");
        assert!(wrap_seen.insert(s.clone()), "{wrapper}: {s} drives two core ports");
        let cd = cp.get(c).unwrap_or_else(|| panic!("{wrapper}: {c} is not a port of {core}"));
        let wd = wp.get(s).unwrap_or_else(|| panic!("{wrapper}: {c} connected to {s}, not a wrapper port"));
        assert_eq!(cd, wd, "{wrapper}: {s} against {core}'s {c}");
    }
    let unmapped: Vec<_> = cp.keys().filter(|k| !core_seen.contains(*k)).collect();
    assert!(unmapped.is_empty(), "{wrapper}: {core} ports not brought out: {unmapped:?}");
    let unused: Vec<_> = wp.keys().filter(|k| !wrap_seen.contains(*k)).collect();
    assert!(unused.is_empty(), "{wrapper}: ports not connected to the core: {unused:?}");

    // the names an integrator's tools look for
    let bits = |n: &str| wp.get(n).unwrap_or_else(|| panic!("{wrapper}: no port {n}")).bits;
    assert_eq!(wp["clk"], Decl { dir: "input".into(), bits: 1 });
    for bus in ["tx_s_axis", "rx_s_axis", "tx_m_axis", "rx_m_axis"] {
        let (data_dir, ready_dir) = if bus.contains("_s_") { ("input", "output") } else { ("output", "input") };
        assert_eq!(bits(&format!("{bus}_tdata")), width);
        assert_eq!(bits(&format!("{bus}_tkeep")), width / 8);
        for s in ["tvalid", "tlast"] {
            assert_eq!(wp[&format!("{bus}_{s}")], Decl { dir: data_dir.into(), bits: 1 }, "{bus}_{s}");
        }
        assert_eq!(wp[&format!("{bus}_tready")], Decl { dir: ready_dir.into(), bits: 1 }, "{bus}_tready");
    }
    assert_eq!(wp["rst"], Decl { dir: "input".into(), bits: 1 });
    assert_eq!(bits("s_axil_awaddr"), 8);
    assert_eq!(bits("s_axil_araddr"), 8);
    for (s, dir, b) in [("wdata", "input", 32), ("wstrb", "input", 4), ("rdata", "output", 32), ("bresp", "output", 2), ("rresp", "output", 2)] {
        assert_eq!(wp[&format!("s_axil_{s}")], Decl { dir: dir.into(), bits: b }, "s_axil_{s}");
    }
    for (s, dir) in [("awvalid", "input"), ("awready", "output"), ("wvalid", "input"), ("wready", "output"), ("bvalid", "output"), ("bready", "input"), ("arvalid", "input"), ("arready", "output"), ("rvalid", "output"), ("rready", "input")] {
        assert_eq!(wp[&format!("s_axil_{s}")], Decl { dir: dir.into(), bits: 1 }, "s_axil_{s}");
    }
    let loose: Vec<_> = wp.keys().filter(|k| k.starts_with("cfg_") || k.contains("_count")).collect();
    assert!(loose.is_empty(), "{wrapper}: configuration and counters are registers, not ports: {loose:?}");
}

#[test]
fn every_nic_export_has_a_flat_wrapper() {
    let dir = scratch("ip-wrapper");
    // the default design and width
    export(&[], &dir);
    check_variant(&dir, 64, "rco_nic_core_w64", "rco_nic");
    for (design, width, core, wrapper) in VARIANTS {
        let d = dir.join(format!("{design}-{width}"));
        export(&["--design", design, "--width", &width.to_string()], &d);
        check_variant(&d, width, core, wrapper);
        assert!(d.join("rco_nic.vlt").exists());
    }
    // the blocks are not IP cores: no wrapper beside them
    let d = dir.join("csum");
    export(&["--design", "csum"], &d);
    let files: BTreeSet<String> = std::fs::read_dir(&d).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert_eq!(files, BTreeSet::from(["rco_csum_engine_w64.v", "rco_csum_engine_w64.gtkw", "rco_nic.vlt"].map(String::from)));
    std::fs::remove_dir_all(dir).unwrap();
}

/// `verilator --lint-only -Wall` on every wrapper with its core and the exported waiver
/// file: no warning at all (the waivers cover the generated `rco_nic_core_w*` files only).
#[test]
#[ignore = "needs verilator"]
fn wrappers_lint_clean_with_the_waivers() {
    let dir = scratch("ip-wrapper-lint");
    for (design, width, core, wrapper) in VARIANTS {
        let d = dir.join(format!("{design}-{width}"));
        export(&["--design", design, "--width", &width.to_string()], &d);
        let out = std::process::Command::new("verilator")
            .current_dir(&d)
            .args(["--lint-only", "-Wall", "--top-module", wrapper, "rco_nic.vlt", &format!("{wrapper}.v"), &format!("{core}.v")])
            .output()
            .expect("verilator");
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success() && text.trim().is_empty(), "{wrapper}:\n{text}");
    }
    std::fs::remove_dir_all(dir).unwrap();
}

/// A module with the TX block's port names (those `rco_sim::tx_cosim`'s testbench connects)
/// around the wrapper `name`: `clock` is `clk`, `s_axis$x` is `tx_s_axis_x`, `desc$x`
/// `tx_desc_x`, `m_axis$x` `tx_m_axis_x`, `rst` `rst`; `frames_out` counted here on `m_axis`;
/// built from the wrapper's own port list, the RX side idle. Before the first descriptor
/// goes in, the adapter writes 1 to the `rco_tx` register over `s_axil` (offset from the
/// register table) and waits for it to reach the datapath.
fn tx_adapter(wrapper_v: &str, name: &str) -> String {
    let w = parse_wrapper(wrapper_v, name);
    let rco_tx = rco_hdl::axil_regs::REGS.iter().find(|r| r.name == "rco_tx").unwrap().offset;
    let mut ports = Vec::new();
    let mut conns = Vec::new();
    for (n, d) in &w.ports {
        let range = if d.bits == 1 { String::new() } else { format!("[{}:0] ", d.bits - 1) };
        let tx = if n == "clk" {
            Some("clock".to_string())
        } else if n == "rst" {
            // the NIC's reset is the TX block's (the testbench holds it low)
            Some("rst".to_string())
        } else if n == "tx_desc_valid" || n == "tx_desc_ready" || n.starts_with("s_axil_") {
            // driven by the configuration sequence below
            conns.push(format!(".{n}({n})"));
            continue;
        } else {
            [("tx_s_axis_", "s_axis$"), ("tx_desc_", "desc$"), ("tx_m_axis_", "m_axis$")]
                .iter()
                .find_map(|(p, q)| n.strip_prefix(p).map(|s| format!("{q}{s}")))
        };
        match tx {
            Some(t) => {
                ports.push(format!("    {} wire {range}{t}", d.dir));
                conns.push(format!(".{n}({t})"));
            }
            None if d.dir == "input" => {
                let v = match n.as_str() {
                    "rx_m_axis_tready" => "1'b1".to_string(),
                    _ => format!("{}'d0", d.bits),
                };
                conns.push(format!(".{n}({v})"));
            }
            None => conns.push(format!(".{n}()")),
        }
    }
    ports.push("    input wire desc$valid".to_string());
    ports.push("    output wire desc$ready".to_string());
    // the counters are registers now: the adapter counts sent frames itself, and the one
    // golden frame here is good, so no drop
    ports.push("    output reg [31:0] frames_out".to_string());
    for d in ["truncated", "too_long", "bad_desc", "bad_keep"] {
        ports.push(format!("    output wire [31:0] drop_{d}"));
    }
    let config = format!(
        "    wire tx_desc_ready, s_axil_awready, s_axil_wready, s_axil_bvalid, s_axil_arready, s_axil_rvalid;
    wire [1:0] s_axil_bresp, s_axil_rresp;
    wire [31:0] s_axil_rdata;
    reg aw_done = 1'b0, w_done = 1'b0, b_done = 1'b0;
    reg [3:0] settle = 4'd0;
    wire configured = settle == 4'd15;
    wire s_axil_awvalid = !aw_done, s_axil_wvalid = !w_done, s_axil_bready = 1'b1;
    wire [7:0] s_axil_awaddr = 8'd{rco_tx}, s_axil_araddr = 8'd0;
    wire [31:0] s_axil_wdata = 32'd1;
    wire [3:0] s_axil_wstrb = 4'hF;
    wire s_axil_arvalid = 1'b0, s_axil_rready = 1'b1;
    wire tx_desc_valid = desc$valid && configured;
    assign desc$ready = tx_desc_ready && configured;
    assign drop_truncated = 32'd0, drop_too_long = 32'd0, drop_bad_desc = 32'd0, drop_bad_keep = 32'd0;
    initial frames_out = 32'd0;
    always @(posedge clock) begin
        if (m_axis$tvalid && m_axis$tready && m_axis$tlast) frames_out <= frames_out + 32'd1;
        if (s_axil_awready) aw_done <= 1'b1;
        if (s_axil_wready) w_done <= 1'b1;
        if (s_axil_bvalid) b_done <= 1'b1;
        if (b_done && !configured) settle <= settle + 4'd1;
    end
"
    );
    format!("module tx_adapt(\n{}\n);\n{config}    {name} nic(\n        {}\n    );\nendmodule\n", ports.join(",\n"), conns.join(",\n        "))
}

/// One golden RCO frame through the default wrapper under Icarus, with back-pressure on
/// `tx_m_axis`: the wire frame is golden `tx_encap`'s, byte for byte.
#[test]
#[ignore = "needs iverilog"]
fn golden_tx_frame_through_the_wrapper() {
    use rco_golden::tx::tx_encap;
    use rco_golden::types::DEFAULT_MAX_FRAME;
    use rco_golden::vectors::TxVector;
    use rco_sim::csum_cosim::run_iverilog;
    use rco_sim::tx_cosim::{collect, mismatches, prepare};

    let dir = scratch("ip-wrapper-tx");
    export(&[], &dir);
    let wrap_v = std::fs::read_to_string(dir.join("rco_nic.v")).unwrap();
    let core_v = std::fs::read_to_string(dir.join("rco_nic_core_w64.v")).unwrap();
    let vectors = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("golden/vectors/tx.jsonl")).unwrap();
    let v: TxVector = vectors
        .lines()
        .map(|l| serde_json::from_str::<TxVector>(l).unwrap())
        .find(|v| v.desc.rco && v.desc.partial && v.inner.len() > 200)
        .expect("a vector asking for RCO");
    let want = tx_encap(&v.inner, &v.desc, DEFAULT_MAX_FRAME).expect("a good frame");
    let sim = dir.join("sim");
    let dut = format!("{}\n{wrap_v}\n{core_v}", tx_adapter(&wrap_v, "rco_nic"));
    prepare(&sim, &dut, "tx_adapt", 64, &[(v.inner.clone(), v.desc.clone())], 0.3).unwrap();
    let r = run_iverilog(&sim).unwrap();
    assert_eq!((r.errors, r.pulses, r.expected), (0, 1, 1), "{}", r.output);
    let got = collect(&sim, 1, 64).unwrap();
    assert_eq!(got[0].as_ref().map(|f| f.len()), Ok(want.len()));
    let mut want = vec![Ok(want)];
    assert_eq!(mismatches(&got, &want), Vec::<String>::new());
    // the comparison can fail: one byte of the expected frame flipped
    if let Ok(f) = &mut want[0] {
        let n = f.len();
        f[n - 1] ^= 0x80;
    }
    let d = mismatches(&got, &want);
    assert_eq!(d.len(), 1, "{d:?}");
    assert!(d[0].starts_with("case 0: "), "{d:?}");
    std::fs::remove_dir_all(dir).unwrap();
}

/// The exporter's name rules (`rco_export::wrapper`), beside the independent check above
#[test]
fn flat_names() {
    use rco_export::wrapper::{flat_name, is_flat_name};
    assert_eq!(flat_name("clock"), "clk");
    assert_eq!(flat_name("tx_s_axis$tdata"), "tx_s_axis_tdata");
    assert_eq!(flat_name("rx_drop_count$13"), "rx_drop_count_13");
    assert!(is_flat_name("rx_drop_count_13"));
    for bad in ["", "_a", "1a", "a$b", "Tx", "a-b"] {
        assert!(!is_flat_name(bad), "{bad}");
    }
}

#[test]
fn colliding_names_are_an_error() {
    use rco_export::wrapper::{wrapper_verilog, Dir, Port};
    let p = |n: &str| Port { name: n.to_string(), dir: Dir::In, bits: 1 };
    assert!(wrapper_verilog("w", "c", &[p("a$b"), p("a_b")]).is_err());
    assert!(wrapper_verilog("w", "c", &[p("a$b"), p("c")]).is_ok());
    assert!(wrapper_verilog("w", "c", &[p("Upper")]).is_err());
}
