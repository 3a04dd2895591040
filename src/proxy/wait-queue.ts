// A queue of requests (http) or sessions (tcp) waiting for a server slot: the backend's (every
// usable server at its `maxconn`) and each server's (`balance source` chose that full server),
// HAProxy's "pendconn" queues. Pure: time comes in as a value; the proxy's sweep expires
// entries and the backend runtime hands freed slots out.
//
// Order is arrival order (HAProxy serves its queues by time order). An entry re-queued because
// its slot was taken before it could use it keeps its place: insertion is by arrival time.
// Each entry carries its own deadline (`timeout queue`, defaulting to `timeout connect` like
// HAProxy; none when neither is set), so a reload changing the timeout affects only new entries.

export interface QueueEntry<T> {
  readonly item: T;
  /** When it joined (clock ms). */
  readonly since: number;
  /** When it leaves with 503 `sQ`; Infinity when no timeout applies. */
  readonly deadline: number;
}

export class WaitQueue<T> {
  private entries: QueueEntry<T>[] = [];
  /** The most entries ever waiting at once (HAProxy's qmax). */
  max = 0;

  get length(): number {
    return this.entries.length;
  }

  add(item: T, now: number, timeoutMs: number | undefined): QueueEntry<T> {
    return this.insert({ item, since: now, deadline: timeoutMs === undefined ? Infinity : now + timeoutMs });
  }

  /** Puts an entry back at its place by arrival time (a granted slot was taken meanwhile). */
  insert(e: QueueEntry<T>): QueueEntry<T> {
    let i = this.entries.length;
    while (i > 0 && this.entries[i - 1]!.since > e.since) i--;
    this.entries.splice(i, 0, e);
    if (this.entries.length > this.max) this.max = this.entries.length;
    return e;
  }

  /** Removes an entry (its client left); false when it was not queued. */
  remove(e: QueueEntry<T>): boolean {
    const i = this.entries.indexOf(e);
    if (i < 0) return false;
    this.entries.splice(i, 1);
    return true;
  }

  peek(): QueueEntry<T> | undefined {
    return this.entries[0];
  }

  shift(): QueueEntry<T> | undefined {
    return this.entries.shift();
  }

  /** Removes and returns every entry whose deadline has passed, oldest first. */
  takeExpired(now: number): QueueEntry<T>[] {
    const out: QueueEntry<T>[] = [];
    const keep: QueueEntry<T>[] = [];
    for (const e of this.entries) (e.deadline <= now ? out : keep).push(e);
    if (out.length) this.entries = keep;
    return out;
  }
}
