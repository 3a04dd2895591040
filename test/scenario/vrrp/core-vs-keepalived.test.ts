// halb's VRRP core (codec + machine + runtime) in one group with the real keepalived, over a veth
// pair between two network namespaces created here. Proves both directions on the wire:
//   keepalived MASTER -> halb (higher priority) takes over, keepalived goes BACKUP (it accepted
//   our adverts: checksum, auth, addresses, interval);
//   halb stops cleanly -> keepalived takes over on our priority-0 advert, and halb, holding the VIP
//   meanwhile (make-before-break), lets go when it hears keepalived's advert.
// The socket is a test-only raw relay in Python (test/helpers/raw-relay.py) until the real
// raw-socket transport lands. Needs root, keepalived and python3; skips with a message otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { VrrpRuntime } from '../../../src/vrrp/runtime.js';
import { MemoryVipManager } from '../../../src/vip/memory.js';
import { monotonicClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/log/logger.js';
import type { ReceivedVrrp, VrrpTransport } from '../../../src/vrrp/transport.js';
import type { Phase } from '../../../src/vrrp/machine.js';
import { instance } from '../../helpers/vrrp-instance.js';
import { TIMESCALE as SCALE } from '../../helpers/timescale.js';
import { eventually } from '../../helpers/eventually.js';

const RELAY = fileURLToPath(new URL('../../../../test/helpers/raw-relay.py', import.meta.url));
const have = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const skip = process.getuid?.() !== 0 ? 'needs root (network namespaces)' : !have('keepalived') ? 'keepalived not installed' : !have('python3') ? 'python3 not installed (test relay)' : false;

class RelayTransport implements VrrpTransport {
  readonly family = 4 as const;
  private readonly listeners: Array<(p: ReceivedVrrp) => void> = [];
  private readonly proc: ChildProcess;
  readonly ready: Promise<void>;

  constructor(
    ns: string,
    ifname: string,
    readonly localAddress: string,
  ) {
    this.proc = spawn('ip', ['netns', 'exec', ns, 'python3', RELAY, ifname, localAddress], { stdio: ['pipe', 'pipe', 'inherit'] });
    const lines = createInterface({ input: this.proc.stdout! });
    this.ready = new Promise((resolve, reject) => {
      this.proc.once('exit', (code) => reject(new Error(`relay exited ${code}`)));
      lines.on('line', (l) => {
        const m = JSON.parse(l) as { ready?: boolean; src: string; dst: string; ttl: number; hex: string };
        if (m.ready) return resolve();
        const p: ReceivedVrrp = { src: m.src, dst: m.dst, ttl: m.ttl, payload: Uint8Array.from(Buffer.from(m.hex, 'hex')) };
        for (const f of this.listeners) f(p);
      });
    });
  }
  send(payload: Uint8Array, dest?: string): void {
    this.proc.stdin!.write(JSON.stringify({ hex: Buffer.from(payload).toString('hex'), dest: dest ?? null }) + '\n');
  }
  onPacket(l: (p: ReceivedVrrp) => void): void {
    this.listeners.push(l);
  }
  close(): void {
    if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
  }
}

let seq = 0;

interface Variant {
  version: 2 | 3;
  advertSecs: number;
  pass?: string;
  unicast?: boolean;
  /** 'halb-wins' (default): halb 150 vs keepalived 100. 'keepalived-wins': halb 100 vs keepalived 200,
   *  then keepalived gets SIGTERM and halb takes over on its priority-0 advert. */
  mode?: 'halb-wins' | 'keepalived-wins';
}

async function scenario(t: { after: (f: () => unknown) => void; diagnostic: (m: string) => void }, v: Variant): Promise<void> {
  const suf = `${process.pid % 100000}${seq++}`;
  const nsA = `hvA${suf}`;
  const nsK = `hvK${suf}`;
  const vA = `hvA${suf}a`.slice(0, 15);
  const vK = `hvK${suf}k`.slice(0, 15);
  const dir = mkdtempSync(join(tmpdir(), 'halb-vka-'));
  let keepalived: ChildProcess | undefined;
  let transport: RelayTransport | undefined;
  let rt: VrrpRuntime | undefined;
  t.after(() => {
    rt?.halt();
    transport?.close();
    if (keepalived && keepalived.exitCode === null) keepalived.kill('SIGKILL');
    spawnSync('ip', ['netns', 'del', nsA]);
    spawnSync('ip', ['netns', 'del', nsK]);
    rmSync(dir, { recursive: true, force: true });
  });
  const ip = (...args: string[]): void => {
    const r = spawnSync('ip', args, { encoding: 'utf8' });
    assert.equal(r.status, 0, `ip ${args.join(' ')}: ${r.stderr}`);
  };
  ip('netns', 'add', nsA);
  ip('netns', 'add', nsK);
  ip('link', 'add', vA, 'netns', nsA, 'type', 'veth', 'peer', 'name', vK, 'netns', nsK);
  ip('-n', nsA, 'addr', 'add', '10.98.0.1/24', 'dev', vA);
  ip('-n', nsK, 'addr', 'add', '10.98.0.2/24', 'dev', vK);
  for (const [ns, dev] of [
    [nsA, vA],
    [nsK, vK],
  ] as const) {
    ip('-n', ns, 'link', 'set', 'lo', 'up');
    ip('-n', ns, 'link', 'set', dev, 'up');
  }

  const conf = join(dir, 'keepalived.conf');
  writeFileSync(
    conf,
    [
      'global_defs {',
      '  router_id ka_interop',
      '  enable_script_security',
      '}',
      'vrrp_instance VI_1 {',
      `  interface ${vK}`,
      '  state BACKUP',
      '  virtual_router_id 61',
      `  priority ${v.mode === 'keepalived-wins' ? 200 : 100}`,
      `  advert_int ${v.advertSecs}`,
      `  version ${v.version}`,
      ...(v.pass ? ['  authentication {', '    auth_type PASS', `    auth_pass ${v.pass}`, '  }'] : []),
      ...(v.unicast ? ['  unicast_src_ip 10.98.0.2', '  unicast_peer {', '    10.98.0.1', '  }'] : []),
      '  virtual_ipaddress {',
      '    10.98.0.100/24',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  let kaLog = '';
  keepalived = spawn('ip', ['netns', 'exec', nsK, 'keepalived', '--vrrp', '--dont-fork', '--log-console', '--no-syslog', '-f', conf, '-p', join(dir, 'k.pid'), '-r', join(dir, 'v.pid')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  keepalived.stdout!.on('data', (d: Buffer) => (kaLog += d.toString()));
  keepalived.stderr!.on('data', (d: Buffer) => (kaLog += d.toString()));
  const kaCount = (what: 'MASTER' | 'BACKUP'): number => kaLog.split(`Entering ${what} STATE`).length - 1;
  const until = (what: string, pred: () => boolean, ms: number): Promise<unknown> =>
    eventually(what, pred, ms * SCALE, 20).catch((e: Error) => {
      throw new Error(`${e.message}\n--- keepalived log ---\n${kaLog}`);
    });
  const advertMs = v.advertSecs * 1000;
  await until('keepalived MASTER', () => kaCount('MASTER') >= 1, 6 * advertMs + 5000);

  // halb joins with a higher priority and takes over.
  transport = new RelayTransport(nsA, vA, '10.98.0.1');
  await transport.ready;
  const vips = new MemoryVipManager();
  const inst = instance({
    vrid: 61,
    priority: v.mode === 'keepalived-wins' ? 100 : 150,
    advertInt: advertMs,
    version: v.version,
    interface: vA,
    vips: ['10.98.0.100'],
    ...(v.pass ? { auth: { type: 'PASS' as const, password: v.pass } } : {}),
    ...(v.unicast ? { unicastSrcIp: '10.98.0.1', unicastPeers: ['10.98.0.2'] } : {}),
  });
  const tr = transport;
  rt = new VrrpRuntime({ instances: [inst] }, { clock: monotonicClock, logger: silentLogger(), vips, transportFor: () => tr });
  const transitions: Array<{ to: Phase; reason: string }> = [];
  rt.onTransition((_i, _f, to, reason) => transitions.push({ to, reason }));
  const state = (): Phase => rt!.status()[0]!.state;
  rt.start();
  if (v.mode === 'keepalived-wins') {
    await new Promise((r) => setTimeout(r, 6 * advertMs));
    assert.equal(state(), 'BACKUP', 'halb follows the higher-priority keepalived master');
    assert.equal(kaCount('BACKUP'), 1, 'keepalived never stepped down');
    const heard = rt.counters().VI_1!.rxAccepted;
    assert.ok(heard >= 3, `halb accepted keepalived adverts (${heard})`);
    const term = performance.now();
    keepalived.kill('SIGTERM');
    await until('halb MASTER after keepalived stops', () => state() === 'MASTER', 4 * advertMs + 3000);
    const took = transitions.at(-1)!;
    t.diagnostic(`halb took over ${(performance.now() - term).toFixed(0)} ms after SIGTERM (${took.reason})`);
    // unicast, keepalived is our only peer: we know we are the best remaining candidate
    assert.equal(took.reason, v.unicast ? 'fast-takeover' : 'master-down');
    return;
  }
  await until('halb MASTER', () => state() === 'MASTER', 6 * advertMs + 5000);
  await until('keepalived back to BACKUP', () => kaCount('BACKUP') >= 2, 4 * advertMs + 3000);
  await new Promise((r) => setTimeout(r, 3 * advertMs));
  assert.equal(state(), 'MASTER', 'halb stays master: keepalived accepts our adverts and does not fight');
  const c = rt.counters().VI_1!;
  t.diagnostic(`halb counters: ${JSON.stringify({ rxAccepted: c.rxAccepted, rxRejected: c.rxRejected, txAdverts: c.txAdverts })}`);
  assert.ok(c.rxAccepted >= 1, 'halb accepted keepalived adverts');
  assert.equal(
    Object.values(c.rxRejected).reduce((a, b) => a + b, 0),
    0,
    'no keepalived advert rejected',
  );
  assert.ok(vips.has('10.98.0.100'));

  // Clean stop: keepalived takes over on our priority-0 advert; we keep the VIP until we hear it.
  const mastersBefore = kaCount('MASTER');
  await rt.stop();
  assert.equal(transitions.at(-1)!.reason, 'new-master-heard', 'halb let go on hearing keepalived as the new master');
  await until('keepalived MASTER again', () => kaCount('MASTER') > mastersBefore, 2000);
  assert.ok(!vips.has('10.98.0.100'));
}

test('VRRPv3 multicast: keepalived <-> halb core, both directions', { skip }, async (t) => {
  await scenario(t, { version: 3, advertSecs: 0.2 });
});

test('VRRPv2 PASS multicast: keepalived <-> halb core, both directions', { skip }, async (t) => {
  await scenario(t, { version: 2, advertSecs: 1, pass: 'halbpw' });
});

test('VRRPv3 unicast: keepalived <-> halb core, both directions', { skip }, async (t) => {
  await scenario(t, { version: 3, advertSecs: 0.2, unicast: true });
});

test('VRRPv3 multicast: halb backs up keepalived and takes over after skew on its SIGTERM', { skip }, async (t) => {
  await scenario(t, { version: 3, advertSecs: 0.2, mode: 'keepalived-wins' });
});

test('VRRPv3 unicast: halb takes over at once on keepalived SIGTERM (fast takeover)', { skip }, async (t) => {
  await scenario(t, { version: 3, advertSecs: 0.2, unicast: true, mode: 'keepalived-wins' });
});
