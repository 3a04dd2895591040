// VRRP half of the daemon: wires the pure core's runtime to the Linux edges (raw sockets,
// `ip addr`, GARP/NA, link watching) and to tracking scripts and notify scripts.
// Start order matters: stale VIPs from a crashed run go first, so they are never taken
// for the interface's primary address when transports look it up.
import { isDeepStrictEqual } from 'node:util';
import type { HalbConfig } from '../config/model.js';
import type { VrrpConfig, VrrpInstance } from '../config/model-vrrp.js';
import type { Logger } from '../log/logger.js';
import type { HealthMonitorApi } from '../health/types.js';
import { monotonicClock } from '../util/clock.js';
import { LinuxVipManager } from '../vip/linux.js';
import { LinuxInterfaceWatcher } from '../vip/interface-watch.js';
import { RawSocketPool, openRawTransport, type RawVrrpTransport } from '../vrrp/socket-raw.js';
import { VrrpRuntime } from '../vrrp/runtime.js';
import { Tracker } from '../track/tracker.js';
import { NotifyRunner } from '../track/notify.js';

export interface VrrpServiceOptions {
  readonly runDir?: string | undefined;
  /** Reserved for tracking backend health from the VRRP side. */
  readonly health?: HealthMonitorApi | undefined;
}

/** Drop source positions so a reload that only moved lines compares equal. */
function withoutPositions(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutPositions);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).filter(([k]) => k !== 'pos').map(([k, x]) => [k, withoutPositions(x)]));
  }
  return v;
}

export class VrrpService {
  private runtime?: VrrpRuntime;
  private tracker?: Tracker;
  private notify?: NotifyRunner;
  private watcher?: LinuxInterfaceWatcher;
  private pool?: RawSocketPool;
  private vips?: LinuxVipManager;
  private readonly log: Logger;
  private readonly vrrp: VrrpConfig;

  constructor(
    config: HalbConfig,
    logger: Logger,
    private readonly opts: VrrpServiceOptions = {},
  ) {
    this.vrrp = config.vrrp;
    this.log = logger.child({ component: 'vrrp' });
  }

  get vrrpRuntime(): VrrpRuntime | undefined {
    return this.runtime;
  }

  async start(): Promise<void> {
    const cfg = this.vrrp;
    const ipv6 = cfg.instances.some((i) => [...i.virtualAddresses, ...i.virtualAddressesExcluded].some((a) => a.family === 6));
    const vips = new LinuxVipManager({ ...(this.opts.runDir ? { runDir: this.opts.runDir } : {}), ipv6 });
    this.vips = vips;
    await vips.cleanupStale();
    const pool = new RawSocketPool();
    this.pool = pool;
    const transports = new Map<string, RawVrrpTransport>();
    try {
      for (const inst of cfg.instances) {
        transports.set(
          inst.name,
          await openRawTransport({
            family: inst.family,
            ifname: inst.interface,
            vrid: inst.vrid,
            ...(inst.unicastSrcIp ? { unicastSrcIp: inst.unicastSrcIp } : {}),
            unicastPeers: inst.unicastPeers,
            pool,
          }),
        );
      }
    } catch (err) {
      pool.closeAll();
      throw err;
    }

    const notify = new NotifyRunner({
      logger: this.log.child({ component: 'notify' }),
      enforceSecurity: cfg.globals.enableScriptSecurity,
      ...(cfg.globals.scriptUser ? { scriptUser: cfg.globals.scriptUser } : {}),
    });
    this.notify = notify;
    const runtime = new VrrpRuntime(
      { instances: cfg.instances, syncGroups: cfg.syncGroups, scripts: cfg.scripts, trackFiles: cfg.trackFiles },
      {
        clock: monotonicClock,
        logger: this.log,
        vips,
        transportFor: (inst: VrrpInstance) => transports.get(inst.name)!,
        notify: { notify: (n) => notify.notify({ type: n.type, name: n.name, notify: n.scripts }, n.state, n.priority) },
      },
    );
    this.runtime = runtime;

    const tracker = new Tracker({ config: cfg, clock: monotonicClock, logger: this.log.child({ component: 'track' }) });
    this.tracker = tracker;
    tracker.onChange((c) => runtime.setTrack(`${c.kind}:${c.name}`, c.ok));

    const ifaces = new Set<string>();
    for (const i of cfg.instances) {
      ifaces.add(i.interface);
      for (const t of i.trackInterfaces) ifaces.add(t.name);
    }
    const watcher = new LinuxInterfaceWatcher({
      interfaces: [...ifaces],
      onError: (err) => this.log.warn({ event: 'link-watch-error', err: err.message }, 'interface watcher restarted'),
    });
    this.watcher = watcher;
    watcher.onChange((s) => {
      runtime.setInterface(s.ifname, s.up);
      tracker.setInterface(s.ifname, s.up);
    });

    runtime.start();
    tracker.start();
    await watcher.start();
    // Link states known at start (an interface already down means FAULT from the outset).
    for (const name of ifaces) {
      const st = watcher.state(name);
      if (st && !st.up) {
        runtime.setInterface(name, false);
        tracker.setInterface(name, false);
      }
    }
  }

  /**
   * keepalived migrates instance state on reload; halb does not yet, so a changed VRRP section
   * is refused rather than restarted (a restart could flap VIPs). The LB part still reloads.
   */
  async reload(next: HalbConfig): Promise<void> {
    if (isDeepStrictEqual(withoutPositions(next.vrrp), withoutPositions(this.vrrp))) return;
    this.log.warn({ event: 'vrrp-reload-skipped' }, 'VRRP configuration changed: restart halb to apply it (live VRRP reload is not supported yet); running VRRP configuration kept');
  }

  /** Clean stop: priority-0 adverts, VIPs kept until the new master is heard (make-before-break). */
  async stop(): Promise<void> {
    await this.runtime?.stop();
    await this.tracker?.stop();
    this.watcher?.stop();
    // STOP notifies are queued by the runtime; give them a bounded time to run.
    if (this.notify) await Promise.race([this.notify.stop(), new Promise((r) => setTimeout(r, 5000).unref())]);
    this.pool?.closeAll();
    await this.vips?.close();
  }
}
