// The thin driver around the pure VRRP core, the step loop: packets from VrrpTransports through
// validate() into the machines, ticks, tracking and stop, all through one choke point (input()).
// Its parts, one job each: the effects executor (effects.ts), the repeat-advert absorber
// (repeat-absorber.ts), the one timer with the takeover timing (takeover-timer.ts) and the
// counters (counters.ts, read with `counters()` for metrics); live reload (runtime-reload.ts).
import { EVENT } from '../log/events.js';
import type { Logger } from '../log/logger.js';
import type { Clock } from '../util/clock.js';
import type { VrrpInstance, VrrpScript, VrrpSyncGroup, VrrpTrackFile } from '../config/model-vrrp.js';
import type { StrayForwarder, VipManager } from '../vip/types.js';
import type { ReceivedVrrp, VrrpTransport } from './transport.js';
import type { TrackReading } from '../track/types.js';
import { encodeAdvert, VRRP_MULTICAST_V4, VRRP_MULTICAST_V6 } from './packet.js';
import { advertPolicy, ourAdvert, validate } from './validate.js';
import { machineConfig, type MachineConfig } from './machine-config.js';
import { canonicalAddress } from './address.js';
import { initialState, type MachineEvent, type MachineState, type NotifyState, type Phase, type TransitionReason } from './machine.js';
import {
  composeCoordinator,
  coordinatorDeadline,
  coordinatorStep,
  coordinatorSteps,
  groupMoves,
  initialCoordinator,
  machineOf,
  type CoordinatorResult,
  type CoordinatorState,
  type TaggedEffect,
} from './group.js';
import type { VrrpReloadPlan } from './reload-plan.js';
import { applyReload, type ReloadFailure, type ReloadHost } from './runtime-reload.js';
import { zeroCounters, type InstanceCounters } from './counters.js';
import { EffectExecutor, RELEASE_GRACE_MS, STRAY_FORWARD_MS, type EffectTarget, type NotifyRunner } from './effects.js';
import { RepeatAbsorber, type AbsorbingInstance, type AdvertEvent } from './repeat-absorber.js';
import { DeadlineTimer, nextMasterDown } from './takeover-timer.js';
import { instanceStatus, type InstanceStatus } from './status.js';

export type { InstanceCounters } from './counters.js';
export type { InstanceStatus } from './status.js';
export { RELEASE_GRACE_MS, STRAY_FORWARD_MS, type NotifyRunner } from './effects.js';
export { TAKEOVER_LEAD_MS } from './takeover-timer.js';
export type { ReloadFailure } from './runtime-reload.js';

export interface VrrpRuntimeDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly vips: VipManager;
  /** The transport an instance sends and receives on (may be shared between instances). */
  readonly transportFor: (inst: VrrpInstance) => VrrpTransport;
  readonly notify?: NotifyRunner;
  /** Passes strays on to a stopping master during a hand-over (ForwardStrays); optional. */
  readonly strays?: StrayForwarder;
}

export interface VrrpRuntimeOptions {
  readonly instances: readonly VrrpInstance[];
  readonly syncGroups?: readonly VrrpSyncGroup[];
  readonly scripts?: readonly VrrpScript[];
  readonly trackFiles?: readonly VrrpTrackFile[];
  /** halb fast takeover on priority-0 adverts (see machine.ts); default on. */
  readonly fastTakeover?: boolean;
  /** Bound on how long a stopping master keeps its VIPs (ms); default its Master_Down_Interval. */
  readonly stopHoldMax?: number;
  /**
   * How long a master that hands over (steps down to BACKUP, or STOPPING hears the new master)
   * keeps answering for its VIPs before removing them, ms; default RELEASE_GRACE_MS. See perform().
   */
  readonly releaseGraceMs?: number;
  /** How long a new master forwards strays to the master it replaced, ms; default STRAY_FORWARD_MS. */
  readonly strayForwardMs?: number;
}

