// The VRRP state machine of one instance, pure (etcd-raft style): `step(state, event, now)`
// returns the next state, the effects to perform (as data) and the next absolute deadline.
// No clock, no I/O, no logger: the runtime (runtime.ts) feeds events and performs effects.
//
// States and transitions (RFC 5798 §6.4, keepalived behaviours, halb additions marked *):
//
//   from \ to  | BACKUP                      | MASTER                          | FAULT               | STOPPING* / STOPPED
//   -----------+-----------------------------+---------------------------------+---------------------+--------------------
//   INIT       | start (priority < 255)      | start as owner (priority 255)   | start while faulty  | stop -> STOPPED
//   BACKUP     |                             | Master_Down timer; preempt_delay| track/iface failure | stop -> STOPPED
//              |                             | elapsed; *fast takeover on p=0  |                     |
//   MASTER     | higher advert (or equal from| (lower advert: re-assert)       | track/iface failure | stop -> *STOPPING
//              | a higher address); sync     |                                 |                     |
//   FAULT      | all tracked items clear     |                                 |                     | stop -> STOPPED
//   STOPPING*  |                             |                                 |                     | new master heard or
//              |                             |                                 |                     | hold deadline -> STOPPED
//
// Timers (RFC 5798 §6.1): Skew_Time = ((256 - Priority) × Master_Adver_Interval) / 256;
// Master_Down_Interval = 3 × Master_Adver_Interval + Skew_Time. For VRRPv2 keepalived (and
// RFC 3768 §6.1) use Skew_Time = (256 - Priority) / 256 seconds, independent of the interval;
// for v3 keepalived truncates the skew to centiseconds. We do the same so mixed halb/keepalived
// groups elect the same way at the same moments.

import type { GarpSettings } from '../config/model-vrrp.js';
import { compareAddresses } from './address.js';
import type { MachineConfig } from './machine-config.js';
import { effectivePriority, trackedItem, type PriorityVerdict } from '../track/priority.js';
import type { TrackReading } from '../track/types.js';

export const PHASES = ['INIT', 'BACKUP', 'MASTER', 'FAULT', 'STOPPING', 'STOPPED'] as const;
export type Phase = (typeof PHASES)[number];

export const PRIORITY_OWNER = 255;
/** RFC 5798 §5.2.4: a master that stops sends priority 0 so backups need not wait the full interval. */
export const PRIORITY_STOP = 0;

export const TRANSITION_REASONS = [
  'startup', // INIT -> BACKUP
  'startup-owner', // INIT -> MASTER, priority 255 (RFC 5798 §6.4.1)
  'master-down', // Master_Down_Timer fired (RFC 5798 §6.4.2)
  'fast-takeover', // * priority-0 advert and provably the best remaining candidate
  'preempt-delay', // preempt_delay elapsed with a lower-priority master still in place
  'higher-priority', // advert that outranks us (RFC 5798 §6.4.3)
  'fault', // weight-0 tracked item failed or interface down
  'fault-cleared',
  'sync-group', // forced by a vrrp_sync_group peer
  'stop',
  'new-master-heard', // * STOPPING -> STOPPED: the new master announced itself
  'stop-hold-expired', // * STOPPING -> STOPPED: nobody took over within the bound
] as const;
export type TransitionReason = (typeof TRANSITION_REASONS)[number];

/** State reported to notify scripts (keepalived's names). */
export type NotifyState = 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP';

export type Effect =
  | { readonly type: 'SendAdvert'; readonly priority: number }
  | { readonly type: 'AddVips' }
  /**
   * Taking over from a master that stopped (priority 0) and, in halb's make-before-break, still
   * holds the VIPs for a grace period: pass segments of connections we do not know on to it, so
   * a connection opened to it just before our gratuitous ARP is not reset by us. Precedes AddVips.
   */
  | { readonly type: 'ForwardStrays'; readonly peer: string }
  | { readonly type: 'DelVips' }
  /** Gratuitous ARP / unsolicited NA for every VIP, `count` times (spaced by garp.interval). */
  | { readonly type: 'SendGarp'; readonly count: number }
  | { readonly type: 'RunNotify'; readonly state: NotifyState; readonly priority: number }
  | { readonly type: 'LogTransition'; readonly from: Phase; readonly to: Phase; readonly reason: TransitionReason }
  | { readonly type: 'PriorityChanged'; readonly from: number; readonly to: number }
  | { readonly type: 'ConflictDetected'; readonly vrid: number; readonly src: string; readonly addresses: readonly string[] }
  | { readonly type: 'Warning'; readonly message: string }
  | { readonly type: 'Stopped' };

