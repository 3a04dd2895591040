// The data plane's public API for the composition root:
//
//   const proxy = createProxy({ frontends, backends, health, logger });
//   await proxy.start();            // binds every frontend; EADDRINUSE names the bind's file:line
//   proxy.stats();                  // counters per frontend/backend/server
//   await proxy.update(next);       // hot swap of backends/servers; unchanged binds keep their socket
//   await proxy.stop();
//
// State the data plane owns is per process (sessions, pools, counters); what it reads from the
// control plane (config, server up/down, addresses) comes through plain data and the
// HealthMonitorApi seam, so a worker-per-core layout can feed it by messages (docs/architecture.md).
import { Server as NetServer, type Socket } from 'node:net';
import type { Backend, Bind, Frontend } from '../config/model.js';
import type { HealthMonitorApi } from '../health/types.js';
import type { Logger } from '../log/logger.js';
import { monotonicClock, type Clock } from '../util/clock.js';
import { BackendRuntime } from './backend-runtime.js';
import { cidrMatcher, type AddressMatcher } from './cidr.js';
import { SWEEP_MS, type FrontendRuntime, type LiveSession, type SessionContext } from './context.js';
import { newCounters, type ProxyStats } from './counters.js';
import { DEFAULT_LIMITS, type HeadLimits } from './http/head-parser.js';
import { HttpSession } from './http-session.js';
import { TcpSession } from './tcp-session.js';
import { nativeRelay } from './native-relay.js';
import { flushAccess } from '../log/access-line.js';
import { GatedListener, listenBacklog } from './listen-gate.js';
import { termCode } from './termination.js';
import { initialStormWatch, observeLive } from './storm-watch.js';
import { releaseMemory } from '../native/memory-release.js';

export interface ProxyOptions {
  readonly frontends: readonly Frontend[];
  readonly backends: readonly Backend[];
  readonly health: HealthMonitorApi;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Uniform [0,1) source for `balance random`. */
  readonly random?: () => number;
  readonly limits?: HeadLimits;
  /** Hand established tcp sessions to the addon's relay (native-relay.ts); default: unless HALB_NATIVE_RELAY=0. */
  readonly nativeRelay?: boolean;
  /**
   * Process-wide `global maxconn` (after the descriptor budget, fd-budget.ts): at this many
   * client connections every listener pauses, as HAProxy stops polling them (listen-gate.ts).
   */
  readonly maxconn?: number | undefined;
  /** Give memory back after a connection storm (storm-watch.ts); default: unless HALB_MEMORY_RELEASE=0. */
  readonly memoryRelease?: boolean;
}

export interface ProxyConfig {
  readonly frontends: readonly Frontend[];
  readonly backends: readonly Backend[];
}

export interface BoundAddress {
  readonly frontend: string;
  readonly address: string;
  /** The actual port (differs from the configured one when that was 0). */
  readonly port: number;
  readonly bind: Bind;
}

export interface Proxy {
  start(): Promise<void>;
  stop(): Promise<void>;
  stats(): ProxyStats;
  update(next: ProxyConfig): Promise<void>;
  /** Where each bind actually listens (for tests and the stats page). */
  addresses(): BoundAddress[];
}

/** A bind failure, with the config position in the message. */
export class BindError extends Error {
  readonly code: string;
  constructor(
    readonly bind: Bind,
    readonly frontend: string,
    cause: NodeJS.ErrnoException,
  ) {
    const where = bind.pos ? `${bind.pos.file}:${bind.pos.line}: ` : '';
    const what = cause.code === 'EADDRINUSE' ? 'address already in use' : cause.code === 'EACCES' ? 'permission denied' : cause.message;
    super(`${where}bind ${bind.address}:${bind.port} (frontend ${frontend}): ${what}`, { cause });
    this.name = 'BindError';
    this.code = cause.code ?? 'EBIND';
  }
}

interface Listener {
  key: string;
  bind: Bind;
  fe: FrontendRuntime;
  gate: GatedListener;
}

const bindKey = (b: Bind): string => `${b.address}|${b.port}`;

