// Idle tcp sessions parked in the addon (TcpSession.park, native/relay.c relayPark): after
// PARK_IDLE_MS with no byte either way the session's two sockets are handed to the addon, which
// only watches them; the first event on either side gives them back to JavaScript unchanged.
// Every behaviour of an unparked session must hold: client-first and server-first traffic, the
// transparent retry before the server's first byte, half-close, timeouts, stop().
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { backend, frontend, server } from '../../helpers/proxy-fixtures.js';
import { startTcpBackend } from '../../helpers/backends.js';
import { cleanup, startProxy, startResetThenEcho, type Harness } from '../../helpers/proxy-harness.js';
import { nativeRelay } from '../../../src/proxy/native-relay.js';
import { PARK_IDLE_MS } from '../../../src/proxy/tcp-session.js';

const relayApi = nativeRelay(true);
const skip = relayApi ? false : 'the native addon (relay) is not built';
const tcpFe = (extra = {}) => frontend('fe', 'be', { mode: 'tcp', log: { httplog: false, tcplog: true, dontlognull: false }, ...extra });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => resolve(s));
    s.once('error', reject);
  });
}

function readN(s: net.Socket, n: number, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const t = setTimeout(() => reject(new Error(`read ${n}: got ${JSON.stringify(buf)}`)), timeoutMs);
    const on = (d: Buffer) => {
      buf += d.toString();
      if (buf.length >= n) {
        clearTimeout(t);
        s.off('data', on);
        resolve(buf);
      }
    };
    s.on('data', on);
  });
}

/** Until the addon holds `n` sessions (parked ones count) and none is relayed. */
async function parkedCount(h: Harness, n: number): Promise<void> {
  for (let i = 0; i < 100 && relayApi!.count() !== n; i++) await sleep(20);
  assert.equal(relayApi!.count(), n, 'sessions held by the addon');
  assert.equal(h.proxy.stats().relayed?.current ?? 0, 0, 'none of them relayed');
}

test('tcp park: an idle session is parked, then the client speaks first and everything flows', { skip }, async (t) => {
  const echo = cleanup(t, await startTcpBackend());
  const h = await startProxy(t, [tcpFe()], [backend('be', [server('s', echo.port)], { mode: 'tcp' })], { nativeRelay: true });
  const c = await connect(h.port());
  await sleep(PARK_IDLE_MS + 200);
  await parkedCount(h, 1);
  assert.equal(h.proxy.stats().backends[0]!.servers[0]!.sessCur, 1, 'the parked session still counts on its server');
  c.write('hello');
  assert.equal(await readN(c, 5), 'hello');
  c.end();
  await new Promise((r) => c.once('close', r));
  const l = await h.log.waitFor((x) => x.mode === 'tcp');
  assert.deepEqual([l.bytesIn, l.bytesOut, l.termination], [5, 5, '--']);
  assert.equal(h.proxy.stats().backends[0]!.servers[0]!.sessCur, 0);
  assert.equal(relayApi!.count(), 0);
});

test('tcp park: a server that speaks first after the park wakes the session', { skip }, async (t) => {
  const greeters: net.Socket[] = [];
  const srv = cleanup(t, await startTcpBackend((s) => greeters.push(s)));
  const h = await startProxy(t, [tcpFe()], [backend('be', [server('s', srv.port)], { mode: 'tcp' })], { nativeRelay: true });
  const c = await connect(h.port());
  await sleep(PARK_IDLE_MS + 200);
  await parkedCount(h, 1);
  greeters[0]!.write('220 ready\r\n');
  assert.equal(await readN(c, 11), '220 ready\r\n');
  c.destroy();
});

test('tcp park: the server resets before its first byte after the park — the retry still replays', { skip }, async (t) => {
  const h = await startResetThenEcho(t, [tcpFe()], { nativeRelay: true });
  const c = await connect(h.port());
  await sleep(PARK_IDLE_MS + 200);
  await parkedCount(h, 1);
  c.write('replayed');
  assert.equal(await readN(c, 8), 'replayed');
  c.end();
  await new Promise((r) => c.once('close', r));
  const l = await h.log.waitFor((x) => x.mode === 'tcp');
  assert.deepEqual([l.server, l.termination, l.bytesIn], ['echo', '--', 8]);
});

test('tcp park: timeouts, client close and stop() while parked', { skip }, async (t) => {
  const echo = cleanup(t, await startTcpBackend());
  const h = await startProxy(t, [tcpFe()], [backend('be', [server('s', echo.port)], { mode: 'tcp', timeouts: { server: 1500 } })], { nativeRelay: true });
  // Inactivity timeout while parked: the sweep still times the session.
  const a = await connect(h.port());
  // allowHalfOpen: the proxy's FIN shows as 'end'.
  await new Promise((r) => a.once('end', r));
  a.destroy();
  const la = await h.log.waitFor((x) => x.mode === 'tcp');
  assert.equal(la.termination, 'sD');
  // Client gone while parked: a clean end, logged.
  const b = await connect(h.port());
  await sleep(PARK_IDLE_MS + 200);
  await parkedCount(h, 1);
  b.end();
  await new Promise((r) => b.once('close', r));
  const lb = await h.log.waitFor((x) => x.mode === 'tcp' && x !== la);
  assert.equal(lb.termination, '--');
  // stop() with a parked session: closed, nothing left in the addon.
  const c = await connect(h.port());
  await sleep(PARK_IDLE_MS + 200);
  await parkedCount(h, 1);
  const cEnded = new Promise((r) => c.once('end', r));
  await h.proxy.stop();
  await cEnded;
  c.destroy();
  assert.equal(relayApi!.count(), 0);
  assert.equal(h.proxy.stats().backends[0]!.servers[0]!.sessCur, 0);
});