export type MachineEvent =
  | { readonly type: 'start' }
  /** A validated advert (validate.ts) with our VRID. `advertInt` in ms. */
  | { readonly type: 'advert'; readonly src: string; readonly priority: number; readonly advertInt: number }
  /** The runtime's timer fired: handles every deadline <= now. */
  | { readonly type: 'tick' }
  /**
   * * The runtime's timer fired `ms` after its deadline (event loop stalled: GC, a blocking call,
   * SIGSTOP). Fed after the adverts queued meanwhile were processed and before the tick.
   */
  | { readonly type: 'stall'; readonly ms: number }
  /** A tracked script / interface / file changed; `name` is the TrackItem key. */
  | ({ readonly type: 'track'; readonly name: string } & TrackReading)
  /** The VRRP interface itself went up or down. */
  | { readonly type: 'interface'; readonly up: boolean }
  | { readonly type: 'stop' }
  /** validate() saw our VRID with a different address list from `src`. */
  | { readonly type: 'conflict'; readonly src: string; readonly addresses: readonly string[] }
  /** vrrp_sync_group: a member moved; follow it (group.ts). */
  | { readonly type: 'sync'; readonly to: 'MASTER' | 'BACKUP' | 'FAULT' | 'FAULT-CLEARED' }
  /** Reload (reload-plan.ts `update`): the same router with new settings, state kept. */
  | { readonly type: 'reconfigure'; readonly cfg: MachineConfig };

export interface Deadlines {
  /** BACKUP: Master_Down_Timer. */
  readonly masterDown?: number;
  /** MASTER: Adver_Timer. STOPPING: next repeat of the priority-0 advert. */
  readonly advert?: number;
  /** BACKUP: preempt_delay running against a lower-priority master. */
  readonly preempt?: number;
  /** MASTER: next gratuitous ARP burst (keepalived garp_master_delay / garp_master_refresh). */
  readonly garp?: number;
  /** STOPPING: latest moment to drop the VIPs. */
  readonly stopHold?: number;
}

export interface MachineState {
  readonly cfg: MachineConfig;
  readonly phase: Phase;
  /** Effective priority: base + tracking weights, clamped to 1..254; 255 for the owner. */
  readonly priority: number;
  /** Latest reading per TrackItem key (unreported items count as OK, a file as 0). */
  readonly tracks: Readonly<Record<string, TrackReading>>;
  readonly interfaceUp: boolean;
  /** A sync-group peer is in FAULT, so we are held in FAULT too. */
  readonly groupFault: boolean;
  /** RFC 5798 §6.1 Master_Adver_Interval: ours as master, the master's (v3) as backup. */
  readonly masterAdverInt: number;
  /** The master we follow as BACKUP (last accepted advert). */
  readonly master?: { readonly address: string; readonly priority: number };
  /** Source of a priority-0 advert heard as BACKUP, until someone announces itself master. */
  readonly handoverFrom?: string;
  /** Last priority heard from each configured unicast peer (for fast takeover). */
  readonly peerPriorities: Readonly<Record<string, number>>;
  /** Sources already reported as using our VRID with other addresses (each logged once). */
  readonly conflicts: readonly string[];
  /** Which GARP burst the `garp` deadline is for: the delayed repeat, or the periodic refresh. */
  readonly garpPhase: 'none' | 'delayed' | 'refresh';
  readonly deadlines: Deadlines;
  /** Time of the last transition. */
  readonly since: number;
}

export interface StepResult {
  readonly state: MachineState;
  readonly effects: readonly Effect[];
  /** Earliest pending deadline (absolute ms), undefined when nothing is scheduled. */
  readonly nextDeadline: number | undefined;
}

