// A small, strict HTTP/1.1 head parser (RFC 9112) for the proxy's fast path. It finds the end
// of a request or response head in a byte buffer, validates it and extracts only what the proxy
// needs to route and frame the message. Bodies are never parsed here (see chunked.ts).
//
// Strictness, on purpose (request smuggling defences, RFC 9112 §6.1/§6.3/§11.2):
//  - obs-fold (continuation lines) rejected; whitespace before ':' rejected;
//  - CTL characters other than HTAB in values rejected (this also rejects bare CR);
//  - Content-Length must be digits only; differing duplicates rejected;
//  - a request with both Transfer-Encoding and Content-Length is rejected; Transfer-Encoding
//    on a request must be exactly `chunked` (we don't implement other codings);
//  - HTTP/1.1 requests need exactly one Host (RFC 9112 §3.2);
//  - an absolute-form target must name the Host's authority, and authority-form goes with
//    CONNECT only (HAProxy's h1_headers_to_hdr_list: 400 otherwise).
// Line ends: CRLF, or a bare LF (RFC 9112 §2.2 allows recipients to accept it). What HAProxy
// accepts but re-emits in canonical form (it rebuilds every head from its parsed fields), halb
// marks `normalise` and the session rebuilds the head (rewrite.ts): bare-LF line ends, a
// Content-Length given as a list of equal values, repeated or with leading zeros, and a response
// with both Transfer-Encoding and Content-Length (the Content-Length is dropped). A peer behind
// us must never see a form that another parser could read differently.
//
// Pure: no node:* import; Buffer is only used through its global type.

export interface HeadLimits {
  /** Max bytes of the whole head including the blank line (HAProxy: bufsize - maxrewrite ≈ 15 KiB). */
  readonly maxHeadBytes: number;
  /** Max number of header fields (HAProxy `tune.http.maxhdr` default 101). */
  readonly maxHeaders: number;
}

export const DEFAULT_LIMITS: HeadLimits = { maxHeadBytes: 16384, maxHeaders: 101 };

interface HeadCommon {
  readonly versionMinor: 0 | 1;
  /** Flat list [name, value, name, value, ...] as received (value trimmed of OWS). */
  readonly headers: readonly string[];
  /** -1 when absent. */
  readonly contentLength: number;
  readonly chunked: boolean;
  /** Connection header tokens present (lowercase). */
  readonly connClose: boolean;
  readonly connKeepAlive: boolean;
  readonly connUpgrade: boolean;
  readonly hasConnectionHeader: boolean;
  /** The head must be re-serialised before it is forwarded (see the file comment). */
  readonly normalise: boolean;
  /** Offset of the first byte of the head (leading empty lines before a request are skipped). */
  readonly start: number;
  /** Offset just past the head's terminating empty line: bytes consumed. */
  readonly length: number;
}

export interface RequestHead extends HeadCommon {
  readonly method: string;
  readonly target: string;
  readonly upgrade?: string | undefined;
  readonly expectContinue: boolean;
}

export interface ResponseHead extends HeadCommon {
  readonly status: number;
  readonly reason: string;
  /** Transfer-Encoding present but not ending in chunked: body runs until close (RFC 9112 §6.3). */
  readonly teNotChunked: boolean;
  /** Both TE and CL were present: TE wins and the connection must not be reused. */
  readonly teAndCl: boolean;
}

export type ParseResult<T> = { readonly kind: 'ok'; readonly head: T } | { readonly kind: 'incomplete' } | { readonly kind: 'error'; readonly status: 400 | 431 | 502; readonly reason: string };

const INCOMPLETE = { kind: 'incomplete' } as const;

const DIGITS = /^\d{1,15}$/;

/**
 * Finds the end of a head (index just past the empty line) in buf[0..end), starting the
 * search at `from` (bytes before it are known not to contain the end). -1 if not found.
 */
