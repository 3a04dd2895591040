// What the monitor's parts (check runner, DNS, transitions) share: the clock, the logger,
// and three callbacks into the monitor that composes them. Passed in, never global, so
// two monitors can run side by side in one process.
import type { Logger } from '../log/logger.js';
import type { Clock } from '../util/clock.js';
import type { HealthState, Transition } from './rise-fall.js';
import type { ServerRec } from './server-record.js';

export interface MonitorContext {
  readonly clock: Clock;
  readonly log: Logger;
  /** True once stop() was called: late results are dropped. */
  stopped(): boolean;
  /** Keep a promise for stop() to wait on (unless waitOnStop is false) and log its failure. */
  track(p: Promise<unknown>, waitOnStop?: boolean): void;
  /** Re-arm the monitor's timer on the earliest deadline. */
  arm(): void;
  /** Store a rise/fall step's state, log its transition, re-arm if the next check moved. */
  apply(r: ServerRec, step: { state: HealthState; transition?: Transition }): void;
}
