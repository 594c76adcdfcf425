"""The AXI4-Lite register map, read from `rco-nic regmap` at test time (never hard-coded).

`rco-nic regmap` prints a Markdown table:

    | offset | name | access | bits | reset | description |
    |---|---|---|---|---|---|
    | `0x004` | `rco_tx` | RW | 1 | 0 | ... |

A register of more than 32 bits spans consecutive words, low word first; rows named
`<name>_lo` / `<name>_hi` are joined into one 64-bit register `<name>` as well.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass


@dataclass
class Reg:
    name: str
    offset: int
    access: str  # "RO" | "RW" | ...
    bits: int
    reset: str
    words: list[int]  # word offsets, low word first


ROW = re.compile(r"^\|\s*`?(0x[0-9A-Fa-f]+)`?\s*\|\s*`?([A-Za-z0-9_]+)`?\s*\|\s*([A-Za-z/]+)\s*\|\s*(\d+)\s*\|\s*([^|]*)\|")


def parse(text: str) -> dict[str, Reg]:
    regs: dict[str, Reg] = {}
    for line in text.splitlines():
        m = ROW.match(line.strip())
        if not m:
            continue
        off, name, access, bits, reset = m.groups()
        off, bits = int(off, 16), int(bits)
        nwords = max(1, (bits + 31) // 32)
        regs[name] = Reg(name, off, access.upper(), bits, reset.strip().strip("`"),
                         [off + 4 * i for i in range(nwords)])
    # `x_lo` + `x_hi` rows (or `x` + `x_hi`): one 64-bit register `x`
    for name in list(regs):
        if name + "_hi" in regs and regs[name].bits <= 32:
            hi = regs[name + "_hi"]
            regs[name] = Reg(name, regs[name].offset, regs[name].access, 64, regs[name].reset,
                             [regs[name].offset, hi.offset])
        if name.endswith("_lo") and name[:-3] + "_hi" in regs:
            lo, hi = regs[name], regs[name[:-3] + "_hi"]
            regs.setdefault(name[:-3], Reg(name[:-3], lo.offset, lo.access, 64, lo.reset,
                                           [lo.offset, hi.offset]))
    if not regs:
        raise ValueError("no register rows in the regmap output:\n" + text)
    return regs


def load(binary: str) -> dict[str, Reg]:
    out = subprocess.run([binary, "regmap"], check=True, capture_output=True, text=True).stdout
    return parse(out)
