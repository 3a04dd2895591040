// The warm-up's private topology: a copy of each distinct frontend/backend shape, aimed at the
// loopback responder, with nothing of the real servers' addresses, checks or limits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { warmupTopology } from '../../../src/proxy/warmup.js';
import { backend, frontend, server } from '../../helpers/proxy-fixtures.js';

test('one copy per distinct shape, each with two servers at the responder and a loopback bind on port 0', () => {
  const real = {
    frontends: [
      frontend('api', 'masters', { mode: 'tcp', binds: [{ address: '0.0.0.0', port: 6443 }], maxconn: 100 }),
      frontend('api2', 'masters', { mode: 'tcp', binds: [{ address: '::', port: 6444 }] }), // same shape as api
      frontend('web', 'routers', { forwardFor: { header: 'X-Forwarded-For' }, errorFiles: { 503: { path: '/e', content: 'x' } } }),
      frontend('orphan', 'nowhere'),
    ],
    backends: [
      backend('masters', [server('m1', 6443, { address: '10.0.0.1', check: true, backup: false, maxconn: 5 }), server('m2', 6443, { hostname: 'm2.example', address: 'm2.example' })], {
        mode: 'tcp',
        balance: { algo: 'source', hashType: 'consistent' },
      }),
      backend('routers', [server('r1', 80, { backup: true, disabled: true, weight: 7 })]),
    ],
  };
  const w = warmupTopology(real, 40000);
  assert.deepEqual(
    w.frontends.map((f) => [f.name, f.mode, f.defaultBackend]),
    [
      ['warmup-0', 'http', 'warmup-0'],
      ['warmup-1', 'tcp', 'warmup-1'],
    ],
  );
  for (const f of w.frontends) {
    assert.deepEqual(f.binds, [{ address: '127.0.0.1', port: 0 }]);
    assert.equal(f.maxconn, undefined);
    assert.deepEqual(f.errorFiles, {});
  }
  assert.deepEqual(w.frontends[0]!.forwardFor, { header: 'X-Forwarded-For' });
  assert.deepEqual(w.backends[1]!.balance, { algo: 'source', hashType: 'consistent' });
  assert.equal(w.backends[1]!.mode, 'tcp');
  for (const b of w.backends) {
    assert.equal(b.servers.length, 2);
    for (const s of b.servers) {
      assert.equal(s.address, '127.0.0.1');
      assert.equal(s.port, 40000);
      assert.equal(s.hostname, undefined);
      assert.equal(s.check, false);
      assert.equal(s.backup, false);
      assert.equal(s.disabled, false);
      assert.equal(s.maxconn, undefined);
    }
  }
  assert.equal(w.backends[0]!.servers[0]!.weight, 7, 'weights kept: the balancer path is the configured one');
});

test('nothing to warm: no frontends, or none with a usable default backend', () => {
  assert.deepEqual(warmupTopology({ frontends: [], backends: [] }, 1), { frontends: [], backends: [] });
  const empty = backend('empty', []);
  assert.deepEqual(warmupTopology({ frontends: [frontend('f', 'empty'), frontend('g', 'missing')], backends: [empty] }, 1).frontends, []);
});

test('at most six copies, the modes taken in turn so that neither is left cold', () => {
  const algos = ['roundrobin', 'static-rr', 'leastconn', 'source', 'first', 'random'] as const;
  const frontends = [];
  const backends = [];
  for (const mode of ['http', 'tcp'] as const) {
    for (const algo of algos) {
      const n = `${mode}-${algo}`;
      frontends.push(frontend(n, n, { mode }));
      backends.push(backend(n, [server('s', 1)], { mode, balance: { algo, hashType: 'consistent' } }));
    }
  }
  const w = warmupTopology({ frontends, backends }, 1);
  assert.deepEqual(
    w.frontends.map((f) => f.mode),
    ['http', 'tcp', 'http', 'tcp', 'http', 'tcp'],
  );
  assert.deepEqual(
    w.backends.map((b) => b.balance.algo),
    ['roundrobin', 'roundrobin', 'static-rr', 'static-rr', 'leastconn', 'leastconn'],
  );
});
