// Event-loop stalls (GC, a blocking call, SIGSTOP): the runtime's timer fires long after its
// deadline while the peers' adverts wait in the socket. The runtime re-checks them before it
// acts on its timers, then feeds the stall to the machine, which re-announces a MASTER that was
// silent for Master_Down_Interval; the stall is logged and counted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VrrpRuntime } from '../../../src/vrrp/runtime.js';
import { advertPolicy, ourAdvert } from '../../../src/vrrp/validate.js';
import { decodeAdvert, encodeAdvert } from '../../../src/vrrp/packet.js';
import { MemoryVipManager } from '../../../src/vip/memory.js';
import { ManualClock } from '../../../src/util/clock.js';
import { initialState, step, type MachineState } from '../../../src/vrrp/machine.js';
import { machineConfig } from '../../../src/vrrp/machine-config.js';
import type { ReceivedVrrp, VrrpTransport } from '../../../src/vrrp/transport.js';
import type { VrrpInstance } from '../../../src/config/model-vrrp.js';
import { captureLogger } from '../../helpers/log-capture.js';
import { instance } from '../../helpers/vrrp-instance.js';
import { eventually } from '../../helpers/eventually.js';

const ME = '10.0.0.1';
const PEER = '10.0.0.2';

/** A transport whose received packets wait in a queue until drained, like a socket during a stall. */
class QueueTransport implements VrrpTransport {
  readonly family = 4 as const;
  readonly localAddress = ME;
  listener: ((p: ReceivedVrrp) => void) | undefined;
  readonly queue: ReceivedVrrp[] = [];
  readonly sent: number[] = [];
  send(payload: Uint8Array): void {
    const d = decodeAdvert(payload, 4, { src: ME, dst: '224.0.0.18', pseudoHeader: true });
    this.sent.push(d.ok ? d.advert.priority : -1);
  }
  onPacket(l: (p: ReceivedVrrp) => void): void {
    this.listener = l;
  }
  drain(): void {
    for (const p of this.queue.splice(0)) this.listener?.(p);
  }
  close(): void {}
}

// 10 ms adverts: the runtime's real timer fires soon and finds the manual clock far ahead.
const def: VrrpInstance = instance({ name: 'A', vrid: 7, priority: 100, advertInt: 10, vips: ['10.0.0.100'], garp: { masterDelay: 0, masterRepeat: 1, masterRefreshRepeat: 1, interval: 0 } });

function setup(t: { after: (f: () => unknown) => void }) {
  const transport = new QueueTransport();
  const clock = new ManualClock(1000);
  const log = captureLogger();
  const vips = new MemoryVipManager();
  const rt = new VrrpRuntime({ instances: [def] }, { clock, logger: log.logger, vips, transportFor: () => transport });
  t.after(() => rt.halt());
  rt.start();
  const advertFromPeer = (priority: number): ReceivedVrrp => {
    const payload = encodeAdvert(ourAdvert(advertPolicy(def), priority), { src: PEER, dst: '224.0.0.18', pseudoHeader: true });
    return { src: PEER, dst: '224.0.0.18', ttl: 255, payload };
  };
  const state = () => rt.status()[0]?.state;
  const stalls = () => rt.counters().A!.stalls;
  return { transport, clock, log, vips, rt, advertFromPeer, state, stalls };
}

const until = (what: string, cond: () => boolean, ms = 3000): Promise<unknown> => eventually(what, cond, ms, 2);

/** Brings the instance to MASTER through a stall with nothing queued (host death of the peer). */
async function toMaster(h: ReturnType<typeof setup>): Promise<void> {
  h.clock.advance(10_000);
  await until('MASTER', () => h.state() === 'MASTER');
}

test("a backup that stalls past Master_Down does not take over when the master's adverts are queued", async (t) => {
  const h = setup(t);
  h.transport.listener!(h.advertFromPeer(150));
  assert.equal(h.state(), 'BACKUP');
  h.transport.queue.push(h.advertFromPeer(150));
  h.clock.advance(5000);
  await until('the stall counted', () => h.stalls() === 1);
  assert.equal(h.state(), 'BACKUP', 'the queued advert was heard before the Master_Down deadline was acted on');
  assert.deepEqual(h.transport.sent, [], 'never advertised');
  const line = await h.log.waitFor((l) => l.event === 'vrrp_stall');
  assert.equal(line.instance, 'A');
  assert.equal(line.state, 'BACKUP');
  assert.ok((line.stallMs as number) >= 4900, `stallMs ${String(line.stallMs)}`);
  // Control: the same stall with nothing queued (the master really died) takes over.
  h.clock.advance(5000);
  await until('takeover', () => h.state() === 'MASTER');
});

