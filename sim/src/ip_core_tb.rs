//! Drives the IP core (`RcoNic64Std`) in loopback, its TX output wired to its RX input, with
//! golden host frames and descriptors, configured and read back over its AXI4-Lite port only.
//! Checks the frames on the wire, the inner frames with their metadata and the RX drops, in
//! order, and every counter register against what golden makes of the frames sent.

use crate::loopback_tb::{golden_wire_and_outcome, Outcome, RxOut};
use crate::tb::axis::{frame_beats, AxisDriver, AxisMonitor};
use crate::tb::desc::set_desc;
use crate::tb::rx_ports::RxPorts;
use crate::tb::tx_drops::TX_ERRORS;
use rco_golden::rng::SplitMix64;
use rco_golden::types::{DropReason, RxConfig, TxDescriptor};
use rco_hdl::axil_regs::{AxilSlave, Kind, Reg, REGS, RESP_OKAY};
use rco_hdl::nic_top::MAX_FRAME_STD;
use rco_hdl::rco_nic::{RcoNic64Std, AXIL_ADDR_BITS};
use rust_hdl::prelude::*;

/// Lanes of the core's streams.
const K: usize = rco_hdl::width::w64::K;
/// Clocks without an AXI-Lite response, or without the traffic draining, that count as a hang.
const HANG: u64 = 20_000;

/// Byte offset of register `name` in the register map.
pub fn offset(name: &str) -> u32 {
    reg(name).offset
}

/// Register `name` of the register map.
pub fn reg(name: &str) -> &'static Reg {
    REGS.iter().find(|r| r.name == name).unwrap_or_else(|| panic!("no register {name}"))
}

/// The highest word of the AXI-Lite address space no register covers.
pub fn unmapped() -> u32 {
    (0..1u32 << AXIL_ADDR_BITS)
        .step_by(4)
        .rev()
        .find(|a| !REGS.iter().any(|r| (r.offset..r.offset + r.size()).contains(a)))
        .expect("a free word in the register space")
}

/// The TX drop counter registers, in [`TX_ERRORS`] order.
const TX_DROP_REGS: [&str; TX_ERRORS.len()] = ["tx_drop_truncated", "tx_drop_too_long", "tx_drop_bad_desc", "tx_drop_bad_keep"];

/// The IP core with its TX output wired to its RX input, as [`crate::loopback_tb::Loopback`]
/// wires the NIC top.
#[derive(LogicBlock)]
pub struct IpLoop {
    pub clock: Signal<In, Clock>,
    pub core: RcoNic64Std,
}

impl Logic for IpLoop {
    // a simulation-only wrapper (rust-hdl's hdl_gen does not translate `join`): no Verilog
    fn update(&mut self) {
        self.core.clock.next = self.clock.val();
        self.core.tx_m_axis.join(&mut self.core.rx_s_axis);
    }
}

/// The bench: the core in loopback, its host-side drivers and monitors, and an AXI4-Lite
/// master.
pub struct IpBench {
    pub u: Box<IpLoop>,
    rng: SplitMix64,
    host: AxisDriver,
    descs: Vec<TxDescriptor>,
    /// next descriptor to hand over
    di: usize,
    wire_mon: AxisMonitor,
    out_mon: AxisMonitor,
    /// Frames across the TX -> RX wire, in order.
    pub wire: Vec<Vec<u8>>,
    /// RX results (deliveries with their metadata, drop events), in order.
    pub rx: Vec<RxOut>,
    /// the host idles the next clock
    idle_next: bool,
    cycles: u64,
}

impl IpBench {
    pub fn new(seed: u64) -> Self {
        // on the heap: the core is larger than a test thread's stack
        let mut u = Box::new(IpLoop { clock: Default::default(), core: RcoNic64Std::new(MAX_FRAME_STD) });
        u.connect_all();
        IpBench {
            u,
            rng: SplitMix64::new(seed),
            host: AxisDriver::default(),
            descs: vec![],
            di: 0,
            wire_mon: AxisMonitor::default(),
            out_mon: AxisMonitor::default(),
            wire: vec![],
            rx: vec![],
            idle_next: false,
            cycles: 0,
        }
    }

    /// Queue host frames with their descriptors (after the previous ones have gone in).
    pub fn send(&mut self, cases: &[(Vec<u8>, TxDescriptor)]) {
        assert!(self.host.done() && self.di == self.descs.len(), "bench: send before the last frames went in");
        self.host = AxisDriver::new(cases.iter().map(|(f, _)| frame_beats(f, K)).collect());
        self.descs = cases.iter().map(|(_, d)| d.clone()).collect();
        self.di = 0;
    }

