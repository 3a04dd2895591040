// Composition root: config sources -> validated model -> services; signals and reload.
//   SIGTERM/SIGINT: VRRP hands its VIPs over first (make-before-break), then the proxy drains.
//   SIGHUP: re-read the same sources (in a worker thread); a bad config is logged with every
//           diagnostic and the running config keeps serving.
//   Every other signal: the table in signal-table.ts.
import type { HalbConfig } from '../config/model.js';
import { loadConfig, type ConfigSources, type LoadConfigResult } from '../config/load.js';
import { loadConfigOffThread } from '../config/load-off-thread.js';
import { formatDiagnostic, type Diagnostic } from '../config/diagnostics.js';
import { ConfigError } from '../config/diagnostics.js';
import type { Logger } from '../log/logger.js';
import { LbService } from './lb-service.js';
import { VrrpService } from './vrrp-service.js';
import { AdminService } from '../admin/admin-service.js';
import { keepFreedHeapForReuse } from '../native/allocator.js';
import type { WarmupOptions } from '../proxy/warmup.js';
import { installSignals } from './signals.js';
import type { ServiceSlot } from './service.js';
import type { MetricSources } from '../admin/metrics.js';
import { join } from 'node:path';
import { emptyVrrpConfig } from '../config/model-vrrp.js';
import { dumpTexts, writeDumpFile } from '../vrrp/state-dump-file.js';
import { EVENT } from '../log/events.js';

export interface DaemonOptions {
  readonly sources: ConfigSources;
  readonly logger: Logger;
  /** Directory for VIP bookkeeping (stale-address cleanup after a crash). */
  readonly runDir?: string;
  /** Warm the data plane up after start (src/proxy/warmup.ts); `halb run` turns it on. */
  readonly warmup?: WarmupOptions | false;
  /** Checks of the config against this node (src/config/node-checks.ts), run before any service starts. */
  readonly preflight?: (config: HalbConfig) => readonly Diagnostic[];
  /**
   * Where SIGUSR1/SIGUSR2 write keepalived.data / keepalived.stats: keepalived's own choice,
   * $TMPDIR or /tmp (the CLI passes it), so probes written for keepalived find them.
   */
  readonly dumpDir?: string;
  /** The hand-over forwarding rule of a new master (src/vip/stray-forward.ts); on unless false. */
  readonly handoverForward?: boolean;
}

function loadOrThrow(sources: ConfigSources, logger?: Logger): HalbConfig {
  return configOrThrow(loadConfig(sources), logger);
}

function configOrThrow({ config, diagnostics }: LoadConfigResult, logger?: Logger): HalbConfig {
  for (const d of diagnostics) {
    if (d.severity !== 'error') logger?.warn({ event: EVENT.config_diagnostic, severity: d.severity }, formatDiagnostic(d));
  }
  if (!config) throw new ConfigError(diagnostics);
  return config;
}

/** The daemon's services, by name. */
interface Services {
  readonly lb: LbService;
  readonly admin: AdminService;
  readonly vrrp: VrrpService;
}
type ServiceName = keyof Services;

/**
 * Start order. The proxy first: a VIP should not move here before something answers on it. The
 * stats pages next (they report on the proxy), before VRRP: a stats bind error must not leave this
 * node having taken VIPs. Stop and unwinding run it backwards: VRRP hands its VIPs over first
 * (make-before-break), then the stats pages close, then the proxy drains.
 */
const START_ORDER = ['lb', 'admin', 'vrrp'] as const satisfies readonly ServiceName[];
const STOP_ORDER = [...START_ORDER].reverse();

export class Daemon {
  private readonly running: { -readonly [K in ServiceName]?: Services[K] } = {};
  private readonly slots: { readonly [K in ServiceName]: ServiceSlot<Services[K]> };
  private config?: HalbConfig;
  private stopping?: Promise<void>;
  private starting?: Promise<void>;
  private reloading = Promise.resolve();

  constructor(private readonly opts: DaemonOptions) {
    const log = opts.logger;
    // Read at request time: a reload replaces the health monitor and the config.
    const views: MetricSources = {
      proxy: () => this.running.lb?.proxyApi.stats(),
      health: () => this.running.lb?.healthMonitor,
      vrrp: () => this.running.vrrp?.vrrpRuntime,
    };
    this.slots = {
      lb: { wanted: (c) => c.frontends.length > 0, create: (c) => new LbService(c, log, { warmup: opts.warmup }) },
      admin: { wanted: (c) => c.stats.length > 0, create: (c) => new AdminService(c.stats, { config: () => this.config, views, logger: log }) },
      vrrp: {
        wanted: (c) => c.vrrp.instances.length > 0,
        create: (c) => new VrrpService(c, log, { runDir: opts.runDir, handoverForward: opts.handoverForward ?? true }),
      },
    };
  }

  get current(): HalbConfig | undefined {
    return this.config;
  }
  get lbService(): LbService | undefined {
    return this.running.lb;
  }
  get vrrpService(): VrrpService | undefined {
    return this.running.vrrp;
  }
  get adminService(): AdminService | undefined {
    return this.running.admin;
  }

