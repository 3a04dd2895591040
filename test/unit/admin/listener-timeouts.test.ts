// The admin listener's timeouts follow HAProxy's fallbacks, and Node's deadline check runs often
// enough that none fires more than a tenth of it late.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { adminTimeouts } from '../../../src/admin/listener-timeouts.js';

test('defaults without any timeout line: 10 s head, 5 s keep-alive, no inactivity limit', () => {
  assert.deepEqual(adminTimeouts(undefined), { headersMs: 10_000, keepAliveMs: 5000, idleMs: 0, checkEveryMs: 500 });
  assert.deepEqual(adminTimeouts({}), adminTimeouts(undefined));
});

test('http-request falls back to client; http-keep-alive falls back to http-request', () => {
  assert.deepEqual(adminTimeouts({ client: 3000 }), { headersMs: 3000, keepAliveMs: 5000, idleMs: 3000, checkEveryMs: 300 });
  assert.deepEqual(adminTimeouts({ client: 30_000, httpRequest: 2000 }), { headersMs: 2000, keepAliveMs: 2000, idleMs: 30_000, checkEveryMs: 200 });
  assert.deepEqual(adminTimeouts({ httpRequest: 2000, httpKeepAlive: 800 }).keepAliveMs, 800);
});

test('the deadline check interval stays within 50 ms .. 1 s', () => {
  assert.equal(adminTimeouts({ httpRequest: 100 }).checkEveryMs, 50);
  assert.equal(adminTimeouts({ httpRequest: 60_000, httpKeepAlive: 60_000 }).checkEveryMs, 1000);
});