/** One instance as the runtime runs it: what the executor and the repeat absorber work on. */
interface Inst extends EffectTarget, AbsorbingInstance {
  readonly cfg: VrrpInstance;
  readonly transport: VrrpTransport;
  readonly counters: InstanceCounters;
  /** Cleared when a reload removes the instance: its transport listener then ignores packets. */
  readonly live: { on: boolean };
}

export class VrrpRuntime {
  private coord: CoordinatorState;
  /** The running configuration (replaced by reload()). */
  private opts: VrrpRuntimeOptions;
  private readonly insts = new Map<string, Inst>();
  private readonly timer: DeadlineTimer;
  private readonly effects: EffectExecutor;
  private readonly absorber: RepeatAbsorber;
  /** The timer deadline a stall was last handled for (checkStall runs once per stall). */
  private stallHandled: number | undefined;
  private inStall = false;
  /** stop() and reload() waiting for machines to reach STOPPED (checked after every step). */
  private readonly stopWaiters: Array<{ readonly done: () => boolean; readonly resolve: () => void }> = [];
  private readonly transitionListeners: Array<(instance: string, from: Phase, to: Phase, reason: TransitionReason) => void> = [];
  private running = false;
  private halted = false;
  /** stop() was called: a reload in progress starts nothing more. */
  private stopRequested = false;
  /** Last state notified per sync group (keepalived runs the group's notify once per group move). */
  private readonly groupStates = new Map<string, NotifyState>();

  constructor(
    opts: VrrpRuntimeOptions,
    private readonly deps: VrrpRuntimeDeps,
  ) {
    this.opts = opts;
    this.timer = new DeadlineTimer(deps.clock, () => this.tick());
    this.absorber = new RepeatAbsorber(deps.clock);
    this.effects = new EffectExecutor({
      logger: deps.logger,
      vips: deps.vips,
      notify: deps.notify,
      strays: deps.strays,
      releaseGraceMs: () => this.opts.releaseGraceMs ?? RELEASE_GRACE_MS,
      strayForwardMs: () => this.opts.strayForwardMs ?? STRAY_FORWARD_MS,
      halted: () => this.halted,
      running: () => this.running,
      onTransition: (name, from, to, reason) => {
        for (const l of this.transitionListeners) l(name, from, to, reason);
      },
    });
    const configs = opts.instances.map((inst) => {
      const i = this.newInst(inst);
      this.insts.set(inst.name, i);
      return this.machineConfigOf(i);
    });
    this.coord = initialCoordinator(configs, this.groupDefs());
  }

  private newInst(inst: VrrpInstance): Inst {
    const transport = this.deps.transportFor(inst);
    return {
      cfg: inst,
      policy: advertPolicy(inst),
      transport,
      localAddress: inst.unicastSrcIp ?? transport.localAddress,
      vips: [...inst.virtualAddresses, ...inst.virtualAddressesExcluded],
      counters: zeroCounters(),
      releaseAfterGrace: false,
      armed: undefined,
      replayAt: undefined,
      live: { on: true },
    };
  }

  private machineConfigOf(i: Inst): MachineConfig {
    const opts = this.opts;
    return machineConfig(i.cfg, {
      primaryAddress: i.localAddress,
      ...(opts.scripts ? { scripts: opts.scripts } : {}),
      ...(opts.trackFiles ? { trackFiles: opts.trackFiles } : {}),
      ...(opts.fastTakeover !== undefined ? { fastTakeover: opts.fastTakeover } : {}),
      ...(opts.stopHoldMax !== undefined ? { stopHoldMax: opts.stopHoldMax } : {}),
    });
  }

  private groupDefs(): { name: string; members: readonly string[] }[] {
    return (this.opts.syncGroups ?? []).map((g) => ({ name: g.name, members: g.members }));
  }

  private listen(name: string, inst: Inst): void {
    const live = inst.live;
    inst.transport.onPacket((p) => {
      if (live.on) this.receive(name, p);
    });
    inst.transport.onOtherVrid?.(() => {
      if (live.on && this.running) inst.counters.rxOtherVrid++;
    });
  }

