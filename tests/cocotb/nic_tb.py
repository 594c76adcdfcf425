"""cocotb testbench for the exported NIC top `rco_nic` (rco_nic.v and its core, rco-nic export).

Run by test_rco_nic.py (pytest, cocotb_tools.runner). Environment:
  RCO_NIC_BIN   the rco-nic binary (for `rco-nic regmap`)
  RCO_NIC_ROOT  the repository (for golden/vectors/kernel/*.pcap)
  MUTATE=1      expect one checksum wrong: the test must then fail (see frames.mutate_once)

The NIC is configured and its counters read through `Nic` below: over AXI4-Lite
(`s_axil_*`, offsets from `rco-nic regmap`) when the top has that port, else (the export
before the register block was wired in) through the `cfg_*` inputs and counter outputs.
"""

from __future__ import annotations

import os
import random
import struct

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge, ReadOnly

from cocotbext.axi import (AxiLiteBus, AxiLiteMaster, AxiResp, AxiStreamBus, AxiStreamFrame,
                           AxiStreamSink, AxiStreamSource)

import frames as F
import regmap

ROOT = os.environ.get("RCO_NIC_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("RCO_NIC_BIN", os.path.join(ROOT, "target", "release", "rco-nic"))

# RX drop reasons in code order (README "RX drop reasons"; the counter ports
# rx_drop_count_<code> and the rx_drop_<reason> registers)
REASONS = ["too_long", "truncated", "not_vxlan", "ip_header", "ip_csum", "ip_fragment",
           "udp_length", "udp_csum", "udp_zero_csum6", "vxlan_flags", "rco_not_enabled",
           "rco_past_end", "bad_keep", "overflow"]
CONFIG = ["rco_tx", "rco_rx", "nopartial", "vxlan_port", "udp6_zero_csum_rx", "rx_backpressure"]
CLK_NS = 6.4
MAX_CYCLES = 400_000


def pause_gen(rng: random.Random, p: float):
    while True:
        yield rng.random() < p


def val(sig) -> int:
    return int(sig.value)


def clean(sig) -> bool:
    return all(c in "01" for c in str(sig.value))


class Nic:
    """Clock, reset, streams and the configuration/counter adapter around the DUT."""

    def __init__(self, dut, seed: int):
        self.dut = dut
        self.rng = random.Random(seed)
        self.axil = hasattr(dut, "s_axil_awaddr")
        self.regs = regmap.load(BIN)
        self.has_rst = hasattr(dut, "rst")
        rst = dut.rst if self.has_rst else None
        cocotb.start_soon(Clock(dut.clk, CLK_NS, unit="ns").start())
        self.rx_src = AxiStreamSource(AxiStreamBus.from_prefix(dut, "rx_s_axis"), dut.clk, rst)
        self.rx_sink = AxiStreamSink(AxiStreamBus.from_prefix(dut, "rx_m_axis"), dut.clk, rst)
        self.tx_src = AxiStreamSource(AxiStreamBus.from_prefix(dut, "tx_s_axis"), dut.clk, rst)
        self.tx_sink = AxiStreamSink(AxiStreamBus.from_prefix(dut, "tx_m_axis"), dut.clk, rst)
        for s in (self.rx_src, self.tx_src, self.rx_sink, self.tx_sink):
            s.log.setLevel("WARNING")
        if self.axil:
            self.master = AxiLiteMaster(AxiLiteBus.from_prefix(dut, "s_axil"), dut.clk, rst)
            self.master.write_if.log.setLevel("WARNING")
            self.master.read_if.log.setLevel("WARNING")
        self.meta: list[dict] = []
        self.drops: list[int] = []
        self.desc_q: list[F.TxDesc] = []
        self.descs_sent = 0
        self.stale_descs = 0
        self.cycle = 0
        self.x_errors: list[str] = []
        self.rx_out_bytes: list[int] = []
        self.rx_in_bytes: list[int] = []
        self.x_null_lanes: dict[str, int] = {}

    def traffic_shape(self, idle: float, backpressure: float):
        """Random idles on both sources and random back-pressure on both sinks."""
        for s in (self.rx_src, self.tx_src):
            s.set_pause_generator(pause_gen(self.rng, idle) if idle else None)
        for s in (self.rx_sink, self.tx_sink):
            s.set_pause_generator(pause_gen(self.rng, backpressure) if backpressure else None)

    async def start(self):
        d = self.dut
        d.tx_desc_valid.value = 0
        for k, v in F.TxDesc().port_values().items():
            getattr(d, "tx_desc_" + k).value = v
        if self.has_rst:
            d.rst.value = 1
        if not self.axil:
            # power-up values of the register block, as the cfg_* inputs
            for name in CONFIG:
                getattr(d, "cfg_" + name).value = int(self.regs[name].reset, 0)
        if self.axil:
            for s in ("awvalid", "wvalid", "arvalid"):
                getattr(d, "s_axil_" + s).value = 0
        await ClockCycles(d.clk, 8)
        if self.has_rst:
            d.rst.value = 0
        await ClockCycles(d.clk, 8)
        cocotb.start_soon(self._monitor())
        cocotb.start_soon(self._desc_driver())

    async def _monitor(self):
        """Metadata of every delivered frame (valid with its tlast beat) and drop events; no
        X/Z on a valid, ready, tlast, tkeep or kept tdata lane of the output streams. (The
        null lanes of a last beat may be X, e.g. from ring memory never written: legal
        AXI4-Stream, so COCOTB_RESOLVE_X=ZEROS lets cocotbext-axi read them and this monitor
        is where X is checked.)"""
        d = self.dut
        always = [d.rx_m_axis_tvalid, d.tx_m_axis_tvalid, d.rx_s_axis_tready, d.tx_s_axis_tready,
                  d.tx_desc_ready, d.rx_drop_valid]
        while True:
            await RisingEdge(d.clk)
            self.cycle += 1
            for s in always:
                if not clean(s):
                    self.x_errors.append(f"cycle {self.cycle}: {s._path} = {s.value}")
            for bus in ("rx_m_axis", "tx_m_axis"):
                if val(getattr(d, bus + "_tvalid")):
                    self._check_beat_x(bus)
            if val(d.rx_m_axis_tvalid) and val(d.rx_m_axis_tready) and val(d.rx_m_axis_tlast):
                self.meta.append(dict(vni=val(d.rx_vni), rco=val(d.rx_rco), rco_applied=val(d.rx_rco_applied),
                                      csum_start=val(d.rx_csum_start), csum_offset=val(d.rx_csum_offset),
                                      csum_complete=val(d.rx_csum_complete), outer_csum_ok=val(d.rx_outer_csum_ok)))
            if val(d.rx_drop_valid):
                self.drops.append(val(d.rx_drop_reason))

    def _check_beat_x(self, bus: str):
        d = self.dut
        keep_s, last_s = getattr(d, bus + "_tkeep"), getattr(d, bus + "_tlast")
        if not clean(keep_s) or not clean(last_s):
            self.x_errors.append(f"cycle {self.cycle}: {bus} tkeep/tlast {keep_s.value}/{last_s.value}")
            return
        keep, data = int(keep_s.value), str(getattr(d, bus + "_tdata").value)
        n = len(data)
        for lane in range(n // 8):
            if keep >> lane & 1 and not all(c in "01" for c in data[n - 8 * (lane + 1):n - 8 * lane]):
                self.x_errors.append(f"cycle {self.cycle}: {bus} kept lane {lane} is {data}")
            elif not keep >> lane & 1 and not all(c in "01" for c in data[n - 8 * (lane + 1):n - 8 * lane]):
                self.x_null_lanes[bus] = self.x_null_lanes.get(bus, 0) + 1

    def in_rst(self) -> bool:
        return self.has_rst and val(self.dut.rst) == 1

    async def _desc_driver(self):
        """The TX descriptor port: a valid/ready bundle, one descriptor per frame, with idles."""
        d = self.dut
        while True:
            # nothing is taken from the queue in reset (the test clears it as rst falls), and a
            # descriptor whose idles run into a reset is discarded with the traffic it belongs
            # to: offered after it, it would pair with a frame sent after the reset
            if not self.desc_q or self.in_rst():
                await RisingEdge(d.clk)
                continue
            desc = self.desc_q.pop(0)
            stale = False
            while self.rng.random() < 0.3:
                await RisingEdge(d.clk)
                stale = stale or self.in_rst()
            if stale:
                self.stale_descs += 1
                continue
            for k, v in desc.port_values().items():
                getattr(d, "tx_desc_" + k).value = v
            d.tx_desc_valid.value = 1
            while True:
                await RisingEdge(d.clk)
                if self.in_rst():
                    self.stale_descs += 1
                    break  # a reset drops the descriptor being offered
                if val(d.tx_desc_ready):
                    self.descs_sent += 1
                    break
            d.tx_desc_valid.value = 0

    # -- configuration and counters ------------------------------------------------------

    async def configure(self, **cfg):
        for name, v in cfg.items():
            if self.axil:
                r = self.regs[name]
                resp = await self.master.write(r.offset, struct.pack("<I", v))
                assert resp.resp == AxiResp.OKAY, f"write {name}: {resp.resp}"
                rd = await self.master.read(r.offset, 4)
                assert rd.resp == AxiResp.OKAY and int.from_bytes(rd.data, "little") == v, f"read back {name}: {rd}"
            else:
                getattr(self.dut, "cfg_" + name).value = v
        await ClockCycles(self.dut.clk, 4)

    async def counter(self, name: str) -> int:
        if self.axil:
            r = self.regs[name]
            v = 0
            for i, off in enumerate(r.words):  # low word first: it snapshots the high word
                rd = await self.master.read(off, 4)
                assert rd.resp == AxiResp.OKAY, f"read {name}: {rd.resp}"
                v |= int.from_bytes(rd.data, "little") << (32 * i)
            return v
        if name.startswith("rx_drop_"):
            return val(getattr(self.dut, f"rx_drop_count_{REASONS.index(name[8:])}"))
        return val(getattr(self.dut, name))

    async def rx_drop_counters(self) -> dict[str, int]:
        return {r: await self.counter("rx_drop_" + r) for r in REASONS}

    # -- traffic -----------------------------------------------------------------------

    async def wait_for(self, cond, what: str):
        start = self.cycle
        while not cond():
            await RisingEdge(self.dut.clk)
            assert self.cycle - start < MAX_CYCLES, f"timeout waiting for {what}"

    async def rx_run(self, outer: list[bytes], expect_delivered: int) -> list[tuple[bytes, dict]]:
        """Send outer frames into RX; returns the delivered (inner frame, metadata) pairs once
        every frame is delivered or dropped."""
        m0, d0 = len(self.meta), len(self.drops)
        self.rx_in_bytes += [len(f) for f in outer]
        for f in outer:
            await self.rx_src.send(AxiStreamFrame(f, tuser=0))
        await self.wait_for(lambda: len(self.meta) - m0 + len(self.drops) - d0 >= len(outer), "RX results")
        await ClockCycles(self.dut.clk, 20)
        got = []
        while not self.rx_sink.empty():
            got.append(bytes(self.rx_sink.recv_nowait().tdata))
        self.rx_out_bytes += [len(f) for f in got]
        assert len(got) == len(self.meta) - m0 == expect_delivered, \
            f"delivered {len(got)} frames ({len(self.meta) - m0} tlast), expected {expect_delivered}; drops {self.drops[d0:]}"
        return list(zip(got, self.meta[m0:]))

    async def tx_run(self, cases: list[tuple[bytes, F.TxDesc]]) -> list[bytes]:
        n0 = self.descs_sent
        for f, desc in cases:
            self.desc_q.append(desc)
        for f, desc in cases:
            await self.tx_src.send(AxiStreamFrame(f, tuser=0))
        out = []
        start = self.cycle
        while len(out) < len(cases):
            if not self.tx_sink.empty():
                out.append(bytes(self.tx_sink.recv_nowait().tdata))
            else:
                await RisingEdge(self.dut.clk)
            assert self.cycle - start < MAX_CYCLES, f"TX: {len(out)} of {len(cases)} frames out"
        assert self.descs_sent - n0 == len(cases)
        return out


def check_delivered(pairs, errors: list[str], tag: str, nopartial: bool, originals: list[bytes] | None = None):
    """Every delivered inner frame: its TCP/UDP checksum (scapy), its CHECKSUM_COMPLETE
    metadata (own RFC 1071 sum), and with partial mode the start/offset metadata."""
    for i, (fr, m) in enumerate(pairs):
        t = f"{tag} frame {i}"
        cc = F.sum16(fr)
        if cc % 0xFFFF != m["csum_complete"] % 0xFFFF:
            errors.append(f"{t}: csum_complete {m['csum_complete']:#06x}, frame sums to {cc:#06x}")
        if m["rco"] and not nopartial:
            # CHECKSUM_PARTIAL: the field still holds P; start/offset say where to finish it
            if m["rco_applied"]:
                errors.append(f"{t}: rco_applied in partial mode")
            fr = F.complete_partial(fr, m["csum_start"], m["csum_offset"])
        elif m["rco"] and not m["rco_applied"]:
            errors.append(f"{t}: rco without rco_applied in nopartial mode")
        ok, why = F.l4_check(fr)
        if not ok:
            errors.append(f"{t}: {why}")
        if originals is not None and fr != originals[i]:
            errors.append(f"{t}: differs from the original inner frame")


def report(nic: Nic, errors: list[str], log):
    errors = errors + nic.x_errors
    if nic.x_null_lanes:
        log.info("X in null lanes of output beats (allowed): %s", nic.x_null_lanes)
    for e in errors[:40]:
        log.error(e)
    assert not errors, f"{len(errors)} check(s) failed, first: {errors[0]}"


@cocotb.test()
async def test_rx(dut):
    """RX: kernel captures and scapy-built VXLAN/RCO frames (IPv4/IPv6 outer, TCP/UDP inner,
    good and bad), random idles and back-pressure; nopartial, partial and rco_rx=0; every
    delivered inner checksum, the metadata, and the drop counters against what was sent."""
    seed = int(os.environ.get("TB_SEED", "1"))
    nic = Nic(dut, seed)
    rng = random.Random(seed + 1)
    await nic.start()
    await nic.configure(rx_backpressure=1)
    nic.traffic_shape(idle=0.2, backpressure=0.3)
    errors: list[str] = []
    sent_bad = {r: 0 for r in REASONS}
    c0 = await nic.rx_drop_counters()
    assert all(v == 0 for v in c0.values()), f"drop counters after reset: {c0}"
    t0 = await traffic_counters(nic)
    m_start = len(nic.meta)

    # 1. kernel captures, nopartial receiver: every VXLAN frame delivered, underlay ARP/ND
    #    (2 per file) dropped as not_vxlan; the A->B frames equal what Linux handed up.
    await nic.configure(rco_rx=1, nopartial=1)
    for fam in ("v4", "v6"):
        outer = F.kernel_pcap(ROOT, f"{fam}-outer.pcap")
        kin = F.kernel_pcap(ROOT, f"{fam}-inner.pcap")
        vx = [f for f in outer if F.find_l4(f) and F.find_l4(f).proto == F.PROTO_UDP
              and struct.unpack_from("!H", f, F.find_l4(f).l4_off + 2)[0] == F.VXLAN_PORT]
        sent_bad["not_vxlan"] += len(outer) - len(vx)
        pairs = await nic.rx_run(outer, len(vx))
        check_delivered(pairs, errors, f"kernel {fam}", nopartial=True)
        a_src = bytes([192, 0, 2, 1]) if fam == "v4" else bytes.fromhex("20010db8" + "00" * 11 + "01")
        a2b = [fr for (fr, m), o in zip(pairs, vx) if (o[22:38] if fam == "v6" else o[26:30]) == a_src]
        if a2b != kin:
            errors.append(f"kernel {fam}: the A->B frames differ from {fam}-inner.pcap "
                          f"({len(a2b)} vs {len(kin)} frames)")
        dut._log.info("kernel %s: %d outer frames, %d delivered, inner checksums checked", fam, len(outer), len(pairs))

    # 2. scapy frames, nopartial: good RCO frames (every inner kind, both outer families),
    #    good non-RCO frames, and bad ones of several kinds mixed in
    def good_and_bad(n_good: int, rco_ok: bool):
        outer, originals, kinds = [], [], []
        for i in range(n_good):
            inner = F.random_inner(rng, v6=bool(i & 1), proto=F.PROTO_TCP if i & 2 else F.PROTO_UDP,
                                   vlan=(i % 7 == 3))
            rco = rco_ok and (i % 5 != 4)
            outer.append(F.vxlan_frame(inner, vni=100 + i, outer_v6=bool(i & 4), rco=rco))
            originals.append(inner)
            kinds.append(None)
        inner = lambda: F.random_inner(rng)
        bad = [("udp_csum", F.vxlan_frame(inner(), outer_v6=False, bad_udp_csum=True)),
               ("udp_csum", F.vxlan_frame(inner(), outer_v6=True, bad_udp_csum=True)),
               ("ip_csum", F.vxlan_frame(inner(), bad_ip_csum=True)),
               ("not_vxlan", F.vxlan_frame(inner(), dport=4790)),
               ("not_vxlan", F.vxlan_frame(inner(), outer_v6=True, dport=8472)),
               ("vxlan_flags", F.vxlan_frame(inner(), rco=False, flags=0))]
        for reason, f in bad:
            pos = rng.randrange(len(outer) + 1)
            outer.insert(pos, f)
            kinds.insert(pos, reason)
            originals.insert(pos, None)
        return outer, originals, kinds

    outer, originals, kinds = good_and_bad(24, rco_ok=True)
    for k in kinds:
        if k:
            sent_bad[k] += 1
    pairs = await nic.rx_run(outer, kinds.count(None))
    check_delivered(pairs, errors, "scapy nopartial", nopartial=True,
                    originals=[o for o in originals if o is not None])
    for (fr, m), f in zip(pairs, [f for f, k in zip(outer, kinds) if k is None]):
        rco_sent = bool(struct.unpack_from("!I", f, len(f) - len(fr) - 8)[0] & F.F_C)
        vni = struct.unpack_from("!I", f, len(f) - len(fr) - 4)[0] >> 8
        if m["rco"] != rco_sent or m["rco_applied"] != rco_sent or m["outer_csum_ok"] != 1 or m["vni"] != vni:
            errors.append(f"scapy nopartial: metadata {m}, RCO sent {rco_sent}")

    # 3. partial mode (nopartial=0): the frame comes up untouched (field = P) with
    #    csum_start/csum_offset; finishing the checksum from them gives the original frame
    await nic.configure(nopartial=0)
    outer, originals, kinds = good_and_bad(16, rco_ok=True)
    for k in kinds:
        if k:
            sent_bad[k] += 1
    pairs = await nic.rx_run(outer, kinds.count(None))
    check_delivered(pairs, errors, "scapy partial", nopartial=False,
                    originals=[o for o in originals if o is not None])
    pairs = await nic.rx_run(F.kernel_pcap(ROOT, "v4-outer.pcap"), 48)
    sent_bad["not_vxlan"] += 2
    check_delivered(pairs, errors, "kernel v4 partial", nopartial=False)

    # 4. rco_rx=0: RCO frames drop as rco_not_enabled, plain VXLAN frames are delivered
    await nic.configure(rco_rx=0, nopartial=1)
    outer, originals = [], []
    n_rco = 0
    for i in range(16):
        inner = F.random_inner(rng, v6=bool(i & 1))
        rco = i % 2 == 0
        n_rco += rco
        outer.append(F.vxlan_frame(inner, outer_v6=bool(i & 2), rco=rco))
        if not rco:
            originals.append(inner)
    sent_bad["rco_not_enabled"] += n_rco
    pairs = await nic.rx_run(outer, len(originals))
    check_delivered(pairs, errors, "rco_rx=0", nopartial=True, originals=originals)

    # drop counters over the register interface against what was sent, and the drop events
    c1 = await nic.rx_drop_counters()
    got = {r: c1[r] - c0[r] for r in REASONS}
    if got != sent_bad:
        errors.append(f"drop counters {got}, sent bad frames {sent_bad}")
    events = {r: nic.drops.count(i) for i, r in enumerate(REASONS)}
    if events != sent_bad:
        errors.append(f"drop events {events}, sent bad frames {sent_bad}")
    t1 = await traffic_counters(nic)
    check_traffic(errors, "RX", t0, t1, dict(rx_frames_in=len(nic.rx_in_bytes), rx_bytes_in=sum(nic.rx_in_bytes),
                                             rx_frames_out=len(nic.meta) - m_start,
                                             rx_bytes_out=sum(nic.rx_out_bytes)))
    if t0:
        dut._log.info("RX traffic counters: %s", {n: t1[n] - t0[n] for n in t1 if n.startswith("rx")})
    dut._log.info("RX: %d frames delivered, drops %s, %d cycles",
                  len(nic.meta), {k: v for k, v in got.items() if v}, nic.cycle)
    report(nic, errors, dut._log)


@cocotb.test()
async def test_tx(dut):
    """TX: host frames (CHECKSUM_PARTIAL TCP/UDP with P in the field, and complete ICMP) with
    descriptors, random idles and back-pressure; outer IPv4 header and UDP checksums, RCO
    fields, inner frame; rco_tx=0 completes the inner checksum instead; tx_frames_out; then
    the TX output through RX (nopartial): every inner checksum right."""
    seed = int(os.environ.get("TB_SEED", "1"))
    nic = Nic(dut, seed + 10)
    rng = random.Random(seed + 11)
    await nic.start()
    await nic.configure(rx_backpressure=1, rco_rx=1, nopartial=1)
    nic.traffic_shape(idle=0.2, backpressure=0.3)
    errors: list[str] = []
    f0 = await nic.counter("tx_frames_out")
    t0 = await traffic_counters(nic)

    wire = []
    for rco_tx in (1, 0):
        await nic.configure(rco_tx=rco_tx)
        cases = [F.tx_case(rng, outer_v6=bool(i & 1), kind="icmp" if i % 6 == 5 else "l4") for i in range(18)]
        out = await nic.tx_run(cases)
        for i, ((host, d), o) in enumerate(zip(cases, out)):
            F.check_tx_frame(o, host, d, rco_expected=bool(rco_tx and d.partial), errors=errors,
                             tag=f"TX rco_tx={rco_tx} frame {i}")
        wire += [(o, host, d) for o, (host, d) in zip(out, cases)]
        dut._log.info("TX rco_tx=%d: %d frames checked", rco_tx, len(out))
    n_out = await nic.counter("tx_frames_out") - f0
    if n_out != len(wire):
        errors.append(f"tx_frames_out {n_out}, {len(wire)} frames sent")
    check_traffic(errors, "TX", t0, await traffic_counters(nic), dict(
        tx_frames_in=len(wire), tx_bytes_in=sum(len(h) for _, h, _ in wire),
        tx_frames_out=len(wire), tx_bytes_out=sum(len(o) for o, _, _ in wire)))

    # the wire frames into RX (VNIs are random, the port is the default)
    pairs = await nic.rx_run([o for o, _, _ in wire], len(wire))
    check_delivered(pairs, errors, "TX->RX", nopartial=True)
    for i, ((fr, m), (o, host, d)) in enumerate(zip(pairs, wire)):
        want = F.complete_partial(host, d.csum_start, d.csum_offset) if d.partial else host
        if fr != want:
            errors.append(f"TX->RX frame {i}: inner frame differs from the host frame with its checksum")
        if m["vni"] != d.vni:
            errors.append(f"TX->RX frame {i}: vni {m['vni']} != {d.vni}")
    report(nic, errors, dut._log)


TRAFFIC = [f"{p}_{w}_{d}" for p in ("tx", "rx") for w in ("frames", "bytes") for d in ("in", "out")]


async def traffic_counters(nic: Nic) -> dict[str, int]:
    """The 64-bit frame/byte counters of both paths (map version 2), {} on a top without them."""
    if not nic.axil:
        return {}
    return {n: await nic.counter(n) for n in TRAFFIC if n in nic.regs}


def check_traffic(errors: list[str], tag: str, c0: dict, c1: dict, want: dict):
    for n, v in want.items():
        if n in c0 and c1[n] - c0[n] != v:
            errors.append(f"{tag}: {n} counted {c1[n] - c0[n]}, expected {v}")


@cocotb.skipif(cocotb.top is not None and not (hasattr(cocotb.top, "rst") and hasattr(cocotb.top, "s_axil_awaddr")),
                reason="this rco_nic has no rst / s_axil_* port (the export before issue 15's top)")
@cocotb.test()
async def test_reset(dut):
    """rst, TB_RESET_ROUNDS times (default 4): every RW register back at its regmap reset value, the traffic
    counters 0, and traffic afterwards checked as in test_rx/test_tx, counted from 0.
    At a random point of RX+TX traffic (TB_RESET_IN_TRAFFIC=0: between bursts), where in addition the frames out before it
    must be whole frames that were sent, no fragment of a frame in flight may come out after
    it, and the drop counters must be 0."""
    in_traffic = os.environ.get("TB_RESET_IN_TRAFFIC", "1") == "1"
    seed = int(os.environ.get("TB_SEED", "1"))
    nic = Nic(dut, seed + 20)
    rng = random.Random(seed + 21)
    for s in (nic.rx_src, nic.tx_src):
        s.log.setLevel("ERROR")  # each reset flushes the frame in flight with a warning that prints it whole
    await nic.start()
    errors: list[str] = []
    live = dict(rx_backpressure=1, rco_rx=1, nopartial=1, rco_tx=1)
    for rnd in range(int(os.environ.get("TB_RESET_ROUNDS", "4"))):
        await nic.configure(**live)
        nic.traffic_shape(idle=0.2, backpressure=0.3)
        inners = [F.random_inner(rng) for _ in range(8)]
        outer = [F.vxlan_frame(f, outer_v6=bool(i & 1)) for i, f in enumerate(inners)]
        cases = [F.tx_case(rng, outer_v6=bool(i & 1)) for i in range(6)]
        if in_traffic:
            for f in outer:
                nic.rx_src.send_nowait(AxiStreamFrame(f, tuser=0))
            for f, desc in cases:
                nic.desc_q.append(desc)
                nic.tx_src.send_nowait(AxiStreamFrame(f, tuser=0))
            await ClockCycles(dut.clk, rng.randrange(20, 600))
        else:
            await nic.rx_run(outer, len(outer))
            await nic.tx_run(cases)
        dut.rst.value = 1
        await ClockCycles(dut.clk, rng.randrange(1, 5))
        nic.rx_src.clear()
        nic.tx_src.clear()
        nic.desc_q.clear()
        dut.rst.value = 0
        await ClockCycles(dut.clk, 4)
        # what came out before the reset: whole frames only
        before = []
        while not nic.rx_sink.empty():
            before.append(bytes(nic.rx_sink.recv_nowait().tdata))
        for fr in before:
            if fr not in inners:
                errors.append(f"reset {rnd}: a delivered RX frame is not one of the frames sent ({len(fr)} bytes)")
        tx_before = 0
        while not nic.tx_sink.empty():
            o = bytes(nic.tx_sink.recv_nowait().tdata)
            tx_before += 1
            if not any(len(o) > len(h) and o.endswith(h) for h, _ in cases):
                errors.append(f"reset {rnd}: a TX frame out before the reset does not end in a host frame sent")
        for name, r in nic.regs.items():
            if r.access == "RW":
                if await nic.counter(name) != int(r.reset, 0):
                    errors.append(f"reset {rnd}: {name} not back to {r.reset}")
            elif name in TRAFFIC or (in_traffic and r.reset.startswith("counter")):
                v = await nic.counter(name)
                if v != 0:
                    errors.append(f"reset {rnd}: counter {name} = {v} after reset")
        dut._log.info("reset %d: %d RX and %d TX frames out before it; %d descriptors discarded by the driver so far",
                      rnd, len(before), tx_before, nic.stale_descs)
        # traffic again: nothing left over from before the reset comes out, counted from 0
        m0 = len(nic.meta)
        await nic.configure(**live)
        c0 = {n: 0 for n in TRAFFIC if n in nic.regs}
        pairs = await nic.rx_run(outer, len(inners))
        check_delivered(pairs, errors, f"after reset {rnd}", nopartial=True, originals=inners)
        out = await nic.tx_run(cases)
        for i, ((host, d), o) in enumerate(zip(cases, out)):
            F.check_tx_frame(o, host, d, rco_expected=True, errors=errors, tag=f"after reset {rnd} TX frame {i}")
        await ClockCycles(dut.clk, 50)
        if not nic.rx_sink.empty() or not nic.tx_sink.empty():
            errors.append(f"after reset {rnd}: extra frames out")
        if len(nic.meta) - m0 != len(inners):
            errors.append(f"after reset {rnd}: {len(nic.meta) - m0} RX tlast beats for {len(inners)} frames")
        check_traffic(errors, f"after reset {rnd}", c0, await traffic_counters(nic), dict(
            rx_frames_in=len(outer), rx_bytes_in=sum(map(len, outer)),
            rx_frames_out=len(inners), rx_bytes_out=sum(len(f) for f, _ in pairs),
            tx_frames_in=len(cases), tx_bytes_in=sum(len(f) for f, _ in cases),
            tx_frames_out=len(out), tx_bytes_out=sum(map(len, out))))
    report(nic, errors, dut._log)


@cocotb.skipif(cocotb.top is not None and not hasattr(cocotb.top, "s_axil_awaddr"),
                reason="this rco_nic has no s_axil_* port (the export before the register block)")
@cocotb.test()
async def test_axil_errors(dut):
    """Bad AXI-Lite accesses answer SLVERR and change nothing (needs the s_axil_* port)."""
    nic = Nic(dut, 3)
    await nic.start()
    mapped = {w for r in nic.regs.values() for w in r.words}
    span = 1 << len(dut.s_axil_awaddr)
    unmapped = [a for a in range(0, span, 4) if a not in mapped]
    assert unmapped, "no unmapped word in the address space"
    for a in unmapped[:: max(1, len(unmapped) // 8)]:
        rd = await nic.master.read(a, 4)
        assert rd.resp == AxiResp.SLVERR and rd.data == bytes(4), f"read of unmapped {a:#x}: {rd.resp} {rd.data.hex()}"
    unmapped = unmapped[0]
    for ro in [r for r in nic.regs.values() if r.access == "RO"]:
        for off in ro.words:
            before = await nic.master.read(off, 4)
            wr = await nic.master.write(off, b"\xff\xff\xff\xff")
            assert wr.resp == AxiResp.SLVERR, f"write to read-only {ro.name} ({off:#x}): {wr.resp}"
            after = await nic.master.read(off, 4)
            assert after.resp == AxiResp.OKAY and after.data == before.data, f"{ro.name} changed by a refused write"
    cfg_before = {n: await nic.master.read(nic.regs[n].offset, 4) for n in CONFIG}
    wr = await nic.master.write(unmapped, b"\x01\0\0\0")
    assert wr.resp == AxiResp.SLVERR, f"write to unmapped {unmapped:#x}: {wr.resp}"
    for n in CONFIG:
        assert (await nic.master.read(nic.regs[n].offset, 4)).data == cfg_before[n].data, f"{n} changed"
    # a good access still answers OKAY afterwards
    r = nic.regs["vxlan_port"]
    rd = await nic.master.read(r.offset, 4)
    assert rd.resp == AxiResp.OKAY and int.from_bytes(rd.data, "little") == int(r.reset, 0)
