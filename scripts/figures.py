#!/usr/bin/env python3
"""README's "Current figures" from `rco-nic bench --json` and `rco-nic synth --json` outputs.

    scripts/figures.py --bench B.json [--bench ...] --bench-commit REV
                       --synth R.json [--synth ...] [--synth-commit REV]
                       [--readme README.md]

Prints the Markdown (or, with --readme, replaces what stands between the file's
`<!-- figures:begin -->` and `<!-- figures:end -->` lines). `rco-nic` does not record the
commit it was built from, so the bench points are stamped with --bench-commit, and each synthesis
row with its report's "commit" key (scripts/figures.sh adds it) or else --synth-commit.
`scripts/figures.sh` measures everything at the checked-out commit and calls this.
"""
import argparse
import json
import re
import sys

BEGIN, END = "<!-- figures:begin -->", "<!-- figures:end -->"


def load_all(paths):
    out = []
    for p in paths:
        with open(p) as f:
            d = json.load(f)
        out.extend(d if isinstance(d, list) else [d])
    return out


def throughput(points, commit):
    built = [p for p in points if p.get("built", True)]
    if not built:
        return []
    widths = sorted({p["width"] for p in built})
    blocks = [b for b in ("rx", "tx") if any(p["block"] == b for p in built)]
    frames = []
    for p in built:
        if p["frame"] not in frames:
            frames.append(p["frame"])
    at = {(p["block"], p["width"], p["frame"]): p for p in built}
    packets = sorted({p["packets"] for p in built})
    bad = [p for p in built if p["mismatches"] or p["drops"]]
    cols = [(b, w) for w in widths for b in blocks]
    lines = [
        f"**Throughput**, fixed-size frames back to back (`rco-nic bench --json`, {', '.join(map(str, packets))} "
        f"frames per point, outer IPv4; commit `{commit}`): clocks per frame, and in brackets % of the line "
        "rate the width serves (10G at 64 bits, 25G at 128, 50G at 256, 100G at 512; a point under 100 % "
        "is bus granularity, see docs/throughput.md).",
        "",
        "| inner bytes | " + " | ".join(f"{b.upper()} {w}" for b, w in cols) + " |",
        "|---|" + "---|" * len(cols),
    ]
    for fr in frames:
        cells = []
        for c in cols:
            p = at.get((c[0], c[1], fr))
            cells.append("-" if p is None else f"{p['cycles_per_frame']:.2f} ({p['line_rate_pct']:.1f})")
        lines.append(f"| {fr} | " + " | ".join(cells) + " |")
    lines.append("")
    if bad:
        lines.append("Points with golden mismatches or drops: " + ", ".join(
            f"{p['block']} W={p['width']} {p['frame']}" for p in bad) + ".")
    else:
        lines.append("Every point: golden check passed (0 mismatches), 0 drops.")
    return lines


def seed_of(report):
    for cmd in report.get("commands", []):
        text = cmd if isinstance(cmd, str) else " ".join(map(str, cmd))
        m = re.search(r"--seed[ =](\d+)", text)
        if m:
            return m.group(1)
    return "1"  # nextpnr's default


def short(cell):
    cell = re.sub(r"^dut\.", "", cell)
    cell = re.sub(r"(\.q|\$q)?_SB_.*$", "", cell)  # iCE40 cell suffixes
    return re.sub(r"(\.q)?_TRELLIS_FF_Q(_\d+)?(\.\w+)?$|\$?_?TRELLIS_FF_Q.*$", "", cell)


def synthesis(reports, commit):
    if not reports:
        return []
    lines = [
        "**Synthesis** (`rco-nic synth --target T --design D --seed S --json F`; Yosys + nextpnr; totals "
        "include the IO shell the flow wraps the design in, see docs/synthesis.md):",
        "",
        "| target | design | W | seed | LUTs | FFs | block RAM | Fmax MHz | target MHz | met | critical path | commit |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in reports:
        cp = r.get("critical_path") or {}
        path = "-"
        if cp:
            path = (f"`{short(cp['from'])}` -> `{short(cp['to'])}` "
                    f"({cp['logic_ns']:.2f} logic, {cp['routing_ns']:.2f} routing ns)")
        if not r.get("fits", True):
            met, fmax = "does not fit", "-"
            path = "-"
        else:
            met, fmax = ("yes" if r["timing_met"] else "no"), f"{r['fmax_mhz']:.2f}"
        lines.append(
            f"| {r['target']} | `{r['design']}` | {r['width']} | {seed_of(r)} | {r['luts']} / {r['luts_available']} | "
            f"{r['ffs']} | {r['bram']} / {r['bram_available']} | {fmax} | {r['freq_target_mhz']:g} | {met} | {path} | `{r.get('commit') or commit}` |")
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("--bench", action="append", default=[])
    ap.add_argument("--bench-commit")
    ap.add_argument("--synth", action="append", default=[])
    ap.add_argument("--synth-commit")
    ap.add_argument("--readme")
    a = ap.parse_args()
    if a.bench and not a.bench_commit:
        ap.error("--bench needs --bench-commit")
    try:
        body = throughput(load_all(a.bench), a.bench_commit)
        reports = load_all(a.synth)
        if any(not r.get("commit") for r in reports) and not a.synth_commit:
            ap.error("a synth report without a \"commit\" key needs --synth-commit")
        syn = synthesis(reports, a.synth_commit)
    except (OSError, ValueError, KeyError) as e:
        print(f"figures: {e}", file=sys.stderr)
        return 1
    text = "\n".join(body + ([""] if body and syn else []) + syn) + "\n"
    if not a.readme:
        sys.stdout.write(text)
        return 0
    readme = open(a.readme).read()
    if readme.count(BEGIN) != 1 or readme.count(END) != 1:
        print(f"figures: {a.readme} needs one {BEGIN} and one {END} line", file=sys.stderr)
        return 1
    pre, rest = readme.split(BEGIN + "\n", 1)
    _, post = rest.split(END, 1)
    open(a.readme, "w").write(pre + BEGIN + "\n" + text + END + post)
    return 0


if __name__ == "__main__":
    sys.exit(main())
