import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrMatcher, plainAddress } from '../../../src/proxy/cidr.js';

test('forwardfor except: IPv4, IPv4-mapped IPv6, IPv6 and single addresses', () => {
  const m = cidrMatcher('10.0.0.0/8');
  assert.equal(m('10.1.2.3'), true);
  assert.equal(m('::ffff:10.1.2.3'), true);
  assert.equal(m('11.0.0.1'), false);
  assert.equal(m('fe80::1'), false);
  assert.equal(m('not an ip'), false);
  assert.equal(cidrMatcher('fd00::/8')('fd12::1'), true);
  assert.equal(cidrMatcher('127.0.0.1')('127.0.0.1'), true);
  assert.equal(cidrMatcher('127.0.0.1')('127.0.0.2'), false);
});

test('plainAddress shows IPv4-mapped addresses as IPv4', () => {
  assert.equal(plainAddress('::ffff:127.0.0.1'), '127.0.0.1');
  assert.equal(plainAddress('::1'), '::1');
  assert.equal(plainAddress(undefined), '');
});
