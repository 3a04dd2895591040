// Every packet a runtime receives is accounted for exactly once in its counters: accepted,
// other VRID, or one rejection reason — also under a stream of random and mutated packets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { VrrpRuntime, createVrrpRuntime } from '../../../src/vrrp/runtime.js';
import { emptyVrrpConfig } from '../../../src/config/model-vrrp.js';
import { MemoryVipManager } from '../../../src/vip/memory.js';
import { ManualClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/log/logger.js';
import type { ReceivedVrrp, VrrpTransport } from '../../../src/vrrp/transport.js';
import { instance } from '../../helpers/vrrp-instance.js';
import { loadFixture, unhex } from '../../helpers/vrrp-fixtures.js';

class CaptureTransport implements VrrpTransport {
  readonly family = 4 as const;
  readonly localAddress = '10.99.0.2';
  listener: ((p: ReceivedVrrp) => void) | undefined;
  sent: Array<{ payload: Uint8Array; dest: string | undefined }> = [];
  send(payload: Uint8Array, dest?: string): void {
    this.sent.push({ payload, dest });
  }
  onPacket(l: (p: ReceivedVrrp) => void): void {
    this.listener = l;
  }
  close(): void {
    this.listener = undefined;
  }
}

test('runtime counts every received packet exactly once', (t) => {
  const transport = new CaptureTransport();
  const clock = new ManualClock(1000);
  const rt = new VrrpRuntime(
    { instances: [instance({ version: 3, vrid: 52, advertInt: 500, vips: ['10.99.0.110', '10.99.0.111', '10.99.0.112'] })] },
    { clock, logger: silentLogger(), vips: new MemoryVipManager(), transportFor: () => transport },
  );
  t.after(() => rt.halt());
  rt.start();
  const seed = loadFixture('v3-ipv4').packets[0]!;
  const valid = unhex(seed.payload);
  let n = 0;
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ maxLength: 64 }),
        fc.tuple(fc.nat(valid.length * 8 - 1), fc.boolean()).map(([bit, flip]) => {
          const b = valid.slice();
          if (flip) b[bit >> 3]! ^= 1 << (bit & 7);
          return b;
        }),
      ),
      fc.constantFrom(255, 255, 64),
      (payload, ttl) => {
        transport.listener!({ src: seed.src, dst: seed.dst, ttl, payload });
        n++;
      },
    ),
    { seed: 42, numRuns: 3000 },
  );
  const c = rt.counters().VI_1!;
  const rejected = Object.values(c.rxRejected).reduce((a, b) => a + b, 0);
  assert.equal(c.rxAccepted + c.rxOtherVrid + rejected, n);
  assert.ok(c.rxAccepted > 0, 'unmodified copies were accepted');
  assert.ok(c.rxRejected['bad-checksum'] > 0 && c.rxRejected.ttl > 0 && c.rxRejected.short > 0);
});

test('a whole VrrpConfig can be handed to the runtime factory', (t) => {
  const cfg = emptyVrrpConfig();
  const transport = new CaptureTransport();
  const rt = createVrrpRuntime(
    { ...cfg, instances: [instance({ name: 'A', vrid: 1 }), instance({ name: 'B', vrid: 2 })], syncGroups: [{ name: 'G', members: ['A', 'B'], notify: {} }] },
    { clock: new ManualClock(0), logger: silentLogger(), vips: new MemoryVipManager(), transportFor: () => transport },
  );
  t.after(() => rt.halt());
  rt.start();
  assert.deepEqual(
    rt.status().map((s) => `${s.name}=${s.state}`),
    ['A=BACKUP', 'B=BACKUP'],
  );
});

test('halt() during a clean stop releases the waiting stop()', async (t) => {
  const transport = new CaptureTransport();
  const clock = new ManualClock(0);
  const rt = createVrrpRuntime({ instances: [instance({ name: 'A', vrid: 1, priority: 255 })] }, { clock, logger: silentLogger(), vips: new MemoryVipManager(), transportFor: () => transport });
  t.after(() => rt.halt());
  rt.start();
  assert.equal(rt.status()[0]!.state, 'MASTER');
  const stopping = rt.stop();
  assert.equal(rt.status()[0]!.state, 'STOPPING');
  await new Promise((r) => setImmediate(r)); // let the queued effects run
  const zero = transport.sent.filter((s) => s.payload[2] === 0);
  assert.equal(zero.length, 1, 'the priority-0 advert went out');
  rt.halt(); // nobody answers (no peer): without halt, stop() would wait for the hold deadline
  await stopping;
});
