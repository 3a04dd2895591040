// Pure HTTP-check protocol pieces: the request bytes and the status-line verdict.
// HAProxy `option httpchk [METH] [URI] [VER]` + `http-check expect [!] status|rstatus`.

import type { HttpExpect } from '../config/model.js';

export interface HttpCheckRequest {
  readonly method: string;
  readonly uri: string;
  readonly version: string;
  readonly host?: string;
}

/**
 * The check request. HAProxy sends exactly the configured line; for HTTP/1.1 without a
 * configured Host, halb adds one (the checked address) because HTTP/1.1 servers such
 * as the Kubernetes API server answer 400 to a request with no Host header (RFC 9112
 * §3.2), which would read as a false "Layer7 wrong status".
 */
export function buildHttpCheckRequest(req: HttpCheckRequest, fallbackHost: string): string {
  const lines = [`${req.method} ${req.uri} ${req.version}`];
  const host = req.host ?? (req.version === 'HTTP/1.1' ? fallbackHost : undefined);
  if (host !== undefined) lines.push(`Host: ${host}`);
  lines.push('User-Agent: halb-health-check', 'Accept: */*', 'Connection: close');
  return lines.join('\r\n') + '\r\n\r\n';
}

export type StatusLine = { readonly kind: 'need-more' } | { readonly kind: 'invalid'; readonly line: string } | { readonly kind: 'status'; readonly code: number; readonly text: string };

const MAX_STATUS_LINE = 8192;

/** Parse the status line from the bytes received so far (latin1 text). */
export function parseStatusLine(received: string, ended: boolean): StatusLine {
  const eol = received.indexOf('\n');
  if (eol < 0) {
    if (!ended && received.length < MAX_STATUS_LINE) return { kind: 'need-more' };
    return { kind: 'invalid', line: received.slice(0, 80) };
  }
  const line = received.slice(0, eol).replace(/\r$/, '');
  const m = /^HTTP\/\d(?:\.\d)? (\d{3})(?: (.*))?$/.exec(line);
  if (!m) return { kind: 'invalid', line: line.slice(0, 80) };
  return { kind: 'status', code: Number(m[1]), text: m[2] ?? '' };
}

/** Parse "200", "200-399", "200,204,300-399" into inclusive ranges; undefined if malformed. */
export function parseStatusRanges(value: string): Array<[number, number]> | undefined {
  const out: Array<[number, number]> = [];
  for (const part of value.split(',')) {
    const m = /^\s*(\d{3})(?:\s*-\s*(\d{3}))?\s*$/.exec(part);
    if (!m) return undefined;
    const lo = Number(m[1]);
    const hi = m[2] !== undefined ? Number(m[2]) : lo;
    if (hi < lo) return undefined;
    out.push([lo, hi]);
  }
  return out.length ? out : undefined;
}

/** Without `http-check expect`, HAProxy accepts 2xx and 3xx. */
export function statusMatches(code: number, expect: HttpExpect | undefined): boolean {
  if (!expect) return code >= 200 && code <= 399;
  let hit: boolean;
  if (expect.kind === 'status') {
    const ranges = parseStatusRanges(expect.value);
    hit = ranges !== undefined && ranges.some(([lo, hi]) => code >= lo && code <= hi);
  } else {
    let re: RegExp | undefined;
    try {
      re = new RegExp(expect.value);
    } catch {
      re = undefined;
    }
    hit = re !== undefined && re.test(String(code));
  }
  return expect.negate ? !hit : hit;
}
