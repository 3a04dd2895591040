import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCpuTicks, parseRssKb, rssKb, cpuSeconds } from '../../../../bench/lb/proc-stats.js';

test('VmRSS is read from /proc/PID/status', () => {
  assert.equal(parseRssKb('Name:\thaproxy\nVmPeak:\t  90000 kB\nVmRSS:\t   47104 kB\nRssAnon:\t 1 kB\n'), 47104);
  assert.throws(() => parseRssKb('Name:\tx\n'), /VmRSS/);
});

test('utime+stime are fields 14 and 15, also when comm contains spaces and parentheses', () => {
  const fields = Array.from({ length: 50 }, (_, i) => String(i + 3)); // field 3 onwards
  fields[14 - 3] = '250';
  fields[15 - 3] = '70';
  assert.equal(parseCpuTicks(`1234 (node (a) b) ${fields.join(' ')}`), 320);
});

test('reads this process', { skip: process.platform !== 'linux' && 'needs /proc' }, () => {
  assert.ok(rssKb(process.pid) > 1000);
  assert.ok(cpuSeconds(process.pid) >= 0);
});
