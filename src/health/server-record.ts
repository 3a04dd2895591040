// Per-server monitor state: the record every part of the monitor (checks, DNS,
// transitions) works on, built from the config model, with reload carry-over.
import { EVENT } from '../log/events.js';
import type { Backend, HealthCheckSpec, Resolvers, Server } from '../config/model.js';
import type { Logger } from '../log/logger.js';
import type { DnsTrack } from '../dns/resolution.js';
import type { ServerOpState, ServerTransition } from './types.js';
import type { CheckResult } from './check-status.js';
import { checkTiming, initialState, type CheckTiming, type HealthState, type RiseFallConfig } from './rise-fall.js';
import { TransitionHistory } from './history.js';

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

export interface ServerRec {
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

export function zeroCounters(): ServerCounters {
  return { checks: 0, checkFailures: 0, transitions: 0, passiveFailures: 0, dnsQueries: 0, dnsFailures: 0 };
}

export function needsResolution(s: Server): boolean {
  return s.hostname !== undefined;
}

export interface RecordOptions {
  readonly errorLimit: number;
  readonly historySize: number;
  readonly sections: ReadonlyMap<string, Resolvers>;
  readonly carried: ReadonlyMap<string, ServerSnapshot>;
  readonly log: Logger;
}

/** One record for `server`; nothing is scheduled until the monitor starts. */
export function createServerRecord(backend: Backend, server: Server, t0: number, o: RecordOptions): ServerRec {
  const cfg: RiseFallConfig = {
    rise: Math.max(1, server.rise),
    fall: Math.max(1, server.fall),
    inter: Math.max(1, server.inter),
    ...(server.fastinter !== undefined ? { fastinter: server.fastinter } : {}),
    ...(server.downinter !== undefined ? { downinter: server.downinter } : {}),
    check: server.check,
    disabled: server.disabled,
    errorLimit: o.errorLimit,
  };
  const resolving = needsResolution(server);
  const prev = o.carried.get(`${backend.name}/${server.name}`);
  const keep = prev !== undefined && !server.disabled && prev.state !== 'MAINT' && prev.checked === server.check && prev.hostname === server.hostname;
  const address = resolving ? (keep ? prev.address : undefined) : server.address;
  const rec: ServerRec = {
    backend,
    server,
    cfg,
    timing: checkTiming(cfg.inter, backend.timeouts.check, backend.timeouts.connect),
    spec: backend.healthCheck,
    // Before start(), nothing is scheduled; start() sets the first deadlines.
    state: { ...initialState(cfg, { now: t0, firstCheckDelay: 0, hasAddress: !resolving, noAddressReason: 'DNS: resolving' }), nextCheckAt: undefined },
    address,
    dns: { address, lastValidAt: undefined },
    history: new TransitionHistory(o.historySize),
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
    const sec = o.sections.get(server.resolvers);
    if (sec) rec.dnsSection = sec;
    else
      o.log.warn(
        { event: EVENT.resolvers_unknown, backend: backend.name, server: server.name, resolvers: server.resolvers },
        `${backend.name}/${server.name}: resolvers section '${server.resolvers}' not found; no runtime re-resolution`,
      );
  }
  return rec;
}

export function snapshotOf(r: ServerRec): ServerSnapshot {
  return {
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
  };
}
