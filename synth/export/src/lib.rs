//! rco-export: every design at every width it is built for, as Verilog (`rco-nic export`).
//!
//! rust-hdl always names the top module `top` and its sub-modules `top$<path>`; the
//! exporter renames both to the design's product name (`rco_csum_engine_w64`, ...), so
//! several exported designs can be compiled together.

use rco_hdl::csum_engine::CsumEngine;
use rco_hdl::gtkw::{axis_traces, save_file, Fmt, Group};
use rco_hdl::nic_top::{NicTop, MAX_FRAME_JUMBO, MAX_FRAME_STD};
use rco_hdl::rco_nic::RcoNic;
use rco_hdl::rx::egress::RxEgress;
use rco_hdl::rx::RxTop;
use rco_hdl::tx::egress::TxEgress;
use rco_hdl::tx::TxEncap;
use rco_hdl::with_width;
use rust_hdl::prelude::*;
use std::path::{Path, PathBuf};

pub mod wrapper;

/// `--design` names of the designs the synthesis flow builds.
pub const DESIGN_NAMES: &[(&str, Design)] = &[("ip", Design::Ip), ("csum", Design::CsumEngine), ("nic", Design::Nic), ("nic1518", Design::NicStd), ("rx", Design::Rx), ("tx", Design::TxEncap), ("tx_egress", Design::TxEgress), ("rx_egress", Design::RxEgress), ("axil_regs", Design::AxilRegs)];

/// The design `rco-nic export` writes when `--design` is not given: the IP core.
pub const DEFAULT_DESIGN: Design = Design::Ip;

/// Data widths the designs are built for.
pub const WIDTHS: [usize; 4] = [64, 128, 256, 512];

/// A design that can be exported as Verilog.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Design {
    /// `rco_hdl::rco_nic::RcoNic`: the IP core (the NIC top, AXI4-Lite registers, traffic
    /// counters, reset); 9216-byte buffers; exported with its flat-port wrapper `rco_nic`.
    Ip,
    /// `rco_hdl::csum_engine::CsumEngine`.
    CsumEngine,
    /// `rco_hdl::nic_top::NicTop`: TX + RX paths, configuration, counters; 9216-byte buffers.
    Nic,
    /// The NIC top with 1518-byte frame buffers (fits an iCE40 HX8K's block RAM).
    NicStd,
    /// `rco_hdl::rx::RxTop` (the streaming VXLAN RX; 64, 128, 256 or 512 bits; ring for
    /// jumbo frames).
    Rx,
    /// `rco_hdl::tx::TxEncap` (the VXLAN/RCO TX datapath; 9216-byte buffer).
    TxEncap,
    /// `rco_hdl::tx::egress::TxEgress` alone (64 bits only): the TX block that drives
    /// `m_axis`, with its queue heads and ring read data as ports, for the formal per-block
    /// jobs (`formal/tx_egress.sv`); not a synthesis target of its own.
    TxEgress,
    /// `rco_hdl::rx::egress::RxEgress` alone (64 bits only, the `RxTop` parameters): the RX
    /// block that drives `m_axis`, with its decision port and ring read data as ports, for the
    /// formal per-block jobs (`formal/rx_egress.sv`); not a synthesis target of its own.
    RxEgress,
    /// `rco_hdl::axil_regs::AxilRegs8`: the AXI4-Lite register block alone (no data width;
    /// `--width` is ignored).
    AxilRegs,
}

impl Design {
    /// The design called `name` on the command line (see [`DESIGN_NAMES`]).
    pub fn from_cli_name(name: &str) -> anyhow::Result<Design> {
        DESIGN_NAMES.iter().find(|(n, _)| *n == name).map(|(_, d)| *d).ok_or_else(|| {
            let names: Vec<&str> = DESIGN_NAMES.iter().map(|(n, _)| *n).collect();
            anyhow::anyhow!("unknown design {name} (one of {})", names.join(", "))
        })
    }

    /// The design's command-line name.
    pub fn cli_name(self) -> String {
        match DESIGN_NAMES.iter().find(|(_, d)| *d == self) {
            Some((n, _)) => n.to_string(),
            None => format!("{self:?}").to_lowercase(),
        }
    }

