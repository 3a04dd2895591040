// The effects executor of the VRRP runtime: performs what the pure core decided (adverts, VIP
// changes, GARP/NA, notifies, hand-over forwarding, logs) through the VipManager, the transport,
// a notify runner and a stray forwarder, and counts it. Failures are logged and counted, never
// thrown back into the core.
import { EVENT } from '../log/events.js';
import type { Logger } from '../log/logger.js';
import type { NotifyScripts, VirtualAddress, VrrpInstance } from '../config/model-vrrp.js';
import type { StrayForwarder, VipManager } from '../vip/types.js';
import type { VrrpTransport } from './transport.js';
import type { InstanceCounters } from './counters.js';
import type { Effect, NotifyState, Phase, TransitionReason } from './machine.js';
import { encodeAdvert, VRRP_MULTICAST_V4, VRRP_MULTICAST_V6 } from './packet.js';
import { ourAdvert, type AdvertPolicy } from './validate.js';

/** Runs notify scripts (keepalived: `notify_<state>` then `notify TYPE NAME STATE PRIORITY`). */
export interface NotifyRunner {
  notify(n: { readonly type: 'INSTANCE' | 'GROUP'; readonly name: string; readonly state: NotifyState; readonly priority: number; readonly scripts: NotifyScripts }): void;
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

/** The per-instance view the executor works on (fields of the runtime's instance record). */
export interface EffectTarget {
  readonly cfg: VrrpInstance;
  readonly policy: AdvertPolicy;
  readonly transport: VrrpTransport;
  readonly localAddress: string;
  readonly vips: readonly VirtualAddress[];
  readonly counters: InstanceCounters;
  /** The next DelVips is a hand-over (set by its LogTransition): release after the grace. */
  releaseAfterGrace: boolean;
}

export interface EffectExecutorDeps {
  readonly logger: Logger;
  readonly vips: VipManager;
  readonly notify?: NotifyRunner | undefined;
  readonly strays?: StrayForwarder | undefined;
  readonly releaseGraceMs: () => number;
  readonly strayForwardMs: () => number;
  /** halt() was called: send nothing, change nothing. */
  readonly halted: () => boolean;
  /** The runtime runs (GARP repeats stop with it). */
  readonly running: () => boolean;
  readonly onTransition: (instance: string, from: Phase, to: Phase, reason: TransitionReason) => void;
}

export class EffectExecutor {
  /**
   * One effect queue per instance (one more for group notifies): effects of an instance run in
   * order, but a slow `ip addr` for one instance never delays another instance's adverts.
   */
  private readonly queues = new Map<string, Promise<void>>();
  private readonly garpTimers = new Set<ReturnType<typeof setTimeout>>();

  constructor(private readonly d: EffectExecutorDeps) {}

  /** Resolves when every effect queued so far has run. */
  async idle(): Promise<void> {
    await Promise.all(this.queues.values());
  }

  /** Cancels pending GARP repeats (stop, halt). */
  clearTimers(): void {
    for (const t of this.garpTimers) clearTimeout(t);
    this.garpTimers.clear();
  }

