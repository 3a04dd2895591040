// machine.ts `reconfigure` (reload `update`): the state is kept, the new settings take effect
// through the same paths tracking uses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialState, step, type MachineEvent, type MachineState, type Effect } from '../../../src/vrrp/machine.js';
import { machineConfig, type MachineConfig } from '../../../src/vrrp/machine-config.js';
import type { VrrpInstance } from '../../../src/config/model-vrrp.js';
import { instance } from '../../helpers/vrrp-instance.js';

const ME = '10.0.0.1';
const PEER = '10.0.0.2';

function mc(over: Partial<VrrpInstance> = {}): MachineConfig {
  return machineConfig(instance({ advertInt: 1000, ...over }), { primaryAddress: ME, scripts: [{ name: 'chk', script: '/x', interval: 1000, fall: 1, rise: 1, weight: -30, weightReverse: false }] });
}

function run(s: MachineState, events: Array<[number, MachineEvent]>): { s: MachineState; effects: Effect[] } {
  const effects: Effect[] = [];
  for (const [at, ev] of events) {
    const r = step(s, ev, at);
    s = r.state;
    effects.push(...r.effects);
  }
  return { s, effects };
}

/** A master at priority 100 (took over at t=3700 after Master_Down_Interval). */
function master(over: Partial<VrrpInstance> = {}): MachineState {
  const { s } = run(initialState(mc(over)), [
    [0, { type: 'start' }],
    [4000, { type: 'tick' }],
  ]);
  assert.equal(s.phase, 'MASTER');
  return s;
}

/** A backup at priority 100 following PEER at 150. */
function backup(over: Partial<VrrpInstance> = {}): MachineState {
  const { s } = run(initialState(mc(over)), [
    [0, { type: 'start' }],
    [100, { type: 'advert', src: PEER, priority: 150, advertInt: 1000 }],
  ]);
  assert.equal(s.phase, 'BACKUP');
  return s;
}

test('a master keeps MASTER on a lower priority and announces it at once', () => {
  const r = step(master(), { type: 'reconfigure', cfg: mc({ priority: 80 }) }, 4100);
  assert.equal(r.state.phase, 'MASTER');
  assert.equal(r.state.priority, 80);
  assert.deepEqual(r.effects, [
    { type: 'PriorityChanged', from: 100, to: 80 },
    { type: 'SendAdvert', priority: 80 },
  ]);
  // and a backup at 90 now preempts it the normal way (RFC 5798 §6.4.3)
  const after = step(r.state, { type: 'advert', src: PEER, priority: 90, advertInt: 1000 }, 4200);
  assert.equal(after.state.phase, 'BACKUP');
});

test('settings that do not touch the election emit nothing and keep every deadline', () => {
  const m = master();
  const r = step(m, { type: 'reconfigure', cfg: mc({ notify: { master: '/bin/x' }, preemptDelay: 5000 }) }, 4100);
  assert.deepEqual(r.effects, []);
  assert.equal(r.state.phase, 'MASTER');
  assert.deepEqual(r.state.deadlines, m.deadlines);
  assert.equal(r.state.since, m.since);
});

test('a shorter advert interval on a master takes effect now, a longer one from the next advert', () => {
  const m = master(); // next advert at 5000
  assert.equal(m.deadlines.advert, 5000);
  const shorter = step(m, { type: 'reconfigure', cfg: mc({ advertInt: 200 }) }, 4100);
  assert.equal(shorter.state.deadlines.advert, 4300);
  assert.equal(shorter.state.masterAdverInt, 200);
  const longer = step(m, { type: 'reconfigure', cfg: mc({ advertInt: 3000 }) }, 4100);
  assert.equal(longer.state.deadlines.advert, 5000);
  const next = step(longer.state, { type: 'tick' }, 5000);
  assert.equal(next.state.deadlines.advert, 8000);
});

test('a backup raised above the master ignores its adverts and takes over at Master_Down', () => {
  const b = backup();
  const r = step(b, { type: 'reconfigure', cfg: mc({ priority: 200 }) }, 200);
  assert.equal(r.state.phase, 'BACKUP');
  assert.deepEqual(r.effects, [{ type: 'PriorityChanged', from: 100, to: 200 }]);
  const deadline = r.state.deadlines.masterDown!;
  // the master's adverts no longer restart the timer (preempt mode, RFC 5798 §6.4.2)
  const heard = step(r.state, { type: 'advert', src: PEER, priority: 150, advertInt: 1000 }, 1100);
  assert.equal(heard.state.deadlines.masterDown, deadline);
  const t = step(heard.state, { type: 'tick' }, deadline);
  assert.equal(t.state.phase, 'MASTER');
  assert.ok(t.effects.some((e) => e.type === 'LogTransition' && e.reason === 'master-down'));
});

test('nopreempt set by reload: the raised backup keeps following', () => {
  const b = backup();
  const r = step(b, { type: 'reconfigure', cfg: mc({ priority: 200, nopreempt: true }) }, 200);
  const heard = step(r.state, { type: 'advert', src: PEER, priority: 150, advertInt: 1000 }, 1100);
  assert.ok(heard.state.deadlines.masterDown! > r.state.deadlines.masterDown!);
});

test('a new weight-0 track on a failing script puts a master in FAULT with a priority-0 advert', () => {
  const m = run(master({ trackScripts: [{ name: 'chk' }] }), [[4100, { type: 'track', name: 'script:chk', ok: false }]]).s;
  assert.equal(m.phase, 'MASTER');
  assert.equal(m.priority, 70);
  const r = step(m, { type: 'reconfigure', cfg: mc({ trackScripts: [{ name: 'chk', weight: 0 }] }) }, 4200);
  assert.equal(r.state.phase, 'FAULT');
  assert.deepEqual(
    r.effects.map((e) => e.type),
    ['PriorityChanged', 'LogTransition', 'SendAdvert', 'DelVips', 'RunNotify'],
  );
});

test('dropping the failing track clears FAULT like a recovered script would', () => {
  const faulty = run(initialState(mc({ trackScripts: [{ name: 'chk', weight: 0 }] })), [
    [0, { type: 'start' }],
    [10, { type: 'track', name: 'script:chk', ok: false }],
  ]).s;
  assert.equal(faulty.phase, 'FAULT');
  const r = step(faulty, { type: 'reconfigure', cfg: mc() }, 20);
  assert.equal(r.state.phase, 'BACKUP');
  assert.ok(r.effects.some((e) => e.type === 'LogTransition' && e.reason === 'fault-cleared'));
});

test('a pending preempt_delay is dropped when preempt_delay is removed', () => {
  const b = run(initialState(mc({ preemptDelay: 5000 })), [
    [0, { type: 'start' }],
    [100, { type: 'advert', src: PEER, priority: 50, advertInt: 1000 }],
  ]).s;
  assert.equal(b.deadlines.preempt, 5100);
  const r = step(b, { type: 'reconfigure', cfg: mc() }, 200);
  assert.equal(r.state.deadlines.preempt, undefined);
});
