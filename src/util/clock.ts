// Time is a value (conventions §1): pure cores receive `now` in ms from a Clock that
// only adapters construct. Monotonic, so wall-clock jumps never fire or stall timers.

export interface Clock {
  /** Monotonic milliseconds (fractional). */
  now(): number;
}

export const monotonicClock: Clock = { now: () => performance.now() };

/** Manually advanced clock for tests and simulations. */
export class ManualClock implements Clock {
  constructor(private t = 0) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): number {
    this.t += ms;
    return this.t;
  }
  set(ms: number): void {
    this.t = ms;
  }
}
