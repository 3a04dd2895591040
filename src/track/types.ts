// What tracking tells the VRRP runtime. A TrackChange is emitted when a tracked object's
// verdict changes; it crosses into the runtime as a TrackReading (a status, or a track file's
// integer), and the state machine computes the effective priority with `effectivePriority`
// (priority.ts), the one place that rule lives.

export type TrackKind = 'script' | 'interface' | 'file';

/** Status of a tracked object as keepalived sees it: scripts start 'unknown' until their first result. */
export type TrackStatus = 'unknown' | 'ok' | 'failed';

export interface TrackChange {
  readonly kind: TrackKind;
  readonly name: string;
  /** Scripts and interfaces: the new verdict. Files: value === 0 (logs only: files cross the seam as values). */
  readonly ok: boolean;
  /** Track files only: the integer read from the file. */
  readonly value?: number;
  /** Why (exit status, signal, timeout, interface event...), for logs. */
  readonly reason?: string;
}

/** One tracked item as seen by one instance: its resolved weight and the object's current status. */
export type TrackedItem =
  | { readonly kind: 'script' | 'interface'; readonly name: string; readonly weight: number; readonly reverse: boolean; readonly status: TrackStatus }
  | { readonly kind: 'file'; readonly name: string; readonly weight: number; readonly reverse: boolean; readonly value: number };

/**
 * What a tracked item reports across the tracker -> runtime seam: scripts and interfaces a
 * status, track files their integer (keepalived adds value x weight, so a boolean loses it).
 */
export type TrackReading = { readonly ok: boolean } | { readonly value: number };

export function readingOf(c: TrackChange): TrackReading {
  return c.kind === 'file' ? { value: c.value ?? (c.ok ? 0 : 1) } : { ok: c.ok };
}
