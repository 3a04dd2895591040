// Runs the VipManager compliance suite against LinuxVipManager. Started by
// linux-compliance.test.ts inside a fresh namespace that has a veth pair v0-v1 up; every
// subject works on v0 (which has 198.51.100.1/24 of its own) with its own state file, and
// removes the suite's addresses when done.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LinuxVipManager } from '../../../src/vip/linux.js';
import { run } from '../../../src/lab/run.js';
import { vipManagerCompliance } from '../../helpers/vip-manager-compliance.js';

const IF = 'v0';

async function addressesOn(dev: string): Promise<string[]> {
  const j = JSON.parse((await run('ip', ['-j', 'addr', 'show', 'dev', dev])).stdout) as { addr_info: { local: string }[] }[];
  return j.flatMap((l) => l.addr_info.map((a) => a.local));
}

vipManagerCompliance(
  'LinuxVipManager',
  async (o) => {
    const dir = await mkdtemp(join(tmpdir(), 'halb-vip-compliance-'));
    const stateFile = join(dir, 'vips.json');
    if (o.stale?.length) {
      // An earlier run that added these and never removed them (its state file remains).
      const earlier = new LinuxVipManager({ stateFile });
      for (const address of o.stale) await earlier.add({ address, prefix: 24, family: 4 }, IF);
      await earlier.close();
    }
    const vips = new LinuxVipManager({ stateFile });
    return {
      vips,
      ifname: IF,
      holds: async (address) => (await addressesOn(IF)).includes(address),
      close: async () => {
        await vips.close();
        for (const a of ['198.51.100.10/24', '198.51.100.11/24', 'fd77:2::10/64']) await run('ip', ['addr', 'del', a, 'dev', IF], { allowFail: true });
        await rm(dir, { recursive: true, force: true });
      },
    };
  },
  { v4: ['198.51.100.10', '198.51.100.11'], v6: 'fd77:2::10' },
);
