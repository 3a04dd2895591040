import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Rounds, median } from '../../../../bench/lb/rounds.js';

test('median of odd and even counts; NaN for none', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});

test('paired ratios use only rounds both contenders finished, in round order', () => {
  const r = new Rounds();
  r.add('haproxy', 0, 100);
  r.add('halb', 0, 110);
  r.add('haproxy', 2, 200); // halb's round 1 failed, haproxy's round 1 too
  r.add('halb', 2, 100);
  r.add('halb', 3, 50); // haproxy has no round 3
  r.add('haproxy', 4, 0); // a zero is no divisor
  r.add('halb', 4, 5);
  assert.deepEqual(r.paired('halb', 'haproxy'), [1.1, 0.5]);
  assert.equal(r.pairedNote('x:'), 'x: halb/haproxy within each round (turns seconds apart): 1.10 / 0.50; median 0.80×');
  assert.equal(r.format(0), 'haproxy 100 / 200 / 0; halb 110 / 100 / 50 / 5');
});

test('no note from fewer than two paired rounds', () => {
  const r = new Rounds();
  r.add('halb', 0, 1);
  r.add('haproxy', 0, 1);
  assert.equal(r.pairedNote('x:'), undefined);
});
