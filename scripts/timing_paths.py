#!/usr/bin/env python3
"""List the register-to-register paths of a Yosys ECP5 netlist that are likely too slow.

nextpnr reports one critical path per clock; closing timing one placement at a time costs a
full place-and-route per path. This estimates every path from the mapped netlist (`synth.json`
written by `rco-nic synth`, before place and route) with a simple delay model: cell delays
as nextpnr's ECP5 timing data gives them, and an average routing delay per net that leaves a
slice. Routed figures differ; the ranking of endpoints is what this is for.

    scripts/timing_paths.py WORK/synth.json [--period NS] [--top N]

Prints, per endpoint group (a register named without its bit index), the worst estimated
arrival, the number of endpoint bits over the period, and the worst path as the named nets it
passes through.
"""

import argparse
import json
import re
import sys
from collections import defaultdict

CLK_TO_Q = 0.40
BRAM_CLK_TO_Q = 3.6  # DP16KD without its output register
BRAM_OUTREG_CLK_TO_Q = 1.2  # with REGMODE OUTREG (SdpRam's)
ROUTE = 0.75
LUT = 0.18
LUTRAM_READ = 0.45  # distributed RAM, read address to data
MUX = 0.20
CARRY_IN = 0.35  # a data pin to the carry chain
CARRY_STEP = 0.06  # CIN to COUT per cell
CARRY_SUM = 0.25  # CIN or a data pin to S

# the suffixes Yosys's mappers append to a signal's name
AUTO = re.compile(r"_(TRELLIS_FF|LUT4|CCU2C|PFUMX|L6MUX21|DP16KD)_.*")

