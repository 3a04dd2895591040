// One timer per monitor, armed on the earliest deadline (next check or next DNS query
// of any server); no setInterval chains, so nothing drifts or piles up (keepalived's
// single sorted timer queue). A linear scan finds the earliest deadline: a balancer has
// tens to hundreds of servers, and the scan runs once per check, far below its cost.
import type { Clock } from '../util/clock.js';
import type { ServerRec } from './server-record.js';

/** Timer seam so the monitor can run on a manual clock in unit tests. */
export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

export const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface DueHandlers {
  check(r: ServerRec): void;
  dns(r: ServerRec): void;
}

export class CheckScheduler {
  private timer: unknown;
  private timerAt = Infinity;
  private running = false;
  private stopped = false;

  constructor(
    private readonly recs: readonly ServerRec[],
    private readonly timers: Timers,
    private readonly clock: Clock,
    private readonly due: DueHandlers,
  ) {}

  /** Deadlines are honoured from now on. */
  start(): void {
    this.running = true;
    this.arm();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
  }

  arm(): void {
    if (this.stopped || !this.running) return;
    const at = this.earliest();
    if (at === this.timerAt && this.timer !== undefined) return;
    if (this.timer !== undefined) this.timers.clear(this.timer);
    this.timer = undefined;
    this.timerAt = at;
    if (at === Infinity) return;
    // Capped at Node's timer limit: a longer wait just re-arms when it fires.
    this.timer = this.timers.set(() => this.fire(), Math.min(2 ** 31 - 1, Math.max(0, at - this.clock.now())));
  }

  private earliest(): number {
    let at = Infinity;
    for (const r of this.recs) {
      if (!r.inflight && r.state.nextCheckAt !== undefined && r.state.nextCheckAt < at) at = r.state.nextCheckAt;
      if (!r.dnsInflight && r.dnsNextAt !== undefined && r.dnsNextAt < at) at = r.dnsNextAt;
    }
    return at;
  }

  private fire(): void {
    this.timer = undefined;
    this.timerAt = Infinity;
    if (this.stopped) return;
    const now = this.clock.now();
    for (const r of this.recs) {
      if (!r.inflight && r.state.nextCheckAt !== undefined && r.state.nextCheckAt <= now) this.due.check(r);
      if (!r.dnsInflight && r.dnsNextAt !== undefined && r.dnsNextAt <= now) this.due.dns(r);
    }
    this.arm();
  }
}
