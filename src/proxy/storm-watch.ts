// When a connection storm is over (pure): the proxy samples its live session count once a second
// and gives memory back (memory-release.ts) when
//   - the count has fallen by at least STORM_MIN_SESSIONS and to half its peak or less (a storm
//     closed: its sessions' memory is garbage now), or
//   - the count has risen by at least STORM_MIN_SESSIONS since the last release and moved by 5% or
//     less in the last second (a storm of connections that stay, e.g. idle ones: what their
//     set-up allocated and dropped is garbage now),
// at most once per RELEASE_GAP_MS. HAProxy's pools keep freed objects too but trim them under
// memory pressure; Node's heap and glibc's arenas otherwise keep a storm's high-water mark for
// the life of the process.

/** Fewer sessions than this opening or closing are not worth a full GC. */
export const STORM_MIN_SESSIONS = 1000;
/** A load that swings by thousands of sessions every few seconds gets one release per gap. */
export const RELEASE_GAP_MS = 5000;

export interface StormWatch {
  /** Highest live count since the last release. */
  readonly peak: number;
  /** Live count at the last release. */
  readonly base: number;
  /** Live count at the previous sample. */
  readonly last: number;
  readonly releasedAt: number;
}

export const initialStormWatch: StormWatch = { peak: 0, base: 0, last: 0, releasedAt: -Infinity };

export function observeLive(w: StormWatch, live: number, now: number): { watch: StormWatch; release: boolean } {
  const peak = Math.max(w.peak, live);
  const closed = peak - live >= STORM_MIN_SESSIONS && live * 2 <= peak;
  const settled = live - w.base >= STORM_MIN_SESSIONS && Math.abs(live - w.last) * 20 <= live;
  if ((closed || settled) && now - w.releasedAt >= RELEASE_GAP_MS) {
    return { watch: { peak: live, base: live, last: live, releasedAt: now }, release: true };
  }
  return { watch: { peak, base: Math.min(w.base, live), last: live, releasedAt: w.releasedAt }, release: false };
}