export function initialState(cfg: MachineConfig): MachineState {
  return {
    cfg,
    phase: 'INIT',
    priority: cfg.priority,
    tracks: {},
    interfaceUp: true,
    groupFault: false,
    masterAdverInt: cfg.advertInt,
    peerPriorities: {},
    conflicts: [],
    garpPhase: 'none',
    deadlines: {},
    since: 0,
  };
}

// ---- pure helpers (exported for tests and for status output) ----

/**
 * Effective priority and track FAULT from the latest readings: track/priority.ts holds the
 * rule (keepalived's weights, reverse, track_file value x weight, clamping, the owner's 255).
 */
export function trackVerdict(cfg: MachineConfig, tracks: Readonly<Record<string, TrackReading>>): PriorityVerdict {
  return effectivePriority(
    cfg.priority,
    cfg.tracks.map((t) => trackedItem(t, tracks[t.key])),
  );
}

/** Faulty on its own account (not because of a sync-group peer). */
export function ownFault(s: MachineState): boolean {
  return !s.interfaceUp || trackFault(s.cfg, s.tracks);
}

/** A tracked item puts the instance in FAULT (weight 0 failing, a track file at or below -254). */
export function trackFault(cfg: MachineConfig, tracks: Readonly<Record<string, TrackReading>>): boolean {
  return cfg.tracks.length > 0 && trackVerdict(cfg, tracks).fault;
}

export function skewTime(version: 2 | 3, priority: number, masterAdverInt: number): number {
  if (version === 2) return Math.floor(((256 - priority) * 1000) / 256);
  // v3: keepalived computes in centiseconds and truncates.
  return Math.floor(((256 - priority) * Math.floor(masterAdverInt / 10)) / 256) * 10;
}

export function masterDownInterval(version: 2 | 3, priority: number, masterAdverInt: number): number {
  return 3 * masterAdverInt + skewTime(version, priority, masterAdverInt);
}

/**
 * The written tie-break (RFC 5798 §6.4.3, used for masters and, in halb, for backups too): an
 * advert outranks us when its priority is higher, or equal and its source address is higher.
 */
export function outranks(priority: number, src: string, ourPriority: number, ourAddress: string): boolean {
  if (priority !== ourPriority) return priority > ourPriority;
  return compareAddresses(src, ourAddress) > 0;
}

/** keepalived: nopreempt only takes effect with initial state BACKUP. */
export function preemptDisabled(cfg: MachineConfig): boolean {
  return cfg.nopreempt && cfg.initialState === 'BACKUP';
}

/** The machine's earliest pending deadline (what `step` returns as `nextDeadline`). */
export function machineDeadline(s: MachineState): number | undefined {
  return nextDeadlineOf(s.deadlines);
}

function nextDeadlineOf(d: Deadlines): number | undefined {
  let min: number | undefined;
  const take = (v: number | undefined): void => {
    if (v !== undefined && (min === undefined || v < min)) min = v;
  };
  take(d.masterDown);
  take(d.advert);
  take(d.preempt);
  take(d.garp);
  take(d.stopHold);
  return min;
}

// ---- the step function ----

/** Mutable scratch for one step; never escapes `step`. */
class Step {
  s: { -readonly [K in keyof MachineState]: MachineState[K] };
  d: { -readonly [K in keyof Deadlines]: Deadlines[K] };
  effects: Effect[] = [];
  constructor(
    state: MachineState,
    readonly now: number,
  ) {
    this.s = { ...state };
    this.d = { ...state.deadlines };
  }
  get cfg(): MachineConfig {
    return this.s.cfg;
  }
  emit(e: Effect): void {
    this.effects.push(e);
  }
  result(): StepResult {
    // Field by field rather than Object.fromEntries: a backup steps for every advert it hears.
    const d = this.d;
    const deadlines: { -readonly [K in keyof Deadlines]: Deadlines[K] } = {};
    if (d.masterDown !== undefined) deadlines.masterDown = d.masterDown;
    if (d.advert !== undefined) deadlines.advert = d.advert;
    if (d.preempt !== undefined) deadlines.preempt = d.preempt;
    if (d.garp !== undefined) deadlines.garp = d.garp;
    if (d.stopHold !== undefined) deadlines.stopHold = d.stopHold;
    const state: MachineState = { ...this.s, deadlines };
    return { state, effects: this.effects, nextDeadline: nextDeadlineOf(deadlines) };
  }

