// When a connection storm is over (pure): the proxy samples its live session count once a second;
// once the count has fallen by at least STORM_MIN_DROP sessions and to half its peak or less, the
// memory those sessions held is given back (memory-release.ts). HAProxy's pools keep freed
// objects too but trim them under memory pressure; Node's heap and glibc's arenas otherwise keep
// the storm's high-water mark for the life of the process.

/** Fewer closed sessions than this are not worth a full GC. */
export const STORM_MIN_DROP = 1000;

export interface StormWatch {
  /** Highest live count since the last release. */
  readonly peak: number;
}

export const initialStormWatch: StormWatch = { peak: 0 };

export function observeLive(w: StormWatch, live: number): { watch: StormWatch; release: boolean } {
  if (live >= w.peak) return { watch: { peak: live }, release: false };
  if (w.peak - live >= STORM_MIN_DROP && live * 2 <= w.peak) return { watch: { peak: live }, release: true };
  return { watch: w, release: false };
}
