// maxconn with HAProxy's semantics: at a frontend's (or the process's) maxconn the listeners stop
// accepting and clients wait in the kernel backlog, served as slots free, none closed unanswered;
// at a server's maxconn requests wait in the backend queue up to `timeout queue`, then 503 `sQ`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { startHttpBackend, startTcpBackend } from '../../helpers/backends.js';
import { backend, frontend, scaled, server } from '../../helpers/proxy-fixtures.js';
import { cleanup, startProxy } from '../../helpers/proxy-harness.js';

/** One request on a fresh connection; resolves with the status or the error code. */
function oneShot(port: number): Promise<number | string> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, path: '/', agent: false, headers: { connection: 'close' } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    req.end();
  });
}

/**
 * An HTTP backend answering each request after `delayMs`, recording its peak concurrency. With
 * `holdFirst`, the first `holdFirst` requests are answered only once all of them have arrived.
 */
async function slowBackend(delayMs: number, holdFirst = 0) {
  let cur = 0;
  let peak = 0;
  const held: (() => void)[] = [];
  const b = await startHttpBackend('slow', (_req, res) => {
    cur++;
    peak = Math.max(peak, cur);
    const answer = (): void => {
      cur--;
      res.writeHead(200, { 'content-length': '2' });
      res.end('ok');
    };
    if (holdFirst > 0) {
      held.push(answer);
      if (held.length === holdFirst) {
        holdFirst = 0;
        for (const f of held.splice(0)) f();
      }
      return;
    }
    setTimeout(answer, delayMs);
  });
  return { b, peak: () => peak };
}

for (const pause of ['native', 'hold'] as const) {
  test(`frontend maxconn 50, 200 concurrent clients: all served, none closed (${pause} pause)`, async (t) => {
    const prev = process.env.HALB_LISTEN_PAUSE;
    if (pause === 'hold') process.env.HALB_LISTEN_PAUSE = 'hold';
    t.after(() => {
      if (prev === undefined) delete process.env.HALB_LISTEN_PAUSE;
      else process.env.HALB_LISTEN_PAUSE = prev;
    });
    // The first 50 requests are held until all 50 are in, so the frontend is surely full once
    // (a busy machine may otherwise never have 50 at a time); later ones are answered after 20 ms.
    const { b, peak } = await slowBackend(20, 50);
    cleanup(t, b);
    const h = await startProxy(t, [frontend('fe', 'be', { maxconn: 50 })], [backend('be', [server('s1', b.port)])]);
    const results = await Promise.all(Array.from({ length: 200 }, () => oneShot(h.port())));
    const bad = results.filter((r) => r !== 200);
    assert.deepEqual(bad, [], 'every client got its 200');
    assert.ok(peak() <= 50, `at most 50 requests at the server at once, saw ${peak()}`);
    const fe = h.proxy.stats().frontends[0]!;
    assert.ok(fe.pauses > 0, 'the listener paused at maxconn');
    assert.equal(fe.refused, 0);
    assert.equal(fe.sessTotal, 200);
    assert.equal(fe.paused, false, 'accepting again once idle');
  });
}

test('server maxconn 5, 50 concurrent requests: queued, all served, never more than 5 at the server', async (t) => {
  const { b, peak } = await slowBackend(20);
  cleanup(t, b);
  const h = await startProxy(t, [frontend('fe', 'be')], [backend('be', [server('s1', b.port, { maxconn: 5 })], { timeouts: { connect: scaled(2000), server: scaled(10000), queue: scaled(10000) } })]);
  const results = await Promise.all(Array.from({ length: 50 }, () => oneShot(h.port())));
  assert.deepEqual(
    results.filter((r) => r !== 200),
    [],
  );
  assert.ok(peak() <= 5, `peak ${peak()}`);
  const be = h.proxy.stats().backends[0]!;
  assert.ok(be.qmax > 0 && be.qmax <= 45, `qmax ${be.qmax}`);
  assert.equal(be.qcur, 0);
  assert.ok(be.queued >= be.qmax);
  assert.equal(be.queueTimeouts, 0);
});