  /**
   * Effects run in order per instance (VIP changes are awaited before the GARP that follows),
   * except adverts, which go out at once: an advert queued behind `ip addr add` (a process spawn,
   * tens of ms on a loaded host, serialised over all instances) let backups with a slightly
   * longer Master_Down_Interval take over too (three-node lab, 50-instance bench). The
   * make-before-break the queue order used to give is kept by the releasing side instead: a
   * master handing over removes its VIPs RELEASE_GRACE_MS after the new master was heard.
   */
  perform(name: string, inst: EffectTarget, e: Effect): void {
    const log = this.d.logger;
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
        const grace = inst.releaseAfterGrace ? this.d.releaseGraceMs() : 0;
        inst.releaseAfterGrace = false;
        this.enqueue(name, async () => {
          if (grace > 0 && !this.d.halted()) await new Promise((r) => setTimeout(r, grace));
          await this.vipOp(inst, 'remove');
        });
        return;
      }
      case 'SendGarp':
        this.enqueue(name, () => this.garp(inst, e.count));
        return;
      case 'RunNotify':
        this.enqueue(name, async () => {
          this.d.notify?.notify({ type: 'INSTANCE', name, state: e.state, priority: e.priority, scripts: inst.cfg.notify });
        });
        return;
      case 'LogTransition':
        // Hand-overs to another master (not FAULT, not a stop nobody took over): see perform().
        inst.releaseAfterGrace = e.to === 'BACKUP' || (e.to === 'STOPPED' && e.reason === 'new-master-heard');
        inst.counters.transitions[`${e.from}->${e.to}`] = (inst.counters.transitions[`${e.from}->${e.to}`] ?? 0) + 1;
        inst.counters.transitionsByReason[e.reason]++;
        log.info({ event: EVENT.vrrp_transition, instance: name, from: e.from, to: e.to, reason: e.reason }, `(${name}) ${e.from} -> ${e.to}`);
        this.d.onTransition(name, e.from, e.to, e.reason);
        return;
      case 'PriorityChanged':
        log.info({ event: EVENT.vrrp_priority, instance: name, from: e.from, to: e.to }, `(${name}) effective priority ${e.from} -> ${e.to}`);
        return;
      case 'ConflictDetected':
        inst.counters.conflicts++;
        log.warn(
          { event: EVENT.vrrp_vrid_conflict, instance: name, vrid: e.vrid, src: e.src, addresses: e.addresses },
          `another group uses VRID ${e.vrid} with different addresses (${e.src}: ${e.addresses.join(', ')})`,
        );
        return;
      case 'Warning':
        log.warn({ event: EVENT.vrrp_config, instance: name }, e.message);
        return;
      case 'Stopped':
        log.info({ event: EVENT.vrrp_stopped, instance: name }, `(${name}) stopped`);
        return;
      default: {
        const never: never = e;
        log.error({ event: EVENT.vrrp_bug, effect: never }, 'unknown effect');
      }
    }
  }

  enqueue(key: string, f: () => Promise<void>): void {
    const next = (this.queues.get(key) ?? Promise.resolve()).then(f).catch((err: unknown) => {
      this.d.logger.error({ event: EVENT.vrrp_effect_failed, instance: key, err }, 'effect failed');
    });
    this.queues.set(key, next);
  }

  private async forwardStrays(inst: EffectTarget, peer: string): Promise<void> {
    const strays = this.d.strays;
    if (!strays || this.d.halted()) return;
    const c = inst.cfg;
    const addresses = inst.vips.filter((v) => v.family === c.family).map((v) => v.address);
    if (addresses.length === 0) return;
    const durationMs = this.d.strayForwardMs();
    let timer: NodeJS.Timeout | undefined;
    const ok = await Promise.race([
      strays.forward({ instance: c.name, family: c.family, addresses, peer, ifname: c.interface, durationMs }),
      new Promise<'slow'>((r) => (timer = setTimeout(() => r('slow'), STRAY_INSTALL_WAIT_MS))),
    ]);
    clearTimeout(timer);
    this.d.logger.info(
      { event: EVENT.vrrp_handover_forward, instance: c.name, peer, durationMs, installed: ok },
      ok === true
        ? `(${c.name}) passing unknown connections' segments on to ${peer} for ${durationMs} ms`
        : `(${c.name}) hand-over forwarding to ${peer} not in place (${ok === 'slow' ? 'slow' : 'failed'})`,
    );
  }

  private async sendAdvert(inst: EffectTarget, priority: number): Promise<void> {
    if (this.d.halted()) return;
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
        this.d.logger.warn({ event: EVENT.vrrp_tx_failed, instance: c.name, err }, 'advert not sent');
      }
    }
  }

  async vipOp(inst: EffectTarget, op: 'add' | 'remove', vips: readonly VirtualAddress[] = inst.vips): Promise<void> {
    await Promise.all(
      vips.map(async (vip) => {
        const ifname = vip.dev ?? inst.cfg.interface;
        try {
          if (op === 'add') await this.d.vips.add(vip, ifname);
          else await this.d.vips.remove(vip, ifname);
        } catch (err) {
          inst.counters.vipErrors++;
          this.d.logger.error({ event: op === 'add' ? EVENT.vrrp_vip_add_failed : EVENT.vrrp_vip_remove_failed, instance: inst.cfg.name, vip: vip.address, err }, `cannot ${op} VIP`);
        }
      }),
    );
  }

  async garp(inst: EffectTarget, count: number, vips: readonly VirtualAddress[] = inst.vips): Promise<void> {
    const once = async (): Promise<void> => {
      await Promise.all(
        vips.map(async (vip) => {
          try {
            await this.d.vips.announce(vip, vip.dev ?? inst.cfg.interface);
            inst.counters.garpSent++;
          } catch (err) {
            inst.counters.vipErrors++;
            this.d.logger.warn({ event: EVENT.vrrp_garp_failed, instance: inst.cfg.name, vip: vip.address, err }, 'announce failed');
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
        if (this.d.running()) void once();
      }, spacing * i);
      this.garpTimers.add(t);
    }
  }
}
