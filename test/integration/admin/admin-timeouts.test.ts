// The stats/admin listener enforces the stats section's timeouts on slow clients: a client
// dripping its request head is answered 408 and closed once `timeout http-request` has passed,
// a connection that sends nothing is closed likewise, and an idle keep-alive connection is closed
// after `timeout http-keep-alive` — each within a fraction of the timeout, not at Node's 30 s
// check interval (which let such connections live ~40 s against a 10 s limit).
// Real sockets on 127.0.0.1, ports from the OS; the tests wait on the close event.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { AdminServer } from '../../../src/admin/admin-server.js';
import type { StatusDocument } from '../../../src/admin/status.js';
import type { Timeouts } from '../../../src/config/model.js';

const SCALE = Number(process.env.HALB_TEST_TIMESCALE ?? '1') || 1;
/** Slack for a busy machine; Node's default check interval alone would add up to 30 s. */
const MARGIN_MS = 900 * SCALE;

async function withAdmin(timeouts: Timeouts, fn: (port: number) => Promise<void>): Promise<void> {
  const srv = new AdminServer({
    page: { name: 'stats', binds: [{ address: '127.0.0.1', port: 0 }], uri: '/stats', auth: [], hideVersion: false, timeouts },
    registry: new Registry(),
    status: () => ({}) as StatusDocument,
    logger: pino({ level: 'silent' }),
  });
  await srv.start();
  try {
    await fn(srv.addresses()[0]!.port);
  } finally {
    await srv.stop();
  }
}

interface Closed {
  afterMs: number;
  received: string;
}

/** Connects, runs `drive` on the socket, resolves when the server closes it (with what it sent). */
function untilClosed(port: number, drive: (s: net.Socket, since: () => void) => void, limitMs: number): Promise<Closed> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let t0 = performance.now();
    let received = '';
    const guard = setTimeout(() => {
      s.destroy();
      reject(new Error(`still open after ${limitMs} ms; received ${JSON.stringify(received)}`));
    }, limitMs);
    s.setEncoding('latin1');
    s.on('data', (d: string) => (received += d));
    s.on('error', () => {}); // a reset after the 408 counts as a close too
    s.on('close', () => {
      clearTimeout(guard);
      resolve({ afterMs: performance.now() - t0, received });
    });
    s.on('connect', () => {
      t0 = performance.now();
      drive(s, () => (t0 = performance.now()));
    });
  });
}

test('a client dripping its request head gets 408 and is closed after timeout http-request', async () => {
  const hr = 600 * SCALE;
  await withAdmin({ client: 30_000, httpRequest: hr }, async (port) => {
    let drip: NodeJS.Timeout | undefined;
    const r = await untilClosed(
      port,
      (s) => {
        s.write('GET /stats HTTP/1.1\r\nHost: x\r\n');
        // One header byte every 50 ms: the socket is never idle, only the head is late.
        let i = 0;
        drip = setInterval(() => {
          if (!s.destroyed) s.write(i++ % 2 ? '\r\n' : 'X-a: b');
        }, 50);
      },
      hr + MARGIN_MS + 5000,
    ).finally(() => clearInterval(drip));
    assert.match(r.received, /^HTTP\/1\.1 408 /);
    assert.ok(r.afterMs >= hr - 50, `closed after ${r.afterMs.toFixed(0)} ms, before the ${hr} ms timeout`);
    assert.ok(r.afterMs <= hr + MARGIN_MS, `closed after ${r.afterMs.toFixed(0)} ms against a ${hr} ms timeout`);
  });
});

test('a connection that never sends a byte is closed after timeout http-request (falling back to timeout client)', async () => {
  const client = 700 * SCALE;
  await withAdmin({ client }, async (port) => {
    const r = await untilClosed(port, () => {}, client + MARGIN_MS + 5000);
    assert.ok(r.afterMs >= client - 50 && r.afterMs <= client + MARGIN_MS, `closed after ${r.afterMs.toFixed(0)} ms against a ${client} ms timeout`);
  });
});

test('an idle keep-alive connection is closed after timeout http-keep-alive', async () => {
  const ka = 500 * SCALE;
  await withAdmin({ client: 30_000, httpRequest: 5000, httpKeepAlive: ka }, async (port) => {
    let answered = false;
    const r = await untilClosed(
      port,
      (s, since) => {
        s.write('GET /stats HTTP/1.1\r\nHost: x\r\n\r\n');
        s.on('data', (d: string) => {
          if (!answered && d.includes('\r\n\r\n')) {
            answered = true;
            since(); // the keep-alive wait starts with the response
          }
        });
      },
      ka + MARGIN_MS + 5000,
    );
    assert.ok(answered, 'the request was answered');
    assert.match(r.received, /^HTTP\/1\.1 200 /);
    assert.ok(r.afterMs >= ka - 50 && r.afterMs <= ka + MARGIN_MS, `closed after ${r.afterMs.toFixed(0)} ms against a ${ka} ms keep-alive timeout`);
  });
});
