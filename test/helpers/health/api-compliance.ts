// Compliance suite for HealthMonitorApi (conventions §5): every implementation — the
// real monitor, a static/in-memory one — must pass it. Usage:
//   healthApiCompliance('static', (backends) => createStaticState(backends));
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend } from '../../../src/config/model.js';
import type { HealthMonitorApi, ServerTransition } from '../../../src/health/types.js';
import { makeBackend, makeServer } from './model.js';

export function healthApiCompliance(name: string, create: (backends: readonly Backend[]) => HealthMonitorApi): void {
  const backends = [
    makeBackend({
      name: 'be',
      servers: [
        makeServer({ name: 'plain', address: '127.0.0.1', port: 1, check: false }),
        makeServer({ name: 'off', address: '127.0.0.1', port: 2, check: false, disabled: true }),
      ],
    }),
  ];

  test(`${name}: unchecked servers are UP, disabled are not, unknown names are not`, async () => {
    const m = create(backends);
    try {
      m.start();
      assert.equal(m.isUp('be', 'plain'), true);
      assert.equal(m.isUp('be', 'off'), false);
      assert.equal(m.isUp('be', 'missing'), false);
      assert.equal(m.isUp('missing', 'plain'), false);
    } finally {
      await m.stop();
    }
  });

  test(`${name}: literal addresses are reported; unknown servers have none`, async () => {
    const m = create(backends);
    try {
      m.start();
      assert.equal(m.addressOf('be', 'plain'), '127.0.0.1');
      assert.equal(m.addressOf('be', 'missing'), undefined);
    } finally {
      await m.stop();
    }
  });

  test(`${name}: passive reports on unchecked or unknown servers never throw nor change state`, async () => {
    const m = create(backends);
    const seen: ServerTransition[] = [];
    const off = m.onTransition((t) => seen.push(t));
    try {
      m.start();
      for (let i = 0; i < 20; i++) {
        m.reportPassive('be', 'plain', 'refused');
        m.reportPassive('nope', 'nope', 'reset');
      }
      m.reportSuccess('be', 'plain');
      m.reportSuccess('nope', 'nope');
      assert.equal(m.isUp('be', 'plain'), true);
      assert.deepEqual(seen, []);
    } finally {
      off();
      await m.stop();
    }
  });

  test(`${name}: listeners unsubscribe; stop() resolves and may be called twice`, async () => {
    const m = create(backends);
    const offT = m.onTransition(() => {});
    const offA = m.onAddressChange(() => {});
    assert.equal(typeof offT, 'function');
    assert.equal(typeof offA, 'function');
    offT();
    offA();
    m.start();
    await m.stop();
    await m.stop();
  });
}
