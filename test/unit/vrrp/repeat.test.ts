// The repeat-advert fast path (repeat.ts) rests on one claim about the pure machine: once an
// advert was absorbable (stepping with it in BACKUP emitted nothing and stayed in BACKUP),
// stepping with the same advert again later is again absorbable and changes nothing but the
// deadlines — so counting repeats and replaying only the latest one, at its arrival time, gives
// the same machine as stepping with every one. Checked here by property over configurations,
// priorities, sources and arrival times; plus the batch coordinator equals chained steps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { machineConfig } from '../../../src/vrrp/machine-config.js';
import { initialState, step, type MachineState } from '../../../src/vrrp/machine.js';
import { coordinatorStep, coordinatorSteps, initialCoordinator } from '../../../src/vrrp/group.js';
import { repeatAbsorbable, sameReceived } from '../../../src/vrrp/repeat.js';
import { instance } from '../../helpers/vrrp-instance.js';

test('repeatAbsorbable: only a priority > 0 advert that left a BACKUP unchanged and silent', () => {
  assert.equal(repeatAbsorbable(100, 'BACKUP', 'BACKUP', 0), true);
  assert.equal(repeatAbsorbable(0, 'BACKUP', 'BACKUP', 0), false, 'priority 0: Skew_Time, fast takeover');
  assert.equal(repeatAbsorbable(100, 'BACKUP', 'BACKUP', 1), false, 'any effect');
  assert.equal(repeatAbsorbable(100, 'BACKUP', 'MASTER', 0), false);
  for (const p of ['INIT', 'MASTER', 'FAULT', 'STOPPING', 'STOPPED'] as const) {
    assert.equal(repeatAbsorbable(100, p, p, 0), false, `not in ${p}`);
  }
});

test('sameReceived compares source, destination, TTL and every byte', () => {
  const a = { src: '10.0.0.2', dst: '224.0.0.18', ttl: 255, payload: Uint8Array.from([0x31, 1, 100, 1]) };
  assert.equal(sameReceived(a, { ...a, payload: Uint8Array.from([0x31, 1, 100, 1]) }), true);
  assert.equal(sameReceived(a, { ...a, src: '10.0.0.3' }), false);
  assert.equal(sameReceived(a, { ...a, dst: '10.0.0.1' }), false);
  assert.equal(sameReceived(a, { ...a, ttl: 254 }), false);
  assert.equal(sameReceived(a, { ...a, payload: Uint8Array.from([0x31, 1, 101, 1]) }), false);
  assert.equal(sameReceived(a, { ...a, payload: Uint8Array.from([0x31, 1, 100]) }), false);
});

/** The machine state without its deadlines (which a replay moves). */
function shape(s: MachineState): unknown {
  const { deadlines: _d, cfg: _c, ...rest } = s;
  return rest;
}

test('an absorbable advert stays absorbable when repeated, and replaying the latest repeat equals stepping every one', () => {
  const cfgArb = fc.record({
    priority: fc.constantFrom(1, 50, 100, 150, 254),
    preemptDelay: fc.constantFrom(0, 300),
    nopreempt: fc.boolean(),
    unicast: fc.boolean(),
    version: fc.constantFrom(2 as const, 3 as const),
  });
  let absorbable = 0;
  fc.assert(
    fc.property(
      cfgArb,
      fc.constantFrom('10.0.0.1', '10.0.0.3', '10.0.0.9'),
      fc.integer({ min: 1, max: 254 }),
      fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 8 }),
      (c, src, prio, gaps) => {
        const advertInt = c.version === 2 ? 1000 : 100;
        const inst = instance({
          priority: c.priority,
          preemptDelay: c.preemptDelay,
          nopreempt: c.nopreempt,
          advertInt,
          version: c.version,
          ...(c.unicast ? { unicastPeers: ['10.0.0.1', '10.0.0.3', '10.0.0.9'], unicastSrcIp: '10.0.0.5' } : {}),
        });
        const cfg = machineConfig(inst, { primaryAddress: '10.0.0.5' });
        let s = step(initialState(cfg), { type: 'start' }, 0).state;
        const ev = { type: 'advert' as const, src, priority: prio, advertInt };
        let t = 10;
        const first = step(s, ev, t);
        if (!repeatAbsorbable(prio, s.phase, first.state.phase, first.effects.length)) return;
        absorbable++;
        s = first.state;
        // Every repeat, one by one (no deadline due in between: each gap is within the interval
        // the runtime would have checked at; ticks are what the runtime does before replaying).
        let every = s;
        const times: number[] = [];
        for (const g of gaps) {
          t += Math.min(g, advertInt);
          times.push(t);
          const r = step(every, ev, t);
          assert.equal(r.effects.length, 0, 'a repeat emits nothing');
          assert.equal(r.state.phase, 'BACKUP');
          assert.ok(repeatAbsorbable(prio, every.phase, r.state.phase, r.effects.length), 'still absorbable');
          every = r.state;
        }
        // The fast path: only the latest repeat, at its arrival time.
        const replayed = step(s, ev, times[times.length - 1]!).state;
        assert.deepEqual(shape(replayed), shape(every));
        assert.deepEqual(replayed.deadlines, every.deadlines);
      },
    ),
    { seed: 5798, numRuns: 400 },
  );
  assert.ok(absorbable > 200, `most generated cases exercise the claim (${absorbable} of 400)`);
});

test('coordinatorSteps equals chaining coordinatorStep', () => {
  const cfgs = [1, 2, 3].map((i) => machineConfig(instance({ name: `VI_${i}`, vrid: i, advertInt: 100 }), { primaryAddress: '10.0.0.5' }));
  let cs = initialCoordinator(cfgs, [{ name: 'G', members: ['VI_1', 'VI_2'] }]);
  cs = coordinatorStep(cs, 'VI_1', { type: 'start' }, 0).state;
  cs = coordinatorStep(cs, 'VI_2', { type: 'start' }, 0).state;
  cs = coordinatorStep(cs, 'VI_3', { type: 'start' }, 0).state;
  const inputs = [
    { target: 'VI_1', event: { type: 'advert' as const, src: '10.0.0.9', priority: 200, advertInt: 100 }, now: 50 },
    { target: 'VI_3', event: { type: 'advert' as const, src: '10.0.0.9', priority: 200, advertInt: 100 }, now: 60 },
    { target: undefined, event: { type: 'tick' as const }, now: 500 },
    { target: 'VI_2', event: { type: 'advert' as const, src: '10.0.0.9', priority: 0, advertInt: 100 }, now: 510 },
  ];
  let chained = cs;
  const effects: unknown[] = [];
  let last;
  for (const i of inputs) {
    last = coordinatorStep(chained, i.target, i.event, i.now);
    chained = last.state;
    effects.push(...last.effects);
  }
  const batch = coordinatorSteps(cs, inputs);
  assert.deepEqual(batch.state, chained);
  assert.deepEqual(batch.effects, effects);
  assert.equal(batch.nextDeadline, last!.nextDeadline);
  assert.ok(effects.length > 0, 'the inputs did something (transitions), so the comparison means something');
});
