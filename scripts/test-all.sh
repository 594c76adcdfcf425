#!/usr/bin/env bash
# Install what the tests need on a fresh Debian 12 machine, then run every test,
# including the #[ignore]d ones that need external tools (Icarus Verilog, Verilator,
# Yosys, network namespaces).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

pkgs=(iverilog verilator yosys tcpdump ethtool iproute2 python3-venv)
missing=()
for p in "${pkgs[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

cargo build --release --locked
cargo test --workspace --release --locked -- --include-ignored