  private transition(to: Phase, reason: TransitionReason): void {
    const from = this.s.phase;
    // A hand-over we heard of only matters to the takeover that follows it directly.
    if (to !== 'MASTER' && this.s.handoverFrom !== undefined) delete this.s.handoverFrom;
    this.s.phase = to;
    this.s.since = this.now;
    this.emit({ type: 'LogTransition', from, to, reason });
  }

  private downInterval(): number {
    return masterDownInterval(this.cfg.version, this.s.priority, this.s.masterAdverInt);
  }

  faulty(): boolean {
    return !this.s.interfaceUp || this.s.groupFault || trackFault(this.cfg, this.s.tracks);
  }

  // RFC 5798 §6.4.1 / §6.4.2: (re)enter Backup and arm Master_Down_Timer.
  becomeBackup(reason: TransitionReason, notify = true, masterAdverInt = this.cfg.advertInt): void {
    const wasMaster = this.s.phase === 'MASTER';
    this.s.masterAdverInt = masterAdverInt;
    this.d = { masterDown: this.now + this.downInterval() };
    this.s.garpPhase = 'none';
    this.transition('BACKUP', reason);
    if (wasMaster) this.emit({ type: 'DelVips' });
    if (notify) this.emit({ type: 'RunNotify', state: 'BACKUP', priority: this.s.priority });
  }

  // RFC 5798 §6.4.2 "(n) ... Send an ADVERTISEMENT, Broadcast gratuitous ARP, Set Adver_Timer".
  // halb orders it AddVips, GARP, advert: the advert is what makes a STOPPING master drop its
  // copy of the VIPs (make-before-break), so the addresses must already be up and announced.
  becomeMaster(reason: TransitionReason): void {
    this.s.masterAdverInt = this.cfg.advertInt;
    delete this.s.master;
    this.d = { advert: this.now + this.cfg.advertInt };
    this.transition('MASTER', reason);
    const from = this.s.handoverFrom;
    if (from !== undefined) {
      delete this.s.handoverFrom;
      if (reason === 'fast-takeover' || reason === 'master-down') this.emit({ type: 'ForwardStrays', peer: from });
    }
    this.emit({ type: 'AddVips' });
    this.startGarp();
    this.emit({ type: 'SendAdvert', priority: this.s.priority });
    this.emit({ type: 'RunNotify', state: 'MASTER', priority: this.s.priority });
  }

  // keepalived defaults: garp_master_repeat (5) at once, the same again garp_master_delay (5 s)
  // later, then every garp_master_refresh if set.
  private startGarp(): void {
    const g: GarpSettings = this.cfg.garp;
    if (g.masterRepeat > 0) this.emit({ type: 'SendGarp', count: g.masterRepeat });
    if (g.masterDelay > 0 && g.masterRepeat > 0) {
      this.s.garpPhase = 'delayed';
      this.d.garp = this.now + g.masterDelay;
    } else this.scheduleRefresh();
  }

  private scheduleRefresh(): void {
    const r = this.cfg.garp.masterRefresh;
    if (r !== undefined && r > 0) {
      this.s.garpPhase = 'refresh';
      this.d.garp = this.now + r;
    } else {
      this.s.garpPhase = 'none';
      delete this.d.garp;
    }
  }

  becomeFault(reason: TransitionReason): void {
    const wasMaster = this.s.phase === 'MASTER';
    this.d = {};
    this.s.garpPhase = 'none';
    delete this.s.master;
    this.transition('FAULT', reason);
    if (wasMaster) {
      // keepalived sends a priority-0 advert when a master goes to FAULT so a backup takes over
      // after its skew time instead of Master_Down_Interval (pointless if our link is down).
      if (this.s.interfaceUp) this.emit({ type: 'SendAdvert', priority: PRIORITY_STOP });
      this.emit({ type: 'DelVips' });
    }
    this.emit({ type: 'RunNotify', state: 'FAULT', priority: this.s.priority });
  }

