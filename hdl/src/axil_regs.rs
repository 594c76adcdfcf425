//! `AxilRegs<A>`: the NIC's control registers behind an AXI4-Lite slave (32-bit data, `A`
//! address bits). Configuration registers drive the `cfg_*` outputs; counter registers read
//! the `counters` (32-bit) and `counters64` inputs.
//!
//! * The register map is [`REGS`], declared once: the decode below and the README's table
//!   ([`markdown_table`], `rco-nic regmap`) are both made from it.
//! * AW and W are taken independently, in either order, into one holding register each; the
//!   write is done when both are held and no response is waiting, so one write is outstanding
//!   at a time. A read decodes its address at the AR handshake into one select flip-flop per
//!   register and takes the selected value the clock after (so no path runs from `araddr`
//!   through the whole read mux); one read is outstanding at a time. `bvalid`/`rvalid` and their payloads are held until `bready`/`rready`. Every ready
//!   is a function of flip-flops only, so no valid reaches a ready combinationally.
//! * `wstrb` selects bytes; bits above a configuration register's width read 0 and ignore
//!   writes. A write to a read-only or unmapped address answers SLVERR and changes nothing;
//!   a read of an unmapped address answers SLVERR with `rdata` 0. Address bits 1..0 are
//!   ignored (AXI4-Lite transfers are whole words).
//! * A 32-bit counter is one word, read as its input is the clock after the AR handshake; it
//!   wraps.
//!   A 64-bit counter is two words, low at its offset and high at offset + 4: reading the low
//!   word also captures the high half into a register of that counter, which the high word
//!   then reads, so a low-then-high pair comes from one snapshot.
//! * `rst` (synchronous, active high) returns the registers to their table reset values,
//!   clears the snapshots and empties both channels; the flip-flops also start at those
//!   values (each register is stored as its value XOR its reset value, as rust-hdl's
//!   flip-flops start at 0).

use rust_hdl::prelude::*;

/// What a register is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Read-only constant.
    Const(u32),
    /// Read/write configuration of `width` bits from bit 0.
    Config { width: u32, reset: u32 },
    /// Read-only, the next `counters` input (in table order).
    Counter,
    /// Read-only, two words: the next `counters64` input (in table order).
    Counter64,
}

/// The three groups a register's hardware comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// constants and configuration: a stored word
    Plain,
    /// a `counters` input
    Counter,
    /// a `counters64` input
    Counter64,
}

/// One register (a 64-bit counter: its low word).
#[derive(Clone, Copy, Debug)]
pub struct Reg {
    pub name: &'static str,
    /// byte address, a multiple of 4 (of 8 for a 64-bit counter)
    pub offset: u32,
    pub kind: Kind,
    pub desc: &'static str,
}

impl Reg {
    pub const fn writable(&self) -> bool {
        matches!(self.kind, Kind::Config { .. })
    }

    pub const fn class(&self) -> Class {
        match self.kind {
            Kind::Const(_) | Kind::Config { .. } => Class::Plain,
            Kind::Counter => Class::Counter,
            Kind::Counter64 => Class::Counter64,
        }
    }

    /// Bytes of address space.
    pub const fn size(&self) -> u32 {
        match self.kind {
            Kind::Counter64 => 8,
            _ => 4,
        }
    }
}

/// The ID register's value: `RCO` in ASCII, then the register map's version.
pub const ID_VALUE: u32 = u32::from_be_bytes([b'R', b'C', b'O', 2]);

const fn cfg(name: &'static str, offset: u32, width: u32, reset: u32, desc: &'static str) -> Reg {
    Reg { name, offset, kind: Kind::Config { width, reset }, desc }
}

const fn cnt(name: &'static str, offset: u32, desc: &'static str) -> Reg {
    Reg { name, offset, kind: Kind::Counter, desc }
}

const fn cnt64(name: &'static str, offset: u32, desc: &'static str) -> Reg {
    Reg { name, offset, kind: Kind::Counter64, desc }
}

/// The register map. RX drop counters sit at `0x040 + 4 * code` (codes of [`crate::rx`]).
pub const REGS: [Reg; 33] = [
    Reg { name: "id", offset: 0x000, kind: Kind::Const(ID_VALUE), desc: "`RCO` in ASCII (bits 31..8), register map version (bits 7..0)" },
    cfg("rco_tx", 0x004, 1, 0, "TX: honour the descriptor's RCO request (`remcsumtx`)"),
    cfg("rco_rx", 0x008, 1, 0, "RX: accept RCO frames (`remcsumrx`); without it they drop as `rco_not_enabled`"),
    cfg("nopartial", 0x00C, 1, 0, "RX: patch the inner checksum (`REMCSUM_NOPARTIAL`) instead of reporting start/offset"),
    cfg("vxlan_port", 0x010, 16, 4789, "RX: outer UDP destination port taken as VXLAN"),
    cfg("udp6_zero_csum_rx", 0x014, 1, 0, "RX: accept a zero outer UDP checksum over IPv6 (`udp6zerocsumrx`)"),
    cfg("rx_backpressure", 0x018, 1, 0, "RX: 0 drops a frame that finds the buffer full (`overflow`), 1 holds `rx_s_axis.tready` low"),
    cnt("rx_drop_too_long", 0x040, "RX drops, frame longer than the buffer"),
    cnt("rx_drop_truncated", 0x044, "RX drops, header or IP length past the end of the frame"),
    cnt("rx_drop_not_vxlan", 0x048, "RX drops, not IP/UDP to the VXLAN port"),
    cnt("rx_drop_ip_header", 0x04C, "RX drops, bad IPv4/IPv6 header"),
    cnt("rx_drop_ip_csum", 0x050, "RX drops, IPv4 header checksum"),
    cnt("rx_drop_ip_fragment", 0x054, "RX drops, outer fragment"),
    cnt("rx_drop_udp_length", 0x058, "RX drops, UDP length"),
    cnt("rx_drop_udp_csum", 0x05C, "RX drops, outer UDP checksum"),
    cnt("rx_drop_udp_zero_csum6", 0x060, "RX drops, zero UDP checksum over IPv6"),
    cnt("rx_drop_vxlan_flags", 0x064, "RX drops, VXLAN flags or reserved bits"),
    cnt("rx_drop_rco_not_enabled", 0x068, "RX drops, RCO frame while `rco_rx` is 0"),
    cnt("rx_drop_rco_past_end", 0x06C, "RX drops, RCO field past the inner frame"),
    cnt("rx_drop_bad_keep", 0x070, "RX drops, `tkeep` breaks the packed-stream contract"),
    cnt("rx_drop_overflow", 0x074, "RX drops, buffer full (MAC mode)"),
    cnt("tx_drop_truncated", 0x080, "TX drops, frame under 14 bytes (or empty)"),
    cnt("tx_drop_too_long", 0x084, "TX drops, frame longer than the buffer"),
    cnt("tx_drop_bad_desc", 0x088, "TX drops, descriptor checksum field outside the frame"),
    cnt("tx_drop_bad_keep", 0x08C, "TX drops, `tkeep` breaks the packed-stream contract"),
    cnt64("tx_frames_in", 0x0A0, "TX frames taken from the host (`tx_s_axis` tlast beats)"),
    cnt64("tx_bytes_in", 0x0A8, "TX bytes taken from the host (`tkeep` lanes)"),
    cnt64("tx_frames_out", 0x0B0, "TX frames sent (`tx_m_axis` tlast beats)"),
    cnt64("tx_bytes_out", 0x0B8, "TX bytes sent"),
    cnt64("rx_frames_in", 0x0C0, "RX frames from the MAC (`rx_s_axis` tlast beats), dropped ones included"),
    cnt64("rx_bytes_in", 0x0C8, "RX bytes from the MAC"),
    cnt64("rx_frames_out", 0x0D0, "RX inner frames delivered (`rx_m_axis` tlast beats)"),
    cnt64("rx_bytes_out", 0x0D8, "RX inner bytes delivered"),
];

