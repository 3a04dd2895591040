// Rise/fall of a vrrp_script, as keepalived 2.2.7 counts it (vrrp_scheduler.c
// vrrp_script_child_thread): a counter `result` in 0..rise+fall-1, the script is OK while
// result >= rise. A success moves it up one step until rise-1 and then straight to the top;
// a failure moves it down one step while above rise and then straight to 0. So an OK script
// needs `fall` consecutive failures to fail and a failed one `rise` consecutive successes.
// At start the counter is rise-1 ("one success is enough") and the first result, whatever
// it is, decides; with `init_fail` it starts at 0 and counts as failed.
//
// Runs are started every `interval` from the previous start (keepalived re-arms the timer
// before running the script), the first one at once; a run that is still going when the
// next is due makes that run skipped. A run that exceeds `timeout` (default: the interval)
// is killed and counts as a failure. Pure: `now` in ms comes from the caller.

import type { TrackStatus } from './types.js';

export interface ScriptSpec {
  readonly interval: number;
  readonly timeout?: number;
  readonly rise: number;
  readonly fall: number;
  readonly initFail?: boolean;
}

export interface ScriptState {
  readonly result: number;
  readonly status: TrackStatus;
  readonly running: boolean;
  /** When the next run is due (ms, same clock as `now`). */
  readonly nextRunAt: number;
  /** Runs skipped because the previous one was still running. */
  readonly skipped: number;
}

export function initialScriptState(spec: ScriptSpec, now: number): ScriptState {
  return {
    result: spec.initFail ? 0 : spec.rise - 1,
    status: spec.initFail ? 'failed' : 'unknown',
    running: false,
    nextRunAt: now,
    skipped: 0,
  };
}

export function scriptTimeout(spec: ScriptSpec): number {
  return spec.timeout ?? spec.interval;
}

export type TickDecision = { readonly state: ScriptState; readonly run: boolean };

/** Called when the timer fires (or at any time): decides whether to start a run now. */
export function scriptTick(spec: ScriptSpec, s: ScriptState, now: number): TickDecision {
  if (now < s.nextRunAt) return { state: s, run: false };
  // Re-arm from the due time, not from `now`, so a late timer does not drift the cadence;
  // if we are more than a whole interval late, restart the cadence from now.
  let next = s.nextRunAt + spec.interval;
  if (next <= now) next = now + spec.interval;
  if (s.running) return { state: { ...s, nextRunAt: next, skipped: s.skipped + 1 }, run: false };
  return { state: { ...s, nextRunAt: next, running: true }, run: true };
}

export type ResultDecision = {
  readonly state: ScriptState;
  /** Set when the verdict changed (or the first result arrived): what to tell the instances. */
  readonly change?: 'ok' | 'failed';
};

/** A run finished: `ok` is exit status 0; timeouts, signals and spawn failures are failures. */
export function scriptResult(spec: ScriptSpec, s: ScriptState, ok: boolean): ResultDecision {
  const top = spec.rise + spec.fall - 1;
  const init = s.status === 'unknown';
  let result = s.result;
  let change: 'ok' | 'failed' | undefined;
  if (ok) {
    if (result < spec.rise - 1) result++;
    else if (result !== top) {
      if (result < spec.rise) change = 'ok';
      result = top;
    }
  } else if (result > spec.rise) result--;
  else {
    if (result === spec.rise || init) change = 'failed';
    result = 0;
  }
  const status: TrackStatus = change === 'ok' ? 'ok' : change === 'failed' ? 'failed' : s.status === 'unknown' ? 'unknown' : result >= spec.rise ? 'ok' : 'failed';
  return { state: { ...s, result, status, running: false }, ...(change ? { change } : {}) };
}
