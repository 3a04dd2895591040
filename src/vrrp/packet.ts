// VRRP advertisement codec: VRRPv2 (RFC 3768, IPv4) and VRRPv3 (RFC 5798, IPv4 and IPv6).
// Pure module: bytes in, values out; no node:* import, no clock. Malformed input is a value
// (`DecodeResult` with a reason), never an exception.
//
// Wire formats (the VRRP message only; the IP header is the transport's business):
//
//   v2 (RFC 3768 §5.1)                          v3 (RFC 5798 §5.1)
//   0      version(4) | type(4)                 0      version(4) | type(4)
//   1      virtual router id                    1      virtual router id
//   2      priority                             2      priority
//   3      count IP addrs                       3      count IPvX addrs
//   4      auth type                            4-5    rsvd(4) | max adver int(12), centiseconds
//   5      adver int, seconds
//   6-7    checksum                             6-7    checksum
//   8...   n × 4-byte IPv4 addresses            8...   n × 4 (IPv4) or 16 (IPv6) bytes
//   +8     authentication data (8 bytes)
//
// Checksums: v2 covers the VRRP message only (RFC 3768 §5.3.8). v3 covers the message plus
// the IP pseudo-header (RFC 5798 §5.2.8), which is what keepalived sends by default; some
// routers compute the v3-over-IPv4 checksum v2-style, so that is a switch (`pseudoHeader`).
// IPv6 always uses the pseudo-header (RFC 2460 §8.1 makes it mandatory for upper layers).

import { internetChecksum } from './checksum.js';
import { addressBytes, formatAddress, type Family } from './address.js';

export const IPPROTO_VRRP = 112;
export const VRRP_TYPE_ADVERTISEMENT = 1;
export const VRRP_MULTICAST_V4 = '224.0.0.18';
export const VRRP_MULTICAST_V6 = 'ff02::12';
/** RFC 5798 §5.1.1.3 / RFC 3768 §5.2.3: adverts are sent, and must arrive, with TTL 255. */
export const VRRP_TTL = 255;

export const AUTH_NONE = 0;
/** RFC 2338 "simple text password"; RFC 3768 keeps it for compatibility (keepalived PASS). */
export const AUTH_PASS = 1;
export const AUTH_DATA_LEN = 8;

const HEADER_LEN = 8;
const EMPTY = new Uint8Array(0);

export interface Advert {
  readonly version: 2 | 3;
  readonly family: Family;
  readonly vrid: number;
  readonly priority: number;
  /** Advertisement interval in ms (v2: whole seconds on the wire; v3: centiseconds). */
  readonly advertInt: number;
  /** Virtual addresses carried in the advert, canonical text. */
  readonly addresses: readonly string[];
  /** v2 only: 0 none, 1 PASS (2 = IP AH, obsolete). Always 0 for v3. */
  readonly authType: number;
  /** v2 only: the 8 authentication bytes (zeros when auth is none). Empty for v3. */
  readonly authData: Uint8Array;
  /** v3 only: the 4 reserved bits (must be sent as 0, ignored on receipt; kept to re-encode exactly). */
  readonly reserved: number;
}

export interface DecodedAdvert extends Advert {
  /** Checksum field as received. */
  readonly checksum: number;
  /** Whether `checksum` matched the one we computed for the given addressing and mode. */
  readonly checksumOk: boolean;
}

/** IP addressing needed to compute or verify a v3 pseudo-header checksum. */
export interface ChecksumContext {
  readonly src: string;
  readonly dst: string;
  /** v3 over IPv4: include the pseudo-header (keepalived default). Ignored for v2 and IPv6. */
  readonly pseudoHeader: boolean;
}

export type DecodeFailure = 'short' | 'bad-version' | 'bad-type' | 'truncated' | 'bad-length' | 'bad-family';

export type DecodeResult = { readonly ok: true; readonly advert: DecodedAdvert } | { readonly ok: false; readonly reason: DecodeFailure; readonly detail: string };

