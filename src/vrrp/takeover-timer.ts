// The runtime's one timer, on the coordinator's next deadline (monotonic clock), with the
// takeover timing: a backup's Master_Down deadline is woken TAKEOVER_LEAD_MS early and the
// rest is waited out exactly (waitOut), so the takeover advert leaves on time.
import type { Clock } from '../util/clock.js';
import type { CoordinatorState } from './group.js';

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

/** The earliest Master_Down deadline among backups (undefined when no machine waits on one). */
export function nextMasterDown(coord: CoordinatorState): number | undefined {
  let min: number | undefined;
  for (const m of coord.machines) {
    const d = m.phase === 'BACKUP' ? m.deadlines.masterDown : undefined;
    if (d !== undefined && (min === undefined || d < min)) min = d;
  }
  return min;
}

export class DeadlineTimer {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private at: number | undefined;
  /** Iterations of the wait right before a takeover; kept so it is not optimised away. */
  private spins = 0;

  constructor(
    private readonly clock: Clock,
    private readonly onFire: () => void,
  ) {}

  /** The deadline the timer is armed for. */
  get deadline(): number | undefined {
    return this.at;
  }

  /** The timer fired: forgets it and returns the deadline it was armed for. */
  fired(): number | undefined {
    const due = this.at;
    this.timer = undefined;
    this.at = undefined;
    return due;
  }

  /** Arms for `deadline` (undefined: disarm); `masterDown` is read only when a timer is set. */
  arm(deadline: number | undefined, masterDown: () => number | undefined): void {
    if (deadline === undefined) {
      this.clear();
      return;
    }
    if (this.timer && this.at === deadline) return;
    // A backup's Master_Down deadline moves later with every advert (500/s for 50 instances at
    // 0.1 s): keep an earlier timer instead of re-creating it per packet; when it fires early,
    // tick() finds nothing due and arms for the real deadline (idle-backup CPU, failover bench).
    if (this.timer && this.at !== undefined && this.at < deadline && this.at > this.clock.now()) return;
    if (this.timer) clearTimeout(this.timer);
    const left = deadline - this.clock.now();
    // A Master_Down deadline: wake TAKEOVER_LEAD_MS early, tick() sleeps the rest exactly.
    // Otherwise setTimeout may fire a fraction of a ms before the monotonic deadline; the machine
    // then does nothing and we re-arm, so round up and never arm for 0 to avoid a busy loop.
    const delay = deadline === masterDown() ? Math.max(0, Math.floor(left - TAKEOVER_LEAD_MS)) : Math.max(1, Math.ceil(left));
    this.at = deadline;
    this.timer = setTimeout(this.onFire, delay);
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.at = undefined;
  }

  /** A Master_Down deadline close enough that tick() should wait it out rather than re-arm. */
  dueSoon(down: number): boolean {
    return down - this.clock.now() <= TAKEOVER_LEAD_MS + 1;
  }

  /**
   * Spin, not sleep, for the last few ms before a takeover: a vCPU that idles in a futex wait
   * came back slow (the advert left ~0.5 ms later than keepalived's). Only ever right before a
   * takeover. Bounded in real time too: an injected clock need not advance (tests).
   */
  waitOut(down: number): void {
    const until = down + 0.05;
    const bound = performance.now() + TAKEOVER_LEAD_MS + 2;
    while (this.clock.now() < until && performance.now() < bound) this.spins++;
  }
}
