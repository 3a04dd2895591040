// A ready-made VRRP lab on top of the topology: N load-balancer nodes running pluggable node
// software (keepalived or halb) for one or more VRRP instances, optional backend hosts, and a
// client. Scenario tests, the failover bench and `halb lab` all build on this.
import { rmSync, writeFileSync } from 'node:fs';
import { Lab, labV4, labV6, HOST_IF } from './topology.js';
import type { VrrpInstanceSpec, VrrpNodeConfig, VrrpScriptSpec } from './keepalived-conf.js';
import { masterDownIntervalMs } from './keepalived-conf.js';
import type { SoftwareKind, VrrpNodeSoftware } from './node-software.js';
import { createNodeSoftware } from './software.js';
import { RESPONDER_PORT, startResponder } from './services.js';
import { renderHaproxyConf, renderStatsListen, renderStatsOnlyConf } from './haproxy-conf.js';
import type { LabProcess } from './process.js';
import { Prober, type ProberOptions } from './prober.js';
import { dumpState, neighbour, vipHolders } from './observe.js';
import { waitFor } from './wait.js';

export interface VrrpLabOptions {
  /** Node software, one kind for all nodes or one per node. */
  readonly software: SoftwareKind | readonly SoftwareKind[];
  /** Number of LB nodes (n1…), default 2. */
  readonly nodes?: number;
  /** Priorities per node, default 150, 100, 50, … */
  readonly priorities?: readonly number[];
  /** Backend hosts b1… running responders (for `halb lab`; the proxy will use them). */
  readonly backends?: number;
  readonly version: 2 | 3;
  /** Seconds. */
  readonly advertInt: number;
  readonly unicast?: boolean;
  readonly authPass?: string;
  readonly nopreempt?: boolean;
  /** VRRP instances per node (VRIDs 51…, VIPs .100…), default 1. */
  readonly instances?: number;
  /** IPv6 VIPs (VRRPv3 only) instead of IPv4. */
  readonly ipv6?: boolean;
  /** Give every node a track script that fails while `setTrackFailing(node, true)`. */
  readonly trackScript?: boolean;
  /**
   * halb's whole job: halb LB nodes also run an HTTP frontend on `port` (all addresses, so the
   * VIP) proxying to the backend hosts with health checks (haproxy-conf.ts); backends then answer
   * "bN via LB-ADDRESS". Nodes running keepalived only hold the VIP (keepalived does not proxy).
   */
  readonly loadBalancer?: { readonly port: number };
  /** halb nodes also serve their admin listener (`/metrics`) on this port (see `metrics()`). */
  readonly statsPort?: number;
  readonly prefix?: string;
  readonly onStep?: (line: string) => void;
}

export const CLIENT = 'c';
export const FIRST_VRID = 51;
const TRACK_WEIGHT = -60;

export class VrrpLab {
  readonly nodes: readonly string[];
  readonly backends: readonly string[];
  readonly client = CLIENT;
  readonly software = new Map<string, VrrpNodeSoftware>();
  readonly priorities = new Map<string, number>();
  readonly configs = new Map<string, VrrpNodeConfig>();
  /** VIP addresses without prefix, one per instance; `vip` is the first. */
  readonly vips: readonly string[];
  private readonly probers: Prober[] = [];
  private readonly responders = new Map<string, LabProcess>();

  private constructor(
    readonly lab: Lab,
    readonly opts: VrrpLabOptions,
  ) {
    const n = opts.nodes ?? 2;
    this.nodes = Array.from({ length: n }, (_, i) => `n${i + 1}`);
    this.backends = Array.from({ length: opts.backends ?? 0 }, (_, i) => `b${i + 1}`);
    const count = opts.instances ?? 1;
    this.vips = Array.from({ length: count }, (_, k) => (opts.ipv6 ? labV6(0x100 + k) : labV4(100 + k)));
  }

  static async create(opts: VrrpLabOptions): Promise<VrrpLab> {
    const n = opts.nodes ?? 2;
    if (n < 1 || n > 9) throw new Error('a VRRP lab has 1-9 nodes');
    if ((opts.instances ?? 1) > 100) throw new Error('a VRRP lab has at most 100 instances');
    if (opts.ipv6 && opts.version !== 3) throw new Error('IPv6 VRRP needs version 3');
    const hosts = [...Array.from({ length: n }, (_, i) => ({ name: `n${i + 1}` })), ...Array.from({ length: opts.backends ?? 0 }, (_, i) => ({ name: `b${i + 1}` })), { name: CLIENT }];
    const lab = await Lab.create({ hosts, ...(opts.prefix ? { prefix: opts.prefix } : {}), ...(opts.onStep ? { onStep: opts.onStep } : {}) });
    try {
      const v = new VrrpLab(lab, opts);
      v.configure();
      return v;
    } catch (e) {
      await lab.destroy();
      throw e;
    }
  }

