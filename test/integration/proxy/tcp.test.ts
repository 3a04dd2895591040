// tcp mode: streaming, half-close, timeouts, refused/reset/hang servers, retries+redispatch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { backend, frontend, scaled, server } from '../../helpers/proxy-fixtures.js';
import { deadPort, startBlackhole, startTcpBackend } from '../../helpers/backends.js';
import { cleanup, startProxy } from '../../helpers/proxy-harness.js';

const tcpFe = (name: string, be: string, extra = {}) => frontend(name, be, { mode: 'tcp', log: { httplog: false, tcplog: true, dontlognull: false }, ...extra });
const tcpBe = (name: string, servers: ReturnType<typeof server>[], extra = {}) => backend(name, servers, { mode: 'tcp', ...extra });

/** Connects, sends `data`, half-closes, resolves with all bytes received until close. */
function roundTrip(port: number, data: string | Buffer): Promise<{ got: Buffer; closedBy: string }> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const chunks: Buffer[] = [];
    let closedBy = 'close';
    s.on('connect', () => s.end(data));
    s.on('data', (c) => chunks.push(c));
    // A proxy closing a connection whose data it never read makes the kernel send RST.
    s.on('error', (e: NodeJS.ErrnoException) => (closedBy = e.code ?? 'error'));
    s.on('close', () => resolve({ got: Buffer.concat(chunks), closedBy }));
  });
}

test('tcp: bytes are echoed through and a session is logged', async (t) => {
  const echo = cleanup(t, await startTcpBackend());
  const h = await startProxy(t, [tcpFe('fe', 'be')], [tcpBe('be', [server('e', echo.port)])]);
  const r = await roundTrip(h.port(), 'ping over tcp');
  assert.equal(r.got.toString(), 'ping over tcp');
  const l = await h.log.waitFor((x) => x.mode === 'tcp');
  assert.equal(l.bytesIn, 13);
  assert.equal(l.bytesOut, 13);
  assert.equal(l.termination, '--');
  assert.equal(l.server, 'e');
});

test('tcp: half-close — client FIN is passed on, the server keeps sending afterwards', async (t) => {
  // Server waits for the client's FIN, then sends its answer in pieces and closes.
  const srv = cleanup(
    t,
    await startTcpBackend((s) => {
      let n = 0;
      s.on('data', (d) => (n += d.length));
      s.on('end', () => {
        s.write(`got ${n} bytes; `);
        setTimeout(() => s.end('after FIN'), 50);
      });
    }),
  );
  const h = await startProxy(t, [tcpFe('fe', 'be')], [tcpBe('be', [server('s', srv.port)])]);
  const r = await roundTrip(h.port(), Buffer.alloc(1000, 1));
  assert.equal(r.got.toString(), 'got 1000 bytes; after FIN');
});

