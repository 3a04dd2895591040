// Scenario: the Linux I/O edges of VRRP, in network namespaces.
// Topology: hosts A, B, C, each with eth0 on one bridge (in its own "switch" namespace);
// 192.168.77.0/24 and fd77::/64. An agent process in a host namespace drives the real adapters
// (raw socket transport, VIP manager, interface watcher); the test asserts what other hosts see.
// Proves: v4 multicast, v4 unicast and v6 multicast adverts arrive with the right src/dst and TTL
// 255; tshark decodes our adverts as valid VRRP; a real keepalived is heard by our socket; VIPs
// are added/removed idempotently; gratuitous ARP and unsolicited NA update a peer's neighbour
// cache; cleanupStale removes only what a crashed run left; link down/up is reported.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createInterface } from 'node:readline';
import { writeFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { BareLab as Lab } from '../../src/lab/bare-lab.js';
import { requireRoot } from '../../src/lab/root.js';
import { run } from '../../src/lab/run.js';
import { sleep } from '../../src/lab/wait.js';
import { eventually } from '../helpers/eventually.js';
import { scaled as ms } from '../helpers/timescale.js';

const AGENT = fileURLToPath(new URL('./_vrrp-io-agent.js', import.meta.url));
const ADDON = fileURLToPath(new URL('../../../build/Release/halb_native.node', import.meta.url));

// ---------------------------------------------------------------- VRRP bytes, built by hand

function inetChecksum(...parts: Uint8Array[]): number {
  let sum = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i += 2) sum += (p[i]! << 8) | (p[i + 1] ?? 0);
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function ipv4Bytes(a: string): number[] {
  return a.split('.').map(Number);
}

function ipv6Bytes(a: string): number[] {
  const [head, tail] = a.split('::') as [string, string | undefined];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
  return groups.flatMap((g) => [parseInt(g, 16) >> 8, parseInt(g, 16) & 0xff]);
}

/** RFC 3768 §5.3 advertisement, checksum over the VRRP message. */
function vrrpV2(vrid: number, prio: number, addrs: string[], pass?: string): Buffer {
  const b = Buffer.alloc(8 + 4 * addrs.length + 8);
  b[0] = 0x21;
  b[1] = vrid;
  b[2] = prio;
  b[3] = addrs.length;
  b[4] = pass ? 1 : 0;
  b[5] = 1; // advert interval, s
  addrs.forEach((a, i) => b.set(ipv4Bytes(a), 8 + 4 * i));
  if (pass) b.write(pass.slice(0, 8), 8 + 4 * addrs.length, 'latin1');
  b.writeUInt16BE(inetChecksum(b), 6);
  return b;
}

/** RFC 5798 §5.2 advertisement for IPv6, checksum over the pseudo-header (§5.2.8). */
function vrrpV3v6(vrid: number, prio: number, addrs: string[], src: string, dst: string): Buffer {
  const b = Buffer.alloc(8 + 16 * addrs.length);
  b[0] = 0x31;
  b[1] = vrid;
  b[2] = prio;
  b[3] = addrs.length;
  b.writeUInt16BE(100, 4); // max advert interval, centiseconds
  addrs.forEach((a, i) => b.set(ipv6Bytes(a), 8 + 16 * i));
  const pseudo = Buffer.alloc(40);
  pseudo.set(ipv6Bytes(src), 0);
  pseudo.set(ipv6Bytes(dst), 16);
  pseudo.writeUInt32BE(b.length, 32);
  pseudo[39] = 112;
  b.writeUInt16BE(inetChecksum(pseudo, b), 6);
  return b;
}

// ---------------------------------------------------------------- agent client

interface Packet {
  tid: string;
  src: string;
  dst: string;
  ttl: number;
  ifindex: number;
  hex: string;
}

class Agent {
  private nextId = 1;
  private readonly pending = new Map<number, (r: Record<string, unknown>) => void>();
  readonly events: Record<string, unknown>[] = [];
  readonly stderr: string[] = [];
  readonly ready: Promise<void>;

  constructor(
    readonly child: ChildProcess,
    readonly ns: string,
  ) {
    let onReady!: () => void;
    this.ready = new Promise((r) => (onReady = r));
    child.stderr!.on('data', (d: Buffer) => this.stderr.push(d.toString()));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = JSON.parse(line) as Record<string, unknown>;
      if (m.event === 'ready') onReady();
      else if (typeof m.id === 'number') this.pending.get(m.id)?.(m);
      else this.events.push(m);
    });
    child.on('exit', () => {
      for (const r of this.pending.values()) r({ ok: false, message: `agent exited: ${this.stderr.join('')}` });
    });
  }

  static async start(lab: Lab, ns: string): Promise<Agent> {
    const a = new Agent(lab.spawn(ns, process.execPath, [AGENT]), ns);
    await Promise.race([a.ready, sleep(ms(10_000)).then(() => Promise.reject(new Error(`agent in ${ns} did not start: ${a.stderr.join('')}`)))]);
    return a;
  }

  /** Sends a command; resolves with the reply (ok true or false). */
  call(cmd: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.stdin!.write(JSON.stringify({ id, ...cmd }) + '\n');
    });
  }

  async ok(cmd: Record<string, unknown>): Promise<Record<string, unknown>> {
    const r = await this.call(cmd);
    assert.equal(r.ok, true, `${JSON.stringify(cmd)} failed: ${String(r.message)}`);
    return r;
  }

  packets(tid: string): Packet[] {
    return this.events.filter((e) => e.event === 'packet' && e.tid === tid) as unknown as Packet[];
  }

  /** The first packet matching `pred` among those received after the first `after` packets. */
  waitPacket(tid: string, pred: (p: Packet) => boolean = () => true, timeoutMs = ms(5000), after = 0): Promise<Packet> {
    return eventually(`packet on ${this.ns}/${tid}`, () => this.packets(tid).slice(after).find(pred), timeoutMs, 20);
  }

  stop(): void {
    this.child.stdin!.end();
  }
}

