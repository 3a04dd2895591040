// Which VIPs a reload adds and removes on a master, pure. A VIP is the same when everything
// `ip addr` is given for it is the same (address, prefix, device, label, broadcast, scope);
// a VIP that only changed its label or prefix is removed and added again.
import type { VirtualAddress } from '../config/model-vrrp.js';
import { canonicalAddress } from './address.js';

export interface VipChanges {
  readonly added: readonly VirtualAddress[];
  readonly removed: readonly VirtualAddress[];
}

/** Identity of a VIP as installed: `ifname` is the instance's interface (used when `dev` is unset). */
function vipKey(v: VirtualAddress, ifname: string): string {
  return JSON.stringify([canonicalAddress(v.address) ?? v.address, v.prefix, v.dev ?? ifname, v.label ?? '', v.broadcast ?? '', v.scope ?? '']);
}

export function vipChanges(before: readonly VirtualAddress[], after: readonly VirtualAddress[], ifname: string): VipChanges {
  const had = new Set(before.map((v) => vipKey(v, ifname)));
  const has = new Set(after.map((v) => vipKey(v, ifname)));
  return {
    added: after.filter((v) => !had.has(vipKey(v, ifname))),
    removed: before.filter((v) => !has.has(vipKey(v, ifname))),
  };
}
