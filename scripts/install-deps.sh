#!/usr/bin/env bash
# Debian packages the tests and benchmarks use: the real haproxy and keepalived to compare
# and interoperate with, iproute2 for network namespaces, tshark to decode VRRP captures,
# nftables for the hand-over forwarding rule (src/vip/stray-forward.ts), wrk for load, chromium for the stats page, python3 + make + a C compiler for node-gyp to build
# the native addon (native/, built by `npm ci`). Idempotent; needs root.
set -euo pipefail
PKGS=(haproxy keepalived iproute2 nftables iputils-ping iputils-arping tshark tcpdump wrk chromium procps psmisc curl python3 make gcc g++)
missing=()
for p in "${PKGS[@]}"; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p"); done
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then echo "install-deps: need root to install: ${missing[*]}" >&2; exit 1; fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# Debian starts the packaged daemons on install; tests run their own instances.
for s in haproxy keepalived; do (systemctl stop "$s" 2>/dev/null || service "$s" stop 2>/dev/null || true) >/dev/null; done

echo "install-deps: ok"
