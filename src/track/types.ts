// What tracking tells the VRRP runtime. A TrackChange is emitted when a tracked object's
// verdict changes; the runtime recomputes the instance's effective priority with
// `effectivePriority` (priority.ts) from the statuses the tracker keeps.

export type TrackKind = 'script' | 'interface' | 'file';

/** Status of a tracked object as keepalived sees it: scripts start 'unknown' until their first result. */
export type TrackStatus = 'unknown' | 'ok' | 'failed';

export interface TrackChange {
  readonly kind: TrackKind;
  readonly name: string;
  /** Scripts and interfaces: the new verdict. Files: value !== 0 is reported as ok=false for weight-0 users. */
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