    /// Verilog module name at `width` bits.
    pub fn module_name(self, width: usize) -> String {
        match self {
            Design::Ip => format!("rco_nic_core_w{width}"),
            Design::CsumEngine => format!("rco_csum_engine_w{width}"),
            Design::Nic => format!("rco_nic_w{width}"),
            Design::NicStd => format!("rco_nic_w{width}_mf{MAX_FRAME_STD}"),
            Design::Rx => format!("rco_rx_w{width}"),
            Design::TxEncap => format!("rco_tx_encap_w{width}"),
            Design::TxEgress => format!("rco_tx_egress_w{width}"),
            Design::RxEgress => format!("rco_rx_egress_w{width}"),
            Design::AxilRegs => "rco_axil_regs".to_string(),
        }
    }

    /// Name of the flat-port wrapper module ([`wrapper`]) of the IP core: `rco_nic` at 64 bits,
    /// `rco_nic_128`, `rco_nic_256`. No wrapper name starts with `rco_nic_core_w`, the prefix
    /// of the rust-hdl core's modules, so both can be compiled together and one lint waiver
    /// pattern covers the generated modules alone. `None` for the other designs, which are
    /// blocks, not IP cores of their own.
    pub fn wrapper_name(self, width: usize) -> Option<String> {
        let w = if width == 64 { String::new() } else { format!("_{width}") };
        match self {
            Design::Ip => Some(format!("rco_nic{w}")),
            _ => None,
        }
    }

    /// rust-hdl's Verilog for the design (top module still called `top`) and its top ports.
    fn raw(self, width: usize) -> anyhow::Result<Raw> {
        let not_built = || anyhow::anyhow!("export: width {width} is not built (one of {WIDTHS:?})");
        Ok(match self {
            Design::CsumEngine => with_width!(width, gen_raw(CsumEngine::<W, K, N>::new()), else return Err(not_built())),
            Design::Ip => with_width!(
                width,
                [64, 128, 256],
                gen_raw(RcoNic::<W, K, N, TX_A, TX_HB, RX_AW, RX_AB, RX_Q>::new(MAX_FRAME_JUMBO)),
                else return Err(not_built())
            ),
            Design::Nic => with_width!(
                width,
                [64, 128, 256],
                gen_raw(NicTop::<W, K, N, TX_A, TX_HB, RX_AW, RX_AB, RX_Q>::new(MAX_FRAME_JUMBO)),
                else return Err(not_built())
            ),
            Design::NicStd => with_width!(
                width,
                [64, 128],
                gen_raw(NicTop::<W, K, N, TX_A_STD, TX_HB, RX_AW_STD, RX_AB_STD, RX_Q>::new(MAX_FRAME_STD)),
                else return Err(not_built())
            ),
            Design::Rx => with_width!(width, gen_raw(RxTop::<W, K, N, RX_AW, RX_AB, RX_Q>::default()), else return Err(not_built())),
            Design::TxEncap => raw_tx_encap(width, 9216)?,
            Design::TxEgress => {
                with_width!(width, [64], gen_raw(TxEgress::<W, K, TX_A, TX_HB>::default()), else return Err(not_built()))
            }
            Design::RxEgress => {
                with_width!(width, [64], gen_raw(RxEgress::<W, K, N, RX_AW>::new()), else return Err(not_built()))
            }
            Design::AxilRegs => gen_raw(rco_hdl::axil_regs::AxilRegs8::default()),
        })
    }

    /// The design's Verilog with its modules renamed after the product.
    pub fn verilog(self, width: usize) -> anyhow::Result<String> {
        Ok(rename_top(&self.raw(width)?.verilog, &self.module_name(width)))
    }

    /// The design's Verilog as [`Design::verilog`] and, for a NIC design, its wrapper's
    /// (`(name, verilog)`), both from one build of the block.
    pub fn verilog_with_wrapper(self, width: usize) -> anyhow::Result<(String, Option<(String, String)>)> {
        let raw = self.raw(width)?;
        let core = self.module_name(width);
        let wrapper = match self.wrapper_name(width) {
            Some(name) => {
                let v = wrapper::wrapper_verilog(&name, &core, &raw.ports)?;
                Some((name, v))
            }
            None => None,
        };
        Ok((rename_top(&raw.verilog, &core), wrapper))
    }