// ---------------------------------------------------------------- helpers

async function mac(lab: Lab, ns: string, dev = 'eth0'): Promise<string> {
  return (JSON.parse(await lab.exec(ns, 'ip', ['-j', 'link', 'show', 'dev', dev])) as { address: string }[])[0]!.address;
}

async function addrs(lab: Lab, ns: string): Promise<{ local: string; prefixlen: number; label?: string }[]> {
  const j = JSON.parse(await lab.exec(ns, 'ip', ['-j', 'addr', 'show', 'dev', 'eth0'])) as { addr_info: { local: string; prefixlen: number; label?: string }[] }[];
  return j[0]!.addr_info;
}

async function neighMac(lab: Lab, ns: string, ip: string): Promise<string | undefined> {
  const j = JSON.parse(await lab.exec(ns, 'ip', ['-j', 'neigh', 'show', ip, 'dev', 'eth0'])) as { lladdr?: string }[];
  return j[0]?.lladdr;
}

const vip4 = (address: string, prefix = 24, label?: string) => ({ address, prefix, family: 4 as const, ...(label ? { label } : {}) });
const vip6 = (address: string, prefix = 64) => ({ address, prefix, family: 6 as const });

// ---------------------------------------------------------------- the scenario

test('VRRP I/O edges in network namespaces', { timeout: ms(180_000) }, async (t) => {
  const cannot = await requireRoot();
  if (cannot) {
    t.skip(`${cannot} (network namespaces, raw sockets): run as root, e.g. in CI via .ci/run`);
    return;
  }
  const lab = new Lab();
  const agents: Agent[] = [];
  let tcpdump: ChildProcess | undefined;
  t.after(async () => {
    for (const a of agents) a.stop();
    tcpdump?.kill('SIGKILL');
    await lab.cleanup();
  });

  const [A, B, C] = [await lab.netns(), await lab.netns(), await lab.netns()];
  const SW = await lab.switchWith([A, B, C]);
  const ip4 = { [A]: '192.168.77.1', [B]: '192.168.77.2', [C]: '192.168.77.3' };
  for (const ns of [A, B, C]) {
    await lab.exec(ns, 'ip', ['addr', 'add', `${ip4[ns]}/24`, 'dev', 'eth0']);
  }
  const macA = await mac(lab, A);
  const work = await lab.tempDir();

  // One capture on B for the whole run, decoded by tshark at the end.
  const pcap = join(work, 'b.pcap');
  // --immediate-mode: otherwise packets wait in the capture ring's block (up to a second) and the
  // SIGINT below discards them — the last announcements went missing that way in CI.
  tcpdump = lab.spawn(B, 'tcpdump', ['-i', 'eth0', '-U', '--immediate-mode', '-n', '-w', pcap, 'ip proto 112 or ip6 proto 112 or arp or icmp6']);
  let tcpdumpErr = '';
  tcpdump.stderr!.on('data', (d: Buffer) => (tcpdumpErr += d.toString()));
  await eventually('tcpdump to listen', () => tcpdumpErr.includes('listening on'), ms(10_000), 50);

  const [a, b] = [await Agent.start(lab, A), await Agent.start(lab, B)];
  agents.push(a, b);

  await t.test('IPv4 multicast: src, dst 224.0.0.18, TTL 255, payload intact; no loopback to the sender', async () => {
    await a.ok({ op: 'open', tid: 'm4', family: 4, ifname: 'eth0', vrid: 51 });
    await b.ok({ op: 'open', tid: 'm4', family: 4, ifname: 'eth0', vrid: 51 });
    const adv = vrrpV2(51, 100, ['192.168.77.50']);
    await a.ok({ op: 'send', tid: 'm4', hex: adv.toString('hex') });
    const p = await b.waitPacket('m4');
    assert.deepEqual({ src: p.src, dst: p.dst, ttl: p.ttl, hex: p.hex }, { src: ip4[A], dst: '224.0.0.18', ttl: 255, hex: adv.toString('hex') });
    assert.ok(p.ifindex > 0);
    await sleep(ms(300));
    assert.equal(a.packets('m4').length, 0, 'multicast loop must be off');
  });

  await t.test('VRID demultiplexing: a packet for another VRID does not reach the transport', async () => {
    await a.ok({ op: 'send', tid: 'm4', hex: vrrpV2(99, 100, ['192.168.77.99']).toString('hex') });
    await a.ok({ op: 'send', tid: 'm4', hex: vrrpV2(51, 101, ['192.168.77.50']).toString('hex') });
    await b.waitPacket('m4', (p) => p.hex.startsWith('213365'));
    assert.ok(
      b.packets('m4').every((p) => p.hex.slice(2, 4) === '33'),
      'only VRID 51 delivered',
    );
  });

  await t.test('repeat fast path (addon): identical packets are counted without reaching JS; any other packet is delivered', async () => {
    const adv = vrrpV2(51, 100, ['192.168.77.50']);
    // The first test sent this very advert: wait for the new copy, or it may reach JS after the arm.
    const seen = b.packets('m4').length;
    await a.ok({ op: 'send', tid: 'm4', hex: adv.toString('hex') });
    await b.waitPacket('m4', (p) => p.hex === adv.toString('hex'), ms(5000), seen);
    assert.equal((await b.ok({ op: 'arm', tid: 'm4' })).armed, true);
    const before = b.packets('m4').length;
    for (let i = 0; i < 5; i++) await a.ok({ op: 'send', tid: 'm4', hex: adv.toString('hex') });
    const other = vrrpV2(51, 101, ['192.168.77.50']);
    await a.ok({ op: 'send', tid: 'm4', hex: other.toString('hex') });
    await b.waitPacket('m4', (p) => p.hex === other.toString('hex'), ms(5000), before); // the demultiplexing test sent it too
    await a.ok({ op: 'send', tid: 'm4', hex: adv.toString('hex') }); // after the different one: still absorbed
    await sleep(ms(300));
    assert.equal(b.packets('m4').length, before + 1, 'only the different packet reached JS');
    const r = await b.ok({ op: 'take', tid: 'm4' });
    const taken = r.taken as { count: number; agoMs: number };
    assert.equal(taken.count, 6, 'every repeat counted');
    assert.ok(taken.agoMs >= 0 && taken.agoMs < ms(5000), `age of the latest (${taken.agoMs} ms)`);
    assert.equal((r.stats as { absorbed: number }).absorbed, 6);
    assert.equal((await b.ok({ op: 'take', tid: 'm4' })).taken, null, 'counts are taken once');
  });

  await t.test('IPv4 unicast: sent to each peer from unicast_src_ip with TTL 255', async () => {
    // A secondary address as unicast_src_ip proves the per-packet source, not the kernel's choice.
    await lab.exec(A, 'ip', ['addr', 'add', '192.168.77.21/24', 'dev', 'eth0']);
    await a.ok({ op: 'open', tid: 'u4', family: 4, ifname: 'eth0', vrid: 54, unicastSrcIp: '192.168.77.21', unicastPeers: [ip4[B], ip4[C]] });
    await b.ok({ op: 'open', tid: 'u4', family: 4, ifname: 'eth0', vrid: 54, unicastSrcIp: ip4[B], unicastPeers: ['192.168.77.21'] });
    const adv = vrrpV2(54, 120, ['192.168.77.54'], 'secret1');
    const r = await a.ok({ op: 'send', tid: 'u4', hex: adv.toString('hex') });
    const p = await b.waitPacket('u4');
    assert.deepEqual({ src: p.src, dst: p.dst, ttl: p.ttl, hex: p.hex }, { src: '192.168.77.21', dst: ip4[B], ttl: 255, hex: adv.toString('hex') });
    assert.equal((r.stats as { sent: number }).sent >= 2, true, 'one send per peer');
  });

  await t.test('IPv6 multicast: link-local src, dst ff02::12, hop limit 255', async () => {
    const ra = await a.ok({ op: 'open', tid: 'm6', family: 6, ifname: 'eth0', vrid: 53 });
    await b.ok({ op: 'open', tid: 'm6', family: 6, ifname: 'eth0', vrid: 53 });
    const src = ra.localAddress as string;
    assert.match(src, /^fe80:/);
    const adv = vrrpV3v6(53, 100, ['fd77::50'], src, 'ff02::12');
    await a.ok({ op: 'send', tid: 'm6', hex: adv.toString('hex') });
    const p = await b.waitPacket('m6');
    assert.deepEqual({ src: p.src, dst: p.dst, ttl: p.ttl, hex: p.hex }, { src, dst: 'ff02::12', ttl: 255, hex: adv.toString('hex') });
  });

  await t.test('repeat fast path over IPv6: source, destination and hop limit are part of the match', async () => {
    const src = b.packets('m6')[0]!.src;
    const adv = vrrpV3v6(53, 100, ['fd77::50'], src, 'ff02::12');
    assert.equal((await b.ok({ op: 'arm', tid: 'm6' })).armed, true);
    const before = b.packets('m6').length;
    for (let i = 0; i < 3; i++) await a.ok({ op: 'send', tid: 'm6', hex: adv.toString('hex') });
    const other = vrrpV3v6(53, 90, ['fd77::50'], src, 'ff02::12');
    await a.ok({ op: 'send', tid: 'm6', hex: other.toString('hex') });
    await b.waitPacket('m6', (p) => p.hex === other.toString('hex'));
    assert.equal(b.packets('m6').length, before + 1);
    assert.equal(((await b.ok({ op: 'take', tid: 'm6' })).taken as { count: number }).count, 3);
  });

  await t.test('IPv6 unicast: sent to the peer from unicast_src_ip with hop limit 255', async () => {
    await lab.exec(A, 'ip', ['addr', 'add', 'fd77::1/64', 'dev', 'eth0', 'nodad']);
    await lab.exec(B, 'ip', ['addr', 'add', 'fd77::2/64', 'dev', 'eth0', 'nodad']);
    await a.ok({ op: 'open', tid: 'u6', family: 6, ifname: 'eth0', vrid: 56, unicastSrcIp: 'fd77::1', unicastPeers: ['fd77::2'] });
    await b.ok({ op: 'open', tid: 'u6', family: 6, ifname: 'eth0', vrid: 56, unicastSrcIp: 'fd77::2', unicastPeers: ['fd77::1'] });
    const adv = vrrpV3v6(56, 100, ['fd77::56'], 'fd77::1', 'fd77::2');
    await a.ok({ op: 'send', tid: 'u6', hex: adv.toString('hex') });
    const p = await b.waitPacket('u6');
    assert.deepEqual({ src: p.src, dst: p.dst, ttl: p.ttl, hex: p.hex }, { src: 'fd77::1', dst: 'fd77::2', ttl: 255, hex: adv.toString('hex') });
  });

  await t.test('a real keepalived (v2 PASS over IPv4, v3 over IPv6) is heard by our sockets', async () => {
    const conf = join(work, 'keepalived.conf');
    await writeFile(
      conf,
      `global_defs {\n  router_id halb_vio\n  enable_script_security\n}\n` +
        `vrrp_instance VI_T {\n  state MASTER\n  interface eth0\n  virtual_router_id 52\n  priority 150\n  advert_int 1\n` +
        `  authentication {\n    auth_type PASS\n    auth_pass secret1\n  }\n  virtual_ipaddress {\n    192.168.77.200/24\n  }\n}\n` +
        `vrrp_instance VI_6 {\n  version 3\n  state MASTER\n  interface eth0\n  virtual_router_id 55\n  priority 140\n  advert_int 1\n` +
        `  virtual_ipaddress {\n    fd77::200/64\n  }\n}\n`,
    );
    const c6 = (JSON.parse(await lab.exec(C, 'ip', ['-j', '-6', 'addr', 'show', 'dev', 'eth0', 'scope', 'link'])) as { addr_info: { local: string }[] }[])[0]!.addr_info[0]!.local;
    await b.ok({ op: 'open', tid: 'ka', family: 4, ifname: 'eth0', vrid: 52 });
    await b.ok({ op: 'open', tid: 'ka6', family: 6, ifname: 'eth0', vrid: 55 });
    const ka = lab.spawn(C, 'keepalived', ['-n', '-l', '-D', '-P', '-f', conf, '-p', join(work, 'ka.pid'), '-r', join(work, 'ka-vrrp.pid'), '-c', join(work, 'ka-chk.pid')]);
    let kaLog = '';
    ka.stdout!.on('data', (d: Buffer) => (kaLog += d.toString()));
    ka.stderr!.on('data', (d: Buffer) => (kaLog += d.toString()));
    try {
      const p = await b
        .waitPacket('ka', () => true, ms(15_000))
        .catch((e: Error) => {
          throw new Error(`${e.message}\nkeepalived log:\n${kaLog}`);
        });
      const payload = Buffer.from(p.hex, 'hex');
      assert.equal(p.src, ip4[C]);
      assert.equal(p.dst, '224.0.0.18');
      assert.equal(p.ttl, 255);
      assert.equal(payload[0], 0x21, 'VRRPv2 advertisement');
      assert.equal(payload[1], 52);
      assert.equal(payload[2], 150);
      assert.equal(payload[4], 1, 'auth type PASS');
      assert.equal(payload.subarray(12, 19).toString('latin1'), 'secret1');
      assert.equal(inetChecksum(payload), 0, 'checksum verifies');
      const p6 = await b.waitPacket('ka6', () => true, ms(15_000));
      const v3 = Buffer.from(p6.hex, 'hex');
      assert.deepEqual({ src: p6.src, dst: p6.dst, ttl: p6.ttl }, { src: c6, dst: 'ff02::12', ttl: 255 });
      assert.deepEqual([v3[0], v3[1], v3[2], v3[3], v3.readUInt16BE(4) & 0xfff], [0x31, 55, 140, 1, 100], 'VRRPv3, VRID 55, prio 140, 1 address, 100 cs');
      const pseudo = Buffer.alloc(40);
      pseudo.set(ipv6Bytes(c6), 0);
      pseudo.set(ipv6Bytes('ff02::12'), 16);
      pseudo.writeUInt32BE(v3.length, 32);
      pseudo[39] = 112;
      assert.equal(inetChecksum(pseudo, v3), 0, 'v3 checksum over the IPv6 pseudo-header verifies');
    } finally {
      ka.kill('SIGTERM');
      await eventually('keepalived to stop', () => ka.exitCode !== null || ka.signalCode !== null, ms(10_000), 50).catch(() => ka.kill('SIGKILL'));
    }
  });

  await t.test('VIP add/remove shows in ip addr, with label; idempotent; failures reported', async () => {
    const rd = join(work, 'run-a');
    const v = vip4('192.168.77.100', 24, 'eth0:vip');
    await a.ok({ op: 'vip', action: 'cleanup', runDir: rd });
    await a.ok({ op: 'vip', action: 'add', vip: v, ifname: 'eth0', runDir: rd });
    await a.ok({ op: 'vip', action: 'add', vip: v, ifname: 'eth0', runDir: rd });
    const got = (await addrs(lab, A)).find((x) => x.local === '192.168.77.100');
    assert.deepEqual(got && { prefixlen: got.prefixlen, label: got.label }, { prefixlen: 24, label: 'eth0:vip' });
    await a.ok({ op: 'vip', action: 'remove', vip: v, ifname: 'eth0', runDir: rd });
    const r = await a.ok({ op: 'vip', action: 'remove', vip: v, ifname: 'eth0', runDir: rd });
    assert.deepEqual(r.owned, []);
    assert.equal(
      (await addrs(lab, A)).some((x) => x.local === '192.168.77.100'),
      false,
    );
    const bad = await a.call({ op: 'vip', action: 'add', vip: vip4('192.168.77.101'), ifname: 'nosuchdev0', runDir: rd });
    assert.equal(bad.ok, false);
    // rtnetlink from the addon (src/vip/netlink.ts); `ip` (HALB_IP_COMMAND) only with an addon built without it
    assert.equal(bad.code, 'HALB_VIP_NETLINK');
    assert.match(String(bad.message), /nosuchdev0/);
  });

  await t.test('gratuitous ARP updates the peer neighbour entry', async () => {
    const rd = join(work, 'run-a');
    await lab.exec(B, 'ip', ['neigh', 'replace', '192.168.77.100', 'lladdr', '02:00:00:00:00:99', 'dev', 'eth0', 'nud', 'stale']);
    await a.ok({ op: 'vip', action: 'add', vip: vip4('192.168.77.100'), ifname: 'eth0', runDir: rd });
    const r = await a.ok({ op: 'vip', action: 'announce', vip: vip4('192.168.77.100'), ifname: 'eth0', runDir: rd, count: 3 });
    assert.equal(r.sent, 3);
    await eventually('B to learn the VIP at A', async () => (await neighMac(lab, B, '192.168.77.100')) === macA, ms(5000), 50);
  });

  await t.test('unsolicited neighbour advertisement updates the peer IPv6 neighbour entry', async () => {
    const rd = join(work, 'run-a');
    await lab.exec(B, 'ip', ['-6', 'neigh', 'replace', 'fd77::100', 'lladdr', '02:00:00:00:00:98', 'dev', 'eth0', 'nud', 'stale']);
    await a.ok({ op: 'vip', action: 'add', vip: vip6('fd77::100'), ifname: 'eth0', runDir: rd });
    const added = (await addrs(lab, A)).find((x) => x.local === 'fd77::100');
    assert.ok(added, 'IPv6 VIP present');
    await a.ok({ op: 'vip', action: 'announce', vip: vip6('fd77::100'), ifname: 'eth0', runDir: rd, count: 2 });
    await eventually('B to learn the IPv6 VIP at A', async () => (await neighMac(lab, B, 'fd77::100')) === macA, ms(5000), 50);
    // An address that is not (yet) assigned cannot be the source: the link-local is used instead.
    await a.ok({ op: 'vip', action: 'announce', vip: vip6('fd77::999'), ifname: 'eth0', runDir: rd, count: 1 });
  });

  await t.test('cleanupStale removes only what a crashed run added', async () => {
    const rd = join(work, 'run-crash');
    const a1 = await Agent.start(lab, A);
    agents.push(a1);
    await a1.ok({ op: 'vip', action: 'cleanup', runDir: rd });
    await a1.ok({ op: 'vip', action: 'add', vip: vip4('192.168.77.111', 24), ifname: 'eth0', runDir: rd });
    await a1.ok({ op: 'vip', action: 'add', vip: vip6('fd77::111'), ifname: 'eth0', runDir: rd });
    await lab.exec(A, 'ip', ['addr', 'add', '192.168.77.112/24', 'dev', 'eth0']); // an admin's address
    const a2 = await Agent.start(lab, A);
    agents.push(a2);
    // While the first run is alive its state file is refused.
    const busy = await a2.call({ op: 'vip', action: 'cleanup', runDir: rd });
    assert.equal(busy.code, 'HALB_VIP_STATE_IN_USE');
    a1.child.kill('SIGKILL');
    await eventually('crashed agent to exit', () => a1.child.exitCode !== null || a1.child.signalCode !== null, ms(5000), 50);
    const before = (await addrs(lab, A)).map((x) => x.local);
    assert.ok(before.includes('192.168.77.111') && before.includes('fd77::111'), 'crash left its VIPs behind');
    await a2.ok({ op: 'vip', action: 'cleanup', runDir: rd });
    const after = (await addrs(lab, A)).map((x) => x.local);
    assert.equal(after.includes('192.168.77.111'), false);
    assert.equal(after.includes('fd77::111'), false);
    assert.ok(after.includes('192.168.77.112'), 'manually added address stays');
    assert.ok(after.includes(ip4[A]!), 'primary address stays');
    assert.ok(after.includes('192.168.77.100'), "another run dir's VIP stays");
    const state = JSON.parse(
      await readFile(
        join(
          rd,
          (await readdirNames(rd)).find((n) => n.endsWith('.json'))!,
        ),
        'utf8',
      ),
    ) as { addresses: unknown[] };
    assert.deepEqual(state.addresses, []);
    a2.stop();
  });

  await t.test('interface watcher reports carrier loss and recovery', async () => {
    await a.ok({ op: 'watch', interfaces: ['eth0'] });
    const links = () => a.events.filter((e) => e.event === 'link') as unknown as { ifname: string; up: boolean; operstate: string }[];
    await eventually('initial link state', () => links().at(-1)?.up === true, ms(5000), 50);
    await lab.exec(SW, 'ip', ['link', 'set', 'p0', 'down']); // A's cable pulled
    await eventually('link down', () => links().at(-1)?.up === false, ms(5000), 50);
    await lab.exec(SW, 'ip', ['link', 'set', 'p0', 'up']);
    await eventually('link up', () => links().at(-1)?.up === true, ms(5000), 50);
    await lab.exec(A, 'ip', ['link', 'set', 'eth0', 'down']); // admin down
    await eventually('admin down', () => links().at(-1)?.up === false, ms(5000), 50);
    await lab.exec(A, 'ip', ['link', 'set', 'eth0', 'up']);
    await eventually('admin up', () => links().at(-1)?.up === true, ms(5000), 50);
  });

  await t.test('tshark decodes every captured VRRP packet as valid, and the GARP and NA', async () => {
    await sleep(ms(300));
    tcpdump!.kill('SIGINT');
    await eventually('tcpdump to flush', () => tcpdump!.exitCode !== null || tcpdump!.signalCode !== null, ms(10_000), 50);
    const vrrp = (
      await run(
        'tshark',
        [
          '-r',
          pcap,
          '-Y',
          'vrrp',
          '-T',
          'fields',
          '-E',
          'separator=,',
          '-e',
          'vrrp.version',
          '-e',
          'vrrp.virt_rtr_id',
          '-e',
          'vrrp.checksum.status',
          '-e',
          'ip.ttl',
          '-e',
          'ipv6.hlim',
          '-e',
          '_ws.expert.severity',
        ],
        { timeoutMs: 20_000 },
      )
    ).stdout
      .trim()
      .split('\n')
      .map((l) => l.split(','));
    const vrids = new Set(vrrp.map((f) => f[1]));
    for (const id of ['51', '52', '53', '54', '55', '56']) assert.ok(vrids.has(id), `VRID ${id} captured and decoded: ${JSON.stringify(vrrp)}`);
    for (const f of vrrp) {
      assert.equal(f[2], '1', `checksum good: ${f.join(',')}`); // 1 = Good in Wireshark's checksum status
      assert.equal(f[3] || f[4], '255', `TTL/hop limit 255: ${f.join(',')}`);
      assert.equal(f[5] ?? '', '', `no expert info: ${f.join(',')}`);
    }
    // GARP and NA: the same form as keepalived's own (captured above from the real daemon).
    const fields = [
      'eth.dst',
      'arp.opcode',
      'arp.src.hw_mac',
      'arp.src.proto_ipv4',
      'arp.dst.hw_mac',
      'arp.dst.proto_ipv4',
      'icmpv6.nd.na.target_address',
      'icmpv6.nd.na.flag',
      'icmpv6.opt.linkaddr',
      'ipv6.src',
      'ipv6.dst',
      'ipv6.hlim',
      'icmpv6.checksum.status',
    ];
    const rows = (await run('tshark', ['-r', pcap, '-Y', '(arp && arp.isgratuitous == 1) || icmpv6.type == 136', '-T', 'fields', ...fields.flatMap((f) => ['-e', f])], { timeoutMs: 20_000 })).stdout
      .trim()
      .split('\n')
      .map((l) => Object.fromEntries(l.split('\t').map((v, i) => [fields[i], v])) as Record<string, string>);
    const dump = rows.map((r) => JSON.stringify(r)).join('\n');
    const garpOurs = rows.find((r) => r['arp.src.proto_ipv4'] === '192.168.77.100');
    const garpKa = rows.find((r) => r['arp.src.proto_ipv4'] === '192.168.77.200');
    assert.ok(garpOurs && garpKa, `our and keepalived's GARP captured:\n${dump}`);
    assert.equal(garpOurs['arp.src.hw_mac'], macA);
    assert.equal(garpOurs['arp.dst.proto_ipv4'], '192.168.77.100');
    const form = (r: Record<string, string>) => [r['eth.dst'], r['arp.opcode'], r['arp.dst.hw_mac']];
    assert.deepEqual(form(garpOurs), form(garpKa), 'same ARP form as keepalived (request, broadcast)');
    const naOurs = rows.find((r) => r['icmpv6.nd.na.target_address'] === 'fd77::100');
    const naKa = rows.find((r) => r['icmpv6.nd.na.target_address'] === 'fd77::200');
    const naFallback = rows.find((r) => r['icmpv6.nd.na.target_address'] === 'fd77::999');
    assert.ok(naOurs && naKa && naFallback, `our and keepalived's NA captured:\n${dump}`);
    assert.equal(naOurs['icmpv6.opt.linkaddr'], macA);
    assert.deepEqual([naOurs['ipv6.dst'], naOurs['ipv6.hlim'], naOurs['icmpv6.checksum.status']], ['ff02::1', '255', '1']);
    assert.equal(naOurs['icmpv6.nd.na.flag'], naKa['icmpv6.nd.na.flag'], 'same flags as keepalived (Override only)');
    assert.equal(naOurs['ipv6.src'], 'fd77::100', 'source = the VIP, as keepalived (which sends from fd77::200)');
    assert.equal(naKa['ipv6.src'], 'fd77::200');
    assert.match(naFallback['ipv6.src']!, /^fe80:/);
  });
});