  // Leaving FAULT is a fresh start (RFC 5798 §6.4.1): the owner takes over at once, anyone else
  // listens for Master_Down_Interval first.
  private leaveFault(): void {
    if (this.cfg.priority === PRIORITY_OWNER) this.becomeMaster('fault-cleared');
    else this.becomeBackup('fault-cleared');
  }

  stopped(reason: TransitionReason): void {
    const wasHolding = this.s.phase === 'STOPPING';
    this.d = {};
    this.s.garpPhase = 'none';
    this.transition('STOPPED', reason);
    if (wasHolding) this.emit({ type: 'DelVips' });
    this.emit({ type: 'RunNotify', state: 'STOP', priority: this.s.priority });
    this.emit({ type: 'Stopped' });
  }

  /** Re-evaluate priority and fault after a tracking/interface/sync input. */
  reevaluate(): void {
    const before = this.s.priority;
    this.s.priority = trackVerdict(this.cfg, this.s.tracks).priority;
    if (this.s.priority !== before) this.emit({ type: 'PriorityChanged', from: before, to: this.s.priority });
    const phase = this.s.phase;
    if (phase === 'INIT' || phase === 'STOPPING' || phase === 'STOPPED') return;
    const faulty = this.faulty();
    if (faulty && phase !== 'FAULT') {
      this.becomeFault('fault');
      return;
    }
    if (!faulty && phase === 'FAULT') {
      this.leaveFault();
      return;
    }
    if (phase === 'MASTER' && this.s.priority !== before) {
      // Tell the backups at once: a lower effective priority may let one preempt us now
      // instead of at our next scheduled advert.
      this.emit({ type: 'SendAdvert', priority: this.s.priority });
      this.d.advert = this.now + this.cfg.advertInt;
    }
  }

  onStart(): void {
    if (this.s.phase !== 'INIT') return;
    this.s.priority = trackVerdict(this.cfg, this.s.tracks).priority;
    if (this.cfg.nopreempt && this.cfg.initialState === 'MASTER') {
      this.emit({ type: 'Warning', message: 'nopreempt is ignored with initial state MASTER (keepalived requires state BACKUP)' });
    }
    if (this.faulty()) {
      this.becomeFault('fault');
      return;
    }
    // RFC 5798 §6.4.1: the owner becomes master at once; everyone else starts as backup. keepalived
    // treats `state MASTER` as a hint only and also enters BACKUP first ("Entering BACKUP STATE
    // (init)"), winning the election after Master_Down_Interval if nobody better is there.
    if (this.cfg.priority === PRIORITY_OWNER) this.becomeMaster('startup-owner');
    else this.becomeBackup('startup');
  }

  onAdvert(src: string, prio: number, advertInt: number): void {
    const cfg = this.cfg;
    if (cfg.peers.includes(src)) this.s.peerPriorities = { ...this.s.peerPriorities, [src]: prio };
    switch (this.s.phase) {
      case 'BACKUP':
        return this.backupAdvert(src, prio, advertInt);
      case 'MASTER':
        return this.masterAdvert(src, prio, advertInt);
      case 'STOPPING':
        // make-before-break: any advert with a real priority means someone is master now and
        // has already added and announced the VIPs (becomeMaster order), so we let go.
        if (prio !== PRIORITY_STOP) this.stopped('new-master-heard');
        return;
      case 'INIT':
      case 'FAULT':
      case 'STOPPED':
        return;
      default: {
        const never: never = this.s.phase;
        throw new Error(`unreachable phase ${String(never)}`);
      }
    }
  }

