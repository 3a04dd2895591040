// The access log is written once per HTTP request / TCP session, so its cost is per request:
// through pino's generic serializer it took about 20% of the proxy's CPU in the http bench
// (key walk, string concatenation, an ISO date per line). Access records have a fixed shape, so
// they are formatted here by hand and handed to the logger's own destination stream. The line
// is byte-for-byte what `logger.info(rec)` writes (same envelope: level, time, bindings), which a
// test checks; loggers with hooks, mixins, formatters or metadata-hungry streams fall back to
// pino.
import { pino, type Logger } from 'pino';
import type { AccessLogRecord } from '../proxy/context.js';

const S = pino.symbols;
const INFO = 30;

interface FastPath {
  readonly stream: { write(line: string): unknown };
  readonly prefix: string;
  /** Lines not written yet, joined and written by flush() (see writeAccess). */
  pending: string[];
  timer: ReturnType<typeof setTimeout> | undefined;
}

const cache = new WeakMap<Logger, FastPath | null>();

function fastPathOf(logger: Logger): FastPath | null {
  let fp = cache.get(logger);
  if (fp !== undefined) return fp;
  fp = null;
  const l = logger as unknown as Record<symbol, unknown>;
  const stream = l[S.streamSym] as { write?: unknown } | undefined;
  const formatters = l[S.formattersSym] as { level?: unknown; bindings?: unknown; log?: unknown } | undefined;
  const plain =
    stream && typeof stream.write === 'function' &&
    !(stream as Record<symbol, unknown>)[S.needsMetadataGsym] &&
    !l[S.mixinSym] &&
    !(l[S.hooksSym] as { logMethod?: unknown } | undefined)?.logMethod &&
    !l[(S as unknown as Record<string, symbol>).msgPrefixSym!] &&
    !l[S.nestedKeySym] &&
    l[S.timeSym] === pino.stdTimeFunctions.isoTime &&
    typeof l[S.chindingsSym] === 'string' &&
    formatters !== undefined && isDefaultFormatters(formatters);
  if (plain) fp = { stream: stream as FastPath['stream'], prefix: `{"level":${INFO}`, pending: [], timer: undefined };
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

let lastMs = -1;
let lastIso = '';
function isoNow(): string {
  const now = Date.now();
  if (now !== lastMs) {
    lastMs = now;
    lastIso = new Date(now).toISOString();
  }
  return lastIso;
}

// Names and addresses come from the config or the kernel, but the URI, method and reason come
// from the wire. JSON.stringify escapes exactly what pino escapes (quote, backslash, control
// characters, lone surrogates); strings without any of those are quoted as they are.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;
const q = (v: string): string => (NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : `"${v}"`);
// Names, modes, termination codes and methods repeat on every line: quoted once each (the map
// stops growing at 10,000 entries, so methods made up by clients cannot grow it without bound).
const quotedNames = new Map<string, string>();
function qn(v: string): string {
  let out = quotedNames.get(v);
  if (out === undefined) {
    out = q(v);
    if (quotedNames.size < 10_000) quotedNames.set(v, out);
  }
  return out;
}
/** As pino: a non-finite number is written as null. */
const n = (v: number): number | string => (Number.isFinite(v) ? v : 'null');

/** The record's fields as a JSON fragment, in the order pino writes them (insertion order). */
export function accessFields(r: AccessLogRecord): string {
  let s =
    `"event":"access","mode":${qn(r.mode)},"frontend":${qn(r.frontend)},"backend":${qn(r.backend)},"server":${qn(r.server)},` +
    `"client":${q(r.client)},"connectMs":${n(r.connectMs)},"responseMs":${n(r.responseMs)},"totalMs":${n(r.totalMs)},` +
    `"bytesIn":${n(r.bytesIn)},"bytesOut":${n(r.bytesOut)}`;
  if (r.status !== undefined) s += `,"status":${n(r.status)}`;
  s += `,"termination":${qn(r.termination)},"retries":${n(r.retries)},"redispatches":${n(r.redispatches)}`;
  if (r.method !== undefined) s += `,"method":${qn(r.method)}`;
  if (r.uri !== undefined) s += `,"uri":${q(r.uri)}`;
  if (r.reason !== undefined) s += `,"reason":${q(r.reason)}`;
  return s;
}

/** Writes one access record at level info (callers check isLevelEnabled('info') first). */
export function writeAccess(logger: Logger, rec: AccessLogRecord): void {
  const fp = fastPathOf(logger);
  if (!fp) {
    logger.info(rec);
    return;
  }
  const chindings = (logger as unknown as Record<symbol, string>)[S.chindingsSym];
  if (fp.pending.push(`${fp.prefix},"time":"${isoNow()}"${chindings},${accessFields(rec)}}\n`) >= FLUSH_LINES) flush(fp);
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
// Lines may follow other log lines written meanwhile; the times in them stay exact.
const FLUSH_MS = 10;
const FLUSH_LINES = 512;

function flush(fp: FastPath): void {
  if (fp.timer !== undefined) {
    clearTimeout(fp.timer);
    fp.timer = undefined;
  }
  const lines = fp.pending;
  if (lines.length === 0) return;
  fp.pending = [];
  // join() makes one flat string: the destination measures its byte length.
  fp.stream.write(lines.join(''));
}

/** Writes what is pending now (tests, shutdown). */
export function flushAccess(logger: Logger): void {
  const fp = cache.get(logger);
  if (fp) flush(fp);
}
