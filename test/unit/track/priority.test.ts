import { test } from 'node:test';
import assert from 'node:assert/strict';
import { effectivePriority, itemContribution } from '../../../src/track/priority.js';
import type { TrackedItem } from '../../../src/track/types.js';

const script = (name: string, weight: number, status: 'unknown' | 'ok' | 'failed', reverse = false): TrackedItem => ({ kind: 'script', name, weight, reverse, status });
const iface = (name: string, weight: number, up: boolean, reverse = false): TrackedItem => ({ kind: 'interface', name, weight, reverse, status: up ? 'ok' : 'failed' });
const file = (name: string, weight: number, value: number, reverse = false): TrackedItem => ({ kind: 'file', name, weight, reverse, value });

test('negative weight subtracts while failing, positive adds while succeeding', () => {
  assert.equal(effectivePriority(101, [script('api', -2, 'ok')]).priority, 101);
  assert.equal(effectivePriority(101, [script('api', -2, 'failed')]).priority, 99);
  assert.equal(effectivePriority(100, [script('a', 20, 'ok'), script('b', 5, 'failed'), script('c', 50, 'ok')]).priority, 170);
  assert.equal(effectivePriority(100, [script('a', 20, 'failed'), script('b', 5, 'failed'), script('c', 50, 'failed')]).priority, 100);
});

test('reverse flips the direction', () => {
  assert.equal(itemContribution(script('s', 10, 'ok', true)), -10);
  assert.equal(itemContribution(script('s', 10, 'failed', true)), 0);
  assert.equal(itemContribution(script('s', -10, 'failed', true)), 10);
  assert.equal(itemContribution(iface('eth1', -20, false, true)), 20);
});

test('weight 0 failing means FAULT; reverse means FAULT while OK; unknown weight-0 scripts are pending', () => {
  const v = effectivePriority(100, [script('must', 0, 'failed'), iface('eth1', 0, true)]);
  assert.deepEqual([v.fault, v.faults], [true, ['script:must']]);
  assert.equal(effectivePriority(100, [script('must', 0, 'ok', true)]).fault, true);
  assert.equal(effectivePriority(100, [iface('eth0', 0, false)]).fault, true);
  const p = effectivePriority(100, [script('must', 0, 'unknown'), script('w', 5, 'unknown')]);
  assert.deepEqual([p.fault, p.pending, p.priority], [false, ['script:must'], 100]);
});

test('clamped to 1..254; owner 255 unchanged', () => {
  assert.equal(effectivePriority(250, [script('a', 50, 'ok')]).priority, 254);
  assert.equal(effectivePriority(5, [script('a', -50, 'failed')]).priority, 1);
  assert.equal(effectivePriority(255, [script('a', -50, 'failed')]).priority, 255);
  assert.equal(effectivePriority(255, [script('a', 0, 'failed')]).fault, true);
});

test('track files: value x weight, clamp 253, below -253 FAULT, weight 0 non-zero FAULT', () => {
  assert.equal(effectivePriority(100, [file('f', 1, 0)]).priority, 100);
  assert.equal(effectivePriority(100, [file('f', 1, -30)]).priority, 70);
  assert.equal(effectivePriority(100, [file('f', -10, 3)]).priority, 70);
  assert.equal(effectivePriority(100, [file('f', 10, 3, true)]).priority, 70);
  assert.equal(itemContribution(file('f', 100, 3)), 253);
  assert.equal(effectivePriority(100, [file('f', 1, -254)]).fault, true);
  assert.equal(effectivePriority(100, [file('f', 0, 1)]).fault, true);
  assert.equal(effectivePriority(100, [file('f', 0, 0)]).fault, false);
  assert.equal(effectivePriority(100, [file('f', 0, 0, true)]).fault, true);
});
