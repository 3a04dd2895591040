import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBalancer, type BalancedServer, type PickView } from '../../../../src/proxy/balance/index.js';
import { buildSchedule } from '../../../../src/proxy/balance/static-rr.js';
import { selectCandidates } from '../../../../src/proxy/balance/select.js';
import type { BalanceAlgo } from '../../../../src/config/model.js';
import { seededRandom as rng } from '../../../helpers/rng.js';

function srv(name: string, weight = 1, extra: Partial<BalancedServer> = {}): BalancedServer {
  return { name, weight, backup: false, ...extra };
}

class View implements PickView {
  up: boolean[];
  c: number[];
  constructor(n: number) {
    this.up = new Array(n).fill(true);
    this.c = new Array(n).fill(0);
  }
  isUp(i: number): boolean {
    return this.up[i]!;
  }
  conns(i: number): number {
    return this.c[i]!;
  }
}

function counts(picks: number[], n: number): number[] {
  const c = new Array(n).fill(0);
  for (const p of picks) c[p]++;
  return c;
}

const ALGOS: BalanceAlgo[] = ['roundrobin', 'static-rr', 'leastconn', 'source', 'first', 'random'];

test('roundrobin is smooth weighted round robin (nginx order for 5,1,1)', () => {
  const servers = [srv('a', 5), srv('b', 1), srv('c', 1)];
  const b = createBalancer(servers, { algo: 'roundrobin', allBackups: false });
  const v = new View(3);
  const seq = Array.from({ length: 14 }, () => servers[b.pick(v)]!.name).join('');
  assert.equal(seq, 'aabacaa' + 'aabacaa');
});

test('roundrobin distributes exactly by weight and skips down servers', () => {
  const servers = [srv('a', 3), srv('b', 2), srv('c', 1)];
  const b = createBalancer(servers, { algo: 'roundrobin', allBackups: false });
  const v = new View(3);
  assert.deepEqual(
    counts(
      Array.from({ length: 600 }, () => b.pick(v)),
      3,
    ),
    [300, 200, 100],
  );
  v.up[0] = false;
  assert.deepEqual(
    counts(
      Array.from({ length: 300 }, () => b.pick(v)),
      3,
    ),
    [0, 200, 100],
  );
});

test('static-rr schedule has sum(weights) entries with exact shares', () => {
  const sched = buildSchedule([srv('a', 3), srv('b', 1), srv('c', 0), srv('d', 2)]);
  assert.equal(sched.length, 6);
  assert.deepEqual(counts(sched, 4), [3, 1, 0, 2]);
  const servers = [srv('a', 2), srv('b', 1)];
  const b = createBalancer(servers, { algo: 'static-rr', allBackups: false });
  const v = new View(2);
  assert.deepEqual(
    counts(
      Array.from({ length: 30 }, () => b.pick(v)),
      2,
    ),
    [20, 10],
  );
  v.up[0] = false;
  assert.deepEqual(
    counts(
      Array.from({ length: 10 }, () => b.pick(v)),
      2,
    ),
    [0, 10],
  );
});

test('leastconn picks the least loaded and breaks ties round robin', () => {
  const servers = [srv('a'), srv('b'), srv('c')];
  const b = createBalancer(servers, { algo: 'leastconn', allBackups: false });
  const v = new View(3);
  // All idle: ties rotate a, b, c, a, ...
  assert.deepEqual(
    Array.from({ length: 6 }, () => b.pick(v)),
    [0, 1, 2, 0, 1, 2],
  );
  v.c = [5, 1, 3];
  assert.equal(b.pick(v), 1);
  v.c = [2, 2, 9];
  const p1 = b.pick(v);
  const p2 = b.pick(v);
  assert.deepEqual([p1, p2].sort(), [0, 1]);
  // Weight scales load: 4 conns on weight 4 beats 2 conns on weight 1.
  const wb = createBalancer([srv('x', 4), srv('y', 1)], { algo: 'leastconn', allBackups: false });
  const wv = new View(2);
  wv.c = [4, 2];
  assert.equal(wb.pick(wv), 0);
});

test('leastconn simulated with connection accounting stays balanced', () => {
  const servers = [srv('a'), srv('b'), srv('c'), srv('d')];
  const b = createBalancer(servers, { algo: 'leastconn', allBackups: false });
  const v = new View(4);
  for (let n = 0; n < 40; n++) v.c[b.pick(v)]!++;
  assert.deepEqual(v.c, [10, 10, 10, 10]);
});

test('first fills the lowest id up to maxconn, then the next', () => {
  const servers = [srv('a', 1, { maxconn: 2 }), srv('b', 1, { maxconn: 2 }), srv('c')];
  const b = createBalancer(servers, { algo: 'first', allBackups: false });
  const v = new View(3);
  const picks: number[] = [];
  for (let n = 0; n < 6; n++) {
    const p = b.pick(v);
    picks.push(p);
    v.c[p]!++;
  }
  assert.deepEqual(picks, [0, 0, 1, 1, 2, 2]);
  v.c[0] = 1;
  assert.equal(b.pick(v), 0);
});

