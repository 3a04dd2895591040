// Client prober, run inside the lab's client namespace: every INTERVAL ms it opens a fresh TCP
// connection to TARGET, sends an HTTP/1.0 request and reads the answer (the responder's node name).
// Attempts overlap when one is slow; each is bounded by TIMEOUT. Prints one JSON line per finished
// attempt: {"i","s","e","ok","node"|"err"} with s/e = start/end in ms since the prober started, and
// {"mark","t"} for every line NAME received on stdin (the parent marks events on the prober's own
// clock, so no cross-process clock comparison is needed). Stops after COUNT attempts, after
// DURATION ms, or on stdin "stop"/EOF, then prints {"done":true}.
// Usage: prober-main.js HOST PORT INTERVAL_MS TIMEOUT_MS MAX_COUNT MAX_DURATION_MS
import { connect, type Socket } from 'node:net';
import { createInterface } from 'node:readline';

const [host, portS, intervalS, timeoutS, countS, durS] = process.argv.slice(2);
if (!host || !portS || !intervalS || !timeoutS || !countS || !durS) {
  process.stderr.write('usage: prober-main.js HOST PORT INTERVAL_MS TIMEOUT_MS MAX_COUNT MAX_DURATION_MS\n');
  process.exit(2);
}
const port = Number(portS);
const interval = Number(intervalS);
const timeout = Number(timeoutS);
const maxCount = Number(countS);
const maxDuration = Number(durS);
const t0 = performance.now();
const now = (): number => Math.round((performance.now() - t0) * 100) / 100;
const out: string[] = [];
let flushScheduled = false;
function emit(o: object): void {
  out.push(JSON.stringify(o));
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(() => {
      flushScheduled = false;
      process.stdout.write(out.join('\n') + '\n');
      out.length = 0;
    });
  }
}

let started = 0;
let pending = 0;
let stopping = false;
let timer: NodeJS.Timeout | undefined;

function attempt(i: number): void {
  pending++;
  const s = now();
  let sock: Socket | undefined;
  let body = '';
  let finished = false;
  const finish = (ok: boolean, err?: string): void => {
    if (finished) return;
    finished = true;
    clearTimeout(t);
    sock?.destroy();
    const node = ok ? (/\r\n\r\n([^\n]*)/.exec(body)?.[1] ?? '').trim() : '';
    if (ok && !node) emit({ i, s, e: now(), ok: false, err: 'empty answer' });
    else emit(ok ? { i, s, e: now(), ok: true, node } : { i, s, e: now(), ok: false, err });
    pending--;
    maybeDone();
  };
  const t = setTimeout(() => finish(false, 'timeout'), timeout);
  sock = connect({ host, port });
  sock.setEncoding('utf8');
  sock.on('connect', () => sock!.write(`GET / HTTP/1.0\r\nHost: ${host}\r\n\r\n`));
  sock.on('data', (d: string) => (body += d));
  sock.on('end', () => finish(body.startsWith('HTTP/1.') && body.includes(' 200 '), 'bad answer'));
  sock.on('error', (e: NodeJS.ErrnoException) => finish(false, e.code ?? e.message));
}

// Deadline-driven schedule (attempt i at t0 + i*interval), so timer jitter does not accumulate.
function tick(): void {
  timer = undefined;
  if (stopping) return;
  const elapsed = performance.now() - t0;
  if (elapsed >= maxDuration) return stop();
  while (started < maxCount && started * interval <= elapsed) attempt(started++);
  if (started >= maxCount) return stop();
  timer = setTimeout(tick, Math.max(0, started * interval - (performance.now() - t0)));
}

function stop(): void {
  stopping = true;
  if (timer) clearTimeout(timer);
  maybeDone();
}

function maybeDone(): void {
  if (stopping && pending === 0) {
    emit({ done: true, t: now(), attempts: started });
    setImmediate(() => process.exit(0));
  }
}

const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  const l = line.trim();
  if (l === 'stop') stop();
  else if (l) emit({ mark: l, t: now() });
});
rl.on('close', stop);
process.on('SIGTERM', stop);
emit({ start: true, t: 0 });
tick();
