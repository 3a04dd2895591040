// VRRP half of the daemon: wires the pure core's runtime to the Linux edges (raw sockets,
// `ip addr`, GARP/NA, link watching) and to tracking scripts and notify scripts.
// Start order matters: stale VIPs from a crashed run go first, so they are never taken
// for the interface's primary address when transports look it up.
// Reload (SIGHUP) applies a plan (src/vrrp/reload-plan.ts) instance by instance, keepalived
// style: what did not change is untouched, most changes apply in place, only identity changes
// stop and start their instance. The decisions live in src/vrrp/ (reload-orchestrate.ts,
// runtime-reload.ts); this file wires them to sockets, tracker, notify runner and link watcher.
import type { HalbConfig } from '../config/model.js';
import type { VrrpConfig, VrrpInstance } from '../config/model-vrrp.js';
import type { Logger } from '../log/logger.js';
import { monotonicClock } from '../util/clock.js';
import { LinuxVipManager } from '../vip/linux.js';
import { LinuxInterfaceWatcher } from '../vip/interface-watch.js';
import { NftStrayForwarder } from '../vip/stray-forward.js';
import { RawSocketPool, openRawTransport, type RawVrrpTransport } from '../vrrp/socket-raw.js';
import { VrrpRuntime } from '../vrrp/runtime.js';
import { prepareVrrpReload, settleVrrpReload } from '../vrrp/reload-orchestrate.js';
import { Tracker } from '../track/tracker.js';
import { NotifyRunner } from '../track/notify.js';
import { feedTrackChange } from '../vrrp/track-input.js';
import { dumpTexts } from '../vrrp/state-dump-file.js';
import { EVENT } from '../log/events.js';

export interface VrrpServiceOptions {
  readonly runDir?: string | undefined;
  /**
   * The short-lived nftables rule a new master installs to pass connections it does not know to
   * the old master (src/vip/stray-forward.ts). Off (HALB_HANDOVER_FORWARD=0), takeovers reset
   * connections opened to the old master, as with keepalived; the scenario test uses it to show
   * what the forwarding prevents.
   */
  readonly handoverForward: boolean;
}

/** Interfaces whose link state matters: the instances' own and their track_interface ones. */
function watchedInterfaces(cfg: VrrpConfig): Set<string> {
  const ifaces = new Set<string>();
  for (const i of cfg.instances) {
    ifaces.add(i.interface);
    for (const t of i.trackInterfaces) ifaces.add(t.name);
  }
  return ifaces;
}

function runtimeOptions(cfg: VrrpConfig) {
  return { instances: cfg.instances, syncGroups: cfg.syncGroups, scripts: cfg.scripts, trackFiles: cfg.trackFiles };
}

export class VrrpService {
  private runtime?: VrrpRuntime;
  private tracker?: Tracker;
  private notify?: NotifyRunner;
  private watcher?: LinuxInterfaceWatcher;
  private pool?: RawSocketPool;
  private vips?: LinuxVipManager;
  private strays?: NftStrayForwarder;
  /** The transport each instance uses (replaced for restarted instances on reload). */
  private readonly transports = new Map<string, RawVrrpTransport>();
  private readonly log: Logger;
  /** The VRRP configuration actually running (after a partial reload: what could be applied). */
  private vrrp: VrrpConfig;

  constructor(
    config: HalbConfig,
    logger: Logger,
    private readonly opts: VrrpServiceOptions = { handoverForward: true },
  ) {
    this.vrrp = config.vrrp;
    this.log = logger.child({ component: 'vrrp' });
  }

  get vrrpRuntime(): VrrpRuntime | undefined {
    return this.runtime;
  }

  /** The running VRRP configuration. */
  get running(): VrrpConfig {
    return this.vrrp;
  }

  /** keepalived's state dump texts (SIGUSR1: data, SIGUSR2: stats); undefined before start. */
  stateDump(): { readonly data: string; readonly stats: string } | undefined {
    const rt = this.runtime;
    if (!rt) return undefined;
    const tracker = this.tracker;
    return dumpTexts({
      config: this.vrrp,
      status: rt.status(),
      counters: rt.counters(),
      scriptStatus: (name) => tracker?.scriptStatus(name) ?? 'unknown',
      monoNow: monotonicClock.now(),
      wallNow: Date.now(),
    });
  }

  private openTransport(inst: VrrpInstance, pool: RawSocketPool): Promise<RawVrrpTransport> {
    return openRawTransport({
      family: inst.family,
      ifname: inst.interface,
      vrid: inst.vrid,
      ...(inst.unicastSrcIp ? { unicastSrcIp: inst.unicastSrcIp } : {}),
      unicastPeers: inst.unicastPeers,
      pool,
    });
  }

  private newNotifyRunner(cfg: VrrpConfig): NotifyRunner {
    return new NotifyRunner({
      logger: this.log.child({ component: 'notify' }),
      enforceSecurity: cfg.globals.enableScriptSecurity,
      ...(cfg.globals.scriptUser ? { scriptUser: cfg.globals.scriptUser } : {}),
    });
  }

