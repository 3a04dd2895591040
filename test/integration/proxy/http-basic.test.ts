// http mode, happy paths: distribution, keep-alive + pooling, framing (length, chunked both
// ways, HEAD/204/304, close-delimited), pipelining, X-Forwarded-For, http-server-close.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { backend, frontend, server } from '../../helpers/proxy-fixtures.js';
import { httpGet, rawExchange, startHttpBackend, startTcpBackend } from '../../helpers/backends.js';
import { cleanup, startProxy } from '../../helpers/proxy-harness.js';

test('roundrobin spreads requests by weight over real servers', async (t) => {
  const a = cleanup(t, await startHttpBackend('a'));
  const b = cleanup(t, await startHttpBackend('b'));
  const c = cleanup(t, await startHttpBackend('c'));
  const h = await startProxy(t, [frontend('fe', 'be')], [backend('be', [server('a', a.port, { weight: 2 }), server('b', b.port), server('c', c.port)])]);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  t.after(() => agent.destroy());
  const seen: Record<string, number> = {};
  for (let i = 0; i < 40; i++) {
    const r = await httpGet(h.port(), '/', { agent });
    assert.equal(r.status, 200);
    seen[r.body] = (seen[r.body] ?? 0) + 1;
  }
  assert.deepEqual(seen, { a: 20, b: 10, c: 10 });
  const st = h.proxy.stats();
  assert.equal(st.backends[0]!.http2xx, 40);
  assert.equal(st.frontends[0]!.requests, 40);
});

test('keep-alive on both sides: many requests reuse few server connections', async (t) => {
  let conns = 0;
  const a = cleanup(t, await startHttpBackend('a'));
  a.server.on('connection', () => conns++);
  const h = await startProxy(t, [frontend('fe', 'be')], [backend('be', [server('a', a.port)])]);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  for (let i = 0; i < 30; i++) assert.equal((await httpGet(h.port(), `/${i}`, { agent })).body, 'a');
  assert.equal(conns, 1, 'one pooled server connection served all requests');
  assert.equal(h.proxy.stats().backends[0]!.servers[0]!.idleConnections, 1);
});

test('pipelined requests are answered in order on one connection', async (t) => {
  const a = cleanup(t, await startHttpBackend('a', (req, res) => res.end(`path=${req.url}`)));
  const h = await startProxy(t, [frontend('fe', 'be')], [backend('be', [server('a', a.port)])]);
  const reqs = ['/1', '/2', '/3'].map((p) => `GET ${p} HTTP/1.1\r\nHost: x\r\n\r\n`).join('');
  const got = await rawExchange(h.port(), reqs, { until: (s) => s.includes('path=/3') });
  const order = [...got.matchAll(/path=(\/\d)/g)].map((m) => m[1]);
  assert.deepEqual(order, ['/1', '/2', '/3']);
});

test('chunked request and chunked response bodies stream through', async (t) => {
  const a = cleanup(
    t,
    await startHttpBackend('a', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(200, { 'transfer-encoding': 'chunked' });
        res.write('got:');
        res.end(Buffer.concat(chunks).toString().toUpperCase());
      });
    }),
  );
  const h = await startProxy(t, [frontend('fe', 'be')], [backend('be', [server('a', a.port)])]);
  const raw = 'POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n';
  const got = await rawExchange(h.port(), raw, { until: (s) => s.endsWith('0\r\n\r\n') });
  assert.match(got, /^HTTP\/1\.1 200/);
  assert.match(got, /transfer-encoding: chunked/i);
  const body = got.slice(got.indexOf('\r\n\r\n') + 4);
  assert.match(body.replace(/\r\n[0-9a-f]+\r\n/g, ''), /got:.*HELLO WORLD/);
});

test('HEAD, 204 and 304 responses carry no body and keep the connection usable', async (t) => {
  const a = cleanup(
    t,
    await startHttpBackend('a', (req, res) => {
      if (req.url === '/204') {
        res.writeHead(204);
        res.end();
      } else if (req.url === '/304') {
        res.writeHead(304, { etag: '"x"' });
        res.end();
      } else {
        res.writeHead(200, { 'content-length': '5' });
        res.end(req.method === 'HEAD' ? undefined : 'hello');
      }
    }),
  );
  const h = await startProxy(t, [frontend('fe', 'be')], [backend('be', [server('a', a.port)])]);
  const seq = 'HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n' + 'GET /204 HTTP/1.1\r\nHost: x\r\n\r\n' + 'GET /304 HTTP/1.1\r\nHost: x\r\n\r\n' + 'GET /last HTTP/1.1\r\nHost: x\r\n\r\n';
  const got = await rawExchange(h.port(), seq, { until: (s) => s.endsWith('hello') });
  const statuses = [...got.matchAll(/HTTP\/1\.1 (\d+)/g)].map((m) => m[1]);
  assert.deepEqual(statuses, ['200', '204', '304', '200']);
  assert.equal(got.split('hello').length - 1, 1, 'only the GET carries a body');
});

