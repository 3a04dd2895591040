import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseProcStat } from '../../../src/lab/cpu.js';

test('parses pgrp and utime+stime, also when the command name has spaces and parentheses', () => {
  const line = '1234 (keep (a) live) S 1 1200 1200 0 -1 4194560 100 0 0 0 17 5 0 0 20 0 1 0 100 1000 10';
  assert.deepEqual(parseProcStat(line), { pid: 1234, pgrp: 1200, ticks: 22 });
  assert.equal(parseProcStat('garbage'), undefined);
});
