#!/usr/bin/env bash
# A real Linux network through the NIC model (`rco-nic tap`), in two throw-away network
# namespaces.  Run as root.
#
#   scripts/tap-loop.sh up NAME [--outer ipv4|ipv6] [--nopartial]
#       make namespaces NAME-host and NAME-peer (below) and print the bridge command
#   scripts/tap-loop.sh addr NAME
#       configure the TAP rco0 in NAME-host once the bridge has created it
#   scripts/tap-loop.sh down NAME
#       delete both namespaces (and with them everything inside)
#   scripts/tap-loop.sh test OUTDIR --model hw|golden [--outer ipv4|ipv6] [--nopartial]
#                       [--partial] [--bytes N] [--fault rx-csum]
#       up + bridge + ping/UDP/TCP both ways + nstat + Ctrl-C of the bridge + down, results
#       in OUTDIR (read by tests/it/tap_loop.rs); the rco-nic binary is $RCO_NIC or
#       target/release/rco-nic
#
# Topology (addresses are documentation ranges, inside the namespaces only):
#
#   NAME-host                                         NAME-peer
#   rco0  TAP made by `rco-nic tap` (IFF_VNET_HDR)     vx0  Linux VXLAN VNI 42, dstport 4789,
#     198.51.100.1/24, 2001:db8:100::1/64                 udpcsum remcsumtx remcsumrx
#       |  rco-nic tap --model M                          [REMCSUM_NOPARTIAL: --nopartial]
#       |  (the NIC: TX encap + RCO, RX decap)            198.51.100.2/24, 2001:db8:100::2/64
#   wire0 (raw socket, promiscuous) <-- veth -->    veth0 02:00:00:00:00:02
#     no addresses: the NIC is 02:00:00:00:00:01,       192.0.2.2/24, 2001:db8::2/64
#     192.0.2.1 / 2001:db8::1 on the wire               neighbour 192.0.2.1 / 2001:db8::1
#                                                        -> 02:00:00:00:00:01 (static)
#
# Offloads are off on both veth ends (tx/rx checksum, tso, gso, gro), so the frames the raw
# socket reads hold finished outer checksums (real wire bytes) and the peer verifies ours in
# software; vx0 keeps checksum offload (its CHECKSUM_PARTIAL frames are the ones remcsumtx
# sends with RCO) but not tso/gso/gro, so every inner segment is its own frame.  The bridge runs in
# NAME-host; its TAP disappears when it exits.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
MKVXLAN="$ROOT/golden/kernel/mkvxlan.py"
TRAFFIC="$HERE/tap_traffic.py"

log() { echo "tap-loop.sh: $*" >&2; }
die() { log "$*"; exit 1; }

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }

need_root() {
    [ "$(id -u)" -eq 0 ] || die "must run as root"
    for tool in ip ethtool python3 timeout; do
        command -v "$tool" >/dev/null || die "missing tool: $tool"
    done
}

# up NAME OUTER NOPARTIAL(0|1)
do_up() {
    local name=$1 outer=$2 nopartial=$3
    local H="$name-host" P="$name-peer"
    ip netns add "$H"
    ip netns add "$P"
    ip -n "$H" link set lo up
    ip -n "$P" link set lo up
    ip -n "$H" link add wire0 mtu 1600 type veth peer name veth0 mtu 1600 netns "$P"
    # the wire end is the NIC's port: no IP stack of its own
    ip netns exec "$H" sysctl -qw net.ipv6.conf.wire0.disable_ipv6=1
    # wire0 keeps a MAC of its own: frames to the NIC's MAC are "other host" to this stack,
    # which drops them unseen; the NIC's raw socket reads them in promiscuous mode
    ip -n "$H" link set wire0 addrgenmode none
    ip -n "$P" link set veth0 address 02:00:00:00:00:02 addrgenmode none
    ip -n "$P" addr add 192.0.2.2/24 dev veth0
    ip -n "$P" addr add 2001:db8::2/64 dev veth0 nodad
    timeout 10 ip netns exec "$H" ethtool -K wire0 tx off rx off tso off gso off gro off >/dev/null
    timeout 10 ip netns exec "$P" ethtool -K veth0 tx off rx off tso off gso off gro off >/dev/null
    ip -n "$H" link set wire0 up
    ip -n "$P" link set veth0 up
    # nothing answers ARP/ND for the NIC's address: the peer knows it
    ip -n "$P" neigh add 192.0.2.1 lladdr 02:00:00:00:00:01 dev veth0 nud permanent
    ip -n "$P" neigh add 2001:db8::1 lladdr 02:00:00:00:00:01 dev veth0 nud permanent
    local remote=192.0.2.1 local=192.0.2.2
    if [ "$outer" = ipv6 ]; then remote=2001:db8::1 local=2001:db8::2; fi
    local np=()
    [ "$nopartial" = 1 ] && np=(--nopartial)
    timeout 10 ip netns exec "$P" python3 "$MKVXLAN" --name vx0 --vni 42 --remote "$remote" \
        --local "$local" --dstport 4789 --mac 02:00:00:00:2a:02 --mtu 1500 "${np[@]}"
    local show
    show=$(timeout 10 ip netns exec "$P" python3 "$MKVXLAN" --show vx0)
    log "peer $show"
    case "$show" in *"udpcsum=1"*"remcsumtx=1 remcsumrx=1"*) ;; *) die "unexpected vxlan config: $show" ;; esac
    if [ "$nopartial" = 1 ]; then
        case "$show" in *remcsum_nopartial*) ;; *) die "REMCSUM_NOPARTIAL not set" ;; esac
    fi
    ip -n "$P" link set vx0 addrgenmode none
    # checksum offload stays on (CHECKSUM_PARTIAL is what remcsumtx turns into RCO); tso/gso
    # off, else the peer sends GSO segments; gro off, so every segment is judged on its own
    timeout 10 ip netns exec "$P" ethtool -K vx0 tso off gso off gro off >/dev/null
    ip -n "$P" addr add 198.51.100.2/24 dev vx0
    ip -n "$P" addr add 2001:db8:100::2/64 dev vx0 nodad
    ip -n "$P" link set vx0 up
}

