// Runtime state of one backend: its servers (counters, live connection counts, idle pooled
// server connections), its balancer, and the health view the balancer reads. Rebuilt on
// reload; ServerRuntime objects are carried over by name so counters and pools survive.
import type { Backend, Server } from '../config/model.js';
import type { HealthMonitorApi } from '../health/types.js';
import { createBalancer, type Balancer, type PickView } from './balance/index.js';
import { newCounters, type Counters } from './counters.js';
import type { ServerConn } from './server-conn.js';
import { WaitQueue, type QueueEntry } from './wait-queue.js';

/** A request (http) or session (tcp) waiting in the backend queue for a server slot. */
export interface QueueWaiter {
  readonly clientAddress: string | undefined;
  /** A slot is free on `server`: take it now, synchronously (dispatch or the pool count it in `conns`). */
  granted(server: ServerRuntime): void;
  /** `timeout queue` passed: answer 503 / close with `sQ`. */
  expired(): void;
}

export class ServerRuntime {
  readonly counters: Counters = newCounters();
  /** Live connections (tcp) or in-flight requests (http): what leastconn/first/random read. */
  conns = 0;
  readonly idle: ServerConn[] = [];
  /** The runtime that currently owns this server (reloads carry servers over to a new one). */
  owner: BackendRuntime | undefined;
  /** Requests that must have this server (`balance source` chose it) while it is at maxconn. */
  readonly queue = new WaitQueue<QueueWaiter>();
  constructor(
    public cfg: Server,
    public index: number,
    public backendName: string,
  ) {}

  get name(): string {
    return this.cfg.name;
  }

  /** Gives back one unit of `conns`; a waiting request may take the freed slot. */
  release(): void {
    this.conns--;
    const o = this.owner;
    if (o && (o.queue.length || this.queue.length)) o.serveQueueSoon();
  }

  /** Drops pooled connections (server removed, address changed, or proxy stopping). */
  closeIdle(): void {
    for (const c of this.idle.splice(0)) c.destroy();
  }
}

export const MAX_IDLE_PER_SERVER = 128;

export class BackendRuntime {
  readonly counters: Counters;
  readonly servers: ServerRuntime[];
  readonly balancer: Balancer;
  readonly view: PickView;
  /** Requests waiting for a slot when every usable server is at maxconn (carried over reloads). */
  readonly queue: WaitQueue<QueueWaiter>;
  private serveScheduled = false;

  constructor(
    readonly cfg: Backend,
    private readonly health: HealthMonitorApi,
    random: () => number,
    previous?: BackendRuntime,
  ) {
    this.counters = previous?.counters ?? newCounters();
    this.queue = previous?.queue ?? new WaitQueue<QueueWaiter>();
    const old = new Map(previous?.servers.map((s) => [s.name, s]));
    this.servers = cfg.servers.map((s, i) => {
      const prev = old.get(s.name);
      if (prev && prev.cfg.address === s.address && prev.cfg.port === s.port) {
        prev.cfg = s;
        prev.index = i;
        old.delete(s.name);
        return prev;
      }
      return new ServerRuntime(s, i, cfg.name);
    });
    for (const s of this.servers) s.owner = this;
    // Servers that disappeared or moved: their idle connections go; active ones finish.
    for (const s of old.values()) s.closeIdle();
    this.balancer = createBalancer(
      cfg.servers.map((s) => ({ name: s.name, weight: s.weight, backup: s.backup, maxconn: s.maxconn })),
      { algo: cfg.balance.algo, allBackups: cfg.allBackups, random },
    );
    const servers = this.servers;
    const name = cfg.name;
    this.view = {
      isUp: (i) => {
        const s = servers[i]!;
        return !s.cfg.disabled && health.isUp(name, s.cfg.name);
      },
      conns: (i) => servers[i]!.conns,
    };
  }

  get name(): string {
    return this.cfg.name;
  }

  pick(clientAddress: string | undefined, exclude?: ReadonlySet<number>, keepFull = false): ServerRuntime | undefined {
    const i = this.balancer.pick(this.view, { clientAddress, exclude, keepFull });
    return i < 0 ? undefined : this.servers[i];
  }

  /** Below its maxconn (none set: always). */
  hasSlot(s: ServerRuntime): boolean {
    const max = s.cfg.maxconn;
    return !max || s.conns < max;
  }

