#!/usr/bin/env bash
# Yosys only (no place and route): map a design for ECP5 as `rco-nic synth` does and list the
# register-to-register paths estimated to miss the clock (scripts/timing_paths.py), so a timing
# fix is checked in the time Yosys takes before a full `rco-nic synth` confirms it.
#   scripts/synth-paths.sh [PERIOD_NS] [rco-nic synth options, e.g. --design rx --width 512]
set -euo pipefail
cd "$(dirname "$0")/.."
period=${1:-6.4}
shift || true
cargo build --release --locked -q
netlist=$(target/release/rco-nic synth --target ecp5-85k --netlist-only "$@" | sed -n 's/^netlist //p')
python3 scripts/timing_paths.py "$netlist" --period "$period" --top 60
