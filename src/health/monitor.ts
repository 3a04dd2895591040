// The health monitor: owns every server's operational state (HealthMonitorApi).
// It composes small parts around the pure rise/fall core (rise-fall.ts):
//  - check-scheduler.ts: one timer on the earliest deadline (next check or DNS query);
//  - check-runner.ts: one active check and its result;
//  - address-resolution.ts: init-addr and periodic DNS, and the address changes they cause;
//  - transition-log.ts: every transition logged the HAProxy way, kept in a bounded history.
// First checks are spread over `inter` (HAProxy start_checks) to avoid a thundering herd;
// stop() aborts in-flight checks and queries through AbortSignals.

import { EVENT } from '../log/events.js';
import type { Backend, Resolvers } from '../config/model.js';
import type { Logger } from '../log/logger.js';
import { monotonicClock, type Clock } from '../util/clock.js';
import type { HealthMonitorApi, PassiveFailure } from './types.js';
import { applyPassiveFailure, applyPassiveSuccess, firstCheckOffsets, type HealthState, type Transition } from './rise-fall.js';
import { runCheck, type Checker } from './checkers.js';
import { createAddressResolver, type AddressResolver } from '../dns/resolver.js';
import { resolvePeriod } from '../dns/resolution.js';
import { CheckScheduler, realTimers, type Timers } from './check-scheduler.js';
import { startCheck } from './check-runner.js';
import { AddressResolution } from './address-resolution.js';
import { TransitionLog } from './transition-log.js';
import type { MonitorContext } from './monitor-context.js';
import { createServerRecord, needsResolution, snapshotOf, zeroCounters, type ServerCounters, type ServerRec, type ServerSnapshot } from './server-record.js';

export { realTimers, type Timers } from './check-scheduler.js';
export type { ServerCounters, ServerSnapshot } from './server-record.js';

export interface HealthMonitorOptions {
  readonly backends: readonly Backend[];
  readonly logger: Logger;
  /** `resolvers` sections referenced by servers' `resolvers` keyword. */
  readonly resolvers?: readonly Resolvers[];
  readonly clock?: Clock;
  readonly resolver?: AddressResolver;
  readonly checker?: Checker;
  readonly timers?: Timers;
  /**
   * Consecutive passive errors before a checked server is marked DOWN (HAProxy
   * `error-limit`, default 10 there). halb observes layer 4 by default and uses 3:
   * the proxy already retries such connections elsewhere, so the only cost of a
   * small limit is one early re-check. 0 disables passive marking.
   */
  readonly passiveErrorLimit?: number;
  /** Transitions kept per server for the stats page (default 20). */
  readonly historySize?: number;
  /** Spread first checks over inter (default true). */
  readonly spreadChecks?: boolean;
  /** Addresses known from a previous run, for `init-addr last`; key "backend/server". */
  readonly lastAddresses?: ReadonlyMap<string, string>;
  /**
   * The previous monitor's snapshot on reload. Servers that keep their name, `check`
   * setting and address source carry over their state, health and resolved address,
   * so a reload never flaps a server (keepalived does the same for its checkers).
   */
  readonly carryOver?: readonly ServerSnapshot[];
}

export interface HealthMonitor extends HealthMonitorApi {
  /** Resolves when every hostname server went through init-addr (resolved or not). */
  ready(): Promise<void>;
  snapshot(): ServerSnapshot[];
  /** Totals across servers, for metrics (halb_health_*_total). */
  counters(): Readonly<ServerCounters>;
}

