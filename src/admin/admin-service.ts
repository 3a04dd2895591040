// Admin half of the daemon: one metrics registry for the daemon and one AdminServer per
// `stats` entry. It reads the proxy, health and VRRP through views the daemon passes in
// (MetricSources), called at request time, so a reload (which replaces the health monitor and
// the config) is seen without re-registering anything, and admin/ needs nothing from daemon/.
import type { HalbConfig } from '../config/model.js';
import type { Logger } from '../log/logger.js';
import type { Registry } from 'prom-client';
import { AdminServer } from './admin-server.js';
import { createMetricsRegistry, type MetricSources } from './metrics.js';
import { statusDocument } from './status.js';

import { HALB_VERSION } from '../version.js';
import { EVENT } from '../log/events.js';

export interface AdminServiceDeps {
  readonly config: () => HalbConfig | undefined;
  /** The running proxy, health monitor and VRRP runtime, each absent when not configured. */
  readonly views: MetricSources;
  readonly logger: Logger;
}

export class AdminService {
  readonly registry: Registry;
  private servers: AdminServer[] = [];

  constructor(
    private stats: HalbConfig['stats'],
    private readonly deps: AdminServiceDeps,
  ) {
    this.registry = createMetricsRegistry(deps.views);
  }

  async start(): Promise<void> {
    const log = this.deps.logger.child({ component: 'admin' });
    try {
      for (const page of this.stats) {
        const srv = new AdminServer({ page, registry: this.registry, logger: log, status: (o) => this.status(o.hideVersion) });
        this.servers.push(srv);
        await srv.start();
      }
    } catch (err) {
      await this.stop();
      throw err;
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.servers.splice(0).map((s) => s.stop()));
  }

  /**
   * Reload: a stats entry whose binds did not change takes its new uri, auth, refresh and
   * hide-version at once. Changed binds or added/removed entries need a restart (logged), so a
   * reload never drops the listener an operator is scraping.
   */
  async reload(config: HalbConfig): Promise<void> {
    const next = config.stats;
    const bindsOf = (p: HalbConfig['stats'][number]) => p.binds.map((b) => `${b.address}:${b.port}`).join(',');
    const same = next.length === this.stats.length && next.every((p, i) => bindsOf(p) === bindsOf(this.stats[i]!));
    if (!same) {
      this.deps.logger.warn({ event: EVENT.stats_reload_skipped }, 'stats binds changed: restart halb to apply them; stats listeners kept');
      return;
    }
    next.forEach((p, i) => this.servers[i]?.setPage(p));
    this.stats = next;
  }

  /** Listening addresses per stats entry, in config order (for tests and `halb run` output). */
  addresses(): { address: string; port: number }[][] {
    return this.servers.map((s) => s.addresses());
  }

  private status(hideVersion: boolean): ReturnType<typeof statusDocument> {
    const config = this.deps.config();
    if (!config) throw new Error('status requested before the configuration was loaded');
    const { views } = this.deps;
    const proxy = views.proxy();
    return statusDocument({
      config,
      ...(proxy ? { proxy } : {}),
      health: views.health()?.snapshot() ?? [],
      vrrp: views.vrrp()?.status() ?? [],
      // Both clocks read back to back: monotonicClock is performance.now() (util/clock.ts).
      monoNow: performance.now(),
      wallNow: Date.now(),
      ...(hideVersion ? {} : { version: HALB_VERSION }),
    });
  }
}
