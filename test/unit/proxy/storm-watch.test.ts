// When the proxy gives memory back after a connection storm: only after a real drop (at least
// STORM_MIN_DROP sessions, to half the peak or less), once per drop, and again after a new peak.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STORM_MIN_DROP, initialStormWatch, observeLive, type StormWatch } from '../../../src/proxy/storm-watch.js';

function run(samples: number[]): boolean[] {
  let w: StormWatch = initialStormWatch;
  return samples.map((n) => {
    const r = observeLive(w, n);
    w = r.watch;
    return r.release;
  });
}

test('a storm that closes releases once, when the count has halved', () => {
  assert.deepEqual(run([0, 4000, 9500, 9500, 7000, 4000, 4000, 0]), [false, false, false, false, false, true, false, true]);
});

test('small swings never release: below STORM_MIN_DROP, or not down to half the peak', () => {
  assert.deepEqual(run([0, STORM_MIN_DROP - 1, 0, 0]), [false, false, false, false]);
  assert.deepEqual(run([0, 5000, 3000, 2600, 5000]), [false, false, false, false, false]);
});

test('a new storm after a release releases again', () => {
  assert.deepEqual(run([3000, 0, 0, 3000, 100]), [false, true, false, false, true]);
});
