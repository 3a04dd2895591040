// RawVrrpTransport over an in-memory fake of the native addon: socket options, sharing,
// VRID demultiplexing, unicast fan-out, counted failures. The real sockets are exercised in
// test/scenario/vrrp-io.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RawSocketPool, RawVrrpTransport, openRawTransport } from '../../../src/vrrp/socket-raw.js';
import type { HalbNative, NativeRecv, PollHandle } from '../../../src/native/addon.js';
import type { ReceivedVrrp } from '../../../src/vrrp/transport.js';

class FakeNative implements HalbNative {
  calls: string[] = [];
  sent: { dest: string; src: string | null | undefined; bytes: string }[] = [];
  queue: (NativeRecv | Error)[] = [];
  onReadable: ((err: Error | null) => void) | undefined;
  sendResult: number | Error = 0;
  private nextFd = 10;
  openRaw(family: 4 | 6, protocol: number): number {
    this.calls.push(`openRaw ${family} ${protocol}`);
    return this.nextFd++;
  }
  bindToDevice(fd: number, ifname: string): void {
    this.calls.push(`bindToDevice ${fd} ${ifname}`);
  }
  joinMulticast(fd: number, group: string, ifindex: number): void {
    this.calls.push(`join ${fd} ${group} ${ifindex}`);
  }
  leaveMulticast(): void {}
  setMulticastInterface(fd: number, ifindex: number): void {
    this.calls.push(`mcastIf ${fd} ${ifindex}`);
  }
  setTtl(fd: number, ttl: number): void {
    this.calls.push(`ttl ${fd} ${ttl}`);
  }
  setMulticastLoop(fd: number, on: boolean): void {
    this.calls.push(`loop ${fd} ${on}`);
  }
  sendTo(_fd: number, dest: string, payload: Uint8Array, src?: string | null): number {
    if (this.sendResult instanceof Error) throw this.sendResult;
    if (this.sendResult < 0) return this.sendResult;
    this.sent.push({ dest, src, bytes: Buffer.from(payload).toString('hex') });
    return this.sendResult || payload.length;
  }
  recvFrom(): NativeRecv | null {
    const r = this.queue.shift();
    if (r instanceof Error) throw r;
    return r ?? null;
  }
  close(fd: number): void {
    this.calls.push(`close ${fd}`);
  }
  ifNameToIndex(name: string): number {
    return name === 'eth0' ? 7 : 0;
  }
  pollStart(fd: number, cb: (err: Error | null) => void): PollHandle {
    this.calls.push(`pollStart ${fd}`);
    this.onReadable = cb;
    return {} as PollHandle;
  }
  pollStop(): void {
    this.calls.push('pollStop');
  }
  sendGratuitousArp(): number {
    return 0;
  }
  sendUnsolicitedNa(): number {
    return 0;
  }
  // The addon's repeat filter, modelled: identical packets for an armed VRID are counted, not queued.
  armedRepeats = new Map<number, { src: string; dst: string; ttl: number; bytes: string; count: number }>();
  repeatArm(_h: PollHandle, vrid: number, src: string, dst: string, ttl: number, payload: Uint8Array): void {
    this.calls.push(`repeatArm ${vrid}`);
    this.armedRepeats.set(vrid, { src, dst, ttl, bytes: Buffer.from(payload).toString('hex'), count: 0 });
  }
  repeatDisarm(_h: PollHandle, vrid: number): void {
    this.calls.push(`repeatDisarm ${vrid}`);
    this.armedRepeats.delete(vrid);
  }
  repeatTake(_h: PollHandle, out: Float64Array): number {
    out.fill(0);
    let n = 0;
    for (const [v, r] of this.armedRepeats) {
      if (r.count === 0) continue;
      out[2 * v] = r.count;
      out[2 * v + 1] = 1;
      r.count = 0;
      n++;
    }
    return n;
  }
  deliver(...pkts: Partial<NativeRecv>[]): void {
    let forJs = false;
    for (const p of pkts) {
      const r: NativeRecv = { src: '10.0.0.2', dst: '224.0.0.18', ttl: 255, ifindex: 7, payload: Buffer.from([0x21, 1]), truncated: false, ...p };
      const a = this.armedRepeats.get(r.payload[1]!);
      if (a && a.src === r.src && a.dst === r.dst && a.ttl === r.ttl && a.bytes === r.payload.toString('hex')) a.count++;
      else {
        this.queue.push(r);
        forJs = true;
      }
    }
    if (forJs) this.onReadable!(null);
  }
}