    /// A GTKWave save file for a VCD dumped by an HDL simulator from a testbench that
    /// instantiates the design as `tb.dut` into `<module>.vcd` (as `rco_sim::csum_cosim`'s
    /// does). Names with `$` are escaped identifiers in such a VCD (`\s_axis$tdata`).
    pub fn gtkw(self, width: usize) -> String {
        let clock = Group { name: "clock", traces: vec![(dut("clock"), Fmt::Bin)] };
        let groups = match self {
            Design::Ip => {
                let mut g = vec![clock, Group { name: "rst", traces: vec![(dut("rst"), Fmt::Bin)] }];
                g.extend(nic_groups(width));
                g.extend(axil_groups());
                g
            }
            Design::Nic | Design::NicStd => {
                let mut g = vec![clock];
                g.extend(nic_groups(width));
                g
            }
            Design::TxEncap => vec![
                clock,
                axis_group("in", "s_axis", width, &[("\\desc$valid", Fmt::Bin), ("\\desc$ready", Fmt::Bin)]),
                axis_group(
                    "out",
                    "m_axis",
                    width,
                    &[("drop_truncated[31:0]", Fmt::Dec), ("drop_too_long[31:0]", Fmt::Dec), ("drop_bad_desc[31:0]", Fmt::Dec), ("drop_bad_keep[31:0]", Fmt::Dec)],
                ),
            ],
            Design::TxEgress => vec![
                clock,
                Group {
                    name: "queues",
                    traces: vec![
                        (dut("\\plan$valid"), Fmt::Bin),
                        (dut("\\plan$ready"), Fmt::Bin),
                        (dut("\\plan$beats[15:0]"), Fmt::Dec),
                        (dut("\\plan$last_keep[7:0]"), Fmt::Hex),
                        (dut("commit[15:0]"), Fmt::Dec),
                        (dut("rd_ptr[15:0]"), Fmt::Dec),
                    ],
                },
                axis_group("out", "m_axis", width, &[("frames_out[31:0]", Fmt::Dec)]),
            ],
            Design::RxEgress => vec![
                clock,
                Group {
                    name: "decision",
                    traces: vec![
                        (dut("dec_valid"), Fmt::Bin),
                        (dut("dec_ready"), Fmt::Bin),
                        (dut("dec_deliver"), Fmt::Bin),
                        (dut("dec_beats[15:0]"), Fmt::Dec),
                        (dut("dec_inner_off[15:0]"), Fmt::Dec),
                        (dut("dec_inner_len[15:0]"), Fmt::Dec),
                        (dut("ram_raddr[10:0]"), Fmt::Dec),
                        (dut("free_ptr[15:0]"), Fmt::Dec),
                    ],
                },
                axis_group(
                    "out",
                    "m_axis",
                    width,
                    &[("m_vni[23:0]", Fmt::Hex), ("m_csum_complete[15:0]", Fmt::Hex), ("drop_valid", Fmt::Bin), ("drop_reason[3:0]", Fmt::Dec)],
                ),
            ],
            Design::AxilRegs => {
                let mut g = vec![clock];
                g.extend(axil_groups());
                g
            }
            Design::CsumEngine => vec![
                clock,
                axis_group("s_axis", "s_axis", width, &[("csum_start[15:0]", Fmt::Dec), ("csum_end[15:0]", Fmt::Dec)]),
                Group {
                    name: "sum",
                    traces: vec![(dut("sum_valid"), Fmt::Bin), (dut("sum[15:0]"), Fmt::Hex), (dut("csum[15:0]"), Fmt::Hex)],
                },
            ],
            Design::Rx => vec![
                clock,
                axis_group("s_axis", "s_axis", width, &[]),
                axis_group(
                    "m_axis",
                    "m_axis",
                    width,
                    &[
                        ("m_vni[23:0]", Fmt::Hex),
                        ("m_csum_complete[15:0]", Fmt::Hex),
                        ("drop_valid", Fmt::Bin),
                        ("drop_reason[3:0]", Fmt::Dec),
                    ],
                ),
            ],
        };
        save_file(&format!("{}.vcd", self.module_name(width)), &groups)
    }
}

