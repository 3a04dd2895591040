import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prerequisiteMessage } from '../../../src/lab/demo.js';
import { SKIP_REASON } from '../../../src/lab/root.js';

test('halb lab without root says to use sudo, and points at the demo that needs none', () => {
  assert.match(prerequisiteMessage(`${SKIP_REASON} (not root)`), /needs root .*sudo.*npx halb demo/);
});

test('halb lab without the ip command says which package to install', () => {
  assert.match(prerequisiteMessage(`${SKIP_REASON} (ip netns list: spawn ip ENOENT)`), /needs the `ip` command .*iproute2/);
});

test('any other ip netns failure is shown as it is', () => {
  assert.equal(prerequisiteMessage(`${SKIP_REASON} (ip netns list: mount failed)`), 'halb lab needs root and a working `ip netns` (ip netns list: mount failed)');
});
