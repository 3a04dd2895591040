// Open-loop HTTP load at a fixed rate, one fresh TCP connection per request (`Connection: close`),
// that SIGKILLs a victim process at a given offset: the client-side view of a server dying under load.
// Usage: fixed-rate-load.js PORT RATE_PER_S TOTAL KILL_AT_MS VICTIM_PID
// Prints {"event":"killed","at":epochMs} and at the end {"event":"result", ...}.
import { connect } from 'node:net';
import { emit } from './emit.js';

const port = Number(process.argv[2]);
const rate = Number(process.argv[3]);
const total = Number(process.argv[4]);
const killAtMs = Number(process.argv[5]);
const victim = Number(process.argv[6]);
const REQUEST_TIMEOUT_MS = 5000;
const MAX_IN_FLIGHT = 4000;
const REQ = Buffer.from('GET / HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n');

interface Outcome {
  startMs: number;
  ok: boolean;
  kind: string;
  server: string;
  latencyMs: number;
}
const outcomes: Outcome[] = [];
let sent = 0;
let inFlight = 0;
let killedAt: number | undefined;
const t0 = Date.now();

function one(): void {
  const startMs = Date.now();
  sent++;
  inFlight++;
  const chunks: Buffer[] = [];
  let done = false;
  const s = connect(port, '127.0.0.1');
  const finish = (kind: string): void => {
    if (done) return;
    done = true;
    inFlight--;
    s.destroy();
    const head = Buffer.concat(chunks).toString('latin1');
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(head);
    const server = /\r\nx-server: ([^\r]+)/i.exec(head)?.[1] ?? '';
    let k = kind;
    if (k === 'end') k = status ? (status[1]!.startsWith('2') ? 'ok' : `http-${status[1]}`) : 'empty-response';
    outcomes.push({ startMs: startMs - t0, ok: k === 'ok', kind: k, server, latencyMs: Date.now() - startMs });
  };
  s.setTimeout(REQUEST_TIMEOUT_MS, () => finish('timeout'));
  s.on('connect', () => s.write(REQ));
  s.on('data', (d: Buffer) => {
    chunks.push(d);
  });
  s.on('end', () => finish('end'));
  s.on('close', () => finish('end'));
  s.on('error', (e: NodeJS.ErrnoException) => finish(chunks.length ? 'end' : (e.code ?? 'error').toLowerCase()));
}

let notSent = 0;
const tick = setInterval(() => {
  const now = Date.now();
  if (killedAt === undefined && now - t0 >= killAtMs) {
    try {
      process.kill(victim, 'SIGKILL');
    } catch {
      /* already gone */
    }
    killedAt = now;
    emit('killed', { at: now, offsetMs: now - t0 });
  }
  const due = Math.min(total, Math.floor(((now - t0) * rate) / 1000));
  while (sent + notSent < due) {
    if (inFlight >= MAX_IN_FLIGHT) notSent++;
    else one();
  }
  if (sent + notSent >= total) {
    clearInterval(tick);
    waitDrain();
  }
}, 2);

function waitDrain(): void {
  const until = Date.now() + REQUEST_TIMEOUT_MS + 1000;
  const poll = setInterval(() => {
    if (inFlight > 0 && Date.now() < until) return;
    clearInterval(poll);
    report();
  }, 20);
}

function report(): void {
  const failures = outcomes.filter((o) => !o.ok);
  const byKind: Record<string, number> = {};
  for (const f of failures) byKind[f.kind] = (byKind[f.kind] ?? 0) + 1;
  const servedBy: Record<string, number> = {};
  for (const o of outcomes) if (o.ok) servedBy[o.server] = (servedBy[o.server] ?? 0) + 1;
  const k = killedAt === undefined ? undefined : killedAt - t0;
  const after = k === undefined ? [] : failures.filter((f) => f.startMs >= k);
  const lastFailure = after.length ? Math.max(...after.map((f) => f.startMs)) : undefined;
  const slowOnes = outcomes.filter((o) => o.ok && o.latencyMs > 200);
  const slow = slowOnes.length;
  emit('result', {
    total,
    sent,
    notSent,
    completed: outcomes.length,
    failed: failures.length + notSent + (sent - outcomes.length),
    byKind,
    servedBy,
    slowOver200ms: slow,
    // When the slow ones were sent (ms from the start) and the worst latency: a cold start, the kill, or throughout.
    slowSentFromMs: slow ? Math.min(...slowOnes.map((o) => o.startMs)) : undefined,
    slowSentToMs: slow ? Math.max(...slowOnes.map((o) => o.startMs)) : undefined,
    slowMaxMs: slow ? Math.max(...slowOnes.map((o) => o.latencyMs)) : undefined,
    failedBeforeKill: k === undefined ? 0 : failures.filter((f) => f.startMs < k).length,
    killOffsetMs: k,
    lastFailureAfterKillMs: k !== undefined && lastFailure !== undefined ? lastFailure - k : undefined,
    durationMs: Date.now() - t0,
  });
  process.exit(0);
}
setTimeout(
  () => {
    report();
  },
  (total / rate) * 1000 + REQUEST_TIMEOUT_MS + 5000,
).unref();
