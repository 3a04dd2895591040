// LinuxVipManager's takeover fast path against a fake addon: addresses go through the netlink
// request (RTM_NEWADDR / RTM_DELADDR bytes from the codec), the ownership record is on disk
// before the request, gratuitous ARPs use the long-lived packet socket, and an addon without
// these calls falls back to `ip` and the older announce call.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LinuxVipManager } from '../../../src/vip/linux.js';
import type { HalbNative } from '../../../src/native/addon.js';
import type { IpRunner } from '../../../src/vip/iproute.js';
import { RTM_DELADDR, RTM_NEWADDR } from '../../../src/vip/netlink-addr.js';

function fakeNative(stateFile: string, opts: { nack?: { code: string; message: string }; fast?: boolean } = {}) {
  const requests: { type: number; ifindex: number; addr: string; stateAtRequest: string }[] = [];
  const garps: string[] = [];
  const base = {
    ifNameToIndex: (n: string) => (n === 'eth0' ? 7 : 0),
    sendGratuitousArp: (ifname: string, ip: string, count: number) => (garps.push(`old ${ifname} ${ip} ${count}`), count),
    close: () => undefined,
  };
  const fast = {
    netlinkRouteRequest: (msg: Uint8Array) => {
      const dv = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
      let state = '';
      try {
        state = readFileSync(stateFile, 'utf8');
      } catch {
        /* none yet */
      }
      requests.push({ type: dv.getUint16(4, true), ifindex: dv.getUint32(20, true), addr: [...msg.subarray(28, 32)].join('.'), stateAtRequest: state });
      if (opts.nack) throw Object.assign(new Error(opts.nack.message), { code: opts.nack.code, syscall: 'rtnetlink' });
    },
    openPacketSocket: () => 42,
    sendGratuitousArpOn: (fd: number, ifname: string, ip: string, count: number) => (garps.push(`fd${fd} ${ifname} ${ip} ${count}`), count),
  };
  const native = (opts.fast === false ? base : { ...base, ...fast }) as unknown as HalbNative;
  return { native, requests, garps };
}

