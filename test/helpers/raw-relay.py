#!/usr/bin/env python3
# Test-only stand-in for a raw VRRP socket (until src/vrrp/socket-raw.ts is available): relays
# IP protocol 112 between a network namespace and a node test over stdin/stdout JSON lines.
#   out: {"src": "...", "dst": "...", "ttl": N, "hex": "<vrrp payload>"}   (one per received packet)
#   in:  {"hex": "<vrrp payload>", "dest": "<unicast peer>" | null}        (one per packet to send)
# IPv4 only. Usage: raw-relay.py IFNAME LOCAL_ADDRESS
import json, select, socket, sys

ifname, local = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, ifname.encode())
s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton('224.0.0.18') + socket.inet_aton(local))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(local))
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 255)
s.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, 255)
print(json.dumps({"ready": True}), flush=True)
stdin = sys.stdin.buffer
buf = b''
while True:
    r, _, _ = select.select([s, stdin], [], [])
    if s in r:
        data = s.recv(65535)
        ihl = (data[0] & 0x0f) * 4
        total = int.from_bytes(data[2:4], 'big')
        src = socket.inet_ntoa(data[12:16])
        if src == local:
            continue
        print(json.dumps({"src": src, "dst": socket.inet_ntoa(data[16:20]), "ttl": data[8], "hex": data[ihl:total].hex()}), flush=True)
    if stdin in r:
        chunk = stdin.read1(65536)
        if not chunk:
            break
        buf += chunk
        while b'\n' in buf:
            line, buf = buf.split(b'\n', 1)
            if not line.strip():
                continue
            msg = json.loads(line)
            s.sendto(bytes.fromhex(msg["hex"]), (msg.get("dest") or '224.0.0.18', 0))