  start(): Promise<void> {
    this.starting ??= this.startServices();
    return this.starting;
  }

  /** Builds and starts one service; it counts as running once its start resolved. */
  private async startService<K extends ServiceName>(name: K, config: HalbConfig): Promise<void> {
    const service = this.slots[name].create(config);
    await service.start();
    this.running[name] = service;
  }

  private async startServices(): Promise<void> {
    const log = this.opts.logger;
    const config = this.checked(loadOrThrow(this.opts.sources, log));
    this.config = config;
    if (this.slots.lb.wanted(config)) keepFreedHeapForReuse(log);
    try {
      for (const name of START_ORDER) if (this.slots[name].wanted(config)) await this.startService(name, config);
    } catch (err) {
      // Nothing half-started stays behind: what did start stops, in stop order.
      for (const name of STOP_ORDER) await this.running[name]?.stop();
      throw err;
    }
    log.info({ event: EVENT.started, frontends: config.frontends.length, backends: config.backends.length, vrrpInstances: config.vrrp.instances.length }, 'halb started');
  }

  /** `config` checked against this node; throws ConfigError with every problem. */
  private checked(config: HalbConfig): HalbConfig {
    const log = this.opts.logger;
    const pre = this.opts.preflight?.(config) ?? [];
    for (const d of pre) if (d.severity !== 'error') log.warn({ event: EVENT.config_diagnostic, severity: d.severity }, formatDiagnostic(d));
    if (pre.some((d) => d.severity === 'error')) throw new ConfigError(pre);
    return config;
  }

  /** Reload from the same sources. Never throws: a bad config leaves the running one serving. */
  reload(): Promise<boolean> {
    const run = async (): Promise<boolean> => {
      const log = this.opts.logger;
      // A SIGHUP during start applies once start is done; before start there is nothing to reload.
      try {
        if (!this.starting) return false;
        await this.starting;
      } catch {
        return false;
      }
      let next: HalbConfig;
      try {
        // Off the event loop: traffic, checks and VRRP adverts go on while it is read and parsed.
        // The node checks too: a reload adding an instance on a missing interface is refused
        // whole, like at start, instead of failing half-way through the services.
        next = this.checked(configOrThrow(await loadConfigOffThread(this.opts.sources), log));
      } catch (err) {
        const lines = err instanceof ConfigError ? err.diagnostics.map(formatDiagnostic) : [String(err)];
        log.error({ event: EVENT.reload_rejected, diagnostics: lines }, 'reload rejected, running configuration kept');
        return false;
      }
      try {
        for (const name of START_ORDER) {
          const service = this.running[name];
          if (service) await service.reload(next);
          // A service the running config did not need starts as at boot: a VRRP-only node gains
          // a load balancer, a node without VRRP gains instances (they start from INIT).
          else if (this.slots[name].wanted(next)) await this.startService(name, next);
        }
      } catch (err) {
        log.error({ event: EVENT.reload_failed, err }, 'reload failed, running configuration kept');
        return false;
      }
      this.config = next;
      log.info({ event: EVENT.reloaded }, 'configuration reloaded');
      return true;
    };
    const p = this.reloading.then(run);
    this.reloading = p.then(() => undefined);
    return p;
  }

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      // A stop signal during start waits for it; a failed start has already unwound itself.
      try {
        await this.starting;
      } catch {
        return;
      }
      // A reload under way may still start a service (VRRP on a node that had none): let it
      // finish, so what it started is stopped too.
      await this.reloading;
      for (const name of STOP_ORDER) await this.running[name]?.stop();
      this.opts.logger.info({ event: EVENT.stopped }, 'halb stopped');
    })();
    return this.stopping;
  }

  /**
   * Installs the signal table (signal-table.ts); resolves when a stop signal's stop is done.
   * Call it before start(): a SIGTERM during start then stops the daemon once it is up.
   */
  runUntilSignalled(): Promise<void> {
    return installSignals(this.opts.logger, {
      stop: () => this.stop(),
      reload: () => this.reload(),
      dump: (kind) => this.dumpState(kind),
    }).stopped;
  }

  /** keepalived's SIGUSR1 (data) and SIGUSR2 (stats) dumps (src/vrrp/state-dump.ts). */
  private dumpState(kind: 'data' | 'stats'): void {
    const log = this.opts.logger;
    // A node without VRRP instances still answers with keepalived's file (empty topology), so a
    // probe that greps it reads "no FAULT" rather than failing on a missing file.
    const texts = this.running.vrrp?.stateDump() ?? dumpTexts({ config: this.config?.vrrp ?? emptyVrrpConfig(), status: [], counters: {}, scriptStatus: () => 'unknown', monoNow: 0, wallNow: 0 });
    const file = join(this.opts.dumpDir ?? '/tmp', kind === 'data' ? 'keepalived.data' : 'keepalived.stats');
    writeDumpFile(file, kind === 'data' ? texts.data : texts.stats).then(
      () => log.info({ event: EVENT.state_dump, kind, file }, `wrote ${file}`),
      (err: unknown) => log.warn({ event: EVENT.state_dump_failed, kind, file, reason: (err as Error).message }, `cannot write ${file}: ${(err as Error).message}`),
    );
  }
}
