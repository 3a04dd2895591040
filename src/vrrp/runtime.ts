// The thin driver around the pure VRRP core: one timer on the coordinator's next deadline
// (monotonic clock), packets from VrrpTransports through validate() into the machines, and
// effects executed in order through the VipManager, the transport and a notify runner.
// Everything it does is counted in a plain object (`counters()`) for metrics.
import type { Logger } from '../log/logger.js';
import type { Clock } from '../util/clock.js';
import type { NotifyScripts, VirtualAddress, VrrpInstance, VrrpScript, VrrpSyncGroup, VrrpTrackFile } from '../config/model-vrrp.js';
import type { StrayForwarder, VipManager } from '../vip/types.js';
import type { ReceivedVrrp, VrrpTransport } from './transport.js';
import type { TrackReading } from '../track/types.js';
import { encodeAdvert, VRRP_MULTICAST_V4, VRRP_MULTICAST_V6 } from './packet.js';
import { REJECT_REASONS, advertPolicy, ourAdvert, validate, type AdvertPolicy, type RejectReason } from './validate.js';
import { machineConfig, type MachineConfig } from './machine-config.js';
import { canonicalAddress } from './address.js';
import { TRANSITION_REASONS, initialState, type Effect, type MachineEvent, type MachineState, type NotifyState, type Phase, type TransitionReason } from './machine.js';
import { composeCoordinator, coordinatorDeadline, coordinatorStep, coordinatorSteps, initialCoordinator, machineOf, type CoordinatorInput, type CoordinatorResult, type CoordinatorState, type TaggedEffect } from './group.js';
import { repeatAbsorbable } from './repeat.js';
import { vipChanges } from './vip-diff.js';
import type { InstancePlan, ReloadAction, VrrpReloadPlan } from './reload-plan.js';

/** Runs notify scripts (keepalived: `notify_<state>` then `notify TYPE NAME STATE PRIORITY`). */
export interface NotifyRunner {
  notify(n: { readonly type: 'INSTANCE' | 'GROUP'; readonly name: string; readonly state: NotifyState; readonly priority: number; readonly scripts: NotifyScripts }): void;
}

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

/**
 * Forwarding window of a new master (ForwardStrays), from when the rule is in place. The old
 * master's RELEASE_GRACE_MS starts when it hears our first advert, which leaves at once (before
 * the rule is installed, a few ms), so the window ends ~100 ms before the old master lets go.
 */
export const STRAY_FORWARD_MS = 400;
/** A takeover never waits longer than this for the forwarding rule (the old master still answers). */
const STRAY_INSTALL_WAIT_MS = 250;

/**
 * Make-before-break grace: adverts go out at once (see perform()), so the new master may be heard
 * before its `ip addr add` and gratuitous ARP are done; the old master keeps the VIPs this long so
 * clients whose ARP entry still points at it are answered meanwhile. Covers the new master's
 * address add + GARP (~10-50 ms measured in the lab) with a wide margin for a loaded host.
 */
export const RELEASE_GRACE_MS = 500;

/**
 * A backup's Master_Down timer is armed this much early; tick() then rehearses the takeover path
 * and waits out the rest exactly, spinning (sub-millisecond). Why: setTimeout is
 * millisecond-granular and we round up so it never fires early, which made the takeover advert
 * leave 1-2 ms after the deadline, on top of the wake-up; keepalived's timer fires within ~0.3 ms
 * (bench/failover-timeline.ts). Only Master_Down deadlines get this (they come due only when the
 * master is really gone); advert timers keep the plain timer, so a master of many instances
 * never blocks its event loop.
 */
export const TAKEOVER_LEAD_MS = 4;

export interface InstanceCounters {
  rxAccepted: number;
  /** One counter per rejection reason (validate.ts), `unknown-vrid` excluded. */
  rxRejected: Record<Exclude<RejectReason, 'unknown-vrid'>, number>;
  /** Adverts for VRIDs that are not ours: normal on a shared link, ignored. */
  rxOtherVrid: number;
  /** Accepted adverts with priority 0 (a master stepping down; keepalived's stats count them). */
  rxPriorityZero: number;
  txAdverts: number;
  txPriorityZero: number;
  txErrors: number;
  garpSent: number;
  vipErrors: number;
  conflicts: number;
  /** Event-loop stalls longer than an advert interval noticed while MASTER or BACKUP (see checkStall). */
  stalls: number;
  /** Keyed `FROM->TO`. */
  transitions: Record<string, number>;
  transitionsByReason: Record<TransitionReason, number>;
}

