// The monitor on a manual clock with a scripted checker and resolver: scheduling,
// spreading, logging, passive marking, DNS-driven state, history and counters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/util/clock.js';
import { createHealthMonitor, type HealthMonitorOptions } from '../../../src/health/monitor.js';
import type { Checker } from '../../../src/health/checkers.js';
import { checkResult } from '../../../src/health/check-status.js';
import type { AddressResolver } from '../../../src/dns/resolver.js';
import type { DnsAnswer } from '../../../src/dns/resolution.js';
import { ManualTimers } from '../../helpers/health/manual-timers.js';
import { captureLogger } from '../../helpers/log-capture.js';
import { makeBackend, makeResolvers, makeServer } from '../../helpers/health/model.js';

function harness(opts: Omit<HealthMonitorOptions, 'logger' | 'clock' | 'timers' | 'checker'>, healthy: (server: string, t: number) => boolean) {
  const clock = new ManualClock(0);
  const timers = new ManualTimers(clock);
  const logs = captureLogger({ level: 'debug', now: () => clock.now() });
  const calls: string[] = [];
  const checker: Checker = async (_spec, target) => {
    const t = clock.now();
    calls.push(`t=${t} ${target.host}:${target.port}`);
    const srv = opts.backends.flatMap((b) => b.servers).find((s) => (s.checkPort ?? s.port) === target.port)!;
    return healthy(srv.name, t) ? checkResult('L7OK', 2, { code: 200 }) : checkResult('L7STS', 2, { code: 500 });
  };
  const mon = createHealthMonitor({ ...opts, logger: logs.logger, clock, timers, checker });
  const transcript = () => logs.lines.filter((l) => l.event === 'server_state' || l.event === 'backend_down' || l.event === 'server_address').map((l) => `t=${l._t} ${l.msg}`);
  return { clock, timers, logs, calls, mon, transcript };
}

test('spread first checks, DOWN at the first failure, back UP after rise; one timer at a time', async () => {
  const be = makeBackend({
    name: 'be',
    servers: [makeServer({ name: 's1', port: 1001, inter: 1000, rise: 2, fall: 2 }), makeServer({ name: 's2', port: 1002, inter: 1000, rise: 2, fall: 2 })],
  });
  const h = harness({ backends: [be] }, (s, t) => s === 's1' || t >= 2000);
  h.mon.start();
  assert.equal(h.timers.pending, 1);
  await h.timers.advanceTo(4000);
  assert.deepEqual(h.calls, [
    't=0 127.0.0.1:1001',
    't=500 127.0.0.1:1002',
    't=1000 127.0.0.1:1001',
    't=1500 127.0.0.1:1002',
    't=2000 127.0.0.1:1001',
    't=2500 127.0.0.1:1002',
    't=3000 127.0.0.1:1001',
    't=3500 127.0.0.1:1002',
    't=4000 127.0.0.1:1001',
  ]);
  assert.deepEqual(h.transcript(), [
    't=500 be/s2 is DOWN, reason: Layer7 wrong status, code: 500, check duration: 2ms. 1 active and 0 backup servers left.',
    't=3500 be/s2 is UP, reason: Layer7 check passed, code: 200, check duration: 2ms. 2 active and 0 backup servers online.',
  ]);
  const down = h.logs.lines.find((l) => l.event === 'server_state' && l.to === 'DOWN')!;
  assert.equal(down.level, 40);
  assert.deepEqual([down.backend, down.server, down.reason, down.code, down.checkDurationMs], ['be', 's2', 'Layer7 wrong status', 500, 2]);
  const checks = h.logs.lines.filter((l) => l.event === 'health_check' && l.server === 's2').map((l) => l.msg);
  assert.deepEqual(checks, [
    'Health check for server be/s2 failed, reason: Layer7 wrong status, code: 500, check duration: 2ms, status: 0/2 DOWN.',
    'Health check for server be/s2 succeeded, reason: Layer7 check passed, code: 200, check duration: 2ms, status: 1/2 DOWN.',
    'Health check for server be/s2 succeeded, reason: Layer7 check passed, code: 200, check duration: 2ms, status: 2/2 UP.',
  ]);
  const snap = h.mon.snapshot().find((s) => s.server === 's2')!;
  assert.deepEqual(
    snap.history.map((t) => `${t.from}->${t.to}`),
    ['UP->DOWN', 'DOWN->UP'],
  );
  assert.deepEqual(snap.counters, { checks: 4, checkFailures: 2, transitions: 2, passiveFailures: 0, dnsQueries: 0, dnsFailures: 0 });
  assert.equal(h.mon.counters().checks, 9);
  assert.equal(h.timers.pending, 1);
  await h.mon.stop();
  assert.equal(h.timers.pending, 0);
});

