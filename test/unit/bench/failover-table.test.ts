import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatFailoverTable, type FailoverBenchResult } from '../../../bench/failover.js';

const settings = { intervalMs: 10, timeoutMs: 500, repeat: 1, cpuInstances: 50, cpuWindowMs: 10_000 };
const run = (outageMs: number, failed: number) => ({ outageMs, failed, runs: [{ outageMs, failed, attempts: 100 }] });

test('halb column says "n/a (not built yet)" when halb run --keepalived is missing, no ratio invented', () => {
  const r: FailoverBenchResult = {
    settings,
    software: {
      keepalived: {
        availability: { available: true, detail: 'keepalived 2.2.7' },
        cases: { 'death-v2-1s': run(3600, 360), 'death-v3-100ms': run(350, 35), 'sigterm-v2-1s': run(640, 61), 'sigterm-v3-100ms': run(85, 6) },
        cpu: { percentOfCore: 0.3, windowMs: 10_000 },
      },
      halb: { availability: { available: false, detail: 'halb run has no --keepalived option yet (VRRP runtime not built)' }, cases: {} },
    },
  };
  const t = formatFailoverTable(r);
  assert.match(t, /\| host death, advert 1 s \(v2\) +\| 3\.60 s, 360 failed +\| n\/a \(not built yet\) +\| n\/a +\|/);
  assert.match(t, /\| SIGTERM, advert 0\.1 s \(v3\) +\| 85 ms, 6 failed /);
  assert.match(t, /idle backup CPU, 50 instances @ 0\.1 s \| 0\.30 % of a core/);
  assert.doesNotMatch(t, /×/);
});

test('ratios when both ran; a run that never recovered is shown as such', () => {
  const k = { availability: { available: true, detail: 'keepalived 2.2.7' }, cases: { 'death-v2-1s': run(3600, 360), 'sigterm-v2-1s': run(640, 61) }, cpu: { percentOfCore: 0.5 } };
  const h = {
    availability: { available: true, detail: 'halb run --keepalived' },
    cases: { 'death-v2-1s': run(1800, 180), 'sigterm-v2-1s': { failed: 3, runs: [{ failed: 3, attempts: 50 }] } },
    cpu: { percentOfCore: 1 },
  };
  const t = formatFailoverTable({ settings, software: { keepalived: k, halb: h } });
  assert.match(t, /3\.60 s, 360 failed +\| 1\.80 s, 180 failed +\| 0\.50× /);
  assert.match(t, /no recovery, 3 failed/);
  assert.match(t, /0\.50 % of a core +\| 1\.00 % of a core +\| 2\.00×/);
});
