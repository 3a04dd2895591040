import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCpuLine, parseCpuTicks, parseRssKb, rssKb, cpuSeconds } from '../../../../bench/lb/proc-stats.js';

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

test('one CPU line of /proc/stat: busy is everything but idle and iowait; guest time is not counted twice', () => {
  const stat = 'cpu  10 0 10 100 5 0 0 0 0 0\ncpu0 1 2 3 40 5 6 7 8 9 10\ncpu1 100 0 50 800 50 0 0 0 0 0\nintr 1 2\n';
  assert.deepEqual(parseCpuLine(stat, 0), { busy: 1 + 2 + 3 + 6 + 7 + 8, total: 1 + 2 + 3 + 40 + 5 + 6 + 7 + 8 });
  assert.deepEqual(parseCpuLine(stat, 1), { busy: 150, total: 1000 });
  assert.throws(() => parseCpuLine(stat, 2), /cpu2/);
});

test('reads this process', { skip: process.platform !== 'linux' && 'needs /proc' }, () => {
  assert.ok(rssKb(process.pid) > 1000);
  assert.ok(cpuSeconds(process.pid) >= 0);
});
