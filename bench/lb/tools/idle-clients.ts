// Opens N TCP connections to 127.0.0.1:PORT (at most 256 connecting at once), keeps them idle, reports,
// and holds them until stdin closes. Usage: idle-clients.js PORT N
import { connect, type Socket } from 'node:net';
import { emit, exitWithParent } from './emit.js';

const port = Number(process.argv[2]);
const total = Number(process.argv[3]);
const CONCURRENCY = 256;
exitWithParent(5 * 60_000);
const sockets: Socket[] = [];
let started = 0;
let open = 0;
let failed = 0;
let settled = 0;
const deadline = setTimeout(() => {
  emit('ready', { open, failed: total - open, timedOut: true });
}, 30_000);

function next(): void {
  if (started >= total) return;
  started++;
  const s = connect(port, '127.0.0.1');
  let done = false;
  const settle = (ok: boolean): void => {
    if (done) return;
    done = true;
    if (ok) open++;
    else failed++;
    settled++;
    if (settled === total) {
      clearTimeout(deadline);
      emit('ready', { open, failed });
    } else next();
  };
  s.once('connect', () => settle(true));
  s.on('error', () => settle(false));
  s.setTimeout(10_000, () => {
    s.destroy();
    settle(false);
  });
  s.once('connect', () => s.setTimeout(0));
  sockets.push(s);
}
for (let i = 0; i < Math.min(CONCURRENCY, total); i++) next();