export function findHeadEnd(buf: Uint8Array, end: number, from = 0): number {
  // From line end to line end with indexOf (memchr): a byte loop in JavaScript costs a few ns
  // per byte, a call about as much as a 15-byte loop, and heads have a few long lines.
  for (let i = buf.indexOf(0x0a, Math.max(0, from)); i >= 0 && i < end; i = buf.indexOf(0x0a, i + 1)) {
    // LF LF, or LF CR LF
    if (i + 1 < end && buf[i + 1] === 0x0a) return i + 2;
    if (i + 2 < end && buf[i + 1] === 0x0d && buf[i + 2] === 0x0a) return i + 3;
  }
  return -1;
}

function trimOws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && (s.charCodeAt(a) === 0x20 || s.charCodeAt(a) === 0x09)) a++;
  while (b > a && (s.charCodeAt(b - 1) === 0x20 || s.charCodeAt(b - 1) === 0x09)) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

interface Fields {
  /** Offsets [nameStart, nameEnd, valueStart, valueEnd, ...] into the buffer; strings are made lazily. */
  offsets: number[];
  contentLength: number;
  clConflict: boolean;
  te: string | undefined;
  connClose: boolean;
  connKeepAlive: boolean;
  connUpgrade: boolean;
  hasConnectionHeader: boolean;
  hostCount: number;
  hostStart: number;
  hostEnd: number;
  clCount: number;
  /** A line ended with a bare LF, or a Content-Length was not in canonical form. */
  normalise: boolean;
  upgrade: string | undefined;
  expectContinue: boolean;
}

// Byte classes (RFC 9110 §5.6.2 tchar; field-value = VCHAR / obs-text / SP / HTAB).
const TCHAR = new Uint8Array(256);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TCHAR[c.charCodeAt(0)] = 1;
const VCHAR = new Uint8Array(256);
for (let c = 0x21; c <= 0xff; c++) if (c !== 0x7f) VCHAR[c] = 1;
VCHAR[0x20] = 1;
VCHAR[0x09] = 1;

