// Human-readable rendering of halb's JSON log lines, for a terminal (`--log-format text`, the
// default when stdout is a TTY). Pure: JSON line in, text line out. The JSON line stays the one
// format the code produces; this is a view of it, so both formats always carry the same fields.
//
//   01:10:51.123 INFO  [vrrp] (VI_1) entering MASTER state  event=vrrp_transition instance=VI_1
//   01:10:52.004 ACCESS 127.0.0.1:40312 web app/s1 200 -- 0.4/1.1/1.3ms 78/311B "GET /"
//
// Access lines get HAProxy's httplog order (client, frontend, backend/server, status,
// termination, timers, bytes, request) instead of key=value pairs. Times are the JSON line's, UTC.
// Written here rather than taken from pino-pretty: one small function on the way to stdout, in
// the same ordered writer as the JSON lines (pino-pretty as a transport runs in a worker thread,
// a second destination), and no dependency tree (pino-pretty has 13 direct dependencies).

export interface TextStyle {
  /** ANSI colours for the level (a terminal without NO_COLOR). */
  readonly color: boolean;
}

const LEVELS: Record<number, { name: string; color: string }> = {
  10: { name: 'TRACE', color: '90' },
  20: { name: 'DEBUG', color: '36' },
  30: { name: 'INFO ', color: '32' },
  40: { name: 'WARN ', color: '33' },
  50: { name: 'ERROR', color: '31' },
  60: { name: 'FATAL', color: '35' },
};

/** Keys shown elsewhere in the line, or constant. */
const HIDDEN = new Set(['level', 'time', 'msg', 'name', 'pid', 'hostname', 'component']);

function value(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  if (v !== null && typeof v === 'object') {
    // An error object: its message says it; the stack stays in the JSON format.
    const m = (v as { message?: unknown }).message;
    if (typeof m === 'string') return JSON.stringify(m);
  }
  return JSON.stringify(v) ?? String(v);
}

function clock(time: unknown): string {
  // isoTime: 2026-12-08T01:10:51.123Z -> 01:10:51.123
  return typeof time === 'string' && time.length >= 23 ? time.slice(11, 23) : String(time ?? '');
}

function accessLine(r: Record<string, unknown>): string {
  const req = r.method !== undefined ? ` "${String(r.method)} ${String(r.uri ?? '')}"` : '';
  const status = r.status !== undefined ? ` ${String(r.status)}` : '';
  const reason = r.reason !== undefined ? ` reason=${value(r.reason)}` : '';
  return (
    `${clock(r.time)} ACCESS ${String(r.client)} ${String(r.frontend)} ${String(r.backend)}/${String(r.server)}${status} ${String(r.termination)}` +
    ` ${String(r.connectMs)}/${String(r.responseMs)}/${String(r.totalMs)}ms ${String(r.bytesIn)}/${String(r.bytesOut)}B${req}${reason}`
  );
}

/** One JSON log line (with or without its newline) as one text line ending in a newline. */
export function formatTextLine(json: string, style: TextStyle): string {
  let r: Record<string, unknown>;
  try {
    r = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  if (r === null || typeof r !== 'object') return `${json.trimEnd()}\n`;
  if (r.event === 'access') return `${accessLine(r)}\n`;
  const lv = LEVELS[r.level as number] ?? { name: String(r.level).padEnd(5), color: '0' };
  const level = style.color ? `\x1b[${lv.color}m${lv.name}\x1b[0m` : lv.name;
  const component = typeof r.component === 'string' ? ` [${r.component}]` : '';
  const msg = typeof r.msg === 'string' ? ` ${r.msg}` : '';
  let fields = '';
  for (const k of Object.keys(r)) if (!HIDDEN.has(k)) fields += ` ${k}=${value(r[k])}`;
  return `${clock(r.time)} ${level}${component}${msg}${fields ? ` ${fields}` : ''}\n`;
}

/** Several JSON lines (an access-line batch) as text lines. */
export function formatTextBatch(lines: string, style: TextStyle): string {
  let out = '';
  for (const l of lines.split('\n')) if (l) out += formatTextLine(l, style);
  return out;
}
