//! IO shell for synthesis: wraps an exported design so that it fits a board's pins.
//!
//! The NIC's AXI4-Stream ports are hundreds of bits wide; no FPGA package has that many
//! pins, and on a real board those ports would face a MAC and a host interface inside the
//! FPGA anyway. The shell therefore feeds every design input from one shift register
//! loaded through a single pin (`sin`), and captures every design output into a second
//! register that shifts out through one pin (`sout`). `cap` high captures the outputs and
//! holds the input chain; low shifts both. Four pins in all: `clk`, `sin`, `cap`, `sout`.
//! The hold matters: a plain shift chain bit `ich[k+1]` is the same flip-flop as a design
//! register loaded from `ich[k]` every clock, and Yosys merges the two, which would hide
//! the design's input registers from the count.
//!
//! What this measures: each input bit is controllable and each output bit observable, so
//! Yosys cannot optimise any of the design away, and every design path starts and ends at
//! a register, so nextpnr's Fmax is the design's register-to-register Fmax (the shell's
//! own paths are one LUT long). What it costs: one FF per input bit and one FF + one LUT
//! per output bit, reported as `shell_*` in the synthesis JSON so that it can be taken off.
//! It is a measurement harness, not a board design: it does not drive a PHY.
//!
//! The design's synchronous reset `rst` is an input like the others: it is driven from the
//! chain, not tied low, so the reset logic stays in the netlist and in the figures (tied low,
//! Yosys would remove it).

use anyhow::{bail, Result};

/// Direction of a module port.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dir {
    In,
    Out,
}

/// One port of the exported top module.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Port {
    pub name: String,
    pub dir: Dir,
    pub width: usize,
}

/// Name of the shell module (the synthesis top).
pub const SHELL_TOP: &str = "rco_synth_shell";
/// The design input that the shell drives with its clock pin.
pub const CLOCK_PORT: &str = "clock";

/// The ports of `module` in rust-hdl's Verilog (`input wire [63:0] s_axis$tdata;` lines
/// between `module <name>(` and the first `endmodule`).
pub fn ports(verilog: &str, module: &str) -> Result<Vec<Port>> {
    let head = format!("module {module}(");
    let Some(start) = verilog.find(&head) else {
        bail!("shell: module {module} not found in the exported Verilog");
    };
    let body = &verilog[start..];
    let body = &body[..body.find("endmodule").unwrap_or(body.len())];
    let mut out = vec![];
    for line in body.lines() {
        let t = line.trim();
        let dir = if t.starts_with("input ") {
            Dir::In
        } else if t.starts_with("output ") {
            Dir::Out
        } else {
            continue;
        };
        let decl = t.trim_end_matches(';');
        let width = match (decl.find('['), decl.find(']')) {
            (Some(a), Some(b)) if a < b => {
                let range = &decl[a + 1..b];
                let (hi, lo) = range
                    .split_once(':')
                    .ok_or_else(|| anyhow::anyhow!("shell: cannot read range [{range}]"))?;
                let (hi, lo): (usize, usize) = (hi.trim().parse()?, lo.trim().parse()?);
                hi.abs_diff(lo) + 1
            }
            _ => 1,
        };
        let name = decl
            .split_whitespace()
            .last()
            .unwrap_or_default()
            .to_string();
        if name.is_empty() || name.contains(']') {
            bail!("shell: cannot read port declaration `{t}`");
        }
        out.push(Port { name, dir, width });
    }
    if !out
        .iter()
        .any(|p| p.name == CLOCK_PORT && p.dir == Dir::In && p.width == 1)
    {
        bail!("shell: module {module} has no 1-bit input `{CLOCK_PORT}`");
    }
    Ok(out)
}

