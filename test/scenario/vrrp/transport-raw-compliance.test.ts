// Scenario: the raw-socket VRRP transport passes the same VrrpTransport compliance suite as
// the in-memory hub (test/helpers/vrrp-transport-compliance.ts).
// Topology: three namespaces on one bridge, eth0 with 10.78.0.1-3/24 (built per test, deleted
// with it). Each endpoint is a real RawVrrpTransport inside its namespace, driven through the
// VRRP I/O agent; the suite sees it through a thin proxy (send -> agent, packets <- agent).
// Proves: multicast reaches every other endpoint intact with TTL 255 and is not looped back,
// unicast reaches only its destination, a closed endpoint receives nothing and sending from
// it does not fail.
import { test } from 'node:test';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { BareLab } from '../../../src/lab/bare-lab.js';
import { requireRoot } from '../../../src/lab/root.js';
import type { ReceivedVrrp, VrrpTransport } from '../../../src/vrrp/transport.js';
import { transportCompliance } from '../../helpers/vrrp-transport-compliance.js';
import { eventually } from '../../helpers/eventually.js';
import { scaled } from '../../helpers/timescale.js';

const AGENT = fileURLToPath(new URL('../_vrrp-io-agent.js', import.meta.url));

/** One agent process in a namespace: JSON commands in, replies and packet events out. */
class AgentEndpoint implements VrrpTransport {
  readonly family = 4 as const;
  localAddress = '';
  readonly failures: string[] = [];
  private readonly listeners: ((p: ReceivedVrrp) => void)[] = [];
  private readonly pending = new Map<number, (r: Record<string, unknown>) => void>();
  private nextId = 1;
  private ready = false;
  /** Between close() and the agent's reply: packets in this window arrived before the close. */
  private closing = false;
  private stderr = '';

  constructor(private readonly child: ChildProcess) {
    child.stderr!.on('data', (d: Buffer) => (this.stderr += d.toString()));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = JSON.parse(line) as Record<string, unknown>;
      if (m.event === 'ready') this.ready = true;
      else if (typeof m.id === 'number') this.pending.get(m.id)?.(m);
      else if (m.event === 'packet') {
        const p: ReceivedVrrp = { src: String(m.src), dst: String(m.dst), ttl: Number(m.ttl), payload: Uint8Array.from(Buffer.from(String(m.hex), 'hex')) };
        // The agent writes events and replies in order: a packet before the close reply was
        // received while open; one after it would be a closed transport delivering (reported).
        if (!this.closing) for (const l of this.listeners) l(p);
      }
    });
  }

  async open(): Promise<void> {
    await eventually(`agent ready (stderr: ${this.stderr})`, () => this.ready, scaled(10_000), 20);
    const r = await this.call({ op: 'open', tid: 't', family: 4, ifname: 'eth0' });
    if (r.ok !== true) throw new Error(`open failed: ${String(r.message)}`);
    this.localAddress = String(r.localAddress);
  }

  private call(cmd: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.child.stdin!.write(JSON.stringify({ id, ...cmd }) + '\n');
    });
  }

  send(payload: Uint8Array, dest?: string): void {
    void this.call({ op: 'send', tid: 't', hex: Buffer.from(payload).toString('hex'), ...(dest ? { dest } : {}) }).then((r) => {
      if (r.ok !== true) this.failures.push(String(r.message));
    });
  }

  onPacket(listener: (p: ReceivedVrrp) => void): void {
    this.listeners.push(listener);
  }

  close(): void {
    this.closing = true;
    void this.call({ op: 'close', tid: 't' }).then(() => (this.closing = false));
  }

  /** Resolves once every command sent so far was answered (the agent handles them in order). */
  async settled(): Promise<void> {
    await this.call({ op: 'take', tid: 'none' }).catch(() => undefined);
  }
}

const cannot = await requireRoot();
if (cannot) {
  test('raw VRRP transport compliance', { skip: cannot }, () => {});
} else {
  transportCompliance(
    'raw socket IPv4',
    async (addresses) => {
      const lab = new BareLab();
      try {
        const hosts = [await lab.netns(), await lab.netns(), await lab.netns()];
        await lab.switchWith(hosts);
        const endpoints: AgentEndpoint[] = [];
        for (const [i, ns] of hosts.entries()) {
          await lab.exec(ns, 'ip', ['addr', 'add', `${addresses[i]}/24`, 'dev', 'eth0']);
          const e = new AgentEndpoint(lab.spawn(ns, process.execPath, [AGENT]));
          await e.open();
          endpoints.push(e);
        }
        return {
          transports: endpoints,
          cleanup: async () => {
            for (const e of endpoints) await e.settled();
            await lab.cleanup();
            const failures = endpoints.flatMap((e) => e.failures);
            if (failures.length) throw new Error(`sends failed in the agent: ${failures.join('; ')}`);
          },
        };
      } catch (err) {
        await lab.cleanup();
        throw err;
      }
    },
    { addresses: ['10.78.0.1', '10.78.0.2', '10.78.0.3'], group: '224.0.0.18', waitMs: scaled(5000) },
  );
}
