// tcp mode after the hand-off to the addon's relay (src/proxy/native-relay.ts, native/relay.c).
// Every case runs twice, relay on and off, so the two paths are held to the same behaviour; the
// relay runs check that the session really was handed over (relay count) at the point where it
// should have been.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import net from 'node:net';
import { backend, frontend, scaled, server } from '../../helpers/proxy-fixtures.js';
import { startTcpBackend } from '../../helpers/backends.js';
import { cleanup, startProxy, startResetThenEcho, type Harness } from '../../helpers/proxy-harness.js';
import { nativeRelay } from '../../../src/proxy/native-relay.js';

const relayApi = nativeRelay(true);
const tcpFe = (extra = {}) => frontend('fe', 'be', { mode: 'tcp', log: { httplog: false, tcplog: true, dontlognull: false }, ...extra });
const tcpBe = (port: number, extra = {}) => backend('be', [server('s', port)], { mode: 'tcp', ...extra });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A client that sends and waits for `n` bytes back. */
class Client {
  readonly sock: net.Socket;
  private buf = Buffer.alloc(0);
  private waiters: (() => void)[] = [];
  /** Fully closed: how ('close' or the error code). */
  readonly closed: Promise<string>;
  /** The proxy closed its side (FIN or reset): allowHalfOpen keeps our side open after a FIN. */
  readonly ended: Promise<void>;
  constructor(port: number) {
    this.sock = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    this.sock.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      for (const w of this.waiters.splice(0)) w();
    });
    this.ended = new Promise((resolve) => {
      this.sock.once('end', () => resolve());
      this.sock.once('close', () => resolve());
    });
    this.closed = new Promise((resolve) => {
      let how = 'close';
      this.sock.on('error', (e: NodeJS.ErrnoException) => (how = e.code ?? 'error'));
      this.sock.on('end', () => for_each(this.waiters.splice(0)));
      this.sock.on('close', () => {
        for_each(this.waiters.splice(0));
        resolve(how);
      });
    });
  }
  /** Resolves with the first `n` bytes received and removes them. */
  async read(n: number, timeoutMs = scaled(5000)): Promise<Buffer> {
    const until = performance.now() + timeoutMs;
    while (this.buf.length < n) {
      if (performance.now() > until || this.sock.destroyed) throw new Error(`read(${n}): only ${this.buf.length} bytes`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
    const out = this.buf.subarray(0, n);
    this.buf = this.buf.subarray(n);
    return out;
  }
  async exchange(s: string): Promise<string> {
    this.sock.write(s);
    return (await this.read(Buffer.byteLength(s))).toString();
  }
  rest(): Buffer {
    return this.buf;
  }
}
function for_each(fs: (() => void)[]): void {
  for (const f of fs) f();
}

function expectRelayed(h: Harness, relay: boolean, what: string): void {
  if (relay) assert.ok(relayApi, 'the addon has the relay');
  assert.equal(relayApi?.count() ?? 0, relay ? 1 : 0, `${what}: relays running`);
  assert.equal(h.proxy.stats().relayed?.current, relay ? 1 : 0, `${what}: the proxy's relayed sessions`);
}

async function noRelaysLeft(): Promise<void> {
  for (let i = 0; i < 100 && (relayApi?.count() ?? 0) > 0; i++) await sleep(10);
  assert.equal(relayApi?.count() ?? 0, 0, 'relays ended');
}

for (const relay of [true, false]) {
  const mode = relay ? 'relay' : 'js';
  const opts = { nativeRelay: relay };

  test(`tcp ${mode}: an interactive session after the first answer: 200 exchanges, counters and log`, async (t) => {
    const echo = cleanup(t, await startTcpBackend());
    const h = await startProxy(t, [tcpFe()], [tcpBe(echo.port)], opts);
    const c = new Client(h.port());
    assert.equal(await c.exchange('hello'), 'hello');
    expectRelayed(h, relay, 'after the first answer');
    let sent = 5;
    for (let i = 0; i < 200; i++) {
      const msg = `message ${i} `.repeat((i % 7) + 1);
      assert.equal(await c.exchange(msg), msg);
      sent += Buffer.byteLength(msg);
    }
    const st = h.proxy.stats();
    assert.equal(st.backends[0]!.servers[0]!.sessCur, 1, 'the server still counts the session (leastconn)');
    c.sock.end();
    assert.equal(await c.closed, 'close');
    const l = await h.log.waitFor((x) => x.mode === 'tcp');
    assert.deepEqual([l.bytesIn, l.bytesOut, l.termination], [sent, sent, '--']);
    assert.equal(h.proxy.stats().backends[0]!.servers[0]!.sessCur, 0);
    assert.equal(h.proxy.stats().frontends[0]!.sessCur, 0);
    assert.equal(h.proxy.stats().frontends[0]!.bytesIn, sent);
    await noRelaysLeft();
  });

  test(`tcp ${mode}: half-close after the hand-off — client FIN passed on, the server answers after it`, async (t) => {
    const srv = cleanup(
      t,
      await startTcpBackend((s) => {
        let n = 0;
        s.on('data', (d: Buffer) => {
          n += d.length;
          if (n === 5) s.write('ready');
        });
        s.on('end', () => {
          s.write(`got ${n}; `);
          setTimeout(() => s.end('bye'), 30);
        });
      }),
    );
    const h = await startProxy(t, [tcpFe()], [tcpBe(srv.port)], opts);
    const c = new Client(h.port());
    assert.equal(await c.exchange('start'), 'ready');
    expectRelayed(h, relay, 'after ready');
    c.sock.write(Buffer.alloc(995, 1));
    c.sock.end();
    assert.equal(await c.closed, 'close');
    assert.equal(c.rest().toString(), 'got 1000; bye');
    const l = await h.log.waitFor((x) => x.mode === 'tcp');
    assert.equal(l.termination, '--');
    await noRelaysLeft();
  });

  test(`tcp ${mode}: server FIN after the hand-off while the client keeps sending`, async (t) => {
    let received = 0;
    let gotAll: () => void = () => {};
    const all = new Promise<void>((r) => (gotAll = r));
    const srv = cleanup(
      t,
      await startTcpBackend((s) => {
        s.on('data', (d: Buffer) => {
          if (received === 0) s.end('done'); // answers, then closes its direction
          received += d.length;
          if (received === 3 + 100_000) gotAll();
        });
      }),
    );
    const h = await startProxy(t, [tcpFe()], [tcpBe(srv.port)], opts);
    const c = new Client(h.port());
    c.sock.write('go!');
    assert.equal((await c.read(4)).toString(), 'done');
    if (!c.sock.readableEnded) await new Promise<void>((r) => c.sock.once('end', () => r()));
    c.sock.end(Buffer.alloc(100_000, 2)); // still flows to the server after its FIN
    await all;
    assert.equal(await c.closed, 'close');
    const l = await h.log.waitFor((x) => x.mode === 'tcp');
    assert.deepEqual([l.bytesIn, l.termination], [100_003, '--']);
    await noRelaysLeft();
  });

  test(`tcp ${mode}: inactivity timeouts still apply after the hand-off (server sD, client cD)`, async (t) => {
    const echo = cleanup(t, await startTcpBackend());
    const h = await startProxy(
      t,
      [frontend('f1', 'b1', { mode: 'tcp', timeouts: { client: scaled(5000) } }), frontend('f2', 'b2', { mode: 'tcp', timeouts: { client: scaled(300) } })],
      [
        backend('b1', [server('s', echo.port)], { mode: 'tcp', timeouts: { connect: scaled(1000), server: scaled(300) } }),
        backend('b2', [server('s', echo.port)], { mode: 'tcp', timeouts: { connect: scaled(1000), server: scaled(5000) } }),
      ],
      opts,
    );
    for (const [fe, code] of [
      ['f1', 'sD'],
      ['f2', 'cD'],
    ] as const) {
      const c = new Client(h.port(fe));
      assert.equal(await c.exchange('x'), 'x');
      expectRelayed(h, relay, fe);
      // Activity keeps it open past the timeout...
      for (let i = 0; i < 4; i++) {
        await sleep(scaled(150));
        assert.equal(await c.exchange('y'), 'y');
      }
      // ...silence closes it.
      const t0 = performance.now();
      await c.ended;
      c.sock.destroy();
      const dt = performance.now() - t0;
      assert.ok(dt >= scaled(200) && dt < scaled(3000), `${fe} closed after ${dt} ms`);
      const l = await h.log.waitFor((x) => x.frontend === fe);
      assert.deepEqual([l.termination, l.bytesIn, l.bytesOut], [code, 5, 5]);
      await noRelaysLeft();
    }
  });

  test(`tcp ${mode}: a reset on either side after the hand-off ends the session (SD / CD), the other side is closed`, async (t) => {
    const conns: net.Socket[] = [];
    const srv = cleanup(
      t,
      await startTcpBackend((s) => {
        conns.push(s);
        s.pipe(s);
      }),
    );
    const h = await startProxy(t, [tcpFe()], [tcpBe(srv.port)], opts);
    // Server resets.
    const c1 = new Client(h.port());
    assert.equal(await c1.exchange('one'), 'one');
    expectRelayed(h, relay, 'server reset case');
    conns[0]!.resetAndDestroy();
    await c1.ended;
    c1.sock.destroy();
    let l = await h.log.waitFor((x) => x.mode === 'tcp');
    assert.equal(l.termination, 'SD');
    assert.equal(l.reason, 'ECONNRESET');
    await noRelaysLeft();
    // Client resets.
    const c2 = new Client(h.port());
    assert.equal(await c2.exchange('two'), 'two');
    const serverSide = conns[1]!;
    const serverClosed = new Promise<void>((r) => serverSide.on('close', () => r()));
    c2.sock.resetAndDestroy();
    await serverClosed;
    l = await h.log.waitFor((x) => x.mode === 'tcp' && x.bytesIn === 3 && x !== l);
    assert.equal(l.termination, 'CD');
    await noRelaysLeft();
    assert.equal(h.proxy.stats().backends[0]!.servers[0]!.sessCur, 0);
  });

  test(`tcp ${mode}: stop() ends relayed sessions and logs them`, async (t) => {
    const echo = cleanup(t, await startTcpBackend());
    const h = await startProxy(t, [tcpFe()], [tcpBe(echo.port)], opts);
    const c = new Client(h.port());
    assert.equal(await c.exchange('abc'), 'abc');
    expectRelayed(h, relay, 'before stop');
    await h.proxy.stop();
    await c.ended;
    c.sock.destroy();
    const l = await h.log.waitFor((x) => x.mode === 'tcp');
    assert.deepEqual([String(l.termination)[0], l.bytesIn, l.bytesOut], ['R', 3, 3]);
    await noRelaysLeft();
  });

  test(`tcp ${mode}: 32 MB each way at once with a slow reader: intact, memory bounded`, { timeout: scaled(60_000) }, async (t) => {
    const size = 32 * 1024 * 1024;
    const down = randomBytes(size);
    const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
    let upHash = '';
    const srv = cleanup(
      t,
      await startTcpBackend((s) => {
        const h = createHash('sha256');
        let n = 0;
        s.once('data', () => {
          s.write('k'); // the first answer: hand-off point
          setTimeout(() => s.end(down), 20);
        });
        s.on('data', (d: Buffer) => {
          h.update(n === 0 ? d.subarray(1) : d);
          n += d.length;
        });
        s.on('end', () => (upHash = h.digest('hex')));
      }),
    );
    const h = await startProxy(t, [tcpFe()], [tcpBe(srv.port)], opts);
    const up = randomBytes(size);
    const c = new Client(h.port());
    assert.equal(await c.exchange('>'), 'k');
    expectRelayed(h, relay, 'bulk');
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const got: Buffer[] = [];
    c.sock.removeAllListeners('data');
    c.sock.on('data', (d: Buffer) => {
      got.push(d);
      // A slow reader: the relay must stop reading the server rather than buffer.
      if (got.length % 16 === 0) {
        c.sock.pause();
        setTimeout(() => c.sock.resume(), 2);
      }
      peak = Math.max(peak, process.memoryUsage().rss);
    });
    c.sock.end(up);
    await c.closed;
    assert.equal(sha(Buffer.concat(got)), sha(down), 'download intact');
    assert.equal(upHash, sha(up), 'upload intact');
    // The test holds 32 MB + 32 MB + what it received (32 MB); the proxy must add far less.
    assert.ok(peak - rss0 < 160 * 1024 * 1024, `rss grew ${Math.round((peak - rss0) / 1048576)} MB`);
    await noRelaysLeft();
  });
}

test('tcp relay: sessions stay in JavaScript until the server answers (transparent retry keeps working)', async (t) => {
  // The first server resets without answering; the retry replays the client's bytes.
  const h = await startResetThenEcho(t, [tcpFe()], { nativeRelay: true });
  const c = new Client(h.port());
  c.sock.write('replayed');
  assert.equal((await c.read(8)).toString(), 'replayed');
  expectRelayed(h, true, 'after the retried server answered');
  assert.equal(await c.exchange('more'), 'more');
  c.sock.end();
  await c.closed;
  const l = await h.log.waitFor((x) => x.mode === 'tcp');
  assert.deepEqual([l.server, l.termination, l.bytesIn], ['echo', '--', 12]);
  await noRelaysLeft();
});

test('frontend maxconn counts sessions, relayed ones included: one more waits in the backlog and takes the freed slot', async (t) => {
  const echo = cleanup(t, await startTcpBackend());
  const h = await startProxy(t, [tcpFe({ maxconn: 2 })], [tcpBe(echo.port)], { nativeRelay: true });
  const a = new Client(h.port());
  const b = new Client(h.port());
  assert.equal(await a.exchange('a'), 'a');
  assert.equal(await b.exchange('b'), 'b');
  assert.equal(h.proxy.stats().relayed?.current, 2, 'both relayed (no net.Socket left for net.Server to count)');
  assert.equal(h.proxy.stats().frontends[0]!.paused, true, 'at maxconn the listener stops accepting');
  // HAProxy's behaviour: the third client is not accepted (it waits in the kernel backlog)
  // rather than accepted and closed; it is served as soon as a slot frees.
  const c = new Client(h.port());
  c.sock.write('c');
  assert.equal(h.proxy.stats().frontends[0]!.sessTotal, 2, 'not accepted while the frontend is full');
  a.sock.end();
  await a.closed;
  assert.equal((await c.read(1)).toString(), 'c', 'the waiting client takes the freed slot');
  assert.equal(h.proxy.stats().frontends[0]!.refused, 0);
  c.sock.destroy();
  b.sock.destroy();
});
