import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeOutage, steadyNode, type Attempt } from '../../../src/lab/outage.js';

/** Attempts every 10 ms from `from` to `to` (exclusive), answered 2 ms later by `node` or failing at +500. */
function run(from: number, to: number, node: string | undefined, startIndex = 0): Attempt[] {
  const out: Attempt[] = [];
  for (let s = from, i = startIndex; s < to; s += 10, i++) out.push(node ? { i, s, e: s + 2, ok: true, node } : { i, s, e: s + 500, ok: false, err: 'timeout' });
  return out;
}

test('outage is first failure after the event to the first answer after it', () => {
  const attempts = [...run(0, 1000, 'n1'), ...run(1000, 1500, undefined, 100), ...run(1500, 2000, 'n2', 150)];
  const r = analyzeOutage(attempts, 995);
  assert.equal(r.failedAfterEvent, 50);
  assert.equal(r.failed, 50);
  assert.equal(r.outageMs, 502); // failure started at 1000, answer at 1502
  assert.equal(r.longestGapMs, 1502 - 992);
  assert.equal(r.firstNodeAfterRecovery, 'n2');
  assert.deepEqual(r.answeredBy, { n2: 50 });
});

test('no failure after the event means zero outage, failures before it do not count', () => {
  const attempts = [...run(0, 300, undefined), ...run(300, 1000, 'n1', 30)];
  const r = analyzeOutage(attempts, 500);
  assert.equal(r.outageMs, 0);
  assert.equal(r.failedAfterEvent, 0);
  assert.equal(r.failed, 30);
});

test('never recovering is undefined, not a number', () => {
  const r = analyzeOutage([...run(0, 100, 'n1'), ...run(100, 300, undefined, 10)], 100);
  assert.equal(r.outageMs, undefined);
  assert.equal(r.firstNodeAfterRecovery, undefined);
});

test('attempts arrive in completion order; analysis orders them by start', () => {
  const a: Attempt[] = [
    { i: 1, s: 10, e: 510, ok: false, err: 'timeout' },
    { i: 2, s: 20, e: 25, ok: true, node: 'n2' },
    { i: 0, s: 0, e: 3, ok: true, node: 'n1' },
  ];
  const r = analyzeOutage(a, 5);
  assert.equal(r.outageMs, 15);
});

test('steadyNode needs the last n attempts all answered by one node', () => {
  assert.equal(steadyNode(run(0, 200, 'n1'), 20), 'n1');
  assert.equal(steadyNode(run(0, 100, 'n1'), 20), undefined);
  assert.equal(steadyNode([...run(0, 200, 'n1'), ...run(200, 210, 'n2', 20)], 20), undefined);
  assert.equal(steadyNode([...run(0, 200, 'n1'), ...run(200, 210, undefined, 20)], 5), undefined);
});
