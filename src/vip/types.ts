// Seam between VRRP and the host's addresses. Real: `ip addr` + ARP/NA over packet sockets.
import type { VirtualAddress } from '../config/model-vrrp.js';

export interface VipManager {
  add(vip: VirtualAddress, ifname: string): Promise<void>;
  remove(vip: VirtualAddress, ifname: string): Promise<void>;
  /** Gratuitous ARP (IPv4) or unsolicited neighbour advertisement (IPv6) for `vip`. */
  announce(vip: VirtualAddress, ifname: string): Promise<void>;
  /** Remove addresses a crashed earlier run left behind (only ones we marked as ours). */
  cleanupStale(): Promise<void>;
}
