// Load-balancer half of the daemon: health monitor + proxy, started from the model and
// reloaded by building a new monitor and hot-swapping the proxy's backends (listeners whose
// bind did not change keep their socket, so a reload never refuses a connection).
import { EVENT } from '../log/events.js';
import type { HalbConfig } from '../config/model.js';
import type { Logger } from '../log/logger.js';
import { createHealthMonitor, type HealthMonitor } from '../health/monitor.js';
import { createProxy, type Proxy } from '../proxy/proxy.js';
import { SwitchableHealth } from './switchable-health.js';
import { warmUp, type WarmupOptions } from '../proxy/warmup.js';
import { applyFdBudget } from './fd-limit.js';
import { releaseMemory } from '../native/memory-release.js';

export interface LbServiceOptions {
  /** Warm the data plane up after start (src/proxy/warmup.ts); off unless given. */
  readonly warmup?: WarmupOptions | false;
}

export class LbService {
  private monitor: HealthMonitor;
  private readonly health: SwitchableHealth;
  private readonly proxy: Proxy;
  private readonly config: HalbConfig;
  private warming?: { abort: AbortController; done: Promise<void> };

  constructor(
    config: HalbConfig,
    private readonly logger: Logger,
    private readonly opts: LbServiceOptions = {},
  ) {
    this.config = config;
    this.monitor = this.newMonitor(config);
    this.health = new SwitchableHealth(this.monitor);
    // Effective global maxconn: the configured one fitted to the descriptor limit (fd-budget.ts).
    const budget = config.frontends.length ? applyFdBudget(config, logger) : undefined;
    this.proxy = createProxy({
      frontends: config.frontends,
      backends: config.backends,
      health: this.health,
      logger: logger.child({ component: 'proxy' }),
      maxconn: budget?.maxconn ?? config.global?.maxconn,
    });
  }

  private newMonitor(config: HalbConfig, carryOver?: ReturnType<HealthMonitor['snapshot']>): HealthMonitor {
    return createHealthMonitor({
      backends: config.backends,
      resolvers: config.resolvers,
      logger: this.logger.child({ component: 'health' }),
      ...(carryOver ? { carryOver } : {}),
    });
  }

  get healthMonitor(): HealthMonitor {
    return this.monitor;
  }
  get proxyApi(): Proxy {
    return this.proxy;
  }

  async start(): Promise<void> {
    this.monitor.start();
    // Hostname servers go through init-addr first; unresolved ones simply stay DOWN.
    await this.monitor.ready();
    await this.proxy.start();
    if (this.opts.warmup) this.startWarmup(this.opts.warmup);
  }

  /** Not awaited: the real listeners serve from the start, the warm-up runs beside them. */
  private startWarmup(w: WarmupOptions): void {
    const abort = new AbortController();
    const log = this.logger.child({ component: 'proxy' });
    const done = warmUp(this.config, { ...w, signal: abort.signal }).then((r) => {
      if (r.failure !== undefined) log.warn({ event: EVENT.warmup_failed, ...r }, `data plane warm-up failed (harmless: only the first requests are slower): ${r.failure}`);
      else if (r.frontends > 0) log.info({ event: EVENT.warmup, ...r }, `data plane warmed up: ${r.requests} requests over ${r.exchanges} connections in ${r.ms} ms`);
      // The warm-up's thousands of connections grew the heap: give that back before real load.
      if (r.frontends > 0 && process.env.HALB_MEMORY_RELEASE !== '0') return releaseMemory(true).then(() => undefined);
    });
    this.warming = { abort, done };
  }

  /** Resolves when the start-up warm-up (if any) has ended. */
  async warmedUp(): Promise<void> {
    await this.warming?.done;
  }

  async reload(next: HalbConfig): Promise<void> {
    // Unchanged servers keep their state, health and address: a reload never flaps them.
    const fresh = this.newMonitor(next, this.monitor.snapshot());
    fresh.start();
    await fresh.ready();
    // Swap health first, then the proxy's view: a pick in between sees new health for old
    // servers, which only answers "down" for servers that no longer exist.
    const old = this.health.swap(fresh);
    try {
      await this.proxy.update({ frontends: next.frontends, backends: next.backends });
    } catch (err) {
      this.health.swap(old);
      await fresh.stop();
      throw err;
    }
    this.monitor = fresh;
    await old.stop();
  }

  async stop(): Promise<void> {
    this.warming?.abort.abort();
    await this.warming?.done;
    await this.proxy.stop();
    await this.monitor.stop();
  }
}
