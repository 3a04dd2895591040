// Server choice + connection with `retries` and `option redispatch`, shared by tcp and http
// sessions. Every failed attempt is reported to health as a passive failure (refused, reset,
// timeout), so passive detection can mark a dead server down before its next check.
//
// HAProxy redispatches on every retry when `option redispatch` is set (interval 1, its
// default since 1.6); without it, retries stay on the same server — but only while that server
// is still considered up. halb has no persistence (cookies, stick tables) that staying would
// honour, so once passive detection has marked the server DOWN, retrying it can only fail the
// client: the retry then goes elsewhere. The server chosen first is excluded on redispatch
// unless it is the only one left.
import type { Socket } from 'node:net';
import type { HealthMonitorApi, PassiveFailure } from '../health/types.js';
import type { BackendRuntime, ServerRuntime } from './backend-runtime.js';
import { connectServer } from './connect.js';

export interface DispatchState {
  /** Servers that failed in this dispatch; made on the first failure (most sessions never fail). */
  tried: Set<number> | undefined;
  /** Attempts left including the next one (1 + retries at the start). */
  attemptsLeft: number;
  retries: number;
  redispatches: number;
  lastFailure?: PassiveFailure | undefined;
}

export function newDispatchState(be: BackendRuntime): DispatchState {
  return { tried: undefined, attemptsLeft: 1 + Math.max(0, be.cfg.retries), retries: 0, redispatches: 0 };
}

export type DispatchResult =
  | { readonly ok: true; readonly server: ServerRuntime; readonly socket: Socket }
  /** `noserver`: nothing usable (503 / SC); otherwise the last connect failure. `server` is the last one tried. */
  | { readonly ok: false; readonly reason: 'noserver' | PassiveFailure; readonly server?: ServerRuntime | undefined };

/** Records a failure on `server` and decides the next server to try, or undefined when out of attempts. */
export function nextAfterFailure(
  be: BackendRuntime,
  health: HealthMonitorApi,
  st: DispatchState,
  server: ServerRuntime,
  kind: PassiveFailure,
  clientAddress: string | undefined,
): ServerRuntime | undefined {
  server.counters.errConn++;
  be.counters.errConn++;
  st.lastFailure = kind;
  health.reportPassive(be.name, server.name, kind);
  (st.tried ??= new Set()).add(server.index);
  if (st.attemptsLeft <= 0) return undefined;
  st.retries++;
  be.counters.retries++;
  server.counters.retries++;
  if (!be.cfg.redispatch && health.isUp(be.name, server.name)) return server;
  const next = be.pick(clientAddress, st.tried);
  if (!next) return undefined;
  if (next !== server) {
    st.redispatches++;
    be.counters.redispatches++;
    next.counters.redispatches++;
  }
  return next;
}

/**
 * Connects to a server of `be`, retrying per config. `first` is a server already picked
 * (or undefined to pick now). On success the caller owns the socket and one unit of
 * `server.conns`; on failure nothing is held.
 */
export async function dispatch(be: BackendRuntime, health: HealthMonitorApi, st: DispatchState, clientAddress: string | undefined, first?: ServerRuntime): Promise<DispatchResult> {
  let server = first ?? be.pick(clientAddress, st.tried);
  if (!server) return { ok: false, reason: 'noserver' };
  for (;;) {
    st.attemptsLeft--;
    server.conns++;
    const r = await connectServer(be.addressOf(server), server.cfg.port, be.cfg.timeouts.connect);
    if (r.ok) return { ok: true, server, socket: r.socket };
    server.release();
    const next = nextAfterFailure(be, health, st, server, r.kind, clientAddress);
    if (!next) return { ok: false, reason: r.kind, server };
    server = next;
  }
}
