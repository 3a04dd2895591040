// Waiting on a condition instead of sleeping: the lab's waitFor with test defaults
// (a short poll interval, for in-process state that changes within milliseconds).
import { waitFor } from '../../src/lab/wait.js';

/**
 * Polls `probe` every `intervalMs` until it returns something other than undefined/false and
 * returns that value; rejects naming `what` after `timeoutMs` (not scaled: pass `scaled(n)`).
 */
export function eventually<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number, intervalMs = 5): Promise<T> {
  return waitFor(what, probe, { timeoutMs, intervalMs });
}
