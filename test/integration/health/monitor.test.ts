// The monitor with real checks against real servers on 127.0.0.1: detection time
// within fall × inter + one check timeout, recovery after rise, resets, TLS, passive
// marking, DNS re-resolution via a local DNS server, and clean stop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHealthMonitor, type HealthMonitor } from '../../../src/health/monitor.js';
import type { ServerTransition } from '../../../src/health/types.js';
import type { HealthCheckSpec } from '../../../src/config/model.js';
import { captureLogger } from '../../helpers/log-capture.js';
import { makeBackend, makeResolvers, makeServer, ms } from '../../helpers/health/model.js';
import { httpServer, httpsServer, makeSelfSigned, tcpServer } from '../../helpers/health/servers.js';
import { startDnsServer } from '../../helpers/health/dns-server.js';
import { eventually } from '../../helpers/eventually.js';

const httpchk: HealthCheckSpec = { type: 'http', method: 'GET', uri: '/healthz', version: 'HTTP/1.1' };

/** Resolve with the next transition matching `pred`, or reject after `timeoutMs`. */
function nextTransition(mon: HealthMonitor, pred: (t: ServerTransition) => boolean, timeoutMs: number): Promise<ServerTransition> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no matching transition within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = mon.onTransition((t) => {
      if (!pred(t)) return;
      clearTimeout(timer);
      off();
      resolve(t);
    });
  });
}

test('http check: DOWN within fall × inter + one timeout after the server turns 500, UP after rise', async (t) => {
  let status = 200;
  const srv = await httpServer(() => status);
  const inter = ms(100);
  const fall = 3;
  const rise = 2;
  const logs = captureLogger({ level: 'debug' });
  const mon = createHealthMonitor({
    backends: [makeBackend({ name: 'k8s', mode: 'tcp', healthCheck: httpchk, servers: [makeServer({ name: 'cp1', port: srv.port, inter, fall, rise })] })],
    logger: logs.logger,
  });
  t.after(async () => {
    await mon.stop();
    await srv.close();
  });
  mon.start();
  // Let it become fully UP (first success moves health from rise to max).
  await new Promise((r) => setTimeout(r, inter * 2));
  assert.equal(mon.isUp('k8s', 'cp1'), true);
  const t0 = performance.now();
  status = 500;
  const down = await nextTransition(mon, (x) => x.to === 'DOWN', fall * inter + inter + ms(1000));
  const tookDown = performance.now() - t0;
  assert.ok(tookDown <= fall * inter + inter + ms(150), `DOWN after ${tookDown.toFixed(0)} ms (bound ${fall * inter + inter})`);
  assert.ok(tookDown >= (fall - 1) * inter - ms(20), `not before fall-1 intervals: ${tookDown.toFixed(0)}`);
  assert.deepEqual([down.backend, down.server, down.reason, down.code], ['k8s', 'cp1', 'Layer7 wrong status', 500]);
  assert.equal(mon.isUp('k8s', 'cp1'), false);
  const line = logs.lines.find((l) => l.event === 'server_state' && l.to === 'DOWN')!;
  assert.match(line.msg, /^k8s\/cp1 is DOWN, reason: Layer7 wrong status, code: 500, check duration: \d+ms\. 0 active and 0 backup servers left\.$/);
  assert.ok(logs.lines.some((l) => l.event === 'backend_down' && l.msg === 'backend k8s has no server available!'));

  const t1 = performance.now();
  status = 200;
  const up = await nextTransition(mon, (x) => x.to === 'UP', (rise + 1) * inter + ms(1000));
  const tookUp = performance.now() - t1;
  assert.ok(tookUp <= (rise + 1) * inter + ms(150), `UP after ${tookUp.toFixed(0)} ms`);
  assert.ok(tookUp >= (rise - 1) * inter - ms(20), `needs rise successes: ${tookUp.toFixed(0)}`);
  assert.equal(up.reason, 'Layer7 check passed');
  assert.equal(mon.isUp('k8s', 'cp1'), true);
});

