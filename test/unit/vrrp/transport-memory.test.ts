// The in-memory hub passes the shared VrrpTransport compliance suite, plus its own controls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryHub } from '../../../src/vrrp/transport-memory.js';
import type { ReceivedVrrp } from '../../../src/vrrp/transport.js';
import { transportCompliance } from '../../helpers/vrrp-transport-compliance.js';

transportCompliance(
  'memory hub IPv4',
  async (addrs) => {
    const hub = new MemoryHub();
    return { transports: addrs.map((a) => hub.endpoint(a)), cleanup: () => hub.close() };
  },
  { addresses: ['10.0.0.1', '10.0.0.2', '10.0.0.3'], group: '224.0.0.18' },
);

transportCompliance(
  'memory hub IPv6',
  async (addrs) => {
    const hub = new MemoryHub();
    return { transports: addrs.map((a) => hub.endpoint(a)), cleanup: () => hub.close() };
  },
  { addresses: ['fe80::1', 'fe80::2', 'fe80::3'], group: 'ff02::12' },
);

test('memory hub: a cut link neither sends nor receives; families do not mix', async (t) => {
  const hub = new MemoryHub();
  t.after(() => hub.close());
  const a = hub.endpoint('10.0.0.1');
  const b = hub.endpoint('10.0.0.2');
  const c6 = hub.endpoint('fe80::3');
  const got: ReceivedVrrp[] = [];
  b.onPacket((p) => got.push(p));
  const got6: ReceivedVrrp[] = [];
  c6.onPacket((p) => got6.push(p));
  hub.setLink('10.0.0.2', false);
  a.send(new Uint8Array(8));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(got.length, 0);
  hub.setLink('10.0.0.2', true);
  a.send(new Uint8Array(8));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(got.length, 1);
  assert.equal(got6.length, 0);
  assert.equal(hub.log.length, 2, 'both sends left a (only b was cut off)');
  hub.setLink('10.0.0.1', false);
  a.send(new Uint8Array(8));
  assert.equal(hub.log.length, 2, 'a cut sender sends nothing');
});
