// The tracker -> VRRP runtime seam: a tracked item's change crosses as a reading (a status, or
// a track file's integer), never a bare pass/fail, so the state machine can apply keepalived's
// track_file rule (value x weight) in track/priority.ts.
import type { TrackChange } from '../track/types.js';
import { readingOf } from '../track/types.js';
import type { VrrpRuntime } from './runtime.js';

export function feedTrackChange(runtime: Pick<VrrpRuntime, 'setTrack'>, c: TrackChange): void {
  runtime.setTrack(`${c.kind}:${c.name}`, readingOf(c));
}
