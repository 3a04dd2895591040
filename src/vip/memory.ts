// In-memory VipManager: one instance per simulated host. Records which addresses are up and
// every add/remove/announce, so tests can assert who holds a VIP and in what order things ran.
import type { VirtualAddress } from '../config/model-vrrp.js';
import type { VipManager } from './types.js';

export type VipOp = { readonly op: 'add' | 'remove' | 'announce' | 'cleanup'; readonly address: string; readonly ifname: string };

export interface MemoryVipOptions {
  /** Addresses left behind by a "crashed earlier run" (removed by cleanupStale). */
  readonly stale?: readonly string[];
  /** Make add() fail for these addresses (to exercise error paths). */
  readonly failAdd?: readonly string[];
}

export class MemoryVipManager implements VipManager {
  private readonly up = new Map<string, string>(); // address -> ifname
  readonly ops: VipOp[] = [];

  constructor(private readonly opts: MemoryVipOptions = {}) {
    for (const a of opts.stale ?? []) this.up.set(a, 'stale');
  }

  async add(vip: VirtualAddress, ifname: string): Promise<void> {
    if (this.opts.failAdd?.includes(vip.address)) throw new Error(`cannot add ${vip.address}`);
    this.ops.push({ op: 'add', address: vip.address, ifname });
    this.up.set(vip.address, ifname);
  }

  async remove(vip: VirtualAddress, ifname: string): Promise<void> {
    this.ops.push({ op: 'remove', address: vip.address, ifname });
    this.up.delete(vip.address);
  }

  async announce(vip: VirtualAddress, ifname: string): Promise<void> {
    this.ops.push({ op: 'announce', address: vip.address, ifname });
  }

  async cleanupStale(): Promise<void> {
    for (const [a, ifname] of this.up) {
      if (ifname === 'stale') {
        this.up.delete(a);
        this.ops.push({ op: 'cleanup', address: a, ifname });
      }
    }
  }

  has(address: string): boolean {
    return this.up.has(address);
  }

  addresses(): string[] {
    return [...this.up.keys()].sort();
  }
}
