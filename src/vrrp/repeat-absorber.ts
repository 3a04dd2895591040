// The repeat-advert fast path, runtime side (repeat.ts is the pure rule): once a steady BACKUP
// has stepped on an advert, the transport may count identical copies instead of delivering
// each (idle-backup CPU, failover bench). The runtime calls replay() at its one input choke
// point, so the machines still see every input in arrival order: the absorbed repeats first,
// one advert step per instance at the arrival time of its latest copy.
import type { Clock } from '../util/clock.js';
import type { ReceivedVrrp, VrrpTransport } from './transport.js';
import type { InstanceCounters } from './counters.js';
import type { CoordinatorInput } from './group.js';
import type { MachineEvent, Phase } from './machine.js';
import { repeatAbsorbable } from './repeat.js';

export type AdvertEvent = Extract<MachineEvent, { type: 'advert' }>;

/** What the absorber keeps per instance (fields of the runtime's instance record). */
export interface AbsorbingInstance {
  readonly transport: VrrpTransport;
  readonly counters: InstanceCounters;
  /** The advert whose repeats the transport absorbs, as the machine event to replay. */
  armed: AdvertEvent | undefined;
  /** Absorbed repeats collected but not yet replayed: the arrival time of the latest. */
  replayAt: number | undefined;
}

export class RepeatAbsorber {
  constructor(private readonly clock: Clock) {}

  /** Adds what the transport absorbed for `inst` to its counters and notes when the latest came. */
  collect(inst: AbsorbingInstance): void {
    if (!inst.armed && inst.replayAt === undefined) return;
    const got = inst.transport.repeats?.take();
    if (!got) return;
    inst.counters.rxAccepted += got.count;
    const at = this.clock.now() - got.agoMs;
    if (inst.replayAt === undefined || at > inst.replayAt) inst.replayAt = at;
  }

  /**
   * The advert steps to replay before any other input (undefined: none). One batch for all
   * instances (one coordinator copy, one timer update): replays happen at every Master_Down
   * check, for every instance (50 in the idle-CPU bench).
   */
  replay(insts: Iterable<readonly [string, AbsorbingInstance]>): CoordinatorInput[] | undefined {
    let batch: CoordinatorInput[] | undefined;
    for (const [name, inst] of insts) {
      this.collect(inst);
      const at = inst.replayAt;
      if (at === undefined) continue;
      inst.replayAt = undefined;
      const ev = inst.armed;
      if (ev === undefined) continue; // disarmed by a transition since: nothing left to replay into
      (batch ??= []).push({ target: name, event: ev, now: at });
    }
    return batch;
  }

  /**
   * After an accepted advert was stepped: from here on the transport may absorb identical
   * copies of `p` (repeat.ts decides when that is safe), else absorbing ends.
   */
  afterAdvert(inst: AbsorbingInstance, p: ReceivedVrrp, ev: AdvertEvent, running: boolean, before: Phase, after: Phase, ownEffects: number): void {
    if (running && inst.transport.repeats && repeatAbsorbable(ev.priority, before, after, ownEffects)) {
      if (inst.transport.repeats.arm(p)) inst.armed = ev;
      else this.disarm(inst);
    } else this.disarm(inst);
  }

  disarm(inst: AbsorbingInstance): void {
    if (inst.armed === undefined) return;
    // Keep what was absorbed until now: counted, and replayed if still armed (it is not).
    this.collect(inst);
    inst.replayAt = undefined;
    inst.armed = undefined;
    inst.transport.repeats?.disarm();
  }
}
