// VrrpRuntime.reload: a plan applied to a live runtime. One router on capture transports with a
// manual clock; the peer is played by injecting its adverts, so every step is deterministic:
// a master is made by a priority-0 advert from the only unicast peer (fast takeover, no timer).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VrrpRuntime } from '../../../src/vrrp/runtime.js';
import { planVrrpReload } from '../../../src/vrrp/reload-plan.js';
import { advertPolicy, ourAdvert } from '../../../src/vrrp/validate.js';
import { decodeAdvert, encodeAdvert } from '../../../src/vrrp/packet.js';
import { emptyVrrpConfig, type VrrpConfig, type VrrpInstance, type VrrpScript } from '../../../src/config/model-vrrp.js';
import { MemoryVipManager } from '../../../src/vip/memory.js';
import { ManualClock } from '../../../src/util/clock.js';
import { captureLogger } from '../../helpers/log-capture.js';
import type { ReceivedVrrp, VrrpTransport } from '../../../src/vrrp/transport.js';
import type { Phase } from '../../../src/vrrp/machine.js';
import { instance, vip } from '../../helpers/vrrp-instance.js';

const ME = '10.0.0.1';
const PEER = '10.0.0.2';

class CaptureTransport implements VrrpTransport {
  readonly family = 4 as const;
  readonly localAddress = ME;
  listeners: Array<(p: ReceivedVrrp) => void> = [];
  sent: Uint8Array[] = [];
  closed = false;
  send(payload: Uint8Array): void {
    this.sent.push(payload);
  }
  onPacket(l: (p: ReceivedVrrp) => void): void {
    this.listeners.push(l);
  }
  close(): void {
    this.closed = true;
    this.listeners = [];
  }
}

function inst(name: string, vrid: number, over: Partial<VrrpInstance> & { vips?: string[] } = {}): VrrpInstance {
  return instance({ name, vrid, priority: 100, advertInt: 1000, unicastPeers: [PEER], unicastSrcIp: ME, garp: { masterDelay: 0, masterRepeat: 1, masterRefreshRepeat: 1, interval: 0 }, ...over });
}

function config(instances: VrrpInstance[], over: Partial<VrrpConfig> = {}): VrrpConfig {
  return { ...emptyVrrpConfig(), instances, ...over };
}

const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

function harness(t: { after: (f: () => unknown) => void }, running: VrrpConfig) {
  const clock = new ManualClock(1000);
  const vips = new MemoryVipManager();
  const transports = new Map<string, CaptureTransport>();
  const all: CaptureTransport[] = [];
  const { logger, lines: logs } = captureLogger();
  const transitions: string[] = [];
  let current = running;
  const rt = new VrrpRuntime(
    { ...running, releaseGraceMs: 1 },
    {
      clock,
      logger,
      vips,
      transportFor: (i) => {
        if (i.interface === 'missing0') throw new Error('interface missing0 does not exist');
        const tr = new CaptureTransport();
        transports.set(i.name, tr);
        all.push(tr);
        return tr;
      },
    },
  );
  rt.onTransition((name, from, to, reason) => transitions.push(`${name}:${from}->${to}(${reason})`));
  t.after(() => rt.halt());
  rt.start();
  /** An advert from the peer for `name`, as its own config (VIPs, VRID) would send it. */
  const fromPeer = (name: string, priority: number, def?: VrrpInstance): void => {
    const d = def ?? current.instances.find((i) => i.name === name)!;
    const payload = encodeAdvert(ourAdvert(advertPolicy(d), priority), { src: PEER, dst: ME, pseudoHeader: true });
    for (const l of transports.get(name)!.listeners) l({ src: PEER, dst: ME, ttl: 255, payload });
  };
  const state = (name: string): Phase | undefined => rt.status().find((s) => s.name === name)?.state;
  const lastAdvert = (name: string) => {
    const sent = transports.get(name)!.sent;
    const d = decodeAdvert(sent[sent.length - 1]!, 4, { src: ME, dst: PEER, pseudoHeader: true });
    assert.ok(d.ok);
    return d.advert;
  };
  const reload = async (next: VrrpConfig) => {
    const plan = planVrrpReload(current, next);
    const failed = await rt.reload(next, plan);
    current = next;
    await flush();
    return { plan, failed };
  };
  const makeMaster = async (name: string) => {
    fromPeer(name, 0);
    await flush();
    assert.equal(state(name), 'MASTER');
  };
  return { clock, vips, transports, all, logs, transitions, rt, fromPeer, state, lastAdvert, reload, makeMaster };
}