test('past timeout queue: 503 with termination sQ, logged and counted; the held request still completes', async (t) => {
  const held: http.ServerResponse[] = [];
  let arrived: () => void = () => {};
  const first = new Promise<void>((r) => (arrived = r));
  const b = cleanup(
    t,
    await startHttpBackend('held', (_req, res) => {
      held.push(res);
      arrived();
    }),
  );
  const h = await startProxy(t, [frontend('fe', 'be')], [backend('be', [server('s1', b.port, { maxconn: 1 })], { timeouts: { connect: scaled(2000), server: scaled(10000), queue: scaled(150) } })]);
  const p1 = oneShot(h.port());
  await first;
  const r2 = await oneShot(h.port());
  assert.equal(r2, 503);
  const line = await h.log.waitFor((l) => l.status === 503);
  assert.equal(line.termination, 'sQ');
  assert.equal(line.server, '-');
  const be = h.proxy.stats().backends[0]!;
  assert.equal(be.queueTimeouts, 1);
  assert.equal(be.qcur, 0);
  assert.equal(be.http5xx, 1);
  held[0]!.end('done');
  assert.equal(await p1, 200);
});

test('tcp mode: server maxconn queues sessions and hands the slot on when one ends', async (t) => {
  const echo = cleanup(t, await startTcpBackend());
  const h = await startProxy(
    t,
    [frontend('fe', 'be', { mode: 'tcp' })],
    [backend('be', [server('s1', echo.port, { maxconn: 1 })], { mode: 'tcp', timeouts: { connect: scaled(2000), server: scaled(10000), queue: scaled(10000) } })],
  );
  const a = net.connect(h.port(), '127.0.0.1');
  a.write('a');
  await new Promise((r) => a.once('data', r));
  const b2 = net.connect(h.port(), '127.0.0.1');
  b2.write('b');
  let got = '';
  b2.on('data', (d) => (got += d));
  await waitUntil(() => h.proxy.stats().backends[0]!.qcur === 1);
  assert.equal(got, '', 'the second session waits while the first holds the only slot');
  a.end();
  await new Promise((r) => b2.once('data', r));
  assert.equal(got, 'b');
  b2.end();
  await waitUntil(() => h.log.lines.length === 2);
  assert.deepEqual(
    h.log.lines.map((l) => l.termination),
    ['--', '--'],
  );
});

test('global maxconn: listeners pause at the process limit; a connected keep-alive client keeps being served', async (t) => {
  const b = cleanup(t, await startHttpBackend('s1'));
  const h = await startProxy(t, [frontend('fe', 'be'), frontend('fe2', 'be')], [backend('be', [server('s1', b.port)])], { maxconn: 20 });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  const get = () =>
    new Promise<number>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port: h.port('fe'), agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        })
        .on('error', reject);
    });
  assert.equal(await get(), 200);
  // A flood of idle connections on both frontends, three times the limit.
  const flood: net.Socket[] = [];
  t.after(() => flood.forEach((s) => s.destroy()));
  for (let i = 0; i < 60; i++) {
    const s = net.connect(h.port(i % 2 ? 'fe' : 'fe2'), '127.0.0.1');
    s.on('error', () => {});
    flood.push(s);
  }
  await Promise.all(flood.map((s) => new Promise((r) => s.once('connect', r))));
  await waitUntil(() => h.proxy.stats().frontends.reduce((n, f) => n + f.sessCur, 0) === 20);
  const st = h.proxy.stats().frontends;
  assert.ok(
    st.every((f) => f.paused),
    'every listener paused',
  );
  for (let i = 0; i < 10; i++) assert.equal(await get(), 200, 'the connected client is still served');
  assert.equal(
    st.reduce((n, f) => n + f.refused, 0),
    0,
    'nobody refused: they wait in the backlog',
  );
  const warned = h.allLogs.lines.find((l) => l.event === 'maxconn-reached');
  assert.ok(warned, 'the limit is logged');
  // The flood leaves: the backlog drains, everyone is accepted, the listeners resume.
  for (const s of flood) s.destroy();
  await waitUntil(() => h.proxy.stats().frontends.every((f) => !f.paused && f.sessCur <= 1));
  assert.ok(h.proxy.stats().frontends.reduce((n, f) => n + f.sessTotal, 0) >= 21);
});