test('socket is configured for VRRP and shared by instances on one interface', () => {
  const n = new FakeNative();
  const pool = new RawSocketPool(n);
  const t1 = new RawVrrpTransport({ family: 4, ifname: 'eth0', vrid: 1, localAddress: '10.0.0.1', pool });
  const t2 = new RawVrrpTransport({ family: 4, ifname: 'eth0', vrid: 2, localAddress: '10.0.0.1', pool });
  assert.deepEqual(n.calls, ['openRaw 4 112', 'bindToDevice 10 eth0', 'ttl 10 255', 'mcastIf 10 7', 'loop 10 false', 'pollStart 10', 'join 10 224.0.0.18 7']);
  t1.close();
  assert.ok(!n.calls.includes('close 10'), 'still used by t2');
  t2.close();
  assert.deepEqual(n.calls.slice(-2), ['pollStop', 'close 10'], 'watcher stopped before the fd is closed');
});

test('packets are demultiplexed by VRID; unknown VRIDs and malformed datagrams are counted', () => {
  const n = new FakeNative();
  const pool = new RawSocketPool(n);
  const t1 = new RawVrrpTransport({ family: 4, ifname: 'eth0', vrid: 1, localAddress: '10.0.0.1', pool });
  const t2 = new RawVrrpTransport({ family: 4, ifname: 'eth0', vrid: 2, localAddress: '10.0.0.1', pool });
  const got1: ReceivedVrrp[] = [];
  const got2: ReceivedVrrp[] = [];
  t1.onPacket((p) => got1.push(p));
  t2.onPacket((p) => got2.push(p));
  n.deliver(
    { payload: Buffer.from([0x21, 1, 100]) },
    { payload: Buffer.from([0x21, 2, 100]), src: '10.0.0.3' },
    { payload: Buffer.from([0x21, 9, 100]) },
    { payload: Buffer.from([]), src: '' },
    { payload: Buffer.from([0x21, 1]), truncated: true },
  );
  assert.deepEqual(
    got1.map((p) => [p.src, p.ttl, p.payload[2]]),
    [['10.0.0.2', 255, 100]],
  );
  assert.deepEqual(
    got2.map((p) => p.src),
    ['10.0.0.3'],
  );
  assert.deepEqual({ ...t1.stats }, { received: 5, malformed: 2, unknownVrid: 1, sent: 0, sendDropped: 0, sendErrors: 0, recvErrors: 0, absorbed: 0 });
});

test("packets for a VRID nobody here listens to reach every instance's other-VRID hook", () => {
  const n = new FakeNative();
  const pool = new RawSocketPool(n);
  const t1 = new RawVrrpTransport({ family: 4, ifname: 'eth0', vrid: 1, localAddress: '10.0.0.1', pool });
  const t2 = new RawVrrpTransport({ family: 4, ifname: 'eth0', vrid: 2, localAddress: '10.0.0.1', pool });
  t1.onPacket(() => {});
  t2.onPacket(() => {});
  const other: string[] = [];
  t1.onOtherVrid((p) => other.push(`t1 ${p.payload[1]}`));
  t2.onOtherVrid((p) => other.push(`t2 ${p.payload[1]}`));
  n.deliver({ payload: Buffer.from([0x21, 1, 100]) }, { payload: Buffer.from([0x21, 9, 100]) });
  assert.deepEqual(other, ['t1 9', 't2 9'], 'VRID 1 is t1\'s: not "other" for anyone');
  t2.close();
  n.deliver({ payload: Buffer.from([0x21, 2, 100]) });
  assert.deepEqual(other.slice(2), ['t1 2'], 'after t2 closed, VRID 2 is another VRID for t1');
  t1.close();
});

test('unicast: one send per peer from unicast_src_ip, no multicast join; explicit dest wins', () => {
  const n = new FakeNative();
  const pool = new RawSocketPool(n);
  const t = new RawVrrpTransport({ family: 4, ifname: 'eth0', vrid: 1, unicastSrcIp: '10.0.0.1', unicastPeers: ['10.0.0.2', '10.0.0.3'], pool });
  assert.ok(!n.calls.some((c) => c.startsWith('join')));
  t.send(new Uint8Array([1, 2]));
  t.send(new Uint8Array([3]), '10.0.0.9');
  assert.deepEqual(n.sent, [
    { dest: '10.0.0.2', src: '10.0.0.1', bytes: '0102' },
    { dest: '10.0.0.3', src: '10.0.0.1', bytes: '0102' },
    { dest: '10.0.0.9', src: '10.0.0.1', bytes: '03' },
  ]);
  assert.equal(t.localAddress, '10.0.0.1');
});

test('send and receive failures are counted and reported, never thrown', () => {
  const n = new FakeNative();
  const pool = new RawSocketPool(n);
  const t = new RawVrrpTransport({ family: 6, ifname: 'eth0', vrid: 1, localAddress: 'fe80::1', pool });
  const errors: string[] = [];
  t.onError((e) => errors.push(String(e.code)));
  n.sendResult = Object.assign(new Error('sendmsg: Network is unreachable'), { code: 'ENETUNREACH' });
  assert.doesNotThrow(() => t.send(new Uint8Array([1])));
  n.sendResult = -1;
  t.send(new Uint8Array([1]));
  n.queue.push(Object.assign(new Error('recvmsg'), { code: 'ENOBUFS' }));
  n.onReadable!(null);
  n.onReadable!(Object.assign(new Error('poll'), { code: 'EBADF' }));
  assert.deepEqual(errors, ['ENETUNREACH', 'ENOBUFS', 'EBADF']);
  assert.equal(t.stats.sendErrors, 1);
  assert.equal(t.stats.sendDropped, 1);
  assert.equal(t.stats.recvErrors, 2);
  assert.deepEqual(n.sent, [], 'nothing sent');
  assert.ok(n.calls.includes('join 10 ff02::12 7'));
});