  /** Subscribe to state transitions (for tests, status pages and metrics). */
  onTransition(l: (instance: string, from: Phase, to: Phase, reason: TransitionReason) => void): void {
    this.transitionListeners.push(l);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    for (const [name, inst] of this.insts) this.listen(name, inst);
    for (const name of this.insts.keys()) this.feed(name, { type: 'start' });
    this.warmTakeoverPath();
  }

  /**
   * V8 compiles a function on its first call; the takeover path (the core's becomeMaster, the
   * advert encoder at our priority) otherwise runs cold exactly when a master dies, which cost
   * a few ms before the takeover advert in the failover lab. The core is pure, so one step with
   * a clock far in the future is a free rehearsal: its state and effects are discarded.
   */
  private warmTakeoverPath(dueAt?: number): void {
    const later = this.deps.clock.now() + 3_600_000;
    coordinatorStep(this.coord, undefined, { type: 'tick' }, later);
    for (const inst of this.insts.values()) {
      const c = inst.cfg;
      // Right before a takeover: only the instances about to take over.
      if (dueAt !== undefined && machineOf(this.coord, c.name)?.deadlines.masterDown !== dueAt) continue;
      const dst = c.unicastPeers[0] ?? (c.family === 4 ? VRRP_MULTICAST_V4 : VRRP_MULTICAST_V6);
      encodeAdvert(ourAdvert(inst.policy, machineOf(this.coord, c.name)?.priority ?? c.priority), { src: inst.localAddress, dst, pseudoHeader: c.checksumPseudoHeader });
      // The effect side (AddVips, SendGarp): the runtime's wrappers with nothing to do, then the
      // VIP manager's dry run. Cold, the first GARP left 2-4 ms after the takeover advert.
      void this.effects.vipOp(inst, 'add', []);
      void this.effects.garp(inst, 1, []);
      const first = inst.vips[0];
      if (first) this.deps.vips.warm?.(first, first.dev ?? c.interface);
    }
  }

