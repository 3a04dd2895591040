// The JSON status document served at the stats URI: what an operator asks first ("which
// servers are down and why, who is VRRP master since when"). Pure module: it receives the
// snapshots and the time base, so it is tested without sockets or clocks.
//
// Times inside halb are monotonic ms (util/clock.ts); the document turns them into wall-clock
// ISO strings with `wallAt(mono) = wallNow - (monoNow - mono)`, plus an age in seconds.
import type { HalbConfig } from '../config/model.js';
import type { ProxyStats } from '../proxy/counters.js';
import type { ServerSnapshot } from '../health/monitor.js';
import type { InstanceStatus } from '../vrrp/runtime.js';

export interface StatusInputs {
  readonly config: HalbConfig;
  readonly proxy?: ProxyStats;
  readonly health: readonly ServerSnapshot[];
  readonly vrrp: readonly InstanceStatus[];
  /** Monotonic "now" (same clock as the snapshots) and the wall clock at the same instant. */
  readonly monoNow: number;
  readonly wallNow: number;
  /** Omitted from the document with `stats hide-version`. */
  readonly version?: string;
}

export interface TimeMark {
  readonly at: string;
  readonly ageSeconds: number;
}

export interface ServerStatus {
  readonly name: string;
  readonly address: string;
  readonly state: 'UP' | 'DOWN' | 'MAINT';
  readonly reason: string | null;
  readonly lastChange: TimeMark | null;
  readonly lastCheck: { readonly ok: boolean; readonly status: string; readonly reason: string; readonly code?: number; readonly durationMs: number; readonly detail?: string } | null;
  readonly checked: boolean;
  readonly health: string | null;
  readonly weight: number;
  readonly backup: boolean;
  readonly sessions: { readonly current: number; readonly total: number };
  /** The server's own queue (requests `balance source` sent to it while full): HAProxy qcur/qmax. */
  readonly queue: { readonly current: number; readonly max: number };
}

export interface StatusDocument {
  readonly version?: string;
  readonly generatedAt: string;
  readonly frontends: readonly {
    readonly name: string;
    readonly mode: string;
    readonly listening: readonly string[];
    readonly sessions: { readonly current: number; readonly total: number };
    /** At maxconn: not accepting (clients wait in the backlog). */
    readonly paused: boolean;
    /** Client connections closed unserved (accept failed for descriptors, hold full). */
    readonly refused: number;
  }[];
  readonly backends: readonly {
    readonly name: string;
    readonly mode: string;
    readonly balance: string;
    readonly serversUp: number;
    readonly sessions: { readonly current: number; readonly total: number };
    /** Backend queue (HAProxy qcur/qmax), and requests that left it on `timeout queue`. */
    readonly queue: { readonly current: number; readonly max: number; readonly timeouts: number };
    readonly servers: readonly ServerStatus[];
  }[];
  readonly vrrp: readonly { readonly name: string; readonly state: string; readonly priority: number; readonly master: string | null; readonly since: TimeMark }[];
}

export function statusDocument(inp: StatusInputs): StatusDocument {
  const mark = (mono: number): TimeMark => {
    const age = Math.max(0, inp.monoNow - mono);
    return { at: new Date(inp.wallNow - age).toISOString(), ageSeconds: Math.round(age / 100) / 10 };
  };
  const health = new Map(inp.health.map((s) => [`${s.backend}/${s.server}`, s]));
  const feStats = new Map((inp.proxy?.frontends ?? []).map((f) => [f.name, f]));
  const beStats = new Map((inp.proxy?.backends ?? []).map((b) => [b.name, b]));

  const frontends = inp.config.frontends.map((f) => {
    const st = feStats.get(f.name);
    return {
      name: f.name,
      mode: f.mode,
      listening: st?.listening ?? [],
      sessions: { current: st?.sessCur ?? 0, total: st?.sessTotal ?? 0 },
      paused: st?.paused ?? false,
      refused: st?.refused ?? 0,
    };
  });

  const backends = inp.config.backends.map((b) => {
    const bst = beStats.get(b.name);
    const servers = b.servers.map((s): ServerStatus => {
      const h = health.get(`${b.name}/${s.name}`);
      const sst = bst?.servers.find((x) => x.name === s.name);
      // Health owns the state; the proxy's view agrees with it (it reads the same monitor).
      const state = h?.state ?? sst?.status ?? (s.disabled ? 'MAINT' : 'UP');
      const last = h?.history.at(-1);
      return {
        name: s.name,
        address: `${h?.address ?? s.address}:${s.port}`,
        state,
        reason: h?.reason || last?.reason || null,
        lastChange: h?.lastChangeAt !== undefined ? mark(h.lastChangeAt) : null,
        lastCheck: h?.lastCheck
          ? {
              ok: h.lastCheck.ok,
              status: h.lastCheck.status,
              reason: h.lastCheck.reason,
              ...(h.lastCheck.code !== undefined ? { code: h.lastCheck.code } : {}),
              durationMs: h.lastCheck.durationMs,
              ...(h.lastCheck.detail !== undefined ? { detail: h.lastCheck.detail } : {}),
            }
          : null,
        checked: h?.checked ?? s.check,
        // HAProxy's stats page shows the rise/fall position as "health/(rise+fall-1)".
        health: h?.checked ? `${h.health}/${h.rise + h.fall - 1}` : null,
        weight: s.weight,
        backup: s.backup,
        sessions: { current: sst?.sessCur ?? 0, total: sst?.sessTotal ?? 0 },
        queue: { current: sst?.qcur ?? 0, max: sst?.qmax ?? 0 },
      };
    });
    return {
      name: b.name,
      mode: b.mode,
      balance: b.balance.algo,
      serversUp: servers.filter((s) => s.state === 'UP').length,
      sessions: { current: bst?.sessCur ?? 0, total: bst?.sessTotal ?? 0 },
      queue: { current: bst?.qcur ?? 0, max: bst?.qmax ?? 0, timeouts: bst?.queueTimeouts ?? 0 },
      servers,
    };
  });

  const vrrp = inp.vrrp.map((v) => ({ name: v.name, state: v.state, priority: v.priority, master: v.master ?? null, since: mark(v.since) }));

  return {
    ...(inp.version !== undefined ? { version: inp.version } : {}),
    generatedAt: new Date(inp.wallNow).toISOString(),
    frontends,
    backends,
    vrrp,
  };
}
