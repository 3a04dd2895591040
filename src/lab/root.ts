// Scenario tests, the failover bench and `halb lab` need root and working `ip netns`; everything
// else skips with this reason instead of failing.
import { run } from './run.js';

export const SKIP_REASON = 'scenario tests need root and ip netns; skipping';

let cached: Promise<string | undefined> | undefined;

/** undefined when the lab can run here, otherwise the reason to skip. */
export function requireRoot(): Promise<string | undefined> {
  cached ??= probe();
  return cached;
}

async function probe(): Promise<string | undefined> {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return `${SKIP_REASON} (not root)`;
  const r = await run('ip', ['netns', 'list'], { allowFail: true, timeoutMs: 5000 });
  if (r.code !== 0) return `${SKIP_REASON} (ip netns list: ${r.stderr.trim() || `exit ${r.code}`})`;
  return undefined;
}

/** Timing margin multiplier for slow or shared machines (env HALB_TEST_TIMESCALE, default 1). */
export function timescale(): number {
  const v = Number(process.env.HALB_TEST_TIMESCALE ?? '1');
  return Number.isFinite(v) && v > 0 ? v : 1;
}
