// Waiting on events instead of sleeping: poll a condition until it holds or a deadline passes.

export class WaitTimeoutError extends Error {
  readonly code = 'LAB_WAIT_TIMEOUT';
  constructor(
    readonly what: string,
    readonly timeoutMs: number,
    readonly last: unknown,
  ) {
    super(`timed out after ${Math.round(timeoutMs)} ms waiting for ${what}${last === undefined ? '' : ` (last: ${fmt(last)})`}`);
  }
}

function fmt(v: unknown): string {
  if (v instanceof Error) return v.message;
  try {
    return typeof v === 'string' ? v : JSON.stringify(v);
  } catch {
    return String(v);
  }
}

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  readonly signal?: AbortSignal;
}

/**
 * Polls `probe` until it returns something other than undefined/false and returns that value.
 * Exceptions from `probe` count as "not yet" (they are reported if the wait times out).
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, opts: WaitOptions): Promise<T> {
  const deadline = performance.now() + opts.timeoutMs;
  const interval = opts.intervalMs ?? 50;
  let last: unknown;
  for (;;) {
    opts.signal?.throwIfAborted();
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
      last = v;
    } catch (e) {
      last = e;
    }
    const left = deadline - performance.now();
    if (left <= 0) throw new WaitTimeoutError(what, opts.timeoutMs, last);
    await sleep(Math.min(interval, left));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
