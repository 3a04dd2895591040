// Seam between VRRP and the host's addresses. Real: `ip addr` + ARP/NA over packet sockets.
import type { VirtualAddress } from '../config/model-vrrp.js';

export interface VipManager {
  add(vip: VirtualAddress, ifname: string): Promise<void>;
  remove(vip: VirtualAddress, ifname: string): Promise<void>;
  /** Gratuitous ARP (IPv4) or unsolicited neighbour advertisement (IPv6) for `vip`. */
  announce(vip: VirtualAddress, ifname: string): Promise<void>;
  /** Remove addresses a crashed earlier run left behind (only ones we marked as ours). */
  cleanupStale(): Promise<void>;
  /**
   * Run the add + announce path once without changing anything, so the first takeover does not
   * pay for V8 compiling it (optional; see VrrpRuntime.warmTakeoverPath).
   */
  warm?(vip: VirtualAddress, ifname: string): void;
}

/** What a new master asks for while the master it replaced still holds the VIPs (its grace). */
export interface StrayForwardRequest {
  /** Instance name: one forwarding rule set per instance, replaced by the next request. */
  readonly instance: string;
  readonly family: 4 | 6;
  readonly addresses: readonly string[];
  /** The stopping master's address on `ifname` (the priority-0 advert's source). */
  readonly peer: string;
  readonly ifname: string;
  /** How long to forward, ms; the rule removes itself afterwards. */
  readonly durationMs: number;
}

/**
 * Make-before-break for connections: TCP segments to a VIP that belong to no connection this host
 * knows (not a SYN) are passed on unchanged to the old master instead of being answered with a
 * reset. Real: nftables `dup to` (stray-forward.ts).
 */
export interface StrayForwarder {
  /** Resolves once the rule is in place, or false when it could not be installed (logged). */
  forward(req: StrayForwardRequest): Promise<boolean>;
  /** Remove every rule now (daemon stop) and those a crashed earlier run left behind. */
  close(): Promise<void>;
  cleanupStale(): Promise<void>;
}