/// The ports of `module` in Yosys' JSON netlist (`write_json`), by name; `clock`
/// must be a 1-bit input.
pub fn ports_from_yosys_json(json: &serde_json::Value, module: &str, clock: &str) -> Result<Vec<Port>> {
    let Some(ports) = json["modules"][module]["ports"].as_object() else {
        bail!("shell: module {module} not found in Yosys' netlist");
    };
    let mut out = vec![];
    for (name, p) in ports {
        let dir = match p["direction"].as_str() {
            Some("input") => Dir::In,
            Some("output") => Dir::Out,
            d => bail!("shell: port {name} of {module} has direction {d:?}"),
        };
        let width = p["bits"].as_array().map(|b| b.len()).unwrap_or(0);
        if width == 0 {
            bail!("shell: port {name} of {module} has no bits");
        }
        out.push(Port { name: name.clone(), dir, width });
    }
    if !out.iter().any(|p| p.name == clock && p.dir == Dir::In && p.width == 1) {
        bail!("shell: module {module} has no 1-bit input `{clock}`");
    }
    Ok(out)
}

/// Sizes of the shell around a design.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ShellSize {
    /// Design input bits fed from the input chain (the clock excluded).
    pub in_bits: usize,
    /// Design output bits captured by the output chain.
    pub out_bits: usize,
    /// FFs the shell adds: one per input and output bit.
    pub ffs: usize,
    /// LUTs the shell adds: the capture/shift select of each output bit.
    pub luts: usize,
    /// Pins used: clk, sin, cap, sout.
    pub pins: usize,
}

/// The shell's Verilog around `module` with `ports`, and its size.
pub fn shell_verilog(module: &str, ports: &[Port]) -> (String, ShellSize) {
    shell_verilog_for(module, &[], CLOCK_PORT, ports)
}

/// The shell around any module: `params` are Verilog parameter overrides written into the
/// instantiation (`#(.DATA_WIDTH(64))`), `clock` is the input the shell's `clk` drives; every
/// other input comes from the input chain (a reset included), as for the project's designs.
pub fn shell_verilog_for(
    module: &str,
    params: &[(String, String)],
    clock: &str,
    ports: &[Port],
) -> (String, ShellSize) {
    let ins: Vec<&Port> = ports
        .iter()
        .filter(|p| p.dir == Dir::In && p.name != clock)
        .collect();
    let outs: Vec<&Port> = ports.iter().filter(|p| p.dir == Dir::Out).collect();
    let in_bits: usize = ins.iter().map(|p| p.width).sum::<usize>().max(1);
    let out_bits: usize = outs.iter().map(|p| p.width).sum::<usize>().max(1);
    let mut v = String::new();
    v.push_str(&format!(
        "// Synthesis IO shell around {module} (generated by rco-synth, see synth/src/shell.rs):\n\
         // every input from a shift chain loaded through `sin` (held while `cap` is high), every\n\
         // output captured when `cap` is high and shifted out through `sout`. A measurement\n\
         // harness, not a board design.\n\
         module {SHELL_TOP}(input wire clk, input wire sin, input wire cap, output wire sout);\n\
         \x20   reg [{ih}:0] ich = 0;\n\
         \x20   reg [{oh}:0] och = 0;\n\
         \x20   wire [{oh}:0] o;\n",
        ih = in_bits - 1,
        oh = out_bits - 1
    ));
    if in_bits == 1 {
        v.push_str("    always @(posedge clk) if (!cap) ich <= sin;\n");
    } else {
        v.push_str(&format!(
            "    always @(posedge clk) if (!cap) ich <= {{ich[{}:0], sin}};\n",
            in_bits - 2
        ));
    }
    if out_bits == 1 {
        v.push_str("    always @(posedge clk) och <= cap ? o : 1'b0;\n");
    } else {
        v.push_str(&format!(
            "    always @(posedge clk) och <= cap ? o : {{1'b0, och[{}:1]}};\n",
            out_bits - 1
        ));
    }
    v.push_str("    assign sout = och[0];\n");
    if outs.is_empty() {
        v.push_str("    assign o = 1'b0;\n");
    }
    let mut conns = vec![format!(".{clock}(clk)")];
    let (mut i, mut o) = (0usize, 0usize);
    for p in ports {
        if p.name == clock && p.dir == Dir::In {
            continue;
        }
        let (base, bus) = match p.dir {
            Dir::In => (&mut i, "ich"),
            Dir::Out => (&mut o, "o"),
        };
        conns.push(format!(
            ".{}({bus}[{}:{}])",
            p.name,
            *base + p.width - 1,
            *base
        ));
        *base += p.width;
    }
    let inst = if params.is_empty() {
        module.to_string()
    } else {
        let p: Vec<String> = params.iter().map(|(k, v)| format!(".{k}({v})")).collect();
        format!("{module} #({})", p.join(", "))
    };
    v.push_str(&format!(
        "    {inst} dut(\n        {}\n    );\nendmodule\n",
        conns.join(",\n        ")
    ));
    let size = ShellSize {
        in_bits,
        out_bits,
        ffs: in_bits + out_bits,
        luts: out_bits,
        pins: 4,
    };
    (v, size)
}