    /// One clock: host frames offered with 20 % idles, 30 % back-pressure on rx_m_axis, the
    /// AXI-Lite inputs as `axil` sets them before the edge
    /// (`edge` false) and its outputs for it to sample (`edge` true).
    fn tick(&mut self, axil: &mut dyn FnMut(&mut AxilSlave<AXIL_ADDR_BITS>, bool)) {
        self.cycles += 1;
        assert!(self.cycles < 10 * HANG, "bench: cycle bound reached");
        let lp = &mut *self.u;
        lp.clock.next = false.into();
        let u = &mut lp.core;
        let desc_valid = self.di < self.descs.len();
        u.tx_desc.valid.next = desc_valid;
        if desc_valid {
            set_desc(&mut u.tx_desc, &self.descs[self.di]);
        }
        self.host.drive(&mut u.tx_s_axis, !self.idle_next);
        let ready = !self.rng.chance(0.3);
        u.rx_m_axis.tready.next = ready;
        axil(&mut u.s_axil, false);
        assert!(simulate(lp, 1000));
        let u = &mut lp.core;
        // handshakes at this edge
        if desc_valid && u.tx_desc.ready.val() {
            self.di += 1;
        }
        self.host.take(&u.tx_s_axis);
        let c = self.cycles;
        let on_wire = self.wire_mon.sample(&u.tx_m_axis, u.rx_s_axis.tready.val()).unwrap_or_else(|e| panic!("cycle {c}: TX {e}"));
        self.wire.extend(on_wire.frame);
        if let Some(f) = self.out_mon.sample(&u.rx_m_axis, ready).unwrap_or_else(|e| panic!("cycle {c}: RX {e}")).frame {
            self.rx.push(Ok((f, u.rx_meta())));
        }
        self.rx.extend(u.rx_drop().unwrap_or_else(|e| panic!("cycle {c}: {e}")).map(Err));
        axil(&mut u.s_axil, true);
        lp.clock.next = true.into();
        assert!(simulate(lp, 1000));
        self.idle_next = self.rng.chance(0.2);
    }

    /// An AXI-Lite write with AW and W offered together: the B response.
    pub fn write(&mut self, addr: u32, data: u32) -> u64 {
        let (mut aw, mut w, mut resp) = (true, true, None);
        let start = self.cycles;
        while resp.is_none() {
            assert!(self.cycles - start < HANG, "bench: no B response to a write of {addr:#x}");
            self.tick(&mut |s, edge| {
                if !edge {
                    s.awaddr.next = (addr as u64).into();
                    s.awvalid.next = aw;
                    s.wdata.next = (data as u64).into();
                    s.wstrb.next = 0xF.into();
                    s.wvalid.next = w;
                    s.bready.next = true;
                    s.arvalid.next = false;
                    s.rready.next = false;
                } else {
                    aw &= !s.awready.val();
                    w &= !s.wready.val();
                    if s.bvalid.val() {
                        resp = Some(s.bresp.val().to_u64());
                    }
                }
            });
        }
        resp.unwrap()
    }

    /// An AXI-Lite read: (rresp, rdata).
    pub fn read(&mut self, addr: u32) -> (u64, u32) {
        let (mut ar, mut got) = (true, None);
        let start = self.cycles;
        while got.is_none() {
            assert!(self.cycles - start < HANG, "bench: no R response to a read of {addr:#x}");
            self.tick(&mut |s, edge| {
                if !edge {
                    s.araddr.next = (addr as u64).into();
                    s.arvalid.next = ar;
                    s.rready.next = true;
                    s.awvalid.next = false;
                    s.wvalid.next = false;
                    s.bready.next = false;
                } else {
                    ar &= !s.arready.val();
                    if s.rvalid.val() {
                        got = Some((s.rresp.val().to_u64(), s.rdata.val().to_u64() as u32));
                    }
                }
            });
        }
        got.unwrap()
    }

    /// Write configuration register `name` and read it back.
    pub fn set(&mut self, name: &str, value: u32) {
        assert_eq!(self.write(offset(name), value), RESP_OKAY, "write {name}");
        assert_eq!(self.read(offset(name)), (RESP_OKAY, value), "{name} read back");
    }