  get vip(): string {
    return this.vips[0]!;
  }

  get instanceNames(): string[] {
    return this.vips.map((_, k) => `VI_${k + 1}`);
  }

  kindOf(node: string): SoftwareKind {
    const i = this.nodes.indexOf(node);
    const s = this.opts.software;
    return typeof s === 'string' ? s : (s[i] ?? s[0] ?? 'keepalived');
  }

  private configure(): void {
    const o = this.opts;
    this.nodes.forEach((node, i) => {
      const priority = o.priorities?.[i] ?? Math.max(1, 150 - 50 * i);
      this.priorities.set(node, priority);
      const h = this.lab.host(node);
      const scripts: VrrpScriptSpec[] = o.trackScript ? [{ name: 'chk_lab', script: `/usr/bin/test ! -e ${this.trackFile(node)}`, interval: 1, weight: TRACK_WEIGHT, fall: 1, rise: 1 }] : [];
      const instances: VrrpInstanceSpec[] = this.vips.map((vip, k) => ({
        name: `VI_${k + 1}`,
        interface: HOST_IF,
        vrid: FIRST_VRID + k,
        priority,
        advertInt: o.advertInt,
        version: o.version,
        // keepalived insists on BACKUP with nopreempt; otherwise the top node starts as MASTER.
        state: i === 0 && !o.nopreempt ? 'MASTER' : 'BACKUP',
        vips: [`${vip}/${o.ipv6 ? 64 : 24}`],
        ...(o.unicast
          ? {
              unicast: {
                src: o.ipv6 ? h.v6! : h.v4,
                peers: this.nodes.filter((x) => x !== node).map((x) => (o.ipv6 ? this.lab.host(x).v6! : this.lab.host(x).v4)),
              },
            }
          : {}),
        ...(o.authPass !== undefined ? { authPass: o.authPass } : {}),
        ...(o.nopreempt ? { nopreempt: true } : {}),
        ...(scripts.length ? { trackScripts: scripts.map((s) => s.name) } : {}),
      }));
      const config: VrrpNodeConfig = { routerId: node, scripts, instances };
      this.configs.set(node, config);
      this.software.set(node, createNodeSoftware(this.kindOf(node), this.lab, node, config, this.haproxyCfg()));
    });
  }

  /** The LB nodes' haproxy.cfg (undefined without `loadBalancer`). */
  haproxyCfg(): string | undefined {
    const lb = this.opts.loadBalancer;
    const stats = this.opts.statsPort;
    if (!lb) return stats === undefined ? undefined : renderStatsOnlyConf(stats);
    const conf = renderHaproxyConf({ port: lb.port, servers: this.backends.map((b) => ({ name: b, address: this.lab.host(b).v4, port: RESPONDER_PORT })) });
    return stats === undefined ? conf : `${conf}\n${renderStatsListen(stats)}`;
  }

  /**
   * A halb node's Prometheus metrics (needs `statsPort`), read from inside its namespace: the
   * sample values by series, e.g. `halb_vrrp_stalls_total{instance="VI_1"}`.
   */
  async metrics(node: string): Promise<Map<string, number>> {
    const port = this.opts.statsPort;
    if (port === undefined) throw new Error('metrics() needs the lab option statsPort');
    const script = `fetch('http://127.0.0.1:${port}/metrics').then((r) => r.text()).then((t) => process.stdout.write(t), (e) => { console.error(String(e)); process.exit(1); })`;
    const r = await this.lab.exec(node, [process.execPath, '-e', script], { timeoutMs: 10_000 });
    const out = new Map<string, number>();
    for (const line of r.stdout.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const sp = line.lastIndexOf(' ');
      out.set(line.slice(0, sp), Number(line.slice(sp + 1)));
    }
    return out;
  }

  /** The host whose address is `addr` (to name the LB node a backend says it was reached via). */
  hostByAddress(addr: string): string | undefined {
    return this.lab.hosts.find((h) => h.v4 === addr || h.v6 === addr)?.name;
  }

  node(name: string): VrrpNodeSoftware {
    const s = this.software.get(name);
    if (!s) throw new Error(`no VRRP node "${name}"`);
    return s;
  }

  trackFile(node: string): string {
    return this.lab.path(`track-fail-${node}`);
  }

  /** Makes the node's track script fail (priority −60) or succeed again. */
  setTrackFailing(node: string, failing: boolean): void {
    if (failing) writeFileSync(this.trackFile(node), '1');
    else rmSync(this.trackFile(node), { force: true });
  }

