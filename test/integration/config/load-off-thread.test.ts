// loadConfigOffThread: the worker's result is the same frozen model loadConfig gives on the main
// thread, and a worker that overruns its deadline fails the load with a diagnostic instead of
// hanging the caller.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../../src/config/load.js';
import { loadConfigOffThread } from '../../../src/config/load-off-thread.js';

const example = (name: string): string => fileURLToPath(new URL(`../../../../examples/${name}`, import.meta.url));

test('off-thread load returns the same model as loadConfig, deep-frozen', async () => {
  const sources = { haproxy: example('haproxy-ingress.cfg') };
  const here = loadConfig(sources);
  const there = await loadConfigOffThread(sources);
  assert.ok(there.config, JSON.stringify(there.diagnostics));
  assert.deepEqual(there.config, here.config);
  assert.deepEqual(there.diagnostics, here.diagnostics);
  assert.ok(Object.isFrozen(there.config.backends[0]!.servers[0]));
});

test('off-thread load reports errors with file:line like loadConfig', async () => {
  const r = await loadConfigOffThread({ keepalived: '/dev/zero' });
  assert.equal(r.config, undefined);
  assert.match(r.diagnostics[0]!.message, /not a regular file \(it is a character device\)/);
});

test('a load that overruns its deadline is abandoned with a diagnostic', async () => {
  const t0 = performance.now();
  const r = await loadConfigOffThread({ haproxy: example('haproxy-ingress.cfg') }, { timeoutMs: 1 });
  assert.equal(r.config, undefined);
  assert.match(r.diagnostics[0]!.message, /took more than 0\.001 s; reload abandoned/);
  assert.ok(performance.now() - t0 < 5000);
});