  private backupAdvert(src: string, prio: number, advertInt: number): void {
    const cfg = this.cfg;
    if (prio === PRIORITY_STOP) {
      // RFC 5798 §6.4.2: "If the Priority in the ADVERTISEMENT is zero, then Set the
      // Master_Down_Timer to Skew_Time".
      this.s.handoverFrom = src;
      if (this.canFastTakeover(src)) {
        this.becomeMaster('fast-takeover');
        return;
      }
      this.d.masterDown = this.now + skewTime(cfg.version, this.s.priority, this.s.masterAdverInt);
      delete this.d.preempt;
      if (this.s.master?.address === src) delete this.s.master;
      return;
    }
    const theyWin = outranks(prio, src, this.s.priority, cfg.primaryAddress);
    let follow = theyWin || preemptDisabled(cfg);
    if (!follow && cfg.preemptDelay > 0) {
      // keepalived preempt_delay: tolerate a lower-priority master for this long after first
      // seeing it, then take over (at once, see onTick) instead of waiting Master_Down_Interval.
      if (this.d.preempt === undefined) this.d.preempt = this.now + cfg.preemptDelay;
      follow = true;
    }
    // Guarded: `delete` turns the object into a slow dictionary, and this runs for every advert.
    if (theyWin && this.d.preempt !== undefined) delete this.d.preempt;
    if (this.s.handoverFrom !== undefined) delete this.s.handoverFrom; // someone is master again
    if (!follow) {
      // RFC 5798 §6.4.2: preempt mode and the advert is lower: discard it; our Master_Down_Timer
      // keeps running and we take over when it fires.
      return;
    }
    // RFC 5798 §6.4.2: v3 backups adopt the master's interval; v2 intervals always match
    // (a mismatch is rejected by validate()).
    if (cfg.version === 3 && advertInt > 0) this.s.masterAdverInt = advertInt;
    this.s.master = { address: src, priority: prio };
    this.d.masterDown = this.now + this.downInterval();
  }

  /**
   * halb fast takeover, the rule: a backup that receives a priority-0 advert takes over at once
   * (instead of after Skew_Time) only when it *knows* it is the best remaining candidate:
   *   - the peer set is known (unicast_peer configured: multicast groups can have members we
   *     have never heard of), and
   *   - every configured peer other than the stopping one has been heard advertising a priority
   *     that we outrank (same tie-break as the election), or there is no other peer.
   *
   * Why it is safe: a backup never advertises, so an unheard peer may be a better backup; we
   * then fall back to the RFC's Skew_Time, which already orders backups by priority. When the
   * rule holds, no other live router can outrank us, so the RFC would elect us anyway after
   * Skew_Time; we only skip the wait. If priorities changed since we heard them (tracking), the
   * worst case is the normal VRRP conflict resolution: a higher-priority router that takes over
   * makes us step down on its first advert. With make-before-break the stopping master keeps the
   * VIPs until the new master's advert, so the skip does not open a gap either way.
   */
  private canFastTakeover(src: string): boolean {
    const cfg = this.cfg;
    if (!cfg.fastTakeover || cfg.peers.length === 0 || !cfg.peers.includes(src)) return false;
    for (const peer of cfg.peers) {
      if (peer === src) continue;
      const heard = this.s.peerPriorities[peer];
      if (heard === undefined || heard === PRIORITY_STOP) return false;
      if (outranks(heard, peer, this.s.priority, cfg.primaryAddress)) return false;
    }
    return true;
  }

  private masterAdvert(src: string, prio: number, advertInt: number): void {
    const cfg = this.cfg;
    if (prio === PRIORITY_STOP) {
      // RFC 5798 §6.4.3: another router stopped while we are master: re-assert at once.
      this.emit({ type: 'SendAdvert', priority: this.s.priority });
      this.d.advert = this.now + cfg.advertInt;
      return;
    }
    if (outranks(prio, src, this.s.priority, cfg.primaryAddress)) {
      // RFC 5798 §6.4.3: step down, adopting the new master's interval (v3) as backup.
      this.becomeBackup('higher-priority', true, cfg.version === 3 && advertInt > 0 ? advertInt : cfg.advertInt);
      this.s.master = { address: src, priority: prio };
      return;
    }
    // Lower priority (or equal from a lower address): keepalived answers with an advert at once
    // so the other router steps down now, and re-announces the VIPs (garp_lower_prio_repeat) in
    // case that router had announced them meanwhile and pulled the traffic.
    this.emit({ type: 'SendAdvert', priority: this.s.priority });
    this.d.advert = this.now + cfg.advertInt;
    const repeat = cfg.garp.lowerPriorityRepeat ?? cfg.garp.masterRepeat;
    if (repeat > 0) this.emit({ type: 'SendGarp', count: repeat });
  }

