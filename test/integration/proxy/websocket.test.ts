// Connection: upgrade / WebSocket passthrough: the 101 switches the session into a tunnel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { backend, frontend, scaled, server } from '../../helpers/proxy-fixtures.js';
import { startHttpBackend } from '../../helpers/backends.js';
import { cleanup, startProxy } from '../../helpers/proxy-harness.js';

test('WebSocket upgrade end to end, then tunnel timeout closes an idle tunnel', async (t) => {
  const a = cleanup(t, await startHttpBackend('a'));
  a.server.on('upgrade', (_req, sock: net.Socket, head: Buffer) => {
    sock.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: x\r\n\r\n');
    if (head.length) sock.write(head);
    // Echo frames, uppercased, to prove both directions flow through the tunnel.
    sock.on('data', (d) => sock.write(d.toString().toUpperCase()));
    sock.on('error', () => {});
  });
  const h = await startProxy(
    t,
    [frontend('fe', 'be', { timeouts: { client: scaled(200), httpRequest: scaled(5000) } })],
    [backend('be', [server('a', a.port)], { timeouts: { connect: scaled(1000), server: scaled(200), tunnel: scaled(1500) } })],
  );
  const c = net.connect(h.port(), '127.0.0.1');
  t.after(() => c.destroy());
  let got = '';
  c.on('data', (d) => (got += d.toString()));
  c.on('error', () => {});
  const closed = new Promise<number>((r) => c.on('close', () => r(performance.now())));
  c.write('GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Key: k\r\nSec-WebSocket-Version: 13\r\n\r\n');
  const until = async (pred: () => boolean): Promise<void> => {
    for (let i = 0; i < 200 && !pred(); i++) await new Promise((r) => setTimeout(r, 10));
  };
  await until(() => got.includes('\r\n\r\n'));
  assert.match(got, /^HTTP\/1\.1 101 Switching Protocols/);
  // Outlive the client/server timeouts (200 ms): the tunnel timeout (1.5 s) applies now.
  await new Promise((r) => setTimeout(r, scaled(400)));
  c.write('hello tunnel');
  await until(() => got.includes('HELLO TUNNEL'));
  assert.ok(got.endsWith('HELLO TUNNEL'), got);
  const t0 = performance.now();
  const tClosed = await closed;
  assert.ok(tClosed - t0 >= scaled(1000), `idle tunnel closed after ${tClosed - t0} ms`);
  const l = await h.log.waitFor((x) => x.status === 101);
  assert.equal(l.uri, '/ws');
});

test('upgrade refused by the server (200) stays a normal HTTP exchange', async (t) => {
  const a = cleanup(t, await startHttpBackend('plain'));
  const h = await startProxy(t, [frontend('fe', 'be')], [backend('be', [server('a', a.port)])]);
  const got = await new Promise<string>((resolve) => {
    const c = net.connect(h.port(), '127.0.0.1');
    let out = '';
    c.on('connect', () => c.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: h2c\r\n\r\n'));
    c.on('data', (d) => {
      out += d.toString();
      if (out.endsWith('plain')) {
        c.destroy();
        resolve(out);
      }
    });
  });
  assert.match(got, /^HTTP\/1\.1 200/);
});

test('CONNECT answered 2xx becomes a tunnel (RFC 9110 §9.3.6)', async (t) => {
  const { startTcpBackend } = await import('../../helpers/backends.js');
  const be = cleanup(
    t,
    await startTcpBackend((s) => {
      s.once('data', () => {
        s.write('HTTP/1.1 200 Connection established\r\n\r\n');
        s.on('data', (d) => s.write(`echo:${d.toString()}`));
      });
    }),
  );
  const h = await startProxy(t, [frontend('fe', 'be')], [backend('be', [server('s', be.port)])]);
  const got = await new Promise<string>((resolve) => {
    const c = net.connect(h.port(), '127.0.0.1');
    let out = '';
    c.on('connect', () => c.write('CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n\r\n'));
    c.on('data', (d) => {
      out += d.toString();
      if (out.endsWith('\r\n\r\n') && !out.includes('echo:')) c.write('raw bytes');
      if (out.endsWith('echo:raw bytes')) {
        c.destroy();
        resolve(out);
      }
    });
    c.on('error', () => {});
  });
  assert.match(got, /^HTTP\/1\.1 200 Connection established\r\n\r\necho:raw bytes$/);
});
