// The access log is written once per HTTP request / TCP session, so its cost is per request:
// through pino's generic serializer it took about 20% of the proxy's CPU in the http bench
// (key walk, string concatenation, an ISO date per line). Access records have a fixed shape, so
// they are formatted here by hand and handed to the logger's own destination stream. The line
// is byte-for-byte what `logger.info(rec)` writes (same envelope: level, time, bindings), which a
// test checks; loggers with hooks, mixins, formatters or metadata-hungry streams fall back to
// pino.
//
// Lines are encoded straight into one byte buffer per logger, not built as strings: a line built
// by concatenation is a rope of ~40 pieces that the batch's join() then flattens, and numbers
// like 0.083 go through V8's shortest-double printer. Here the names, the envelope and the keys
// are pre-encoded bytes copied in, numbers are written digit by digit, and only the strings from
// the wire (client, URI, reason) are encoded per line. In the http bench (perf, wrk -c50) this
// took the access log from about 15% of the proxy's CPU to about 10%; alone, a line costs about
// 1.3 µs here against 1.9 µs built as a string.
import { pino, type Logger } from 'pino';
import type { AccessLogRecord } from '../proxy/context.js';
import type { PendingLines } from './logger.js';

const S = pino.symbols;
const INFO = 30;

/** Node's Buffer methods behind write() and toString(), without their argument checks (not in @types/node). */
type RawBuffer = Buffer & {
  utf8Write(s: string, offset: number): number;
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
};

/** Where lines are encoded: `len` bytes used; `ascii` while every byte is below 0x80. */
interface Out {
  buf: RawBuffer;
  len: number;
  ascii: boolean;
}

interface FastPath {
  readonly stream: { write(line: string): unknown; writeBytes?: (bytes: Buffer) => void; holdsLines?: (source: PendingLines) => void };
  /** The lines not written yet (see flush). */
  readonly out: Out;
  lines: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** `{"level":30,"time":"…"<bindings>,` for the millisecond in `headMs`. */
  head: Buffer;
  headMs: number;
  /** Registered with the destination: another line first writes the batch, so order holds. */
  held?: PendingLines;
}

const cache = new WeakMap<Logger, FastPath | null>();

// Room for FLUSH_LINES lines of a few hundred bytes each, with the worst case of the next one to spare.
const BATCH_BYTES = 256 * 1024;

function fastPathOf(logger: Logger): FastPath | null {
  let fp = cache.get(logger);
  if (fp !== undefined) return fp;
  fp = null;
  const l = logger as unknown as Record<symbol, unknown>;
  const stream = l[S.streamSym] as { write?: unknown } | undefined;
  const formatters = l[S.formattersSym] as { level?: unknown; bindings?: unknown; log?: unknown } | undefined;
  const plain =
    stream &&
    typeof stream.write === 'function' &&
    !(stream as Record<symbol, unknown>)[S.needsMetadataGsym] &&
    !l[S.mixinSym] &&
    !(l[S.hooksSym] as { logMethod?: unknown } | undefined)?.logMethod &&
    !l[(S as unknown as Record<string, symbol>).msgPrefixSym!] &&
    !l[S.nestedKeySym] &&
    l[S.timeSym] === pino.stdTimeFunctions.isoTime &&
    typeof l[S.chindingsSym] === 'string' &&
    formatters !== undefined &&
    isDefaultFormatters(formatters);
  if (plain) {
    fp = {
      stream: stream as FastPath['stream'],
      out: { buf: Buffer.allocUnsafeSlow(BATCH_BYTES) as RawBuffer, len: 0, ascii: true },
      lines: 0,
      timer: undefined,
      head: Buffer.alloc(0),
      headMs: -1,
    };
    const f = fp;
    if (f.stream.holdsLines) {
      f.held = { flushPending: () => flush(f) };
      f.stream.holdsLines(f.held);
    }
  }
  cache.set(logger, fp);
  return fp;
}

// pino's default level formatter writes {level: number}; a custom one (labels) changes the line.
function isDefaultFormatters(f: { level?: unknown; log?: unknown }): boolean {
  if (typeof f.level !== 'function' || f.log !== undefined) return false;
  const probe = (f.level as (label: string, n: number) => unknown)('info', INFO) as Record<string, unknown>;
  const keys = Object.keys(probe);
  return keys.length === 1 && keys[0] === 'level' && probe.level === INFO;
}

