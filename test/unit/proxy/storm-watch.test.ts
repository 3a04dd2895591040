// When the proxy gives memory back around a connection storm: after a real drop (at least
// STORM_MIN_SESSIONS, to half the peak or less), after a real rise that has settled, never for
// small swings, and at most once per RELEASE_GAP_MS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RELEASE_GAP_MS, STORM_MIN_SESSIONS, initialStormWatch, observeLive, type StormWatch } from '../../../src/proxy/storm-watch.js';

/** One sample per second. */
function run(samples: number[], stepMs = 1000): boolean[] {
  let w: StormWatch = initialStormWatch;
  return samples.map((n, i) => {
    const r = observeLive(w, n, i * stepMs);
    w = r.watch;
    return r.release;
  });
}

test('connections that open and stay: one release once the count has settled', () => {
  assert.deepEqual(run([0, 4000, 9500, 9600, 9600, 9600]), [false, false, false, true, false, false]);
});

test('a storm that closes: a release when the count has halved, another when it is gone', () => {
  // settled at 9,500 (t=3 s), halved at t=9 s, gone at t=15 s
  const s = [0, 5000, 9500, 9500, 9500, 9500, 9500, 9500, 7000, 4000, 4000, 3000, 2000, 1000, 500, 0];
  const r = run(s);
  assert.deepEqual(
    r.map((x, i) => (x ? i : -1)).filter((i) => i >= 0),
    [3, 9, 14],
  );
});

test('small swings never release: fewer than STORM_MIN_SESSIONS, or not down to half the peak', () => {
  assert.deepEqual(run([0, STORM_MIN_SESSIONS - 1, STORM_MIN_SESSIONS - 1, 0, 0]), [false, false, false, false, false]);
  assert.deepEqual(run([0, 5000, 3000, 2600, 3000]), [false, false, false, false, false]); // never still within 5%, never halved
});

test('a load swinging by thousands every second releases at most once per gap', () => {
  const swings = Array.from({ length: 30 }, (_, i) => (i % 2 ? 6000 : 2000));
  const n = run(swings).filter(Boolean).length;
  assert.ok(n <= Math.ceil((30 * 1000) / RELEASE_GAP_MS), `${n} releases in 30 s`);
  assert.ok(n >= 1);
});
