#!/usr/bin/env bash
# Regenerates test/fixtures/vrrp/*.json: real VRRP adverts sent by the installed keepalived
# (Debian 2.2.7), used by test/unit/vrrp/golden.test.ts as golden packets.
#
# Topology (all created here, all removed on exit, also on failure):
#   netns hkA<pid> (keepalived, veth hkA<pid>a)  <-- veth -->  netns hkB<pid> (tcpdump, veth hkB<pid>b)
# Addresses 10.99.0.1/24 (A), 10.99.0.2/24 (B), fd00:99::1/64, fd00:99::2/64 (+ link-local).
# Nothing leaves the two namespaces. Needs root, keepalived, tcpdump, node.
#
# For each scenario keepalived runs ~5 s (long enough to become MASTER) (it sends adverts), then gets SIGTERM so
# the priority-0 "I am stopping" advert is captured too.
set -euo pipefail

if [ "$(id -u)" != 0 ]; then echo "capture-keepalived-adverts: needs root (network namespaces)" >&2; exit 1; fi
for b in keepalived tcpdump node ip; do command -v "$b" >/dev/null || { echo "missing $b" >&2; exit 1; }; done

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="${OUT:-$ROOT/test/fixtures/vrrp}"
SUF="$$"
NSA="hkA$SUF"; NSB="hkB$SUF"
VA="hkA${SUF}a"; VB="hkB${SUF}b"
VA="${VA:0:15}"; VB="${VB:0:15}"
TMP="$(mktemp -d /tmp/halb-kacap.XXXXXX)"
KPID=""; TPID=""

cleanup() {
  set +e
  [ -n "$KPID" ] && kill "$KPID" 2>/dev/null && wait "$KPID" 2>/dev/null
  [ -n "$TPID" ] && kill "$TPID" 2>/dev/null && wait "$TPID" 2>/dev/null
  ip netns del "$NSA" 2>/dev/null
  ip netns del "$NSB" 2>/dev/null
  rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

ip netns add "$NSA"
ip netns add "$NSB"
ip link add "$VA" netns "$NSA" type veth peer name "$VB" netns "$NSB"
for ns in "$NSA" "$NSB"; do
  ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
  ip -n "$ns" link set lo up
done
ip -n "$NSA" addr add 10.99.0.1/24 dev "$VA"
ip -n "$NSB" addr add 10.99.0.2/24 dev "$VB"
ip -n "$NSA" addr add fd00:99::1/64 dev "$VA" nodad
ip -n "$NSB" addr add fd00:99::2/64 dev "$VB" nodad
ip -n "$NSA" link set "$VA" up
ip -n "$NSB" link set "$VB" up
sleep 1

# capture NAME CONFIG-BODY: run keepalived with one vrrp_instance, capture what reaches B.
capture() {
  local name="$1" body="$2"
  local conf="$TMP/$name.conf" pcap="$TMP/$name.pcap"
  cat >"$conf" <<EOF
global_defs {
  router_id halb_capture
  enable_script_security
  vrrp_garp_master_delay 0
  vrrp_garp_master_repeat 1
}
vrrp_instance $name {
  interface $VA
$body
}
EOF
  ip netns exec "$NSB" tcpdump -i "$VB" -U -s 0 -w "$pcap" 'ip proto 112 or ip6 proto 112' 2>"$TMP/$name.tcpdump.log" &
  TPID=$!
  sleep 1
  ip netns exec "$NSA" keepalived --vrrp --dont-fork --log-console --no-syslog -f "$conf" \
    -p "$TMP/$name.pid" -r "$TMP/$name.vrrp.pid" >"$TMP/$name.keepalived.log" 2>&1 &
  KPID=$!
  sleep "${RUN_SECS:-5}"
  kill -TERM "$KPID"; wait "$KPID" || true; KPID=""
  sleep 0.5
  kill "$TPID"; wait "$TPID" || true; TPID=""
  node "$ROOT/scripts/pcap-to-vrrp-fixture.mjs" "$pcap" "$name" "$conf" >"$OUT/$name.json"
  local n; n="$(grep -c '"payload"' "$OUT/$name.json" || true)"
  echo "captured $OUT/$name.json ($n packets)"
  if [ "$n" = 0 ]; then
    echo "no VRRP packet captured for $name; keepalived said:" >&2
    cat "$TMP/$name.keepalived.log" >&2
    exit 1
  fi
}

mkdir -p "$OUT"

capture v2-pass-ipv4 "  state MASTER
  virtual_router_id 51
  priority 150
  advert_int 1
  version 2
  authentication {
    auth_type PASS
    auth_pass halbpw
  }
  virtual_ipaddress {
    10.99.0.100/24
    10.99.0.101/24
  }"

capture v3-ipv4 "  state MASTER
  virtual_router_id 52
  priority 200
  advert_int 0.5
  version 3
  virtual_ipaddress {
    10.99.0.110/24
    10.99.0.111/24
    10.99.0.112/24
  }"

capture v3-ipv6 "  state MASTER
  virtual_router_id 53
  priority 120
  advert_int 1
  version 3
  virtual_ipaddress {
    fd00:99::100/64
  }"

capture v3-ipv4-unicast "  state MASTER
  virtual_router_id 54
  priority 100
  advert_int 1
  version 3
  unicast_src_ip 10.99.0.1
  unicast_peer {
    10.99.0.2
  }
  virtual_ipaddress {
    10.99.0.120/24
  }"

capture v2-ipv4-unicast "  state MASTER
  virtual_router_id 55
  priority 254
  advert_int 1
  version 2
  unicast_src_ip 10.99.0.1
  unicast_peer {
    10.99.0.2
  }
  virtual_ipaddress {
    10.99.0.130/24
  }"
