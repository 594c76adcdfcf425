#!/usr/bin/env bash
# Capture real Linux VXLAN Remote Checksum Offload (RCO) traffic between two network
# namespaces and write small pcaps.  Run as root:
#
#     golden/kernel/capture.sh [OUTDIR]        (default OUTDIR: golden/vectors/kernel)
#
# Topology (everything lives inside two throw-away namespaces rco-cap-PID-{a,b}):
#
#   ns A ("sender")                                   ns B ("receiver")
#   veth0 02:00:00:00:0a:01  <---- veth pair ---->    veth0 02:00:00:00:0b:01
#     192.0.2.1/24, 2001:db8::1/64                      192.0.2.2/24, 2001:db8::2/64
#   vx42 VNI 42 over IPv4 underlay (iproute2)         vx42 VNI 42 (mkvxlan.py, NOPARTIAL)
#     198.51.100.1/24, 2001:db8:42::1/64                198.51.100.2/24, 2001:db8:42::2/64
#   vx43 VNI 43 over IPv6 underlay (iproute2)         vx43 VNI 43 (mkvxlan.py, NOPARTIAL)
#     203.0.113.1/24, 2001:db8:43::1/64                 203.0.113.2/24, 2001:db8:43::2/64
#
# All vxlan devices: dstport 4789, srcport fixed to 50000, udpcsum, remcsumtx, remcsumrx,
# (no udp6zerocsumtx/rx), mtu 1400, tso/gso/gro off.  Receiver devices additionally have
# IFLA_VXLAN_REMCSUM_NOPARTIAL (no iproute2 6.1 keyword: set by mkvxlan.py over netlink).
# Both veth ends: tx/rx checksum offload, gso, tso and gro off.
#
# Output (OUTDIR):
#   v4-outer.pcap          A's veth0, both directions, non-IPv6 frames (IPv4 underlay + ARP)
#   v6-outer.pcap          A's veth0, both directions, IPv6 frames (IPv6 underlay + ND)
#   v4-inner.pcap          B's vx42, inbound only: frames Linux hands up after decap, nopartial
#   v6-inner.pcap          B's vx43, inbound only: same for the IPv6 underlay
#   v4-inner-partial.pcap  A's vx42, inbound only: decap in default (partial) mode
#   v6-inner-partial.pcap  A's vx43, inbound only: same for the IPv6 underlay
#
# Traffic (A -> B, over each of the four overlay destinations): UDP datagrams of
# 1, 2, 11, 64, 513, 1000 bytes, then one TCP connection (3000 bytes A->B, 1500 bytes B->A).
# Every step is bounded by `timeout`, and a watchdog stops the script after 55 s.
# An EXIT trap stops the tcpdumps/servers and deletes both namespaces, also on failure.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/../vectors/kernel}
A="rco-cap-$$-a"
B="rco-cap-$$-b"
TMP=$(mktemp -d /tmp/rco-cap.XXXXXX)
CAP_PIDS=()
SERVER_PID=
WATCHDOG_PID=

log() { echo "capture.sh: $*" >&2; }

cleanup() {
    local rc=$?
    set +e
    trap - EXIT INT TERM
    [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
    for p in "${CAP_PIDS[@]}"; do kill -INT "$p" 2>/dev/null; done
    for p in "${CAP_PIDS[@]}" $SERVER_PID; do timeout 5 tail --pid="$p" -f /dev/null 2>/dev/null; done
    for p in "${CAP_PIDS[@]}" $SERVER_PID; do kill -KILL "$p" 2>/dev/null; done
    [ -n "$WATCHDOG_PID" ] && kill "$WATCHDOG_PID" 2>/dev/null
    ip netns del "$A" 2>/dev/null
    ip netns del "$B" 2>/dev/null
    rm -rf "$TMP"
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

# Watchdog: the whole run must end well within 60 s.
( sleep 55; log "watchdog: taking too long, aborting"; kill -TERM $$ ) 2>/dev/null &
WATCHDOG_PID=$!

inA() { timeout 10 ip netns exec "$A" "$@"; }
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

# --- vxlan devices -----------------------------------------------------------------------
# Sender side: plain iproute2 keywords.
ip -n "$A" link add vx42 address 02:00:00:00:2a:01 mtu 1400 type vxlan id 42 \
    remote 192.0.2.2 local 192.0.2.1 dstport 4789 srcport 50000 50001 \
    udpcsum remcsumtx remcsumrx
ip -n "$A" link add vx43 address 02:00:00:00:2b:01 mtu 1400 type vxlan id 43 \
    remote 2001:db8::2 local 2001:db8::1 dstport 4789 srcport 50000 50001 \
    udpcsum noudp6zerocsumtx noudp6zerocsumrx remcsumtx remcsumrx
# Receiver side: raw netlink so that IFLA_VXLAN_REMCSUM_NOPARTIAL can be set.
inB python3 "$HERE/mkvxlan.py" --name vx42 --vni 42 --remote 192.0.2.1 --local 192.0.2.2 \
    --dstport 4789 --srcport 50000 --mac 02:00:00:00:2a:02 --mtu 1400 --nopartial
inB python3 "$HERE/mkvxlan.py" --name vx43 --vni 43 --remote 2001:db8::1 --local 2001:db8::2 \
    --dstport 4789 --srcport 50000 --mac 02:00:00:00:2b:02 --mtu 1400 --nopartial

i=1
for ns in "$A" "$B"; do
    ip -n "$ns" link set vx42 addrgenmode none
    ip -n "$ns" link set vx43 addrgenmode none
    # tso/gso off: otherwise the receiver drops the kernel's own GSO segments (TOOLCHAIN.md);
    # gro off: otherwise gro_cells merges the received inner TCP segments before tcpdump.
    timeout 10 ip netns exec "$ns" ethtool -K vx42 tso off gso off gro off >/dev/null
    timeout 10 ip netns exec "$ns" ethtool -K vx43 tso off gso off gro off >/dev/null
    ip -n "$ns" addr add "198.51.100.$i/24" dev vx42
    ip -n "$ns" addr add "2001:db8:42::$i/64" dev vx42 nodad
    ip -n "$ns" addr add "203.0.113.$i/24" dev vx43
    ip -n "$ns" addr add "2001:db8:43::$i/64" dev vx43 nodad
    ip -n "$ns" link set veth0 up
    ip -n "$ns" link set vx42 up
    ip -n "$ns" link set vx43 up
    i=$((i + 1))
done

# Show (and check) the RCO configuration the kernel reports back.
for ns in "$A" "$B"; do
    for dev in vx42 vx43; do
        line=$(timeout 10 ip netns exec "$ns" python3 "$HERE/mkvxlan.py" --show "$dev")
        log "${ns##*-} $line"
        case "$line" in *"udpcsum=1"*"udp6zerocsumtx=0"*"udp6zerocsumrx=0"*"remcsumtx=1 remcsumrx=1"*) ;;
            *) log "unexpected vxlan config on $ns $dev"; exit 1 ;; esac
        if [ "$ns" = "$B" ]; then
            case "$line" in *remcsum_nopartial*) ;; *) log "NOPARTIAL not set on $dev"; exit 1 ;; esac
        else
            case "$line" in *remcsum_nopartial*) log "NOPARTIAL unexpectedly set"; exit 1 ;; esac
        fi
    done