/// GTKWave groups of a NIC top's ports (descriptor, the four streams, RX metadata).
fn nic_groups(width: usize) -> Vec<Group<'static>> {
    vec![
        Group {
            name: "tx_desc",
            traces: vec![
                (dut("\\tx_desc$valid"), Fmt::Bin),
                (dut("\\tx_desc$ready"), Fmt::Bin),
                (dut("\\tx_desc$rco"), Fmt::Bin),
                (dut("\\tx_desc$vni[23:0]"), Fmt::Hex),
            ],
        },
        axis_group("tx_s_axis", "tx_s_axis", width, &[]),
        axis_group("tx_m_axis", "tx_m_axis", width, &[]),
        axis_group("rx_s_axis", "rx_s_axis", width, &[]),
        axis_group("rx_m_axis", "rx_m_axis", width, &[]),
        Group {
            name: "rx_meta",
            traces: vec![
                (dut("rx_vni[23:0]"), Fmt::Hex),
                (dut("rx_rco"), Fmt::Bin),
                (dut("rx_rco_applied"), Fmt::Bin),
                (dut("rx_csum_complete[15:0]"), Fmt::Hex),
                (dut("rx_drop_valid"), Fmt::Bin),
                (dut("rx_drop_reason[3:0]"), Fmt::Dec),
            ],
        },
    ]
}

/// GTKWave groups of the AXI4-Lite port `s_axil`.
fn axil_groups() -> Vec<Group<'static>> {
    vec![
        Group {
            name: "write",
            traces: vec![
                (dut("\\s_axil$awaddr[7:0]"), Fmt::Hex),
                (dut("\\s_axil$awvalid"), Fmt::Bin),
                (dut("\\s_axil$awready"), Fmt::Bin),
                (dut("\\s_axil$wdata[31:0]"), Fmt::Hex),
                (dut("\\s_axil$wstrb[3:0]"), Fmt::Bin),
                (dut("\\s_axil$wvalid"), Fmt::Bin),
                (dut("\\s_axil$wready"), Fmt::Bin),
                (dut("\\s_axil$bresp[1:0]"), Fmt::Dec),
                (dut("\\s_axil$bvalid"), Fmt::Bin),
                (dut("\\s_axil$bready"), Fmt::Bin),
            ],
        },
        Group {
            name: "read",
            traces: vec![
                (dut("\\s_axil$araddr[7:0]"), Fmt::Hex),
                (dut("\\s_axil$arvalid"), Fmt::Bin),
                (dut("\\s_axil$arready"), Fmt::Bin),
                (dut("\\s_axil$rdata[31:0]"), Fmt::Hex),
                (dut("\\s_axil$rresp[1:0]"), Fmt::Dec),
                (dut("\\s_axil$rvalid"), Fmt::Bin),
                (dut("\\s_axil$rready"), Fmt::Bin),
            ],
        },
    ]
}

/// rust-hdl's Verilog of a block and the ports of its top module.
struct Raw {
    verilog: String,
    ports: Vec<wrapper::Port>,
}

fn gen_raw<B: Block>(mut uut: B) -> Raw {
    uut.connect_all();
    Raw { ports: wrapper::top_ports(&uut), verilog: generate_verilog(&uut) }
}

fn gen_block<B: Block>(uut: B) -> String {
    gen_raw(uut).verilog
}

/// rust-hdl's Verilog of the TX block built for `max_frame`-byte host frames.
fn raw_tx_encap(width: usize, max_frame: usize) -> anyhow::Result<Raw> {
    Ok(with_width!(
        width,
        gen_raw(TxEncap::<W, K, N, TX_A, TX_HB>::new(max_frame)),
        else anyhow::bail!("export: width {width} is not built (one of {WIDTHS:?})")
    ))
}

/// Module name of the TX block for `max_frame` (the exported `tx` design is 9216 bytes).
pub fn tx_encap_module(width: usize, max_frame: usize) -> String {
    if max_frame == 9216 {
        Design::TxEncap.module_name(width)
    } else {
        format!("rco_tx_encap_w{width}_mf{max_frame}")
    }
}

/// The TX block's Verilog for `max_frame`-byte host frames (the simulation testbenches
/// build it smaller than the exported design), top module [`tx_encap_module`].
pub fn tx_encap_verilog(width: usize, max_frame: usize) -> anyhow::Result<String> {
    Ok(rename_top(&raw_tx_encap(width, max_frame)?.verilog, &tx_encap_module(width, max_frame)))
}

/// Module name of the NIC top for `max_frame` (the exported `nic` design is 9216 bytes).
pub fn nic_module(width: usize, max_frame: usize) -> String {
    if max_frame == MAX_FRAME_JUMBO {
        Design::Nic.module_name(width)
    } else {
        format!("rco_nic_w{width}_mf{max_frame}")
    }
}

