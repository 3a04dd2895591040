// Pure rise/fall core: one server's operational state, driven by check results,
// passive errors from the proxy and address (DNS) changes. Time is a value
// (`now`, monotonic ms); every function returns the new state, the transition to
// log (if any) and the next check deadline as data. No node:* imports, no timers.
//
// Model: HAProxy's `check->health` counter (src/check.c set_server_check_status):
//   health ∈ [0, rise+fall-1]; the server is UP iff health >= rise.
//   - check passed: health++, and once health >= rise it jumps to rise+fall-1
//     ("OK now"): a single success while going down restores fully-UP.
//   - check failed: health--, and once health < rise it drops to 0: a single
//     failure while going up restores fully-DOWN.
// So from a stable state exactly `fall` consecutive failures take a server DOWN
// and `rise` consecutive successes bring it back, as the manual says.
//
// Starting state (HAProxy server.c: "health = rise; up, but will fall down at first
// failure", and `init-state up`, the default): a checked server starts UP with
// health = rise, so it serves traffic at once but its FIRST failed check marks it
// DOWN, and it runs at `fastinter` until fully up. halb keeps this choice: a freshly
// (re)started balancer must not black-hole traffic for fall × inter, and a server
// that is dead at start is caught by the very first check.
//
// Transition matrix (op state; MAINT = `disabled`, never left at runtime here):
//
//   from \ event | check ok            | check failed          | passive ×limit | address lost | address found
//   -------------+---------------------+-----------------------+----------------+--------------+--------------------
//   UP           | UP (health → max)   | UP, or DOWN at health<rise | DOWN      | DOWN         | -
//   DOWN         | UP at health>=rise  | DOWN (health → 0)     | ignored        | DOWN         | UP, health=rise, check now
//   MAINT        | ignored             | ignored               | ignored        | ignored      | ignored
//
// Intervals (manual, "inter/fastinter/downinter" table):
//   fully UP (health = rise+fall-1) → inter; fully DOWN (health 0) → downinter ?? inter;
//   transitional or not yet checked → fastinter ?? inter.

import type { ServerOpState, PassiveFailure } from './types.js';
import type { CheckResult } from './check-status.js';

export interface RiseFallConfig {
  readonly rise: number;
  readonly fall: number;
  readonly inter: number;
  readonly fastinter?: number;
  readonly downinter?: number;
  /** Active checks configured (`check` on the server line). */
  readonly check: boolean;
  /** `disabled`: MAINT, never checked, never UP. */
  readonly disabled: boolean;
  /**
   * Consecutive passive errors (refused/reset/timeout before any response byte) that
   * mark the server DOWN at once — HAProxy `observe layer4` + `error-limit` +
   * `on-error mark-down`. 0 disables passive observation.
   */
  readonly errorLimit: number;
}

export interface HealthState {
  readonly op: ServerOpState;
  /** HAProxy check->health; meaningful only when `check` is on. */
  readonly health: number;
  readonly passiveErrors: number;
  /** False while the server's hostname has no usable address (checks paused, DOWN). */
  readonly hasAddress: boolean;
  /** Absolute monotonic ms of the next active check; undefined = none scheduled. */
  readonly nextCheckAt: number | undefined;
  /** Why the server is in its current state / what the last check said. */
  readonly reason: string;
  readonly code?: number;
}

export interface Transition {
  readonly from: ServerOpState;
  readonly to: ServerOpState;
  readonly reason: string;
  readonly code?: number;
  readonly checkDurationMs?: number;
  readonly detail?: string;
  readonly at: number;
}

export interface Step {
  readonly state: HealthState;
  readonly transition?: Transition;
}

const PASSIVE_REASON: Readonly<Record<PassiveFailure, string>> = {
  refused: 'passive: connection refused',
  reset: 'passive: connection reset',
  timeout: 'passive: connect timeout',
};

export function maxHealth(cfg: RiseFallConfig): number {
  return cfg.rise + cfg.fall - 1;
}

