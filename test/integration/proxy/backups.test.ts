// Backup servers take traffic only when no active server is up; `option allbackups` spreads
// it over all backups, otherwise only the first backup serves. Real servers, both modes' rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { backend, frontend, server } from '../../helpers/proxy-fixtures.js';
import { httpGet, startHttpBackend } from '../../helpers/backends.js';
import { cleanup, startProxy } from '../../helpers/proxy-harness.js';

async function spread(port: number, n: number, agent: http.Agent): Promise<Record<string, number>> {
  const seen: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const r = await httpGet(port, '/', { agent });
    const k = r.status === 200 ? r.body : String(r.status);
    seen[k] = (seen[k] ?? 0) + 1;
  }
  return seen;
}

for (const allBackups of [false, true]) {
  test(`backups ${allBackups ? 'with' : 'without'} option allbackups`, async (t) => {
    const names = ['a1', 'a2', 'k1', 'k2'];
    const b = await Promise.all(names.map((n) => startHttpBackend(n)));
    for (const x of b) cleanup(t, x);
    const h = await startProxy(
      t,
      [frontend('fe', 'be')],
      [backend('be', [server('a1', b[0]!.port), server('a2', b[1]!.port), server('k1', b[2]!.port, { backup: true }), server('k2', b[3]!.port, { backup: true })], { allBackups })],
    );
    const agent = new http.Agent({ keepAlive: true, maxSockets: 2 });
    t.after(() => agent.destroy());
    assert.deepEqual(await spread(h.port(), 20, agent), { a1: 10, a2: 10 });
    h.health.set('be', 'a1', 'DOWN');
    assert.deepEqual(await spread(h.port(), 10, agent), { a2: 10 }, 'one active left: backups stay idle');
    h.health.set('be', 'a2', 'DOWN');
    assert.deepEqual(await spread(h.port(), 20, agent), allBackups ? { k1: 10, k2: 10 } : { k1: 20 });
    h.health.set('be', 'k1', 'DOWN');
    assert.deepEqual(await spread(h.port(), 4, agent), { k2: 4 });
    h.health.set('be', 'k2', 'MAINT');
    assert.deepEqual(await spread(h.port(), 2, agent), { '503': 2 });
    h.health.set('be', 'a1', 'UP');
    h.health.set('be', 'k1', 'UP');
    assert.deepEqual(await spread(h.port(), 4, agent), { a1: 4 }, 'an active server back up takes over again');
  });
}

test('source balancing keeps a client on its server across requests', async (t) => {
  const b = await Promise.all(['s1', 's2', 's3'].map((n) => startHttpBackend(n)));
  for (const x of b) cleanup(t, x);
  const h = await startProxy(
    t,
    [frontend('fe', 'be')],
    [
      backend(
        'be',
        b.map((x, i) => server(`s${i + 1}`, x.port)),
        { balance: { algo: 'source', hashType: 'consistent' } },
      ),
    ],
  );
  const agent = new http.Agent({ keepAlive: false });
  const seen = await spread(h.port(), 10, agent);
  assert.equal(Object.keys(seen).length, 1, `one client address, one server: ${JSON.stringify(seen)}`);
});
