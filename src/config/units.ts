// Durations and numbers as HAProxy writes them. Pure module.
//
// HAProxy time format (configuration.txt §2.5): an integer with an optional unit
// us|ms|s|m|h|d; no unit means milliseconds. halb's model is in milliseconds, so
// microseconds become fractions. halb.yaml also accepts a decimal ("1.5s").

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export const DURATION_RE = /^(\d+(?:\.\d+)?)(us|ms|s|m|h|d)?$/;

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

export function parseDuration(text: string, opts: { allowDecimal?: boolean } = {}): Parsed<number> {
  const m = DURATION_RE.exec(text.trim());
  if (!m) return { ok: false, reason: `invalid time '${text}' (expected a number with an optional unit us, ms, s, m, h or d)` };
  if (!opts.allowDecimal && m[1]!.includes('.')) return { ok: false, reason: `invalid time '${text}': HAProxy accepts whole numbers only` };
  const value = Number(m[1]) * UNIT_MS[m[2] ?? 'ms']!;
  if (!Number.isFinite(value) || value > 2_147_483_647) return { ok: false, reason: `time '${text}' is too large (max 24d)` };
  return { ok: true, value };
}

/** Shortest exact text for a millisecond value, for emitting halb.yaml. */
export function formatDuration(ms: number): string {
  if (!Number.isInteger(ms)) return `${Math.round(ms * 1000)}us`;
  for (const [unit, f] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1000],
  ] as const) {
    if (ms !== 0 && ms % f === 0) return `${ms / f}${unit}`;
  }
  return `${ms}ms`;
}

export function parseUint(text: string, min = 0, max = Number.MAX_SAFE_INTEGER): Parsed<number> {
  if (!/^\d+$/.test(text)) return { ok: false, reason: `'${text}' is not a whole number` };
  const n = Number(text);
  if (n < min || n > max) return { ok: false, reason: `${n} is out of range ${min}-${max}` };
  return { ok: true, value: n };
}
