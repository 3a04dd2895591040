// start/stop/update/stats of the proxy API: bind errors name the config line, reload keeps
// listening sockets for unchanged binds, servers hot-swapped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { StaticHealthState } from '../../../src/health/static-state.js';
import { silentLogger } from '../../../src/log/logger.js';
import { BindError, createProxy } from '../../../src/proxy/proxy.js';
import { backend, frontend, server } from '../../helpers/proxy-fixtures.js';
import { httpGet, startHttpBackend } from '../../helpers/backends.js';
import { cleanup, startProxy } from '../../helpers/proxy-harness.js';

test('a port already in use is a clear error naming the bind line, and nothing stays bound', async (t) => {
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
  t.after(() => blocker.close());
  const used = (blocker.address() as net.AddressInfo).port;
  const free = frontend('ok', 'be'); // binds port 0 first
  const bad = frontend('web', 'be', { binds: [{ address: '127.0.0.1', port: used, pos: { file: '/etc/halb/haproxy.cfg', line: 42 } }] });
  const proxy = createProxy({ frontends: [free, bad], backends: [backend('be', [])], health: new StaticHealthState(), logger: silentLogger() });
  t.after(() => proxy.stop());
  await assert.rejects(proxy.start(), (e: unknown) => {
    assert.ok(e instanceof BindError);
    assert.equal(e.code, 'EADDRINUSE');
    assert.match(e.message, /^\/etc\/halb\/haproxy\.cfg:42: bind 127\.0\.0\.1:\d+ \(frontend web\): address already in use$/);
    return true;
  });
  assert.deepEqual(proxy.addresses(), []);
});

test('update(): servers swapped while the listening socket and open connections stay', async (t) => {
  const a = cleanup(t, await startHttpBackend('a'));
  const b = cleanup(t, await startHttpBackend('b'));
  const fe = frontend('fe', 'be');
  const h = await startProxy(t, [fe], [backend('be', [server('a', a.port)])]);
  const port = h.port();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  assert.equal((await httpGet(port, '/', { agent })).body, 'a');
  await h.proxy.update({ frontends: [fe], backends: [backend('be', [server('b', b.port)])] });
  assert.equal(h.port(), port, 'same listener');
  // The kept-alive client connection survives the reload and now reaches the new server.
  assert.equal((await httpGet(port, '/', { agent })).body, 'b');
  assert.equal((await httpGet(port)).body, 'b');
});

test('update(): an unchanged server keeps its counters; a new bind is added, a removed one closed', async (t) => {
  const a = cleanup(t, await startHttpBackend('a'));
  const fe1 = frontend('fe', 'be');
  const h = await startProxy(t, [fe1], [backend('be', [server('a', a.port)])]);
  const oldPort = h.port();
  await httpGet(oldPort);
  const fe2 = frontend('fe2', 'be');
  await h.proxy.update({ frontends: [fe2], backends: [backend('be', [server('a', a.port, { weight: 5 })])] });
  const st = h.proxy.stats();
  assert.equal(st.backends[0]!.servers[0]!.requests, 1, 'server counters carried over');
  assert.equal(st.frontends.length, 1);
  assert.equal(st.frontends[0]!.name, 'fe2');
  // fe2's bind is also 127.0.0.1:0 — same key, so the socket is reused (no gap in listening).
  assert.equal(h.port('fe2'), oldPort);
  assert.equal((await httpGet(oldPort)).body, 'a');
});

test('stats(): counters per frontend, backend and server', async (t) => {
  const a = cleanup(t, await startHttpBackend('a'));
  const h = await startProxy(t, [frontend('fe', 'be')], [backend('be', [server('a', a.port), server('z', 1, { disabled: true })])]);
  await httpGet(h.port());
  await httpGet(h.port(), '/', { headers: { host: '' }, method: 'GET' });
  const st = h.proxy.stats();
  const fe = st.frontends[0]!;
  assert.equal(fe.name, 'fe');
  assert.ok(fe.sessTotal >= 2 && fe.bytesIn > 0 && fe.bytesOut > 0);
  assert.equal(fe.listening.length, 1);
  const be = st.backends[0]!;
  assert.equal(be.servers[0]!.status, 'UP');
  assert.equal(be.servers[1]!.status, 'MAINT');
  assert.equal(be.servers[0]!.http2xx, 2);
});

test('update(): repeated reloads under traffic refuse no connection; a bind can switch tcp <-> http', async (t) => {
  const a = cleanup(t, await startHttpBackend('a'));
  const fe = frontend('fe', 'be');
  const h = await startProxy(t, [fe], [backend('be', [server('a', a.port)])]);
  const port = h.port();
  let failures = 0;
  let done = 0;
  let stop = false;
  const load = (async () => {
    while (!stop) {
      try {
        const r = await httpGet(port);
        if (r.status !== 200) failures++;
      } catch {
        failures++;
      }
      done++;
    }
  })();
  for (let i = 0; i < 6; i++) {
    const mode = i % 2 === 0 ? 'tcp' : 'http';
    await h.proxy.update({ frontends: [{ ...fe, mode }], backends: [backend('be', [server('a', a.port, { weight: i + 1 })], { mode })] });
    await new Promise((r) => setTimeout(r, 30));
  }
  stop = true;
  await load;
  assert.equal(h.port(), port);
  assert.ok(done > 5);
  assert.equal(failures, 0);
});

test('start() logs one listen event per bind; update() before start() is not lost', async (t) => {
  const a = cleanup(t, await startHttpBackend('a'));
  const b = cleanup(t, await startHttpBackend('b'));
  const { captureLogger } = await import('../../helpers/log-capture.js');
  const log = captureLogger();
  const fe = frontend('fe', 'be');
  const proxy = createProxy({ frontends: [fe], backends: [backend('be', [server('a', a.port)])], health: new StaticHealthState(), logger: log.logger });
  t.after(() => proxy.stop());
  await proxy.update({ frontends: [fe], backends: [backend('be', [server('b', b.port)])] });
  await proxy.start();
  const l = await log.waitFor((x) => x.event === 'listen');
  assert.equal(l.frontend, 'fe');
  assert.match(String(l.address), /^127\.0\.0\.1:\d+$/);
  assert.equal((await httpGet(proxy.addresses()[0]!.port)).body, 'b');
});
