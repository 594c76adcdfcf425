#!/usr/bin/env bash
# Our checksum engine next to an external checksum module, through the same synthesis flow
# and IO shell: LUTs, FFs (the shell's own cost subtracted), Fmax and line rate at W = 64,
# 128, 256 and 512 bits, medians of nextpnr seeds 1-3, ECP5-85F speed 8. Prints a Markdown
# table (the README's) and writes every run to target/synth/csum-compare.json.
#
#   scripts/csum-compare.sh PATH/TO/rx_checksum.v [more `rco-nic synth-compare` options]
#   WIDTHS=64 SEEDS=1 scripts/csum-compare.sh ...    (a quick look)
#
# The defaults are for Corundum's fpga/common/rtl/rx_checksum.v (module rx_checksum,
# DATA_WIDTH, START_OFFSET=14, clock clk; its reset comes from the shell like any input).
# The file is read from where it is and copied into target/synth/, never into the sources.
# Needs the YoWASP tools in .venv (scripts/test-all.sh installs them).
set -euo pipefail
if [ $# -lt 1 ] || [ ! -f "$1" ]; then
  echo "usage: $0 PATH/TO/rx_checksum.v [synth-compare options]" >&2
  exit 2
fi
ext=$(realpath "$1")
shift
cd "$(dirname "$0")/.."
cargo build --release --locked -q
exec nice -n 5 ./target/release/rco-nic synth-compare \
  --external "$ext" --top rx_checksum --width-param DATA_WIDTH --param START_OFFSET=14 \
  --clock clk --widths "${WIDTHS:-64,128,256,512}" --seeds "${SEEDS:-1,2,3}" --target ecp5-85k --speed 8 \
  --json target/synth/csum-compare.json "$@"