do_addr() {
    local H="$1-host"
    # a short queue in front of a NIC model far slower than the host (the default 1000
    # frames would hold minutes of traffic, longer than TCP's retransmission timer)
    ip -n "$H" link set rco0 addrgenmode none mtu 1500 txqueuelen 32
    timeout 10 ip netns exec "$H" ethtool -K rco0 tso off gso off gro off >/dev/null 2>&1 || true
    ip -n "$H" addr add 198.51.100.1/24 dev rco0
    ip -n "$H" addr add 2001:db8:100::1/64 dev rco0 nodad
    ip -n "$H" link set rco0 up
}

do_down() {
    ip netns del "$1-host" 2>/dev/null || true
    ip netns del "$1-peer" 2>/dev/null || true
}

bridge_args() {   # OUTER
    if [ "$1" = ipv6 ]; then
        echo "--outer ipv6 --src-ip 2001:db8::1 --dst-ip 2001:db8::2"
    else
        echo "--outer ipv4 --src-ip 192.0.2.1 --dst-ip 192.0.2.2"
    fi
}

cmd=${1:-}
[ -n "$cmd" ] || usage
shift

case "$cmd" in
up)
    need_root
    [ $# -ge 1 ] || usage
    name=$1; shift
    outer=ipv4 nopartial=0
    while [ $# -gt 0 ]; do
        case "$1" in
        --outer) outer=$2; shift 2 ;;
        --nopartial) nopartial=1; shift ;;
        *) usage ;;
        esac
    done
    do_up "$name" "$outer" "$nopartial" || { do_down "$name"; exit 1; }
    cat >&2 <<EOF
tap-loop.sh: namespaces $name-host and $name-peer are up.  Next:
  ip netns exec $name-host target/release/rco-nic tap --model hw --tap rco0 --wire wire0 \\
      $(bridge_args "$outer") --src-mac 02:00:00:00:00:01 --dst-mac 02:00:00:00:00:02 &
  scripts/tap-loop.sh addr $name
  ip netns exec $name-host ping -c 3 198.51.100.2
  ip netns exec $name-peer ping -c 3 2001:db8:100::1
  kill -INT %1; scripts/tap-loop.sh down $name
EOF
    ;;
