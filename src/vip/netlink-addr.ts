// rtnetlink address requests (RTM_NEWADDR / RTM_DELADDR), encoded as bytes: a pure codec, no
// node:* import. The native addon only sends the bytes and reads the ack (native/netlink.c), so
// every field is checked here, in unit tests, byte by byte.
//
// Layout (rtnetlink(7), linux/if_addr.h), host byte order as netlink requires:
//   struct nlmsghdr  { u32 len; u16 type; u16 flags; u32 seq; u32 pid; }          16 bytes
//   struct ifaddrmsg { u8 family; u8 prefixlen; u8 flags; u8 scope; u32 index; }    8 bytes
//   attributes       { u16 len; u16 type; data; padding to 4 }
// What `ip addr add A/P dev D [label L] [nodad]` sends (iproute2 ipaddr_modify): IFA_LOCAL and
// IFA_ADDRESS both = A (no peer), IFA_LABEL for IPv4, NLM_F_CREATE|NLM_F_EXCL (so an address
// already present answers EEXIST), flags IFA_F_NODAD in ifa_flags and IFA_FLAGS. `ip addr del`
// sends RTM_DELADDR with the same header and IFA_LOCAL/IFA_ADDRESS.
import { addressBytes, type Family } from '../vrrp/address.js';

export const RTM_NEWADDR = 20;
export const RTM_DELADDR = 21;
export const NLM_F_REQUEST = 0x1;
export const NLM_F_ACK = 0x4;
export const NLM_F_EXCL = 0x200;
export const NLM_F_CREATE = 0x400;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const IFA_ADDRESS = 1;
export const IFA_LOCAL = 2;
export const IFA_LABEL = 3;
export const IFA_FLAGS = 8;
export const IFA_F_NODAD = 0x02;
/** IFNAMSIZ - 1: the kernel stores labels in a 16-byte field with the NUL. */
const MAX_LABEL = 15;

export interface AddrRequest {
  readonly op: 'add' | 'del';
  readonly family: Family;
  readonly ifindex: number;
  /** Without `/prefix`. */
  readonly address: string;
  readonly prefix: number;
  /** IPv4 only (the kernel keeps no labels for IPv6 addresses). */
  readonly label?: string;
  /** IPv6: skip duplicate address detection (linux.ts says why). */
  readonly nodad?: boolean;
  readonly seq: number;
}

export type EncodeResult = { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false; readonly reason: string };

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

const align4 = (n: number): number => (n + 3) & ~3;

function labelBytes(label: string): Uint8Array | undefined {
  const out: number[] = [];
  for (const ch of label) {
    const c = ch.codePointAt(0)!;
    if (c < 0x21 || c > 0x7e) return undefined; // interface names are printable ASCII without spaces
    out.push(c);
  }
  return out.length > 0 && out.length <= MAX_LABEL ? Uint8Array.from([...out, 0]) : undefined;
}

/** Encodes one request; a value it cannot express is a reason, never an exception. */
export function encodeAddrRequest(r: AddrRequest, littleEndian = LITTLE_ENDIAN): EncodeResult {
  const addr = addressBytes(r.address, r.family);
  if (!addr) return { ok: false, reason: `not an IPv${r.family} address: ${r.address}` };
  const maxPrefix = r.family === 4 ? 32 : 128;
  if (!Number.isInteger(r.prefix) || r.prefix < 0 || r.prefix > maxPrefix) return { ok: false, reason: `prefix ${r.prefix} out of range 0-${maxPrefix}` };
  if (!Number.isInteger(r.ifindex) || r.ifindex <= 0 || r.ifindex > 0x7fffffff) return { ok: false, reason: `bad interface index ${r.ifindex}` };
  if (!Number.isInteger(r.seq) || r.seq < 0 || r.seq > 0xffffffff) return { ok: false, reason: `bad sequence number ${r.seq}` };
  let label: Uint8Array | undefined;
  if (r.label !== undefined && r.family === 4 && r.op === 'add') {
    label = labelBytes(r.label);
    if (!label) return { ok: false, reason: `bad label "${r.label}" (1-${MAX_LABEL} printable characters)` };
  }
  const flags = r.family === 6 && r.nodad && r.op === 'add' ? IFA_F_NODAD : 0;

  const attrs: Array<{ type: number; data: Uint8Array }> = [
    { type: IFA_LOCAL, data: addr },
    { type: IFA_ADDRESS, data: addr },
  ];
  if (label) attrs.push({ type: IFA_LABEL, data: label });
  if (flags) {
    const f = new Uint8Array(4);
    new DataView(f.buffer).setUint32(0, flags, littleEndian);
    attrs.push({ type: IFA_FLAGS, data: f });
  }
  const len = 16 + 8 + attrs.reduce((n, a) => n + align4(4 + a.data.length), 0);
  const bytes = new Uint8Array(len);
  const dv = new DataView(bytes.buffer);
  dv.setUint32(0, len, littleEndian);
  dv.setUint16(4, r.op === 'add' ? RTM_NEWADDR : RTM_DELADDR, littleEndian);
  dv.setUint16(6, NLM_F_REQUEST | NLM_F_ACK | (r.op === 'add' ? NLM_F_CREATE | NLM_F_EXCL : 0), littleEndian);
  dv.setUint32(8, r.seq, littleEndian);
  dv.setUint32(12, 0, littleEndian); // to the kernel
  bytes[16] = r.family === 4 ? AF_INET : AF_INET6;
  bytes[17] = r.prefix;
  bytes[18] = flags & 0xff;
  bytes[19] = 0; // RT_SCOPE_UNIVERSE, as `ip addr add` for a non-loopback address
  dv.setUint32(20, r.ifindex, littleEndian);
  let off = 24;
  for (const a of attrs) {
    dv.setUint16(off, 4 + a.data.length, littleEndian);
    dv.setUint16(off + 2, a.type, littleEndian);
    bytes.set(a.data, off + 4);
    off += align4(4 + a.data.length);
  }
  return { ok: true, bytes };
}

/** The `ip` command this request stands for, for error messages and logs. */
export function describeAddrRequest(r: Pick<AddrRequest, 'op' | 'address' | 'prefix' | 'label' | 'nodad' | 'family'>, ifname: string): string {
  const parts = ['ip', 'addr', r.op, `${r.address}/${r.prefix}`, 'dev', ifname];
  if (r.op === 'add' && r.label && r.family === 4) parts.push('label', r.label);
  if (r.op === 'add' && r.nodad && r.family === 6) parts.push('nodad');
  return parts.join(' ');
}
