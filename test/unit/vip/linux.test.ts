// LinuxVipManager against a fake `ip`: idempotence, error reporting, and the ownership state
// file that lets cleanupStale remove only what a crashed run of ours left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LinuxVipManager } from '../../../src/vip/linux.js';
import { IpCommandError, type IpRunner } from '../../../src/vip/iproute.js';

/** A fake host: devices with addresses, driven by the same argv the real `ip` gets. */
function fakeIp(devs: Record<string, string[]>, stateFile: () => string) {
  const log: string[] = [];
  const stateAtAdd: string[] = [];
  const runner: IpRunner = async (args) => {
    log.push(args.join(' '));
    const fail = (msg: string) => Promise.reject(new IpCommandError(args, 2, msg));
    if (args[0] === '-j') {
      const dev = args[3] === 'dev' ? args[4] : undefined;
      const links = Object.entries(devs)
        .filter(([n]) => !dev || n === dev)
        .map(([ifname, addrs], i) => ({
          ifindex: i + 1,
          ifname,
          addr_info: addrs.map((a) => ({ family: a.includes(':') ? 'inet6' : 'inet', local: a.split('/')[0], prefixlen: Number(a.split('/')[1]) })),
        }));
      if (dev && links.length === 0) return fail(`Device "${dev}" does not exist.`);
      return { stdout: JSON.stringify(links), stderr: '' };
    }
    const [, op, cidr, , dev] = args as string[];
    const list = devs[dev!];
    if (!list) return fail('Cannot find device');
    if (op === 'add') {
      try {
        stateAtAdd.push(readFileSync(stateFile(), 'utf8'));
      } catch {
        stateAtAdd.push('');
      }
      if (list.includes(cidr!)) return fail('RTNETLINK answers: File exists');
      list.push(cidr!);
    } else {
      if (!list.includes(cidr!)) return fail('RTNETLINK answers: Cannot assign requested address');
      list.splice(list.indexOf(cidr!), 1);
    }
    return { stdout: '', stderr: '' };
  };
  return { runner, log, stateAtAdd };
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'halb-vip-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const v4 = { address: '10.0.0.10', prefix: 24, family: 4 as const, label: 'eth0:vip' };
const v6 = { address: 'fd00:0:0::10/64', prefix: 64, family: 6 as const }; // CIDR form accepted too

test('add records ownership before adding; label and nodad; add/remove are idempotent', () =>
  withDir(async (dir) => {
    const stateFile = join(dir, 'vips.json');
    const devs = { eth0: ['10.0.0.1/24'] };
    const ip = fakeIp(devs, () => stateFile);
    const m = new LinuxVipManager({ stateFile, ip: ip.runner });
    await m.cleanupStale();
    await m.add(v4, 'eth0');
    await m.add(v4, 'eth0');
    await m.add(v6, 'eth0');
    assert.deepEqual(devs.eth0, ['10.0.0.1/24', '10.0.0.10/24', 'fd00::10/64']);
    assert.ok(ip.log.includes('addr add 10.0.0.10/24 dev eth0 label eth0:vip'));
    assert.ok(ip.log.includes('addr add fd00::10/64 dev eth0 nodad'), 'IPv6 normalised, no DAD');
    assert.match(ip.stateAtAdd[0]!, /10\.0\.0\.10/, 'state file names the address before `ip addr add` runs');
    await m.remove(v4, 'eth0');
    await m.remove(v4, 'eth0');
    assert.deepEqual(
      m.ownedAddresses().map((a) => a.address),
      ['fd00::10'],
    );
    const state = JSON.parse(await readFile(stateFile, 'utf8')) as { pid: number; addresses: { address: string }[] };
    assert.equal(state.pid, process.pid);
    assert.deepEqual(
      state.addresses.map((a) => a.address),
      ['fd00::10'],
    );
  }));

test('an address that existed before is not recorded as ours; dev overrides the interface', () =>
  withDir(async (dir) => {
    const stateFile = join(dir, 'vips.json');
    const devs = { eth0: ['10.0.0.1/24', '10.0.0.10/24'], eth1: [] as string[] };
    const ip = fakeIp(devs, () => stateFile);
    const m = new LinuxVipManager({ stateFile, ip: ip.runner });
    await m.add({ ...v4, label: undefined }, 'eth0');
    assert.deepEqual(m.ownedAddresses(), []);
    await m.add({ address: '10.1.0.10', prefix: 32, family: 4, dev: 'eth1' }, 'eth0');
    assert.deepEqual(devs.eth1, ['10.1.0.10/32']);
  }));

test('other failures are reported and leave no ownership record', () =>
  withDir(async (dir) => {
    const stateFile = join(dir, 'vips.json');
    const ip = fakeIp({ eth0: [] }, () => stateFile);
    const m = new LinuxVipManager({ stateFile, ip: ip.runner });
    await assert.rejects(m.add(v4, 'nosuch0'), (e: IpCommandError) => e.code === 'HALB_IP_COMMAND' && /Cannot find device/.test(e.message));
    assert.deepEqual(m.ownedAddresses(), []);
    assert.deepEqual((JSON.parse(await readFile(stateFile, 'utf8')) as { addresses: unknown[] }).addresses, []);
  }));

test('cleanupStale removes only recorded addresses that are still present', () =>
  withDir(async (dir) => {
    const stateFile = join(dir, 'vips.json');
    const devs = { eth0: ['10.0.0.1/24', '10.0.0.10/24', '10.0.0.20/24'], eth1: ['10.0.0.11/24'] };
    const ip = fakeIp(devs, () => stateFile);
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const crashed = {
      version: 1,
      bootId,
      pid: 999_999_999,
      pidStart: '1',
      addresses: [
        { ifname: 'eth0', address: '10.0.0.10', prefix: 24, family: 4 },
        { ifname: 'eth0', address: '10.0.0.11', prefix: 24, family: 4 }, // gone from eth0
        { ifname: 'eth0', address: '10.0.0.20', prefix: 32, family: 4 }, // present, other prefix
      ],
    };
    await writeFile(stateFile, JSON.stringify(crashed));
    const m = new LinuxVipManager({ stateFile, ip: ip.runner });
    await m.cleanupStale();
    assert.deepEqual(devs, { eth0: ['10.0.0.1/24', '10.0.0.20/24'], eth1: ['10.0.0.11/24'] });
    assert.deepEqual(
      ip.log.filter((l) => l.startsWith('addr del')),
      ['addr del 10.0.0.10/24 dev eth0'],
    );
    assert.deepEqual((JSON.parse(await readFile(stateFile, 'utf8')) as { addresses: unknown[] }).addresses, []);
  }));

test('records from an earlier boot are dropped without touching addresses', () =>
  withDir(async (dir) => {
    const stateFile = join(dir, 'vips.json');
    const devs = { eth0: ['10.0.0.10/24'] };
    const ip = fakeIp(devs, () => stateFile);
    await writeFile(stateFile, JSON.stringify({ version: 1, bootId: 'another-boot', pid: 1, pidStart: '1', addresses: [{ ifname: 'eth0', address: '10.0.0.10', prefix: 24, family: 4 }] }));
    await new LinuxVipManager({ stateFile, ip: ip.runner }).cleanupStale();
    assert.deepEqual(devs.eth0, ['10.0.0.10/24']);
  }));

test('a state file whose writer is still running is refused', () =>
  withDir(async (dir) => {
    const stateFile = join(dir, 'vips.json');
    const ip = fakeIp({ eth0: ['10.0.0.10/24'] }, () => stateFile);
    const first = new LinuxVipManager({ stateFile, ip: ip.runner });
    await first.add(v4, 'eth0');
    // Pretend the file was written by our parent process (alive, different pid).
    const state = JSON.parse(await readFile(stateFile, 'utf8')) as Record<string, unknown>;
    const stat = readFileSync(`/proc/${process.ppid}/stat`, 'utf8');
    state.pid = process.ppid;
    state.pidStart = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    await writeFile(stateFile, JSON.stringify(state));
    await assert.rejects(new LinuxVipManager({ stateFile, ip: ip.runner }).cleanupStale(), { code: 'HALB_VIP_STATE_IN_USE' });
  }));
