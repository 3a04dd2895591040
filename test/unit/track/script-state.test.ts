// Transcripts of the vrrp_script rise/fall core against keepalived 2.2.7's counting
// (vrrp_scheduler.c vrrp_script_child_thread), with a manual clock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../src/util/clock.js';
import { initialScriptState, scriptResult, scriptTick, scriptTimeout, type ScriptSpec, type ScriptState } from '../../../src/track/script-state.js';

/** Feed "+" (exit 0) / "-" (failure) results; returns the change markers, e.g. ". . F . O". */
function transcript(spec: ScriptSpec, results: string): string {
  let s: ScriptState = initialScriptState(spec, 0);
  const out: string[] = [];
  for (const r of results.split(' ')) {
    const d = scriptResult(spec, { ...s, running: true }, r === '+');
    s = d.state;
    out.push(d.change === 'ok' ? 'O' : d.change === 'failed' ? 'F' : '.');
  }
  return out.join(' ');
}

test('Kubernetes API check: fall 5 rise 2 — first result decides, then 5 failures to fail and 2 successes to recover', () => {
  const spec = { interval: 3000, rise: 2, fall: 5 };
  assert.equal(transcript(spec, '+ + - - - - - - + +'), 'O . . . . . F . . O');
  // A single success in a run of failures does not reset the fall count upward past rise.
  assert.equal(transcript(spec, '+ - - - - + - - - - -'), 'O . . . . . . . . . F');
  // First result failing is reported at once even though fall is 5.
  assert.equal(transcript(spec, '- + + -'), 'F . O .');
});

test('rise 1 fall 1 flips on every change and only on changes', () => {
  assert.equal(transcript({ interval: 1000, rise: 1, fall: 1 }, '+ + - - + -'), 'O . F . O F');
});

test('init_fail starts failed and needs rise successes', () => {
  const spec = { interval: 1000, rise: 3, fall: 2, initFail: true };
  assert.equal(initialScriptState(spec, 0).status, 'failed');
  assert.equal(transcript(spec, '+ + + - -'), '. . O . F');
});

test('status follows the counter', () => {
  const spec = { interval: 1000, rise: 2, fall: 2 };
  let s = initialScriptState(spec, 0);
  assert.equal(s.status, 'unknown');
  s = scriptResult(spec, s, true).state;
  assert.equal(s.status, 'ok');
  s = scriptResult(spec, s, false).state;
  assert.equal(s.status, 'ok');
  s = scriptResult(spec, s, false).state;
  assert.equal(s.status, 'failed');
  s = scriptResult(spec, s, true).state;
  assert.equal(s.status, 'failed');
});

test('schedule: first run at once, then every interval from the due time; overlapping runs are skipped', () => {
  const clock = new ManualClock(1000);
  const spec = { interval: 3000, rise: 1, fall: 1 };
  let s = initialScriptState(spec, clock.now());
  let d = scriptTick(spec, s, clock.now());
  assert.equal(d.run, true);
  assert.equal(d.state.nextRunAt, 4000);
  s = d.state;
  // Not due yet.
  assert.equal(scriptTick(spec, s, clock.advance(2999)).run, false);
  // Due while the first run is still going: skipped, cadence kept.
  d = scriptTick(spec, s, clock.advance(1));
  assert.deepEqual([d.run, d.state.skipped, d.state.nextRunAt], [false, 1, 7000]);
  s = scriptResult(spec, d.state, true).state;
  // Timer fires 200 ms late: runs, next due stays on the 3 s grid.
  clock.set(7200);
  d = scriptTick(spec, s, clock.now());
  assert.deepEqual([d.run, d.state.nextRunAt], [true, 10000]);
  // More than one interval late: the cadence restarts from now.
  s = scriptResult(spec, d.state, true).state;
  d = scriptTick(spec, s, 20000);
  assert.deepEqual([d.run, d.state.nextRunAt], [true, 23000]);
});

test('timeout defaults to the interval', () => {
  assert.equal(scriptTimeout({ interval: 3000, rise: 1, fall: 1 }), 3000);
  assert.equal(scriptTimeout({ interval: 3000, timeout: 10000, rise: 1, fall: 1 }), 10000);
});