  onTick(): void {
    const now = this.now;
    const d = this.d;
    switch (this.s.phase) {
      case 'BACKUP':
        if (d.masterDown !== undefined && d.masterDown <= now) {
          this.becomeMaster('master-down');
          return;
        }
        if (d.preempt !== undefined && d.preempt <= now) {
          delete d.preempt;
          const m = this.s.master;
          if (m && !outranks(m.priority, m.address, this.s.priority, this.cfg.primaryAddress)) this.becomeMaster('preempt-delay');
        }
        return;
      case 'MASTER':
        if (d.advert !== undefined && d.advert <= now) {
          this.emit({ type: 'SendAdvert', priority: this.s.priority });
          d.advert = now + this.cfg.advertInt;
        }
        if (d.garp !== undefined && d.garp <= now) {
          const g = this.cfg.garp;
          if (this.s.garpPhase === 'delayed') this.emit({ type: 'SendGarp', count: g.masterRepeat });
          else if (this.s.garpPhase === 'refresh') this.emit({ type: 'SendGarp', count: g.masterRefreshRepeat });
          this.scheduleRefresh();
        }
        return;
      case 'STOPPING':
        if (d.stopHold !== undefined && d.stopHold <= now) {
          this.stopped('stop-hold-expired');
          return;
        }
        if (d.advert !== undefined && d.advert <= now) {
          // Repeat the priority-0 advert each interval in case one was lost. Safe: a backup's
          // Skew_Time is shorter than one interval, so a repeat never postpones its takeover.
          this.emit({ type: 'SendAdvert', priority: PRIORITY_STOP });
          d.advert = now + this.cfg.advertInt;
        }
        return;
      case 'INIT':
      case 'FAULT':
      case 'STOPPED':
        return;
      default: {
        const never: never = this.s.phase;
        throw new Error(`unreachable phase ${String(never)}`);
      }
    }
  }

  /**
   * * After a stall of `ms`. A MASTER that was silent for Master_Down_Interval of even the best
   * backup (3 × interval + skew, so at least 3 intervals) may have been replaced: the backup's
   * GARPs have pulled the clients' ARP entries away. Unless the adverts heard in the meantime
   * already made it re-assert (masterAdvert, which re-arms the advert timer) or step down, it
   * advertises now and re-announces its VIPs, as keepalived does to a lower-priority master.
   * Shorter stalls and other phases need nothing beyond the adverts and the tick.
   */
  onStall(ms: number): void {
    if (this.s.phase !== 'MASTER' || ms < 3 * this.cfg.advertInt) return;
    const d = this.d;
    if (d.advert !== undefined && d.advert > this.now) return; // re-asserted while draining
    this.emit({ type: 'SendAdvert', priority: this.s.priority });
    d.advert = this.now + this.cfg.advertInt;
    const repeat = this.cfg.garp.lowerPriorityRepeat ?? this.cfg.garp.masterRepeat;
    if (repeat > 0) this.emit({ type: 'SendGarp', count: repeat });
  }

  onStop(): void {
    switch (this.s.phase) {
      case 'MASTER': {
        // RFC 5798 §6.4.3 "Shutdown": send an advert with priority 0. keepalived then deletes the
        // VIPs at once, leaving a gap until a backup takes over. halb (make-before-break) keeps
        // answering for the VIPs until the new master's advert arrives, bounded by stopHold.
        const hold = this.cfg.stopHoldMax ?? masterDownInterval(this.cfg.version, this.s.priority, this.cfg.advertInt);
        this.d = { stopHold: this.now + hold, advert: this.now + this.cfg.advertInt };
        this.s.garpPhase = 'none';
        this.transition('STOPPING', 'stop');
        this.emit({ type: 'SendAdvert', priority: PRIORITY_STOP });
        return;
      }
      case 'INIT':
      case 'BACKUP':
      case 'FAULT':
        this.stopped('stop');
        return;
      case 'STOPPING':
      case 'STOPPED':
        return;
      default: {
        const never: never = this.s.phase;
        throw new Error(`unreachable phase ${String(never)}`);
      }
    }
  }