const fn count_class(c: Class) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < REGS.len() {
        if REGS[i].class() as u8 == c as u8 {
            n += 1;
        }
        i += 1;
    }
    n
}

/// 32-bit counter registers (the `counters` inputs).
pub const NUM_COUNTERS: usize = count_class(Class::Counter);
/// 64-bit counter registers (the `counters64` inputs).
pub const NUM_COUNTERS64: usize = count_class(Class::Counter64);
/// Registers that are not counters (constants and configuration), in table order.
pub const NUM_PLAIN: usize = count_class(Class::Plain);

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Index of register `name` among the registers of its class, which must be `class`.
/// Fails to compile when the table has no such register.
pub const fn index_of(name: &str, class: Class) -> usize {
    let mut k = 0;
    let mut i = 0;
    while i < REGS.len() {
        if REGS[i].class() as u8 == class as u8 {
            if same(REGS[i].name, name) {
                return k;
            }
            k += 1;
        }
        i += 1;
    }
    panic!("no such register")
}

const P_RCO_TX: usize = index_of("rco_tx", Class::Plain);
const P_RCO_RX: usize = index_of("rco_rx", Class::Plain);
const P_NOPARTIAL: usize = index_of("nopartial", Class::Plain);
const P_VXLAN_PORT: usize = index_of("vxlan_port", Class::Plain);
const P_UDP6_ZERO: usize = index_of("udp6_zero_csum_rx", Class::Plain);
const P_RX_BACKPRESSURE: usize = index_of("rx_backpressure", Class::Plain);
/// `counters` index of RX drop reason 0; reason `r` is at `CNT_RX_DROP + r`.
pub const CNT_RX_DROP: usize = index_of("rx_drop_too_long", Class::Counter);
pub const CNT_TX_DROP_TRUNCATED: usize = index_of("tx_drop_truncated", Class::Counter);
pub const CNT_TX_DROP_TOO_LONG: usize = index_of("tx_drop_too_long", Class::Counter);
pub const CNT_TX_DROP_BAD_DESC: usize = index_of("tx_drop_bad_desc", Class::Counter);
pub const CNT_TX_DROP_BAD_KEEP: usize = index_of("tx_drop_bad_keep", Class::Counter);
/// `counters64` indices: frames then bytes, for each of the four streams.
pub const CNT64_TX_IN: usize = index_of("tx_frames_in", Class::Counter64);
pub const CNT64_TX_OUT: usize = index_of("tx_frames_out", Class::Counter64);
pub const CNT64_RX_IN: usize = index_of("rx_frames_in", Class::Counter64);
pub const CNT64_RX_OUT: usize = index_of("rx_frames_out", Class::Counter64);
const _: () = assert!(
    index_of("tx_bytes_in", Class::Counter64) == CNT64_TX_IN + 1
        && index_of("tx_bytes_out", Class::Counter64) == CNT64_TX_OUT + 1
        && index_of("rx_bytes_in", Class::Counter64) == CNT64_RX_IN + 1
        && index_of("rx_bytes_out", Class::Counter64) == CNT64_RX_OUT + 1
);

/// AXI response codes.
pub const RESP_OKAY: u64 = 0;
pub const RESP_SLVERR: u64 = 2;

/// The register map as a Markdown table (the README's "Register map").
pub fn markdown_table() -> String {
    let mut s = String::from("| offset | name | access | bits | reset | description |\n|---|---|---|---|---|---|\n");
    for r in REGS.iter() {
        let (access, bits, reset) = match r.kind {
            Kind::Const(v) => ("RO", 32, format!("`0x{v:08X}`")),
            Kind::Config { width, reset } => ("RW", width, format!("{reset}")),
            Kind::Counter => ("RO", 32, "counter".to_string()),
            Kind::Counter64 => ("RO", 64, "counter, low word; high word at +4".to_string()),
        };
        s += &format!("| `0x{:03X}` | `{}` | {access} | {bits} | {reset} | {} |\n", r.offset, r.name, r.desc);
    }
    s
}

