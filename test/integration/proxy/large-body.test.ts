// A 100 MB body streamed both ways at once through http and tcp mode with bounded memory:
// nothing may buffer whole bodies, backpressure must hold on every hop. A proxy that buffered
// a body would grow by >100 MB; streaming at ~1 GB/s still leaves some tens of MB of socket
// read buffers awaiting GC (measured: the same in tcp and http mode), hence the 60 MB bound.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { backend, frontend, scaled, server } from '../../helpers/proxy-fixtures.js';
import { startTcpBackend } from '../../helpers/backends.js';
import { cleanup, startProxy } from '../../helpers/proxy-harness.js';

const TOTAL = 100 * 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 0x5a);

/** Writes TOTAL bytes to `w` respecting backpressure. */
function pump(w: NodeJS.WritableStream, done: () => void): void {
  let left = TOTAL;
  const go = (): void => {
    while (left > 0) {
      const n = Math.min(left, CHUNK.length);
      left -= n;
      if (!w.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n))) {
        w.once('drain', go);
        return;
      }
    }
    done();
  };
  go();
}

function memSampler(): { stop(): number } {
  global.gc?.();
  const base = process.memoryUsage().rss;
  let peak = base;
  const iv = setInterval(() => {
    const m = process.memoryUsage().rss;
    if (m > peak) peak = m;
  }, 20);
  return {
    stop() {
      clearInterval(iv);
      return (peak - base) / (1024 * 1024);
    },
  };
}

test('http: 100 MB upload echoed back as a 100 MB chunked download, memory bounded', { timeout: scaled(120000) }, async (t) => {
  // Backend and client run in a child process (raw sockets): this process then holds only the
  // proxy, so its RSS growth is the proxy's. The backend echoes the body as chunked data.
  const peer = spawn(process.execPath, [fileURLToPath(new URL('../../helpers/bulk-peer.js', import.meta.url)), String(TOTAL)], { stdio: ['pipe', 'pipe', 'inherit'] });
  t.after(() => peer.kill());
  const lines: string[] = [];
  const nextLine = (): Promise<string> =>
    new Promise((resolve) => {
      if (lines.length) return resolve(lines.shift()!);
      const on = (): void => {
        if (lines.length) {
          peer.stdout.removeListener('data', on);
          resolve(lines.shift()!);
        }
      };
      peer.stdout.on('data', on);
    });
  let acc = '';
  peer.stdout.on('data', (d: Buffer) => {
    acc += d.toString();
    let i;
    while ((i = acc.indexOf('\n')) >= 0) {
      lines.push(acc.slice(0, i));
      acc = acc.slice(i + 1);
    }
  });
  const bePort = Number(await nextLine());
  const h = await startProxy(t, [frontend('fe', 'be')], [backend('be', [server('echo', bePort)])]);
  const mem = memSampler();
  peer.stdin.write(`${h.port()}\n`);
  const result = await nextLine();
  const growth = mem.stop();
  t.diagnostic(`RSS growth ${growth.toFixed(1)} MB`);
  const received = Number(/received (\d+)/.exec(result)?.[1] ?? -1);
  assert.ok(received > TOTAL, result);
  assert.ok(growth < 60, `RSS grew by ${growth.toFixed(1)} MB`);
  const l = await h.log.waitFor((x) => x.uri === '/big');
  assert.ok((l.bytesIn as number) > TOTAL && (l.bytesOut as number) > TOTAL);
});

test('tcp: 100 MB each way through an echo server, memory bounded', { timeout: scaled(120000) }, async (t) => {
  const echo = cleanup(t, await startTcpBackend());
  const h = await startProxy(t, [frontend('fe', 'be', { mode: 'tcp' })], [backend('be', [server('echo', echo.port)], { mode: 'tcp' })]);
  const mem = memSampler();
  const received = await new Promise<number>((resolve, reject) => {
    const c = net.connect({ port: h.port(), host: '127.0.0.1', allowHalfOpen: true });
    let n = 0;
    c.on('connect', () => pump(c, () => c.end()));
    c.on('data', (d) => (n += d.length));
    c.on('end', () => resolve(n));
    c.on('error', reject);
  });
  const growth = mem.stop();
  t.diagnostic(`RSS growth ${growth.toFixed(1)} MB`);
  assert.equal(received, TOTAL);
  assert.ok(growth < 60, `RSS grew by ${growth.toFixed(1)} MB`);
});