// Names and addresses come from the config or the kernel, but the URI, method and reason come
// from the wire. JSON.stringify escapes exactly what pino escapes (quote, backslash, control
// characters, lone surrogates); strings without any of those are quoted as they are.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const q = (v: string): string => (NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : `"${v}"`);

// ---- encoding into Out -------------------------------------------------------------------

const bytes = (s: string): Buffer => Buffer.from(s, 'utf8');

function putBytes(o: Out, b: Buffer): void {
  // TypedArray.prototype.set costs about the same as a byte loop at 10 bytes and stays flat
  // beyond (measured here: ~50 ns at 10–90 bytes, a loop ~4 ns per byte).
  o.buf.set(b, o.len);
  o.len += b.length;
}

function putString(o: Out, s: string): void {
  const n = o.buf.utf8Write(s, o.len);
  if (n !== s.length) o.ascii = false;
  o.len += n;
}

/** Non-negative integer below 2^31 (all putNumber hands over), digit by digit. */
function putUint(o: Out, v: number): void {
  const b = o.buf;
  if (v < 10) {
    b[o.len++] = 48 + v;
    return;
  }
  let digits = 2;
  for (let x = v; x >= 100; x = (x / 10) | 0) digits++;
  let at = o.len + digits;
  o.len = at;
  do {
    const d = (v / 10) | 0;
    b[--at] = 48 + v - d * 10;
    v = d;
  } while (v > 0);
}

/**
 * A number as JSON.stringify writes it (non-finite: null). Integers and the millisecond timings
 * (three decimals at most, see ms() in proxy/context.ts) are written here; the shortest decimal
 * that reads back as such a double is its three-decimal form while its magnitude stays below
 * 1e9, where doubles are far closer together than 0.001. Anything else goes through String().
 */
function putNumber(o: Out, v: number): void {
  if ((v | 0) === v) {
    // int32 (and -0, which JSON.stringify writes as 0)
    if (v < 0) {
      o.buf[o.len++] = 45; // '-'
      v = -v;
    }
    putUint(o, v);
    return;
  }
  const a = Math.abs(v);
  const k = Math.round(a * 1000);
  if (!(a < 1e9) || k / 1000 !== a) {
    // integers beyond int32, other fractions, NaN and the infinities
    if (Number.isFinite(v)) putString(o, String(v));
    else putBytes(o, NULL);
    return;
  }
  if (v < 0) o.buf[o.len++] = 45;
  const int = Math.floor(k / 1000);
  putUint(o, int);
  // k / 1000 is not an integer here: one to three fraction digits, without trailing zeros
  const frac = (k - int * 1000) | 0;
  const d1 = (frac / 100) | 0;
  const d2 = ((frac / 10) | 0) - d1 * 10;
  const d3 = frac - ((frac / 10) | 0) * 10;
  const b = o.buf;
  let at = o.len;
  b[at++] = 46; // '.'
  b[at++] = 48 + d1;
  if (d2 !== 0 || d3 !== 0) b[at++] = 48 + d2;
  if (d3 !== 0) b[at++] = 48 + d3;
  o.len = at;
}

/**
 * A string from the wire or the kernel: quoted, escaped when it needs it. Printable ASCII (nearly
 * every client address and URI) is copied in the same loop that checks it; the rest goes through
 * JSON.stringify.
 */
function putQuoted(o: Out, s: string): void {
  const b = o.buf;
  let at = o.len;
  b[at++] = 34;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 34 || c === 92 || c >= 0x7f) {
      putString(o, NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : `"${s}"`);
      return;
    }
    b[at++] = c;
  }
  b[at++] = 34;
  o.len = at;
}

// Names, modes, termination codes and methods repeat on every line: quoted and encoded once each
// (the map stops growing at 10,000 entries, so methods made up by clients cannot grow it
// without bound).
const quotedNames = new Map<string, Buffer>();
function putName(o: Out, v: string): void {
  let b = quotedNames.get(v);
  if (b === undefined) {
    b = bytes(q(v));
    if (quotedNames.size < 10_000) quotedNames.set(v, b);
  }
  putBytes(o, b);
}

