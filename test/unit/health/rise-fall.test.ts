// Rise/fall core, driven by a manual clock and read as transcripts: each line is
// `t=<ms> <event> -> <state> health=<h>/<max> next=<deadline> [transition]`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  applyAddress,
  applyCheckResult,
  applyPassiveFailure,
  applyPassiveSuccess,
  checkInterval,
  checkTiming,
  firstCheckOffsets,
  initialState,
  maxHealth,
  nextDeadline,
  recheckNow,
  type HealthState,
  type RiseFallConfig,
  type Step,
} from '../../../src/health/rise-fall.js';
import { checkResult } from '../../../src/health/check-status.js';

const base: RiseFallConfig = { rise: 2, fall: 3, inter: 1000, check: true, disabled: false, errorLimit: 3 };

type Ev =
  | { t: number; ok: boolean; code?: number; dur?: number; startedAt?: number }
  | { t: number; passive: 'refused' | 'reset' | 'timeout' }
  | { t: number; passiveOk: true }
  | { t: number; address: boolean };

function line(t: number, ev: string, cfg: RiseFallConfig, st: Step | { state: HealthState }): string {
  const s = st.state;
  let out = `t=${t} ${ev} -> ${s.op} health=${s.health}/${maxHealth(cfg)} next=${s.nextCheckAt ?? '-'}`;
  if ('transition' in st && st.transition) {
    const tr = st.transition;
    out += ` [${tr.from}->${tr.to}: ${tr.reason}${tr.code !== undefined ? ` code ${tr.code}` : ''}]`;
  }
  return out;
}

function run(cfg: RiseFallConfig, events: Ev[], start = initialState(cfg, { now: 0, firstCheckDelay: 0, hasAddress: true })): string {
  let s = start;
  const out = [line(0, 'start', cfg, { state: s })];
  for (const e of events) {
    let step: Step;
    let label: string;
    if ('ok' in e) {
      const r = e.ok ? checkResult('L7OK', e.dur ?? 1, { code: e.code ?? 200 }) : checkResult('L7STS', e.dur ?? 1, { code: e.code ?? 500 });
      // By default the check started at its deadline.
      const startedAt = e.startedAt ?? s.nextCheckAt ?? e.t;
      step = applyCheckResult(cfg, s, r, startedAt, e.t);
      label = e.ok ? 'ok  ' : 'FAIL';
    } else if ('passive' in e) {
      step = applyPassiveFailure(cfg, s, e.passive, e.t);
      label = `passive ${e.passive} (errors ${step.state.passiveErrors})`;
    } else if ('passiveOk' in e) {
      step = { state: applyPassiveSuccess(s) };
      label = 'passive success';
    } else {
      step = applyAddress(cfg, s, e.address, e.address ? 'DNS: resolved' : 'DNS: NX domain', e.t);
      label = e.address ? 'address found' : 'address lost';
    }
    out.push(line(e.t, label, cfg, step));
    s = step.state;
  }
  return out.join('\n');
}

test('starts UP but goes DOWN at the first failure (HAProxy health = rise)', () => {
  assert.equal(run(base, [{ t: 0, ok: false }]), ['t=0 start -> UP health=2/4 next=0', 't=0 FAIL -> DOWN health=0/4 next=1000 [UP->DOWN: Layer7 wrong status code 500]'].join('\n'));
});

test('first success makes it fully UP; then fall=3 consecutive failures take it DOWN, with fastinter while going down', () => {
  const cfg = { ...base, fastinter: 200 };
  assert.equal(
    run(cfg, [
      { t: 0, ok: true }, // still transitional at start -> fastinter; success -> fully up -> inter
      { t: 1000, ok: false },
      { t: 1200, ok: false },
      { t: 1400, ok: false },
    ]),
    [
      't=0 start -> UP health=2/4 next=0',
      't=0 ok   -> UP health=4/4 next=1000',
      't=1000 FAIL -> UP health=3/4 next=1200',
      't=1200 FAIL -> UP health=2/4 next=1400',
      't=1400 FAIL -> DOWN health=0/4 next=2400 [UP->DOWN: Layer7 wrong status code 500]',
    ].join('\n'),
  );
});

test('one success while going down restores fully UP (failures must be consecutive)', () => {
  assert.equal(
    run(base, [
      { t: 0, ok: true },
      { t: 1000, ok: false },
      { t: 2000, ok: false },
      { t: 3000, ok: true },
      { t: 4000, ok: false },
      { t: 5000, ok: false },
    ]),
    [
      't=0 start -> UP health=2/4 next=0',
      't=0 ok   -> UP health=4/4 next=1000',
      't=1000 FAIL -> UP health=3/4 next=2000',
      't=2000 FAIL -> UP health=2/4 next=3000',
      't=3000 ok   -> UP health=4/4 next=4000',
      't=4000 FAIL -> UP health=3/4 next=5000',
      't=5000 FAIL -> UP health=2/4 next=6000',
    ].join('\n'),
  );
});

