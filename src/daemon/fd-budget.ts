// The descriptor budget (pure): how many file descriptors the configuration needs against
// RLIMIT_NOFILE, and the effective `global maxconn` that keeps room for everything that is not
// a client connection. HAProxy does the same at start: it needs 2 descriptors per connection
// (client + server side) plus its listeners, checks, resolvers and a reserve; it raises the soft
// limit up to the hard one to get them; without `global maxconn` it derives one from the hard
// limit. Where HAProxy 2.6 refuses to start (a maxconn the hard limit cannot hold), halb lowers
// the maxconn and says how to fix it.
//
// The reserve is what a client flood must never take: health checks (a flood that starves them
// marks healthy servers DOWN), DNS, VRRP sockets, the stats/admin listener and its clients, and
// the duplicated descriptors of paused listeners. Clients are capped at the effective maxconn by
// pausing every listener (src/proxy/listen-gate.ts), so the reserve stays free.
import type { HalbConfig } from '../config/model.js';

/** What does not scale with client connections (descriptors). */
export interface FdNeeds {
  /** Frontend binds, counted twice (a paused listener keeps a duplicate). */
  readonly listeners: number;
  /** Servers with `check` (one probe socket each at most) plus agent/DNS re-resolution slack. */
  readonly checks: number;
  /** One UDP socket per nameserver, plus a TCP fallback each. */
  readonly resolvers: number;
  /** Stats/admin binds, plus ADMIN_CLIENTS concurrent clients. */
  readonly admin: number;
  /** VRRP: raw sockets per family, the packet socket for GARPs, netlink, scripts' pipes. */
  readonly vrrp: number;
  /** Node itself: stdio, the event loop's epoll and eventfds, libuv's reserve, the thread pool, logs. */
  readonly base: number;
}

export const BASE_FDS = 64;
export const ADMIN_CLIENTS = 16;

export function fdNeeds(cfg: HalbConfig): FdNeeds {
  const binds = cfg.frontends.reduce((n, f) => n + f.binds.length, 0);
  const checks = cfg.backends.reduce((n, b) => n + b.servers.filter((s) => s.check).length, 0);
  // Sections may be absent in configs built by hand (tests, the warm-up's private copy).
  const ns = (cfg.resolvers ?? []).reduce((n, r) => n + r.nameservers.length, 0);
  const statsBinds = (cfg.stats ?? []).reduce((n, s) => n + s.binds.length, 0);
  const instances = cfg.vrrp?.instances.length ?? 0;
  return {
    listeners: 2 * binds,
    checks: checks + (checks ? 8 : 0),
    resolvers: 2 * ns,
    admin: statsBinds ? statsBinds + ADMIN_CLIENTS : 0,
    vrrp: instances ? 8 + 2 * instances + 2 * (cfg.vrrp?.scripts.length ?? 0) : 0,
    base: BASE_FDS,
  };
}

export function reserveOf(n: FdNeeds): number {
  return n.listeners + n.checks + n.resolvers + n.admin + n.vrrp + n.base;
}

/** Limits are numbers; unlimited is Infinity. */
export interface FdLimits {
  readonly soft: number;
  readonly hard: number;
}

export interface FdBudget {
  /** The global maxconn to enforce. */
  readonly maxconn: number;
  /** Descriptors kept out of the clients' reach. */
  readonly reserve: number;
  /** Descriptors the effective maxconn needs: 2 × maxconn + reserve. */
  readonly need: number;
  /** Set the soft RLIMIT_NOFILE to this (raise, as HAProxy does), when it differs from the current one. */
  readonly raiseSoftTo?: number;
  /** How the maxconn was obtained. */
  readonly source: 'configured' | 'derived' | 'lowered';
  /** One sentence for the log: what was decided and, when lowered, how to fix it. */
  readonly message: string;
}

/** A cap for a derived maxconn under a huge or unlimited descriptor limit (memory, not fds, bounds it then). */
export const DERIVED_MAXCONN_CAP = 262144;

export function fdBudget(configured: number | undefined, needs: FdNeeds, lim: FdLimits): FdBudget {
  const reserve = reserveOf(needs);
  const fit = (limit: number): number => Math.max(1, Math.floor((limit - reserve) / 2));
  if (configured === undefined) {
    // HAProxy 2.6 without maxconn: derived from the hard limit, the soft one raised to fit
    // (measured: soft 1024, hard 20000 → Ulimit-n 20000, Maxconn 9986).
    const base = Number.isFinite(lim.hard) ? lim.hard : lim.soft;
    const maxconn = Math.min(DERIVED_MAXCONN_CAP, fit(base));
    const need = 2 * maxconn + reserve;
    return {
      maxconn,
      reserve,
      need,
      source: 'derived',
      ...(need > lim.soft ? { raiseSoftTo: need } : {}),
      message:
        `global maxconn not set: using ${maxconn}, derived from the descriptor limit ${fmt(base)} ` +
        `(2 per connection, ${reserve} reserved for listeners, checks, DNS, VRRP and stats), as HAProxy does`,
    };
  }
  const need = 2 * configured + reserve;
  if (need <= lim.soft) {
    return { maxconn: configured, reserve, need, source: 'configured', message: `global maxconn ${configured}: ${need} descriptors needed, limit ${fmt(lim.soft)}` };
  }
  if (need <= lim.hard) {
    return {
      maxconn: configured,
      reserve,
      need,
      raiseSoftTo: need,
      source: 'configured',
      message: `global maxconn ${configured}: raising the descriptor limit from ${fmt(lim.soft)} to ${need} (hard limit ${fmt(lim.hard)})`,
    };
  }
  const maxconn = fit(lim.hard);
  return {
    maxconn,
    reserve,
    need: 2 * maxconn + reserve,
    source: 'lowered',
    ...(lim.hard > lim.soft ? { raiseSoftTo: lim.hard } : {}),
    message:
      `global maxconn ${configured} needs ${need} descriptors (2 per connection + ${reserve} reserved for listeners, ` +
      `checks, DNS, VRRP and stats) but the hard limit is ${fmt(lim.hard)}: maxconn lowered to ${maxconn} so that a client ` +
      `flood cannot starve health checks or the stats page. Raise the limit (LimitNOFILE= in the systemd unit, ulimit -n) to keep ${configured}`,
  };
}

function fmt(n: number): string {
  return Number.isFinite(n) ? String(n) : 'unlimited';
}
