import { test } from 'node:test';
import assert from 'node:assert/strict';
import { settings } from '../../../../bench/lb/settings.js';

test('idle connections: 10,000, capped so both fds of each tcp connection fit the hard fd limit', () => {
  assert.equal(settings(false, 1 << 20).idleConns, 10_000);
  assert.equal(settings(false, 20_000).idleConns, 9872);
  assert.ok(2 * settings(false, 20_000).idleConns + 256 <= 20_000);
});

test('the full run keeps the issue-2 server-kill load: 12,000 requests at 2,000/s', () => {
  const s = settings(false, 1 << 20);
  assert.equal(s.foTotal, 12_000);
  assert.equal(s.foTotal / s.foRate, 6);
  assert.ok(settings(true, 1 << 20).wrkSeconds < s.wrkSeconds);
});
