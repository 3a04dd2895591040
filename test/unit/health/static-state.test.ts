import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StaticHealthState } from '../../../src/health/static-state.js';
import type { ServerTransition } from '../../../src/health/types.js';

test('unknown servers are up; set() changes state and emits one transition per change', () => {
  const h = new StaticHealthState({ now: () => 42 });
  const seen: ServerTransition[] = [];
  h.onTransition((t) => seen.push(t));
  assert.equal(h.isUp('be', 's'), true);
  h.set('be', 's', 'DOWN', 'test');
  h.set('be', 's', 'DOWN', 'test');
  assert.equal(h.isUp('be', 's'), false);
  h.set('be', 's', 'MAINT');
  assert.equal(h.isUp('be', 's'), false);
  assert.deepEqual(
    seen.map((t) => `${t.from}>${t.to}@${t.at}`),
    ['UP>DOWN@42', 'DOWN>MAINT@42'],
  );
});

test('passive failures mark a server down after passiveFall consecutive ones; success resets', () => {
  const h = new StaticHealthState({ passiveFall: 3 });
  h.reportPassive('be', 's', 'refused');
  h.reportPassive('be', 's', 'refused');
  h.reportSuccess('be', 's');
  h.reportPassive('be', 's', 'reset');
  h.reportPassive('be', 's', 'reset');
  assert.equal(h.isUp('be', 's'), true);
  h.reportPassive('be', 's', 'timeout');
  assert.equal(h.state('be', 's'), 'DOWN');
  assert.equal(h.passiveReports.length, 5);
  const never = new StaticHealthState();
  for (let i = 0; i < 10; i++) never.reportPassive('be', 's', 'refused');
  assert.equal(never.isUp('be', 's'), true, 'passiveFall 0: reports are only recorded');
});

test('address overrides notify listeners', () => {
  const h = new StaticHealthState();
  const seen: string[] = [];
  const off = h.onAddressChange((b, s, a) => seen.push(`${b}/${s}=${a}`));
  assert.equal(h.addressOf('be', 's'), undefined);
  h.setAddress('be', 's', '127.0.0.9');
  off();
  h.setAddress('be', 's', '127.0.0.10');
  assert.deepEqual(seen, ['be/s=127.0.0.9']);
  assert.equal(h.addressOf('be', 's'), '127.0.0.10');
});