/// An AXI4-Lite slave port (32-bit data, `A` address bits), named as the AXI signals.
#[derive(LogicInterface, Default)]
pub struct AxilSlave<const A: usize> {
    pub awaddr: Signal<In, Bits<A>>,
    pub awvalid: Signal<In, Bit>,
    pub awready: Signal<Out, Bit>,
    pub wdata: Signal<In, Bits<32>>,
    pub wstrb: Signal<In, Bits<4>>,
    pub wvalid: Signal<In, Bit>,
    pub wready: Signal<Out, Bit>,
    pub bresp: Signal<Out, Bits<2>>,
    pub bvalid: Signal<Out, Bit>,
    pub bready: Signal<In, Bit>,
    pub araddr: Signal<In, Bits<A>>,
    pub arvalid: Signal<In, Bit>,
    pub arready: Signal<Out, Bit>,
    pub rdata: Signal<Out, Bits<32>>,
    pub rresp: Signal<Out, Bits<2>>,
    pub rvalid: Signal<Out, Bit>,
    pub rready: Signal<In, Bit>,
}

#[derive(LogicBlock)]
pub struct AxilRegs<const A: usize> {
    pub clock: Signal<In, Clock>,
    pub rst: Signal<In, Bit>,
    pub s_axil: AxilSlave<A>,
    pub cfg_rco_tx: Signal<Out, Bit>,
    pub cfg_rco_rx: Signal<Out, Bit>,
    pub cfg_nopartial: Signal<Out, Bit>,
    pub cfg_vxlan_port: Signal<Out, Bits<16>>,
    pub cfg_udp6_zero_csum_rx: Signal<Out, Bit>,
    pub cfg_rx_backpressure: Signal<Out, Bit>,
    pub counters: [Signal<In, Bits<32>>; NUM_COUNTERS],
    pub counters64: [Signal<In, Bits<64>>; NUM_COUNTERS64],
    aw_full: DFF<Bit>,
    aw_addr: DFF<Bits<A>>,
    w_full: DFF<Bit>,
    w_data: DFF<Bits<32>>,
    w_strb: DFF<Bits<4>>,
    b_valid: DFF<Bit>,
    b_resp: DFF<Bits<2>>,
    /// an accepted read whose value is taken at the next edge
    ar_full: DFF<Bit>,
    sel_plain: [DFF<Bit>; NUM_PLAIN],
    sel_counter: [DFF<Bit>; NUM_COUNTERS],
    sel_low: [DFF<Bit>; NUM_COUNTERS64],
    sel_high: [DFF<Bit>; NUM_COUNTERS64],
    r_valid: DFF<Bit>,
    r_data: DFF<Bits<32>>,
    r_resp: DFF<Bits<2>>,
    /// each non-counter register's value XOR its reset value
    store: [DFF<Bits<32>>; NUM_PLAIN],
    /// each 64-bit counter's high half as of the last read of its low word
    high_snapshot: [DFF<Bits<32>>; NUM_COUNTERS64],
    p_addr: [Constant<Bits<A>>; NUM_PLAIN],
    p_rw: [Constant<Bit>; NUM_PLAIN],
    p_wmask: [Constant<Bits<32>>; NUM_PLAIN],
    p_reset: [Constant<Bits<32>>; NUM_PLAIN],
    p_fixed: [Constant<Bits<32>>; NUM_PLAIN],
    c_addr: [Constant<Bits<A>>; NUM_COUNTERS],
    c64_addr_low: [Constant<Bits<A>>; NUM_COUNTERS64],
    c64_addr_high: [Constant<Bits<A>>; NUM_COUNTERS64],
    word_mask: Constant<Bits<A>>,
    lane: [Constant<Bits<32>>; 4],
    okay: Constant<Bits<2>>,
    slverr: Constant<Bits<2>>,
    value: [Signal<Local, Bits<32>>; NUM_PLAIN],
    strb_mask: Signal<Local, Bits<32>>,
    do_write: Signal<Local, Bit>,
    wr_hit: Signal<Local, Bit>,
    rd_hit: Signal<Local, Bit>,
    rd_val: Signal<Local, Bits<32>>,
    ar_take: Signal<Local, Bit>,
}

impl<const A: usize> Default for AxilRegs<A> {
    fn default() -> Self {
        assert!((3..=32).contains(&A));
        assert!(
            REGS.iter().all(|r| r.offset % r.size() == 0 && ((r.offset + r.size()) as u64) <= 1u64 << A),
            "register misaligned or past the address space"
        );
        let of = |c: Class| -> Vec<&Reg> { REGS.iter().filter(|r| r.class() == c).collect() };
        let (plain, counter, counter64) = (of(Class::Plain), of(Class::Counter), of(Class::Counter64));
        let wmask = |r: &Reg| match r.kind {
            Kind::Config { width, .. } => ((1u64 << width) - 1) as u32,
            _ => 0,
        };
        let reset = |r: &Reg| match r.kind {
            Kind::Config { reset, .. } => reset,
            _ => 0,
        };
        let fixed = |r: &Reg| match r.kind {
            Kind::Const(v) => v,
            _ => 0,
        };
        Self {
            clock: Default::default(),
            rst: Default::default(),
            s_axil: Default::default(),
            cfg_rco_tx: Default::default(),
            cfg_rco_rx: Default::default(),
            cfg_nopartial: Default::default(),
            cfg_vxlan_port: Default::default(),
            cfg_udp6_zero_csum_rx: Default::default(),
            cfg_rx_backpressure: Default::default(),
            counters: std::array::from_fn(|_| Default::default()),
            counters64: std::array::from_fn(|_| Default::default()),
            aw_full: Default::default(),
            aw_addr: Default::default(),
            w_full: Default::default(),
            w_data: Default::default(),
            w_strb: Default::default(),
            b_valid: Default::default(),
            b_resp: Default::default(),
            ar_full: Default::default(),
            sel_plain: std::array::from_fn(|_| Default::default()),
            sel_counter: std::array::from_fn(|_| Default::default()),
            sel_low: std::array::from_fn(|_| Default::default()),
            sel_high: std::array::from_fn(|_| Default::default()),
            r_valid: Default::default(),
            r_data: Default::default(),
            r_resp: Default::default(),
            store: std::array::from_fn(|_| Default::default()),
            high_snapshot: std::array::from_fn(|_| Default::default()),
            p_addr: std::array::from_fn(|i| Constant::new((plain[i].offset as u64).into())),
            p_rw: std::array::from_fn(|i| Constant::new(plain[i].writable())),
            p_wmask: std::array::from_fn(|i| Constant::new((wmask(plain[i]) as u64).into())),
            p_reset: std::array::from_fn(|i| Constant::new((reset(plain[i]) as u64).into())),
            p_fixed: std::array::from_fn(|i| Constant::new((fixed(plain[i]) as u64).into())),
            c_addr: std::array::from_fn(|i| Constant::new((counter[i].offset as u64).into())),
            c64_addr_low: std::array::from_fn(|i| Constant::new((counter64[i].offset as u64).into())),
            c64_addr_high: std::array::from_fn(|i| Constant::new((counter64[i].offset as u64 + 4).into())),
            word_mask: Constant::new((((1u64 << A) - 1) & !3).into()),
            lane: std::array::from_fn(|k| Constant::new((0xFFu64 << (8 * k)).into())),
            okay: Constant::new(RESP_OKAY.into()),
            slverr: Constant::new(RESP_SLVERR.into()),
            value: std::array::from_fn(|_| Default::default()),
            strb_mask: Default::default(),
            do_write: Default::default(),
            wr_hit: Default::default(),
            rd_hit: Default::default(),
            rd_val: Default::default(),
            ar_take: Default::default(),
        }
    }
}