export interface InstanceStatus {
  readonly name: string;
  readonly state: Phase;
  readonly priority: number;
  readonly master?: string;
  /** The followed master's advertised priority (with `master`). */
  readonly masterPriority?: number;
  readonly since: number;
  /** Address our adverts leave from. */
  readonly sourceIp?: string;
  /** Tracked items (scripts, interfaces, files) reporting a failure now. */
  readonly failingTracks?: number;
}

function zeroCounters(): InstanceCounters {
  const rej = Object.fromEntries(REJECT_REASONS.filter((r) => r !== 'unknown-vrid').map((r) => [r, 0])) as InstanceCounters['rxRejected'];
  const byReason = Object.fromEntries(TRANSITION_REASONS.map((r) => [r, 0])) as InstanceCounters['transitionsByReason'];
  return { rxAccepted: 0, rxRejected: rej, rxOtherVrid: 0, rxPriorityZero: 0, txAdverts: 0, txPriorityZero: 0, txErrors: 0, garpSent: 0, vipErrors: 0, conflicts: 0, stalls: 0, transitions: {}, transitionsByReason: byReason };
}

interface Inst {
  readonly cfg: VrrpInstance;
  readonly policy: AdvertPolicy;
  readonly transport: VrrpTransport;
  readonly localAddress: string;
  readonly vips: readonly VirtualAddress[];
  readonly counters: InstanceCounters;
  /** The next DelVips is a hand-over (set by its LogTransition): release after the grace. */
  releaseAfterGrace: boolean;
  /** The advert whose repeats the transport absorbs (repeat.ts), as the machine event to replay. */
  armed: AdvertEvent | undefined;
  /** Absorbed repeats collected but not yet replayed: the arrival time of the latest. */
  replayAt: number | undefined;
  /** Cleared when a reload removes the instance: its transport listener then ignores packets. */
  readonly live: { on: boolean };
}

/** What a reload could not apply (the rest was applied; see VrrpRuntime.reload). */
export interface ReloadFailure {
  readonly instance: string;
  readonly action: ReloadAction;
  readonly error: string;
}

type AdvertEvent = Extract<MachineEvent, { type: 'advert' }>;