test('openRawTransport looks up the primary address; a missing interface or address is an error', async () => {
  const n = new FakeNative();
  const pool = new RawSocketPool(n);
  const ip = async () => ({
    stdout: JSON.stringify([
      {
        ifindex: 7,
        ifname: 'eth0',
        addr_info: [
          { family: 'inet6', local: 'fd00::1', prefixlen: 64, scope: 'global' },
          { family: 'inet', local: '10.0.0.1', prefixlen: 24 },
          { family: 'inet', local: '10.0.0.50', prefixlen: 24, secondary: true },
          { family: 'inet6', local: 'fe80::1', prefixlen: 64, scope: 'link' },
        ],
      },
    ]),
    stderr: '',
  });
  assert.equal((await openRawTransport({ family: 4, ifname: 'eth0', pool, ip })).localAddress, '10.0.0.1');
  assert.equal((await openRawTransport({ family: 6, ifname: 'eth0', pool, ip })).localAddress, 'fe80::1');
  const none = async () => ({ stdout: '[{"ifindex":7,"ifname":"eth0","addr_info":[]}]', stderr: '' });
  await assert.rejects(openRawTransport({ family: 4, ifname: 'eth0', pool, ip: none }), { code: 'EADDRNOTAVAIL' });
  assert.throws(() => new RawVrrpTransport({ family: 4, ifname: 'eth9', localAddress: '10.0.0.1', pool }), { code: 'ENODEV' });
});

test('repeat fast path: armed by the one listener of a VRID, counted, disarmed for a second listener or a sniffer', async () => {
  const n = new FakeNative();
  const pool = new RawSocketPool(n);
  const t1 = new RawVrrpTransport({ family: 4, ifname: 'eth0', vrid: 1, localAddress: '10.0.0.1', pool });
  const got: ReceivedVrrp[] = [];
  t1.onPacket((p) => got.push(p));
  n.deliver({ payload: Buffer.from([0x31, 1, 100]) });
  assert.equal(got.length, 1);
  assert.ok(t1.repeats, 'a per-VRID transport offers the fast path');
  assert.equal(t1.repeats.arm(got[0]!), true);
  n.deliver({ payload: Buffer.from([0x31, 1, 100]) }, { payload: Buffer.from([0x31, 1, 100]) });
  assert.equal(got.length, 1, 'identical repeats are absorbed');
  n.deliver({ payload: Buffer.from([0x31, 1, 0]) }, { payload: Buffer.from([0x31, 1, 100]), src: '10.0.0.3' }, { payload: Buffer.from([0x31, 1, 100]), ttl: 254 });
  assert.equal(got.length, 4, 'other bytes, another source or another TTL reach the listener');
  const taken = t1.repeats.take();
  assert.equal(taken?.count, 2);
  assert.ok(taken!.agoMs >= 0);
  assert.equal(t1.repeats.take(), undefined, 'counts are taken once');
  assert.equal(t1.stats.absorbed, 2);
  // The addon absorbs only between JS turns (its poll callback); the socket asks it once per turn.
  await new Promise((r) => setImmediate(r));
  // A second listener on the VRID must see every packet: the socket disarms, keeping the counts.
  n.deliver({ payload: Buffer.from([0x31, 1, 100]) });
  const t2 = new RawVrrpTransport({ family: 4, ifname: 'eth0', vrid: 1, localAddress: '10.0.0.1', pool });
  t2.onPacket(() => {});
  assert.ok(n.calls.includes('repeatDisarm 1'));
  assert.equal(t1.repeats.take()?.count, 1, 'absorbed before the disarm is still reported');
  assert.equal(t1.repeats.arm(got[0]!), false, 'two listeners: no fast path');
  n.deliver({ payload: Buffer.from([0x31, 1, 100]) });
  assert.equal(got.length, 5);
  t2.close();
  assert.equal(t1.repeats.arm(got[0]!), true);
  await new Promise((r) => setImmediate(r));
  // A sniffer disarms every VRID.
  const sniff = new RawVrrpTransport({ family: 4, ifname: 'eth0', localAddress: '10.0.0.1', pool });
  sniff.onPacket(() => {});
  assert.equal(n.armedRepeats.size, 0);
  assert.equal(t1.repeats.arm(got[0]!), false);
  sniff.close();
  t1.close();
});