function addressLength(family: Family): number {
  return family === 4 ? 4 : 16;
}

function expectedLength(version: 2 | 3, family: Family, count: number): number {
  return HEADER_LEN + count * addressLength(family) + (version === 2 ? AUTH_DATA_LEN : 0);
}

/** The v2 PASS authentication data: password truncated/zero-padded to 8 bytes (keepalived does the same). */
export function passwordAuthData(password: string): Uint8Array {
  const out = new Uint8Array(AUTH_DATA_LEN);
  const bytes = new TextEncoder().encode(password);
  out.set(bytes.subarray(0, AUTH_DATA_LEN));
  return out;
}

function pseudoHeader(family: Family, src: string, dst: string, length: number): Uint8Array | undefined {
  const s = addressBytes(src, family);
  const d = addressBytes(dst, family);
  if (!s || !d) return undefined;
  if (family === 4) {
    const p = new Uint8Array(12);
    p.set(s, 0);
    p.set(d, 4);
    p[9] = IPPROTO_VRRP;
    p[10] = (length >> 8) & 0xff;
    p[11] = length & 0xff;
    return p;
  }
  const p = new Uint8Array(40);
  p.set(s, 0);
  p.set(d, 16);
  p[32] = (length >>> 24) & 0xff;
  p[33] = (length >>> 16) & 0xff;
  p[34] = (length >>> 8) & 0xff;
  p[35] = length & 0xff;
  p[39] = IPPROTO_VRRP;
  return p;
}

/**
 * Checksum of `msg` (its checksum field treated as zero). Returns undefined when a needed
 * pseudo-header address is not a valid address of the family.
 */
function computeChecksum(msg: Uint8Array, version: 2 | 3, family: Family, ctx: ChecksumContext): number | undefined {
  // A copy: `msg` may be a node Buffer, whose slice() is a view; zeroing through it would alter
  // the received packet (which the repeat fast path compares byte for byte later).
  const zeroed = new Uint8Array(msg);
  if (zeroed.length >= HEADER_LEN) {
    zeroed[6] = 0;
    zeroed[7] = 0;
  }
  const usePseudo = version === 3 && (family === 6 || ctx.pseudoHeader);
  if (!usePseudo) return internetChecksum([zeroed]);
  const ph = pseudoHeader(family, ctx.src, ctx.dst, zeroed.length);
  if (!ph) return undefined;
  return internetChecksum([ph, zeroed]);
}

export class EncodeError extends Error {
  readonly code = 'VRRP_ENCODE';
}

/**
 * Encode an advert. Our own adverts come from validated config, so an out-of-range field is a
 * programming error and throws `EncodeError` (received packets never go through here).
 */
export function encodeAdvert(a: Advert, ctx: ChecksumContext): Uint8Array {
  if (a.version === 2 && a.family !== 4) throw new EncodeError('VRRPv2 is IPv4 only (RFC 3768)');
  if (a.vrid < 1 || a.vrid > 255 || !Number.isInteger(a.vrid)) throw new EncodeError(`bad VRID ${a.vrid}`);
  if (a.priority < 0 || a.priority > 255 || !Number.isInteger(a.priority)) throw new EncodeError(`bad priority ${a.priority}`);
  if (a.addresses.length > 255) throw new EncodeError('more than 255 addresses');
  const alen = addressLength(a.family);
  const len = expectedLength(a.version, a.family, a.addresses.length);
  const msg = new Uint8Array(len);
  msg[0] = (a.version << 4) | VRRP_TYPE_ADVERTISEMENT;
  msg[1] = a.vrid;
  msg[2] = a.priority;
  msg[3] = a.addresses.length;
  if (a.version === 2) {
    const secs = a.advertInt / 1000;
    if (!Number.isInteger(secs) || secs < 1 || secs > 255) throw new EncodeError(`v2 advert interval must be 1-255 s, got ${a.advertInt} ms`);
    msg[4] = a.authType & 0xff;
    msg[5] = secs;
  } else {
    const cs = Math.round(a.advertInt / 10);
    if (cs < 1 || cs > 0xfff) throw new EncodeError(`v3 advert interval must be 10-40950 ms, got ${a.advertInt} ms`);
    const word = ((a.reserved & 0xf) << 12) | cs;
    msg[4] = word >> 8;
    msg[5] = word & 0xff;
  }
  a.addresses.forEach((addr, i) => {
    const b = addressBytes(addr, a.family);
    if (!b) throw new EncodeError(`not an IPv${a.family} address: ${addr}`);
    msg.set(b, HEADER_LEN + i * alen);
  });
  if (a.version === 2) {
    msg.set(a.authData.subarray(0, AUTH_DATA_LEN), HEADER_LEN + a.addresses.length * alen);
  }
  const sum = computeChecksum(msg, a.version, a.family, ctx);
  if (sum === undefined) throw new EncodeError(`pseudo-header addresses ${ctx.src} -> ${ctx.dst} are not IPv${a.family}`);
  msg[6] = sum >> 8;
  msg[7] = sum & 0xff;
  return msg;
}

