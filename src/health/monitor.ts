// The health monitor: owns every server's operational state (HealthMonitorApi).
// Composition of the pure rise/fall core, the check adapters and DNS resolution:
//  - one timer per monitor, armed on the earliest deadline (next check or next DNS
//    query of any server); no setInterval chains, so nothing drifts or piles up;
//  - first checks spread over `inter` (HAProxy start_checks) to avoid a thundering herd;
//  - every transition logged the HAProxy way and kept in a bounded per-server history;
//  - stop() aborts in-flight checks and queries through AbortSignals.
// A linear scan finds the earliest deadline: a balancer has tens to hundreds of
// servers, and the scan runs once per check, far below the cost of the check itself.

import type { Backend, HealthCheckSpec, Resolvers, Server } from '../config/model.js';
import type { Logger } from '../log/logger.js';
import { monotonicClock, type Clock } from '../util/clock.js';
import type { HealthMonitorApi, PassiveFailure, ServerOpState, ServerTransition } from './types.js';
import type { CheckResult } from './check-status.js';
import {
  applyAddress,
  applyCheckResult,
  applyPassiveFailure,
  applyPassiveSuccess,
  checkTiming,
  firstCheckOffsets,
  initialState,
  recheckNow,
  type CheckTiming,
  type HealthState,
  type RiseFallConfig,
  type Transition,
} from './rise-fall.js';
import { runCheck, type Checker, type CheckTarget } from './checkers.js';
import { createAddressResolver, type AddressResolver } from '../dns/resolver.js';
import { onDnsAnswer, resolvePeriod, type DnsAnswer, type DnsTrack } from '../dns/resolution.js';
import { TransitionHistory } from './history.js';
import { EVENT } from '../log/events.js';

/** Timer seam so the monitor can run on a manual clock in unit tests. */
export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as NodeJS.Timeout),
};

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

export interface ServerCounters {
  checks: number;
  checkFailures: number;
  transitions: number;
  passiveFailures: number;
  dnsQueries: number;
  dnsFailures: number;
}

export interface ServerSnapshot {
  readonly backend: string;
  readonly server: string;
  readonly state: ServerOpState;
  readonly backup: boolean;
  readonly checked: boolean;
  readonly health: number;
  readonly rise: number;
  readonly fall: number;
  readonly address: string | undefined;
  readonly hostname?: string;
  readonly reason: string;
  readonly lastCheck?: CheckResult;
  readonly lastChangeAt?: number;
  readonly nextCheckAt?: number;
  readonly history: readonly ServerTransition[];
  readonly counters: Readonly<ServerCounters>;
}

export interface HealthMonitor extends HealthMonitorApi {
  /** Resolves when every hostname server went through init-addr (resolved or not). */
  ready(): Promise<void>;
  snapshot(): ServerSnapshot[];
  /** Totals across servers, for metrics (halb_health_*_total). */
  counters(): Readonly<ServerCounters>;
}

interface Rec {
  readonly backend: Backend;
  readonly server: Server;
  readonly cfg: RiseFallConfig;
  readonly timing: CheckTiming;
  readonly spec: HealthCheckSpec;
  state: HealthState;
  address: string | undefined;
  dnsSection?: Resolvers;
  dns: DnsTrack;
  dnsNextAt?: number;
  dnsInflight?: AbortController;
  inflight?: AbortController;
  lastCheck?: CheckResult;
  lastChangeAt?: number;
  readonly history: TransitionHistory;
  readonly counters: ServerCounters;
}

function zeroCounters(): ServerCounters {
  return { checks: 0, checkFailures: 0, transitions: 0, passiveFailures: 0, dnsQueries: 0, dnsFailures: 0 };
}

function needsResolution(s: Server): boolean {
  return s.hostname !== undefined;
}

