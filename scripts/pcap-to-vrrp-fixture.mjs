#!/usr/bin/env node
// Used by capture-keepalived-adverts.sh: reads a pcap (Ethernet link type), keeps the VRRP
// packets (IP protocol 112, IPv4 or IPv6), and prints a JSON fixture with each distinct packet's
// source, destination, TTL/hop limit and VRRP payload as hex. Identical packets are listed once.
import { readFileSync } from 'node:fs';

const [pcapPath, name, confPath] = process.argv.slice(2);
const buf = readFileSync(pcapPath);
const magic = buf.readUInt32LE(0);
const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
if (!le && buf.readUInt32BE(0) !== 0xa1b2c3d4 && buf.readUInt32BE(0) !== 0xa1b23c4d) throw new Error('not a pcap file');
const u32 = (o) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
const linktype = u32(20);
if (linktype !== 1) throw new Error(`unsupported link type ${linktype}`);

const ip4 = (b, o) => `${b[o]}.${b[o + 1]}.${b[o + 2]}.${b[o + 3]}`;
function ip6(b, o) {
  const parts = [];
  for (let i = 0; i < 16; i += 2) parts.push(((b[o + i] << 8) | b[o + i + 1]).toString(16));
  // RFC 5952 compression of the longest run of zero groups
  let best = -1,
    bestLen = 0;
  for (let i = 0; i < 8;) {
    if (parts[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && parts[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return parts.join(':');
  return `${parts.slice(0, best).join(':')}::${parts.slice(best + bestLen).join(':')}`;
}

const seen = new Set();
const packets = [];
let off = 24;
while (off + 16 <= buf.length) {
  const incl = u32(off + 8);
  const frame = buf.subarray(off + 16, off + 16 + incl);
  off += 16 + incl;
  let p = 12;
  let etype = frame.readUInt16BE(p);
  while (etype === 0x8100) {
    p += 4;
    etype = frame.readUInt16BE(p);
  }
  p += 2;
  let src, dst, ttl, payload;
  if (etype === 0x0800) {
    const ihl = (frame[p] & 0x0f) * 4;
    const total = frame.readUInt16BE(p + 2);
    if (frame[p + 9] !== 112) continue;
    ttl = frame[p + 8];
    src = ip4(frame, p + 12);
    dst = ip4(frame, p + 16);
    payload = frame.subarray(p + ihl, p + total);
  } else if (etype === 0x86dd) {
    if (frame[p + 6] !== 112) continue; // keepalived sends no extension headers
    const plen = frame.readUInt16BE(p + 4);
    ttl = frame[p + 7];
    src = ip6(frame, p + 8);
    dst = ip6(frame, p + 24);
    payload = frame.subarray(p + 40, p + 40 + plen);
  } else continue;
  const hex = Buffer.from(payload).toString('hex');
  const key = `${src} ${dst} ${hex}`;
  if (seen.has(key)) continue;
  seen.add(key);
  packets.push({ src, dst, ttl, payload: hex });
}

const fixture = {
  name,
  capturedWith: 'keepalived 2.2.7 (Debian) in a network namespace; scripts/capture-keepalived-adverts.sh',
  config: confPath
    ? readFileSync(confPath, 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
    : [],
  packets,
};
process.stdout.write(JSON.stringify(fixture, null, 2) + '\n');
