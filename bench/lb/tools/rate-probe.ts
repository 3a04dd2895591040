// A "normal client" load at a fixed rate over keep-alive connections: C connections, each sending
// its share of RATE requests/s on its own schedule, for SECONDS. Latency counts from when a request
// was due (a request that had to wait for the previous response on its connection includes that
// wait), so a stalled proxy shows up as latency, not as fewer requests.
// Usage: rate-probe.js PORT C RATE SECONDS
// Prints {"event":"result","sent":n,"ok":n,"failed":n,"p50Ms":x,"p99Ms":x,"maxMs":x}.
import { connect } from 'node:net';
import { emit, exitWithParent } from './emit.js';

const port = Number(process.argv[2]);
const conns = Number(process.argv[3]);
const rate = Number(process.argv[4]);
const seconds = Number(process.argv[5]);
exitWithParent((seconds + 60) * 1000);
const REQ = Buffer.from('GET / HTTP/1.1\r\nHost: bench\r\n\r\n');
const periodMs = (conns * 1000) / rate;
const lat: number[] = [];
let sent = 0;
let failed = 0;
let running = conns;
const t0 = performance.now() + 50;
const endAt = t0 + seconds * 1000;

function finishOne(): void {
  if (--running > 0) return;
  lat.sort((a, b) => a - b);
  const q = (p: number): number | undefined => (lat.length ? lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] : undefined);
  emit('result', { sent, ok: lat.length, failed, p50Ms: q(0.5), p99Ms: q(0.99), maxMs: lat.length ? lat[lat.length - 1] : undefined });
  process.exit(0);
}

function conn(i: number): void {
  let due = t0 + (i * periodMs) / conns;
  let inFlight = false;
  let acc = '';
  let timer: NodeJS.Timeout | undefined;
  let done = false;
  const s = connect(port, '127.0.0.1');
  s.setNoDelay(true);
  const stop = (): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    s.destroy();
    finishOne();
  };
  const next = (): void => {
    if (due >= endAt) return stop();
    timer = setTimeout(send, Math.max(0, due - performance.now()));
  };
  const send = (): void => {
    inFlight = true;
    sent++;
    s.write(REQ);
  };
  s.on('connect', next);
  s.on('data', (d: Buffer) => {
    acc += d.toString('latin1');
    for (;;) {
      const h = acc.indexOf('\r\n\r\n');
      if (h < 0) return;
      const cl = /\r\ncontent-length: *(\d+)/i.exec(acc.slice(0, h));
      const len = h + 4 + (cl ? Number(cl[1]) : 0);
      if (acc.length < len) return;
      const ok = /^HTTP\/1\.1 2/.test(acc);
      acc = acc.slice(len);
      if (!inFlight) continue;
      inFlight = false;
      if (ok)
        lat.push(Math.max(0, performance.now() - due)); // timers may fire a fraction of a ms early
      else failed++;
      due += periodMs;
      next();
    }
  });
  s.on('error', () => {});
  s.on('close', () => {
    if (done) return;
    if (inFlight) failed++;
    stop();
  });
}
for (let i = 0; i < conns; i++) conn(i);