/** Raw sockets need root (CAP_NET_RAW), not namespaces. */
const NO_RAW_SOCKETS = process.getuid?.() !== 0 && 'needs root for raw sockets';

async function readdirNames(dir: string): Promise<string[]> {
  const { readdir } = await import('node:fs/promises');
  return readdir(dir);
}

test('native addon reports errors as errno-named JS errors', { skip: NO_RAW_SOCKETS }, async () => {
  const { createRequire } = await import('node:module');
  const native = createRequire(import.meta.url)(ADDON) as import('../../src/native/addon.js').HalbNative;
  assert.throws(() => native.openRaw(5 as 4, 112), { code: 'ERR_INVALID_ARG' });
  const fd = native.openRaw(4, 112);
  try {
    assert.throws(() => native.bindToDevice(fd, 'nosuchdev0'), { code: 'ENODEV', syscall: 'setsockopt(SO_BINDTODEVICE)' });
    assert.throws(() => native.joinMulticast(fd, '224.0.0.18', 999_999), { code: 'ENODEV' });
    assert.throws(() => native.sendTo(fd, 'not-an-ip', new Uint8Array(4)), { code: 'ERR_INVALID_ARG' });
    native.bindToDevice(fd, 'lo'); // no VRRP on loopback
    assert.equal(native.recvFrom(fd), null, 'nothing queued: null, not a block');
  } finally {
    native.close(fd);
  }
  assert.throws(() => native.close(fd), { code: 'EBADF', errno: -9 });
  assert.throws(() => native.sendGratuitousArp('nosuchdev0', '10.0.0.1', 1), { code: 'ENODEV' });
  assert.throws(() => native.bindToDevice(0, 'x'.repeat(16)), { code: 'ERR_INVALID_ARG' }, 'overlong name refused, not truncated');
});

test('a worker thread that exits with a running watcher does not take the process down', { skip: NO_RAW_SOCKETS }, async () => {
  const { Worker } = await import('node:worker_threads');
  const code = `
    const native = require(${JSON.stringify(ADDON)});
    const fd = native.openRaw(4, 112);
    native.bindToDevice(fd, 'lo');
    native.pollStart(fd, () => {});
    require('node:worker_threads').parentPort.postMessage('polling');
  `;
  const w = new Worker(code, { eval: true });
  const first = await new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
  assert.equal(first, 'polling');
  // The watcher keeps the worker's loop alive; terminating it runs the env cleanup hook.
  const exitCode = await w.terminate();
  assert.equal(typeof exitCode, 'number');
});