/// The address space the table needs (256 bytes).
pub type AxilRegs8 = AxilRegs<8>;

impl<const A: usize> Logic for AxilRegs<A> {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, aw_full, aw_addr, w_full, w_data, w_strb, b_valid, b_resp, ar_full, r_valid, r_data, r_resp);
        for i in 0..NUM_PLAIN {
            self.sel_plain[i].clock.next = self.clock.val();
            self.sel_plain[i].d.next = self.sel_plain[i].q.val();
        }
        for j in 0..NUM_COUNTERS {
            self.sel_counter[j].clock.next = self.clock.val();
            self.sel_counter[j].d.next = self.sel_counter[j].q.val();
        }
        for j in 0..NUM_COUNTERS64 {
            self.sel_low[j].clock.next = self.clock.val();
            self.sel_low[j].d.next = self.sel_low[j].q.val();
            self.sel_high[j].clock.next = self.clock.val();
            self.sel_high[j].d.next = self.sel_high[j].q.val();
        }
        for j in 0..NUM_COUNTERS64 {
            self.high_snapshot[j].clock.next = self.clock.val();
            self.high_snapshot[j].d.next = self.high_snapshot[j].q.val();
        }
        for i in 0..NUM_PLAIN {
            self.store[i].clock.next = self.clock.val();
            self.store[i].d.next = self.store[i].q.val();
            self.value[i].next = (self.store[i].q.val() ^ self.p_reset[i].val()) | self.p_fixed[i].val();
        }

        // write: hold AW and W apart until both are in and no response waits
        self.s_axil.awready.next = !self.aw_full.q.val() && !self.b_valid.q.val();
        self.s_axil.wready.next = !self.w_full.q.val() && !self.b_valid.q.val();
        if self.s_axil.awvalid.val() && !self.aw_full.q.val() && !self.b_valid.q.val() {
            self.aw_full.d.next = true;
            self.aw_addr.d.next = self.s_axil.awaddr.val();
        }
        if self.s_axil.wvalid.val() && !self.w_full.q.val() && !self.b_valid.q.val() {
            self.w_full.d.next = true;
            self.w_data.d.next = self.s_axil.wdata.val();
            self.w_strb.d.next = self.s_axil.wstrb.val();
        }
        self.strb_mask.next = 0.into();
        for k in 0..4 {
            if self.w_strb.q.val().get_bit(k) {
                self.strb_mask.next = self.strb_mask.val() | self.lane[k].val();
            }
        }
        self.do_write.next = self.aw_full.q.val() && self.w_full.q.val() && !self.b_valid.q.val();
        self.wr_hit.next = false;
        for i in 0..NUM_PLAIN {
            if ((self.aw_addr.q.val() & self.word_mask.val()) == self.p_addr[i].val()) && self.p_rw[i].val() {
                self.wr_hit.next = true;
                if self.do_write.val() {
                    self.store[i].d.next = self.store[i].q.val()
                        ^ ((self.store[i].q.val() ^ self.w_data.q.val() ^ self.p_reset[i].val())
                            & self.strb_mask.val()
                            & self.p_wmask[i].val());
                }
            }
        }
        if self.do_write.val() {
            self.aw_full.d.next = false;
            self.w_full.d.next = false;
            self.b_valid.d.next = true;
            self.b_resp.d.next = self.slverr.val();
            if self.wr_hit.val() {
                self.b_resp.d.next = self.okay.val();
            }
        }
        if self.b_valid.q.val() && self.s_axil.bready.val() {
            self.b_valid.d.next = false;
        }

        // read: decode at the AR handshake, take the value at the next edge, hold until rready
        self.s_axil.arready.next = !self.ar_full.q.val() && !self.r_valid.q.val();
        self.ar_take.next = self.s_axil.arvalid.val() && !self.ar_full.q.val() && !self.r_valid.q.val();
        if self.ar_take.val() {
            self.ar_full.d.next = true;
            for i in 0..NUM_PLAIN {
                self.sel_plain[i].d.next = (self.s_axil.araddr.val() & self.word_mask.val()) == self.p_addr[i].val();
            }
            for j in 0..NUM_COUNTERS {
                self.sel_counter[j].d.next = (self.s_axil.araddr.val() & self.word_mask.val()) == self.c_addr[j].val();
            }
            for j in 0..NUM_COUNTERS64 {
                self.sel_low[j].d.next = (self.s_axil.araddr.val() & self.word_mask.val()) == self.c64_addr_low[j].val();
                self.sel_high[j].d.next = (self.s_axil.araddr.val() & self.word_mask.val()) == self.c64_addr_high[j].val();
            }
        }
        // at most one select is set: the value is an OR of the selected registers
        self.rd_hit.next = false;
        self.rd_val.next = 0.into();
        for i in 0..NUM_PLAIN {
            if self.sel_plain[i].q.val() {
                self.rd_hit.next = true;
                self.rd_val.next = self.rd_val.val() | self.value[i].val();
            }
        }
        for j in 0..NUM_COUNTERS {
            if self.sel_counter[j].q.val() {
                self.rd_hit.next = true;
                self.rd_val.next = self.rd_val.val() | self.counters[j].val();
            }
        }
        for j in 0..NUM_COUNTERS64 {
            if self.sel_low[j].q.val() {
                self.rd_hit.next = true;
                self.rd_val.next = self.rd_val.val() | self.counters64[j].val().get_bits::<32>(0);
                if self.ar_full.q.val() {
                    self.high_snapshot[j].d.next = self.counters64[j].val().get_bits::<32>(32);
                }
            }
            if self.sel_high[j].q.val() {
                self.rd_hit.next = true;
                self.rd_val.next = self.rd_val.val() | self.high_snapshot[j].q.val();
            }
        }
        if self.ar_full.q.val() {
            self.ar_full.d.next = false;
            self.r_valid.d.next = true;
            self.r_data.d.next = self.rd_val.val();
            self.r_resp.d.next = self.slverr.val();
            if self.rd_hit.val() {
                self.r_resp.d.next = self.okay.val();
            }
        }
        if self.r_valid.q.val() && self.s_axil.rready.val() {
            self.r_valid.d.next = false;
        }

        if self.rst.val() {
            self.aw_full.d.next = false;
            self.w_full.d.next = false;
            self.b_valid.d.next = false;
            self.r_valid.d.next = false;
            self.ar_full.d.next = false;
            for i in 0..NUM_PLAIN {
                self.store[i].d.next = 0.into();
            }
            for j in 0..NUM_COUNTERS64 {
                self.high_snapshot[j].d.next = 0.into();
            }
        }

        self.s_axil.bvalid.next = self.b_valid.q.val();
        self.s_axil.bresp.next = self.b_resp.q.val();
        self.s_axil.rvalid.next = self.r_valid.q.val();
        self.s_axil.rdata.next = self.r_data.q.val();
        self.s_axil.rresp.next = self.r_resp.q.val();
        // the one-trip loops bind the table's indices to loop variables for the HDL
        for p in P_RCO_TX..(P_RCO_TX + 1) {
            self.cfg_rco_tx.next = self.value[p].val().get_bit(0);
        }
        for p in P_RCO_RX..(P_RCO_RX + 1) {
            self.cfg_rco_rx.next = self.value[p].val().get_bit(0);
        }
        for p in P_NOPARTIAL..(P_NOPARTIAL + 1) {
            self.cfg_nopartial.next = self.value[p].val().get_bit(0);
        }
        for p in P_VXLAN_PORT..(P_VXLAN_PORT + 1) {
            self.cfg_vxlan_port.next = self.value[p].val().get_bits::<16>(0);
        }
        for p in P_UDP6_ZERO..(P_UDP6_ZERO + 1) {
            self.cfg_udp6_zero_csum_rx.next = self.value[p].val().get_bit(0);
        }
        for p in P_RX_BACKPRESSURE..(P_RX_BACKPRESSURE + 1) {
            self.cfg_rx_backpressure.next = self.value[p].val().get_bit(0);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rx::*;
    use crate::rx::remcsum::tests::Rng;
    use std::collections::BTreeMap;

    /// The register map as this test expects it, written out apart from [`REGS`]:
    /// (offset, name, width, reset) of every configuration register.
    const SPEC_CFG: [(u32, &str, u32, u32); 6] = [
        (0x04, "rco_tx", 1, 0),
        (0x08, "rco_rx", 1, 0),
        (0x0C, "nopartial", 1, 0),
        (0x10, "vxlan_port", 16, 4789),
        (0x14, "udp6_zero_csum_rx", 1, 0),
        (0x18, "rx_backpressure", 1, 0),
    ];
    /// 'R' 'C' 'O', version 2
    const SPEC_ID: u32 = 0x5243_4F02;

    /// 32-bit counter offsets in input order: RX reason `r` at 0x40 + 4r, then TX drops.
    fn spec_counter_offsets() -> Vec<u32> {
        let mut v: Vec<u32> = (0..NUM_DROP_REASONS as u32).map(|r| 0x40 + 4 * r).collect();
        v.extend([0x80, 0x84, 0x88, 0x8C]);
        v
    }

    /// 64-bit counter (low word) offsets in input order: frames and bytes of TX in, TX out,
    /// RX in, RX out.
    fn spec_counter64_offsets() -> Vec<u32> {
        (0..8).map(|j| 0xA0 + 8 * j).collect()
    }

    /// What a read of `addr` must answer: (rresp, rdata), from the spec and the state kept here.
    struct Model {
        cfg: BTreeMap<u32, (u32, u32)>,
        counters: Vec<u32>,
        counters64: Vec<u64>,
        /// high halves captured by the last read of each low word
        snapshot: Vec<u32>,
    }

    impl Model {
        fn new() -> Self {
            let cfg = SPEC_CFG.iter().map(|&(o, _, w, r)| (o, (r, w))).collect();
            let n64 = spec_counter64_offsets().len();
            Model { cfg, counters: vec![0; spec_counter_offsets().len()], counters64: vec![0; n64], snapshot: vec![0; n64] }
        }
        /// A read at its AR handshake (a low word of a 64-bit counter takes a snapshot).
        fn read(&mut self, addr: u32) -> (u64, u32) {
            let word = addr & !3;
            if word == 0 {
                return (RESP_OKAY, SPEC_ID);
            }
            if let Some(&(v, _)) = self.cfg.get(&word) {
                return (RESP_OKAY, v);
            }
            if let Some(j) = spec_counter_offsets().iter().position(|&o| o == word) {
                return (RESP_OKAY, self.counters[j]);
            }
            if let Some(j) = spec_counter64_offsets().iter().position(|&o| o == word) {
                self.snapshot[j] = (self.counters64[j] >> 32) as u32;
                return (RESP_OKAY, self.counters64[j] as u32);
            }
            if let Some(j) = spec_counter64_offsets().iter().position(|&o| o + 4 == word) {
                return (RESP_OKAY, self.snapshot[j]);
            }
            (RESP_SLVERR, 0)
        }
        fn write_resp(&self, addr: u32) -> u64 {
            if self.cfg.contains_key(&(addr & !3)) {
                RESP_OKAY
            } else {
                RESP_SLVERR
            }
        }
        /// byte by byte, then cut to the register's width
        fn write(&mut self, addr: u32, data: u32, strb: u32) {
            if let Some((v, w)) = self.cfg.get_mut(&(addr & !3)) {
                let mut bytes = v.to_le_bytes();
                for (b, byte) in bytes.iter_mut().enumerate() {
                    if strb >> b & 1 == 1 {
                        *byte = data.to_le_bytes()[b];
                    }
                }
                *v = u32::from_le_bytes(bytes) & (((1u64 << *w) - 1) as u32);
            }
        }
        fn cfg(&self, name: &str) -> u32 {
            let o = SPEC_CFG.iter().find(|s| s.1 == name).unwrap().0;
            self.cfg[&o].0
        }
    }

    fn check_cfg_outputs(u: &AxilRegs8, m: &Model, cyc: usize) {
        let got = [
            u.cfg_rco_tx.val() as u32,
            u.cfg_rco_rx.val() as u32,
            u.cfg_nopartial.val() as u32,
            u.cfg_vxlan_port.val().to_u64() as u32,
            u.cfg_udp6_zero_csum_rx.val() as u32,
            u.cfg_rx_backpressure.val() as u32,
        ];
        let want = SPEC_CFG.map(|s| m.cfg(s.1));
        assert_eq!(got, want, "cfg outputs at cycle {cyc}");
    }

    struct Wr {
        addr: u32,
        data: u32,
        strb: u32,
        aw_wait: u64,
        w_wait: u64,
        aw_done: Option<usize>,
        w_done: Option<usize>,
        done_seen: bool,
        start: usize,
    }

    struct Rd {
        addr: u32,
        wait: u64,
        /// the AR handshake is done; the register is sampled at the next edge
        accepted: bool,
        want: Option<(u64, u32)>,
        start: usize,
    }

    #[derive(Default, Debug)]
    struct Seen {
        aw_first: usize,
        w_first: usize,
        same_cycle: usize,
        wr_ok: usize,
        wr_err: usize,
        rd_ok: usize,
        rd_err: usize,
        b_stalls: usize,
        r_stalls: usize,
    }

    fn random_addr(rng: &mut Rng) -> u32 {
        let word = match rng.next() % 10 {
            0..=4 => SPEC_CFG[(rng.next() % 6) as usize].0,
            5 => 0,
            6 => {
                let c = spec_counter_offsets();
                c[(rng.next() % c.len() as u64) as usize]
            }
            7 => {
                let c = spec_counter64_offsets();
                c[(rng.next() % c.len() as u64) as usize] + 4 * (rng.next() % 2) as u32
            }
            // anywhere, mostly unmapped
            _ => (rng.next() % 64) as u32 * 4,
        };
        if rng.below(100) < 25 {
            word | (rng.next() % 4) as u32
        } else {
            word
        }
    }

    /// A small AXI4-Lite master: random AW/W order and gaps, random bready/rready stalls,
    /// every response checked against [`Model`]. Issues for `cycles` clocks, then lets what is in
    /// flight finish.
    fn run_master(u: &mut AxilRegs8, rng: &mut Rng, m: &mut Model, cycles: usize, p_issue: u64, p_b: u64, p_r: u64, seen: &mut Seen) {
        let mut wr: Option<Wr> = None;
        let mut rd: Option<Rd> = None;
        for cyc in 0.. {
            let issue = cyc < cycles;
            if !issue && wr.is_none() && rd.is_none() {
                break;
            }
            if issue && wr.is_none() && rng.below(100) < p_issue {
                let w = Wr {
                    addr: random_addr(rng),
                    data: rng.next() as u32,
                    strb: (rng.next() % 16) as u32,
                    aw_wait: rng.next() % 4,
                    w_wait: rng.next() % 4,
                    aw_done: None,
                    w_done: None,
                    done_seen: false,
                    start: cyc,
                };
                wr = Some(w);
            }
            if issue && rd.is_none() && rng.below(100) < p_issue {
                rd = Some(Rd { addr: random_addr(rng), wait: rng.next() % 3, accepted: false, want: None, start: cyc });
            }
            if rng.below(100) < 10 {
                let j = (rng.next() % m.counters.len() as u64) as usize;
                m.counters[j] = rng.next() as u32;
                u.counters[j].next = (m.counters[j] as u64).into();
            }
            if rng.below(100) < 10 {
                let j = (rng.next() % m.counters64.len() as u64) as usize;
                // now and then a carry into the high half
                m.counters64[j] = if rng.below(2) == 0 { rng.next() } else { m.counters64[j] | 0xFFFF_FFFF };
                u.counters64[j].next = m.counters64[j].into();
            }
            // drive; address and data lines carry noise while their valid is low
            let (mut awv, mut wv, mut arv) = (false, false, false);
            u.s_axil.awaddr.next = (rng.next() & 0xFF).into();
            u.s_axil.wdata.next = (rng.next() & 0xFFFF_FFFF).into();
            u.s_axil.wstrb.next = (rng.next() & 0xF).into();
            u.s_axil.araddr.next = (rng.next() & 0xFF).into();
            if let Some(w) = wr.as_mut() {
                assert!(cyc - w.start < 300, "write to {:#x} stuck at cycle {cyc}", w.addr);
                if w.aw_done.is_none() {
                    if w.aw_wait == 0 {
                        awv = true;
                        u.s_axil.awaddr.next = (w.addr as u64).into();
                    } else {
                        w.aw_wait -= 1;
                    }
                }
                if w.w_done.is_none() {
                    if w.w_wait == 0 {
                        wv = true;
                        u.s_axil.wdata.next = (w.data as u64).into();
                        u.s_axil.wstrb.next = (w.strb as u64).into();
                    } else {
                        w.w_wait -= 1;
                    }
                }
            }
            if let Some(r) = rd.as_mut() {
                assert!(cyc - r.start < 300, "read of {:#x} stuck at cycle {cyc}", r.addr);
                if !r.accepted {
                    if r.wait == 0 {
                        arv = true;
                        u.s_axil.araddr.next = (r.addr as u64).into();
                    } else {
                        r.wait -= 1;
                    }
                }
            }
            let bready = rng.below(100) < p_b;
            let rready = rng.below(100) < p_r;
            u.s_axil.awvalid.next = awv;
            u.s_axil.wvalid.next = wv;
            u.s_axil.arvalid.next = arv;
            u.s_axil.bready.next = bready;
            u.s_axil.rready.next = rready;
            u.clock.next = false.into();
            assert!(simulate(u, 50));

            // handshakes at this edge
            let mut wr_finished = false;
            if let Some(w) = wr.as_mut() {
                if awv && u.s_axil.awready.val() {
                    w.aw_done = Some(cyc);
                }
                if wv && u.s_axil.wready.val() {
                    w.w_done = Some(cyc);
                }
                if u.s_axil.bvalid.val() {
                    assert!(w.done_seen, "bvalid before the write at cycle {cyc}");
                    if bready {
                        let want = m.write_resp(w.addr);
                        assert_eq!(u.s_axil.bresp.val().to_u64(), want, "bresp for {:#x} at cycle {cyc}", w.addr);
                        if want == RESP_OKAY {
                            seen.wr_ok += 1;
                        } else {
                            seen.wr_err += 1;
                        }
                        wr_finished = true;
                    } else {
                        seen.b_stalls += 1;
                    }
                }
            } else {
                assert!(!u.s_axil.bvalid.val(), "bvalid with no write at cycle {cyc}");
            }
            let mut rd_finished = false;
            if let Some(r) = rd.as_mut() {
                if r.accepted && r.want.is_none() {
                    // sampled at this edge, the one after the handshake: the state after any
                    // write done at the handshake's edge, before any done at this one
                    r.want = Some(m.read(r.addr));
                }
                if u.s_axil.rvalid.val() {
                    let want = r.want.expect("rvalid before the AR handshake");
                    if rready {
                        assert_eq!((u.s_axil.rresp.val().to_u64(), u.s_axil.rdata.val().to_u64() as u32), want, "read of {:#x} at cycle {cyc}", r.addr);
                        if want.0 == RESP_OKAY {
                            seen.rd_ok += 1;
                        } else {
                            seen.rd_err += 1;
                        }
                        rd_finished = true;
                    } else {
                        seen.r_stalls += 1;
                    }
                }
                if arv && u.s_axil.arready.val() {
                    r.accepted = true;
                }
            } else {
                assert!(!u.s_axil.rvalid.val(), "rvalid with no read at cycle {cyc}");
            }

            u.clock.next = true.into();
            assert!(simulate(u, 50));

            if let Some(w) = wr.as_mut() {
                if u.s_axil.bvalid.val() && !w.done_seen {
                    // the write took effect at this edge
                    let (a, b) = (w.aw_done.expect("B before AW"), w.w_done.expect("B before W"));
                    match a.cmp(&b) {
                        std::cmp::Ordering::Less => seen.aw_first += 1,
                        std::cmp::Ordering::Greater => seen.w_first += 1,
                        std::cmp::Ordering::Equal => seen.same_cycle += 1,
                    }
                    w.done_seen = true;
                    m.write(w.addr, w.data, w.strb);
                }
            }
            if wr_finished {
                wr = None;
            }
            if rd_finished {
                rd = None;
            }
            check_cfg_outputs(u, m, cyc);
        }
    }

    fn new_uut() -> AxilRegs8 {
        let mut u = AxilRegs8::default();
        u.connect_all();
        u.clock.next = false.into();
        assert!(simulate(&mut u, 50));
        u
    }

    /// Read `addr` with no stalls; (rresp, rdata).
    fn read(u: &mut AxilRegs8, addr: u32) -> (u64, u32) {
        u.s_axil.araddr.next = (addr as u64).into();
        u.s_axil.arvalid.next = true;
        u.s_axil.rready.next = true;
        for _ in 0..10 {
            u.clock.next = false.into();
            assert!(simulate(u, 50));
            let hs = u.s_axil.arvalid.val() && u.s_axil.arready.val();
            u.clock.next = true.into();
            assert!(simulate(u, 50));
            if hs {
                u.s_axil.arvalid.next = false;
            }
            if u.s_axil.rvalid.val() {
                let got = (u.s_axil.rresp.val().to_u64(), u.s_axil.rdata.val().to_u64() as u32);
                u.clock.next = false.into();
                assert!(simulate(u, 50));
                u.clock.next = true.into();
                assert!(simulate(u, 50));
                u.s_axil.rready.next = false;
                return got;
            }
        }
        panic!("no read response");
    }

    #[test]
    fn table_is_the_spec() {
        assert_eq!(ID_VALUE, SPEC_ID);
        let cfg: Vec<(u32, &str, u32, u32)> = REGS
            .iter()
            .filter_map(|r| match r.kind {
                Kind::Config { width, reset } => Some((r.offset, r.name, width, reset)),
                _ => None,
            })
            .collect();
        assert_eq!(cfg, SPEC_CFG.to_vec());
        let counters: Vec<u32> = REGS.iter().filter(|r| r.kind == Kind::Counter).map(|r| r.offset).collect();
        assert_eq!(counters, spec_counter_offsets());
        let counters64: Vec<u32> = REGS.iter().filter(|r| r.kind == Kind::Counter64).map(|r| r.offset).collect();
        assert_eq!(counters64, spec_counter64_offsets());
        // RX drop counters by code, named as the codes of crate::rx
        let names = [
            (DROP_TOO_LONG, "too_long"),
            (DROP_TRUNCATED, "truncated"),
            (DROP_NOT_VXLAN, "not_vxlan"),
            (DROP_IP_HEADER, "ip_header"),
            (DROP_IP_CSUM, "ip_csum"),
            (DROP_IP_FRAGMENT, "ip_fragment"),
            (DROP_UDP_LENGTH, "udp_length"),
            (DROP_UDP_CSUM, "udp_csum"),
            (DROP_UDP_ZERO_CSUM6, "udp_zero_csum6"),
            (DROP_VXLAN_FLAGS, "vxlan_flags"),
            (DROP_RCO_NOT_ENABLED, "rco_not_enabled"),
            (DROP_RCO_PAST_END, "rco_past_end"),
            (DROP_BAD_KEEP, "bad_keep"),
            (DROP_OVERFLOW, "overflow"),
        ];
        assert_eq!(names.len(), NUM_DROP_REASONS);
        for (code, name) in names {
            let want = format!("rx_drop_{name}");
            assert_eq!(index_of(&want, Class::Counter), CNT_RX_DROP + code as usize, "{want}");
            assert_eq!(REGS.iter().find(|r| r.name == want).unwrap().offset, 0x40 + 4 * code as u32);
        }
        assert_eq!([CNT_TX_DROP_TRUNCATED, CNT_TX_DROP_TOO_LONG, CNT_TX_DROP_BAD_DESC, CNT_TX_DROP_BAD_KEEP], [14, 15, 16, 17]);
        assert_eq!([CNT64_TX_IN, CNT64_TX_OUT, CNT64_RX_IN, CNT64_RX_OUT], [0, 2, 4, 6]);
        let mut words: Vec<u32> = REGS.iter().flat_map(|r| (r.offset..r.offset + r.size()).step_by(4)).collect();
        words.sort();
        words.dedup();
        assert_eq!(words.len(), REGS.iter().map(|r| r.size() as usize / 4).sum::<usize>(), "two registers at one word");
    }

    /// Power-up values: reset values of the spec, every counter input readable.
    #[test]
    fn reads_reset_values_and_counters() {
        let mut u = new_uut();
        let mut m = Model::new();
        check_cfg_outputs(&u, &m, 0);
        assert_eq!(read(&mut u, 0x00), (RESP_OKAY, 0x5243_4F02));
        assert_eq!(read(&mut u, 0x10), (RESP_OKAY, 4789));
        for (j, o) in spec_counter_offsets().into_iter().enumerate() {
            let v = 0x9E37_79B9u32.wrapping_mul(j as u32 + 1);
            u.counters[j].next = (v as u64).into();
            m.counters[j] = v;
            assert_eq!(read(&mut u, o), (RESP_OKAY, v), "counter {j} at {o:#x}");
        }
        for (j, o) in spec_counter64_offsets().into_iter().enumerate() {
            let v = 0x9E37_79B9_7F4A_7C15u64.wrapping_mul(j as u64 + 1);
            u.counters64[j].next = v.into();
            m.counters64[j] = v;
            assert_eq!(read(&mut u, o), (RESP_OKAY, v as u32), "counter64 {j} low at {o:#x}");
            assert_eq!(read(&mut u, o + 4), (RESP_OKAY, (v >> 32) as u32), "counter64 {j} high at {:#x}", o + 4);
        }
        for a in (0..0x100).step_by(4) {
            assert_eq!(read(&mut u, a), m.read(a), "read {a:#x}");
        }
    }

    /// The high word of a 64-bit counter is the one captured with its low word, even when
    /// the counter carries into the high half between the two reads.
    #[test]
    fn counter64_halves_come_from_one_snapshot() {
        let mut u = new_uut();
        let o = spec_counter64_offsets()[3];
        u.counters64[3].next = 0x0000_0001_FFFF_FFFFu64.into();
        assert_eq!(read(&mut u, o), (RESP_OKAY, 0xFFFF_FFFF));
        u.counters64[3].next = 0x0000_0002_0000_0000u64.into();
        assert_eq!(read(&mut u, o + 4), (RESP_OKAY, 1), "high word not from the low word's snapshot");
        assert_eq!(read(&mut u, o), (RESP_OKAY, 0));
        assert_eq!(read(&mut u, o + 4), (RESP_OKAY, 2));
    }

    /// Random AW/W orders, gaps and response stalls; every response and every cfg output
    /// against the model, at several back-pressure levels.
    #[test]
    fn random_traffic_against_model() {
        let mut u = new_uut();
        let mut m = Model::new();
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        let mut seen = Seen::default();
        for (p_issue, p_b, p_r) in [(100, 100, 100), (60, 50, 50), (80, 10, 90), (80, 90, 10), (50, 5, 5), (30, 100, 100)] {
            run_master(&mut u, &mut rng, &mut m, 3000, p_issue, p_b, p_r, &mut seen);
        }
        println!("{seen:?}");
        for (what, n) in [
            ("AW first", seen.aw_first),
            ("W first", seen.w_first),
            ("AW and W together", seen.same_cycle),
            ("OKAY writes", seen.wr_ok),
            ("SLVERR writes", seen.wr_err),
            ("OKAY reads", seen.rd_ok),
            ("SLVERR reads", seen.rd_err),
            ("B stalls", seen.b_stalls),
            ("R stalls", seen.r_stalls),
        ] {
            assert!(n >= 20, "too few {what}: {seen:?}");
        }
        // the final state, register by register
        for a in (0..0x100).step_by(4) {
            assert_eq!(read(&mut u, a), m.read(a), "final read {a:#x}");
        }
    }

    /// `rst` brings back the reset values.
    #[test]
    fn rst_restores_reset_values() {
        let mut u = new_uut();
        let mut m = Model::new();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        let mut seen = Seen::default();
        run_master(&mut u, &mut rng, &mut m, 2000, 100, 100, 100, &mut seen);
        assert!(SPEC_CFG.iter().any(|s| m.cfg(s.1) != s.3), "nothing changed before the reset");
        for v in [true, false] {
            u.rst.next = v;
            u.clock.next = false.into();
            assert!(simulate(&mut u, 50));
            u.clock.next = true.into();
            assert!(simulate(&mut u, 50));
        }
        let fresh = Model::new();
        check_cfg_outputs(&u, &fresh, 0);
        for (o, _, _, r) in SPEC_CFG {
            assert_eq!(read(&mut u, o), (RESP_OKAY, r));
        }
    }

    /// README's "Register map" table is `markdown_table()`, so the two cannot drift.
    #[test]
    fn readme_table_is_generated() {
        let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
        let section = readme.split("\n## Register map").nth(1).expect("README has a Register map section");
        let table: String = section
            .lines()
            .skip_while(|l| !l.starts_with('|'))
            .take_while(|l| l.starts_with('|'))
            .map(|l| format!("{l}\n"))
            .collect();
        assert_eq!(table, markdown_table(), "README's register map differs: run `rco-nic regmap`");
    }
}
