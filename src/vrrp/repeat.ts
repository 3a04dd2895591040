// Rules of the repeat-advert fast path, pure. A backup hears its master's advert every interval
// and, per RFC 5798 §6.4.2, all that advert does is restart the Master_Down_Timer. The transport
// may therefore count byte-identical repeats without waking the runtime (native/halb_native.c,
// transport-memory.ts), and the runtime replays them through the machine, at the time they
// arrived, before it acts on any deadline or other input — so the machine sees the same events at
// the same times as without the fast path. These rules say when that equivalence holds.
import type { ReceivedVrrp } from './transport.js';
import { PRIORITY_STOP, type Phase } from './machine.js';

/**
 * Repeats of an accepted advert may be absorbed when stepping the machine with it emitted no
 * effect and left it in BACKUP (it was in BACKUP before too): stepping again with the same advert
 * is then again effect-free and only moves deadlines. Never for priority 0 (RFC 5798 §6.4.2: sets
 * the timer to Skew_Time; fast takeover acts on it), nor in MASTER (a lower-priority advert is
 * answered at once, §6.4.3), STOPPING (any advert ends the hold) or FAULT/INIT.
 */
export function repeatAbsorbable(priority: number, before: Phase, after: Phase, effects: number): boolean {
  return priority !== PRIORITY_STOP && before === 'BACKUP' && after === 'BACKUP' && effects === 0;
}

/** Same packet as far as validation can tell: source, destination, TTL / hop limit and bytes. */
export function sameReceived(a: ReceivedVrrp, b: ReceivedVrrp): boolean {
  if (a.src !== b.src || a.dst !== b.dst || a.ttl !== b.ttl || a.payload.length !== b.payload.length) return false;
  for (let i = 0; i < a.payload.length; i++) if (a.payload[i] !== b.payload[i]) return false;
  return true;
}