/** Case-insensitive compare of buf[at..at+lower.length) with an all-lowercase ASCII name. */
function nameIs(buf: Uint8Array, at: number, lower: string): boolean {
  for (let i = 0; i < lower.length; i++) {
    let c = buf[at + i]!;
    if (c >= 0x41 && c <= 0x5a) c |= 0x20;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Parses header fields in buf[pos..headEnd) byte by byte (no per-line strings or regexes on the
 * hot path). Returns an error reason string, or the fields.
 */
function parseFields(buf: Buffer, pos: number, headEnd: number, limits: HeadLimits): Fields | string {
  const f: Fields = {
    offsets: [],
    contentLength: -1,
    clConflict: false,
    te: undefined,
    connClose: false,
    connKeepAlive: false,
    connUpgrade: false,
    hasConnectionHeader: false,
    hostCount: 0,
    hostStart: 0,
    hostEnd: 0,
    clCount: 0,
    normalise: false,
    upgrade: undefined,
    expectContinue: false,
  };
  let count = 0;
  for (;;) {
    let c = buf[pos]!;
    if (c === 0x0d) return f; // the empty line ending the head (findHeadEnd checked it)
    if (c === 0x0a) {
      f.normalise = true;
      return f;
    }
    if (c === 0x20 || c === 0x09) return 'obs-fold line';
    if (++count > limits.maxHeaders) return 'too many headers';
    const nameStart = pos;
    while (TCHAR[buf[pos]!] === 1) pos++;
    if (pos === nameStart) return 'header line without name';
    if (buf[pos] !== 0x3a /* : */) return 'invalid header name';
    const nameEnd = pos;
    pos++;
    while (buf[pos] === 0x20 || buf[pos] === 0x09) pos++;
    const valueStart = pos;
    while (VCHAR[(c = buf[pos]!)] === 1) pos++;
    let valueEnd = pos;
    if (c === 0x0d) {
      if (buf[pos + 1] !== 0x0a) return 'invalid character in header value';
      pos += 2;
    } else if (c === 0x0a) {
      pos += 1;
      f.normalise = true;
    } else {
      return 'invalid character in header value';
    }
    while (valueEnd > valueStart && (buf[valueEnd - 1] === 0x20 || buf[valueEnd - 1] === 0x09)) valueEnd--;
    f.offsets.push(nameStart, nameEnd, valueStart, valueEnd);
    // Only a few names matter; compare by length first to stay cheap.
    switch (nameEnd - nameStart) {
      case 4:
        if (nameIs(buf, nameStart, 'host')) {
          f.hostCount++;
          f.hostStart = valueStart;
          f.hostEnd = valueEnd;
        }
        break;
      case 6:
        if (nameIs(buf, nameStart, 'expect') && buf.toString('latin1', valueStart, valueEnd).toLowerCase() === '100-continue') f.expectContinue = true;
        break;
      case 7:
        if (nameIs(buf, nameStart, 'upgrade')) f.upgrade = buf.toString('latin1', valueStart, valueEnd);
        break;
      case 10:
        if (nameIs(buf, nameStart, 'connection')) {
          f.hasConnectionHeader = true;
          for (const t of buf.toString('latin1', valueStart, valueEnd).split(',')) {
            const tok = trimOws(t).toLowerCase();
            if (tok === 'close') f.connClose = true;
            else if (tok === 'keep-alive') f.connKeepAlive = true;
            else if (tok === 'upgrade') f.connUpgrade = true;
          }
        }
        break;
      case 14:
        if (nameIs(buf, nameStart, 'content-length')) {
          // HAProxy keeps one Content-Length with the value in canonical form.
          if (++f.clCount > 1) f.normalise = true;
          // Fast path: plain digits, read straight from the bytes.
          let n = 0;
          let i = valueStart;
          while (i < valueEnd && buf[i]! >= 0x30 && buf[i]! <= 0x39) n = n * 10 + (buf[i++]! - 0x30);
          if (i === valueEnd && i > valueStart && i - valueStart <= 15) {
            if (buf[valueStart] === 0x30 && i - valueStart > 1) f.normalise = true;
            if (f.contentLength >= 0 && f.contentLength !== n) f.clConflict = true;
            f.contentLength = n;
            break;
          }
          // RFC 9110 §8.6: a list of identical values may be accepted as one.
          f.normalise = true;
          for (const part of buf.toString('latin1', valueStart, valueEnd).split(',')) {
            const v = trimOws(part);
            if (!DIGITS.test(v)) return 'invalid content-length';
            const n = Number(v);
            if (f.contentLength >= 0 && f.contentLength !== n) f.clConflict = true;
            f.contentLength = n;
          }
        }
        break;
      case 17:
        if (nameIs(buf, nameStart, 'transfer-encoding')) {
          const v = buf.toString('latin1', valueStart, valueEnd);
          f.te = f.te === undefined ? v : `${f.te}, ${v}`;
        }
        break;
    }
    if (pos >= headEnd) return f;
  }
}

/** Last coding of a Transfer-Encoding list, lowercase. */
function lastCoding(te: string): string {
  const parts = te.split(',');
  return trimOws(parts[parts.length - 1]!).toLowerCase();
}

/** Where the first line ends (before CR LF or LF) and where the fields start. */
function firstLineEnd(buf: Buffer, start: number, headEnd: number): { end: number; next: number } {
  const lf = buf.indexOf(0x0a, start);
  const stop = lf < 0 || lf >= headEnd ? headEnd : lf;
  return { end: stop > start && buf[stop - 1] === 0x0d ? stop - 1 : stop, next: stop + 1 };
}

// The first lines are read from the bytes, not matched as strings: one string for the target
// (and the reason when it is not "OK"), none for the method. A regex over a decoded line made
// the line, the match array and three substrings per message.
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE'].map((m) => ({ name: m, bytes: Buffer.from(m, 'latin1') }));

/** The method as a shared string: the common ones are not decoded per request. */
function methodOf(buf: Buffer, start: number, end: number): string {
  const n = end - start;
  for (const m of METHODS) {
    const b = m.bytes;
    if (b.length !== n) continue;
    let i = 0;
    while (i < n && buf[start + i] === b[i]) i++;
    if (i === n) return m.name;
  }
  return buf.toString('latin1', start, end);
}

/** `HTTP/1.0` or `HTTP/1.1` at `at`: the minor version, or -1. */
function httpVersionAt(buf: Buffer, at: number): number {
  if (buf[at] !== 0x48 || buf[at + 1] !== 0x54 || buf[at + 2] !== 0x54 || buf[at + 3] !== 0x50 || buf[at + 4] !== 0x2f || buf[at + 5] !== 0x31 || buf[at + 6] !== 0x2e) return -1;
  const minor = buf[at + 7];
  return minor === 0x30 ? 0 : minor === 0x31 ? 1 : -1;
}

/** `method SP target SP HTTP/1.x` (RFC 9112 §3): method a token, target visible ASCII. */
function parseRequestLine(buf: Buffer, start: number, end: number): { method: string; target: string; minor: 0 | 1 } | null {
  let i = start;
  while (i < end && TCHAR[buf[i]!] === 1) i++;
  if (i === start || i >= end || buf[i] !== 0x20) return null;
  const methodEnd = i++;
  const targetStart = i;
  while (i < end && buf[i]! >= 0x21 && buf[i]! <= 0x7e) i++;
  if (i === targetStart || buf[i] !== 0x20 || i + 9 !== end) return null;
  const minor = httpVersionAt(buf, i + 1);
  if (minor < 0) return null;
  return { method: methodOf(buf, start, methodEnd), target: buf.toString('latin1', targetStart, i), minor: minor as 0 | 1 };
}

const OK = Buffer.from('OK', 'latin1');

/** `HTTP/1.x SP 3DIGIT [SP reason]` (RFC 9112 §4); the reason may hold HTAB and obs-text. */
function parseStatusLine(buf: Buffer, end: number): { status: number; reason: string; minor: 0 | 1 } | null {
  if (end < 12) return null;
  const minor = httpVersionAt(buf, 0);
  if (minor < 0 || buf[8] !== 0x20) return null;
  const d0 = buf[9]! - 0x30;
  const d1 = buf[10]! - 0x30;
  const d2 = buf[11]! - 0x30;
  if (d0 < 1 || d0 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return null;
  let reason = '';
  if (end > 12) {
    if (buf[12] !== 0x20) return null;
    for (let i = 13; i < end; i++) {
      const c = buf[i]!;
      if ((c < 0x20 && c !== 0x09) || c === 0x7f) return null;
    }
    reason = end - 13 === 2 && buf[13] === OK[0] && buf[14] === OK[1] ? 'OK' : buf.toString('latin1', 13, end);
  }
  return { status: d0 * 100 + d1 * 10 + d2, reason, minor: minor as 0 | 1 };
}

/**
 * Header strings are made on demand (rewrite paths, tests): a class with a prototype getter,
 * because object literals with accessors take V8's slow path (measured ~2 µs per head).
 */
class LazyHeaders {
  private cache: string[] | undefined;
  constructor(
    private readonly buf: Buffer,
    private readonly offsets: readonly number[],
  ) {}
  get(): readonly string[] {
    if (!this.cache) {
      const o = this.offsets;
      const c: string[] = [];
      for (let i = 0; i < o.length; i += 4) c.push(this.buf.toString('latin1', o[i], o[i + 1]), this.buf.toString('latin1', o[i + 2], o[i + 3]));
      this.cache = c;
    }
    return this.cache;
  }
}

class ParsedRequest implements RequestHead {
  constructor(
    readonly method: string,
    readonly target: string,
    readonly versionMinor: 0 | 1,
    private readonly lazy: LazyHeaders,
    readonly contentLength: number,
    readonly chunked: boolean,
    readonly connClose: boolean,
    readonly connKeepAlive: boolean,
    readonly connUpgrade: boolean,
    readonly hasConnectionHeader: boolean,
    readonly upgrade: string | undefined,
    readonly expectContinue: boolean,
    readonly normalise: boolean,
    readonly start: number,
    readonly length: number,
  ) {}
  get headers(): readonly string[] {
    return this.lazy.get();
  }
}

class ParsedResponse implements ResponseHead {
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly versionMinor: 0 | 1,
    private readonly lazy: LazyHeaders,
    readonly contentLength: number,
    readonly chunked: boolean,
    readonly teNotChunked: boolean,
    readonly teAndCl: boolean,
    readonly connClose: boolean,
    readonly connKeepAlive: boolean,
    readonly connUpgrade: boolean,
    readonly hasConnectionHeader: boolean,
    readonly normalise: boolean,
    readonly length: number,
  ) {}
  get start(): number {
    return 0;
  }
  get headers(): readonly string[] {
    return this.lazy.get();
  }
}

/** True while the bytes of an unfinished first line could still form "METHOD SP target SP version". */
function plausibleRequestLineStart(buf: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if (c === 0x0d || c === 0x0a) return true;
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

/** Extra bytes of leading CRLF tolerated before a request line (RFC 9112 §2.2 robustness). */
function skipLeadingEmptyLines(buf: Uint8Array, end: number): number {
  let i = 0;
  while (i < end && i < 8 && (buf[i] === 0x0d || buf[i] === 0x0a)) i++;
  return i;
}

export function parseRequestHead(buf: Buffer, end: number, limits: HeadLimits = DEFAULT_LIMITS, searchFrom = 0): ParseResult<RequestHead> {
  const skip = skipLeadingEmptyLines(buf, end);
  const headEnd = findHeadEnd(buf, end, Math.max(skip, searchFrom - 2));
  if (headEnd < 0) {
    if (end - skip >= limits.maxHeadBytes) return { kind: 'error', status: 431, reason: 'request head too large' };
    // Fail fast on what cannot become a request line (TLS to a plain port, binary junk)
    // instead of holding the connection until `timeout http-request`.
    if (searchFrom <= skip && !plausibleRequestLineStart(buf, skip, end)) return { kind: 'error', status: 400, reason: 'malformed request line' };
    return INCOMPLETE;
  }
  if (headEnd - skip > limits.maxHeadBytes) return { kind: 'error', status: 431, reason: 'request head too large' };
  const first = firstLineEnd(buf, skip, headEnd);
  const line = parseRequestLine(buf, skip, first.end);
  if (!line) return { kind: 'error', status: 400, reason: 'malformed request line' };
  const f = parseFields(buf, first.next, headEnd, limits);
  if (typeof f === 'string') return { kind: 'error', status: f === 'too many headers' ? 431 : 400, reason: f };
  const versionMinor = line.minor;
  if (f.clConflict) return { kind: 'error', status: 400, reason: 'conflicting content-length' };
  let chunked = false;
  if (f.te !== undefined) {
    if (f.contentLength >= 0) return { kind: 'error', status: 400, reason: 'both transfer-encoding and content-length' };
    if (versionMinor === 0) return { kind: 'error', status: 400, reason: 'transfer-encoding in HTTP/1.0 request' };
    if (f.te.toLowerCase().replace(/[ \t]/g, '') !== 'chunked') return { kind: 'error', status: 400, reason: 'unsupported transfer-encoding' };
    chunked = true;
  }
  if (versionMinor === 1 && f.hostCount !== 1) return { kind: 'error', status: 400, reason: f.hostCount === 0 ? 'missing host header' : 'duplicate host header' };
  if (f.hostCount > 1) return { kind: 'error', status: 400, reason: 'duplicate host header' };
  // Origin-form ("/...") is the common case; anything else is checked against the Host.
  if (line.target.charCodeAt(0) !== 0x2f || line.method === 'CONNECT') {
    const bad = checkTarget(line.method, line.target, f.hostCount === 1 ? buf.toString('latin1', f.hostStart, f.hostEnd) : undefined);
    if (bad) return { kind: 'error', status: 400, reason: bad };
  }
  const normalise = f.normalise || buf[first.next - 2] !== 0x0d;
  return {
    kind: 'ok',
    head: new ParsedRequest(
      line.method,
      line.target,
      versionMinor,
      new LazyHeaders(buf, f.offsets),
      f.contentLength,
      chunked,
      f.connClose,
      f.connKeepAlive,
      f.connUpgrade,
      f.hasConnectionHeader,
      f.upgrade,
      f.expectContinue,
      normalise,
      skip,
      headEnd,
    ),
  };
}

export function parseResponseHead(buf: Buffer, end: number, limits: HeadLimits = DEFAULT_LIMITS, searchFrom = 0): ParseResult<ResponseHead> {
  const headEnd = findHeadEnd(buf, end, searchFrom - 2);
  if (headEnd < 0) {
    if (end >= limits.maxHeadBytes) return { kind: 'error', status: 502, reason: 'response head too large' };
    // Fail fast on garbage: a response must start with "HTTP/".
    const n = Math.min(end, 5);
    for (let i = 0; i < n; i++) if (buf[i] !== 'HTTP/'.charCodeAt(i)) return { kind: 'error', status: 502, reason: 'malformed status line' };
    return INCOMPLETE;
  }
  if (headEnd > limits.maxHeadBytes) return { kind: 'error', status: 502, reason: 'response head too large' };
  const first = firstLineEnd(buf, 0, headEnd);
  const line = parseStatusLine(buf, first.end);
  if (!line) return { kind: 'error', status: 502, reason: 'malformed status line' };
  const f = parseFields(buf, first.next, headEnd, limits);
  if (typeof f === 'string') return { kind: 'error', status: 502, reason: f };
  if (f.clConflict) return { kind: 'error', status: 502, reason: 'conflicting content-length' };
  let chunked = false;
  let teNotChunked = false;
  const teAndCl = f.te !== undefined && f.contentLength >= 0;
  if (f.te !== undefined) {
    if (lastCoding(f.te) === 'chunked') chunked = true;
    else teNotChunked = true;
  }
  return {
    kind: 'ok',
    head: new ParsedResponse(
      line.status,
      line.reason,
      line.minor,
      new LazyHeaders(buf, f.offsets),
      // RFC 9112 §6.3: Transfer-Encoding overrides Content-Length.
      f.te !== undefined ? -1 : f.contentLength,
      chunked,
      teNotChunked,
      teAndCl,
      f.connClose,
      f.connKeepAlive,
      f.connUpgrade,
      f.hasConnectionHeader,
      f.normalise || teAndCl || buf[first.next - 2] !== 0x0d,
      headEnd,
    ),
  };
}

/** How a response body is delimited, given the request method (RFC 9112 §6.3). */
export type BodyKind = { readonly kind: 'none' } | { readonly kind: 'length'; readonly n: number } | { readonly kind: 'chunked' } | { readonly kind: 'close' };

export function responseBodyKind(res: ResponseHead, requestMethod: string): BodyKind {
  if (requestMethod === 'HEAD' || (res.status >= 100 && res.status < 200) || res.status === 204 || res.status === 304) return { kind: 'none' };
  if (requestMethod === 'CONNECT' && res.status >= 200 && res.status < 300) return { kind: 'close' };
  if (res.chunked) return { kind: 'chunked' };
  if (res.teNotChunked) return { kind: 'close' };
  if (res.contentLength >= 0) return res.contentLength === 0 ? { kind: 'none' } : { kind: 'length', n: res.contentLength };
  return { kind: 'close' };
}

/**
 * RFC 9110 §7.8, as HAProxy's http_wait_for_response: a 101 is valid only when the request
 * offered an upgrade (`Connection: upgrade` and an `Upgrade` field) and the response accepts it
 * with `Connection: upgrade`; anything else is a bad response (502), never a tunnel.
 */
export function upgradeAgreed(req: RequestHead, res: ResponseHead): boolean {
  return req.connUpgrade && req.upgrade !== undefined && res.connUpgrade;
}

// HAProxy knows these methods; `*` is refused with them, allowed with OPTIONS and unknown ones (M-SEARCH, PRI).
const KNOWN_NOT_OPTIONS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'TRACE', 'CONNECT']);

const SCHEME_END = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;

/** `host[:port]` split; the port is undefined when absent. IPv6 literals keep their brackets. */
function splitHostPort(a: string): { host: string; port: string | undefined } {
  const colon = a.lastIndexOf(':');
  if (colon < 0 || colon < a.lastIndexOf(']')) return { host: a, port: undefined };
  return { host: a.slice(0, colon), port: a.slice(colon + 1) };
}

function isDefaultPort(scheme: string | undefined, port: string): boolean {
  if (scheme === 'http') return port === '80';
  if (scheme === 'https') return port === '443';
  return port === '80' || port === '443';
}

/**
 * The request target when not in origin-form (RFC 9112 §3.2), checked as HAProxy 2.6's h1
 * parser does: `*` not with a known method other than OPTIONS; authority-form (`host:port`, port required) with CONNECT
 * only, and its Host (if any) naming the same host and port (a default port may be left out);
 * absolute-form not with CONNECT, and its authority equal to Host ignoring case, or equal up to
 * a default port of its scheme (http://a:80/ with Host: a). Returns the reason to refuse, if any.
 */
export function checkTarget(method: string, target: string, host: string | undefined): string | undefined {
  if (target === '*') return KNOWN_NOT_OPTIONS.has(method) ? 'asterisk-form target with a method other than OPTIONS' : undefined;
  if (target.charCodeAt(0) === 0x2f) return method === 'CONNECT' ? 'origin-form target with CONNECT' : undefined;
  const m = SCHEME_END.exec(target);
  if (!m) {
    if (method !== 'CONNECT') return 'authority-form target without CONNECT';
    const t = splitHostPort(target);
    if (!t.port) return 'CONNECT target without a port';
    if (host === undefined) return undefined;
    const h = splitHostPort(host);
    if (h.host.toLowerCase() !== t.host.toLowerCase()) return 'host does not match the CONNECT target';
    if (h.port !== undefined ? h.port !== t.port : !isDefaultPort(undefined, t.port)) return 'host does not match the CONNECT target';
    return undefined;
  }
  if (method === 'CONNECT') return 'absolute-form target with CONNECT';
  if (host === undefined) return undefined;
  const scheme = m[0].slice(0, -3).toLowerCase();
  let end = m[0].length;
  while (end < target.length && target[end] !== '/' && target[end] !== '?' && target[end] !== '#') end++;
  let authority = target.slice(m[0].length, end);
  const at = authority.lastIndexOf('@'); // userinfo is not part of the host (HAProxy skips it)
  if (at >= 0) authority = authority.slice(at + 1);
  if (authority.toLowerCase() === host.toLowerCase()) return undefined;
  const u = splitHostPort(authority);
  const h = splitHostPort(host);
  const mismatch = 'host does not match the absolute-form authority';
  if (u.port === undefined && h.port === undefined) return mismatch;
  if (u.port !== undefined && !isDefaultPort(scheme, u.port)) return mismatch;
  if (h.port !== undefined && !isDefaultPort(scheme, h.port)) return mismatch;
  return u.host.toLowerCase() === h.host.toLowerCase() ? undefined : mismatch;
}

export function requestBodyKind(req: RequestHead): BodyKind {
  if (req.chunked) return { kind: 'chunked' };
  if (req.contentLength > 0) return { kind: 'length', n: req.contentLength };
  return { kind: 'none' };
}