// `"event":"access","mode":…,"frontend":…,"backend":…,"server":…,"client":` per route. Lines
// come in runs for the same route, so the last one is checked first (same strings: pointer compares).
const routes = new Map<string, Map<string, Map<string, Map<string, Buffer>>>>();
let last: { mode: string; frontend: string; backend: string; server: string; bytes: Buffer } | undefined;
function routeBytes(r: AccessLogRecord): Buffer {
  const l = last;
  if (l !== undefined && l.server === r.server && l.backend === r.backend && l.frontend === r.frontend && l.mode === r.mode) return l.bytes;
  let byFe = routes.get(r.mode);
  if (!byFe) routes.set(r.mode, (byFe = new Map()));
  let byBe = byFe.get(r.frontend);
  if (!byBe) byFe.set(r.frontend, (byBe = new Map()));
  let bySrv = byBe.get(r.backend);
  if (!bySrv) byBe.set(r.backend, (bySrv = new Map()));
  let b = bySrv.get(r.server);
  if (!b) {
    b = bytes(`"event":"access","mode":${q(r.mode)},"frontend":${q(r.frontend)},"backend":${q(r.backend)},"server":${q(r.server)},"client":`);
    // Names come from the config; a reload that renames servers leaves at most a few stale entries.
    bySrv.set(r.server, b);
  }
  last = { mode: r.mode, frontend: r.frontend, backend: r.backend, server: r.server, bytes: b };
  return b;
}

const NULL = bytes('null');
const K_CONNECT = bytes(',"connectMs":');
const K_RESPONSE = bytes(',"responseMs":');
const K_TOTAL = bytes(',"totalMs":');
const K_IN = bytes(',"bytesIn":');
const K_OUT = bytes(',"bytesOut":');
const K_STATUS = bytes(',"status":');
const K_TERM = bytes(',"termination":');
const K_RETRIES = bytes(',"retries":');
const K_REDISP = bytes(',"redispatches":');
const K_METHOD = bytes(',"method":');
const K_URI = bytes(',"uri":');
const K_REASON = bytes(',"reason":');

/** Bytes one record can take at most: fixed parts, plus 6 per UTF-16 unit of the free strings (\uXXXX). */
function worstCase(head: Buffer, r: AccessLogRecord): number {
  return (
    head.length +
    1024 +
    6 * (r.client.length + (r.method?.length ?? 0) + (r.uri?.length ?? 0) + (r.reason?.length ?? 0) + r.mode.length + r.frontend.length + r.backend.length + r.server.length + r.termination.length)
  );
}

function numberField(o: Out, key: Buffer, v: number): void {
  putBytes(o, key);
  putNumber(o, v);
}

/** `,"termination":…,"retries":…,"redispatches":…[,"method":…]` */
function putOutcome(o: Out, termination: string, retries: number, redispatches: number, method: string | undefined): void {
  putBytes(o, K_TERM);
  putName(o, termination);
  numberField(o, K_RETRIES, retries);
  numberField(o, K_REDISP, redispatches);
  if (method !== undefined) {
    putBytes(o, K_METHOD);
    putName(o, method);
  }
}

// The same with no retry: nearly every line, in runs of the same termination code and method
// (shared strings, so the check is two pointer compares).
let lastTail: { termination: string; method: string | undefined; bytes: Buffer } | undefined;
function quietTail(termination: string, method: string | undefined): Buffer {
  const l = lastTail;
  if (l !== undefined && l.termination === termination && l.method === method) return l.bytes;
  const o: Out = { buf: Buffer.alloc(64 + 6 * (termination.length + (method?.length ?? 0))) as RawBuffer, len: 0, ascii: true };
  putOutcome(o, termination, 0, 0, method);
  lastTail = { termination, method, bytes: Buffer.from(o.buf.subarray(0, o.len)) };
  return lastTail.bytes;
}

