#!/usr/bin/env bash
# Inject outer VXLAN/RCO frames (made by `rco-nic encap`) into a real Linux receiver and
# record what it delivers.  Run as root:
#
#     scripts/kernel-interop.sh OUTDIR COUNT OUTER.pcap [OUTER.pcap ...]
#
# Topology: the receiver side of golden/kernel/capture.sh (same addresses, documentation
# ranges), in two throw-away namespaces rco-ki-PID-{a,b}:
#
#   ns A (injector)                          ns B (receiver)
#   veth0 02:00:00:00:0a:01  <--- veth --->  veth0 02:00:00:00:0b:01
#     192.0.2.1/24, 2001:db8::1/64             192.0.2.2/24, 2001:db8::2/64
#                                            vx42 VNI 42, IPv4 underlay, 02:00:00:00:2a:02
#                                              198.51.100.2/24, 2001:db8:42::2/64
#                                            vx43 VNI 43, IPv6 underlay, 02:00:00:00:2b:02
#                                              203.0.113.2/24, 2001:db8:43::2/64
#
# B's vxlan devices come from golden/kernel/mkvxlan.py with remcsumrx and
# REMCSUM_NOPARTIAL, so Linux rewrites the inner checksum from the RCO fields and then
# verifies it (in the default partial mode it would never be verified, spec section 2.4).
# Offloads are off on both veth ends so the outer checksums are checked in software.
# Every frame of the pcaps is sent unchanged out of A's veth0 (AF_PACKET).
#
# Output (OUTDIR): received.jsonl (one line per UDP datagram delivered to a socket on
# port 5000 in B: dst, src, payload hex), vx42.pcap / vx43.pcap (B's vxlan devices,
# inbound: inner frames after decapsulation and the RCO rewrite), snmp-before.txt /
# snmp-after.txt (B's /proc/net/snmp and snmp6: checksum error counters).
# Every step is bounded by `timeout`, a watchdog stops the script after 50 s, and an EXIT
# trap stops the helpers and deletes both namespaces, also on failure.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
KERNEL="$HERE/../golden/kernel"
[ $# -ge 3 ] || { echo "usage: $0 OUTDIR COUNT OUTER.pcap [OUTER.pcap ...]" >&2; exit 2; }
OUT=$1
COUNT=$2
shift 2
PCAPS=()
for p in "$@"; do PCAPS+=("$(cd "$(dirname "$p")" && pwd)/$(basename "$p")"); done
A="rco-ki-$$-a"
B="rco-ki-$$-b"
CAP_PIDS=()
LISTEN_PID=
WATCHDOG_PID=

log() { echo "kernel-interop.sh: $*" >&2; }

cleanup() {
    local rc=$?
    set +e
    trap - EXIT INT TERM
    [ -n "$LISTEN_PID" ] && kill "$LISTEN_PID" 2>/dev/null
    for p in "${CAP_PIDS[@]}"; do kill -INT "$p" 2>/dev/null; done
    for p in "${CAP_PIDS[@]}" $LISTEN_PID; do timeout 5 tail --pid="$p" -f /dev/null 2>/dev/null; done
    for p in "${CAP_PIDS[@]}" $LISTEN_PID; do kill -KILL "$p" 2>/dev/null; done
    [ -n "$WATCHDOG_PID" ] && kill "$WATCHDOG_PID" 2>/dev/null
    ip netns del "$A" 2>/dev/null
    ip netns del "$B" 2>/dev/null
    [ "$rc" -ne 0 ] && log "FAILED (exit $rc)"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

[ "$(id -u)" -eq 0 ] || { log "must run as root"; exit 1; }
for tool in ip ethtool tcpdump python3 timeout; do
    command -v "$tool" >/dev/null || { log "missing tool: $tool"; exit 1; }
done
mkdir -p "$OUT"

# (its output goes to /dev/null: an orphaned sleep must not hold the caller's pipes open)
( exec >/dev/null 2>&1; sleep 50; kill -TERM $$ ) &
WATCHDOG_PID=$!

inB() { timeout 10 ip netns exec "$B" "$@"; }

# --- namespaces and underlay -------------------------------------------------------------
ip netns add "$A"
ip netns add "$B"
ip -n "$A" link add veth0 type veth peer name veth0 netns "$B"
ip -n "$A" link set veth0 address 02:00:00:00:0a:01 addrgenmode none
ip -n "$B" link set veth0 address 02:00:00:00:0b:01 addrgenmode none
ip -n "$A" addr add 192.0.2.1/24 dev veth0
ip -n "$B" addr add 192.0.2.2/24 dev veth0
ip -n "$A" addr add 2001:db8::1/64 dev veth0 nodad
ip -n "$B" addr add 2001:db8::2/64 dev veth0 nodad
for ns in "$A" "$B"; do
    ip -n "$ns" link set lo up
    timeout 10 ip netns exec "$ns" ethtool -K veth0 tx off rx off gso off tso off gro off >/dev/null
done

# --- receiver's vxlan devices (raw netlink: REMCSUM_NOPARTIAL) ---------------------------
inB python3 "$KERNEL/mkvxlan.py" --name vx42 --vni 42 --remote 192.0.2.1 --local 192.0.2.2 \
    --dstport 4789 --mac 02:00:00:00:2a:02 --mtu 1400 --nopartial
inB python3 "$KERNEL/mkvxlan.py" --name vx43 --vni 43 --remote 2001:db8::1 --local 2001:db8::2 \
    --dstport 4789 --mac 02:00:00:00:2b:02 --mtu 1400 --nopartial
for dev in vx42 vx43; do
    ip -n "$B" link set "$dev" addrgenmode none
    inB ethtool -K "$dev" tso off gso off gro off >/dev/null
    line=$(inB python3 "$KERNEL/mkvxlan.py" --show "$dev")
    log "receiver $line"
    case "$line" in *"remcsumrx=1"*remcsum_nopartial*) ;; *) log "RCO receive not configured on $dev"; exit 1 ;; esac