test('random uses two choices: the less loaded of two draws wins', () => {
  const servers = [srv('a'), srv('b'), srv('c')];
  const b = createBalancer(servers, { algo: 'random', allBackups: false, random: rng(7) });
  const v = new View(3);
  v.c = [100, 0, 100];
  const c = counts(
    Array.from({ length: 3000 }, () => b.pick(v)),
    3,
  );
  // b wins whenever it is among the two draws: P = 1 - (2/3)^2 = 5/9.
  assert.ok(c[1]! > 1500 && c[1]! < 1850, `b got ${c[1]}`);
  // With equal loads, the spread follows weights.
  const wb = createBalancer([srv('a', 3), srv('b', 1)], { algo: 'random', allBackups: false, random: rng(3) });
  const wc = counts(
    Array.from({ length: 4000 }, () => wb.pick(new View(2))),
    2,
  );
  assert.ok(Math.abs(wc[0]! / 4000 - 0.75) < 0.04, `weights spread ${wc}`);
});

test('random keeps a balanced load when connections accumulate', () => {
  const b = createBalancer([srv('a'), srv('b'), srv('c'), srv('d')], { algo: 'random', allBackups: false, random: rng(11) });
  const v = new View(4);
  for (let n = 0; n < 400; n++) v.c[b.pick(v)]!++;
  assert.ok(Math.max(...v.c) - Math.min(...v.c) <= 6, `spread ${v.c}`);
});

for (const algo of ALGOS) {
  test(`${algo}: down, weight-0 (except first) and maxconn-full servers are never picked`, () => {
    const servers = [srv('a', 1), srv('b', 1, { maxconn: 1 }), srv('c', 0), srv('d', 2)];
    const b = createBalancer(servers, { algo, allBackups: false, random: rng(1) });
    const v = new View(4);
    v.up[0] = false;
    v.c[1] = 1;
    for (let n = 0; n < 200; n++) {
      const p = b.pick(v, { clientAddress: `10.0.${n}.1` });
      assert.ok(algo === 'first' ? p === 2 : p === 3, `${algo} picked ${p}`);
    }
  });

  test(`${algo}: backups only when no active is up; first backup unless allbackups`, () => {
    const servers = [srv('a'), srv('b'), srv('k1', 1, { backup: true }), srv('k2', 1, { backup: true })];
    const v = new View(4);
    const one = createBalancer(servers, { algo, allBackups: false, random: rng(2) });
    for (let n = 0; n < 50; n++) assert.ok(one.pick(v, { clientAddress: `1.1.1.${n}` }) < 2);
    v.up[0] = false;
    for (let n = 0; n < 50; n++) assert.equal(one.pick(v, { clientAddress: `1.1.1.${n}` }), 1);
    v.up[1] = false;
    for (let n = 0; n < 50; n++) assert.equal(one.pick(v, { clientAddress: `1.1.1.${n}` }), 2);
    v.up[2] = false;
    assert.equal(one.pick(v), 3, 'next backup when the first is down');
    v.up[2] = true;
    const all = createBalancer(servers, { algo, allBackups: true, random: rng(2) });
    const seen = new Set<number>();
    for (let n = 0; n < 200; n++) seen.add(all.pick(v, { clientAddress: `2.2.${n}.9` }));
    if (algo === 'first') assert.deepEqual([...seen], [2]);
    else assert.deepEqual([...seen].sort(), [2, 3]);
    v.up[2] = false;
    v.up[3] = false;
    assert.equal(all.pick(v), -1, 'nothing up: -1 (503)');
  });

  test(`${algo}: exclude avoids tried servers unless nothing else is left`, () => {
    const servers = [srv('a'), srv('b'), srv('c')];
    const b = createBalancer(servers, { algo, allBackups: false, random: rng(5) });
    const v = new View(3);
    for (let n = 0; n < 100; n++) {
      const p = b.pick(v, { exclude: new Set([0, 1]), clientAddress: `9.9.9.${n}` });
      assert.equal(p, 2);
    }
    assert.equal(b.pick(v, { exclude: new Set([0, 1, 2]) }) >= 0, true);
    v.up[1] = false;
    v.up[2] = false;
    assert.equal(b.pick(v, { exclude: new Set([0]) }), 0, 'redispatch onto the same server when it is the only one');
  });
}

test('selectCandidates ignores exclusion for backup decision', () => {
  const servers = [srv('a'), srv('k', 1, { backup: true })];
  const v = new View(2);
  const c = selectCandidates(servers, v, { allBackups: false, exclude: new Set([0]) });
  assert.deepEqual(c?.list, [0], 'an excluded but up active server still keeps backups out');
});

test('keepFull: source names its hashed server even at maxconn (the caller queues on it); other algorithms ignore it', () => {
  const servers = [srv('a', 1, { maxconn: 1 }), srv('b', 1, { maxconn: 1 })];
  const v = new View(2);
  const src = createBalancer(servers, { algo: 'source', allBackups: false });
  const home = src.pick(v, { clientAddress: '10.0.0.7' });
  v.c[home] = 1;
  assert.equal(src.pick(v, { clientAddress: '10.0.0.7', keepFull: true }), home, 'still its server');
  assert.equal(src.pick(v, { clientAddress: '10.0.0.7' }), 1 - home, 'without keepFull: the free one');
  v.c[1 - home] = 1;
  assert.equal(src.pick(v, { clientAddress: '10.0.0.7' }), -1, 'all full: nobody');
  for (const algo of ['roundrobin', 'leastconn', 'first', 'static-rr'] as const) {
    const b = createBalancer(servers, { algo, allBackups: false, random: rng(3) });
    assert.equal(b.pick(v, { keepFull: true }), -1, `${algo} never returns a full server`);
  }
});