    /// The core's configuration, written over AXI-Lite: RX as `cfg` (its `max_frame` is the
    /// core's), TX honouring RCO requests if `rco_tx`, RX back-pressuring TX (so the loop
    /// drops nothing for room).
    pub fn configure(&mut self, cfg: &RxConfig, rco_tx: bool) {
        assert_eq!(cfg.max_frame, MAX_FRAME_STD, "the core's buffers are built for {MAX_FRAME_STD}-byte frames");
        self.set("rco_tx", rco_tx as u32);
        self.set("rco_rx", cfg.remcsum_rx as u32);
        self.set("nopartial", cfg.nopartial as u32);
        self.set("vxlan_port", cfg.port as u32);
        self.set("udp6_zero_csum_rx", cfg.udp_zero_csum6_rx as u32);
        self.set("rx_backpressure", 1);
    }

    /// A counter register, 64-bit ones read low word then high word.
    pub fn counter(&mut self, name: &str) -> u64 {
        let r = reg(name);
        let (resp, lo) = self.read(r.offset);
        assert_eq!(resp, RESP_OKAY, "{name}");
        match r.kind {
            Kind::Counter => lo as u64,
            Kind::Counter64 => {
                let (resp, hi) = self.read(r.offset + 4);
                assert_eq!(resp, RESP_OKAY, "{name} high");
                (hi as u64) << 32 | lo as u64
            }
            k => panic!("{name} is not a counter ({k:?})"),
        }
    }

    /// Clocks with the AXI-Lite master idle.
    pub fn idle(&mut self, clocks: usize) {
        for _ in 0..clocks {
            self.tick(&mut |s, edge| {
                if !edge {
                    s.awvalid.next = false;
                    s.wvalid.next = false;
                    s.arvalid.next = false;
                    s.bready.next = true;
                    s.rready.next = true;
                }
            });
        }
    }

    /// Until every queued frame and descriptor has gone in and `rx` RX results have been
    /// seen in all, then a margin for the counters (they lag their events by a few clocks).
    pub fn drain(&mut self, rx: usize) {
        let start = self.cycles;
        while !self.host.done() || self.di < self.descs.len() || self.rx.len() < rx {
            assert!(self.cycles - start < HANG, "bench: traffic does not drain ({} of {rx} RX results)", self.rx.len());
            self.idle(1);
        }
        self.idle(200);
    }
}

/// What the counter registers should read, counted from golden's wire frames and outcomes of
/// the frames sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expected {
    /// (name, value) of every counter register
    pub counters: Vec<(&'static str, u64)>,
}

/// Golden's wire frames, outcomes and counts for `cases` sent under `cfg`, added to `acc`
/// (the counters count from the last reset). Returns the RX results golden expects.
pub fn expect(cases: &[(Vec<u8>, TxDescriptor)], cfg: &RxConfig, acc: &mut Expected) -> (Vec<Vec<u8>>, Vec<RxOut>) {
    let (mut wires, mut rx) = (vec![], vec![]);
    let mut add = |name: &'static str, n: u64| match acc.counters.iter_mut().find(|(k, _)| *k == name) {
        Some((_, v)) => *v += n,
        None => acc.counters.push((name, n)),
    };
    for (f, d) in cases {
        let (wire, outcome) = golden_wire_and_outcome(f, d, cfg);
        add("tx_frames_in", 1);
        add("tx_bytes_in", f.len() as u64);
        if let Some(w) = &wire {
            for dir in ["tx_frames_out", "rx_frames_in"] {
                add(dir, 1);
            }
            for dir in ["tx_bytes_out", "rx_bytes_in"] {
                add(dir, w.len() as u64);
            }
        }
        wires.extend(wire);
        match outcome {
            Outcome::Tx(e) => add(TX_DROP_REGS[TX_ERRORS.iter().position(|x| *x == e).expect("TX_ERRORS lists every error")], 1),
            Outcome::Rx(r) => {
                match &r {
                    Ok((inner, _)) => {
                        add("rx_frames_out", 1);
                        add("rx_bytes_out", inner.len() as u64);
                    }
                    Err(reason) => add(rx_drop_reg(*reason), 1),
                }
                rx.push(r);
            }
        }
    }
    // every counter register has an expected value, 0 when nothing counted it
    for r in REGS.iter().filter(|r| matches!(r.kind, Kind::Counter | Kind::Counter64)) {
        add(r.name, 0);
    }
    (wires, rx)
}

/// The drop counter register of RX drop reason `r`.
pub fn rx_drop_reg(r: DropReason) -> &'static str {
    let name = format!("rx_drop_{}", r.name());
    reg(&name).name
}

/// Read every counter register and compare with `want`; the differences.
pub fn counter_diffs(b: &mut IpBench, want: &Expected) -> Vec<String> {
    let mut diffs = vec![];
    for (name, v) in &want.counters {
        let got = b.counter(name);
        if got != *v {
            diffs.push(format!("{name}: hw {got} / golden {v}"));
        }
    }
    diffs
}
