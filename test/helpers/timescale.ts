// One knob scales every timing margin in the tests (HAProxy's reg-tests do the same):
// HALB_TEST_TIMESCALE=3 on a slow or shared machine. The lab reads the same variable.
import { timescale } from '../../src/lab/root.js';

export const TIMESCALE = timescale();

/** `ms` multiplied by HALB_TEST_TIMESCALE, rounded to whole milliseconds. */
export function scaled(ms: number): number {
  return Math.round(ms * TIMESCALE);
}