#[cfg(test)]
mod tests {
    use super::*;

    const V: &str =
        "module m(clock,a$b,c,d);\n    input wire  clock;\n    input wire  [63:0] a$b;\n    \
                     input wire  c;\n    output reg  [15:0] d;\n    reg [3:0] x;\nendmodule // m\n\
                     module m$sub(e);\n    input wire [7:0] e;\nendmodule\n";

    #[test]
    fn reads_top_ports_only() {
        let p = ports(V, "m").unwrap();
        let got: Vec<(&str, Dir, usize)> = p
            .iter()
            .map(|p| (p.name.as_str(), p.dir, p.width))
            .collect();
        assert_eq!(
            got,
            [
                ("clock", Dir::In, 1),
                ("a$b", Dir::In, 64),
                ("c", Dir::In, 1),
                ("d", Dir::Out, 16)
            ]
        );
    }

    #[test]
    fn shell_wires_every_bit_once() {
        let p = ports(V, "m").unwrap();
        let (v, s) = shell_verilog("m", &p);
        assert_eq!((s.in_bits, s.out_bits, s.ffs), (65, 16, 81));
        assert!(v.contains(".clock(clk)"));
        assert!(v.contains(".a$b(ich[63:0])"));
        assert!(v.contains(".c(ich[64:64])"));
        assert!(v.contains(".d(o[15:0])"));
        assert!(v.contains("if (!cap) ich <= {ich[63:0], sin}"));
        assert!(v.contains("och <= cap ? o : {1'b0, och[15:1]}"));
    }

    #[test]
    fn shell_for_another_clock_name_and_parameters() {
        let p = vec![
            Port { name: "clk".into(), dir: Dir::In, width: 1 },
            Port { name: "rst".into(), dir: Dir::In, width: 1 },
            Port { name: "d".into(), dir: Dir::In, width: 8 },
            Port { name: "q".into(), dir: Dir::Out, width: 4 },
        ];
        let params = [("DATA_WIDTH".to_string(), "8".to_string())];
        let (v, s) = shell_verilog_for("ext", &params, "clk", &p);
        assert_eq!((s.in_bits, s.out_bits, s.ffs, s.luts), (9, 4, 13, 4));
        assert!(v.contains("ext #(.DATA_WIDTH(8)) dut("), "{v}");
        assert!(v.contains(".clk(clk)") && v.contains(".rst(ich[0:0])") && v.contains(".d(ich[8:1])"));
        assert!(v.contains(".q(o[3:0])"));
    }

    #[test]
    fn ports_of_a_yosys_netlist() {
        let j: serde_json::Value = serde_json::from_str(
            r#"{"modules": {"ext": {"ports": {
                "clk": {"direction": "input", "bits": [2]},
                "d": {"direction": "input", "bits": [3, 4, 5]},
                "q": {"direction": "output", "bits": [6, 7]}}}}}"#,
        )
        .unwrap();
        let p = ports_from_yosys_json(&j, "ext", "clk").unwrap();
        let got: Vec<(&str, Dir, usize)> = p.iter().map(|p| (p.name.as_str(), p.dir, p.width)).collect();
        assert_eq!(got, [("clk", Dir::In, 1), ("d", Dir::In, 3), ("q", Dir::Out, 2)]);
        assert!(ports_from_yosys_json(&j, "ext", "clock").is_err());
        assert!(ports_from_yosys_json(&j, "other", "clk").is_err());
    }

    #[test]
    fn missing_module_or_clock_is_an_error() {
        assert!(ports(V, "nope").is_err());
        assert!(ports("module q(a);\n input wire a;\nendmodule\n", "q").is_err());
    }
}