test('tcp check: a killed server (refused) and a resetting one go DOWN with Layer4/Layer7 reasons, nothing crashes', async (t) => {
  const alive = await tcpServer((s) => s.end());
  const resetter = await tcpServer((s) => s.once('data', () => s.resetAndDestroy()));
  const inter = ms(100);
  const mon = createHealthMonitor({
    backends: [
      makeBackend({ name: 'tcp', servers: [makeServer({ name: 'a', port: alive.port, inter, fall: 2, rise: 2 })] }),
      makeBackend({ name: 'web', healthCheck: httpchk, servers: [makeServer({ name: 'r', port: resetter.port, inter, fall: 2, rise: 2 })] }),
    ],
    logger: captureLogger({ level: 'debug' }).logger,
  });
  t.after(async () => {
    await mon.stop();
    await resetter.close();
  });
  const resetDown = nextTransition(mon, (x) => x.server === 'r' && x.to === 'DOWN', ms(3000));
  mon.start();
  const r = await resetDown;
  assert.equal(r.reason, 'Layer7 invalid response');
  await new Promise((res) => setTimeout(res, inter * 2));
  assert.equal(mon.isUp('tcp', 'a'), true);
  await alive.close();
  const a = await nextTransition(mon, (x) => x.server === 'a' && x.to === 'DOWN', 2 * inter + inter + ms(1000));
  assert.equal(a.reason, 'Layer4 connection problem');
});

test('hanging server: Layer7 timeout bounded by timeout check', async (t) => {
  const hang = await tcpServer(() => {});
  const mon = createHealthMonitor({
    backends: [makeBackend({ name: 'be', healthCheck: httpchk, timeouts: { check: ms(80), connect: ms(1000) }, servers: [makeServer({ name: 'h', port: hang.port, inter: ms(100) })] })],
    logger: captureLogger({ level: 'debug' }).logger,
  });
  t.after(async () => {
    await mon.stop();
    await hang.close();
  });
  mon.start();
  const d = await nextTransition(mon, (x) => x.to === 'DOWN', ms(3000));
  assert.equal(d.reason, 'Layer7 timeout');
  assert.ok((d.checkDurationMs ?? 0) >= ms(70) && (d.checkDurationMs ?? 0) < ms(600), `duration ${d.checkDurationMs}`);
});

test('TLS http check (check-ssl, verify none) against a self-signed server stays UP; a 503 takes it DOWN', { skip: makeSelfSigned() ? false : 'openssl CLI not available' }, async (t) => {
  const mat = makeSelfSigned()!;
  let status = 200;
  const srv = await httpsServer(mat, () => status);
  const mon = createHealthMonitor({
    // `timeout check`: with only inter (100 ms) as the whole check's budget, a TLS handshake on a
    // busy machine timed out three times in a row and the server went DOWN before any 503.
    backends: [
      makeBackend({ name: 'api', healthCheck: httpchk, timeouts: { check: ms(5000) }, servers: [makeServer({ name: 'cp', port: srv.port, inter: ms(100), checkSsl: true, verify: 'none' })] }),
    ],
    logger: captureLogger({ level: 'debug' }).logger,
  });
  t.after(async () => {
    await mon.stop();
    await srv.close();
  });
  const downs: ServerTransition[] = [];
  mon.onTransition((x) => x.to === 'DOWN' && downs.push(x));
  mon.start();
  await eventually('two checks to have run', () => mon.snapshot()[0]!.counters.checks >= 2, ms(5000));
  assert.equal(mon.isUp('api', 'cp'), true);
  assert.deepEqual(downs, []);
  const snap = mon.snapshot()[0]!;
  assert.equal(snap.lastCheck?.reason, 'Layer7 check passed');
  status = 503;
  const d = await nextTransition(mon, (x) => x.to === 'DOWN', ms(5000));
  assert.deepEqual([d.reason, d.code], ['Layer7 wrong status', 503]);
});

test('passive reports mark a dead server DOWN before its next check', async (t) => {
  const srv = await tcpServer((s) => s.end());
  const inter = ms(2000); // checks far apart: only passive reports can be this fast
  const mon = createHealthMonitor({
    backends: [makeBackend({ name: 'be', servers: [makeServer({ name: 's', port: srv.port, inter, fastinter: ms(50) })] })],
    logger: captureLogger({ level: 'debug' }).logger,
    passiveErrorLimit: 2,
  });
  t.after(async () => {
    await mon.stop();
    await srv.close();
  });
  mon.start();
  await new Promise((r) => setTimeout(r, ms(50)));
  const down = nextTransition(mon, (x) => x.to === 'DOWN', ms(200));
  mon.reportPassive('be', 's', 'refused');
  mon.reportPassive('be', 's', 'refused');
  assert.equal((await down).reason, 'passive: connection refused');
  // The server is actually fine: fast re-checks bring it back after rise (2) × fastinter.
  const up = await nextTransition(mon, (x) => x.to === 'UP', ms(1500));
  assert.equal(up.reason, 'Layer4 check passed');
});

