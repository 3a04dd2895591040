// Writes VRRP payloads into a pcap file (link type RAW: each record is a bare IPv4/IPv6 packet)
// so tshark can judge what our encoder produces.
import { internetChecksum } from '../../src/vrrp/checksum.js';
import { addressBytes } from '../../src/vrrp/address.js';

export interface IpPacket {
  readonly src: string;
  readonly dst: string;
  readonly ttl?: number;
  readonly payload: Uint8Array;
}

const LINKTYPE_RAW = 101;

export function ipPacket(p: IpPacket): Uint8Array {
  const v6 = p.src.includes(':');
  const ttl = p.ttl ?? 255;
  if (!v6) {
    const h = new Uint8Array(20);
    const total = 20 + p.payload.length;
    h[0] = 0x45;
    h[2] = total >> 8;
    h[3] = total & 0xff;
    h[8] = ttl;
    h[9] = 112;
    h.set(addressBytes(p.src, 4)!, 12);
    h.set(addressBytes(p.dst, 4)!, 16);
    const sum = internetChecksum([h]);
    h[10] = sum >> 8;
    h[11] = sum & 0xff;
    return concat([h, p.payload]);
  }
  const h = new Uint8Array(40);
  h[0] = 0x60;
  h[4] = p.payload.length >> 8;
  h[5] = p.payload.length & 0xff;
  h[6] = 112;
  h[7] = ttl;
  h.set(addressBytes(p.src, 6)!, 8);
  h.set(addressBytes(p.dst, 6)!, 24);
  return concat([h, p.payload]);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function pcapFile(packets: readonly IpPacket[]): Uint8Array {
  const g = Buffer.alloc(24);
  g.writeUInt32LE(0xa1b2c3d4, 0);
  g.writeUInt16LE(2, 4);
  g.writeUInt16LE(4, 6);
  g.writeUInt32LE(65535, 16);
  g.writeUInt32LE(LINKTYPE_RAW, 20);
  const parts: Uint8Array[] = [g];
  packets.forEach((p, i) => {
    const ip = ipPacket(p);
    const rh = Buffer.alloc(16);
    rh.writeUInt32LE(i, 0);
    rh.writeUInt32LE(ip.length, 8);
    rh.writeUInt32LE(ip.length, 12);
    parts.push(rh, ip);
  });
  return concat(parts);
}
