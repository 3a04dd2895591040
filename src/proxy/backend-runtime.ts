// Runtime state of one backend: its servers (counters, live connection counts, idle pooled
// server connections), its balancer, and the health view the balancer reads. Rebuilt on
// reload; ServerRuntime objects are carried over by name so counters and pools survive.
import type { Backend, Server } from '../config/model.js';
import type { HealthMonitorApi } from '../health/types.js';
import { createBalancer, type Balancer, type PickView } from './balance/index.js';
import { newCounters, type Counters } from './counters.js';
import type { ServerConn } from './server-conn.js';

export class ServerRuntime {
  readonly counters: Counters = newCounters();
  /** Live connections (tcp) or in-flight requests (http): what leastconn/first/random read. */
  conns = 0;
  readonly idle: ServerConn[] = [];
  constructor(
    public cfg: Server,
    public index: number,
    public backendName: string,
  ) {}

  get name(): string {
    return this.cfg.name;
  }

  /** Drops pooled connections (server removed, address changed, or proxy stopping). */
  closeIdle(): void {
    for (const c of this.idle.splice(0)) c.destroy();
  }
}

export const MAX_IDLE_PER_SERVER = 128;

export class BackendRuntime {
  readonly counters: Counters;
  readonly servers: ServerRuntime[];
  readonly balancer: Balancer;
  readonly view: PickView;

  constructor(
    readonly cfg: Backend,
    private readonly health: HealthMonitorApi,
    random: () => number,
    previous?: BackendRuntime,
  ) {
    this.counters = previous?.counters ?? newCounters();
    const old = new Map(previous?.servers.map((s) => [s.name, s]));
    this.servers = cfg.servers.map((s, i) => {
      const prev = old.get(s.name);
      if (prev && prev.cfg.address === s.address && prev.cfg.port === s.port) {
        prev.cfg = s;
        prev.index = i;
        old.delete(s.name);
        return prev;
      }
      return new ServerRuntime(s, i, cfg.name);
    });
    // Servers that disappeared or moved: their idle connections go; active ones finish.
    for (const s of old.values()) s.closeIdle();
    this.balancer = createBalancer(
      cfg.servers.map((s) => ({ name: s.name, weight: s.weight, backup: s.backup, maxconn: s.maxconn })),
      { algo: cfg.balance.algo, allBackups: cfg.allBackups, random },
    );
    const servers = this.servers;
    const name = cfg.name;
    this.view = {
      isUp: (i) => {
        const s = servers[i]!;
        return !s.cfg.disabled && health.isUp(name, s.cfg.name);
      },
      conns: (i) => servers[i]!.conns,
    };
  }

  get name(): string {
    return this.cfg.name;
  }

  pick(clientAddress: string | undefined, exclude?: ReadonlySet<number>): ServerRuntime | undefined {
    const i = this.balancer.pick(this.view, { clientAddress, exclude });
    return i < 0 ? undefined : this.servers[i];
  }

  /** Address to connect to: DNS-resolved by the health/resolver side if it knows one. */
  addressOf(s: ServerRuntime): string {
    return this.health.addressOf(this.name, s.name) ?? s.cfg.address;
  }

  isUp(s: ServerRuntime): boolean {
    return this.view.isUp(s.index);
  }

  closeIdle(): void {
    for (const s of this.servers) s.closeIdle();
  }
}
