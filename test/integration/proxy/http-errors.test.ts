// http mode, every error status the proxy produces itself, and errorfile bodies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { backend, frontend, scaled, server } from '../../helpers/proxy-fixtures.js';
import { deadPort, rawExchange, startBlackhole, startHttpBackend, startTcpBackend } from '../../helpers/backends.js';
import { cleanup, startProxy } from '../../helpers/proxy-harness.js';

const GET = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';
const statusOf = (s: string): number => Number(/^HTTP\/1\.[01] (\d{3})/.exec(s)?.[1] ?? 0);

test('400 on a malformed request, logged as PR', async (t) => {
  const a = cleanup(t, await startHttpBackend('a'));
  const h = await startProxy(t, [frontend('fe', 'be')], [backend('be', [server('a', a.port)])]);
  assert.equal(statusOf(await rawExchange(h.port(), 'GET / HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n')), 400);
  assert.equal(statusOf(await rawExchange(h.port(), 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n')), 400);
  const l = await h.log.waitFor((x) => x.status === 400);
  assert.equal(l.termination, 'PR');
  assert.equal(a.requests.length, 0, 'nothing reached the server');
  assert.equal(h.proxy.stats().frontends[0]!.errReq, 2);
});

test('400 on a bad chunked request body after the head was forwarded', async (t) => {
  const a = cleanup(t, await startTcpBackend((s) => s.resume()));
  const h = await startProxy(t, [frontend('fe', 'be')], [backend('be', [server('a', a.port)])]);
  const got = await rawExchange(h.port(), 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n');
  assert.equal(statusOf(got), 400);
});

test('431 on oversized request headers', async (t) => {
  const a = cleanup(t, await startHttpBackend('a'));
  const h = await startProxy(t, [frontend('fe', 'be')], [backend('be', [server('a', a.port)])]);
  const big = `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20000)}\r\n\r\n`;
  assert.equal(statusOf(await rawExchange(h.port(), big)), 431);
});

test('408 when the request head is too slow (timeout http-request), also for a silent connection', async (t) => {
  const a = cleanup(t, await startHttpBackend('a'));
  const h = await startProxy(t, [frontend('fe', 'be', { timeouts: { client: scaled(5000), httpRequest: scaled(300) } })], [backend('be', [server('a', a.port)])]);
  // Slowloris: bytes keep coming (so the client is never idle) but the head never completes.
  const got = await new Promise<string>((resolve) => {
    const s = net.connect(h.port(), '127.0.0.1');
    let out = '';
    const iv = setInterval(() => s.write('X-Slow: 1\r\n'), scaled(50));
    s.on('connect', () => s.write('GET / HTTP/1.1\r\nHost: x\r\n'));
    s.on('data', (d) => (out += d.toString()));
    s.on('error', () => {});
    s.on('close', () => {
      clearInterval(iv);
      resolve(out);
    });
  });
  assert.equal(statusOf(got), 408);
  assert.equal(statusOf(await rawExchange(h.port(), '')), 408, 'a connection that sends nothing');
  const l = await h.log.waitFor((x) => x.status === 408);
  assert.equal(l.termination, 'cR');
});

test('502 on a bad server response and on a server that closes before answering', async (t) => {
  const garbage = cleanup(t, await startTcpBackend((s) => s.once('data', () => s.end('SSH-2.0-OpenSSH\r\n\r\n'))));
  const closer = cleanup(t, await startTcpBackend((s) => s.once('data', () => s.destroy())));
  const h = await startProxy(t, [frontend('f1', 'b1'), frontend('f2', 'b2')], [backend('b1', [server('g', garbage.port)]), backend('b2', [server('c', closer.port)], { retries: 0 })]);
  assert.equal(statusOf(await rawExchange(h.port('f1'), GET)), 502);
  assert.equal(statusOf(await rawExchange(h.port('f2'), 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi')), 502);
  const l = await h.log.waitFor((x) => x.status === 502 && x.frontend === 'f1');
  assert.equal(l.termination, 'PH');
});

test('503 when no server is usable (all down, or connection refused everywhere)', async (t) => {
  const dead = await deadPort();
  const a = cleanup(t, await startHttpBackend('a'));
  const h = await startProxy(t, [frontend('f1', 'b1'), frontend('f2', 'b2')], [backend('b1', [server('a', a.port)]), backend('b2', [server('d', dead)], { retries: 1 })]);
  h.health.set('b1', 'a', 'DOWN');
  assert.equal(statusOf(await rawExchange(h.port('f1'), GET)), 503);
  assert.equal(statusOf(await rawExchange(h.port('f2'), GET)), 503);
  const l = await h.log.waitFor((x) => x.status === 503 && x.frontend === 'f2');
  assert.equal(l.termination, 'SC');
  assert.equal(l.retries, 1);
  assert.equal(h.health.passiveReports.filter((r) => r.server === 'd').length, 2, 'each refused attempt reported');
});

test('504 when the server accepts but never answers (timeout server)', async (t) => {
  const hang = cleanup(t, await startTcpBackend((s) => s.resume()));
  const h = await startProxy(t, [frontend('fe', 'be')], [backend('be', [server('h', hang.port)], { timeouts: { connect: scaled(1000), server: scaled(300) } })]);
  assert.equal(statusOf(await rawExchange(h.port(), GET)), 504);
  const l = await h.log.waitFor((x) => x.status === 504);
  assert.equal(l.termination, 'sH');
});

test('503 after timeout connect to a blackhole server (accept queue full)', async (t) => {
  const bh = cleanup(t, await startBlackhole());
  const h = await startProxy(t, [frontend('fe', 'be')], [backend('be', [server('bh', bh.port)], { retries: 1, timeouts: { connect: scaled(300), server: scaled(5000) } })]);
  const t0 = performance.now();
  const got = await rawExchange(h.port(), GET);
  assert.equal(statusOf(got), 503);
  assert.ok(performance.now() - t0 >= scaled(550), 'two connect attempts of 300 ms each');
  const l = await h.log.waitFor((x) => x.frontend === 'fe');
  assert.equal(l.termination, 'sC');
  assert.deepEqual(
    h.health.passiveReports.map((r) => r.kind),
    ['timeout', 'timeout'],
  );
});

test('errorfile bodies replace the built-in responses', async (t) => {
  const content = 'HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 11\r\nConnection: close\r\n\r\nsorry, busy';
  const h = await startProxy(
    t,
    [frontend('fe', 'be', { errorFiles: { 400: { path: '/e/400.http', content: 'HTTP/1.1 400 Bad Request\r\nContent-Length: 3\r\n\r\nbad' } } })],
    [backend('be', [server('d', await deadPort())], { retries: 0, errorFiles: { 503: { path: '/e/503.http', content } } })],
  );
  const got = await rawExchange(h.port(), GET);
  assert.equal(statusOf(got), 503);
  assert.ok(got.endsWith('sorry, busy'));
  assert.ok((await rawExchange(h.port(), 'BAD\r\n\r\n')).endsWith('bad'));
});

test('a server that resets mid-response never crashes the proxy; the client is cut', async (t) => {
  const rst = cleanup(
    t,
    await startTcpBackend((s) =>
      s.once('data', () => {
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial');
        setTimeout(() => s.resetAndDestroy(), 20);
      }),
    ),
  );
  const h = await startProxy(t, [frontend('fe', 'be')], [backend('be', [server('r', rst.port)])]);
  const got = await rawExchange(h.port(), GET);
  assert.match(got, /partial$/);
  const l = await h.log.waitFor((x) => x.frontend === 'fe');
  assert.equal(l.termination, 'SD');
  assert.equal(h.proxy.stats().backends[0]!.errResp, 1);
});

test('hostile clients (garbage, huge chunk sizes, early resets) never crash the proxy', async (t) => {
  const a = cleanup(t, await startHttpBackend('a'));
  const h = await startProxy(t, [frontend('fe', 'be')], [backend('be', [server('a', a.port)])]);
  const payloads = [
    Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03]),
    'GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello',
    'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\n',
    'GET / HTTP/1.1\r\n' + 'X: y\r\n'.repeat(500) + '\r\n',
    '\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n',
  ];
  await Promise.all(payloads.map((p) => rawExchange(h.port(), p)));
  // Connections reset mid-request.
  await Promise.all(
    Array.from(
      { length: 10 },
      (_, i) =>
        new Promise<void>((resolve) => {
          const s = net.connect(h.port(), '127.0.0.1');
          s.on('connect', () => {
            s.write(i % 2 ? 'GET / HTTP/1.1\r\nHo' : 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc');
            setTimeout(() => s.resetAndDestroy(), 10);
          });
          s.on('error', () => {});
          s.on('close', () => resolve());
        }),
    ),
  );
  const ok = await rawExchange(h.port(), 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  assert.match(ok, /^HTTP\/1\.1 200/);
  assert.equal(a.requests.filter((r) => r.url === '/smuggled').length, 0, 'the smuggling attempt never reached the server');
  for (let i = 0; i < 50 && h.proxy.stats().frontends[0]!.sessCur > 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(h.proxy.stats().frontends[0]!.sessCur, 0);
  assert.equal(h.proxy.stats().backends[0]!.sessCur, 0);
});