test('tcp: server FIN is passed on while the client keeps sending', async (t) => {
  let received = 0;
  const srv = cleanup(
    t,
    await startTcpBackend((s) => {
      s.end('bye early');
      s.on('data', (d) => (received += d.length));
    }),
  );
  const h = await startProxy(t, [tcpFe('fe', 'be')], [tcpBe('be', [server('s', srv.port)])]);
  await new Promise<void>((resolve, reject) => {
    const c = net.connect({ port: h.port(), host: '127.0.0.1', allowHalfOpen: true });
    c.on('error', reject);
    c.on('end', () => {
      // Our direction is still open: send more, then finish.
      c.end(Buffer.alloc(5000, 2));
    });
    c.on('close', () => resolve());
    c.resume();
  });
  for (let i = 0; i < 50 && received < 5000; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(received, 5000);
});

test('tcp: connection refused is retried with redispatch to a live server, reported as passive', async (t) => {
  const echo = cleanup(t, await startTcpBackend());
  const dead = await deadPort();
  const h = await startProxy(
    t,
    [tcpFe('fe', 'be')],
    [tcpBe('be', [server('dead', dead), server('live', echo.port)], { redispatch: true, retries: 2, balance: { algo: 'first', hashType: 'consistent' } })],
  );
  const r = await roundTrip(h.port(), 'hello');
  assert.equal(r.got.toString(), 'hello');
  const l = await h.log.waitFor((x) => x.mode === 'tcp');
  assert.equal(l.server, 'live');
  assert.equal(l.retries, 1);
  assert.equal(l.redispatches, 1);
  assert.deepEqual(h.health.passiveReports, [{ backend: 'be', server: 'dead', kind: 'refused' }]);
  const st = h.proxy.stats().backends[0]!;
  assert.equal(st.retries, 1);
  assert.equal(st.redispatches, 1);
  assert.equal(st.servers[0]!.errConn, 1);
});

test('tcp: a server that resets before its first byte is retried transparently (client bytes replayed)', async (t) => {
  const resetter = cleanup(t, await startTcpBackend((s) => s.once('data', () => s.resetAndDestroy())));
  const echo = cleanup(t, await startTcpBackend());
  const h = await startProxy(
    t,
    [tcpFe('fe', 'be')],
    [tcpBe('be', [server('rst', resetter.port), server('echo', echo.port)], { redispatch: true, retries: 3, balance: { algo: 'first', hashType: 'consistent' } })],
  );
  // Keep the connection open until the echo arrives, so the reset happens before any server byte.
  const got = await new Promise<string>((resolve, reject) => {
    const c = net.connect(h.port(), '127.0.0.1');
    c.on('connect', () => c.write('replay me'));
    c.on('data', (d) => {
      resolve(d.toString());
      c.destroy();
    });
    c.on('error', reject);
  });
  assert.equal(got, 'replay me');
  assert.equal(h.health.passiveReports[0]?.server, 'rst');
  assert.equal(h.health.passiveReports[0]?.kind, 'reset');
});

test('tcp: without redispatch, retries stay on the same server; then the client is closed', async (t) => {
  const dead = await deadPort();
  const echo = cleanup(t, await startTcpBackend());
  const h = await startProxy(
    t,
    [tcpFe('fe', 'be')],
    [tcpBe('be', [server('dead', dead), server('live', echo.port)], { redispatch: false, retries: 2, balance: { algo: 'first', hashType: 'consistent' } })],
  );
  const r = await roundTrip(h.port(), 'x');
  assert.equal(r.got.length, 0);
  const l = await h.log.waitFor((x) => x.mode === 'tcp');
  assert.equal(l.termination, 'SC');
  assert.equal(l.retries, 2);
  assert.equal(h.health.passiveReports.length, 3);
  assert.ok(h.health.passiveReports.every((p) => p.server === 'dead'));
});

test('tcp: timeout connect to a blackhole closes the client with sC', async (t) => {
  const bh = cleanup(t, await startBlackhole());
  const h = await startProxy(t, [tcpFe('fe', 'be')], [tcpBe('be', [server('bh', bh.port)], { retries: 0, timeouts: { connect: scaled(300) } })]);
  const r = await roundTrip(h.port(), 'x');
  assert.equal(r.got.length, 0);
  const l = await h.log.waitFor((x) => x.mode === 'tcp');
  assert.equal(l.termination, 'sC');
});

test('tcp: timeout server / client on an idle session, timeout tunnel overrides both', async (t) => {
  const silent = cleanup(t, await startTcpBackend((s) => s.resume()));
  const h = await startProxy(
    t,
    [tcpFe('f1', 'b1', { timeouts: { client: scaled(5000) } }), tcpFe('f2', 'b2', { timeouts: { client: scaled(5000) } })],
    [
      tcpBe('b1', [server('s', silent.port)], { timeouts: { connect: scaled(1000), server: scaled(300) } }),
      tcpBe('b2', [server('s', silent.port)], { timeouts: { connect: scaled(1000), server: scaled(5000), tunnel: scaled(300) } }),
    ],
  );
  for (const fe of ['f1', 'f2']) {
    const t0 = performance.now();
    await new Promise<void>((resolve) => {
      const c = net.connect(h.port(fe), '127.0.0.1');
      c.on('connect', () => c.write('hi'));
      c.on('error', () => {});
      c.on('close', () => resolve());
    });
    const dt = performance.now() - t0;
    assert.ok(dt >= scaled(250) && dt < scaled(3000), `${fe} closed after ${dt} ms`);
  }
  const l = await h.log.waitFor((x) => x.frontend === 'f1');
  assert.equal(l.termination, 'sD');
});

test('tcp: servers that refuse, reset or hang never crash the proxy', async (t) => {
  const rst = cleanup(t, await startTcpBackend((s) => s.resetAndDestroy()));
  const hang = cleanup(t, await startTcpBackend(() => {}));
  const dead = await deadPort();
  const h = await startProxy(
    t,
    [tcpFe('fe', 'be')],
    [tcpBe('be', [server('rst', rst.port), server('hang', hang.port), server('dead', dead)], { retries: 1, timeouts: { connect: scaled(500), server: scaled(200) } })],
  );
  const runs = Array.from({ length: 12 }, () => roundTrip(h.port(), 'x').catch(() => ({ got: Buffer.alloc(0) })));
  await Promise.all(runs);
  // The proxy is still serving: stats are consistent and the listener is alive.
  const st = h.proxy.stats();
  assert.equal(st.frontends[0]!.sessTotal, 12);
  for (let i = 0; i < 50 && h.proxy.stats().frontends[0]!.sessCur > 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(h.proxy.stats().frontends[0]!.sessCur, 0);
  assert.equal(
    h.proxy.stats().backends[0]!.servers.reduce((a, s) => a + s.sessCur, 0),
    0,
  );
});

test('tcp: dontlognull skips sessions that carried no client data', async (t) => {
  const echo = cleanup(t, await startTcpBackend());
  const logOpts = (dontlognull: boolean) => ({ log: { httplog: false, tcplog: true, dontlognull } });
  const h = await startProxy(t, [tcpFe('quiet', 'be', logOpts(true)), tcpFe('loud', 'be', logOpts(false))], [tcpBe('be', [server('e', echo.port)])]);
  await roundTrip(h.port('quiet'), '');
  await roundTrip(h.port('loud'), '');
  await roundTrip(h.port('quiet'), 'data');
  await h.log.waitFor((x) => x.frontend === 'loud');
  await h.log.waitFor((x) => x.frontend === 'quiet' && x.bytesIn === 4);
  assert.equal(h.log.lines.filter((x) => x.frontend === 'quiet').length, 1);
});

test('tcp: a server answering after more than 64 KiB of client bytes still counts as a first byte', async (t) => {
  // The replay buffer gives up beyond 64 KiB; the server's first byte must still be recorded
  // (responseMs in the access log), which it was not when "awaiting the first byte" and "still
  // holding replay bytes" were one field.
  const size = 200 * 1024;
  const srv = cleanup(
    t,
    await startTcpBackend((s) => {
      let n = 0;
      s.on('data', (d) => {
        n += d.length;
        if (n >= size) s.end('ok');
      });
    }),
  );
  const h = await startProxy(t, [tcpFe('fe', 'be')], [tcpBe('be', [server('s', srv.port)])]);
  const r = await roundTrip(h.port(), Buffer.alloc(size, 3));
  assert.equal(r.got.toString(), 'ok');
  const l = await h.log.waitFor((x) => x.mode === 'tcp');
  assert.equal(l.bytesIn, size);
  assert.equal(l.termination, '--');
  assert.ok(typeof l.responseMs === 'number' && l.responseMs >= 0, `responseMs ${String(l.responseMs)}`);
});

test('tcp: timeout client shorter than timeout server closes an idle session as cD', async (t) => {
  const silent = cleanup(t, await startTcpBackend((s) => s.resume()));
  const h = await startProxy(t, [tcpFe('fe', 'be', { timeouts: { client: scaled(300) } })], [tcpBe('be', [server('s', silent.port)], { timeouts: { connect: scaled(1000), server: scaled(5000) } })]);
  const t0 = performance.now();
  await new Promise<void>((resolve) => {
    const c = net.connect(h.port(), '127.0.0.1');
    c.on('connect', () => c.write('hi'));
    c.on('error', () => {});
    c.on('close', () => resolve());
  });
  const dt = performance.now() - t0;
  assert.ok(dt >= scaled(250) && dt < scaled(3000), `closed after ${dt} ms`);
  const l = await h.log.waitFor((x) => x.frontend === 'fe');
  assert.equal(l.termination, 'cD');
});

test('tcp: concurrent bulk sessions keep every byte intact both ways (read buffers are reused)', async (t) => {
  const echo = cleanup(t, await startTcpBackend((s) => s.pipe(s)));
  const h = await startProxy(t, [tcpFe('fe', 'be')], [tcpBe('be', [server('e', echo.port)])]);
  const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
  const one = (size: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const data = randomBytes(size);
      const got: Buffer[] = [];
      const c = net.connect({ port: h.port(), host: '127.0.0.1', allowHalfOpen: true });
      c.on('error', reject);
      c.on('connect', () => c.end(data));
      let sinceStall = 0;
      c.on('data', (d) => {
        got.push(d);
        // A slow reader now and then: the proxy's writes to us back up (asynchronous writes).
        sinceStall += d.length;
        if (sinceStall > 2 * 1024 * 1024) {
          sinceStall = 0;
          c.pause();
          setTimeout(() => c.resume(), 30);
        }
      });
      c.on('close', () => {
        try {
          const all = Buffer.concat(got);
          assert.equal(all.length, size);
          assert.equal(sha(all), sha(data));
          resolve();
        } catch (e) {
          reject(e as Error);
        }
      });
    });
  await Promise.all([one(24 * 1024 * 1024), one(16 * 1024 * 1024), one(300_000), one(1000)]);
});
