// Re-resolution decisions: keep a still-listed address, take the first otherwise,
// and only lose an address after `hold <status>` without any valid answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { onDnsAnswer, pickAddress, resolvePeriod, type DnsTrack } from '../../../src/dns/resolution.js';

const hold = { valid: 1000, nx: 3000, other: 5000, refused: 4000, timeout: 2000 };

test('valid answers: keep current if still present, else first; stamp lastValidAt', () => {
  assert.equal(pickAddress('10.0.0.2', ['10.0.0.1', '10.0.0.2']), '10.0.0.2');
  assert.equal(pickAddress('10.0.0.9', ['10.0.0.1', '10.0.0.2']), '10.0.0.1');
  const t: DnsTrack = { address: '10.0.0.2', lastValidAt: 0 };
  const same = onDnsAnswer(t, { status: 'valid', addresses: ['10.0.0.1', '10.0.0.2'] }, hold, 500);
  assert.equal(same.change, undefined);
  assert.equal(same.track.lastValidAt, 500);
  const moved = onDnsAnswer(t, { status: 'valid', addresses: ['10.0.0.3'] }, hold, 600);
  assert.deepEqual(moved.change, { address: '10.0.0.3', reason: 'DNS: resolved to 10.0.0.3' });
  const first = onDnsAnswer({ address: undefined, lastValidAt: undefined }, { status: 'valid', addresses: ['::1'] }, hold, 1);
  assert.equal(first.change?.address, '::1');
});

test('NX keeps the address within hold nx, drops it after', () => {
  let t: DnsTrack = { address: '10.0.0.1', lastValidAt: 1000 };
  const nx = { status: 'nx' as const, addresses: [] };
  let d = onDnsAnswer(t, nx, hold, 3999);
  assert.equal(d.change, undefined);
  assert.equal(d.track.address, '10.0.0.1');
  t = d.track;
  d = onDnsAnswer(t, nx, hold, 4000);
  assert.deepEqual(d.change, { address: undefined, reason: 'DNS: NX domain' });
  // Once gone, further failures change nothing.
  assert.equal(onDnsAnswer(d.track, nx, hold, 9000).change, undefined);
});

test('each failure status uses its own hold', () => {
  const t: DnsTrack = { address: '10.0.0.1', lastValidAt: 0 };
  assert.equal(onDnsAnswer(t, { status: 'timeout', addresses: [] }, hold, 2000).change?.reason, 'DNS: no answer (timeout)');
  assert.equal(onDnsAnswer(t, { status: 'refused', addresses: [] }, hold, 3999).change, undefined);
  assert.equal(onDnsAnswer(t, { status: 'refused', addresses: [] }, hold, 4000).change?.reason, 'DNS: query refused');
  assert.equal(onDnsAnswer(t, { status: 'other', addresses: [] }, hold, 4999).change, undefined);
  // A "valid" answer with no address counts as other.
  assert.equal(onDnsAnswer(t, { status: 'valid', addresses: [] }, hold, 5000).change?.reason, 'DNS: unspecified DNS error');
});

test('resolve period is hold valid, at least 100 ms', () => {
  const sec = { name: 'r', nameservers: [], resolveRetries: 3, timeoutRetry: 1000, hold };
  assert.equal(resolvePeriod(sec), 1000);
  assert.equal(resolvePeriod({ ...sec, hold: { ...hold, valid: 0 } }), 100);
});