test('update on a master: an added VIP appears, nothing else moves, the next advert carries it', async (t) => {
  const A = inst('A', 1, { vips: ['10.0.0.100'] });
  const h = harness(t, config([A]));
  await h.makeMaster('A');
  const before = h.transitions.length;
  const { plan } = await h.reload(config([{ ...A, virtualAddresses: [vip('10.0.0.100'), vip('10.0.0.101')] }]));
  assert.equal(plan.byName.A!.action, 'update');
  assert.equal(h.state('A'), 'MASTER');
  assert.equal(h.transitions.length, before, 'no transition');
  assert.ok(h.vips.has('10.0.0.100') && h.vips.has('10.0.0.101'));
  const ops = h.vips.ops.map((o) => `${o.op} ${o.address}`);
  assert.equal(ops.filter((o) => o === 'add 10.0.0.100').length, 1, 'the kept VIP was not re-added');
  assert.ok(ops.includes('announce 10.0.0.101'), 'the new VIP was announced');
  // a lower advert from the peer is answered at once: the answer carries both addresses
  h.fromPeer('A', 50, { ...A, virtualAddresses: [vip('10.0.0.100'), vip('10.0.0.101')] });
  assert.deepEqual(h.lastAdvert('A').addresses, ['10.0.0.100', '10.0.0.101']);
  const line = h.logs.find((l) => l.event === 'vrrp_reload');
  assert.deepEqual(
    { instance: line?.instance, action: line?.action, changes: line?.changes, added: line?.vipsAdded },
    { instance: 'A', action: 'update', changes: ['virtualAddresses'], added: ['10.0.0.101'] },
  );
});

test('update on a master: a removed VIP goes, the others stay', async (t) => {
  const A = inst('A', 1, { vips: ['10.0.0.100', '10.0.0.101'] });
  const h = harness(t, config([A]));
  await h.makeMaster('A');
  await h.reload(config([{ ...A, virtualAddresses: [vip('10.0.0.100')] }]));
  assert.equal(h.state('A'), 'MASTER');
  assert.ok(h.vips.has('10.0.0.100'));
  assert.ok(!h.vips.has('10.0.0.101'));
  assert.deepEqual(
    h.vips.ops.filter((o) => o.op === 'remove').map((o) => o.address),
    ['10.0.0.101'],
  );
});

test('update on a backup: VIP changes touch no address', async (t) => {
  const A = inst('A', 1, { vips: ['10.0.0.100'] });
  const h = harness(t, config([A]));
  h.fromPeer('A', 150);
  await h.reload(config([{ ...A, virtualAddresses: [vip('10.0.0.100'), vip('10.0.0.101')] }]));
  assert.equal(h.state('A'), 'BACKUP');
  assert.deepEqual(h.vips.ops, []);
});

test('a lower priority on a master is advertised at once; a better peer then preempts it', async (t) => {
  const A = inst('A', 1);
  const h = harness(t, config([A]));
  await h.makeMaster('A');
  await h.reload(config([{ ...A, priority: 40 }]));
  assert.equal(h.state('A'), 'MASTER');
  assert.equal(h.lastAdvert('A').priority, 40);
  h.fromPeer('A', 90);
  await flush();
  assert.equal(h.state('A'), 'BACKUP');
  assert.equal(h.transitions.at(-1), 'A:MASTER->BACKUP(higher-priority)');
});

test('a changed track weight reaches the running machine (vrrp_script change)', async (t) => {
  const chk: VrrpScript = { name: 'chk', script: '/bin/true', interval: 1000, fall: 1, rise: 1, weight: -10, weightReverse: false };
  const A = inst('A', 1, { trackScripts: [{ name: 'chk' }] });
  const h = harness(t, config([A], { scripts: [chk] }));
  await h.makeMaster('A');
  h.rt.setTrack('script:chk', { ok: false });
  assert.equal(h.rt.status()[0]!.priority, 90);
  const { plan } = await h.reload(config([A], { scripts: [{ ...chk, weight: -70 }] }));
  assert.deepEqual(plan.byName.A!.changes, ['script:chk']);
  assert.equal(h.rt.status()[0]!.priority, 30);
  assert.equal(h.lastAdvert('A').priority, 30);
  assert.equal(h.state('A'), 'MASTER');
});

test('keep leaves an instance untouched while its neighbour is updated', async (t) => {
  const A = inst('A', 1);
  const B = inst('B', 2, { vips: ['10.0.0.200'] });
  const h = harness(t, config([A, B]));
  await h.makeMaster('A');
  await h.makeMaster('B');
  const sentA = h.transports.get('A')!.sent.length;
  const { plan } = await h.reload(config([A, { ...B, priority: 120 }]));
  assert.deepEqual(
    plan.instances.map((p) => p.action),
    ['keep', 'update'],
  );
  assert.equal(h.transports.get('A')!.sent.length, sentA, 'nothing sent for the kept instance');
  assert.equal(h.logs.filter((l) => l.event === 'vrrp_reload').length, 1, 'one line, for the change only');
  assert.equal(h.rt.status().find((s) => s.name === 'B')!.priority, 120);
});