function recordingIp(present: string[] = []): { runner: IpRunner; log: string[] } {
  const log: string[] = [];
  const runner: IpRunner = async (args) => {
    log.push(args.join(' '));
    if (args[0] === '-j') {
      return { stdout: JSON.stringify([{ ifindex: 7, ifname: 'eth0', addr_info: present.map((p) => ({ family: 'inet', local: p.split('/')[0], prefixlen: Number(p.split('/')[1]) })) }]), stderr: '' };
    }
    return { stdout: '', stderr: '' };
  };
  return { runner, log };
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'halb-vipfast-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const vip = { address: '10.0.0.10', prefix: 24, family: 4 as const };

test('fast path: netlink add/remove, state file first, GARP on the kept packet socket', () =>
  withDir(async (dir) => {
    const stateFile = join(dir, 'vips.json');
    const f = fakeNative(stateFile);
    const ip = recordingIp();
    const m = new LinuxVipManager({ stateFile, ip: ip.runner, native: f.native, fastPath: true });
    await m.add(vip, 'eth0');
    assert.equal(f.requests.length, 1);
    assert.deepEqual({ ...f.requests[0], stateAtRequest: undefined }, { type: RTM_NEWADDR, ifindex: 7, addr: '10.0.0.10', stateAtRequest: undefined });
    assert.match(f.requests[0]!.stateAtRequest, /10\.0\.0\.10/, 'ownership recorded before the request');
    assert.equal(ip.log.length, 0, 'no ip command on the fast path');
    assert.equal(await m.announceBurst(vip, 'eth0', 5), 5);
    assert.deepEqual(f.garps, ['fd42 eth0 10.0.0.10 5']);
    await m.remove(vip, 'eth0');
    assert.equal(f.requests[1]!.type, RTM_DELADDR);
    assert.deepEqual(m.ownedAddresses(), []);
    await m.close();
  }));

test('fast path: EEXIST for an address someone else configured is success, and not recorded as ours', () =>
  withDir(async (dir) => {
    const stateFile = join(dir, 'vips.json');
    const f = fakeNative(stateFile, { nack: { code: 'EEXIST', message: 'rtnetlink: File exists (EEXIST)' } });
    const m = new LinuxVipManager({ stateFile, ip: recordingIp(['10.0.0.10/24']).runner, native: f.native, fastPath: true });
    await m.add(vip, 'eth0');
    assert.deepEqual(m.ownedAddresses(), []);
  }));

test('fast path: a refusal for an absent address rejects with the ip command and errno', () =>
  withDir(async (dir) => {
    const stateFile = join(dir, 'vips.json');
    const f = fakeNative(stateFile, { nack: { code: 'EPERM', message: 'rtnetlink: Operation not permitted (EPERM)' } });
    const m = new LinuxVipManager({ stateFile, ip: recordingIp().runner, native: f.native, fastPath: true });
    await assert.rejects(m.add(vip, 'eth0'), (e: Error & { code?: string; errnoCode?: string }) => {
      assert.equal(e.code, 'HALB_VIP_NETLINK');
      assert.equal(e.errnoCode, 'EPERM');
      assert.match(e.message, /^ip addr add 10\.0\.0\.10\/24 dev eth0 \(netlink\) failed: rtnetlink: Operation not permitted/);
      return true;
    });
    assert.deepEqual(m.ownedAddresses(), []);
    await assert.rejects(m.add(vip, 'eth9'), /no interface named eth9/);
  }));

test('an addon without the fast-path calls falls back to ip and the per-call GARP', () =>
  withDir(async (dir) => {
    const stateFile = join(dir, 'vips.json');
    const f = fakeNative(stateFile, { fast: false });
    const ip = recordingIp();
    const m = new LinuxVipManager({ stateFile, ip: ip.runner, native: f.native, fastPath: true });
    await m.add(vip, 'eth0');
    assert.deepEqual(ip.log, ['addr add 10.0.0.10/24 dev eth0']);
    await m.announce(vip, 'eth0');
    assert.deepEqual(f.garps, ['old eth0 10.0.0.10 1']);
  }));

test('a fake ip runner without fastPath keeps the ip path (existing tests and tools)', () =>
  withDir(async (dir) => {
    const stateFile = join(dir, 'vips.json');
    const f = fakeNative(stateFile);
    const ip = recordingIp();
    const m = new LinuxVipManager({ stateFile, ip: ip.runner, native: f.native });
    await m.add(vip, 'eth0');
    assert.equal(f.requests.length, 0);
    assert.deepEqual(ip.log, ['addr add 10.0.0.10/24 dev eth0']);
  }));

test('state file: replaced atomically once, then updated in place; always parses; a replaced file is noticed', () =>
  withDir(async (dir) => {
    const { statSync, writeFileSync: wf } = await import('node:fs');
    const stateFile = join(dir, 'vips.json');
    const f = fakeNative(stateFile);
    const m = new LinuxVipManager({ stateFile, ip: recordingIp().runner, native: f.native, fastPath: true });
    const read = () => JSON.parse(readFileSync(stateFile, 'utf8')) as { addresses: { address: string }[] };
    await m.add(vip, 'eth0');
    const ino = statSync(stateFile).ino;
    await m.add({ address: '10.0.0.11', prefix: 24, family: 4 }, 'eth0');
    await m.remove(vip, 'eth0');
    await m.remove({ address: '10.0.0.11', prefix: 24, family: 4 }, 'eth0');
    assert.equal(statSync(stateFile).ino, ino, 'same file, written in place');
    assert.deepEqual(read().addresses, [], 'shorter content padded with whitespace still parses');
    // Someone replaces the file: the next write must land in the file at the path, not the old inode.
    wf(join(dir, 'other'), '{}');
    const { renameSync: rn } = await import('node:fs');
    rn(join(dir, 'other'), stateFile);
    await m.add(vip, 'eth0');
    assert.deepEqual(
      read().addresses.map((a) => a.address),
      ['10.0.0.10'],
    );
    await m.close();
  }));

test('warm(): the add path runs dry — no request, nothing recorded, no announcement', () =>
  withDir(async (dir) => {
    const stateFile = join(dir, 'vips.json');
    const f = fakeNative(stateFile);
    const m = new LinuxVipManager({ stateFile, ip: recordingIp().runner, native: f.native, fastPath: true });
    m.warm(vip, 'eth0');
    await m.add({ ...vip, address: '10.0.0.11' }, 'eth0'); // queued behind the dry run
    assert.deepEqual(
      f.requests.map((r) => r.addr),
      ['10.0.0.11'],
      'only the real add reached netlink',
    );
    assert.deepEqual(
      m.ownedAddresses().map((a) => a.address),
      ['10.0.0.11'],
    );
    assert.doesNotMatch(readFileSync(stateFile, 'utf8'), /10\.0\.0\.10"/);
    assert.deepEqual(f.garps, []);
    await m.close();
  }));