  /**
   * Reload in place: new settings, same state. A priority or weight change goes through
   * reevaluate(), the path tracking uses, so the election follows the RFC from here: a master
   * that now ranks lower advertises that at once and a better backup preempts it (RFC 5798
   * §6.4.3); a backup that now outranks the master ignores its adverts and takes over when
   * Master_Down_Timer fires (§6.4.2), or after preempt_delay.
   */
  reconfigure(cfg: MachineConfig): void {
    const old = this.s.cfg;
    this.s.cfg = cfg;
    const phase = this.s.phase;
    if (phase === 'MASTER') {
      this.s.masterAdverInt = cfg.advertInt;
      // A shorter interval takes effect now, a longer one from the next advert on.
      if (cfg.advertInt !== old.advertInt && this.d.advert !== undefined) this.d.advert = Math.min(this.d.advert, this.now + cfg.advertInt);
      if (this.s.garpPhase === 'refresh' && cfg.garp.masterRefresh !== old.garp.masterRefresh) this.scheduleRefresh();
    } else if (phase === 'BACKUP' || phase === 'INIT' || phase === 'FAULT') {
      // v2 backups use their own interval (a master's different one is rejected); a v3 backup
      // keeps the interval it adopted from the master, if it has heard one.
      if (cfg.version === 2 || this.s.master === undefined) this.s.masterAdverInt = cfg.advertInt;
      if (this.d.preempt !== undefined && (cfg.preemptDelay === 0 || preemptDisabled(cfg))) delete this.d.preempt;
    }
    this.reevaluate();
  }

  onConflict(src: string, addresses: readonly string[]): void {
    if (this.s.conflicts.includes(src)) return;
    // Bounded memory against a hostile stream of forged sources.
    this.s.conflicts = [...this.s.conflicts, src].slice(-64);
    this.emit({ type: 'ConflictDetected', vrid: this.cfg.vrid, src, addresses });
  }

  onSync(to: 'MASTER' | 'BACKUP' | 'FAULT' | 'FAULT-CLEARED'): void {
    const phase = this.s.phase;
    if (phase === 'INIT' || phase === 'STOPPING' || phase === 'STOPPED') return;
    switch (to) {
      case 'FAULT':
        this.s.groupFault = true;
        if (phase !== 'FAULT') this.becomeFault('sync-group');
        return;
      case 'FAULT-CLEARED':
        this.s.groupFault = false;
        if (phase === 'FAULT' && !this.faulty()) this.leaveFault();
        return;
      case 'BACKUP':
        if (phase === 'MASTER') this.becomeBackup('sync-group');
        return;
      case 'MASTER':
        if (phase === 'BACKUP') this.becomeMaster('sync-group');
        return;
      default: {
        const never: never = to;
        throw new Error(`unreachable sync ${String(never)}`);
      }
    }
  }
}

export function step(state: MachineState, event: MachineEvent, now: number): StepResult {
  const st = new Step(state, now);
  switch (event.type) {
    case 'start':
      st.onStart();
      break;
    case 'advert':
      st.onAdvert(event.src, event.priority, event.advertInt);
      break;
    case 'tick':
      st.onTick();
      break;
    case 'stall':
      st.onStall(event.ms);
      break;
    case 'track':
      st.s.tracks = { ...st.s.tracks, [event.name]: 'value' in event ? { value: event.value } : { ok: event.ok } };
      st.reevaluate();
      break;
    case 'interface':
      st.s.interfaceUp = event.up;
      st.reevaluate();
      break;
    case 'stop':
      st.onStop();
      break;
    case 'conflict':
      st.onConflict(event.src, event.addresses);
      break;
    case 'sync':
      st.onSync(event.to);
      break;
    case 'reconfigure':
      st.reconfigure(event.cfg);
      break;
    default: {
      const never: never = event;
      throw new Error(`unknown event ${JSON.stringify(never)}`);
    }
  }
  return st.result();
}
