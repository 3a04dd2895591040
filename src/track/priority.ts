// Effective priority of a VRRP instance from its base priority and tracked items, with
// keepalived 2.2.7's rules (vrrp_track.c, trackers/track_file.c, vrrp.c):
// - weight 0: the item failing puts the instance in FAULT ('reverse': the item being OK does);
// - weight W > 0 adds W while the item is OK, W < 0 adds W (subtracts) while it fails;
//   'reverse' flips the sign of the adjustment;
// - a track file contributes value x weight (x -1 with reverse), clamped to 253; below -253
//   it is a FAULT; with weight 0 a non-zero value is a FAULT (reverse: a zero value);
// - the sum is clamped to 1..254; an address owner (255) keeps 255 whatever the weights;
// - a weight-0 script that has not reported yet keeps the instance from starting (pending).
// Pure.

import type { TrackKind, TrackReading, TrackedItem } from './types.js';

export interface PriorityVerdict {
  /** 1..254, or 255 for the owner. */
  readonly priority: number;
  /** Items that put the instance in FAULT, as "kind:name". */
  readonly faults: readonly string[];
  /** Weight-0 scripts without a first result: the instance should wait in INIT. */
  readonly pending: readonly string[];
  readonly fault: boolean;
}

const OWNER_PRIORITY = 255;

/** What one item adds to the priority, or 'fault'. */
export function itemContribution(item: TrackedItem): number | 'fault' | 'pending' {
  const m = item.reverse ? -1 : 1;
  if (item.kind === 'file') {
    if (item.weight === 0) return (item.value !== 0) !== item.reverse ? 'fault' : 0;
    const v = item.value * item.weight * m;
    if (v < -253) return 'fault';
    return Math.min(253, v);
  }
  if (item.status === 'unknown') return item.weight === 0 && item.kind === 'script' ? 'pending' : 0;
  const ok = item.status === 'ok';
  if (item.weight === 0) return ok !== !item.reverse ? 'fault' : 0;
  if (ok) return item.weight > 0 ? item.weight * m : 0;
  return item.weight < 0 ? item.weight * m : 0;
}

export function effectivePriority(base: number, items: readonly TrackedItem[]): PriorityVerdict {
  let total = base;
  const faults: string[] = [];
  const pending: string[] = [];
  for (const it of items) {
    const c = itemContribution(it);
    if (c === 'fault') faults.push(`${it.kind}:${it.name}`);
    else if (c === 'pending') pending.push(`${it.kind}:${it.name}`);
    else total += c;
  }
  const priority = base >= OWNER_PRIORITY ? OWNER_PRIORITY : Math.max(1, Math.min(254, total));
  return { priority, faults, pending, fault: faults.length > 0 };
}

/** A tracked item as an instance's configuration resolves it (vrrp/machine-config.ts). */
export interface TrackWeight {
  readonly kind: TrackKind;
  readonly name: string;
  readonly weight: number;
  readonly reverse: boolean;
}

/**
 * The item with its latest reading, as the VRRP state machine sees it: a script or interface
 * that has not reported yet counts as OK (the daemon's rule since the start), a file as 0.
 */
export function trackedItem(t: TrackWeight, r: TrackReading | undefined): TrackedItem {
  if (t.kind === 'file') {
    const value = r === undefined ? 0 : 'value' in r ? r.value : r.ok ? 0 : 1;
    return { kind: 'file', name: t.name, weight: t.weight, reverse: t.reverse, value };
  }
  const ok = r === undefined ? true : 'ok' in r ? r.ok : r.value === 0;
  return { kind: t.kind, name: t.name, weight: t.weight, reverse: t.reverse, status: ok ? 'ok' : 'failed' };
}
