// One compliance suite for every VrrpTransport implementation (conventions §5): the in-memory hub
// runs it in test/unit/vrrp/transport-memory.test.ts; the raw-socket transport can run the same
// suite from a scenario test with a factory that builds endpoints in network namespaces.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ReceivedVrrp, VrrpTransport } from '../../src/vrrp/transport.js';
import { eventually } from './eventually.js';

export interface TransportLab {
  /** Endpoints on one link, in the order of the addresses asked for. */
  readonly transports: readonly VrrpTransport[];
  cleanup(): Promise<void> | void;
}

export type TransportFactory = (addresses: readonly string[]) => Promise<TransportLab>;

function collector(t: VrrpTransport): ReceivedVrrp[] {
  const got: ReceivedVrrp[] = [];
  t.onPacket((p) => got.push(p));
  return got;
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function transportCompliance(name: string, make: TransportFactory, opts: { addresses: readonly [string, string, string]; group: string; waitMs?: number }): void {
  const wait = opts.waitMs ?? 1000;
  const payload = Uint8Array.from([0x31, 0x33, 0x64, 0x01, 0x00, 0x64, 0x00, 0x00, 10, 0, 0, 100]);

  test(`${name}: multicast reaches every other endpoint, intact, TTL 255, not looped back`, async (t) => {
    const lab = await make(opts.addresses);
    t.after(() => lab.cleanup());
    const [a, b, c] = lab.transports as [VrrpTransport, VrrpTransport, VrrpTransport];
    const [ga, gb, gc] = [collector(a), collector(b), collector(c)];
    a.send(payload);
    await eventually('b and c received', () => gb.length === 1 && gc.length === 1, wait);
    for (const p of [gb[0]!, gc[0]!]) {
      assert.equal(p.src, a.localAddress);
      assert.equal(p.dst, opts.group);
      assert.equal(p.ttl, 255);
      assert.deepEqual(Array.from(p.payload), Array.from(payload));
    }
    await settle(50);
    assert.equal(ga.length, 0, 'sender does not receive its own advert');
  });

  test(`${name}: unicast reaches only the destination`, async (t) => {
    const lab = await make(opts.addresses);
    t.after(() => lab.cleanup());
    const [a, b, c] = lab.transports as [VrrpTransport, VrrpTransport, VrrpTransport];
    const [gb, gc] = [collector(b), collector(c)];
    a.send(payload, b.localAddress);
    await eventually('b received', () => gb.length === 1, wait);
    assert.equal(gb[0]!.dst, b.localAddress);
    assert.equal(gb[0]!.src, a.localAddress);
    await settle(50);
    assert.equal(gc.length, 0);
  });

  test(`${name}: a closed endpoint receives nothing and sending from it does not throw`, async (t) => {
    const lab = await make(opts.addresses);
    t.after(() => lab.cleanup());
    const [a, b] = lab.transports as [VrrpTransport, VrrpTransport];
    const gb = collector(b);
    b.close();
    a.send(payload);
    await settle(100);
    assert.equal(gb.length, 0);
    a.close();
    a.send(payload);
  });
}