test('backend with no server left logs an error; unchecked servers are UP; disabled are MAINT', async () => {
  const be = makeBackend({
    name: 'api',
    servers: [
      makeServer({ name: 'a', port: 2001 }),
      makeServer({ name: 'b', port: 2002, backup: true }),
      makeServer({ name: 'n', port: 2003, check: false }),
      makeServer({ name: 'm', port: 2004, disabled: true }),
    ],
  });
  const h = harness({ backends: [be] }, () => false);
  assert.equal(h.mon.isUp('api', 'a'), true, 'checked servers start UP (HAProxy init-state up)');
  h.mon.start();
  await h.timers.advanceTo(1000);
  assert.equal(h.mon.isUp('api', 'a'), false);
  assert.equal(h.mon.isUp('api', 'b'), false);
  assert.equal(h.mon.isUp('api', 'n'), true);
  assert.equal(h.mon.isUp('api', 'm'), false);
  assert.equal(h.mon.snapshot().find((s) => s.server === 'm')!.state, 'MAINT');
  assert.equal(h.mon.isUp('api', 'nope'), false);
  assert.equal(h.mon.isUp('nope', 'a'), false);
  assert.ok(
    h.calls.every((c) => !c.endsWith(':2003') && !c.endsWith(':2004')),
    'unchecked and disabled servers are never checked',
  );
  assert.deepEqual(h.transcript(), [
    't=0 api/a is DOWN, reason: Layer7 wrong status, code: 500, check duration: 2ms. 1 active and 1 backup servers left.',
    't=50 api/b is DOWN, reason: Layer7 wrong status, code: 500, check duration: 2ms. 1 active and 0 backup servers left.',
  ]);
  await h.mon.stop();
});

test('passive errors: error-limit consecutive failures mark DOWN at once; success resets the count; fast re-check', async () => {
  const be = makeBackend({ name: 'be', servers: [makeServer({ name: 's', port: 3001, inter: 1000, fastinter: 100, rise: 2, fall: 3 })] });
  const h = harness({ backends: [be], passiveErrorLimit: 3 }, () => true);
  const seen: string[] = [];
  h.mon.onTransition((t) => seen.push(`${t.to}:${t.reason}`));
  h.mon.start();
  await h.timers.advanceTo(10); // first check at 0: fully UP, next at 1000
  h.mon.reportPassive('be', 's', 'refused');
  h.mon.reportPassive('be', 's', 'refused');
  h.mon.reportSuccess('be', 's');
  h.mon.reportPassive('be', 's', 'reset');
  h.mon.reportPassive('be', 's', 'reset');
  assert.equal(h.mon.isUp('be', 's'), true);
  h.mon.reportPassive('be', 's', 'reset');
  assert.equal(h.mon.isUp('be', 's'), false);
  assert.deepEqual(seen, ['DOWN:passive: connection reset']);
  await h.timers.advanceTo(300);
  assert.deepEqual(h.calls, ['t=0 127.0.0.1:3001', 't=110 127.0.0.1:3001', 't=210 127.0.0.1:3001']);
  assert.equal(h.mon.isUp('be', 's'), true);
  assert.deepEqual(seen, ['DOWN:passive: connection reset', 'UP:Layer7 check passed']);
  h.mon.reportPassive('unknown', 'x', 'refused'); // ignored, no throw
  await h.mon.stop();
});