test('DOWN uses downinter; rise=2 consecutive successes bring it UP, at fastinter while rising', () => {
  const cfg = { ...base, fastinter: 300, downinter: 5000 };
  assert.equal(
    run(cfg, [
      { t: 0, ok: false },
      { t: 5000, ok: true },
      { t: 5300, ok: true },
    ]),
    [
      't=0 start -> UP health=2/4 next=0',
      't=0 FAIL -> DOWN health=0/4 next=5000 [UP->DOWN: Layer7 wrong status code 500]',
      't=5000 ok   -> DOWN health=1/4 next=5300',
      't=5300 ok   -> UP health=4/4 next=6300 [DOWN->UP: Layer7 check passed code 200]',
    ].join('\n'),
  );
});

test('one failure while rising resets to fully DOWN', () => {
  const cfg = { ...base, rise: 3 };
  assert.equal(
    run(cfg, [
      { t: 0, ok: false },
      { t: 1000, ok: true },
      { t: 2000, ok: true },
      { t: 3000, ok: false },
      { t: 4000, ok: true },
    ]),
    [
      't=0 start -> UP health=3/5 next=0',
      't=0 FAIL -> DOWN health=0/5 next=1000 [UP->DOWN: Layer7 wrong status code 500]',
      't=1000 ok   -> DOWN health=1/5 next=2000',
      't=2000 ok   -> DOWN health=2/5 next=3000',
      't=3000 FAIL -> DOWN health=0/5 next=4000',
      't=4000 ok   -> DOWN health=1/5 next=5000',
    ].join('\n'),
  );
});

test('rise=1 fall=1: every result flips the state', () => {
  const cfg = { ...base, rise: 1, fall: 1 };
  assert.equal(
    run(cfg, [
      { t: 0, ok: false },
      { t: 1000, ok: true },
      { t: 2000, ok: false },
    ]),
    [
      't=0 start -> UP health=1/1 next=0',
      't=0 FAIL -> DOWN health=0/1 next=1000 [UP->DOWN: Layer7 wrong status code 500]',
      't=1000 ok   -> UP health=1/1 next=2000 [DOWN->UP: Layer7 check passed code 200]',
      't=2000 FAIL -> DOWN health=0/1 next=3000 [UP->DOWN: Layer7 wrong status code 500]',
    ].join('\n'),
  );
});

test('a check that took its whole timeout is followed at once; missed slots are skipped, not bursted', () => {
  // started at 0, inter 1000, finished at 1000 (timeout = inter) -> next at 1000
  assert.equal(nextDeadline(0, 1000, 1000), 1000);
  // started at 0, finished at 2500 (stalled): next slot on the cadence is 3000
  assert.equal(nextDeadline(0, 1000, 2500), 3000);
  assert.equal(nextDeadline(0, 1000, 10), 1000);
  // hanging server, fall 3, inter 100, timeout = inter: DOWN at 3 × inter
  const cfg = { ...base, inter: 100 };
  assert.equal(
    run(
      cfg,
      [
        { t: 100, ok: false, startedAt: 0 },
        { t: 200, ok: false },
        { t: 300, ok: false },
      ],
      { ...initialState(cfg, { now: 0, firstCheckDelay: 0, hasAddress: true }), health: 4 },
    ),
    [
      't=0 start -> UP health=4/4 next=0',
      't=100 FAIL -> UP health=3/4 next=100',
      't=200 FAIL -> UP health=2/4 next=200',
      't=300 FAIL -> DOWN health=0/4 next=300 [UP->DOWN: Layer7 wrong status code 500]',
    ].join('\n'),
  );
});

test('passive: error-limit consecutive errors mark DOWN at once and pull the next check to fastinter', () => {
  const cfg = { ...base, fastinter: 100 };
  assert.equal(
    run(cfg, [
      { t: 0, ok: true },
      { t: 10, passive: 'refused' },
      { t: 11, passive: 'reset' },
      { t: 12, passiveOk: true },
      { t: 13, passive: 'refused' },
      { t: 14, passive: 'refused' },
      { t: 15, passive: 'refused' },
      { t: 16, passive: 'refused' },
      { t: 115, ok: true, startedAt: 115 },
      { t: 215, ok: true, startedAt: 215 },
    ]),
    [
      't=0 start -> UP health=2/4 next=0',
      't=0 ok   -> UP health=4/4 next=1000',
      't=10 passive refused (errors 1) -> UP health=4/4 next=1000',
      't=11 passive reset (errors 2) -> UP health=4/4 next=1000',
      't=12 passive success -> UP health=4/4 next=1000',
      't=13 passive refused (errors 1) -> UP health=4/4 next=1000',
      't=14 passive refused (errors 2) -> UP health=4/4 next=1000',
      't=15 passive refused (errors 0) -> DOWN health=0/4 next=115 [UP->DOWN: passive: connection refused]',
      't=16 passive refused (errors 0) -> DOWN health=0/4 next=115',
      't=115 ok   -> DOWN health=1/4 next=215',
      't=215 ok   -> UP health=4/4 next=1215 [DOWN->UP: Layer7 check passed code 200]',
    ].join('\n'),
  );
});