  async start(): Promise<void> {
    const cfg = this.vrrp;
    const ipv6 = cfg.instances.some((i) => [...i.virtualAddresses, ...i.virtualAddressesExcluded].some((a) => a.family === 6));
    const vips = new LinuxVipManager({ ...(this.opts.runDir ? { runDir: this.opts.runDir } : {}), ipv6 });
    this.vips = vips;
    await vips.cleanupStale();
    if (this.opts.handoverForward) {
      this.strays = new NftStrayForwarder({ logger: this.log });
      await this.strays.cleanupStale();
    }
    const pool = new RawSocketPool();
    this.pool = pool;
    try {
      for (const inst of cfg.instances) this.transports.set(inst.name, await this.openTransport(inst, pool));
    } catch (err) {
      pool.closeAll();
      throw err;
    }

    this.notify = this.newNotifyRunner(cfg);
    const runtime = new VrrpRuntime(runtimeOptions(cfg), {
      clock: monotonicClock,
      logger: this.log,
      vips,
      ...(this.strays ? { strays: this.strays } : {}),
      transportFor: (inst: VrrpInstance) => {
        const t = this.transports.get(inst.name);
        if (!t) throw new Error(`no transport opened for instance ${inst.name}`);
        return t;
      },
      // Through the field: a reload that changes the script user replaces the runner.
      notify: { notify: (n) => this.notify?.notify({ type: n.type, name: n.name, notify: n.scripts }, n.state, n.priority) },
    });
    this.runtime = runtime;

    const tracker = new Tracker({ config: cfg, clock: monotonicClock, logger: this.log.child({ component: 'track' }) });
    this.tracker = tracker;
    tracker.onChange((c) => feedTrackChange(runtime, c));

    runtime.start();
    tracker.start();
    await this.watchInterfaces(watchedInterfaces(cfg));
  }

  /** (Re)starts the link watcher on `ifaces`; link states known at once are fed in (down = FAULT). */
  private async watchInterfaces(ifaces: Set<string>): Promise<void> {
    const runtime = this.runtime!;
    const tracker = this.tracker!;
    this.watcher?.stop();
    const watcher = new LinuxInterfaceWatcher({
      interfaces: [...ifaces],
      onError: (err) => this.log.warn({ event: EVENT.link_watch_error, err: err.message }, 'interface watcher restarted'),
    });
    this.watcher = watcher;
    watcher.onChange((s) => {
      runtime.setInterface(s.ifname, s.up);
      tracker.setInterface(s.ifname, s.up);
    });
    await watcher.start();
    for (const name of ifaces) {
      const st = watcher.state(name);
      if (st && !st.up) {
        runtime.setInterface(name, false);
        tracker.setInterface(name, false);
      }
    }
  }

  /**
   * Live reload of the VRRP section (keepalived SIGHUP semantics, see reload-plan.ts). Only a
   * validated config gets here (Daemon.reload). Never throws for a single instance: one whose
   * new socket cannot be opened keeps running its old definition (restart) or is not started
   * (add), is logged, and the next reload tries again.
   */
  async reload(next: HalbConfig): Promise<void> {
    const runtime = this.runtime;
    const pool = this.pool;
    if (!runtime || !pool || !this.tracker) return;
    const prepared = await prepareVrrpReload(this.vrrp, next.vrrp, (def) => this.openTransport(def, pool), this.log);
    if (!prepared) return;
    const { plan, effective } = prepared;
    for (const [name, t] of prepared.transports) this.transports.set(name, t);

    if (plan.definitions.includes('globals.scriptUser') || plan.definitions.includes('globals.enableScriptSecurity')) {
      const old = this.notify;
      this.notify = this.newNotifyRunner(effective);
      // Scripts already queued finish under the settings they were queued with.
      if (old) void old.idle();
    }
    this.tracker.reload(effective);
    const before = watchedInterfaces(this.vrrp);
    const after = watchedInterfaces(effective);
    if ([...after].some((i) => !before.has(i))) await this.watchInterfaces(after);

    const failed = await runtime.reload(runtimeOptions(effective), plan);
    // Instances that start tracking an item (or start anew) learn its current status.
    for (const c of this.tracker.snapshot()) feedTrackChange(runtime, c);
    this.vrrp = settleVrrpReload(prepared, failed, this.transports);
  }

  /** Clean stop: priority-0 adverts, VIPs kept until the new master is heard (make-before-break). */
  async stop(): Promise<void> {
    // The link watcher first: during the hand-over link changes no longer matter, and its child
    // may already have the group's SIGTERM (Ctrl-C, systemd), which is no error.
    this.watcher?.stop();
    await this.runtime?.stop();
    await this.tracker?.stop();
    // STOP notifies are queued by the runtime; give them a bounded time to run.
    if (this.notify) await Promise.race([this.notify.stop(), new Promise((r) => setTimeout(r, 5000).unref())]);
    this.pool?.closeAll();
    await this.strays?.close();
    await this.vips?.close();
  }
}