test('close-delimited HTTP/1.0 response is forwarded until the server closes, then the client is closed', async (t) => {
  const s = cleanup(
    t,
    await startTcpBackend((sock) => {
      sock.once('data', () => sock.end('HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nno length here'));
    }),
  );
  const h = await startProxy(t, [frontend('fe', 'be')], [backend('be', [server('s', s.port)])]);
  const got = await rawExchange(h.port(), 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
  assert.match(got, /^HTTP\/1\.0 200 OK/);
  assert.ok(got.endsWith('no length here'));
});

test('Connection: close from the client closes after the response', async (t) => {
  const a = cleanup(t, await startHttpBackend('a'));
  const h = await startProxy(t, [frontend('fe', 'be')], [backend('be', [server('a', a.port)])]);
  const got = await rawExchange(h.port(), 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.match(got, /^HTTP\/1\.1 200/);
  assert.ok(got.endsWith('a'));
});

test('X-Forwarded-For is added, except for the configured network', async (t) => {
  const a = cleanup(t, await startHttpBackend('a', (req, res) => res.end(String(req.headers['x-forwarded-for'] ?? 'none'))));
  const h = await startProxy(
    t,
    [frontend('fe1', 'be', { forwardFor: { header: 'X-Forwarded-For' } }), frontend('fe2', 'be', { forwardFor: { header: 'X-Forwarded-For', except: '127.0.0.0/8' } })],
    [backend('be', [server('a', a.port)])],
  );
  assert.equal((await httpGet(h.port('fe1'))).body, '127.0.0.1');
  assert.equal((await httpGet(h.port('fe2'))).body, 'none');
});

test('option http-server-close: server connection closed after each response, client kept alive', async (t) => {
  let conns = 0;
  const a = cleanup(t, await startHttpBackend('a', (req, res) => res.end(String(req.headers.connection))));
  a.server.on('connection', () => conns++);
  const h = await startProxy(t, [frontend('fe', 'be', { httpServerClose: true })], [backend('be', [server('a', a.port)])]);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  t.after(() => agent.destroy());
  for (let i = 0; i < 3; i++) assert.equal((await httpGet(h.port(), '/', { agent, headers: { connection: 'keep-alive' } })).body, 'close');
  assert.equal(conns, 3);
});

test('access log: one JSON line per request with timings, bytes, status and termination', async (t) => {
  const a = cleanup(t, await startHttpBackend('a'));
  const h = await startProxy(t, [frontend('fe', 'be')], [backend('be', [server('a', a.port)])]);
  await httpGet(h.port(), '/logged');
  const l = await h.log.waitFor((x) => x.event === 'access' && x.uri === '/logged');
  assert.equal(l.frontend, 'fe');
  assert.equal(l.backend, 'be');
  assert.equal(l.server, 'a');
  assert.equal(l.status, 200);
  assert.equal(l.termination, '--');
  assert.equal(l.method, 'GET');
  assert.match(String(l.client), /^127\.0\.0\.1:\d+$/);
  for (const k of ['connectMs', 'responseMs', 'totalMs']) assert.ok(typeof l[k] === 'number' && (l[k] as number) >= 0, k);
  assert.ok((l.bytesIn as number) > 20 && (l.bytesOut as number) > 20);
});

test('dontlognull: a connection without a request is not logged, with it off it is', async (t) => {
  const a = cleanup(t, await startHttpBackend('a'));
  const h = await startProxy(
    t,
    [frontend('quiet', 'be', { log: { httplog: true, tcplog: false, dontlognull: true } }), frontend('loud', 'be', { log: { httplog: true, tcplog: false, dontlognull: false } })],
    [backend('be', [server('a', a.port)])],
  );
  await rawExchange(h.port('quiet'), 'GET /partial', { halfClose: true });
  await rawExchange(h.port('loud'), 'GET /partial', { halfClose: true });
  await h.log.waitFor((x) => x.frontend === 'loud');
  assert.equal(h.log.lines.filter((x) => x.frontend === 'quiet').length, 0);
});

test('a client "Connection: close" closes the client side only: the server connection is pooled, the response says close', async (t) => {
  let conns = 0;
  const seenConnection: (string | undefined)[] = [];
  const a = cleanup(
    t,
    await startHttpBackend('a', (req, res) => {
      seenConnection.push(req.headers.connection);
      res.end('a');
    }),
  );
  a.server.on('connection', () => conns++);
  const h = await startProxy(t, [frontend('fe', 'be')], [backend('be', [server('a', a.port)])]);
  for (let i = 0; i < 5; i++) {
    // A fresh client connection per request, as health probes and curl do.
    const got = await rawExchange(h.port(), `GET /${i} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, { timeoutMs: 3000 });
    assert.match(got, /^HTTP\/1\.1 200 /);
    assert.match(got, /\r\nConnection: close\r\n/i, 'the client is told the connection closes');
    assert.match(got, /\r\n\r\na$/, 'body intact after the added header');
  }
  assert.equal(conns, 1, 'one server connection served all five client connections');
  assert.deepEqual(seenConnection, [undefined, undefined, undefined, undefined, undefined], "the client's close was not passed on");
  await h.log.waitFor(() => h.log.lines.length >= 5);
  assert.equal(h.log.lines.length, 5);
  assert.ok(h.log.lines.every((l) => l.status === 200 && l.termination === '--'));
});

test('with http-server-close, a client "Connection: close" still closes the server connection too', async (t) => {
  let conns = 0;
  const a = cleanup(t, await startHttpBackend('a'));
  a.server.on('connection', () => conns++);
  const h = await startProxy(t, [frontend('fe', 'be', { httpServerClose: true })], [backend('be', [server('a', a.port)])]);
  for (let i = 0; i < 3; i++) {
    const got = await rawExchange(h.port(), `GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, { timeoutMs: 3000 });
    assert.match(got, /^HTTP\/1\.1 200 /);
  }
  assert.equal(conns, 3);
});
