// The environment switches are read in one place (src/cli/switches.ts) with these meanings.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readSwitches } from '../../../src/cli/switches.js';

test('an empty environment: everything on, no inspector as root, dumps in /tmp', () => {
  assert.deepEqual(readSwitches({}), { warmup: true, handoverForward: true, allowInspector: false, dumpDir: '/tmp' });
});

test('only the documented values switch: =0 turns off, HALB_ALLOW_INSPECTOR needs =1', () => {
  assert.deepEqual(readSwitches({ HALB_WARMUP: '0', HALB_HANDOVER_FORWARD: '0', HALB_ALLOW_INSPECTOR: '1', TMPDIR: '/run/x' }), {
    warmup: false,
    handoverForward: false,
    allowInspector: true,
    dumpDir: '/run/x',
  });
  const other = readSwitches({ HALB_WARMUP: 'no', HALB_HANDOVER_FORWARD: '', HALB_ALLOW_INSPECTOR: 'yes', TMPDIR: '' });
  assert.deepEqual(other, { warmup: true, handoverForward: true, allowInspector: false, dumpDir: '/tmp' });
});
