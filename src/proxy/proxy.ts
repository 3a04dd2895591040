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
  server: NetServer;
}

const bindKey = (b: Bind): string => `${b.address}|${b.port}`;

/**
 * Accept queue length: HAProxy sizes a bind's backlog by the frontend's maxconn, so a burst of
 * that many connections is queued by the kernel rather than its SYNs dropped (a dropped SYN costs
 * the client a 1 s, then 3 s retransmit: seen under a 3,000-connection slowloris burst, for
 * attackers and normal clients alike). Never below 1024; the kernel caps it at somaxconn.
 */
const backlogOf = (f: Frontend): number => Math.max(1024, f.maxconn ?? 0);

function listen(server: NetServer, bind: Bind, backlog: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen({ host: bind.address, port: bind.port, backlog, exclusive: true }, () => {
      server.removeListener('error', onError);
      resolve();
    });
  });
}

function closeServer(server: NetServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
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
    // later gives about as much back again (9,800 tcp connections closed: 105 → 83 MB, 77 before).
    clearTimeout(stormFollowUp);
    stormFollowUp = setTimeout(() => void releaseMemory(), 3000).unref();
  };
  const sweep = (): void => {
    if (live.size === 0) return;
    const now = clock.now();
    for (const s of live) s.sweep?.(now);
  };

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
  };

  // DNS re-resolution moved a server: pooled connections to the old address must go.
  const unsubscribeAddress = health.onAddressChange((b, s) => backends.get(b)?.servers.find((x) => x.name === s)?.closeIdle());

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
    server.on('connection', (sock: Socket) => {
      const fe = l.fe; // read at accept time: update() may have swapped the frontend
      // `maxconn` counts the frontend's sessions (HAProxy's meaning, all binds together), not
      // net.Server's sockets: a relayed tcp session (native-relay.ts) has no net.Socket left.
      if (fe.cfg.maxconn && fe.counters.sessCur >= fe.cfg.maxconn) {
        sock.destroy();
        return;
      }
      if (fe.cfg.mode === 'tcp') new TcpSession(sock, fe, ctx);
      else new HttpSession(sock, fe, ctx);
    });
    server.on('error', (err) => opts.logger.error({ event: 'listener-error', frontend: l.fe.cfg.name, reason: String(err) }, 'listener error'));
    return server;
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
          const l: Listener = { key, bind, fe, server: undefined as unknown as NetServer };
          l.server = makeServer(l);
          try {
            await listen(l.server, bind, backlogOf(f));
          } catch (err) {
            throw new BindError(bind, f.name, err as NodeJS.ErrnoException);
          }
          fresh.push(l);
          out.push(l);
        }
      }
    } catch (err) {
      // Never leave a half-bound daemon: undo what this call bound.
      await Promise.all(fresh.map((l) => closeServer(l.server)));
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
      for (const l of listeners) {
        const a = l.server.address();
        opts.logger.info({ event: 'listen', frontend: l.fe.cfg.name, mode: l.fe.cfg.mode, address: a && typeof a === 'object' ? `${a.address}:${a.port}` : String(a) }, 'listening');
      }
    },

    async stop() {
      if (!started) return;
      started = false;
      clearInterval(sweeper);
      clearInterval(stormTimer);
      clearTimeout(stormFollowUp);
      sweeper = undefined;
      unsubscribeAddress();
      const closing = listeners.map((l) => closeServer(l.server));
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
      await Promise.all([...keep.values()].map((l) => closeServer(l.server)));
      const names = new Set(next.frontends.map((f) => f.name));
      for (const n of [...frontends.keys()]) if (!names.has(n)) frontends.delete(n);
    },

    stats(): ProxyStats {
      return {
        frontends: [...frontends.values()].map((f) => ({
          name: f.cfg.name,
          ...f.counters,
          listening: listeners.filter((l) => l.fe === f).map((l) => {
            const a = l.server.address();
            return a && typeof a === 'object' ? `${a.address}:${a.port}` : String(a);
          }),
        })),
        backends: [...backends.values()].map((b) => ({
          name: b.name,
          ...b.counters,
          servers: b.servers.map((s) => ({
            name: s.name,
            ...s.counters,
            sessCur: s.conns,
            status: s.cfg.disabled ? ('MAINT' as const) : health.isUp(b.name, s.name) ? ('UP' as const) : ('DOWN' as const),
            idleConnections: s.idle.length,
          })),
        })),
        relayed: { ...ctx.relayed },
      };
    },

    addresses(): BoundAddress[] {
      return listeners.map((l) => {
        const a = l.server.address();
        const port = a && typeof a === 'object' ? a.port : l.bind.port;
        return { frontend: l.fe.cfg.name, address: l.bind.address, port, bind: l.bind };
      });
    },
  };
}
