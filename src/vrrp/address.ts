// IP address <-> bytes for the VRRP codec. Strings at the edges, bytes on the wire.
// ipaddr.js is plain JavaScript with no node:* import, so this stays a pure module.
import ipaddr from 'ipaddr.js';

export type Family = 4 | 6;

// Fast path for IPv4, the common case on every received packet (ipaddr.js is general but ~10×
// slower). Strict dotted quad: four decimal parts 0-255, no leading zeros beyond "0".
const V4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

function v4Bytes(addr: string): Uint8Array | undefined {
  const m = V4.exec(addr);
  if (!m) return undefined;
  return Uint8Array.of(Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]));
}

/** Parse an address (no prefix) of the given family; undefined when it is not one. */
export function addressBytes(addr: string, family: Family): Uint8Array | undefined {
  if (family === 4) {
    const fast = v4Bytes(addr);
    if (fast) return fast;
  }
  try {
    const a = ipaddr.parse(addr);
    if (family === 4 && a.kind() === 'ipv4') return Uint8Array.from(a.toByteArray());
    if (family === 6 && a.kind() === 'ipv6') return Uint8Array.from(a.toByteArray());
  } catch {
    return undefined;
  }
  return undefined;
}

/** Canonical text: dotted quad for IPv4, RFC 5952 for IPv6. */
export function formatAddress(bytes: Uint8Array): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  return ipaddr.fromByteArray(Array.from(bytes)).toString();
}

/** Canonical form of an address as the user wrote it (strips a `/prefix`); undefined if invalid. */
export function canonicalAddress(addr: string): string | undefined {
  const slash = addr.indexOf('/');
  const bare = slash >= 0 ? addr.slice(0, slash) : addr;
  if (V4.test(bare)) return bare;
  if (!ipaddr.isValid(bare)) return undefined;
  const a = ipaddr.parse(bare);
  return formatAddress(Uint8Array.from(a.toByteArray()));
}

function addressFamily(addr: string): Family | undefined {
  const c = canonicalAddress(addr);
  if (c === undefined) return undefined;
  return c.includes(':') ? 6 : 4;
}

/**
 * Compare two addresses as unsigned big-endian integers (the VRRP tie-break, RFC 5798 §6.4.3:
 * "the one with the higher primary IP address" wins). Returns <0, 0, >0. Mixed families
 * compare by length (never happens inside one VRRP instance).
 */
export function compareAddresses(a: string, b: string): number {
  const a4 = v4Bytes(a);
  const b4 = v4Bytes(b);
  if (a4 && b4) {
    for (let i = 0; i < 4; i++) if (a4[i] !== b4[i]) return a4[i]! - b4[i]!;
    return 0;
  }
  const fa = addressFamily(a) ?? 4;
  const fb = addressFamily(b) ?? 4;
  const ba = addressBytes(canonicalAddress(a) ?? '', fa) ?? new Uint8Array(0);
  const bb = addressBytes(canonicalAddress(b) ?? '', fb) ?? new Uint8Array(0);
  if (ba.length !== bb.length) return ba.length - bb.length;
  for (let i = 0; i < ba.length; i++) {
    if (ba[i] !== bb[i]) return ba[i]! - bb[i]!;
  }
  return 0;
}
