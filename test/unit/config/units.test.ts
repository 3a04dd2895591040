import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration, parseDuration } from '../../../src/config/units.js';
import { parseBindAddress, splitHostPort } from '../../../src/config/address.js';

test('HAProxy time units: no unit is ms; us ms s m h d', () => {
  const cases: [string, number][] = [
    ['2000', 2000],
    ['100us', 0.1],
    ['500ms', 500],
    ['2s', 2000],
    ['3m', 180_000],
    ['1h', 3_600_000],
    ['1d', 86_400_000],
    ['0', 0],
  ];
  for (const [t, ms] of cases) assert.deepEqual(parseDuration(t), { ok: true, value: ms }, t);
});

test('bad durations are refused with a reason', () => {
  for (const t of ['', '2x', '-1s', '1.5s', 's', '30d']) assert.equal(parseDuration(t).ok, false, t);
  assert.deepEqual(parseDuration('1.5s', { allowDecimal: true }), { ok: true, value: 1500 });
});

test('formatDuration is exact and shortest', () => {
  assert.equal(formatDuration(2000), '2s');
  assert.equal(formatDuration(1500), '1500ms');
  assert.equal(formatDuration(60_000), '1m');
  assert.equal(formatDuration(0), '0ms');
  assert.equal(formatDuration(0.5), '500us');
  for (const ms of [0, 1, 999, 1000, 90_000, 3_600_000, 0.1]) assert.deepEqual(parseDuration(formatDuration(ms)), { ok: true, value: ms });
});

test('bind addresses: * and empty are 0.0.0.0, IPv6 with or without brackets', () => {
  assert.deepEqual(parseBindAddress('*:80'), { ok: true, value: { address: '0.0.0.0', port: 80 } });
  assert.deepEqual(parseBindAddress(':8080'), { ok: true, value: { address: '0.0.0.0', port: 8080 } });
  assert.deepEqual(parseBindAddress(':::443'), { ok: true, value: { address: '::', port: 443 } });
  assert.deepEqual(parseBindAddress('[::1]:443'), { ok: true, value: { address: '::1', port: 443 } });
  assert.deepEqual(parseBindAddress('ipv4@10.0.0.1:6443'), { ok: true, value: { address: '10.0.0.1', port: 6443 } });
  assert.equal(parseBindAddress('10.0.0.1').ok, false);
  assert.equal(parseBindAddress('10.0.0.1:0').ok, false);
  assert.equal(parseBindAddress('10.0.0.1:70000').ok, false);
  assert.equal(parseBindAddress('unix@/run/x.sock').ok, false);
  assert.equal(parseBindAddress('example.com:80').ok, false);
  assert.match((parseBindAddress(':80-90') as { reason: string }).reason, /port ranges/);
});

test('host:port splitting keeps host names', () => {
  assert.deepEqual(splitHostPort('api.example.com:6443', { portRequired: true }), { ok: true, value: { host: 'api.example.com', port: 6443 } });
  assert.deepEqual(splitHostPort('10.0.0.1', { portRequired: false }), { ok: true, value: { host: '10.0.0.1' } });
  assert.deepEqual(splitHostPort('fe80::abcd', { portRequired: false }), { ok: true, value: { host: 'fe80::abcd' } });
});
