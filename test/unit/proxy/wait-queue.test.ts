import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WaitQueue } from '../../../src/proxy/wait-queue.js';

test('entries leave in arrival order; qmax remembers the peak', () => {
  const q = new WaitQueue<string>();
  q.add('a', 0, 100);
  q.add('b', 1, 100);
  q.add('c', 2, 100);
  assert.equal(q.length, 3);
  assert.equal(q.shift()?.item, 'a');
  assert.equal(q.shift()?.item, 'b');
  q.add('d', 3, 100);
  assert.deepEqual([q.shift()?.item, q.shift()?.item], ['c', 'd']);
  assert.equal(q.length, 0);
  assert.equal(q.max, 3);
  assert.equal(q.shift(), undefined);
});

test('an entry put back keeps its place by arrival time', () => {
  const q = new WaitQueue<string>();
  const a = q.add('a', 0, undefined);
  q.add('b', 5, undefined);
  assert.equal(q.shift(), a);
  q.add('c', 7, undefined);
  q.insert(a);
  assert.deepEqual([q.shift()?.item, q.shift()?.item, q.shift()?.item], ['a', 'b', 'c']);
});

test('timeout queue: expired entries leave oldest first, the others stay; no timeout never expires', () => {
  const q = new WaitQueue<string>();
  q.add('a', 0, 10);
  q.add('forever', 1, undefined);
  q.add('b', 2, 10);
  q.add('c', 20, 10);
  assert.deepEqual(
    q.takeExpired(9).map((e) => e.item),
    [],
  );
  assert.deepEqual(
    q.takeExpired(12).map((e) => e.item),
    ['a', 'b'],
  );
  assert.equal(q.length, 2);
  assert.deepEqual(
    q.takeExpired(1e9).map((e) => e.item),
    ['c'],
  );
  assert.equal(q.peek()?.item, 'forever');
  assert.equal(q.peek()?.deadline, Infinity);
});

test('a client leaving is removed wherever it waits', () => {
  const q = new WaitQueue<number>();
  const es = [0, 1, 2, 3].map((i) => q.add(i, i, 100));
  assert.equal(q.remove(es[2]!), true);
  assert.equal(q.remove(es[2]!), false);
  assert.deepEqual([q.shift()?.item, q.shift()?.item, q.shift()?.item], [0, 1, 3]);
});