export function createHealthMonitor(opts: HealthMonitorOptions): HealthMonitor {
  const clock = opts.clock ?? monotonicClock;
  const timers = opts.timers ?? realTimers;
  const log = opts.logger;
  const checker = opts.checker ?? runCheck;
  const ownResolver = opts.resolver === undefined;
  const resolver = opts.resolver ?? createAddressResolver();
  const errorLimit = opts.passiveErrorLimit ?? 3;
  const historySize = opts.historySize ?? 20;
  const sections = new Map((opts.resolvers ?? []).map((r) => [r.name, r]));

  const byBackend = new Map<string, Map<string, Rec>>();
  const recs: Rec[] = [];
  const transitionListeners = new Set<(t: ServerTransition) => void>();
  const addressListeners = new Set<(b: string, s: string, a: string | undefined) => void>();
  const pending = new Set<Promise<unknown>>();
  let timer: unknown;
  let timerAt = Infinity;
  let started = false;
  let stopped = false;
  let readyPromise: Promise<void> = Promise.resolve();

  const t0 = clock.now();
  const carried = new Map((opts.carryOver ?? []).map((p) => [`${p.backend}/${p.server}`, p]));
  for (const backend of opts.backends) {
    const m = new Map<string, Rec>();
    byBackend.set(backend.name, m);
    for (const server of backend.servers) {
      const cfg: RiseFallConfig = {
        rise: Math.max(1, server.rise),
        fall: Math.max(1, server.fall),
        inter: Math.max(1, server.inter),
        ...(server.fastinter !== undefined ? { fastinter: server.fastinter } : {}),
        ...(server.downinter !== undefined ? { downinter: server.downinter } : {}),
        check: server.check,
        disabled: server.disabled,
        errorLimit,
      };
      const resolving = needsResolution(server);
      const prev = carried.get(`${backend.name}/${server.name}`);
      const keep = prev !== undefined && !server.disabled && prev.state !== 'MAINT' && prev.checked === server.check && prev.hostname === server.hostname;
      const address = resolving ? (keep ? prev.address : undefined) : server.address;
      const rec: Rec = {
        backend,
        server,
        cfg,
        timing: checkTiming(cfg.inter, backend.timeouts.check, backend.timeouts.connect),
        spec: backend.healthCheck,
        // Before start(), nothing is scheduled; start() sets the first deadlines.
        state: { ...initialState(cfg, { now: t0, firstCheckDelay: 0, hasAddress: !resolving, noAddressReason: 'DNS: resolving' }), nextCheckAt: undefined },
        address,
        dns: { address, lastValidAt: undefined },
        history: new TransitionHistory(historySize),
        counters: zeroCounters(),
      };
      if (keep && (address !== undefined || !resolving)) {
        // Health is clamped into the new [0, rise+fall-1] while keeping the side of `rise` it was on.
        const max = cfg.rise + cfg.fall - 1;
        const health = prev.state === 'UP' ? Math.min(max, Math.max(cfg.rise, prev.health)) : Math.min(cfg.rise - 1, prev.health);
        rec.state = { ...rec.state, op: prev.state, health, hasAddress: true, reason: prev.reason };
        if (resolving) rec.dns = { address, lastValidAt: t0, lastStatus: 'valid' };
        for (const h of prev.history) rec.history.push(h);
        if (prev.lastCheck) rec.lastCheck = prev.lastCheck;
      }
      if (server.resolvers !== undefined) {
        const sec = sections.get(server.resolvers);
        if (sec) rec.dnsSection = sec;
        else log.warn({ event: EVENT.resolvers_unknown, backend: backend.name, server: server.name, resolvers: server.resolvers }, `${backend.name}/${server.name}: resolvers section '${server.resolvers}' not found; no runtime re-resolution`);
      }
      m.set(server.name, rec);
      recs.push(rec);
    }
  }

  // ---- timer: one, on the earliest deadline ----
  function earliest(): number {
    let at = Infinity;
    for (const r of recs) {
      if (!r.inflight && r.state.nextCheckAt !== undefined && r.state.nextCheckAt < at) at = r.state.nextCheckAt;
      if (!r.dnsInflight && r.dnsNextAt !== undefined && r.dnsNextAt < at) at = r.dnsNextAt;
    }
    return at;
  }

  function arm(): void {
    if (stopped || !started) return;
    const at = earliest();
    if (at === timerAt && timer !== undefined) return;
    if (timer !== undefined) timers.clear(timer);
    timer = undefined;
    timerAt = at;
    if (at === Infinity) return;
    // Capped at Node's timer limit: a longer wait just re-arms when it fires.
    timer = timers.set(onTimer, Math.min(2 ** 31 - 1, Math.max(0, at - clock.now())));
  }

  function onTimer(): void {
    timer = undefined;
    timerAt = Infinity;
    if (stopped) return;
    const now = clock.now();
    for (const r of recs) {
      if (!r.inflight && r.state.nextCheckAt !== undefined && r.state.nextCheckAt <= now) startCheck(r);
      if (!r.dnsInflight && r.dnsNextAt !== undefined && r.dnsNextAt <= now) startDnsQuery(r);
    }
    arm();
  }

  function track<T>(p: Promise<T>, waitOnStop = true): void {
    const q = p.catch((err: unknown) => log.error({ event: EVENT.health_internal_error, err }, 'health monitor internal error'));
    if (!waitOnStop) return;
    pending.add(q);
    void q.finally(() => pending.delete(q));
  }

  // ---- transitions ----
  function countUp(backend: Backend): { active: number; backup: number } {
    let active = 0;
    let backup = 0;
    for (const r of byBackend.get(backend.name)!.values()) {
      if (r.state.op !== 'UP') continue;
      if (r.server.backup) backup++;
      else active++;
    }
    return { active, backup };
  }

  function emit(r: Rec, t: Transition): void {
    const be = r.backend.name;
    const sv = r.server.name;
    const st: ServerTransition = {
      backend: be,
      server: sv,
      from: t.from,
      to: t.to,
      reason: t.reason,
      at: t.at,
      ...(t.code !== undefined ? { code: t.code } : {}),
      ...(t.checkDurationMs !== undefined ? { checkDurationMs: t.checkDurationMs } : {}),
    };
    r.counters.transitions++;
    r.lastChangeAt = t.at;
    r.history.push(st);
    const left = countUp(r.backend);
    // HAProxy: "Server be/srv is DOWN, reason: Layer7 wrong status, code: 500, check
    // duration: 3ms. 1 active and 0 backup servers left."
    let msg = `${be}/${sv} is ${t.to}, reason: ${t.reason}`;
    if (t.code !== undefined) msg += `, code: ${t.code}`;
    if (t.checkDurationMs !== undefined) msg += `, check duration: ${t.checkDurationMs}ms`;
    msg += `. ${left.active} active and ${left.backup} backup servers ${t.to === 'UP' ? 'online' : 'left'}.`;
    const fields = {
      event: EVENT.server_state,
      backend: be,
      server: sv,
      from: t.from,
      to: t.to,
      reason: t.reason,
      ...(t.code !== undefined ? { code: t.code } : {}),
      ...(t.checkDurationMs !== undefined ? { checkDurationMs: t.checkDurationMs } : {}),
      ...(t.detail !== undefined ? { detail: t.detail } : {}),
      activeUp: left.active,
      backupUp: left.backup,
    };
    if (t.to === 'UP') log.info(fields, msg);
    else log.warn(fields, msg);
    if (t.to !== 'UP' && left.active === 0 && left.backup === 0) {
      log.error({ event: EVENT.backend_down, backend: be }, `backend ${be} has no server available!`);
    }
    for (const l of transitionListeners) {
      try {
        l(st);
      } catch (err) {
        log.error({ event: EVENT.health_listener_error, err }, 'transition listener threw');
      }
    }
  }

  function apply(r: Rec, step: { state: HealthState; transition?: Transition }): void {
    const before = r.state.nextCheckAt;
    r.state = step.state;
    if (step.transition) emit(r, step.transition);
    if (r.state.nextCheckAt !== before) arm();
  }

  // ---- active checks ----
  function targetOf(r: Rec, address: string): CheckTarget {
    return {
      host: address,
      port: r.server.checkPort ?? r.server.port,
      ssl: r.server.checkSsl,
      rejectUnauthorized: r.server.verify === 'required',
      ...(r.server.hostname !== undefined ? { servername: r.server.hostname } : {}),
    };
  }

  function startCheck(r: Rec): void {
    const address = r.address;
    if (address === undefined) return;
    const ac = new AbortController();
    r.inflight = ac;
    const startedAt = clock.now();
    r.counters.checks++;
    track(
      checker(r.spec, targetOf(r, address), { timing: r.timing, signal: ac.signal, now: () => clock.now() }).then((res) => {
        if (r.inflight === ac) r.inflight = undefined;
        if (stopped || ac.signal.aborted || res.status === 'ABORTED') {
          arm();
          return;
        }
        r.lastCheck = res;
        if (!res.ok) r.counters.checkFailures++;
        // A check against an address that has since changed is stale.
        if (r.address !== address) {
          arm();
          return;
        }
        const prevHealth = r.state.health;
        apply(r, applyCheckResult(r.cfg, r.state, res, startedAt, clock.now()));
        if (r.state.health !== prevHealth) logCheck(r, res);
        arm();
      }),
    );
  }

  /** HAProxy `option log-health-checks` wording, at debug level: every check that moved health. */
  function logCheck(r: Rec, res: CheckResult): void {
    if (!log.isLevelEnabled('debug')) return;
    const { rise, fall } = r.cfg;
    const h = r.state.health;
    const status = h >= rise ? `${h - rise + 1}/${fall} UP` : `${h}/${rise} DOWN`;
    let msg = `Health check for server ${r.backend.name}/${r.server.name} ${res.ok ? 'succeeded' : 'failed'}, reason: ${res.reason}`;
    if (res.code !== undefined) msg += `, code: ${res.code}`;
    if (res.detail !== undefined) msg += `, info: "${res.detail}"`;
    msg += `, check duration: ${res.durationMs}ms, status: ${status}.`;
    log.debug({ event: EVENT.health_check, backend: r.backend.name, server: r.server.name, ok: res.ok, reason: res.reason, health: h }, msg);
  }

  // ---- addresses ----
  function setAddress(r: Rec, address: string | undefined, reason: string): void {
    const prev = r.address;
    if (prev === address) return;
    r.address = address;
    r.inflight?.abort();
    r.inflight = undefined;
    const be = r.backend.name;
    const sv = r.server.name;
    log.info(
      { event: EVENT.server_address, backend: be, server: sv, from: prev ?? null, to: address ?? null, reason },
      `${be}/${sv} changed its IP from ${prev ?? 'none'} to ${address ?? 'none'} (${reason})`,
    );
    for (const l of addressListeners) {
      try {
        l(be, sv, address);
      } catch (err) {
        log.error({ event: EVENT.health_listener_error, err }, 'address listener threw');
      }
    }
    const now = clock.now();
    if (prev === undefined || address === undefined) apply(r, applyAddress(r.cfg, r.state, address !== undefined, reason, now));
    else apply(r, { state: recheckNow(r.cfg, r.state, now) });
    arm();
  }

  async function initAddress(r: Rec): Promise<void> {
    const host = r.server.hostname!;
    const key = `${r.backend.name}/${r.server.name}`;
    const methods = r.server.initAddr.length ? r.server.initAddr : (['last', 'libc'] as const);
    let failure = 'DNS: no init-addr method succeeded';
    for (const m of methods) {
      if (stopped) return;
      if (m === 'last') {
        const last = opts.lastAddresses?.get(key);
        if (last !== undefined) return found(last, 'init-addr last');
        continue;
      }
      if (m === 'none') {
        failure = 'DNS: init-addr none';
        break;
      }
      if (m === 'libc') {
        r.counters.dnsQueries++;
        const a = await resolver.lookup(host);
        if (stopped) return;
        if (a.status === 'valid' && a.addresses.length) return found(a.addresses[0]!, 'init-addr libc');
        r.counters.dnsFailures++;
        failure = `DNS: libc could not resolve ${host} (${a.detail ?? a.status})`;
        continue;
      }
      return found(m.ip, 'init-addr ip');
    }
    // HAProxy refuses to start here; halb keeps the server DOWN and the daemon up.
    r.state = { ...r.state, reason: failure };
    log.warn({ event: EVENT.server_unresolved, backend: r.backend.name, server: r.server.name, hostname: host, reason: failure }, `${key} is DOWN, reason: ${failure}`);
    if (r.dnsSection) scheduleDns(r, clock.now());

    function found(address: string, how: string): void {
      r.dns = { address, lastValidAt: clock.now(), lastStatus: 'valid' };
      setAddress(r, address, `DNS: ${how} resolved ${host} to ${address}`);
      if (r.dnsSection) scheduleDns(r, clock.now() + resolvePeriod(r.dnsSection));
    }
  }

  function scheduleDns(r: Rec, at: number): void {
    r.dnsNextAt = at;
    arm();
  }

  function startDnsQuery(r: Rec): void {
    const section = r.dnsSection;
    if (!section) return;
    const ac = new AbortController();
    r.dnsInflight = ac;
    r.counters.dnsQueries++;
    track(
      resolver.query(section, r.server.hostname!, ac.signal).then((answer: DnsAnswer) => {
        if (r.dnsInflight === ac) r.dnsInflight = undefined;
        if (stopped || ac.signal.aborted) return;
        if (answer.status !== 'valid') r.counters.dnsFailures++;
        const now = clock.now();
        const d = onDnsAnswer(r.dns, answer, section.hold, now);
        r.dns = d.track;
        if (answer.status !== 'valid') {
          log.debug({ event: EVENT.dns_failure, backend: r.backend.name, server: r.server.name, status: answer.status, detail: answer.detail }, 'DNS resolution failed');
        }
        if (d.change) setAddress(r, d.change.address, d.change.reason);
        else if (r.address === undefined && answer.status !== 'valid') r.state = { ...r.state, reason: `DNS: ${answer.status}` };
        scheduleDns(r, now + resolvePeriod(section));
      }),
    );
  }

  // ---- API ----
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
        const p = initAddress(r);
        // libc lookups cannot be cancelled: stop() does not wait for them.
        track(p, false);
        inits.push(p.catch(() => undefined));
      }
      readyPromise = Promise.all(inits).then(() => undefined);
      arm();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (timer !== undefined) timers.clear(timer);
      timer = undefined;
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
      apply(r, applyPassiveFailure(r.cfg, r.state, kind, clock.now()));
    },
    reportSuccess(backend, server) {
      const r = byBackend.get(backend)?.get(server);
      if (!r || r.state.passiveErrors === 0) return;
      r.state = applyPassiveSuccess(r.state);
    },
    onTransition(listener) {
      transitionListeners.add(listener);
      return () => transitionListeners.delete(listener);
    },
    onAddressChange(listener) {
      addressListeners.add(listener);
      return () => addressListeners.delete(listener);
    },
    addressOf(backend, server) {
      return byBackend.get(backend)?.get(server)?.address;
    },
    snapshot() {
      return recs.map((r) => ({
        backend: r.backend.name,
        server: r.server.name,
        state: r.state.op,
        backup: r.server.backup,
        checked: r.cfg.check,
        health: r.state.health,
        rise: r.cfg.rise,
        fall: r.cfg.fall,
        address: r.address,
        ...(r.server.hostname !== undefined ? { hostname: r.server.hostname } : {}),
        reason: r.state.reason,
        ...(r.lastCheck ? { lastCheck: r.lastCheck } : {}),
        ...(r.lastChangeAt !== undefined ? { lastChangeAt: r.lastChangeAt } : {}),
        ...(r.state.nextCheckAt !== undefined ? { nextCheckAt: r.state.nextCheckAt } : {}),
        history: r.history.list(),
        counters: { ...r.counters },
      }));
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