done
ip -n "$B" addr add 198.51.100.2/24 dev vx42
ip -n "$B" addr add 2001:db8:42::2/64 dev vx42 nodad
ip -n "$B" addr add 203.0.113.2/24 dev vx43
ip -n "$B" addr add 2001:db8:43::2/64 dev vx43 nodad
for ns in "$A" "$B"; do ip -n "$ns" link set veth0 up; done
ip -n "$B" link set vx42 up
ip -n "$B" link set vx43 up
sleep 0.5

# --- captures and listener ---------------------------------------------------------------
start_cap() {   # dev file
    ip netns exec "$B" tcpdump -i "$1" -Q in -U -s 0 -n -Z root --immediate-mode \
        -w "$OUT/$2" 2>"$OUT/$2.log" &
    CAP_PIDS+=("$!")
    local n=0
    until grep -q "listening on" "$OUT/$2.log" 2>/dev/null; do
        n=$((n + 1))
        [ "$n" -gt 50 ] && { log "tcpdump on $1 did not start"; cat "$OUT/$2.log" >&2; exit 1; }
        sleep 0.1
    done
}
start_cap vx42 vx42.pcap
start_cap vx43 vx43.pcap

ip netns exec "$B" timeout 30 python3 "$HERE/kernel_interop.py" listen --port 5000 \
    --addr 198.51.100.2 --addr 2001:db8:42::2 --addr 203.0.113.2 --addr 2001:db8:43::2 \
    --count "$COUNT" --timeout 20 --out "$OUT/received.jsonl" >"$OUT/listen.log" 2>&1 &
LISTEN_PID=$!
n=0
until grep -q ready "$OUT/listen.log" 2>/dev/null; do
    n=$((n + 1))
    [ "$n" -gt 50 ] && { log "listener did not start"; cat "$OUT/listen.log" >&2; exit 1; }
    sleep 0.1
done

inB cat /proc/net/snmp /proc/net/snmp6 >"$OUT/snmp-before.txt"
timeout 20 ip netns exec "$A" python3 "$HERE/kernel_interop.py" inject --dev veth0 "${PCAPS[@]}" >&2

# the listener exits once it has COUNT datagrams (or after its timeout)
timeout 25 tail --pid="$LISTEN_PID" -f /dev/null || true
LISTEN_PID=
inB cat /proc/net/snmp /proc/net/snmp6 >"$OUT/snmp-after.txt"
sleep 0.3
for p in "${CAP_PIDS[@]}"; do kill -INT "$p" 2>/dev/null || true; done
for p in "${CAP_PIDS[@]}"; do timeout 5 tail --pid="$p" -f /dev/null || true; done
CAP_PIDS=()
cat "$OUT/listen.log" >&2
log "done: $(wc -l <"$OUT/received.jsonl") datagrams received, output in $OUT"
