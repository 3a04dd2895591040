// Compliance suite for HealthMonitorApi (conventions §5): the real monitor and the
// in-memory StaticHealthState run the same tests. Each subject says how to drive its
// checked server down and up (a failing check, or set()), and declares whether it reads
// the configuration: the static view does not, so for it every server it was not told
// about is UP and only overridden addresses are reported. The suite asserts both sides.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Backend } from '../../../src/config/model.js';
import type { HealthMonitorApi, ServerTransition } from '../../../src/health/types.js';
import { makeBackend, makeServer } from './model.js';

export interface HealthSubject {
  readonly api: HealthMonitorApi;
  /** Make be/chk fail (its check fails, or it is set DOWN); resolves once the change is visible. */
  fail(backend: string, server: string): Promise<void>;
  /** Make be/chk healthy again; resolves once the change is visible. */
  recover(backend: string, server: string): Promise<void>;
}

export interface HealthTraits {
  /**
   * true (the monitor): unknown servers are DOWN, disabled ones MAINT, literal addresses
   * reported. false (the static view): all of them UP, addresses only when overridden.
   */
  readonly readsConfig: boolean;
}

export const complianceBackends: readonly Backend[] = [
  makeBackend({
    name: 'be',
    servers: [
      makeServer({ name: 'plain', address: '127.0.0.1', port: 1, check: false }),
      makeServer({ name: 'off', address: '127.0.0.1', port: 2, check: false, disabled: true }),
      makeServer({ name: 'chk', address: '127.0.0.1', port: 3, check: true, rise: 1, fall: 1 }),
    ],
  }),
];

export function healthApiCompliance(name: string, create: (backends: readonly Backend[]) => HealthSubject, traits: HealthTraits): void {
  async function withSubject(fn: (s: HealthSubject) => Promise<void>): Promise<void> {
    const s = create(complianceBackends);
    try {
      s.api.start();
      await fn(s);
    } finally {
      await s.api.stop();
    }
  }

  test(`${name}: configured servers start UP; disabled and unknown ones as declared`, () =>
    withSubject(async ({ api }) => {
      assert.equal(api.isUp('be', 'plain'), true);
      assert.equal(api.isUp('be', 'chk'), true);
      assert.equal(api.isUp('be', 'off'), !traits.readsConfig);
      assert.equal(api.isUp('be', 'missing'), !traits.readsConfig);
      assert.equal(api.isUp('missing', 'plain'), !traits.readsConfig);
    }));

  test(`${name}: addresses: literal ones as declared; unknown servers have none`, () =>
    withSubject(async ({ api }) => {
      assert.equal(api.addressOf('be', 'plain'), traits.readsConfig ? '127.0.0.1' : undefined);
      assert.equal(api.addressOf('be', 'missing'), undefined);
    }));

  test(`${name}: a failure and a recovery are each one transition, with from, to and a reason`, () =>
    withSubject(async (s) => {
      const seen: ServerTransition[] = [];
      s.api.onTransition((t) => seen.push(t));
      await s.fail('be', 'chk');
      assert.equal(s.api.isUp('be', 'chk'), false);
      assert.equal(s.api.isUp('be', 'plain'), true, 'the other server is untouched');
      await s.recover('be', 'chk');
      assert.equal(s.api.isUp('be', 'chk'), true);
      assert.deepEqual(
        seen.map((t) => `${t.backend}/${t.server} ${t.from}>${t.to}`),
        ['be/chk UP>DOWN', 'be/chk DOWN>UP'],
      );
      for (const t of seen) assert.ok(t.reason.length > 0, 'every transition has a reason');
    }));

  test(`${name}: passive reports on unchecked or unknown servers never throw nor change state`, () =>
    withSubject(async ({ api }) => {
      const seen: ServerTransition[] = [];
      api.onTransition((t) => seen.push(t));
      for (let i = 0; i < 20; i++) {
        api.reportPassive('be', 'plain', 'refused');
        api.reportPassive('nope', 'nope', 'reset');
      }
      api.reportSuccess('be', 'plain');
      api.reportSuccess('nope', 'nope');
      assert.equal(api.isUp('be', 'plain'), true);
      assert.deepEqual(seen, []);
    }));

  test(`${name}: an unsubscribed listener hears nothing more; stop() may be called twice`, async () => {
    const s = create(complianceBackends);
    const kept: ServerTransition[] = [];
    const dropped: ServerTransition[] = [];
    s.api.onTransition((t) => kept.push(t));
    const off = s.api.onTransition((t) => dropped.push(t));
    const offA = s.api.onAddressChange(() => {});
    s.api.start();
    off();
    offA();
    await s.fail('be', 'chk');
    assert.equal(kept.length, 1, 'the subscribed listener heard the change');
    assert.deepEqual(dropped, []);
    await s.api.stop();
    await s.api.stop();
  });
}
