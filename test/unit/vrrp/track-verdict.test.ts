// The state machine's effective priority comes from track/priority.ts (one rule): keepalived's
// reverse flips the sign of a weighted item's adjustment (vrrp_track.c weight_multiplier), and
// an item that has not reported yet counts as OK.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { machineConfig } from '../../../src/vrrp/machine-config.js';
import { trackVerdict } from '../../../src/vrrp/machine.js';
import { instance } from '../../helpers/vrrp-instance.js';

const cfg = machineConfig(
  instance({
    trackScripts: [
      { name: 'up', weight: 10, reverse: true },
      { name: 'down', weight: -20, reverse: true },
    ],
    trackFiles: [{ name: 'f' }],
  }),
  { primaryAddress: '10.0.0.1', trackFiles: [{ name: 'f', path: '/run/f', weight: -5, pos: { file: 'x', line: 1, col: 1 } }] },
);

test('unreported items count as OK (scripts) and 0 (files)', () => {
  assert.equal(trackVerdict(cfg, {}).priority, 90);
});

test('reverse flips the sign of the adjustment, as keepalived', () => {
  assert.equal(trackVerdict(cfg, { 'script:up': { ok: false }, 'script:down': { ok: true } }).priority, 100);
  assert.equal(trackVerdict(cfg, { 'script:up': { ok: false }, 'script:down': { ok: false } }).priority, 120);
});

test('a file reading adds value x weight', () => {
  assert.equal(trackVerdict(cfg, { 'script:up': { ok: false }, 'script:down': { ok: true }, 'file:f': { value: 4 } }).priority, 80);
  assert.equal(trackVerdict(cfg, { 'file:f': { value: 60 } }).fault, true);
});
