// Compliance suite for VipManager (conventions §5): the in-memory manager runs it in
// test/unit/vip/memory-compliance.test.ts, the Linux one inside a network namespace from
// test/scenario/vip/linux-compliance.test.ts. A subject says whether an address is on its
// interface (for Linux: what `ip addr` shows), so the suite asserts the effect, not the calls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { VirtualAddress } from '../../src/config/model-vrrp.js';
import type { VipManager } from '../../src/vip/types.js';

export interface VipSubject {
  readonly vips: VipManager;
  readonly ifname: string;
  /** Whether `address` is on the subject's interface now. */
  holds(address: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface VipSubjectOptions {
  /** Addresses an earlier run added and did not remove (it crashed). */
  readonly stale?: readonly string[];
}

export interface VipComplianceOptions {
  /**
   * Two IPv4 addresses of one /24 and one IPv6 address, free on the subject's interface. As on
   * a real host, the interface should have an address of its own in that /24: Linux removes
   * the secondary addresses of a subnet with its primary (unless promote_secondaries is set).
   */
  readonly v4: readonly [string, string];
  readonly v6: string;
}

export function vipManagerCompliance(name: string, create: (o: VipSubjectOptions) => Promise<VipSubject>, opts: VipComplianceOptions): void {
  const v4 = (address: string): VirtualAddress => ({ address, prefix: 24, family: 4 });
  const v6 = (address: string): VirtualAddress => ({ address, prefix: 64, family: 6 });
  const [a, b] = opts.v4;

  test(`${name}: add puts the address on the interface, remove takes it off, others stay`, async (t) => {
    const s = await create({});
    t.after(() => s.close());
    await s.vips.add(v4(a), s.ifname);
    await s.vips.add(v4(b), s.ifname);
    await s.vips.add(v6(opts.v6), s.ifname);
    assert.deepEqual([await s.holds(a), await s.holds(b), await s.holds(opts.v6)], [true, true, true]);
    await s.vips.remove(v4(a), s.ifname);
    await s.vips.remove(v6(opts.v6), s.ifname);
    assert.deepEqual([await s.holds(a), await s.holds(b), await s.holds(opts.v6)], [false, true, false]);
  });

  test(`${name}: adding a held address and removing an absent one both succeed (the goal is reached)`, async (t) => {
    const s = await create({});
    t.after(() => s.close());
    await s.vips.add(v4(a), s.ifname);
    await s.vips.add(v4(a), s.ifname);
    assert.equal(await s.holds(a), true);
    await s.vips.remove(v4(b), s.ifname);
    await s.vips.remove(v4(a), s.ifname);
    await s.vips.remove(v4(a), s.ifname);
    assert.equal(await s.holds(a), false);
  });

  test(`${name}: announcing held IPv4 and IPv6 addresses resolves`, async (t) => {
    const s = await create({});
    t.after(() => s.close());
    await s.vips.add(v4(a), s.ifname);
    await s.vips.add(v6(opts.v6), s.ifname);
    await s.vips.announce(v4(a), s.ifname);
    await s.vips.announce(v6(opts.v6), s.ifname);
    assert.equal(await s.holds(a), true, 'announcing changes no address');
  });

  test(`${name}: cleanupStale at start removes what a crashed earlier run left`, async (t) => {
    const s = await create({ stale: [a] });
    t.after(() => s.close());
    assert.equal(await s.holds(a), true, 'the leftover is there before cleanup');
    await s.vips.cleanupStale();
    assert.equal(await s.holds(a), false, 'the leftover is gone');
    await s.vips.add(v4(a), s.ifname);
    assert.equal(await s.holds(a), true, 'the address can be taken again');
  });
}