export function createHealthMonitor(opts: HealthMonitorOptions): HealthMonitor {
  const clock = opts.clock ?? monotonicClock;
  const log = opts.logger;
  const checker = opts.checker ?? runCheck;
  const ownResolver = opts.resolver === undefined;
  const resolver = opts.resolver ?? createAddressResolver();
  const pending = new Set<Promise<unknown>>();
  let started = false;
  let stopped = false;
  let readyPromise: Promise<void> = Promise.resolve();

  const t0 = clock.now();
  const recordOptions = {
    errorLimit: opts.passiveErrorLimit ?? 3,
    historySize: opts.historySize ?? 20,
    sections: new Map((opts.resolvers ?? []).map((r) => [r.name, r])),
    carried: new Map((opts.carryOver ?? []).map((p) => [`${p.backend}/${p.server}`, p])),
    log,
  };
  const byBackend = new Map<string, Map<string, ServerRec>>();
  const recs: ServerRec[] = [];
  for (const backend of opts.backends) {
    const m = new Map<string, ServerRec>();
    byBackend.set(backend.name, m);
    for (const server of backend.servers) {
      const rec = createServerRecord(backend, server, t0, recordOptions);
      m.set(server.name, rec);
      recs.push(rec);
    }
  }

  const transitions = new TransitionLog(log, (backend) => byBackend.get(backend)!.values());
  const ctx: MonitorContext = {
    clock,
    log,
    stopped: () => stopped,
    track(p, waitOnStop = true) {
      const q = p.catch((err: unknown) => log.error({ event: EVENT.health_internal_error, err }, 'health monitor internal error'));
      if (!waitOnStop) return;
      pending.add(q);
      void q.finally(() => pending.delete(q));
    },
    arm: () => scheduler.arm(),
    apply(r: ServerRec, step: { state: HealthState; transition?: Transition }) {
      const before = r.state.nextCheckAt;
      r.state = step.state;
      if (step.transition) transitions.emit(r, step.transition);
      if (r.state.nextCheckAt !== before) scheduler.arm();
    },
  };
  const addresses = new AddressResolution(ctx, resolver, opts.lastAddresses);
  const scheduler: CheckScheduler = new CheckScheduler(recs, opts.timers ?? realTimers, clock, {
    check: (r) => startCheck(ctx, checker, r),
    dns: (r) => addresses.startQuery(r),
  });

  const api: HealthMonitor = {
    start() {
      if (started || stopped) return;
      started = true;
      const now = clock.now();
      const checked = recs.filter((r) => r.cfg.check && !r.cfg.disabled);
      const offsets = opts.spreadChecks === false ? checked.map(() => 0) : firstCheckOffsets(checked.map((r) => r.cfg.inter));
      checked.forEach((r, i) => {
        if (r.state.hasAddress) r.state = { ...r.state, nextCheckAt: now + offsets[i]! };
      });
      const inits: Promise<void>[] = [];
      for (const r of recs) {
        if (!needsResolution(r.server) || r.cfg.disabled) continue;
        if (r.address !== undefined) {
          // Carried over from before a reload: only periodic re-resolution is needed.
          if (r.dnsSection) r.dnsNextAt = now + resolvePeriod(r.dnsSection);
          continue;
        }
        const p = addresses.initAddress(r);
        // libc lookups cannot be cancelled: stop() does not wait for them.
        ctx.track(p, false);
        inits.push(p.catch(() => undefined));
      }
      readyPromise = Promise.all(inits).then(() => undefined);
      scheduler.start();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      scheduler.stop();
      for (const r of recs) {
        r.inflight?.abort();
        r.dnsInflight?.abort();
      }
      while (pending.size) await Promise.allSettled([...pending]);
      if (ownResolver) resolver.close();
    },
    ready() {
      return readyPromise;
    },
    isUp(backend, server) {
      return byBackend.get(backend)?.get(server)?.state.op === 'UP';
    },
    reportPassive(backend, server, kind: PassiveFailure) {
      const r = byBackend.get(backend)?.get(server);
      if (!r || stopped) return;
      r.counters.passiveFailures++;
      ctx.apply(r, applyPassiveFailure(r.cfg, r.state, kind, clock.now()));
    },
    reportSuccess(backend, server) {
      const r = byBackend.get(backend)?.get(server);
      if (!r || r.state.passiveErrors === 0) return;
      r.state = applyPassiveSuccess(r.state);
    },
    onTransition: (listener) => transitions.listen(listener),
    onAddressChange: (listener) => addresses.listen(listener),
    addressOf(backend, server) {
      return byBackend.get(backend)?.get(server)?.address;
    },
    snapshot() {
      return recs.map(snapshotOf);
    },
    counters() {
      const total = zeroCounters();
      for (const r of recs) {
        for (const k of Object.keys(total) as (keyof ServerCounters)[]) total[k] += r.counters[k];
      }
      return total;
    },
  };
  return api;
}