test('check port override: the checker is pointed at `port`, not the traffic port', async () => {
  const be = makeBackend({ name: 'be', servers: [makeServer({ name: 's', port: 4001, checkPort: 4999 })] });
  const h = harness({ backends: [be] }, () => true);
  h.mon.start();
  await h.timers.advanceTo(0);
  assert.deepEqual(h.calls, ['t=0 127.0.0.1:4999']);
  await h.mon.stop();
});

function fakeResolver(lookup: (host: string) => DnsAnswer, query: (host: string, n: number) => DnsAnswer): AddressResolver & { queries: number } {
  const r = {
    queries: 0,
    lookup: async (host: string) => lookup(host),
    query: async (_s: unknown, host: string) => query(host, ++r.queries),
    close: () => {},
  };
  return r;
}

test('hostname servers: init-addr libc failure leaves the server DOWN without stopping startup; resolvers bring it up and track changes', async () => {
  const dnsSec = makeResolvers({ name: 'dns', nameservers: [{ name: 'ns', address: '127.0.0.1', port: 53 }], hold: { valid: 1000, nx: 2500, other: 3000, refused: 3000, timeout: 3000 } });
  const be = makeBackend({
    name: 'be',
    servers: [
      makeServer({ name: 'h', port: 5001, address: 'api.test', hostname: 'api.test', check: false, resolvers: 'dns', initAddr: ['libc', 'none'] }),
      makeServer({ name: 'ip', port: 5002, address: 'db.test', hostname: 'db.test', check: false, initAddr: [{ ip: '127.0.0.7' }] }),
    ],
  });
  // Query n: 1 -> 127.0.0.1, 2 -> same, 3 -> moved, 4.. -> NX
  const res = fakeResolver(
    () => ({ status: 'nx', addresses: [], detail: 'ENOTFOUND' }),
    (_h, n) => (n <= 2 ? { status: 'valid', addresses: ['127.0.0.1'] } : n === 3 ? { status: 'valid', addresses: ['127.0.0.2'] } : { status: 'nx', addresses: [] }),
  );
  const h = harness({ backends: [be], resolvers: [dnsSec], resolver: res }, () => true);
  const changes: string[] = [];
  h.mon.onAddressChange((b, s, a) => changes.push(`${b}/${s}=${a ?? 'none'}`));
  assert.equal(h.mon.isUp('be', 'h'), false);
  h.mon.start();
  await h.mon.ready();
  assert.equal(h.mon.isUp('be', 'ip'), true);
  assert.equal(h.mon.addressOf('be', 'ip'), '127.0.0.7');
  // libc failed; resolvers are asked right away because there is no address yet.
  await h.timers.advanceTo(0);
  assert.equal(h.mon.addressOf('be', 'h'), '127.0.0.1');
  assert.equal(h.mon.isUp('be', 'h'), true);
  await h.timers.advanceTo(2000); // query 2 (same), query 3 (moved)
  assert.equal(h.mon.addressOf('be', 'h'), '127.0.0.2');
  await h.timers.advanceTo(4000); // NX at 3000, 4000: within hold nx (2500) of the valid answer at 2000
  assert.equal(h.mon.isUp('be', 'h'), true);
  await h.timers.advanceTo(5000); // NX at 5000: 3000 ms without a valid answer > hold nx
  assert.equal(h.mon.isUp('be', 'h'), false);
  assert.equal(h.mon.addressOf('be', 'h'), undefined);
  assert.deepEqual(changes, ['be/ip=127.0.0.7', 'be/h=127.0.0.1', 'be/h=127.0.0.2', 'be/h=none']);
  const t = h.transcript();
  assert.ok(
    t.some((l) => l.startsWith('t=5000 be/h is DOWN, reason: DNS: NX domain.')),
    t.join('\n'),
  );
  assert.ok(
    t.some((l) => l.includes('be/h changed its IP from 127.0.0.1 to 127.0.0.2')),
    t.join('\n'),
  );
  await h.mon.stop();
});