function addressText(l: Listener): string {
  const a = l.gate.address();
  return a ? `${a.address}:${a.port}` : `${l.bind.address}:${l.bind.port}`;
}

export function createProxy(opts: ProxyOptions): Proxy {
  const clock = opts.clock ?? monotonicClock;
  const random = opts.random ?? Math.random;
  const health = opts.health;
  let backends = new Map<string, BackendRuntime>();
  const backendXff = new WeakMap<BackendRuntime, AddressMatcher | undefined>();
  const frontends = new Map<string, FrontendRuntime>();
  let listeners: Listener[] = [];
  let started = false;
  /** Latest configuration: update() before start() must not be lost. */
  let current: ProxyConfig = { frontends: opts.frontends, backends: opts.backends };
  const live = new Set<LiveSession>();
  /** Client connections being served, all frontends together (what `global maxconn` caps). */
  let globalCur = 0;
  let globalPaused = false;
  let sweeper: NodeJS.Timeout | undefined;
  let stormTimer: NodeJS.Timeout | undefined;
  let stormFollowUp: NodeJS.Timeout | undefined;
  let storm = initialStormWatch;
  const watchStorm = (): void => {
    const r = observeLive(storm, live.size, clock.now());
    storm = r.watch;
    if (!r.release) return;
    const peak = storm.peak;
    void releaseMemory().then((m) => opts.logger.debug({ event: 'memory-released', live: peak, ...m }, 'connection storm over: memory given back'));
    // V8 lowers its heap limit only at a major GC after one that freed much: a second pass 3 s
    // later gives about as much back again (9,800 tcp connections closed: 105 → 83 MB, 77 before),
    // and a third 3 s after that returns what the second pass's shrink left free.
    clearTimeout(stormFollowUp);
    stormFollowUp = setTimeout(followUp, 3000, 2).unref();
  };
  const followUp = (left: number): void => {
    void releaseMemory();
    stormFollowUp = left > 1 ? setTimeout(followUp, 3000, left - 1).unref() : undefined;
  };
  const sweep = (): void => {
    if (live.size === 0) return;
    const now = clock.now();
    for (const s of live) s.sweep?.(now);
    // `timeout queue`, up to SWEEP_MS late like the other inactivity timeouts.
    for (const b of backends.values()) if (b.hasWaiters()) (b.expireQueue(now), b.serveQueue());
  };

  // maxconn (HAProxy's meaning): at the frontend's or the process's limit the listeners stop
  // accepting and clients wait in the kernel's backlog; they resume as soon as a slot frees.
  const frontendFull = (fe: FrontendRuntime): boolean => !!fe.cfg.maxconn && fe.counters.sessCur >= fe.cfg.maxconn;
  const globalFull = (): boolean => !!opts.maxconn && globalCur >= opts.maxconn;
  function gateAfterAccept(fe: FrontendRuntime): void {
    if (globalFull()) {
      if (!globalPaused) {
        globalPaused = true;
        fe.counters.pauses++;
        opts.logger.warn({ event: 'maxconn-reached', scope: 'global', maxconn: opts.maxconn }, `global maxconn ${opts.maxconn} reached: listeners paused, new clients wait in the accept backlog`);
      }
      for (const l of listeners) l.gate.pause();
    } else if (frontendFull(fe)) {
      let paused = false;
      for (const l of listeners) if (l.fe === fe && !l.gate.isPaused) (l.gate.pause(), (paused = true));
      if (paused) fe.counters.pauses++;
    }
  }
  function sessionEnded(fe: FrontendRuntime): void {
    globalCur--;
    if (globalFull()) return;
    if (globalPaused) {
      globalPaused = false;
      for (const l of listeners) if (!frontendFull(l.fe)) l.gate.resume();
      return;
    }
    if (!frontendFull(fe)) for (const l of listeners) if (l.fe === fe && l.gate.isPaused) l.gate.resume();
  }

  const ctx: SessionContext = {
    health,
    logger: opts.logger,
    clock,
    limits: opts.limits ?? DEFAULT_LIMITS,
    live,
    backend: (name) => (name === undefined ? undefined : backends.get(name)),
    backendXffExcept: (be) => backendXff.get(be),
    relay: nativeRelay(opts.nativeRelay),
    relayed: { current: 0, total: 0 },
    sessionEnded,
  };

  // DNS re-resolution moved a server: pooled connections to the old address must go.
  const unsubscribeAddress = health.onAddressChange((b, s) =>
    backends
      .get(b)
      ?.servers.find((x) => x.name === s)
      ?.closeIdle(),
  );

  function buildBackends(list: readonly Backend[]): void {
    const next = new Map<string, BackendRuntime>();
    for (const b of list) {
      const rt = new BackendRuntime(b, health, random, backends.get(b.name));
      backendXff.set(rt, b.forwardFor?.except ? cidrMatcher(b.forwardFor.except) : undefined);
      next.set(b.name, rt);
    }
    for (const [name, old] of backends) if (!next.has(name)) old.closeIdle();
    backends = next;
  }

  function frontendRuntime(f: Frontend): FrontendRuntime {
    const prev = frontends.get(f.name);
    const rt: FrontendRuntime = prev ?? { cfg: f, counters: newCounters() };
    rt.cfg = f;
    rt.xffExcept = f.forwardFor?.except ? cidrMatcher(f.forwardFor.except) : undefined;
    frontends.set(f.name, rt);
    return rt;
  }

  function makeServer(l: { fe: FrontendRuntime }): NetServer {
    // allowHalfOpen: a client FIN must not close our direction (tcp half-close, HTTP requests
    // sent with shutdown(SHUT_WR)). pauseOnConnect: tcp sessions read nothing until the server
    // is up; http sessions resume at once. Same options for both so a reload may switch a
    // bind's mode without closing its socket. highWaterMark 256 KiB: with Node's default 16 KiB
    // every 64 KiB read overfilled the writer and bulk transfers ping-ponged pause/resume;
    // measured 5–7 → 9–10 Gbit/s through tcp mode. It bounds buffering per direction all the same.
    const server = new NetServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true, highWaterMark: 256 * 1024 } as ConstructorParameters<typeof NetServer>[0]);
    server.on('error', (err: NodeJS.ErrnoException) => {
      // accept() failing with EMFILE/ENFILE reaches us only when libuv's reserve-descriptor trick
      // (accept and close the pending clients, silently) could not absorb it: count and log it.
      // The descriptor budget (daemon/fd-budget.ts) is what keeps either from happening.
      if (err.code === 'EMFILE' || err.code === 'ENFILE') refused(l.fe, undefined, err.code);
      else opts.logger.error({ event: 'listener-error', frontend: l.fe.cfg.name, reason: String(err) }, 'listener error');
    });
    return server;
  }

  /** A client connection closed without being served: counted and logged (termination `RR`). */
  function refused(fe: FrontendRuntime, sock: Socket | undefined, reason: string): void {
    fe.counters.refused++;
    opts.logger.warn(
      {
        event: 'refused',
        frontend: fe.cfg.name,
        client: sock ? `${sock.remoteAddress}:${sock.remotePort}` : '-',
        termination: termCode('R', 'R'),
        reason,
      },
      'client connection refused',
    );
  }

  function newGate(l: { fe: FrontendRuntime }): GatedListener {
    return new GatedListener(
      {
        makeServer: () => makeServer(l),
        onConnection: (sock) => {
          const fe = l.fe; // read at accept time: update() may have swapped the frontend
          globalCur++;
          if (fe.cfg.mode === 'tcp') new TcpSession(sock, fe, ctx);
          else new HttpSession(sock, fe, ctx);
          gateAfterAccept(fe);
        },
        onRefused: (sock, reason) => refused(l.fe, sock, reason),
      },
      listenBacklog(l.fe.cfg.maxconn),
    );
  }

  async function bindAll(fes: readonly Frontend[], keep: Map<string, Listener>): Promise<Listener[]> {
    const out: Listener[] = [];
    const fresh: Listener[] = [];
    try {
      for (const f of fes) {
        const fe = frontendRuntime(f);
        for (const bind of f.binds) {
          const key = bindKey(bind);
          const existing = keep.get(key);
          if (existing) {
            keep.delete(key);
            existing.fe = fe;
            existing.bind = bind;
            out.push(existing);
            continue;
          }
          const l: Listener = { key, bind, fe, gate: undefined as unknown as GatedListener };
          l.gate = newGate(l);
          try {
            await l.gate.listen(bind, listenBacklog(f.maxconn));
          } catch (err) {
            throw new BindError(bind, f.name, err as NodeJS.ErrnoException);
          }
          fresh.push(l);
          out.push(l);
        }
      }
    } catch (err) {
      // Never leave a half-bound daemon: undo what this call bound.
      await Promise.all(fresh.map((l) => l.gate.close()));
      throw err;
    }
    return out;
  }

  return {
    async start() {
      if (started) return;
      buildBackends(current.backends);
      listeners = await bindAll(current.frontends, new Map());
      started = true;
      sweeper = setInterval(sweep, SWEEP_MS);
      sweeper.unref();
      if (opts.memoryRelease ?? process.env.HALB_MEMORY_RELEASE !== '0') stormTimer = setInterval(watchStorm, 1000).unref();
      for (const l of listeners) opts.logger.info({ event: 'listen', frontend: l.fe.cfg.name, mode: l.fe.cfg.mode, address: addressText(l) }, 'listening');
    },

    async stop() {
      if (!started) return;
      started = false;
      clearInterval(sweeper);
      clearInterval(stormTimer);
      clearTimeout(stormFollowUp);
      sweeper = undefined;
      unsubscribeAddress();
      const closing = listeners.map((l) => l.gate.close());
      listeners = [];
      for (const s of [...live]) s.abort();
      for (const b of backends.values()) b.closeIdle();
      await Promise.all(closing);
      flushAccess(opts.logger); // access lines wait up to 10 ms for company (access-line.ts)
    },

    async update(next: ProxyConfig) {
      current = next;
      buildBackends(next.backends);
      if (!started) return;
      const old = new Map(listeners.map((l) => [l.key, l]));
      const keep = new Map(old);
      listeners = await bindAll(next.frontends, keep);
      // Whatever was not reused is gone from the config: stop accepting there.
      await Promise.all([...keep.values()].map((l) => l.gate.close()));
      // A frontend's maxconn may have changed: re-evaluate every listener.
      for (const l of listeners) {
        if (globalFull() || frontendFull(l.fe)) l.gate.pause();
        else if (!globalPaused) l.gate.resume();
      }
      const names = new Set(next.frontends.map((f) => f.name));
      for (const n of [...frontends.keys()]) if (!names.has(n)) frontends.delete(n);
    },

    stats(): ProxyStats {
      return {
        frontends: [...frontends.values()].map((f) => ({
          name: f.cfg.name,
          ...f.counters,
          listening: listeners.filter((l) => l.fe === f).map(addressText),
          paused: listeners.some((l) => l.fe === f && l.gate.isPaused),
        })),
        backends: [...backends.values()].map((b) => ({
          name: b.name,
          ...b.counters,
          qcur: b.queue.length,
          qmax: b.queue.max,
          servers: b.servers.map((s) => ({
            name: s.name,
            ...s.counters,
            sessCur: s.conns,
            status: s.cfg.disabled ? ('MAINT' as const) : health.isUp(b.name, s.name) ? ('UP' as const) : ('DOWN' as const),
            idleConnections: s.idle.length,
            qcur: s.queue.length,
            qmax: s.queue.max,
          })),
        })),
        relayed: { ...ctx.relayed },
      };
    },

    addresses(): BoundAddress[] {
      return listeners.map((l) => {
        const port = l.gate.address()?.port ?? l.bind.port;
        return { frontend: l.fe.cfg.name, address: l.bind.address, port, bind: l.bind };
      });
    },
  };
}