addr)
    need_root
    [ $# -eq 1 ] || usage
    do_addr "$1"
    ;;
down)
    [ $# -eq 1 ] || usage
    do_down "$1"
    ;;
test)
    need_root
    [ $# -ge 1 ] || usage
    OUT=$1; shift
    model=hw outer=ipv4 nopartial=0 partial=0 bytes=1000000 fault=
    while [ $# -gt 0 ]; do
        case "$1" in
        --model) model=$2; shift 2 ;;
        --outer) outer=$2; shift 2 ;;
        --nopartial) nopartial=1; shift ;;
        --partial) partial=1; shift ;;
        --bytes) bytes=$2; shift 2 ;;
        --fault) fault=$2; shift 2 ;;
        *) usage ;;
        esac
    done
    RCO_NIC=${RCO_NIC:-$ROOT/target/release/rco-nic}
    [ -x "$RCO_NIC" ] || die "no rco-nic binary at $RCO_NIC (cargo build --release)"
    mkdir -p "$OUT"
    NAME="rco-tap-$$"
    H="$NAME-host" P="$NAME-peer"
    BRIDGE_PID= SERVER_PID= WATCHDOG_PID=
    cleanup() {
        local rc=$?
        set +e
        trap - EXIT INT TERM
        for p in $BRIDGE_PID $SERVER_PID; do kill -TERM "$p" 2>/dev/null; done
        for p in $BRIDGE_PID $SERVER_PID; do timeout 5 tail --pid="$p" -f /dev/null 2>/dev/null; kill -KILL "$p" 2>/dev/null; done
        [ -n "$WATCHDOG_PID" ] && kill "$WATCHDOG_PID" 2>/dev/null
        do_down "$NAME"
        [ "$rc" -ne 0 ] && log "FAILED (exit $rc)"
        exit "$rc"
    }
    trap cleanup EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    # the whole run is bounded (a hardware-model run of 1 MB each way takes 1.5 minutes on a
    # quiet 2-core machine, several on a loaded one)
    # (its sleep holds no pipe of the caller open and dies with it)
    (
        sleep "${TAP_LOOP_LIMIT:-900}" >/dev/null 2>&1 &
        spid=$!
        trap 'kill $spid 2>/dev/null; exit 0' TERM
        wait $spid
        log "watchdog: taking too long, aborting"
        kill -TERM $$
    ) &
    WATCHDOG_PID=$!

    do_up "$NAME" "$outer" "$nopartial"
    extra=()
    [ "$partial" = 1 ] && extra+=(--partial)
    [ -n "$fault" ] && extra+=(--fault "$fault")
    # shellcheck disable=SC2046
    ip netns exec "$H" "$RCO_NIC" tap --model "$model" --tap rco0 --wire wire0 $(bridge_args "$outer") \
        --src-mac 02:00:00:00:00:01 --dst-mac 02:00:00:00:00:02 --status 5 "${extra[@]}" \
        >"$OUT/bridge.log" 2>&1 &
    BRIDGE_PID=$!
    n=0
    until ip -n "$H" link show rco0 >/dev/null 2>&1; do
        n=$((n + 1))
        kill -0 "$BRIDGE_PID" 2>/dev/null || die "bridge exited: $(cat "$OUT/bridge.log")"
        [ "$n" -gt 100 ] && die "bridge made no TAP in 10 s"
        sleep 0.1
    done
    do_addr "$NAME"

    ip netns exec "$P" timeout 900 python3 "$TRAFFIC" serve --addr 198.51.100.2 --addr 2001:db8:100::2 \
        --port 5001 --timeout 890 >"$OUT/server.log" 2>&1 &
    SERVER_PID=$!
    n=0
    until grep -q ready "$OUT/server.log" 2>/dev/null; do
        n=$((n + 1))
        [ "$n" -gt 50 ] && die "traffic server did not start: $(cat "$OUT/server.log")"
        sleep 0.1
    done

    # ping both ways over both overlay families (the first also resolves ARP / ND)
    : >"$OUT/ping.txt"
    for dir in "$H 198.51.100.2" "$H 2001:db8:100::2" "$P 198.51.100.1" "$P 2001:db8:100::1"; do
        set -- $dir
        if timeout 30 ip netns exec "$1" ping -c 3 -i 0.2 -W 5 "$2" >"$OUT/ping.log" 2>&1; then r=ok; else r=failed; fi
        echo "ping ${1##*-} $2 $r $(grep -o '[0-9]* received' "$OUT/ping.log" || true)" >>"$OUT/ping.txt"
    done
    log "$(tr '\n' ';' <"$OUT/ping.txt")"

    # UDP echoes both ways and TCP: PUT = host -> peer, GET = peer -> host; then IPv6 overlay
    t0=$(date +%s.%N)
    # (a fault run expects losses: short timeouts keep it short)
    waits=(--timeout 120 --udp-timeout 2)
    [ -n "$fault" ] && waits=(--timeout 5 --udp-timeout 0.3)
    timeout 600 ip netns exec "$H" python3 "$TRAFFIC" client --dst 198.51.100.2 --port 5001 \
        --put "$bytes" --get "$bytes" "${waits[@]}" >"$OUT/traffic-v4.json" 2>"$OUT/client.log" || true
    timeout 200 ip netns exec "$H" python3 "$TRAFFIC" client --dst 2001:db8:100::2 --port 5001 \
        --put 65536 --get 65536 "${waits[@]}" >"$OUT/traffic-v6.json" 2>>"$OUT/client.log" || true
    t1=$(date +%s.%N)
    log "traffic: $(cat "$OUT/traffic-v4.json" "$OUT/traffic-v6.json" | tr -d '\n' | cut -c1-600)"
    echo "traffic_seconds $(python3 -c "print(round($t1 - $t0, 3))")" >"$OUT/timing.txt"

    for ns in "$H" "$P"; do
        ip netns exec "$ns" nstat -saz >"$OUT/nstat-${ns##*-}.txt"
    done

    # Ctrl-C: the bridge must exit 0 with a last status line, its TAP gone
    kill -INT "$BRIDGE_PID"
    rc=0
    timeout 10 tail --pid="$BRIDGE_PID" -f /dev/null || rc=1
    wait "$BRIDGE_PID" || rc=$?
    BRIDGE_PID=
    echo "bridge_exit $rc" >>"$OUT/timing.txt"
    if ip -n "$H" link show rco0 >/dev/null 2>&1; then echo "tap_left 1"; else echo "tap_left 0"; fi >>"$OUT/timing.txt"
    tail -n 1 "$OUT/bridge.log" >&2
    ;;
*)
    usage
    ;;
esac