/**
 * Decode a received VRRP message. `family` is the IP family it arrived on. The checksum is
 * verified against `ctx` and reported (not rejected) so `validate` can count it.
 */
export function decodeAdvert(msg: Uint8Array, family: Family, ctx: ChecksumContext): DecodeResult {
  if (msg.length < HEADER_LEN) return { ok: false, reason: 'short', detail: `${msg.length} bytes, header is ${HEADER_LEN}` };
  const version = msg[0]! >> 4;
  const type = msg[0]! & 0x0f;
  if (version !== 2 && version !== 3) return { ok: false, reason: 'bad-version', detail: `version ${version}` };
  if (version === 2 && family === 6) return { ok: false, reason: 'bad-family', detail: 'VRRPv2 over IPv6' };
  if (type !== VRRP_TYPE_ADVERTISEMENT) return { ok: false, reason: 'bad-type', detail: `type ${type}` };
  const count = msg[3]!;
  const want = expectedLength(version, family, count);
  // RFC 5798 §7.1 "MUST verify that the received packet contains the complete VRRP packet".
  if (msg.length < want) return { ok: false, reason: 'truncated', detail: `${msg.length} bytes, ${count} addresses need ${want}` };
  // Longer than the address count says: the count and the IP length disagree; keepalived
  // treats that as an invalid packet too rather than guessing which one is right.
  if (msg.length > want) return { ok: false, reason: 'bad-length', detail: `${msg.length} bytes, ${count} addresses need ${want}` };
  const alen = addressLength(family);
  const addresses: string[] = [];
  for (let i = 0; i < count; i++) {
    const off = HEADER_LEN + i * alen;
    addresses.push(formatAddress(msg.subarray(off, off + alen)));
  }
  const checksum = (msg[6]! << 8) | msg[7]!;
  const checksumOk = computeChecksum(msg, version, family, ctx) === checksum;
  // Object literals with one fixed shape (no spreads): this runs for every received packet.
  if (version === 2) {
    const authOff = HEADER_LEN + count * alen;
    const advert: DecodedAdvert = {
      version: 2,
      family,
      vrid: msg[1]!,
      priority: msg[2]!,
      advertInt: msg[5]! * 1000,
      addresses,
      authType: msg[4]!,
      authData: msg.slice(authOff, authOff + AUTH_DATA_LEN),
      reserved: 0,
      checksum,
      checksumOk,
    };
    return { ok: true, advert };
  }
  const word = (msg[4]! << 8) | msg[5]!;
  const advert: DecodedAdvert = {
    version: 3,
    family,
    vrid: msg[1]!,
    priority: msg[2]!,
    advertInt: (word & 0xfff) * 10,
    addresses,
    authType: 0,
    authData: EMPTY,
    reserved: word >> 12,
    checksum,
    checksumOk,
  };
  return { ok: true, advert };
}