  /** Responders on every node and backend, then the node software on every node. */
  async start(opts: { software?: boolean } = {}): Promise<void> {
    await Promise.all([...this.nodes, ...this.backends].map((h) => this.startResponderOn(h)));
    if (opts.software !== false) for (const n of this.nodes) await this.node(n).start();
  }

  private async startResponderOn(host: string): Promise<void> {
    const via = this.opts.loadBalancer !== undefined && this.backends.includes(host);
    this.responders.set(host, await startResponder(this.lab, host, RESPONDER_PORT, 10_000, { via }));
  }

  /** A backend's service dies (its responder is SIGKILLed); health checks should notice. */
  async stopBackend(name: string): Promise<void> {
    if (!this.backends.includes(name)) throw new Error(`no backend "${name}"`);
    await this.responders.get(name)?.kill();
  }

  /** Restarts a backend's responder. */
  async startBackend(name: string): Promise<void> {
    if (!this.backends.includes(name)) throw new Error(`no backend "${name}"`);
    if (this.responders.get(name)?.running) return;
    await this.startResponderOn(name);
  }

  backendRunning(name: string): boolean {
    return this.responders.get(name)?.running ?? false;
  }

  /** master_down_interval of `node` (RFC 3768/5798 §6.1), ms. */
  masterDownMs(node: string): number {
    return masterDownIntervalMs(this.opts.advertInt, this.priorities.get(node)!);
  }

  /** Nodes that have `vip` configured right now. */
  holders(vip = this.vip): Promise<string[]> {
    return vipHolders(this.lab, vip, this.nodes);
  }

  /** Waits until exactly `node` (among the LB nodes) has every VIP configured. */
  waitHolder(node: string, timeoutMs: number): Promise<true> {
    return waitFor(
      `${node} to be the only node holding ${this.vips.length === 1 ? this.vip : `${this.vips.length} VIPs`}`,
      async () => {
        for (const vip of this.vips) {
          const h = await this.holders(vip);
          if (h.length !== 1 || h[0] !== node) return undefined;
        }
        return true as const;
      },
      { timeoutMs, intervalMs: 50 },
    );
  }

  /** Waits until the client's neighbour entry for the VIP points at `node`'s MAC. */
  waitArp(node: string, timeoutMs: number, vip = this.vip): Promise<true> {
    return waitFor(
      `client's neighbour entry for ${vip} to point at ${node}`,
      async () => {
        const e = await neighbour(this.lab, this.client, vip);
        return e?.host === node ? (true as const) : undefined;
      },
      { timeoutMs, intervalMs: 50 },
    );
  }

  /** A client prober requesting VIP:responder port (fresh connection per request). */
  startProber(opts: Omit<ProberOptions, 'port'> & { port?: number; vip?: string } = {}): Prober {
    const p = Prober.start(this.lab, this.client, opts.vip ?? this.vip, { ...opts, port: opts.port ?? RESPONDER_PORT });
    this.probers.push(p);
    return p;
  }

  /** The host dies: its cable is pulled first (nothing it says gets out), then its daemon is SIGKILLed. */
  async hostDeath(node: string): Promise<void> {
    await this.lab.linkDown(node);
    await this.node(node).kill();
  }

  /** The host comes back as after a reboot: declared addresses only, link up, daemon started. */
  async hostRevive(node: string): Promise<void> {
    await this.lab.resetAddresses(node);
    await this.lab.linkUp(node);
    await this.node(node).start();
  }

  dump(extra?: string): Promise<string> {
    return dumpState(this.lab, extra ? { extra } : {});
  }

  /** Stops probers and node software (SIGTERM, briefly), then destroys the lab. Idempotent. */
  async destroy(): Promise<void> {
    await Promise.allSettled(this.probers.map((p) => p.stop()));
    await Promise.allSettled([...this.software.values()].map((s) => s.stop(2000)));
    await this.lab.destroy();
  }
}

/**
 * Runs a scenario body; on failure writes the full lab state (addresses, neighbours, logs) to
 * stderr before rethrowing, then always destroys the lab.
 */
export async function runScenario<T>(vlab: VrrpLab, body: (v: VrrpLab) => Promise<T>, write: (s: string) => void = (s) => process.stderr.write(s + '\n')): Promise<T> {
  try {
    return await body(vlab);
  } catch (e) {
    try {
      write(await vlab.dump(e instanceof Error ? (e.stack ?? e.message) : String(e)));
    } catch (dumpErr) {
      write(`(state dump failed: ${String(dumpErr)})`);
    }
    throw e;
  } finally {
    await vlab.destroy();
  }
}