export interface InitialOptions {
  readonly now: number;
  /** Delay before the first check (spreading, see firstCheckOffsets). */
  readonly firstCheckDelay: number;
  readonly hasAddress: boolean;
  /** Reason shown while the address is missing, e.g. 'DNS: resolving'. */
  readonly noAddressReason?: string;
}

export function initialState(cfg: RiseFallConfig, o: InitialOptions): HealthState {
  if (cfg.disabled) {
    return { op: 'MAINT', health: 0, passiveErrors: 0, hasAddress: o.hasAddress, nextCheckAt: undefined, reason: 'disabled' };
  }
  if (!o.hasAddress) {
    return {
      op: 'DOWN',
      health: 0,
      passiveErrors: 0,
      hasAddress: false,
      nextCheckAt: undefined,
      reason: o.noAddressReason ?? 'DNS: name not resolved',
    };
  }
  if (!cfg.check) {
    return { op: 'UP', health: maxHealth(cfg), passiveErrors: 0, hasAddress: true, nextCheckAt: undefined, reason: 'no check' };
  }
  return {
    op: 'UP',
    health: cfg.rise,
    passiveErrors: 0,
    hasAddress: true,
    nextCheckAt: o.now + Math.max(0, o.firstCheckDelay),
    reason: 'not checked yet',
  };
}

/** Interval to the next check for a given health (manual's inter/fastinter/downinter table). */
export function checkInterval(cfg: RiseFallConfig, health: number): number {
  if (health >= maxHealth(cfg)) return cfg.inter;
  if (health <= 0) return cfg.downinter ?? cfg.inter;
  return cfg.fastinter ?? cfg.inter;
}

/**
 * Checks keep a fixed cadence measured from their start times; slots missed while a
 * slow check ran are skipped, never run in a burst. A check that took its whole
 * timeout (= inter) is followed immediately by the next one, so a hanging server is
 * marked DOWN after fall × inter, not fall × 2·inter.
 */
export function nextDeadline(startedAt: number, interval: number, now: number): number {
  const iv = Math.max(1, interval);
  let next = startedAt + iv;
  if (next < now) next += Math.ceil((now - next) / iv) * iv;
  return next;
}

function withCode<T extends object>(o: T, code: number | undefined): T {
  return code === undefined ? o : { ...o, code };
}

/** Apply one active check result. `startedAt` is when that check began. */
export function applyCheckResult(cfg: RiseFallConfig, s: HealthState, r: CheckResult, startedAt: number, now: number): Step {
  // A result that lands after the server went to MAINT or lost its address is stale.
  if (!cfg.check || s.op === 'MAINT' || !s.hasAddress) return { state: s };
  const max = maxHealth(cfg);
  let health = s.health;
  if (r.ok) {
    if (health < max) {
      health += 1;
      if (health >= cfg.rise) health = max;
    }
  } else if (health > 0) {
    health -= 1;
    if (health < cfg.rise) health = 0;
  }
  const op: ServerOpState = health >= cfg.rise ? 'UP' : 'DOWN';
  const base: HealthState = {
    op,
    health,
    // HAProxy clears consecutive_errors when a check passes.
    passiveErrors: r.ok ? 0 : s.passiveErrors,
    hasAddress: true,
    nextCheckAt: nextDeadline(startedAt, checkInterval(cfg, health), now),
    reason: r.reason,
  };
  const state = withCode(base, r.code);
  if (op === s.op) return { state };
  const t: Transition = {
    from: s.op,
    to: op,
    reason: r.reason,
    checkDurationMs: r.durationMs,
    at: now,
    ...(r.code !== undefined ? { code: r.code } : {}),
    ...(r.detail !== undefined ? { detail: r.detail } : {}),
  };
  return { state, transition: t };
}

/**
 * A connection from the proxy failed before any response byte. After `errorLimit`
 * consecutive ones the server is marked DOWN at once (health 0, so it needs `rise`
 * good checks to return) and its next check is pulled in to fastinter — HAProxy's
 * `on-error mark-down` ("mark the server immediately down and force fastinter").
 * Like HAProxy's `observe`, this needs active checks: without them nothing could
 * ever bring the server back.
 */
