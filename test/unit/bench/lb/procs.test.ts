import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Procs, wrapCommand } from '../../../../bench/lb/procs.js';

test('placement wraps with prlimit then taskset, both exec the program (same pid)', () => {
  assert.deepEqual(wrapCommand('haproxy', ['-db'], {}), ['haproxy', ['-db']]);
  assert.deepEqual(wrapCommand('haproxy', ['-db'], { cpu: 0, nofile: 20000 }), ['prlimit', ['--nofile=20000:20000', 'taskset', '-c', '0', 'haproxy', '-db']]);
});

test('stopAll ends every child, waitForLine sees past and future lines', async (t) => {
  const procs = new Procs();
  t.after(() => procs.stopAll());
  const a = procs.spawn('a', process.execPath, ['-e', 'console.log("ready 1"); setInterval(() => {}, 1000)']);
  assert.equal(await a.waitForLine(/ready (\d)/, 10_000), 'ready 1');
  assert.equal(await a.waitForLine(/ready/, 1000), 'ready 1');
  await assert.rejects(a.waitForLine(/never/, 100), /no line matching/);
  await procs.stopAll();
  assert.equal(a.hasExited(), true);
});
