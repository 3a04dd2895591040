// The in-memory VIP manager passes the VipManager compliance suite (the Linux one runs it
// in a namespace: test/scenario/vip/linux-compliance.test.ts).
import { MemoryVipManager } from '../../../src/vip/memory.js';
import { vipManagerCompliance } from '../../helpers/vip-manager-compliance.js';

vipManagerCompliance(
  'MemoryVipManager',
  async (o) => {
    const vips = new MemoryVipManager({ stale: o.stale ?? [] });
    return { vips, ifname: 'eth0', holds: async (address) => vips.has(address), close: async () => undefined };
  },
  { v4: ['10.0.0.100', '10.0.0.101'], v6: 'fd00::100' },
);