# (cell type, input port) pairs reached inside a slice, without general routing
LOCAL_INPUTS = {("PFUMX", "ALUT"), ("PFUMX", "BLUT"), ("L6MUX21", "D0"), ("L6MUX21", "D1"), ("CCU2C", "CIN")}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("netlist")
    ap.add_argument("--period", type=float, default=6.4, help="clock period in ns (default 6.4: 156.25 MHz)")
    ap.add_argument("--top", type=int, default=25, help="endpoint groups to print")
    ap.add_argument("--module", default=None, help="top module (default: the only one with cells)")
    ap.add_argument("--detail", default=None, metavar="REGEX",
                    help="for endpoint groups matching REGEX, list every cell of the path with its arrival time")
    args = ap.parse_args()

    nl = json.load(open(args.netlist))
    mods = nl["modules"]
    name = args.module or max(mods, key=lambda m: len(mods[m].get("cells", {})))
    mod = mods[name]

    # a readable name for every net bit: the shortest public name that carries it
    bit_name = {}
    for nn, n in mod["netnames"].items():
        hidden = n.get("hide_name", 0) or nn.startswith("$")
        for i, b in enumerate(n["bits"]):
            if isinstance(b, str):
                continue
            label = nn if len(n["bits"]) == 1 else f"{nn}[{i}]"
            score = (hidden, bool(AUTO.search(nn)), len(label))
            if b not in bit_name or score < bit_name[b][0]:
                bit_name[b] = (score, label)

    driver = {}  # bit -> (cell, output port)
    cells = mod["cells"]
    for cn, c in cells.items():
        for p, d in c.get("port_directions", {}).items():
            if d == "output":
                for b in c["connections"].get(p, []):
                    if not isinstance(b, str):
                        driver[b] = (cn, p)

    def comb_inputs(c, out_port):
        t = c["type"]
        conn = c["connections"]
        if t == "LUT4":
            return [(p, conn[p]) for p in "ABCD" if p in conn]
        if t == "PFUMX":
            return [(p, conn[p]) for p in ("ALUT", "BLUT", "C0")]
        if t == "L6MUX21":
            return [(p, conn[p]) for p in ("D0", "D1", "SD")]
        if t == "TRELLIS_DPR16X4":
            return [(p, conn[p]) for p in conn if p.startswith("RAD")]
        if t == "CCU2C":
            ins = ["A0", "B0", "C0", "D0", "CIN"]
            if out_port != "S0":
                ins += ["A1", "B1", "C1", "D1"]
            return [(p, conn[p]) for p in ins if p in conn]
        return None  # a sequential cell or a port: a path start

    def cell_delay(t, in_port, out_port):
        if t == "LUT4":
            return LUT
        if t in ("PFUMX", "L6MUX21"):
            return MUX
        if t == "TRELLIS_DPR16X4":
            return LUTRAM_READ
        if t == "CCU2C":
            if out_port == "COUT":
                return CARRY_STEP if in_port == "CIN" else CARRY_IN
            return CARRY_SUM
        return 0.0

    arrival = {}  # bit -> (time, previous bit or None)

    def start_time(b):
        if b not in driver:
            return 0.0
        cn, _ = driver[b]
        c = cells[cn]
        if c["type"] != "DP16KD":
            return CLK_TO_Q
        regmode = c.get("parameters", {}).get("REGMODE_" + driver[b][1][2], "")
        return BRAM_OUTREG_CLK_TO_Q if "OUTREG" in str(regmode) else BRAM_CLK_TO_Q

    def arrive(root):
        stack = [root]
        while stack:
            b = stack[-1]
            if b in arrival:
                stack.pop()
                continue
            if b not in driver:
                arrival[b] = (0.0, None)
                stack.pop()
                continue
            cn, op = driver[b]
            c = cells[cn]
            ins = comb_inputs(c, op)
            if ins is None:
                arrival[b] = (start_time(b), None)
                stack.pop()
                continue
            pending = [ib for _, bits in ins for ib in bits if not isinstance(ib, str) and ib not in arrival]
            if pending:
                stack.extend(pending)
                continue
            best = (0.0, None)
            for p, bits in ins:
                for ib in bits:
                    if isinstance(ib, str):
                        continue
                    route = 0.0 if (c["type"], p) in LOCAL_INPUTS else ROUTE
                    t = arrival[ib][0] + route + cell_delay(c["type"], p, op)
                    if t > best[0]:
                        best = (t, ib)
            arrival[b] = best
            stack.pop()

    groups = defaultdict(lambda: [0.0, 0, None])
    for cn, c in cells.items():
        t = c["type"]
        if t == "TRELLIS_FF":
            ports = ("DI", "CE", "LSR")
        elif t == "TRELLIS_DPR16X4":
            ports = [p for p in c["connections"] if p.startswith(("WAD", "DI", "WRE"))]
        elif t == "DP16KD":
            ports = [p for p, d in c["port_directions"].items() if d == "input" and not p.startswith("CLK")]
        else:
            continue
        for p in ports:
            for b in c["connections"].get(p, []):
                if isinstance(b, str):
                    continue
                arrive(b)
                at = arrival[b][0] + ROUTE
                q = c["connections"].get("Q", [None])[0] if t == "TRELLIS_FF" else None
                label = bit_name.get(q, (None, cn))[1] if q is not None else cn
                g = re.sub(r"\[\d+\]$", "", label) + f" .{p}"
                grp = groups[g]
                if at > args.period:
                    grp[1] += 1
                if at > grp[0]:
                    grp[0] = at
                    grp[2] = b

    worst = sorted(groups.items(), key=lambda kv: -kv[1][0])
    over = [g for g in worst if g[1][0] > args.period]
    print(f"{name}: {len(over)} endpoint groups over {args.period} ns (estimated; routing {ROUTE} ns per net)")
    worst_bit = {g: v[2] for g, v in worst}
    for g, (at, n, b) in worst[: args.top]:
        path = []
        while b is not None:
            path.append(bit_name.get(b, (None, f"<{b}>"))[1])
            b = arrival[b][1]
        path.reverse()
        # the nets of one named signal's logic collapse to one step, with their count
        steps = []
        for s in path:
            base = AUTO.sub("", re.sub(r"\[\d+\]$", "", s))
            if steps and steps[-1][0] == base:
                steps[-1][1] += 1
            else:
                steps.append([base, 1])
        print(f"{at:6.2f} ns  {n:4d} bits  {g}  ({len(path) - 1} cells)")
        print("           " + " -> ".join(f"{b}" + (f" x{k}" if k > 1 else "") for b, k in steps))
        if args.detail and re.search(args.detail, g):
            b = worst_bit[g]
            rows = []
            while b is not None:
                cell = cells[driver[b][0]]["type"] if b in driver else "port"
                rows.append(f"             {arrival[b][0]:6.2f}  {cell:16s} {bit_name.get(b, (None, f'<{b}>'))[1]}")
                b = arrival[b][1]
            print("\n".join(reversed(rows)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