test('passive is ignored without active checks or with errorLimit 0 (HAProxy: observe needs check)', () => {
  const noCheck = { ...base, check: false };
  const s0 = initialState(noCheck, { now: 0, firstCheckDelay: 0, hasAddress: true });
  assert.equal(s0.op, 'UP');
  assert.equal(s0.nextCheckAt, undefined);
  let s = s0;
  for (let i = 0; i < 10; i++) s = applyPassiveFailure(noCheck, s, 'refused', i).state;
  assert.equal(s.op, 'UP');
  const off = { ...base, errorLimit: 0 };
  let s2 = initialState(off, { now: 0, firstCheckDelay: 0, hasAddress: true });
  for (let i = 0; i < 10; i++) s2 = applyPassiveFailure(off, s2, 'reset', i).state;
  assert.equal(s2.op, 'UP');
});

test('disabled servers are MAINT and ignore everything', () => {
  const cfg = { ...base, disabled: true };
  assert.equal(
    run(cfg, [
      { t: 0, ok: true },
      { t: 1, passive: 'refused' },
      { t: 2, address: false },
    ]),
    ['t=0 start -> MAINT health=0/4 next=-', 't=0 ok   -> MAINT health=0/4 next=-', 't=1 passive refused (errors 0) -> MAINT health=0/4 next=-', 't=2 address lost -> MAINT health=0/4 next=-'].join(
      '\n',
    ),
  );
});

test('address lost takes the server DOWN and pauses checks; found brings it UP-but-fragile with a check now', () => {
  assert.equal(
    run(base, [
      { t: 0, ok: true },
      { t: 500, address: false },
      { t: 700, ok: true, startedAt: 400 },
      { t: 900, address: true },
      { t: 900, ok: false, startedAt: 900 },
    ]),
    [
      't=0 start -> UP health=2/4 next=0',
      't=0 ok   -> UP health=4/4 next=1000',
      't=500 address lost -> DOWN health=0/4 next=- [UP->DOWN: DNS: NX domain]',
      't=700 ok   -> DOWN health=0/4 next=-',
      't=900 address found -> UP health=2/4 next=900 [DOWN->UP: DNS: resolved]',
      't=900 FAIL -> DOWN health=0/4 next=1900 [UP->DOWN: Layer7 wrong status code 500]',
    ].join('\n'),
  );
});

test('unresolved at start: DOWN with the DNS reason, no check; unchecked server comes UP when resolved', () => {
  const cfg = { ...base, check: false };
  const s = initialState(cfg, { now: 0, firstCheckDelay: 0, hasAddress: false, noAddressReason: 'DNS: resolving' });
  assert.deepEqual([s.op, s.reason, s.nextCheckAt], ['DOWN', 'DNS: resolving', undefined]);
  const up = applyAddress(cfg, s, true, 'DNS: resolved', 50);
  assert.equal(up.state.op, 'UP');
  assert.equal(up.state.nextCheckAt, undefined);
  assert.equal(up.transition?.to, 'UP');
  // Losing it again while already DOWN is no transition.
  const down = applyAddress(cfg, up.state, false, 'x', 60);
  const again = applyAddress(cfg, { ...down.state, hasAddress: true, op: 'DOWN' }, false, 'y', 70);
  assert.equal(again.transition, undefined);
});

test('recheckNow only for checked servers with an address', () => {
  const s = initialState(base, { now: 0, firstCheckDelay: 500, hasAddress: true });
  assert.equal(s.nextCheckAt, 500);
  assert.equal(recheckNow(base, s, 42).nextCheckAt, 42);
  const nc = { ...base, check: false };
  assert.equal(recheckNow(nc, initialState(nc, { now: 0, firstCheckDelay: 0, hasAddress: true }), 42).nextCheckAt, undefined);
});

test('interval table: inter when fully up, downinter when fully down, fastinter in between (defaults to inter)', () => {
  const cfg = { ...base, fastinter: 200, downinter: 5000 };
  assert.deepEqual(
    [0, 1, 2, 3, 4].map((h) => checkInterval(cfg, h)),
    [5000, 200, 200, 200, 1000],
  );
  assert.deepEqual(
    [0, 1, 4].map((h) => checkInterval(base, h)),
    [1000, 1000, 1000],
  );
});

test('check timeouts follow the manual: timeout check => connect min(connect, inter) + read timeout; else inter total', () => {
  assert.deepEqual(checkTiming(2000), { connectMs: 2000, totalMs: 2000 });
  assert.deepEqual(checkTiming(2000, 500, 5000), { connectMs: 2000, afterConnectMs: 500 });
  assert.deepEqual(checkTiming(2000, 500, 300), { connectMs: 300, afterConnectMs: 500 });
  assert.deepEqual(checkTiming(2000, 500), { connectMs: 2000, afterConnectMs: 500 });
});

test('first checks are spread over inter', () => {
  assert.deepEqual(firstCheckOffsets([1000, 1000, 1000, 1000]), [0, 250, 500, 750]);
  assert.deepEqual(firstCheckOffsets([100]), [0]);
  assert.deepEqual(firstCheckOffsets([]), []);
});