test('stop() cancels in-flight checks promptly', async (t) => {
  const hang = await tcpServer(() => {});
  t.after(() => hang.close());
  const mon = createHealthMonitor({
    backends: [makeBackend({ name: 'be', healthCheck: httpchk, servers: [makeServer({ name: 'h', port: hang.port, inter: ms(10000) })] })],
    logger: captureLogger({ level: 'debug' }).logger,
  });
  mon.start();
  await new Promise((r) => setTimeout(r, ms(50)));
  const t0 = performance.now();
  await mon.stop();
  assert.ok(performance.now() - t0 < ms(500));
  assert.equal(mon.snapshot()[0]!.counters.checks, 1);
});

test('DNS: hostname server resolved by a resolvers section, follows address changes, DOWN after hold nx, back on recovery', async (t) => {
  const srv = await tcpServer((s) => s.end());
  const dns = await startDnsServer({ 'api.test': { a: ['127.0.0.1'] } });
  const section = makeResolvers({
    name: 'dns',
    nameservers: [{ name: 'ns1', address: '127.0.0.1', port: dns.port }],
    timeoutRetry: ms(100),
    resolveRetries: 1,
    hold: { valid: ms(100), nx: ms(300), other: ms(300), refused: ms(300), timeout: ms(300) },
  });
  const mon = createHealthMonitor({
    backends: [
      makeBackend({
        name: 'be',
        servers: [makeServer({ name: 'h', address: 'api.test', hostname: 'api.test', port: srv.port, inter: ms(100), resolvers: 'dns', initAddr: ['none'] })],
      }),
    ],
    resolvers: [section],
    logger: captureLogger({ level: 'debug' }).logger,
  });
  t.after(async () => {
    await mon.stop();
    await dns.close();
    await srv.close();
  });
  const changes: Array<string | undefined> = [];
  mon.onAddressChange((_b, _s, a) => changes.push(a));
  assert.equal(mon.isUp('be', 'h'), false);
  const up = nextTransition(mon, (x) => x.to === 'UP', ms(2000));
  mon.start();
  await mon.ready();
  await up;
  assert.equal(mon.addressOf('be', 'h'), '127.0.0.1');
  assert.equal(mon.isUp('be', 'h'), true);

  // Address change (no check impact asserted: 127.0.0.2 is loopback on Linux, the listener is on .1).
  dns.records.set('api.test', { a: ['127.0.0.2'] });
  await eventually('the new address', () => mon.addressOf('be', 'h') === '127.0.0.2', ms(2000), 10);
  dns.records.set('api.test', { a: ['127.0.0.1'] });
  await eventually('the address back', () => mon.addressOf('be', 'h') === '127.0.0.1', ms(2000), 10);

  // NXDOMAIN: the server stays until hold nx has passed without a valid answer, then DOWN.
  const t0 = performance.now();
  dns.records.set('api.test', 'nx');
  const down = await nextTransition(mon, (x) => x.reason === 'DNS: NX domain', ms(3000));
  const took = performance.now() - t0;
  assert.equal(down.to, 'DOWN');
  assert.ok(took >= ms(300) - ms(110), `DOWN only after hold nx: ${took.toFixed(0)} ms`);
  assert.equal(mon.addressOf('be', 'h'), undefined);
  assert.equal(mon.isUp('be', 'h'), false);

  dns.records.set('api.test', { a: ['127.0.0.1'] });
  await nextTransition(mon, (x) => x.to === 'UP', ms(3000));
  assert.equal(mon.addressOf('be', 'h'), '127.0.0.1');
  assert.deepEqual(changes.slice(0, 3), ['127.0.0.1', '127.0.0.2', '127.0.0.1']);
  assert.ok(changes.includes(undefined));
  assert.ok(dns.queries.length >= 5);
});

test('init-addr libc resolves localhost from /etc/hosts; an unresolvable name with init-addr none keeps startup going', async (t) => {
  const srv = await tcpServer((s) => s.end());
  const mon = createHealthMonitor({
    backends: [
      makeBackend({
        name: 'be',
        servers: [
          makeServer({ name: 'local', address: 'localhost', hostname: 'localhost', port: srv.port, check: false, initAddr: ['last', 'libc', 'none'] }),
          makeServer({ name: 'ghost', address: 'ghost.invalid', hostname: 'ghost.invalid', port: srv.port, initAddr: ['none'] }),
        ],
      }),
    ],
    logger: captureLogger({ level: 'debug' }).logger,
  });
  t.after(async () => {
    await mon.stop();
    await srv.close();
  });
  mon.start();
  await mon.ready();
  assert.ok(['127.0.0.1', '::1'].includes(mon.addressOf('be', 'local') ?? ''));
  assert.equal(mon.isUp('be', 'local'), true);
  assert.equal(mon.isUp('be', 'ghost'), false);
  assert.match(mon.snapshot().find((s) => s.server === 'ghost')!.reason, /^DNS: /);
});