  /** Address to connect to: DNS-resolved by the health/resolver side if it knows one. */
  addressOf(s: ServerRuntime): string {
    return this.health.addressOf(this.name, s.name) ?? s.cfg.address;
  }

  isUp(s: ServerRuntime): boolean {
    return this.view.isUp(s.index);
  }

  closeIdle(): void {
    for (const s of this.servers) s.closeIdle();
  }

  // ---- queues (HAProxy): a request finding every usable server at maxconn waits in the
  // backend queue; one whose server was chosen deterministically (`balance source`) waits in
  // that server's queue, up to its `maxqueue`, past which it goes elsewhere. Both wait up to
  // `timeout queue`; a freed slot goes to the oldest waiter of the server's queue and the
  // backend queue together.

  /**
   * Where a new request goes: a server with a free slot now, a queue, or nowhere (no server up:
   * 503 / close at once, as HAProxy).
   */
  admit(w: QueueWaiter, now: number): { server: ServerRuntime } | { queued: QueueEntry<QueueWaiter> } | undefined {
    const server = this.pick(w.clientAddress, undefined, true);
    if (server && this.hasSlot(server) && server.queue.length === 0) return { server };
    if (server && this.balancer.algo === 'source') {
      const maxq = server.cfg.maxqueue;
      if (!maxq || server.queue.length < maxq) {
        this.counters.queued++;
        server.counters.queued++;
        return { queued: server.queue.add(w, now, this.queueTimeout()) };
      }
      // HAProxy `maxqueue`: past it, the request is dispatched to another server.
      const other = this.pick(w.clientAddress, new Set([server.index]));
      if (other && other !== server) return { server: other };
    } else if (server && this.hasSlot(server)) {
      return { server };
    }
    if (!this.shouldQueue()) return undefined;
    this.counters.queued++;
    return { queued: this.queue.add(w, now, this.queueTimeout()) };
  }

  /** HAProxy: `timeout queue` defaults to `timeout connect`. */
  private queueTimeout(): number | undefined {
    return this.cfg.timeouts.queue ?? this.cfg.timeouts.connect;
  }

  /** Whether a request that found no usable server should wait: some up server is only full. */
  shouldQueue(): boolean {
    for (const s of this.servers) if (!this.hasSlot(s) && this.view.isUp(s.index)) return true;
    return false;
  }

  leaveQueue(e: QueueEntry<QueueWaiter>): void {
    if (this.queue.remove(e)) return;
    for (const s of this.servers) if (s.queue.remove(e)) return;
  }

  /** Anyone waiting, in the backend queue or a server's. */
  hasWaiters(): boolean {
    if (this.queue.length) return true;
    for (const s of this.servers) if (s.queue.length) return true;
    return false;
  }

  /** After the current callback: a slot freed inside a session's teardown is handed out once it is done. */
  serveQueueSoon(): void {
    if (this.serveScheduled) return;
    this.serveScheduled = true;
    queueMicrotask(() => {
      this.serveScheduled = false;
      this.serveQueue();
    });
  }

  /** Hands free slots to the oldest waiters. */
  serveQueue(): void {
    for (const s of this.servers) {
      if (!s.queue.length) continue;
      if (!this.view.isUp(s.index)) {
        // The server went down: its waiters join the backend queue at their place (HAProxy
        // redistributes a down server's queue) instead of waiting for it to time out.
        for (let e = s.queue.shift(); e; e = s.queue.shift()) this.queue.insert(e);
        continue;
      }
      while (s.queue.length && this.hasSlot(s)) {
        const sh = s.queue.peek()!;
        const bh = this.queue.peek();
        const fromBackend = bh !== undefined && bh.since < sh.since;
        const e = (fromBackend ? this.queue : s.queue).shift()!;
        e.item.granted(s);
      }
    }
    for (;;) {
      const head = this.queue.peek();
      if (!head) return;
      const server = this.pick(head.item.clientAddress);
      if (!server) return;
      this.queue.shift();
      head.item.granted(server);
    }
  }

  /** Called by the proxy's sweep: waiters past their deadline leave with 503 `sQ`. */
  expireQueue(now: number): void {
    for (const e of this.queue.takeExpired(now)) {
      this.counters.queueTimeouts++;
      e.item.expired();
    }
    for (const s of this.servers) {
      if (!s.queue.length) continue;
      for (const e of s.queue.takeExpired(now)) {
        this.counters.queueTimeouts++;
        s.counters.queueTimeouts++;
        e.item.expired();
      }
    }
  }
}
