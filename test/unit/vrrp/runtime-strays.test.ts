// ForwardStrays in the runtime: a takeover from a stopping master installs the hand-over
// forwarding (to that master, for the configured window) before the VIPs are added; a forwarder
// that hangs delays the takeover by a bounded time only; a plain Master_Down asks for nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VrrpRuntime } from '../../../src/vrrp/runtime.js';
import { advertPolicy, ourAdvert } from '../../../src/vrrp/validate.js';
import { encodeAdvert } from '../../../src/vrrp/packet.js';
import { MemoryVipManager } from '../../../src/vip/memory.js';
import { ManualClock } from '../../../src/util/clock.js';
import { silentLogger } from '../../../src/log/logger.js';
import type { StrayForwardRequest, StrayForwarder } from '../../../src/vip/types.js';
import type { ReceivedVrrp, VrrpTransport } from '../../../src/vrrp/transport.js';
import type { VrrpInstance } from '../../../src/config/model-vrrp.js';
import { instance } from '../../helpers/vrrp-instance.js';
import { eventually } from '../../helpers/eventually.js';

const ME = '10.0.0.1';
const PEER = '10.0.0.2';

class CaptureTransport implements VrrpTransport {
  readonly family = 4 as const;
  readonly localAddress = ME;
  listener: ((p: ReceivedVrrp) => void) | undefined;
  send(): void {}
  onPacket(l: (p: ReceivedVrrp) => void): void {
    this.listener = l;
  }
  close(): void {}
}

class FakeStrays implements StrayForwarder {
  readonly calls: StrayForwardRequest[] = [];
  constructor(
    private readonly order: string[],
    private readonly hang = false,
  ) {}
  forward(req: StrayForwardRequest): Promise<boolean> {
    this.calls.push(req);
    this.order.push(`forward ${req.peer}`);
    return this.hang ? new Promise(() => undefined) : Promise.resolve(true);
  }
  async close(): Promise<void> {}
  async cleanupStale(): Promise<void> {}
}

class OrderedVips extends MemoryVipManager {
  constructor(private readonly order: string[]) {
    super();
  }
  override async add(...args: Parameters<MemoryVipManager['add']>): Promise<void> {
    this.order.push(`add ${args[0].address}`);
    return super.add(...args);
  }
}

function setup(t: { after: (f: () => unknown) => void }, def: VrrpInstance, hang = false) {
  const order: string[] = [];
  const strays = new FakeStrays(order, hang);
  const transport = new CaptureTransport();
  const clock = new ManualClock(1000);
  const rt = new VrrpRuntime({ instances: [def], strayForwardMs: 300 }, { clock, logger: silentLogger(), vips: new OrderedVips(order), strays, transportFor: () => transport });
  t.after(() => rt.halt());
  rt.start();
  const fromPeer = (priority: number) => {
    const payload = encodeAdvert(ourAdvert(advertPolicy(def), priority), { src: PEER, dst: ME, pseudoHeader: true });
    transport.listener!({ src: PEER, dst: ME, ttl: 255, payload });
  };
  const state = () => rt.status()[0]?.state;
  return { order, strays, clock, rt, fromPeer, state };
}

const unicast = (over: Partial<VrrpInstance> = {}) => instance({ name: 'A', vrid: 7, unicastPeers: [PEER], unicastSrcIp: ME, vips: ['10.0.0.100', '10.0.0.101'], ...over });

const until = (cond: () => boolean, ms = 2000): Promise<unknown> => eventually('condition', cond, ms);

test('fast takeover from a stopping master: forwarding to it is in place before the VIPs are added', async (t) => {
  const h = setup(t, unicast());
  h.fromPeer(150);
  h.fromPeer(0);
  assert.equal(h.state(), 'MASTER');
  await until(() => h.order.length === 3);
  assert.deepEqual(h.order, [`forward ${PEER}`, 'add 10.0.0.100', 'add 10.0.0.101']);
  assert.deepEqual(h.strays.calls, [{ instance: 'A', family: 4, addresses: ['10.0.0.100', '10.0.0.101'], peer: PEER, ifname: 'eth0', durationMs: 300 }]);
});

test('a forwarder that never answers delays the VIPs by a bounded time only', async (t) => {
  const h = setup(t, unicast(), true);
  h.fromPeer(0);
  const t0 = Date.now();
  await until(() => h.order.includes('add 10.0.0.100'), 3000);
  const waited = Date.now() - t0;
  assert.ok(waited >= 200 && waited < 2000, `VIPs added after ${waited} ms`);
});

test('Master_Down without a priority-0 advert (host death): no forwarding', async (t) => {
  // 10 ms adverts: the runtime's real timer fires soon and finds the manual clock far ahead.
  const h = setup(t, unicast({ unicastPeers: [], advertInt: 10 }));
  h.fromPeer(150);
  h.clock.advance(10_000);
  await until(() => h.state() === 'MASTER' && h.order.length === 2);
  assert.deepEqual(h.order, ['add 10.0.0.100', 'add 10.0.0.101']);
});