test('a master that stalls past Master_Down and hears nothing advertises once and re-announces its VIPs', async (t) => {
  const h = setup(t);
  await toMaster(h);
  await until('VIP announced', () => h.vips.ops.some((o) => o.op === 'announce'));
  const sentBefore = h.transport.sent.length;
  const announcesBefore = h.vips.ops.filter((o) => o.op === 'announce').length;
  const stallsBefore = h.stalls();
  h.clock.advance(2000);
  await until('the stall counted', () => h.stalls() === stallsBefore + 1);
  assert.deepEqual(h.transport.sent.slice(sentBefore), [100], 'one advert, not one from the stall and one from the tick');
  await until('GARP again', () => h.vips.ops.filter((o) => o.op === 'announce').length > announcesBefore);
  assert.equal(h.state(), 'MASTER');
});

test('a master that stalls while a higher-priority master took over steps down without advertising first', async (t) => {
  const h = setup(t);
  await toMaster(h);
  const sentBefore = h.transport.sent.length;
  h.transport.queue.push(h.advertFromPeer(200), h.advertFromPeer(200));
  h.clock.advance(2000);
  await until('BACKUP', () => h.state() === 'BACKUP');
  assert.deepEqual(h.transport.sent.slice(sentBefore), [], 'no advert at our priority after the stall');
  assert.ok(h.stalls() >= 2);
});

test('a master that stalls while a lower-priority backup took over re-asserts with one advert', async (t) => {
  const h = setup(t);
  await toMaster(h);
  const sentBefore = h.transport.sent.length;
  const heardBefore = h.rt.counters().A!.rxAccepted;
  h.transport.queue.push(h.advertFromPeer(50));
  h.clock.advance(2000);
  await until('re-asserted', () => h.transport.sent.length > sentBefore);
  assert.equal(h.state(), 'MASTER');
  assert.equal(h.rt.counters().A!.rxAccepted, heardBefore + 1, 'the queued advert was heard before acting');
  assert.deepEqual(h.transport.sent.slice(sentBefore), [100], 'the re-assert from the queued advert; the stall and the tick add none');
});

test('sockets read before timers after the stall: the stall is still noticed once, and a better master heard first', async (t) => {
  const h = setup(t);
  await toMaster(h);
  const stallsBefore = h.stalls();
  const sentBefore = h.transport.sent.length;
  h.clock.advance(2000);
  // The loop resumes in its poll phase: a packet arrives while the timer is overdue.
  h.transport.queue.push(h.advertFromPeer(200));
  h.transport.listener!(h.advertFromPeer(200));
  assert.equal(h.stalls(), stallsBefore + 1, 'noticed from the receive path');
  assert.equal(h.state(), 'BACKUP');
  assert.deepEqual(h.transport.sent.slice(sentBefore), [], 'stepped down without advertising at our priority');
  // The overdue timer fires next: the same stall is not counted twice.
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(h.stalls(), stallsBefore + 1);
  assert.equal(h.log.lines.filter((l) => l.event === 'vrrp_stall').length, stallsBefore + 1);
});

// The pure decision.
function master(): MachineState {
  const cfg = machineConfig(def, { primaryAddress: ME });
  let s = step(initialState(cfg), { type: 'start' }, 0).state;
  s = step(s, { type: 'tick' }, 10_000).state; // Master_Down fired
  assert.equal(s.phase, 'MASTER');
  return s;
}

test('machine: a stall of Master_Down_Interval or more makes a MASTER advertise and re-announce; shorter ones do nothing', () => {
  const s = master();
  const at = s.deadlines.advert! + 1000;
  assert.deepEqual(step(s, { type: 'stall', ms: 1000 }, at).effects, [
    { type: 'SendAdvert', priority: 100 },
    { type: 'SendGarp', count: 1 },
  ]);
  assert.equal(step(s, { type: 'stall', ms: 1000 }, at).state.deadlines.advert, at + 10);
  assert.deepEqual(step(s, { type: 'stall', ms: 25 }, s.deadlines.advert! + 25).effects, [], 'under 3 intervals: the tick advertises');
  const backup = step(initialState(machineConfig(def, { primaryAddress: ME })), { type: 'start' }, 0).state;
  assert.deepEqual(step(backup, { type: 'stall', ms: 1000 }, 1000).effects, []);
  // Re-asserted against a lower-priority master while draining: the advert timer is in the future.
  const reasserted = step(s, { type: 'advert', src: PEER, priority: 50, advertInt: 10 }, at);
  assert.ok(reasserted.effects.some((e) => e.type === 'SendAdvert'));
  assert.deepEqual(step(reasserted.state, { type: 'stall', ms: 1000 }, at).effects, []);
});
