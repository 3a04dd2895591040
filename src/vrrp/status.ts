// What the runtime reports per instance (admin status page, metrics, keepalived.data). Pure.
import type { Phase } from './machine.js';
import type { CoordinatorState } from './group.js';

export interface InstanceStatus {
  readonly name: string;
  readonly state: Phase;
  readonly priority: number;
  readonly master?: string;
  /** The followed master's advertised priority (with `master`). */
  readonly masterPriority?: number;
  readonly since: number;
  /** Address our adverts leave from. */
  readonly sourceIp?: string;
  /** Tracked items (scripts, interfaces, files) reporting a failure now. */
  readonly failingTracks?: number;
}

export function instanceStatus(coord: CoordinatorState, sourceIp: (name: string) => string | undefined): InstanceStatus[] {
  return coord.machines.map((m) => {
    const src = sourceIp(m.cfg.name);
    return {
      name: m.cfg.name,
      state: m.phase,
      priority: m.priority,
      since: m.since,
      ...(m.master ? { master: m.master.address, masterPriority: m.master.priority } : {}),
      ...(src ? { sourceIp: src } : {}),
      failingTracks: Object.values(m.tracks).filter((r) => ('ok' in r ? !r.ok : r.value !== 0)).length,
    };
  });
}
