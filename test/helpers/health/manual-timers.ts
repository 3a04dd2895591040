// Manual timers tied to a ManualClock: the monitor's single timer fires only when the
// test advances time, so monitor behaviour can be asserted deterministically.

import type { ManualClock } from '../../../src/util/clock.js';
import type { Timers } from '../../../src/health/monitor.js';

export class ManualTimers implements Timers {
  private seq = 0;
  private readonly due = new Map<number, { at: number; fn: () => void }>();
  constructor(private readonly clock: ManualClock) {}

  set(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.due.set(id, { at: this.clock.now() + ms, fn });
    return id;
  }

  clear(handle: unknown): void {
    this.due.delete(handle as number);
  }

  get pending(): number {
    return this.due.size;
  }

  /** Advance to `t`, firing due timers in order and letting promises settle between. */
  async advanceTo(t: number): Promise<void> {
    for (;;) {
      await flush();
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.due) if (e[1].at <= t && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.due.delete(next[0]);
      if (next[1].at > this.clock.now()) this.clock.set(next[1].at);
      next[1].fn();
    }
    this.clock.set(Math.max(t, this.clock.now()));
    await flush();
  }
}

export async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise<void>((r) => setImmediate(r));
}