/** The record's line (envelope included, newline-terminated), in the order pino writes the fields. */
function encodeLine(o: Out, head: Buffer, r: AccessLogRecord): void {
  putBytes(o, head);
  putBytes(o, routeBytes(r));
  putQuoted(o, r.client);
  numberField(o, K_CONNECT, r.connectMs);
  numberField(o, K_RESPONSE, r.responseMs);
  numberField(o, K_TOTAL, r.totalMs);
  numberField(o, K_IN, r.bytesIn);
  numberField(o, K_OUT, r.bytesOut);
  if (r.status !== undefined) numberField(o, K_STATUS, r.status);
  if (r.retries === 0 && r.redispatches === 0) putBytes(o, quietTail(r.termination, r.method));
  else putOutcome(o, r.termination, r.retries, r.redispatches, r.method);
  if (r.uri !== undefined) {
    putBytes(o, K_URI);
    putQuoted(o, r.uri);
  }
  if (r.reason !== undefined) {
    putBytes(o, K_REASON);
    putQuoted(o, r.reason);
  }
  o.buf[o.len++] = 125; // '}'
  o.buf[o.len++] = 10;
}

/** `{"level":30,"time":"<now>"<bindings>,`, re-encoded once per millisecond. */
function headOf(fp: FastPath, logger: Logger): Buffer {
  const now = Date.now();
  if (now !== fp.headMs) {
    fp.headMs = now;
    const chindings = (logger as unknown as Record<symbol, string>)[S.chindingsSym];
    fp.head = bytes(`{"level":${INFO},"time":"${new Date(now).toISOString()}"${chindings},`);
  }
  return fp.head;
}

/** Writes one access record at level info (callers check isLevelEnabled('info') first). */
export function writeAccess(logger: Logger, rec: AccessLogRecord): void {
  const fp = fastPathOf(logger);
  if (!fp) {
    logger.info(rec);
    return;
  }
  const head = headOf(fp, logger);
  const room = worstCase(head, rec);
  let o = fp.out;
  if (o.len + room > o.buf.length) {
    flush(fp);
    // A line larger than a whole batch (a huge URI) is encoded and written on its own.
    if (room > o.buf.length) o = { buf: Buffer.allocUnsafe(room) as RawBuffer, len: 0, ascii: true };
  }
  encodeLine(o, head, rec);
  if (o !== fp.out) {
    hand(fp, o);
    return;
  }
  if (++fp.lines >= FLUSH_LINES) flush(fp);
  else fp.timer ??= setTimeout(flush, FLUSH_MS, fp);
}

// Lines are written in batches, at most FLUSH_MS after the first of them (or once FLUSH_LINES
// are waiting), not one write per line or per event-loop turn:
//  - pino's destination (sonic-boom) measures the byte length of its whole pending string on
//    every write, which made a burst of single-line writes quadratic;
//  - each write of the asynchronous destination is a trip through libuv's thread pool. With
//    fresh connections (about one request per event-loop turn at 2,000 connections/s) a write
//    per turn cost ~7% more CPU than these batches (3 alternating runs each, 254–272 against
//    274–291 µs per connection+request).
// A destination that takes `holdsLines` (stdout's) writes the batch before any other line, so
// the output stays in the order lines were logged; elsewhere they may follow other lines.
const FLUSH_MS = 10;
const FLUSH_LINES = 512;

/** Gives the encoded lines to the destination: as bytes when it takes them, else as one flat string. */
function hand(fp: FastPath, o: Out): void {
  const s = fp.stream;
  // A copy: the batch buffer is reused at once, the destination keeps what it is given.
  if (s.writeBytes) s.writeBytes(Buffer.from(o.buf.subarray(0, o.len)));
  else s.write(o.ascii ? o.buf.latin1Slice(0, o.len) : o.buf.utf8Slice(0, o.len));
}

function flush(fp: FastPath): void {
  if (fp.timer !== undefined) {
    clearTimeout(fp.timer);
    fp.timer = undefined;
  }
  const o = fp.out;
  if (o.len === 0) return;
  hand(fp, o);
  o.len = 0;
  o.ascii = true;
  fp.lines = 0;
}

/** Writes what is pending now (tests, shutdown). */
export function flushAccess(logger: Logger): void {
  const fp = cache.get(logger);
  if (fp) flush(fp);
}
