// Metrics are read from the monitor at scrape time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import { registerHealthMetrics } from '../../../src/health/metrics.js';
import type { ServerSnapshot } from '../../../src/health/monitor.js';

test('scrape reflects the monitor snapshot', async () => {
  let snap: ServerSnapshot[] = [
    {
      backend: 'be',
      server: 's',
      state: 'UP',
      backup: false,
      checked: true,
      health: 4,
      rise: 2,
      fall: 3,
      address: '127.0.0.1',
      reason: 'x',
      history: [],
      counters: { checks: 5, checkFailures: 1, transitions: 2, passiveFailures: 0, dnsQueries: 0, dnsFailures: 0 },
      lastCheck: { ok: true, status: 'L4OK', reason: 'Layer4 check passed', durationMs: 3 },
    },
  ];
  const reg = new Registry();
  registerHealthMetrics(reg, { snapshot: () => snap });
  let text = await reg.metrics();
  assert.match(text, /halb_health_checks_total\{backend="be",server="s"\} 5/);
  assert.match(text, /halb_health_check_failures_total\{backend="be",server="s"\} 1/);
  assert.match(text, /halb_server_state\{backend="be",server="s"\} 1/);
  assert.match(text, /halb_health_check_duration_seconds\{backend="be",server="s"\} 0.003/);
  snap = [{ ...snap[0]!, state: 'DOWN', counters: { ...snap[0]!.counters, checks: 7 } }];
  text = await reg.metrics();
  assert.match(text, /halb_health_checks_total\{backend="be",server="s"\} 7/);
  assert.match(text, /halb_server_state\{backend="be",server="s"\} 0/);
});
