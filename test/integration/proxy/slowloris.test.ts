// Slow clients in http mode: while 300 connections drip their request heads one header line at a
// time, a normal keep-alive client is served promptly, and every slow connection gets 408 and is
// closed once `timeout http-request` has passed since it connected (HAProxy's rule: the timer
// bounds the whole head, so a client that keeps sending does not extend it).
// Real sockets on 127.0.0.1, ports from the OS; waits on close events; bounded in count and time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import http from 'node:http';
import { startProxy, cleanup } from '../../helpers/proxy-harness.js';
import { backend, frontend, server, scaled } from '../../helpers/proxy-fixtures.js';
import { httpGet, startHttpBackend } from '../../helpers/backends.js';
import { flushAccess } from '../../../src/log/access-line.js';

const SLOW = 300;

interface SlowOutcome {
  afterMs: number;
  got: string;
}

/** Opens one slow connection; resolves when the proxy closes it. */
function slowClient(port: number, dripMs: number, limitMs: number): { connected: Promise<void>; closed: Promise<SlowOutcome> } {
  const s = net.connect(port, '127.0.0.1');
  let t0 = 0;
  let got = '';
  let drip: NodeJS.Timeout | undefined;
  const connected = new Promise<void>((resolve) => s.once('connect', () => resolve()));
  const closed = new Promise<SlowOutcome>((resolve, reject) => {
    const guard = setTimeout(() => {
      s.destroy();
      reject(new Error(`slow connection still open after ${limitMs} ms`));
    }, limitMs);
    s.on('connect', () => {
      t0 = performance.now();
      s.write('GET /slow HTTP/1.1\r\nHost: x\r\n');
      let i = 0;
      drip = setInterval(() => !s.destroyed && s.write(`X-Drip-${i++}: a\r\n`), dripMs);
    });
    s.setEncoding('latin1');
    s.on('data', (d: string) => (got += d));
    s.on('error', () => {});
    s.on('close', () => {
      clearTimeout(guard);
      clearInterval(drip);
      resolve({ afterMs: performance.now() - t0, got });
    });
  });
  return { connected, closed };
}

test(`a normal client is served promptly beside ${SLOW} slowloris connections, which all get 408 on timeout http-request`, async (t) => {
  const be = cleanup(t, await startHttpBackend('s1'));
  const hr = scaled(2000);
  const h = await startProxy(t, [frontend('fe', 'be', { timeouts: { client: scaled(30_000), httpRequest: hr } })], [backend('be', [server('s1', be.port)])]);
  const port = h.port('fe');

  const slow = Array.from({ length: SLOW }, () => slowClient(port, 100, hr + scaled(10_000)));
  await Promise.all(slow.map((c) => c.connected));

  // The normal client: sequential keep-alive requests while every slow connection is dripping.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  const lat: number[] = [];
  for (let i = 0; i < 40; i++) {
    const t0 = performance.now();
    const r = await httpGet(port, `/n${i}`, { agent });
    lat.push(performance.now() - t0);
    assert.equal(r.status, 200);
  }
  lat.sort((a, b) => a - b);
  // Promptly: a slow connection costs the proxy a read per line, never a stall of the others.
  assert.ok(lat[lat.length - 1]! < scaled(500), `normal requests took up to ${lat[lat.length - 1]!.toFixed(0)} ms beside the attack`);

  const outcomes = await Promise.all(slow.map((c) => c.closed));
  const not408 = outcomes.filter((o) => !/^HTTP\/1\.[01] 408 /.test(o.got));
  assert.equal(not408.length, 0, `${not408.length} slow connections closed without a 408, e.g. ${JSON.stringify(not408[0]?.got)}`);
  const early = outcomes.filter((o) => o.afterMs < hr - 100);
  assert.equal(early.length, 0, `closed before timeout http-request: ${early.map((o) => o.afterMs.toFixed(0)).join(', ')}`);
  const late = Math.max(...outcomes.map((o) => o.afterMs));
  assert.ok(late < hr + scaled(3000), `last slow connection closed ${late.toFixed(0)} ms after it connected (timeout ${hr} ms)`);
  flushAccess(h.log.logger); // access lines are batched for up to 10 ms
  const logged = h.log.lines.filter((l) => l.status === 408);
  assert.equal(logged.length, SLOW, 'one access line with status 408 per slow connection');
});
