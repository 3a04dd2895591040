import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labNames, nsName, switchNs, portName, parseLabNs, checkHostName, checkIfName, IFNAME_MAX } from '../../../src/lab/names.js';

const seq = (...xs: number[]) => {
  let i = 0;
  return () => xs[i++ % xs.length]!;
};

test('lab names carry prefix, pid and a random tag, and parse back', () => {
  const n = labNames('hlab', 4242, seq(0, 0.5, 0.99, 0.1));
  assert.equal(n.id, 'hlab-4242-as9d');
  assert.equal(nsName(n, 'n1'), 'hlab-4242-as9d-n1');
  assert.equal(switchNs(n), 'hlab-4242-as9d-sw');
  assert.deepEqual(parseLabNs('hlab-4242-as9d-n1', 'hlab'), { labId: 'hlab-4242-as9d', pid: 4242, member: 'n1' });
  assert.deepEqual(parseLabNs(switchNs(n), 'hlab')?.member, 'sw');
});

test('namespaces of other prefixes or shapes are not ours', () => {
  assert.equal(parseLabNs('hk-4242-as9d-n1', 'hlab'), undefined);
  assert.equal(parseLabNs('hlabx-4242-as9d-n1', 'hlab'), undefined);
  assert.equal(parseLabNs('hlab-4242-n1', 'hlab'), undefined);
  assert.equal(parseLabNs('hkA9927', 'hlab'), undefined);
  assert.equal(parseLabNs('hlab-abc-as9d-n1', 'hlab'), undefined);
});

test('two labs of one process get different ids', () => {
  const a = labNames('hlab', 1, seq(0.1, 0.2, 0.3, 0.4));
  const b = labNames('hlab', 1, seq(0.5, 0.6, 0.7, 0.8));
  assert.notEqual(a.id, b.id);
});

test('host and interface names are short enough for IFNAMSIZ', () => {
  assert.equal(portName('abcdefghij').length <= IFNAME_MAX, true);
  assert.throws(() => checkHostName('abcdefghijk'), /must match/);
  assert.throws(() => checkHostName('N1'), /must match/);
  assert.throws(() => checkHostName('1n'), /must match/);
  assert.throws(() => checkIfName('x'.repeat(16)), /longer than 15/);
  assert.throws(() => labNames('Bad', 1, Math.random), /prefix/);
});