test('stop() aborts in-flight checks and stops the timer', async () => {
  const clock = new ManualClock(0);
  const timers = new ManualTimers(clock);
  let aborted = 0;
  const checker: Checker = (_s, _t, o) =>
    new Promise((resolve) => {
      o.signal?.addEventListener('abort', () => {
        aborted++;
        resolve(checkResult('ABORTED', 0));
      });
    });
  const be = makeBackend({ name: 'be', servers: [makeServer({ name: 'a', port: 1 }), makeServer({ name: 'b', port: 2 })] });
  const mon = createHealthMonitor({ backends: [be], logger: captureLogger({ level: 'debug' }).logger, clock, timers, checker, spreadChecks: false });
  mon.start();
  await timers.advanceTo(0);
  await mon.stop();
  assert.equal(aborted, 2);
  assert.equal(timers.pending, 0);
  assert.equal(mon.isUp('be', 'a'), true, 'aborted checks change nothing');
});

test('history is bounded per server', async () => {
  const be = makeBackend({ name: 'be', servers: [makeServer({ name: 's', port: 1, rise: 1, fall: 1, inter: 100 })] });
  const h = harness({ backends: [be], historySize: 4 }, (_s, t) => Math.floor(t / 100) % 2 === 1);
  h.mon.start();
  await h.timers.advanceTo(1000);
  const snap = h.mon.snapshot()[0]!;
  assert.equal(snap.history.length, 4);
  assert.equal(snap.counters.transitions, 11);
  assert.equal(snap.history.at(-1)!.at, 1000);
  await h.mon.stop();
});

test('reload carry-over: unchanged servers keep state, health, address and history; changed ones start fresh', async () => {
  const mk = (check = true) =>
    makeBackend({
      name: 'be',
      servers: [
        makeServer({ name: 'down', port: 1, rise: 2, fall: 2 }),
        makeServer({ name: 'up', port: 2, rise: 2, fall: 2 }),
        makeServer({ name: 'dns', port: 3, address: 'api.test', hostname: 'api.test', check: false, initAddr: [{ ip: '127.0.0.9' }] }),
        makeServer({ name: 'changed', port: 4, check }),
      ],
    });
  const h = harness({ backends: [mk()] }, (s) => s !== 'down' && s !== 'changed');
  h.mon.start();
  await h.mon.ready();
  await h.timers.advanceTo(500);
  const snap = h.mon.snapshot();
  await h.mon.stop();
  assert.deepEqual(
    snap.map((s) => s.state),
    ['DOWN', 'UP', 'UP', 'DOWN'],
  );

  const h2 = harness({ backends: [mk(false)], carryOver: snap }, () => true);
  // Before any check of the new monitor, the DOWN server is still DOWN: no flap on reload.
  assert.equal(h2.mon.isUp('be', 'down'), false);
  assert.equal(h2.mon.isUp('be', 'up'), true);
  assert.equal(h2.mon.addressOf('be', 'dns'), '127.0.0.9');
  assert.equal(h2.mon.isUp('be', 'dns'), true);
  assert.equal(h2.mon.isUp('be', 'changed'), true, 'check setting changed: fresh state (unchecked = UP)');
  assert.equal(h2.mon.snapshot()[0]!.history.length, 1);
  h2.mon.start();
  await h2.mon.ready();
  assert.equal(h2.mon.addressOf('be', 'dns'), '127.0.0.9');
  assert.deepEqual(h2.transcript(), [], 'a reload logs no transition and no address change');
  await h2.mon.stop();
});
