// Outage analysis of a prober run, pure. What the client saw is the only ground truth (MetalLB's
// e2e tests assert the same way): who answered, and how long nobody did.

export interface Attempt {
  readonly i: number;
  /** Start and end, ms on the prober's clock. */
  readonly s: number;
  readonly e: number;
  readonly ok: boolean;
  readonly node?: string;
  readonly err?: string;
}

export interface Mark {
  readonly name: string;
  readonly t: number;
}

export interface OutageReport {
  readonly attempts: number;
  readonly ok: number;
  readonly failed: number;
  /** Failed attempts started at or after the event mark. */
  readonly failedAfterEvent: number;
  /** Longest time between two consecutive answers (by end time) in the whole run, ms. */
  readonly longestGapMs: number;
  /**
   * From the start of the first failed attempt at/after the event to the answer of the first
   * attempt started after it that succeeded, ms; 0 when nothing failed after the event; undefined
   * when it never recovered.
   */
  readonly outageMs: number | undefined;
  /** Answers per node, after the event. */
  readonly answeredBy: Readonly<Record<string, number>>;
  readonly firstNodeAfterRecovery?: string;
}

export function analyzeOutage(attempts: readonly Attempt[], eventT = 0): OutageReport {
  const byStart = [...attempts].sort((a, b) => a.s - b.s || a.i - b.i);
  const okByEnd = byStart
    .filter((a) => a.ok)
    .map((a) => a.e)
    .sort((x, y) => x - y);
  let longestGapMs = 0;
  for (let k = 1; k < okByEnd.length; k++) longestGapMs = Math.max(longestGapMs, okByEnd[k]! - okByEnd[k - 1]!);
  const after = byStart.filter((a) => a.s >= eventT);
  const answeredBy: Record<string, number> = {};
  for (const a of after) if (a.ok && a.node) answeredBy[a.node] = (answeredBy[a.node] ?? 0) + 1;
  const firstFail = after.find((a) => !a.ok);
  let outageMs: number | undefined = 0;
  let firstNodeAfterRecovery: string | undefined;
  if (firstFail) {
    const rec = after.find((a) => a.s > firstFail.s && a.ok);
    outageMs = rec ? rec.e - firstFail.s : undefined;
    firstNodeAfterRecovery = rec?.node;
  }
  const failed = byStart.filter((a) => !a.ok).length;
  return {
    attempts: byStart.length,
    ok: byStart.length - failed,
    failed,
    failedAfterEvent: after.filter((a) => !a.ok).length,
    longestGapMs: Math.round(longestGapMs * 10) / 10,
    outageMs: outageMs === undefined ? undefined : Math.round(outageMs * 10) / 10,
    answeredBy,
    ...(firstNodeAfterRecovery ? { firstNodeAfterRecovery } : {}),
  };
}

/** The node that answered the last `n` attempts (by start), if they all succeeded from one node. */
export function steadyNode(attempts: readonly Attempt[], n: number): string | undefined {
  if (attempts.length < n) return undefined;
  const last = [...attempts].sort((a, b) => a.s - b.s).slice(-n);
  const first = last[0]!;
  return last.every((a) => a.ok && a.node === first.node) ? first.node : undefined;
}