/** Polls a condition on the event loop (stats have no events of their own); bounded. */
async function waitUntil(cond: () => boolean, timeoutMs = 10000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setImmediate(r));
  }
}

/** A backend that holds every response until released, counting arrivals. */
async function heldBackend(t: import('node:test').TestContext, name: string) {
  const held: http.ServerResponse[] = [];
  const waiters: (() => void)[] = [];
  let arrivals = 0;
  const b = cleanup(
    t,
    await startHttpBackend(name, (_req, res) => {
      arrivals++;
      held.push(res);
      for (const w of waiters.splice(0)) w();
    }),
  );
  return {
    port: b.port,
    arrivals: () => arrivals,
    arrived: (n: number) =>
      new Promise<void>((resolve) => {
        const check = (): void => (arrivals >= n ? resolve() : void waiters.push(check));
        check();
      }),
    releaseAll: () => held.splice(0).forEach((r) => r.end(name)),
  };
}

test("balance source: a request for a full hashed server waits in that server's queue, not elsewhere; maxqueue sends the next one on", async (t) => {
  const a = await heldBackend(t, 'a');
  const b = await heldBackend(t, 'b');
  const be = backend('be', [server('a', a.port, { maxconn: 1, maxqueue: 1 }), server('b', b.port, { maxconn: 1, maxqueue: 1 })], {
    balance: { algo: 'source', hashType: 'consistent' },
    timeouts: { connect: scaled(2000), server: scaled(10000), queue: scaled(10000) },
  });
  const h = await startProxy(t, [frontend('fe', 'be')], [be]);
  const bodyOf = (port: number) =>
    new Promise<string>((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, agent: false }, (res) => {
          let s = '';
          res.on('data', (d) => (s += d));
          res.on('end', () => resolve(`${res.statusCode} ${s}`));
        })
        .on('error', reject);
    });
  // Every client here is 127.0.0.1: they all hash to the same server.
  const r1 = bodyOf(h.port());
  await waitUntil(() => a.arrivals() + b.arrivals() === 1);
  const [mine, other] = a.arrivals() === 1 ? [a, b] : [b, a];
  const mineName = mine === a ? 'a' : 'b';
  const r2 = bodyOf(h.port());
  const stats = () => h.proxy.stats().backends[0]!;
  await waitUntil(() => stats().servers.find((s) => s.name === mineName)!.qcur === 1);
  assert.equal(other.arrivals(), 0, 'the free server does not take a client hashed elsewhere');
  assert.equal(stats().qcur, 0, 'it waits in the server queue, not the backend queue');
  // maxqueue 1 reached: the third goes to the other server.
  const r3 = bodyOf(h.port());
  await other.arrived(1);
  other.releaseAll();
  assert.equal(await r3, `200 ${other === a ? 'a' : 'b'}`);
  // The slot frees: the queued request gets its server.
  mine.releaseAll();
  assert.equal(await r1, `200 ${mineName}`);
  await mine.arrived(2);
  mine.releaseAll();
  assert.equal(await r2, `200 ${mineName}`);
  const sv = stats().servers.find((s) => s.name === mineName)!;
  assert.equal(sv.qcur, 0);
  assert.equal(sv.qmax, 1);
  assert.equal(sv.queued, 1);
});
