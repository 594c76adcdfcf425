#!/usr/bin/env python3
"""Markdown rows of README's synthesis table from `rco-nic synth --json` reports.

    scripts/synth-table.py r1.json r2.json ...

One row per report, in the order given: design, nextpnr seed (read from the report's own
nextpnr command), LUT4, FFs, block RAMs, Fmax, whether the clock target is met, and the
critical path's first and last cell with its logic and routing delay. The reports do not
record the commit: say it beside the table.
"""
import json
import re
import sys


def seed_of(report: dict) -> str:
    for cmd in report.get("commands", []):
        text = cmd if isinstance(cmd, str) else " ".join(map(str, cmd))
        m = re.search(r"--seed[ =](\d+)", text)
        if m:
            return m.group(1)
    return "1"  # nextpnr's default


def short(cell: str) -> str:
    # the flattened name of the flip-flop's register, without yosys' mapping suffixes
    cell = re.sub(r"^dut\.", "", cell)
    return re.sub(r"(\.q)?_TRELLIS_FF_Q(_\d+)?(\.\w+)?$|\$?_?TRELLIS_FF_Q.*$", "", cell)


def row(report: dict) -> str:
    cp = report.get("critical_path") or {}
    path = "-"
    if cp:
        path = f"`{short(cp['from'])}` -> `{short(cp['to'])}` ({cp['logic_ns']:.2f} ns logic, {cp['routing_ns']:.2f} ns routing)"
    met = "yes" if report["timing_met"] else "no"
    return (f"| `{report['design']}` | {seed_of(report)} | {report['luts']} | {report['ffs']} | "
            f"{report['bram']} | {report['fmax_mhz']:.2f} | {met} | {path} |")


def main() -> int:
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    for path in sys.argv[1:]:
        try:
            with open(path) as f:
                print(row(json.load(f)))
        except (OSError, ValueError, KeyError) as e:
            print(f"synth-table: {path}: {e}", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