export class VrrpRuntime {
  private coord: CoordinatorState;
  /** The running configuration (replaced by reload()). */
  private opts: VrrpRuntimeOptions;
  private readonly insts = new Map<string, Inst>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt: number | undefined;
  /** The timer deadline a stall was last handled for (checkStall runs once per stall). */
  private stallHandled: number | undefined;
  private inStall = false;
  /** Iterations of the wait right before a takeover (TAKEOVER_LEAD_MS); kept so it is not optimised away. */
  private spins = 0;
  /**
   * One effect queue per instance (one more for group notifies): effects of an instance run in
   * order, but a slow `ip addr` for one instance never delays another instance's adverts.
   */
  private readonly queues = new Map<string, Promise<void>>();
  private readonly garpTimers = new Set<ReturnType<typeof setTimeout>>();
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
      void this.vipOp(inst, 'add', []);
      void this.garp(inst, 1, []);
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
    await Promise.all(this.queues.values());
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
    for (const inst of this.insts.values()) this.collectRepeats(inst);
    return Object.fromEntries([...this.insts].map(([n, i]) => [n, structuredClone(i.counters)]));
  }

  status(): InstanceStatus[] {
    return this.coord.machines.map((m) => ({
      name: m.cfg.name,
      state: m.phase,
      priority: m.priority,
      since: m.since,
      ...(m.master ? { master: m.master.address, masterPriority: m.master.priority } : {}),
      ...(this.insts.get(m.cfg.name)?.localAddress ? { sourceIp: this.insts.get(m.cfg.name)!.localAddress } : {}),
      failingTracks: Object.values(m.tracks).filter((r) => ('ok' in r ? !r.ok : r.value !== 0)).length,
    }));
  }

  /**
   * Applies a reload plan (reload-plan.ts) for the next configuration `next` (keepalived
   * SIGHUP semantics): `keep` is untouched; `update` is applied in place, state kept (a master
   * keeps its VIPs and adverts; changed VIPs are added/removed as a difference and announced;
   * a priority change takes the tracking path, machine.ts `reconfigure`); `remove` and
   * `restart` stop that instance cleanly (priority 0 if master, make-before-break as on daemon
   * stop), then `restart` starts the new definition; `add` starts. Resolves once every stopped
   * instance is gone and its replacement started. Never throws: what cannot be applied is
   * logged and returned, everything else keeps running.
   */
  async reload(next: VrrpRuntimeOptions, plan: VrrpReloadPlan): Promise<readonly ReloadFailure[]> {
    const failures: ReloadFailure[] = [];
    if (!this.running || this.halted || this.stopRequested) return failures;
    const fail = (p: InstancePlan, err: unknown): void => {
      const error = err instanceof Error ? err.message : String(err);
      failures.push({ instance: p.instance, action: p.action, error });
      this.deps.logger.error({ event: 'vrrp-reload-failed', instance: p.instance, action: p.action, reason: error }, `(${p.instance}) reload: cannot ${p.action}: ${error}`);
    };
    const defs = new Map(next.instances.map((i) => [i.name, i] as const));
    // Absorbed repeats are replayed under the configuration they arrived with.
    this.replayRepeats();
    this.opts = { ...this.opts, instances: next.instances, syncGroups: next.syncGroups ?? [], scripts: next.scripts ?? [], trackFiles: next.trackFiles ?? [] };
    for (const g of this.groupStates.keys()) if (!this.opts.syncGroups!.some((x) => x.name === g)) this.groupStates.delete(g);
    this.recompose(new Map());

    for (const p of plan.instances) {
      const def = defs.get(p.instance);
      if (p.action !== 'update' || !def || !this.insts.has(p.instance)) continue;
      try {
        this.updateInstance(def, p);
      } catch (err) {
        fail(p, err);
      }
    }
    const leaving = plan.instances.filter((p) => (p.action === 'remove' || p.action === 'restart') && this.insts.has(p.instance));
    for (const p of leaving) {
      this.logReload(p);
      this.feed(p.instance, { type: 'stop' });
    }
    for (const p of plan.instances) {
      const def = defs.get(p.instance);
      if (p.action !== 'add' || !def) continue;
      this.logReload(p);
      this.startInstance(def, p, fail);
    }
    if (leaving.length === 0) return failures;

    const names = new Set(leaving.map((p) => p.instance));
    const gone = this.untilStopped(() => [...names].every((n) => (machineOf(this.coord, n)?.phase ?? 'STOPPED') === 'STOPPED'));
    this.checkStopped();
    await gone;
    if (!this.running || this.halted || this.stopRequested) return failures; // the daemon is stopping
    for (const p of leaving) {
      const old = this.insts.get(p.instance);
      if (!old) continue;
      old.live.on = false;
      this.disarm(old);
      this.insts.delete(p.instance);
      if (![...this.insts.values()].some((i) => i.transport === old.transport)) old.transport.close();
    }
    this.recompose(new Map());
    for (const p of leaving) {
      const def = defs.get(p.instance);
      if (p.action === 'restart' && def) this.startInstance(def, p, fail);
    }
    return failures;
  }

  private logReload(p: InstancePlan, extra: Record<string, unknown> = {}): void {
    const what = p.changes.length > 0 ? `: ${p.changes.join(', ')}` : '';
    this.deps.logger.info({ event: 'vrrp-reload', instance: p.instance, action: p.action, changes: p.changes, ...extra }, `(${p.instance}) reload ${p.action}${what}`);
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

  private startInstance(def: VrrpInstance, p: InstancePlan, fail: (p: InstancePlan, err: unknown) => void): void {
    let inst: Inst;
    try {
      inst = this.newInst(def);
    } catch (err) {
      fail(p, err);
      return;
    }
    this.insts.set(def.name, inst);
    this.recompose(new Map([[def.name, initialState(this.machineConfigOf(inst))]]));
    this.listen(def.name, inst);
    this.feed(def.name, { type: 'start' });
  }

  /** In place: same transport, counters and machine state; new settings, VIP difference applied. */
  private updateInstance(def: VrrpInstance, p: InstancePlan): void {
    const old = this.insts.get(def.name)!;
    // The armed repeat was accepted under the old settings (address list, priority rules).
    this.disarm(old);
    const inst: Inst = { ...old, cfg: def, policy: advertPolicy(def), vips: [...def.virtualAddresses, ...def.virtualAddressesExcluded] };
    this.insts.set(def.name, inst);
    const m = machineOf(this.coord, def.name)!;
    const vips = vipChanges(old.vips, inst.vips, def.interface);
    // Only a router holding the VIPs changes them: a master, or one stopping make-before-break.
    const holding = m.phase === 'MASTER' || m.phase === 'STOPPING';
    this.logReload(p, { state: m.phase, ...(vips.added.length || vips.removed.length ? { vipsAdded: vips.added.map((v) => v.address), vipsRemoved: vips.removed.map((v) => v.address) } : {}) });
    if (holding && (vips.added.length > 0 || vips.removed.length > 0)) {
      this.enqueue(def.name, async () => {
        await this.vipOp(old, 'remove', vips.removed);
        await this.vipOp(inst, 'add', vips.added);
        if (vips.added.length > 0 && def.garp.masterRepeat > 0) await this.garp(inst, def.garp.masterRepeat, vips.added);
      });
    }
    this.apply(coordinatorStep(this.coord, def.name, { type: 'reconfigure', cfg: this.machineConfigOf(inst) }, this.deps.clock.now()));
  }

  // ---- internals ----

  private shutdown(): void {
    this.running = false;
    for (const inst of this.insts.values()) this.disarm(inst);
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = undefined;
    for (const t of this.garpTimers) clearTimeout(t);
    this.garpTimers.clear();
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
    const due = this.timerAt;
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
      this.replayRepeats();
      const i = this.coord.index[name]!;
      const before = this.coord.machines[i]!.phase;
      const effects = this.apply(coordinatorStep(this.coord, name, ev, this.deps.clock.now()));
      let mine = 0;
      for (const e of effects) if (e.instance === name) mine++;
      // Repeat-advert fast path (repeat.ts): from here on the transport may count identical
      // copies of this packet instead of delivering each (idle-backup CPU, failover bench).
      if (this.running && inst.transport.repeats && repeatAbsorbable(ev.priority, before, this.coord.machines[i]!.phase, mine)) {
        if (inst.transport.repeats.arm(p)) inst.armed = ev;
        else this.disarm(inst);
      } else this.disarm(inst);
      return;
    }
    if (v.reason === 'unknown-vrid') {
      inst.counters.rxOtherVrid++;
      return;
    }
    inst.counters.rxRejected[v.reason]++;
    this.deps.logger.debug({ event: 'vrrp_rx_rejected', instance: name, reason: v.reason, src: p.src, detail: v.detail }, 'advert dropped');
    if (v.conflict) this.feed(name, { type: 'conflict', src: v.conflict.src, addresses: v.conflict.addresses });
  }

  private feed(name: string, ev: MachineEvent): void {
    if (this.halted) return;
    this.replayRepeats();
    this.apply(coordinatorStep(this.coord, ev.type === 'tick' ? undefined : name, ev, this.deps.clock.now()));
  }

  private tick(): void {
    const due = this.timerAt;
    this.timer = undefined;
    this.timerAt = undefined;
    if (this.halted) return;
    if (due !== undefined) this.checkStall(this.deps.clock.now() - due, due);
    // Absorbed repeats first: the deadline that fired may have been pushed out meanwhile.
    this.replayRepeats();
    // Woken early for a Master_Down deadline (arm()): wait out the last few milliseconds here.
    // The deadline is re-read after the replay: an advert heard meanwhile has moved it, and then
    // nothing is waited for.
    const down = this.nextMasterDown();
    if (down !== undefined && down - this.deps.clock.now() <= TAKEOVER_LEAD_MS + 1) {
      // A takeover is due in a few ms: run its path once now, so it runs warm when it counts. After
      // seconds of idling as a backup it ran several times slower than warm (cache misses: the
      // advert left ~0.9 ms and the first GARP ~2 ms after waking, against ~0.1 ms for keepalived).
      this.warmTakeoverPath(down);
      // Spin, not sleep, for the last few ms: a vCPU that idles in a futex wait came back slow
      // (the advert left ~0.5 ms later than keepalived's). Only ever right before a takeover.
      // Bounded in real time too: an injected clock need not advance (tests).
      const until = down + 0.05;
      const bound = performance.now() + TAKEOVER_LEAD_MS + 2;
      while (this.deps.clock.now() < until && performance.now() < bound) this.spins++;
    }
    this.apply(coordinatorStep(this.coord, undefined, { type: 'tick' }, this.deps.clock.now()));
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
      this.deps.logger.warn({ event: 'vrrp-stall', instance: name, stallMs: ms, state }, `(${name}) event loop stalled ${ms} ms; re-checked the peers before acting as ${state}`);
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
      for (const { instance, effect } of r.effects) if (effect.type === 'SendAdvert') this.perform(instance, effect);
      for (const { instance, effect } of r.effects) {
        if (effect.type === 'SendAdvert') continue;
        // Any state change ends absorbing: repeat.ts holds only for a steady BACKUP.
        if (effect.type === 'LogTransition') this.disarm(this.insts.get(instance)!);
        this.perform(instance, effect);
      }
      this.notifyGroups();
    }
    this.arm(r.nextDeadline);
    this.checkStopped();
    return r.effects;
  }

  /** Adds what the transport absorbed for `inst` to its counters and notes when the latest came. */
  private collectRepeats(inst: Inst): void {
    if (!inst.armed && inst.replayAt === undefined) return;
    const got = inst.transport.repeats?.take();
    if (!got) return;
    inst.counters.rxAccepted += got.count;
    const at = this.deps.clock.now() - got.agoMs;
    if (inst.replayAt === undefined || at > inst.replayAt) inst.replayAt = at;
  }

  /**
   * Replays absorbed repeats before any other input is processed, so the machines see events in
   * arrival order: one advert step per instance, at the arrival time of its latest repeat (the
   * earlier ones only moved the same deadline to an earlier time).
   */
  private replayRepeats(): void {
    let batch: CoordinatorInput[] | undefined;
    for (const [name, inst] of this.insts) {
      this.collectRepeats(inst);
      const at = inst.replayAt;
      if (at === undefined) continue;
      inst.replayAt = undefined;
      const ev = inst.armed;
      if (ev === undefined) continue; // disarmed by a transition since: nothing left to replay into
      (batch ??= []).push({ target: name, event: ev, now: at });
    }
    // One batch (one coordinator copy, one timer update) for all instances: replays happen at
    // every Master_Down check, for every instance (50 in the idle-CPU bench).
    if (batch) this.apply(coordinatorSteps(this.coord, batch));
  }

  private disarm(inst: Inst): void {
    if (inst.armed === undefined) return;
    // Keep what was absorbed until now: counted, and replayed if still armed (it is not).
    this.collectRepeats(inst);
    inst.replayAt = undefined;
    inst.armed = undefined;
    inst.transport.repeats?.disarm();
  }

  private arm(deadline: number | undefined): void {
    if (this.halted) return;
    if (deadline === undefined) {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      this.timerAt = undefined;
      return;
    }
    if (this.timer && this.timerAt === deadline) return;
    // A backup's Master_Down deadline moves later with every advert (500/s for 50 instances at
    // 0.1 s): keep an earlier timer instead of re-creating it per packet; when it fires early,
    // tick() finds nothing due and arms for the real deadline (idle-backup CPU, failover bench).
    if (this.timer && this.timerAt !== undefined && this.timerAt < deadline && this.timerAt > this.deps.clock.now()) return;
    if (this.timer) clearTimeout(this.timer);
    const left = deadline - this.deps.clock.now();
    // A Master_Down deadline: wake TAKEOVER_LEAD_MS early, tick() sleeps the rest exactly.
    // Otherwise setTimeout may fire a fraction of a ms before the monotonic deadline; the machine
    // then does nothing and we re-arm, so round up and never arm for 0 to avoid a busy loop.
    const delay = deadline === this.nextMasterDown() ? Math.max(0, Math.floor(left - TAKEOVER_LEAD_MS)) : Math.max(1, Math.ceil(left));
    this.timerAt = deadline;
    this.timer = setTimeout(() => this.tick(), delay);
  }

  /** The earliest Master_Down deadline among backups (undefined when no machine waits on one). */
  private nextMasterDown(): number | undefined {
    let min: number | undefined;
    for (const m of this.coord.machines) {
      const d = m.phase === 'BACKUP' ? m.deadlines.masterDown : undefined;
      if (d !== undefined && (min === undefined || d < min)) min = d;
    }
    return min;
  }

  /** vrrp_sync_group notify: once all members agree on a new state. */
  private notifyGroups(): void {
    for (const g of this.opts.syncGroups ?? []) {
      const phases = g.members.map((m) => machineOf(this.coord, m)?.phase);
      const first = phases[0];
      if (first === undefined || !phases.every((p) => p === first)) continue;
      const state: NotifyState | undefined = first === 'STOPPED' ? 'STOP' : first === 'MASTER' || first === 'BACKUP' || first === 'FAULT' ? first : undefined;
      if (state === undefined || this.groupStates.get(g.name) === state) continue;
      this.groupStates.set(g.name, state);
      const priority = machineOf(this.coord, g.members[0]!)!.priority;
      this.deps.logger.info({ event: 'vrrp_group_transition', group: g.name, state }, `group (${g.name}) ${state}`);
      this.enqueue('\u0000groups', async () => {
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

  /**
   * Effects run in order per instance (VIP changes are awaited before the GARP that follows),
   * except adverts, which go out at once: an advert queued behind `ip addr add` (a process spawn,
   * tens of ms on a loaded host, serialised over all instances) let backups with a slightly
   * longer Master_Down_Interval take over too (three-node lab, 50-instance bench). The
   * make-before-break the queue order used to give is kept by the releasing side instead: a
   * master handing over removes its VIPs RELEASE_GRACE_MS after the new master was heard.
   */
  private perform(name: string, e: Effect): void {
    const inst = this.insts.get(name)!;
    const log = this.deps.logger;
    switch (e.type) {
      case 'SendAdvert':
        void this.sendAdvert(inst, e.priority);
        return;
      case 'ForwardStrays':
        this.enqueue(name, () => this.forwardStrays(inst, e.peer));
        return;
      case 'AddVips':
        this.enqueue(name, () => this.vipOp(inst, 'add'));
        return;
      case 'DelVips': {
        const grace = inst.releaseAfterGrace ? (this.opts.releaseGraceMs ?? RELEASE_GRACE_MS) : 0;
        inst.releaseAfterGrace = false;
        this.enqueue(name, async () => {
          if (grace > 0 && !this.halted) await new Promise((r) => setTimeout(r, grace));
          await this.vipOp(inst, 'remove');
        });
        return;
      }
      case 'SendGarp':
        this.enqueue(name, () => this.garp(inst, e.count));
        return;
      case 'RunNotify':
        this.enqueue(name, async () => {
          this.deps.notify?.notify({ type: 'INSTANCE', name, state: e.state, priority: e.priority, scripts: inst.cfg.notify });
        });
        return;
      case 'LogTransition':
        // Hand-overs to another master (not FAULT, not a stop nobody took over): see perform().
        inst.releaseAfterGrace = e.to === 'BACKUP' || (e.to === 'STOPPED' && e.reason === 'new-master-heard');
        inst.counters.transitions[`${e.from}->${e.to}`] = (inst.counters.transitions[`${e.from}->${e.to}`] ?? 0) + 1;
        inst.counters.transitionsByReason[e.reason]++;
        log.info({ event: 'vrrp_transition', instance: name, from: e.from, to: e.to, reason: e.reason }, `(${name}) ${e.from} -> ${e.to}`);
        for (const l of this.transitionListeners) l(name, e.from, e.to, e.reason);
        return;
      case 'PriorityChanged':
        log.info({ event: 'vrrp_priority', instance: name, from: e.from, to: e.to }, `(${name}) effective priority ${e.from} -> ${e.to}`);
        return;
      case 'ConflictDetected':
        inst.counters.conflicts++;
        log.warn(
          { event: 'vrrp_vrid_conflict', instance: name, vrid: e.vrid, src: e.src, addresses: e.addresses },
          `another group uses VRID ${e.vrid} with different addresses (${e.src}: ${e.addresses.join(', ')})`,
        );
        return;
      case 'Warning':
        log.warn({ event: 'vrrp_config', instance: name }, e.message);
        return;
      case 'Stopped':
        log.info({ event: 'vrrp_stopped', instance: name }, `(${name}) stopped`);
        return;
      default: {
        const never: never = e;
        log.error({ event: 'vrrp_bug', effect: never }, 'unknown effect');
      }
    }
  }

  private enqueue(key: string, f: () => Promise<void>): void {
    const next = (this.queues.get(key) ?? Promise.resolve()).then(f).catch((err: unknown) => {
      this.deps.logger.error({ event: 'vrrp_effect_failed', instance: key, err }, 'effect failed');
    });
    this.queues.set(key, next);
  }

  private async forwardStrays(inst: Inst, peer: string): Promise<void> {
    const strays = this.deps.strays;
    if (!strays || this.halted) return;
    const c = inst.cfg;
    const addresses = inst.vips.filter((v) => v.family === c.family).map((v) => v.address);
    if (addresses.length === 0) return;
    const durationMs = this.opts.strayForwardMs ?? STRAY_FORWARD_MS;
    let timer: NodeJS.Timeout | undefined;
    const ok = await Promise.race([
      strays.forward({ instance: c.name, family: c.family, addresses, peer, ifname: c.interface, durationMs }),
      new Promise<'slow'>((r) => (timer = setTimeout(() => r('slow'), STRAY_INSTALL_WAIT_MS))),
    ]);
    clearTimeout(timer);
    this.deps.logger.info(
      { event: 'vrrp_handover_forward', instance: c.name, peer, durationMs, installed: ok },
      ok === true ? `(${c.name}) passing unknown connections' segments on to ${peer} for ${durationMs} ms` : `(${c.name}) hand-over forwarding to ${peer} not in place (${ok === 'slow' ? 'slow' : 'failed'})`,
    );
  }

  private async sendAdvert(inst: Inst, priority: number): Promise<void> {
    if (this.halted) return;
    const c = inst.cfg;
    const advert = ourAdvert(inst.policy, priority);
    const dests = c.unicastPeers.length > 0 ? c.unicastPeers : [undefined];
    for (const dest of dests) {
      try {
        const dst = dest ?? (c.family === 4 ? VRRP_MULTICAST_V4 : VRRP_MULTICAST_V6);
        // v3 checksums cover the destination (pseudo-header), so unicast encodes once per peer.
        const payload = encodeAdvert(advert, { src: inst.localAddress, dst, pseudoHeader: c.checksumPseudoHeader });
        inst.transport.send(payload, dest);
        inst.counters.txAdverts++;
        if (priority === 0) inst.counters.txPriorityZero++;
      } catch (err) {
        inst.counters.txErrors++;
        this.deps.logger.warn({ event: 'vrrp_tx_failed', instance: c.name, err }, 'advert not sent');
      }
    }
  }

  private async vipOp(inst: Inst, op: 'add' | 'remove', vips: readonly VirtualAddress[] = inst.vips): Promise<void> {
    await Promise.all(
      vips.map(async (vip) => {
        const ifname = vip.dev ?? inst.cfg.interface;
        try {
          if (op === 'add') await this.deps.vips.add(vip, ifname);
          else await this.deps.vips.remove(vip, ifname);
        } catch (err) {
          inst.counters.vipErrors++;
          this.deps.logger.error({ event: `vrrp_vip_${op}_failed`, instance: inst.cfg.name, vip: vip.address, err }, `cannot ${op} VIP`);
        }
      }),
    );
  }

  private async garp(inst: Inst, count: number, vips: readonly VirtualAddress[] = inst.vips): Promise<void> {
    const once = async (): Promise<void> => {
      await Promise.all(
        vips.map(async (vip) => {
          try {
            await this.deps.vips.announce(vip, vip.dev ?? inst.cfg.interface);
            inst.counters.garpSent++;
          } catch (err) {
            inst.counters.vipErrors++;
            this.deps.logger.warn({ event: 'vrrp_garp_failed', instance: inst.cfg.name, vip: vip.address, err }, 'announce failed');
          }
        }),
      );
    };
    const spacing = inst.cfg.garp.interval;
    if (spacing <= 0) {
      for (let i = 0; i < count; i++) await once();
      return;
    }
    // keepalived vrrp_garp_interval: space the repeats without holding up later effects.
    await once();
    for (let i = 1; i < count; i++) {
      const t = setTimeout(() => {
        this.garpTimers.delete(t);
        if (this.running) void once();
      }, spacing * i);
      this.garpTimers.add(t);
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

