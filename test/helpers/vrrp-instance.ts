// Builds VrrpInstance configs for tests with readable overrides.
import { DEFAULT_GARP, type VrrpInstance, type VirtualAddress } from '../../src/config/model-vrrp.js';

export function vip(address: string, prefix?: number): VirtualAddress {
  const family = address.includes(':') ? 6 : 4;
  return { address, prefix: prefix ?? (family === 4 ? 32 : 128), family };
}

export function instance(over: Partial<VrrpInstance> & { vips?: string[] } = {}): VrrpInstance {
  const { vips, ...rest } = over;
  const family = rest.family ?? ((vips?.[0] ?? '').includes(':') ? 6 : 4);
  return {
    name: 'VI_1',
    initialState: 'BACKUP',
    interface: 'eth0',
    vrid: 51,
    priority: 100,
    advertInt: 1000,
    version: 3,
    family,
    nopreempt: false,
    preemptDelay: 0,
    unicastPeers: [],
    virtualAddresses: (vips ?? ['10.0.0.100']).map((a) => vip(a)),
    virtualAddressesExcluded: [],
    trackScripts: [],
    trackInterfaces: [],
    trackFiles: [],
    notify: {},
    checksumPseudoHeader: true,
    garp: DEFAULT_GARP,
    ...rest,
  };
}