  /**
   * Clean stop: every instance gets `stop` (a master sends priority 0 and, make-before-break,
   * keeps its VIPs until the new master is heard or its hold deadline passes). Resolves when all
   * instances are STOPPED and every effect has run; then closes the transports.
   */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.stopRequested = true;
    const done = this.untilStopped(() => this.coord.machines.every((m) => m.phase === 'STOPPED'));
    for (const name of this.insts.keys()) this.feed(name, { type: 'stop' });
    this.checkStopped();
    await done;
    await this.effects.idle();
    this.shutdown();
  }

  /** Crash simulation: stop everything at once, send nothing, leave VIPs as they are. */
  halt(): void {
    this.halted = true;
    this.shutdown();
    // a stop() in progress resolves: there is nothing left to wait for
    for (const w of this.stopWaiters.splice(0)) w.resolve();
  }

  /** A tracked item changed: `script:NAME`, `interface:NAME` or `file:NAME`, with its reading. */
  setTrack(key: string, reading: TrackReading): void {
    for (const name of this.insts.keys()) {
      const m = machineOf(this.coord, name)!;
      if (m.cfg.tracks.some((t) => t.key === key)) this.feed(name, { type: 'track', name: key, ...reading });
    }
  }

  /** An interface went up or down: the VRRP interface of instances on it, and track_interface. */
  setInterface(ifname: string, up: boolean): void {
    for (const [name, inst] of this.insts) {
      if (inst.cfg.interface === ifname) this.feed(name, { type: 'interface', up });
    }
    this.setTrack(`interface:${ifname}`, { ok: up });
  }

  counters(): Record<string, InstanceCounters> {
    for (const inst of this.insts.values()) this.absorber.collect(inst);
    return Object.fromEntries([...this.insts].map(([n, i]) => [n, structuredClone(i.counters)]));
  }

  status(): InstanceStatus[] {
    return instanceStatus(this.coord, (name) => this.insts.get(name)?.localAddress);
  }

  /**
   * Live reload (keepalived SIGHUP semantics): applies `plan` (reload-plan.ts) for the next
   * configuration `next`, instance by instance (runtime-reload.ts). Never throws: what cannot be
   * applied is logged and returned, everything else keeps running.
   */
  reload(next: VrrpRuntimeOptions, plan: VrrpReloadPlan): Promise<readonly ReloadFailure[]> {
    return applyReload(this.reloadHost(next), next.instances, plan);
  }

  private reloadHost(next: VrrpRuntimeOptions): ReloadHost<Inst> {
    return {
      logger: this.deps.logger,
      effects: this.effects,
      absorber: this.absorber,
      insts: this.insts,
      active: () => this.running && !this.halted && !this.stopRequested,
      phase: (name) => machineOf(this.coord, name)?.phase,
      replayRepeats: () => this.replayRepeats(),
      adopt: () => {
        this.opts = { ...this.opts, instances: next.instances, syncGroups: next.syncGroups ?? [], scripts: next.scripts ?? [], trackFiles: next.trackFiles ?? [] };
        for (const g of this.groupStates.keys()) if (!this.opts.syncGroups!.some((x) => x.name === g)) this.groupStates.delete(g);
      },
      recompose: (fresh) => this.recompose(fresh),
      newInst: (def) => this.newInst(def),
      withDefinition: (old, def) => ({ ...old, cfg: def, policy: advertPolicy(def), vips: [...def.virtualAddresses, ...def.virtualAddressesExcluded] }),
      initialState: (inst) => initialState(this.machineConfigOf(inst)),
      reconfigure: (name, inst) => void this.apply(coordinatorStep(this.coord, name, { type: 'reconfigure', cfg: this.machineConfigOf(inst) }, this.deps.clock.now())),
      listen: (name, inst) => this.listen(name, inst),
      feed: (name, ev) => this.feed(name, ev),
      untilStopped: (done) => this.untilStopped(done),
      checkStopped: () => this.checkStopped(),
    };
  }

  /** Rebuilds the coordinator over the current instances in config order (`fresh`: new machines). */
  private recompose(fresh: ReadonlyMap<string, MachineState>): void {
    const machines: MachineState[] = [];
    const placed = new Set<string>();
    const place = (name: string): void => {
      if (placed.has(name) || !this.insts.has(name)) return;
      const m = fresh.get(name) ?? machineOf(this.coord, name);
      if (!m) return;
      machines.push(m);
      placed.add(name);
    };
    for (const c of this.opts.instances) place(c.name);
    // Instances leaving the config stay until they have stopped.
    for (const m of this.coord.machines) place(m.cfg.name);
    this.coord = composeCoordinator(machines, this.groupDefs());
    this.arm(coordinatorDeadline(this.coord));
  }

  // ---- internals ----

  private shutdown(): void {
    this.running = false;
    for (const inst of this.insts.values()) this.absorber.disarm(inst);
    this.timer.clear();
    this.effects.clearTimers();
    const closed = new Set<VrrpTransport>();
    for (const inst of this.insts.values()) {
      if (!closed.has(inst.transport)) inst.transport.close();
      closed.add(inst.transport);
    }
  }

  private receive(name: string, p: ReceivedVrrp): void {
    if (!this.running) return;
    // A packet handled while our timer is overdue: the loop stalled and, this time, read the
    // socket before running timers. This packet first (it arrived first), then the same
    // re-check as in tick() for the rest of the queue.
    const due = this.timer.deadline;
    const late = due === undefined || this.inStall ? 0 : this.deps.clock.now() - due;
    this.receiveOne(name, p);
    if (late > 0) this.checkStall(late, due!);
  }

  private receiveOne(name: string, p: ReceivedVrrp): void {
    const inst = this.insts.get(name)!;
    const v = validate(p, inst.policy, inst.localAddress);
    if (v.ok) {
      inst.counters.rxAccepted++;
      if (v.advert.priority === 0) inst.counters.rxPriorityZero++;
      const ev: AdvertEvent = { type: 'advert', src: canonicalAddress(p.src) ?? p.src, priority: v.advert.priority, advertInt: v.advert.advertInt };
      if (this.halted) return;
      let i = 0;
      let before: Phase = 'INIT';
      const effects = this.input(name, ev, () => {
        i = this.coord.index[name]!;
        before = this.coord.machines[i]!.phase;
      });
      let mine = 0;
      for (const e of effects) if (e.instance === name) mine++;
      // Repeat-advert fast path: from here on the transport may count identical copies of this
      // packet instead of delivering each (repeat-absorber.ts).
      this.absorber.afterAdvert(inst, p, ev, this.running, before, this.coord.machines[i]!.phase, mine);
      return;
    }
    if (v.reason === 'unknown-vrid') {
      inst.counters.rxOtherVrid++;
      return;
    }
    inst.counters.rxRejected[v.reason]++;
    this.deps.logger.debug({ event: EVENT.vrrp_rx_rejected, instance: name, reason: v.reason, src: p.src, detail: v.detail }, 'advert dropped');
    if (v.conflict) this.feed(name, { type: 'conflict', src: v.conflict.src, addresses: v.conflict.addresses });
  }

  private feed(name: string, ev: MachineEvent): void {
    if (this.halted) return;
    this.input(ev.type === 'tick' ? undefined : name, ev);
  }

  /**
   * The one choke point every input passes (packets, ticks, tracking, stop, reconfigure):
   * absorbed repeats are replayed first, so the machines see events in arrival order; then
   * `beforeStep` (the takeover wait-out, or reading the phase before an advert); then the step,
   * at the time read after both.
   */
  private input(target: string | undefined, ev: MachineEvent, beforeStep?: () => void): readonly TaggedEffect[] {
    this.replayRepeats();
    beforeStep?.();
    return this.apply(coordinatorStep(this.coord, target, ev, this.deps.clock.now()));
  }

  private tick(): void {
    const due = this.timer.fired();
    if (this.halted) return;
    if (due !== undefined) this.checkStall(this.deps.clock.now() - due, due);
    // Absorbed repeats first (input()): the deadline that fired may have been pushed out meanwhile.
    this.input(undefined, { type: 'tick' }, () => {
      // Woken early for a Master_Down deadline (DeadlineTimer.arm): wait out the last few
      // milliseconds here. The deadline is read after the replay: an advert heard meanwhile has
      // moved it, and then nothing is waited for.
      const down = nextMasterDown(this.coord);
      if (down === undefined || !this.timer.dueSoon(down)) return;
      // A takeover is due in a few ms: run its path once now, so it runs warm when it counts.
      // After seconds of idling as a backup it ran several times slower than warm (cache misses:
      // the advert left ~0.9 ms and the first GARP ~2 ms after waking, against ~0.1 ms for
      // keepalived).
      this.warmTakeoverPath(down);
      this.timer.waitOut(down);
    });
  }

  /**
   * The timer fired `lateMs` after its deadline. Longer than an instance's advert interval is a
   * stall (GC, a blocking call, SIGSTOP): what the peers said meanwhile is still queued in the
   * socket, and after a stop libuv runs due timers before it polls, so a master would advertise
   * (and a backup take over) on stale knowledge. Re-check first: read what is queued, feed it,
   * then the stall itself (machine.ts onStall), then the tick. Logged and counted per instance.
   * Also called from receive(): after a stop the loop may read sockets first; then the adverts
   * re-arm the timer and tick() would not notice. `due` is the overdue timer deadline.
   */
  private checkStall(lateMs: number, due: number): void {
    if (this.stallHandled === due) return;
    let stalled: string[] | undefined;
    for (const [name, inst] of this.insts) {
      const phase = machineOf(this.coord, name)?.phase;
      if ((phase === 'MASTER' || phase === 'BACKUP') && lateMs > inst.cfg.advertInt) (stalled ??= []).push(name);
    }
    if (!stalled) return;
    this.stallHandled = due;
    this.inStall = true;
    try {
      this.recheckAfterStall(stalled, lateMs);
    } finally {
      this.inStall = false;
    }
  }

  private recheckAfterStall(stalled: readonly string[], lateMs: number): void {
    const drained = new Set<VrrpTransport>();
    for (const inst of this.insts.values()) {
      if (drained.has(inst.transport)) continue;
      drained.add(inst.transport);
      inst.transport.drain?.();
    }
    for (const name of stalled) {
      const inst = this.insts.get(name);
      if (!inst || this.halted) continue;
      inst.counters.stalls++;
      const state = machineOf(this.coord, name)?.phase;
      const ms = Math.round(lateMs);
      this.deps.logger.warn({ event: EVENT.vrrp_stall, instance: name, stallMs: ms, state }, `(${name}) event loop stalled ${ms} ms; re-checked the peers before acting as ${state}`);
      this.feed(name, { type: 'stall', ms: lateMs });
    }
  }

  /** Adopts a coordinator result (computed from `this.coord` just before) and performs its effects. */
  private apply(r: CoordinatorResult): readonly TaggedEffect[] {
    this.coord = r.state;
    if (r.effects.length > 0) {
      // Adverts first: on a takeover the advert is what tells the other routers, and logging the
      // transition (a JSON line and its write) would otherwise delay it; nothing else depends on
      // running before it.
      for (const { instance, effect } of r.effects) if (effect.type === 'SendAdvert') this.effects.perform(instance, this.insts.get(instance)!, effect);
      for (const { instance, effect } of r.effects) {
        if (effect.type === 'SendAdvert') continue;
        // Any state change ends absorbing: repeat.ts holds only for a steady BACKUP.
        const inst = this.insts.get(instance)!;
        if (effect.type === 'LogTransition') this.absorber.disarm(inst);
        this.effects.perform(instance, inst, effect);
      }
      this.notifyGroups();
    }
    this.arm(r.nextDeadline);
    this.checkStopped();
    return r.effects;
  }

  /** Replays absorbed repeats (repeat-absorber.ts) as one batch; only input() and reload() call it. */
  private replayRepeats(): void {
    const batch = this.absorber.replay(this.insts);
    if (batch) this.apply(coordinatorSteps(this.coord, batch));
  }

  private arm(deadline: number | undefined): void {
    if (this.halted) return;
    this.timer.arm(deadline, () => nextMasterDown(this.coord));
  }

  /** vrrp_sync_group notify: once all members agree on a new state (group.ts groupMoves). */
  private notifyGroups(): void {
    for (const mv of groupMoves(this.coord, this.opts.syncGroups ?? [], this.groupStates)) {
      const { group: g, state, priority } = mv;
      this.groupStates.set(g.name, state);
      this.deps.logger.info({ event: EVENT.vrrp_group_transition, group: g.name, state }, `group (${g.name}) ${state}`);
      this.effects.enqueue('\u0000groups', async () => {
        this.deps.notify?.notify({ type: 'GROUP', name: g.name, state, priority, scripts: g.notify });
      });
    }
  }

  private untilStopped(done: () => boolean): Promise<void> {
    return new Promise<void>((resolve) => this.stopWaiters.push({ done, resolve }));
  }

  private checkStopped(): void {
    if (this.stopWaiters.length === 0) return;
    for (const w of this.stopWaiters.slice()) {
      if (!w.done()) continue;
      this.stopWaiters.splice(this.stopWaiters.indexOf(w), 1);
      w.resolve();
    }
  }
}

/**
 * Factory (conventions: components built from options + typed dependencies). `opts` accepts a
 * whole `VrrpConfig` (instances, syncGroups, scripts, trackFiles) as it comes from the loaders.
 */
export function createVrrpRuntime(opts: VrrpRuntimeOptions, deps: VrrpRuntimeDeps): VrrpRuntime {
  return new VrrpRuntime(opts, deps);
}