test('remove: a master stops cleanly with priority 0 and keeps the VIP until the peer is heard', async (t) => {
  const A = inst('A', 1, { vips: ['10.0.0.100'] });
  const B = inst('B', 2, { vips: ['10.0.0.200'] });
  const h = harness(t, config([A, B]));
  await h.makeMaster('A');
  await h.makeMaster('B');
  const trA = h.transports.get('A')!;
  const reloading = h.reload(config([B]));
  await flush();
  assert.equal(h.state('A'), 'STOPPING');
  assert.equal(h.lastAdvert('A').priority, 0);
  assert.ok(h.vips.has('10.0.0.100'), 'make-before-break: still held');
  h.fromPeer('A', 100, A); // the peer took over
  const { failed } = await reloading;
  assert.deepEqual(failed, []);
  await new Promise((r) => setTimeout(r, 20)); // release grace (1 ms here)
  assert.ok(!h.vips.has('10.0.0.100'));
  assert.ok(trA.closed, 'its transport was closed');
  assert.deepEqual(
    h.rt.status().map((s) => `${s.name}=${s.state}`),
    ['B=MASTER'],
  );
  assert.ok(h.vips.has('10.0.0.200'));
});

test('restart: the old instance hands over, the new one starts on a new transport', async (t) => {
  const A = inst('A', 1, { vips: ['10.0.0.100'] });
  const h = harness(t, config([A]));
  await h.makeMaster('A');
  const oldTr = h.transports.get('A')!;
  const A2 = { ...A, vrid: 9 };
  const reloading = h.reload(config([A2]));
  await flush();
  assert.equal(h.state('A'), 'STOPPING');
  h.fromPeer('A', 100, A);
  const { plan, failed } = await reloading;
  assert.equal(plan.byName.A!.action, 'restart');
  assert.deepEqual(failed, []);
  assert.ok(oldTr.closed);
  const newTr = h.transports.get('A')!;
  assert.notEqual(newTr, oldTr);
  assert.equal(h.state('A'), 'BACKUP');
  assert.ok(h.transitions.includes('A:STOPPING->STOPPED(new-master-heard)'));
  assert.ok(h.transitions.at(-1) === 'A:INIT->BACKUP(startup)');
  // the new instance runs VRID 9: it follows a VRID 9 master
  h.fromPeer('A', 0, A2);
  await flush();
  assert.equal(h.state('A'), 'MASTER');
  assert.equal(h.lastAdvert('A').vrid, 9);
  // a packet on the old transport's listener is ignored (it was unsubscribed by close)
  assert.equal(oldTr.listeners.length, 0);
});

test('add: a new instance starts; a failing one is reported, the rest keeps running', async (t) => {
  const A = inst('A', 1);
  const h = harness(t, config([A]));
  await h.makeMaster('A');
  const { failed } = await h.reload(config([A, inst('B', 2), inst('C', 3, { interface: 'missing0' })]));
  assert.deepEqual(
    failed.map((f) => `${f.instance}:${f.action}`),
    ['C:add'],
  );
  assert.match(failed[0]!.error, /missing0/);
  assert.deepEqual(
    h.rt.status().map((s) => `${s.name}=${s.state}`),
    ['A=MASTER', 'B=BACKUP'],
  );
  assert.ok(h.logs.some((l) => l.level === 50 && l.event === 'vrrp_reload_failed' && l.instance === 'C'));
});

test('a backup removed by reload stops at once', async (t) => {
  const A = inst('A', 1);
  const h = harness(t, config([A]));
  h.fromPeer('A', 150);
  const { failed } = await h.reload(config([]));
  assert.deepEqual(failed, []);
  assert.deepEqual(h.rt.status(), []);
  assert.equal(h.transports.get('A')!.sent.length, 0, 'a backup sends nothing on stop');
});

test('stop() during a reload waiting on a hand-over starts nothing new', async (t) => {
  const A = inst('A', 1);
  const h = harness(t, config([A]));
  await h.makeMaster('A');
  const reloading = h.reload(config([{ ...A, vrid: 9 }]));
  await flush();
  const stopping = h.rt.stop();
  h.fromPeer('A', 100, A);
  await Promise.all([reloading, stopping]);
  assert.equal(h.all.length, 1, 'no transport opened for the restart');
  assert.deepEqual(
    h.rt.status().map((s) => s.state),
    ['STOPPED'],
  );
});

test('sync group membership follows the reload', async (t) => {
  const A = inst('A', 1);
  const B = inst('B', 2);
  const h = harness(t, config([A, B]));
  h.fromPeer('A', 150);
  h.fromPeer('B', 150);
  await h.reload(config([A, B], { syncGroups: [{ name: 'G', members: ['A', 'B'], notify: {} }] }));
  // A takes over: B follows as a group member now
  h.fromPeer('A', 0);
  await flush();
  assert.deepEqual(
    h.rt.status().map((s) => `${s.name}=${s.state}`),
    ['A=MASTER', 'B=MASTER'],
  );
});
