// One of three servers dies under load: with retries no client request fails (refused/reset
// before any response byte is retried elsewhere), and passive detection marks the dead server
// DOWN without waiting for an active check. Without `option redispatch` retries stay on the
// same server only until it is marked DOWN, so the result is the same.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { StaticHealthState } from '../../../src/health/static-state.js';
import { backend, frontend, server } from '../../helpers/proxy-fixtures.js';
import { httpGet, startHttpBackend } from '../../helpers/backends.js';
import { cleanup, startProxy } from '../../helpers/proxy-harness.js';

for (const [mode, redispatch] of [
  ['http', true],
  ['tcp', true],
  ['http', false],
  ['tcp', false],
] as const) {
  test(`${mode}${redispatch ? ' + redispatch' : ', no redispatch'}: killing one of 3 servers under load fails no request; passive detection marks it DOWN`, async (t) => {
    const bs = await Promise.all(['a', 'b', 'c'].map((n) => startHttpBackend(n)));
    for (const b of bs) cleanup(t, b);
    const health = new StaticHealthState({ passiveFall: 2 });
    const transitions: string[] = [];
    health.onTransition((tr) => transitions.push(`${tr.server}:${tr.to}:${tr.reason}`));
    const h = await startProxy(
      t,
      [frontend('fe', 'be', { mode })],
      [
        backend(
          'be',
          bs.map((b, i) => server('abc'[i]!, b.port)),
          { mode, retries: 3, redispatch },
        ),
      ],
      { health },
    );
    const agent = new http.Agent({ keepAlive: mode === 'http', maxSockets: 8 });
    t.after(() => agent.destroy());
    const total = 600;
    let sent = 0;
    let failed = 0;
    const byServer: Record<string, number> = {};
    const worker = async (): Promise<void> => {
      while (sent < total) {
        const n = ++sent;
        if (n === 150) await bs[1]!.close(); // kill b: listener gone, its connections dropped
        try {
          const r = await httpGet(h.port(), `/${n}`, { agent });
          if (r.status !== 200) failed++;
          else byServer[r.body] = (byServer[r.body] ?? 0) + 1;
        } catch {
          failed++;
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    assert.equal(failed, 0, `failed requests: ${failed}, served ${JSON.stringify(byServer)}`);
    assert.equal(health.state('be', 'b'), 'DOWN');
    assert.ok(
      transitions.some((x) => x.startsWith('b:DOWN:passive')),
      transitions.join(),
    );
    assert.ok((byServer.a ?? 0) > 200 && (byServer.c ?? 0) > 200, JSON.stringify(byServer));
    const st = h.proxy.stats().backends[0]!;
    assert.ok(st.retries >= 1 && st.redispatches >= 1, `retries ${st.retries} redispatches ${st.redispatches}`);
  });
}
