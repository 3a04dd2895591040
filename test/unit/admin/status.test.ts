import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusDocument } from '../../../src/admin/status.js';
import { newCounters, type ProxyStats } from '../../../src/proxy/counters.js';
import type { HalbConfig, Server, Backend } from '../../../src/config/model.js';
import type { ServerSnapshot } from '../../../src/health/monitor.js';

function server(name: string, extra: Partial<Server> = {}): Server {
  return { name, address: '10.0.0.1', port: 6443, weight: 1, backup: false, disabled: false, check: true, checkSsl: false, verify: 'none', inter: 2000, rise: 2, fall: 3, initAddr: [], ...extra };
}

const backend = {
  name: 'k8s',
  mode: 'tcp',
  balance: { algo: 'roundrobin', hashType: 'map-based' },
  servers: [server('cp1', { weight: 10 }), server('cp2', { address: '10.0.0.2', backup: true })],
} as unknown as Backend;

const config = {
  frontends: [{ name: 'api', mode: 'tcp', binds: [] }],
  backends: [backend],
  stats: [],
} as unknown as HalbConfig;

const snap = (s: string, extra: Partial<ServerSnapshot>): ServerSnapshot => ({
  backend: 'k8s',
  server: s,
  state: 'UP',
  backup: false,
  checked: true,
  health: 4,
  rise: 2,
  fall: 3,
  address: '10.0.0.1',
  reason: '',
  history: [],
  counters: { checks: 0, checkFailures: 0, transitions: 0, passiveFailures: 0, dnsQueries: 0, dnsFailures: 0 },
  ...extra,
});

test('status document: servers carry config, health and proxy views; monotonic times become wall times', () => {
  const proxy: ProxyStats = {
    frontends: [{ name: 'api', paused: true, listening: ['127.0.0.1:6443'], ...newCounters(), sessCur: 2, sessTotal: 40, refused: 3 }],
    backends: [
      {
        name: 'k8s',
        ...newCounters(),
        qcur: 4,
        qmax: 7,
        queueTimeouts: 2,
        sessTotal: 40,
        servers: [{ name: 'cp1', status: 'UP', idleConnections: 0, ...newCounters(), qcur: 1, qmax: 6, sessCur: 2, sessTotal: 39 }],
      },
    ],
  };
  const doc = statusDocument({
    config,
    proxy,
    health: [
      snap('cp1', { lastCheck: { ok: true, status: 'L4OK', reason: 'Layer4 check passed', durationMs: 1 }, lastChangeAt: 1000 }),
      snap('cp2', {
        state: 'DOWN',
        health: 0,
        address: '10.0.0.2',
        reason: 'Layer4 connection problem',
        lastChangeAt: 9000,
        lastCheck: { ok: false, status: 'L4CON', reason: 'Layer4 connection problem', durationMs: 2, detail: 'Connection refused' },
      }),
    ],
    vrrp: [{ name: 'VI_1', state: 'MASTER', priority: 150, since: 4000, master: '192.0.2.1' }],
    monoNow: 10_000,
    wallNow: Date.parse('2026-01-01T00:00:10.000Z'),
  });
  assert.equal(doc.version, undefined, 'no version unless given');
  assert.equal(doc.generatedAt, '2026-01-01T00:00:10.000Z');
  assert.deepEqual(doc.frontends, [{ name: 'api', mode: 'tcp', listening: ['127.0.0.1:6443'], sessions: { current: 2, total: 40 }, paused: true, refused: 3 }]);
  const [be] = doc.backends;
  assert.equal(be?.serversUp, 1);
  assert.equal(be?.balance, 'roundrobin');
  assert.deepEqual(be?.queue, { current: 4, max: 7, timeouts: 2 });
  const [cp1, cp2] = be!.servers;
  assert.deepEqual(cp1, {
    name: 'cp1',
    address: '10.0.0.1:6443',
    state: 'UP',
    reason: null,
    lastChange: { at: '2026-01-01T00:00:01.000Z', ageSeconds: 9 },
    lastCheck: { ok: true, status: 'L4OK', reason: 'Layer4 check passed', durationMs: 1 },
    checked: true,
    health: '4/4',
    weight: 10,
    backup: false,
    sessions: { current: 2, total: 39 },
    queue: { current: 1, max: 6 },
  });
  assert.equal(cp2?.state, 'DOWN');
  assert.equal(cp2?.reason, 'Layer4 connection problem');
  assert.equal(cp2?.lastCheck?.detail, 'Connection refused');
  assert.equal(cp2?.backup, true);
  assert.deepEqual(cp2?.sessions, { current: 0, total: 0 }, 'no proxy row: zero, not missing');
  assert.deepEqual(doc.vrrp, [{ name: 'VI_1', state: 'MASTER', priority: 150, master: '192.0.2.1', since: { at: '2026-01-01T00:00:04.000Z', ageSeconds: 6 } }]);
});

test('status document without proxy or health (VRRP-only daemon) still lists the config', () => {
  const doc = statusDocument({ config, health: [], vrrp: [], monoNow: 0, wallNow: 0, version: '9.9.9' });
  assert.equal(doc.version, '9.9.9');
  assert.deepEqual(
    doc.backends[0]?.servers.map((s) => [s.name, s.state, s.lastCheck, s.lastChange]),
    [
      ['cp1', 'UP', null, null],
      ['cp2', 'UP', null, null],
    ],
  );
});
