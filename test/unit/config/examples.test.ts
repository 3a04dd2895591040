// The shipped examples load with no error and no warning.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { formatDiagnostic } from '../../../src/config/diagnostics.js';
import { loadConfig, type ConfigSources } from '../../../src/config/load.js';
import { example } from './helpers.js';

const load = (s: ConfigSources) => loadConfig(s, { readFile: (p) => readFileSync(p, 'utf8'), env: {} });
const problems = (r: ReturnType<typeof load>): string[] => r.diagnostics.filter((d) => d.severity !== 'note').map(formatDiagnostic);

for (const [name, src] of [
  ['haproxy-k8s-api.cfg', { haproxy: example('haproxy-k8s-api.cfg') }],
  ['haproxy-ingress.cfg', { haproxy: example('haproxy-ingress.cfg') }],
  ['halb.yaml', { yaml: example('halb.yaml') }],
  ['demo.yaml', { yaml: example('demo.yaml') }],
] as const) {
  test(`examples/${name} loads clean`, () => {
    const r = load(src);
    assert.deepEqual(problems(r), []);
    assert.ok(r.config);
  });
}

test('k8s example: tcp 6443, 3 servers checked with GET /healthz over TLS without verification', () => {
  const c = load({ haproxy: example('haproxy-k8s-api.cfg') }).config!;
  assert.deepEqual(
    c.frontends[0]!.binds.map((b) => [b.address, b.port]),
    [['0.0.0.0', 6443]],
  );
  const be = c.backends[0]!;
  assert.equal(be.mode, 'tcp');
  assert.equal(be.servers.length, 3);
  assert.ok(be.servers.every((s) => s.check && s.checkSsl && s.verify === 'none'));
  assert.equal(be.healthCheck.type, 'http');
  assert.deepEqual(be.healthCheck.type === 'http' && [be.healthCheck.method, be.healthCheck.uri], ['GET', '/healthz']);
});

test('ingress example: 80/443 tcp, balance source, backups with allbackups', () => {
  const c = load({ haproxy: example('haproxy-ingress.cfg') }).config!;
  assert.deepEqual(
    c.frontends.map((f) => [f.mode, f.binds[0]!.port]),
    [
      ['tcp', 80],
      ['tcp', 443],
    ],
  );
  for (const b of c.backends) {
    assert.equal(b.balance.algo, 'source');
    assert.equal(b.allBackups, true);
    assert.deepEqual(
      b.servers.map((s) => s.backup),
      [false, false, true, true],
    );
  }
});

test('demo config: http 127.0.0.1:8080 and tcp 127.0.0.1:8081 over 3 local backends with GET /healthz', () => {
  const c = load({ yaml: example('demo.yaml') }).config!;
  assert.deepEqual(
    c.frontends.map((f) => [f.mode, f.binds[0]!.address, f.binds[0]!.port]),
    [
      ['http', '127.0.0.1', 8080],
      ['tcp', '127.0.0.1', 8081],
    ],
  );
  for (const b of c.backends) {
    assert.equal(b.balance.algo, 'roundrobin');
    assert.deepEqual(
      b.servers.map((s) => `${s.address}:${s.port}`),
      ['127.0.0.1:18081', '127.0.0.1:18082', '127.0.0.1:18083'],
    );
    assert.ok(b.healthCheck.type === 'http' && b.healthCheck.method === 'GET' && b.healthCheck.uri === '/healthz');
  }
});