/// The NIC top's Verilog for `max_frame`-byte host frames with the jumbo buffers of
/// [`Design::Nic`] (the parameters `rco_sim::loopback_tb::run_width` simulates), top
/// module [`nic_module`].
pub fn nic_verilog(width: usize, max_frame: usize) -> anyhow::Result<String> {
    use rco_hdl::nic_top::MAX_OUTER_HEADER;
    let raw = with_width!(
        width,
        [64, 128, 256],
        {
            // NicTop::new asserts this; an error here instead of a panic
            let cap = RxTop::<W, K, N, RX_AW, RX_AB, RX_Q>::capacity();
            anyhow::ensure!(max_frame + MAX_OUTER_HEADER <= cap, "NIC: max_frame {max_frame} + outer header > RX ring {cap} bytes");
            gen_block(NicTop::<W, K, N, TX_A, TX_HB, RX_AW, RX_AB, RX_Q>::new(max_frame))
        },
        else anyhow::bail!("export: NIC width {width} is not built (64, 128 or 256)")
    );
    Ok(rename_top(&raw, &nic_module(width, max_frame)))
}

/// A signal of the design instance `tb.dut` in a cosimulation VCD.
fn dut(s: &str) -> String {
    format!("tb.dut.{s}")
}

/// GTKWave group for the AXI4-Stream bundle `bus` (`\bus$tvalid`, ...) of `tb.dut`,
/// followed by `extra` signals.
fn axis_group(name: &'static str, bus: &str, width: usize, extra: &[(&str, Fmt)]) -> Group<'static> {
    let mut traces = axis_traces(&dut(&format!("\\{bus}")), "$", width);
    traces.extend(extra.iter().map(|(s, f)| (dut(s), *f)));
    Group { name, traces }
}

/// Rename rust-hdl's `top` (and its `top$...` sub-modules) to `name`.
pub fn rename_top(verilog: &str, name: &str) -> String {
    let mut out = String::with_capacity(verilog.len() + 1024);
    for line in verilog.lines() {
        let t = line.trim_start();
        let fixed = if t.starts_with("module top") || t.starts_with("endmodule // top") {
            line.replacen("top", name, 1)
        } else if t.starts_with("top$") {
            // a sub-module instance: `top$pos pos(`
            line.replacen("top$", &format!("{name}$"), 1)
        } else {
            line.to_string()
        };
        out.push_str(&fixed);
        out.push('\n');
    }
    out
}

/// Verilator configuration that waives the generated designs' lint warnings (see the file
/// and README "Integrating the core"); exported beside every design as [`LINT_WAIVER_FILE`].
pub const LINT_WAIVER: &str = include_str!("../lint/rco_nic.vlt");
/// File name of [`LINT_WAIVER`] in an export directory.
pub const LINT_WAIVER_FILE: &str = "rco_nic.vlt";

/// Write `design` at `width` bits into `out_dir`: `<module>.v`, `<module>.gtkw`, the lint
/// waivers [`LINT_WAIVER_FILE`] and, for the IP core, its wrapper `<wrapper>.v`.
pub fn export_design(design: Design, width: usize, out_dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let name = design.module_name(width);
    let (verilog, wrapper) = design.verilog_with_wrapper(width)?;
    std::fs::create_dir_all(out_dir)?;
    let v = out_dir.join(format!("{name}.v"));
    let g = out_dir.join(format!("{name}.gtkw"));
    std::fs::write(&v, verilog)?;
    std::fs::write(&g, design.gtkw(width))?;
    let mut files = vec![v, g];
    if let Some((wname, wv)) = wrapper {
        let w = out_dir.join(format!("{wname}.v"));
        std::fs::write(&w, wv)?;
        files.push(w);
    }
    let l = out_dir.join(LINT_WAIVER_FILE);
    std::fs::write(&l, LINT_WAIVER)?;
    files.push(l);
    Ok(files)
}

/// Write the Verilog (and a GTKWave save file) for the design at `width` bits into `out_dir`.
/// The design is [`DEFAULT_DESIGN`] (the IP core).
pub fn export_verilog(width: usize, out_dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    export_design(DEFAULT_DESIGN, width, out_dir)
}
