import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createBalancer, type BalancedServer, type PickView } from '../../../../src/proxy/balance/index.js';

const allUp = (n: number): PickView & { up: boolean[] } => {
  const up = new Array(n).fill(true);
  return { up, isUp: (i) => up[i], conns: () => 0 };
};
const servers = (n: number, w = 1): BalancedServer[] => Array.from({ length: n }, (_, i) => ({ name: `s${i}`, weight: w, backup: false }));
const clients = Array.from({ length: 20000 }, (_, i) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);

function assign(list: BalancedServer[], view?: PickView): string[] {
  const b = createBalancer(list, { algo: 'source', allBackups: false });
  const v = view ?? allUp(list.length);
  return clients.map((c) => list[b.pick(v, { clientAddress: c })]!.name);
}

test('source is sticky: same client, same server', () => {
  const list = servers(5);
  const b = createBalancer(list, { algo: 'source', allBackups: false });
  const v = allUp(5);
  for (const c of clients.slice(0, 500)) assert.equal(b.pick(v, { clientAddress: c }), b.pick(v, { clientAddress: c }));
});

test('source spreads clients roughly evenly and by weight', () => {
  const a = assign(servers(5));
  for (let i = 0; i < 5; i++) {
    const share = a.filter((s) => s === `s${i}`).length / clients.length;
    assert.ok(share > 0.12 && share < 0.28, `s${i} share ${share}`);
  }
  const weighted = [...servers(2), { name: 'heavy', weight: 2, backup: false }];
  const w = assign(weighted);
  const heavy = w.filter((s) => s === 'heavy').length / clients.length;
  assert.ok(heavy > 0.4 && heavy < 0.6, `weight 2 of total 4 share ${heavy}`);
});

for (const n of [3, 5, 10]) {
  test(`source: adding one server to ${n} remaps about 1/${n + 1} of clients, all to the new one`, () => {
    const before = assign(servers(n));
    const after = assign(servers(n + 1));
    let moved = 0;
    for (let k = 0; k < clients.length; k++) {
      if (before[k] !== after[k]) {
        moved++;
        assert.equal(after[k], `s${n}`, 'a client only moves to the added server');
      }
    }
    const frac = moved / clients.length;
    const ideal = 1 / (n + 1);
    assert.ok(frac > ideal * 0.5 && frac < ideal * 1.6, `moved ${frac.toFixed(3)} vs ideal ${ideal.toFixed(3)}`);
  });

  test(`source: removing one of ${n} servers remaps only its clients (about 1/${n})`, () => {
    const before = assign(servers(n));
    const list = servers(n).filter((s) => s.name !== 's1');
    const after = assign(list);
    let moved = 0;
    for (let k = 0; k < clients.length; k++) {
      if (before[k] !== after[k]) {
        moved++;
        assert.equal(before[k], 's1', 'only clients of the removed server move');
      }
    }
    const frac = moved / clients.length;
    assert.ok(frac > (1 / n) * 0.5 && frac < (1 / n) * 1.6, `moved ${frac.toFixed(3)}`);
  });
}

test('source: a server going down moves only its own clients, and they come back', () => {
  const list = servers(4);
  const b = createBalancer(list, { algo: 'source', allBackups: false });
  const v = allUp(4);
  const before = clients.map((c) => b.pick(v, { clientAddress: c }));
  v.up[2] = false;
  const during = clients.map((c) => b.pick(v, { clientAddress: c }));
  for (let k = 0; k < clients.length; k++) {
    if (before[k] !== 2) assert.equal(during[k], before[k]);
    else assert.notEqual(during[k], 2);
  }
  // The displaced clients spread over the survivors rather than all landing on one.
  const displaced = new Set(during.filter((_, k) => before[k] === 2));
  assert.ok(displaced.size >= 2, `displaced clients went to ${[...displaced]}`);
  v.up[2] = true;
  assert.deepEqual(
    clients.map((c) => b.pick(v, { clientAddress: c })),
    before,
  );
});
