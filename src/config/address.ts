// Addresses as written in haproxy.cfg and halb.yaml. Pure module (ipaddr.js is plain JS).
import ipaddr from 'ipaddr.js';
import type { Parsed } from './units.js';

export function isIp(text: string): boolean {
  return ipaddr.isValid(text) && (ipaddr.IPv4.isValidFourPartDecimal(text) || text.includes(':'));
}

export function ipFamily(text: string): 4 | 6 | undefined {
  if (!isIp(text)) return undefined;
  return text.includes(':') ? 6 : 4;
}

/** RFC 1123 host name (labels of letters, digits, hyphens; dots between). */
export function isHostname(text: string): boolean {
  return text.length <= 253 && /^(?=.*[A-Za-z_])[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\.?$/.test(text);
}

export interface HostPort {
  readonly host: string;
  /** undefined when the text had no port. */
  readonly port?: number;
}

/**
 * Splits `host:port`, `[v6]:port`, `v6:port` (HAProxy takes the last colon as the
 * port separator when the address is not bracketed), `*:port` and `:port`.
 * `ipv4@`/`ipv6@` prefixes are accepted as HAProxy does.
 */
export function splitHostPort(text: string, opts: { portRequired: boolean }): Parsed<HostPort> {
  let t = text;
  const proto = /^(ipv4|ipv6|tcp|tcp4|tcp6)@/.exec(t);
  if (proto) t = t.slice(proto[0].length);
  else if (/^[a-z0-9-]+@/.test(t) || t.startsWith('/')) return { ok: false, reason: `address '${text}': only IP sockets are supported (no unix sockets or other families)` };
  let host: string;
  let portText: string | undefined;
  if (t.startsWith('[')) {
    const end = t.indexOf(']');
    if (end < 0) return { ok: false, reason: `address '${text}': missing ']'` };
    host = t.slice(1, end);
    const rest = t.slice(end + 1);
    if (rest !== '' && !rest.startsWith(':')) return { ok: false, reason: `address '${text}': expected ':' after ']'` };
    portText = rest === '' ? undefined : rest.slice(1);
  } else {
    const idx = t.lastIndexOf(':');
    if (idx < 0 || (isIp(t) && t.includes(':') && !/:\d+$/.test(t))) {
      host = t;
      portText = undefined;
    } else {
      host = t.slice(0, idx);
      portText = t.slice(idx + 1);
    }
  }
  if (portText === undefined || portText === '') {
    if (opts.portRequired) return { ok: false, reason: `address '${text}' has no port` };
    return { ok: true, value: { host } };
  }
  if (!/^\d+$/.test(portText)) {
    if (/^\d+-\d+$/.test(portText)) return { ok: false, reason: `address '${text}': port ranges are not supported` };
    return { ok: false, reason: `address '${text}': invalid port '${portText}'` };
  }
  const port = Number(portText);
  if (port < 1 || port > 65535) return { ok: false, reason: `address '${text}': port ${port} is out of range 1-65535` };
  return { ok: true, value: { host, port } };
}

/** A listening address: '*' and '' mean all IPv4 addresses ('0.0.0.0'), like HAProxy. */
export function parseBindAddress(text: string): Parsed<{ address: string; port: number }> {
  const hp = splitHostPort(text, { portRequired: true });
  if (!hp.ok) return hp;
  const host = hp.value.host === '' || hp.value.host === '*' ? '0.0.0.0' : hp.value.host;
  if (!isIp(host)) return { ok: false, reason: `bind address '${host}' is not an IP address (halb does not resolve names to listen on)` };
  return { ok: true, value: { address: host, port: hp.value.port! } };
}