done

# Let link-up chatter (MLD reports for the new addresses) die down before capturing, then
# forget all neighbours so that underlay ARP/ND (non-VXLAN frames) and overlay ARP/ND
# (VXLAN frames without RCO) are part of the captures.
sleep 1
for ns in "$A" "$B"; do
    for dev in veth0 vx42 vx43; do ip -n "$ns" neigh flush dev "$dev"; done
done

# --- captures ----------------------------------------------------------------------------
start_cap() {   # ns dev direction file filter...
    local ns=$1 dev=$2 dir=$3 file=$4
    shift 4
    ip netns exec "$ns" tcpdump -i "$dev" -Q "$dir" -U -s 0 -n -Z root --immediate-mode \
        -w "$TMP/$file" "$@" 2>"$TMP/$file.log" &
    CAP_PIDS+=("$!")
    local n=0
    until grep -q "listening on" "$TMP/$file.log" 2>/dev/null; do
        n=$((n + 1))
        [ "$n" -gt 50 ] && { log "tcpdump for $file did not start"; cat "$TMP/$file.log" >&2; exit 1; }
        sleep 0.1
    done
}
start_cap "$A" veth0 inout v4-outer.pcap not ip6
start_cap "$A" veth0 inout v6-outer.pcap ip6
start_cap "$B" vx42 in v4-inner.pcap
start_cap "$B" vx43 in v6-inner.pcap
start_cap "$A" vx42 in v4-inner-partial.pcap
start_cap "$A" vx43 in v6-inner-partial.pcap

# --- traffic -----------------------------------------------------------------------------
ip netns exec "$B" timeout 30 python3 "$HERE/traffic.py" serve --port 5000 --timeout 25 \
    --addr 198.51.100.2 --addr 2001:db8:42::2 --addr 203.0.113.2 --addr 2001:db8:43::2 \
    >"$TMP/server.log" 2>&1 &
SERVER_PID=$!
n=0
until grep -q ready "$TMP/server.log" 2>/dev/null; do
    n=$((n + 1))
    [ "$n" -gt 50 ] && { log "server did not start"; cat "$TMP/server.log" >&2; exit 1; }
    sleep 0.1
done

for dst in 198.51.100.2 2001:db8:42::2 203.0.113.2 2001:db8:43::2; do
    inA python3 "$HERE/traffic.py" send --dst "$dst" --port 5000 \
        --udp-sizes 1,2,11,64,513,1000 --tcp-bytes 3000 >&2
done
sleep 0.5

# --- stop captures, copy results -----------------------------------------------------------
for p in "${CAP_PIDS[@]}"; do kill -INT "$p" 2>/dev/null || true; done
for p in "${CAP_PIDS[@]}"; do timeout 5 tail --pid="$p" -f /dev/null || true; done
CAP_PIDS=()
kill "$SERVER_PID" 2>/dev/null || true
timeout 5 tail --pid="$SERVER_PID" -f /dev/null || true
SERVER_PID=

mkdir -p "$OUT"
for f in v4-outer v6-outer v4-inner v6-inner v4-inner-partial v6-inner-partial; do
    grep -h "packets captured" "$TMP/$f.pcap.log" | sed "s/^/capture.sh: $f: /" >&2 || true
    install -m 0644 "$TMP/$f.pcap" "$OUT/$f.pcap"
    size=$(stat -c %s "$OUT/$f.pcap")
    [ "$size" -lt 102400 ] || { log "$f.pcap too large ($size bytes)"; exit 1; }
done
log "wrote $(cd "$OUT" && ls -1 ./*.pcap | wc -l) pcaps to $OUT"