export function applyPassiveFailure(cfg: RiseFallConfig, s: HealthState, kind: PassiveFailure, now: number): Step {
  if (!cfg.check || cfg.errorLimit <= 0 || s.op !== 'UP' || !s.hasAddress) return { state: s };
  const errors = s.passiveErrors + 1;
  if (errors < cfg.errorLimit) return { state: { ...s, passiveErrors: errors } };
  const reason = PASSIVE_REASON[kind];
  const recheck = now + (cfg.fastinter ?? cfg.inter);
  const state: HealthState = {
    op: 'DOWN',
    health: 0,
    passiveErrors: 0,
    hasAddress: true,
    nextCheckAt: s.nextCheckAt === undefined ? recheck : Math.min(s.nextCheckAt, recheck),
    reason,
  };
  return {
    state,
    transition: { from: 'UP', to: 'DOWN', reason, detail: `Detected ${errors} consecutive errors, last one was: ${kind}`, at: now },
  };
}

/** A proxied connection/response succeeded: the consecutive-error count restarts. */
export function applyPassiveSuccess(s: HealthState): HealthState {
  return s.passiveErrors === 0 ? s : { ...s, passiveErrors: 0 };
}

/**
 * The server's address appeared or vanished (DNS). Losing it takes the server DOWN
 * and pauses checks; regaining it brings a checked server back "UP, but will fall
 * down at first failure" (as at start, and as HAProxy does when a server leaves
 * resolution maintenance) with a check right away; an unchecked one is simply UP.
 */
export function applyAddress(cfg: RiseFallConfig, s: HealthState, hasAddress: boolean, reason: string, now: number): Step {
  if (s.op === 'MAINT') return { state: { ...s, hasAddress } };
  if (hasAddress === s.hasAddress) return { state: s };
  if (!hasAddress) {
    const state: HealthState = { op: 'DOWN', health: 0, passiveErrors: 0, hasAddress: false, nextCheckAt: undefined, reason };
    return s.op === 'DOWN' ? { state } : { state, transition: { from: s.op, to: 'DOWN', reason, at: now } };
  }
  const state: HealthState = cfg.check
    ? { op: 'UP', health: cfg.rise, passiveErrors: 0, hasAddress: true, nextCheckAt: now, reason }
    : { op: 'UP', health: maxHealth(cfg), passiveErrors: 0, hasAddress: true, nextCheckAt: undefined, reason };
  return { state, transition: { from: s.op, to: 'UP', reason, at: now } };
}

/**
 * First-check offsets: HAProxy's start_checks() starts the checks of n servers at
 * `inter × pos / n` so that they do not all hit at once (no thundering herd) and the
 * cadence stays spread afterwards.
 */
export function firstCheckOffsets(inters: readonly number[]): number[] {
  const n = inters.length;
  return inters.map((inter, i) => Math.floor((inter * i) / Math.max(1, n)));
}

export interface CheckTiming {
  /** Max time to establish the TCP connection ('Layer4 timeout'). */
  readonly connectMs: number;
  /** When `timeout check` is set: time allowed after the connection is up. */
  readonly afterConnectMs?: number;
  /** Without `timeout check`: the whole check (connect + exchange) must fit in this. */
  readonly totalMs?: number;
}

/**
 * HAProxy manual, `timeout check`: "If set, HAProxy uses min("timeout connect",
 * "inter") as a connect timeout for check and "timeout check" as an additional read
 * timeout. [...] If "timeout check" is not set HAProxy uses "inter" for complete check
 * timeout (connect + read)".
 */
export function checkTiming(inter: number, timeoutCheck?: number, timeoutConnect?: number): CheckTiming {
  if (timeoutCheck !== undefined) {
    return { connectMs: Math.min(timeoutConnect ?? inter, inter), afterConnectMs: timeoutCheck };
  }
  return { connectMs: inter, totalMs: inter };
}

/** The address changed under a checked server: judge the new one right away. */
export function recheckNow(cfg: RiseFallConfig, s: HealthState, now: number): HealthState {
  if (!cfg.check || s.op === 'MAINT' || !s.hasAddress) return s;
  return { ...s, nextCheckAt: now };
}
